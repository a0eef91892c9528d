// SPDX-License-Identifier: GPL-2.0
/*
 * The rule in force, written to the kernel log when the module loads, so an
 * administrator can see from dmesg or the journal exactly which rule this
 * sensor evaluates: its program, unit by unit, in the text
 * ldw_prog_format_unit() writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "builtin.h"
#include "rule_log.h"

/*
 * A printk record holds about 1 KiB, and the rule's longest unit renders
 * to more. Print a unit's text in lines of at most this many bytes, broken
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

/* Render unit @index into a buffer sized by a first, measuring call, and log it. */
static int ldw_log_unit(const struct ldw_prog *prog, unsigned int index,
			const char *what, unsigned int nr, unsigned int total)
{
	size_t len = ldw_prog_format_unit(prog, index, NULL, 0);
	char *buf = kmalloc(len + 1, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	ldw_prog_format_unit(prog, index, buf, len + 1);
	ldw_log_wrapped(what, nr, total, buf);
	kfree(buf);
	return 0;
}

int ldw_rule_log(const struct ldw_rule *rule)
{
	const struct ldw_prog *prog = ldw_rule_prog(rule);
	unsigned int i, nreq = 0, nexc = 0, req = 0, exc = 0;
	int err;

	if (!prog)
		return -EINVAL;
	for (i = 0; i < prog->header->nunits; i++) {
		if (prog->unit[i].kind == LDW_UNIT_REQUIRE)
			nreq++;
		else
			nexc++;
	}
	pr_info("rule %s \"%s\" version %u: %u requirements, %u exclusions\n",
		rule->id, rule->name, rule->version, nreq, nexc);

	for (i = 0; i < prog->header->nunits; i++) {
		if (prog->unit[i].kind == LDW_UNIT_REQUIRE)
			err = ldw_log_unit(prog, i, "require", ++req, nreq);
		else
			err = ldw_log_unit(prog, i, "exclude", ++exc, nexc);
		if (err)
			return err;
	}
	return 0;
}
