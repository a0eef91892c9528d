#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/progs/test-ldw-fuse-hang.sh LDW-FUSE-HANG
#
# ldw-fuse-hang holds N open(O_CREAT) calls blocked on a FUSE file system
# of its own. These cases check its command line and, where this machine
# can mount FUSE in a user namespace (as root here; as uid 65534 too,
# through a 0666 node of /dev/fuse bind-mounted in a private mount
# namespace): that it says FUSE_HANG_READY N with N threads inside openat,
# that nothing shows outside its namespaces, and that it really ends on
# SIGTERM, SIGINT, the end of stdin (--stdin) and SIGKILL, its server
# process too: a process whose threads are blocked in FUSE requests must
# still be able to exit. What this machine cannot do is skipped, as an
# "ok - # SKIP" line.
#
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"

B=${1:?usage: $0 LDW-FUSE-HANG}
B=$(realpath "$B")

skip() {
	ok "# SKIP $*"
}

T=$(mktemp -d /tmp/ldw-fuse-hang-test.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
mkdir -m 0755 "$T/mnt"

# run [ARGS]...: leaves $rc, $out (stdout), $err.
run() {
	rc=0
	out=$("$B" "$@" 2>"$T/.err" </dev/null) || rc=$?
	err=$(<"$T/.err")
}

is() {
	if [[ $2 == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   want: %q\n#   got:  %q\n' "$2" "$3"
	fi
}

like() {
	# shellcheck disable=SC2053 # the pattern is a glob on purpose
	if [[ $3 == $2 ]]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   want: %s\n#   got:  %q\n' "$2" "$3"
	fi
}

# ---------------------------------------------------------------- command line

run --help
is "--help exits 0" 0 "$rc"
for w in "--threads N" "--name NAME" "--stdin" "FUSE_HANG_READY N" "chmod 0666 /dev/fuse" \
	"modprobe fuse" "Exit status"; do
	like "--help mentions $w" "*$w*" "$out"
done
run
is "no DIR: exit 2" 2 "$rc"
run "$T/mnt" "$T/mnt"
is "two DIRs: exit 2" 2 "$rc"
for n in 0 4097 -1 abc 8x ""; do
	run --threads "$n" "$T/mnt"
	is "--threads '$n': exit 2" 2 "$rc"
done
for n in a/b "" . ..; do
	run --name "$n" "$T/mnt"
	is "--name '$n': exit 2" 2 "$rc"
done
run --bogus "$T/mnt"
is "an unknown option: exit 2" 2 "$rc"

# ---------------------------------------------------------------- the hang

# wait_until SECONDS CMD...: poll CMD every 0.1 s; its status.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.1
	done
}

# gone PID: the process has ended (a zombie, or reaped).
gone() {
	local state
	state=$(awk '$1 == "State:" { print $2 }' "/proc/$1/status" 2>/dev/null)
	[[ -z $state || $state == Z ]]
}

ready() {
	grep -q '^FUSE_HANG_READY' "$T/out"
}

# start [PREFIX...] -- [ARGS]...: start ldw-fuse-hang (after the command
# PREFIX, if any) in the background with stdin from $T/in, a FIFO held
# open by this shell on fd 7; sets $pid; waits for the ready line.
start() {
	local prefix=()
	while [[ $1 != -- ]]; do
		prefix+=("$1")
		shift
	done
	shift
	rm -f "$T/in"
	mkfifo "$T/in"
	# Emptied here: the background job opens them only after the FIFO,
	# and the last run's ready line must not be taken for this one's.
	: >"$T/out"
	: >"$T/err"
	"${prefix[@]}" "$B" "$@" <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	pids+=("$pid")
	exec 7>"$T/in"
	wait_until 30 ready
}

# server: the pid of the server process (the child of $pid).
server() {
	local c
	for c in /proc/[0-9]*; do
		[[ $(awk '$1 == "PPid:" { print $2 }' "$c/status" 2>/dev/null) == "$pid" ]] &&
			printf '%s\n' "${c#/proc/}"
	done
}

# ends HOW STATUS: after HOW, $pid ends within 10 s, with STATUS, and so
# does the server $srv.
ends() {
	local how=$1 want_rc=$2 rc=0
	if ! wait_until 10 gone "$pid"; then
		not_ok "$how: the process ends"
		kill -KILL "$pid"
		wait_until 10 gone "$pid" || diag "it does not end on SIGKILL either"
		return 1
	fi
	wait "$pid" || rc=$?
	exec 7>&-
	is "$how: the process ends (status $want_rc)" "$want_rc" "$rc"
	if [[ -n $srv ]] && ! wait_until 10 gone "$srv"; then
		not_ok "$how: the server process ends"
	fi
	[[ -s $T/err ]] && printf '#   stderr: %s\n' "$(<"$T/err")"
	return 0
}

can_mount=0
if ((EUID != 0)); then
	skip "the hang on this machine: not root"
elif [[ ! -c /dev/fuse ]] || ! grep -qw fuse /proc/filesystems; then
	skip "the hang on this machine: no FUSE (/dev/fuse, /proc/filesystems)"
else
	# A quick probe: stdin at its end at once, it mounts and ends (0),
	# or says why it cannot (1).
	run --stdin --threads 1 "$T/mnt"
	if ((rc == 0)); then
		can_mount=1
	elif [[ $err == *"cannot open /dev/fuse"* || $err == *"mount -t fuse"* ||
		$err == *unshare* ]]; then
		skip "the hang on this machine: $err"
	else
		not_ok "--stdin with stdin at its end: mounts and ends at once (exit $rc)"
		printf '#   %s
' "$err"
	fi
fi

if ((can_mount)); then
	n=16
	if start -- --threads "$n" "$T/mnt"; then
		ok "root, --threads $n: FUSE_HANG_READY within 30 s"
	else
		not_ok "root, --threads $n: FUSE_HANG_READY within 30 s"
	fi
	is "the ready line" "FUSE_HANG_READY $n" "$(<"$T/out")"
	srv=$(server)
	like "a server process" "[0-9]*" "$srv"
	# Each thread (all but the main one) is inside openat (257) or open (2).
	inside=0
	for t in /proc/"$pid"/task/*; do
		[[ ${t##*/} == "$pid" ]] && continue
		read -r nr _ <"$t/syscall" && [[ $nr == 257 || $nr == 2 ]] && inside=$((inside + 1))
	done
	is "$n threads blocked inside open" "$n" "$inside"
	is "the mount is in its own namespace, not here" "" \
		"$(awk -v m="$T/mnt" '$5 == m' /proc/self/mountinfo)"
	is "nothing created under DIR here" "" "$(ls -A "$T/mnt")"
	kill -TERM "$pid"
	ends "SIGTERM" 0

	start -- --threads 4 --name x "$T/mnt"
	is "--name x: ready" "FUSE_HANG_READY 4" "$(<"$T/out")"
	srv=$(server)
	kill -INT "$pid"
	ends "SIGINT" 0

	start -- --threads 4 --stdin "$T/mnt"
	is "--stdin: ready" "FUSE_HANG_READY 4" "$(<"$T/out")"
	srv=$(server)
	exec 7>&-
	ends "--stdin, stdin closed" 0

	start -- --threads 4 "$T/mnt"
	srv=$(server)
	exec 7>&-
	sleep 0.5
	if gone "$pid"; then
		not_ok "without --stdin, the end of stdin does not end it"
	else
		ok "without --stdin, the end of stdin does not end it"
	fi
	# (stderr: no "Killed" line from bash)
	{
		kill -KILL "$pid"
		ends "SIGKILL" 137
	} 2>/dev/null

	start -- --threads 4 "$T/mnt"
	srv=$(server)
	[[ -n $srv ]] && kill -KILL "$srv"
	ends "the server killed" 1
	like "the server killed: says so" "*the FUSE server (pid $srv) ended*" "$(<"$T/err")"

	# As uid 65534: /dev/fuse here may be root's only; a 0666 node of
	# it, bind-mounted in a mount namespace of this test's own, is not.
	if ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
		skip "as uid 65534: no unshare or setpriv (util-linux)"
	else
		mknod -m 0666 "$T/fuse" c 10 229
		chmod 0777 "$T/mnt"
		# shellcheck disable=SC2016 # the inner shell expands $1 and $@
		start unshare -m sh -c 'mount --bind "$1" /dev/fuse && shift &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
			sh "$T/fuse" -- --threads 64 "$T/mnt"
		is "uid 65534, 64 threads: ready" "FUSE_HANG_READY 64" "$(<"$T/out")"
		is "uid 65534: the process is uid 65534's" 65534 \
			"$(awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status")"
		srv=$(server)
		kill -TERM "$pid"
		ends "uid 65534, SIGTERM" 0
		chmod 0755 "$T/mnt"
	fi
	if [[ $(stat -c %a /dev/fuse) != *6 ]] && command -v setpriv >/dev/null; then
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$B" "$T/mnt" 2>&1 </dev/null)
		rc=$?
		is "uid 65534 and /dev/fuse not theirs: exit 1" 1 "$rc"
		like "uid 65534 and /dev/fuse not theirs: says what to do" \
			"*cannot open /dev/fuse: Permission denied (*chmod 0666 /dev/fuse)*" "$out"
	fi
fi

run --threads 2 "$T/no-such-dir"
if ((can_mount)); then
	is "DIR missing: exit 1" 1 "$rc"
	like "DIR missing: the mount's error" "*mount -t fuse*$T/no-such-dir: No such file*" "$err"
fi

summary
