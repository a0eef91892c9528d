#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace unit tests: the matcher against the shared case table, compiled
# rules (verifier, formatter, builder),
# ldwatchctl's command line, the ECS writer and ldwatchd's records, the
# netlink decoder and sequence accounting, the protocol's tables against
# their declaration (netlink_spec.h), and ldwatchd's command line and
# behaviour without the module; all built with ASan and UBSan. The guests'
# ldw-ops, operation by operation, ldw-exelink and ldw-fuse-hang, on this
# machine. Also: all
# userspace C builds without a warning under -Wall -Wextra, with gcc and
# clang (an error here, never in a user's build); and the shell scripts
# pass shellcheck.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

out=$LDW_BUILD/test
mkdir -p "$out"
# The rule engine, from its one list (module/rule/sources.mk).
mapfile -t matcher < <(ldw_rule_sources)
((${#matcher[@]})) || { echo "no rule engine sources in module/rule/sources.mk" >&2; exit 1; }
netlink=(userspace/genl_client.c userspace/ecs.c)
ldwatchctl=(userspace/ldwatchctl.c userspace/event_json.c "${netlink[@]}")
# Rule files: the readers and the EQL compiler (userspace/rule/), ldwatchctl's
# rules and exceptions commands, nettle for SHA-256 (Debian: nettle-dev).
rulefiles=(userspace/rule/*.c)
ldwatchctl+=(userspace/ldwatchctl_rules.c "${rulefiles[@]}" -lnettle)
ldwatchd=(userspace/ldwatchd.c userspace/ldwatchd_state.c userspace/ecs_records.c "${netlink[@]}"
	"${matcher[@]}" userspace/journal_output.c)
records=(userspace/ecs_records.c "${netlink[@]}" "${matcher[@]}")
# libnl-genl-3, for the tools' netlink (Debian: libnl-genl-3-dev).
read -ra genl_cflags < <(pkg-config --cflags libnl-genl-3.0 2>/dev/null || echo -I/usr/include/libnl3)
genl_libs=(-lnl-genl-3 -lnl-3)
# ldwatchd --journal: libsystemd (Debian: libsystemd-dev), and json-c, with
# which it reads the fields back from the rendered line (libjson-c-dev).
journal_libs=(-lsystemd -ljson-c)
warn=(-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Iuserspace "${genl_cflags[@]}")
sanitize=(-g -O1 "-fsanitize=address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_tap NAME CMD...: run a TAP-printing test program, adopt its results.
run_tap() {
	# The C locale: a test name may hold any byte, which '.' must match.
	local LC_ALL=C name=$1 line got=0
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
		"$cc" "${warn[@]}" -O2 -o "$out/ldwatchctl-$cc" "${ldwatchctl[@]}" "${matcher[@]}" \
		-ljson-c "${genl_libs[@]}"
	check "ldwatchd builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/ldwatchd-$cc" "${ldwatchd[@]}" "${genl_libs[@]}" \
		"${journal_libs[@]}"
	# ldwatchd --journal (journal_output.c)
	check "test_journal builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_journal-$cc" tests/unit/test_journal.c \
		userspace/journal_output.c "${records[@]}" "${genl_libs[@]}" "${journal_libs[@]}"
	check "unit tests build without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_rule-$cc" tests/unit/test_rule.c \
		tests/rule_cases.c "${matcher[@]}"
	check "test_companion builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_companion-$cc" tests/unit/test_companion.c \
		"${matcher[@]}"
	check "test_program builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_program-$cc" tests/unit/test_program.c \
		"${matcher[@]}"
	check "test_anchors builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_anchors-$cc" tests/unit/test_anchors.c \
		tests/rule_cases.c "${matcher[@]}"
	check "ECS tests build without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_ecs-$cc" tests/unit/test_ecs.c "${records[@]}" \
		-ljson-c "${genl_libs[@]}"
	check "decoder tests build without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_alert_decode-$cc" tests/unit/test_alert_decode.c \
		userspace/genl_client.c "${genl_libs[@]}"
	check "protocol tests build without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_protocol-$cc" tests/unit/test_protocol.c \
		userspace/genl_client.c "${genl_libs[@]}"
done

mapfile -t scripts < <(git ls-files -- '*.sh' .ci/run)
check "shell scripts are shellcheck-clean (${#scripts[@]} files)" shellcheck -x "${scripts[@]}"

if check "test_rule builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_rule" tests/unit/test_rule.c tests/rule_cases.c "${matcher[@]}"; then
	run_tap matcher "$out/test_rule" \
		tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt
fi

if check "test_companion builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_companion" tests/unit/test_companion.c "${matcher[@]}"; then
	run_tap companion "$out/test_companion"
fi

if check "test_program builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_program" tests/unit/test_program.c "${matcher[@]}"; then
	run_tap program "$out/test_program"
fi

if check "test_anchors builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_anchors" tests/unit/test_anchors.c tests/rule_cases.c "${matcher[@]}"; then
	run_tap anchors "$out/test_anchors"
fi

if check "ldwatchctl builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/ldwatchctl" "${ldwatchctl[@]}" "${matcher[@]}" -ljson-c "${genl_libs[@]}"; then
	run_tap ldwatchctl tests/unit/test_ldwatchctl.sh "$out/ldwatchctl"
fi

# Liveness: ldwatchd's state file.
if check "test_state builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_state" tests/unit/test_state.c userspace/ldwatchd_state.c; then
	state_tmp=$(mktemp -d)
	run_tap state "$out/test_state" "$state_tmp"
	rm -rf "$state_tmp"
fi
if check "test_ecs builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_ecs" tests/unit/test_ecs.c "${records[@]}" -ljson-c "${genl_libs[@]}"; then
	run_tap ecs "$out/test_ecs"
fi

if check "test_alert_decode builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_alert_decode" tests/unit/test_alert_decode.c userspace/genl_client.c \
	"${genl_libs[@]}"; then
	run_tap decode "$out/test_alert_decode"
fi

if check "test_protocol builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_protocol" tests/unit/test_protocol.c userspace/genl_client.c \
	"${genl_libs[@]}"; then
	run_tap protocol "$out/test_protocol" include/ldwatch/netlink.h
fi

if check "ldwatchd builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/ldwatchd" "${ldwatchd[@]}" "${genl_libs[@]}" "${journal_libs[@]}" &&
	[[ -x $out/ldwatchctl ]]; then
	run_tap ldwatchd tests/unit/test_ldwatchd.sh "$out/ldwatchd" "$out/ldwatchctl"
fi

# ldwatchd --journal: its fields, sd_journal_sendv against a journal socket
# (as root), and ldwatchd itself writing to both outputs.
if check "test_journal builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_journal" tests/unit/test_journal.c userspace/journal_output.c \
	"${records[@]}" "${genl_libs[@]}" "${journal_libs[@]}"; then
	run_tap journal "$out/test_journal" "$out/ldwatchd"
fi

# ldw-ops, the guests' file-operation program: each operation's effect, on
# this machine's kernel (as root; skipped otherwise).
for cc in gcc clang; do
	check "ldw-ops builds without warnings ($cc, static)" \
		make --no-print-directory -s -C tests/vm/progs CC="$cc" OUT="$out/vm-progs-$cc" \
		"$out/vm-progs-$cc/ldw-ops"
done
if [[ -x $out/vm-progs-gcc/ldw-ops ]]; then
	run_tap ldw-ops tests/vm/progs/test-ldw-ops.sh "$out/vm-progs-gcc/ldw-ops"
fi

# ldw-exelink and ldw-fuse-hang, the guests' programs for a replaced
# executable link and for opens held in FUSE: command lines, and what this
# machine's kernel lets them do.
for prog in ldw-exelink ldw-fuse-hang; do
	for cc in gcc clang; do
		check "$prog builds without warnings ($cc, static)" \
			make --no-print-directory -s -C tests/vm/progs CC="$cc" \
			OUT="$out/vm-progs-$cc" "$out/vm-progs-$cc/$prog"
	done
	if [[ -x $out/vm-progs-gcc/$prog ]]; then
		run_tap "$prog" "tests/vm/progs/test-$prog.sh" "$out/vm-progs-gcc/$prog"
	fi
done

# Rule files (userspace/rule/): every format's metadata, the shipped files
# against the built-in tables, and ldwatchctl's rules, exceptions and
# match --rule FILE on the ASan/UBSan build above.
for cc in gcc clang; do
	check "test_rule_file builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_rule_file-$cc" tests/unit/test_rule_file.c \
		"${rulefiles[@]}" "${matcher[@]}" -ljson-c -lnettle
done
if check "test_rule_file builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_rule_file" tests/unit/test_rule_file.c "${rulefiles[@]}" "${matcher[@]}" \
	-ljson-c -lnettle; then
	run_tap rule_file "$out/test_rule_file" "$LDW_TOP"
fi
if [[ -x $out/ldwatchctl ]]; then
	run_tap rulefiles tests/unit/test_rulefiles.sh "$out/ldwatchctl"
fi

# The EQL compiler (userspace/rule/eql_*.c): syntax trees, each refusal,
# every operator's meaning, Elastic's rule texts (the spec's, v7 and v9 in
# tests/data), round trips through the formatter, the bounds.
eql=(userspace/rule/eql_lex.c userspace/rule/eql_parse.c userspace/rule/eql_compile.c)
for cc in gcc clang; do
	check "test_eql builds without warnings ($cc -Wall -Wextra)" \
		"$cc" "${warn[@]}" -O2 -o "$out/test_eql-$cc" tests/unit/test_eql.c tests/rule_cases.c \
		"${eql[@]}" "${matcher[@]}"
done
if check "test_eql builds with ASan and UBSan" gcc "${warn[@]}" "${sanitize[@]}" \
	-o "$out/test_eql" tests/unit/test_eql.c tests/rule_cases.c "${eql[@]}" "${matcher[@]}"; then
	run_tap eql "$out/test_eql" \
		tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt tests/data
fi

run_tap version tests/unit/test_version.sh

summary
