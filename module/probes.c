// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks, as a table: adding one is an entry and a callback. How each
 * is attached (an ftrace callback, or a kprobe) is attach.c's business.
 *
 * The hooked functions are LSM hook functions, because they are called once
 * per operation with everything capture needs, wherever the operation comes
 * from (a system call, io_uring, overlayfs), and their prototypes are the
 * same on every target kernel:
 *
 *  - security_path_mknod(dir, dentry, mode, dev): an open with O_CREAT of
 *    a name that does not exist yet (from may_o_create()), creat(), and
 *    mknod(). Unlike security_inode_create() it carries the vfsmount, and
 *    on overlayfs it fires once per user operation, not once per layer.
 *  - security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags):
 *    rename, renameat, renameat2, once per user operation as well.
 *  - security_path_mkdir(), _symlink(), _link(): names bound at a host
 *    target place (targets.h).
 *  - security_file_open(file): every open; one for writing of a host
 *    target goes further. vfs_truncate(path, length): truncate(2), the
 *    one function here that is not an LSM hook (see its callback).
 *  - security_sb_mount(), security_move_mount(): a mount onto a host
 *    target, by mount(2) or the new mount API.
 *  - security_d_instantiate(dentry, inode): a dentry gets its inode. It
 *    tells capture that a file system created the file it watches, where no
 *    system call return value can (io_uring workers, mknod).
 *  - replace_mm_exe_file(mm, file): prctl(PR_SET_MM) gives a process
 *    another executable link (exe_link.h); not an LSM hook: none is called.
 *
 * All of them fire before the operation's outcome is known; capture
 * confirms it afterwards. The callbacks count the operation, and hand it
 * to capture only if the prefilter (Elastic's rule, by path) or the host's
 * targets (by identity) call it a candidate.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/mount.h>
#include <uapi/linux/mount.h>
#include <linux/kernel.h>
#include <linux/path.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/stat.h>
#include <linux/types.h>

#include "capture.h"
#include "exe_link.h"
#include "prefilter.h"
#include "probes.h"
#include "stats.h"
#include "targets.h"

/*
 * The hooked function's argument @n, on entry, typed. The callbacks read
 * each where they need it, from the frame ftrace saved, rather than all
 * at once: the common path then keeps none of them across a call.
 */
#define LDW_ARG(fregs, n)	ldw_ftrace_arg((fregs), (n))
#define LDW_PATH(fregs, n)	((const struct path *)LDW_ARG((fregs), (n)))
#define LDW_DENTRY(fregs, n)	((struct dentry *)LDW_ARG((fregs), (n)))

/*
 * The callbacks count the operation and run the prefilter's inline walk
 * (which holds an RCU-sched section of its own) in whatever context the
 * hooked function was called. Where the walk says maybe, they call out of
 * line, so that the common path holds nothing across a call: the exact
 * prefilter, and the capture of a candidate with preemption disabled, as
 * for a kprobe handler.
 *
 * ftrace asks a callback to guard against recursion, for one that calls,
 * directly or not, a function it hooks. These cannot: nothing they call
 * creates, renames or instantiates a file. So they go without the guard
 * (ftrace_test_recursion_trylock(), some 35 instructions a call) and
 * without FTRACE_OPS_FL_RECURSION, which would wrap them in it: ftrace
 * calls them straight from the trampoline.
 */

/*
 * The binding of @dentry, of @type, in @dir by @action, if it is a
 * candidate: of Elastic's rule by its path (where @elastic says the rule
 * may see it), or a host target place by identity.
 */
static noinline void notrace ldw_hook_bind(const struct path *dir,
					   struct dentry *dentry,
					   enum ldw_action action, umode_t type,
					   bool elastic)
{
	bool host;

	elastic = elastic && ldw_prefilter_match(dir->mnt, dentry);
	preempt_disable_notrace();
	host = ldw_targets_place(dir->dentry, dentry->d_name.name,
				 dentry->d_name.len) != LDW_NDIRS;
	if (elastic || host)
		ldw_capture_bind(dir, dentry, action, type, elastic, host);
	preempt_enable_notrace();
}

/* security_path_mknod(dir, dentry, mode, dev) */
static void notrace ldw_hook_path_mknod(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					struct ftrace_regs *fregs)
{
	umode_t type;

	ldw_count(LDW_CNT_SEEN);
	/* The walk's names say both whether Elastic's rule or the host's view may. */
	if (likely(!ldw_prefilter_maybe(LDW_PATH(fregs, 0)->mnt,
					LDW_DENTRY(fregs, 1))))
		return;
	/*
	 * open(O_CREAT) passes S_IFREG; mknod() may pass type 0 for it. Only
	 * a regular file is an event of Elastic's; any file at a host target
	 * place (a FIFO, a device) is the companion rule's.
	 */
	type = LDW_ARG(fregs, 2) & S_IFMT;
	ldw_hook_bind(LDW_PATH(fregs, 0), LDW_DENTRY(fregs, 1),
		      LDW_ACTION_CREATION, type ?: S_IFREG,
		      !type || type == S_IFREG);
}

/*
 * A binding that only the companion rule judges (a directory, a link):
 * the host target places alone.
 */
static __always_inline void ldw_hook_bind_host(struct ftrace_regs *fregs,
					       unsigned int dir,
					       enum ldw_action action,
					       umode_t type)
{
	ldw_count(LDW_CNT_SEEN);
	if (likely(!ldw_targets_dir_maybe(LDW_PATH(fregs, dir)->dentry)))
		return;
	ldw_hook_bind(LDW_PATH(fregs, dir), LDW_DENTRY(fregs, dir + 1),
		      action, type, false);
}

/* security_path_mkdir(dir, dentry, mode) */
static void notrace ldw_hook_path_mkdir(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					struct ftrace_regs *fregs)
{
	ldw_hook_bind_host(fregs, 0, LDW_ACTION_CREATION, S_IFDIR);
}

/* security_path_symlink(dir, dentry, old_name) */
static void notrace ldw_hook_path_symlink(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *ops,
					  struct ftrace_regs *fregs)
{
	ldw_hook_bind_host(fregs, 0, LDW_ACTION_SYMLINK, S_IFLNK);
}

/* security_path_link(old_dentry, new_dir, new_dentry) */
static void notrace ldw_hook_path_link(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	const struct inode *inode = d_inode(LDW_DENTRY(fregs, 0));

	ldw_hook_bind_host(fregs, 1, LDW_ACTION_LINK, inode->i_mode & S_IFMT);
}

/*
 * A rename's move of (@from_dir, @from) to (@to_dir, @to), if it is a
 * candidate: of Elastic's rule by the target's path, or a host target by
 * identity (a target place taken, or a target directory moved).
 */
static noinline void notrace ldw_hook_move(const struct path *from_dir,
					   struct dentry *from,
					   const struct path *to_dir,
					   struct dentry *to)
{
	const struct inode *moved = d_inode(from);
	bool elastic, host;

	/* A name renamed onto itself: rename(2) succeeds, and nothing moves. */
	if (from == to)
		return;
	elastic = ldw_prefilter_match(to_dir->mnt, to);
	preempt_disable_notrace();
	host = ldw_targets_place(to_dir->dentry, to->d_name.name,
				 to->d_name.len) != LDW_NDIRS ||
	       (S_ISDIR(moved->i_mode) && ldw_targets_object(moved));
	if (elastic || host)
		ldw_capture_move(from_dir, from, to_dir, to, elastic, host);
	preempt_enable_notrace();
}

/*
 * The move of the file in arguments (@from, @from + 1) of
 * security_path_rename() to (@to, @to + 1): the event's file.path is the
 * target's, so the prefilter looks there, for Elastic's rule and for a
 * host target place; the host's view also asks whether a target directory
 * ("etc", "ld.so.conf.d") leaves its place, by the length of its name.
 */
static __always_inline void ldw_hook_rename_to(struct ftrace_regs *fregs,
					       unsigned int from,
					       unsigned int to)
{
	if (unlikely(ldw_prefilter_maybe(LDW_PATH(fregs, to)->mnt,
					 LDW_DENTRY(fregs, to + 1)) ||
		     ldw_prefilter_len_fits(LDW_DENTRY(fregs, from + 1),
					    LDW_PREFILTER_HOST_NAME)))
		ldw_hook_move(LDW_PATH(fregs, from), LDW_DENTRY(fregs, from + 1),
			      LDW_PATH(fregs, to), LDW_DENTRY(fregs, to + 1));
}

/* RENAME_EXCHANGE: each side moves to the other's place. */
static noinline void notrace ldw_hook_exchange(struct ftrace_regs *fregs)
{
	ldw_hook_rename_to(fregs, 0, 2);
	ldw_hook_rename_to(fregs, 2, 0);
}

/* security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags) */
static void notrace ldw_hook_path_rename(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	ldw_count(LDW_CNT_SEEN);
	if (unlikely(LDW_ARG(fregs, 4) & RENAME_EXCHANGE)) {
		ldw_hook_exchange(fregs);
		return;
	}
	ldw_hook_rename_to(fregs, 0, 2);
}

/* The write-open or truncation of @inode at @path, if it is a target. */
static noinline void notrace ldw_hook_modify(const struct path *path,
					     struct file *file)
{
	preempt_disable_notrace();
	if (ldw_targets_object(d_inode(path->dentry))) {
		if (file)
			ldw_capture_write(file);
		else
			ldw_capture_path(path, LDW_ACTION_MODIFICATION);
	}
	preempt_enable_notrace();
}

/*
 * security_file_open(file): every open. Only one for writing, of a file
 * whose inode number has a target's bit, goes further; not one that
 * creates its file (FMODE_CREATED): that is a creation, judged as one.
 */
static void notrace ldw_hook_file_open(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct file *file = (struct file *)LDW_ARG(fregs, 0);

	if (likely(!(file->f_mode & FMODE_WRITE)))
		return;
	if (likely(!ldw_targets_file_maybe(file->f_inode)) ||
	    (file->f_mode & FMODE_CREATED))
		return;
	ldw_hook_modify(&file->f_path, file);
}

/*
 * vfs_truncate(path, length): truncate(2), and nothing else. Not the LSM
 * hook security_path_truncate(), which every open(O_TRUNC) also calls on
 * some kernels: that open was judged as a write-open already, and the
 * hook would cost each of them a second call. ftruncate(2) needs a file
 * opened for writing: judged at its open.
 */
static void notrace ldw_hook_vfs_truncate(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *ops,
					  struct ftrace_regs *fregs)
{
	const struct path *path = LDW_PATH(fregs, 0);

	if (likely(!ldw_targets_file_maybe(d_inode(path->dentry))))
		return;
	ldw_hook_modify(path, NULL);
}

/* A mount attached at @path, if it is a target or the host's root. */
static noinline void notrace ldw_hook_mount(const struct path *path)
{
	preempt_disable_notrace();
	if (ldw_targets_mountpoint(d_inode(path->dentry)))
		ldw_capture_path(path, LDW_ACTION_MOUNT);
	preempt_enable_notrace();
}

/*
 * security_sb_mount(dev_name, path, type, flags, data): mount(2). A
 * remount or a change of propagation attaches nothing.
 */
static void notrace ldw_hook_sb_mount(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	unsigned long flags = LDW_ARG(fregs, 3);

	if (flags & (MS_REMOUNT | MS_SHARED | MS_PRIVATE | MS_SLAVE |
		     MS_UNBINDABLE))
		return;
	ldw_hook_mount(LDW_PATH(fregs, 1));
}

/* security_move_mount(from_path, to_path): move_mount(2), the new API. */
static void notrace ldw_hook_move_mount(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					struct ftrace_regs *fregs)
{
	ldw_hook_mount(LDW_PATH(fregs, 1));
}

/* A mount being unmounted, if it is one over a host target. */
static noinline void notrace ldw_hook_unmount(const struct vfsmount *mnt)
{
	preempt_disable_notrace();
	if (ldw_targets_object(d_inode(mnt->mnt_root)))
		ldw_capture_unmount();
	preempt_enable_notrace();
}

/* security_sb_umount(mnt, flags): umount(2), lazy or not. */
static void notrace ldw_hook_sb_umount(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	const struct vfsmount *mnt = (const struct vfsmount *)LDW_ARG(fregs, 0);
	const struct dentry *root = mnt->mnt_root;

	if (likely(!ldw_targets_file_maybe(d_inode(root)) &&
		   !ldw_targets_dir_maybe(root)))
		return;
	ldw_hook_unmount(mnt);
}

/* security_d_instantiate(dentry, inode) */
static void notrace ldw_hook_d_instantiate(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *ops,
					   struct ftrace_regs *fregs)
{
	ldw_capture_instantiate(LDW_DENTRY(fregs, 0));
}

/* replace_mm_exe_file(mm, new_exe_file) */
static void notrace ldw_hook_replace_exe(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	ldw_exe_link_replacing((struct mm_struct *)LDW_ARG(fregs, 0));
}

const struct ldw_hook ldw_hook_table[LDW_HOOK_COUNT] = {
	{
		.symbol = "security_path_mknod",
		.callback = ldw_hook_path_mknod,
		.lost = "file creations",
	},
	{
		.symbol = "security_path_rename",
		.callback = ldw_hook_path_rename,
		.lost = "renames",
	},
	{
		.symbol = "security_path_mkdir",
		.callback = ldw_hook_path_mkdir,
		.lost = "directories made at target places",
	},
	{
		.symbol = "security_path_symlink",
		.callback = ldw_hook_path_symlink,
		.lost = "symbolic links made at target places",
	},
	{
		.symbol = "security_path_link",
		.callback = ldw_hook_path_link,
		.lost = "hard links made at target places",
	},
	{
		.symbol = "security_file_open",
		.callback = ldw_hook_file_open,
		.lost = "writes to existing targets",
	},
	{
		.symbol = "vfs_truncate",
		.callback = ldw_hook_vfs_truncate,
		.lost = "truncations of targets by truncate(2)",
	},
	{
		.symbol = "security_sb_mount",
		.callback = ldw_hook_sb_mount,
		.lost = "mounts onto targets",
	},
	{
		.symbol = "security_move_mount",
		.callback = ldw_hook_move_mount,
		.lost = "mounts onto targets by the new mount API",
	},
	{
		.symbol = "security_sb_umount",
		.callback = ldw_hook_sb_umount,
		.lost = "unmounts that reveal targets again",
	},
	{
		.symbol = "security_d_instantiate",
		.callback = ldw_hook_d_instantiate,
		.lost = "file creations by io_uring and mknod",
	},
	{
		.symbol = "replace_mm_exe_file",
		.callback = ldw_hook_replace_exe,
		.lost = "processes that change their executable link",
	},
};

