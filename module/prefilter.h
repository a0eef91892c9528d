/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks' prefilter: decides from directory entry names alone whether an
 * operation may concern a file the rule can match (a "candidate"). Only
 * candidates get a full path built and the rule evaluated.
 *
 * The walk is inline, here: it is most of what every create and rename
 * costs, and a call with its register saves would add a fifth to it.
 */
#ifndef _LDWATCH_PREFILTER_H
#define _LDWATCH_PREFILTER_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/dcache.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include <ldwatch/anchors.h>

struct ldw_rule;

/*
 * How many ancestors to compare (and mounts to cross) before calling the
 * operation a candidate anyway. A level costs a few loads and a byte test,
 * a false candidate a full path build and a rule evaluation: a hundred
 * levels or more. So the bound is set above the depth of real files, and
 * exists only to cap the time spent with preemption disabled on a
 * pathological tree. Real paths stay below 32: on a Debian 12 development
 * host the deepest of half a million files is 20 levels down, and a
 * container's files written through the host's storage driver
 * (/var/lib/docker/overlay2/ID/diff/..., or containerd's snapshots) are 5
 * to 8 levels deeper than the container sees.
 */
#define LDW_PREFILTER_DEPTH 32

/* prefilter.c's: the rule's anchors, read-only once the hooks run. */
extern struct ldw_anchors ldw_prefilter_anchors;

/**
 * ldw_prefilter_init() - derive the prefilter from a rule, and log it
 * @rule: the rule in force; the prefilter keeps no pointer into it
 *
 * Logs the names derived or, when the rule gives none, why: then every
 * operation is a candidate. Call once, at module init, before any hook is
 * registered; the prefilter is read-only afterwards.
 */
void __init ldw_prefilter_init(const struct ldw_rule *rule);

/*
 * A concurrent rename may change @dentry's name meanwhile: the pointer and
 * the length are each read once, and may come from different names. The
 * compare stops at the name's NUL whatever the length says (see
 * ldw_anchors_match_bytes()), and an old external name is freed only after
 * an RCU grace period, so it stays readable inside the caller's RCU
 * read-side section. A torn read can only give a wrong answer about a name
 * that is changing at that moment, as an unlucky instant would.
 *
 * The set does not pass everything (the caller checked). The length alone,
 * one byte of @places, settles almost every name. It is indexed by the
 * length's low byte, with no bound test: no anchor is longer than 255
 * bytes, so a longer name can never be one, and at worst its low byte
 * costs it a byte compare that fails.
 */
static __always_inline bool ldw_prefilter_name(const struct dentry *dentry,
					       enum ldw_anchor_place place)
{
	const struct ldw_anchors *a = &ldw_prefilter_anchors;
	u32 len = READ_ONCE(dentry->d_name.len);

	BUILD_BUG_ON(ARRAY_SIZE(a->places) != 256);
	if (likely(!(a->places[(u8)len] & (1u << place))))
		return false;
	return ldw_anchors_match_bytes(a, (const char *)READ_ONCE(dentry->d_name.name),
				       len, place);
}

/**
 * ldw_prefilter_match() - whether an operation on @dentry is a candidate
 * @mnt: the mount @dentry is reached through (the hook's directory path's)
 * @dentry: the dentry being created or renamed to; may be negative or in
 *	lookup, and the caller holds a reference to it
 *
 * Compares the name of @dentry and of its ancestors with the rule's
 * anchors. The walk up follows the file's mount: from a mount's root it
 * continues at the mount point, in the parent mount, so a file system
 * mounted on /etc/ld.so.conf.d (or a bind mount there) hides nothing. It
 * goes up to the top of the mount namespace, past a chroot's root: that
 * can only make more candidates, never fewer, and the rule then judges the
 * path the process sees.
 *
 * Each level is a load of the parent, a compare with the mount's root and
 * a length test; nothing is called unless a length fits. Never sleeps,
 * takes no lock, allocates nothing: callable from the hooks' callbacks,
 * with preemption disabled, on PREEMPT_RT as well.
 *
 * Return: false only when the rule cannot match a path through @dentry;
 * true otherwise.
 */
static __always_inline bool ldw_prefilter_match(const struct vfsmount *mnt,
						const struct dentry *dentry)
{
	unsigned int levels = LDW_PREFILTER_DEPTH;
	unsigned int crossings = LDW_PREFILTER_DEPTH;
	bool candidate = false;

	if (unlikely(ldw_prefilter_anchors.pass_all))
		return true;
	/*
	 * Ancestors are pinned by @dentry only while it stays below them: a
	 * concurrent rename can move it, and an old parent is then freed
	 * after an RCU grace period, which this section holds off; so are
	 * mounts. An RCU-sched section (preemption disabled) holds off every
	 * grace period since 4.20, and costs the hooks, which disable
	 * preemption already, one per-CPU increment, not the calls of a
	 * preemptible RCU read-side section.
	 */
	rcu_read_lock_sched_notrace();
	if (ldw_prefilter_name(dentry, LDW_ANCHOR_NAME))
		goto candidate;
	if (!ldw_prefilter_anchors.ancestors)
		goto out;
	/* The file itself is never its mount's root: start with its parent. */
	while (levels--) {
		const struct dentry *parent = READ_ONCE(dentry->d_parent);

		if (parent == dentry)		/* IS_ROOT(): the top */
			goto out;
		dentry = parent;
		/*
		 * At a mount's root, the name the path shows at this level is
		 * its mount point's, in the mount above (mounts may stack).
		 */
		while (dentry == mnt->mnt_root && ldw_mount_up(&mnt, &dentry)) {
			if (!--crossings)
				goto candidate;
		}
		if (ldw_prefilter_name(dentry, LDW_ANCHOR_ANCESTOR))
			goto candidate;
	}
	/* Deeper than the bound, or more mounts crossed: a candidate anyway. */
candidate:
	candidate = true;
out:
	rcu_read_unlock_sched_notrace();
	return candidate;
}

#endif /* _LDWATCH_PREFILTER_H */
