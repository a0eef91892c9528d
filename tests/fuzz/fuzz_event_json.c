// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: one input is one line of `ldwatchctl match` input.
 * It drives the JSON reader, the rule on what it read, the rendering of the
 * deciding clause and the --explain description, and checks the reader's
 * promises: on failure no field is present and the reason is a terminated
 * string; on success every present field points into the document.
 *
 *   clang -std=gnu11 -Wall -Wextra -Werror -g -O1 -Iinclude -Iuserspace \
 *	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *	-fno-omit-frame-pointer \
 *	tests/fuzz/fuzz_event_json.c userspace/event_json.c \
 *	$(. tests/lib.sh; ldw_rule_sources) \
 *	-ljson-c -o build/fuzz_event_json
 *   mkdir -p build/corpus && split -l 1 tests/unit/data/events.ndjson build/corpus/seed-
 *   build/fuzz_event_json -max_len=4096 build/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

/*
 * Render @clause into buffers of every small size and one large one: the
 * formatter must terminate within @size and report the same full length.
 */
static void fuzz_clause_format(const struct ldw_clause *clause, unsigned int value)
{
	char big[4096];
	char small[16];
	size_t need, size;

	need = ldw_clause_format(clause, value, big, sizeof(big));
	if (need >= sizeof(big) || strlen(big) != need)
		abort();
	for (size = 0; size <= sizeof(small); size++) {
		memset(small, 'X', sizeof(small));
		if (ldw_clause_format(clause, value, small, size) != need)
			abort();
		if (size && (strlen(small) != (need < size ? need : size - 1) ||
			     memcmp(small, big, strlen(small))))
			abort();
	}
}

static void fuzz_verdict(const struct ldw_rule *rule, const struct ldw_event *event,
			 struct ldw_verdict v)
{
	const struct ldw_conjunction *conj;
	char buf[4096];
	unsigned int i;

	switch (v.outcome) {
	case LDW_MATCH:
		for (i = 0; i < rule->nrequirements; i++)
			fuzz_clause_format(&rule->requirements[i], LDW_ALL_VALUES);
		break;
	case LDW_NO_MATCH:
		if (v.index >= rule->nrequirements)
			abort();
		fuzz_clause_format(&rule->requirements[v.index], LDW_ALL_VALUES);
		break;
	case LDW_EXCLUDED:
		if (v.index >= rule->nexclusions)
			abort();
		conj = &rule->exclusions[v.index];
		if (conj->nclauses == 1)
			fuzz_clause_format(&conj->clauses[0], v.value);
		if (ldw_conjunction_format(conj, buf, sizeof(buf)) >= sizeof(buf))
			abort();
		break;
	default:
		abort();
	}
	if (ldw_explain(devnull, rule, event, v))
		abort();
}

/* A present field must lie inside one of the document's strings: touch every byte. */
static void fuzz_touch(const struct ldw_event *event)
{
	volatile unsigned char sink = 0;
	unsigned int i;
	size_t j;

	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		struct ldw_str s = event->field[i];

		for (j = 0; j < s.len; j++)
			sink ^= (unsigned char)s.ptr[j];
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ldw_json_event ev;
	struct ldw_verdict v;
	char err[256];
	unsigned int i;

	/* An exact-size heap copy, so ASan sees any read past the line's end. */
	char *line = malloc(size ? size : 1);

	if (!line)
		return 0;
	memcpy(line, data, size);

	if (ldw_json_event_read(&ev, line, size, err, sizeof(err))) {
		if (ev.root || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		for (i = 0; i < LDW_FIELD_COUNT; i++) {
			if (ldw_str_present(ev.event.field[i]))
				abort();
		}
	} else {
		fuzz_touch(&ev.event);
		v = ldw_rule_eval(&ldw_default_rule, &ev.event);
		if ((v.outcome == LDW_MATCH) != ldw_rule_matches(&ldw_default_rule, &ev.event))
			abort();
		fuzz_verdict(&ldw_default_rule, &ev.event, v);
	}
	ldw_json_event_release(&ev);
	free(line);
	return 0;
}
