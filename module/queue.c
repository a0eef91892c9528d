// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery queue. Capture hands each alert over in the acting task's
 * context (ldw_alert_submit()); this file numbers it, holds it in order and
 * lets a work item send it, so that the task never waits for a listener.
 *
 * Sequence numbers count every alert and every drop (ldw_drop()) from 1
 * without holes: a listener that sees a hole knows how many it missed, and
 * the drop counters say why. An alert is numbered under the queue lock,
 * where it is also appended, so the queue is in sequence order.
 *
 * The lock is a raw spinlock held for a list operation and two additions:
 * it never sleeps, also on PREEMPT_RT, and nothing is allocated or freed
 * under it. (ldw_alert_submit() frees an alert it drops, after unlocking;
 * on PREEMPT_RT kfree() wants a preemptible caller, which capture's
 * task_work callback is.) Only the work item, or at unload
 * ldw_queue_stop(), takes alerts out, so it may look at the head without
 * the lock while it sends it.
 *
 * Alerts wait while nobody listens; that is not a drop. The queue is
 * bounded in alerts and in bytes (module parameters): an alert that finds
 * it full is dropped as LDW_DROP_QUEUE_FULL, its number left as a hole.
 *
 * A share of both bounds is reserved for alerts about the host's targets
 * (they carry a target path) whose operation happened: every other alert,
 * an unprivileged user's flood over as many budgets as it makes namespaces
 * included, fills the queue only up to the reserve, so that such a flood
 * cannot make the queue drop an alert about what was done to the host's
 * targets. A failed attempt does not use the reserve: anyone may attempt
 * (report_failures). The rate limit's summaries, bounded in number by its
 * table, are never refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "alert.h"
#include "genl.h"
#include "lost.h"
#include "queue.h"
#include "ruleset.h"
#include "stats.h"

VISIBLE_IF_KUNIT unsigned int queue_max_alerts = 4096;
module_param(queue_max_alerts, uint, 0444);
MODULE_PARM_DESC(queue_max_alerts,
		 "Alerts held for delivery at most (default 4096), while nobody listens or a listener is slow; with queue_max_bytes, what is beyond either is dropped and counted as queue_full. An eighth of each is reserved for alerts about the host's targets");

VISIBLE_IF_KUNIT unsigned int queue_max_bytes = 4 << 20;
module_param(queue_max_bytes, uint, 0444);
MODULE_PARM_DESC(queue_max_bytes,
		 "Bytes of alerts (record and strings) held for delivery at most (default 4194304, at least 65536); see queue_max_alerts");

/* The smallest byte bound accepted: room for several alerts of the longest paths. */
#define LDW_QUEUE_MIN_BYTES 65536

/* The reserve for alerts about the host's targets: this fraction of each bound. */
#define LDW_QUEUE_RESERVE_SHARE 8

/* How long the work item waits before trying again when nobody listens ... */
#define LDW_POLL_NO_LISTENER_MS 1000
/* ... and when a listener's socket buffer was full. */
#define LDW_RETRY_BUSY_MS 10
/* At unload, how long a listener with a full socket is waited for. */
#define LDW_STOP_PATIENCE_MS 5000

VISIBLE_IF_KUNIT DEFINE_RAW_SPINLOCK(ldw_queue_lock);
/* Under ldw_queue_lock: */
VISIBLE_IF_KUNIT LIST_HEAD(ldw_queue);
static unsigned int ldw_queue_len;
static size_t ldw_queue_bytes;
static bool ldw_queue_stopping;

/* The last sequence number given out; numbers start at 1. */
static atomic64_t ldw_last_seq = ATOMIC64_INIT(0);

/*
 * Whether the alert at the head of the queue has reached some listener in
 * an earlier attempt (netlink.c sets it); so that it counts as sent even
 * if a later attempt fails. Only the sender touches it.
 */
static bool ldw_head_delivered;

static void ldw_queue_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(ldw_queue_work, ldw_queue_work_fn);

/* What @alert holds: the record and its strings, as the byte bound counts it. */
static size_t ldw_alert_footprint(const struct ldw_alert *alert)
{
	size_t size = sizeof(*alert);

	/* A rate limit summary has no strings, but its evidence. */
	if (alert->record == LDW_RECORD_RULES_CHANGED)
		return alert->executable ? size + strlen(alert->executable) + 1 : size;
	if (alert->record == LDW_RECORD_SUPPRESSED)
		return alert->suppressed.evidence ?
		       size + sizeof(*alert->suppressed.evidence) : size;
	if (alert->file_path)
		size += strlen(alert->file_path) + 1;
	if (alert->original_path)
		size += strlen(alert->original_path) + 1;
	if (alert->executable)
		size += strlen(alert->executable) + 1;
	if (alert->target_path)
		size += strlen(alert->target_path) + 1;
	if (alert->host_executable)
		size += strlen(alert->host_executable) + 1;
	return size;
}

/* Whether @alert may use the reserve: the operation on a host target happened. */
static bool ldw_alert_reserved(const struct ldw_alert *alert)
{
	return alert->record == LDW_RECORD_ALERT && alert->target_path &&
	       !alert->failed;
}

/*
 * Whether @size more bytes of @alert fit in the queue. Under the lock. A
 * rate limit summary always does: there is at most one per budget and
 * window (ratelimit.c), and it carries what a flood's dropped alerts
 * would have said, many alerts' worth, so the flood that filled the queue
 * must not drop it too. Nor does a change of the rule set: only an
 * administrator makes one, and a flood must not hide it.
 */
static bool ldw_queue_room(const struct ldw_alert *alert, size_t size)
{
	unsigned int max_alerts = queue_max_alerts;
	size_t max_bytes = queue_max_bytes;

	if (alert->record != LDW_RECORD_ALERT)
		return true;
	if (!ldw_alert_reserved(alert)) {
		max_alerts -= queue_max_alerts / LDW_QUEUE_RESERVE_SHARE;
		max_bytes -= queue_max_bytes / LDW_QUEUE_RESERVE_SHARE;
	}
	return ldw_queue_len < max_alerts && ldw_queue_bytes + size <= max_bytes;
}

void ldw_alert_free(struct ldw_alert *alert)
{
	const struct ldw_evidence *ev;
	u32 i;

	if (!alert)
		return;
	ldw_lrule_put(alert->rule);
	switch (alert->record) {
	case LDW_RECORD_SUPPRESSED:
		ev = alert->suppressed.evidence;
		for (i = 0; ev && i < ev->nsamples; i++)
			ldw_lrule_put(ev->samples[i].rule);
		break;
	case LDW_RECORD_RULES_CHANGED:
		ldw_lrule_put(alert->change.previous);
		break;
	case LDW_RECORD_ALERT:
		break;
	}
	kfree(alert);
}

/**
 * ldw_alert_submit() - number an alert and queue it for delivery
 * @alert: the alert; delivery owns it from here and frees it with
 *	ldw_alert_free()
 *
 * Counts it as dropped (LDW_DROP_QUEUE_FULL) and frees it if the queue is
 * full. Never sleeps; callable from any context but hard interrupts (on
 * PREEMPT_RT, from preemptible context: kfree()).
 */
void ldw_alert_submit(struct ldw_alert *alert)
{
	size_t size = ldw_alert_footprint(alert);
	enum ldw_drop reason = LDW_DROP_QUEUE_FULL;
	unsigned long flags;
	bool queued = false;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	alert->seq = atomic64_inc_return(&ldw_last_seq);
	if (ldw_queue_stopping) {
		reason = LDW_DROP_UNLOAD;
	} else if (ldw_queue_room(alert, size)) {
		list_add_tail(&alert->node, &ldw_queue);
		ldw_queue_len++;
		ldw_queue_bytes += size;
		queued = true;
	}
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);

	if (!queued) {
		ldw_count_drop(reason);
		ldw_lost_note(alert->seq, reason);
		ldw_alert_free(alert);
		return;
	}
	/* A no-op while a retry is already timed: the retry sends it. */
	queue_delayed_work(system_wq, &ldw_queue_work, 0);
}

/**
 * ldw_drop() - count a lost alert and leave a hole in the sequence for it
 * @reason: why it was lost
 *
 * Never sleeps; callable from a hook's callback. The drop report
 * (lost.h) tells listeners of it within a second.
 */
void ldw_drop(enum ldw_drop reason)
{
	u64 seq = atomic64_inc_return(&ldw_last_seq);

	ldw_count_drop(reason);
	ldw_lost_note(seq, reason);
}

u64 ldw_queue_next_seq(void)
{
	return atomic64_read(&ldw_last_seq) + 1;
}

void ldw_queue_kick(void)
{
	if (!READ_ONCE(ldw_queue_stopping))
		mod_delayed_work(system_wq, &ldw_queue_work, 0);
}

/* The oldest alert waiting, left in the queue; NULL if none. */
VISIBLE_IF_KUNIT struct ldw_alert *ldw_queue_head(void)
{
	struct ldw_alert *alert;
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	alert = list_first_entry_or_null(&ldw_queue, struct ldw_alert, node);
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	return alert;
}

/*
 * Take the head @alert out of the queue, count what became of it (sent if
 * any listener got it, else dropped for @reason) and free it.
 */
static void ldw_queue_retire(struct ldw_alert *alert, enum ldw_drop reason)
{
	size_t size = ldw_alert_footprint(alert);
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	list_del(&alert->node);
	ldw_queue_len--;
	ldw_queue_bytes -= size;
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);

	if (ldw_head_delivered) {
		ldw_count(LDW_CNT_SENT);
	} else {
		ldw_count_drop(reason);
		ldw_lost_note(alert->seq, reason);
	}
	ldw_head_delivered = false;
	ldw_alert_free(alert);
}

/*
 * Send what is queued, in order. An alert that cannot go yet stays at the
 * head and the work item comes back for it: soon when a listener was
 * merely full, after a poll interval when nobody listens (generic netlink
 * on 6.1 tells a family nothing when a socket joins its group; a subscriber
 * kicks the work itself).
 */
static void ldw_queue_work_fn(struct work_struct *work)
{
	struct ldw_alert *alert;

	while (!READ_ONCE(ldw_queue_stopping) && (alert = ldw_queue_head())) {
		switch (ldw_genl_send_alert(alert, &ldw_head_delivered)) {
		case LDW_SEND_DONE:
			ldw_head_delivered = true;
			ldw_queue_retire(alert, LDW_DROP_SEND_FAILED);
			break;
		case LDW_SEND_NO_LISTENER:
			queue_delayed_work(system_wq, &ldw_queue_work,
					   msecs_to_jiffies(LDW_POLL_NO_LISTENER_MS));
			return;
		case LDW_SEND_BUSY:
			queue_delayed_work(system_wq, &ldw_queue_work,
					   msecs_to_jiffies(LDW_RETRY_BUSY_MS));
			return;
		case LDW_SEND_NO_MEMORY:
			ldw_queue_retire(alert, LDW_DROP_NO_MEMORY);
			break;
		case LDW_SEND_FAILED:
			ldw_queue_retire(alert, LDW_DROP_SEND_FAILED);
			break;
		}
		cond_resched();
	}
}

/**
 * ldw_queue_init() - check the bounds the administrator gave, and start
 *	the queue: empty, accepting alerts, numbering from 1
 *
 * After ldw_queue_exit() it starts afresh, as the KUnit suite does for
 * each case; at module load the state is that already.
 *
 * Return: 0, or -EINVAL for a bound that would drop every alert.
 */
int ldw_queue_init(void)
{
	unsigned long flags;

	if (!queue_max_alerts) {
		pr_err("queue_max_alerts=0 would drop every alert; give at least 1\n");
		return -EINVAL;
	}
	if (queue_max_bytes < LDW_QUEUE_MIN_BYTES) {
		pr_err("queue_max_bytes=%u is too small for alerts with long paths; give at least %u\n",
		       queue_max_bytes, LDW_QUEUE_MIN_BYTES);
		return -EINVAL;
	}
	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	ldw_queue_stopping = false;
	atomic64_set(&ldw_last_seq, 0);
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	return 0;
}

void ldw_queue_stop(void)
{
	struct ldw_alert *alert;
	unsigned long deadline;
	bool nobody = false;
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	ldw_queue_stopping = true;
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	cancel_delayed_work_sync(&ldw_queue_work);

	/*
	 * Once nobody listens, no attempt for the rest. A listener whose
	 * socket is full is reading (a flood just filled it): it is given
	 * until the deadline to make room, so that the last alerts and the
	 * rate limit's summaries of this load reach it.
	 */
	deadline = jiffies + msecs_to_jiffies(LDW_STOP_PATIENCE_MS);
	while ((alert = ldw_queue_head())) {
		enum ldw_send sent = LDW_SEND_NO_LISTENER;

		if (!nobody)
			sent = ldw_genl_send_alert(alert, &ldw_head_delivered);
		switch (sent) {
		case LDW_SEND_DONE:
			ldw_head_delivered = true;
			ldw_queue_retire(alert, LDW_DROP_UNLOAD);
			break;
		case LDW_SEND_NO_LISTENER:
			nobody = true;
			ldw_queue_retire(alert, LDW_DROP_UNLOAD);
			break;
		case LDW_SEND_BUSY:
			if (time_before(jiffies, deadline)) {
				msleep(LDW_RETRY_BUSY_MS);
				continue;
			}
			ldw_queue_retire(alert, LDW_DROP_UNLOAD);
			break;
		case LDW_SEND_NO_MEMORY:
			ldw_queue_retire(alert, LDW_DROP_NO_MEMORY);
			break;
		case LDW_SEND_FAILED:
			ldw_queue_retire(alert, LDW_DROP_SEND_FAILED);
			break;
		}
		cond_resched();
	}
}

void ldw_queue_exit(void)
{
	struct ldw_alert *alert, *next;
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	ldw_queue_stopping = true;
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	/* A subscriber may have kicked the work after ldw_queue_stop(). */
	cancel_delayed_work_sync(&ldw_queue_work);
	/* Left only if init failed before ldw_queue_stop() could run. */
	list_for_each_entry_safe(alert, next, &ldw_queue, node) {
		list_del(&alert->node);
		ldw_count_drop(LDW_DROP_UNLOAD);
		ldw_alert_free(alert);
	}
	ldw_queue_len = 0;
	ldw_queue_bytes = 0;
}
