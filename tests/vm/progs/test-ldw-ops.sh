#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/progs/test-ldw-ops.sh LDW-OPS
#
# ldw-ops is how the guest scenarios make the sensor see an operation: if
# an operation did something other than its name says, a scenario would
# test the wrong thing. These cases run each operation, by each route it
# has (x86-64, ia32-, uring-), in a temporary directory on this machine and
# check its effect on the file system: the content written, link counts,
# symlink targets, file types, mounts in /proc/self/mountinfo; and the
# options that change who acts and from where (--user, --userns, --chroot,
# --at, --open-early). Needs root; what this kernel refuses is skipped, as
# an "ok - # SKIP" line (tests/lib.sh counts it as passed).
#
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"

B=${1:?usage: $0 LDW-OPS}
B=$(realpath "$B")

skip() {
	ok "# SKIP $*"
}

if ((EUID != 0)); then
	skip "ldw-ops on the host: not root"
	summary
	exit
fi

T=$(mktemp -d /tmp/ldw-ops-test.XXXXXX)
cleanup() {
	# Unmount whatever a failed case left behind, deepest first.
	awk -v t="$T" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 2

# run [LDW-OPS ARGS]...: run ldw-ops; leaves $rc, $out (stdout), $err.
run() {
	rc=0
	out=$("$B" "$@" 2>"$T/.err") || rc=$?
	err=$(<"$T/.err")
}

# want DESC RESULT [LDW-OPS ARGS]...: ldw-ops reports RESULT and exits 0.
want() {
	local desc=$1 result=$2
	shift 2
	if [[ $result == ok ]]; then
		run "$@"
	else
		run --expect "$result" "$@"
	fi
	if ((rc == 0)) && [[ $out == *" OP_RESULT=$result OP_DONE="* ]]; then
		return 0
	fi
	not_ok "$desc: ldw-ops $* (exit $rc, want OP_RESULT=$result)"
	printf '#   %s\n' "$out" "$err"
	return 1
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

# has NAME: ldw-ops offers the operation NAME (OP, ia32-OP or uring-OP).
routes=("" ia32- uring-)
help=$("$B" --help)
has() {
	grep -qE "^  $1 |^        also: (.*, )?$1(,|\$)" <<<"$help"
}

mounted() {
	awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo
}

content() {
	if [[ -e $1 ]]; then cat -- "$1"; else printf '<missing>'; fi
}

# ---------------------------------------------------------------- the table

syscalls=$("$B" --syscalls)
bad=
while read -r name nr64 nr32 _; do
	h64=$(awk -v n="__NR_$name" '$1 == "#define" && $2 == n { print $3 }' \
		/usr/include/x86_64-linux-gnu/asm/unistd_64.h)
	h32=$(awk -v n="__NR_$name" '$1 == "#define" && $2 == n { print $3 }' \
		/usr/include/x86_64-linux-gnu/asm/unistd_32.h)
	[[ $name == mmap ]] && h32=$(awk '$2 == "__NR_mmap2" { print $3 }' \
		/usr/include/x86_64-linux-gnu/asm/unistd_32.h)
	[[ $h64 == "$nr64" && $h32 == "$nr32" ]] || bad+=" $name($nr64/$nr32 vs $h64/$h32)"
done <<<"$syscalls"
is "--syscalls: every number is asm/unistd_64.h's and unistd_32.h's" "" "$bad"

# ---------------------------------------------------------------- creation

for op in open openat openat2 creat; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		f=$T/c-$r$op
		want "$r$op" ok --write "x$r$op" "$r$op" "$f" &&
			is "$r$op creates PATH with TEXT" "x$r$op" "$(content "$f")"
	done
done
for r in "${routes[@]}"; do
	has "${r}mknod" || continue
	want "${r}mknod" ok "${r}mknod" "$T/n-$r" &&
		is "${r}mknod creates a regular file" "regular empty file" "$(stat -c %F "$T/n-$r")"
	want "${r}mkfifo" ok "${r}mkfifo" "$T/p-$r" &&
		is "${r}mkfifo creates a FIFO" "fifo" "$(stat -c %F "$T/p-$r")"
	want "${r}mknod-chr" ok "${r}mknod-chr" "$T/d-$r" &&
		is "${r}mknod-chr creates character device 1:3" "character special file 1:3" \
			"$(stat -c '%F %t:%T' "$T/d-$r")"
done
for op in mkdir mkdirat; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		want "$r$op" ok --at "$T" "$r$op" "dir-$r$op" &&
			is "$r$op creates a directory, mode 0755" "directory 755" \
				"$(stat -c '%F %a' "$T/dir-$r$op")"
	done
done

# ---------------------------------------------------------------- modification

for op in open-write openat-write openat2-write; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		f=$T/w-$r$op
		printf 'old text\n' >"$f"
		want "$r$op" ok --write NEW "$r$op" "$f" &&
			is "$r$op overwrites the start of PATH" "NEW text" "$(content "$f")"
		want "$r$op append" ok --flags wronly,append --write "+" "$r$op" "$f" &&
			is "$r$op --flags wronly,append appends" "NEW text
+" "$(content "$f")"
		want "$r$op trunc" ok --flags rdwr,trunc --write T "$r$op" "$f" &&
			is "$r$op --flags rdwr,trunc replaces" "T" "$(content "$f")"
		want "$r$op on a missing file" ENOENT "$r$op" "$T/missing-$r$op" &&
			is "$r$op creates nothing" "<missing>" "$(content "$T/missing-$r$op")"
	done
done

for r in "${routes[@]}"; do
	has "${r}truncate" || continue
	printf '0123456789' >"$T/t-$r"
	want "${r}truncate" ok --length 4 "${r}truncate" "$T/t-$r" &&
		is "${r}truncate --length 4" "0123" "$(content "$T/t-$r")"
done
for r in "${routes[@]}"; do
	has "${r}ftruncate" || continue
	printf '0123456789' >"$T/ft-$r"
	want "${r}ftruncate" ok --length 3 "${r}ftruncate" "$T/ft-$r" &&
		is "${r}ftruncate --length 3" "012" "$(content "$T/ft-$r")"
done
for r in "${routes[@]}"; do
	has "${r}fallocate" || continue
	printf 'ab' >"$T/fa-$r"
	want "${r}fallocate" ok "${r}fallocate" "$T/fa-$r" &&
		is "${r}fallocate extends PATH to 4096 bytes" 4096 "$(stat -c %s "$T/fa-$r")"
done
for r in "${routes[@]}"; do
	has "${r}write" || continue
	printf 'abcdef' >"$T/wr-$r"
	want "${r}write" ok --flags wronly,append --write XY "${r}write" "$T/wr-$r" &&
		is "${r}write appends through an O_APPEND fd" "abcdefXY" "$(content "$T/wr-$r")"
done
for r in "${routes[@]}"; do
	has "${r}pwrite" || continue
	printf 'abcdef' >"$T/pw-$r"
	want "${r}pwrite" ok --offset 2 --write XY "${r}pwrite" "$T/pw-$r" &&
		is "${r}pwrite --offset 2" "abXYef" "$(content "$T/pw-$r")"
done
for r in "${routes[@]}"; do
	has "${r}mmap-write" || continue
	printf 'abcdef' >"$T/mm-$r"
	want "${r}mmap-write" ok --offset 1 --write XY "${r}mmap-write" "$T/mm-$r" &&
		is "${r}mmap-write --offset 1" "aXYdef" "$(content "$T/mm-$r")"
	run --write toolong mmap-write "$T/mm-$r"
	is "${r}mmap-write past the end is refused before the operation (exit 2)" 2 "$rc"
done
printf 'SOURCE' >"$T/src"
for op in copy_file_range sendfile splice; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		printf 'abcdefghij' >"$T/cp-$r$op"
		want "$r$op" ok "$r$op" "$T/cp-$r$op" "$T/src" &&
			is "$r$op PATH SRC copies SRC over the start" "SOURCEghij" \
				"$(content "$T/cp-$r$op")"
		printf 'abcdefghij' >"$T/cp-$r$op"
		want "$r$op (temporary)" ok --write TMP "$r$op" "$T/cp-$r$op" &&
			is "$r$op PATH copies TEXT from a temporary" "TMPdefghij" \
				"$(content "$T/cp-$r$op")"
	done
done

# ---------------------------------------------------------------- names

for op in link linkat linkat-fd; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		printf 'L' >"$T/l-$r$op"
		want "$r$op" ok "$r$op" "$T/l-$r$op" "$T/l2-$r$op" &&
			is "$r$op: NEW is OLD (2 links, same inode)" "2 $(stat -c %i "$T/l-$r$op")" \
				"$(stat -c '%h %i' "$T/l2-$r$op")"
	done
done
for op in tmpfile-link tmpfile-link-fd; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		want "$r$op" ok --write "tmp$r" "$r$op" "$T" "$T/tl-$r$op" &&
			is "$r$op: NEW has TEXT and one link" "tmp$r 1" \
				"$(content "$T/tl-$r$op") $(stat -c %h "$T/tl-$r$op")"
	done
done
for op in symlink symlinkat; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		want "$r$op" ok "$r$op" /etc/ld.so.preload "$T/s-$r$op" &&
			is "$r$op: LINK points to TARGET" /etc/ld.so.preload "$(readlink "$T/s-$r$op")"
	done
done
for op in rename renameat renameat2; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		printf 'R' >"$T/r-$r$op"
		want "$r$op" ok "$r$op" "$T/r-$r$op" "$T/r2-$r$op" &&
			is "$r$op moves OLD to NEW" "R <missing>" \
				"$(content "$T/r2-$r$op") $(content "$T/r-$r$op")"
	done
done
for r in "${routes[@]}"; do
	has "${r}renameat2" || continue
	printf 'a' >"$T/nr1-$r"
	printf 'b' >"$T/nr2-$r"
	want "${r}renameat2 noreplace" EEXIST --rename-flags noreplace "${r}renameat2" \
		"$T/nr1-$r" "$T/nr2-$r" && ok "${r}renameat2 --rename-flags noreplace: EEXIST"
done
want "uring-renameat, the old name" ok uring-renameat "$T/r2-renameat2" "$T/r3" &&
	is "uring-renameat renames" R "$(content "$T/r3")"
want "link --repeat 3" ok --repeat 3 link "$T/r3" "$T/r4" &&
	is "link --repeat 3: done 3 times, NEW unlinked after each" "OP_DONE=3 <missing>" \
		"${out##* } $(content "$T/r4")"

# ---------------------------------------------------------------- mounts

mkdir -p "$T/msrc" "$T/mdst" "$T/mdst2"
printf 'in src' >"$T/msrc/file"
for op in bind-mount new-mount-api; do
	for r in "${routes[@]}"; do
		has "$r$op" || continue
		if want "$r$op" ok "$r$op" "$T/msrc" "$T/mdst" && mounted "$T/mdst"; then
			is "$r$op: SRC is visible at DST" "in src" "$(content "$T/mdst/file")"
			want "${r}umount" ok "${r}umount" "$T/mdst" && ! mounted "$T/mdst" &&
				ok "${r}umount unmounts (after $r$op)"
		else
			not_ok "$r$op: DST is in /proc/self/mountinfo"
		fi
	done
done
for r in "${routes[@]}"; do
	has "${r}move-mount" || continue
	"$B" bind-mount "$T/msrc" "$T/mdst" >/dev/null
	if want "${r}move-mount" ok "${r}move-mount" "$T/mdst" "$T/mdst2" &&
		mounted "$T/mdst2" && ! mounted "$T/mdst"; then
		ok "${r}move-mount moves the mount from SRC to DST"
	else
		not_ok "${r}move-mount moves the mount from SRC to DST"
	fi
	umount "$T/mdst2" 2>/dev/null
done
for r in "${routes[@]}"; do
	has "${r}fsmount-tmpfs" || continue
	if want "${r}fsmount-tmpfs" ok --write "fs$r" "${r}fsmount-tmpfs" "$T/mdst" inner.conf &&
		mounted "$T/mdst"; then
		is "${r}fsmount-tmpfs: a tmpfs at DST holding RELPATH" "tmpfs fs$r" \
			"$(stat -f -c %T "$T/mdst") $(content "$T/mdst/inner.conf")"
		umount "$T/mdst"
	else
		not_ok "${r}fsmount-tmpfs: DST is in /proc/self/mountinfo"
	fi
done
for r in "${routes[@]}"; do
	has "${r}open-tree-write" || continue
	want "${r}open-tree-write" ok --write "ot$r" "${r}open-tree-write" "$T/msrc" "ot-$r" &&
		is "${r}open-tree-write creates RELPATH in SRC through the detached clone" \
			"ot$r" "$(content "$T/msrc/ot-$r")"
	mounted "$T/msrc" && not_ok "${r}open-tree-write left a mount at SRC"
done

# ---------------------------------------------------------------- who and where

chmod 0755 "$T"
want "fsmount-tmpfs as uid 65534" EPERM --user 65534 fsmount-tmpfs "$T/mdst" &&
	ok "fsmount-tmpfs as uid 65534 without --userns: EPERM"
if unshare -U -m true 2>/dev/null; then
	if want "--userns fsmount-tmpfs" ok --user 65534 --userns --write u \
		fsmount-tmpfs "$T/mdst" x; then
		is "--userns --user 65534 fsmount-tmpfs: reported as uid 65534, the mount gone with the namespace" \
			"OP_UID=65534 <missing>" \
			"$(grep -o 'OP_UID=[0-9]*' <<<"$out") $(content "$T/mdst/x")"
	fi
	want "--userns bind-mount" ok --user 65534 --userns bind-mount "$T/msrc" "$T/mdst" &&
		ok "--userns --user 65534 bind-mount (namespace root)"
	want "--userns ia32-fsmount-tmpfs" ok --user 65534:65534 --userns ia32-fsmount-tmpfs \
		"$T/mdst" && ok "--userns --user 65534 ia32-fsmount-tmpfs"
else
	skip "--userns: this kernel refuses unprivileged user namespaces"
fi

mkdir -p "$T/root/etc" "$T/real"
want "--chroot creat" ok --chroot "$T/root" creat /etc/in-root &&
	is "--chroot DIR creat /etc/x creates DIR/etc/x" "" "$(content "$T/root/etc/in-root")"
want "--at --chroot openat" ok --at "$T/real" --chroot "$T/root" --write r openat ld.so.preload &&
	is "--at DIR --chroot ROOT openat: through the fd to the real DIR" "r" \
		"$(content "$T/real/ld.so.preload")"
if unshare -U -m true 2>/dev/null; then
	mkdir -p "$T/root/home"
	chown 65534:65534 "$T/root/home"
	want "--userns --chroot" ok --user 65534 --userns --chroot "$T/root" mkdir /home/ns-dir &&
		is "--user 65534 --userns --chroot ROOT mkdir /home/d creates ROOT/home/d" \
			"directory 65534" "$(stat -c '%F %u' "$T/root/home/ns-dir")"
fi
printf 'secret' >"$T/real/owned"
chmod 0600 "$T/real/owned"
run --user 65534 pwrite "$T/real/owned"
is "pwrite as uid 65534 on a 0600 root file: the open before it fails (exit 2)" 2 "$rc"
want "--open-early" ok --open-early --user 65534 --write EARLY pwrite "$T/real/owned" &&
	is "--open-early --user 65534 pwrite: written through root's fd, by uid 65534" \
		"EARLYt OP_UID=65534" "$(content "$T/real/owned") $(grep -o 'OP_UID=[0-9]*' <<<"$out")"

# ---------------------------------------------------------------- usage

run link "$T/x"
is "an operation with too few operands: exit 2" 2 "$rc"
run uring-link "$T/x" "$T/y"
is "an operation a route lacks (uring-link): exit 2" 2 "$rc"
run --open-early creat "$T/x"
is "--open-early on an operation without an fd: exit 2" 2 "$rc"
run --help
is "--help lists every operation with its synopsis" 0 "$rc"

summary
