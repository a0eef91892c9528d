// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the EQL compiler (userspace/rule/eql_compile.h).
 *
 * The input is EQL text, compiled twice: as a whole rule, and as an
 * exception item appended to a small rule. Whatever the text:
 *
 *  - nothing crashes, reads out of bounds or leaks (ASan, UBSan);
 *  - a refusal has a position (line and column from 1) and a message;
 *  - an accepted text gives a program that ldw_prog_verify() accepts, that
 *    evaluates without fault, and whose ldw_prog_format() text compiles
 *    back to the same program, byte for byte, and formats the same again.
 *
 * Seeded (tests/fuzz/run.sh) with Elastic's rule texts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "rule/eql_compile.h"

static uint32_t prog_a[LDW_PROG_MAX_SIZE / 4], prog_b[LDW_PROG_MAX_SIZE / 4];

static const char base_rule[] = "file where file.path : \"/etc/ld.so.preload\"";

static void fail(const char *what, const char *text, size_t len)
{
	fprintf(stderr, "fuzz_eql disagrees: %s\ntext: %.*s\n", what, (int)len, text);
	abort();
}

/* Compile @text (after base_rule with @exclusion) into @buf; 0 if refused. */
static size_t build(const char *text, size_t len, bool exclusion, uint32_t *buf)
{
	struct ldw_prog_builder b;
	struct ldw_eql_error err;
	const char *e = NULL;
	size_t size;
	int rc;

	memset(&err, 0, sizeof(err));
	ldw_prog_build_init(&b, buf, LDW_PROG_MAX_SIZE);
	if (exclusion && ldw_eql_compile(base_rule, strlen(base_rule), &b, &err))
		fail("the base rule is refused", base_rule, strlen(base_rule));
	rc = exclusion ? ldw_eql_compile_exclusion(text, len, &b, &err) :
			 ldw_eql_compile(text, len, &b, &err);
	if (rc) {
		if (!err.line || !err.column || !err.message[0] ||
		    !memchr(err.message, '\0', sizeof(err.message)))
			fail("a refusal without a position or a message", text, len);
		return 0;
	}
	size = ldw_prog_build_finish(&b, &e);
	if (!size)
		fail(e ? e : "the builder failed on an accepted text", text, len);
	return size;
}

static char *format(const uint32_t *buf, size_t size, size_t *len, const char *text,
		    size_t tlen)
{
	struct ldw_prog prog;
	struct ldw_prog_error perr;
	struct ldw_event ev;
	unsigned int f;
	char *out;

	if (ldw_prog_verify(buf, size, &prog, &perr))
		fail(perr.what, text, tlen);
	/* the evaluator on an empty event and on one with every field */
	for (f = 0; f < LDW_FIELD_COUNT; f++)
		ev.field[f] = LDW_STR_ABSENT;
	ldw_prog_eval(&prog, &ev);
	for (f = 0; f < LDW_FIELD_COUNT; f++)
		ev.field[f] = (struct ldw_str){ text, tlen < 64 ? tlen : 64 };
	ldw_prog_eval(&prog, &ev);
	*len = ldw_prog_format(&prog, NULL, 0);
	out = malloc(*len + 1);
	if (!out)
		abort();
	if (ldw_prog_format(&prog, out, *len + 1) != *len)
		fail("the formatter's length changed", text, tlen);
	return out;
}

static void round_trip(const char *text, size_t len, bool exclusion)
{
	size_t size = build(text, len, exclusion, prog_a), size2, flen, flen2;
	char *ftext, *ftext2;

	if (!size)
		return;
	ftext = format(prog_a, size, &flen, text, len);
	size2 = build(ftext, flen, false, prog_b);
	if (size2 != size || memcmp(prog_a, prog_b, size)) {
		fprintf(stderr, "formatted: %.*s\n", (int)flen, ftext);
		fail("the formatted text does not compile to the same program", text, len);
	}
	ftext2 = format(prog_b, size2, &flen2, ftext, flen);
	if (flen2 != flen || memcmp(ftext, ftext2, flen))
		fail("the program formats differently the second time", text, len);
	free(ftext);
	free(ftext2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	round_trip((const char *)data, size, false);
	round_trip((const char *)data, size, true);
	return 0;
}
