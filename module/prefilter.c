// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter: the whole cost of an operation on a file the rule cannot
 * match. The rule's file.path requirement gives a few anchors, names that
 * any path it matches contains (ldwatch/anchors.h): "ld.so.preload" as the
 * file's own name, "ld.so.conf.d" as an ancestor directory, and so on. The
 * probes compare the names of the dentry being created or renamed to, and
 * of its ancestors, with those; a miss ends the operation's cost there. A
 * hit makes it a candidate: capture then builds the full path as the acting
 * process sees it and the rule decides.
 *
 * The walk up follows the file's mount: from a mount's root it continues at
 * the mount point, in the parent mount, so a file system mounted on
 * /etc/ld.so.conf.d (or a bind mount there) hides nothing. It goes up to
 * the top of the mount namespace, past a chroot's root: that can only make
 * more candidates, never fewer, and the rule then judges the path the
 * process sees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/dcache.h>
#include <linux/init.h>
#include <linux/mount.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/rule.h>

#include "prefilter.h"

/*
 * How many ancestors to compare before calling the operation a candidate
 * anyway. A level costs a few loads and a byte test, a false candidate a
 * full path build and a rule evaluation: a hundred levels or more. So the
 * bound is set above the depth of real files, and exists only to cap the
 * time spent with preemption disabled on a pathological tree. Real paths
 * stay below 32: on a Debian 12 development host the deepest of half a
 * million files is 20 levels down, and a container's files written through
 * the host's storage driver (/var/lib/docker/overlay2/ID/diff/..., or
 * containerd's snapshots) are 5 to 8 levels deeper than the container sees.
 */
#define LDW_PREFILTER_DEPTH 32

/* Written once at module init, before any probe; read-only after it. */
static struct ldw_anchors ldw_prefilter_anchors __ro_after_init;

static const char *const ldw_place_text[LDW_ANCHOR_PLACES] = {
	[LDW_ANCHOR_NAME]	= "the file's name",
	[LDW_ANCHOR_ANCESTOR]	= "an ancestor directory",
};

void __init ldw_prefilter_init(const struct ldw_rule *rule)
{
	const struct ldw_anchors *a = &ldw_prefilter_anchors;
	enum ldw_anchors_reason reason;
	unsigned int i;

	reason = ldw_anchors_derive(rule, &ldw_prefilter_anchors);
	if (reason != LDW_ANCHORS_OK) {
		if (a->value)
			pr_warn("prefilter: this rule cannot be prefiltered: %s (require %u/%u, value \"%*pE\")\n",
				ldw_anchors_reason_text(reason), a->clause + 1,
				rule->nrequirements, (int)strlen(a->value), a->value);
		else if (reason != LDW_ANCHORS_NO_PATH_CLAUSE)
			pr_warn("prefilter: this rule cannot be prefiltered: %s (require %u/%u)\n",
				ldw_anchors_reason_text(reason), a->clause + 1,
				rule->nrequirements);
		else
			pr_warn("prefilter: this rule cannot be prefiltered: %s\n",
				ldw_anchors_reason_text(reason));
		pr_warn("prefilter: every create and rename is a candidate: its path is built and the rule evaluated\n");
		return;
	}

	if (!a->count) {
		pr_warn("prefilter: require %u/%u (file.path) has no values: the rule matches nothing, no operation is a candidate\n",
			a->clause + 1, rule->nrequirements);
		return;
	}
	pr_info("prefilter: %u names from require %u/%u (file.path); an operation is a candidate when one is\n",
		a->count, a->clause + 1, rule->nrequirements);
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
 * ldw_anchors_match_name()), and an old external name is freed only after
 * an RCU grace period, so it stays readable inside the caller's RCU
 * read-side section. A torn read can only give a wrong answer about a name
 * that is changing at that moment, as an unlucky instant would.
 */
static bool ldw_prefilter_name(const struct dentry *dentry, unsigned int depth)
{
	const struct ldw_anchors *a = &ldw_prefilter_anchors;
	u32 len = READ_ONCE(dentry->d_name.len);
	const unsigned char *name;

	/* The length alone settles almost every name. */
	if (!ldw_anchors_may_match_len(a, len, depth))
		return false;
	name = READ_ONCE(dentry->d_name.name);
	return ldw_anchors_match_name(a, (const char *)name, len, depth);
}

/*
 * Normalise (*@mnt, *@dentry) to the topmost mount that shows the same
 * place: while the dentry is the root of its mount, continue at the mount
 * point. Its name is then the one the path shows at this depth. Return
 * false when that takes more than @budget steps.
 */
static bool ldw_prefilter_mount_top(const struct vfsmount **mnt,
				    const struct dentry **dentry,
				    unsigned int *budget)
{
	while (*dentry == READ_ONCE((*mnt)->mnt_root)) {
		if (!ldw_mount_up(mnt, dentry))
			break;		/* the namespace's root */
		if (!--*budget)
			return false;
	}
	return true;
}

/*
 * One level up: from (*@mnt, *@dentry) to its parent directory, across
 * mounts. Return false at the top of the namespace, or when the walk took
 * more than @budget steps (*@budget is then 0).
 */
static bool ldw_prefilter_up(const struct vfsmount **mnt,
			     const struct dentry **dentry,
			     unsigned int *budget)
{
	const struct dentry *parent;

	if (!ldw_prefilter_mount_top(mnt, dentry, budget))
		return false;
	parent = READ_ONCE((*dentry)->d_parent);
	if (parent == *dentry || !--*budget)	/* IS_ROOT(): the top */
		return false;
	*dentry = parent;
	return ldw_prefilter_mount_top(mnt, dentry, budget);
}

bool ldw_prefilter_match(const struct vfsmount *mnt,
			 const struct dentry *dentry)
{
	/* Each level and each mount crossed is a step. */
	unsigned int budget = 2 * LDW_PREFILTER_DEPTH;
	unsigned int depth;
	bool candidate = true;

	/*
	 * Ancestors are pinned by @dentry only while it stays below them: a
	 * concurrent rename can move it, and an old parent is then freed
	 * after an RCU grace period, which this section holds off; so are
	 * mounts.
	 */
	rcu_read_lock();
	if (ldw_prefilter_name(dentry, 0))
		goto out;
	if (!ldw_prefilter_anchors.ancestors) {
		candidate = false;
		goto out;
	}
	for (depth = 1; depth <= LDW_PREFILTER_DEPTH; depth++) {
		if (!ldw_prefilter_up(&mnt, &dentry, &budget)) {
			candidate = !budget;	/* too long a walk: a candidate */
			goto out;
		}
		if (ldw_prefilter_name(dentry, depth))
			goto out;
	}
	/* Deeper than the bound: a candidate. */
out:
	rcu_read_unlock();
	return candidate;
}
