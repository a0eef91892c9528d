# shellcheck shell=sh
#
# The rate limit: a budget per rule and (user, mount namespace); root's alerts about
# the host's targets never suppressed; what is suppressed is summarised,
# with its evidence, not dropped silently.
#
# Runs after sensor_loss.sh, with the module unloaded: it loads the module
# with a small limit (rate_limit_alerts=5 per rate_limit_seconds=10) and
# starts its own ldwatchd writing its own file.
#
# The expectations come from the protocol (include/ldwatch/netlink.h,
# LDW_CMD_SUPPRESSED and LDW_STAT_SUPPRESSED) and the README, not from the
# code:
# - each rule, and in it each (uid, mount namespace), has its own window
#   (issue 15: the rate limit is per rule), which opens at its
#   first match and lasts rate_limit_seconds; its first rate_limit_alerts
#   matches become alerts, the rest are suppressed;
# - an alert about a host target by root (euid 0) in the host's mount
#   namespace is never suppressed and spends nothing;
# - suppressed matches take no sequence number and are no loss; one
#   summary per budget and window says whose budget it was and how many
#   there were, keeps the evidence of the first 16 (path, executable, uid,
#   action, time, rule) and counts the rest, is numbered like an alert, and
#   comes once the window has ended without waiting for more traffic, at
#   the latest at unload, before STOPPING.
#
# The attack (issue 14): uid 65534 mounts a tmpfs over its own /etc in a
# user and mount namespace and creates files in ld.so.conf.d there, each an
# alert by Elastic's rule (which judges paths as the process sees them),
# from several namespaces; then root writes the real /etc/ld.so.preload.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
LIMIT=5
WINDOW_S=10
# Creations each flooding namespace makes (each an alert by Elastic's
# rule), after its mount over /etc (one alert by the companion rule: a
# mount onto a host target).
N=30
MATCHES=$((N + 1))
# Budgets are per rule: the companion rule's one match (the mount) spends
# its own budget, Elastic's rule's creations theirs.
SUPPRESSED=$((N - LIMIT))
# The records each flooding namespace gives: Elastic's rule's LIMIT alerts,
# the companion rule's one, the summary.
PER_NS=$((LIMIT + 2))
SAMPLES=16
NSPACES=3

fresh_start
mkdir -p "$LDW_DIR"
DAEMON_PID=
cleanup_targets

# flood_cmd UNSHARE_ARGS HOLD: the command of a flood: in a new mount
# namespace (and what UNSHARE_ARGS add), mount a tmpfs over /etc, make
# ld.so.conf.d in it, print the namespace, and create a file there $N times
# by ldw-ops; then, if HOLD is a fifo, keep the namespace alive until a
# line is written to it (a namespace's number is reused once it is gone).
# The caller runs it as the user it wants.
flood_cmd() {
	printf 'exec unshare %s -m --propagation private sh -c %s' "$1" \
		"'mount -t tmpfs ldw-flood /etc && mkdir /etc/ld.so.conf.d && readlink /proc/self/ns/mnt && $OPS --repeat $N creat /etc/ld.so.conf.d/flood.conf && { [ ! -p $2 ] || read -r x <$2; }'"
}

# flood_ns OUTPUT: the namespace number the flood printed, into FLOOD_NS.
flood_ns() {
	FLOOD_NS=
	case $1 in
	*'mnt:['*) FLOOD_NS=${1#*mnt:\[}; FLOOD_NS=${FLOOD_NS%%]*} ;;
	esac
	[ -n "$FLOOD_NS" ]
}

# flood_checks NS UID: the flood of namespace NS by UID gave exactly
# $LIMIT alerts and one summary of the rest, with their evidence.
flood_checks() {
	run_expect check "$ALERTS" --name "[$SCEN]" \
		--desc "namespace $1 (uid $2): exactly the budget of Elastic's rule, $LIMIT alerts" \
		--exactly $LIMIT "ldwatch.mount_namespace=$1" "user.id=$2" "rule.id=$RULE_ID" \
		--desc "namespace $1 (uid $2): the companion rule's alert of the mount, in its own budget" \
		--exactly 1 "ldwatch.mount_namespace=$1" "user.id=$2" "rule.id=$COMPANION_ID" \
		event.action=mount \
		--kind event \
		--desc "namespace $1: one summary of $SUPPRESSED suppressed, whose budget, $SAMPLES samples kept, $((SUPPRESSED - SAMPLES)) counted as omitted" \
		--exactly 1 event.action=ldwatch-alerts-suppressed \
		"ldwatch.suppressed.mount_namespace=$1" "ldwatch.suppressed.user.id=$2" \
		"ldwatch.suppressed.count=$SUPPRESSED" \
		"ldwatch.suppressed.samples_omitted=$((SUPPRESSED - SAMPLES))" \
		ldwatch.suppressed.samples:array event.sequence:int \
		ldwatch.suppressed.window_start:string ldwatch.suppressed.window_end:string \
		"rule.id=$RULE_ID" \
		"ldwatch.suppressed.samples~*\"file\":{\"path\":\"/etc/ld.so.conf.d/flood.conf\"}*" \
		"ldwatch.suppressed.samples~*\"process\":{\"executable\":\"$OPS\"}*" \
		"ldwatch.suppressed.samples~*\"user\":{\"id\":\"$2\"}*" \
		"ldwatch.suppressed.samples~*\"event\":{\"action\":\"creation\"}*" \
		"ldwatch.suppressed.samples~*\"rule\":{\"id\":\"$RULE_ID\"}*"
	# Each sample is one object with its own time: count them.
	_fc_line=$(grep -n "\"mount_namespace\":$1[,}]" "$ALERTS" | grep alerts-suppressed | head -n 1)
	_fc_line=${_fc_line%%:*}
	_fc_json=$("$EXPECT" get "$ALERTS" ldwatch.suppressed.samples "${_fc_line:-1}" 2>/dev/null)
	_fc_n=$(printf '%s' "$_fc_json" | grep -o '"@timestamp"' | wc -l)
	check "[$SCEN] namespace $1: the summary holds $SAMPLES samples (found $_fc_n)" \
		test "$_fc_n" -eq $SAMPLES
}

SCEN="rate limit budgets: uid 65534 floods from $NSPACES namespaces, then root writes /etc/ld.so.preload"
scenario "$SCEN"
if check "[$SCEN] insmod ldwatch.ko rate_limit_alerts=$LIMIT rate_limit_seconds=$WINDOW_S" \
	insmod "$KO" rate_limit_alerts=$LIMIT rate_limit_seconds=$WINDOW_S ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}; then
	if daemon_start "$LDW_DIR/ratelimit.ndjson"; then
		# The floods one after the other, each namespace held alive until
		# all are done, so that each has a number of its own.
		FLOODS='' FLOOD_PIDS=''
		i=0
		while [ $i -lt $NSPACES ]; do
			hold=$LDW_DIR/flood.hold.$i
			rm -f "$hold" "$hold.out"
			mkfifo -m 666 "$hold"
			su -s /bin/sh nobody -c "$(flood_cmd -r "$hold")" >"$hold.out" \
				2>"$LDW_DIR/flood.stderr.$i" &
			FLOOD_PIDS="$FLOOD_PIDS $!"
			j=0
			while ! grep -q OP_RESULT= "$hold.out" && [ $j -lt 300 ]; do
				sleep 0.1
				j=$((j + 1))
			done
			out=$(cat "$hold.out")
			if flood_ns "$out" && [ "${out##*OP_RESULT=}" != "$out" ]; then
				FLOODS="$FLOODS $FLOOD_NS"
			else
				not_ok "[$SCEN] uid 65534's flood in namespace $((i + 1)) ran (got: $out)"
				sed 's/^/#   /' "$LDW_DIR/flood.stderr.$i"
			fi
			i=$((i + 1))
		done
		i=0
		while [ $i -lt $NSPACES ]; do
			echo release >"$LDW_DIR/flood.hold.$i"
			i=$((i + 1))
		done
		for pid in $FLOOD_PIDS; do
			wait "$pid"
		done
		# shellcheck disable=SC2086 # one namespace a word
		check "[$SCEN] $NSPACES flooding namespaces, each its own ($FLOODS)" \
			test "$(printf '%s\n' $FLOODS | sort -u | wc -l)" -eq $NSPACES

		# Root's real write, within the floods' windows: complete, at once.
		op creat /etc/ld.so.preload
		now_cs
		ROOT_DONE=$NOW
		if "$EXPECT" wait "$ALERTS" --path /etc/ld.so.preload --timeout 10 >/dev/null; then
			now_cs
			diag "[$SCEN] root's alert was written $(((NOW - ROOT_DONE) / 100)).$(((NOW - ROOT_DONE) % 100)) s after its write"
			check "[$SCEN] root's alert is written within one second of its write ($((NOW - ROOT_DONE)) cs)" \
				test $((NOW - ROOT_DONE)) -le "$LATENCY_CS"
		else
			not_ok "[$SCEN] root's alert about /etc/ld.so.preload is written"
		fi
		run_expect check "$ALERTS" --name "[$SCEN]" \
			--desc "root's creation of /etc/ld.so.preload: one alert, complete" \
			--exactly 1 file.path=/etc/ld.so.preload event.action=creation \
			"process.pid=$OP_PID" "process.executable=$OPS" user.id=0 \
			user.effective.id=0 ldwatch.target.path=/etc/ld.so.preload \
			"rule.id=$RULE_ID" event.sequence:int ldwatch.mount_namespace:int

		# Each window's summary comes when it ends, without more traffic.
		if wait_record ldwatch-alerts-suppressed $NSPACES $((WINDOW_S + 20)); then
			ok "[$SCEN] the $NSPACES summaries come without more traffic"
		else
			not_ok "[$SCEN] the $NSPACES summaries come without more traffic"
		fi
		for ns in $FLOODS; do
			flood_checks "$ns" 65534
		done
		run_expect check "$ALERTS" --name "[$SCEN]" --kind event \
			--desc "no summary of root's: it was never suppressed" \
			--none event.action=ldwatch-alerts-suppressed ldwatch.suppressed.user.id=0 \
			--kind any --after 0 \
			--desc "sequence numbers without a gap: nothing lost, none taken by a suppressed match" \
			--total $((NSPACES * PER_NS + 1)) --contiguous \
			--none event.action=ldwatch-alerts-lost
		if status_until "$LDW_DIR/status.ratelimit.1" counters.sent $((NSPACES * PER_NS + 1)); then
			run_expect check "$LDW_DIR/status.ratelimit.1" --kind any --name "[$SCEN]" \
				--desc "status: matched $((NSPACES * MATCHES + 1)), suppressed $((NSPACES * SUPPRESSED)), nothing dropped" \
				--exactly 1 "counters.matched=$((NSPACES * MATCHES + 1))" \
				"counters.suppressed=$((NSPACES * SUPPRESSED))" dropped_total=0
		fi
		cleanup_targets

		# Root in a container-like mount namespace is budgeted there,
		# apart from root on the host; that window is cut short by the
		# unload, and its summary still comes, before STOPPING.
		SCEN="rate limit budgets: root floods in its own mount namespace, then the unload"
		scenario "$SCEN"
		out=$(sh -c "$(flood_cmd '' none)" 2>"$LDW_DIR/flood.stderr")
		if flood_ns "$out" && [ "${out##*OP_RESULT=}" != "$out" ]; then
			ok "[$SCEN] root's flood in namespace $FLOOD_NS ran"
		else
			not_ok "[$SCEN] root's flood ran (got: $out)"
			sed 's/^/#   /' "$LDW_DIR/flood.stderr"
		fi
		ROOT_NS=$FLOOD_NS
		op --repeat 3 creat /etc/ld.so.preload
		"$EXPECT" wait "$ALERTS" --path /etc/ld.so.preload --since $((NSPACES * PER_NS + 1)) \
			--timeout 10 >/dev/null
		unload_module "rmmod ldwatch within the window" 15
		run_expect check "$ALERTS" --name "[$SCEN]" \
			--desc "root on the host: its three creations of /etc/ld.so.preload all alert" \
			--exactly 4 file.path=/etc/ld.so.preload user.id=0 \
			"ldwatch.target.path=/etc/ld.so.preload"
		flood_checks "$ROOT_NS" 0
		last=$((NSPACES * PER_NS + 1 + PER_NS + 3))
		run_expect check "$ALERTS" --name "[$SCEN]" --kind any --after 0 \
			--desc "sequence numbers 1..$last each appear once: none lost" \
			--total $last --contiguous --exactly 1 event.sequence=1 \
			--exactly 1 "event.sequence=$last" \
			--no-window \
			--desc "$((NSPACES + 1)) summaries, no loss; STOPPING after the last" \
			--exactly $((NSPACES + 1)) event.action=ldwatch-alerts-suppressed \
			--none event.action=ldwatch-alerts-lost \
			--exactly 1 event.action=ldwatch-sensor-stopping \
			"ldwatch.next_sequence=$((last + 1))" \
			--exactly 1 event.action=ldwatch-drop-counters ldwatch.trigger=sensor_stopping \
			ldwatch.dropped_total=0 \
			"ldwatch.counters.suppressed=$(((NSPACES + 1) * SUPPRESSED))" \
			--lint
	else
		rmmod ldwatch
	fi
	daemon_stop
fi
cleanup_targets
scenario_took
