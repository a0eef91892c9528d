/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks' prefilter: decides from directory entry names alone whether an
 * operation may concern a file the rule can match (a "candidate"). Only
 * candidates get a full path built and the rule evaluated.
 *
 * The walk is in two parts: ldw_prefilter_maybe(), inline here, compares
 * lengths only and is most of what every create and rename costs;
 * ldw_prefilter_match(), out of line, compares bytes where a length fits.
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

/*
 * How many steps up the path to take, each an ancestor compared or a mount
 * crossed, before calling the operation a candidate anyway. A step costs a
 * few loads and a byte test, a false candidate a full path build and a
 * rule evaluation: a hundred steps or more. So the bound is set above the
 * depth of real files, and exists only to cap the time spent with
 * preemption disabled on a pathological tree. Real paths stay below 32,
 * mounts crossed included: on a Debian 12 development host the deepest of
 * half a million files is 20 levels down; a container's files written
 * through the host's storage driver (/var/lib/docker/overlay2/ID/diff/...,
 * or containerd's snapshots) are 5 to 8 levels deeper than the container
 * sees.
 */
#define LDW_PREFILTER_DEPTH 32

/*
 * prefilter.c's: some rule of the set in force (ruleset.h) has an ancestor
 * anchor, or had a grace period ago. Read racily: either value is right
 * while the set changes (see ldw_prefilter_rules_add()).
 */
extern bool ldw_prefilter_ancestors;

/* The lengths ldw_prefilter_fits has a byte for: a length's low byte. */
#define LDW_PREFILTER_LENGTHS 256

/*
 * prefilter.c's: for each length's low byte, a bit per enum
 * ldw_anchor_place where a name of that length may be an anchor of a rule
 * of the set in force (of Elastic's view): the union of the rules'
 * anchors' lengths; every length as an ancestor when no rule has ancestor
 * anchors (the walk then ends at the first ancestor). So the common path
 * tests one table, and no flag.
 *
 * Two more bits serve the host's view (targets.h), so that its test costs
 * the create and rename hooks nothing the walk does not already do:
 * LDW_PREFILTER_HOST_NAME for the lengths of the names a target place has
 * in /etc or / ("ld.so.preload", ..., "etc"), tested on the file's own
 * name, and LDW_PREFILTER_HOST_DIR for the length of the host's
 * ld.so.conf.d's own name (another name when a mount or a symlink put
 * another directory there), tested on the ancestors. The targets set them
 * (ldw_prefilter_host_name(), ldw_prefilter_host_dir()); the rest of the
 * table is written once, at init.
 */
extern u8 ldw_prefilter_fits[LDW_PREFILTER_LENGTHS];

/*
 * Prefix anchors (anchors.h) set LDW_PREFILTER_PREFIX, the same bit as
 * LDW_ANCHORS_PREFIX_BIT in an anchor set's places[], for every length
 * from the prefix's up to 255, and a name whose length fits by that bit
 * alone is a candidate only if ldw_prefilter_firsts has a byte not 0 at
 * the key of its first four bytes (ldw_prefilter_hit()). A name longer
 * than 255 bytes whose length's low byte is under the prefix's length is
 * missed: only a few file systems (vfat, ntfs3 and cifs, in multibyte
 * characters) have such names, and a bound test on every length would
 * cost every name.
 */
#define LDW_PREFILTER_PREFIX	BIT(LDW_ANCHOR_PLACES)
#define LDW_PREFILTER_HOST_NAME	BIT(LDW_ANCHOR_PLACES + 1)
#define LDW_PREFILTER_HOST_DIR	BIT(LDW_ANCHOR_PLACES + 2)

/* The bits tested on the file's own name, and on its ancestors. */
#define LDW_PREFILTER_AT_NAME	(BIT(LDW_ANCHOR_NAME) | LDW_PREFILTER_PREFIX | \
				 LDW_PREFILTER_HOST_NAME)
#define LDW_PREFILTER_AT_ANCESTOR \
	(BIT(LDW_ANCHOR_ANCESTOR) | LDW_PREFILTER_PREFIX | LDW_PREFILTER_HOST_DIR)

/*
 * prefilter.c's: a byte per key of a name's first four bytes
 * (ldw_anchors_first_key()), not 0 where a name starting with those may
 * start with a prefix anchor of a rule of the set in force.
 */
extern u8 ldw_prefilter_firsts[LDW_ANCHORS_FIRSTS_BYTES];

/**
 * struct ldw_prefilter_table - the prefilter's tables for a rule set
 * @fits: a byte per length, the rule bits of ldw_prefilter_fits
 * @firsts: the table of ldw_prefilter_firsts
 */
struct ldw_prefilter_table {
	u8 fits[LDW_PREFILTER_LENGTHS];
	u8 firsts[LDW_ANCHORS_FIRSTS_BYTES];
};

/* A name of length @len is a target place's in /etc or /. Sleeps not. */
void ldw_prefilter_host_name(u32 len);

/*
 * The host's ld.so.conf.d is now named with @len bytes (0: there is none);
 * the bit of the length it had before is cleared.
 */
void ldw_prefilter_host_dir(u32 len);

/*
 * The rule set changes (ruleset.c, under its lock). Before the new set is
 * published, ldw_prefilter_rules_add() adds its anchors' bits, @table
 * (NULL: every length and every first four bytes) to the tables, and its
 * ancestors to the flag; after a grace period, ldw_prefilter_rules_set()
 * makes the tables and the flag the new set's exactly. A hook reading the
 * tables meanwhile finds the old set's names and the new set's, in both:
 * never one missing that a set in force needs. Process context; the host
 * bits are kept.
 */
void ldw_prefilter_rules_add(const struct ldw_prefilter_table *table, bool ancestors);
void ldw_prefilter_rules_set(const struct ldw_prefilter_table *table, bool ancestors);

/* Log the names rule @id watches by (its @anchors), or that it has none. */
void ldw_prefilter_log(const char *id, const struct ldw_anchors *anchors);

/*
 * Whether @dentry's name has the length of an anchor of @place: the test
 * almost every name fails, one byte of ldw_prefilter_fits. It is indexed
 * by the length's low byte, with no bound test: no anchor is longer than
 * 255 bytes, so a longer name can never be one, and at worst its low byte
 * makes it a byte compare that fails (ldw_prefilter_match()). Only that
 * byte is read, one load: a rename may change the length meanwhile, and
 * whichever length the byte comes from, the answer is one a moment
 * earlier or later would give.
 */
static __always_inline u8 ldw_prefilter_len_fits(const struct dentry *dentry,
						 u8 mask)
{
	/* A racy read by design: any length read gives a right answer. */
	u8 len_low = data_race((u8)dentry->d_name.len);

	/* Racy too: the host bits change in place, either value is right. */
	return data_race(ldw_prefilter_fits[len_low]) & mask;
}

/*
 * Whether a name whose length fits @mask (ldw_prefilter_len_fits() was
 * true) may be a candidate: yes, unless of @mask its length fits by
 * LDW_PREFILTER_PREFIX alone and ldw_prefilter_firsts has a 0 at the key
 * of its first four bytes. Without a prefix rule that bit is never set,
 * and this is reached only where a length fits: the common path is what
 * it is without prefixes.
 *
 * The byte of ldw_prefilter_fits is read again here, rather than kept from
 * the walk's test: kept, it would cost the walk a register and a move on
 * every step. Read again it may be another length's, after a rename: any
 * answer a moment earlier or later would give is right.
 *
 * The name pointer is read once. Whichever name it is, old or new (an old
 * external name is freed after a grace period, which the caller's
 * RCU-sched section holds off), four bytes are inside it: a short name is
 * kept inline, in the dentry's DNAME_INLINE_LEN bytes, and only a longer
 * one outside. A name shorter than four bytes gives bytes after its NUL,
 * a key at worst that a byte compare then refuses; its length fits no
 * prefix anyway, unless a rename tore the read. An inline name rewritten
 * meanwhile stays inside the dentry: the bytes may be of either name, an
 * answer a moment earlier or later would give.
 */
static __always_inline bool ldw_prefilter_hit(const struct dentry *dentry, u8 mask)
{
	const unsigned char *name;
	unsigned int key;
	u8 len_low;

	BUILD_BUG_ON(DNAME_INLINE_LEN < 4 || LDW_ANCHOR_PREFIX_MIN < 4);
	/* Racy by design, as in ldw_prefilter_len_fits(). */
	len_low = data_race((u8)dentry->d_name.len);
	if (READ_ONCE(ldw_prefilter_fits[len_low]) & mask & ~LDW_PREFILTER_PREFIX)
		return true;
	name = READ_ONCE(dentry->d_name.name);
	/* Racy by design: bytes of either name give a right answer (above). */
	key = data_race(ldw_anchors_first_key(ldw_anchors_first4(name[0], name[1],
								 name[2], name[3])));
	/* Racy too: a byte changing meanwhile holds the set in force's bits. */
	return data_race(ldw_prefilter_firsts[key]);
}

/*
 * One step up the path from (*@mnt, *@dentry): to the parent directory
 * and, where that is a mount's root, on to its mount point in the mount
 * above (mounts may stack), whose name is the one the path shows there.
 * The parent and each mount crossed take one of *@steps.
 *
 * Return: false at the top of the mount tree (*@steps is then not 0), or
 * when *@steps ran out (it is then 0).
 */
static __always_inline bool ldw_prefilter_up(const struct vfsmount **mnt,
					     const struct dentry **dentry,
					     unsigned int *steps)
{
	if (!--*steps)
		return false;
	*dentry = READ_ONCE((*dentry)->d_parent);
	/*
	 * The mount's root is read from the mount at every step, in the
	 * compare: a copy the compiler would otherwise keep in a register
	 * costs a move at the start of every walk and at every mount crossed.
	 */
	barrier();
	while (unlikely(*dentry == (*mnt)->mnt_root)) {
		if (!ldw_mount_up(mnt, dentry) || !--*steps)
			return false;
	}
	return true;
}

/**
 * ldw_prefilter_maybe() - whether an operation on @dentry may be a candidate
 *	of the rule's, or may bind a host target place
 * @mnt: the mount @dentry is reached through (the hook's directory path's)
 * @dentry: the dentry being created or renamed to; may be negative or in
 *	lookup, and the caller holds a reference to it
 *
 * The common path of every create and rename, inline in the hooks: the
 * walk of ldw_prefilter_match() with lengths only, no byte compared. Each
 * step is a load of the parent, a compare with the mount's root and one
 * byte of ldw_prefilter_fits; nothing is called, so the hook keeps no
 * register across a call. With a prefix rule loaded, a name whose length
 * fits only a prefix costs four bytes of the name and one of
 * ldw_prefilter_firsts more (ldw_prefilter_hit()). Almost every operation
 * ends here, false. True when a name on the way has an anchor's length
 * (and, for a prefix's, its first four bytes), or the walk ran out of
 * steps: then ldw_prefilter_match(), out of line, decides.
 *
 * Never sleeps, takes no lock, allocates nothing: callable from the hooks'
 * callbacks, in any context, on PREEMPT_RT too.
 *
 * Return: false only when ldw_prefilter_match() would be false; true when
 * it may be true.
 */
static __always_inline bool ldw_prefilter_maybe(const struct vfsmount *mnt,
						const struct dentry *dentry)
{
	unsigned int steps = LDW_PREFILTER_DEPTH;
	bool maybe = true;

	/* See ldw_prefilter_match() for why this protects the walk. */
	rcu_read_lock_sched_notrace();
	if (unlikely(ldw_prefilter_len_fits(dentry, LDW_PREFILTER_AT_NAME)) &&
	    ldw_prefilter_hit(dentry, LDW_PREFILTER_AT_NAME))
		goto out;
	while (ldw_prefilter_up(&mnt, &dentry, &steps)) {
		if (unlikely(ldw_prefilter_len_fits(dentry, LDW_PREFILTER_AT_ANCESTOR)) &&
		    ldw_prefilter_hit(dentry, LDW_PREFILTER_AT_ANCESTOR)) {
			/* A set with no ancestor anchors stops here. */
			maybe = data_race(ldw_prefilter_ancestors) ||
				ldw_prefilter_len_fits(dentry, LDW_PREFILTER_HOST_DIR);
			goto out;
		}
	}
	/* At the top, no name fitted; out of steps, a candidate anyway. */
	maybe = !steps;
out:
	rcu_read_unlock_sched_notrace();
	return maybe;
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
 * ends at the root of the mount namespace, above which no process sees a
 * path; a chroot's root is passed, which can only make more candidates,
 * never fewer, and the rule then judges the path the process sees. Up to
 * LDW_PREFILTER_DEPTH steps are taken (ancestors and mounts crossed); a
 * deeper path is a candidate, and so is one above a dentry cut off from
 * its tree (IS_ROOT() but no mount's root: the walk stays there).
 *
 * The hooks call it only where ldw_prefilter_maybe() said true. Never
 * sleeps, takes no lock, allocates nothing, like that one.
 *
 * Return: false only when the rule cannot match a path through @dentry;
 * true otherwise.
 */
bool ldw_prefilter_match(const struct vfsmount *mnt, const struct dentry *dentry);

#endif /* _LDWATCH_PREFILTER_H */
