// SPDX-License-Identifier: GPL-2.0
/*
 * The drop report. A drop (alert.h's ldw_drop(), or the queue dropping an
 * alert it numbered) happens where nothing may sleep, and is otherwise
 * seen by a listener only as a hole once a later number arrives, which
 * may be never. So each drop is noted here, as a run of consecutive
 * numbers dropped for one reason, and a work item sends the runs a moment
 * later (LDW_CMD_LOST), coalescing a burst. The report does not go
 * through the delivery queue, whose being full may be why it is sent.
 *
 * Noting takes a raw spinlock for a few stores: it never sleeps, also on
 * PREEMPT_RT, and allocates nothing. The runs noted are bounded; a drop
 * that finds no room is left to the hole it leaves, which listeners see
 * anyway. Drops while nobody listens are not noted: there is nobody to
 * tell, and a listener that comes later learns of them from the counters
 * and the hole. Drops at unload are not noted either: STOPPING reports
 * them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "genl.h"
#include "lost.h"

/* Runs held between two reports: a burst of drops that alternate with alerts. */
#define LDW_LOST_RUNS 256

/*
 * How long a report waits for more drops to join it: short enough that
 * the report reaches a listener within a second of its first drop.
 */
#define LDW_LOST_DELAY_MS 200

/*
 * When a listener's socket was full: try again soon, as the delivery
 * queue does with an alert, so that a listener that was stopped for a
 * while still learns of the drops with nothing after them.
 */
#define LDW_LOST_RETRY_MS 10

/**
 * struct ldw_lost_run - consecutive sequence numbers dropped for one reason
 * @first: the first of them
 * @count: how many
 * @reason: why
 */
struct ldw_lost_run {
	u64 first;
	u64 count;
	enum ldw_drop reason;
};

static DEFINE_RAW_SPINLOCK(ldw_lost_lock);
/* Under ldw_lost_lock: the runs noted and not yet taken for sending. */
static struct ldw_lost_run ldw_lost_noted[LDW_LOST_RUNS];
static unsigned int ldw_lost_nnoted;
static bool ldw_lost_stopping;

/*
 * The sender's own: the runs it took, and how far it got. Only the work
 * item, or ldw_lost_stop() once the work item is cancelled, touches them.
 */
static struct ldw_lost_run ldw_lost_sending[LDW_LOST_RUNS];
static unsigned int ldw_lost_nsending;
static unsigned int ldw_lost_sent;

static void ldw_lost_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(ldw_lost_work, ldw_lost_work_fn);

void ldw_lost_init(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_lost_lock, flags);
	ldw_lost_nnoted = 0;
	ldw_lost_stopping = false;
	raw_spin_unlock_irqrestore(&ldw_lost_lock, flags);
	ldw_lost_nsending = 0;
	ldw_lost_sent = 0;
}

/**
 * ldw_lost_note() - note a dropped sequence number for the drop report
 * @seq: the number
 * @reason: why it was dropped
 *
 * The work item is armed under the lock, so that ldw_lost_stop(), which
 * sets ldw_lost_stopping under it, knows nobody arms it after.
 */
void ldw_lost_note(u64 seq, enum ldw_drop reason)
{
	struct ldw_lost_run *last;
	unsigned long flags;
	unsigned int n;

	if (reason == LDW_DROP_UNLOAD || !ldw_genl_have_listeners())
		return;
	raw_spin_lock_irqsave(&ldw_lost_lock, flags);
	if (ldw_lost_stopping)
		goto out;
	n = ldw_lost_nnoted;
	last = n ? &ldw_lost_noted[n - 1] : NULL;
	if (last && last->reason == reason && last->first + last->count == seq) {
		last->count++;
	} else if (n < LDW_LOST_RUNS) {
		ldw_lost_noted[n].first = seq;
		ldw_lost_noted[n].count = 1;
		ldw_lost_noted[n].reason = reason;
		ldw_lost_nnoted = ++n;
	} else {
		/* No room: the hole in the sequence is the report. */
		goto out;
	}
	/* Half full: send now rather than run out of room. */
	if (n > LDW_LOST_RUNS / 2)
		mod_delayed_work(system_wq, &ldw_lost_work, 0);
	else
		queue_delayed_work(system_wq, &ldw_lost_work,
				   msecs_to_jiffies(LDW_LOST_DELAY_MS));
out:
	raw_spin_unlock_irqrestore(&ldw_lost_lock, flags);
}

/* Take the runs noted, once the previous ones are sent. */
static void ldw_lost_take(void)
{
	unsigned long flags;

	if (ldw_lost_sent < ldw_lost_nsending)
		return;
	raw_spin_lock_irqsave(&ldw_lost_lock, flags);
	ldw_lost_nsending = ldw_lost_nnoted;
	memcpy(ldw_lost_sending, ldw_lost_noted,
	       ldw_lost_nsending * sizeof(ldw_lost_sending[0]));
	ldw_lost_nnoted = 0;
	raw_spin_unlock_irqrestore(&ldw_lost_lock, flags);
	ldw_lost_sent = 0;
}

/*
 * Send the runs taken. False if a listener had no room: the caller may
 * try again, from the run that did not go.
 */
static bool ldw_lost_send(void)
{
	while (ldw_lost_sent < ldw_lost_nsending) {
		const struct ldw_lost_run *run = &ldw_lost_sending[ldw_lost_sent];

		if (ldw_genl_send_lost(run->first, run->count, run->reason) ==
		    LDW_SEND_BUSY)
			return false;
		/* Sent, nobody there, or failed for good: on to the next. */
		ldw_lost_sent++;
	}
	return true;
}

/*
 * Send what was taken, then what was noted meanwhile: a note made while
 * this work was pending armed nothing new.
 */
static void ldw_lost_work_fn(struct work_struct *work)
{
	for (;;) {
		ldw_lost_take();
		if (!ldw_lost_nsending)
			return;
		if (!ldw_lost_send()) {
			queue_delayed_work(system_wq, &ldw_lost_work,
					   msecs_to_jiffies(LDW_LOST_RETRY_MS));
			return;
		}
		cond_resched();
	}
}

void ldw_lost_stop(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_lost_lock, flags);
	ldw_lost_stopping = true;
	raw_spin_unlock_irqrestore(&ldw_lost_lock, flags);
	cancel_delayed_work_sync(&ldw_lost_work);

	/* What is noted goes before STOPPING, one attempt each. */
	ldw_lost_take();
	while (!ldw_lost_send())
		ldw_lost_sent++;
	ldw_lost_take();
	while (!ldw_lost_send())
		ldw_lost_sent++;
}
