/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The ldwatch generic netlink protocol: the module's only interface to
 * userspace. This header is the protocol's documentation; the kernel
 * module and the tools both build from it.
 *
 * Family LDW_GENL_NAME, version LDW_GENL_VERSION (the genl header's
 * "version" byte of every message the module sends).
 *
 * The family exists in the initial network namespace only.
 *
 * Who may talk: every command below needs CAP_NET_ADMIN (GENL_ADMIN_PERM),
 * and so does joining the alerts group where the kernel can restrict it.
 * An unprivileged process gets EPERM, changes nothing and receives
 * nothing. Requests carry no attributes but those their column of
 * netlink_spec.h lists (the rules' requests): one that does is refused
 * with EINVAL.
 *
 * Delivery of alerts, one mode per module load:
 *  - LDW_DELIVERY_MULTICAST: on kernels whose generic netlink can restrict
 *    a multicast group to a capability, the group LDW_GENL_MCGRP_ALERTS
 *    requires CAP_NET_ADMIN to join (GENL_MCAST_CAP_NET_ADMIN), and joining
 *    it is enough to receive alerts.
 *  - LDW_DELIVERY_UNICAST: elsewhere, or when the module is loaded with
 *    unicast=1, the group exists but carries nothing; a listener sends
 *    LDW_CMD_SUBSCRIBE and alerts come to its socket by unicast until it
 *    closes the socket or sends LDW_CMD_UNSUBSCRIBE.
 * The reply to LDW_CMD_SUBSCRIBE (and to LDW_CMD_GET_STATUS) says which
 * mode is in force.
 *
 * Alerts wait in the module's bounded queue while nobody listens and go to
 * the first listener, in order (a joiner may wait up to a second for them).
 * When a listener's receive buffer is full, the module keeps the alert and
 * sends it again shortly; the queue filling up is what drops alerts. With
 * multicast, the module learns of a full buffer only from a socket with
 * the NETLINK_BROADCAST_ERROR option set (or when no listener took the
 * alert): set it, and a large SO_RCVBUF. A recv() that fails with ENOBUFS
 * does not itself mean an alert was lost; the sequence numbers say. A
 * listener that never reads holds delivery up for all, until the queue
 * fills.
 *
 * Nothing is lost silently: every alert (and every rate limit summary,
 * LDW_CMD_SUPPRESSED) carries LDW_A_SEQ, a 64-bit sequence number that
 * counts up from 1 per module load without holes.
 * An alert the module had to drop leaves a hole in the sequence and is
 * counted in LDW_A_STATS_DROPPED under its reason. A listener that sees a
 * hole knows how many alerts it missed; a listener that sees a sequence
 * number lower than the last one knows the module was reloaded (compare
 * LDW_A_LOAD_ID too). Duplicates (after a retried send) have a sequence
 * number already seen and are to be ignored.
 *
 * Interface version bump rules: LDW_GENL_VERSION increases when a command
 * or attribute changes meaning or is removed. Adding a command, an
 * attribute or a drop reason at the end of its list does not bump it:
 * readers ignore attributes they do not know.
 */
#ifndef _LDWATCH_NETLINK_H
#define _LDWATCH_NETLINK_H

#include <linux/limits.h>

#define LDW_GENL_NAME		"ldwatch"
#define LDW_GENL_VERSION	1
#define LDW_GENL_MCGRP_ALERTS	"alerts"

/* Bounds of strings, in bytes before the NUL. */
#define LDW_COMM_MAX		15	/* the kernel's TASK_COMM_LEN - 1 */
#define LDW_RULE_STRING_MAX	255
#define LDW_VERSION_STRING_MAX	31
#define LDW_RULE_THREAT_MAX	2047	/* LDW_A_RULE_THREAT */
#define LDW_RULE_SOURCE_MAX	1023	/* LDW_A_RULE_SOURCE */
#define LDW_SHA256_HEX	64	/* hex digits of a SHA-256 digest */

/* Rules the module holds at once (LDW_CMD_RULE_LOAD), built-in ones included. */
#define LDW_RULES_MAX		64

/*
 * LDW_A_RULE_PROGRAM's bound: the most an attribute holds (its length is
 * 16 bits, its header included), a little below program.h's
 * LDW_PROG_MAX_SIZE.
 */
#define LDW_RULE_PROGRAM_MAX	65531

/**
 * enum ldw_cmd - generic netlink commands of the ldwatch family (netlink_spec.h)
 * @LDW_CMD_UNSPEC: unused
 * @LDW_CMD_ALERT: kernel to listeners: one alert, a rule match; its
 *	attributes are the alert column of netlink_spec.h, ORIGINAL_PATH on
 *	renames only and EXECUTABLE unless the process has none.
 * @LDW_CMD_GET_STATUS: request, empty; the reply (same command) carries the
 *	status column of netlink_spec.h: the rule in force and its text, the
 *	module's version, the delivery mode, the next sequence number and the
 *	STATS nest.
 * @LDW_CMD_SUBSCRIBE: request, empty; registers the sender's socket for
 *	unicast alerts. The reply carries DELIVERY and NEXT_SEQ; alerts still
 *	queued, numbered below NEXT_SEQ, may follow it. Needed only when
 *	DELIVERY is LDW_DELIVERY_UNICAST; otherwise it registers nothing and
 *	the reply's DELIVERY sends the caller to the group. At most 16
 *	sockets subscribe at a time (EBUSY beyond). Subscribing twice is
 *	subscribing once.
 * @LDW_CMD_UNSUBSCRIBE: request, empty, no reply but the ack; the reverse
 *	of SUBSCRIBE. For a socket that is not subscribed it changes nothing.
 * @LDW_CMD_STOPPING: kernel to listeners, sent where alerts go (the group,
 *	or every subscriber) as the module unloads, after the last alert:
 *	LOAD_ID, NEXT_SEQ (one past the last sequence number assigned) and
 *	the STATS nest; and who unloads it, the task running the module's
 *	exit (rmmod's, as a rule): PID, UID, COMM and EXECUTABLE (absent
 *	when the task has none; all four absent from modules before them).
 *	Nothing follows it from this load of the module.
 *	One attempt: a listener that misses it sees the family unregistered.
 * @LDW_CMD_SUPPRESSED: kernel to listeners: the rate limiter's summary of
 *	one window of one budget in which the rules matched more often than
 *	the limit (the module parameters rate_limit_alerts per
 *	rate_limit_seconds). Each (user, mount namespace) of the acting
 *	processes has its own budget; alerts about the host's targets by root
 *	(euid 0) in the host's mount namespace spend none and are never
 *	suppressed. It carries SEQ, LOAD_ID, the window, SUPPRESSED_COUNT, the
 *	rule (Elastic's, whose limit it mirrors; each sample names the rule
 *	that matched), whose budget it was (BUDGET_UID, BUDGET_MNTNS), the
 *	evidence of the first suppressed alerts (SAMPLES) and how many had no
 *	room there (SAMPLES_OMITTED). The first rate_limit_alerts matches of a
 *	window became alerts; the SUPPRESSED_COUNT after them did not, and
 *	consumed no sequence number (they are not lost: they are counted
 *	here and in LDW_STAT_SUPPRESSED). Sent once the window has ended, at
 *	the latest at unload (the window then ends early). It is numbered,
 *	queued and delivered like an alert: a hole in the sequence where it
 *	was dropped. Alerts of the next window may be numbered before it.
 * @LDW_CMD_LOST: kernel to listeners: sequence numbers that were dropped
 *	(a hole, and why), sent within a second of the drop whether or not
 *	another alert follows, by a work item of its own rather than through
 *	the alert queue: LOAD_ID, LOST_FIRST_SEQ, LOST_COUNT (the numbers
 *	from LOST_FIRST_SEQ on, all dropped for one reason) and LOST_REASON.
 *	Drops in one burst are coalesced: one message per run of
 *	consecutive numbers dropped for one reason. Not numbered itself, and
 *	it may arrive before alerts numbered below it that were still
 *	queued. Sent only for drops while a listener was there, and once;
 *	drops at unload are reported by STOPPING's NEXT_SEQ instead. It is
 *	sent again while a listener's socket is full, as an alert is. A
 *	listener that misses it anyway (more runs in one burst than the
 *	module holds) still sees the hole in the sequence.
 * @LDW_CMD_RULE_LOAD: request (the load column): load a rule, a program
 *	of include/ldwatch/program.h (RULE_PROGRAM) with its identity
 *	(RULE_ID, RULE_NAME, RULE_VERSION, RULE_SEVERITY, RULE_RISK_SCORE,
 *	and optionally RULE_THREAT and RULE_SOURCE, the file it came from).
 *	A rule of an id the set holds replaces that rule, in its place;
 *	another joins the set, of at most LDW_RULES_MAX rules (ENOSPC
 *	beyond). The module verifies the program whole before use; a
 *	refusal is EINVAL with an extended ack naming what is wrong and the
 *	attribute at fault, and changes nothing. A program must give the
 *	prefilter names to watch (a file.path requirement of literal names)
 *	or require ldwatch.target.path (the host's view, as the companion
 *	rule); one that would have to look at every file is refused. The
 *	program is at most LDW_RULE_PROGRAM_MAX bytes, what one attribute
 *	holds. No reply but the ack; the change is sent
 *	as LDW_CMD_RULES_CHANGED.
 * @LDW_CMD_RULE_REMOVE: request (the ruleref column): remove the rule
 *	RULE_ID. A rule that replaced a built-in rule gives its place back to
 *	it; a built-in rule can be replaced, not removed (EPERM); an unknown
 *	id is ENOENT. No reply but the ack; the change is sent as
 *	LDW_CMD_RULES_CHANGED.
 * @LDW_CMD_RULE_GET: request (the ruleref column): the rule RULE_ID, one
 *	reply of the rule column with its text (RULE_TEXT, as
 *	ldw_prog_format() writes it); ENOENT if the set holds none. As a
 *	dump (NLM_F_DUMP, no attributes), one message a rule of the set in
 *	force, in its order (Elastic's view first), without the text.
 * @LDW_CMD_RULES_CHANGED: kernel to listeners: the rule set changed
 *	(the changed column): RULE_CHANGE says how, RULE_ID, RULE_NAME,
 *	RULE_VERSION, RULE_SHA256, RULE_ORIGIN and RULE_SOURCE the rule
 *	loaded, removed or put back in place (a built-in rule, after the
 *	rule that replaced it was removed), RULE_PREV_VERSION and
 *	RULE_PREV_SHA256 the rule replaced; RULE_COUNT the rules in the
 *	set after it; who changed it: PID, UID, COMM and EXECUTABLE (absent
 *	when the task has none); TIME_NS when. Numbered, queued and
 *	delivered like an alert (a hole in the sequence where it was
 *	dropped), never refused for a full queue.
 * @__LDW_CMD_MAX: internal
 * @LDW_CMD_MAX: highest command number
 */
enum ldw_cmd {
	LDW_CMD_UNSPEC,
#define LDW_CMD(NAME, ...) LDW_CMD_##NAME,
#include "netlink_spec.h"

	__LDW_CMD_MAX,
	LDW_CMD_MAX = __LDW_CMD_MAX - 1
};

/**
 * enum ldw_attr - attributes of the ldwatch family's messages (netlink_spec.h
 *	gives each one's type, bound and the messages that carry it)
 * @LDW_A_UNSPEC: unused
 * @LDW_A_PAD: padding for 64-bit attributes
 * @LDW_A_SEQ: the alert's sequence number (see above)
 * @LDW_A_LOAD_ID: random per module load: tells reloads apart
 * @LDW_A_TIME_NS: CLOCK_REALTIME of the operation, nanoseconds
 * @LDW_A_ACTION: enum ldw_action
 * @LDW_A_FILE_PATH: the file's path as the acting process sees it
 *	(resolved against its root). Any byte but NUL may occur in it,
 *	including newlines and invalid UTF-8. For a rename, the new path.
 * @LDW_A_ORIGINAL_PATH: on renames, the old path
 * @LDW_A_PID: process (thread group) id, in the initial pid namespace
 * @LDW_A_TID: thread id of the acting thread
 * @LDW_A_PPID: the parent process's id
 * @LDW_A_UID: real user id (initial user namespace)
 * @LDW_A_EUID: effective user id
 * @LDW_A_GID: real group id
 * @LDW_A_EXECUTABLE: the process's executable, as its own root sees it.
 *	Absent for kernel threads.
 * @LDW_A_COMM: the thread's comm
 * @LDW_A_MNTNS: inode number of the process's mount namespace
 * @LDW_A_RULE_ID: the rule's id
 * @LDW_A_RULE_NAME: the rule's name
 * @LDW_A_RULE_VERSION: the rule's version
 * @LDW_A_RULE_TEXT: the rule in force as EQL, one clause per line:
 *	"file where", each requirement (" and" after all but the last), then
 *	"not (", each exclusion (" or" after all but the last; one of several
 *	clauses in parentheses) and ")"; lines indented, each ending in a
 *	newline
 * @LDW_A_MODULE_VERSION: the module's version
 * @LDW_A_DELIVERY: enum ldw_delivery
 * @LDW_A_NEXT_SEQ: the sequence number the next alert will get
 * @LDW_A_STATS: nest of enum ldw_stat_attr
 * @LDW_A_WINDOW_START_NS: CLOCK_REALTIME nanoseconds: when a rate limit
 *	window began (its first match)
 * @LDW_A_WINDOW_END_NS: CLOCK_REALTIME nanoseconds: when it ended (the
 *	start plus rate_limit_seconds, or the unload if earlier)
 * @LDW_A_SUPPRESSED_COUNT: matches in the window beyond the limit, not
 *	sent as alerts; at least 1
 * @LDW_A_TARGET_PATH: in an alert about a host target (targets by
 *	identity), the host's path of the target: the path pid 1 reaches it
 *	by, whatever path the process used (FILE_PATH)
 * @LDW_A_TARGET_ALIASES: with TARGET_PATH, enum ldw_alias bits: how the
 *	process's view differs from the host's
 * @LDW_A_HOST_EXECUTABLE: the process's executable by its path from the
 *	host's root; absent where the host reaches no such file by that path
 *	(a file only another mount namespace has) and where the process
 *	replaced its executable link (LDW_PROCESS_VIEW_EXE_REPLACED)
 * @LDW_A_FILE_TYPE: the file's type, as the S_IFMT bits of st_mode
 * @LDW_A_RULE_SEVERITY: the matched rule's severity: "low", "medium",
 *	"high" or "critical"
 * @LDW_A_RULE_RISK_SCORE: the matched rule's risk score, 0 to 100
 * @LDW_A_OUTCOME: enum ldw_event_outcome; absent means success (modules
 *	before it reported successes only)
 * @LDW_A_ERROR: with LDW_OUTCOME_FAILURE, the errno the operation's system
 *	call returned, where known
 * @LDW_A_TRUNCATED: enum ldw_truncated bits: the alert's paths that were
 *	longer than PATH_MAX, sent cut to their tail; absent: none
 * @LDW_A_PROCESS_VIEW: enum ldw_process_view bits: how the acting process
 *	differs from the host's view; absent when the module does not follow
 *	the host's targets (companion=0), 0 for a process that sees the host
 *	as pid 1 does
 * @LDW_A_LOAD_TIME_NS: CLOCK_REALTIME nanoseconds: when this load of the
 *	module started (its family was registered)
 * @LDW_A_LOST_FIRST_SEQ: in LDW_CMD_LOST, the first lost sequence number
 * @LDW_A_LOST_COUNT: in LDW_CMD_LOST, how many consecutive numbers from
 *	LOST_FIRST_SEQ were lost; at least 1
 * @LDW_A_LOST_REASON: in LDW_CMD_LOST, why: an enum ldw_drop value (a
 *	reader names an unknown one by its number)
 * @LDW_A_BUDGET_UID: in a rate limit summary, whose budget it was: the
 *	acting processes' real uid (initial user namespace); or
 *	LDW_BUDGET_OVERFLOW_UID for the budget that every (user, mount
 *	namespace) shares which found the module's table of budgets full
 * @LDW_A_BUDGET_MNTNS: with it, their mount namespace (inode number)
 * @LDW_A_SAMPLES: in a rate limit summary, the evidence of the first
 *	suppressed alerts that fit (at most LDW_SAMPLES_MAX, and a byte
 *	bound): nests numbered from 1 in order, each of enum ldw_sample_attr;
 *	absent when none was kept
 * @LDW_A_SAMPLES_OMITTED: suppressed alerts of the summary whose evidence
 *	is not in SAMPLES (beyond the bounds, or no memory): SUPPRESSED_COUNT
 *	minus the samples
 * @LDW_A_RULE_THREAT: the rule's MITRE ATT&CK mapping, as its loader gave
 *	it: one line each, "tactic", "technique" or "subtechnique", a tab,
 *	the id, a tab, the name, a newline; a technique belongs to the tactic
 *	before it, a subtechnique to the technique before it
 * @LDW_A_RULE_SOURCE: where the rule was read from (the loader's file
 *	name), or "built-in"
 * @LDW_A_RULE_PROGRAM: the rule's compiled program (include/ldwatch/program.h)
 * @LDW_A_RULE_SHA256: the SHA-256 digest of the rule's program, computed
 *	by the module, in lowercase hex
 * @LDW_A_RULE_ORIGIN: enum ldw_rule_origin
 * @LDW_A_RULE_VIEW: enum ldw_rule_view_kind: which events the rule judges
 * @LDW_A_RULE_LOAD_TIME_NS: CLOCK_REALTIME nanoseconds: when the rule
 *	entered the set
 * @LDW_A_RULE_MATCHES: events the rule matched since it entered the set
 *	(its alerts, and its matches the rate limit suppressed)
 * @LDW_A_RULE_SUPPRESSED: of those, the ones the rate limit suppressed
 * @LDW_A_RULE_EXCLUDED: events its requirements selected that one of its
 *	exclusions excluded
 * @LDW_A_RULE_CHANGE: enum ldw_rule_change
 * @LDW_A_RULE_PREV_VERSION: the version of the rule replaced
 * @LDW_A_RULE_PREV_SHA256: the digest of the rule replaced
 * @LDW_A_RULE_COUNT: rules in the set after the change
 * @__LDW_A_MAX: internal
 * @LDW_A_MAX: highest attribute number
 */
enum ldw_attr {
	LDW_A_UNSPEC,
	LDW_A_PAD,
#define LDW_ATTR(NAME, ...) LDW_A_##NAME,
#include "netlink_spec.h"

	__LDW_A_MAX,
	LDW_A_MAX = __LDW_A_MAX - 1
};

/* Samples in LDW_A_SAMPLES at most. */
#define LDW_SAMPLES_MAX		16

/*
 * LDW_A_BUDGET_UID of the overflow budget ((uid_t)-1, no user's): its
 * BUDGET_MNTNS is 0, its samples carry each alert's own uid.
 */
#define LDW_BUDGET_OVERFLOW_UID 0xffffffffU

/**
 * enum ldw_sample_attr - one suppressed alert's evidence, in a nest of
 *	LDW_A_SAMPLES (netlink_spec.h); each as the alert's attribute of the
 *	same name says
 * @LDW_SAMPLE_UNSPEC: unused
 * @LDW_SAMPLE_PAD: padding
 * @LDW_SAMPLE_TIME_NS: CLOCK_REALTIME of the operation, nanoseconds
 * @LDW_SAMPLE_ACTION: enum ldw_action
 * @LDW_SAMPLE_FILE_PATH: the file's path as the process saw it
 * @LDW_SAMPLE_EXECUTABLE: the process's executable; absent if it had none
 * @LDW_SAMPLE_UID: real user id (initial user namespace)
 * @LDW_SAMPLE_RULE_ID: the id of the rule that matched
 * @__LDW_SAMPLE_MAX: internal
 * @LDW_SAMPLE_MAX: highest sample attribute
 */
enum ldw_sample_attr {
	LDW_SAMPLE_UNSPEC,
	LDW_SAMPLE_PAD,
#define LDW_SAMPLE(NAME, ...) LDW_SAMPLE_##NAME,
#include "netlink_spec.h"

	__LDW_SAMPLE_MAX,
	LDW_SAMPLE_MAX = __LDW_SAMPLE_MAX - 1
};

/**
 * enum ldw_action - what the file operation was (ECS event.action)
 * @LDW_ACTION_CREATION: an open/openat/openat2/creat that created the file,
 *	or a mknod of a regular file; by syscall or io_uring
 * @LDW_ACTION_RENAME: a rename/renameat/renameat2 that succeeded; by
 *	syscall or io_uring. RENAME_EXCHANGE gives one alert per direction.
 * @LDW_ACTION_MODIFICATION: an existing host target opened for writing
 *	(once per open file, whatever writes follow), or truncated by path
 * @LDW_ACTION_LINK: a hard link made at a host target place
 * @LDW_ACTION_SYMLINK: a symbolic link made at a host target place
 * @LDW_ACTION_MOUNT: a mount (or bind, or move) onto a host target or an
 *	ancestor of one
 * @__LDW_ACTION_MAX: internal
 * @LDW_ACTION_MAX: highest action
 */
enum ldw_action {
	LDW_ACTION_CREATION = 1,
	LDW_ACTION_RENAME = 2,
	LDW_ACTION_MODIFICATION = 3,
	LDW_ACTION_LINK = 4,
	LDW_ACTION_SYMLINK = 5,
	LDW_ACTION_MOUNT = 6,

	__LDW_ACTION_MAX,
	LDW_ACTION_MAX = __LDW_ACTION_MAX - 1
};

/**
 * enum ldw_event_outcome - how the operation ended (ECS event.outcome)
 * @LDW_OUTCOME_SUCCESS: it happened
 * @LDW_OUTCOME_FAILURE: it was attempted on a host target and failed;
 *	sent only with the module parameter report_failures=1
 * @__LDW_OUTCOME_MAX: internal
 * @LDW_OUTCOME_MAX: highest outcome
 */
enum ldw_event_outcome {
	LDW_OUTCOME_SUCCESS = 1,
	LDW_OUTCOME_FAILURE = 2,

	__LDW_OUTCOME_MAX,
	LDW_OUTCOME_MAX = __LDW_OUTCOME_MAX - 1
};

/**
 * enum ldw_alias - how the path an operation used differs from the host's
 *	path of the target
 * @LDW_ALIAS_PATH: the paths differ (a bind mount, a hard link, a chroot,
 *	another mount namespace, an overlay)
 * @LDW_ALIAS_MOUNT_NAMESPACE: the process is not in the host's (pid 1's)
 *	mount namespace
 * @LDW_ALIAS_ROOT: the process's root is not the host's root
 */
enum ldw_alias {
	LDW_ALIAS_PATH = 1 << 0,
	LDW_ALIAS_MOUNT_NAMESPACE = 1 << 1,
	LDW_ALIAS_ROOT = 1 << 2,
};

/**
 * enum ldw_truncated - an alert's paths that did not fit PATH_MAX
 * @LDW_TRUNCATED_FILE_PATH: FILE_PATH
 * @LDW_TRUNCATED_ORIGINAL_PATH: ORIGINAL_PATH
 * @LDW_TRUNCATED_EXECUTABLE: EXECUTABLE
 * @LDW_TRUNCATED_HOST_EXECUTABLE: HOST_EXECUTABLE
 *
 * Such a path is sent as "..." and its tail, from a '/' on, up to its
 * file's name; or as ".../" and the name alone. No absolute path starts so:
 * a rule that names whole paths cannot take it for one it names.
 */
enum ldw_truncated {
	LDW_TRUNCATED_FILE_PATH = 1 << 0,
	LDW_TRUNCATED_ORIGINAL_PATH = 1 << 1,
	LDW_TRUNCATED_EXECUTABLE = 1 << 2,
	LDW_TRUNCATED_HOST_EXECUTABLE = 1 << 3,
};

/**
 * enum ldw_process_view - how the acting process differs from pid 1
 * @LDW_PROCESS_VIEW_ROOT: its root is not the host's root (chroot,
 *	pivot_root, a container)
 * @LDW_PROCESS_VIEW_MOUNT_NAMESPACE: it is not in the host's (pid 1's)
 *	mount namespace
 * @LDW_PROCESS_VIEW_EXE_REPLACED: its executable link was replaced after
 *	exec (prctl PR_SET_MM): EXECUTABLE may not be what it was started
 *	from, and HOST_EXECUTABLE is not sent
 *
 * EXECUTABLE names the executable from the process's root, as Elastic's
 * sensor does; HOST_EXECUTABLE, from the host's, is sent only where the
 * host reaches that very file by that path.
 */
enum ldw_process_view {
	LDW_PROCESS_VIEW_ROOT = 1 << 0,
	LDW_PROCESS_VIEW_MOUNT_NAMESPACE = 1 << 1,
	LDW_PROCESS_VIEW_EXE_REPLACED = 1 << 2,
};

/**
 * enum ldw_rule_origin - where a rule of the set comes from
 * @LDW_RULE_BUILTIN: compiled into the module (in the set from its load)
 * @LDW_RULE_LOADED: loaded by LDW_CMD_RULE_LOAD
 * @__LDW_RULE_ORIGIN_MAX: internal
 * @LDW_RULE_ORIGIN_MAX: highest origin
 */
enum ldw_rule_origin {
	LDW_RULE_BUILTIN = 1,
	LDW_RULE_LOADED = 2,

	__LDW_RULE_ORIGIN_MAX,
	LDW_RULE_ORIGIN_MAX = __LDW_RULE_ORIGIN_MAX - 1
};

/**
 * enum ldw_rule_view_kind - which events a rule judges
 * @LDW_RULE_VIEW_PATH: Elastic's: events by the path the process used,
 *	prefiltered by the names its file.path requirement gives
 * @LDW_RULE_VIEW_HOST: the host's: operations on the host's targets by
 *	identity (it requires ldwatch.target.path), judged only where no rule
 *	of Elastic's view alerted
 * @__LDW_RULE_VIEW_MAX: internal
 * @LDW_RULE_VIEW_MAX: highest view
 */
enum ldw_rule_view_kind {
	LDW_RULE_VIEW_PATH = 1,
	LDW_RULE_VIEW_HOST = 2,

	__LDW_RULE_VIEW_MAX,
	LDW_RULE_VIEW_MAX = __LDW_RULE_VIEW_MAX - 1
};

/**
 * enum ldw_rule_change - how the rule set changed
 * @LDW_RULE_CHANGE_LOADED: a rule of a new id joined it
 * @LDW_RULE_CHANGE_REPLACED: a rule took the place of the rule of its id
 *	(a load; or a removal that put a built-in rule back)
 * @LDW_RULE_CHANGE_REMOVED: a rule left it
 * @__LDW_RULE_CHANGE_MAX: internal
 * @LDW_RULE_CHANGE_MAX: highest change
 */
enum ldw_rule_change {
	LDW_RULE_CHANGE_LOADED = 1,
	LDW_RULE_CHANGE_REPLACED = 2,
	LDW_RULE_CHANGE_REMOVED = 3,

	__LDW_RULE_CHANGE_MAX,
	LDW_RULE_CHANGE_MAX = __LDW_RULE_CHANGE_MAX - 1
};

/**
 * enum ldw_delivery - how alerts reach listeners
 * @LDW_DELIVERY_MULTICAST: join the "alerts" group (capability-checked)
 * @LDW_DELIVERY_UNICAST: send LDW_CMD_SUBSCRIBE (admin-only) to receive
 * @__LDW_DELIVERY_MAX: internal
 * @LDW_DELIVERY_MAX: highest delivery mode
 */
enum ldw_delivery {
	LDW_DELIVERY_MULTICAST = 1,
	LDW_DELIVERY_UNICAST = 2,

	__LDW_DELIVERY_MAX,
	LDW_DELIVERY_MAX = __LDW_DELIVERY_MAX - 1
};

/**
 * enum ldw_stat_attr - counters in the LDW_A_STATS nest (netlink_spec.h), each
 *	a u64 since the module was loaded
 * @LDW_STAT_UNSPEC: unused
 * @LDW_STAT_PAD: padding
 * @LDW_STAT_SEEN: create and rename operations the probes saw
 * @LDW_STAT_CANDIDATES: of those, the ones whose names passed the prefilter
 *	(their full paths were built)
 * @LDW_STAT_NOT_CONFIRMED: candidates whose operation failed (EACCES,
 *	EEXIST, ...) or did not create the file: no event
 * @LDW_STAT_NO_MATCH: events the rule's requirements did not select
 * @LDW_STAT_EXCLUDED: events the rule selected, then excluded
 * @LDW_STAT_MATCHED: events the rule matched (alerts, including dropped,
 *	and the matches the rate limit suppressed)
 * @LDW_STAT_SENT: alerts (and rate limit summaries) delivered to at least
 *	one listener
 * @LDW_STAT_DROPPED: nest of enum ldw_drop, each a u64: alerts (and
 *	candidates that could not be judged) lost, by reason. Each one
 *	consumed a sequence number.
 * @LDW_STAT_SUPPRESSED: matches the rate limit kept from becoming alerts
 *	(see LDW_CMD_SUPPRESSED); they consumed no sequence number and are
 *	not losses. Those of a window not yet summarised are counted here
 *	already.
 * @__LDW_STAT_MAX: internal
 * @LDW_STAT_MAX: highest counter attribute
 */
enum ldw_stat_attr {
	LDW_STAT_UNSPEC,
	LDW_STAT_PAD,
#define LDW_STAT(NAME, ...) LDW_STAT_##NAME,
#include "netlink_spec.h"

	__LDW_STAT_MAX,
	LDW_STAT_MAX = __LDW_STAT_MAX - 1
};

/**
 * enum ldw_drop - why an alert was lost; attribute types in the
 *	LDW_STAT_DROPPED nest (netlink_spec.h), each a u64
 * @LDW_DROP_UNSPEC: unused
 * @LDW_DROP_PAD: padding
 * @LDW_DROP_NO_SLOT: a candidate found every capture slot busy (a burst
 *	larger than the capture pool); it could not be judged
 * @LDW_DROP_BUSY: a candidate's dentry could not be pinned without
 *	sleeping (PREEMPT_RT only, lock contended); it could not be judged
 * @LDW_DROP_TASK_EXITING: the acting task was exiting, so the deferred
 *	judgement could not run
 * @LDW_DROP_PATH: a path could not be resolved (too long, unreachable)
 * @LDW_DROP_NO_MEMORY: no memory for the alert record or message
 * @LDW_DROP_QUEUE_FULL: the delivery queue was full: no listener, or one
 *	too slow, for longer than the queue holds (alerts wait in the queue
 *	while nobody listens)
 * @LDW_DROP_SEND_FAILED: the send failed for another reason
 * @LDW_DROP_UNLOAD: still queued when the module was unloaded
 * @LDW_DROP_KERNEL_THREAD: a kernel thread's operation under a rule that
 *	does not exclude kernel threads: it has no executable and cannot be
 *	confirmed, so it could not be judged
 * @__LDW_DROP_MAX: internal
 * @LDW_DROP_MAX: highest drop reason
 */
enum ldw_drop {
	LDW_DROP_UNSPEC,
	LDW_DROP_PAD,
#define LDW_DROP(NAME, ...) LDW_DROP_##NAME,
#include "netlink_spec.h"

	__LDW_DROP_MAX,
	LDW_DROP_MAX = __LDW_DROP_MAX - 1
};

#endif /* _LDWATCH_NETLINK_H */
