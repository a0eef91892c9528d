# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by the host-side benchmark scripts (run.sh, flood.sh and their
# smoke runs): the argument checks, kernel choice and module builds that
# run.sh and flood.sh have in common, and the relaying of a sub-suite's
# results. Sources the project-wide tests/lib.sh (result lines, LDW_TOP,
# LDW_BUILD). The functions use the caller's globals named in their
# comments: both scripts keep their settings in globals of the same names.

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# usage_error MESSAGE: MESSAGE and the hint to --help on stderr, as $PROG;
# exit status 2, as for every bad argument.
usage_error() {
	printf '%s: %s\nTry %s --help\n' "$PROG" "$1" "$PROG" >&2
	exit 2
}

# check_module_option: --module ($module) goes with exactly one --kernel
# ($kernels) and must be readable; made absolute, since the scripts run
# from LDW_TOP and hand it to other scripts.
check_module_option() {
	[[ -n $module ]] || return 0
	((${#kernels[@]} == 1)) || usage_error "--module needs exactly one --kernel"
	[[ -r $module ]] || usage_error "--module: cannot read $module"
	module=$(realpath "$module")
}

# default_kernels: without --kernel, $kernels are the generic (not -rt)
# kernels of tests/kernels.sh, the default both scripts' --help names.
default_kernels() {
	local all k
	((${#kernels[@]} == 0)) || return 0
	mapfile -t all < <(tests/kernels.sh)
	for k in "${all[@]}"; do
		[[ $k == *-rt-* ]] || kernels+=("$k")
	done
	((${#kernels[@]})) || usage_error "no target kernel found (tests/kernels.sh)"
}

# make_out_dir: create --out ($out) and make it absolute, so that the paths
# handed to run-vm.sh and written into the reports do not depend on a cwd.
make_out_dir() {
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
}

# jsonc_flags: the compiler and linker flags for json-c, into the arrays
# $jsonc_cflags and $jsonc_libs (-ljson-c if pkg-config does not know it).
jsonc_flags() {
	# shellcheck disable=SC2034 # the caller's compiler arguments
	read -ra jsonc_cflags < <(pkg-config --cflags json-c 2>/dev/null || true)
	# shellcheck disable=SC2034 # the caller's compiler arguments
	read -ra jsonc_libs < <(pkg-config --libs json-c 2>/dev/null || echo -ljson-c)
}

# build_modules: the kernels of $kernels there is a module for, into
# $built: the tree's module, built for each (a result line each), or the
# --module build ($module) for its one kernel. The guests load
# /lib/ldwatch/ldwatch.ko: a --module by another name is copied to
# $out/module/ldwatch.ko, and $module is that copy from then on.
build_modules() {
	local release
	built=()
	if [[ -n $module && ${module##*/} != ldwatch.ko ]]; then
		mkdir -p "$out/module"
		cp "$module" "$out/module/ldwatch.ko"
		module=$out/module/ldwatch.ko
	fi
	for release in "${kernels[@]}"; do
		if [[ -n $module ]]; then
			diag "[$release] measuring $module, not the tree's module"
			built+=("$release")
		elif check "[$release] the module builds" \
			make --no-print-directory module KDIR="$(ldw_kernel_build "$release")"; then
			built+=("$release")
		fi
	done
}

# end_unless_ready: with a tool missing ($ready 0) or no module built
# ($built empty) there is nothing to measure: end the run here, with the
# tally and its exit status.
end_unless_ready() {
	# shellcheck disable=SC2154 # $ready is the caller's
	if ((!ready || ${#built[@]} == 0)); then
		summary
		exit
	fi
}

# relay_results: copy the lines of stdin (another suite's output) to
# stdout, but for its closing "N passed, N failed" line, whose counts are
# added to ours instead (adopt_tally). Fails if no such line came: the
# suite did not finish.
relay_results() {
	local line tallied=0
	while IFS= read -r line; do
		if adopt_tally "$line"; then
			tallied=1
		else
			printf '%s\n' "$line"
		fi
	done
	((tallied))
}

# smoke_kernel: Debian's 6.1 generic kernel, the one the smoke runs boot,
# into $release; if tests/kernels.sh has none in the cache, that is a
# failed result and the run ends here with the tally.
smoke_kernel() {
	release=$(tests/kernels.sh 2>/dev/null | grep -E '^6\.1\.0-[0-9]+-amd64$' | head -n 1 || true)
	if [[ -z $release ]]; then
		not_ok "Debian's 6.1 generic kernel is in the cache (tests/kernels.sh)"
		summary
		exit
	fi
}
