// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the prefilter's anchors (ldwatch/anchors.h).
 *
 * The input is a rule of one requirement, file.path OP (VALUES), and a
 * path. The target checks that the anchors are sound: whenever the clause
 * matches the path (the matcher decides, itself fuzzed in fuzz_rule.c),
 * some component of the path, walked from the last one upward, is accepted
 * by ldw_anchors_match_name() at its depth; otherwise the prefilter would
 * miss an alert. It also checks every name comparison against a reference
 * written the naive way, the derived set's invariants, and that nothing
 * reads past a name's length or its NUL (every buffer is exact-size).
 *
 * Input layout: byte 0 chooses the operator (bits 0-1), the number of
 * values (bits 2-3, plus one) and the path's source (bit 4); then the
 * values, each ended by a 0x00 byte. The path is either the rest of the
 * input, or (bit 4 set) made from one of the values to match it: each '*'
 * replaced by up to 15 input bytes, each '?' by one, and, under the
 * case-folding operators, letters flipped in case by input bits. A made
 * path that does not match is a bug in this target and fails too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#define MAX_VALUES 4
#define MAX_VALUE_LEN 300	/* beyond LDW_ANCHOR_NAME_MAX, to reach TOO_LONG */
#define MAX_PATH_LEN 8192	/* above 300 stars of 15 bytes each */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static void fail(const char *what, const char *path, size_t len)
{
	fprintf(stderr, "anchors disagree: %s; path of %zu bytes: \"%.*s\"\n", what, len,
		(int)len, path);
	abort();
}

static unsigned char fold(unsigned char c, bool nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ldw_anchors_match_name() as its contract says, the plain way. */
static bool ref_match_name(const struct ldw_anchors *a, const char *name, size_t len,
			   unsigned int depth)
{
	enum ldw_anchor_place place = depth ? LDW_ANCHOR_ANCESTOR : LDW_ANCHOR_NAME;
	unsigned int i;
	size_t j;

	if (a->pass_all)
		return true;
	for (i = 0; i < a->count; i++) {
		const struct ldw_anchor *x = &a->anchor[i];

		/* A prefix: any place, any name at least as long. */
		if (x->prefix ? x->len > len : x->place != place || x->len != len)
			continue;
		for (j = 0; j < x->len; j++)
			if (!name[j] || fold(name[j], x->nocase) != (unsigned char)x->name[j])
				break;
		if (j == x->len)
			return true;
	}
	return false;
}

static bool ref_may_match_len(const struct ldw_anchors *a, size_t len, unsigned int depth)
{
	enum ldw_anchor_place place = depth ? LDW_ANCHOR_ANCESTOR : LDW_ANCHOR_NAME;
	unsigned int i;

	for (i = 0; i < a->count; i++)
		if (a->anchor[i].prefix ? a->anchor[i].len <= len :
		    a->anchor[i].place == place && a->anchor[i].len == len)
			return true;
	return a->pass_all;
}

/* One component, in an exact-size buffer, against the reference. */
static bool component_ok(const struct ldw_anchors *a, const char *name, size_t len,
			 unsigned int depth)
{
	char *copy = malloc(len ? len : 1);
	bool hit, ref;

	memcpy(copy, name, len);
	hit = ldw_anchors_match_name(a, copy, len, depth);
	ref = ref_match_name(a, copy, len, depth);
	free(copy);
	if (hit != ref)
		fail("ldw_anchors_match_name() and the reference", name, len);
	if (ldw_anchors_may_match_len(a, len, depth) != ref_may_match_len(a, len, depth))
		fail("ldw_anchors_may_match_len() and the reference", name, len);
	return hit;
}

/* The components of @path from the last one upward, as in test_anchors.c. */
static bool walk_ok(const struct ldw_anchors *a, const char *path, size_t len)
{
	unsigned int depth = 0;
	size_t end = len, start;
	bool hit = false;

	for (;;) {
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		/* Every component is compared, to check each against the reference. */
		hit |= component_ok(a, path + start, end - start, depth);
		if (!start)
			return hit;
		end = start - 1;
		depth++;
	}
}

/*
 * A name whose NUL comes before the length says: the compare must stop
 * at the NUL. @len bytes are claimed; the buffer ends right after the NUL.
 */
static void check_torn(const struct ldw_anchors *a, const char *name, size_t stored,
		       size_t len, unsigned int depth)
{
	char *buf = malloc(stored + 1);
	bool before_nul = false;
	unsigned int i;
	size_t j;

	memcpy(buf, name, stored);
	buf[stored] = '\0';
	/* A prefix anchor within the stored bytes matches rightly. */
	for (i = 0; i < a->count; i++) {
		const struct ldw_anchor *x = &a->anchor[i];

		if (!x->prefix || x->len > stored || x->len > len)
			continue;
		for (j = 0; j < x->len; j++)
			if (fold(buf[j], x->nocase) != (unsigned char)x->name[j])
				break;
		before_nul |= j == x->len;
	}
	if (ldw_anchors_match_name(a, buf, len, depth) && !a->pass_all && !before_nul)
		fail("a name matched across its NUL", name, stored);
	free(buf);
}

static void check_invariants(const struct ldw_anchors *a, enum ldw_anchors_reason r)
{
	bool ancestors = false, prefixes = false;
	unsigned int i, len;

	if (r != a->reason || a->pass_all != (r != LDW_ANCHORS_OK) ||
	    (unsigned int)r >= LDW_ANCHORS_REASONS || a->count > LDW_ANCHORS_MAX)
		fail("the reason, pass_all and count are inconsistent", "", 0);
	if (a->pass_all && a->count)
		fail("a set passing everything holds anchors", "", 0);
	for (i = 0; i < a->count; i++) {
		const struct ldw_anchor *x = &a->anchor[i];

		if (!x->len || x->len > LDW_ANCHOR_NAME_MAX || strlen(x->name) != x->len ||
		    memchr(x->name, '/', x->len) || x->place >= LDW_ANCHOR_PLACES)
			fail("an anchor is empty, too long, holds a NUL or a '/'", x->name, x->len);
		for (len = 0; len < x->len; len++)
			if (x->nocase && x->name[len] >= 'A' && x->name[len] <= 'Z')
				fail("a case-folding anchor is not lowercase", x->name, x->len);
		if (x->prefix && (x->len < LDW_ANCHOR_PREFIX_MIN || x->place != LDW_ANCHOR_NAME))
			fail("a prefix anchor is too short or has a place", x->name, x->len);
		if (!(a->places[x->len] & (x->prefix ? LDW_ANCHORS_PREFIX_BIT : 1u << x->place)))
			fail("an anchor's length is missing from places[]", x->name, x->len);
		ancestors |= x->place == LDW_ANCHOR_ANCESTOR || x->prefix;
		prefixes |= x->prefix;
	}
	if (ancestors != a->ancestors || prefixes != a->prefixes)
		fail("ancestors or prefixes disagrees with the anchors", "", 0);
	for (len = 0; len <= LDW_ANCHOR_NAME_MAX; len++) {
		unsigned int want = 0;

		for (i = 0; i < a->count; i++)
			if (a->anchor[i].prefix ? a->anchor[i].len <= len : a->anchor[i].len == len)
				want |= a->anchor[i].prefix ? LDW_ANCHORS_PREFIX_BIT :
					1u << a->anchor[i].place;
		if (a->places[len] != want)
			fail("places[] has a length no anchor has", "", 0);
	}
}

/* Make a path that @value matches under @op, from the input's bytes. */
static size_t make_path(const char *value, enum ldw_op op, struct input *in, char *path)
{
	bool wildcards = op == LDW_OP_WILDCARD_NOCASE || op == LDW_OP_WILDCARD;
	bool nocase = op == LDW_OP_WILDCARD_NOCASE || op == LDW_OP_EQUAL_NOCASE;
	size_t len = 0, i, k;
	uint8_t bits = 0;
	unsigned int nbits = 0;

	for (i = 0; value[i]; i++) {
		char c = value[i];

		if (wildcards && c == '*') {
			k = take(in) & 15;
			while (k-- && len < MAX_PATH_LEN)
				path[len++] = (char)take(in);
		} else if (wildcards && c == '?') {
			if (len < MAX_PATH_LEN)
				path[len++] = (char)take(in);
		} else if (len < MAX_PATH_LEN) {
			if (nocase && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
				if (!nbits) {
					bits = take(in);
					nbits = 8;
				}
				if (bits & 1)
					c ^= 'a' - 'A';
				bits >>= 1;
				nbits--;
			}
			path[len++] = c;
		}
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ldw_op ops[] = {
		LDW_OP_WILDCARD_NOCASE, LDW_OP_WILDCARD, LDW_OP_EQUAL, LDW_OP_EQUAL_NOCASE,
	};
	static char storage[MAX_VALUES][MAX_VALUE_LEN + 1];
	static char path_buf[MAX_PATH_LEN];
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	const char *values[MAX_VALUES + 1] = { NULL };
	struct ldw_str strs[MAX_VALUES];
	struct input in = { data, size };
	uint8_t head = take(&in);
	enum ldw_op op = ops[head & 3];
	unsigned int nvalues = ((head >> 2) & 3) + 1, i;
	struct ldw_prog_builder b;
	struct ldw_prog_error verr;
	struct ldw_prog prog;
	const char *err;
	struct ldw_anchors a;
	enum ldw_anchors_reason r;
	struct ldw_event event;
	unsigned int which;
	size_t len = 0;
	char *path;

	for (i = 0; i < nvalues; i++) {
		const uint8_t *nul = memchr(in.p, 0, in.n);
		size_t n = nul ? (size_t)(nul - in.p) : in.n;
		size_t keep = n < MAX_VALUE_LEN ? n : MAX_VALUE_LEN;

		memcpy(storage[i], in.p, keep);
		storage[i][keep] = '\0';
		values[i] = storage[i];
		in.p += n + (nul != NULL);
		in.n -= n + (nul != NULL);
	}

	/* The requirement file.path OP (values) as the one unit of a program. */
	for (i = 0; i < nvalues; i++)
		strs[i] = ldw_str_cstr(values[i]);
	ldw_prog_build_init(&b, blob, sizeof(blob));
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_test(&b, LDW_FIELD_FILE_PATH, op, strs, nvalues);
	ldw_prog_build_end_unit(&b);
	len = ldw_prog_build_finish(&b, &err);
	if (!len || ldw_prog_verify(blob, len, &prog, &verr))
		abort();
	r = ldw_anchors_derive(&prog, &a);
	check_invariants(&a, r);

	if (head & 16) {
		which = take(&in) % nvalues;
		len = make_path(values[which], op, &in, path_buf);
	} else {
		len = in.n < MAX_PATH_LEN ? in.n : MAX_PATH_LEN;
		memcpy(path_buf, in.p, len);
	}
	/* An exact-size copy, so ASan sees any read past either end. */
	path = malloc(len ? len : 1);
	memcpy(path, path_buf, len);

	ldw_event_fill(&event, (struct ldw_str){ "creation", 8 },
		       (struct ldw_str){ path, len }, LDW_STR_ABSENT,
		       (struct ldw_str){ "/bin/sh", 7 });
	if (ldw_prog_test(&prog, 0, &event, &i)) {
		if (!walk_ok(&a, path, len))
			fail("the clause matches but no component is an anchor", path, len);
	} else {
		if (head & 16)
			fail("a path made to match does not", path, len);
		walk_ok(&a, path, len);
	}

	/* Each anchor, cut short by a NUL but claimed at full length. */
	for (i = 0; i < a.count; i++) {
		const struct ldw_anchor *x = &a.anchor[i];

		check_torn(&a, x->name, x->len - 1, x->len, x->place == LDW_ANCHOR_ANCESTOR);
		check_torn(&a, x->name, 0, x->len, x->place == LDW_ANCHOR_ANCESTOR);
	}
	free(path);
	return 0;
}
