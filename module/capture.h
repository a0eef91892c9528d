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
#include <linux/limits.h>
#include <linux/llist.h>
#include <linux/path.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include <ldwatch/netlink.h>

struct dentry;
struct ldw_alert;
struct ldw_str;
struct pt_regs;
struct task_struct;
struct vfsmount;

/**
 * ldw_capture_init() - start capturing events for the rule set in force
 *
 * The rule set (ruleset.h) must be in force: it gives the prefilter its
 * names and decides how kernel threads' operations are accounted. Finds
 * the host's targets and registers the probes, last. Counters (stats.h) and
 * delivery (alert.h) must be ready: handlers run as soon as it returns, and
 * may already while it runs.
 *
 * Return: 0, or a negative errno (the probes could not be registered).
 */
int __init ldw_capture_init(void);

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
 * The hooks' entry points, called by their callbacks (probes.c) in the
 * acting task. They never sleep and never allocate. The callbacks count
 * every operation and let through only what the prefilter (prefilter.h)
 * calls a candidate, with preemption disabled.
 */

/*
 * security_path_mknod(), _mkdir(), _symlink(), _link(): @dentry, of
 * @type, is to be made in @dir by @action (creation, link or symlink).
 * @elastic: a candidate for Elastic's rule; @host: a host target place.
 */
void ldw_capture_bind(const struct path *dir, struct dentry *dentry,
		      enum ldw_action action, umode_t type, bool elastic,
		      bool host);

/*
 * security_path_rename(), one direction (an exchange has two): @moved
 * leaves @from for the place of @target in @to.
 */
void ldw_capture_move(const struct path *from, struct dentry *moved,
		      const struct path *to, struct dentry *target,
		      bool elastic, bool host);

/* security_file_open(): a host target @file is being opened for writing. */
void ldw_capture_write(struct file *file);

/*
 * vfs_truncate(), security_sb_mount(), security_move_mount():
 * @action (modification or mount) on the host target at @path.
 */
void ldw_capture_path(const struct path *path, enum ldw_action action);

/*
 * security_sb_umount(): a mount over a host target is being unmounted.
 * Not an event: once it is gone, the targets are found anew (what was
 * under the mount is the target again).
 */
void ldw_capture_unmount(void);

/*
 * security_d_instantiate(): @dentry gets an inode. Every instantiation
 * comes here, in any context; it only reads and marks capture's slots.
 */
void ldw_capture_instantiate(const struct dentry *dentry);

/*
 * Capture's own state: one operation being followed, from the hook to its
 * judgement. Only capture.c uses it, and its KUnit suite, which feeds the
 * judging functions below slots of its own.
 */

/**
 * struct ldw_name - a copy of a dentry name
 * @len: its length
 * @name: its bytes, NUL-terminated
 */
struct ldw_name {
	u32 len;
	char name[NAME_MAX + 1];
};

/**
 * struct ldw_slot - one operation being followed
 * @work: the task_work that judges it
 * @release: link in the list of slots released from atomic context
 * @task: the acting task, compared only (the slot is released before the
 *	task can go away: its task_work runs at the latest in do_exit())
 * @uid: the acting task's uid, for the share of slots each user may hold
 * @mnt: the vfsmount of the file's directory (pinned)
 * @dentry: the created file, or the renamed entry (pinned)
 * @from_dir: rename: the old parent (pinned)
 * @to_dir: rename: the new parent (pinned)
 * @time_ns: CLOCK_REALTIME at the hook
 * @file: modification by an open: the opened file (pinned)
 * @action: what the operation is
 * @type: the file's type (S_IFMT bits) where the operation makes one
 * @elastic: the prefilter let it through for Elastic's rule (by path)
 * @host: it concerns a host target by identity (targets.h)
 * @unmount: an unmount after which the targets are found anew; no event
 * @failed: the operation failed, and is judged as such (report_failures)
 * @error: then, the errno its system call returned, or 0 if unknown
 * @armed: creation whose d_instantiate the probe is watching for
 * @instantiated: the file system instantiated @dentry in @task
 * @dumping: @task was dumping core at the hook: it never returns to user
 *	space, and its task_work runs in do_exit(), after its root, mount
 *	namespace and address space are gone; what the judgement needs of
 *	them was taken at the hook:
 * @root: its root (pinned)
 * @exe: its executable (pinned), or NULL
 * @view: enum ldw_process_view bits
 * @mntns: its mount namespace's inode number
 * @old_name: rename: the entry's name before
 * @new_name: rename: its name after
 */
struct ldw_slot {
	struct callback_head work;
	struct llist_node release;
	struct task_struct *task;
	kuid_t uid;
	struct vfsmount *mnt;
	struct dentry *dentry;
	struct dentry *from_dir;
	struct dentry *to_dir;
	struct file *file;
	u64 time_ns;
	enum ldw_action action;
	umode_t type;
	bool elastic;
	bool host;
	bool unmount;
	bool failed;
	int error;
	bool armed;
	bool instantiated;
	bool dumping;
	struct path root;
	struct file *exe;
	u32 view;
	u32 mntns;
	struct ldw_name old_name;
	struct ldw_name new_name;
};

#if IS_ENABLED(CONFIG_KUNIT)
/* capture.c's internals, visible to its KUnit suite only (VISIBLE_IF_KUNIT). */
bool ldw_name_copy(struct ldw_name *copy, const struct dentry *dentry);
bool ldw_syscall_opens(struct pt_regs *regs);
bool ldw_creation_confirmed(const struct ldw_slot *slot);
bool ldw_rename_confirmed(const struct ldw_slot *slot);
int ldw_original_path(const struct ldw_slot *slot, char *buf,
		      struct ldw_str *original, bool *truncated);
void ldw_alert_attribute(struct ldw_alert *alert, const struct ldw_slot *slot);
void ldw_judge(const struct ldw_slot *slot);
#endif

#endif /* _LDWATCH_CAPTURE_H */
