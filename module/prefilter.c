// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter: the whole cost of an operation on a file the rule cannot
 * match. The rule's file.path requirement gives a few anchors, names that
 * any path it matches contains (ldwatch/anchors.h): "ld.so.preload" as the
 * file's own name, "ld.so.conf.d" as an ancestor directory, and so on. The
 * hooks compare the names of the dentry being created or renamed to, and
 * of its ancestors, with those (the inline walk in prefilter.h); a miss
 * ends the operation's cost there. A hit makes it a candidate: capture
 * then builds the full path as the acting process sees it and the rule
 * decides.
 *
 * The hooks walk with lengths only first (ldw_prefilter_maybe(), inline
 * in prefilter.h), and only where a length fits compare bytes, here.
 *
 * This file derives the anchors from the rule at load, logs them, and
 * compares the bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/dcache.h>
#include <linux/init.h>
#include <linux/mount.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "builtin.h"
#include "prefilter.h"

/*
 * Written once at module init, before any hook; the anchors read-only
 * after it, the table but for its host bits (see prefilter.h).
 */
struct ldw_anchors ldw_prefilter_anchors __ro_after_init;
u8 ldw_prefilter_fits[256] __read_mostly;

/* The length whose LDW_PREFILTER_HOST_DIR bit is set, or 0. */
static u32 ldw_prefilter_host_dir_len;

void ldw_prefilter_host_name(u32 len)
{
	if (len < ARRAY_SIZE(ldw_prefilter_fits))
		WRITE_ONCE(ldw_prefilter_fits[len],
			   ldw_prefilter_fits[len] | LDW_PREFILTER_HOST_NAME);
}

void ldw_prefilter_host_dir(u32 len)
{
	u32 old = ldw_prefilter_host_dir_len;

	if (len == old)
		return;
	/* Set the new bit before clearing the old: never neither. */
	if (len && len < ARRAY_SIZE(ldw_prefilter_fits))
		WRITE_ONCE(ldw_prefilter_fits[len],
			   ldw_prefilter_fits[len] | LDW_PREFILTER_HOST_DIR);
	if (old)
		WRITE_ONCE(ldw_prefilter_fits[old],
			   ldw_prefilter_fits[old] & ~LDW_PREFILTER_HOST_DIR);
	ldw_prefilter_host_dir_len = len;
}

static const char *const ldw_place_text[LDW_ANCHOR_PLACES] = {
	[LDW_ANCHOR_NAME]	= "the file's name",
	[LDW_ANCHOR_ANCESTOR]	= "an ancestor directory",
};

/* ldw_prefilter_fits, from the anchors (see prefilter.h). */
static void __init ldw_prefilter_fill_fits(const struct ldw_anchors *a)
{
	unsigned int len;

	BUILD_BUG_ON(ARRAY_SIZE(ldw_prefilter_fits) != ARRAY_SIZE(a->places));
	BUILD_BUG_ON(LDW_ANCHOR_PLACES + 2 > 8);
	for (len = 0; len < ARRAY_SIZE(ldw_prefilter_fits); len++) {
		u8 fits = a->places[len];

		if (a->pass_all)
			fits = GENMASK(LDW_ANCHOR_PLACES - 1, 0);
		else if (!a->ancestors)
			fits |= BIT(LDW_ANCHOR_ANCESTOR);
		ldw_prefilter_fits[len] = fits;
	}
}

/* The number of REQUIRE units before unit @unit of @prog, and in all. */
static unsigned int __init ldw_requirement_nr(const struct ldw_prog *prog,
					      unsigned int unit,
					      unsigned int *total)
{
	unsigned int i, nr = 0;

	*total = 0;
	for (i = 0; i < prog->header->nunits; i++) {
		if (prog->unit[i].kind != LDW_UNIT_REQUIRE)
			continue;
		if (i < unit)
			nr++;
		(*total)++;
	}
	return nr;
}

void __init ldw_prefilter_init(const struct ldw_rule *rule)
{
	const struct ldw_anchors *a = &ldw_prefilter_anchors;
	const struct ldw_prog *prog = ldw_rule_prog(rule);
	enum ldw_anchors_reason reason;
	unsigned int i, nr, total;

	if (WARN_ON_ONCE(!prog)) {
		/* No program: pass everything rather than miss an event. */
		ldw_prefilter_anchors.pass_all = true;
		ldw_prefilter_fill_fits(&ldw_prefilter_anchors);
		return;
	}
	reason = ldw_anchors_derive(prog, &ldw_prefilter_anchors);
	ldw_prefilter_fill_fits(&ldw_prefilter_anchors);
	nr = ldw_requirement_nr(prog, a->unit, &total) + 1;
	if (reason != LDW_ANCHORS_OK) {
		if (a->value.ptr)
			pr_warn("prefilter: this rule cannot be prefiltered: %s (require %u/%u, value \"%*pE\")\n",
				ldw_anchors_reason_text(reason), nr, total,
				(int)a->value.len, a->value.ptr);
		else if (reason != LDW_ANCHORS_NO_PATH_CLAUSE)
			pr_warn("prefilter: this rule cannot be prefiltered: %s (require %u/%u)\n",
				ldw_anchors_reason_text(reason), nr, total);
		else
			pr_warn("prefilter: this rule cannot be prefiltered: %s\n",
				ldw_anchors_reason_text(reason));
		pr_warn("prefilter: every create and rename is a candidate: its path is built and the rule evaluated\n");
		return;
	}

	if (!a->count) {
		pr_warn("prefilter: require %u/%u (file.path) has no values: the rule matches nothing, no operation is a candidate\n",
			nr, total);
		return;
	}
	pr_info("prefilter: %u names from require %u/%u (file.path); an operation is a candidate when one is\n",
		a->count, nr, total);
	for (i = 0; i < a->count; i++)
		pr_info("prefilter:   \"%*pE\" as %s, %s\n", (int)a->anchor[i].len,
			a->anchor[i].name, ldw_place_text[a->anchor[i].place],
			a->anchor[i].nocase ? "any ASCII case" : "exact case");
	if (a->ancestors)
		pr_info("prefilter: ancestors are compared up to %u levels, deeper paths are candidates\n",
			LDW_PREFILTER_DEPTH);
}

/*
 * A concurrent rename may change @dentry's name meanwhile: the pointer and
 * the length are each read once, and may come from different names. The
 * compare stops at the name's NUL whatever the length says (see
 * ldw_anchors_match_bytes()), and an old external name is freed only after
 * an RCU grace period, so it stays readable inside ldw_prefilter_match()'s
 * RCU read-side section. A torn read can only give a wrong answer about a name
 * that is changing at that moment, as an unlucky instant would.
 */
static bool ldw_prefilter_name(const struct dentry *dentry,
			       enum ldw_anchor_place place)
{
	u32 len = READ_ONCE(dentry->d_name.len);
	const unsigned char *name = READ_ONCE(dentry->d_name.name);

	return ldw_anchors_match_bytes(&ldw_prefilter_anchors,
				       (const char *)name, len, place);
}

bool ldw_prefilter_match(const struct vfsmount *mnt, const struct dentry *dentry)
{
	enum ldw_anchor_place place = LDW_ANCHOR_NAME;
	unsigned int steps = LDW_PREFILTER_DEPTH;
	bool candidate;

	if (ldw_prefilter_anchors.pass_all)
		return true;
	/*
	 * Ancestors are pinned by @dentry only while it stays below them: a
	 * concurrent rename can move it, and an old parent is then freed
	 * after an RCU grace period, which this section holds off; so are
	 * mounts. An RCU-sched section (preemption disabled) holds off every
	 * grace period since 4.20, for one per-CPU increment, where a
	 * preemptible RCU read-side section costs two calls.
	 */
	rcu_read_lock_sched_notrace();
	for (;;) {
		if (ldw_prefilter_len_fits(dentry, BIT(place)) &&
		    ldw_prefilter_name(dentry, place)) {
			candidate = true;
			break;
		}
		if (!ldw_prefilter_anchors.ancestors) {
			candidate = false;
			break;
		}
		if (!ldw_prefilter_up(&mnt, &dentry, &steps)) {
			/* At the top; or out of steps, a candidate anyway. */
			candidate = !steps;
			break;
		}
		place = LDW_ANCHOR_ANCESTOR;
	}
	rcu_read_unlock_sched_notrace();
	return candidate;
}
