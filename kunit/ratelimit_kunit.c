// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_ratelimit": the rate limit's fixed window (ratelimit.c),
 * its logic alone, on a clock the cases set.
 *
 * What must hold (netlink.h, LDW_CMD_SUPPRESSED): a window opens at a
 * match and lasts its period; its first @limit matches are admitted, the
 * rest suppressed; once its time is up it ends at the next match or when
 * closed, and only a window that suppressed something yields a summary,
 * saying when it began, when it ended (its period, or earlier when forced
 * at unload) and how many matches it suppressed.
 *
 * And the budgets (ratelimit.h): one per (uid, mount namespace), so that
 * one key's flood suppresses nothing of another's; root's alerts about a
 * host target from the host's mount namespace spend none; each summary
 * says whose budget it was and keeps the evidence of its suppressed alerts
 * up to LDW_SAMPLES_MAX and a byte bound, the rest counted; a key beyond
 * the table's LDW_BUDGETS evicts one whose summary goes out at once and
 * which starts afresh, while every other key keeps its state.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time64.h>

#include <ldwatch/netlink.h>

#include "alert.h"
#include "ldw_kunit.h"
#include "queue.h"
#include "ratelimit.h"
#include "ruleset.h"
#include "stats.h"

#define LDW_TEST_LIMIT 5
#define LDW_TEST_PERIOD (3 * NSEC_PER_SEC)
/* CLOCK_REALTIME of monotonic 0, so that the two clocks differ. */
#define LDW_TEST_REAL 1700000000000000000ull

static struct ldw_window ldw_test_window(void)
{
	return (struct ldw_window){ .limit = LDW_TEST_LIMIT,
				    .period_ns = LDW_TEST_PERIOD };
}

/* @n matches at @now; how many were admitted. No window may end meanwhile. */
static unsigned int ldw_test_matches(struct kunit *test, struct ldw_window *w,
				     unsigned int n, u64 now)
{
	struct ldw_suppressed ended;
	unsigned int i, admitted = 0;
	bool has_ended;

	for (i = 0; i < n; i++) {
		admitted += ldw_window_admit(w, now, LDW_TEST_REAL + now,
					     &ended, &has_ended);
		KUNIT_EXPECT_FALSE(test, has_ended);
	}
	return admitted;
}

static void ldw_test_first_n_admitted(struct kunit *test)
{
	struct ldw_window w = ldw_test_window();

	KUNIT_EXPECT_EQ(test, ldw_test_matches(test, &w, 20, 1000), LDW_TEST_LIMIT);
	KUNIT_EXPECT_EQ(test, w.suppressed, 15);
	/* Still the same window just before its end. */
	KUNIT_EXPECT_EQ(test, ldw_test_matches(test, &w, 1, 1000 + LDW_TEST_PERIOD - 1),
			0);
	KUNIT_EXPECT_EQ(test, w.suppressed, 16);
}

static void ldw_test_next_match_ends_window(struct kunit *test)
{
	struct ldw_window w = ldw_test_window();
	struct ldw_suppressed ended = {};
	bool has_ended;
	u64 later = 1000 + LDW_TEST_PERIOD;

	ldw_test_matches(test, &w, 20, 1000);
	KUNIT_EXPECT_TRUE(test, ldw_window_admit(&w, later, LDW_TEST_REAL + later,
						 &ended, &has_ended));
	KUNIT_ASSERT_TRUE(test, has_ended);
	KUNIT_EXPECT_EQ(test, ended.count, 15);
	KUNIT_EXPECT_EQ(test, ended.window_start_ns, LDW_TEST_REAL + 1000);
	KUNIT_EXPECT_EQ(test, ended.window_end_ns,
			LDW_TEST_REAL + 1000 + LDW_TEST_PERIOD);
	/* The match that ended it opened the next window, and counts there. */
	KUNIT_EXPECT_TRUE(test, w.open);
	KUNIT_EXPECT_EQ(test, w.start_ns, later);
	KUNIT_EXPECT_EQ(test, w.admitted, 1);
	KUNIT_EXPECT_EQ(test, w.suppressed, 0);
	KUNIT_EXPECT_EQ(test, ldw_test_matches(test, &w, 19, later + 1), 4);
}

static void ldw_test_quiet_window_no_summary(struct kunit *test)
{
	struct ldw_window w = ldw_test_window();
	struct ldw_suppressed ended;
	bool has_ended;
	u64 later = 1000 + 2 * LDW_TEST_PERIOD;

	ldw_test_matches(test, &w, LDW_TEST_LIMIT, 1000);
	KUNIT_EXPECT_TRUE(test, ldw_window_admit(&w, later, LDW_TEST_REAL + later,
						 &ended, &has_ended));
	KUNIT_EXPECT_FALSE(test, has_ended);
	KUNIT_EXPECT_FALSE(test, ldw_window_close(&w, later + 2 * LDW_TEST_PERIOD,
						  false, &ended));
	KUNIT_EXPECT_FALSE(test, w.open);
}

static void ldw_test_close_on_time(struct kunit *test)
{
	struct ldw_window w = ldw_test_window();
	struct ldw_suppressed ended = {};

	KUNIT_EXPECT_FALSE(test, ldw_window_close(&w, 0, true, &ended));
	ldw_test_matches(test, &w, LDW_TEST_LIMIT + 2, 1000);
	KUNIT_EXPECT_FALSE(test, ldw_window_close(&w, 1000 + LDW_TEST_PERIOD - 1,
						  false, &ended));
	KUNIT_EXPECT_TRUE(test, w.open);
	KUNIT_ASSERT_TRUE(test, ldw_window_close(&w, 1000 + 5 * LDW_TEST_PERIOD,
						 false, &ended));
	KUNIT_EXPECT_EQ(test, ended.count, 2);
	/* It ended when its period was up, whenever that was noticed. */
	KUNIT_EXPECT_EQ(test, ended.window_end_ns,
			LDW_TEST_REAL + 1000 + LDW_TEST_PERIOD);
	KUNIT_EXPECT_FALSE(test, w.open);
	KUNIT_EXPECT_FALSE(test, ldw_window_close(&w, 1000 + 6 * LDW_TEST_PERIOD,
						  true, &ended));
}

static void ldw_test_close_forced(struct kunit *test)
{
	struct ldw_window w = ldw_test_window();
	struct ldw_suppressed ended = {};

	ldw_test_matches(test, &w, LDW_TEST_LIMIT + 1, 1000);
	KUNIT_ASSERT_TRUE(test, ldw_window_close(&w, 1000 + NSEC_PER_SEC, true,
						 &ended));
	KUNIT_EXPECT_EQ(test, ended.count, 1);
	KUNIT_EXPECT_EQ(test, ended.window_start_ns, LDW_TEST_REAL + 1000);
	KUNIT_EXPECT_EQ(test, ended.window_end_ns,
			LDW_TEST_REAL + 1000 + NSEC_PER_SEC);
}

/* ---- budgets ---- */

LDW_TEST_PATH_RULE(ldw_rl_table, "/etc/*", "kunit rate limit");
LDW_TEST_PATH_RULE(ldw_rl_other_table, "/etc/*", "kunit rate limit, another rule");

/* The case's rule, made once per case (in test->priv). */
static struct ldw_lrule *ldw_rl_rule(struct kunit *test)
{
	if (!test->priv)
		test->priv = ldw_test_rule(test, &ldw_rl_table);
	return test->priv;
}

#define LDW_TEST_HOST_MNTNS 4026531841u
#define LDW_TEST_USER_MNTNS 4026532301u
#define LDW_TEST_NOBODY 65534u

/* An alert of @uid in @mntns about @path, with @exe (or NULL), at @time. */
static struct ldw_alert *ldw_test_alert(struct kunit *test, u32 uid, u32 mntns,
					const char *path, const char *exe,
					u64 time)
{
	struct ldw_alert *alert =
		kunit_kzalloc(test, ldw_test_alert_size(path, NULL, exe), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, alert);
	ldw_test_alert_fill(alert, path, NULL, exe);
	alert->uid = uid;
	alert->euid = uid;
	alert->mntns = mntns;
	alert->time_ns = time;
	alert->action = LDW_ACTION_CREATION;
	alert->rule = ldw_rl_rule(test);
	return alert;
}

static void ldw_test_restore_limits(void *saved)
{
	const unsigned int *limits = saved;

	rate_limit_alerts = limits[0];
	rate_limit_seconds = limits[1];
}

/* Whatever a case did, no window's work item outlives it. */
static void ldw_test_ratelimit_stop(void *unused)
{
	ldw_ratelimit_exit();
}

/*
 * Start the rate limit with @alerts per @seconds; it is stopped and the
 * parameters come back after the case.
 */
static void ldw_test_limits(struct kunit *test, unsigned int alerts,
			    unsigned int seconds)
{
	unsigned int *saved = kunit_kmalloc_array(test, 2, sizeof(*saved), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, saved);
	saved[0] = rate_limit_alerts;
	saved[1] = rate_limit_seconds;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_restore_limits,
							   saved));
	rate_limit_alerts = alerts;
	rate_limit_seconds = seconds;
	KUNIT_ASSERT_EQ(test, ldw_ratelimit_init(), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_ratelimit_stop,
							   NULL));
}

/* How many of @n alerts of (@uid, @mntns) were admitted. */
static unsigned int ldw_test_admit(struct kunit *test, u32 uid, u32 mntns,
				   unsigned int n)
{
	unsigned int i, admitted = 0;
	char path[64];

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/etc/ld.so.conf.d/u%u-%u.conf", uid, i);
		admitted += ldw_ratelimit_admit(ldw_test_alert(test, uid, mntns, path,
							       "/usr/bin/flood", i));
	}
	return admitted;
}

/* The summaries waiting in the queue, up to @room, into @found; their number. */
static unsigned int ldw_test_summaries(const struct ldw_alert **found,
				       unsigned int room)
{
	const struct ldw_alert *alert;
	unsigned long flags;
	unsigned int n = 0;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	list_for_each_entry(alert, &ldw_queue, node) {
		if (alert->record == LDW_RECORD_SUPPRESSED && n < room)
			found[n++] = alert;
	}
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	return n;
}

static void exempt_only_root_on_host_targets_in_host_namespace(struct kunit *test)
{
	struct ldw_alert *a = ldw_test_alert(test, 0, LDW_TEST_HOST_MNTNS,
					     "/etc/ld.so.preload", "/bin/sh", 0);

	KUNIT_EXPECT_FALSE(test, ldw_ratelimit_exempt(a));
	a->target_path = "/etc/ld.so.preload";
	KUNIT_EXPECT_TRUE(test, ldw_ratelimit_exempt(a));
	/* The real uid is not what counts: a setuid root program is root. */
	a->uid = 1000;
	KUNIT_EXPECT_TRUE(test, ldw_ratelimit_exempt(a));
	a->euid = 1000;
	KUNIT_EXPECT_FALSE(test, ldw_ratelimit_exempt(a));
	a->euid = 0;
	a->aliases = LDW_ALIAS_PATH | LDW_ALIAS_ROOT;
	KUNIT_EXPECT_TRUE(test, ldw_ratelimit_exempt(a));
	a->aliases |= LDW_ALIAS_MOUNT_NAMESPACE;
	KUNIT_EXPECT_FALSE(test, ldw_ratelimit_exempt(a));
}

static void evidence_bounded_in_samples_and_bytes(struct kunit *test)
{
	struct ldw_evidence *ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	char *long_path = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, long_path);
	for (i = 0; i < LDW_SAMPLES_MAX + 4; i++)
		ldw_evidence_add(ev, ldw_test_alert(test, 7, 9, "/etc/ld.so.preload",
						    i % 2 ? NULL : "/bin/sh", 100 + i));
	KUNIT_EXPECT_EQ(test, ev->nsamples, LDW_SAMPLES_MAX);
	for (i = 0; i < LDW_SAMPLES_MAX; i++) {
		const struct ldw_sample *s = &ev->samples[i];

		KUNIT_EXPECT_EQ(test, s->time_ns, 100ULL + i);
		KUNIT_EXPECT_STREQ(test, s->file_path, "/etc/ld.so.preload");
		if (i % 2)
			KUNIT_EXPECT_NULL(test, s->executable);
		else
			KUNIT_EXPECT_STREQ(test, s->executable, "/bin/sh");
		KUNIT_EXPECT_EQ(test, s->uid, 7u);
		KUNIT_EXPECT_EQ(test, s->action, (u8)LDW_ACTION_CREATION);
		KUNIT_EXPECT_PTR_EQ(test, s->rule, ldw_rl_rule(test));
		/* Each sample holds the rule: what a summary frees. */
		ldw_lrule_put(s->rule);
	}

	/* Paths of PATH_MAX - 1 bytes: only as many as the byte bound holds. */
	memset(ev, 0, sizeof(*ev));
	memset(long_path, 'x', PATH_MAX - 1);
	long_path[0] = '/';
	for (i = 0; i < 4; i++)
		ldw_evidence_add(ev, ldw_test_alert(test, 7, 9, long_path, NULL, i));
	KUNIT_EXPECT_EQ(test, ev->nsamples, (u32)(LDW_EVIDENCE_BYTES / PATH_MAX));
	KUNIT_EXPECT_LE(test, ev->used, (u32)LDW_EVIDENCE_BYTES);
	KUNIT_EXPECT_STREQ(test, ev->samples[0].file_path, long_path);
	/* A short one still fits after them. */
	ldw_evidence_add(ev, ldw_test_alert(test, 7, 9, "/etc/ld.so.conf", NULL, 9));
	KUNIT_EXPECT_EQ(test, ev->nsamples, (u32)(LDW_EVIDENCE_BYTES / PATH_MAX) + 1);
	for (i = 0; i < ev->nsamples; i++)
		ldw_lrule_put(ev->samples[i].rule);
}

/*
 * Each rule has its own budgets: one user's flood that one rule matches
 * spends nothing of another rule's, and each summary names its rule.
 */
static void budgets_per_rule(struct kunit *test)
{
	struct ldw_lrule *other = ldw_test_rule(test, &ldw_rl_other_table);
	const struct ldw_alert *found[4];
	struct ldw_alert *alert;
	unsigned int i, n, admitted = 0;

	ldw_test_limits(test, 3, 300);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, LDW_TEST_NOBODY, LDW_TEST_USER_MNTNS, 5), 3u);
	for (i = 0; i < 5; i++) {
		alert = ldw_test_alert(test, LDW_TEST_NOBODY, LDW_TEST_USER_MNTNS,
				       "/etc/ld.so.preload", "/usr/bin/flood", i);
		alert->rule = other;
		admitted += ldw_ratelimit_admit(alert);
	}
	KUNIT_EXPECT_EQ(test, admitted, 3u);
	ldw_ratelimit_exit();
	n = ldw_test_summaries(found, ARRAY_SIZE(found));
	KUNIT_ASSERT_EQ(test, n, 2u);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.count, 2ULL);
	KUNIT_EXPECT_EQ(test, found[1]->suppressed.count, 2ULL);
	KUNIT_EXPECT_TRUE(test, found[0]->rule != found[1]->rule);
	KUNIT_EXPECT_TRUE(test, found[0]->rule == ldw_rl_rule(test) || found[0]->rule == other);
	KUNIT_EXPECT_TRUE(test, found[1]->rule == ldw_rl_rule(test) || found[1]->rule == other);
}

/*
 * An unprivileged user's flood spends its own budget: root's alerts and
 * another namespace's are admitted; root's about a host target spend
 * nothing at all; each summary names its budget and carries its evidence.
 */
static void budgets_per_user_and_mount_namespace(struct kunit *test)
{
	const struct ldw_alert *found[4];
	struct ldw_alert *root_host;
	unsigned int i, n;

	ldw_test_limits(test, 3, 300);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, LDW_TEST_NOBODY, LDW_TEST_USER_MNTNS, 10), 3u);
	/* The same user in another namespace, root in the host's: whole budgets. */
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, LDW_TEST_NOBODY, LDW_TEST_USER_MNTNS + 1, 4),
			3u);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 0, LDW_TEST_HOST_MNTNS, 3), 3u);
	/* Root's budget is spent, but not for the host's targets. */
	for (i = 0; i < 20; i++) {
		root_host = ldw_test_alert(test, 0, LDW_TEST_HOST_MNTNS, "/etc/ld.so.preload",
					   "/bin/sh", 0);
		root_host->target_path = "/etc/ld.so.preload";
		KUNIT_EXPECT_TRUE(test, ldw_ratelimit_admit(root_host));
	}
	/* ... in the host's mount namespace: root in a container is budgeted. */
	root_host->aliases = LDW_ALIAS_MOUNT_NAMESPACE;
	root_host->mntns = LDW_TEST_USER_MNTNS;
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 0, LDW_TEST_USER_MNTNS, 3), 3u);
	KUNIT_EXPECT_FALSE(test, ldw_ratelimit_admit(root_host));
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 0, LDW_TEST_HOST_MNTNS, 1), 0u);

	/* Nothing is due before the windows end: the unload ends them. */
	KUNIT_EXPECT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 0u);
	ldw_ratelimit_exit();
	n = ldw_test_summaries(found, ARRAY_SIZE(found));
	KUNIT_ASSERT_EQ(test, n, 4u);
	for (i = 0; i < n; i++) {
		const struct ldw_suppressed *s = &found[i]->suppressed;

		KUNIT_ASSERT_NOT_NULL(test, s->evidence);
		KUNIT_EXPECT_EQ(test, (u64)s->evidence->nsamples, s->count);
		if (s->uid == LDW_TEST_NOBODY && s->mntns == LDW_TEST_USER_MNTNS) {
			KUNIT_EXPECT_EQ(test, s->count, 7ULL);
			/* The first suppressed: its fourth alert. */
			KUNIT_EXPECT_STREQ(test, s->evidence->samples[0].file_path,
					   "/etc/ld.so.conf.d/u65534-3.conf");
			KUNIT_EXPECT_STREQ(test, s->evidence->samples[6].file_path,
					   "/etc/ld.so.conf.d/u65534-9.conf");
			KUNIT_EXPECT_STREQ(test, s->evidence->samples[0].executable,
					   "/usr/bin/flood");
			KUNIT_EXPECT_EQ(test, s->evidence->samples[0].uid, LDW_TEST_NOBODY);
		} else if (s->uid == LDW_TEST_NOBODY) {
			KUNIT_EXPECT_EQ(test, s->mntns, LDW_TEST_USER_MNTNS + 1);
			KUNIT_EXPECT_EQ(test, s->count, 1ULL);
		} else if (s->mntns == LDW_TEST_USER_MNTNS) {
			KUNIT_EXPECT_EQ(test, s->uid, 0u);
			KUNIT_EXPECT_EQ(test, s->count, 1ULL);
			KUNIT_EXPECT_STREQ(test, s->evidence->samples[0].file_path,
					   "/etc/ld.so.preload");
		} else {
			KUNIT_EXPECT_EQ(test, s->uid, 0u);
			KUNIT_EXPECT_EQ(test, s->mntns, LDW_TEST_HOST_MNTNS);
			KUNIT_EXPECT_EQ(test, s->count, 1ULL);
		}
	}
}

/* More samples than a summary keeps: the first kept, all counted. */
static void summary_counts_beyond_its_samples(struct kunit *test)
{
	const struct ldw_alert *found[2];

	ldw_test_limits(test, 1, 300);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 1000, LDW_TEST_USER_MNTNS,
					     LDW_SAMPLES_MAX + 6), 1u);
	ldw_ratelimit_exit();
	KUNIT_ASSERT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 1u);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.count, LDW_SAMPLES_MAX + 5ULL);
	KUNIT_ASSERT_NOT_NULL(test, found[0]->suppressed.evidence);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.evidence->nsamples, LDW_SAMPLES_MAX);
	KUNIT_EXPECT_STREQ(test, found[0]->suppressed.evidence->samples[0].file_path,
			   "/etc/ld.so.conf.d/u1000-1.conf");
}

/*
 * A key beyond the table evicts a budget that owes no summary (the one
 * whose window opened first): no record for it, and it comes back with a
 * whole budget. Eviction lets more through, never less.
 */
static void eviction_takes_a_budget_that_owes_nothing(struct kunit *test)
{
	const struct ldw_alert *found[2];
	unsigned int k;

	/* A limit whose ceiling is the whole table's one alert each. */
	ldw_test_limits(test, LDW_BUDGETS / 8, 300);
	for (k = 0; k < LDW_BUDGETS - 1; k++)
		KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 2000 + k, LDW_TEST_USER_MNTNS, 1), 1u);
	/* One more key: the first key's budget makes room, silently. */
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 1, LDW_TEST_USER_MNTNS, 1), 1u);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 2, LDW_TEST_USER_MNTNS, 1), 0u);
	KUNIT_EXPECT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 0u);
	ldw_ratelimit_exit();
	/* Key 2 was beyond the ceiling: its summary, and only that, at the end. */
	KUNIT_ASSERT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 1u);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.uid, 2u);
}

/*
 * However many keys a user makes (mount namespaces, subordinate uids), all
 * budgets together admit the ceiling's worth of alerts per window; root's
 * alerts about the host's targets still pass.
 */
static void ceiling_bounds_every_budget_together(struct kunit *test)
{
	unsigned int k, admitted = 0;
	struct ldw_alert *root_host;

	ldw_test_limits(test, 10, 300);
	for (k = 0; k < 3 * LDW_BUDGETS; k++)
		admitted += ldw_test_admit(test, LDW_TEST_NOBODY, 5000 + k, 10);
	KUNIT_EXPECT_EQ(test, admitted, 10u * 8);
	root_host = ldw_test_alert(test, 0, LDW_TEST_HOST_MNTNS, "/etc/ld.so.preload",
				   "/bin/sh", 1);
	root_host->target_path = root_host->file_path;
	KUNIT_EXPECT_TRUE(test, ldw_ratelimit_admit(root_host));
	ldw_ratelimit_exit();
}

/*
 * A table full of budgets that owe summaries: a new key shares the overflow
 * budget, whose summary names no user but keeps each alert's own uid.
 * The summaries of a window are at most one per entry.
 */
static void full_table_shares_the_overflow_budget(struct kunit *test)
{
	const struct ldw_alert **found;
	const struct ldw_alert *overflow = NULL;
	unsigned int k, n;

	found = kunit_kcalloc(test, LDW_BUDGETS + 2, sizeof(*found), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, found);
	ldw_test_limits(test, 1, 300);
	/* Eight keys spend the ceiling; each key after it suppresses one. */
	for (k = 0; k < LDW_BUDGETS; k++)
		ldw_test_admit(test, 3000 + k, LDW_TEST_USER_MNTNS, 2);
	for (k = 0; k < 10; k++)
		KUNIT_EXPECT_EQ(test, ldw_test_admit(test, 4000 + k, LDW_TEST_USER_MNTNS, 1), 0u);
	KUNIT_EXPECT_EQ(test, ldw_test_summaries(found, LDW_BUDGETS + 2), 0u);
	ldw_ratelimit_exit();
	n = ldw_test_summaries(found, LDW_BUDGETS + 2);
	KUNIT_EXPECT_EQ(test, n, LDW_BUDGETS + 1u);
	for (k = 0; k < n; k++)
		if (found[k]->suppressed.uid == LDW_BUDGET_OVERFLOW_UID)
			overflow = found[k];
	KUNIT_ASSERT_NOT_NULL(test, overflow);
	KUNIT_EXPECT_EQ(test, overflow->suppressed.mntns, 0u);
	KUNIT_EXPECT_EQ(test, overflow->suppressed.count, 10ULL);
	KUNIT_ASSERT_NOT_NULL(test, overflow->suppressed.evidence);
	KUNIT_EXPECT_EQ(test, overflow->suppressed.evidence->nsamples, 10u);
	KUNIT_EXPECT_EQ(test, overflow->suppressed.evidence->samples[0].uid, 4000u);
	KUNIT_EXPECT_EQ(test, overflow->suppressed.evidence->samples[9].uid, 4009u);
}

/* A window's summary comes when its time is up, without another match. */
static void summary_comes_without_more_matches(struct kunit *test)
{
	const struct ldw_alert *found[2];

	ldw_test_limits(test, 1, 1);
	KUNIT_EXPECT_EQ(test, ldw_test_admit(test, LDW_TEST_NOBODY, LDW_TEST_USER_MNTNS, 3), 1u);
	KUNIT_EXPECT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 0u);
	msleep(1600);
	KUNIT_ASSERT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 1u);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.count, 2ULL);
	KUNIT_EXPECT_EQ(test, found[0]->suppressed.window_end_ns -
			found[0]->suppressed.window_start_ns, (u64)NSEC_PER_SEC);
	ldw_ratelimit_exit();
	KUNIT_EXPECT_EQ(test, ldw_test_summaries(found, ARRAY_SIZE(found)), 1u);
}

static struct kunit_case ldw_ratelimit_cases[] = {
	KUNIT_CASE(budgets_per_rule),
	KUNIT_CASE(ldw_test_first_n_admitted),
	KUNIT_CASE(ldw_test_next_match_ends_window),
	KUNIT_CASE(ldw_test_quiet_window_no_summary),
	KUNIT_CASE(ldw_test_close_on_time),
	KUNIT_CASE(ldw_test_close_forced),
	KUNIT_CASE(exempt_only_root_on_host_targets_in_host_namespace),
	KUNIT_CASE(evidence_bounded_in_samples_and_bytes),
	KUNIT_CASE(budgets_per_user_and_mount_namespace),
	KUNIT_CASE(summary_counts_beyond_its_samples),
	KUNIT_CASE(eviction_takes_a_budget_that_owes_nothing),
	KUNIT_CASE(ceiling_bounds_every_budget_together),
	KUNIT_CASE(full_table_shares_the_overflow_budget),
	KUNIT_CASE_SLOW(summary_comes_without_more_matches),
	{}
};

/* The window cases need no state; the budget cases use the queue's. */
static struct kunit_suite ldw_ratelimit_suite = {
	.name = "ldwatch_ratelimit",
	.init = ldw_test_state_init,
	.exit = ldw_test_state_exit,
	.test_cases = ldw_ratelimit_cases,
};

kunit_test_suite(ldw_ratelimit_suite);
