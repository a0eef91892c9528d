# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# The last sensor script of the boot: the daemon's life cycle. The module
# unloading sends "sensor stopping" (ldwatchd logs it and keeps running),
# it refuses to load with function tracing off, loading it again
# reconnects ldwatchd, whose next alert is numbered 1;
# SIGTERM ends ldwatchd with status 0, its last line complete.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor
ldwatchd_pid
pid=$STATE

# A fresh output file first (SIGHUP), so that the waits below need not
# read the flood's 10,000 lines again and again.
mv "$ALERTS" "$ALERTS.2"
kill -HUP "$pid"
if fence; then
	state_set fence.seq "$FENCE_SEQ"
else
	not_ok "[ldwatchd: SIGHUP] the next alert goes to a new file"
	sed 's/^/#   /' "$LDW_DIR/fence.stderr"
fi

SCEN="module unload and reload"
unload_module "rmmod ldwatch" 10
check "[$SCEN] ldwatchd keeps running without the module" kill -0 "$pid"
# Function tracing off: the hooks cannot work, and loading says why.
sysctl=/proc/sys/kernel/ftrace_enabled
if [ -e $sysctl ] && (echo 0 >$sysctl) 2>/dev/null; then
	if insmod /lib/ldwatch/ldwatch.ko rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"} 2>/dev/null; then
		not_ok "[$SCEN] insmod fails while kernel.ftrace_enabled=0 (it loaded)"
		rmmod ldwatch
	else
		ok "[$SCEN] insmod fails while kernel.ftrace_enabled=0"
		check "[$SCEN] the kernel log says to turn it on" \
			sh -c 'dmesg | grep -q "function tracing is off (sysctl kernel.ftrace_enabled=0)"'
	fi
	echo 1 >$sysctl
else
	skip "[$SCEN] kernel.ftrace_enabled cannot be turned off here"
fi
check "[$SCEN] insmod ldwatch again" insmod /lib/ldwatch/ldwatch.ko rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}
if wait_record ldwatch-connected 1 20 "$UNLOAD_LINE"; then
	ok "[$SCEN] ldwatchd reconnects (ldwatch-connected)"
	# A new load numbers its alerts from 1 again: the window starts there.
	state_set fence.seq 0
	FENCE_FROM_LINE=$(($(wc -l <"$ALERTS") + 1))
	scenario "$SCEN: an alert after reconnecting"
	op creat /etc/ld.so.preload
	alert creation /etc/ld.so.preload event.sequence=1
	total 1
	collect
else
	not_ok "[$SCEN] ldwatchd reconnects (ldwatch-connected)"
	sed 's/^/#   /' "$LDW_DIR/ldwatchd.stderr"
fi

SCEN="ldwatchd: SIGTERM"
kill -TERM "$pid"
i=0
while [ ! -e "$LDW_DIR/ldwatchd.rc" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -e "$LDW_DIR/ldwatchd.rc" ]; then
	rc=$(cat "$LDW_DIR/ldwatchd.rc")
	check "[$SCEN] ldwatchd exits with status 0 (got $rc)" test "$rc" -eq 0
else
	not_ok "[$SCEN] ldwatchd exits within 10 s"
fi
run_expect check "$ALERTS" --kind any --name "[$SCEN]" --lint
check "[$SCEN] rmmod ldwatch" rmmod ldwatch
if [ -s "$LDW_DIR/ldwatchd.stderr" ]; then
	diag "ldwatchd's stderr:"
	sed 's/^/#   /' "$LDW_DIR/ldwatchd.stderr"
fi
