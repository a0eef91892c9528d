#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/lab/build.sh [--key]
#
# Build the lab kernel, or reuse the cached build: Debian's linux-source-6.12
# configured as tinyconfig (x86_64) plus kunit/lab.config, in
# $LDW_CACHE/lab-KEY/. KEY hashes every input of the build: the source
# package's version, the fragment, the base config, the compiler and the
# recipe below, so that a cached tree is reused exactly while they hold.
#
# Prints the tree's absolute path on stdout (the only stdout line); progress
# goes to stderr. The tree is a complete in-tree kernel build:
#   arch/x86/boot/bzImage        the image to boot (run-vm.sh --kernel-image)
#   ldw-lab.env                  LAB_RELEASE, LAB_IMAGE, LAB_KEY, LAB_BUILD_SECONDS
#   tools/testing/kunit/kunit.py the KTAP parser of the same tree
# and a module builds against it: make -C TREE M=DIR modules
# (or `make module KDIR=TREE` at the top of ldwatch).
#
# With --key, only prints KEY. Environment: LDW_CACHE (see tests/lib.sh);
# LDW_LAB_JOBS (make -j, default: the number of CPUs). The build runs under
# nice -n 10, in a temporary directory beside the cache entry that is renamed
# into place only when complete, under a lock (one build at a time; a second
# caller waits and then reuses it). An interrupted build leaves nothing that
# looks complete; its leftovers are removed by the next build.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

source_pkg=linux-source-6.12
source_tar=/usr/src/linux-source-6.12.tar.xz
fragment=$LDW_TOP/kunit/lab.config
base=tinyconfig
self=${BASH_SOURCE[0]}

die() {
	printf 'lab/build.sh: %s\n' "$*" >&2
	exit 1
}

log() {
	printf 'lab/build.sh: %s\n' "$*" >&2
}

[[ -r $source_tar ]] || die "$source_tar missing (apt-get install $source_pkg)"
[[ -r $fragment ]] || die "$fragment missing"
version=$(dpkg-query -W -f '${Version}' "$source_pkg" 2>/dev/null) ||
	die "$source_pkg is not installed (dpkg-query)"

# The recipe: everything between the two marker lines is part of the key.
recipe() {
	sed -n '/^# >>> recipe$/,/^# <<< recipe$/p' "$self"
}

key=$({
	printf 'source %s %s\n' "$source_pkg" "$version"
	printf 'base %s\n' "$base"
	printf 'cc %s\n' "$(${CC:-gcc} --version | head -n 1)"
	# Its options, not its comments: a reworded comment rebuilds nothing.
	grep -E '^CONFIG_|^# CONFIG_[A-Za-z0-9_]+ is not set$' "$fragment"
	recipe
} | sha256sum | cut -c1-16)

if [[ ${1:-} == --key ]]; then
	printf '%s\n' "$key"
	exit 0
fi
(($# == 0)) || die "usage: $0 [--key]"

# >>> recipe
# configure DIR: tinyconfig for x86_64, the fragment merged on top, then
# olddefconfig; fails naming every fragment line the result does not hold.
configure() {
	local dir=$1 line opt got missing=0
	make -s -C "$dir" ARCH=x86_64 "$base" >&2
	(cd "$dir" && scripts/kconfig/merge_config.sh -m .config "$fragment") >/dev/null
	make -s -C "$dir" ARCH=x86_64 olddefconfig >&2
	while IFS= read -r line; do
		[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=|^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]] ||
			continue
		opt=${BASH_REMATCH[1]:-${BASH_REMATCH[2]}}
		grep -qxF -- "$line" "$dir/.config" && continue
		got=$(grep -E "^$opt=|^# $opt is not set" "$dir/.config" || true)
		log "fragment line '$line' did not hold after olddefconfig: ${got:-$opt is absent (unmet dependency)}"
		missing=$((missing + 1))
	done <"$fragment"
	((missing == 0)) || die "$missing fragment option(s) dropped; see above"
}

# compile DIR: the image, the (few) in-tree modules and Module.symvers, which
# out-of-tree modules are built against.
compile() {
	local dir=$1
	nice -n 10 make -C "$dir" ARCH=x86_64 -j"${LDW_LAB_JOBS:-$(nproc)}" all >&2
}
# <<< recipe

mkdir -p "$LDW_CACHE"
final=$LDW_CACHE/lab-$key
exec 8>"$LDW_CACHE/lab.lock"
if ! flock -n 8; then
	log "another lab build holds $LDW_CACHE/lab.lock; waiting for it"
	flock 8
fi

# prune: keep the three most recently used lab trees (2 GB each), so that
# work trees with different fragments do not rebuild in turn, and no more.
prune() {
	local old
	# shellcheck disable=SC2012 # names are lab-HEX: ls -t is safe here
	for old in $(ls -1dt "$LDW_CACHE"/lab-*/ldw-lab.env 2>/dev/null | tail -n +4); do
		log "removing the least recently used lab tree ${old%/ldw-lab.env}"
		rm -rf "${old%/ldw-lab.env}"
	done
}

if [[ -f $final/ldw-lab.env ]]; then
	touch "$final/ldw-lab.env"
	printf '%s\n' "$final"
	exit 0
fi

# Leftovers of interrupted builds (only this script, under the lock, makes them).
rm -rf "$LDW_CACHE"/.lab-*.tmp
tmp=$LDW_CACHE/.lab-$key.tmp
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
log "building the lab kernel $key ($source_pkg $version, $base + kunit/lab.config) in $tmp"
started=$SECONDS
tar -xf "$source_tar" -C "$tmp" --strip-components=1
configure "$tmp"
compile "$tmp"
release=$(make -s -C "$tmp" ARCH=x86_64 kernelrelease)
[[ -f $tmp/arch/x86/boot/bzImage && -f $tmp/Module.symvers ]] ||
	die "the build ended without bzImage or Module.symvers"
elapsed=$((SECONDS - started))
{
	printf 'LAB_RELEASE=%q\n' "$release"
	printf 'LAB_IMAGE=%q\n' "$final/arch/x86/boot/bzImage"
	printf 'LAB_KEY=%q\n' "$key"
	printf 'LAB_SOURCE=%q\n' "$source_pkg $version"
	printf 'LAB_BUILD_SECONDS=%q\n' "$elapsed"
	printf 'LAB_BUILD_JOBS=%q\n' "${LDW_LAB_JOBS:-$(nproc)}"
} >"$tmp/ldw-lab.env"
rm -rf "$final"
mv -T "$tmp" "$final"
trap - EXIT
prune
log "lab kernel $release built in $elapsed s: $final"
printf '%s\n' "$final"
