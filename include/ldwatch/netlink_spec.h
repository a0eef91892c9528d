/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The ldwatch netlink protocol, declared once: one line per command,
 * attribute, counter and drop reason, in number order. netlink.h documents
 * each one and makes its enums from these lines; the module's policy and
 * counters and the tools' policy, names and checks are made from them too.
 * Adding an attribute is adding its line at the end of its list and its
 * line of kernel-doc at its enum in netlink.h; the code that puts and reads
 * it is all that remains to write.
 *
 * Included several times, so without an include guard: define the
 * macros of the lists you want, include this file, and it undefines them;
 * the lists whose macro is not defined expand to nothing.
 *
 * Number 0 of every enum is UNSPEC, unused, and number 1 of every
 * attribute space is PAD, the padding of 64-bit attributes: neither is
 * listed.
 *
 * The columns, by name:
 *  NAME:  the enumerator's suffix (LDW_CMD_NAME, LDW_A_NAME, LDW_STAT_NAME,
 *	   LDW_DROP_NAME, LDW_SAMPLE_NAME); an attribute's name in the tools'
 *	   messages
 *  type:  U8, an enum numbered from 1 up to its bound; U32 and U64, of
 *	   exactly that size; STRING, NUL-terminated, without a NUL inside
 *	   and at most bound bytes before the NUL (0: as long as an attribute
 *	   holds); NEST, attributes of the list that bound names (stats:
 *	   LDW_STAT, dropped: LDW_DROP; samples: nests numbered from 1 in
 *	   order, each of the attributes of LDW_SAMPLE); BINARY, any bytes,
 *	   at most bound (and at most what an attribute holds)
 *  bound: as type says
 *  alert, status, subscribe, stopping, suppressed, lost: whether the
 *	   message carries the attribute: R required, O optional (the
 *	   command's kernel-doc says when), _ never. The messages are
 *	   LDW_CMD_ALERT, the replies to LDW_CMD_GET_STATUS and
 *	   LDW_CMD_SUBSCRIBE, LDW_CMD_STOPPING, LDW_CMD_SUPPRESSED and
 *	   LDW_CMD_LOST; LDW_CMD_UNSUBSCRIBE is
 *	   answered by the ack alone. A reader refuses a message without a
 *	   required attribute and ignores one the message does not list, as
 *	   it ignores one it does not know.
 *  load, ruleref, rule, changed (LDW_RULE_USE, one line for each
 *	   attribute the rules' messages carry): the same for the requests
 *	   LDW_CMD_RULE_LOAD (load), LDW_CMD_RULE_REMOVE and LDW_CMD_RULE_GET
 *	   (ruleref; a dump of RULE_GET carries none), and the replies to
 *	   LDW_CMD_RULE_GET (rule) and LDW_CMD_RULES_CHANGED (changed). The
 *	   module refuses a request without a required attribute or with
 *	   one its column does not list.
 *  name:  NAME in lower case: what the tools print for a command, counter
 *	   or drop reason (their JSON field names too), and the member of
 *	   the tools' decoded message that holds an attribute
 */

#ifndef LDW_CMD
#define LDW_CMD(...)
#endif
#ifndef LDW_ATTR
#define LDW_ATTR(...)
#endif
#ifndef LDW_STAT
#define LDW_STAT(...)
#endif
#ifndef LDW_DROP
#define LDW_DROP(...)
#endif
#ifndef LDW_SAMPLE
#define LDW_SAMPLE(...)
#endif
#ifndef LDW_RULE_USE
#define LDW_RULE_USE(...)
#endif

/* enum ldw_cmd		name */
LDW_CMD(ALERT,			alert)
LDW_CMD(GET_STATUS,		get_status)
LDW_CMD(SUBSCRIBE,		subscribe)
LDW_CMD(UNSUBSCRIBE,		unsubscribe)
LDW_CMD(STOPPING,		stopping)
LDW_CMD(SUPPRESSED,		suppressed)
/* Liveness */
LDW_CMD(LOST,			lost)
/* Rules at runtime */
LDW_CMD(RULE_LOAD,		rule_load)
LDW_CMD(RULE_REMOVE,		rule_remove)
LDW_CMD(RULE_GET,		rule_get)
LDW_CMD(RULES_CHANGED,		rules_changed)

/*
 * enum ldw_attr		type	bound			messages	  name
 * (messages: alert, status, subscribe, stopping, suppressed, lost)
 */
LDW_ATTR(SEQ,			U64,	0,			R, _, _, _, R, _, seq)
LDW_ATTR(LOAD_ID,		U64,	0,			R, R, _, R, R, R, load_id)
LDW_ATTR(TIME_NS,		U64,	0,			R, _, _, _, _, _, time_ns)
LDW_ATTR(ACTION,		U8,	LDW_ACTION_MAX,		R, _, _, _, _, _, action)
LDW_ATTR(FILE_PATH,		STRING,	PATH_MAX - 1,		R, _, _, _, _, _, file_path)
LDW_ATTR(ORIGINAL_PATH,		STRING,	PATH_MAX - 1,		O, _, _, _, _, _, original_path)
LDW_ATTR(PID,			U32,	0,			R, _, _, O, _, _, pid)
LDW_ATTR(TID,			U32,	0,			R, _, _, _, _, _, tid)
LDW_ATTR(PPID,			U32,	0,			R, _, _, _, _, _, ppid)
LDW_ATTR(UID,			U32,	0,			R, _, _, O, _, _, uid)
LDW_ATTR(EUID,			U32,	0,			R, _, _, _, _, _, euid)
LDW_ATTR(GID,			U32,	0,			R, _, _, _, _, _, gid)
LDW_ATTR(EXECUTABLE,		STRING,	PATH_MAX - 1,		O, _, _, O, _, _, executable)
LDW_ATTR(COMM,			STRING,	LDW_COMM_MAX,		R, _, _, O, _, _, comm)
LDW_ATTR(MNTNS,			U32,	0,			R, _, _, _, _, _, mntns)
LDW_ATTR(RULE_ID,		STRING,	LDW_RULE_STRING_MAX,	R, R, _, _, R, _, rule_id)
LDW_ATTR(RULE_NAME,		STRING,	LDW_RULE_STRING_MAX,	R, R, _, _, R, _, rule_name)
LDW_ATTR(RULE_VERSION,		U32,	0,			R, R, _, _, R, _, rule_version)
LDW_ATTR(RULE_TEXT,		STRING,	0,			_, R, _, _, _, _, rule_text)
LDW_ATTR(MODULE_VERSION,	STRING,	LDW_VERSION_STRING_MAX,	_, R, _, _, _, _, module_version)
LDW_ATTR(DELIVERY,		U8,	LDW_DELIVERY_MAX,	_, R, R, _, _, _, delivery)
LDW_ATTR(NEXT_SEQ,		U64,	0,			_, R, R, R, _, _, next_seq)
LDW_ATTR(STATS,			NEST,	stats,			_, R, _, R, _, _, stats)
LDW_ATTR(WINDOW_START_NS,	U64,	0,			_, _, _, _, R, _, window_start_ns)
LDW_ATTR(WINDOW_END_NS,		U64,	0,			_, _, _, _, R, _, window_end_ns)
LDW_ATTR(SUPPRESSED_COUNT,	U64,	0,			_, _, _, _, R, _, suppressed_count)
LDW_ATTR(TARGET_PATH,		STRING,	PATH_MAX - 1,		O, _, _, _, _, _, target_path)
LDW_ATTR(TARGET_ALIASES,	U32,	0,			O, _, _, _, _, _, target_aliases)
LDW_ATTR(HOST_EXECUTABLE,	STRING,	PATH_MAX - 1,		O, _, _, _, _, _, host_executable)
LDW_ATTR(FILE_TYPE,		U32,	0,			O, _, _, _, _, _, file_type)
LDW_ATTR(RULE_SEVERITY,		STRING,	LDW_RULE_STRING_MAX,	O, _, _, _, _, _, rule_severity)
LDW_ATTR(RULE_RISK_SCORE,	U32,	0,			O, _, _, _, _, _, rule_risk_score)
LDW_ATTR(OUTCOME,		U8,	LDW_OUTCOME_MAX,	O, _, _, _, _, _, outcome)
LDW_ATTR(ERROR,			U32,	0,			O, _, _, _, _, _, error)
/* Evidence an unprivileged user cannot spoil */
LDW_ATTR(TRUNCATED,		U32,	0,			O, _, _, _, _, _, truncated)
LDW_ATTR(PROCESS_VIEW,		U32,	0,			O, _, _, _, _, _, process_view)
/* Liveness */
LDW_ATTR(LOAD_TIME_NS,		U64,	0,			_, O, _, _, _, _, load_time_ns)
LDW_ATTR(LOST_FIRST_SEQ,	U64,	0,			_, _, _, _, _, R, lost_first_seq)
LDW_ATTR(LOST_COUNT,		U64,	0,			_, _, _, _, _, R, lost_count)
LDW_ATTR(LOST_REASON,		U32,	0,			_, _, _, _, _, R, lost_reason)
/* Rate limit budgets */
LDW_ATTR(BUDGET_UID,		U32,	0,			_, _, _, _, R, _, budget_uid)
LDW_ATTR(BUDGET_MNTNS,		U32,	0,			_, _, _, _, R, _, budget_mntns)
LDW_ATTR(SAMPLES,		NEST,	samples,		_, _, _, _, O, _, samples)
LDW_ATTR(SAMPLES_OMITTED,	U64,	0,			_, _, _, _, R, _, samples_omitted)

/* Rules at runtime */
LDW_ATTR(RULE_THREAT,		STRING,	LDW_RULE_THREAT_MAX,	O, _, _, _, _, _, rule_threat)
LDW_ATTR(RULE_SOURCE,		STRING,	LDW_RULE_SOURCE_MAX,	_, _, _, _, _, _, rule_source)
LDW_ATTR(RULE_PROGRAM,		BINARY,	LDW_RULE_PROGRAM_MAX,	_, _, _, _, _, _, rule_program)
LDW_ATTR(RULE_SHA256,		STRING,	LDW_SHA256_HEX,		_, _, _, _, _, _, rule_sha256)
LDW_ATTR(RULE_ORIGIN,		U8,	LDW_RULE_ORIGIN_MAX,	_, _, _, _, _, _, rule_origin)
LDW_ATTR(RULE_VIEW,		U8,	LDW_RULE_VIEW_MAX,	_, _, _, _, _, _, rule_view)
LDW_ATTR(RULE_LOAD_TIME_NS,	U64,	0,			_, _, _, _, _, _, rule_load_time_ns)
LDW_ATTR(RULE_MATCHES,		U64,	0,			_, _, _, _, _, _, rule_matches)
LDW_ATTR(RULE_SUPPRESSED,	U64,	0,			_, _, _, _, _, _, rule_suppressed)
LDW_ATTR(RULE_EXCLUDED,		U64,	0,			_, _, _, _, _, _, rule_excluded)
LDW_ATTR(RULE_CHANGE,		U8,	LDW_RULE_CHANGE_MAX,	_, _, _, _, _, _, rule_change)
LDW_ATTR(RULE_PREV_VERSION,	U32,	0,			_, _, _, _, _, _, rule_prev_version)
LDW_ATTR(RULE_PREV_SHA256,	STRING,	LDW_SHA256_HEX,		_, _, _, _, _, _, rule_prev_sha256)
LDW_ATTR(RULE_COUNT,		U32,	0,			_, _, _, _, _, _, rule_count)

/*
 * The rules' messages: which attributes each carries, as the message
 * columns above do for the others (an attribute not listed here is in
 * none of them).
 * enum ldw_attr			load, ruleref, rule, changed
 */
LDW_RULE_USE(SEQ,			_, _, _, R)
LDW_RULE_USE(LOAD_ID,			_, _, _, R)
LDW_RULE_USE(TIME_NS,			_, _, _, R)
LDW_RULE_USE(PID,			_, _, _, R)
LDW_RULE_USE(UID,			_, _, _, R)
LDW_RULE_USE(EXECUTABLE,		_, _, _, O)
LDW_RULE_USE(COMM,			_, _, _, R)
LDW_RULE_USE(RULE_ID,			R, R, R, R)
LDW_RULE_USE(RULE_NAME,			R, _, R, R)
LDW_RULE_USE(RULE_VERSION,		R, _, R, R)
LDW_RULE_USE(RULE_TEXT,			_, _, O, _)
LDW_RULE_USE(RULE_SEVERITY,		R, _, R, _)
LDW_RULE_USE(RULE_RISK_SCORE,		R, _, R, _)
LDW_RULE_USE(RULE_THREAT,		O, _, O, _)
LDW_RULE_USE(RULE_SOURCE,		O, _, R, O)
LDW_RULE_USE(RULE_PROGRAM,		R, _, _, _)
LDW_RULE_USE(RULE_SHA256,		_, _, R, R)
LDW_RULE_USE(RULE_ORIGIN,		_, _, R, R)
LDW_RULE_USE(RULE_VIEW,			_, _, R, _)
LDW_RULE_USE(RULE_LOAD_TIME_NS,		_, _, R, _)
LDW_RULE_USE(RULE_MATCHES,		_, _, R, _)
LDW_RULE_USE(RULE_SUPPRESSED,		_, _, R, _)
LDW_RULE_USE(RULE_EXCLUDED,		_, _, R, _)
LDW_RULE_USE(RULE_CHANGE,		_, _, _, R)
LDW_RULE_USE(RULE_PREV_VERSION,		_, _, _, O)
LDW_RULE_USE(RULE_PREV_SHA256,		_, _, _, O)
LDW_RULE_USE(RULE_COUNT,		_, _, _, R)

/* enum ldw_stat_attr		type	bound		name */
LDW_STAT(SEEN,			U64,	0,		seen)
LDW_STAT(CANDIDATES,		U64,	0,		candidates)
LDW_STAT(NOT_CONFIRMED,		U64,	0,		not_confirmed)
LDW_STAT(NO_MATCH,		U64,	0,		no_match)
LDW_STAT(EXCLUDED,		U64,	0,		excluded)
LDW_STAT(MATCHED,		U64,	0,		matched)
LDW_STAT(SENT,			U64,	0,		sent)
LDW_STAT(DROPPED,		NEST,	dropped,	dropped)
LDW_STAT(SUPPRESSED,		U64,	0,		suppressed)

/* enum ldw_drop: U64 each	name */
LDW_DROP(NO_SLOT,		no_slot)
LDW_DROP(BUSY,			busy)
LDW_DROP(TASK_EXITING,		task_exiting)
LDW_DROP(PATH,			path)
LDW_DROP(NO_MEMORY,		no_memory)
LDW_DROP(QUEUE_FULL,		queue_full)
LDW_DROP(SEND_FAILED,		send_failed)
LDW_DROP(UNLOAD,		unload)
LDW_DROP(KERNEL_THREAD,		kernel_thread)

/*
 * enum ldw_sample_attr		type	bound			use	name
 * (one suppressed alert's evidence: a nest inside LDW_A_SAMPLES; use: R
 * required, O optional)
 */
LDW_SAMPLE(TIME_NS,		U64,	0,			R,	time_ns)
LDW_SAMPLE(ACTION,		U8,	LDW_ACTION_MAX,		R,	action)
LDW_SAMPLE(FILE_PATH,		STRING,	PATH_MAX - 1,		R,	file_path)
LDW_SAMPLE(EXECUTABLE,		STRING,	PATH_MAX - 1,		O,	executable)
LDW_SAMPLE(UID,			U32,	0,			R,	uid)
LDW_SAMPLE(RULE_ID,		STRING,	LDW_RULE_STRING_MAX,	R,	rule_id)

#undef LDW_CMD
#undef LDW_ATTR
#undef LDW_STAT
#undef LDW_DROP
#undef LDW_SAMPLE
#undef LDW_RULE_USE
