# shellcheck shell=sh
#
# No alert is lost over 10,000 target operations: 5,000 creations and
# 5,000 renames, each by one process in a tight C loop (no shell between
# operations), as fast as the guest runs them. Every one of them must be
# logged by ldwatchd, with sequence numbers that run without a gap, no
# health record of a loss, and the module's drop counters at zero.
#
# Runs after sensor_checks.sh rotated ldwatchd's output, so that the file
# holds little else: parsing 10,000 lines is the slow part under TCG.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

N=5000
status_json "$LDW_DIR/status.loop.0"
scenario "10,000 target operations: none lost"
SCEN_LINES=$(wc -l <"$ALERTS")
mkdir -p /etc/ld.so.conf.d
op --repeat $N creat /etc/ld.so.conf.d/loop.conf
creator=$OP_PID
op creat /etc/ld.so.conf.d/ping.conf
alert creation /etc/ld.so.conf.d/ping.conf
op --repeat $N rename /etc/ld.so.conf.d/ping.conf /etc/ld.so.conf.d/pong.conf
renamer=$OP_PID
diag "[$SCEN] 10,001 operations done"
scenario_took
alerts $N event.action=creation file.path=/etc/ld.so.conf.d/loop.conf "process.pid=$creator"
alerts $((N / 2)) event.action=rename file.path=/etc/ld.so.conf.d/pong.conf \
	file.Ext.original.path=/etc/ld.so.conf.d/ping.conf "process.pid=$renamer"
alerts $((N / 2)) event.action=rename file.path=/etc/ld.so.conf.d/ping.conf \
	file.Ext.original.path=/etc/ld.so.conf.d/pong.conf "process.pid=$renamer"
spec contiguous
total $((2 * N + 1))
cleanup_targets
collect_lines $((2 * N + 1)) --kind event --no-window \
	--none event.action=ldwatch-alerts-lost --none event.action=ldwatch-socket-overrun

if status_json "$LDW_DIR/status.loop.1"; then
	run_expect check "$LDW_DIR/status.loop.1" --kind any --name "[$SCEN]" \
		--desc "the module's drop counters are all zero (dropped_total)" \
		--exactly 1 dropped_total=0
	m0=$("$EXPECT" get "$LDW_DIR/status.loop.0" counters.matched)
	m1=$("$EXPECT" get "$LDW_DIR/status.loop.1" counters.matched)
	if [ $((m1 - m0)) -eq $((2 * N + 1)) ]; then
		ok "[$SCEN] counters.matched grew by $((2 * N + 1))"
	else
		not_ok "[$SCEN] counters.matched grew by $((2 * N + 1)) (by $((m1 - m0)))"
	fi
else
	not_ok "[$SCEN] ldwatchctl status --json answers"
fi
