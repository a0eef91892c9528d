# shellcheck shell=sh
#
# `make demo`, last guest script: wait until ldwatchd has logged every
# alert the module matched, unload the module (ldwatchd logs that the
# sensor stopped), stop ldwatchd, and hand its JSON lines to the host on
# the result channel, each line prefixed with "ldw-demo-ndjson ".

# shellcheck source-path=SCRIPTDIR source=../vm/guest/sensor_lib.sh
. /tests/sensor_lib.sh

# Every alert the module matched is in the file, or 20 s passed.
i=0
while [ $i -lt 200 ]; do
	status_json "$LDW_DIR/status" || break
	matched=$("$EXPECT" get "$LDW_DIR/status" counters.matched) || break
	[ "$("$EXPECT" count "$ALERTS")" -ge "$matched" ] && break
	sleep 0.1
	i=$((i + 1))
done

lines=$(wc -l <"$ALERTS")
if grep -q '^ldwatch ' /proc/modules; then
	rmmod ldwatch && wait_record ldwatch-sensor-stopping 1 10 "$((lines + 1))"
fi
ldwatchd_pid
pid=$STATE
[ -n "$pid" ] && kill -TERM "$pid"
i=0
while [ ! -e "$LDW_DIR/ldwatchd.rc" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "ldwatchd exited with status 0 on SIGTERM" test "$(cat "$LDW_DIR/ldwatchd.rc" 2>/dev/null)" = 0

while IFS= read -r line; do
	printf '\nldw-demo-ndjson %s\n' "$line" >>"$LDW_RESULTS"
done <"$ALERTS"
