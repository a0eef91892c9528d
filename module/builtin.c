// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in rules lowered to programs (see builtin.h). The programs live
 * in static buffers: lowering allocates nothing, and the rules are there
 * for as long as the module is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>

#include <ldwatch/program.h>

#include "builtin.h"

/* Room for each built-in program; the default rule takes about 2 KiB. */
#define LDW_BUILTIN_SIZE 8192

struct ldw_builtin {
	const struct ldw_rule *rule;
	struct ldw_prog prog;
	bool ready;
	u32 blob[LDW_BUILTIN_SIZE / sizeof(u32)];
};

#define LDW_BUILTINS LDW_BUILTIN_COUNT
#if IS_ENABLED(CONFIG_KUNIT)
/* The KUnit suites' own rules, lowered by ldw_builtin_add(). */
#define LDW_BUILTIN_TEST_SLOTS 4
#else
#define LDW_BUILTIN_TEST_SLOTS 0
#endif

static struct ldw_builtin ldw_builtins[LDW_BUILTINS + LDW_BUILTIN_TEST_SLOTS];

static int ldw_builtin_lower(struct ldw_builtin *b)
{
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	size = ldw_prog_from_rule(b->rule, b->blob, sizeof(b->blob), &err);
	if (!size) {
		pr_err("rule %s cannot be compiled: %s\n", b->rule->id, err);
		return -EINVAL;
	}
	/* ldw_prog_build_finish() verified it; the views come from here. */
	if (ldw_prog_verify(b->blob, size, &b->prog, &verr)) {
		pr_err("rule %s: compiled program refused at byte %zu: %s\n",
		       b->rule->id, verr.offset, verr.what);
		return -EINVAL;
	}
	b->ready = true;
	return 0;
}

int ldw_builtin_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < LDW_BUILTINS; i++) {
		if (ldw_builtins[i].ready)
			continue;
		ldw_builtins[i].rule = ldw_builtin_tables[i];
		err = ldw_builtin_lower(&ldw_builtins[i]);
		if (err)
			return err;
	}
	return 0;
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * KUnit: lower @rule (anew: a rule on the stack may change between calls)
 * into a test slot, its own if it had one, else the next in turn.
 */
int ldw_builtin_add(const struct ldw_rule *rule)
{
	static unsigned int next;
	struct ldw_builtin *b = NULL;
	unsigned int i;
	int err;

	err = ldw_builtin_init();
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(ldw_builtins); i++) {
		if (ldw_builtins[i].rule == rule) {
			if (i < LDW_BUILTINS)
				return 0;
			b = &ldw_builtins[i];
		}
	}
	if (!b) {
		b = &ldw_builtins[LDW_BUILTINS + next];
		next = (next + 1) % LDW_BUILTIN_TEST_SLOTS;
	}
	b->ready = false;
	b->rule = rule;
	return ldw_builtin_lower(b);
}
#endif

const struct ldw_prog *ldw_rule_prog(const struct ldw_rule *rule)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ldw_builtins); i++) {
		if (ldw_builtins[i].rule == rule && ldw_builtins[i].ready)
			return &ldw_builtins[i].prog;
	}
	return NULL;
}
