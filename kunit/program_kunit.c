// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_program": compiled rules (ldwatch/program.h) in the
 * kernel's build. The verifier on a hand-laid blob with each field of the
 * format broken once (its message and the byte it names), as a blob from a
 * netlink message will be checked; and the built-in rules, lowered at
 * load, verify and write back the text they were copied from. (The case
 * table's verdicts by the lowered default rule: ldwatch_matcher.)
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "builtin.h"
#include "ldw_kunit.h"

/*
 * file where file.path == "/etc/ld.so.preload"
 *   and not (process.name == "sed" and file.name : "sed*")
 * Offsets: header 0, units 24 and 36, instructions 48 60 72 84, values 96
 * 104 112, strings 120; 145 bytes.
 */
struct ldw_test_blob {
	struct ldw_prog_header h;
	struct ldw_prog_unit unit[2];
	struct ldw_prog_insn insn[4];
	struct ldw_prog_value value[3];
	char strings[25];
} __packed __aligned(4);

/* The blob's bytes: the struct is padded to its alignment after them. */
#define LDW_TEST_BLOB_SIZE 145

static const struct ldw_test_blob ldw_test_good = {
	.h = { LDW_PROG_MAGIC, LDW_PROG_VERSION, 2, 4, 3, 25, 145 },
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
};

struct ldw_test_break {
	const char *name;
	void (*apply)(struct ldw_test_blob *b);
	const char *what;
	size_t offset;
};

#define LDW_BREAK(fn, stmt) static void fn(struct ldw_test_blob *b) { stmt; }
LDW_BREAK(brk_magic, b->h.magic ^= 1)
LDW_BREAK(brk_version, b->h.version++)
LDW_BREAK(brk_nunits, b->h.nunits = 0)
LDW_BREAK(brk_ninsns, b->h.ninsns = LDW_PROG_MAX_INSNS + 1)
LDW_BREAK(brk_nvalues, b->h.nvalues = U32_MAX)
LDW_BREAK(brk_strings_size, b->h.strings_size = LDW_PROG_MAX_SIZE + 1)
LDW_BREAK(brk_size, b->h.size++)
LDW_BREAK(brk_tiling, b->h.strings_size--)
LDW_BREAK(brk_kind, b->unit[1].kind = LDW_UNIT_KINDS)
LDW_BREAK(brk_unit_reserved, b->unit[0].reserved2 = 1)
LDW_BREAK(brk_first_insn, b->unit[0].first_insn = 1)
LDW_BREAK(brk_unit_ninsns, b->unit[1].ninsns = U32_MAX)
LDW_BREAK(brk_code, b->insn[0].code = LDW_INSN_CODES)
LDW_BREAK(brk_field, b->insn[2].field = LDW_FIELD_COUNT)
LDW_BREAK(brk_op, b->insn[2].op = LDW_OP_COUNT)
LDW_BREAK(brk_insn_reserved, b->insn[1].reserved = 1)
LDW_BREAK(brk_first_value, b->insn[2].first_value = U32_MAX; b->insn[2].nvalues = 2)
LDW_BREAK(brk_operator_member, b->insn[3].op = 1)
LDW_BREAK(brk_underflow, b->insn[1] = b->insn[3])
LDW_BREAK(brk_two_truths, b->insn[3].code = LDW_INSN_NOT)
LDW_BREAK(brk_value_len, b->value[1].len = LDW_PROG_MAX_VALUE_LEN + 1)
LDW_BREAK(brk_value_offset, b->value[2].offset = U32_MAX)

static const struct ldw_test_break ldw_test_breaks[] = {
	{ "magic", brk_magic, "not a compiled rule (bad magic)", 0 },
	{ "version", brk_version, "a compiled rule of another version", 4 },
	{ "nunits", brk_nunits, "unit count out of range", 6 },
	{ "ninsns", brk_ninsns, "instruction count out of range", 8 },
	{ "nvalues", brk_nvalues, "value count out of range", 12 },
	{ "strings_size", brk_strings_size, "string area size out of range", 16 },
	{ "size", brk_size, "the header's size is not the blob's", 20 },
	{ "tiling", brk_tiling, "bytes after the string area", 20 },
	{ "unit kind", brk_kind, "unknown unit kind", 36 },
	{ "unit reserved", brk_unit_reserved, "a unit's reserved member is not 0", 24 },
	{ "unit first_insn", brk_first_insn,
	  "a unit's code does not start where the one before ends", 24 },
	{ "unit ninsns", brk_unit_ninsns, "a unit's code runs past the last instruction", 36 },
	{ "code", brk_code, "unknown instruction code", 48 },
	{ "field", brk_field, "unknown field", 72 },
	{ "op", brk_op, "unknown operator", 72 },
	{ "insn reserved", brk_insn_reserved, "an instruction's reserved byte is not 0", 60 },
	{ "first_value", brk_first_value,
	  "a comparison's values run past the value table", 72 },
	{ "operator member", brk_operator_member,
	  "NOT, AND or OR with a member that is not 0", 84 },
	{ "stack underflow", brk_underflow, "AND needs two operands", 60 },
	{ "two truths", brk_two_truths, "a unit leaves more than one truth on its stack", 36 },
	{ "value len", brk_value_len, "a value longer than LDW_PROG_MAX_VALUE_LEN", 104 },
	{ "value offset", brk_value_offset, "a value runs past the string area", 112 },
};

static void verify_good_blob(struct kunit *test)
{
	struct ldw_test_blob *b = kunit_kmalloc(test, sizeof(*b), GFP_KERNEL);
	struct ldw_prog_error err = {};
	struct ldw_prog prog;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, offsetof(struct ldw_test_blob, strings) + sizeof(b->strings),
			(size_t)LDW_TEST_BLOB_SIZE);
	*b = ldw_test_good;
	KUNIT_EXPECT_EQ_MSG(test, ldw_prog_verify(b, LDW_TEST_BLOB_SIZE, &prog, &err), 0,
			    "refused at %zu: %s", err.offset, err.what ?: "");
	KUNIT_EXPECT_EQ_MSG(test, ldw_prog_verify(b, 23, &prog, &err), -1, "23 bytes");
	KUNIT_EXPECT_EQ_MSG(test, ldw_prog_verify(b, LDW_TEST_BLOB_SIZE - 1, &prog, &err), -1,
			    "one byte short");
}

static const void *break_params(const void *prev, char *desc)
{
	const struct ldw_test_break *c = prev;

	c = c ? c + 1 : ldw_test_breaks;
	if (c >= ldw_test_breaks + ARRAY_SIZE(ldw_test_breaks))
		return NULL;
	ldw_test_desc(desc, c->name);
	return c;
}

static void verify_broken_blob(struct kunit *test)
{
	const struct ldw_test_break *c = test->param_value;
	struct ldw_test_blob *b = kunit_kmalloc(test, sizeof(*b), GFP_KERNEL);
	struct ldw_prog_error err = {};
	struct ldw_prog prog;

	KUNIT_ASSERT_NOT_NULL(test, b);
	*b = ldw_test_good;
	c->apply(b);
	KUNIT_ASSERT_EQ(test, ldw_prog_verify(b, LDW_TEST_BLOB_SIZE, &prog, &err), -1);
	KUNIT_EXPECT_STREQ(test, err.what, c->what);
	KUNIT_EXPECT_EQ(test, err.offset, c->offset);
}

/*
 * The built-in rules lower and verify in the kernel; the default one
 * writes back the rule text's query (its start and its last exclusion,
 * written here from the rule text).
 */
static const char ldw_test_text_start[] =
	"file where host.os.type == \"linux\" and event.action in (\"creation\", \"rename\") and ";
static const char ldw_test_text_path[] =
	"file.path : (\"/etc/ld.so.preload\", \"/etc/ld.so.conf.d/*\", \"/etc/ld.so.conf\")";
static const char ldw_test_text_end[] =
	" or (process.name == \"perl\" and file.name : \"e2scrub_all.tmp*\"))";

static void builtins_verify(struct kunit *test)
{
	const struct ldw_prog *prog;
	char *text;
	size_t len;

	KUNIT_ASSERT_EQ(test, ldw_builtin_init(), 0);
	prog = ldw_rule_prog(&ldw_default_rule);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	KUNIT_EXPECT_EQ(test, prog->header->nunits, (u16)11);
	KUNIT_EXPECT_NOT_NULL(test, ldw_rule_prog(&ldw_companion_rule));
	len = ldw_prog_format(prog, NULL, 0);
	text = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	KUNIT_EXPECT_EQ(test, ldw_prog_format(prog, text, len + 1), len);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(text, ldw_test_text_start));
	KUNIT_EXPECT_PTR_EQ(test, strstr(text, ldw_test_text_path),
			    text + strlen(ldw_test_text_start));
	KUNIT_EXPECT_TRUE(test, len > strlen(ldw_test_text_end) &&
			  !strcmp(text + len - strlen(ldw_test_text_end), ldw_test_text_end));
}

static struct kunit_case ldw_program_cases[] = {
	KUNIT_CASE(verify_good_blob),
	KUNIT_CASE_PARAM(verify_broken_blob, break_params),
	KUNIT_CASE(builtins_verify),
	{}
};

static struct kunit_suite ldw_program_suite = {
	.name = "ldwatch_program",
	.test_cases = ldw_program_cases,
};

kunit_test_suite(ldw_program_suite);
