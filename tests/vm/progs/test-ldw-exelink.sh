#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/progs/test-ldw-exelink.sh LDW-EXELINK
#
# ldw-exelink replaces its executable link by prctl(PR_SET_MM_EXE_FILE)
# and then does one file operation, from code running outside its unmapped
# executable. These cases check its command line, and on this machine:
# with CAP_SYS_RESOURCE (root, outside a container that drops it), that
# each operation has its effect on the file system, prints ldw-ops's result
# line and exits 0, that a failed operation says which errno and exits 1,
# and that a refused prctl (EXE not executable) exits 1 with a message and
# does nothing; without CAP_SYS_RESOURCE, that the prctl's EPERM is
# reported so, with exit 1 and nothing done (the copied code ran: it is
# what writes that message, after unmapping the executable).
#
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"

B=${1:?usage: $0 LDW-EXELINK}
B=$(realpath "$B")

skip() {
	ok "# SKIP $*"
}

umask 022
T=$(mktemp -d /tmp/ldw-exelink-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

# run [LDW-EXELINK ARGS]...: leaves $rc, $out (stdout), $err.
run() {
	rc=0
	out=$("$B" "$@" 2>"$T/.err") || rc=$?
	err=$(<"$T/.err")
}

# is DESC EXPECTED ACTUAL
is() {
	if [[ $2 == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   want: %q\n#   got:  %q\n' "$2" "$3"
	fi
}

# like DESC PATTERN ACTUAL: ACTUAL matches the glob PATTERN.
like() {
	# shellcheck disable=SC2053 # the pattern is a glob on purpose
	if [[ $3 == $2 ]]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   want: %s\n#   got:  %q\n' "$2" "$3"
	fi
}

content() {
	if [[ -e $1 ]]; then cat -- "$1"; else printf '<missing>'; fi
}

# ---------------------------------------------------------------- command line

run --help
is "--help exits 0" 0 "$rc"
for w in "EXE creat PATH" "EXE write PATH" "EXE rename OLD NEW" CAP_SYS_RESOURCE \
	OP_RESULT= "Exit status"; do
	like "--help mentions $w" "*$w*" "$out"
done
run
is "no operands: usage error (exit 2)" 2 "$rc"
like "no operands: says what is needed" "*EXE, OP and PATH*" "$err"
run /bin/true creat
is "creat without PATH: exit 2" 2 "$rc"
run /bin/true creat a b
is "creat with two operands: exit 2" 2 "$rc"
run /bin/true rename a
is "rename with one operand: exit 2" 2 "$rc"
like "rename with one operand: says it takes OLD NEW" "*rename takes OLD NEW*" "$err"
run /bin/true chmod a
is "an unknown operation: exit 2" 2 "$rc"
run --bogus /bin/true creat a
is "an unknown option: exit 2" 2 "$rc"
run "$T/no-such-exe" creat "$T/x"
is "EXE missing: exit 1" 1 "$rc"
like "EXE missing: says so" "*cannot open EXE $T/no-such-exe: No such file or directory*" "$err"
is "EXE missing: nothing created" "<missing>" "$(content "$T/x")"

# ---------------------------------------------------------------- operations

line_re='^OP_PID=[0-9]+ OP_TID=[0-9]+ OP_PPID=[0-9]+ OP_UID=[0-9]+ OP_EUID=[0-9]+ OP_GID=[0-9]+ OP_RESULT=([A-Za-z0-9]+) OP_DONE=([01])$'

# result DESC RESULT DONE: $out is one result line with these values.
result() {
	if [[ $out =~ $line_re ]] && [[ ${BASH_REMATCH[1]} == "$2" && ${BASH_REMATCH[2]} == "$3" ]]; then
		ok "$1: prints OP_RESULT=$2 OP_DONE=$3"
	else
		not_ok "$1: prints OP_RESULT=$2 OP_DONE=$3"
		printf '#   %s\n' "$out" "$err"
	fi
}

cp /bin/true "$T/other-exe"
cap_eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
# CAP_SYS_RESOURCE is capability 24.
if (((16#$cap_eff >> 24) & 1)); then
	evil=/tmp/ldw-evil.so
	run "$T/other-exe" creat "$T/c"
	is "creat: exit 0" 0 "$rc"
	result creat ok 1
	like "creat: OP_UID and OP_EUID are this user's" "* OP_UID=$EUID OP_EUID=$EUID *" "$out"
	is "creat: PATH holds the line" "$evil" "$(content "$T/c")"
	is "creat: PATH has mode 0644 (umask 022)" 644 "$(stat -c %a "$T/c")"

	printf 'old content, longer than the line\n' >"$T/w"
	run "$T/other-exe" write "$T/w"
	is "write: exit 0" 0 "$rc"
	result write ok 1
	is "write: PATH holds only the line (truncated)" "$evil" "$(content "$T/w")"

	run "$T/other-exe" write "$T/missing"
	is "write of a missing file: exit 1" 1 "$rc"
	result "write of a missing file" ENOENT 0
	is "write of a missing file: nothing created" "<missing>" "$(content "$T/missing")"

	printf 'moved\n' >"$T/old"
	run "$T/other-exe" rename "$T/old" "$T/new"
	is "rename: exit 0" 0 "$rc"
	result rename ok 1
	is "rename: NEW holds OLD's content" moved "$(content "$T/new")"
	is "rename: OLD is gone" "<missing>" "$(content "$T/old")"

	run "$T/other-exe" rename "$T/old" "$T/new2"
	is "rename of a missing file: exit 1" 1 "$rc"
	result "rename of a missing file" ENOENT 0

	run "$T/other-exe" creat "$T/nodir/x"
	result "creat in a missing directory" ENOENT 0

	# The prctl refuses a file that is not executable: EACCES.
	cp /bin/true "$T/noexec-exe"
	chmod 0644 "$T/noexec-exe"
	run "$T/noexec-exe" creat "$T/refused"
	is "EXE not executable: exit 1" 1 "$rc"
	like "EXE not executable: the prctl's EACCES is reported" \
		"*prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, EXE): EACCES*" "$err"
	is "EXE not executable: no result line" "" "$out"
	is "EXE not executable: the operation is not done" "<missing>" "$(content "$T/refused")"

	# While the operation runs, /proc/PID/exe names EXE: a write to a FIFO
	# waits in open(2) for a reader.
	mkfifo "$T/fifo"
	"$B" "$T/other-exe" write "$T/fifo" >"$T/fifo.out" 2>"$T/fifo.err" &
	fpid=$!
	link=
	for _ in {1..100}; do
		link=$(readlink "/proc/$fpid/exe" 2>/dev/null)
		[[ $link == "$T/other-exe" ]] && break
		sleep 0.1
	done
	is "while the operation runs, /proc/PID/exe is EXE" "$T/other-exe" "$link"
	got=$(timeout 10 cat "$T/fifo")
	rc=0
	wait "$fpid" || rc=$?
	is "write to a FIFO: exit 0" 0 "$rc"
	is "write to a FIFO: the reader gets the line" "$evil" "$got"

	# Its own executable as EXE: the same file, mapped no more.
	run "$B" creat "$T/self"
	is "EXE = its own executable: exit 0" 0 "$rc"
	result "EXE = its own executable" ok 1
else
	skip "the operations: no CAP_SYS_RESOURCE here (the guests test them)"
	run "$T/other-exe" creat "$T/c"
	is "without CAP_SYS_RESOURCE: exit 1" 1 "$rc"
	like "without CAP_SYS_RESOURCE: the prctl's EPERM is reported, with the cause" \
		"*prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, EXE): EPERM (EPERM: needs CAP_SYS_RESOURCE*" \
		"$err"
	is "without CAP_SYS_RESOURCE: no result line" "" "$out"
	is "without CAP_SYS_RESOURCE: the operation is not done" "<missing>" "$(content "$T/c")"
fi

summary
