# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # the stages use what is set here
#
# Helpers for the system tier's guest stages (sourced by stage.sh), in the
# booted Debian system. Result lines (`ok - [STAGE] DESC`, `not ok - ...`)
# go to the virtio console the host reads (org.ldwatch.results, /dev/hvc0:
# its output needs no interrupt, unlike a second UART on PREEMPT_RT) and to
# the console, with the reasons of failures as `# ` lines.

# The port is a console (virtconsole): hvc0, not its /dev/virtio-ports
# name, which cannot be opened while the console driver holds it.
# Held open while the stage runs (a tty's last close may drop what is
# still buffered, and resets its mode); raw: no CR LF, no echo.
LDW_RESULTS=/dev/hvc0
for _i in $(seq 100); do
	[[ -c $LDW_RESULTS ]] && (: >>"$LDW_RESULTS") 2>/dev/null && break
	sleep 0.1
done
exec 8>>"$LDW_RESULTS"
stty -F "$LDW_RESULTS" raw -echo -ixon 2>/dev/null

# The stage being run (stage.sh sets it before sourcing this file).
STAGE=${STAGE:-none}
PAYLOAD=/run/ldw-sys/payload
ALERTS=/var/log/ldwatch/alerts.ndjson
EXPECT=$PAYLOAD/bin/ldw-expect
# What this system keeps between its boots for the scenarios.
STATE=/var/lib/ldw-sys
RULE_ID=640f79d1-571d-4f96-a9af-1194fc8cf763
# ldwatch's companion rule (README, "Beyond Elastic's rule").
COMPANION_ID=e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba
mkdir -p "$STATE"

_line() {
	local text=${*//[$'\001'-$'\037']/ }
	printf '%s\n' "$text" >&8
	printf '%s\n' "$text"
}

ok() {
	_line "ok - [$STAGE] $*"
}

not_ok() {
	_line "not ok - [$STAGE] $*"
}

# diag TEXT...: a reason, on the result channel too (the host shows it
# under the failure).
diag() {
	local l
	while IFS= read -r l; do
		_line "# $l"
	done <<<"$*"
}

# verdict STATUS DESC [WHY]: ok if STATUS (the test's $?, given first so
# that it is expanded before any command substitution in WHY) is 0, else
# not_ok, with WHY shown.
verdict() {
	if (($1 == 0)); then
		ok "$2"
	else
		not_ok "$2"
		[[ -z ${3:-} ]] || diag "$3"
	fi
}

# check DESC CMD...: ok if CMD exits 0; its output is shown on failure.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if ((rc == 0)); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$(printf '%s\n' "$out" | tail -n 25)"
	fi
	return "$rc"
}

# expect ARGS...: ldw-expect check on the alert file; each of its result
# lines becomes ours.
expect() {
	local file=$1 line rc=0
	shift
	while IFS= read -r line; do
		case $line in
		'ok - '*) ok "${line#ok - }" ;;
		'not ok - '*) not_ok "${line#not ok - }" ;;
		*) diag "$line" ;;
		esac
	done < <("$EXPECT" check "$file" "$@" 2>&1 || echo "exit-status $?")
	return "$rc"
}

# last_seq: the highest event.sequence of the module's load in force (the
# load id of the file's last record that has one) so far (into SEQ), 0 if
# none. Not the last line's: a record without a number (ldwatchd's
# heartbeat, its connected record) may have come last; not the file's
# highest: a reboot's new load numbers from 1 again in the same file.
last_seq() {
	SEQ=$("$EXPECT" fields "$ALERTS" 1 ldwatch.load_id event.sequence 2>/dev/null |
		awk -F '\t' '$1 == "-" { next }
			{ last = $1 }
			$2 ~ /^[0-9]+$/ && $2 + 0 > max[$1] + 0 { max[$1] = $2 + 0 }
			END { print max[last] + 0 }')
	[[ $SEQ =~ ^[0-9]+$ ]] || SEQ=0
}

# show_window AFTER BEFORE: the alerts numbered between, one readable line
# each, on the console (what a scenario saw, for whoever reads a failure).
show_window() {
	local line
	while IFS= read -r line; do
		printf '#   %s\n' "$line"
	done < <("$EXPECT" summary "$ALERTS" 2>&1 | awk -v a="$1" -v b="$2" '
		match($0, /^#[0-9]+ /) { n = substr($0, 2, RLENGTH - 2) + 0; if (n > a && n < b) print }')
}

fence_n=0
# fence: make one alert the rule reports (a creation in ld.so.conf.d by
# this shell) and wait until ldwatchd has written it and every alert
# numbered before it; its sequence into FENCE. The window of a scenario is
# (start, FENCE).
fence() {
	fence_n=$((fence_n + 1))
	local f=/etc/ld.so.conf.d/ldw-fence-$STAGE-$fence_n
	: >"$f"
	if FENCE=$("$EXPECT" wait "$ALERTS" --path "$f" --since "${1:-0}" --timeout 20); then
		rm -f "$f"
		return 0
	fi
	rm -f "$f"
	not_ok "the fence alert ($f) arrives within 20 s"
	FENCE=
	return 1
}

# uptime_ms: the guest's uptime in milliseconds, into NOW.
uptime_ms() {
	local up
	read -r up _ </proc/uptime
	NOW=$((${up%.*} * 1000 + 10#${up#*.} * 10))
}

# wait_alert PATH SINCE MS T0: wait until MS milliseconds after T0 (an
# uptime_ms taken before the operation) for an alert with file.path PATH
# numbered above SINCE; the milliseconds from T0 until it was there into
# WAITED.
wait_alert() {
	local path=$1 since=$2 limit=$3 t0=$4 n
	while :; do
		n=$("$EXPECT" count "$ALERTS" --after "$since" "file.path=$path" 2>/dev/null || echo 0)
		uptime_ms
		WAITED=$((NOW - t0))
		((n > 0)) && return 0
		((WAITED > limit)) && return 1
		sleep 0.05
	done
}

# The stage asks for how it ends: NEXT=reboot or NEXT=poweroff.
NEXT=poweroff
