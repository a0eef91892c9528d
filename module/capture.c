// SPDX-License-Identifier: GPL-2.0
/*
 * Capture: what happens to a candidate operation (capture.h).
 *
 * In the hook's callback (probes.c), every operation costs a counter and
 * the prefilter's walk over name lengths; most end there. A candidate
 * comes here, with preemption disabled: it takes a slot from a fixed
 * pool, pins the dentries and the vfsmount it needs (without sleeping, see
 * ldw_dget_atomic()), copies the names a rename changes, and queues
 * task_work on the acting task. Nothing there allocates or sleeps.
 *
 * The task_work callback runs in the same task once the operation is over:
 * on the way back to user space after the system call, or between two
 * requests of an io_uring worker. It can sleep, and the operation's outcome
 * can be seen there:
 *  - a creation happened if the file system instantiated the very dentry
 *    the hook was given, in this task, after the hook (the d_instantiate
 *    hook marks the slot; a dentry found by the lookup of an existing file
 *    is instantiated while still in lookup, and is not marked), or if the
 *    open system call returned a file descriptor whose file was created by
 *    it (FMODE_CREATED) for that dentry. The first test needs no register,
 *    so a tracer that rewrites the return value cannot hide a creation; the
 *    second covers file systems that create in ->atomic_open();
 *  - a rename happened if the dentry now has the new parent and the new
 *    name (d_move() ran), whoever issued it.
 * Then the paths are built with d_path(), which resolves them against the
 * task's own root (a chroot or container root gives container paths), the
 * process is described, the rule decides, and a match becomes an alert.
 *
 * Every candidate ends counted exactly once: dropped for a reason (each
 * consumes a sequence number, see alert.h), not confirmed, no match,
 * excluded, or matched; a match beyond the rate limit (ratelimit.h) is
 * counted as suppressed too, and becomes no alert.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/overflow.h>
#include <linux/path.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <kunit/visibility.h>

#include <ldwatch/netlink.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "alert.h"
#include "capture.h"
#include "exe_link.h"
#include "pathname.h"
#include "prefilter.h"
#include "probes.h"
#include "ratelimit.h"
#include "ruleset.h"
#include "stats.h"
#include "targets.h"

/*
 * Operations followed at once. A slot is held from the hook to the end of
 * the system call (or io_uring request), so this bounds the candidates in
 * flight, not their rate; beyond it a candidate is dropped (NO_SLOT).
 *
 * Anyone can hold slots for as long as they like: a creation in a FUSE
 * file system whose server never answers keeps its slot. So the pool is
 * shared out by need. An operation that can change what the host's
 * dynamic linker reads (on a host target, by identity; a mount only in
 * the host's mount namespace) may take any slot. Any other candidate (one
 * Elastic's rule sees by its path only: a container's /etc, a user's own
 * mount namespace) takes one only while LDW_CAPTURE_RESERVED slots stay
 * free for the first kind, and only while its user (by uid, as the
 * initial user namespace sees it) holds fewer than LDW_CAPTURE_PER_USER:
 * an unprivileged user can neither take the host's slots nor all of
 * everybody else's. The first kind cannot be held by an unprivileged
 * user: its permission checks, and so its end, follow the hook at once.
 */
#define LDW_CAPTURE_SLOTS 64
#define LDW_CAPTURE_RESERVED 16
#define LDW_CAPTURE_PER_USER 16

/* A bit per slot, set while it is in use: a lock-free allocator. */
static DECLARE_BITMAP(ldw_slot_map, LDW_CAPTURE_SLOTS);
static struct ldw_slot ldw_slots[LDW_CAPTURE_SLOTS];
static atomic_t ldw_slots_in_use = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(ldw_slots_drained);

/* Armed slots: the d_instantiate probe returns at once while it is 0. */
static atomic_t ldw_slots_armed = ATOMIC_INIT(0);

/*
 * Slots given up in the probe handler are released from a work item: a
 * dput() or mntput() may sleep, on PREEMPT_RT always can.
 */
static LLIST_HEAD(ldw_release_list);
static void ldw_release_deferred(struct work_struct *work);
static DECLARE_WORK(ldw_release_work, ldw_release_deferred);

/*
 * With companion=0 the host's targets are not followed and no operation is
 * the companion rule's: Elastic's rule alone, as Elastic would judge.
 */
static bool companion = true;
module_param(companion, bool, 0444);
MODULE_PARM_DESC(companion,
		 "Follow the host's targets by identity and judge what Elastic's rule cannot see by ldwatch's companion rule (default: on)");

/*
 * Failed attempts on a host target (an operation the hooks saw that then
 * failed: EACCES, EPERM, ENOSPC ...) judged as events whose outcome is
 * failure. Off by default: Elastic's rule and most SIEM rules count
 * successes, and a failure changed nothing the linker reads.
 */
static bool report_failures;
module_param(report_failures, bool, 0444);
MODULE_PARM_DESC(report_failures,
		 "Report failed operations on the host's targets (event.outcome failure) (default: off)");

/* The ECS event.action of each action. */
static const char *const ldw_action_names[] = {
	[LDW_ACTION_CREATION] = "creation",
	[LDW_ACTION_RENAME] = "rename",
	[LDW_ACTION_MODIFICATION] = "modification",
	[LDW_ACTION_LINK] = "link",
	[LDW_ACTION_SYMLINK] = "symlink",
	[LDW_ACTION_MOUNT] = "mount",
};

/* --- Slots ------------------------------------------------------------ */

/* Give back a count of ldw_slots_in_use; wake the unload if it was the last. */
static void ldw_slots_in_use_dec(void)
{
	if (atomic_dec_and_test(&ldw_slots_in_use))
		wake_up(&ldw_slots_drained);
}

/*
 * Whether @uid holds LDW_CAPTURE_PER_USER slots already. The slots change
 * under the scan; a count that is off by the few taken or given back
 * meanwhile only moves the limit by as many.
 */
static bool ldw_user_holds_enough(kuid_t uid)
{
	unsigned int i, held = 0;

	for_each_set_bit(i, ldw_slot_map, LDW_CAPTURE_SLOTS) {
		if (uid_eq(READ_ONCE(ldw_slots[i].uid), uid) &&
		    ++held >= LDW_CAPTURE_PER_USER)
			return true;
	}
	return false;
}

/*
 * A free slot for the current task, or NULL. @needed: the operation can
 * change what the host's dynamic linker reads, and may use the reserve.
 */
static struct ldw_slot *ldw_slot_get(bool needed)
{
	kuid_t uid = current_uid();
	unsigned int i;

	/* Counted first, so that two tasks cannot both take the last one. */
	if (atomic_inc_return(&ldw_slots_in_use) >
	    (needed ? LDW_CAPTURE_SLOTS :
		      LDW_CAPTURE_SLOTS - LDW_CAPTURE_RESERVED) ||
	    (!needed && ldw_user_holds_enough(uid))) {
		ldw_slots_in_use_dec();
		return NULL;
	}
	for (i = find_first_zero_bit(ldw_slot_map, LDW_CAPTURE_SLOTS);
	     i < LDW_CAPTURE_SLOTS;
	     i = find_next_zero_bit(ldw_slot_map, LDW_CAPTURE_SLOTS, i + 1)) {
		struct ldw_slot *slot = &ldw_slots[i];

		if (test_and_set_bit_lock(i, ldw_slot_map))
			continue;	/* taken meanwhile: look further */
		memset(slot, 0, offsetof(struct ldw_slot, old_name));
		slot->task = current;
		WRITE_ONCE(slot->uid, uid);
		return slot;
	}
	/* The count said one was free: only while others were giving back. */
	ldw_slots_in_use_dec();
	return NULL;
}

/* Release @slot and what it pinned. Process context: may sleep. */
static void ldw_slot_put(struct ldw_slot *slot)
{
	if (slot->armed) {
		WRITE_ONCE(slot->armed, false);
		atomic_dec(&ldw_slots_armed);
	}
	if (slot->dumping) {
		path_put(&slot->root);
		if (slot->exe)
			fput(slot->exe);
	}
	dput(slot->dentry);
	dput(slot->from_dir);
	dput(slot->to_dir);
	mntput(slot->mnt);
	if (slot->file)
		fput(slot->file);
	clear_bit_unlock(slot - ldw_slots, ldw_slot_map);
	ldw_slots_in_use_dec();
}

static void ldw_release_deferred(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&ldw_release_list);
	struct ldw_slot *slot, *next;

	llist_for_each_entry_safe(slot, next, list, release)
		ldw_slot_put(slot);
}

/* Release @slot, never armed, from the probe handler. */
static void ldw_slot_put_atomic(struct ldw_slot *slot)
{
	llist_add(&slot->release, &ldw_release_list);
	schedule_work(&ldw_release_work);
}

/* --- In the probe handler ---------------------------------------------- */

/*
 * Kernel threads never run task_work and have no executable: their
 * operations cannot be confirmed or judged. Whether that matters the set
 * in force says: whether its every rule of Elastic's view excludes them
 * (ruleset.h). The hook holds preemption off, which keeps the set.
 */
static bool ldw_kernel_thread(void)
{
	const struct ldw_ruleset *set;

	if ((current->flags & (PF_KTHREAD | PF_IO_WORKER)) != PF_KTHREAD)
		return false;
	set = rcu_dereference_sched(ldw_ruleset);
	if (set && set->kthreads_excluded)
		ldw_count(LDW_CNT_EXCLUDED);
	else
		ldw_drop(LDW_DROP_KERNEL_THREAD);
	return true;
}

/*
 * A slot for a candidate, or NULL with the candidate accounted for.
 * @needed: see ldw_slot_get().
 */
static struct ldw_slot *ldw_candidate(enum ldw_action action, bool needed)
{
	struct ldw_slot *slot;

	ldw_count(LDW_CNT_CANDIDATES);
	if (ldw_kernel_thread())
		return NULL;
	if (current->flags & PF_EXITING) {
		ldw_drop(LDW_DROP_TASK_EXITING);
		return NULL;
	}
	slot = ldw_slot_get(needed);
	if (!slot) {
		ldw_drop(LDW_DROP_NO_SLOT);
		return NULL;
	}
	slot->action = action;
	slot->time_ns = ktime_get_real_ns();
	return slot;
}

/* Pin @dentry into *@pin; false if that would have to wait. */
static bool ldw_pin(struct dentry **pin, struct dentry *dentry)
{
	if (!ldw_dget_atomic(dentry))
		return false;
	*pin = dentry;
	return true;
}

/*
 * Copy @dentry's name. The hooks run with the parent directory locked, so
 * the name cannot change meanwhile.
 */
VISIBLE_IF_KUNIT bool ldw_name_copy(struct ldw_name *copy,
				    const struct dentry *dentry)
{
	u32 len = dentry->d_name.len;

	if (len > NAME_MAX)
		return false;
	memcpy(copy->name, dentry->d_name.name, len);
	copy->name[len] = '\0';
	copy->len = len;
	return true;
}

static void ldw_capture_callback(struct callback_head *work);

/*
 * Whether the current task is dumping core: from its threads' zapping to
 * the dump's end, the signal struct holds the dump's state.
 */
static bool ldw_dumping_core(void)
{
	return READ_ONCE(current->signal->core_state);
}

/*
 * Take what judging needs of a task dumping core while it still has it
 * (see struct ldw_slot). Its other threads are gone: nobody changes its
 * root meanwhile. Return: false if its root could not be pinned.
 */
static bool ldw_snapshot_dumper(struct ldw_slot *slot)
{
	struct path root = current->fs->root;

	if (!ldw_dget_atomic(root.dentry))
		return false;
	slot->root.dentry = root.dentry;
	slot->root.mnt = mntget(root.mnt);
	slot->dumping = true;
	rcu_read_lock();
	if (current->mm)
		slot->exe = ldw_get_file_rcu(&current->mm->exe_file);
	rcu_read_unlock();
	slot->mntns = ldw_mnt_ns_inum(current->nsproxy);
	if (!ldw_targets_host_mntns(current->nsproxy))
		slot->view |= LDW_PROCESS_VIEW_MOUNT_NAMESPACE;
	if (!ldw_targets_host_root(&slot->root))
		slot->view |= LDW_PROCESS_VIEW_ROOT;
	if (current->mm && ldw_exe_link_replaced(current->mm))
		slot->view |= LDW_PROCESS_VIEW_EXE_REPLACED;
	return true;
}

/* The actions that bind a new name, confirmed by its d_instantiate(). */
static bool ldw_action_binds(enum ldw_action action)
{
	return action == LDW_ACTION_CREATION || action == LDW_ACTION_LINK ||
	       action == LDW_ACTION_SYMLINK;
}

/* Hand the pinned @slot to its task_work, or give it up. */
static void ldw_slot_follow(struct ldw_slot *slot)
{
	init_task_work(&slot->work, ldw_capture_callback);
	if (task_work_add(current, &slot->work, TWA_RESUME)) {
		/* Past exit_task_work(): it would never run. */
		ldw_drop(LDW_DROP_TASK_EXITING);
		ldw_slot_put_atomic(slot);
		return;
	}
	/*
	 * The file system's d_instantiate() comes after the hook returns, and
	 * the callback after that, both in this task: arming now is in time,
	 * and needs no barrier, as only this task acts on what the slot says.
	 */
	if (ldw_action_binds(slot->action)) {
		atomic_inc(&ldw_slots_armed);
		WRITE_ONCE(slot->armed, true);
	}
}

void ldw_capture_bind(const struct path *dir, struct dentry *dentry,
		      enum ldw_action action, umode_t type, bool elastic,
		      bool host)
{
	struct ldw_slot *slot;

	slot = ldw_candidate(action, host);
	if (!slot)
		return;
	slot->type = type;
	slot->elastic = elastic;
	slot->host = host;
	if (!ldw_name_copy(&slot->new_name, dentry)) {
		ldw_drop(LDW_DROP_PATH);
		ldw_slot_put_atomic(slot);
		return;
	}
	if (!ldw_pin(&slot->dentry, dentry) ||
	    !ldw_pin(&slot->to_dir, dir->dentry) ||
	    (ldw_dumping_core() && !ldw_snapshot_dumper(slot))) {
		ldw_drop(LDW_DROP_BUSY);
		ldw_slot_put_atomic(slot);
		return;
	}
	slot->mnt = mntget(dir->mnt);
	ldw_slot_follow(slot);
}

void ldw_capture_write(struct file *file)
{
	struct ldw_slot *slot;

	slot = ldw_candidate(LDW_ACTION_MODIFICATION, true);
	if (!slot)
		return;
	slot->host = true;
	slot->type = file_inode(file)->i_mode & S_IFMT;
	if (!ldw_pin(&slot->dentry, file->f_path.dentry)) {
		ldw_drop(LDW_DROP_BUSY);
		ldw_slot_put_atomic(slot);
		return;
	}
	slot->mnt = mntget(file->f_path.mnt);
	slot->file = get_file(file);
	ldw_slot_follow(slot);
}

void ldw_capture_path(const struct path *path, enum ldw_action action)
{
	struct ldw_slot *slot;

	/* A mount in another namespace changes nothing the host reads. */
	slot = ldw_candidate(action, action != LDW_ACTION_MOUNT ||
			     ldw_targets_host_mntns(current->nsproxy));
	if (!slot)
		return;
	slot->host = true;
	slot->type = d_inode(path->dentry)->i_mode & S_IFMT;
	if (!ldw_pin(&slot->dentry, path->dentry)) {
		ldw_drop(LDW_DROP_BUSY);
		ldw_slot_put_atomic(slot);
		return;
	}
	slot->mnt = mntget(path->mnt);
	ldw_slot_follow(slot);
}

void ldw_capture_unmount(void)
{
	struct ldw_slot *slot;

	slot = ldw_slot_get(ldw_targets_host_mntns(current->nsproxy));
	/* Not a candidate: nothing is counted, nothing can be dropped. */
	if (!slot) {
		ldw_targets_refresh_later();
		return;
	}
	slot->unmount = true;
	slot->action = LDW_ACTION_MOUNT;
	init_task_work(&slot->work, ldw_capture_callback);
	if (task_work_add(current, &slot->work, TWA_RESUME)) {
		ldw_slot_put_atomic(slot);
		ldw_targets_refresh_later();
	}
}

void ldw_capture_move(const struct path *from, struct dentry *moved,
		      const struct path *to, struct dentry *target,
		      bool elastic, bool host)
{
	struct ldw_slot *slot;

	slot = ldw_candidate(LDW_ACTION_RENAME, host);
	if (!slot)
		return;
	slot->elastic = elastic;
	slot->host = host;
	slot->type = d_inode(moved)->i_mode & S_IFMT;
	if (!ldw_name_copy(&slot->old_name, moved) ||
	    !ldw_name_copy(&slot->new_name, target)) {
		ldw_drop(LDW_DROP_PATH);
		ldw_slot_put_atomic(slot);
		return;
	}
	if (!ldw_pin(&slot->dentry, moved) ||
	    !ldw_pin(&slot->from_dir, from->dentry) ||
	    !ldw_pin(&slot->to_dir, to->dentry)) {
		ldw_drop(LDW_DROP_BUSY);
		ldw_slot_put_atomic(slot);
		return;
	}
	slot->mnt = mntget(to->mnt);
	ldw_slot_follow(slot);
}

void ldw_capture_instantiate(const struct dentry *dentry)
{
	unsigned int i;

	if (likely(!atomic_read(&ldw_slots_armed)))
		return;
	/* An existing file, found by the lookup of an open(O_CREAT). */
	if (d_in_lookup(dentry))
		return;
	/*
	 * A slot whose task is current is this task's own, and this task is
	 * here, not changing it. Someone else's slot may change under this
	 * loop, but it never matches.
	 */
	for_each_set_bit(i, ldw_slot_map, LDW_CAPTURE_SLOTS) {
		struct ldw_slot *slot = &ldw_slots[i];

		if (READ_ONCE(slot->armed) &&
		    READ_ONCE(slot->task) == current &&
		    READ_ONCE(slot->dentry) == dentry)
			WRITE_ONCE(slot->instantiated, true);
	}
}

/* --- After the operation, in the acting task ---------------------------- */

/*
 * Whether the task's system call is one that creates a file by opening it.
 * x86-64 numbers: native (x32 shares them, with a flag bit) and ia32.
 */
VISIBLE_IF_KUNIT bool ldw_syscall_opens(struct pt_regs *regs)
{
	long nr = syscall_get_nr(current, regs);

	if (in_ia32_syscall())
		return nr == __NR_ia32_open || nr == __NR_ia32_openat ||
		       nr == __NR_ia32_openat2 || nr == __NR_ia32_creat;
	nr &= ~(long)__X32_SYSCALL_BIT;
	return nr == __NR_open || nr == __NR_openat || nr == __NR_openat2 ||
	       nr == __NR_creat;
}

/* The open system call just returned a file it created, for @dentry. */
static bool ldw_open_created(const struct dentry *dentry)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct file *file;
	long fd;
	bool created;

	/* An io_uring worker's registers are not a system call's. */
	if ((current->flags & PF_IO_WORKER) || !ldw_syscall_opens(regs))
		return false;
	fd = syscall_get_return_value(current, regs);
	if (fd < 0 || fd > INT_MAX)
		return false;
	file = fget(fd);
	if (!file)
		return false;
	created = (file->f_mode & FMODE_CREATED) && file->f_path.dentry == dentry;
	fput(file);
	return created;
}

VISIBLE_IF_KUNIT bool ldw_creation_confirmed(const struct ldw_slot *slot)
{
	if (READ_ONCE(slot->instantiated) && d_really_is_positive(slot->dentry))
		return true;
	/* A dump is no system call's, and its task has no files left. */
	return !slot->dumping && ldw_open_created(slot->dentry);
}

/*
 * d_move() gives the dentry the target's parent and name, under its
 * d_lock; a failed rename leaves both. (rename() of a name onto itself
 * succeeds without a move, and passes too, as it should.)
 */
VISIBLE_IF_KUNIT bool ldw_rename_confirmed(const struct ldw_slot *slot)
{
	struct dentry *dentry = slot->dentry;
	bool moved;

	spin_lock(&dentry->d_lock);
	moved = dentry->d_parent == slot->to_dir &&
		dentry->d_name.len == slot->new_name.len &&
		!memcmp(dentry->d_name.name, slot->new_name.name,
			slot->new_name.len);
	spin_unlock(&dentry->d_lock);
	return moved;
}

/*
 * Whether the task's system call is one that acts on a path by @action
 * without a file it returns (truncate(2), mount), and returned 0. io_uring
 * has none of these by path.
 */
static bool ldw_syscall_succeeded(enum ldw_action action)
{
	struct pt_regs *regs = task_pt_regs(current);
	long nr;

	if (current->flags & PF_IO_WORKER)
		return false;
	if (syscall_get_return_value(current, regs))
		return false;
	nr = syscall_get_nr(current, regs);
	if (in_ia32_syscall()) {
		if (action == LDW_ACTION_MOUNT)
			return nr == __NR_ia32_mount || nr == __NR_ia32_move_mount;
		return nr == __NR_ia32_truncate || nr == __NR_ia32_truncate64;
	}
	nr &= ~(long)__X32_SYSCALL_BIT;
	if (action == LDW_ACTION_MOUNT)
		return nr == __NR_mount || nr == __NR_move_mount;
	return nr == __NR_truncate;
}

/* The errno the task's system call returned, or 0 (none, or io_uring). */
static int ldw_syscall_error(void)
{
	long ret;

	if (current->flags & PF_IO_WORKER)
		return 0;
	ret = syscall_get_return_value(current, task_pt_regs(current));
	return ret < 0 && ret >= -MAX_ERRNO ? -ret : 0;
}

/*
 * Whether the mount now on top at @slot's place shows the very directory
 * or file it covers: a bind of a place onto itself (systemd does it to
 * every path of a hardened service, to make it read-only), which changes
 * nothing anyone reads there.
 */
static bool ldw_mount_onto_itself(const struct ldw_slot *slot)
{
	struct path top = { .mnt = slot->mnt, .dentry = slot->dentry };
	bool same;

	path_get(&top);
	while (follow_down_one(&top))
		;
	same = top.mnt != slot->mnt &&
	       d_inode(top.dentry) == d_inode(slot->dentry);
	path_put(&top);
	return same;
}

/* Whether the operation of @slot happened. */
static bool ldw_confirmed(const struct ldw_slot *slot)
{
	switch (slot->action) {
	case LDW_ACTION_RENAME:
		return ldw_rename_confirmed(slot);
	case LDW_ACTION_MODIFICATION:
		if (slot->file)
			return slot->file->f_mode & FMODE_OPENED;
		return ldw_syscall_succeeded(slot->action);
	case LDW_ACTION_MOUNT:
		return ldw_syscall_succeeded(slot->action);
	default:
		return ldw_creation_confirmed(slot);
	}
}

/**
 * struct ldw_facts - an event's primary facts
 * @path: file.path
 * @original: file.Ext.original.path, or absent
 * @executable: process.executable, or absent
 * @target: ldwatch.target.path: the host's path of the target, or absent
 * @host_executable: ldwatch.process.executable: the executable's path from
 *	the host's root, absent where the host does not reach that file by it
 * @aliases: enum ldw_alias bits: how the process's view differs
 * @truncated: enum ldw_truncated bits: the paths cut to their tail
 * @view: enum ldw_process_view bits
 * @buf: the buffers they point into, and scratch space
 */
struct ldw_facts {
	struct ldw_str path;
	struct ldw_str original;
	struct ldw_str executable;
	struct ldw_str target;
	struct ldw_str host_executable;
	u32 aliases;
	u32 truncated;
	u32 view;
	char *buf[6];
};

static void ldw_facts_free(struct ldw_facts *facts)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(facts->buf); i++)
		kfree(facts->buf[i]);
}

/* A scratch buffer that never makes the task wait for memory. */
static char *ldw_facts_buf(struct ldw_facts *facts, unsigned int i)
{
	facts->buf[i] = kmalloc(PATH_MAX, GFP_NOWAIT | __GFP_NOWARN);
	return facts->buf[i];
}

static struct ldw_str ldw_str_of(const char *s)
{
	return (struct ldw_str){ s, strlen(s) };
}

/*
 * @name in @dir (on @mnt): the directory's path now, and the name. A
 * directory too deep to name is cut to its tail, and *@truncated set.
 */
static int ldw_place_path(struct vfsmount *mnt, struct dentry *parent,
			  const struct ldw_name *name, char *buf,
			  struct ldw_str *out, bool *truncated)
{
	const struct path dir = { .mnt = mnt, .dentry = parent };
	char *s, *end;

	/* Leave room for '/' and the name after the directory's NUL. */
	s = ldw_path_string(&dir, buf, PATH_MAX - name->len - 1, truncated);
	if (IS_ERR(s))
		return PTR_ERR(s);
	end = s + strlen(s);
	if (end == s || end[-1] != '/')
		*end++ = '/';
	memcpy(end, name->name, name->len + 1);
	*out = (struct ldw_str){ s, end + name->len - s };
	return 0;
}

/* file.Ext.original.path: the old parent's path now, and the old name. */
VISIBLE_IF_KUNIT int ldw_original_path(const struct ldw_slot *slot, char *buf,
				       struct ldw_str *original,
				       bool *truncated)
{
	return ldw_place_path(slot->mnt, slot->from_dir, &slot->old_name, buf,
			      original, truncated);
}

/* enum ldw_process_view bits of the current task. */
static u32 ldw_process_view(void)
{
	struct path root;
	u32 view = 0;

	if (!ldw_targets_host_mntns(current->nsproxy))
		view |= LDW_PROCESS_VIEW_MOUNT_NAMESPACE;
	get_fs_root(current->fs, &root);
	if (!ldw_targets_host_root(&root))
		view |= LDW_PROCESS_VIEW_ROOT;
	path_put(&root);
	if (current->mm && ldw_exe_link_replaced(current->mm))
		view |= LDW_PROCESS_VIEW_EXE_REPLACED;
	return view;
}

/*
 * Whether process.executable, from the current task's root, is the host's
 * path of @exe too: the task sees the host as pid 1 does, and the file is
 * in that tree (a task that entered the host's mount namespace after its
 * exec may run a file from another).
 */
static bool ldw_host_sees_executable(const struct ldw_facts *facts,
				     struct file *exe)
{
	struct path root;
	bool under;

	if (facts->view & (LDW_PROCESS_VIEW_ROOT |
			   LDW_PROCESS_VIEW_MOUNT_NAMESPACE))
		return false;
	get_fs_root(current->fs, &root);
	under = path_is_under(&exe->f_path, &root);
	path_put(&root);
	return under;
}

/*
 * ldwatch.process.executable of @exe, named process.executable: the same
 * path where the host sees the file by it; else the path from the host's
 * root, if looking it up there reaches that very file. Absent where the
 * executable link was replaced: it need not be what the task started
 * from, and would lend it a package manager's exclusion.
 */
static void ldw_host_executable(const struct ldw_slot *slot,
				struct ldw_facts *facts, struct file *exe)
{
	bool cut = false;
	char *h;

	if (!companion || (facts->view & LDW_PROCESS_VIEW_EXE_REPLACED))
		return;
	if (!slot->dumping && ldw_host_sees_executable(facts, exe)) {
		facts->host_executable = facts->executable;
		cut = facts->truncated & LDW_TRUNCATED_EXECUTABLE;
	} else {
		h = ldw_targets_d_path(&exe->f_path, facts->buf[4], PATH_MAX,
				       true, &cut);
		if (IS_ERR(h))
			return;
		facts->host_executable = ldw_str_of(h);
	}
	if (cut)
		facts->truncated |= LDW_TRUNCATED_HOST_EXECUTABLE;
}

/*
 * @path as a task dumping core saw it (see struct ldw_slot), into @buf:
 * d_path() would resolve against its root, which do_exit() has taken by
 * now. The host's path of the file, less the host's path of the root the
 * task had, is the same path; a file outside that root has its whole path,
 * as d_path() gives it. @scratch: another PATH_MAX bytes.
 */
static char *ldw_dumper_path(const struct ldw_slot *slot,
			     const struct path *path, char *buf, char *scratch,
			     bool *truncated)
{
	bool root_cut = false;
	char *s, *root;
	size_t len;

	s = ldw_targets_d_path(path, buf, PATH_MAX, false, truncated);
	if (IS_ERR(s) || *truncated ||
	    !(slot->view & (LDW_PROCESS_VIEW_ROOT |
			    LDW_PROCESS_VIEW_MOUNT_NAMESPACE)))
		return s;
	root = ldw_targets_d_path(&slot->root, scratch, PATH_MAX, false,
				  &root_cut);
	if (IS_ERR(root) || root_cut)
		return s;
	len = strlen(root);
	if (len > 1 && !strncmp(s, root, len) && s[len] == '/')
		s += len;
	return s;
}

/*
 * process.executable, from the task's root, and the host's view of it.
 * Absent (not an error) if the task has no executable; one too deep to
 * name is cut to its tail, never absent: the rule excludes an event
 * without one.
 */
static int ldw_executable(const struct ldw_slot *slot,
			  struct ldw_facts *facts)
{
	struct file *exe = NULL;
	bool cut = false;
	char *s;

	facts->executable = LDW_STR_ABSENT;
	facts->host_executable = LDW_STR_ABSENT;
	if (slot->dumping) {
		if (slot->exe)
			exe = get_file(slot->exe);
	} else if (current->mm) {
		/* get_mm_exe_file(), which is not exported */
		rcu_read_lock();
		exe = ldw_get_file_rcu(&current->mm->exe_file);
		rcu_read_unlock();
	}
	if (!exe)
		return 0;
	if (slot->dumping)
		s = ldw_dumper_path(slot, &exe->f_path, facts->buf[1],
				    facts->buf[5], &cut);
	else
		s = ldw_path_string(&exe->f_path, facts->buf[1], PATH_MAX,
				    &cut);
	if (!IS_ERR(s)) {
		facts->executable = ldw_str_of(s);
		if (cut)
			facts->truncated |= LDW_TRUNCATED_EXECUTABLE;
		ldw_host_executable(slot, facts, exe);
	}
	fput(exe);
	return PTR_ERR_OR_ZERO(s);
}

/*
 * The file an overlay (or another stacking file system) keeps @slot's
 * regular file in, pinned, if it is another dentry: an overlay whose upper
 * layer is the host's /etc writes the host's targets through names no
 * hook sees. NULL otherwise.
 */
static struct dentry *ldw_real_file(const struct ldw_slot *slot)
{
	struct dentry *real;

	if (!(slot->dentry->d_flags & DCACHE_OP_REAL) ||
	    !d_is_reg(slot->dentry))
		return NULL;
	real = ldw_d_real(slot->dentry);
	if (IS_ERR_OR_NULL(real) || real == slot->dentry)
		return NULL;
	return dget(real);
}

/*
 * Whether the file a creation or rename put in a stacking file system's
 * name is, in its real layer, at a host target place (module's hooks saw
 * only the overlay's names).
 */
static bool ldw_real_place_is_target(const struct ldw_slot *slot)
{
	struct dentry *real = ldw_real_file(slot);
	struct dentry *parent;
	bool target;

	if (!real)
		return false;
	parent = dget_parent(real);
	rcu_read_lock_sched();
	target = ldw_targets_place(parent, real->d_name.name,
				   real->d_name.len) != LDW_NDIRS;
	rcu_read_unlock_sched();
	dput(parent);
	dput(real);
	return target;
}

/* ldwatch.target.path of the real file's place, into @buf; 0 if none. */
static size_t ldw_real_host_path(const struct ldw_slot *slot, char *buf)
{
	struct dentry *real = ldw_real_file(slot);
	struct dentry *parent;
	size_t len;

	if (!real)
		return 0;
	parent = dget_parent(real);
	len = ldw_targets_host_path(NULL, parent, real->d_name.name,
				    real->d_name.len, buf, PATH_MAX);
	dput(parent);
	dput(real);
	return len;
}

/* ldwatch.target.path, and how the process's view differs from it. */
static void ldw_target_facts(const struct ldw_slot *slot,
			     struct ldw_facts *facts)
{
	const struct ldw_name *name = &slot->new_name;
	const struct inode *inode = d_inode(slot->dentry);
	const struct dentry *dir = slot->to_dir;
	size_t len;

	facts->target = LDW_STR_ABSENT;
	if (!slot->host)
		return;
	/*
	 * The place the name was bound at, if it is a target place; else the
	 * object itself (a file written or mounted onto, a directory moved
	 * out of its place).
	 */
	len = ldw_targets_host_path(inode, dir, (const unsigned char *)name->name,
				    name->len, facts->buf[3], PATH_MAX);
	if (!len)
		len = ldw_real_host_path(slot, facts->buf[3]);
	if (!len)
		return;
	facts->target = (struct ldw_str){ facts->buf[3], len };
	if (facts->path.len != len || memcmp(facts->path.ptr, facts->buf[3], len))
		facts->aliases |= LDW_ALIAS_PATH;
	if (facts->view & LDW_PROCESS_VIEW_MOUNT_NAMESPACE)
		facts->aliases |= LDW_ALIAS_MOUNT_NAMESPACE;
	if (facts->view & LDW_PROCESS_VIEW_ROOT)
		facts->aliases |= LDW_ALIAS_ROOT;
}

/*
 * Resolve the event's paths. One longer than PATH_MAX is cut to its tail
 * and flagged (pathname.h): never dropped, which anyone could otherwise
 * make of any event by a deep enough directory.
 */
static int ldw_facts_gather(const struct ldw_slot *slot,
			    struct ldw_facts *facts)
{
	const struct path file = { .mnt = slot->mnt, .dentry = slot->dentry };
	bool cut = false;
	char *s;
	int err;

	if (!ldw_facts_buf(facts, 0) || !ldw_facts_buf(facts, 1) ||
	    !ldw_facts_buf(facts, 4))
		return -ENOMEM;
	if (slot->action == LDW_ACTION_RENAME && !ldw_facts_buf(facts, 2))
		return -ENOMEM;
	if (slot->host && !ldw_facts_buf(facts, 3))
		return -ENOMEM;
	if (slot->dumping && !ldw_facts_buf(facts, 5))
		return -ENOMEM;

	/* Without the host's targets, there is no host's view to differ from. */
	if (companion)
		facts->view = slot->dumping ? slot->view : ldw_process_view();

	/* A rename that failed left the file where it was: name its target. */
	if (slot->failed && slot->action == LDW_ACTION_RENAME) {
		err = ldw_place_path(slot->mnt, slot->to_dir, &slot->new_name,
				     facts->buf[0], &facts->path, &cut);
		if (err)
			return err;
	} else {
		if (slot->dumping)
			s = ldw_dumper_path(slot, &file, facts->buf[0],
					    facts->buf[5], &cut);
		else
			s = ldw_path_string(&file, facts->buf[0], PATH_MAX,
					    &cut);
		if (IS_ERR(s))
			return PTR_ERR(s);
		facts->path = ldw_str_of(s);
	}
	if (cut)
		facts->truncated |= LDW_TRUNCATED_FILE_PATH;

	err = ldw_executable(slot, facts);
	if (err)
		return err;

	ldw_target_facts(slot, facts);
	facts->original = LDW_STR_ABSENT;
	if (slot->action != LDW_ACTION_RENAME)
		return 0;
	cut = false;
	err = ldw_original_path(slot, facts->buf[2], &facts->original, &cut);
	if (cut)
		facts->truncated |= LDW_TRUNCATED_ORIGINAL_PATH;
	return err;
}

/* Append @s and its NUL at *@p; the copy, or NULL for an absent field. */
static const char *ldw_alert_string(char **p, struct ldw_str s)
{
	char *copy = *p;

	if (!ldw_str_present(s))
		return NULL;
	memcpy(copy, s.ptr, s.len);
	copy[s.len] = '\0';
	*p += s.len + 1;
	return copy;
}

static size_t ldw_alert_string_size(struct ldw_str s)
{
	return ldw_str_present(s) ? s.len + 1 : 0;
}

/**
 * ldw_alert_attribute() - fill an alert's header: the operation and the
 *	current task
 * @alert: the record, whatever its memory held before
 * @slot: the confirmed operation
 *
 * One assignment, so that every field it does not name is zero: kmalloc()
 * memory may hold a freed rate limit summary, and a stale record kind
 * would send the alert as one. The strings are the caller's.
 */
VISIBLE_IF_KUNIT void ldw_alert_attribute(struct ldw_alert *alert,
					  const struct ldw_slot *slot)
{
	const struct cred *cred = current_cred();

	*alert = (struct ldw_alert){
		.record = LDW_RECORD_ALERT,
		.time_ns = slot->time_ns,
		.action = slot->action,
		.pid = task_tgid_nr(current),
		.tid = task_pid_nr(current),
		.uid = from_kuid(&init_user_ns, cred->uid),
		.euid = from_kuid(&init_user_ns, cred->euid),
		.gid = from_kgid(&init_user_ns, cred->gid),
		.mntns = slot->dumping ? slot->mntns :
					 ldw_mnt_ns_inum(current->nsproxy),
	};
	INIT_LIST_HEAD(&alert->node);
	rcu_read_lock();
	alert->ppid = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	get_task_comm(alert->comm, current);
}

/*
 * The alert for a match of @rule, attributed to the current task; it holds
 * a reference to @rule.
 */
static struct ldw_alert *ldw_alert_new(const struct ldw_slot *slot,
				       const struct ldw_facts *facts,
				       struct ldw_lrule *rule)
{
	struct ldw_alert *alert;
	size_t size;
	char *p;

	size = ldw_alert_string_size(facts->path) +
	       ldw_alert_string_size(facts->original) +
	       ldw_alert_string_size(facts->executable) +
	       ldw_alert_string_size(facts->target) +
	       ldw_alert_string_size(facts->host_executable);
	alert = kmalloc(struct_size(alert, buf, size), GFP_NOWAIT | __GFP_NOWARN);
	if (!alert)
		return NULL;

	ldw_alert_attribute(alert, slot);
	p = alert->buf;
	alert->file_path = ldw_alert_string(&p, facts->path);
	alert->original_path = ldw_alert_string(&p, facts->original);
	alert->executable = ldw_alert_string(&p, facts->executable);
	alert->target_path = ldw_alert_string(&p, facts->target);
	alert->host_executable = ldw_alert_string(&p, facts->host_executable);
	ldw_lrule_get(rule);
	alert->rule = rule;
	alert->aliases = facts->aliases;
	alert->truncated = facts->truncated;
	alert->view = facts->view;
	alert->view_known = companion;
	alert->file_type = slot->type;
	alert->failed = slot->failed;
	alert->error = slot->error;
	return alert;
}

/*
 * Judge @event by @rule's program; on a match, send @rule's alert (within
 * its rate limit). Counts the rule's matches, suppressions and
 * exclusions. Return: the verdict's outcome.
 */
static enum ldw_outcome ldw_judge_by(struct ldw_lrule *rule,
				     const struct ldw_event *event,
				     const struct ldw_slot *slot,
				     const struct ldw_facts *facts)
{
	struct ldw_verdict verdict;
	struct ldw_alert *alert;

	verdict = ldw_prog_eval(&rule->prog, event);
	if (verdict.outcome == LDW_EXCLUDED)
		atomic64_inc(&rule->excluded);
	if (verdict.outcome != LDW_MATCH)
		return verdict.outcome;
	atomic64_inc(&rule->matches);
	alert = ldw_alert_new(slot, facts, rule);
	if (!alert) {
		ldw_drop(LDW_DROP_NO_MEMORY);
	} else if (ldw_ratelimit_admit(alert)) {
		ldw_alert_submit(alert);
	} else {
		/* Beyond its budget: counted, its evidence kept for the summary. */
		atomic64_inc(&rule->suppressed);
		ldw_alert_free(alert);
	}
	return LDW_MATCH;
}

/* The more telling of two verdicts on one event: a match, an exclusion. */
static enum ldw_outcome ldw_outcome_max(enum ldw_outcome a, enum ldw_outcome b)
{
	if (a == LDW_MATCH || b == LDW_MATCH)
		return LDW_MATCH;
	if (a == LDW_EXCLUDED || b == LDW_EXCLUDED)
		return LDW_EXCLUDED;
	return LDW_NO_MATCH;
}

/*
 * Judge @event by every rule of @view in @set that sees it; each rule that
 * matches gives its own alert. Return: the most telling outcome.
 */
static enum ldw_outcome ldw_judge_view(const struct ldw_ruleset *set, u8 view,
				       const struct ldw_event *event,
				       const struct ldw_slot *slot,
				       const struct ldw_facts *facts)
{
	enum ldw_outcome outcome = LDW_NO_MATCH;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		if (set->rule[i]->view != view)
			continue;
		outcome = ldw_outcome_max(outcome, ldw_judge_by(set->rule[i], event,
								slot, facts));
	}
	return outcome;
}

/*
 * Build the event of a confirmed operation and judge it by the set in
 * force, read once: by the rules of Elastic's view where it is an event
 * they see (a candidate of their paths), then, unless one of them gave an
 * alert, by the rules of the host's view (the companion rule) where it
 * concerns a host target. Each rule that matches gives its own alert; the
 * companion rule only what no rule of Elastic's view alerted on.
 */
VISIBLE_IF_KUNIT void ldw_judge(const struct ldw_slot *slot)
{
	const char *action = ldw_action_names[slot->action];
	enum ldw_outcome outcome = LDW_NO_MATCH, second;
	const struct ldw_ruleset *set;
	struct ldw_facts facts = {};
	struct ldw_event event;
	int err;

	err = ldw_facts_gather(slot, &facts);
	if (err) {
		ldw_drop(err == -ENOMEM ? LDW_DROP_NO_MEMORY : LDW_DROP_PATH);
		goto out;
	}

	ldw_event_fill(&event, ldw_str_of(action), facts.path, facts.original,
		       facts.executable);
	event.field[LDW_FIELD_TARGET_PATH] = facts.target;
	event.field[LDW_FIELD_HOST_EXECUTABLE] = facts.host_executable;
	/*
	 * One set for the whole judgement: a loader that replaces it meanwhile
	 * frees it only after this section (ruleset.h). Nothing here sleeps:
	 * alerts are allocated with GFP_NOWAIT.
	 */
	rcu_read_lock();
	set = rcu_dereference(ldw_ruleset);
	if (!set) {
		rcu_read_unlock();
		goto count;
	}
	/* Elastic's rules judge what happened; its events are successes. */
	if (slot->elastic && !slot->failed)
		outcome = ldw_judge_view(set, LDW_RULE_VIEW_PATH, &event, slot, &facts);
	if (outcome != LDW_MATCH && ldw_str_present(facts.target)) {
		second = ldw_judge_view(set, LDW_RULE_VIEW_HOST, &event, slot, &facts);
		if (second != LDW_NO_MATCH)
			outcome = second;
	}
	rcu_read_unlock();
count:
	switch (outcome) {
	case LDW_NO_MATCH:
		ldw_count(LDW_CNT_NO_MATCH);
		break;
	case LDW_EXCLUDED:
		ldw_count(LDW_CNT_EXCLUDED);
		break;
	case LDW_MATCH:
		ldw_count(LDW_CNT_MATCHED);
		break;
	}
out:
	ldw_facts_free(&facts);
}

/*
 * Whether @slot's operation may have changed what the host's paths lead
 * to. A write changes no path; a mount or unmount in another mount
 * namespace (a container's, an unprivileged user's own) changes none of
 * the host's, and must not make the host's operations wait for a refresh.
 */
static bool ldw_changes_host_paths(const struct ldw_slot *slot)
{
	if (slot->action == LDW_ACTION_MODIFICATION)
		return false;
	if (slot->action == LDW_ACTION_MOUNT)
		return ldw_targets_host_mntns(current->nsproxy);
	return true;
}

/*
 * A file written was a target by the set the hook read; the set holds no
 * reference, so a target deleted since its last refresh could have had its
 * inode number reused by an unrelated file. Ask again, from a fresh set.
 * (A mount is judged by the set before it: after it, the host's path leads
 * to what was mounted.)
 */
static void ldw_recheck_object(struct ldw_slot *slot)
{
	ldw_targets_refresh();
	rcu_read_lock_sched();
	slot->host = ldw_targets_object(d_inode(slot->dentry));
	rcu_read_unlock_sched();
}

static void ldw_capture_callback(struct callback_head *work)
{
	struct ldw_slot *slot = container_of(work, struct ldw_slot, work);
	bool confirmed;

	if (slot->unmount) {
		if (ldw_changes_host_paths(slot))
			ldw_targets_refresh();
		goto out;
	}

	/*
	 * An io_uring worker may run it from do_exit(), after its root and
	 * namespaces are gone; a task dumping core does, and left what its
	 * judgement needs in the slot.
	 */
	if ((current->flags & PF_EXITING) && !slot->dumping) {
		ldw_drop(LDW_DROP_TASK_EXITING);
		goto out;
	}

	confirmed = ldw_confirmed(slot);
	/* It happened, and changed nothing: no event, nothing to find anew. */
	if (confirmed && slot->action == LDW_ACTION_MOUNT &&
	    ldw_mount_onto_itself(slot)) {
		ldw_count(LDW_CNT_NO_MATCH);
		goto out;
	}
	if (confirmed && slot->action == LDW_ACTION_MODIFICATION)
		ldw_recheck_object(slot);
	if (confirmed && !slot->host && companion &&
	    (slot->action == LDW_ACTION_CREATION ||
	     slot->action == LDW_ACTION_RENAME))
		slot->host = ldw_real_place_is_target(slot);
	if (confirmed) {
		ldw_judge(slot);
	} else if (slot->host && report_failures) {
		slot->failed = true;
		slot->error = ldw_syscall_error();
		ldw_judge(slot);
	} else {
		ldw_count(LDW_CNT_NOT_CONFIRMED);
	}
	/*
	 * What the host's paths lead to may have changed: find the targets
	 * anew before this task's next operation is judged (a file linked into
	 * ld.so.conf.d, then written through its other name, is a target by
	 * then).
	 */
	if (confirmed && slot->host && ldw_changes_host_paths(slot))
		ldw_targets_refresh();
out:
	ldw_slot_put(slot);
}

/* --- Init and exit ------------------------------------------------------ */

/*
 * Wait until no slot is in use and no task runs capture's code: after the
 * probes are gone, and before the module's text is.
 */
static void ldw_capture_drain(void)
{
	/*
	 * task_work_cancel() is not exported: wait for each followed
	 * operation's callback, which runs when its system call returns.
	 */
	while (!wait_event_timeout(ldw_slots_drained,
				   !atomic_read(&ldw_slots_in_use), 10 * HZ))
		pr_warn("capture: waiting for %d operations in progress to end\n",
			atomic_read(&ldw_slots_in_use));
	flush_work(&ldw_release_work);
	/* The last callbacks may still be returning through this module. */
	synchronize_rcu_tasks();
}

int __init ldw_capture_init(void)
{
	const struct ldw_ruleset *set;
	bool kthreads_excluded;
	int err;

	/* The rule set is in force, and with it the prefilter's names. */
	if (companion) {
		err = ldw_targets_init();
		if (err)
			return err;
		pr_info("capture: rules of the host's view (the companion rule %s version %u) on (companion=0 turns them off)\n",
			ldw_companion_rule.id, ldw_companion_rule.version);
	}
	ldw_exe_link_init();
	rcu_read_lock();
	set = rcu_dereference(ldw_ruleset);
	kthreads_excluded = set && set->kthreads_excluded;
	rcu_read_unlock();
	pr_info("capture: %u operations followed at once; kernel threads' operations are %s\n",
		LDW_CAPTURE_SLOTS, kthreads_excluded ?
		"excluded by the rules (no executable)" :
		"dropped (KERNEL_THREAD): a rule does not exclude them");
	err = ldw_probes_register();
	/* The probes registered before the one that failed may have fired. */
	if (err) {
		ldw_capture_drain();
		ldw_exe_link_exit();
		ldw_targets_exit();
	}
	return err;
}

void ldw_capture_exit(void)
{
	ldw_probes_unregister();
	ldw_capture_drain();
	ldw_exe_link_exit();
	ldw_targets_exit();
}
