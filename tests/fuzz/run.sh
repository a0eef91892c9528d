#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/fuzz/run.sh [SECONDS]
#
# Build the libFuzzer targets with ASan and UBSan (clang) and run each for
# SECONDS (default $FUZZ_SECONDS, else 30). A crash, a sanitizer report, a
# leak or a disagreement with the reference matcher fails the target; the
# input that did it is kept in build/fuzz/NAME/ for reproduction.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

seconds=${1:-${FUZZ_SECONDS:-30}}
out=$LDW_BUILD/fuzz
# The rule engine, from its one list (module/rule/sources.mk).
mapfile -t matcher < <(ldw_rule_sources)
((${#matcher[@]})) || { echo "no rule engine sources in module/rule/sources.mk" >&2; exit 1; }
cflags=(-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -Iinclude -Iuserspace
	"-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)

# fuzz NAME SOURCES... -- LIBS...
fuzz() {
	local name=$1 dir=$out/$1 srcs=() libs=()
	shift
	while (($#)) && [[ $1 != -- ]]; do srcs+=("$1"); shift; done
	(($#)) && shift
	libs=("$@")
	mkdir -p "$dir/corpus"
	if ! check "fuzz target $name builds" clang "${cflags[@]}" -o "$dir/$name" \
		"${srcs[@]}" "${matcher[@]}" "${libs[@]}"; then
		return
	fi
	# Seed with the test data (one event a line), then let it explore.
	if [[ $name == fuzz_event_json ]]; then
		local f
		for f in tests/unit/data/*.ndjson; do
			split -l 1 "$f" "$dir/corpus/seed-$(basename "$f" .ndjson)-"
		done
	fi
	if (cd "$dir" && ./"$name" -max_total_time="$seconds" -max_len=4096 \
		-artifact_prefix="$dir/" -print_final_stats=1 corpus >"$dir/run.log" 2>&1); then
		ok "fuzz target $name: $(grep -o 'Done [0-9]* runs' "$dir/run.log" || echo 'ran') in ${seconds} s"
	else
		not_ok "fuzz target $name found a failure (see $dir/run.log and $dir/crash-*)"
		grep -E 'ERROR|disagrees|SUMMARY' "$dir/run.log" | head -n 10 | sed 's/^/#   /'
	fi
}

fuzz fuzz_rule tests/fuzz/fuzz_rule.c
fuzz fuzz_anchors tests/fuzz/fuzz_anchors.c
fuzz fuzz_program tests/fuzz/fuzz_program.c
fuzz fuzz_event_json tests/fuzz/fuzz_event_json.c userspace/event_json.c -- -ljson-c
fuzz fuzz_alert_decode tests/fuzz/fuzz_alert_decode.c userspace/genl_client.c userspace/ecs.c \
	userspace/ecs_records.c "-I$(pkg-config --variable=includedir libnl-3.0 || echo /usr/include)/libnl3" \
	-- -ljson-c -lnl-genl-3 -lnl-3

# Rule and exception files (userspace/rule/): seeded with the shipped rules
# and the samples, each behind the byte that chooses the reader.
mkdir -p "$out/fuzz_rule_file/corpus"
for f in rules/*.eql tests/unit/data/rulefiles/*.json tests/unit/data/rulefiles/*.ndjson \
	tests/unit/data/rulefiles/*.eql; do
	{ printf '\0'; cat "$f"; } >"$out/fuzz_rule_file/corpus/seed-rule-$(basename "$f")"
	{ printf '\1'; cat "$f"; } >"$out/fuzz_rule_file/corpus/seed-exceptions-$(basename "$f")"
done
fuzz fuzz_rule_file tests/fuzz/fuzz_rule_file.c userspace/rule/*.c -- -ljson-c -lnettle

# The EQL compiler: seeded with Elastic's rule texts (the spec's query, v7,
# v9) and a line of each construct.
eql_corpus=$out/fuzz_eql/corpus
mkdir -p "$eql_corpus"
sed -n '/^file where /,/^Framework:/p' tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt |
	sed '$d' >"$eql_corpus/seed-v3"
cp tests/data/elastic-rule-dynamic-linker-v7.eql "$eql_corpus/seed-v7"
cp tests/data/elastic-rule-dynamic-linker-v9.eql "$eql_corpus/seed-v9"
printf '%s' 'file where file.path like~ ("/a/*", "/b?") and ?file.name != null and process.name not in~ ("x") and not (file.name : "\u{41}\t" or (process.executable == """r\aw""" and file.extension != "y"))' \
	>"$eql_corpus/seed-ops"
printf '%s' 'process.name in ("a", "b") and file.Ext.original.extension == null // item' >"$eql_corpus/seed-item"
fuzz fuzz_eql tests/fuzz/fuzz_eql.c userspace/rule/eql_lex.c userspace/rule/eql_parse.c \
	userspace/rule/eql_compile.c

summary
