# shellcheck shell=sh
#
# ldwatch VM harness: helpers for guest scripts. In the guest this file is
# /tests/lib.sh; a guest script starts with
#
#     . /tests/lib.sh
#
# and reports each result with one of:
#
#     ok DESC                 a passed check
#     not_ok DESC             a failed check
#     skip DESC [REASON]      a check that cannot run here (counted as passed)
#     check DESC CMD...       run CMD; ok if it exits 0, else not_ok
#     check_fails DESC CMD... run CMD; ok if it exits non-zero, else not_ok
#     diag MESSAGE...         a comment on the console only
#
# Result lines go to the result channel ($LDW_RESULTS, /dev/hvc0, a virtio
# console the host reads as results.log) as `ok - DESC` / `not ok - DESC`,
# and are echoed to stdout (the console) for context. Control characters
# (newlines included) in DESC become spaces, so one call is always exactly
# one result line.
# The script's exit status counts too: non-zero is one more failure.

LDW_RESULTS=${LDW_RESULTS:-/dev/hvc0}

# _ldw_line TEXT...: write one sanitized line to the result channel and stdout.
_ldw_line() {
	_ldw_text=$(printf '%s' "$*" | tr '\000-\037\177' ' ')
	printf '%s\n' "$_ldw_text" >>"$LDW_RESULTS"
	printf '%s\n' "$_ldw_text"
}

ok() {
	_ldw_line "ok - $*"
}

not_ok() {
	_ldw_line "not ok - $*"
}

# skip DESC [REASON]
skip() {
	_ldw_line "ok - $1 # SKIP ${2:-}"
}

diag() {
	printf '# %s\n' "$*"
}

# check DESC CMD...: the command's output goes to the console; returns its
# exit status.
check() {
	_ldw_desc=$1
	shift
	if "$@"; then _ldw_rc=0; else _ldw_rc=$?; fi
	if [ "$_ldw_rc" -eq 0 ]; then
		ok "$_ldw_desc"
	else
		diag "command failed with exit status $_ldw_rc: $*"
		not_ok "$_ldw_desc"
	fi
	return "$_ldw_rc"
}

# check_fails DESC CMD...: expects the command to fail; returns 0 if it did.
check_fails() {
	_ldw_desc=$1
	shift
	if "$@"; then _ldw_rc=0; else _ldw_rc=$?; fi
	if [ "$_ldw_rc" -ne 0 ]; then
		ok "$_ldw_desc"
		return 0
	fi
	diag "command unexpectedly succeeded: $*"
	not_ok "$_ldw_desc"
	return 1
}
