# shellcheck shell=sh
#
# The rate limit: alerts beyond it are not dropped silently but summarised.
#
# Runs after sensor_loss.sh, with the module unloaded: it loads the module
# with a small limit (rate_limit_alerts=5 per rate_limit_seconds=3) and
# starts its own ldwatchd writing its own file.
#
# The expectations come from the protocol (include/ldwatch/netlink.h,
# LDW_CMD_SUPPRESSED and LDW_STAT_SUPPRESSED), not from the code:
# - a window opens at a match and lasts rate_limit_seconds; its first
#   rate_limit_alerts matches become alerts, the rest are suppressed;
# - suppressed matches take no sequence number and are no loss; one
#   summary per window says how many there were, numbered like an alert,
#   and comes once the window has ended without waiting for more traffic,
#   at the latest at unload, before STOPPING;
# - ldwatchd writes the summary as ldwatch-alerts-suppressed.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
LIMIT=5
WINDOW_S=3
# Operations a batch makes, all within one window (they take well under
# a second even under TCG).
N=20
SUPPRESSED=$((N - LIMIT))
TARGET=/etc/ld.so.preload

# Start from a known state even if an earlier script failed half-way.
if grep -q '^ldwatch ' /proc/modules; then
	diag "an earlier script left the module loaded: unloading it"
	rmmod ldwatch
fi
mkdir -p "$LDW_DIR"
DAEMON_PID=

# batch: N creations of $TARGET, all in one window; the process's pid into
# BATCH_PID, the time they were over into BATCH_DONE.
batch() {
	op --repeat $N creat "$TARGET"
	BATCH_PID=$OP_PID
	now_cs
	BATCH_DONE=$NOW
}

# window_checks FIRST: the window's records, when its first alert is
# numbered FIRST: alerts FIRST .. FIRST+LIMIT-1 by the batch's process, and
# the summary numbered FIRST+LIMIT.
window_checks() {
	_w_first=$1
	_w_summary=$((_w_first + LIMIT))
	run_expect check "$ALERTS" --name "[$SCEN]" \
		--after $((_w_first - 1)) --before "$_w_summary" \
		--desc "alerts $_w_first..$((_w_summary - 1)): the first $LIMIT operations of the window" \
		--total $LIMIT --every event.action=creation "file.path=$TARGET" \
		"process.pid=$BATCH_PID" \
		--exactly 1 "event.sequence=$_w_first" \
		--exactly 1 "event.sequence=$((_w_summary - 1))" \
		--kind any --after $((_w_first - 1)) --before $((_w_summary + 1)) \
		--desc "then the summary, numbered $_w_summary, of $SUPPRESSED suppressed operations" \
		--exactly 1 event.action=ldwatch-alerts-suppressed \
		"event.sequence=$_w_summary" "ldwatch.suppressed.count=$SUPPRESSED" \
		ldwatch.suppressed.window_start:string ldwatch.suppressed.window_end:string \
		rule.id:string rule.name:string rule.version:string ldwatch.load_id:string \
		--total $((LIMIT + 1))
}

SCEN="rate limit of $LIMIT alerts per $WINDOW_S s"
scenario "$SCEN"
if check "[$SCEN] insmod ldwatch.ko rate_limit_alerts=$LIMIT rate_limit_seconds=$WINDOW_S" \
	insmod "$KO" rate_limit_alerts=$LIMIT rate_limit_seconds=$WINDOW_S ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}; then
	if daemon_start "$LDW_DIR/ratelimit.ndjson"; then
		# Window 1: alerts 1..5, summary 6, without any further operation.
		batch
		if wait_record ldwatch-alerts-suppressed 1 $((WINDOW_S + 15)); then
			now_cs
			diag "[$SCEN] the first summary came $(((NOW - BATCH_DONE) / 100)).$(((NOW - BATCH_DONE) % 100 / 10)) s after the operations (window $WINDOW_S s)"
			ok "[$SCEN] the first window's summary comes without more traffic"
		else
			not_ok "[$SCEN] the first window's summary comes without more traffic"
		fi
		window_checks 1
		if status_until "$LDW_DIR/status.ratelimit.1" counters.sent $((LIMIT + 1)); then
			run_expect check "$LDW_DIR/status.ratelimit.1" --kind any --name "[$SCEN]" \
				--desc "status: matched $N, suppressed $SUPPRESSED, sent $((LIMIT + 1)) (the alerts and the summary), nothing dropped" \
				--exactly 1 "counters.matched=$N" "counters.suppressed=$SUPPRESSED" \
				"counters.sent=$((LIMIT + 1))" dropped_total=0 \
				"next_sequence=$((LIMIT + 2))"
		fi

		# Window 2, opened by the next match: the same again.
		batch
		if wait_record ldwatch-alerts-suppressed 2 $((WINDOW_S + 15)); then
			ok "[$SCEN] the second window's summary comes"
		else
			not_ok "[$SCEN] the second window's summary comes"
		fi
		window_checks $((LIMIT + 2))
		if status_until "$LDW_DIR/status.ratelimit.2" counters.sent $((2 * LIMIT + 2)); then
			run_expect check "$LDW_DIR/status.ratelimit.2" --kind any --name "[$SCEN]" \
				--desc "status: matched $((2 * N)), suppressed $((2 * SUPPRESSED)), sent $((2 * LIMIT + 2))" \
				--exactly 1 "counters.matched=$((2 * N))" \
				"counters.suppressed=$((2 * SUPPRESSED))" \
				"counters.sent=$((2 * LIMIT + 2))" dropped_total=0
		fi

		# Window 3 is cut short by the unload: its summary still comes,
		# before STOPPING.
		batch
		unload_module "rmmod ldwatch within the third window" 15
		window_checks $((2 * LIMIT + 3))
		last=$((3 * LIMIT + 3))
		run_expect check "$ALERTS" --name "[$SCEN]" --kind any \
			--after 0 \
			--desc "sequence numbers 1..$last each appear once: none lost, none taken by a suppressed operation" \
			--total $last --contiguous --exactly 1 event.sequence=1 \
			--exactly 1 "event.sequence=$last" \
			--no-window \
			--desc "three summaries, no loss" \
			--exactly 3 event.action=ldwatch-alerts-suppressed \
			--none event.action=ldwatch-alerts-lost \
			--desc "STOPPING: the next sequence number is $((last + 1)), nothing dropped, $((3 * SUPPRESSED)) suppressed" \
			--exactly 1 event.action=ldwatch-sensor-stopping \
			"ldwatch.next_sequence=$((last + 1))" \
			--exactly 1 event.action=ldwatch-drop-counters ldwatch.trigger=sensor_stopping \
			ldwatch.dropped_total=0 "ldwatch.counters.suppressed=$((3 * SUPPRESSED))" \
			"ldwatch.counters.matched=$((3 * N))" \
			--lint
	else
		rmmod ldwatch
	fi
	daemon_stop
fi
cleanup_targets
scenario_took
