// SPDX-License-Identifier: GPL-2.0
/*
 * The rate limit of the rule's alerts (ratelimit.h).
 *
 * A fixed window, as the kernel's own ___ratelimit() keeps one: it opens at
 * the first match after the last window ended and lasts rate_limit_seconds.
 * Its first rate_limit_alerts matches become alerts; the rest are counted
 * as suppressed. They are not losses, so they consume no sequence number:
 * one summary record per window says how many there were, numbered and
 * queued like an alert, so that its own loss would be seen as a hole.
 *
 * The summary goes out as soon as the window ends: from the next match if
 * one comes first, else from a delayed work item armed at the window's
 * first suppression, so that it never waits for more traffic. At unload
 * the open window ends early and its summary goes before STOPPING.
 *
 * The window's state is a few integers under a raw spinlock, held for a
 * comparison and an addition: cheap in capture's task_work, and a real
 * spinning lock on PREEMPT_RT too. Nothing is allocated, freed or queued
 * under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "alert.h"
#include "ratelimit.h"
#include "stats.h"

VISIBLE_IF_KUNIT unsigned int rate_limit_alerts = 100;
module_param(rate_limit_alerts, uint, 0444);
MODULE_PARM_DESC(rate_limit_alerts,
		 "Alerts of the rule per rate limit window at most (default 100, the rule's maximum alerts per execution); the matches beyond it are counted as suppressed and summarised in one record per window; 0: no limit");

VISIBLE_IF_KUNIT unsigned int rate_limit_seconds = 300;
module_param(rate_limit_seconds, uint, 0444);
MODULE_PARM_DESC(rate_limit_seconds,
		 "Length of the rate limit window in seconds (default 300, the rule's interval; 1 to 86400); see rate_limit_alerts");

/* The longest window accepted: a day. */
#define LDW_RATELIMIT_MAX_SECONDS 86400

static DEFINE_RAW_SPINLOCK(ldw_window_lock);
/* Under ldw_window_lock: */
static struct ldw_window ldw_rule_window;
static bool ldw_window_stopping;

static void ldw_window_expire(struct work_struct *work);
static DECLARE_DELAYED_WORK(ldw_window_work, ldw_window_expire);

/**
 * ldw_window_close() - end the window if its time is up
 * @w: the window
 * @now_ns: the monotonic clock now
 * @force: end it even if its time is not up (at unload)
 * @ended: filled with the summary when it returns true
 *
 * Return: whether a window ended that suppressed something, so that its
 * summary is due.
 */
VISIBLE_IF_KUNIT bool ldw_window_close(struct ldw_window *w, u64 now_ns,
				       bool force, struct ldw_suppressed *ended)
{
	u64 elapsed;

	if (!w->open)
		return false;
	elapsed = now_ns - w->start_ns;
	if (elapsed < w->period_ns && !force)
		return false;
	w->open = false;
	if (!w->suppressed)
		return false;
	ended->window_start_ns = w->start_real_ns;
	ended->window_end_ns = w->start_real_ns + min(elapsed, w->period_ns);
	ended->count = w->suppressed;
	return true;
}

/**
 * ldw_window_admit() - account for one match
 * @w: the window, with a non-zero limit
 * @now_ns: the monotonic clock now
 * @now_real_ns: CLOCK_REALTIME now
 * @ended: filled with the summary of the window that ended, if any
 * @has_ended: set when @ended was filled (its summary is due first)
 *
 * Return: true if the match may become an alert, false if it is suppressed.
 */
VISIBLE_IF_KUNIT bool ldw_window_admit(struct ldw_window *w, u64 now_ns,
				       u64 now_real_ns,
				       struct ldw_suppressed *ended,
				       bool *has_ended)
{
	*has_ended = ldw_window_close(w, now_ns, false, ended);
	if (!w->open) {
		w->open = true;
		w->start_ns = now_ns;
		w->start_real_ns = now_real_ns;
		w->admitted = 0;
		w->suppressed = 0;
	}
	if (w->admitted < w->limit) {
		w->admitted++;
		return true;
	}
	w->suppressed++;
	return false;
}

/*
 * Queue the summary of @ended. Without memory for it, it is lost like an
 * alert: a hole in the sequence, counted as NO_MEMORY; the suppressed
 * matches stay counted in LDW_CNT_SUPPRESSED.
 */
static void ldw_summary_submit(const struct ldw_suppressed *ended, gfp_t gfp)
{
	struct ldw_alert *summary = kzalloc(sizeof(*summary), gfp);

	if (!summary) {
		ldw_drop(LDW_DROP_NO_MEMORY);
		return;
	}
	INIT_LIST_HEAD(&summary->node);
	summary->record = LDW_RECORD_SUPPRESSED;
	summary->suppressed = *ended;
	ldw_alert_submit(summary);
}

/* How long from @now_ns until the open window's time is up (under the lock). */
static unsigned long ldw_window_remaining(u64 now_ns)
{
	const struct ldw_window *w = &ldw_rule_window;
	u64 end = w->start_ns + w->period_ns;

	/* One jiffy more, so that the work never finds the window still open. */
	return end > now_ns ? nsecs_to_jiffies(end - now_ns) + 1 : 0;
}

/**
 * ldw_ratelimit_admit() - whether a match may become an alert
 *
 * Counts a match it refuses as suppressed, and submits the summary of the
 * window that ended before it. Process context; never sleeps.
 *
 * Return: true to make the alert, false if the rate limit suppressed it.
 */
bool ldw_ratelimit_admit(void)
{
	struct ldw_suppressed ended;
	unsigned long flags, delay = 0;
	bool admitted, has_ended, arm;
	u64 now, now_real;

	/* Set before capture starts and never changed. */
	if (!ldw_rule_window.limit)
		return true;

	now = ktime_get_ns();
	now_real = ktime_get_real_ns();
	raw_spin_lock_irqsave(&ldw_window_lock, flags);
	admitted = ldw_window_admit(&ldw_rule_window, now, now_real, &ended,
				    &has_ended);
	/* The window's first suppression: its summary will be due at its end. */
	arm = !admitted && ldw_rule_window.suppressed == 1 &&
	      !ldw_window_stopping;
	if (arm)
		delay = ldw_window_remaining(now);
	raw_spin_unlock_irqrestore(&ldw_window_lock, flags);

	if (has_ended)
		ldw_summary_submit(&ended, GFP_NOWAIT | __GFP_NOWARN);
	if (!admitted)
		ldw_count(LDW_CNT_SUPPRESSED);
	if (arm)
		mod_delayed_work(system_wq, &ldw_window_work, delay);
	return admitted;
}

/* The window's time is up: send its summary without waiting for a match. */
static void ldw_window_expire(struct work_struct *work)
{
	struct ldw_suppressed ended;
	unsigned long flags, delay = 0;
	bool closed, early;
	u64 now = ktime_get_ns();

	raw_spin_lock_irqsave(&ldw_window_lock, flags);
	closed = ldw_window_close(&ldw_rule_window, now, false, &ended);
	/* A window opened since, or this one not quite over: come back. */
	early = !closed && ldw_rule_window.open &&
		ldw_rule_window.suppressed && !ldw_window_stopping;
	if (early)
		delay = ldw_window_remaining(now);
	raw_spin_unlock_irqrestore(&ldw_window_lock, flags);

	if (closed)
		ldw_summary_submit(&ended, GFP_KERNEL);
	else if (early)
		queue_delayed_work(system_wq, &ldw_window_work, delay);
}

/**
 * ldw_ratelimit_init() - check the parameters; no window is open
 *
 * Return: 0, or -EINVAL for a window length out of range.
 */
int ldw_ratelimit_init(void)
{
	unsigned long flags;

	if (rate_limit_alerts && (!rate_limit_seconds ||
				  rate_limit_seconds > LDW_RATELIMIT_MAX_SECONDS)) {
		pr_err("rate_limit_seconds=%u is out of range: give 1 to %u (or rate_limit_alerts=0 for no limit)\n",
		       rate_limit_seconds, LDW_RATELIMIT_MAX_SECONDS);
		return -EINVAL;
	}
	raw_spin_lock_irqsave(&ldw_window_lock, flags);
	ldw_rule_window = (struct ldw_window){
		.limit = rate_limit_alerts,
		.period_ns = (u64)rate_limit_seconds * NSEC_PER_SEC,
	};
	ldw_window_stopping = false;
	raw_spin_unlock_irqrestore(&ldw_window_lock, flags);

	if (rate_limit_alerts)
		pr_info("rate limit: %u alerts per %u s, the rest counted as suppressed and summarised\n",
			rate_limit_alerts, rate_limit_seconds);
	else
		pr_info("rate limit: off\n");
	return 0;
}

void ldw_ratelimit_exit(void)
{
	struct ldw_suppressed ended;
	unsigned long flags;
	bool closed;

	raw_spin_lock_irqsave(&ldw_window_lock, flags);
	ldw_window_stopping = true;
	raw_spin_unlock_irqrestore(&ldw_window_lock, flags);
	cancel_delayed_work_sync(&ldw_window_work);

	raw_spin_lock_irqsave(&ldw_window_lock, flags);
	closed = ldw_window_close(&ldw_rule_window, ktime_get_ns(), true,
				  &ended);
	raw_spin_unlock_irqrestore(&ldw_window_lock, flags);
	if (closed)
		ldw_summary_submit(&ended, GFP_KERNEL);
}
