/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobes: which kernel functions ldwatch hooks, and how their
 * arguments are read. Each handler hands the typed arguments to capture
 * (capture.h) and returns.
 */
#ifndef _LDWATCH_PROBES_H
#define _LDWATCH_PROBES_H

#include <linux/init.h>

/**
 * ldw_probes_register() - register every probe of the table
 *
 * A probe on a function this kernel lacks is skipped with a message when
 * the table marks it optional; a required one, or any other error, fails
 * with a message that says what the kernel needs. On failure no probe stays
 * registered. Handlers may run as soon as the first probe is registered.
 *
 * Return: 0 or a negative errno from register_kprobe().
 */
int __init ldw_probes_register(void);

/**
 * ldw_probes_unregister() - unregister every probe registered
 *
 * Sleeps; when it returns, no handler is running or will run.
 */
void ldw_probes_unregister(void);

#endif /* _LDWATCH_PROBES_H */
