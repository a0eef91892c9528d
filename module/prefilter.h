/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probes' prefilter: decides from directory entry names alone whether an
 * operation may concern a file the rule can match (a "candidate"). Only
 * candidates get a full path built and the rule evaluated.
 */
#ifndef _LDWATCH_PREFILTER_H
#define _LDWATCH_PREFILTER_H

#include <linux/init.h>
#include <linux/types.h>

struct dentry;
struct ldw_rule;
struct vfsmount;

/**
 * ldw_prefilter_init() - derive the prefilter from a rule, and log it
 * @rule: the rule in force; the prefilter keeps no pointer into it
 *
 * Logs the names derived or, when the rule gives none, why: then every
 * operation is a candidate. Call once, at module init, before any probe is
 * registered; the prefilter is read-only afterwards.
 */
void __init ldw_prefilter_init(const struct ldw_rule *rule);

/**
 * ldw_prefilter_match() - whether an operation on @dentry is a candidate
 * @mnt: the mount @dentry is reached through (the hook's directory path's)
 * @dentry: the dentry being created or renamed to; may be negative or in
 *	lookup, and the caller holds a reference to it
 *
 * Compares the name of @dentry and of its ancestors with the rule's
 * anchors, crossing from a mount's root to its mount point. Never
 * sleeps, takes no lock, allocates nothing: callable from
 * kprobe pre-handlers, with preemption disabled, on PREEMPT_RT as well.
 *
 * Return: false only when the rule cannot match a path through @dentry;
 * true otherwise.
 */
bool ldw_prefilter_match(const struct vfsmount *mnt,
			 const struct dentry *dentry);

#endif /* _LDWATCH_PREFILTER_H */
