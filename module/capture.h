/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture: from a hooked operation to a judged event. In the probe handler
 * (atomic) it only decides whether the operation is a candidate and pins
 * what it needs; after the operation, in the acting task (task_work), it
 * confirms that the operation succeeded, resolves the paths as that task
 * sees them, collects the process's attributes, evaluates the rule and
 * submits an alert on a match.
 */
#ifndef _LDWATCH_CAPTURE_H
#define _LDWATCH_CAPTURE_H

#include <linux/init.h>
#include <linux/types.h>

struct dentry;
struct path;
struct ldw_rule;

/**
 * ldw_capture_init() - start capturing events for @rule
 * @rule: the rule every event is evaluated against; must outlive capture
 *
 * Derives the prefilter from @rule, decides how kernel threads' operations
 * are accounted, and registers the probes, last. Counters (stats.h) and
 * delivery (alert.h) must be ready: handlers run as soon as it returns, and
 * may already while it runs.
 *
 * Return: 0, or a negative errno (the probes could not be registered).
 */
int __init ldw_capture_init(const struct ldw_rule *rule);

/**
 * ldw_capture_exit() - stop capturing
 *
 * Unregisters the probes, waits for every operation still being followed
 * to be judged or dropped (an operation is judged when its system call
 * returns, so this waits for those in flight), then for every task to
 * leave capture's code. When it returns, capture calls nothing any more,
 * ldw_alert_submit() included. Sleeps.
 */
void ldw_capture_exit(void);

/*
 * The hooks' entry points, called by the probe handlers (probes.c) with
 * the arguments of the probed functions, in the acting task, with
 * preemption disabled. They never sleep and never allocate.
 */

/* security_path_mknod(): @dentry is to be created in @dir with @mode. */
void ldw_capture_create(const struct path *dir, struct dentry *dentry,
			umode_t mode);

/* security_path_rename(): as renameat2(); RENAME_EXCHANGE moves both. */
void ldw_capture_rename(const struct path *old_dir, struct dentry *old_dentry,
			const struct path *new_dir, struct dentry *new_dentry,
			unsigned int flags);

/* security_d_instantiate(): @dentry gets an inode. */
void ldw_capture_instantiate(const struct dentry *dentry);

#endif /* _LDWATCH_CAPTURE_H */
