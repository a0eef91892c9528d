// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the matcher.
 *
 * The input is split at its first two 0x00 bytes into a pattern, a text and
 * an event blob. The wildcard and equality primitives are checked against a
 * reference written the naive way (recursion over every split), so the fast,
 * iterative matcher must agree with an obviously correct one on every input.
 * The blob then becomes an event, field by field, for the default rule's
 * program and the formatter, which must not crash, read out of bounds or
 * overflow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

static unsigned char fold(unsigned char c, bool nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The definition of EQL's wildcard, as directly as C says it. */
static bool ref_wildcard(const char *p, size_t m, const char *t, size_t n, bool nocase)
{
	size_t i;

	if (!m)
		return n == 0;
	if (*p == '*') {
		for (i = 0; i <= n; i++)
			if (ref_wildcard(p + 1, m - 1, t + i, n - i, nocase))
				return true;
		return false;
	}
	if (!n)
		return false;
	if (*p != '?' && fold(*p, nocase) != fold(*t, nocase))
		return false;
	return ref_wildcard(p + 1, m - 1, t + 1, n - 1, nocase);
}

static bool ref_equal(const char *v, size_t m, const char *t, size_t n, bool nocase)
{
	size_t i;

	if (m != n)
		return false;
	for (i = 0; i < n; i++)
		if (fold(v[i], nocase) != fold(t[i], nocase))
			return false;
	return true;
}

static const uint8_t *split(const uint8_t *data, size_t size, size_t *len)
{
	const uint8_t *nul = memchr(data, 0, size);

	*len = nul ? (size_t)(nul - data) : size;
	return nul ? nul + 1 : data + size;
}

/* The reference is exponential in the number of stars: keep inputs small. */
#define MAX_REF_PATTERN 24
#define MAX_REF_STARS 4
#define MAX_REF_TEXT 64

static void check_primitives(const char *pattern, size_t plen, const char *text, size_t tlen)
{
	struct ldw_str s = { text, tlen };
	struct ldw_str p = { pattern, plen };
	size_t stars = 0, i;
	int nocase;

	for (i = 0; i < plen; i++)
		stars += pattern[i] == '*';
	for (nocase = 0; nocase <= 1; nocase++) {
		if (plen <= MAX_REF_PATTERN && stars <= MAX_REF_STARS && tlen <= MAX_REF_TEXT &&
		    ldw_wildcard_match(p, s, nocase) !=
		    ref_wildcard(pattern, plen, text, tlen, nocase)) {
			fprintf(stderr, "wildcard disagrees with the reference (nocase %d)\n", nocase);
			abort();
		}
		if (ldw_equal(p, s, nocase) != ref_equal(pattern, plen, text, tlen, nocase)) {
			fprintf(stderr, "equal disagrees with the reference (nocase %d)\n", nocase);
			abort();
		}
	}
}

/*
 * The event blob: fields separated by 0x01 bytes, in enum ldw_field order;
 * a field whose text is the single byte 0x02 is absent.
 */
/* The default rule's program, lowered once. */
static struct ldw_prog prog;

static void lower_default(void)
{
	static __u32 buf[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	if (prog.header)
		return;
	size = ldw_prog_from_rule(&ldw_default_rule, buf, sizeof(buf), &err);
	if (!size || ldw_prog_verify(buf, size, &prog, &verr))
		abort();
}

static void check_rule(const uint8_t *blob, size_t size)
{
	struct ldw_event event = { 0 };
	struct ldw_verdict v;
	char small[7];
	size_t at = 0;
	unsigned int f;

	for (f = 0; f < LDW_FIELD_COUNT; f++) {
		const uint8_t *end = at < size ? memchr(blob + at, 1, size - at) : NULL;
		size_t len = (end ? (size_t)(end - blob) : size) - (at < size ? at : size);

		if (at > size)
			break;
		if (len == 1 && blob[at] == 2)
			event.field[f] = LDW_STR_ABSENT;
		else
			event.field[f] = (struct ldw_str){ (const char *)blob + at, len };
		at += len + 1;
	}

	v = ldw_prog_eval(&prog, &event);
	if (v.outcome != LDW_MATCH && v.index >= prog.header->nunits)
		abort();
	if (v.outcome != LDW_MATCH) {
		const struct ldw_prog_unit *u = &prog.unit[v.index];
		size_t full = ldw_prog_format_unit(&prog, v.index, NULL, 0);

		if ((u->kind == LDW_UNIT_EXCLUDE) != (v.outcome == LDW_EXCLUDED))
			abort();
		if (ldw_prog_format_unit(&prog, v.index, small, sizeof(small)) != full ||
		    strlen(small) != (full < sizeof(small) ? full : sizeof(small) - 1))
			abort();
		if (u->ninsns == 1)
			ldw_prog_format_test(&prog, u->first_insn, v.value, small, sizeof(small));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t plen, tlen;
	const uint8_t *text = split(data, size, &plen);
	const uint8_t *blob = split(text, size - (text - data), &tlen);
	/* Own copies, no terminator, so that ASan sees reads past either end. */
	char *pattern = malloc(plen ? plen : 1);
	char *text_copy = malloc(tlen ? tlen : 1);

	memcpy(pattern, data, plen);
	memcpy(text_copy, text, tlen);
	check_primitives(pattern, plen, text_copy, tlen);
	lower_default();
	check_rule(blob, size - (blob - data));
	free(text_copy);
	free(pattern);
	return 0;
}
