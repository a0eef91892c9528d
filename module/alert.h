/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An alert: one event the rule matched, as capture hands it to delivery.
 * Capture (capture.c) builds it in the acting task's context after the
 * operation succeeded; delivery (queue.c, netlink.c) owns it from
 * ldw_alert_submit() on and frees it once it is sent or dropped.
 */
#ifndef _LDWATCH_ALERT_H
#define _LDWATCH_ALERT_H

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <ldwatch/netlink.h>

struct ldw_lrule;

/**
 * enum ldw_record - what a queued record reports
 * @LDW_RECORD_ALERT: a matched event (LDW_CMD_ALERT); zero, so that a
 *	zeroed record is an alert
 * @LDW_RECORD_SUPPRESSED: the rate limiter's summary of one window
 *	(LDW_CMD_SUPPRESSED, ratelimit.h): only @seq, @rule and @suppressed
 *	are set
 * @LDW_RECORD_RULES_CHANGED: a change of the rule set
 *	(LDW_CMD_RULES_CHANGED, ruleset.c): @seq, @time_ns, who made it
 *	(@pid, @uid, @comm, @executable), @rule and @change
 */
enum ldw_record {
	LDW_RECORD_ALERT,
	LDW_RECORD_SUPPRESSED,
	LDW_RECORD_RULES_CHANGED,
};

/*
 * The bytes of strings a summary keeps of its suppressed alerts, besides
 * LDW_SAMPLES_MAX (netlink.h) of them at most.
 */
#define LDW_EVIDENCE_BYTES	6144

/**
 * struct ldw_sample - the evidence of one suppressed alert
 * @time_ns: CLOCK_REALTIME of the operation
 * @file_path: the file's path as the process saw it (in the strings)
 * @executable: the process's executable, or NULL
 * @rule: the rule that matched (a reference)
 * @uid: real uid (initial user namespace)
 * @action: enum ldw_action
 */
struct ldw_sample {
	u64 time_ns;
	const char *file_path;
	const char *executable;
	struct ldw_lrule *rule;
	u32 uid;
	u8 action;
};

/**
 * struct ldw_evidence - what a summary keeps of the alerts it suppressed
 * @nsamples: entries of @samples in use; the summary's count minus this is
 *	the number of suppressed alerts whose evidence did not fit
 * @used: bytes of @strings in use
 * @samples: the first suppressed alerts that fit
 * @strings: their strings, NUL-terminated
 */
struct ldw_evidence {
	u32 nsamples;
	u32 used;
	struct ldw_sample samples[LDW_SAMPLES_MAX];
	char strings[LDW_EVIDENCE_BYTES];
};

/**
 * struct ldw_suppressed - a rate limit window of one budget that
 *	suppressed matches
 * @window_start_ns: CLOCK_REALTIME when it began
 * @window_end_ns: CLOCK_REALTIME when it ended
 * @count: matches it did not let become alerts
 * @uid: the budget's user: real uid in the initial user namespace
 * @mntns: the budget's mount namespace (inode number)
 * @evidence: the suppressed alerts' evidence, in the same allocation as
 *	the summary; NULL if there was no memory for it
 */
struct ldw_suppressed {
	u64 window_start_ns;
	u64 window_end_ns;
	u64 count;
	u32 uid;
	u32 mntns;
	struct ldw_evidence *evidence;
};

/**
 * struct ldw_rules_change - what a change of the rule set did
 * @kind: enum ldw_rule_change
 * @previous: with LDW_RULE_CHANGE_REPLACED, the rule replaced (a
 *	reference); else NULL
 * @nrules: rules in the set after it
 */
struct ldw_rules_change {
	u8 kind;
	struct ldw_lrule *previous;
	u32 nrules;
};

/**
 * struct ldw_alert - one matched event, a rate limit summary or a change of
 *	the rule set: what the delivery queue holds, numbered in one sequence
 * @node: delivery queue link (queue.c)
 * @record: which of the two it is
 * @seq: sequence number, assigned by ldw_alert_submit()
 * @suppressed: for LDW_RECORD_SUPPRESSED, the window it summarises
 * @change: for LDW_RECORD_RULES_CHANGED, the change
 * @time_ns: CLOCK_REALTIME of the operation
 * @action: LDW_ACTION_CREATION or LDW_ACTION_RENAME
 * @pid: thread group id (initial pid namespace)
 * @tid: thread id
 * @ppid: parent's thread group id
 * @uid: real uid (initial user namespace)
 * @euid: effective uid
 * @gid: real gid
 * @mntns: inode number of the acting task's mount namespace
 * @comm: the acting thread's comm
 * @file_path: the file's path (NUL-terminated, in @buf); NULL in a summary
 * @original_path: the old path of a rename, or NULL
 * @executable: the process's executable, or NULL for kernel threads
 * @target_path: the host's path of the target, or NULL (targets.h)
 * @host_executable: the executable's path from the host's root, or NULL
 * @rule: the rule that matched (a summary: whose budget it was; a change:
 *	the rule loaded, put back or removed); a reference, put by
 *	ldw_alert_free()
 * @aliases: enum ldw_alias bits
 * @truncated: enum ldw_truncated bits
 * @view: enum ldw_process_view bits, if @view_known
 * @view_known: the host's view is followed (companion), @view is sent
 * @file_type: the file's type (S_IFMT bits), or 0
 * @failed: the operation failed (report_failures)
 * @error: then, its errno, or 0 if unknown
 * @buf: storage for the strings
 */
struct ldw_alert {
	struct list_head node;
	enum ldw_record record;
	u64 seq;
	struct ldw_suppressed suppressed;
	struct ldw_rules_change change;
	u64 time_ns;
	enum ldw_action action;
	u32 pid;
	u32 tid;
	u32 ppid;
	u32 uid;
	u32 euid;
	u32 gid;
	u32 mntns;
	char comm[TASK_COMM_LEN];
	const char *file_path;
	const char *original_path;
	const char *executable;
	const char *target_path;
	const char *host_executable;
	struct ldw_lrule *rule;
	u32 aliases;
	u32 truncated;
	u32 view;
	bool view_known;
	umode_t file_type;
	bool failed;
	int error;
	char buf[];
};

/*
 * Takes ownership of @alert: assigns its sequence number and queues it for
 * delivery, or counts it as dropped (LDW_DROP_QUEUE_FULL) and frees it.
 * Never sleeps; callable from any context but hard interrupts.
 */
void ldw_alert_submit(struct ldw_alert *alert);

/*
 * Free @alert (any record) and the references to rules it holds. Never
 * sleeps; callable where kfree() is.
 */
void ldw_alert_free(struct ldw_alert *alert);

/*
 * Counts one alert (or one candidate that could not be judged) as lost for
 * @reason and consumes a sequence number for it, so that listeners see the
 * hole. Never sleeps; callable from a hook's callback.
 */
void ldw_drop(enum ldw_drop reason);

#endif /* _LDWATCH_ALERT_H */
