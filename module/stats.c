// SPDX-License-Identifier: GPL-2.0
/*
 * The module's counters (stats.h). Each CPU counts into its own copy, so
 * that a probe handler counts with one preemption-safe increment and no
 * shared cache line; a reader sums the copies. A sum read while others count
 * is not a snapshot of one instant, but no increment is ever lost.
 */
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "stats.h"

/*
 * Static, not allocated: a hook then counts with one instruction that
 * addresses its CPU's copy directly, where an allocated copy is reached
 * through a pointer loaded first. The module's per-CPU area is part of
 * the module (a few hundred bytes of the kernel's reserve for modules).
 */
DEFINE_PER_CPU(struct ldw_cpu_stats, ldw_cpu_stats);

const u16 ldw_counter_attr[LDW_CNT_COUNT] = {
#define LDW_STAT(NAME, type, ...) \
	LDW_IF_COUNTER_##type([LDW_CNT_##NAME] = LDW_STAT_##NAME)
#include <ldwatch/netlink_spec.h>
};

/**
 * ldw_stats_init() - set every counter to zero
 *
 * The counters are static: nothing to allocate, nothing to free at exit.
 */
void ldw_stats_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&ldw_cpu_stats, cpu), 0,
		       sizeof(struct ldw_cpu_stats));
}

/**
 * ldw_count_drop() - add one to the drop counter of @reason
 * @reason: why an alert was lost
 *
 * Never sleeps; callable from any context, a hook's callback included.
 * Callers that lose an alert call ldw_drop() (alert.h), which also consumes
 * a sequence number; this only counts.
 */
void ldw_count_drop(enum ldw_drop reason)
{
	if (WARN_ON_ONCE(reason <= LDW_DROP_PAD || reason > LDW_DROP_MAX))
		return;
	this_cpu_inc(ldw_cpu_stats.dropped[reason]);
}

/**
 * ldw_stats_read() - sum every counter over all CPUs
 * @snapshot: filled with the sums
 */
void ldw_stats_read(struct ldw_stats_snapshot *snapshot)
{
	unsigned int cpu, i;

	memset(snapshot, 0, sizeof(*snapshot));
	for_each_possible_cpu(cpu) {
		const struct ldw_cpu_stats *s = per_cpu_ptr(&ldw_cpu_stats, cpu);

		for (i = 0; i < LDW_CNT_COUNT; i++)
			snapshot->counters[i] += READ_ONCE(s->counters[i]);
		for (i = 0; i < __LDW_DROP_MAX; i++)
			snapshot->dropped[i] += READ_ONCE(s->dropped[i]);
	}
}
