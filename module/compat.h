/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ldwatch supports lives here, and
 * only here: Kbuild force-includes this header into each module source, so
 * logic files use one API and never test a kernel version themselves.
 *
 * Where a difference can be seen in the target's headers, Kbuild detects it
 * with a feature probe and passes an LDW_HAVE_* define; this header turns
 * those into one API. Probes test for the feature, not
 * the version, so a distribution backport is picked up as it is.
 *
 * Targets: Debian 12's 6.1 (generic and PREEMPT_RT) and 6.12 kernels.
 */
#ifndef _LDWATCH_COMPAT_H
#define _LDWATCH_COMPAT_H

/*
 * This header comes before everything else in each file, before its pr_fmt
 * and its includes: it includes nothing, and its helpers are macros, which
 * expand where they are used, among the kernel headers they need.
 */

/*
 * ldw_dget_atomic(dp) - take a reference to the dentry @dp without sleeping
 *
 * For capture, which the hooks' callbacks enter with preemption disabled.
 * dget() takes d_lock unless its lockref can be updated with one cmpxchg;
 * on PREEMPT_RT d_lock (a spinlock_t) is a sleeping rtmutex and the
 * lockref has no cmpxchg path at all, so there the lock is only tried,
 * again and again for up to LDW_DGET_SPIN_NS: anyone's lookup takes d_lock
 * for a moment (a flood of stat() calls on the same name keeps it busy),
 * and a holder running on another CPU lets go within that. Only a holder
 * preempted on this very CPU outlasts it. Elsewhere dget() is fine: at
 * worst it spins on a true spinlock that no interrupt takes.
 * Needs <linux/dcache.h> and <linux/sched/clock.h>.
 *
 * Return: true if the reference was taken; false if d_lock stayed held.
 */
#define LDW_DGET_SPIN_NS (100 * NSEC_PER_USEC)
#define ldw_dget_atomic(dp) ({						\
	struct dentry *ldw_d_ = (dp);					\
	bool ldw_pinned_ = true;					\
									\
	if (!IS_ENABLED(CONFIG_PREEMPT_RT)) {				\
		dget(ldw_d_);						\
	} else {							\
		u64 ldw_until_ = local_clock() + LDW_DGET_SPIN_NS;	\
									\
		for (;;) {						\
			if (spin_trylock(&ldw_d_->d_lock)) {		\
				dget_dlock(ldw_d_);			\
				spin_unlock(&ldw_d_->d_lock);		\
				ldw_rt_unlocked(&ldw_d_->d_lock);	\
				break;					\
			}						\
			if (local_clock() > ldw_until_) {		\
				ldw_pinned_ = false;			\
				break;					\
			}						\
			cpu_relax();					\
		}							\
	}								\
	ldw_pinned_;							\
})

/*
 * For sparse's lock context count: on PREEMPT_RT spin_trylock() says it
 * acquires, but rt_spin_unlock() only says it releases from 6.2 on.
 */
#ifdef LDW_HAVE_RT_UNLOCK_RELEASES
#define ldw_rt_unlocked(lock) ((void)(lock))
#else
#define ldw_rt_unlocked(lock) __release(lock)
#endif

/*
 * ldw_get_file_rcu(fpp) - a reference to the file *@fpp points to, or NULL
 *
 * @fpp is a struct file __rcu **; call it under rcu_read_lock(). Since 6.7
 * get_file_rcu() takes that address and rechecks the pointer, files being
 * SLAB_TYPESAFE_BY_RCU; before, it was a macro on the file's f_count.
 * Needs <linux/fs.h>.
 */
#ifdef LDW_HAVE_GET_FILE_RCU_PTR
#define ldw_get_file_rcu(fpp) get_file_rcu(fpp)
#else
#define ldw_get_file_rcu(fpp) ({					\
	struct file *ldw_f_ = rcu_dereference(*(fpp));			\
									\
	ldw_f_ && get_file_rcu(ldw_f_) ? ldw_f_ : NULL;			\
})
#endif

/*
 * ldw_ftrace_arg(fregs, n) - argument @n of the function an ftrace callback
 * was called on entry to, from its struct ftrace_regs *@fregs
 *
 * 6.12's struct ftrace_regs is opaque, read with ftrace_regs_get_argument();
 * 6.1's holds a struct pt_regs whose argument registers ftrace fills.
 * Needs <linux/ftrace.h> and <linux/ptrace.h>.
 */
#ifdef LDW_HAVE_FTRACE_REGS_GET_ARGUMENT
#define ldw_ftrace_arg(fregs, n) ftrace_regs_get_argument((fregs), (n))
#else
#define ldw_ftrace_arg(fregs, n) regs_get_kernel_argument(&(fregs)->regs, (n))
#endif

/*
 * ldw_d_real(dentry) - the dentry a stacking file system (overlayfs) keeps
 * @dentry's data in: its upper layer's, once it is there; @dentry itself
 * on any other file system. Needs <linux/dcache.h>.
 */
#ifdef LDW_HAVE_D_REAL_TYPE
#define ldw_d_real(dentry) d_real((dentry), D_REAL_DATA)
#else
#define ldw_d_real(dentry) d_real((dentry), NULL)
#endif

/*
 * ldw_ftrace_regs_of(regs) - a kprobe's register frame, as the struct
 * ftrace_regs an ftrace callback reads its arguments from, so that one
 * callback serves both attachments (attach.c).
 *
 * On x86 a struct ftrace_regs is a struct pt_regs and nothing else (6.1's
 * asm/ftrace.h; 6.12's __arch_ftrace_regs, whose accessors cast the
 * pointer), so the frame is one. The assertion keeps another layout from
 * building.
 */
#define ldw_ftrace_regs_of(regs) ({					\
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_X86_64));			\
	(struct ftrace_regs *)(regs);					\
})

/*
 * ldw_mnt_ns_inum(nsproxy) - the inode number of the mount namespace of a
 * struct nsproxy, as /proc/PID/ns/mnt shows it
 *
 * A layout assumption, the only one: struct mnt_namespace is private to
 * fs/ (fs/mount.h) and nothing exported gives its struct ns_common, but it
 * has begun with "struct ns_common ns" since namespaces got inodes (3.8),
 * in 6.1 and 6.12 alike. struct ns_common itself is public. Needs
 * <linux/ns_common.h> and <linux/nsproxy.h>.
 */
#define ldw_mnt_ns_inum(nsproxy) \
	(((const struct ns_common *)(nsproxy)->mnt_ns)->inum)

/*
 * LDW_GENL_MCAST_ADMIN - the flag that restricts a generic netlink
 * multicast group to processes with CAP_NET_ADMIN, or 0 where the kernel
 * cannot restrict groups (there, alerts go by unicast to subscribers that
 * passed the admin-only LDW_CMD_SUBSCRIBE). Needs <net/genetlink.h>.
 */
#ifdef LDW_HAVE_GENL_MCAST_CAP
#define LDW_GENL_MCAST_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define LDW_GENL_MCAST_ADMIN	0
#endif

/*
 * ldw_mount_up(mntp, dentryp) - from the root of a mount to the place it is
 * mounted on: *@mntp (a const struct vfsmount *) becomes the parent mount
 * and *@dentryp (a const struct dentry *) the mount point in it.
 *
 * A layout assumption, like ldw_mnt_ns_inum(): struct mount is private to
 * fs/ (fs/mount.h), and nothing exported walks from a vfsmount to its
 * mount point without sleeping or locking. struct mount has begun with
 * these four members, the vfsmount right after them, since 3.3, in 6.1 and
 * 6.12 alike. The guest tests mount a file system on a target directory,
 * so a change of layout fails them. Only for readers under
 * rcu_read_lock(): mounts are freed after an RCU grace period.
 *
 * Return: false at the top of the mount tree (the mount is its own parent).
 */
struct ldw_mount_head {
	void *hash[2];				/* struct hlist_node mnt_hash */
	struct ldw_mount_head *parent;		/* struct mount *mnt_parent */
	struct dentry *mountpoint;		/* struct dentry *mnt_mountpoint */
};						/* struct vfsmount mnt follows */

#define ldw_mount_up(mntp, dentryp) ({					\
	const struct vfsmount **ldw_mp_ = (mntp);			\
	const struct ldw_mount_head *ldw_m_ =				\
		(const struct ldw_mount_head *)*ldw_mp_ - 1;		\
	const struct ldw_mount_head *ldw_up_ = READ_ONCE(ldw_m_->parent); \
	bool ldw_moved_ = ldw_up_ != ldw_m_;				\
									\
	if (ldw_moved_) {						\
		*(dentryp) = READ_ONCE(ldw_m_->mountpoint);		\
		*ldw_mp_ = (const struct vfsmount *)(ldw_up_ + 1);	\
	}								\
	ldw_moved_;							\
})

#endif /* _LDWATCH_COMPAT_H */
