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
 * The anchors are those of the rules of Elastic's view in the set in force
 * (ruleset.h), each rule's derived when it was loaded; this file keeps
 * the table of their lengths and the table of their prefixes' first four
 * bytes as the set changes, logs them, and compares the bytes.
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
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "prefilter.h"
#include "ruleset.h"

/*
 * The table and the flag follow the rule set (ruleset.c); the targets set
 * the host bits in place. Every writer holds ldw_prefilter_lock, so that
 * no read-modify-write of a byte undoes another's; hooks read them
 * without it.
 */
u8 ldw_prefilter_fits[LDW_PREFILTER_LENGTHS] __read_mostly;
u8 ldw_prefilter_firsts[LDW_ANCHORS_FIRSTS_BYTES] __read_mostly;
bool ldw_prefilter_ancestors __read_mostly;
static DEFINE_MUTEX(ldw_prefilter_lock);

/* The length whose LDW_PREFILTER_HOST_DIR bit is set, or 0. */
static u32 ldw_prefilter_host_dir_len;

/* The bits of the rules' anchors (places and prefixes), beside the host's. */
#define LDW_PREFILTER_RULE_BITS (GENMASK(LDW_ANCHOR_PLACES - 1, 0) | \
				 LDW_PREFILTER_PREFIX)

void ldw_prefilter_host_name(u32 len)
{
	mutex_lock(&ldw_prefilter_lock);
	if (len < ARRAY_SIZE(ldw_prefilter_fits))
		WRITE_ONCE(ldw_prefilter_fits[len],
			   ldw_prefilter_fits[len] | LDW_PREFILTER_HOST_NAME);
	mutex_unlock(&ldw_prefilter_lock);
}

void ldw_prefilter_host_dir(u32 len)
{
	u32 old;

	mutex_lock(&ldw_prefilter_lock);
	old = ldw_prefilter_host_dir_len;
	if (len == old)
		goto out;
	/* Set the new bit before clearing the old: never neither. */
	if (len && len < ARRAY_SIZE(ldw_prefilter_fits))
		WRITE_ONCE(ldw_prefilter_fits[len],
			   ldw_prefilter_fits[len] | LDW_PREFILTER_HOST_DIR);
	if (old)
		WRITE_ONCE(ldw_prefilter_fits[old],
			   ldw_prefilter_fits[old] & ~LDW_PREFILTER_HOST_DIR);
	ldw_prefilter_host_dir_len = len;
out:
	mutex_unlock(&ldw_prefilter_lock);
}

/* Rule bits of length @len: @table's, every place without one. */
static u8 ldw_prefilter_bits(const struct ldw_prefilter_table *table,
			     unsigned int len)
{
	return table ? table->fits[len] & LDW_PREFILTER_RULE_BITS :
		       LDW_PREFILTER_RULE_BITS;
}

/* Byte @i of @table's firsts; without one, every key set. */
static u8 ldw_prefilter_first(const struct ldw_prefilter_table *table,
			      unsigned int i)
{
	return table ? table->firsts[i] : 0xff;
}

void ldw_prefilter_rules_add(const struct ldw_prefilter_table *table,
			     bool ancestors)
{
	unsigned int i;

	BUILD_BUG_ON(LDW_ANCHOR_PLACES + 3 > 8);
	BUILD_BUG_ON(LDW_PREFILTER_PREFIX != LDW_ANCHORS_PREFIX_BIT);
	BUILD_BUG_ON(ARRAY_SIZE(ldw_prefilter_fits) !=
		     ARRAY_SIZE(((struct ldw_anchors *)0)->places));
	mutex_lock(&ldw_prefilter_lock);
	/* Each table only gains bits: both sets' names are in each. */
	for (i = 0; i < LDW_ANCHORS_FIRSTS_BYTES; i++)
		WRITE_ONCE(ldw_prefilter_firsts[i], ldw_prefilter_firsts[i] |
			   ldw_prefilter_first(table, i));
	for (i = 0; i < LDW_PREFILTER_LENGTHS; i++)
		WRITE_ONCE(ldw_prefilter_fits[i], ldw_prefilter_fits[i] |
			   ldw_prefilter_bits(table, i));
	if (ancestors || !table)
		WRITE_ONCE(ldw_prefilter_ancestors, true);
	mutex_unlock(&ldw_prefilter_lock);
}

void ldw_prefilter_rules_set(const struct ldw_prefilter_table *table,
			     bool ancestors)
{
	unsigned int i;

	/*
	 * Every hook now reads the new set: a byte of either table, old or
	 * new while it is rewritten, holds the new set's bits.
	 */
	mutex_lock(&ldw_prefilter_lock);
	for (i = 0; i < LDW_PREFILTER_LENGTHS; i++)
		WRITE_ONCE(ldw_prefilter_fits[i],
			   (ldw_prefilter_fits[i] & ~LDW_PREFILTER_RULE_BITS) |
			   ldw_prefilter_bits(table, i));
	for (i = 0; i < LDW_ANCHORS_FIRSTS_BYTES; i++)
		WRITE_ONCE(ldw_prefilter_firsts[i], ldw_prefilter_first(table, i));
	WRITE_ONCE(ldw_prefilter_ancestors, ancestors || !table);
	mutex_unlock(&ldw_prefilter_lock);
}

static const char *const ldw_place_text[LDW_ANCHOR_PLACES] = {
	[LDW_ANCHOR_NAME]	= "the file's name",
	[LDW_ANCHOR_ANCESTOR]	= "an ancestor directory",
};

void ldw_prefilter_log(const char *id, const struct ldw_anchors *a)
{
	unsigned int i;

	pr_info("prefilter: rule %s: %u names; an operation is a candidate when one is\n",
		id, a->count);
	for (i = 0; i < a->count; i++)
		pr_info("prefilter:   \"%*pE\" as %s, %s\n", (int)a->anchor[i].len,
			a->anchor[i].name, a->anchor[i].prefix ?
			"the start of the file's name or an ancestor's" :
			ldw_place_text[a->anchor[i].place],
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
static bool ldw_prefilter_name(const struct ldw_ruleset *set,
			       const struct dentry *dentry,
			       enum ldw_anchor_place place)
{
	u32 len = READ_ONCE(dentry->d_name.len);
	const unsigned char *name = READ_ONCE(dentry->d_name.name);
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		const struct ldw_lrule *rule = set->rule[i];

		if (rule->view == LDW_RULE_VIEW_PATH &&
		    ldw_anchors_match_bytes(&rule->anchors, (const char *)name,
					    len, place))
			return true;
	}
	return false;
}

bool ldw_prefilter_match(const struct vfsmount *mnt, const struct dentry *dentry)
{
	enum ldw_anchor_place place = LDW_ANCHOR_NAME;
	unsigned int steps = LDW_PREFILTER_DEPTH;
	const struct ldw_ruleset *set;
	bool candidate;

	/*
	 * Ancestors are pinned by @dentry only while it stays below them: a
	 * concurrent rename can move it, and an old parent is then freed
	 * after an RCU grace period, which this section holds off; so are
	 * mounts. An RCU-sched section (preemption disabled) holds off every
	 * grace period since 4.20, for one per-CPU increment, where a
	 * preemptible RCU read-side section costs two calls. It holds off
	 * the freeing of the rule set read here, too: the names compared are
	 * those of one set, old or new.
	 */
	rcu_read_lock_sched_notrace();
	set = rcu_dereference_sched(ldw_ruleset);
	if (unlikely(!set)) {
		candidate = false;
		goto out;
	}
	for (;;) {
		/* A prefix anchor fits at either place. */
		if (ldw_prefilter_len_fits(dentry, BIT(place) | LDW_PREFILTER_PREFIX) &&
		    ldw_prefilter_name(set, dentry, place)) {
			candidate = true;
			break;
		}
		if (!set->ancestors) {
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
out:
	rcu_read_unlock_sched_notrace();
	return candidate;
}
