/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The delivery queue: alerts in sequence order, between capture
 * (ldw_alert_submit(), alert.h) and the netlink family (genl.h), which a
 * work item sends them through.
 */
#ifndef _LDWATCH_QUEUE_H
#define _LDWATCH_QUEUE_H

#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

struct ldw_alert;

int ldw_queue_init(void);

/* A listener appeared: try to send what waits now rather than at the next poll. */
void ldw_queue_kick(void);

/* The sequence number the next alert (or drop) will get. */
u64 ldw_queue_next_seq(void);

/*
 * At unload, once capture submits nothing more: stop the work item, try once
 * to send each queued alert and count the rest as LDW_DROP_UNLOAD. Alerts
 * submitted afterwards are dropped as LDW_DROP_UNLOAD too.
 */
void ldw_queue_stop(void);

/* Last: free what is left (nothing, after ldw_queue_stop()). */
void ldw_queue_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * queue.c's internals, visible to its KUnit suite only (VISIBLE_IF_KUNIT):
 * the bounds (module parameters), and the queue with its lock, which the
 * suites walk to see the alerts waiting.
 */
extern unsigned int queue_max_alerts;
extern unsigned int queue_max_bytes;
extern raw_spinlock_t ldw_queue_lock;
extern struct list_head ldw_queue;
struct ldw_alert *ldw_queue_head(void);
#endif

#endif /* _LDWATCH_QUEUE_H */
