# shellcheck shell=sh
#
# Lost alerts are reported, never silent; a slow listener loses nothing.
#
# Runs after sensor_stop.sh, with the module unloaded and that ldwatchd
# gone: each scenario loads the module with its own parameters and starts
# its own ldwatchd writing its own file, so that every number below follows
# from the scenario alone.
#
# The expectations come from the protocol (include/ldwatch/netlink.h and
# README.md "Receiving alerts"), not from the code:
# - every alert and every drop takes the next sequence number, from 1 for
#   each load of the module; a dropped alert leaves its number as a hole;
# - the delivery queue holds alerts while nobody listens, at most
#   queue_max_alerts of them; an alert that finds it full is dropped and
#   counted as queue_full;
# - ldwatchd turns a hole into an ldwatch-alerts-lost record (first number,
#   count) when a later number reveals it, and writes the module's drop
#   counters (ldwatch-drop-counters) on connecting and whenever they change;
# - a listener whose socket is full is not a reason to drop: the module
#   keeps the alert and sends it again.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko

# module_load [PARAM=VALUE]...: insmod with these parameters, and without
# the rate limit: every match is to become an alert here.
module_load() {
	set -- rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"} "$@"
	if check "[$SCEN] insmod ldwatch.ko${*:+ $*}" insmod "$KO" "$@"; then
		return 0
	fi
	dmesg | tail -n 5 | sed 's/^/#   /'
	return 1
}

module_unload() {
	check "[$SCEN] rmmod ldwatch" rmmod ldwatch
}

# wait_seq PATH SEQ: wait until $ALERTS holds the alert on PATH numbered
# above SEQ and has accounted for every number before it; its number into
# $GOT (empty on a timeout, with the reason).
wait_seq() {
	GOT=$("$EXPECT" wait "$ALERTS" --path "$1" --since "$2" --timeout "$FENCE_TIMEOUT" \
		2>"$LDW_DIR/wait.stderr")
	[ -n "$GOT" ] && return 0
	diag "[$SCEN] no alert on $1 numbered above $2:"
	sed 's/^/#   /' "$LDW_DIR/wait.stderr"
	tail -n 5 "$ALERTS" >"$LDW_DIR/wait.tail"
	"$EXPECT" summary "$LDW_DIR/wait.tail" | sed 's/^/#   /'
	return 1
}

fresh_start
mkdir -p "$LDW_DIR" /etc/ld.so.conf.d
DAEMON_PID=

# ---------------------------------------------------------------------------
# 1. Nobody listens and the queue holds 8 alerts: of 50 alerts, 1..8 wait
# in the queue and 9..50 are dropped (queue_full). ldwatchd, started then,
# gets 1..8; the next alert, 51, reveals the hole 9..50.

SCEN="queue full while nobody listens"
Q=8
N=50
scenario "$SCEN"
if module_load queue_max_alerts=$Q; then
	op --repeat $N creat /etc/ld.so.preload
	creator=$OP_PID
	now_cs
	ops_done=$NOW
	if daemon_start "$LDW_DIR/loss-queue.ndjson"; then
		# The queued alerts come without any further operation.
		wait_seq /etc/ld.so.preload $((Q - 1))
		now_cs
		diag "[$SCEN] the $Q queued alerts came $(((NOW - ops_done) / 100)).$(((NOW - ops_done) % 100 / 10)) s after the operations"
		op creat /etc/ld.so.preload
		last=$OP_PID
		wait_seq /etc/ld.so.preload $Q
		run_expect check "$ALERTS" --name "[$SCEN]" \
			--desc "ldwatchd logs alerts 1..$Q, the queued ones, by the first process" \
			--before $((Q + 1)) --exactly $Q event.action=creation \
			file.path=/etc/ld.so.preload "process.pid=$creator" \
			--contiguous --total $Q --exactly 1 event.sequence=1 \
			--no-window \
			--desc "then alert $((N + 1)), the next operation's" \
			--exactly 1 "event.sequence=$((N + 1))" event.action=creation \
			file.path=/etc/ld.so.preload "process.pid=$last" \
			--desc "and no other alert" --total $((Q + 1)) \
			--none ldwatch.late_arrival=true \
			--kind event \
			--desc "ldwatch-connected: the next sequence number is $((N + 1))" \
			--exactly 1 event.action=ldwatch-connected "ldwatch.next_sequence=$((N + 1))" \
			--desc "one ldwatch-alerts-lost record: $((N - Q)) alerts from $((Q + 1)), found by the gap" \
			--exactly 1 event.action=ldwatch-alerts-lost \
			"ldwatch.lost.first_sequence=$((Q + 1))" "ldwatch.lost.count=$((N - Q))" \
			ldwatch.lost.detected_by=sequence_gap \
			--desc "and no other" --exactly 1 event.action=ldwatch-alerts-lost \
			--desc "ldwatch-drop-counters: queue_full $((N - Q)), nothing else dropped" \
			--exactly 1 event.action=ldwatch-drop-counters \
			"ldwatch.dropped.queue_full=$((N - Q))" "ldwatch.dropped_total=$((N - Q))" \
			--desc "one ldwatch-drop-counters record: the drops were over before ldwatchd connected" \
			--exactly 1 event.action=ldwatch-drop-counters \
			--kind any --lint
		if status_until "$LDW_DIR/status.loss-queue" counters.sent $((Q + 1)); then
			run_expect check "$LDW_DIR/status.loss-queue" --kind any --name "[$SCEN]" \
				--desc "status: matched $((N + 1)), sent $((Q + 1)), queue_full $((N - Q)), nothing else dropped" \
				--exactly 1 "counters.matched=$((N + 1))" "counters.sent=$((Q + 1))" \
				"dropped.queue_full=$((N - Q))" "dropped_total=$((N - Q))"
		fi
	fi
	daemon_stop
	module_unload
fi
scenario_took

# ---------------------------------------------------------------------------
# 2. and 3. A slow listener loses nothing: ldwatchd with the smallest
# receive buffer is stopped (SIGSTOP) while 200 alerts are made, so its
# socket fills; the module keeps what does not fit and sends it again.
# (200 alerts are more than a 64 KiB buffer, which the kernel doubles,
# holds.) Once ldwatchd runs again, all 200 arrive, numbered 1..200, nothing lost
# or dropped. With multicast delivery (the default where the kernel can
# restrict the group) and with unicast=1 (per-subscriber sends).

# slow_listener LABEL DELIVERY [MODULE PARAM]...: DELIVERY is what the
# ldwatch-connected record must say (empty: whatever the kernel allows).
slow_listener() {
	_sl_delivery=$2
	SCEN="slow listener, $1"
	shift 2
	N=200
	scenario "$SCEN"
	mkdir -p /etc/ld.so.conf.d
	module_load "$@" || return 1
	if daemon_start "$LDW_DIR/loss-slow-${_sl_delivery:-default}.ndjson" --receive-buffer 64K; then
		_sl_got=$("$EXPECT" get "$ALERTS" ldwatch.delivery 1 2>/dev/null)
		if [ -n "$_sl_delivery" ]; then
			check "[$SCEN] ldwatch-connected says delivery $_sl_delivery (got $_sl_got)" \
				test "$_sl_got" = "$_sl_delivery"
		else
			diag "[$SCEN] delivery: $_sl_got"
		fi
		kill -STOP "$DAEMON_PID"
		op --repeat $N creat /etc/ld.so.conf.d/slow.conf
		_sl_pid=$OP_PID
		# Give the module time to fill the socket and retry against it.
		sleep 1
		kill -CONT "$DAEMON_PID"
		wait_seq /etc/ld.so.conf.d/slow.conf $((N - 1))
		diag "[$SCEN] ldwatchd's receive buffer: $("$EXPECT" get "$ALERTS" ldwatch.socket.receive_buffer 1) bytes"
		run_expect check "$ALERTS" --name "[$SCEN]" \
			--desc "all $N alerts, by the process that made them" \
			--exactly $N event.action=creation file.path=/etc/ld.so.conf.d/slow.conf \
			"process.pid=$_sl_pid" \
			--total $N --contiguous --exactly 1 event.sequence=1 \
			--exactly 1 event.sequence=$N \
			--none ldwatch.late_arrival=true \
			--kind event \
			--desc "the premise: the socket overflowed while ldwatchd was stopped" \
			--at-least 1 event.action=ldwatch-socket-overrun \
			--none event.action=ldwatch-alerts-lost \
			--desc "ldwatch-drop-counters: nothing dropped" \
			--exactly 1 event.action=ldwatch-drop-counters ldwatch.dropped_total=0 \
			--desc "one ldwatch-drop-counters record: the counters never changed" \
			--exactly 1 event.action=ldwatch-drop-counters \
			--kind any --lint
		if status_until "$LDW_DIR/status.loss-slow-${_sl_delivery:-default}" counters.sent $N; then
			run_expect check "$LDW_DIR/status.loss-slow-${_sl_delivery:-default}" --kind any --name "[$SCEN]" \
				--desc "status: matched $N, sent $N, nothing dropped" \
				--exactly 1 "counters.matched=$N" "counters.sent=$N" dropped_total=0
		fi
	fi
	daemon_stop
	module_unload
	scenario_took
}

slow_listener "default delivery" ""
slow_listener "unicast=1" unicast unicast=1
cleanup_targets
