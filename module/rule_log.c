// SPDX-License-Identifier: GPL-2.0
/*
 * The rule in force, written to the kernel log when the module loads, so an
 * administrator can see from dmesg or the journal exactly which rule data
 * this sensor evaluates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <ldwatch/rule.h>

#include "rule_log.h"

/*
 * A printk record holds about 1 KiB, and the rule's longest clause renders
 * to more. Print clause text in lines of at most this many bytes, broken
 * only after the ", " between two values, so no value is ever split.
 */
#define LDW_LOG_LINE 160

static void ldw_log_wrapped(const char *what, unsigned int nr,
			    unsigned int total, const char *text)
{
	size_t len = strlen(text);
	bool first = true;

	while (len) {
		size_t cut = len;

		if (cut > LDW_LOG_LINE) {
			const char *p = text + LDW_LOG_LINE;
			const char *next;

			/* Break after the last ", " that fits ... */
			while (p > text + 1 && !(p[-2] == ',' && p[-1] == ' '))
				p--;
			if (p > text + 1) {
				cut = p - text;
			} else {
				/* ... or, for one value longer than a line, after it. */
				next = strstr(text + LDW_LOG_LINE, ", ");
				if (next)
					cut = next + 2 - text;
			}
		}
		if (first)
			pr_info("%s %u/%u: %.*s\n", what, nr, total, (int)cut, text);
		else
			pr_info("    %.*s\n", (int)cut, text);
		first = false;
		text += cut;
		len -= cut;
	}
}

/* Render @conj into a buffer sized by a first, measuring call, and log it. */
static int ldw_log_conjunction(const char *what, unsigned int nr,
			       unsigned int total,
			       const struct ldw_conjunction *conj)
{
	size_t len = ldw_conjunction_format(conj, NULL, 0);
	char *buf = kmalloc(len + 1, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	ldw_conjunction_format(conj, buf, len + 1);
	ldw_log_wrapped(what, nr, total, buf);
	kfree(buf);
	return 0;
}

int ldw_rule_log(const struct ldw_rule *rule)
{
	unsigned int i;
	int err;

	pr_info("rule %s \"%s\" version %u: %u requirements, %u exclusions\n",
		rule->id, rule->name, rule->version, rule->nrequirements,
		rule->nexclusions);

	for (i = 0; i < rule->nrequirements; i++) {
		/* A requirement is one clause: log it as a conjunction of one. */
		const struct ldw_conjunction one = {
			.nclauses = 1,
			.clauses = &rule->requirements[i],
		};

		err = ldw_log_conjunction("require", i + 1, rule->nrequirements, &one);
		if (err)
			return err;
	}
	for (i = 0; i < rule->nexclusions; i++) {
		err = ldw_log_conjunction("exclude", i + 1, rule->nexclusions,
					  &rule->exclusions[i]);
		if (err)
			return err;
	}
	return 0;
}
