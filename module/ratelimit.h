/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rate limit of the rules' alerts (ratelimit.c): at most
 * rate_limit_alerts alerts per rate_limit_seconds (module parameters), as
 * Elastic's rule's "maximum alerts per execution: 100" every 5 minutes,
 * counted in one budget per (user, mount namespace) of the acting task, so
 * that nobody spends another's. An alert about a host target made by root
 * in the host's mount namespace is never suppressed and spends nothing.
 *
 * Matches beyond a budget are counted (LDW_CNT_SUPPRESSED) and summarised in
 * one LDW_CMD_SUPPRESSED record per budget and window, which keeps their
 * evidence up to a bound and which the delivery queue numbers and sends
 * like an alert.
 */
#ifndef _LDWATCH_RATELIMIT_H
#define _LDWATCH_RATELIMIT_H

#include <linux/types.h>

#include "alert.h"

/* Check the parameters and start with no budget in use. */
int ldw_ratelimit_init(void);

/*
 * Whether @alert, built for a match, may be submitted. False: it was
 * counted as suppressed and its evidence kept for its budget's summary;
 * the caller still owns (and frees) it. Submits the summaries of windows
 * that ended first. Process context (it may allocate with GFP_NOWAIT and
 * free); never sleeps.
 */
bool ldw_ratelimit_admit(const struct ldw_alert *alert);

/*
 * At unload, once capture judges nothing more and before the delivery
 * queue stops: stop the windows' timer and submit the summary of every
 * window still open that suppressed anything.
 */
void ldw_ratelimit_exit(void);

/**
 * struct ldw_window - one budget's fixed rate limit window
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

/*
 * Budgets held at once: a key beyond them takes the place of another,
 * which starts afresh when it comes back (ratelimit.c says why that is safe).
 */
#define LDW_BUDGETS 64

#if IS_ENABLED(CONFIG_KUNIT)
/* The window logic, without lock or clock, for the KUnit suite. */
bool ldw_window_admit(struct ldw_window *w, u64 now_ns, u64 now_real_ns,
		      struct ldw_suppressed *ended, bool *has_ended);
bool ldw_window_close(struct ldw_window *w, u64 now_ns, bool force,
		      struct ldw_suppressed *ended);
bool ldw_ratelimit_exempt(const struct ldw_alert *alert);
void ldw_evidence_add(struct ldw_evidence *ev, const struct ldw_alert *alert);
extern unsigned int rate_limit_alerts;
extern unsigned int rate_limit_seconds;
#endif

#endif /* _LDWATCH_RATELIMIT_H */
