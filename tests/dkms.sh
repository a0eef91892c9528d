#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/dkms.sh RELEASE...
#
# What an administrator's `dkms add` and `dkms build` do, with Debian's real
# dkms, for each target kernel; and that BUILD_EXCLUSIVE_CONFIG skips a
# kernel without the hooks' options instead of failing. Everything happens
# in a scratch source and DKMS tree (--sourcetree, --dkmstree): the host's
# DKMS state is not touched. The kernels' headers come from the cache
# (tests/kernels.sh), given to dkms with --kernelsourcedir; with no
# sign-file under /usr/lib/linux-kbuild-* on this machine, dkms builds
# without signing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

(($# > 0)) || { echo "usage: $0 RELEASE..." >&2; exit 2; }

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
scratch=$LDW_BUILD/dkms
rm -rf "$scratch"
src=$scratch/src/ldwatch-$version
mkdir -p "$src" "$scratch/tree"
# What `make install` and the package ldwatch-dkms put in /usr/src, by the
# Makefile's one list (DKMS_SOURCES).
make --no-print-directory -s dkms-source DESTDIR= DKMS_SRCDIR="$src"
trees=(--sourcetree "$scratch/src" --dkmstree "$scratch/tree")

check "dkms add ldwatch/$version" dkms add "${trees[@]}" -m ldwatch -v "$version"

for release in "$@"; do
	log=$scratch/build-$release.log
	if dkms build "${trees[@]}" -m ldwatch -v "$version" -k "$release" \
		--kernelsourcedir "$(ldw_kernel_build "$release")" >"$log" 2>&1; then
		ok "[$release] dkms build"
	else
		not_ok "[$release] dkms build"
		tail -n 20 "$log" | sed 's/^/#   /'
		continue
	fi
	ko=$(find "$scratch/tree/ldwatch/$version/$release" -name 'ldwatch.ko*' | head -n 1)
	if [[ -n $ko ]]; then
		ok "[$release] dkms built $(basename "$ko")"
	else
		not_ok "[$release] dkms built ldwatch.ko"
	fi
done

# A kernel whose configuration lacks an option the hooks need (ftrace
# callbacks on the LSM path hooks): DKMS must skip the module (exit status
# 77) rather than build it or fail.
first=$1
for option in CONFIG_DYNAMIC_FTRACE CONFIG_SECURITY_PATH; do
	fake=$scratch/kernel-without-$option
	mkdir -p "$fake"
	grep -v "^$option=" "$(ldw_kernel_build "$first")/.config" >"$fake/.config"
	rc=0
	dkms build "${trees[@]}" -m ldwatch -v "$version" -k "$first" --force \
		--kernelsourcedir "$fake" >"$scratch/exclusive-$option.log" 2>&1 || rc=$?
	if ((rc == 77)) && grep -q BUILD_EXCLUSIVE "$scratch/exclusive-$option.log"; then
		ok "BUILD_EXCLUSIVE_CONFIG skips a kernel without $option"
	else
		not_ok "BUILD_EXCLUSIVE_CONFIG skips a kernel without $option (dkms exit $rc)"
		tail -n 10 "$scratch/exclusive-$option.log" | sed 's/^/#   /'
	fi
done

summary
