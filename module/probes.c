// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobes, as a table: adding a hook is one entry and one handler.
 *
 * The hooks are LSM hook functions, because they are called once per
 * operation with everything capture needs, wherever the operation comes
 * from (a system call, io_uring, overlayfs), and their prototypes are the
 * same on every target kernel:
 *
 *  - security_path_mknod(dir, dentry, mode, dev): an open with O_CREAT of
 *    a name that does not exist yet (from may_o_create()), creat(), and
 *    mknod(). Unlike security_inode_create() it carries the vfsmount, and
 *    on overlayfs it fires once per user operation, not once per layer.
 *  - security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags):
 *    rename, renameat, renameat2, once per user operation as well.
 *  - security_d_instantiate(dentry, inode): a dentry gets its inode. It
 *    tells capture that a file system created the file it watches, where no
 *    system call return value can (io_uring workers, mknod).
 *
 * All of them fire before the operation's outcome is known; capture
 * confirms it afterwards. Handlers run with preemption disabled: they read
 * the arguments of the probed function from its entry registers and call
 * capture, which never sleeps there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/path.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/types.h>

#include "capture.h"
#include "probes.h"

/* The probed function's argument @n, on entry (a pre-handler). */
#define LDW_ARG(regs, n) regs_get_kernel_argument((regs), (n))

static int ldw_pre_path_mknod(struct kprobe *kp, struct pt_regs *regs)
{
	ldw_capture_create((const struct path *)LDW_ARG(regs, 0),
			   (struct dentry *)LDW_ARG(regs, 1),
			   (umode_t)LDW_ARG(regs, 2));
	return 0;
}

static int ldw_pre_path_rename(struct kprobe *kp, struct pt_regs *regs)
{
	ldw_capture_rename((const struct path *)LDW_ARG(regs, 0),
			   (struct dentry *)LDW_ARG(regs, 1),
			   (const struct path *)LDW_ARG(regs, 2),
			   (struct dentry *)LDW_ARG(regs, 3),
			   (unsigned int)LDW_ARG(regs, 4));
	return 0;
}

static int ldw_pre_d_instantiate(struct kprobe *kp, struct pt_regs *regs)
{
	ldw_capture_instantiate((const struct dentry *)LDW_ARG(regs, 0));
	return 0;
}

/**
 * struct ldw_probe - one hook
 * @symbol: the kernel function probed
 * @pre_handler: called on entry to it
 * @required: whether ldwatch refuses to load without it
 * @lost: what goes unwatched without it, for the log
 */
struct ldw_probe {
	const char *symbol;
	kprobe_pre_handler_t pre_handler;
	bool required;
	const char *lost;
};

static const struct ldw_probe ldw_probe_table[] = {
	{
		.symbol = "security_path_mknod",
		.pre_handler = ldw_pre_path_mknod,
		.required = true,
		.lost = "file creations",
	},
	{
		.symbol = "security_path_rename",
		.pre_handler = ldw_pre_path_rename,
		.required = true,
		.lost = "renames",
	},
	{
		.symbol = "security_d_instantiate",
		.pre_handler = ldw_pre_d_instantiate,
		.required = true,
		.lost = "file creations by io_uring and mknod",
	},
};

static struct kprobe ldw_kprobes[ARRAY_SIZE(ldw_probe_table)];
/* The registered ones, for unregister_kprobes(). */
static struct kprobe *ldw_registered[ARRAY_SIZE(ldw_probe_table)];
static unsigned int ldw_nregistered;

int __init ldw_probes_register(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(ldw_probe_table); i++) {
		const struct ldw_probe *probe = &ldw_probe_table[i];
		struct kprobe *kp = &ldw_kprobes[i];

		kp->symbol_name = probe->symbol;
		kp->pre_handler = probe->pre_handler;
		err = register_kprobe(kp);
		if (!err) {
			ldw_registered[ldw_nregistered++] = kp;
			continue;
		}
		/* -ENOENT: no such symbol; -EINVAL on kernels before 5.x. */
		if (!probe->required && (err == -ENOENT || err == -EINVAL)) {
			pr_warn("probe: %s is not in this kernel (error %d): %s are not watched\n",
				probe->symbol, err, probe->lost);
			continue;
		}
		pr_err("probe: cannot probe %s (error %d), without which %s are not watched\n",
		       probe->symbol, err, probe->lost);
		pr_err("probe: ldwatch needs a kernel with CONFIG_KPROBES, CONFIG_SECURITY and CONFIG_SECURITY_PATH, and the function not blacklisted for kprobes (see /sys/kernel/debug/kprobes/blacklist)\n");
		ldw_probes_unregister();
		return err;
	}
	pr_info("probe: %u of %zu hooks registered\n", ldw_nregistered,
		ARRAY_SIZE(ldw_probe_table));
	return 0;
}

void ldw_probes_unregister(void)
{
	if (!ldw_nregistered)
		return;
	/* One grace period for all: no handler runs when this returns. */
	unregister_kprobes(ldw_registered, ldw_nregistered);
	ldw_nregistered = 0;
}
