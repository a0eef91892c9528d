/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's side of the generic netlink family (netlink.c): registering
 * it, sending alerts and the stopping message, and the message encoders,
 * which take everything they put as arguments so that a KUnit suite can
 * call them. The protocol itself is include/ldwatch/netlink.h.
 */
#ifndef _LDWATCH_GENL_H
#define _LDWATCH_GENL_H

#include <linux/types.h>
#include <net/netlink.h>

#include <ldwatch/netlink.h>

#include "stats.h"

struct ldw_actor;
struct ldw_alert;
struct ldw_lrule;
struct sk_buff;

int ldw_genl_init(u64 load_id);
void ldw_genl_exit(void);

/**
 * enum ldw_send - what became of one attempt to send an alert
 * @LDW_SEND_DONE: every listener there is has it now
 * @LDW_SEND_NO_LISTENER: nobody listens: keep it until somebody does
 * @LDW_SEND_BUSY: a listener had no room for it: keep it, try again soon
 * @LDW_SEND_NO_MEMORY: no memory for the message: give up on it
 * @LDW_SEND_FAILED: the send failed for another reason: give up on it
 */
enum ldw_send {
	LDW_SEND_DONE,
	LDW_SEND_NO_LISTENER,
	LDW_SEND_BUSY,
	LDW_SEND_NO_MEMORY,
	LDW_SEND_FAILED,
};

enum ldw_send ldw_genl_send_alert(const struct ldw_alert *alert, bool *delivered);
void ldw_genl_send_stopping(const struct ldw_actor *actor);
bool ldw_genl_have_listeners(void);
enum ldw_send ldw_genl_send_lost(u64 first, u64 count, enum ldw_drop reason);

/* Encoders: each puts attributes (no headers) into @skb, or -EMSGSIZE. */
extern const struct nla_policy ldw_genl_policy[LDW_A_MAX + 1];

size_t ldw_msg_alert_size(const struct ldw_alert *alert,
			  const struct ldw_lrule *rule);
int ldw_msg_put_alert(struct sk_buff *skb, const struct ldw_alert *alert,
		      const struct ldw_lrule *rule, u64 load_id);
size_t ldw_msg_suppressed_size(const struct ldw_alert *summary,
			       const struct ldw_lrule *rule);
int ldw_msg_put_suppressed(struct sk_buff *skb, const struct ldw_alert *summary,
			   const struct ldw_lrule *rule, u64 load_id);
size_t ldw_msg_stats_size(void);
int ldw_msg_put_stats(struct sk_buff *skb,
		      const struct ldw_stats_snapshot *snapshot);
size_t ldw_msg_stopping_size(const struct ldw_actor *actor);
int ldw_msg_put_stopping(struct sk_buff *skb, u64 load_id, u64 next_seq,
			 const struct ldw_stats_snapshot *stats,
			 const struct ldw_actor *actor);
size_t ldw_msg_lost_size(void);
int ldw_msg_put_lost(struct sk_buff *skb, u64 load_id, u64 first, u64 count,
		     enum ldw_drop reason);

/**
 * struct ldw_status - what the status reply reports
 * @load_id: LDW_A_LOAD_ID
 * @load_time_ns: LDW_A_LOAD_TIME_NS
 * @next_seq: LDW_A_NEXT_SEQ
 * @delivery: LDW_A_DELIVERY
 * @rule: the first rule of the set in force (a reference):
 *	LDW_A_RULE_ID, _NAME and _VERSION
 * @rule_text: LDW_A_RULE_TEXT, as ldw_prog_format() renders @rule's program
 * @stats: the LDW_A_STATS nest
 */
struct ldw_status {
	u64 load_id;
	u64 load_time_ns;
	u64 next_seq;
	enum ldw_delivery delivery;
	struct ldw_lrule *rule;
	const char *rule_text;
	struct ldw_stats_snapshot stats;
};

size_t ldw_msg_rule_size(const struct ldw_lrule *rule, const char *text);
int ldw_msg_put_rule(struct sk_buff *skb, const struct ldw_lrule *rule,
		     const char *text);
size_t ldw_msg_rules_changed_size(const struct ldw_alert *record);
int ldw_msg_put_rules_changed(struct sk_buff *skb, const struct ldw_alert *record,
			      u64 load_id);

size_t ldw_msg_status_size(const struct ldw_status *status);
int ldw_msg_put_status(struct sk_buff *skb, const struct ldw_status *status);

#if IS_ENABLED(CONFIG_KUNIT)
struct genl_info;
int ldw_cmd_rule_load(struct sk_buff *skb, struct genl_info *info);
int ldw_cmd_rule_remove(struct sk_buff *skb, struct genl_info *info);
#endif

#endif /* _LDWATCH_GENL_H */
