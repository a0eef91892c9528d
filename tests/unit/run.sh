#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace unit tests: the matcher against the shared case table, and
# ldwatchctl's command line; both built with ASan and UBSan. Also: all
# userspace C builds without a warning under -Wall -Wextra, with gcc and
# clang (an error here, never in a user's build); and the shell scripts
# pass shellcheck.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

out=$LDW_BUILD/test
mkdir -p "$out"
matcher=(module/rule_match.c module/rule_format.c module/rule_default.c)
ldwatchctl=(userspace/ldwatchctl.c userspace/event_json.c)
warn=(-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Iuserspace)
sanitize=(-g -O1 "-fsanitize=address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_tap NAME CMD...: run a TAP-printing test program, adopt its results.
run_tap() {
	local name=$1 line got=0
	shift
	while IFS= read -r line; do
		if [[ $line =~ $ldw_tally_re ]]; then
			got=1
		elif [[ $line =~ ^ok\ [0-9]*\ *-\ (.*)$ ]]; then
			ok "$name: ${BASH_REMATCH[1]}"
		elif [[ $line =~ ^not\ ok\ [0-9]*\ *-\ (.*)$ ]]; then
			not_ok "$name: ${BASH_REMATCH[1]}"
		elif [[ $line =~ ^ldw-exit-status\ ([0-9]+)$ ]]; then
			if ((BASH_REMATCH[1] == 0)); then
				ok "$name exited with status 0"
			else
				not_ok "$name exited with status 0 (got ${BASH_REMATCH[1]})"
			fi
		else
			printf '%s\n' "$line"
		fi
	done < <("$@" 2>&1; echo "ldw-exit-status $?")
	((got)) || not_ok "$name printed its summary line"
}

for cc in gcc clang; do
	check "userspace builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/ldwatchctl-$cc" "${ldwatchctl[@]}" "${matcher[@]}" -ljson-c
	check "unit tests build without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_rule-$cc" tests/unit/test_rule.c \
		tests/rule_cases.c "${matcher[@]}"
done

mapfile -t scripts < <(git ls-files -- '*.sh' .ci/run)
check "shell scripts are shellcheck-clean (${#scripts[@]} files)" shellcheck -x "${scripts[@]}"

if check "test_rule builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_rule" tests/unit/test_rule.c tests/rule_cases.c "${matcher[@]}"; then
	run_tap matcher "$out/test_rule" \
		tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt
fi

if check "ldwatchctl builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/ldwatchctl" "${ldwatchctl[@]}" "${matcher[@]}" -ljson-c; then
	run_tap ldwatchctl tests/unit/test_ldwatchctl.sh "$out/ldwatchctl"
fi

summary
