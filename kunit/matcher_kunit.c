// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_matcher": the rule matcher as the module runs it, in the
 * kernel (the default rule lowered to a program and evaluated), driven by
 * the case table the userspace tests use (tests/rule_cases.c). One table,
 * two builds of the matcher, the same answers: each case of the table is
 * one KUnit case here.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "builtin.h"
#include "ldw_kunit.h"
#include "rule_cases.h"

/* The longest string a LONG case builds: PATH_MAX - 1 bytes. */
#define LDW_TEST_LONG 4095

/* ---- every rule case: the default rule's program, as capture runs it ---- */

static const void *rule_case_params(const void *prev, char *desc)
{
	const struct ldw_rule_case *c = prev;

	c = c ? c + 1 : ldw_rule_cases;
	if (c >= ldw_rule_cases + ldw_rule_ncases)
		return NULL;
	ldw_test_desc(desc, c->name);
	return c;
}

static void rule_case(struct kunit *test)
{
	const struct ldw_rule_case *c = test->param_value;
	const struct ldw_prog_insn *in;
	const struct ldw_prog_unit *u;
	const struct ldw_prog_value *pv;
	const struct ldw_prog *prog;
	struct ldw_event event;
	struct ldw_verdict v;

	ldw_test_lower_rule(test, &ldw_default_rule);
	prog = ldw_rule_prog(&ldw_default_rule);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	ldw_rule_case_event(c, &event);
	v = ldw_prog_eval(prog, &event);

	KUNIT_EXPECT_EQ_MSG(test, v.outcome, c->outcome, "expected %s, got %s",
			    ldw_outcome_name(c->outcome), ldw_outcome_name(v.outcome));
	if (v.outcome != c->outcome || c->outcome == LDW_MATCH)
		return;
	KUNIT_EXPECT_EQ_MSG(test, v.index, ldw_rule_case_unit(c), "unit %u expected, %u given",
			    ldw_rule_case_unit(c), v.index);
	if (c->outcome != LDW_EXCLUDED || !c->value || v.index != ldw_rule_case_unit(c))
		return;
	/* The value that held, for an exclusion of a single comparison. */
	KUNIT_ASSERT_LT(test, v.index, (unsigned int)prog->header->nunits);
	u = &prog->unit[v.index];
	KUNIT_ASSERT_EQ(test, u->ninsns, 1u);
	in = &prog->insn[u->first_insn];
	KUNIT_ASSERT_LT(test, v.value, in->nvalues);
	pv = &prog->value[in->first_value + v.value];
	KUNIT_EXPECT_EQ(test, (size_t)pv->len, strlen(c->value));
	KUNIT_EXPECT_TRUE(test, pv->len == strlen(c->value) &&
			  !memcmp(prog->strings + pv->offset, c->value, pv->len));
}

/* The table is the one the userspace tests read, whole. */
static void rule_case_table(struct kunit *test)
{
	KUNIT_EXPECT_GE(test, ldw_rule_ncases, 150u);
	KUNIT_EXPECT_GE(test, ldw_pattern_ncases, 50u);
}

/*
 * The LONG cases build strings of PATH_MAX - 1 bytes from their '%', as
 * tests/unit/test_rule.c checks in userspace: here in the kernel's build.
 */
static void long_cases_are_long(struct kunit *test)
{
	unsigned int i, n = 0;

	for (i = 0; i < ldw_rule_ncases; i++) {
		const struct ldw_rule_case *c = &ldw_rule_cases[i];
		struct ldw_str path, exe;
		struct ldw_event event;

		if (!c->fill)
			continue;
		n++;
		ldw_rule_case_event(c, &event);
		path = event.field[LDW_FIELD_FILE_PATH];
		exe = event.field[LDW_FIELD_PROCESS_EXECUTABLE];
		KUNIT_EXPECT_TRUE_MSG(test, path.len == LDW_TEST_LONG ||
				      exe.len == LDW_TEST_LONG,
				      "%s: path %zu, executable %zu bytes",
				      c->name, path.len, exe.len);
		KUNIT_EXPECT_FALSE_MSG(test, path.ptr && memchr(path.ptr, '%', path.len),
				       "%s: a '%%' left in the path", c->name);
		KUNIT_EXPECT_FALSE_MSG(test, exe.ptr && memchr(exe.ptr, '%', exe.len),
				       "%s: a '%%' left in the executable", c->name);
	}
	KUNIT_EXPECT_GE(test, n, 5u);
}

/* ---- every pattern case: ldw_wildcard_match() and ldw_equal() ---- */

static const void *pattern_case_params(const void *prev, char *desc)
{
	const struct ldw_pattern_case *c = prev;
	char text[KUNIT_PARAM_DESC_SIZE];

	c = c ? c + 1 : ldw_pattern_cases;
	if (c >= ldw_pattern_cases + ldw_pattern_ncases)
		return NULL;
	/* Non-printable bytes escaped, so that the name stays one line. */
	snprintf(text, sizeof(text), "%u %s \"%*pE\" %s \"%*pE\"",
		 (unsigned int)(c - ldw_pattern_cases) + 1,
		 c->wildcard ? "wildcard" : "equal",
		 (int)strlen(c->pattern), c->pattern,
		 c->nocase ? "nocase" : "exact", (int)c->text.len, c->text.ptr);
	ldw_test_desc(desc, text);
	return c;
}

static void pattern_case(struct kunit *test)
{
	const struct ldw_pattern_case *c = test->param_value;
	struct ldw_str pattern = ldw_str_cstr(c->pattern);
	bool got = c->wildcard ? ldw_wildcard_match(pattern, c->text, c->nocase) :
				 ldw_equal(pattern, c->text, c->nocase);

	KUNIT_EXPECT_EQ_MSG(test, got, c->expect, "text of %zu bytes", c->text.len);
}

static struct kunit_case ldw_matcher_cases[] = {
	KUNIT_CASE(rule_case_table),
	KUNIT_CASE_PARAM(rule_case, rule_case_params),
	KUNIT_CASE(long_cases_are_long),
	KUNIT_CASE_PARAM(pattern_case, pattern_case_params),
	{}
};

static struct kunit_suite ldw_matcher_suite = {
	.name = "ldwatch_matcher",
	.test_cases = ldw_matcher_cases,
};

kunit_test_suite(ldw_matcher_suite);
