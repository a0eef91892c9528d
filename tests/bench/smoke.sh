#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/bench/smoke.sh
#
# A fast run of `make bench` for `make check`: one round, tiny iteration
# counts, Debian's 6.1 kernel only, no plain-TCG boot. It checks that the
# benchmark works (every configuration switched on and verified, rules
# with every shipped rule loaded and prefix with the ld.so rule besides
# included, every operation measured in each, the table printed) and that the results file has the issue's form
# (tests/bench/check-results.c parses it with json-c).
# No timing is asserted: that is what `make bench` shows.
# Ends with "N passed, N failed".
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

out=$LDW_BUILD/bench-smoke
mkdir -p "$out"
configs=(none ldwatch rules prefix kprobe audit)
filesystems=(tmpfs ext4)

smoke_kernel

jsonc_flags
rm -f "$out/check-results"
check "check-results builds without warnings" \
	"${CC:-cc}" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 "${jsonc_cflags[@]}" \
	-o "$out/check-results" tests/bench/check-results.c "${jsonc_libs[@]}" -lm || true

rm -f "$out"/results*.json "$out"/loop-*.json "$out"/table-*.txt
relay_results < <(tests/bench/run.sh --kernel "$release" --rounds 1 --wall-rounds 0 --scale 1 --no-flood \
	--out "$out" 2>&1 || true) ||
	not_ok "tests/bench/run.sh ended with its tally line"

# The operations: ldw-bench's table (--list), which run.sh built and ran.
operations=()
if [[ -x $out/ldw-bench ]]; then
	mapfile -t operations < <("$out/ldw-bench" --list | cut -d ' ' -f 1)
fi
if ((${#operations[@]} == 0)); then
	not_ok "ldw-bench --list lists the operations"
	summary
	exit
fi
ops=()
for fs in "${filesystems[@]}"; do
	for op in "${operations[@]}"; do
		ops+=("$fs/$op")
	done
done

# Every operation measured once under every configuration.
figures=$out/icount-$release/figures.txt
for config in "${configs[@]}"; do
	missing=()
	for fs in "${filesystems[@]}"; do
		for op in "${operations[@]}"; do
			grep -Eq "^bench $config 1 $fs $op( [1-9][0-9]*){4}\$" "$figures" 2>/dev/null ||
				missing+=("$fs/$op")
		done
	done
	if ((${#missing[@]} == 0)); then
		ok "[$release] $config: ldw-bench measured all ${#ops[@]} operations"
	else
		not_ok "[$release] $config: ldw-bench measured all ${#ops[@]} operations (missing: ${missing[*]})"
	fi
done

# The result (fastest batches) and the whole loops beside it.
for table in "$out/table-$release.txt" "$out/table-loop-$release.txt"; do
	name=${table#"$LDW_TOP"/}
	rows=0
	for op in "${ops[@]}"; do
		grep -q "^$op " "$table" 2>/dev/null && rows=$((rows + 1))
	done
	if ((rows == ${#ops[@]})) && grep -q '^goals: ' "$table"; then
		ok "[$release] $name has a row for each operation and the goals line"
	else
		not_ok "[$release] $name has a row for each operation and the goals line ($rows rows)"
		sed 's/^/#   /' "$table" 2>/dev/null || true
	fi
done

if [[ -x $out/check-results ]]; then
	for json in "$out/results-$release.json" "$out/results.json"; do
		check "[$release] ${json#"$LDW_TOP"/} is well-formed and has the issue's form" \
			"$out/check-results" "$json" "$release" "${ops[@]}" || true
	done
fi

summary
