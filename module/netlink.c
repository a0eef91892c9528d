// SPDX-License-Identifier: GPL-2.0
/*
 * The ldwatch generic netlink family: the protocol that
 * include/ldwatch/netlink.h documents. Its commands, the delivery of alerts
 * and the stopping message, and the message encoders.
 *
 * Only administrators may receive alerts. Any process may join a generic
 * netlink multicast group unless the group carries a capability flag, which
 * not every kernel has (LDW_GENL_MCAST_ADMIN, compat.h). Where it has, the
 * "alerts" group requires CAP_NET_ADMIN, the capability every command of the
 * family requires (GENL_ADMIN_PERM), and alerts are multicast to it.
 * Elsewhere, or with unicast=1, the group carries nothing: alerts go by
 * unicast to the sockets that subscribed with LDW_CMD_SUBSCRIBE, until they
 * unsubscribe or close (the NETLINK_URELEASE notifier).
 *
 * The family exists in the initial network namespace only, the one that
 * generic netlink multicast reaches.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <kunit/visibility.h>

#include <ldwatch/netlink.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>
#include <ldwatch/version.h>

#include "actor.h"
#include "alert.h"
#include "genl.h"
#include "queue.h"
#include "ruleset.h"
#include "stats.h"

static bool unicast;
module_param(unicast, bool, 0444);
MODULE_PARM_DESC(unicast,
		 "Deliver alerts by unicast to sockets that sent LDW_CMD_SUBSCRIBE, even where the kernel can restrict the multicast group to CAP_NET_ADMIN (default: multicast there)");

/* Subscribers at most: a daemon and a few tools. */
#define LDW_MAX_SUBSCRIBERS 16

/* The bounds netlink.h gives the strings are the kernel's. */
static_assert(LDW_COMM_MAX + 1 == TASK_COMM_LEN);
static_assert(sizeof(LDW_VERSION) <= LDW_VERSION_STRING_MAX + 1);
static_assert(LDW_RULE_PROGRAM_MAX + NLA_HDRLEN == U16_MAX);
static_assert(LDW_PROG_MAX_SIZE - LDW_RULE_PROGRAM_MAX > 0);
static_assert(LDW_SHA256_HEX + 1 == sizeof(((struct ldw_lrule *)0)->sha256));

/**
 * struct ldw_subscriber - a socket that receives alerts by unicast
 * @node: in ldw_subscribers
 * @portid: its netlink port id (in the initial network namespace)
 * @sent_seq: the highest sequence number it has been sent, so that an
 *	alert retried for another subscriber is not sent to it twice
 */
struct ldw_subscriber {
	struct list_head node;
	u32 portid;
	u64 sent_seq;
};

/* The list is taken by commands, the release notifier and the sender. */
static DEFINE_MUTEX(ldw_subscribers_lock);
static LIST_HEAD(ldw_subscribers);
static unsigned int ldw_nsubscribers;

static u64 ldw_load_id;
static u64 ldw_load_time_ns;
static enum ldw_delivery ldw_delivery;

enum ldw_mcgrp {
	LDW_MCGRP_ALERTS,
};

/*
 * Attribute types and bounds, as the module sends them and accepts them:
 * the policy of each line of netlink_spec.h, by its type.
 */
#define LDW_NLA_U8(bound)	NLA_POLICY_RANGE(NLA_U8, 1, bound)
#define LDW_NLA_U32(...)	{ .type = NLA_U32 }
#define LDW_NLA_U64(...)	{ .type = NLA_U64 }
#define LDW_NLA_STRING(bound)	{ .type = NLA_NUL_STRING, .len = (bound) }
#define LDW_NLA_NEST(bound)	NLA_POLICY_NESTED(ldw_##bound##_policy)
#define LDW_NLA_BINARY(bound)	{ .type = NLA_BINARY, .len = (bound) }

static const struct nla_policy ldw_dropped_policy[LDW_DROP_MAX + 1] = {
#define LDW_DROP(NAME, ...) \
	[LDW_DROP_##NAME] = LDW_NLA_U64(),
#include <ldwatch/netlink_spec.h>
};

static const struct nla_policy ldw_stats_policy[LDW_STAT_MAX + 1] = {
#define LDW_STAT(NAME, type, bound, ...) \
	[LDW_STAT_##NAME] = LDW_NLA_##type(bound),
#include <ldwatch/netlink_spec.h>
};

static const struct nla_policy ldw_sample_policy[LDW_SAMPLE_MAX + 1] = {
#define LDW_SAMPLE(NAME, type, bound, ...) \
	[LDW_SAMPLE_##NAME] = LDW_NLA_##type(bound),
#include <ldwatch/netlink_spec.h>
};

/* LDW_A_SAMPLES: nests numbered from 1, each a sample. */
static const struct nla_policy ldw_samples_policy[LDW_SAMPLES_MAX + 1] = {
	[1 ... LDW_SAMPLES_MAX] = NLA_POLICY_NESTED(ldw_sample_policy),
};

const struct nla_policy ldw_genl_policy[LDW_A_MAX + 1] = {
#define LDW_ATTR(NAME, type, bound, ...) \
	[LDW_A_##NAME] = LDW_NLA_##type(bound),
#include <ldwatch/netlink_spec.h>
};

/* ---- Encoders ---- */

static size_t ldw_string_size(const char *s)
{
	return nla_total_size(strlen(s) + 1);
}

/* Put the first @len bytes of @s, and a NUL: for a buffer that may lack one. */
static int ldw_put_strn(struct sk_buff *skb, int type, const char *s, size_t len)
{
	struct nlattr *attr = nla_reserve(skb, type, len + 1);

	if (!attr)
		return -EMSGSIZE;
	memcpy(nla_data(attr), s, len);
	((char *)nla_data(attr))[len] = '\0';
	return 0;
}

/**
 * ldw_msg_alert_size() - the attribute bytes ldw_msg_put_alert() needs
 * @alert: the alert
 * @rule: the rule it matched
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_alert_size(const struct ldw_alert *alert,
			  const struct ldw_lrule *rule)
{
	size_t size;

	size = 3 * nla_total_size_64bit(sizeof(u64))	/* SEQ, LOAD_ID, TIME_NS */
	       + nla_total_size(sizeof(u8))		/* ACTION */
	       + ldw_string_size(alert->file_path)
	       + 7 * nla_total_size(sizeof(u32))	/* PID ... GID, MNTNS */
	       + nla_total_size(strnlen(alert->comm, sizeof(alert->comm)) + 1)
	       + ldw_string_size(rule->id)
	       + ldw_string_size(rule->name)
	       + nla_total_size(sizeof(u32));		/* RULE_VERSION */
	if (alert->original_path)
		size += ldw_string_size(alert->original_path);
	if (alert->executable)
		size += ldw_string_size(alert->executable);
	if (alert->target_path)
		size += ldw_string_size(alert->target_path) +
			nla_total_size(sizeof(u32));	/* TARGET_ALIASES */
	if (alert->host_executable)
		size += ldw_string_size(alert->host_executable);
	if (rule->severity)
		size += ldw_string_size(rule->severity);
	if (rule->threat)
		size += ldw_string_size(rule->threat);
	if (alert->failed)
		size += nla_total_size(sizeof(u32));	/* ERROR */
	if (alert->truncated)
		size += nla_total_size(sizeof(u32));	/* TRUNCATED */
	if (alert->view_known)
		size += nla_total_size(sizeof(u32));	/* PROCESS_VIEW */
	/* FILE_TYPE, RULE_RISK_SCORE; OUTCOME */
	return size + 2 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(u8));
}

/**
 * ldw_msg_put_alert() - put an LDW_CMD_ALERT message's attributes
 * @skb: the message, with room for ldw_msg_alert_size() bytes
 * @alert: the alert
 * @rule: the rule it matched
 * @load_id: this load of the module
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_alert(struct sk_buff *skb, const struct ldw_alert *alert,
		      const struct ldw_lrule *rule, u64 load_id)
{
	if (nla_put_u64_64bit(skb, LDW_A_SEQ, alert->seq, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_LOAD_ID, load_id, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_TIME_NS, alert->time_ns, LDW_A_PAD) ||
	    nla_put_u8(skb, LDW_A_ACTION, alert->action) ||
	    nla_put_string(skb, LDW_A_FILE_PATH, alert->file_path) ||
	    (alert->original_path &&
	     nla_put_string(skb, LDW_A_ORIGINAL_PATH, alert->original_path)) ||
	    nla_put_u32(skb, LDW_A_PID, alert->pid) ||
	    nla_put_u32(skb, LDW_A_TID, alert->tid) ||
	    nla_put_u32(skb, LDW_A_PPID, alert->ppid) ||
	    nla_put_u32(skb, LDW_A_UID, alert->uid) ||
	    nla_put_u32(skb, LDW_A_EUID, alert->euid) ||
	    nla_put_u32(skb, LDW_A_GID, alert->gid) ||
	    (alert->executable &&
	     nla_put_string(skb, LDW_A_EXECUTABLE, alert->executable)) ||
	    ldw_put_strn(skb, LDW_A_COMM, alert->comm,
			 strnlen(alert->comm, sizeof(alert->comm))) ||
	    nla_put_u32(skb, LDW_A_MNTNS, alert->mntns) ||
	    nla_put_string(skb, LDW_A_RULE_ID, rule->id) ||
	    nla_put_string(skb, LDW_A_RULE_NAME, rule->name) ||
	    nla_put_u32(skb, LDW_A_RULE_VERSION, rule->version) ||
	    (rule->severity &&
	     nla_put_string(skb, LDW_A_RULE_SEVERITY, rule->severity)) ||
	    nla_put_u32(skb, LDW_A_RULE_RISK_SCORE, rule->risk_score) ||
	    (rule->threat &&
	     nla_put_string(skb, LDW_A_RULE_THREAT, rule->threat)) ||
	    nla_put_u32(skb, LDW_A_FILE_TYPE, alert->file_type) ||
	    nla_put_u8(skb, LDW_A_OUTCOME, alert->failed ? LDW_OUTCOME_FAILURE :
						       LDW_OUTCOME_SUCCESS) ||
	    (alert->failed && nla_put_u32(skb, LDW_A_ERROR, alert->error)) ||
	    (alert->target_path &&
	     (nla_put_string(skb, LDW_A_TARGET_PATH, alert->target_path) ||
	      nla_put_u32(skb, LDW_A_TARGET_ALIASES, alert->aliases))) ||
	    (alert->host_executable &&
	     nla_put_string(skb, LDW_A_HOST_EXECUTABLE, alert->host_executable)) ||
	    (alert->truncated &&
	     nla_put_u32(skb, LDW_A_TRUNCATED, alert->truncated)) ||
	    (alert->view_known &&
	     nla_put_u32(skb, LDW_A_PROCESS_VIEW, alert->view)))
		return -EMSGSIZE;
	return 0;
}

/* The bytes of one sample's nest. */
static size_t ldw_msg_sample_size(const struct ldw_sample *sample)
{
	size_t size = nla_total_size(0)
		      + nla_total_size_64bit(sizeof(u64))	/* TIME_NS */
		      + nla_total_size(sizeof(u8))		/* ACTION */
		      + ldw_string_size(sample->file_path)
		      + nla_total_size(sizeof(u32))		/* UID */
		      + ldw_string_size(sample->rule->id);

	if (sample->executable)
		size += ldw_string_size(sample->executable);
	return size;
}

/**
 * ldw_msg_suppressed_size() - the attribute bytes ldw_msg_put_suppressed()
 *	needs
 * @summary: the rate limiter's summary (LDW_RECORD_SUPPRESSED)
 * @rule: the rule whose limit it is
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_suppressed_size(const struct ldw_alert *summary,
			       const struct ldw_lrule *rule)
{
	const struct ldw_evidence *ev = summary->suppressed.evidence;
	size_t size;
	u32 i;

	/* SEQ, LOAD_ID, WINDOW_START_NS, WINDOW_END_NS, SUPPRESSED_COUNT */
	size = 5 * nla_total_size_64bit(sizeof(u64))
	       + ldw_string_size(rule->id)
	       + ldw_string_size(rule->name)
	       + 3 * nla_total_size(sizeof(u32))	/* RULE_VERSION, BUDGET_* */
	       + nla_total_size_64bit(sizeof(u64));	/* SAMPLES_OMITTED */
	if (!ev || !ev->nsamples)
		return size;
	size += nla_total_size(0);
	for (i = 0; i < ev->nsamples; i++)
		size += ldw_msg_sample_size(&ev->samples[i]);
	return size;
}

/* Put the nest of sample @index (from 1) into @skb. */
static int ldw_msg_put_sample(struct sk_buff *skb, int index,
			      const struct ldw_sample *sample)
{
	struct nlattr *nest = nla_nest_start(skb, index);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, LDW_SAMPLE_TIME_NS, sample->time_ns,
			      LDW_SAMPLE_PAD) ||
	    nla_put_u8(skb, LDW_SAMPLE_ACTION, sample->action) ||
	    nla_put_string(skb, LDW_SAMPLE_FILE_PATH, sample->file_path) ||
	    (sample->executable &&
	     nla_put_string(skb, LDW_SAMPLE_EXECUTABLE, sample->executable)) ||
	    nla_put_u32(skb, LDW_SAMPLE_UID, sample->uid) ||
	    nla_put_string(skb, LDW_SAMPLE_RULE_ID, sample->rule->id)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Put LDW_A_SAMPLES, if @ev kept any. */
static int ldw_msg_put_samples(struct sk_buff *skb,
			       const struct ldw_evidence *ev)
{
	struct nlattr *nest;
	u32 i;

	if (!ev || !ev->nsamples)
		return 0;
	nest = nla_nest_start(skb, LDW_A_SAMPLES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ev->nsamples; i++) {
		if (ldw_msg_put_sample(skb, i + 1, &ev->samples[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * ldw_msg_put_suppressed() - put an LDW_CMD_SUPPRESSED message's attributes
 * @skb: the message, with room for ldw_msg_suppressed_size() bytes
 * @summary: the rate limiter's summary (LDW_RECORD_SUPPRESSED)
 * @rule: the rule whose limit it is
 * @load_id: this load of the module
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_suppressed(struct sk_buff *skb, const struct ldw_alert *summary,
			   const struct ldw_lrule *rule, u64 load_id)
{
	const struct ldw_suppressed *s = &summary->suppressed;
	u64 kept = s->evidence ? s->evidence->nsamples : 0;

	if (nla_put_u64_64bit(skb, LDW_A_SEQ, summary->seq, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_LOAD_ID, load_id, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_WINDOW_START_NS, s->window_start_ns,
			      LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_WINDOW_END_NS, s->window_end_ns,
			      LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_SUPPRESSED_COUNT, s->count, LDW_A_PAD) ||
	    nla_put_string(skb, LDW_A_RULE_ID, rule->id) ||
	    nla_put_string(skb, LDW_A_RULE_NAME, rule->name) ||
	    nla_put_u32(skb, LDW_A_RULE_VERSION, rule->version) ||
	    nla_put_u32(skb, LDW_A_BUDGET_UID, s->uid) ||
	    nla_put_u32(skb, LDW_A_BUDGET_MNTNS, s->mntns) ||
	    ldw_msg_put_samples(skb, s->evidence) ||
	    nla_put_u64_64bit(skb, LDW_A_SAMPLES_OMITTED,
			      s->count > kept ? s->count - kept : 0, LDW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * ldw_msg_stats_size() - the bytes ldw_msg_put_stats() needs
 *
 * Return: the size of the LDW_A_STATS nest.
 */
size_t ldw_msg_stats_size(void)
{
	return nla_total_size(0)
	       + LDW_CNT_COUNT * nla_total_size_64bit(sizeof(u64))
	       + nla_total_size(0)
	       + (LDW_DROP_MAX - LDW_DROP_PAD) * nla_total_size_64bit(sizeof(u64));
}

/**
 * ldw_msg_put_stats() - put the LDW_A_STATS nest
 * @skb: the message, with room for ldw_msg_stats_size() bytes
 * @snapshot: the counters
 *
 * Every counter is put, zeros included, so a reader sees which exist.
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_stats(struct sk_buff *skb,
		      const struct ldw_stats_snapshot *snapshot)
{
	struct nlattr *stats, *dropped;
	unsigned int i;

	stats = nla_nest_start(skb, LDW_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	for (i = 0; i < LDW_CNT_COUNT; i++) {
		if (nla_put_u64_64bit(skb, ldw_counter_attr[i],
				      snapshot->counters[i], LDW_STAT_PAD))
			goto cancel;
	}
	dropped = nla_nest_start(skb, LDW_STAT_DROPPED);
	if (!dropped)
		goto cancel;
	for (i = LDW_DROP_PAD + 1; i <= LDW_DROP_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, snapshot->dropped[i], LDW_DROP_PAD))
			goto cancel;
	}
	nla_nest_end(skb, dropped);
	nla_nest_end(skb, stats);
	return 0;

cancel:
	nla_nest_cancel(skb, stats);
	return -EMSGSIZE;
}

/**
 * ldw_msg_status_size() - the attribute bytes ldw_msg_put_status() needs
 * @status: what to report
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_status_size(const struct ldw_status *status)
{
	/* LOAD_ID, NEXT_SEQ, LOAD_TIME_NS */
	return 3 * nla_total_size_64bit(sizeof(u64))
	       + ldw_string_size(LDW_VERSION)
	       + nla_total_size(sizeof(u8))		/* DELIVERY */
	       + ldw_msg_stats_size()
	       + ldw_string_size(status->rule->id)
	       + ldw_string_size(status->rule->name)
	       + nla_total_size(sizeof(u32))		/* RULE_VERSION */
	       + ldw_string_size(status->rule_text);
}

/**
 * ldw_msg_put_status() - put the attributes of the LDW_CMD_GET_STATUS reply
 * @skb: the message, with room for ldw_msg_status_size() bytes
 * @status: what to report
 *
 * Return: 0, or -EMSGSIZE (also for a rule text longer than an attribute
 * can hold).
 */
int ldw_msg_put_status(struct sk_buff *skb, const struct ldw_status *status)
{
	/* An attribute's length is 16 bits; nla_put() would not check. */
	if (nla_attr_size(strlen(status->rule_text) + 1) > U16_MAX)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, LDW_A_LOAD_ID, status->load_id, LDW_A_PAD) ||
	    nla_put_string(skb, LDW_A_MODULE_VERSION, LDW_VERSION) ||
	    nla_put_u8(skb, LDW_A_DELIVERY, status->delivery) ||
	    nla_put_u64_64bit(skb, LDW_A_NEXT_SEQ, status->next_seq, LDW_A_PAD) ||
	    ldw_msg_put_stats(skb, &status->stats) ||
	    nla_put_string(skb, LDW_A_RULE_ID, status->rule->id) ||
	    nla_put_string(skb, LDW_A_RULE_NAME, status->rule->name) ||
	    nla_put_u32(skb, LDW_A_RULE_VERSION, status->rule->version) ||
	    nla_put_string(skb, LDW_A_RULE_TEXT, status->rule_text) ||
	    nla_put_u64_64bit(skb, LDW_A_LOAD_TIME_NS, status->load_time_ns,
			      LDW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * ldw_msg_stopping_size() - the attribute bytes ldw_msg_put_stopping() needs
 * @actor: who unloads the module
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_stopping_size(const struct ldw_actor *actor)
{
	size_t size = 2 * nla_total_size_64bit(sizeof(u64))	/* LOAD_ID, NEXT_SEQ */
		      + ldw_msg_stats_size()
		      + 2 * nla_total_size(sizeof(u32))		/* PID, UID */
		      + nla_total_size(strnlen(actor->comm, sizeof(actor->comm)) + 1);

	if (actor->exe)
		size += ldw_string_size(actor->exe);
	return size;
}

/**
 * ldw_msg_put_stopping() - put an LDW_CMD_STOPPING message's attributes
 * @skb: the message, with room for ldw_msg_stopping_size() bytes
 * @load_id: this load of the module
 * @next_seq: one past the last sequence number assigned
 * @stats: the counters
 * @actor: who unloads the module
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_stopping(struct sk_buff *skb, u64 load_id, u64 next_seq,
			 const struct ldw_stats_snapshot *stats,
			 const struct ldw_actor *actor)
{
	if (nla_put_u64_64bit(skb, LDW_A_LOAD_ID, load_id, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_NEXT_SEQ, next_seq, LDW_A_PAD) ||
	    ldw_msg_put_stats(skb, stats) ||
	    nla_put_u32(skb, LDW_A_PID, actor->pid) ||
	    nla_put_u32(skb, LDW_A_UID, actor->uid) ||
	    ldw_put_strn(skb, LDW_A_COMM, actor->comm,
			 strnlen(actor->comm, sizeof(actor->comm))) ||
	    (actor->exe && nla_put_string(skb, LDW_A_EXECUTABLE, actor->exe)))
		return -EMSGSIZE;
	return 0;
}

/**
 * ldw_msg_lost_size() - the attribute bytes ldw_msg_put_lost() needs
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_lost_size(void)
{
	/* LOAD_ID, LOST_FIRST_SEQ, LOST_COUNT; LOST_REASON */
	return 3 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(sizeof(u32));
}

/**
 * ldw_msg_put_lost() - put an LDW_CMD_LOST message's attributes
 * @skb: the message, with room for ldw_msg_lost_size() bytes
 * @load_id: this load of the module
 * @first: the first sequence number dropped
 * @count: how many consecutive numbers from @first were dropped
 * @reason: why
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_lost(struct sk_buff *skb, u64 load_id, u64 first, u64 count,
		     enum ldw_drop reason)
{
	if (nla_put_u64_64bit(skb, LDW_A_LOAD_ID, load_id, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_LOST_FIRST_SEQ, first, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_LOST_COUNT, count, LDW_A_PAD) ||
	    nla_put_u32(skb, LDW_A_LOST_REASON, reason))
		return -EMSGSIZE;
	return 0;
}

/**
 * ldw_msg_rule_size() - the attribute bytes ldw_msg_put_rule() needs
 * @rule: the rule
 * @text: its text, or NULL
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_rule_size(const struct ldw_lrule *rule, const char *text)
{
	size_t size = ldw_string_size(rule->id) + ldw_string_size(rule->name)
		      + ldw_string_size(rule->severity)
		      + ldw_string_size(rule->source)
		      + ldw_string_size(rule->sha256)
		      + 2 * nla_total_size(sizeof(u32))	/* VERSION, RISK_SCORE */
		      + 2 * nla_total_size(sizeof(u8))	/* ORIGIN, VIEW */
		      + 4 * nla_total_size_64bit(sizeof(u64));

	if (rule->threat)
		size += ldw_string_size(rule->threat);
	if (text)
		size += ldw_string_size(text);
	return size;
}

/**
 * ldw_msg_put_rule() - put a rule's attributes: a reply to LDW_CMD_RULE_GET
 * @skb: the message, with room for ldw_msg_rule_size() bytes
 * @rule: the rule
 * @text: its text (ldw_prog_format()), or NULL
 *
 * Return: 0, or -EMSGSIZE (also for a text longer than an attribute holds).
 */
int ldw_msg_put_rule(struct sk_buff *skb, const struct ldw_lrule *rule,
		     const char *text)
{
	if (text && nla_attr_size(strlen(text) + 1) > U16_MAX)
		return -EMSGSIZE;
	if (nla_put_string(skb, LDW_A_RULE_ID, rule->id) ||
	    nla_put_string(skb, LDW_A_RULE_NAME, rule->name) ||
	    nla_put_u32(skb, LDW_A_RULE_VERSION, rule->version) ||
	    nla_put_string(skb, LDW_A_RULE_SEVERITY, rule->severity) ||
	    nla_put_u32(skb, LDW_A_RULE_RISK_SCORE, rule->risk_score) ||
	    (rule->threat &&
	     nla_put_string(skb, LDW_A_RULE_THREAT, rule->threat)) ||
	    nla_put_string(skb, LDW_A_RULE_SOURCE, rule->source) ||
	    nla_put_string(skb, LDW_A_RULE_SHA256, rule->sha256) ||
	    nla_put_u8(skb, LDW_A_RULE_ORIGIN, rule->origin) ||
	    nla_put_u8(skb, LDW_A_RULE_VIEW, rule->view) ||
	    nla_put_u64_64bit(skb, LDW_A_RULE_LOAD_TIME_NS, rule->loaded_ns,
			      LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_RULE_MATCHES,
			      atomic64_read(&rule->matches), LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_RULE_SUPPRESSED,
			      atomic64_read(&rule->suppressed), LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_RULE_EXCLUDED,
			      atomic64_read(&rule->excluded), LDW_A_PAD) ||
	    (text && nla_put_string(skb, LDW_A_RULE_TEXT, text)))
		return -EMSGSIZE;
	return 0;
}

/**
 * ldw_msg_rules_changed_size() - the attribute bytes
 *	ldw_msg_put_rules_changed() needs
 * @record: the change (LDW_RECORD_RULES_CHANGED)
 *
 * Return: the size, for genlmsg_new().
 */
size_t ldw_msg_rules_changed_size(const struct ldw_alert *record)
{
	const struct ldw_lrule *rule = record->rule;
	size_t size;

	/* SEQ, LOAD_ID, TIME_NS */
	size = 3 * nla_total_size_64bit(sizeof(u64))
	       + 2 * nla_total_size(sizeof(u8))		/* CHANGE, ORIGIN */
	       + ldw_string_size(rule->id) + ldw_string_size(rule->name)
	       + ldw_string_size(rule->sha256) + ldw_string_size(rule->source)
	       + 4 * nla_total_size(sizeof(u32))	/* VERSION, COUNT, PID, UID */
	       + nla_total_size(strnlen(record->comm, sizeof(record->comm)) + 1);
	if (record->executable)
		size += ldw_string_size(record->executable);
	if (record->change.previous)
		size += nla_total_size(sizeof(u32)) +
			ldw_string_size(record->change.previous->sha256);
	return size;
}

/**
 * ldw_msg_put_rules_changed() - put an LDW_CMD_RULES_CHANGED message's
 *	attributes
 * @skb: the message, with room for ldw_msg_rules_changed_size() bytes
 * @record: the change (LDW_RECORD_RULES_CHANGED)
 * @load_id: this load of the module
 *
 * Return: 0, or -EMSGSIZE.
 */
int ldw_msg_put_rules_changed(struct sk_buff *skb, const struct ldw_alert *record,
			      u64 load_id)
{
	const struct ldw_lrule *previous = record->change.previous;
	const struct ldw_lrule *rule = record->rule;

	if (nla_put_u64_64bit(skb, LDW_A_SEQ, record->seq, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_LOAD_ID, load_id, LDW_A_PAD) ||
	    nla_put_u64_64bit(skb, LDW_A_TIME_NS, record->time_ns, LDW_A_PAD) ||
	    nla_put_u8(skb, LDW_A_RULE_CHANGE, record->change.kind) ||
	    nla_put_string(skb, LDW_A_RULE_ID, rule->id) ||
	    nla_put_string(skb, LDW_A_RULE_NAME, rule->name) ||
	    nla_put_u32(skb, LDW_A_RULE_VERSION, rule->version) ||
	    nla_put_string(skb, LDW_A_RULE_SHA256, rule->sha256) ||
	    nla_put_u8(skb, LDW_A_RULE_ORIGIN, rule->origin) ||
	    nla_put_string(skb, LDW_A_RULE_SOURCE, rule->source) ||
	    (previous &&
	     (nla_put_u32(skb, LDW_A_RULE_PREV_VERSION, previous->version) ||
	      nla_put_string(skb, LDW_A_RULE_PREV_SHA256, previous->sha256))) ||
	    nla_put_u32(skb, LDW_A_RULE_COUNT, record->change.nrules) ||
	    nla_put_u32(skb, LDW_A_PID, record->pid) ||
	    nla_put_u32(skb, LDW_A_UID, record->uid) ||
	    ldw_put_strn(skb, LDW_A_COMM, record->comm,
			 strnlen(record->comm, sizeof(record->comm))) ||
	    (record->executable &&
	     nla_put_string(skb, LDW_A_EXECUTABLE, record->executable)))
		return -EMSGSIZE;
	return 0;
}

/* ---- The family ---- */

static struct genl_family ldw_family;

/* The requests take no attributes: refuse any, rather than ignore it. */
static int ldw_refuse_attrs(struct genl_info *info)
{
	unsigned int i;

	if (!info->attrs)
		return 0;
	for (i = 0; i <= LDW_A_MAX; i++) {
		if (info->attrs[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[i],
					    "ldwatch: this command takes no attributes");
			return -EINVAL;
		}
	}
	return 0;
}

/* The rule's text, as its program reads back (ldw_prog_format()). */
static char *ldw_rule_text_alloc(const struct ldw_lrule *rule)
{
	size_t len;
	char *text;

	len = ldw_prog_format(&rule->prog, NULL, 0);
	/* The requester is told (ENOMEM): no trace on the console. */
	text = kvmalloc(len + 1, GFP_KERNEL | __GFP_NOWARN);
	if (text)
		ldw_prog_format(&rule->prog, text, len + 1);
	return text;
}

static int ldw_cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct ldw_status *status;
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = ldw_refuse_attrs(info);
	if (err)
		return err;

	status = kzalloc(sizeof(*status), GFP_KERNEL);
	if (!status)
		return -ENOMEM;
	status->load_id = ldw_load_id;
	status->load_time_ns = ldw_load_time_ns;
	status->delivery = ldw_delivery;
	err = -ENOENT;
	status->rule = ldw_ruleset_first();
	if (!status->rule)
		goto out;
	status->rule_text = ldw_rule_text_alloc(status->rule);
	err = -ENOMEM;
	if (!status->rule_text)
		goto out;
	status->next_seq = ldw_queue_next_seq();
	ldw_stats_read(&status->stats);

	reply = genlmsg_new(ldw_msg_status_size(status), GFP_KERNEL);
	if (!reply)
		goto out;
	hdr = genlmsg_put_reply(reply, info, &ldw_family, 0, LDW_CMD_GET_STATUS);
	err = -EMSGSIZE;
	if (!hdr || ldw_msg_put_status(reply, status)) {
		NL_SET_ERR_MSG(info->extack, "ldwatch: status does not fit a message");
		nlmsg_free(reply);
		goto out;
	}
	genlmsg_end(reply, hdr);
	err = genlmsg_reply(reply, info);
out:
	kvfree(status->rule_text);
	ldw_lrule_put(status->rule);
	kfree(status);
	return err;
}

/* Under ldw_subscribers_lock. */
static struct ldw_subscriber *ldw_subscriber_find(u32 portid)
{
	struct ldw_subscriber *sub;

	list_for_each_entry(sub, &ldw_subscribers, node) {
		if (sub->portid == portid)
			return sub;
	}
	return NULL;
}

/* Under ldw_subscribers_lock. */
static void ldw_subscriber_free(struct ldw_subscriber *sub)
{
	list_del(&sub->node);
	ldw_nsubscribers--;
	kfree(sub);
}

static int ldw_subscriber_add(u32 portid, struct netlink_ext_ack *extack)
{
	struct ldw_subscriber *sub;
	int err = 0;

	mutex_lock(&ldw_subscribers_lock);
	if (ldw_subscriber_find(portid))
		goto out;
	err = -EBUSY;
	if (ldw_nsubscribers >= LDW_MAX_SUBSCRIBERS) {
		NL_SET_ERR_MSG(extack, "ldwatch: too many subscribers");
		goto out;
	}
	err = -ENOMEM;
	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		goto out;
	sub->portid = portid;
	list_add_tail(&sub->node, &ldw_subscribers);
	ldw_nsubscribers++;
	err = 0;
out:
	mutex_unlock(&ldw_subscribers_lock);
	return err;
}

static void ldw_subscriber_remove(u32 portid)
{
	struct ldw_subscriber *sub;

	mutex_lock(&ldw_subscribers_lock);
	sub = ldw_subscriber_find(portid);
	if (sub)
		ldw_subscriber_free(sub);
	mutex_unlock(&ldw_subscribers_lock);
}

static int ldw_cmd_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = ldw_refuse_attrs(info);
	if (err)
		return err;

	reply = genlmsg_new(nla_total_size(sizeof(u8)) +
			    nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &ldw_family, 0, LDW_CMD_SUBSCRIBE);
	if (!hdr)
		goto too_big;

	/* With multicast, the reply's DELIVERY sends the caller to the group. */
	if (ldw_delivery == LDW_DELIVERY_UNICAST) {
		err = ldw_subscriber_add(info->snd_portid, info->extack);
		if (err) {
			nlmsg_free(reply);
			return err;
		}
	}
	if (nla_put_u8(reply, LDW_A_DELIVERY, ldw_delivery) ||
	    nla_put_u64_64bit(reply, LDW_A_NEXT_SEQ, ldw_queue_next_seq(),
			      LDW_A_PAD))
		goto too_big;
	genlmsg_end(reply, hdr);
	err = genlmsg_reply(reply, info);
	/* What waits for a listener can go now. */
	ldw_queue_kick();
	return err;

too_big:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

static int ldw_cmd_unsubscribe(struct sk_buff *skb, struct genl_info *info)
{
	int err = ldw_refuse_attrs(info);

	if (err)
		return err;
	/* Unsubscribing a socket that is not subscribed changes nothing. */
	ldw_subscriber_remove(info->snd_portid);
	return 0;
}

/* Whether a request of each kind may carry each attribute (netlink_spec.h). */
enum ldw_request_col {
	LDW_USE__,	/* never */
	LDW_USE_O,	/* optional */
	LDW_USE_R,	/* required */
};

/* The load and ruleref columns of the rules' lines (LDW_RULE_USE). */
struct ldw_request_use {
	u8 load;
	u8 ruleref;
};

static const struct ldw_request_use ldw_request_use[LDW_A_MAX + 1] = {
#define LDW_RULE_USE(NAME, load, ruleref, ...) \
	[LDW_A_##NAME] = { LDW_USE_##load, LDW_USE_##ruleref },
#include <ldwatch/netlink_spec.h>
};

/* A request's attributes against its column: none it does not list, all it requires. */
static int ldw_check_request(struct genl_info *info, bool load)
{
	unsigned int i;

	for (i = 0; i <= LDW_A_MAX; i++) {
		struct nlattr *attr = info->attrs ? info->attrs[i] : NULL;
		u8 use = load ? ldw_request_use[i].load : ldw_request_use[i].ruleref;

		if (attr && use == LDW_USE__) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "ldwatch: this command does not take this attribute");
			return -EINVAL;
		}
		if (!attr && use == LDW_USE_R) {
			NL_SET_ERR_MSG(info->extack,
				       "ldwatch: a required attribute is missing");
			NL_SET_ERR_ATTR_MISS(info->extack, NULL, i);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A refusal into the extended ack: its sentence, and the attribute at
 * fault. The sentences are constants (the verifier's among them), which
 * outlive the ack as NL_SET_ERR_MSG()'s literals do; the kernel log names
 * the byte of a program at fault.
 */
static void ldw_extack_refusal(struct genl_info *info,
			       const struct ldw_lrule_refusal *why)
{
	struct nlattr *attr = why->attr > 0 && why->attr <= LDW_A_MAX ?
			      info->attrs[why->attr] : NULL;

	if (attr)
		NL_SET_BAD_ATTR(info->extack, attr);
	if (info->extack)
		info->extack->_msg = why->what;
	if (why->has_offset)
		pr_info_ratelimited("rules: a compiled rule was refused at byte %zu: %s\n",
				    why->offset, why->what);
}

static const char *ldw_attr_string(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? nla_data(info->attrs[attr]) : NULL;
}

VISIBLE_IF_KUNIT int ldw_cmd_rule_load(struct sk_buff *skb, struct genl_info *info)
{
	struct ldw_lrule_refusal why = {};
	struct ldw_lrule_spec spec = {};
	struct ldw_actor actor;
	struct ldw_lrule *rule;
	int err;

	err = ldw_check_request(info, true);
	if (err)
		return err;
	spec = (struct ldw_lrule_spec){
		.id = ldw_attr_string(info, LDW_A_RULE_ID),
		.name = ldw_attr_string(info, LDW_A_RULE_NAME),
		.severity = ldw_attr_string(info, LDW_A_RULE_SEVERITY),
		.threat = ldw_attr_string(info, LDW_A_RULE_THREAT),
		.source = ldw_attr_string(info, LDW_A_RULE_SOURCE),
		.version = nla_get_u32(info->attrs[LDW_A_RULE_VERSION]),
		.risk_score = nla_get_u32(info->attrs[LDW_A_RULE_RISK_SCORE]),
		.origin = LDW_RULE_LOADED,
		.blob = nla_data(info->attrs[LDW_A_RULE_PROGRAM]),
		.size = nla_len(info->attrs[LDW_A_RULE_PROGRAM]),
	};
	rule = ldw_lrule_new(&spec, &why);
	if (!rule) {
		ldw_extack_refusal(info, &why);
		return why.err;
	}
	ldw_actor_get(&actor);
	err = ldw_ruleset_load(rule, &actor, &why);
	ldw_actor_put(&actor);
	if (err)
		ldw_extack_refusal(info, &why);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ldw_cmd_rule_load);

VISIBLE_IF_KUNIT int ldw_cmd_rule_remove(struct sk_buff *skb, struct genl_info *info)
{
	struct ldw_lrule_refusal why = {};
	struct ldw_actor actor;
	int err;

	err = ldw_check_request(info, false);
	if (err)
		return err;
	ldw_actor_get(&actor);
	err = ldw_ruleset_remove(ldw_attr_string(info, LDW_A_RULE_ID), &actor, &why);
	ldw_actor_put(&actor);
	if (err)
		ldw_extack_refusal(info, &why);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ldw_cmd_rule_remove);

static int ldw_cmd_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ldw_lrule *rule;
	struct sk_buff *reply;
	char *text = NULL;
	void *hdr;
	int err;

	err = ldw_check_request(info, false);
	if (err)
		return err;
	rule = ldw_ruleset_get(ldw_attr_string(info, LDW_A_RULE_ID), 0, NULL);
	if (!rule) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LDW_A_RULE_ID],
				    "ldwatch: no rule of this id is loaded");
		return -ENOENT;
	}
	err = -ENOMEM;
	text = ldw_rule_text_alloc(rule);
	if (!text)
		goto out;
	reply = genlmsg_new(ldw_msg_rule_size(rule, text), GFP_KERNEL);
	if (!reply)
		goto out;
	hdr = genlmsg_put_reply(reply, info, &ldw_family, 0, LDW_CMD_RULE_GET);
	if (!hdr || ldw_msg_put_rule(reply, rule, text)) {
		NL_SET_ERR_MSG(info->extack, "ldwatch: the rule's text does not fit a message");
		nlmsg_free(reply);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(reply, hdr);
	err = genlmsg_reply(reply, info);
out:
	kvfree(text);
	ldw_lrule_put(rule);
	return err;
}

/*
 * One message a rule, from the rule @cb->args[0] on. Each call reads the
 * set in force anew; one that changed between calls marks the dump
 * interrupted (NLM_F_DUMP_INTR), as the set it lists is then no one set.
 */
static int ldw_cmd_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned int index = cb->args[0];
	struct ldw_lrule *rule;
	u64 generation;
	void *hdr;
	int err = 0;

	for (;; index++) {
		rule = ldw_ruleset_get(NULL, index, &generation);
		/* The sequence is the set's generation: a change interrupts. */
		cb->seq = (unsigned int)generation;
		if (!rule)
			break;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ldw_family, NLM_F_MULTI,
				  LDW_CMD_RULE_GET);
		if (!hdr) {
			ldw_lrule_put(rule);
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = ldw_msg_put_rule(skb, rule, NULL);
		ldw_lrule_put(rule);
		if (err) {
			genlmsg_cancel(skb, hdr);
			/* Not even one rule fit an empty message: give up. */
			if (index == cb->args[0])
				return -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = index;
	return skb->len;
}

static const struct genl_small_ops ldw_genl_ops[] = {
	{
		.cmd = LDW_CMD_GET_STATUS,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_get_status,
	},
	{
		.cmd = LDW_CMD_SUBSCRIBE,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_subscribe,
	},
	{
		.cmd = LDW_CMD_UNSUBSCRIBE,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_unsubscribe,
	},
	/* Changing what the module judges by: administrators only. */
	{
		.cmd = LDW_CMD_RULE_LOAD,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_rule_load,
	},
	{
		.cmd = LDW_CMD_RULE_REMOVE,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_rule_remove,
	},
	{
		.cmd = LDW_CMD_RULE_GET,
		.flags = GENL_ADMIN_PERM,
		.doit = ldw_cmd_rule_get,
		.dumpit = ldw_cmd_rule_dump,
	},
};

static const struct genl_multicast_group ldw_genl_mcgrps[] = {
	[LDW_MCGRP_ALERTS] = {
		.name = LDW_GENL_MCGRP_ALERTS,
		.flags = LDW_GENL_MCAST_ADMIN,
	},
};

static struct genl_family ldw_family __ro_after_init = {
	.name = LDW_GENL_NAME,
	.version = LDW_GENL_VERSION,
	.maxattr = LDW_A_MAX,
	.policy = ldw_genl_policy,
	.module = THIS_MODULE,
	.small_ops = ldw_genl_ops,
	.n_small_ops = ARRAY_SIZE(ldw_genl_ops),
	.mcgrps = ldw_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ldw_genl_mcgrps),
};

/* ---- Sending ---- */

/* A closed socket's subscription ends with it. */
static int ldw_netlink_release(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	const struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !READ_ONCE(ldw_nsubscribers))
		return NOTIFY_DONE;
	ldw_subscriber_remove(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ldw_netlink_notifier = {
	.notifier_call = ldw_netlink_release,
};

/**
 * ldw_genl_have_listeners() - whether anybody receives alerts now
 *
 * Never sleeps; callable from any context but hard interrupts.
 *
 * Return: true if some socket is in the group or subscribed.
 */
bool ldw_genl_have_listeners(void)
{
	if (ldw_delivery == LDW_DELIVERY_MULTICAST)
		return genl_has_listeners(&ldw_family, &init_net, LDW_MCGRP_ALERTS);
	return READ_ONCE(ldw_nsubscribers);
}

/* The message of a queued record: an alert, or a rate limit summary. */
static struct sk_buff *ldw_alert_msg(const struct ldw_alert *alert)
{
	bool summary = alert->record == LDW_RECORD_SUPPRESSED;
	struct sk_buff *msg;
	void *hdr;
	int err;

	bool change = alert->record == LDW_RECORD_RULES_CHANGED;
	size_t size;
	u8 cmd;

	if (change) {
		size = ldw_msg_rules_changed_size(alert);
		cmd = LDW_CMD_RULES_CHANGED;
	} else if (summary) {
		size = ldw_msg_suppressed_size(alert, alert->rule);
		cmd = LDW_CMD_SUPPRESSED;
	} else {
		size = ldw_msg_alert_size(alert, alert->rule);
		cmd = LDW_CMD_ALERT;
	}
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(msg, 0, 0, &ldw_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	if (change)
		err = ldw_msg_put_rules_changed(msg, alert, ldw_load_id);
	else if (summary)
		err = ldw_msg_put_suppressed(msg, alert, alert->rule, ldw_load_id);
	else
		err = ldw_msg_put_alert(msg, alert, alert->rule, ldw_load_id);
	if (err) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/* Consumes @msg. */
static enum ldw_send ldw_multicast(struct sk_buff *msg, bool *delivered)
{
	int err = genlmsg_multicast(&ldw_family, msg, 0, LDW_MCGRP_ALERTS,
				    GFP_KERNEL);

	switch (err) {
	case 0:
		*delivered = true;
		return LDW_SEND_DONE;
	case -ENOBUFS:
		/* A listener with NETLINK_BROADCAST_ERROR had no room. */
	case -ESRCH:
		/*
		 * There were listeners a moment ago, but none took it: one
		 * without NETLINK_BROADCAST_ERROR had no room, or it just left.
		 * The next attempt tells.
		 */
		return LDW_SEND_BUSY;
	default:
		return LDW_SEND_FAILED;
	}
}

/* Send @msg, the message of alert @seq, to every subscriber that lacks it. */
static enum ldw_send ldw_unicast(struct sk_buff *msg, u64 seq, bool *delivered)
{
	struct ldw_subscriber *sub, *next;
	bool busy = false, failed = false;

	mutex_lock(&ldw_subscribers_lock);
	list_for_each_entry_safe(sub, next, &ldw_subscribers, node) {
		struct sk_buff *copy;
		int err;

		if (sub->sent_seq >= seq)
			continue;
		copy = skb_clone(msg, GFP_KERNEL);
		if (!copy) {
			busy = true;	/* the message exists: try again */
			continue;
		}
		err = genlmsg_unicast(&init_net, copy, sub->portid);
		if (!err) {
			sub->sent_seq = seq;
			*delivered = true;
		} else if (err == -EAGAIN) {
			busy = true;	/* its receive buffer is full */
		} else if (err == -ECONNREFUSED) {
			ldw_subscriber_free(sub);	/* its socket is gone */
		} else {
			failed = true;
		}
	}
	mutex_unlock(&ldw_subscribers_lock);

	if (busy)
		return LDW_SEND_BUSY;
	if (*delivered)
		return LDW_SEND_DONE;
	return failed ? LDW_SEND_FAILED : LDW_SEND_NO_LISTENER;
}

/**
 * ldw_genl_send_alert() - one attempt to send an alert (or a rate limit
 *	summary) to every listener
 * @alert: the alert; stays the caller's
 * @delivered: set when some listener got it (in this or an earlier attempt)
 *
 * Process context; may sleep.
 *
 * Return: what became of it, and so whether to keep it (enum ldw_send).
 */
enum ldw_send ldw_genl_send_alert(const struct ldw_alert *alert, bool *delivered)
{
	struct sk_buff *msg;
	enum ldw_send sent;

	if (!ldw_genl_have_listeners())
		return LDW_SEND_NO_LISTENER;
	msg = ldw_alert_msg(alert);
	if (IS_ERR(msg))
		return PTR_ERR(msg) == -ENOMEM ? LDW_SEND_NO_MEMORY : LDW_SEND_FAILED;
	if (ldw_delivery == LDW_DELIVERY_MULTICAST)
		return ldw_multicast(msg, delivered);
	sent = ldw_unicast(msg, alert->seq, delivered);
	nlmsg_free(msg);
	return sent;
}

static struct sk_buff *ldw_stopping_msg(const struct ldw_actor *actor)
{
	struct ldw_stats_snapshot *stats;
	struct sk_buff *msg;
	void *hdr;

	stats = kmalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return NULL;
	ldw_stats_read(stats);
	msg = genlmsg_new(ldw_msg_stopping_size(actor), GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &ldw_family, 0, LDW_CMD_STOPPING);
	if (!hdr ||
	    ldw_msg_put_stopping(msg, ldw_load_id, ldw_queue_next_seq(), stats,
				 actor)) {
		nlmsg_free(msg);
		msg = NULL;
		goto out;
	}
	genlmsg_end(msg, hdr);
out:
	kfree(stats);
	return msg;
}

/*
 * Send @msg where alerts go: the group, or a copy to each subscriber.
 * Consumes @msg. Returns LDW_SEND_BUSY if a listener had no room.
 */
static enum ldw_send ldw_broadcast(struct sk_buff *msg)
{
	struct ldw_subscriber *sub;
	bool busy = false;
	int err;

	if (ldw_delivery == LDW_DELIVERY_MULTICAST) {
		err = genlmsg_multicast(&ldw_family, msg, 0, LDW_MCGRP_ALERTS,
					GFP_KERNEL);
		return err == -ENOBUFS ? LDW_SEND_BUSY : LDW_SEND_DONE;
	}
	mutex_lock(&ldw_subscribers_lock);
	list_for_each_entry(sub, &ldw_subscribers, node) {
		struct sk_buff *copy = skb_clone(msg, GFP_KERNEL);

		if (copy && genlmsg_unicast(&init_net, copy, sub->portid) == -EAGAIN)
			busy = true;
	}
	mutex_unlock(&ldw_subscribers_lock);
	nlmsg_free(msg);
	return busy ? LDW_SEND_BUSY : LDW_SEND_DONE;
}

/**
 * ldw_genl_send_lost() - one attempt to tell listeners of dropped numbers
 * @first: the first sequence number dropped
 * @count: how many consecutive numbers from @first were dropped
 * @reason: why
 *
 * Process context; may sleep.
 *
 * Return: LDW_SEND_BUSY if a listener had no room (try again), else what
 * became of it.
 */
enum ldw_send ldw_genl_send_lost(u64 first, u64 count, enum ldw_drop reason)
{
	struct sk_buff *msg;
	void *hdr;

	if (!ldw_genl_have_listeners())
		return LDW_SEND_NO_LISTENER;
	msg = genlmsg_new(ldw_msg_lost_size(), GFP_KERNEL);
	if (!msg)
		return LDW_SEND_NO_MEMORY;
	hdr = genlmsg_put(msg, 0, 0, &ldw_family, 0, LDW_CMD_LOST);
	if (!hdr || ldw_msg_put_lost(msg, ldw_load_id, first, count, reason)) {
		nlmsg_free(msg);
		return LDW_SEND_FAILED;
	}
	genlmsg_end(msg, hdr);
	return ldw_broadcast(msg);
}

/* STOPPING to a listener with a full socket: tried this often, this far apart. */
#define LDW_STOPPING_TRIES 200
#define LDW_STOPPING_RETRY_MS 10

/**
 * ldw_genl_send_stopping() - tell listeners that this load of the module ends
 * @actor: who unloads it
 *
 * Sent where alerts go (the group, or each subscriber), after the last
 * alert. One attempt: a listener that misses it sees the family vanish.
 */
void ldw_genl_send_stopping(const struct ldw_actor *actor)
{
	unsigned int tries = LDW_STOPPING_TRIES;
	struct sk_buff *msg;

	if (!ldw_genl_have_listeners())
		return;
	/* A listener whose socket a flood filled is given time to make room. */
	do {
		msg = ldw_stopping_msg(actor);
		if (!msg) {
			pr_warn("no memory to tell listeners that the sensor stops\n");
			return;
		}
		if (ldw_broadcast(msg) != LDW_SEND_BUSY)
			return;
		msleep(LDW_STOPPING_RETRY_MS);
	} while (--tries);
	pr_warn("a listener had no room to be told that the sensor stops\n");
}

/**
 * ldw_genl_init() - register the family
 * @load_id: identifies this load of the module in messages
 *
 * Return: 0, or a negative errno.
 */
int ldw_genl_init(u64 load_id)
{
	int err;

	ldw_load_id = load_id;
	/* This load's start, for listeners to tell how long it was away. */
	ldw_load_time_ns = ktime_get_real_ns();
	ldw_delivery = LDW_GENL_MCAST_ADMIN && !unicast ?
		       LDW_DELIVERY_MULTICAST : LDW_DELIVERY_UNICAST;

	err = netlink_register_notifier(&ldw_netlink_notifier);
	if (err)
		return err;
	err = genl_register_family(&ldw_family);
	if (err) {
		netlink_unregister_notifier(&ldw_netlink_notifier);
		return err;
	}
	if (ldw_delivery == LDW_DELIVERY_MULTICAST)
		pr_info("alerts go to generic netlink group %s/%s (CAP_NET_ADMIN only)\n",
			LDW_GENL_NAME, LDW_GENL_MCGRP_ALERTS);
	else
		pr_info("alerts go by unicast to sockets that send LDW_CMD_SUBSCRIBE (CAP_NET_ADMIN only)%s\n",
			unicast ? "" : ": this kernel cannot restrict multicast groups");
	return 0;
}

/**
 * ldw_genl_exit() - unregister the family and forget the subscribers
 *
 * After it, no command runs and nothing is sent.
 */
void ldw_genl_exit(void)
{
	struct ldw_subscriber *sub, *next;

	/* Waits for commands in progress. */
	genl_unregister_family(&ldw_family);
	netlink_unregister_notifier(&ldw_netlink_notifier);
	mutex_lock(&ldw_subscribers_lock);
	list_for_each_entry_safe(sub, next, &ldw_subscribers, node)
		ldw_subscriber_free(sub);
	mutex_unlock(&ldw_subscribers_lock);
}
