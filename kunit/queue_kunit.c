// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_queue": the delivery queue and the counters under
 * producers running at once, several kernel threads spread over the CPUs,
 * as tasks finishing their system calls submit alerts and probe handlers
 * drop candidates. Nobody listens (the suite registers no netlink family),
 * so what is queued stays queued, and the suite walks the queue to see it.
 *
 * What must hold (alert.h, queue.c, netlink.h): every alert and every drop
 * takes one sequence number, none twice, from 1 without a gap; the queue
 * holds its alerts in sequence order and never more than its bounds, in
 * alerts and in bytes; an alert beyond them is counted as QUEUE_FULL, and
 * queued + QUEUE_FULL = submitted; what is still queued at unload is
 * counted as UNLOAD; and no count is lost to concurrency. An eighth of
 * each bound is reserved for alerts about a host target: others, however
 * many, stop short of it.
 *
 * Each case starts with fresh counters and an empty queue, numbering from
 * 1 (ldw_test_state_init(), as module init), and ends by unloading them.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>

#include <ldwatch/netlink.h>

#include "alert.h"
#include "ldw_kunit.h"
#include "queue.h"
#include "stats.h"

/* The drops capture makes itself; QUEUE_FULL and UNLOAD are the queue's. */
static const enum ldw_drop ldw_test_reasons[] = {
	LDW_DROP_NO_SLOT, LDW_DROP_BUSY, LDW_DROP_TASK_EXITING, LDW_DROP_PATH,
	LDW_DROP_NO_MEMORY, LDW_DROP_KERNEL_THREAD,
};

/**
 * struct ldw_test_worker - one producer thread
 * @go: what it waits for before it starts, with the others
 * @done: completed when it has finished
 * @fn: its work
 * @ctx: the case's parameters for @fn
 * @id: its number, 0 up
 * @err: set when it could not do all its work
 * @submitted: alerts it submitted
 * @dropped: drops it made, by reason
 */
struct ldw_test_worker {
	struct completion *go;
	struct completion done;
	void (*fn)(struct ldw_test_worker *worker);
	const void *ctx;
	unsigned int id;
	int err;
	unsigned int submitted;
	unsigned int dropped[__LDW_DROP_MAX];
};

static int ldw_test_worker_thread(void *data)
{
	struct ldw_test_worker *worker = data;

	wait_for_completion(worker->go);
	worker->fn(worker);
	complete(&worker->done);
	return 0;
}

/* At least four producers, two per CPU: some always share a CPU. */
static unsigned int ldw_test_nworkers(void)
{
	return max(4u, 2 * num_online_cpus());
}

/*
 * Run @fn in @n threads bound to the CPUs in turn, all released at once;
 * return when every one has finished.
 */
static struct ldw_test_worker *ldw_test_run(struct kunit *test, unsigned int n,
					    void (*fn)(struct ldw_test_worker *),
					    const void *ctx)
{
	struct ldw_test_worker *workers = kunit_kcalloc(test, n, sizeof(*workers),
							GFP_KERNEL);
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned int i, started = 0;

	KUNIT_ASSERT_NOT_NULL(test, workers);
	for (i = 0; i < n; i++) {
		struct ldw_test_worker *worker = &workers[i];
		struct task_struct *task;

		worker->go = &go;
		init_completion(&worker->done);
		worker->fn = fn;
		worker->ctx = ctx;
		worker->id = i;
		task = kthread_create(ldw_test_worker_thread, worker, "ldw_kunit/%u", i);
		if (IS_ERR(task))
			break;
		kthread_bind(task, cpumask_local_spread(i, NUMA_NO_NODE));
		wake_up_process(task);
		started++;
	}
	complete_all(&go);
	for (i = 0; i < started; i++)
		wait_for_completion(&workers[i].done);
	KUNIT_ASSERT_EQ_MSG(test, started, n, "producer threads started");
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ_MSG(test, workers[i].err, 0, "producer %u", i);
	return workers;
}

/**
 * struct ldw_test_race - what each producer of a case does
 * @alerts: alerts it submits
 * @drop_every: after every this many alerts, it drops one candidate
 * @path: the file path of its alerts (their size, for the byte bound)
 */
struct ldw_test_race {
	unsigned int alerts;
	unsigned int drop_every;
	const char *path;
};

static void ldw_test_produce(struct ldw_test_worker *worker)
{
	const struct ldw_test_race *race = worker->ctx;
	size_t size = ldw_test_alert_size(race->path, NULL, NULL);
	unsigned int i;

	for (i = 0; i < race->alerts; i++) {
		struct ldw_alert *alert = kmalloc(size, GFP_KERNEL);

		if (!alert) {
			worker->err = -ENOMEM;
			return;
		}
		ldw_test_alert_fill(alert, race->path, NULL, NULL);
		/* Tagged: who submitted it, and as which of its alerts. */
		alert->pid = worker->id;
		alert->tid = i;
		ldw_alert_submit(alert);
		worker->submitted++;
		if (race->drop_every && (i + 1) % race->drop_every == 0) {
			enum ldw_drop reason = ldw_test_reasons[(i / race->drop_every +
								 worker->id) %
								ARRAY_SIZE(ldw_test_reasons)];

			/* As a probe handler drops: preemption disabled. */
			preempt_disable();
			ldw_drop(reason);
			preempt_enable();
			worker->dropped[reason]++;
		}
		cond_resched();
	}
}

/**
 * struct ldw_test_queued - one alert found waiting in the queue
 * @seq: its sequence number
 * @producer: the producer that submitted it
 * @index: which of that producer's alerts it is
 */
struct ldw_test_queued {
	u64 seq;
	u32 producer;
	u32 index;
};

/* What the queue holds by the byte bound's measure (queue.c). */
static size_t ldw_test_footprint(const struct ldw_alert *alert)
{
	size_t size = sizeof(*alert);

	/* A rate limit summary: no strings, its evidence if it has any. */
	if (alert->record == LDW_RECORD_SUPPRESSED)
		return alert->suppressed.evidence ?
		       size + sizeof(*alert->suppressed.evidence) : size;
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

/*
 * What alerts that are not about a host target may fill of @bound: all
 * but the eighth reserved for those that are (queue.c).
 */
static unsigned int ldw_test_unreserved(unsigned int bound)
{
	return bound - bound / 8;
}

/*
 * The alerts waiting, in queue order, into @found (room for @room); the
 * number of them, and their bytes in *@bytes.
 */
static unsigned int ldw_test_walk(struct ldw_test_queued *found, unsigned int room,
				  size_t *bytes)
{
	const struct ldw_alert *alert;
	unsigned int n = 0;
	unsigned long flags;

	*bytes = 0;
	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	list_for_each_entry(alert, &ldw_queue, node) {
		if (n < room)
			found[n] = (struct ldw_test_queued){
				alert->seq, alert->pid, alert->tid
			};
		*bytes += ldw_test_footprint(alert);
		n++;
	}
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	return n;
}

/*
 * After a race: the numbers, the queue's content and the counters agree
 * with what the producers did, and the queue holds @expect alerts.
 */
static void ldw_test_check_race(struct kunit *test,
				const struct ldw_test_worker *workers,
				unsigned int n, unsigned int expect)
{
	struct ldw_stats_snapshot *stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	unsigned int *next = kunit_kcalloc(test, n, sizeof(*next), GFP_KERNEL);
	struct ldw_test_queued *found;
	struct ldw_alert *late;
	unsigned int i, r, queued, disorder = 0, out_of_range = 0, not_prefix = 0;
	u64 submitted = 0, dropped = 0, numbered;
	size_t bytes;

	KUNIT_ASSERT_NOT_NULL(test, stats);
	KUNIT_ASSERT_NOT_NULL(test, next);
	found = kunit_kcalloc(test, expect + 1, sizeof(*found), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, found);

	for (i = 0; i < n; i++) {
		submitted += workers[i].submitted;
		for (r = 0; r < __LDW_DROP_MAX; r++)
			dropped += workers[i].dropped[r];
	}
	numbered = submitted + dropped;

	/* Every alert and every drop took one number: the next is one past. */
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), numbered + 1);

	queued = ldw_test_walk(found, expect + 1, &bytes);
	KUNIT_ASSERT_EQ_MSG(test, queued, expect, "%llu submitted, bounds %u alerts, %u bytes",
			    submitted, queue_max_alerts, queue_max_bytes);
	KUNIT_EXPECT_LE(test, queued, queue_max_alerts);
	KUNIT_EXPECT_LE(test, bytes, (size_t)queue_max_bytes);

	for (i = 0; i < queued; i++) {
		const struct ldw_test_queued *q = &found[i];

		/* In sequence order, so no number twice; all of them given out. */
		if (i && q->seq <= found[i - 1].seq)
			disorder++;
		if (q->seq < 1 || q->seq > numbered || q->producer >= n) {
			out_of_range++;
			continue;
		}
		/*
		 * Nothing leaves the queue: once full it stays full, so what
		 * each producer got in is its first alerts, in its order.
		 */
		if (q->index != next[q->producer]++)
			not_prefix++;
	}
	KUNIT_EXPECT_EQ_MSG(test, disorder, 0u, "alerts out of sequence order");
	KUNIT_EXPECT_EQ_MSG(test, out_of_range, 0u, "numbers never given out");
	KUNIT_EXPECT_EQ_MSG(test, not_prefix, 0u, "alerts missing or out of order");

	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_QUEUE_FULL], submitted - queued);
	for (r = 0; r < ARRAY_SIZE(ldw_test_reasons); r++) {
		enum ldw_drop reason = ldw_test_reasons[r];
		u64 made = 0;

		for (i = 0; i < n; i++)
			made += workers[i].dropped[reason];
		KUNIT_EXPECT_EQ_MSG(test, stats->dropped[reason], made, "reason %u", reason);
	}
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_UNLOAD], 0ULL);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_SEND_FAILED], 0ULL);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_SENT], 0ULL);

	/*
	 * Unload: what waits is counted as dropped at unload, and then so is
	 * every alert submitted, still numbered.
	 */
	ldw_queue_stop();
	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_UNLOAD], (u64)queued);
	KUNIT_EXPECT_EQ(test, ldw_test_walk(found, expect + 1, &bytes), 0u);
	late = kmalloc(ldw_test_alert_size("/x", NULL, NULL), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, late);
	ldw_alert_submit(ldw_test_alert_fill(late, "/x", NULL, NULL));
	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_UNLOAD], (u64)queued + 1);
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), numbered + 2);
}

/* ---- the cases ---- */

/* One producer, by hand: alerts and drops share one numbering. */
static void numbers_alerts_and_drops_in_turn(struct kunit *test)
{
	struct ldw_test_queued found[4];
	size_t size = ldw_test_alert_size("/etc/ld.so.preload", NULL, NULL);
	unsigned int i;
	size_t bytes;

	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), 1ULL);
	for (i = 0; i < 3; i++) {
		struct ldw_alert *alert = kmalloc(size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, alert);
		ldw_alert_submit(ldw_test_alert_fill(alert, "/etc/ld.so.preload",
						     NULL, NULL));
		if (i < 2)
			ldw_drop(LDW_DROP_NO_SLOT);
	}
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), 6ULL);
	KUNIT_ASSERT_EQ(test, ldw_test_walk(found, ARRAY_SIZE(found), &bytes), 3u);
	KUNIT_EXPECT_EQ(test, found[0].seq, 1ULL);
	KUNIT_EXPECT_EQ(test, found[1].seq, 3ULL);
	KUNIT_EXPECT_EQ(test, found[2].seq, 5ULL);
}

/*
 * Producers on every CPU, more alerts than the default bound: it holds,
 * and the numbers and counters account for every alert and drop.
 */
static void concurrent_producers_at_the_alert_bound(struct kunit *test)
{
	unsigned int n = ldw_test_nworkers();
	const struct ldw_test_race race = {
		/* Half again as many as the queue holds. */
		.alerts = (queue_max_alerts + queue_max_alerts / 2) / n + 1,
		.drop_every = 4,
		.path = "/etc/ld.so.conf.d/evil.conf",
	};
	struct ldw_test_worker *workers = ldw_test_run(test, n, ldw_test_produce, &race);

	ldw_test_check_race(test, workers, n, ldw_test_unreserved(queue_max_alerts));
}

static void ldw_test_restore_bounds(void *saved)
{
	const unsigned int *bounds = saved;

	queue_max_alerts = bounds[0];
	queue_max_bytes = bounds[1];
}

/* Set the bounds for this case; the module parameters' values come back after. */
static void ldw_test_bounds(struct kunit *test, unsigned int alerts, unsigned int bytes)
{
	unsigned int *saved = kunit_kmalloc_array(test, 2, sizeof(*saved), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, saved);
	saved[0] = queue_max_alerts;
	saved[1] = queue_max_bytes;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_restore_bounds,
							   saved));
	queue_max_alerts = alerts;
	queue_max_bytes = bytes;
}

/* A bound of one alert: exactly one gets in, whoever wins. */
static void concurrent_producers_at_a_small_bound(struct kunit *test)
{
	unsigned int n = ldw_test_nworkers();
	const struct ldw_test_race race = {
		.alerts = 64,
		.drop_every = 3,
		.path = "/etc/ld.so.preload",
	};
	struct ldw_test_worker *workers;

	ldw_test_bounds(test, 1, queue_max_bytes);
	workers = ldw_test_run(test, n, ldw_test_produce, &race);
	ldw_test_check_race(test, workers, n, 1);
}

/*
 * The byte bound: at its smallest (65536) and with paths of 4000 bytes, it
 * holds long before the alert bound would.
 */
static void concurrent_producers_at_the_byte_bound(struct kunit *test)
{
	unsigned int n = ldw_test_nworkers();
	char *path = kunit_kmalloc(test, 4001, GFP_KERNEL);
	struct ldw_test_race race = {
		.alerts = 16,
		.drop_every = 5,
	};
	struct ldw_test_worker *workers;
	size_t footprint;

	KUNIT_ASSERT_NOT_NULL(test, path);
	memset(path, 'x', 4000);
	path[0] = '/';
	path[4000] = '\0';
	race.path = path;
	footprint = sizeof(struct ldw_alert) + 4001;

	ldw_test_bounds(test, queue_max_alerts, 65536);
	KUNIT_ASSERT_GT(test, (size_t)n * race.alerts, 65536 / footprint);
	workers = ldw_test_run(test, n, ldw_test_produce, &race);
	ldw_test_check_race(test, workers, n, ldw_test_unreserved(65536) / footprint);
}

/* An alert about a host target (a target path), made to order. */
static struct ldw_alert *ldw_test_target_alert(struct kunit *test, const char *path,
					       bool failed)
{
	struct ldw_alert *alert = kmalloc(ldw_test_alert_size(path, NULL, NULL), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, alert);
	ldw_test_alert_fill(alert, path, NULL, NULL);
	/* A constant: the footprint counts it, nothing frees it. */
	alert->target_path = "/etc/ld.so.preload";
	alert->failed = failed;
	return alert;
}

/* Submit @n alerts that are not about a host target; how many were queued. */
static unsigned int ldw_test_flood(struct kunit *test, unsigned int n, const char *path)
{
	struct ldw_test_queued found[1];
	unsigned int i;
	size_t bytes;

	for (i = 0; i < n; i++) {
		struct ldw_alert *alert = kmalloc(ldw_test_alert_size(path, NULL, NULL),
						  GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, alert);
		ldw_alert_submit(ldw_test_alert_fill(alert, path, NULL, NULL));
	}
	return ldw_test_walk(found, 0, &bytes);
}

/*
 * A flood of alerts about other things stops at the reserve; alerts about
 * a host target use it, until it too is full. A failed attempt on a target
 * does not use it; a rate limit summary is never refused.
 */
static void reserve_holds_alerts_about_host_targets(struct kunit *test)
{
	struct ldw_stats_snapshot *stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	struct ldw_test_queued found[1];
	struct ldw_alert *summary;
	unsigned int i, reserve = 64 / 8;
	size_t bytes;

	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_bounds(test, 64, queue_max_bytes);
	KUNIT_EXPECT_EQ(test, ldw_test_flood(test, 200, "/tmp/etc/ld.so.conf.d/x.conf"),
			64 - reserve);
	ldw_alert_submit(ldw_test_target_alert(test, "/etc/ld.so.preload", true));
	summary = kzalloc(sizeof(*summary), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, summary);
	INIT_LIST_HEAD(&summary->node);
	summary->record = LDW_RECORD_SUPPRESSED;
	summary->suppressed.count = 1;
	ldw_alert_submit(summary);
	KUNIT_EXPECT_EQ(test, ldw_test_walk(found, 0, &bytes), 64 - reserve + 1);
	for (i = 0; i < reserve; i++)
		ldw_alert_submit(ldw_test_target_alert(test, "/etc/ld.so.preload", false));
	KUNIT_EXPECT_EQ(test, ldw_test_walk(found, 0, &bytes), 64u);
	ldw_alert_submit(ldw_test_target_alert(test, "/etc/ld.so.preload", false));
	KUNIT_EXPECT_EQ(test, ldw_test_walk(found, 0, &bytes), 64u);
	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_QUEUE_FULL],
			200ULL - (64 - reserve) + 2 + 1);
}

/* The same for bytes: long paths fill the bytes before the alert count. */
static void reserve_holds_bytes_for_alerts_about_host_targets(struct kunit *test)
{
	char *path = kunit_kmalloc(test, 4001, GFP_KERNEL);
	struct ldw_test_queued found[1];
	unsigned int flood, more = 0;
	size_t bytes, footprint;

	KUNIT_ASSERT_NOT_NULL(test, path);
	memset(path, 'x', 4000);
	path[0] = '/';
	path[4000] = '\0';
	ldw_test_bounds(test, queue_max_alerts, 65536);
	footprint = sizeof(struct ldw_alert) + 4001;
	flood = ldw_test_flood(test, 64, path);
	KUNIT_EXPECT_EQ(test, flood, (unsigned int)(ldw_test_unreserved(65536) / footprint));
	ldw_test_walk(found, 0, &bytes);
	/* Alerts about a target fill the rest, up to the whole bound. */
	footprint += sizeof("/etc/ld.so.preload");
	while (more < 64) {
		ldw_alert_submit(ldw_test_target_alert(test, path, false));
		if (ldw_test_walk(found, 0, &bytes) == flood + more)
			break;
		more++;
	}
	KUNIT_EXPECT_GT(test, more, 0u);
	KUNIT_EXPECT_LE(test, bytes, (size_t)65536);
	KUNIT_EXPECT_GT(test, bytes + footprint, (size_t)65536);
}

/*
 * Producers flooding on every CPU while one submits alerts about a host
 * target, as many as the reserve holds: every one of those is queued.
 */
static void ldw_test_produce_mixed(struct ldw_test_worker *worker)
{
	const unsigned int *reserve = worker->ctx;
	unsigned int i;

	for (i = 0; i < 4 * queue_max_alerts; i++) {
		const char *path = worker->id ? "/tmp/flood.conf" : "/etc/ld.so.preload";
		struct ldw_alert *alert;

		if (!worker->id && i >= *reserve)
			break;
		alert = kmalloc(ldw_test_alert_size(path, NULL, NULL), GFP_KERNEL);
		if (!alert) {
			worker->err = -ENOMEM;
			return;
		}
		ldw_test_alert_fill(alert, path, NULL, NULL);
		if (!worker->id)
			alert->target_path = "/etc/ld.so.preload";
		alert->pid = worker->id;
		ldw_alert_submit(alert);
		worker->submitted++;
		cond_resched();
	}
}

static void reserve_holds_under_a_concurrent_flood(struct kunit *test)
{
	unsigned int n = ldw_test_nworkers(), reserve = 256 / 8, targets = 0, others = 0;
	const struct ldw_alert *alert;
	unsigned long flags;

	ldw_test_bounds(test, 256, queue_max_bytes);
	ldw_test_run(test, n, ldw_test_produce_mixed, &reserve);
	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	list_for_each_entry(alert, &ldw_queue, node) {
		if (alert->target_path)
			targets++;
		else
			others++;
	}
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	/* The others stop at the reserve, counting the target alerts before them. */
	KUNIT_EXPECT_EQ(test, targets, reserve);
	KUNIT_EXPECT_LE(test, others, 256 - reserve);
	KUNIT_EXPECT_GE(test, others, 256 - 2 * reserve);
}

/* Alerts wait while nobody listens, past the work item's poll; not a drop. */
static void alerts_wait_while_nobody_listens(struct kunit *test)
{
	struct ldw_stats_snapshot *stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	size_t size = ldw_test_alert_size("/etc/ld.so.preload", NULL, NULL);
	struct ldw_test_queued found[6];
	unsigned int i, r;
	size_t bytes;

	KUNIT_ASSERT_NOT_NULL(test, stats);
	for (i = 0; i < 5; i++) {
		struct ldw_alert *alert = kmalloc(size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, alert);
		ldw_alert_submit(ldw_test_alert_fill(alert, "/etc/ld.so.preload",
						     NULL, NULL));
	}
	/* The work item finds nobody and looks again a second later. */
	msleep(1500);
	KUNIT_EXPECT_EQ(test, ldw_test_walk(found, ARRAY_SIZE(found), &bytes), 5u);
	ldw_stats_read(stats);
	for (r = 0; r < __LDW_DROP_MAX; r++)
		KUNIT_EXPECT_EQ_MSG(test, stats->dropped[r], 0ULL, "drop reason %u", r);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_SENT], 0ULL);
}

/* Bounds that would drop every alert are refused; the smallest is taken. */
static void bounds_that_drop_everything_are_refused(struct kunit *test)
{
	ldw_test_bounds(test, 0, queue_max_bytes);
	KUNIT_EXPECT_EQ(test, ldw_queue_init(), -EINVAL);
	ldw_test_bounds(test, 1, 65535);
	KUNIT_EXPECT_EQ(test, ldw_queue_init(), -EINVAL);
	ldw_test_bounds(test, 1, 65536);
	KUNIT_EXPECT_EQ(test, ldw_queue_init(), 0);
}

#define LDW_TEST_COUNTS 2000

/* Every counter and every drop reason, LDW_TEST_COUNTS times each. */
static void ldw_test_count(struct ldw_test_worker *worker)
{
	unsigned int i, c;

	for (i = 0; i < LDW_TEST_COUNTS; i++) {
		/* Half as a probe handler does, with preemption disabled. */
		if (i & 1)
			preempt_disable();
		for (c = 0; c < LDW_CNT_COUNT; c++)
			ldw_count(c);
		for (c = LDW_DROP_PAD + 1; c <= LDW_DROP_MAX; c++)
			ldw_count_drop(c);
		if (i & 1)
			preempt_enable();
		cond_resched();
	}
}

/* Per-CPU counters summed: not one increment lost to concurrency. */
static void counters_sum_every_increment(struct kunit *test)
{
	struct ldw_stats_snapshot *stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	unsigned int n = ldw_test_nworkers(), c;
	u64 each = (u64)n * LDW_TEST_COUNTS;

	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_run(test, n, ldw_test_count, NULL);
	ldw_stats_read(stats);
	for (c = 0; c < LDW_CNT_COUNT; c++)
		KUNIT_EXPECT_EQ_MSG(test, stats->counters[c], each, "counter %u", c);
	for (c = LDW_DROP_PAD + 1; c <= LDW_DROP_MAX; c++)
		KUNIT_EXPECT_EQ_MSG(test, stats->dropped[c], each, "drop reason %u", c);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_UNSPEC], 0ULL);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_PAD], 0ULL);
}

static struct kunit_case ldw_queue_cases[] = {
	KUNIT_CASE(numbers_alerts_and_drops_in_turn),
	KUNIT_CASE(concurrent_producers_at_the_alert_bound),
	KUNIT_CASE(concurrent_producers_at_a_small_bound),
	KUNIT_CASE(concurrent_producers_at_the_byte_bound),
	KUNIT_CASE_SLOW(alerts_wait_while_nobody_listens),
	KUNIT_CASE(bounds_that_drop_everything_are_refused),
	KUNIT_CASE(counters_sum_every_increment),
	KUNIT_CASE(reserve_holds_alerts_about_host_targets),
	KUNIT_CASE(reserve_holds_bytes_for_alerts_about_host_targets),
	KUNIT_CASE(reserve_holds_under_a_concurrent_flood),
	{}
};

static struct kunit_suite ldw_queue_suite = {
	.name = "ldwatch_queue",
	.init = ldw_test_state_init,
	.exit = ldw_test_state_exit,
	.test_cases = ldw_queue_cases,
};

kunit_test_suite(ldw_queue_suite);
