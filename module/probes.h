/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks: which kernel functions ldwatch hooks (ftrace callbacks on
 * their entry), and how their arguments are read. Each callback hands the
 * typed arguments to capture (capture.h) and returns.
 */
#ifndef _LDWATCH_PROBES_H
#define _LDWATCH_PROBES_H

#include <linux/init.h>

/**
 * ldw_probes_register() - register every hook of the table
 *
 * Every hook is required: a function this kernel lacks, or any other error,
 * fails with a message that says what the kernel needs. On failure no hook
 * stays registered. Callbacks may run as soon as the first is registered.
 *
 * Return: 0 or a negative errno from ftrace_set_filter() or
 * register_ftrace_function().
 */
int __init ldw_probes_register(void);

/**
 * ldw_probes_unregister() - unregister every hook registered
 *
 * Sleeps; when it returns, no callback is running or will run.
 */
void ldw_probes_unregister(void);

#endif /* _LDWATCH_PROBES_H */
