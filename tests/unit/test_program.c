// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of compiled rules (ldwatch/program.h): the verifier on a
 * hand-laid blob with each field of the format broken once (what it says,
 * and at which byte); the formatter against text written here by hand
 * (operators, negations, parentheses, escapes, the whole rule's form); the
 * builder's limits; and a large program that makes the builder move its
 * parts. The case table's verdicts by the lowered built-in rule are in
 * test_rule.c (and, in the kernel, kunit/matcher_kunit.c).
 */
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>

#include "tap.h"

/* Blobs are laid out by hand here, not by the builder under test. */
struct layout {
	unsigned int nunits, ninsns, nvalues;
	struct ldw_prog_unit unit[4];
	struct ldw_prog_insn insn[8];
	struct ldw_prog_value value[4];
	const char *strings;
	size_t strings_size;
};

/* Lay @l out in @buf; returns the size. */
static size_t lay_out(const struct layout *l, void *buf)
{
	struct ldw_prog_header h = {
		.magic = LDW_PROG_MAGIC, .version = LDW_PROG_VERSION,
		.nunits = l->nunits, .ninsns = l->ninsns, .nvalues = l->nvalues,
		.strings_size = l->strings_size,
	};
	char *p = buf;

	h.size = sizeof(h) + l->nunits * 12 + l->ninsns * 12 + l->nvalues * 8 + l->strings_size;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, l->unit, l->nunits * 12);
	p += l->nunits * 12;
	memcpy(p, l->insn, l->ninsns * 12);
	p += l->ninsns * 12;
	memcpy(p, l->value, l->nvalues * 8);
	p += l->nvalues * 8;
	memcpy(p, l->strings, l->strings_size);
	return h.size;
}

/*
 * file where file.path == "/etc/ld.so.preload"
 *   and not (process.name == "sed" and file.name : "sed*")
 * Offsets: header 0, units 24 and 36, instructions 48 60 72 84, values 96
 * 104 112, strings 120; 145 bytes.
 */
static const struct layout good = {
	.nunits = 2, .ninsns = 4, .nvalues = 3,
	.unit = {
		{ LDW_UNIT_REQUIRE, 0, 0, 0, 1 },
		{ LDW_UNIT_EXCLUDE, 0, 0, 1, 3 },
	},
	.insn = {
		{ LDW_INSN_TEST, LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, 0, 0, 1 },
		{ LDW_INSN_TEST, LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, 0, 1, 1 },
		{ LDW_INSN_TEST, LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, 0, 2, 1 },
		{ LDW_INSN_AND, 0, 0, 0, 0, 0 },
	},
	.value = { { 0, 18 }, { 18, 3 }, { 21, 4 } },
	.strings = "/etc/ld.so.preloadsedsed*",
	.strings_size = 25,
};

static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32) + 1];

/* Verify @size bytes of blob; expect refusal @what at @offset (NULL: accept). */
static void expect(const char *name, size_t size, const char *what, size_t offset)
{
	struct ldw_prog_error err = { NULL, 0 };
	struct ldw_prog prog;
	int r = ldw_prog_verify(blob, size, &prog, &err);

	if (!what) {
		if (!tap_ok(r == 0, "verify: %s: accepted", name))
			tap_diag("refused at %zu: %s", err.offset, err.what);
		return;
	}
	if (!tap_ok(r == -1 && err.what && !strcmp(err.what, what) && err.offset == offset,
		    "verify: %s: \"%s\" at byte %zu", name, what, offset))
		tap_diag("got %d, \"%s\" at byte %zu", r, r ? err.what : "-", err.offset);
}

#define HDR(m) ((struct ldw_prog_header *)blob)->m

static void test_verify(void)
{
	struct layout l;
	size_t size;
	char *odd;
	unsigned int i;

	size = lay_out(&good, blob);
	tap_ok(size == 145, "the hand-laid blob is 145 bytes");
	expect("the hand-laid program", size, NULL, 0);

	expect("no bytes", 0, "shorter than a compiled rule's header", 0);
	expect("23 bytes", 23, "shorter than a compiled rule's header", 0);
	expect("64 KiB and one byte", LDW_PROG_MAX_SIZE + 1, "larger than LDW_PROG_MAX_SIZE", 0);
	odd = (char *)blob + 1;
	memmove(odd, blob, size);
	tap_ok(ldw_prog_verify(odd, size, &(struct ldw_prog){ 0 },
			       &(struct ldw_prog_error){ 0 }) == -1,
	       "verify: a blob not aligned for __u32 is refused");

#define BREAK(name, stmt, what, offset) do {				\
		size = lay_out(&good, blob);				\
		stmt;							\
		expect(name, size, what, offset);			\
	} while (0)

	BREAK("magic", HDR(magic) ^= 1, "not a compiled rule (bad magic)", 0);
	BREAK("version", HDR(version) = LDW_PROG_VERSION + 1,
	      "a compiled rule of another version", 4);
	BREAK("no units", HDR(nunits) = 0, "unit count out of range", 6);
	BREAK("513 units", HDR(nunits) = LDW_PROG_MAX_UNITS + 1, "unit count out of range", 6);
	BREAK("no instructions", HDR(ninsns) = 0, "instruction count out of range", 8);
	BREAK("4097 instructions", HDR(ninsns) = LDW_PROG_MAX_INSNS + 1,
	      "instruction count out of range", 8);
	BREAK("2^32-1 values", HDR(nvalues) = 0xffffffffu, "value count out of range", 12);
	BREAK("a string area over 64 KiB", HDR(strings_size) = LDW_PROG_MAX_SIZE + 1,
	      "string area size out of range", 16);
	BREAK("the header's size", HDR(size) += 1, "the header's size is not the blob's", 20);
	BREAK("the blob's size", size -= 1, "the header's size is not the blob's", 20);
	BREAK("one value more", HDR(nvalues) += 1, "the parts run past the end of the blob", 20);
	BREAK("one string byte less", HDR(strings_size) -= 1, "bytes after the string area", 20);

	l = good;
	l.unit[1].kind = LDW_UNIT_KINDS;
	size = lay_out(&l, blob);
	expect("unit kind", size, "unknown unit kind", 36);
	l = good;
	l.unit[0].reserved = 1;
	size = lay_out(&l, blob);
	expect("unit reserved", size, "a unit's reserved member is not 0", 24);
	l = good;
	l.unit[0].reserved2 = 0x100;
	size = lay_out(&l, blob);
	expect("unit reserved2", size, "a unit's reserved member is not 0", 24);
	l = good;
	l.unit[0].first_insn = 1;
	size = lay_out(&l, blob);
	expect("unit first_insn", size,
	       "a unit's code does not start where the one before ends", 24);
	l = good;
	l.unit[1].ninsns = 0;
	size = lay_out(&l, blob);
	expect("unit without code", size, "a unit without code", 36);
	l = good;
	l.unit[1].ninsns = 4;
	size = lay_out(&l, blob);
	expect("unit ninsns past the end", size,
	       "a unit's code runs past the last instruction", 36);
	l = good;
	l.unit[1].ninsns = 0xffffffffu;
	size = lay_out(&l, blob);
	expect("unit ninsns 2^32-1", size, "a unit's code runs past the last instruction", 36);
	l = good;
	l.unit[1].ninsns = 2;
	l.insn[3] = l.insn[2];	/* TEST TEST: two truths, and one instruction left */
	size = lay_out(&l, blob);
	expect("unit leaving two truths", size,
	       "a unit leaves more than one truth on its stack", 36);
	l = good;
	l.nunits = 1;
	size = lay_out(&l, blob);
	expect("code after the last unit", size, "instructions after the last unit's code", 48);

	l = good;
	l.insn[0].code = LDW_INSN_CODES;
	size = lay_out(&l, blob);
	expect("instruction code", size, "unknown instruction code", 48);
	l = good;
	l.insn[2].field = LDW_FIELD_COUNT;
	size = lay_out(&l, blob);
	expect("field", size, "unknown field", 72);
	l = good;
	l.insn[2].op = LDW_OP_COUNT;
	size = lay_out(&l, blob);
	expect("operator", size, "unknown operator", 72);
	l = good;
	l.insn[1].reserved = 1;
	size = lay_out(&l, blob);
	expect("instruction reserved", size, "an instruction's reserved byte is not 0", 60);
	l = good;
	l.insn[0].op = LDW_OP_IS_NULL;
	size = lay_out(&l, blob);
	expect("== null with a value", size, "== null takes no values", 48);
	l = good;
	l.insn[0].nvalues = 0;
	size = lay_out(&l, blob);
	expect("comparison without values", size, "a comparison without values", 48);
	l = good;
	l.insn[2].first_value = 3;
	size = lay_out(&l, blob);
	expect("first_value past the table", size,
	       "a comparison's values run past the value table", 72);
	l = good;
	l.insn[2].nvalues = 2;
	size = lay_out(&l, blob);
	expect("nvalues past the table", size,
	       "a comparison's values run past the value table", 72);
	l = good;
	l.insn[2].first_value = 0xffffffffu;
	l.insn[2].nvalues = 2;
	size = lay_out(&l, blob);
	expect("first_value + nvalues wrapping", size,
	       "a comparison's values run past the value table", 72);
	l = good;
	l.insn[3].field = 1;
	size = lay_out(&l, blob);
	expect("AND with a field", size, "NOT, AND or OR with a member that is not 0", 84);
	l = good;
	l.insn[3].nvalues = 1;
	size = lay_out(&l, blob);
	expect("AND with values", size, "NOT, AND or OR with a member that is not 0", 84);
	l = good;
	l.insn[3].code = LDW_INSN_NOT;
	size = lay_out(&l, blob);
	expect("NOT where AND was", size, "a unit leaves more than one truth on its stack", 36);
	l = good;
	l.insn[1] = (struct ldw_prog_insn){ LDW_INSN_AND, 0, 0, 0, 0, 0 };
	size = lay_out(&l, blob);
	expect("AND on an empty stack", size, "AND needs two operands", 60);
	l = good;
	l.insn[1] = (struct ldw_prog_insn){ LDW_INSN_OR, 0, 0, 0, 0, 0 };
	size = lay_out(&l, blob);
	expect("OR on an empty stack", size, "OR needs two operands", 60);
	l = good;
	l.insn[1] = (struct ldw_prog_insn){ LDW_INSN_NOT, 0, 0, 0, 0, 0 };
	size = lay_out(&l, blob);
	expect("NOT on an empty stack", size, "NOT needs an operand", 60);
	l = good;
	l.value[1].len = LDW_PROG_MAX_VALUE_LEN + 1;
	size = lay_out(&l, blob);
	expect("value length", size, "a value longer than LDW_PROG_MAX_VALUE_LEN", 104);
	l = good;
	l.value[2].offset = 22;
	size = lay_out(&l, blob);
	expect("value past the strings", size, "a value runs past the string area", 112);
	l = good;
	l.value[2].offset = 0xffffffffu;
	size = lay_out(&l, blob);
	expect("value offset wrapping", size, "a value runs past the string area", 112);

	/* A unit 65 deep: 65 TESTs, then 64 ORs. */
	{
		struct ldw_prog_header *h = (void *)blob;
		struct ldw_prog_unit *u = (void *)(h + 1);
		struct ldw_prog_insn *in = (void *)(u + 1);
		struct ldw_prog_value *v = (void *)(in + 129);
		char *s = (char *)(v + 1);

		*h = (struct ldw_prog_header){ LDW_PROG_MAGIC, LDW_PROG_VERSION, 1, 129, 1, 1, 0 };
		*u = (struct ldw_prog_unit){ LDW_UNIT_REQUIRE, 0, 0, 0, 129 };
		for (i = 0; i < 129; i++)
			in[i] = i < 65 ? (struct ldw_prog_insn){ LDW_INSN_TEST, 0, LDW_OP_EQUAL, 0, 0, 1 } :
					 (struct ldw_prog_insn){ LDW_INSN_OR, 0, 0, 0, 0, 0 };
		*v = (struct ldw_prog_value){ 0, 1 };
		*s = 'x';
		h->size = (char *)(s + 1) - (char *)blob;
		expect("65 deep", h->size, "a unit's stack is deeper than LDW_PROG_MAX_DEPTH",
		       24 + 12 + 64 * 12);
		in[64] = (struct ldw_prog_insn){ LDW_INSN_OR, 0, 0, 0, 0, 0 };
		in[128] = (struct ldw_prog_insn){ LDW_INSN_TEST, 0, LDW_OP_EQUAL, 0, 0, 1 };
		in[127] = in[128];
		/* 64 TESTs, an OR, ... : at most 64 deep, but two truths at the end. */
		expect("64 deep, two truths left", h->size,
		       "a unit leaves more than one truth on its stack", 24);
	}
}

/* A builder over a fresh buffer. */
static struct ldw_prog_builder b;
static struct ldw_prog prog;

static void begin(void)
{
	ldw_prog_build_init(&b, blob, LDW_PROG_MAX_SIZE);
}

static void t(enum ldw_field f, enum ldw_op op, const char *v)
{
	struct ldw_str s = { v, v ? strlen(v) : 0 };

	ldw_prog_build_test(&b, f, op, &s, v ? 1 : 0);
}

static void t2(enum ldw_field f, enum ldw_op op, const char *v1, const char *v2)
{
	struct ldw_str s[2] = { { v1, strlen(v1) }, { v2, strlen(v2) } };

	ldw_prog_build_test(&b, f, op, s, 2);
}

static bool finish(void)
{
	struct ldw_prog_error err;
	const char *what;
	size_t size = ldw_prog_build_finish(&b, &what);

	if (!size) {
		tap_diag("build: %s", what);
		return false;
	}
	return !ldw_prog_verify(blob, size, &prog, &err);
}

/* The unit built from @code ("a".."d" TESTs, "!&|"), written alone, is @text. */
static void expect_unit(const char *code, const char *text)
{
	static const char *const names[] = { "/a", "/b", "/c", "/d" };
	char buf[512];

	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	for (; *code; code++) {
		switch (*code) {
		case '!':
			ldw_prog_build_op(&b, LDW_INSN_NOT);
			break;
		case '&':
			ldw_prog_build_op(&b, LDW_INSN_AND);
			break;
		case '|':
			ldw_prog_build_op(&b, LDW_INSN_OR);
			break;
		case 'n':	/* == null */
			t(LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_IS_NULL, NULL);
			break;
		case 'e':	/* == one value */
			t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "sed");
			break;
		case 'E':	/* in two values */
			t2(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "sed", "perl");
			break;
		default:
			t(LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, names[*code - 'a']);
		}
	}
	ldw_prog_build_end_unit(&b);
	if (!finish()) {
		tap_ok(false, "format: %s", text);
		return;
	}
	ldw_prog_format_unit(&prog, 0, buf, sizeof(buf));
	if (!tap_ok(!strcmp(buf, text), "format: %s", text))
		tap_diag("got: %s", buf);
}

static void test_format(void)
{
	static const char esc_value[] = "a\"b\\c\td\ne\rf\001g\0h\177i\303\251";
	struct ldw_str v = { esc_value, sizeof(esc_value) - 1 };
	char buf[1024];

	expect_unit("a", "file.path : \"/a\"");
	expect_unit("ab&c&", "file.path : \"/a\" and file.path : \"/b\" and file.path : \"/c\"");
	expect_unit("abc&&", "file.path : \"/a\" and (file.path : \"/b\" and file.path : \"/c\")");
	expect_unit("ab|c&", "(file.path : \"/a\" or file.path : \"/b\") and file.path : \"/c\"");
	expect_unit("abc|&", "file.path : \"/a\" and (file.path : \"/b\" or file.path : \"/c\")");
	expect_unit("ab&c|", "file.path : \"/a\" and file.path : \"/b\" or file.path : \"/c\"");
	expect_unit("abc&|", "file.path : \"/a\" or file.path : \"/b\" and file.path : \"/c\"");
	expect_unit("ab|cd|&", "(file.path : \"/a\" or file.path : \"/b\") and "
		    "(file.path : \"/c\" or file.path : \"/d\")");
	expect_unit("a!", "not file.path : \"/a\"");
	expect_unit("a!!", "not not file.path : \"/a\"");
	expect_unit("ab|!", "not (file.path : \"/a\" or file.path : \"/b\")");
	expect_unit("ab&!c|", "not (file.path : \"/a\" and file.path : \"/b\") or file.path : \"/c\"");
	expect_unit("ab!&", "file.path : \"/a\" and not file.path : \"/b\"");
	expect_unit("e!", "process.name != \"sed\"");
	expect_unit("E!", "process.name not in (\"sed\", \"perl\")");
	expect_unit("n!", "process.executable != null");
	expect_unit("n", "process.executable == null");
	expect_unit("e!!", "not process.name != \"sed\"");
	expect_unit("ae!&", "file.path : \"/a\" and process.name != \"sed\"");
	expect_unit("ae|!", "not (file.path : \"/a\" or process.name == \"sed\")");

	/* Operators, one value and several. */
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_NAME, LDW_OP_EQUAL_NOCASE, "A");
	t2(LDW_FIELD_FILE_NAME, LDW_OP_EQUAL_NOCASE, "A", "b");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	t(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD, "x*");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	t2(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD, "x*", "?y");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	t2(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, "x*", "?y");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	ldw_prog_build_end_unit(&b);
	if (finish()) {
		ldw_prog_format_unit(&prog, 0, buf, sizeof(buf));
		if (!tap_ok(!strcmp(buf, "file.name in~ (\"A\") and file.name in~ (\"A\", \"b\") and "
				    "file.name like \"x*\" and file.name like (\"x*\", \"?y\") and "
				    "file.name : (\"x*\", \"?y\")"),
			    "format: in~, like and : with one value and a list"))
			tap_diag("got: %s", buf);
		ldw_prog_format_test(&prog, 5, 1, buf, sizeof(buf));
		tap_ok(!strcmp(buf, "file.name like \"?y\""), "format: one value of a list");
	}

	/* Escapes: quote, backslash, tab, newline, return, other controls, NUL, DEL. */
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_test(&b, LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, &v, 1);
	ldw_prog_build_end_unit(&b);
	if (finish()) {
		ldw_prog_format_unit(&prog, 0, buf, sizeof(buf));
		if (!tap_ok(!strcmp(buf, "process.name == \"a\\\"b\\\\c\\td\\ne\\rf\\u{01}g\\u{00}h"
				    "\\u{7f}i\303\251\""),
			    "format: EQL escapes for quote, backslash and control bytes; UTF-8 as it is"))
			tap_diag("got: %s", buf);
	}

	/* The whole rule: units in order, runs of exclusions grouped. */
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_HOST_OS_TYPE, LDW_OP_EQUAL, "linux");
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/a");
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/b");
	ldw_prog_build_op(&b, LDW_INSN_OR);
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD, "*.swp");
	ldw_prog_build_op(&b, LDW_INSN_NOT);
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
	t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "x");
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
	t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "y");
	t(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, "y*");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "w");
	ldw_prog_build_op(&b, LDW_INSN_NOT);
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
	t(LDW_FIELD_PROCESS_NAME, LDW_OP_WILDCARD, "q*");
	ldw_prog_build_op(&b, LDW_INSN_NOT);
	ldw_prog_build_end_unit(&b);
	if (finish()) {
		static const char want[] =
			"file where host.os.type == \"linux\" and "
			"(file.path == \"/a\" or file.path == \"/b\") and "
			"(not file.name like \"*.swp\") and "
			"not (process.name == \"x\" or (process.name == \"y\" and file.name : \"y*\")) and "
			"process.name != \"w\" and not (not process.name like \"q*\")";
		size_t need = ldw_prog_format(&prog, NULL, 0);

		ldw_prog_format(&prog, buf, sizeof(buf));
		if (!tap_ok(!strcmp(buf, want) && need == strlen(want),
			    "format: the whole rule, units in order, exclusions grouped"))
			tap_diag("got: %s", buf);
	}
}

static const char *build_error(void)
{
	const char *what = NULL;

	if (ldw_prog_build_finish(&b, &what))
		return NULL;
	return what;
}

static void expect_error(const char *name, const char *what)
{
	const char *got = build_error();

	if (!tap_ok(got && !strcmp(got, what), "build: %s: \"%s\"", name, what))
		tap_diag("got: %s", got ? got : "(built)");
}

static void test_builder(void)
{
	static char big_value[LDW_PROG_MAX_VALUE_LEN + 1];
	static const char *names[] = { "/a", "/b" };
	struct ldw_str s;
	unsigned int i;

	begin();
	expect_error("no units", "a rule without units");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/a");
	expect_error("a unit not ended", "the last unit was not ended");
	begin();
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/a");
	expect_error("a TEST outside a unit", "an instruction outside a unit");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	expect_error("a unit inside a unit", "a unit begun inside another");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_KINDS);
	expect_error("unit kind", "unknown unit kind");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_end_unit(&b);
	expect_error("an empty unit", "a unit without code");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_COUNT, LDW_OP_EQUAL, "/a");
	expect_error("field", "unknown field");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_COUNT, "/a");
	expect_error("operator", "unknown operator");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_IS_NULL, "/a");
	expect_error("== null with a value", "== null takes no values");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, NULL);
	expect_error("no values", "a comparison without values");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	memset(big_value, 'x', sizeof(big_value));
	s = (struct ldw_str){ big_value, sizeof(big_value) };
	ldw_prog_build_test(&b, LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, &s, 1);
	expect_error("a value of 4097 bytes", "a value longer than LDW_PROG_MAX_VALUE_LEN");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/a");
	ldw_prog_build_op(&b, LDW_INSN_AND);
	expect_error("AND with one operand", "AND needs two operands");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_op(&b, LDW_INSN_NOT);
	expect_error("NOT with none", "NOT needs an operand");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_op(&b, LDW_INSN_TEST);
	expect_error("TEST through build_op", "a TEST is built by ldw_prog_build_test()");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/a");
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/b");
	ldw_prog_build_end_unit(&b);
	expect_error("two truths at the end of a unit", "a unit's code leaves more than one truth");

	/* The first failure sticks. */
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_op(&b, LDW_INSN_OR);
	t(LDW_FIELD_COUNT, LDW_OP_EQUAL, "/a");
	ldw_prog_build_end_unit(&b);
	expect_error("later failures", "OR needs two operands");

	/* Depth: 64 is the most. */
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	for (i = 0; i < LDW_PROG_MAX_DEPTH; i++)
		t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, names[i & 1]);
	for (i = 1; i < LDW_PROG_MAX_DEPTH; i++)
		ldw_prog_build_op(&b, LDW_INSN_OR);
	ldw_prog_build_end_unit(&b);
	tap_ok(finish(), "build: a unit 64 deep builds and verifies");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	for (i = 0; i <= LDW_PROG_MAX_DEPTH; i++)
		t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, names[i & 1]);
	expect_error("65 deep", "an expression nested deeper than LDW_PROG_MAX_DEPTH");

	/* Counts. */
	begin();
	for (i = 0; i <= LDW_PROG_MAX_UNITS; i++) {
		ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
		t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "");
		ldw_prog_build_end_unit(&b);
	}
	expect_error("513 units", "more than LDW_PROG_MAX_UNITS units");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_IS_NULL, NULL);
	for (i = 1; i <= LDW_PROG_MAX_INSNS / 2; i++) {
		t(LDW_FIELD_FILE_PATH, LDW_OP_IS_NULL, NULL);
		ldw_prog_build_op(&b, LDW_INSN_OR);
	}
	expect_error("4097 instructions", "more than LDW_PROG_MAX_INSNS instructions");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_IS_NULL, NULL);
	for (i = 1; i < LDW_PROG_MAX_INSNS / 2; i++) {
		t(LDW_FIELD_FILE_PATH, LDW_OP_IS_NULL, NULL);
		ldw_prog_build_op(&b, LDW_INSN_OR);
	}
	ldw_prog_build_end_unit(&b);
	tap_ok(finish() && prog.header->ninsns == LDW_PROG_MAX_INSNS - 1,
	       "build: 4095 instructions build and verify");

	/* Size: a buffer too small, and a program over 64 KiB. */
	ldw_prog_build_init(&b, blob, 60);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/etc/ld.so.preload");
	ldw_prog_build_end_unit(&b);
	expect_error("a 60-byte buffer", "the rule is larger than the buffer given to build it");
	ldw_prog_build_init(&b, blob, 100);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	t(LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/etc/ld.so.preload");
	ldw_prog_build_end_unit(&b);
	tap_ok(finish() && prog.header->size == 24 + 12 + 12 + 8 + 18,
	       "build: a 100-byte buffer holds a 74-byte program");
	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	memset(big_value, 'x', sizeof(big_value));
	s = (struct ldw_str){ big_value, LDW_PROG_MAX_VALUE_LEN };
	for (i = 0; i < 16; i++) {
		ldw_prog_build_test(&b, LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, &s, 1);
		if (i)
			ldw_prog_build_op(&b, LDW_INSN_OR);
	}
	expect_error("16 values of 4 KiB", "the rule is larger than 64 KiB compiled");
}

/*
 * Parts interleaved and growing at different rates make the builder move
 * them; the result must be the program built, every value in its place.
 * Unit u (of 300) is: file.name in ("u-0", ..., "u-(u%7)") or
 * process.name == "p<u>", padded with long strings now and then.
 */
static void test_builder_moves(void)
{
	static char names[8][64];
	static char pad[1500];
	struct ldw_str vals[8];
	struct ldw_event event;
	struct ldw_verdict v;
	unsigned int u, i, bad = 0;
	char name[64];
	bool ok;

	memset(pad, 'p', sizeof(pad));
	begin();
	for (u = 0; u < 300; u++) {
		ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
		for (i = 0; i <= u % 7; i++) {
			snprintf(names[i], sizeof(names[i]), "%u-%u", u, i);
			vals[i] = (struct ldw_str){ names[i], strlen(names[i]) };
		}
		ldw_prog_build_test(&b, LDW_FIELD_FILE_NAME, LDW_OP_EQUAL, vals, u % 7 + 1);
		if (u % 50 == 0) {
			vals[0] = (struct ldw_str){ pad, sizeof(pad) };
			ldw_prog_build_test(&b, LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, vals, 1);
		} else {
			snprintf(names[0], sizeof(names[0]), "p%u", u);
			t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, names[0]);
		}
		ldw_prog_build_op(&b, LDW_INSN_OR);
		ldw_prog_build_end_unit(&b);
	}
	ok = finish();
	if (!tap_ok(ok && prog.header->nunits == 300, "build: 300 interleaved units build and verify"))
		return;
	for (u = 0; u < 300; u++) {
		for (i = 0; i <= u % 7; i++) {
			snprintf(name, sizeof(name), "%u-%u", u, i);
			memset(&event, 0, sizeof(event));
			event.field[LDW_FIELD_FILE_NAME] = (struct ldw_str){ name, strlen(name) };
			v = ldw_prog_eval(&prog, &event);
			if (v.outcome != LDW_EXCLUDED || v.index != u)
				bad++;
		}
		snprintf(name, sizeof(name), "%u-%u", u, u % 7 + 1);
		memset(&event, 0, sizeof(event));
		event.field[LDW_FIELD_FILE_NAME] = (struct ldw_str){ name, strlen(name) };
		v = ldw_prog_eval(&prog, &event);
		if (v.outcome != LDW_MATCH)
			bad++;
	}
	tap_ok(!bad, "build: every value of every unit is where the evaluator finds it (%u wrong)",
	       bad);
}

/* Evaluation details the case table does not reach. */
static void test_eval(void)
{
	static const char nul_value[] = "a\0b";
	struct ldw_str nv = { nul_value, 3 };
	struct ldw_event event = { 0 };
	struct ldw_verdict v;

	begin();
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	ldw_prog_build_test(&b, LDW_FIELD_FILE_NAME, LDW_OP_EQUAL, &nv, 1);
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
	t2(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "x", "y");
	ldw_prog_build_end_unit(&b);
	ldw_prog_build_begin_unit(&b, LDW_UNIT_EXCLUDE);
	t(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "z");
	ldw_prog_build_op(&b, LDW_INSN_NOT);
	ldw_prog_build_end_unit(&b);
	if (!tap_ok(finish(), "eval: a program with a NUL in a value builds"))
		return;
	event.field[LDW_FIELD_FILE_NAME] = (struct ldw_str){ "a", 1 };
	v = ldw_prog_eval(&prog, &event);
	tap_ok(v.outcome == LDW_NO_MATCH && v.index == 0,
	       "eval: \"a\" is not \"a\\0b\": values are length-bounded");
	event.field[LDW_FIELD_FILE_NAME] = (struct ldw_str){ nul_value, 3 };
	event.field[LDW_FIELD_PROCESS_NAME] = (struct ldw_str){ "y", 1 };
	v = ldw_prog_eval(&prog, &event);
	tap_ok(v.outcome == LDW_EXCLUDED && v.index == 1 && v.value == 1,
	       "eval: excluded by unit 1, by its second value");
	event.field[LDW_FIELD_PROCESS_NAME] = LDW_STR_ABSENT;
	v = ldw_prog_eval(&prog, &event);
	tap_ok(v.outcome == LDW_EXCLUDED && v.index == 2 && v.value == 0,
	       "eval: != on an absent field is true (TEST EQUAL + NOT)");
	event.field[LDW_FIELD_PROCESS_NAME] = (struct ldw_str){ "z", 1 };
	v = ldw_prog_eval(&prog, &event);
	tap_ok(v.outcome == LDW_MATCH, "eval: no unit decides otherwise: match");
}

int main(void)
{
	test_verify();
	test_format();
	test_builder();
	test_builder_moves();
	test_eval();
	return tap_done();
}
