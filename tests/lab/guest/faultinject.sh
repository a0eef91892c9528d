# shellcheck shell=sh
#
# Lab kernel, after the sensor scenarios and before kmemleak.sh (whose leak
# scan then covers what this leaves): ldwatch's allocations fail on demand
# (failslab and fail_page_alloc, kunit/lab.config) while rules load and
# while a flood of target operations runs. Every failure must end as a
# clear error or a counted drop: never a splat (the harness reads the
# console), never a leak (kmemleak.sh), never a change nobody reported.
#
# Which allocations fail: those whose call stack passes through ldwatch's
# code (the stack trace filter, require-start/-end = the module's memory),
# made by the one process under test:
#   - loads: /proc/PID/fail-nth makes exactly the Nth such allocation of
#     ldwatchctl fail, for N = 1, 2, ... until a run has fewer than N (every
#     allocation of the command failed once, in turn); and make-it-fail with
#     probability 100 makes all of them fail;
#   - flood: make-it-fail on the flooding processes, a fifth of the
#     allocations through ldwatch failing at random; then every allocation
#     of those processes (no stack filter) at 2%, so that the operations
#     themselves fail too.
# Order-0 page allocations are not made to fail in the loads: a GFP_KERNEL
# page allocation that fails prints the page allocator's own warning with a
# stack trace, which the harness counts as a splat (a report of the
# injection, not of a bug). High orders fail, and their fallbacks are used.
#
# The expectations come from the protocol and the commands' contracts
# (include/ldwatch/netlink.h; README "Receiving alerts", "Rules at runtime"):
# a refused change changes nothing and says why; every change is an
# ldwatch-rules-changed record or, if the record could not be built, a
# counted drop (a hole in the sequence); every alert that could not be built
# is a counted drop, reported as lost.
#
# Alone, on the lab kernel (one boot, a few minutes):
#   tests/lab/run-scripts.sh tests/lab/guest/faultinject.sh tests/lab/guest/kmemleak.sh

# shellcheck source-path=SCRIPTDIR source=lab_lib.sh
. /tests/lab_lib.sh
# shellcheck source-path=SCRIPTDIR source=../../vm/guest/sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
CTL=/usr/local/bin/ldwatchctl
V9=/tests/rules/elastic-640f79d1-v9.eql
COMPANION=/tests/rules/ldwatch-companion-v1.eql
FI=/run/ldw-fi
DBG=/sys/kernel/debug
# The budget of injected failures: what is left of it says how many were.
TIMES=1000000
ULONG_MAX=18446744073709551615
# No sweep goes beyond this many allocations of one command.
NTH_MAX=${FI_NTH_MAX:-300}

rm -rf "$FI"
mkdir -p "$FI" "$LDW_DIR" /etc/ld.so.conf.d
DAEMON_PID=
SCEN="fault injection"

if [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ]; then
	mount -t debugfs debugfs "$DBG" 2>/dev/null
fi
for a in failslab fail_page_alloc; do
	if ! check "[$SCEN] $DBG/$a exists (CONFIG_FAULT_INJECTION_DEBUG_FS)" test -d "$DBG/$a"; then
		exit 1
	fi
done

fresh_start

# ------------------------------------------------------------ the knobs

# fault_write ATTR FILE VALUE: one debugfs knob of ATTR (failslab or
# fail_page_alloc).
fault_write() {
	if ! printf '%s\n' "$3" >"$DBG/$1/$2"; then
		not_ok "[$SCEN] write $3 to $DBG/$1/$2"
		return 1
	fi
}

# fault_off: nothing fails (probability 0; the budget full, so that what is
# left of it after a run says what was injected).
fault_off() {
	for _fo in failslab fail_page_alloc; do
		fault_write $_fo probability 0
		fault_write $_fo interval 1
		fault_write $_fo times $TIMES
		fault_write $_fo space 0
		fault_write $_fo task-filter N
		fault_write $_fo require-start 0
		fault_write $_fo require-end $ULONG_MAX
		fault_write $_fo stacktrace-depth 32
	done
	fault_write fail_page_alloc min-order 1
}

# fault_arm ATTR PROBABILITY SCOPE [MIN_ORDER]: ATTR's failures for tasks
# with make-it-fail, at PROBABILITY percent, in GFP_KERNEL allocations too;
# SCOPE "module": only allocations made through ldwatch's code, "all":
# every allocation of the task. Counting from $TIMES.
fault_arm() {
	fault_write "$1" task-filter Y
	fault_write "$1" ignore-gfp-wait N
	fault_write "$1" verbose 1
	fault_write "$1" interval 1
	fault_write "$1" space 0
	fault_write "$1" times $TIMES
	if [ "$3" = module ]; then
		fault_write "$1" require-start "$MOD_START"
		fault_write "$1" require-end "$MOD_END"
	else
		fault_write "$1" require-start 0
		fault_write "$1" require-end $ULONG_MAX
	fi
	if [ "$1" = fail_page_alloc ]; then
		fault_write "$1" ignore-gfp-highmem N
		fault_write "$1" min-order "${4:-0}"
	fi
	fault_write "$1" probability "$2"
}

# fault_injected ATTR: how many failures ATTR injected since it was armed,
# into INJECTED.
fault_injected() {
	read -r _fi_left <"$DBG/$1/times"
	INJECTED=$((TIMES - _fi_left))
}

# module_range: the module's memory, [MOD_START, MOD_END), from
# /proc/modules (its text first, then the rest: a stack's return address
# into ldwatch lies there). Module addresses lie in the top 2 GiB, so the
# sum is done on the low 32 bits.
module_range() {
	MOD_START='' MOD_END=''
	read -r _mr_line <<EOF
$(grep '^ldwatch ' /proc/modules)
EOF
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $_mr_line
	case ${6:-} in
	0xffffffff[89a-f]???????) ;;
	*)
		not_ok "[$SCEN] /proc/modules shows ldwatch's address (got '${6:-}')"
		return 1
		;;
	esac
	_mr_end=$((0x${6#0xffffffff} + $2))
	if [ $_mr_end -gt $((0xffffffff)) ]; then
		not_ok "[$SCEN] ldwatch's memory ends below the top of the address space"
		return 1
	fi
	MOD_START=$6
	MOD_END=$(printf '0xffffffff%08x' $_mr_end)
	diag "[$SCEN] ldwatch's memory: [$MOD_START, $MOD_END)"
}

# sensor_up LABEL: load the module (no rate limit) and start ldwatchd
# writing $FI/LABEL.ndjson; the module's range into MOD_START/MOD_END.
sensor_up() {
	SCEN="fault injection, $1"
	# shellcheck disable=SC2086 # LDW_HOOK_ARG is one word or none
	if ! check "[$SCEN] insmod ldwatch.ko rate_limit_alerts=0" \
		insmod "$KO" rate_limit_alerts=0 $LDW_HOOK_ARG; then
		dmesg | tail -n 5 | sed 's/^/#   /'
		return 1
	fi
	module_range || return 1
	daemon_start "$FI/$1.ndjson" || return 1
	FENCE_SEQ=0
}

sensor_down() {
	fault_off
	daemon_stop
	check "[$SCEN] rmmod ldwatch" rmmod ldwatch
}

# fence: a creation the rules alert on, by a process that fails nothing, on
# a path of its own (a later alert on the path is taken for the fence),
# and the wait until ldwatchd has written it and accounted for every number
# before it (an alert, a record or a reported loss); its number into
# FENCE_SEQ.
FENCE_PATH=/etc/ld.so.conf.d/ldw-fi-fence.conf
fence() {
	mkdir -p /etc/ld.so.conf.d
	rm -f $FENCE_PATH
	"$OPS" creat $FENCE_PATH >/dev/null 2>"$FI/fence.err"
	_fe_got=$("$EXPECT" wait "$ALERTS" --path $FENCE_PATH --since "$FENCE_SEQ" \
		--timeout "$FENCE_TIMEOUT" 2>"$FI/fence.wait")
	if [ -z "$_fe_got" ]; then
		not_ok "[$SCEN] the fence after alert $FENCE_SEQ is written"
		sed 's/^/#   /' "$FI/fence.err" "$FI/fence.wait"
		return 1
	fi
	FENCE_SEQ=$_fe_got
}

# drops: the module's drop counters now (ldwatchctl status, which fails
# nothing), into DROPPED (total) and NO_MEMORY.
drops() {
	DROPPED='' NO_MEMORY=''
	if status_json "$FI/status.json"; then
		DROPPED=$("$EXPECT" get "$FI/status.json" dropped_total 2>/dev/null)
		NO_MEMORY=$("$EXPECT" get "$FI/status.json" dropped.no_memory 2>/dev/null)
	fi
	if [ -z "$DROPPED" ] || [ -z "$NO_MEMORY" ]; then
		not_ok "[$SCEN] ldwatchctl status --json gives the drop counters"
		sed 's/^/#   /' "$FI/status.json.stderr" 2>/dev/null
		DROPPED=0 NO_MEMORY=0
		return 1
	fi
}

# ------------------------------------------------------- rules under test

# rules_now FILE: the module's rules now, one line each: FILE.key (id,
# version, SHA-256, source, origin: what a rule is) and FILE.full (the key
# and when it was loaded: which load put it there).
rules_now() {
	"$CTL" rules list --json >"$1" 2>"$1.stderr" || {
		not_ok "[$SCEN] ldwatchctl rules list --json answers"
		sed 's/^/#   /' "$1.stderr"
		return 1
	}
	"$EXPECT" fields "$1" 1 id version sha256 source origin | sort >"$1.key"
	"$EXPECT" fields "$1" 1 id version sha256 source origin loaded | sort >"$1.full"
}

# lines_not_in A B: the number of lines of A that B does not hold.
lines_not_in() {
	if [ -s "$2" ]; then
		grep -cvxF -f "$2" "$1"
	else
		wc -l <"$1"
	fi
}

# The states the attempts start from and aim at, made without failures.
RULES_D=$FI/sync/rules.d
EMPTY=$FI/empty
mkdir -p "$RULES_D" "$EMPTY/rules.d"
cp "$V9" "$COMPANION" "$RULES_D/"

to_builtins() {
	"$CTL" rules sync "$EMPTY" >/dev/null 2>"$FI/setup.err" ||
		{ not_ok "[$SCEN] rules sync to the built-in rules"; sed 's/^/#   /' "$FI/setup.err"; }
}

to_v9() {
	to_builtins
	"$CTL" rules load "$V9" >/dev/null 2>"$FI/setup.err" ||
		{ not_ok "[$SCEN] rules load $V9"; sed 's/^/#   /' "$FI/setup.err"; }
}

# target SETUP CMD...: the rules CMD leaves when nothing fails, from the
# state SETUP makes, into $FI/target.key.
target() {
	_tg_setup=$1
	shift
	$_tg_setup
	"$@" >/dev/null 2>"$FI/target.err" ||
		{ not_ok "[$SCEN] $* succeeds without fault injection"; sed 's/^/#   /' "$FI/target.err"; }
	rules_now "$FI/target"
	fence
	$_tg_setup
}

# attempt SINGLE HOW CMD...: run CMD (from the state the caller made) in a
# process whose ldwatch allocations fail as HOW says ("nth N": the Nth;
# "all": every one, make-it-fail at probability 100; "page": high-order page
# allocations), then check, against the rules before and $FI/target.key:
#   - CMD exited 0 and the rules are the target's, or it exited non-zero
#     naming the lack of memory;
#   - SINGLE=1 (one request): a failed attempt changed nothing at all;
#     SINGLE=0: every rule is as before or as in the target;
#   - the ldwatch-rules-changed records since, plus the records dropped
#     (counted as no_memory), are exactly the rules that changed.
# Failures are results; successes are tallied in ATT_OK, ATT_FAILED.
attempt() {
	_at_single=$1
	_at_how=$2
	shift 2
	LAST_INJECTED=0
	# What the setup changed is written before this attempt's window.
	fence || return 1
	rules_now "$FI/before" || return 1
	drops || return 1
	_at_nomem=$NO_MEMORY
	_at_from=$(($(wc -l <"$ALERTS") + 1))
	case $_at_how in
	nth\ *)
		# Only ldwatch's allocations count (both filters), and the Nth
		# of them fails, whatever the probability.
		# shellcheck disable=SC2016 # expanded by the inner sh
		timeout 120 sh -c 'echo "$1" >/proc/self/fail-nth && shift && exec "$@"' \
			fail-nth "${_at_how#nth }" "$@" >"$FI/att.out" 2>"$FI/att.err"
		;;
	*)
		# shellcheck disable=SC2016 # expanded by the inner sh
		timeout 120 sh -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' \
			make-it-fail "$@" >"$FI/att.out" 2>"$FI/att.err"
		;;
	esac
	_at_rc=$?
	fault_injected failslab
	_at_slab=$INJECTED
	fault_injected fail_page_alloc
	_at_page=$INJECTED
	fence || return 1
	rules_now "$FI/after" || return 1
	drops || return 1
	_at_records=$("$EXPECT" count "$ALERTS" --kind any --from-line "$_at_from" \
		event.action=ldwatch-rules-changed)
	_at_dropped=$((NO_MEMORY - _at_nomem))
	_at_changes=$(lines_not_in "$FI/after.full" "$FI/before.full")
	_at_label="[$SCEN] $* with $_at_how (injected: $_at_slab slab, $_at_page page)"
	_at_bad=
	if [ $_at_rc -eq 0 ]; then
		cmp -s "$FI/after.key" "$FI/target.key" ||
			_at_bad="exit status 0, but the rules are not the target's"
	elif [ $_at_rc -ge 124 ]; then
		_at_bad="exit status $_at_rc (killed or timed out)"
	elif ! grep -q 'Cannot allocate memory\|Out of memory\|ENOMEM\|no memory' "$FI/att.err"; then
		_at_bad="exit status $_at_rc without naming the lack of memory"
	elif [ "$_at_single" = 1 ] && ! cmp -s "$FI/after.full" "$FI/before.full"; then
		_at_bad="it failed, but the rules changed"
	fi
	if [ -z "$_at_bad" ] && [ "$_at_single" = 0 ]; then
		cat "$FI/before.key" "$FI/target.key" >"$FI/either.key"
		[ "$(lines_not_in "$FI/after.key" "$FI/either.key")" -eq 0 ] ||
			_at_bad="a rule is neither as before nor as in the target"
	fi
	if [ -z "$_at_bad" ] && [ $((_at_records + _at_dropped)) -ne "$_at_changes" ]; then
		_at_bad="$_at_records change records and $_at_dropped dropped for $_at_changes changed rules"
	fi
	if [ -n "$_at_bad" ]; then
		not_ok "$_at_label: $_at_bad"
		diag "exit status $_at_rc; stderr:"
		sed 's/^/#   /' "$FI/att.err"
		diag "rules before / after / target:"
		sed 's/^/#   < /' "$FI/before.full"
		sed 's/^/#   > /' "$FI/after.full"
		sed 's/^/#   = /' "$FI/target.key"
		ATT_BAD=$((ATT_BAD + 1))
	fi
	if [ $_at_rc -eq 0 ]; then
		ATT_OK=$((ATT_OK + 1))
	else
		ATT_FAILED=$((ATT_FAILED + 1))
		read -r ATT_MESSAGE <"$FI/att.err"
	fi
	ATT_RECORDS=$((ATT_RECORDS + _at_records))
	ATT_DROPPED=$((ATT_DROPPED + _at_dropped))
	ATT_INJECTED=$((ATT_INJECTED + _at_slab + _at_page))
	LAST_INJECTED=$((_at_slab + _at_page))
}

tally_reset() {
	ATT_OK=0 ATT_FAILED=0 ATT_BAD=0 ATT_RECORDS=0 ATT_DROPPED=0 ATT_INJECTED=0
	ATT_MESSAGE=
}

tally() {
	diag "[$SCEN] $1: $ATT_OK succeeded, $ATT_FAILED failed (e.g. '$ATT_MESSAGE'), $ATT_INJECTED allocations failed, $ATT_RECORDS change records, $ATT_DROPPED records dropped"
	check "[$SCEN] $1: every attempt ended cleanly ($ATT_OK succeeded, $ATT_FAILED failed with ENOMEM, $ATT_INJECTED allocations failed)" \
		test "$ATT_BAD" -eq 0
}

# sweep LABEL SINGLE SETUP CMD...: the target, then CMD with every
# allocation failing, each allocation failing alone in turn, and its
# high-order page allocations failing.
sweep() {
	_sw_label=$1
	_sw_single=$2
	_sw_setup=$3
	shift 3
	target "$_sw_setup" "$@"
	tally_reset

	# Every allocation through ldwatch fails.
	fault_arm failslab 100 module
	$_sw_setup
	attempt "$_sw_single" all "$@"
	fault_off
	check "[$SCEN] $_sw_label, every allocation failing: it fails ($ATT_FAILED of 1), and allocations were made to fail ($ATT_INJECTED)" \
		test "$ATT_FAILED" -eq 1 -a "$ATT_INJECTED" -gt 0

	# The Nth, for N = 1, 2, ... until a run makes fewer allocations.
	fault_arm failslab 0 module
	fault_arm fail_page_alloc 0 module 11
	_sw_n=1
	while [ $_sw_n -le "$NTH_MAX" ]; do
		fault_write failslab times $TIMES
		$_sw_setup
		attempt "$_sw_single" "nth $_sw_n" "$@"
		[ "$LAST_INJECTED" -gt 0 ] || break
		_sw_n=$((_sw_n + 1))
	done
	fault_off
	check "[$SCEN] $_sw_label: the sweep ended (a run of fewer than $_sw_n allocations; at most $NTH_MAX)" \
		test "$_sw_n" -le "$NTH_MAX"
	check "[$SCEN] $_sw_label: some allocation's failure made the command fail ($ATT_FAILED)" \
		test "$ATT_FAILED" -gt 0

	# High-order page allocations fail: their callers fall back.
	fault_arm fail_page_alloc 100 module 1
	$_sw_setup
	attempt "$_sw_single" page "$@"
	fault_off
	tally "$_sw_label ($((_sw_n - 1)) allocations swept)"
}

fault_off
if sensor_up loads; then
	fence
	sweep "rules load v9" 1 to_builtins "$CTL" rules load "$V9"
	sweep "rules load v9 and the companion" 0 to_builtins \
		"$CTL" rules load "$V9" "$COMPANION"
	sweep "rules remove" 1 to_v9 "$CTL" rules remove "$RULE_ID"
	sweep "rules sync" 0 to_builtins "$CTL" rules sync "$FI/sync"
	# A read: the rule's text and the reply (the set stays as it is).
	sweep "rules get" 1 to_v9 "$CTL" rules get --json "$RULE_ID"
	to_builtins
	run_expect check "$ALERTS" --kind any --name "[$SCEN]" \
		--desc "ldwatchd's output is well-formed throughout" --lint
	sensor_down
fi

# ---------------------------------------------------------------- floods

# flood_worker NAME CALLS REPEAT PATH: CALLS runs of ldw-ops creat PATH
# (REPEAT times, each undone) by processes with make-it-fail; what they saw
# succeed, the calls and the runs that stopped early into $FI/NAME.done.
flood_worker() {
	_fw_done=0 _fw_calls=0 _fw_short=0
	while [ $_fw_calls -lt "$2" ]; do
		# shellcheck disable=SC2016 # expanded by the inner sh
		_fw_out=$(sh -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' make-it-fail \
			"$OPS" --repeat "$3" creat "$4" 2>>"$FI/$1.err")
		case $_fw_out in
		*OP_DONE=*)
			_fw_n=${_fw_out##*OP_DONE=}
			_fw_n=${_fw_n%% *}
			;;
		*) _fw_n=0 ;;
		esac
		[ "$_fw_n" -eq "$3" ] || _fw_short=$((_fw_short + 1))
		_fw_done=$((_fw_done + _fw_n))
		_fw_calls=$((_fw_calls + 1))
	done
	echo "$_fw_done $_fw_calls $_fw_short" >"$FI/$1.done"
}

# flood LABEL SCOPE PROBABILITY PAGE CALLS REPEAT: two workers (one per
# CPU) create targets, CALLS runs of REPEAT each, while their allocations
# fail (SCOPE, PROBABILITY; PAGE=1: page allocations too); then the fence. Sets DONE (operations that succeeded),
# ALERTS_N (alerts on the flood's paths), LOST (alerts ldwatchd reported
# lost), DROPPED and NO_MEMORY, SLAB_N and PAGE_N (failures injected).
flood() {
	SCEN="fault injection, flood: $1"
	scenario "$SCEN"
	mkdir -p /etc/ld.so.conf.d
	fault_arm failslab "$3" "$2"
	if [ "$4" = 1 ]; then
		fault_arm fail_page_alloc "$3" "$2" 0
	fi
	rm -f "$FI"/w?.done "$FI"/w?.err
	flood_worker wa "$5" "$6" /etc/ld.so.conf.d/fi-a.conf &
	_fl_wa=$!
	flood_worker wb "$5" "$6" /etc/ld.so.preload &
	_fl_wb=$!
	wait $_fl_wa $_fl_wb
	fault_injected failslab
	SLAB_N=$INJECTED
	fault_injected fail_page_alloc
	PAGE_N=$INJECTED
	[ "$4" = 1 ] || PAGE_N=0
	fault_off
	DONE=0
	for w in wa wb; do
		read -r _fl_done _fl_calls _fl_short <"$FI/$w.done"
		DONE=$((DONE + _fl_done))
		diag "[$SCEN] worker $w: $_fl_done operations succeeded in $_fl_calls runs, $_fl_short stopped early"
		[ -s "$FI/$w.err" ] && sort "$FI/$w.err" | uniq -c | sort -rn | head -n 5 | sed 's/^/#   /'
	done
	fence
	ALERTS_N=$("$EXPECT" count "$ALERTS" --after "$FLOOD_FROM" --before "$FENCE_SEQ" \
		event.action=creation file.path=/etc/ld.so.conf.d/fi-a.conf 2>/dev/null)
	_fl_b=$("$EXPECT" count "$ALERTS" --after "$FLOOD_FROM" --before "$FENCE_SEQ" \
		event.action=creation file.path=/etc/ld.so.preload 2>/dev/null)
	ALERTS_N=$((${ALERTS_N:-0} + ${_fl_b:-0}))
	SUCCESS_N=0
	for _fl_p in /etc/ld.so.conf.d/fi-a.conf /etc/ld.so.preload; do
		_fl_n=$("$EXPECT" count "$ALERTS" --after "$FLOOD_FROM" --before "$FENCE_SEQ" \
			event.action=creation "file.path=$_fl_p" event.outcome=success 2>/dev/null)
		SUCCESS_N=$((SUCCESS_N + ${_fl_n:-0}))
	done
	# A creation that succeeded but whose undoing failed is not in DONE.
	UNDONE=$(cat "$FI"/w?.err 2>/dev/null | grep -c '^ldw-ops: undoing ')
	LOST=0
	"$EXPECT" fields "$ALERTS" 1 event.action ldwatch.lost.count >"$FI/lost.tsv"
	while IFS="$TAB" read -r _fl_action _fl_count; do
		[ "$_fl_action" = ldwatch-alerts-lost ] && LOST=$((LOST + _fl_count))
	done <"$FI/lost.tsv"
	drops
	diag "[$SCEN] $DONE operations succeeded; $ALERTS_N alerts, $DROPPED dropped ($NO_MEMORY no_memory), $LOST reported lost; injected $SLAB_N slab and $PAGE_N page failures"
	FLOOD_FROM=$FENCE_SEQ
}

FLOOD_CALLS=${FI_FLOOD_CALLS:-8}
FLOOD_REPEAT=${FI_FLOOD_REPEAT:-100}

if sensor_up flood; then
	fence
	FLOOD_FROM=$FENCE_SEQ

	# Only ldwatch's allocations fail: every operation succeeds, and each
	# is an alert or a counted drop.
	flood "ldwatch's allocations, 20%" module 20 1 "$FLOOD_CALLS" "$FLOOD_REPEAT"
	check "[$SCEN] every operation succeeded ($DONE of $((2 * FLOOD_CALLS * FLOOD_REPEAT)))" \
		test "$DONE" -eq $((2 * FLOOD_CALLS * FLOOD_REPEAT))
	check "[$SCEN] allocations were made to fail ($SLAB_N slab, $PAGE_N page) and alerts were dropped for it ($NO_MEMORY no_memory)" \
		test "$SLAB_N" -gt 0 -a "$NO_MEMORY" -gt 0
	check "[$SCEN] alerts ($ALERTS_N) + drops ($DROPPED) = operations ($DONE)" \
		test $((ALERTS_N + DROPPED)) -eq "$DONE"
	check "[$SCEN] every alert says the creation succeeded ($SUCCESS_N of $ALERTS_N)" \
		test "$SUCCESS_N" -eq "$ALERTS_N"
	check "[$SCEN] ldwatchd reported every drop as lost ($LOST of $DROPPED)" \
		test "$LOST" -eq "$DROPPED"
	drops_before=$DROPPED
	lost_before=$LOST

	# Every allocation of the flooding processes fails at random, their
	# operations' own too (slab only: see the top), at a rate that lets
	# most execs through (an exec makes many). An operation that failed
	# may still be judged (the sensor reports failed operations): alerts
	# and drops account for at least what succeeded.
	flood "every allocation of the process, 2%" all 2 0 $((FLOOD_CALLS * 4)) $((FLOOD_REPEAT / 4))
	DROPPED=$((DROPPED - drops_before))
	LOST=$((LOST - lost_before))
	check "[$SCEN] allocations were made to fail ($SLAB_N), and operations succeeded ($DONE)" \
		test "$SLAB_N" -gt 0 -a "$DONE" -gt 0
	check "[$SCEN] alerts ($ALERTS_N) + drops ($DROPPED) cover the operations that succeeded ($DONE)" \
		test $((ALERTS_N + DROPPED)) -ge "$DONE"
	check "[$SCEN] ldwatchd reported every drop as lost ($LOST of $DROPPED)" \
		test "$LOST" -eq "$DROPPED"
	check "[$SCEN] no alert says a creation succeeded that did not ($SUCCESS_N say so; $DONE succeeded, $UNDONE more were not undone)" \
		test "$SUCCESS_N" -le $((DONE + UNDONE))
	run_expect check "$ALERTS" --kind any --name "[$SCEN]" \
		--desc "ldwatchd's output is well-formed throughout" --lint
	sensor_down
fi
cleanup_targets
fault_off
