/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rate limit of the rule's alerts (ratelimit.c): at most
 * rate_limit_alerts alerts per rate_limit_seconds (module parameters), as
 * the rule's "maximum alerts per execution: 100" every 5 minutes. Matches
 * beyond it are counted (LDW_CNT_SUPPRESSED) and summarised in one
 * LDW_CMD_SUPPRESSED record per window, which the delivery queue numbers
 * and sends like an alert.
 */
#ifndef _LDWATCH_RATELIMIT_H
#define _LDWATCH_RATELIMIT_H

#include <linux/spinlock_types.h>
#include <linux/types.h>

#include "alert.h"

/* Check the parameters and start with no window open. */
int ldw_ratelimit_init(void);

/*
 * Whether a match may become an alert. False: it was counted as suppressed.
 * Submits the summary of a window that ended first. Process context (it
 * may allocate with GFP_NOWAIT and free); never sleeps.
 */
bool ldw_ratelimit_admit(void);

/*
 * At unload, once capture judges nothing more and before the delivery
 * queue stops: stop the window's timer and submit the summary of the
 * window still open, if it suppressed anything.
 */
void ldw_ratelimit_exit(void);

/**
 * struct ldw_window - one rule's fixed rate limit window
 * @limit: alerts per window; 0: no limit
 * @period_ns: the window's length
 * @open: a window is open (since its first match)
 * @start_ns: when it opened, on the monotonic clock
 * @start_real_ns: the same moment on CLOCK_REALTIME, to report
 * @admitted: matches it let become alerts, at most @limit
 * @suppressed: matches beyond @limit
 */
struct ldw_window {
	u32 limit;
	u64 period_ns;
	bool open;
	u64 start_ns;
	u64 start_real_ns;
	u32 admitted;
	u64 suppressed;
};

#if IS_ENABLED(CONFIG_KUNIT)
/* The window logic, without lock or clock, for the KUnit suite. */
bool ldw_window_admit(struct ldw_window *w, u64 now_ns, u64 now_real_ns,
		      struct ldw_suppressed *ended, bool *has_ended);
bool ldw_window_close(struct ldw_window *w, u64 now_ns, bool force,
		      struct ldw_suppressed *ended);
extern unsigned int rate_limit_alerts;
extern unsigned int rate_limit_seconds;
#endif

#endif /* _LDWATCH_RATELIMIT_H */
