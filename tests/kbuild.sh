#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/kbuild.sh RELEASE...
#
# The module's kernel-side standards, for each target kernel (its headers
# from the cache, tests/kernels.sh): it builds, with
# zero warnings at W=1, and sparse (C=2) finds nothing; and its sources are
# clean under checkpatch.pl --strict, taken from Debian's linux-source-6.12
# and cached outside the work tree, keyed by that package's version.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

(($# > 0)) || { echo "usage: $0 RELEASE..." >&2; exit 2; }

for release in "$@"; do
	log=$LDW_BUILD/kernel/$release/kbuild.log
	mkdir -p "$(dirname "$log")"
	# -B: the W=1 C=2 build must compile (and check) every file again.
	if make -B --no-print-directory module KDIR="$(ldw_kernel_build "$release")" \
		KBUILD_ARGS="W=1 C=2" >"$log" 2>&1; then
		ok "[$release] module builds"
	else
		not_ok "[$release] module builds"
		tail -n 20 "$log" | sed 's/^/#   /'
		continue
	fi
	# Compiler (W=1) and sparse diagnostics both carry "warning:"/"error:".
	if grep -E 'warning:|error:' "$log" >/dev/null; then
		not_ok "[$release] no warnings at W=1 and from sparse (C=2)"
		grep -E 'warning:|error:' "$log" | head -n 20 | sed 's/^/#   /'
	else
		ok "[$release] no warnings at W=1 and from sparse (C=2)"
	fi
	if grep -q '  CHECK ' "$log"; then
		ok "[$release] sparse ran on the sources"
	else
		not_ok "[$release] sparse ran on the sources"
	fi
done

# checkpatch.pl ships only inside linux-source-*: extract it once per version.
src_version=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || true)
tarball=
for t in /usr/src/linux-source-6.12.tar.*; do
	[[ -e $t ]] && tarball=$t
done
checkpatch_dir=$LDW_CACHE/checkpatch-$src_version
if [[ -z $src_version || -z $tarball ]]; then
	not_ok "checkpatch.pl is available (install linux-source-6.12)"
else
	if [[ ! -x $checkpatch_dir/scripts/checkpatch.pl ]]; then
		mkdir -p "$checkpatch_dir.tmp"
		tar -xf "$tarball" -C "$checkpatch_dir.tmp" --strip-components=1 \
			--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
		rm -rf "$checkpatch_dir"
		mv "$checkpatch_dir.tmp" "$checkpatch_dir"
	fi
	# Everything compiled into a kernel module: the module, the shared
	# headers, and the case table the KUnit suite compiles in.
	mapfile -t files < <(git ls-files -- 'module/*.[ch]' 'include/*.h' 'tests/rule_cases.[ch]' 'kunit/*.[ch]')
	out=$("$checkpatch_dir/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types -f "${files[@]}" 2>&1 || true)
	problems=$(printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' || true)
	if [[ -z $problems ]]; then
		ok "checkpatch.pl --strict is clean on ${#files[@]} kernel-side files"
	else
		not_ok "checkpatch.pl --strict is clean on ${#files[@]} kernel-side files"
		printf '%s\n' "$problems" | head -n 30 | sed 's/^/#   /'
	fi
fi

summary
