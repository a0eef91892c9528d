// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks, as a table: adding one is an entry and a handler.
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
 *  - security_d_instantiate(dentry, inode): a dentry gets its inode. It
 *    tells capture that a file system created the file it watches, where no
 *    system call return value can (io_uring workers, mknod).
 *
 * Each is hooked by an ftrace callback on its entry (an ftrace_ops with a
 * filter of that one function), the mechanism kprobes use on these
 * functions too (KPROBES_ON_FTRACE), without the kprobe layer on top: no
 * full register frame, no kprobe lookup and state. A kprobe that does
 * nothing adds about 140 instructions to a tmpfs rename of 9,400, more
 * than ldwatch's whole budget of 1% (make bench, README).
 *
 * All of them fire before the operation's outcome is known; capture
 * confirms it afterwards. The callbacks count the operation, and hand it
 * to capture only if the prefilter calls it a candidate.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/path.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/stat.h>
#include <linux/types.h>

#include "capture.h"
#include "prefilter.h"
#include "probes.h"
#include "stats.h"

/*
 * Callbacks need the hooked function's arguments, which ftrace passes when
 * it saves them (WITH_ARGS) or a full register frame (WITH_REGS, asked for
 * with FTRACE_OPS_FL_SAVE_REGS below).
 */
#if !defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) && \
	!defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#error "ldwatch needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS or CONFIG_DYNAMIC_FTRACE_WITH_REGS"
#endif

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

/* The creation of @dentry in @dir, if the prefilter lets it through. */
static noinline void notrace ldw_hook_create(const struct path *dir,
					     struct dentry *dentry)
{
	if (!ldw_prefilter_match(dir->mnt, dentry))
		return;
	preempt_disable_notrace();
	ldw_capture_create(dir, dentry);
	preempt_enable_notrace();
}

/* security_path_mknod(dir, dentry, mode, dev) */
static void notrace ldw_hook_path_mknod(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					struct ftrace_regs *fregs)
{
	umode_t mode = LDW_ARG(fregs, 2);

	ldw_count(LDW_CNT_SEEN);
	/* open(O_CREAT) passes S_IFREG; mknod() may pass type 0 for it. */
	if ((mode & S_IFMT) && !S_ISREG(mode))
		return;
	if (likely(!ldw_prefilter_maybe(LDW_PATH(fregs, 0)->mnt,
					LDW_DENTRY(fregs, 1))))
		return;
	ldw_hook_create(LDW_PATH(fregs, 0), LDW_DENTRY(fregs, 1));
}

/*
 * A rename's move of (@from_dir, @from) to (@to_dir, @to), if the
 * prefilter lets its target through.
 */
static noinline void notrace ldw_hook_move(const struct path *from_dir,
					   struct dentry *from,
					   const struct path *to_dir,
					   struct dentry *to)
{
	if (!ldw_prefilter_match(to_dir->mnt, to))
		return;
	preempt_disable_notrace();
	ldw_capture_move(from_dir, from, to_dir, to);
	preempt_enable_notrace();
}

/*
 * The move of the file in arguments (@from, @from + 1) of
 * security_path_rename() to (@to, @to + 1): the event's file.path is the
 * target's, so the prefilter looks there.
 */
static __always_inline void ldw_hook_rename_to(struct ftrace_regs *fregs,
					       unsigned int from,
					       unsigned int to)
{
	if (unlikely(ldw_prefilter_maybe(LDW_PATH(fregs, to)->mnt,
					 LDW_DENTRY(fregs, to + 1))))
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

/* security_d_instantiate(dentry, inode) */
static void notrace ldw_hook_d_instantiate(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *ops,
					   struct ftrace_regs *fregs)
{
	ldw_capture_instantiate(LDW_DENTRY(fregs, 0));
}

/**
 * struct ldw_hook - one hooked function
 * @symbol: its name
 * @callback: called on entry to it
 * @lost: what goes unwatched without it, for the log
 */
struct ldw_hook {
	const char *symbol;
	ftrace_func_t callback;
	const char *lost;
};

static const struct ldw_hook ldw_hook_table[] = {
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
		.symbol = "security_d_instantiate",
		.callback = ldw_hook_d_instantiate,
		.lost = "file creations by io_uring and mknod",
	},
};

/*
 * One ftrace_ops per function, so that ftrace gives each its own
 * trampoline calling the callback directly, not a list walk.
 *
 * PERMANENT: while ldwatch is loaded, the kernel.ftrace_enabled sysctl
 * cannot be turned off, which would blind it without a word (livepatch
 * does the same). SAVE_REGS only where ftrace cannot pass arguments alone.
 */
#define LDW_OPS_FLAGS (FTRACE_OPS_FL_PERMANENT |			\
		       (IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) ?	\
			0 : FTRACE_OPS_FL_SAVE_REGS))

static struct ftrace_ops ldw_ops[ARRAY_SIZE(ldw_hook_table)];
static unsigned int ldw_nregistered;

/* Hook @hook->symbol with @ops; on failure @ops holds no filter. */
static int __init ldw_hook_register(const struct ldw_hook *hook,
				    struct ftrace_ops *ops)
{
	/* ftrace_set_filter() takes a glob it may write to: a copy. */
	char glob[KSYM_NAME_LEN];
	int err;

	strscpy(glob, hook->symbol, sizeof(glob));
	/*
	 * A fresh ops, all of it: ftrace keeps its own state in the ops
	 * (hashes, trampoline, flags), and one registered before (the KUnit
	 * suite registers twice) must not carry it into this registration.
	 */
	*ops = (struct ftrace_ops){
		.func = hook->callback,
		.flags = LDW_OPS_FLAGS,
	};
	err = ftrace_set_filter(ops, (unsigned char *)glob, strlen(glob), 1);
	if (err) {
		/* No such function, or ftrace may not hook it (notrace). */
		pr_err("probe: cannot hook %s (error %d): it is not in this kernel's ftrace functions (see /sys/kernel/tracing/available_filter_functions); %s would not be watched\n",
		       hook->symbol, err, hook->lost);
		return err;
	}
	err = register_ftrace_function(ops);
	if (err) {
		if (err == -EBUSY)
			pr_err("probe: cannot hook %s (error %d): function tracing is off (sysctl kernel.ftrace_enabled=0); turn it on to load ldwatch\n",
			       hook->symbol, err);
		else
			pr_err("probe: cannot hook %s (error %d); %s would not be watched\n",
			       hook->symbol, err, hook->lost);
		ftrace_free_filter(ops);
	}
	return err;
}

int __init ldw_probes_register(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(ldw_hook_table); i++) {
		err = ldw_hook_register(&ldw_hook_table[i], &ldw_ops[i]);
		if (err) {
			pr_err("probe: ldwatch needs a kernel with CONFIG_DYNAMIC_FTRACE, CONFIG_SECURITY and CONFIG_SECURITY_PATH\n");
			ldw_probes_unregister();
			return err;
		}
		ldw_nregistered++;
	}
	pr_info("probe: %u hooks registered\n", ldw_nregistered);
	return 0;
}

void ldw_probes_unregister(void)
{
	/*
	 * Each returns when no callback of its ops runs or will run, and the
	 * ops is no longer referenced by ftrace.
	 */
	while (ldw_nregistered) {
		struct ftrace_ops *ops = &ldw_ops[--ldw_nregistered];

		unregister_ftrace_function(ops);
		ftrace_free_filter(ops);
	}
}
