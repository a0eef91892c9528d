/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks: which kernel functions ldwatch hooks, with the callback each
 * runs on their entry (probes.c), and how they are attached (attach.c): an
 * ftrace callback by default, or a kprobe with hook=kprobe. A callback
 * reads the hooked function's arguments from a struct ftrace_regs, which
 * the kprobe attachment makes of its register frame (compat.h).
 */
#ifndef _LDWATCH_PROBES_H
#define _LDWATCH_PROBES_H

#include <linux/ftrace.h>
#include <linux/init.h>

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

/* probes.c's table, of LDW_HOOK_COUNT entries. */
#define LDW_HOOK_COUNT 12
extern const struct ldw_hook ldw_hook_table[LDW_HOOK_COUNT];

/**
 * ldw_probes_register() - attach every hook of the table
 *
 * By the mechanism the module parameter hook= names. Every hook is
 * required: a function this kernel lacks, or any other error, fails with a
 * message that says what the kernel needs. On failure no hook stays
 * attached. Callbacks may run as soon as the first is attached.
 *
 * Return: 0 or a negative errno.
 */
int __init ldw_probes_register(void);

/**
 * ldw_probes_unregister() - detach every attached hook
 *
 * Returns when no callback runs or will run. Sleeps.
 */
void ldw_probes_unregister(void);

#endif /* _LDWATCH_PROBES_H */
