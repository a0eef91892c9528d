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

/* The default rule's program, as ldwatchctl match judges by it. */
static struct ldw_prog prog;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	size = ldw_prog_from_rule(&ldw_default_rule, blob, sizeof(blob), &err);
	if (!size || ldw_prog_verify(blob, size, &prog, &verr))
		abort();
	return 0;
}

/*
 * Render unit @unit (or, @insn not ~0u, that TEST with only @value) into
 * buffers of every small size and one large one: the formatter must
 * terminate within @size and report the same full length.
 */
static size_t fuzz_render(const struct ldw_prog *prog, unsigned int unit, unsigned int insn,
			  unsigned int value, char *buf, size_t size)
{
	return insn != ~0u ? ldw_prog_format_test(prog, insn, value, buf, size)
			   : ldw_prog_format_unit(prog, unit, buf, size);
}

static void fuzz_format(const struct ldw_prog *prog, unsigned int unit, unsigned int insn,
			unsigned int value)
{
	char big[4096];
	char small[16];
	size_t need, size;

	need = fuzz_render(prog, unit, insn, value, big, sizeof(big));
	if (need >= sizeof(big) || strlen(big) != need)
		abort();
	for (size = 0; size <= sizeof(small); size++) {
		memset(small, 'X', sizeof(small));
		if (fuzz_render(prog, unit, insn, value, small, size) != need)
			abort();
		if (size && (strlen(small) != (need < size ? need : size - 1) ||
			     memcmp(small, big, strlen(small))))
			abort();
	}
}

static void fuzz_verdict(const struct ldw_prog *prog, const struct ldw_event *event,
			 struct ldw_verdict v)
{
	const struct ldw_prog_unit *u;
	unsigned int i;

	switch (v.outcome) {
	case LDW_MATCH:
		for (i = 0; i < prog->header->nunits; i++) {
			if (prog->unit[i].kind == LDW_UNIT_EXCLUDE)
				continue;
			fuzz_format(prog, i, ~0u, 0);
		}
		break;
	case LDW_NO_MATCH:
	case LDW_EXCLUDED:
		if (v.index >= prog->header->nunits)
			abort();
		u = &prog->unit[v.index];
		if ((u->kind == LDW_UNIT_EXCLUDE) != (v.outcome == LDW_EXCLUDED))
			abort();
		fuzz_format(prog, v.index, ~0u, 0);
		if (u->ninsns == 1 && v.outcome == LDW_EXCLUDED)
			fuzz_format(prog, v.index, u->first_insn, v.value);
		break;
	default:
		abort();
	}
	if (ldw_explain(devnull, prog, event, v))
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
		v = ldw_prog_eval(&prog, &ev.event);
		fuzz_verdict(&prog, &ev.event, v);
	}
	ldw_json_event_release(&ev);
	free(line);
	return 0;
}
