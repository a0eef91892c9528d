/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's counters: what the hooks saw and what became of it. They
 * are per-CPU, so that counting costs the hot path no shared cache line;
 * readers (the status command, the stopping message) sum them.
 */
#ifndef _LDWATCH_STATS_H
#define _LDWATCH_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>

#include <ldwatch/netlink.h>

/*
 * For the LDW_STAT lines of netlink_spec.h: the item made of a counter (a
 * U64 line), with its comma, and nothing of the DROPPED nest, whose
 * counters are by enum ldw_drop.
 */
#define LDW_IF_COUNTER_U64(item)	item,
#define LDW_IF_COUNTER_NEST(...)

/* One per counter of the LDW_A_STATS nest, in the order of the protocol. */
enum ldw_counter {
#define LDW_STAT(NAME, type, ...) LDW_IF_COUNTER_##type(LDW_CNT_##NAME)
#include <ldwatch/netlink_spec.h>
	LDW_CNT_COUNT
};

/* The LDW_STAT_* attribute of each counter. */
extern const u16 ldw_counter_attr[LDW_CNT_COUNT];

/**
 * struct ldw_stats_snapshot - every counter, summed over CPUs
 * @counters: indexed by enum ldw_counter
 * @dropped: indexed by enum ldw_drop (0 and LDW_DROP_PAD unused)
 */
struct ldw_stats_snapshot {
	u64 counters[LDW_CNT_COUNT];
	u64 dropped[__LDW_DROP_MAX];
};

/* One CPU's counters; laid out as struct ldw_stats_snapshot is. */
struct ldw_cpu_stats {
	u64 counters[LDW_CNT_COUNT];
	u64 dropped[__LDW_DROP_MAX];
};

/* stats.c's; visible here only so that ldw_count() inlines. */
DECLARE_PER_CPU(struct ldw_cpu_stats, ldw_cpu_stats);

void ldw_stats_init(void);

/**
 * ldw_count() - add one to @counter
 * @counter: which
 *
 * One preemption-safe per-CPU increment, inline: the hooks count every
 * operation they see. Never sleeps; callable from any context.
 */
static inline void ldw_count(enum ldw_counter counter)
{
	this_cpu_inc(ldw_cpu_stats.counters[counter]);
}

void ldw_count_drop(enum ldw_drop reason);
void ldw_stats_read(struct ldw_stats_snapshot *snapshot);

#endif /* _LDWATCH_STATS_H */
