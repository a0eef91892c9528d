# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by the host-side test scripts: result lines in the form every suite
# prints (`ok - what`, `not ok - what`, closing `N passed, N failed`), and the
# places things live.

LDW_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LDW_BUILD=${LDW_BUILD:-$LDW_TOP/build}
# Large artifacts (kernel trees, tool extracts) are cached outside the work
# tree, keyed by their inputs, so a fresh clone reuses them.
if [[ -z ${LDW_CACHE:-} ]]; then
	if [[ -w /var/cache ]]; then
		LDW_CACHE=/var/cache/ldwatch
	else
		LDW_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ldwatch
	fi
fi
export LDW_TOP LDW_BUILD LDW_CACHE

ldw_passed=0
ldw_failed=0

ok() {
	ldw_passed=$((ldw_passed + 1))
	printf 'ok - %s\n' "$*"
}

not_ok() {
	ldw_failed=$((ldw_failed + 1))
	printf 'not ok - %s\n' "$*"
}

# check DESC CMD...: ok if CMD exits 0; its output goes to the log on failure.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if ((rc == 0)); then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/#   /'
	fi
	return "$rc"
}

diag() {
	printf '# %s\n' "$*"
}

# The closing line every suite prints, as a pattern.
ldw_tally_re='^([0-9]+) passed, ([0-9]+) failed$'

# adopt_tally LINE: if LINE is another suite's closing line, add its counts
# to ours and succeed; otherwise fail.
adopt_tally() {
	[[ $1 =~ $ldw_tally_re ]] || return 1
	ldw_passed=$((ldw_passed + BASH_REMATCH[1]))
	ldw_failed=$((ldw_failed + BASH_REMATCH[2]))
}

# The closing line every suite ends with; exit status 0 iff nothing failed.
summary() {
	printf '%d passed, %d failed\n' "$ldw_passed" "$ldw_failed"
	((ldw_failed == 0))
}

# The target kernels' files, as tests/kernels.sh unpacks them into the
# cache (never onto this machine): for RELEASE, the tree's root, the image
# to boot, the headers to build modules against (a KDIR: `make module
# KDIR=$(ldw_kernel_build RELEASE)`) and the modules (with depmod's index).
# Nothing of the tests looks in /boot or /lib/modules.
ldw_kernel_root() {
	printf '%s\n' "$LDW_CACHE/kernels/$1"
}

ldw_kernel_image() {
	printf '%s\n' "$LDW_CACHE/kernels/$1/boot/vmlinuz-$1"
}

ldw_kernel_build() {
	printf '%s\n' "$LDW_CACHE/kernels/$1/usr/src/linux-headers-$1"
}

ldw_kernel_moddir() {
	printf '%s\n' "$LDW_CACHE/kernels/$1/lib/modules/$1"
}

# The rule engine's sources, one a line, from their one list
# (module/rule/sources.mk), as make itself reads it.
ldw_rule_sources() {
	# shellcheck disable=SC2016 # $(LDW_RULE_SOURCES) is make's to expand
	make --no-print-directory -s -C "$LDW_TOP" -f module/rule/sources.mk \
		--eval 'ldw-print-sources: ; @printf "%s\n" $(LDW_RULE_SOURCES)' ldw-print-sources
}
