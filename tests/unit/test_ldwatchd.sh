#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of ldwatchd's and `ldwatchctl status`'s command lines, and of how
# both behave on a host without the ldwatch module (this one cannot load
# modules): test_ldwatchd.sh LDWATCHD LDWATCHCTL
#
# Expected texts come from the brief and the documented interfaces (the
# usage texts' promises, exit statuses, the health record names), not from
# running the programs. The module is driven in the qemu guests
# (tests/vm/); here it is absent.
#
# Prints "ok - ..." / "not ok - ..." lines, "# ..." diagnostics, and last
# "N passed, N failed". Exits 0 iff none failed. Run it on ASan/UBSan
# builds: a sanitizer report changes the exit status or writes to stderr,
# and both are checked.

set -u
# shellcheck source-path=SCRIPTDIR source=cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	echo "usage: $0 LDWATCHD LDWATCHCTL" >&2
	exit 2
fi
D=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CTL=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
chmod 755 "$TMP"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT


# run BIN ARG...: leaves $TMP/out, $TMP/err, $rc.
run() {
	"$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

fits80() {
	if awk 'length > 80 { bad = 1 } END { exit bad }' "$2"; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# usage_error DESC EXPECTED-FIRST-LINE BIN ARG...: exit 2, the message and
# the hint, nothing on stdout.
usage_error() {
	local desc=$1 want=$2 hint
	shift 2
	run "$@"
	status "$desc: exit 2" 2
	empty "$desc: nothing on stdout" "$TMP/out"
	case $1 in
	"$D") hint="Try 'ldwatchd --help'." ;;
	*) hint="Try 'ldwatchctl status --help'." ;;
	esac
	same_text "$desc: message" "$want
$hint" "$(cat "$TMP/err")"
}

# wait_lines FILE N: wait up to 10 s for FILE to hold N lines.
wait_lines() {
	for _ in $(seq 100); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# stop PID SIGNAL: send it, wait for the exit; leaves $rc.
stop() {
	kill -s "$2" "$1"
	wait "$1"
	rc=$?
}

health_actions=(ldwatch-connected ldwatch-alerts-lost ldwatch-drop-counters
	ldwatch-socket-overrun ldwatch-sensor-stopping ldwatch-module-absent ldwatch-alerts-suppressed
	ldwatch-malformed-message)
drop_reasons=(no_slot busy task_exiting path no_memory queue_full send_failed
	unload kernel_thread)
counters=(seen candidates not_confirmed no_match excluded matched sent suppressed)

# --- ldwatchd: help, version, usage errors ---------------------------------

run "$D" --help
status "ldwatchd --help: exit 0" 0
empty "ldwatchd --help: nothing on stderr" "$TMP/err"
cp "$TMP/out" "$TMP/help"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT SIGNALS "EXIT STATUS" EXAMPLES; do
	contains "ldwatchd --help: has $section" "$TMP/help" "$section"
done
for opt in --output --reconnect-interval --receive-buffer --heartbeat --state --version; do
	contains "ldwatchd --help: documents $opt" "$TMP/help" "    $opt"
done
for a in "${health_actions[@]}"; do
	contains "ldwatchd --help: documents the record $a" "$TMP/help" "$a"
done
for r in "${drop_reasons[@]}"; do
	contains "ldwatchd --help: names drop reason $r" "$TMP/help" "$r"
done
contains "ldwatchd --help: says ECS severity is numeric" "$TMP/help" "ECS severity is numeric"
# Liveness: the sensor's own alerts, the heartbeat, the state file.
for a in ldwatch-sensor-blind-window ldwatch-heartbeat ldwatch-state-unreadable sensor_report \
	ldwatch.lost.reason event.start event.end ldwatch.tamper /var/lib/ldwatch/state; do
	contains "ldwatchd --help: documents $a" "$TMP/help" "$a"
done
contains "ldwatchd --help: says it needs CAP_NET_ADMIN" "$TMP/help" "CAP_NET_ADMIN"
fits80 "ldwatchd --help: fits in 80 columns" "$TMP/help"
run "$D" -h
if cmp -s "$TMP/out" "$TMP/help"; then
	ok "ldwatchd -h: the same text as --help"
else
	not_ok "ldwatchd -h: the same text as --help"
fi

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
run "$D" --version
status "ldwatchd --version: exit 0" 0
same_text "ldwatchd --version: the package version and the protocol version" \
	"ldwatchd $version (ldwatch netlink interface version 1)" "$(cat "$TMP/out")"

usage_error "ldwatchd: unknown long option" "ldwatchd: unknown option '--bogus'" "$D" --bogus
usage_error "ldwatchd: unknown short option" "ldwatchd: unknown option '-x'" "$D" -x
usage_error "ldwatchd: --output without its argument" \
	"ldwatchd: option '--output' needs an argument" "$D" --output
usage_error "ldwatchd: --output with an empty name" \
	"ldwatchd: --output needs a file name" "$D" --output ''
usage_error "ldwatchd: --help takes no argument" \
	"ldwatchd: option '--help' takes no argument" "$D" --help=yes
usage_error "ldwatchd: an argument" "ldwatchd: unexpected argument 'alerts.ndjson'" \
	"$D" alerts.ndjson
for bad in 0 0.001 3601 abc 1s nan inf -1 ''; do
	usage_error "ldwatchd: --reconnect-interval '$bad'" \
		"ldwatchd: --reconnect-interval: '$bad' is not a number of seconds from 0.01 to 3600" \
		"$D" --reconnect-interval "$bad"
done
for bad in 1K 65535 2G 12X -5 '' 1KB 99999999999999999999999; do
	usage_error "ldwatchd: --receive-buffer '$bad'" \
		"ldwatchd: --receive-buffer: '$bad' is not a size from 64K to 1G" \
		"$D" --receive-buffer "$bad"
done

for bad in 0.001 86401 abc 1s nan inf -1 ''; do
	usage_error "ldwatchd: --heartbeat '$bad'" \
		"ldwatchd: --heartbeat: '$bad' is not 0 or a number of seconds from 0.01 to 86400" \
		"$D" --heartbeat "$bad"
done
usage_error "ldwatchd: --state with an empty name" \
	"ldwatchd: --state needs a file name" "$D" --state ''

run "$D" --output "$TMP/no/such/dir/alerts.ndjson"
status "ldwatchd: an output that cannot be opened: exit 1" 1
same_text "ldwatchd: an output that cannot be opened: says so" \
	"ldwatchd: opening $TMP/no/such/dir/alerts.ndjson: No such file or directory" \
	"$(cat "$TMP/err")"

# --- ldwatchctl status: help, usage errors ---------------------------------

run "$CTL" status --help
status "ldwatchctl status --help: exit 0" 0
empty "ldwatchctl status --help: nothing on stderr" "$TMP/err"
cp "$TMP/out" "$TMP/status-help"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" --json; do
	contains "ldwatchctl status --help: has $section" "$TMP/status-help" "$section"
done
for r in "${drop_reasons[@]}" "${counters[@]}"; do
	contains "ldwatchctl status --help: names $r" "$TMP/status-help" "$r"
done
contains "ldwatchctl status --help: exit status 3 is 'not loaded'" "$TMP/status-help" \
	"3   the ldwatch module is not loaded"
contains "ldwatchctl status --help: exit status 4 is 'not permitted'" "$TMP/status-help" \
	"4   not permitted"
fits80 "ldwatchctl status --help: fits in 80 columns" "$TMP/status-help"
run "$CTL" help status
if cmp -s "$TMP/out" "$TMP/status-help"; then
	ok "ldwatchctl help status: the same text as status --help"
else
	not_ok "ldwatchctl help status: the same text as status --help"
fi
run "$CTL" --help
contains "ldwatchctl --help: lists the status command" "$TMP/out" "    status "
contains "ldwatchctl --help: lists the match command still" "$TMP/out" "    match "
contains "ldwatchctl --help: documents exit status 3" "$TMP/out" "3   the ldwatch module is not loaded"
fits80 "ldwatchctl --help: fits in 80 columns" "$TMP/out"

usage_error "ldwatchctl status: unknown option" \
	"ldwatchctl status: unknown option '--bogus'" "$CTL" status --bogus
usage_error "ldwatchctl status: --json takes no argument" \
	"ldwatchctl status: option '--json' takes no argument" "$CTL" status --json=yes
usage_error "ldwatchctl status: an argument" \
	"ldwatchctl status: unexpected argument 'now'" "$CTL" status now

# match is still there and still works.
printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":"/tmp/x"}}' >"$TMP/ev"
"$CTL" match <"$TMP/ev" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$TMP/ev" "$TMP/out"; then
	ok "ldwatchctl match still prints a matching event"
else
	not_ok "ldwatchctl match still prints a matching event (exit $rc)"
fi

# --- without the module ------------------------------------------------------

if [ -d /sys/module/ldwatch ]; then
	echo "# the ldwatch module is loaded on this host: the no-module checks do not apply"
else
	for args in "status" "status --json"; do
		# shellcheck disable=SC2086 # two words on purpose
		run "$CTL" $args
		status "ldwatchctl $args without the module: exit 3" 3
		empty "ldwatchctl $args without the module: nothing on stdout" "$TMP/out"
		same_text "ldwatchctl $args without the module: says so" \
			"ldwatchctl: ldwatch module not loaded: modprobe ldwatch" "$(cat "$TMP/err")"
	done

	# ldwatchd waits: one module-absent record, then nothing, until SIGTERM.
	out=$TMP/alerts.ndjson
	printf 'an earlier line\n' >"$out"
	chmod 600 "$out"
	"$D" --output "$out" --reconnect-interval 0.1 2>"$TMP/d.err" &
	pid=$!
	pids+=("$pid")
	if wait_lines "$out" 2; then
		ok "ldwatchd without the module: writes a record"
	else
		not_ok "ldwatchd without the module: writes a record"
	fi
	sleep 1
	if kill -0 "$pid" 2>/dev/null; then
		ok "ldwatchd without the module: keeps waiting"
	else
		not_ok "ldwatchd without the module: keeps waiting"
	fi
	same_text "ldwatchd: --output appends to what the file held" "an earlier line" \
		"$(head -n 1 "$out")"
	same_text "ldwatchd without the module: exactly one record in 1 s of polling every 0.1 s" \
		2 "$(wc -l <"$out")"
	rec=$(sed -n 2p "$out")
	for want in '"action":"ldwatch-module-absent"' '"kind":"event"' '"module":"ldwatch"' \
		'"dataset":"ldwatch.health"' '"reconnect_interval_ms":100' '"type":"linux"'; do
		case $rec in
		"{"*"$want"*"}") ok "module-absent record has $want" ;;
		*) not_ok "module-absent record has $want"; echo "# $rec" ;;
		esac
	done
	if [[ $rec =~ ^\{\"@timestamp\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\" ]]; then
		ok "module-absent record starts with an RFC 3339 @timestamp in UTC with nanoseconds"
	else
		not_ok "module-absent record starts with an RFC 3339 @timestamp"
	fi

	# SIGHUP reopens: after a rotation the file is created anew.
	mv "$out" "$out.1"
	kill -HUP "$pid"
	for _ in $(seq 50); do
		[ -e "$out" ] && break
		sleep 0.1
	done
	if [ -e "$out" ] && kill -0 "$pid" 2>/dev/null; then
		ok "ldwatchd: SIGHUP reopens the output (a rotated file is created anew)"
	else
		not_ok "ldwatchd: SIGHUP reopens the output (a rotated file is created anew)"
	fi
	same_text "ldwatchd: a new output file has mode 0640 (umask $(umask))" \
		"$(printf '%o' $((0640 & ~$(umask))))" "$(stat -c %a "$out" 2>/dev/null)"
	stop "$pid" TERM
	status "ldwatchd: SIGTERM ends it with status 0" 0
	empty "ldwatchd: nothing on stderr" "$TMP/d.err"

	# Standard output by default; SIGINT also ends it with 0.
	"$D" --reconnect-interval 0.1 >"$TMP/stdout.ndjson" 2>"$TMP/d.err" &
	pid=$!
	pids+=("$pid")
	if wait_lines "$TMP/stdout.ndjson" 1; then
		ok "ldwatchd: writes to standard output by default"
	else
		not_ok "ldwatchd: writes to standard output by default"
	fi
	contains "ldwatchd: the record on standard output is module-absent" \
		"$TMP/stdout.ndjson" '"action":"ldwatch-module-absent"'
	stop "$pid" INT
	status "ldwatchd: SIGINT ends it with status 0" 0
	empty "ldwatchd: nothing on stderr (stdout run)" "$TMP/d.err"

	# Liveness: the heartbeat says the module is absent; a missing state
	# file is a first start (nothing said); nothing to save while absent.
	"$D" --output "$TMP/hb.ndjson" --reconnect-interval 0.1 --heartbeat 0.3 \
		--state "$TMP/state-dir/state" 2>"$TMP/d.err" &
	pid=$!
	pids+=("$pid")
	if wait_lines "$TMP/hb.ndjson" 4; then
		ok "ldwatchd --heartbeat 0.3: heartbeats follow the module-absent record"
	else
		not_ok "ldwatchd --heartbeat 0.3: heartbeats follow the module-absent record"
	fi
	stop "$pid" TERM
	status "ldwatchd --heartbeat: SIGTERM ends it with status 0" 0
	empty "ldwatchd: a missing state file is not an error (nothing on stderr)" "$TMP/d.err"
	same_text "ldwatchd: the first record is module-absent, no state record" \
		'"ldwatch-module-absent"' "$(sed -n 1p "$TMP/hb.ndjson" | grep -o '"ldwatch-[a-z-]*"')"
	rec=$(sed -n 2p "$TMP/hb.ndjson")
	for want in '"action":"ldwatch-heartbeat"' '"kind":"state"' '"dataset":"ldwatch.health"' \
		'"loaded":false' '"heartbeat_interval_ms":300' "\"pid\":$pid"; do
		case $rec in
		"{"*"$want"*"}") ok "heartbeat record has $want" ;;
		*) not_ok "heartbeat record has $want"; echo "# $rec" ;;
		esac
	done
	n=$(grep -c '"ldwatch-heartbeat"' "$TMP/hb.ndjson")
	if [ "$n" -ge 3 ] && [ "$n" -le 6 ]; then
		ok "ldwatchd --heartbeat 0.3: about one heartbeat every 0.3 s ($n)"
	else
		not_ok "ldwatchd --heartbeat 0.3: about one heartbeat every 0.3 s ($n)"
	fi
	if [ ! -e "$TMP/state-dir" ]; then
		ok "ldwatchd: no state is written while no module was ever seen"
	else
		not_ok "ldwatchd: no state is written while no module was ever seen"
	fi

	# --heartbeat 0 turns it off.
	"$D" --output "$TMP/hb0.ndjson" --reconnect-interval 0.1 --heartbeat 0 \
		--state "$TMP/state-dir/state" 2>"$TMP/d.err" &
	pid=$!
	pids+=("$pid")
	wait_lines "$TMP/hb0.ndjson" 1
	sleep 1
	stop "$pid" TERM
	same_text "ldwatchd --heartbeat 0: no heartbeat, only module-absent" 1 \
		"$(wc -l <"$TMP/hb0.ndjson")"

	# A malformed state file: a clear message, a record, and it goes on.
	printf 'ldwatchd-state 1\nload_id nothex\n' >"$TMP/bad-state"
	"$D" --output "$TMP/bad.ndjson" --reconnect-interval 0.1 --heartbeat 0 \
		--state "$TMP/bad-state" 2>"$TMP/d.err" &
	pid=$!
	pids+=("$pid")
	wait_lines "$TMP/bad.ndjson" 2
	sleep 0.3
	if kill -0 "$pid" 2>/dev/null; then
		ok "ldwatchd: a malformed state file does not end it"
	else
		not_ok "ldwatchd: a malformed state file does not end it"
	fi
	stop "$pid" TERM
	status "ldwatchd: SIGTERM after a malformed state file: status 0" 0
	same_text "ldwatchd: a malformed state file is said on stderr, as unknown" \
		"ldwatchd: state file $TMP/bad-state: line 2 is not \"load_id\" and 16 hex digits; treated as unknown (whether the sensor was away before this start cannot be told)" \
		"$(cat "$TMP/d.err")"
	rec=$(grep '"ldwatch-state-unreadable"' "$TMP/bad.ndjson")
	for want in '"kind":"event"' "\"path\":\"$TMP/bad-state\"" '"error":"line 2 is not'; do
		case $rec in
		"{"*"$want"*"}") ok "state-unreadable record has $want" ;;
		*) not_ok "state-unreadable record has $want"; echo "# $rec" ;;
		esac
	done
	same_text "ldwatchd: the state file it could not read is left as it was" \
		"$(printf 'ldwatchd-state 1\nload_id nothex')" "$(cat "$TMP/bad-state")"

	# A full output: said on stderr, not fatal.
	if [ -w /dev/full ]; then
		"$D" --output /dev/full --reconnect-interval 0.1 2>"$TMP/d.err" &
		pid=$!
		pids+=("$pid")
		for _ in $(seq 50); do
			[ -s "$TMP/d.err" ] && break
			sleep 0.1
		done
		same_text "ldwatchd: a write error is reported on stderr" \
			"ldwatchd: writing /dev/full: No space left on device (records are lost until writing works again)" \
			"$(cat "$TMP/d.err")"
		if kill -0 "$pid" 2>/dev/null; then
			ok "ldwatchd: a full output does not end it"
		else
			not_ok "ldwatchd: a full output does not end it"
		fi
		stop "$pid" TERM
		status "ldwatchd: SIGTERM after write errors: status 0" 0
	fi
fi

# --- without CAP_NET_ADMIN -----------------------------------------------------

unprivileged=()
if [ "$(id -u)" -ne 0 ]; then
	unprivileged=(env)
elif command -v setpriv >/dev/null; then
	unprivileged=(setpriv --reuid=65534 --regid=65534 --clear-groups
		--inh-caps=-all --bounding-set=-all)
fi
if [ ${#unprivileged[@]} -eq 0 ]; then
	echo "# no way to drop root here (setpriv missing): the unprivileged checks do not run"
else
	run "${unprivileged[@]}" "$D" --output /dev/null
	status "ldwatchd unprivileged: exit 1" 1
	same_text "ldwatchd unprivileged: says to run as root" \
		"ldwatchd: receiving ldwatch alerts: Operation not permitted: run as root (needs CAP_NET_ADMIN)" \
		"$(cat "$TMP/err")"
	empty "ldwatchd unprivileged: nothing on stdout" "$TMP/out"
fi

summary
