# shellcheck shell=sh
#
# Sensor scenarios, step 1 of the boot: load ldwatch, start ldwatchd (it
# keeps running for the later sensor_*.sh scripts), and record the module's
# counters before anything happens.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

rm -rf "$LDW_DIR"
sensor_start || exit 1

if check "ldwatchctl status --json answers" status_json "$LDW_DIR/status.start"; then
	run_expect check "$LDW_DIR/status.start" --kind any \
		--desc "status: nothing matched or dropped before any operation" \
		--exactly 1 counters.matched=0 counters.sent=0 dropped_total=0
	run_expect check "$LDW_DIR/status.start" --kind any \
		--desc "status: the rule in force is the rule text's (id, name, version)" \
		--exactly 1 "rule.id=$RULE_ID" "rule.name=$(sed -n 1p "$RULE_TEXT")" \
		"rule.version=$(sed -n 's/^Version: //p' "$RULE_TEXT")"
else
	sed 's/^/#   /' "$LDW_DIR/status.start.stderr"
fi

# A directory anyone may write in, on the same file system as /etc, for
# the unprivileged rename attempts (a rename across mounts fails with
# EXDEV before the kernel asks about permissions).
mkdir -p /ldw-world
chmod 1777 /ldw-world
