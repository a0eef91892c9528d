// SPDX-License-Identifier: GPL-2.0
/*
 * How the hooks (probes.c) are attached to the functions they hook, by the
 * module parameter hook=:
 *
 *  - ftrace (the default): an ftrace callback on the function's entry (an
 *    ftrace_ops with a filter of that one function), the mechanism kprobes
 *    use on these functions too (KPROBES_ON_FTRACE), without the kprobe
 *    layer on top: no full register frame, no kprobe lookup and state. A
 *    kprobe that does nothing costs more than ldwatch's whole budget on a
 *    tmpfs rename (make bench, README).
 *  - kprobe: a kprobe on the function's entry, whose pre-handler calls the
 *    same callback. For kernels whose ftrace cannot pass arguments, or an
 *    administrator who wants ldwatch out of the function tracer's way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/string.h>

#include "probes.h"

/*
 * Callbacks need the hooked function's arguments, which ftrace passes when
 * it saves them (WITH_ARGS) or a full register frame (WITH_REGS, asked for
 * with FTRACE_OPS_FL_SAVE_REGS below).
 */
#if !defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) && \
	!defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#error "ldwatch needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS or CONFIG_DYNAMIC_FTRACE_WITH_REGS"
#endif

static char *hook = "ftrace";
module_param(hook, charp, 0444);
MODULE_PARM_DESC(hook,
		 "How the LSM hook functions are hooked: ftrace (default: an ftrace callback on entry, the cheapest) or kprobe (a kprobe on entry)");

static bool ldw_use_kprobes;

/**
 * struct ldw_attachment - one hook as attached
 * @ops: its ftrace_ops (hook=ftrace)
 * @kp: its kprobe (hook=kprobe)
 * @hook: the table's entry
 */
struct ldw_attachment {
	union {
		struct ftrace_ops ops;
		struct kprobe kp;
	};
	const struct ldw_hook *hook;
};

static struct ldw_attachment ldw_attached[LDW_HOOK_COUNT];
static unsigned int ldw_nregistered;

/*
 * With hook=kprobe, kprobes on these functions run on ftrace
 * (KPROBES_ON_FTRACE) without its PERMANENT flag: kernel.ftrace_enabled=0
 * would silence them without a word. A permanent ftrace_ops of an empty
 * callback, on a function rarely called, keeps that sysctl from being
 * turned off while ldwatch is loaded, as the default hooks do.
 */
static struct ftrace_ops ldw_ftrace_pin;
static bool ldw_ftrace_pinned;
#define LDW_FTRACE_PIN_SYMBOL "security_sb_umount"

static void notrace ldw_ftrace_pin_callback(unsigned long ip,
					    unsigned long parent_ip,
					    struct ftrace_ops *ops,
					    struct ftrace_regs *fregs)
{
}

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

/* Hook @hook->symbol with @ops; on failure @ops holds no filter. */
static int __init ldw_ftrace_attach(const struct ldw_hook *hook,
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

/*
 * The kprobe's pre-handler: the callback, given the probed function's
 * register frame as the struct ftrace_regs it reads arguments from. Runs
 * with preemption disabled; kprobes guard against recursion themselves.
 */
static int ldw_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct ldw_attachment *a =
		container_of(kp, struct ldw_attachment, kp);

	a->hook->callback(instruction_pointer(regs), 0, NULL,
			  ldw_ftrace_regs_of(regs));
	return 0;
}

static int __init ldw_kprobe_attach(const struct ldw_hook *hook,
				    struct kprobe *kp)
{
	int err;

	*kp = (struct kprobe){
		.symbol_name = hook->symbol,
		.pre_handler = ldw_kprobe_pre,
	};
	err = register_kprobe(kp);
	if (err)
		pr_err("probe: cannot put a kprobe on %s (error %d)%s; %s would not be watched\n",
		       hook->symbol, err,
		       err == -ENOENT ? ": this kernel has no such function" : "",
		       hook->lost);
	return err;
}

static void ldw_detach(struct ldw_attachment *a)
{
	if (ldw_use_kprobes) {
		/* Returns when no pre-handler of it runs any more. */
		unregister_kprobe(&a->kp);
		return;
	}
	/* Returns when no callback of it runs or will run. */
	unregister_ftrace_function(&a->ops);
	ftrace_free_filter(&a->ops);
}

int __init ldw_probes_register(void)
{
	unsigned int i;
	int err;

	if (!strcmp(hook, "kprobe")) {
		ldw_use_kprobes = true;
	} else if (!strcmp(hook, "ftrace")) {
		ldw_use_kprobes = false;
	} else {
		pr_err("probe: hook=%s: no such mechanism; use hook=ftrace (the default) or hook=kprobe\n",
		       hook);
		return -EINVAL;
	}
	for (i = 0; i < LDW_HOOK_COUNT; i++) {
		struct ldw_attachment *a = &ldw_attached[i];

		a->hook = &ldw_hook_table[i];
		if (ldw_use_kprobes)
			err = ldw_kprobe_attach(a->hook, &a->kp);
		else
			err = ldw_ftrace_attach(a->hook, &a->ops);
		if (err) {
			pr_err("probe: ldwatch needs a kernel with CONFIG_SECURITY, CONFIG_SECURITY_PATH and CONFIG_DYNAMIC_FTRACE (hook=ftrace) or CONFIG_KPROBES (hook=kprobe)\n");
			ldw_probes_unregister();
			return err;
		}
		ldw_nregistered++;
	}
	if (ldw_use_kprobes) {
		static const struct ldw_hook pin = {
			.symbol = LDW_FTRACE_PIN_SYMBOL,
			.callback = ldw_ftrace_pin_callback,
			.lost = "function tracing's guard against being turned off",
		};

		err = ldw_ftrace_attach(&pin, &ldw_ftrace_pin);
		if (err) {
			ldw_probes_unregister();
			return err;
		}
		ldw_ftrace_pinned = true;
	}
	pr_info("probe: %u hooks attached by %s\n", ldw_nregistered,
		ldw_use_kprobes ? "kprobe" : "ftrace");
	return 0;
}

void ldw_probes_unregister(void)
{
	while (ldw_nregistered)
		ldw_detach(&ldw_attached[--ldw_nregistered]);
	if (ldw_ftrace_pinned) {
		unregister_ftrace_function(&ldw_ftrace_pin);
		ftrace_free_filter(&ldw_ftrace_pin);
		ldw_ftrace_pinned = false;
	}
}
