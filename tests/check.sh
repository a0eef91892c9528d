#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test suite of ldwatch, in order, each one's full output
# kept in build/check/SUITE.log. Prints each failure and each suite's tally
# as it goes, and ends with one line, "N passed, N failed", over all suites.
# Exit status 0 iff nothing failed.
#
# Environment: FUZZ_SECONDS (per fuzz target, default 30); LDW_CACHE (where
# large artifacts are cached, default /var/cache/ldwatch).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP" || exit

logs=$LDW_BUILD/check
mkdir -p "$logs"
started=$SECONDS

# suite NAME CMD...: run a suite; show its failures; add its closing tally.
suite() {
	local name=$1 log=$logs/$1.log line tally='' show=0 t0=$SECONDS
	shift
	printf '== %s\n' "$name"
	"$@" >"$log" 2>&1
	while IFS= read -r line; do
		if [[ $line =~ $ldw_tally_re ]]; then
			tally=$line
		elif [[ $line == 'not ok'* ]]; then
			printf '%s\n' "$line"
			show=1
		elif [[ $line == '#'* && $show == 1 ]]; then
			printf '%s\n' "$line"
		else
			show=0
		fi
	done <"$log"
	if ! adopt_tally "$tally"; then
		not_ok "$name ended without a tally; see $log"
		tail -n 15 "$log" | sed 's/^/#   /'
		tally="0 passed, 1 failed"
	fi
	printf '   %s: %s (%d s)\n' "$name" "$tally" $((SECONDS - t0))
}

finish() {
	printf 'make check took %d s; logs in %s\n' $((SECONDS - started)) "$logs"
	summary
	exit
}

printf '== dependencies\n'
if ! tests/deps.sh >"$logs/deps.log" 2>&1; then
	tail -n 15 "$logs/deps.log"
	not_ok "the dependencies are installed (see above)"
	finish
fi
if ! kernels=$(tests/kernels.sh 2>"$logs/kernels.log"); then
	cat "$logs/kernels.log"
	not_ok "the target kernels are in the cache (tests/kernels.sh)"
	finish
fi
mapfile -t kernels <<<"$kernels"
printf '   target kernels: %s\n' "${kernels[*]}"

suite unit tests/unit/run.sh
suite fuzz tests/fuzz/run.sh
suite kbuild tests/kbuild.sh "${kernels[@]}"
suite dkms tests/dkms.sh "${kernels[@]}"
# The Debian packages (make deb, lintian, contents, man pages)
suite deb tests/deb.sh
suite vm tests/vm/run.sh "${kernels[@]}"
suite lab tests/lab/run.sh
suite bench tests/bench/smoke.sh
suite bench-flood tests/bench/flood_smoke.sh
# The system tier (a real Debian system, the packages installed with apt,
# rebooted, upgraded to the next kernel, purged) on the first kernel; `make
# system-test` runs it on all of them.
suite system tests/system/run.sh "${kernels[0]}"
finish
