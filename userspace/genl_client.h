/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace end of the ldwatch generic netlink protocol
 * (include/ldwatch/netlink.h), shared by ldwatchd and ldwatchctl, on
 * libnl-genl-3:
 *
 *  - ldw_msg_decode(): one message of the family, checked against the
 *    protocol, into a plain struct. It needs no socket, so the tests and
 *    the fuzzer feed it messages they build.
 *  - struct ldw_seq: what the sequence numbers of a stream of alerts say
 *    (in order, a gap, a duplicate, a reload).
 *  - struct ldw_genl: a request socket (family lookup, GET_STATUS), and
 *    struct ldw_listener: the socket alerts arrive on, joined to the
 *    multicast group or subscribed for unicast, as the module says.
 *
 * Functions that can fail return 0 or a negative errno value; libnl's own
 * codes are translated (ENOENT: the family is not registered, i.e. the
 * module is not loaded; EPERM: the caller lacks CAP_NET_ADMIN).
 */
#ifndef _LDWATCH_GENL_CLIENT_H
#define _LDWATCH_GENL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include <ldwatch/netlink.h>
#include <ldwatch/rule.h>

/*
 * Counters and drop reasons are kept by attribute number, up to these
 * bounds, so that reasons a newer module adds (at the end of the enums,
 * without an interface version bump) are still reported, by number.
 */
#define LDW_STATS_SLOTS 64
#define LDW_DROP_SLOTS 64

/**
 * struct ldw_stats - the LDW_A_STATS nest
 * @counter: by enum ldw_stat_attr; valid where bit N of @has_counter is set
 * @dropped: by enum ldw_drop; valid where bit N of @has_dropped is set
 */
struct ldw_stats {
	uint64_t has_counter;
	uint64_t counter[LDW_STATS_SLOTS];
	uint64_t has_dropped;
	uint64_t dropped[LDW_DROP_SLOTS];
};

/* The member of struct ldw_msg that holds an attribute, by its type. */
#define LDW_MSG_MEMBER_U8(bound, name)		uint8_t name;
#define LDW_MSG_MEMBER_U32(bound, name)		uint32_t name;
#define LDW_MSG_MEMBER_U64(bound, name)		uint64_t name;
#define LDW_MSG_MEMBER_STRING(bound, name)	struct ldw_str name;
#define LDW_MSG_MEMBER_NEST(bound, name)	struct ldw_##bound name;
#define LDW_MSG_MEMBER_BINARY(bound, name)	struct ldw_str name;

/**
 * struct ldw_msg_sample - one nest of LDW_A_SAMPLES: a suppressed alert's
 *	evidence
 * @present: bit N set when attribute N (enum ldw_sample_attr) was present
 *
 * Then one member per attribute, named by its line of netlink_spec.h
 * (time_ns, action, file_path, executable, uid, rule_id).
 */
struct ldw_msg_sample {
	uint64_t present;
#define LDW_SAMPLE(NAME, type, bound, use, name) LDW_MSG_MEMBER_##type(bound, name)
#include <ldwatch/netlink_spec.h>
};

/**
 * struct ldw_samples - the LDW_A_SAMPLES nest
 * @n: samples kept in @sample
 * @beyond: samples the message held past LDW_SAMPLES_MAX (checked, not
 *	kept: the summary's record counts them as omitted)
 * @sample: the samples, in order
 */
struct ldw_samples {
	unsigned int n;
	uint64_t beyond;
	struct ldw_msg_sample sample[LDW_SAMPLES_MAX];
};

/**
 * struct ldw_msg - one decoded message of the ldwatch family
 * @cmd: enum ldw_cmd
 * @version: the genl header's version byte
 * @present: bit N set when attribute N (enum ldw_attr) was present
 *
 * Then one member per attribute, named by the name column of its line in
 * netlink_spec.h (seq, file_path, stats, ...), valid when present. Strings
 * (struct ldw_str) point into the message, exclude the terminating NUL and
 * hold no NUL; they live as long as the message.
 */
struct ldw_msg {
	uint8_t cmd;
	uint8_t version;
	uint64_t present;

#define LDW_ATTR(NAME, type, bound, alert, status, subscribe, stopping, suppressed, lost, name) \
	LDW_MSG_MEMBER_##type(bound, name)
#include <ldwatch/netlink_spec.h>
};

#define LDW_HAS(msg, attr) (((msg)->present >> (attr)) & 1)

/* Room for any reason ldw_msg_decode() gives, with the attribute named. */
#define LDW_DECODE_ERR_SIZE 160

/*
 * Decode @nlh, a message whose nlmsg_len bytes are all readable (as libnl
 * guarantees for what it hands to callbacks), sent by family @family.
 *
 * Checks, each failure a refusal with a reason in @err: the message type is
 * @family; the genl header fits and its version is LDW_GENL_VERSION; the
 * command is one the module sends (ALERT, GET_STATUS and SUBSCRIBE replies,
 * STOPPING, SUPPRESSED); every known attribute has its exact type and length (u8, u32,
 * u64 of exactly that size; strings NUL-terminated with no NUL inside;
 * nests well formed); attributes fill the message exactly; the attributes
 * the command requires are all there (netlink.h lists them), ORIGINAL_PATH
 * on a rename and only there; ACTION and DELIVERY are known values;
 * sequence numbers start at 1; a SUPPRESSED summary counts at least one
 * match, its window does not end before it starts, each of its SAMPLES is
 * numbered in order and has the sample attributes it requires, and its
 * samples and SAMPLES_OMITTED add up to its SUPPRESSED_COUNT. Unknown attributes are ignored, as the
 * protocol's bump rules ask.
 *
 * Returns 0 with @msg filled, -EPROTO for a version mismatch, -EINVAL for
 * anything else; @msg is then partly filled (cmd, version where known).
 */
int ldw_msg_decode(const struct nlmsghdr *nlh, int family, struct ldw_msg *msg,
		   char err[LDW_DECODE_ERR_SIZE]);

/* Names for the protocol's numbers, as logs and `ldwatchctl status` print them. */
const char *ldw_cmd_name(unsigned int cmd);		/* "alert", ...; NULL if unknown */
const char *ldw_attr_name(unsigned int attr);		/* "SEQ", ...; NULL if unknown */
const char *ldw_stat_name(unsigned int stat);		/* "seen", ...; NULL if unknown */
const char *ldw_drop_name(unsigned int reason);		/* "no_slot", ...; NULL if unknown */
const char *ldw_sample_attr_name(unsigned int attr);	/* "FILE_PATH", ...; NULL if unknown */
const char *ldw_delivery_name(unsigned int delivery);	/* "multicast", "unicast"; NULL */
const char *ldw_action_name(unsigned int action);	/* "creation", "rename"; NULL */

/* The type column of netlink_spec.h. */
enum ldw_type {
	LDW_TYPE_NONE,		/* UNSPEC, PAD, or not an attribute */
	LDW_TYPE_U8,
	LDW_TYPE_U32,
	LDW_TYPE_U64,
	LDW_TYPE_STRING,
	LDW_TYPE_NEST,
	LDW_TYPE_BINARY,
};

/* R, O and _ of the message columns of netlink_spec.h. */
enum ldw_use {
	LDW_USE_NEVER,
	LDW_USE_OPTIONAL,
	LDW_USE_REQUIRED,
};

/*
 * An attribute as netlink_spec.h declares it: @bound is the U8's highest
 * value or the STRING's longest length (0 for the others, and for a
 * string without a bound); @use says, by enum ldw_cmd, which messages
 * carry it.
 */
struct ldw_attr_spec {
	const char *name;
	enum ldw_type type;
	unsigned int bound;
	enum ldw_use use[LDW_CMD_MAX + 1];
};

/* Attribute @attr's line, or NULL for UNSPEC, PAD and unknown numbers. */
const struct ldw_attr_spec *ldw_attr_spec(unsigned int attr);

/* Bit N set when command @cmd's message has attribute N as @use says. */
uint64_t ldw_cmd_attrs(unsigned int cmd, enum ldw_use use);

/*
 * The libnl policy the decoder parses with, for attribute @attr (all zero
 * for UNSPEC and PAD), or NULL past LDW_A_MAX.
 */
struct nla_policy;
const struct nla_policy *ldw_attr_policy(unsigned int attr);

/*
 * Sequence numbers of one listener. Alerts count up from 1 per module load
 * without holes (netlink.h), so every number is accounted for: delivered,
 * or reported lost by a gap. A window of recent numbers tells a duplicate
 * (seen: ignore it) from a late arrival (reported lost, then came: write it).
 */
#define LDW_SEQ_WINDOW 4096

/*
 * The drop report (LDW_CMD_LOST) names lost numbers before a gap shows
 * them, up to this far past the lowest number not yet accounted for;
 * past it, the gap reports them.
 */
#define LDW_SEQ_REPORTED_WINDOW 65536

struct ldw_seq {
	uint64_t load_id;
	bool known;		/* a load is being tracked */
	uint64_t floor;		/* alerts from here on must all arrive */
	uint64_t next;		/* lowest number not yet accounted for; 0: none seen */
	uint64_t seen[LDW_SEQ_WINDOW / 64];	/* bit (s % WINDOW): s arrived */
	/* bit (s % REPORTED_WINDOW): s was reported lost, its gap not yet seen */
	uint64_t reported[LDW_SEQ_REPORTED_WINDOW / 64];
	uint64_t nreported;	/* bits set in @reported */
};

enum ldw_seq_verdict {
	LDW_SEQ_IN_ORDER,	/* the next one, or one before the floor (a backlog),
				 * or after numbers the drop report named */
	LDW_SEQ_GAP,		/* numbers were skipped and not reported: *first, *count lost */
	LDW_SEQ_DUPLICATE,	/* already seen: ignore */
	LDW_SEQ_LATE,		/* reported lost earlier, or too old to tell: write it */
};

/*
 * Start tracking load @load_id, from a status saying the next alert gets
 * @next_seq: from there on nothing may be missing; earlier numbers still
 * queued in the module may arrive first. Same load again (a reconnect):
 * keeps the state, so a gap across the reconnect is seen.
 */
void ldw_seq_start(struct ldw_seq *s, uint64_t load_id, uint64_t next_seq);

/*
 * Account for alert @seq of load @load_id. An alert of a load not being
 * tracked starts tracking it from 1 (nothing of it was seen). On
 * LDW_SEQ_GAP, @first and @count say which numbers were lost; the alert
 * itself is to be written.
 */
enum ldw_seq_verdict ldw_seq_alert(struct ldw_seq *s, uint64_t load_id, uint64_t seq,
				   uint64_t *first, uint64_t *count);

/*
 * The drop report of load @load_id: @count numbers from @first were lost.
 * Returns how many of them nothing had reported yet (0: none), the first
 * into @new_first; those are reported now, and the gap they leave will
 * not report them again. Numbers a gap already reported, or before
 * tracking began, or a report heard twice, count nothing.
 */
uint64_t ldw_seq_lost(struct ldw_seq *s, uint64_t load_id, uint64_t first, uint64_t count,
		      uint64_t *new_first);

/*
 * The load ended (STOPPING) with @next_seq one past its last alert: the
 * numbers not yet accounted for up to there are lost. Returns their count
 * (0: none) with the first in @first, and stops tracking.
 */
uint64_t ldw_seq_stop(struct ldw_seq *s, uint64_t load_id, uint64_t next_seq,
		      uint64_t *first);

/* --- sockets --- */

struct ldw_genl;

/*
 * Connect a request socket and look up the family. -ENOENT: the module is
 * not loaded.
 */
int ldw_genl_open(struct ldw_genl **out);
void ldw_genl_close(struct ldw_genl *g);
int ldw_genl_family(const struct ldw_genl *g);

/**
 * struct ldw_reply - a decoded reply that owns its message
 * @msg: the decoded message; its strings point into @raw
 * @raw: a copy of the message
 */
struct ldw_reply {
	struct ldw_msg msg;
	struct nlmsghdr *raw;
};

void ldw_reply_free(struct ldw_reply *r);

/*
 * Ask the module for its status. -EPERM without CAP_NET_ADMIN; -ENOENT if
 * the family went away; -ETIMEDOUT if no answer came in 5 s; -EINVAL or
 * -EPROTO if the reply does not decode (the reason in @err).
 */
int ldw_genl_status(struct ldw_genl *g, struct ldw_reply *reply,
		    char err[LDW_DECODE_ERR_SIZE]);

/* Room for the module's reason for a refusal (its extended ack). */
#define LDW_WHY_SIZE 256

/**
 * struct ldw_rule_request - a rule to load (LDW_CMD_RULE_LOAD)
 * @id: rule.id
 * @name: rule.name
 * @severity: low, medium, high or critical
 * @threat: the threat mapping's text (LDW_A_RULE_THREAT), or NULL
 * @source: the file it was read from, or NULL
 * @version: rule.version
 * @risk_score: 0 to 100
 * @program: the compiled program (include/ldwatch/program.h)
 * @size: its bytes
 */
struct ldw_rule_request {
	const char *id;
	const char *name;
	const char *severity;
	const char *threat;
	const char *source;
	uint32_t version;
	uint32_t risk_score;
	const void *program;
	size_t size;
};

/*
 * The rules' commands. Each returns 0 or a negative errno (-EPERM without
 * CAP_NET_ADMIN, -EINVAL for a refusal, -ENOENT for an unknown id,
 * -ENOSPC when the module holds as many rules as it can); @why gets the
 * module's reason from its extended ack ("" if it gave none).
 * ldw_genl_rule_get() decodes the reply (LDW_CMD_RULE_GET, with the
 * rule's text); ldw_genl_rule_list() calls @each with every rule of the
 * set in force, decoded, in its order (a non-zero return stops the list
 * and is returned).
 */
int ldw_genl_rule_load(struct ldw_genl *g, const struct ldw_rule_request *rq,
		       char why[LDW_WHY_SIZE]);
int ldw_genl_rule_remove(struct ldw_genl *g, const char *id, char why[LDW_WHY_SIZE]);
int ldw_genl_rule_get(struct ldw_genl *g, const char *id, struct ldw_reply *reply,
		      char why[LDW_WHY_SIZE]);
int ldw_genl_rule_list(struct ldw_genl *g, int (*each)(void *arg, const struct ldw_msg *rule),
		       void *arg, char why[LDW_WHY_SIZE]);

/* What the listener hands over, in the order it arrives. */
struct ldw_listener_ops {
	/* A message of the ldwatch family (any command; not yet decoded). */
	void (*message)(void *arg, const struct nlmsghdr *nlh);
	/* The family was unregistered (nlctrl's notification). */
	void (*family_gone)(void *arg);
};

struct ldw_listener;

/*
 * A non-blocking socket for alerts, with a receive buffer of @rcvbuf bytes
 * (SO_RCVBUFFORCE when allowed, else SO_RCVBUF up to the system's limit),
 * joined to nlctrl's notifications and then, by @delivery, to the alerts
 * group or subscribed for unicast. While subscribing, alerts that arrive
 * already go to @ops. On error *@what names the step that failed
 * ("joining the ldwatch alert group", ...) for the caller's message.
 */
int ldw_listener_open(struct ldw_genl *g, enum ldw_delivery delivery, int rcvbuf,
		      const struct ldw_listener_ops *ops, void *arg,
		      struct ldw_listener **out, const char **what);
void ldw_listener_close(struct ldw_listener *l);
int ldw_listener_fd(const struct ldw_listener *l);
/* The receive buffer the kernel granted, in bytes (as getsockopt says). */
int ldw_listener_rcvbuf(const struct ldw_listener *l);

/*
 * Read what is waiting, up to @max datagrams, and hand it to the ops.
 * Returns 0 once nothing is left, 1 if @max were read (more may wait),
 * -ENOBUFS if the socket overran (messages were lost; the socket stays
 * usable: call again), or another negative errno.
 */
int ldw_listener_receive(struct ldw_listener *l, unsigned int max);

#endif /* _LDWATCH_GENL_CLIENT_H */
