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
 */
#include <kunit/test.h>
#include <linux/time64.h>

#include "alert.h"
#include "ratelimit.h"

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

static struct kunit_case ldw_ratelimit_cases[] = {
	KUNIT_CASE(ldw_test_first_n_admitted),
	KUNIT_CASE(ldw_test_next_match_ends_window),
	KUNIT_CASE(ldw_test_quiet_window_no_summary),
	KUNIT_CASE(ldw_test_close_on_time),
	KUNIT_CASE(ldw_test_close_forced),
	{}
};

static struct kunit_suite ldw_ratelimit_suite = {
	.name = "ldwatch_ratelimit",
	.test_cases = ldw_ratelimit_cases,
};

kunit_test_suite(ldw_ratelimit_suite);
