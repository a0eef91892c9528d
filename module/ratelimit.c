// SPDX-License-Identifier: GPL-2.0
/*
 * The rate limit of the rules' alerts (ratelimit.h).
 *
 * Budgets. Each rule has its own, and in it each (user, mount namespace)
 * of an acting task has a budget of its own: the task's real uid as the
 * initial user namespace sees it and its mount namespace's inode number,
 * both as the alert carries them. A budget holds a reference to its rule,
 * so a rule replaced meanwhile is still the one its summary names. A
 * user who floods matches from namespaces of its own spends its own
 * budgets only, never root's or a container's. One kind of alert spends
 * none and is never suppressed: an alert about a host target (it carries
 * the target's host path) by a task whose euid is root in the initial user
 * namespace and which is in the host's mount namespace (capture says so by
 * leaving LDW_ALIAS_MOUNT_NAMESPACE clear). What root does to the host's
 * targets is always an alert.
 *
 * Each budget is a fixed window, as the kernel's own ___ratelimit() keeps
 * one: it opens at the budget's first match after its last window ended
 * and lasts rate_limit_seconds. Its first rate_limit_alerts matches become
 * alerts; the rest are counted as suppressed. They are not losses, so they
 * consume no sequence number: one summary record per budget and window
 * says whose budget it was and how many there were, and keeps the evidence
 * of the first of them (path, executable, uid, action, time, rule) up to a
 * number and a byte bound. It is numbered and queued like an alert, so
 * that its own loss would be seen as a hole. A suppressed match whose
 * evidence did not fit is still counted: the summary's count minus its
 * samples.
 *
 * A summary goes out as soon as its window ends: from the budget's next
 * match if one comes first, else from a delayed work item timed for the
 * earliest end among the windows that suppressed something, so that it
 * never waits for more traffic. At unload every open window ends early and
 * its summary goes before STOPPING.
 *
 * The table is fixed: finding or making a budget allocates nothing. A key
 * that finds it full takes the place of a budget that owes no summary:
 * one whose window is over, else the one that opened first among those
 * that suppressed nothing; if the evicted key comes back it starts afresh,
 * with its whole budget. Eviction gives some key a fresh budget sooner
 * than its window would have, never takes any away, and ends no window
 * that has something to report. A key that finds every budget owing a
 * summary shares one more, the overflow budget (its uid is
 * LDW_BUDGET_OVERFLOW_UID, its samples name each alert's own uid): the
 * summaries of a window are at most one per entry, however many
 * namespaces a user makes.
 *
 * Budgets share out alerts fairly; they do not bound them: a user who makes
 * a new mount namespace (or, with a subordinate uid range, takes another
 * uid) for every hundred matches would get a fresh budget each time. So
 * all the alerts that spend budgets also share one ceiling per window,
 * LDW_CEILING_BUDGETS budgets' worth: what is beyond it is suppressed and
 * counted in its own budget's summary, as beyond the budget. The ceiling
 * bounds how much any flood can put ahead of root's alerts about the
 * host's targets (which spend none) in the delivery queue and in a
 * listener's socket, and so how late they can arrive.
 *
 * The table is under one spinlock. Every caller is in process context
 * (capture's task_work, the work item, unload), so on PREEMPT_RT it may be
 * a sleeping lock, and a window's summary record may be allocated under it
 * with GFP_NOWAIT at the window's first suppression (once per window, not
 * per match). Summaries are submitted after it is released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include <ldwatch/netlink.h>

#include "alert.h"
#include "ratelimit.h"
#include "ruleset.h"
#include "stats.h"

VISIBLE_IF_KUNIT unsigned int rate_limit_alerts = 100;
module_param(rate_limit_alerts, uint, 0444);
MODULE_PARM_DESC(rate_limit_alerts,
		 "Alerts per rate limit window at most, for each (user, mount namespace) of the acting process (default 100, the rule's maximum alerts per execution); the matches beyond it are counted as suppressed and summarised, with their evidence, in one record per budget and window; root's alerts about the host's targets from the host's mount namespace are never suppressed; 0: no limit");

VISIBLE_IF_KUNIT unsigned int rate_limit_seconds = 300;
module_param(rate_limit_seconds, uint, 0444);
MODULE_PARM_DESC(rate_limit_seconds,
		 "Length of the rate limit window in seconds (default 300, the rule's interval; 1 to 86400); see rate_limit_alerts");

/* The longest window accepted: a day. */
#define LDW_RATELIMIT_MAX_SECONDS 86400

/**
 * struct ldw_budget - the rate limit of one rule and (user, mount namespace)
 * @used: the entry holds a key
 * @rule: the key's rule (a reference), or NULL for the overflow budget
 * @uid: the key's real uid (initial user namespace)
 * @mntns: the key's mount namespace (inode number)
 * @w: its window
 * @summary: the summary being gathered for the window, from its first
 *	suppression on (NULL before, or without memory for it)
 */
struct ldw_budget {
	bool used;
	struct ldw_lrule *rule;
	u32 uid;
	u32 mntns;
	struct ldw_window w;
	struct ldw_alert *summary;
};

/* The ceiling of all budgets together, in budgets' worth of alerts. */
#define LDW_CEILING_BUDGETS 8

/* The entry after the table's LDW_BUDGETS: the overflow budget. */
#define LDW_OVERFLOW LDW_BUDGETS

static DEFINE_SPINLOCK(ldw_budget_lock);
/* Under ldw_budget_lock: */
static struct ldw_budget ldw_budgets[LDW_BUDGETS + 1];
static struct ldw_window ldw_ceiling;
static bool ldw_budget_stopping;

/* Set by ldw_ratelimit_init() before capture starts, never changed after. */
static u32 ldw_limit;
static u64 ldw_period_ns;

static void ldw_budget_expire(struct work_struct *work);
static DECLARE_DELAYED_WORK(ldw_budget_work, ldw_budget_expire);

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

/**
 * ldw_ratelimit_exempt() - whether an alert spends no budget
 * @alert: the alert a match made
 *
 * Return: true for an alert about a host target by a task whose euid is
 * root in the initial user namespace, in the host's mount namespace.
 */
VISIBLE_IF_KUNIT bool ldw_ratelimit_exempt(const struct ldw_alert *alert)
{
	return alert->target_path && alert->euid == 0 &&
	       !(alert->aliases & LDW_ALIAS_MOUNT_NAMESPACE);
}

/**
 * ldw_evidence_add() - keep a suppressed alert's evidence, if it fits
 * @ev: the summary's evidence
 * @alert: the suppressed alert
 *
 * One that does not fit is left out; the summary's count says it was there.
 */
VISIBLE_IF_KUNIT void ldw_evidence_add(struct ldw_evidence *ev,
				       const struct ldw_alert *alert)
{
	size_t path = strlen(alert->file_path) + 1;
	size_t exe = alert->executable ? strlen(alert->executable) + 1 : 0;
	struct ldw_sample *sample;
	char *p;

	if (ev->nsamples >= LDW_SAMPLES_MAX ||
	    path + exe > sizeof(ev->strings) - ev->used)
		return;
	p = ev->strings + ev->used;
	sample = &ev->samples[ev->nsamples++];
	if (alert->rule)
		ldw_lrule_get(alert->rule);
	*sample = (struct ldw_sample){
		.time_ns = alert->time_ns,
		.file_path = p,
		.rule = alert->rule,
		.uid = alert->uid,
		.action = alert->action,
	};
	memcpy(p, alert->file_path, path);
	if (exe) {
		memcpy(p + path, alert->executable, exe);
		sample->executable = p + path;
	}
	ev->used += path + exe;
}

/* A summary record, with room for evidence if @evidence; NULL without memory. */
static struct ldw_alert *ldw_summary_new(bool evidence)
{
	size_t size = sizeof(struct ldw_alert);
	struct ldw_alert *summary;

	if (evidence)
		size += __alignof__(struct ldw_evidence) + sizeof(struct ldw_evidence);
	summary = kzalloc(size, GFP_NOWAIT | __GFP_NOWARN);
	if (!summary)
		return NULL;
	INIT_LIST_HEAD(&summary->node);
	summary->record = LDW_RECORD_SUPPRESSED;
	if (evidence)
		summary->suppressed.evidence =
			PTR_ALIGN((void *)summary->buf,
				  __alignof__(struct ldw_evidence));
	return summary;
}

/*
 * End @b's window if its time is up, or now if @force, and put its
 * summary on @due if it suppressed anything. Without memory for a summary,
 * it is lost like an alert: a hole in the sequence, counted as NO_MEMORY;
 * its matches stay counted in LDW_CNT_SUPPRESSED. Under the lock.
 */
static void ldw_budget_close(struct ldw_budget *b, u64 now, bool force,
			     struct list_head *due)
{
	struct ldw_suppressed ended = {};
	struct ldw_alert *summary;

	if (!ldw_window_close(&b->w, now, force, &ended))
		return;
	summary = b->summary;
	b->summary = NULL;
	if (!summary)
		summary = ldw_summary_new(false);
	if (!summary) {
		ldw_drop(LDW_DROP_NO_MEMORY);
		return;
	}
	/* The overflow budget's summary names the rule of its first sample. */
	summary->rule = b->rule;
	if (!summary->rule && summary->suppressed.evidence &&
	    summary->suppressed.evidence->nsamples)
		summary->rule = summary->suppressed.evidence->samples[0].rule;
	if (summary->rule)
		ldw_lrule_get(summary->rule);
	else
		summary->rule = ldw_ruleset_first();
	ended.uid = b->uid;
	ended.mntns = b->mntns;
	ended.evidence = summary->suppressed.evidence;
	summary->suppressed = ended;
	list_add_tail(&summary->node, due);
}

/* Whether a window that opened at @start_ns opened before one at @other_ns. */
static bool ldw_opened_before(u64 start_ns, u64 other_ns)
{
	return (s64)(start_ns - other_ns) < 0;
}

/* Forget @b's key; its summary must be gone. Under the lock. */
static void ldw_budget_forget(struct ldw_budget *b)
{
	ldw_lrule_put(b->rule);
	*b = (struct ldw_budget){};
}

/*
 * The budget of (@rule, @uid, @mntns), made if it has none: in a free
 * entry, else in place of the budget whose window is over or opened
 * first, whose summary goes on @due. Under the lock.
 */
static struct ldw_budget *ldw_budget_get(struct ldw_lrule *rule, u32 uid,
					 u32 mntns, u64 now,
					 struct list_head *due)
{
	struct ldw_budget *b, *victim = NULL;
	unsigned int i;

	for (i = 0; i < LDW_BUDGETS; i++) {
		b = &ldw_budgets[i];
		if (b->used && b->rule == rule && b->uid == uid && b->mntns == mntns)
			return b;
	}
	for (i = 0; i < LDW_BUDGETS; i++) {
		b = &ldw_budgets[i];
		if (!b->used || !b->w.open ||
		    now - b->w.start_ns >= b->w.period_ns) {
			victim = b;
			break;
		}
		if (b->w.suppressed)
			continue;
		if (!victim || ldw_opened_before(b->w.start_ns, victim->w.start_ns))
			victim = b;
	}
	if (!victim) {
		victim = &ldw_budgets[LDW_OVERFLOW];
		if (victim->used)
			return victim;
		rule = NULL;
		uid = LDW_BUDGET_OVERFLOW_UID;
		mntns = 0;
	}
	if (victim->used)
		ldw_budget_close(victim, now, true, due);
	/* A summary still gathered (its window suppressed nothing) goes. */
	ldw_alert_free(victim->summary);
	ldw_budget_forget(victim);
	if (rule)
		ldw_lrule_get(rule);
	*victim = (struct ldw_budget){
		.used = true,
		.rule = rule,
		.uid = uid,
		.mntns = mntns,
		.w = { .limit = ldw_limit, .period_ns = ldw_period_ns },
	};
	return victim;
}

/*
 * Time the work item for the earliest end among the windows that
 * suppressed something. Under the lock, so that the last to set the timer
 * saw every window.
 */
static void ldw_budget_arm(u64 now)
{
	u64 end, first = U64_MAX;
	unsigned int i;

	if (ldw_budget_stopping)
		return;
	for (i = 0; i < ARRAY_SIZE(ldw_budgets); i++) {
		const struct ldw_budget *b = &ldw_budgets[i];

		if (!b->used || !b->w.open || !b->w.suppressed)
			continue;
		end = b->w.start_ns + b->w.period_ns;
		first = min(first, end);
	}
	if (first == U64_MAX)
		return;
	/* One jiffy more, so that the work never finds the window still open. */
	mod_delayed_work(system_wq, &ldw_budget_work,
			 first > now ? nsecs_to_jiffies(first - now) + 1 : 0);
}

static void ldw_summaries_submit(struct list_head *due)
{
	struct ldw_alert *summary, *next;

	list_for_each_entry_safe(summary, next, due, node) {
		list_del_init(&summary->node);
		ldw_alert_submit(summary);
	}
}

/**
 * ldw_ratelimit_admit() - whether a match's alert may be submitted
 * @alert: the alert, built; it stays the caller's
 *
 * Counts an alert it refuses as suppressed and keeps its evidence for the
 * summary, and submits the summary of the budget's window that ended
 * before it, or of the budget it evicted. Process context; never sleeps.
 *
 * Return: true to submit the alert, false if the rate limit suppressed it.
 */
bool ldw_ratelimit_admit(const struct ldw_alert *alert)
{
	struct ldw_suppressed ended, ceiling_ended;
	struct ldw_budget *b;
	bool admitted, has_ended;
	u64 now, now_real;
	LIST_HEAD(due);

	if (!ldw_limit || ldw_ratelimit_exempt(alert))
		return true;

	now = ktime_get_ns();
	now_real = ktime_get_real_ns();
	spin_lock(&ldw_budget_lock);
	b = ldw_budget_get(alert->rule, alert->uid, alert->mntns, now, &due);
	/* A window whose time is up: its summary first, then a new window. */
	ldw_budget_close(b, now, false, &due);
	admitted = ldw_window_admit(&b->w, now, now_real, &ended, &has_ended);
	/* Beyond the ceiling: suppressed in its budget, as beyond the budget. */
	if (admitted && !ldw_window_admit(&ldw_ceiling, now, now_real,
					  &ceiling_ended, &has_ended)) {
		b->w.admitted--;
		b->w.suppressed++;
		admitted = false;
	}
	if (!admitted) {
		if (!b->summary)
			b->summary = ldw_summary_new(true);
		if (b->summary && b->summary->suppressed.evidence)
			ldw_evidence_add(b->summary->suppressed.evidence, alert);
		/* The window's first suppression: its summary is due at its end. */
		if (b->w.suppressed == 1)
			ldw_budget_arm(now);
	}
	spin_unlock(&ldw_budget_lock);

	ldw_summaries_submit(&due);
	if (!admitted)
		ldw_count(LDW_CNT_SUPPRESSED);
	return admitted;
}

/* Windows' time is up: send their summaries without waiting for a match. */
static void ldw_budget_expire(struct work_struct *work)
{
	u64 now = ktime_get_ns();
	unsigned int i;
	LIST_HEAD(due);

	spin_lock(&ldw_budget_lock);
	for (i = 0; i < ARRAY_SIZE(ldw_budgets); i++) {
		if (ldw_budgets[i].used)
			ldw_budget_close(&ldw_budgets[i], now, false, &due);
	}
	/* Windows that opened since, or are not quite over: come back. */
	ldw_budget_arm(now);
	spin_unlock(&ldw_budget_lock);
	ldw_summaries_submit(&due);
}

/* Forget every budget; their summaries onto @due (@force) or freed. */
static void ldw_budgets_clear(u64 now, struct list_head *due)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ldw_budgets); i++) {
		struct ldw_budget *b = &ldw_budgets[i];

		if (b->used)
			ldw_budget_close(b, now, true, due);
		ldw_alert_free(b->summary);
		ldw_budget_forget(b);
	}
}

/**
 * ldw_ratelimit_init() - check the parameters; no budget is in use
 *
 * Return: 0, or -EINVAL for a window length out of range.
 */
int ldw_ratelimit_init(void)
{
	struct ldw_alert *summary, *next;
	LIST_HEAD(stale);

	if (rate_limit_alerts && (!rate_limit_seconds ||
				  rate_limit_seconds > LDW_RATELIMIT_MAX_SECONDS)) {
		pr_err("rate_limit_seconds=%u is out of range: give 1 to %u (or rate_limit_alerts=0 for no limit)\n",
		       rate_limit_seconds, LDW_RATELIMIT_MAX_SECONDS);
		return -EINVAL;
	}
	spin_lock(&ldw_budget_lock);
	/* Nothing is left after ldw_ratelimit_exit(); a KUnit case may leave some. */
	ldw_budgets_clear(ktime_get_ns(), &stale);
	ldw_limit = rate_limit_alerts;
	ldw_period_ns = (u64)rate_limit_seconds * NSEC_PER_SEC;
	ldw_ceiling = (struct ldw_window){
		.limit = min_t(u64, (u64)ldw_limit * LDW_CEILING_BUDGETS, U32_MAX),
		.period_ns = ldw_period_ns,
	};
	ldw_budget_stopping = false;
	spin_unlock(&ldw_budget_lock);
	list_for_each_entry_safe(summary, next, &stale, node)
		ldw_alert_free(summary);

	if (rate_limit_alerts)
		pr_info("rate limit: %u alerts per %u s per (user, mount namespace), %u in all; the rest summarised; root's on the host's targets exempt\n",
			rate_limit_alerts, rate_limit_seconds,
			ldw_ceiling.limit);
	else
		pr_info("rate limit: off\n");
	return 0;
}

void ldw_ratelimit_exit(void)
{
	LIST_HEAD(due);

	spin_lock(&ldw_budget_lock);
	ldw_budget_stopping = true;
	spin_unlock(&ldw_budget_lock);
	cancel_delayed_work_sync(&ldw_budget_work);

	spin_lock(&ldw_budget_lock);
	ldw_budgets_clear(ktime_get_ns(), &due);
	spin_unlock(&ldw_budget_lock);
	ldw_summaries_submit(&due);
}
