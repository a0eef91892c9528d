// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace end of the ldwatch generic netlink protocol: decoding,
 * sequence accounting and the two sockets. See genl_client.h.
 *
 * Decoding runs two passes over a message's attributes. The first is ours:
 * it walks every attribute, checks each one the protocol defines against
 * its exact type and size, and names the first one that is wrong, so that
 * the record of a refused message says why. The second is libnl's
 * nla_parse() with the same policy, which fills the attribute table we read
 * from. Nothing is read from an attribute that both have not accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "genl_client.h"

#define LDW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LDW_BIT(n) (1ull << (n))

/* How long a request waits for the module's answer. */
#define LDW_REQUEST_TIMEOUT_S 5

/* --- the protocol's tables, from netlink_spec.h --- */

/* Attribute numbers index the bits of struct ldw_msg's present. */
_Static_assert(LDW_A_MAX < 64, "an attribute number past the bits of a uint64_t");

static const char *const ldw_cmd_names[] = {
#define LDW_CMD(NAME, name) [LDW_CMD_##NAME] = #name,
#include <ldwatch/netlink_spec.h>
};

/* Counters are named; the DROPPED nest is not one. */
#define LDW_COUNTER_NAME_U64(name)	name
#define LDW_COUNTER_NAME_NEST(name)	NULL

static const char *const ldw_stat_names[] = {
#define LDW_STAT(NAME, type, bound, name) [LDW_STAT_##NAME] = LDW_COUNTER_NAME_##type(#name),
#include <ldwatch/netlink_spec.h>
};

static const char *const ldw_drop_names[] = {
#define LDW_DROP(NAME, name) [LDW_DROP_##NAME] = #name,
#include <ldwatch/netlink_spec.h>
};

#define LDW_BOUND_U8(bound)	(bound)
#define LDW_BOUND_U32(bound)	0
#define LDW_BOUND_U64(bound)	0
#define LDW_BOUND_STRING(bound)	(bound)
#define LDW_BOUND_NEST(bound)	0
#define LDW_BOUND_BINARY(bound)	(bound)

#define LDW_USE_R LDW_USE_REQUIRED
#define LDW_USE_O LDW_USE_OPTIONAL
#define LDW_USE__ LDW_USE_NEVER

static struct ldw_attr_spec ldw_attr_specs[LDW_A_MAX + 1] = {
#define LDW_ATTR(NAME, type, bound, alert, status, subscribe, stopping, suppressed, lost, name) \
	[LDW_A_##NAME] = { #NAME, LDW_TYPE_##type, LDW_BOUND_##type(bound), {		\
		[LDW_CMD_ALERT] = LDW_USE_##alert,					\
		[LDW_CMD_GET_STATUS] = LDW_USE_##status,				\
		[LDW_CMD_SUBSCRIBE] = LDW_USE_##subscribe,				\
		[LDW_CMD_STOPPING] = LDW_USE_##stopping,				\
		[LDW_CMD_SUPPRESSED] = LDW_USE_##suppressed,				\
		[LDW_CMD_LOST] = LDW_USE_##lost,					\
	} },
#include <ldwatch/netlink_spec.h>
};

/* The rules' messages' columns (LDW_RULE_USE), into the same lines. */
static void ldw_rule_use_init(void)
{
#define LDW_RULE_USE(NAME, load, ruleref, rule, changed)				\
	ldw_attr_specs[LDW_A_##NAME].use[LDW_CMD_RULE_LOAD] = LDW_USE_##load;		\
	ldw_attr_specs[LDW_A_##NAME].use[LDW_CMD_RULE_REMOVE] = LDW_USE_##ruleref;	\
	ldw_attr_specs[LDW_A_##NAME].use[LDW_CMD_RULE_GET] = LDW_USE_##rule;		\
	ldw_attr_specs[LDW_A_##NAME].use[LDW_CMD_RULES_CHANGED] = LDW_USE_##changed;
#include <ldwatch/netlink_spec.h>
}

/*
 * libnl's policy of each type. minlen == maxlen pins integers to their
 * exact size: libnl's own policy check accepts a longer payload otherwise.
 * A string's maxlen counts its NUL.
 */
#define LDW_POLICY_U8(bound)	{ .type = NLA_U8, .minlen = 1, .maxlen = 1 }
#define LDW_POLICY_U32(bound)	{ .type = NLA_U32, .minlen = 4, .maxlen = 4 }
#define LDW_POLICY_U64(bound)	{ .type = NLA_U64, .minlen = 8, .maxlen = 8 }
#define LDW_POLICY_STRING(bound) { .type = NLA_STRING, .maxlen = (bound) ? (bound) + 1 : 0 }
#define LDW_POLICY_NEST(bound)	{ .type = NLA_NESTED }
#define LDW_POLICY_BINARY(bound) { .type = NLA_UNSPEC, .maxlen = (bound) }

static const struct nla_policy ldw_policy[LDW_A_MAX + 1] = {
#define LDW_ATTR(NAME, type, bound, ...) [LDW_A_##NAME] = LDW_POLICY_##type(bound),
#include <ldwatch/netlink_spec.h>
};

/*
 * The nests' policies: the listed counters, then (ldw_policies_init()) a
 * u64 for each number past the list, the counters a newer module adds.
 */
static struct nla_policy ldw_stats_policy[LDW_STATS_SLOTS] = {
#define LDW_STAT(NAME, type, bound, ...) [LDW_STAT_##NAME] = LDW_POLICY_##type(bound),
#include <ldwatch/netlink_spec.h>
};

static struct nla_policy ldw_drop_policy[LDW_DROP_SLOTS] = {
#define LDW_DROP(NAME, ...) [LDW_DROP_##NAME] = LDW_POLICY_U64(0),
#include <ldwatch/netlink_spec.h>
};

/*
 * A sample's attributes: their policy, and their lines (names, U8 bounds;
 * use[0], which no command has, says whether a sample requires it).
 */
static const struct nla_policy ldw_sample_policy[LDW_SAMPLE_MAX + 1] = {
#define LDW_SAMPLE(NAME, type, bound, ...) [LDW_SAMPLE_##NAME] = LDW_POLICY_##type(bound),
#include <ldwatch/netlink_spec.h>
};

static const struct ldw_attr_spec ldw_sample_specs[LDW_SAMPLE_MAX + 1] = {
#define LDW_SAMPLE(NAME, type, bound, use, name) \
	[LDW_SAMPLE_##NAME] = { #NAME, LDW_TYPE_##type, LDW_BOUND_##type(bound), { LDW_USE_##use } },
#include <ldwatch/netlink_spec.h>
};

static void ldw_policies_init(void);

const struct ldw_attr_spec *ldw_attr_spec(unsigned int attr)
{
	ldw_policies_init();
	return attr <= LDW_A_MAX && ldw_attr_specs[attr].name ? &ldw_attr_specs[attr] : NULL;
}

uint64_t ldw_cmd_attrs(unsigned int cmd, enum ldw_use use)
{
	uint64_t attrs = 0;
	unsigned int i;

	ldw_policies_init();
	for (i = 0; cmd <= LDW_CMD_MAX && i <= LDW_A_MAX; i++) {
		if (ldw_attr_specs[i].name && ldw_attr_specs[i].use[cmd] == use)
			attrs |= LDW_BIT(i);
	}
	return attrs;
}

const struct nla_policy *ldw_attr_policy(unsigned int attr)
{
	return attr <= LDW_A_MAX ? &ldw_policy[attr] : NULL;
}

static const char *const ldw_delivery_names[] = {
	[LDW_DELIVERY_MULTICAST] = "multicast",
	[LDW_DELIVERY_UNICAST] = "unicast",
};

static const char *const ldw_action_names[] = {
	[LDW_ACTION_CREATION] = "creation",
	[LDW_ACTION_RENAME] = "rename",
	[LDW_ACTION_MODIFICATION] = "modification",
	[LDW_ACTION_LINK] = "link",
	[LDW_ACTION_SYMLINK] = "symlink",
	[LDW_ACTION_MOUNT] = "mount",
};

static const char *ldw_name(const char *const *names, size_t n, unsigned int i)
{
	return i < n ? names[i] : NULL;
}

const char *ldw_cmd_name(unsigned int cmd)
{
	return ldw_name(ldw_cmd_names, LDW_ARRAY_LEN(ldw_cmd_names), cmd);
}

const char *ldw_attr_name(unsigned int attr)
{
	const struct ldw_attr_spec *spec = ldw_attr_spec(attr);

	return spec ? spec->name : NULL;
}

const char *ldw_stat_name(unsigned int stat)
{
	return ldw_name(ldw_stat_names, LDW_ARRAY_LEN(ldw_stat_names), stat);
}

const char *ldw_drop_name(unsigned int reason)
{
	return ldw_name(ldw_drop_names, LDW_ARRAY_LEN(ldw_drop_names), reason);
}

const char *ldw_sample_attr_name(unsigned int attr)
{
	return attr <= LDW_SAMPLE_MAX ? ldw_sample_specs[attr].name : NULL;
}

const char *ldw_delivery_name(unsigned int delivery)
{
	return ldw_name(ldw_delivery_names, LDW_ARRAY_LEN(ldw_delivery_names), delivery);
}

const char *ldw_action_name(unsigned int action)
{
	return ldw_name(ldw_action_names, LDW_ARRAY_LEN(ldw_action_names), action);
}

/* --- decoding --- */

/*
 * Inside the nests every counter is a u64, those a newer module adds
 * included; PAD (and UNSPEC) carry nothing and are skipped.
 */
static bool ldw_stat_is_counter(unsigned int type)
{
	return type > LDW_STAT_MAX || ldw_stat_name(type);
}

static bool ldw_drop_is_counter(unsigned int type)
{
	return type > LDW_DROP_PAD;
}

static void ldw_policies_init(void)
{
	static bool done;
	unsigned int i;

	if (done)
		return;
	for (i = LDW_STAT_MAX + 1; i < LDW_STATS_SLOTS; i++)
		ldw_stats_policy[i] = (struct nla_policy)LDW_POLICY_U64(0);
	for (i = LDW_DROP_MAX + 1; i < LDW_DROP_SLOTS; i++)
		ldw_drop_policy[i] = (struct nla_policy)LDW_POLICY_U64(0);
	ldw_rule_use_init();
	done = true;
}

__attribute__((format(printf, 2, 3)))
static int ldw_refuse(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, LDW_DECODE_ERR_SIZE, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *ldw_attr_label(unsigned int type)
{
	const char *name = ldw_attr_name(type);

	return name ? name : "?";
}

static const char *ldw_stat_label(unsigned int type)
{
	const char *name = ldw_stat_name(type);

	return name ? name : type == LDW_STAT_DROPPED ? "DROPPED" : "?";
}

static const char *ldw_drop_label(unsigned int type)
{
	const char *name = ldw_drop_name(type);

	return name ? name : "?";
}

/*
 * Our own pass over the attributes at @head (@len bytes) under @policy
 * (@maxtype + 1 entries) and, for the top level, @specs (the U8s' bounds):
 * the first one that is wrong, described with @what ("attribute", "STATS
 * attribute" ...) and its @label, or 0 if all are right.
 */
static int ldw_check_attrs(const struct nlattr *head, int len,
			   const struct nla_policy *policy, const struct ldw_attr_spec *specs,
			   int maxtype, const char *what,
			   const char *(*label)(unsigned int type), char *err)
{
	const struct nlattr *nla;
	unsigned int value;
	const char *data;
	int rem, type, plen;

	nla_for_each_attr(nla, head, len, rem) {
		type = nla_type(nla);
		if (type > maxtype)
			continue;
		plen = nla_len(nla);
		data = nla_data(nla);
		switch (policy[type].type) {
		case NLA_U8:
		case NLA_U32:
		case NLA_U64:
			if (plen != policy[type].maxlen)
				return ldw_refuse(err, "%s %s (%d): %d bytes, expected %u",
						  what, label(type), type, plen,
						  policy[type].maxlen);
			value = (unsigned char)data[0];
			if (specs && specs[type].type == LDW_TYPE_U8 &&
			    (value < 1 || value > specs[type].bound))
				return ldw_refuse(err, "unknown %s %u", label(type), value);
			break;
		case NLA_STRING:
			if (plen < 1 || data[plen - 1] != '\0')
				return ldw_refuse(err, "%s %s (%d): string without a terminating NUL",
						  what, label(type), type);
			if (memchr(data, '\0', plen - 1))
				return ldw_refuse(err, "%s %s (%d): NUL byte inside the string",
						  what, label(type), type);
			if (policy[type].maxlen && plen > policy[type].maxlen)
				return ldw_refuse(err, "%s %s (%d): string of %d bytes, at most %u",
						  what, label(type), type, plen - 1,
						  policy[type].maxlen - 1);
			break;
		case NLA_NESTED:
			/* Checked by the caller, with the nest's own policy. */
			break;
		case NLA_UNSPEC:
			/* A BINARY attribute: any bytes, up to its bound. */
			if (policy[type].maxlen && plen > policy[type].maxlen)
				return ldw_refuse(err, "%s %s (%d): %d bytes, at most %u",
						  what, label(type), type, plen,
						  policy[type].maxlen);
			break;
		default:
			break;
		}
	}
	if (rem > 0)
		return ldw_refuse(err, "%d bytes after the last well-formed %s", rem, what);
	return 0;
}

static struct ldw_str ldw_attr_str(const struct nlattr *nla)
{
	return (struct ldw_str){ nla_data(nla), (size_t)nla_len(nla) - 1 };
}

static int ldw_decode_drops(const struct nlattr *nest, struct ldw_stats *stats, char *err)
{
	struct nlattr *tb[LDW_DROP_SLOTS];
	unsigned int i;
	int ret;

	ret = ldw_check_attrs(nla_data(nest), nla_len(nest), ldw_drop_policy, NULL,
			      LDW_DROP_SLOTS - 1, "DROPPED attribute", ldw_drop_label, err);
	if (ret)
		return ret;
	if (nla_parse_nested(tb, LDW_DROP_SLOTS - 1, (struct nlattr *)nest, ldw_drop_policy) < 0)
		return ldw_refuse(err, "libnl refused the STATS/DROPPED nest");
	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (!tb[i] || !ldw_drop_is_counter(i))
			continue;
		stats->dropped[i] = nla_get_u64(tb[i]);
		stats->has_dropped |= LDW_BIT(i);
	}
	return 0;
}

static int ldw_decode_stats(const struct nlattr *nest, struct ldw_stats *stats, char *err)
{
	struct nlattr *tb[LDW_STATS_SLOTS];
	unsigned int i;
	int ret;

	ret = ldw_check_attrs(nla_data(nest), nla_len(nest), ldw_stats_policy, NULL,
			      LDW_STATS_SLOTS - 1, "STATS attribute", ldw_stat_label, err);
	if (ret)
		return ret;
	if (nla_parse_nested(tb, LDW_STATS_SLOTS - 1, (struct nlattr *)nest, ldw_stats_policy) < 0)
		return ldw_refuse(err, "libnl refused the STATS nest");
	for (i = 0; i < LDW_STATS_SLOTS; i++) {
		if (!tb[i] || !ldw_stat_is_counter(i))
			continue;
		stats->counter[i] = nla_get_u64(tb[i]);
		stats->has_counter |= LDW_BIT(i);
	}
	if (tb[LDW_STAT_DROPPED])
		return ldw_decode_drops(tb[LDW_STAT_DROPPED], stats, err);
	return 0;
}

/* Reading an attribute into its member of struct ldw_msg, by its type. */
#define LDW_FILL_U8(member, nla)	((member) = nla_get_u8(nla))
#define LDW_FILL_U32(member, nla)	((member) = nla_get_u32(nla))
#define LDW_FILL_U64(member, nla)	((member) = nla_get_u64(nla))
#define LDW_FILL_STRING(member, nla)	((member) = ldw_attr_str(nla))
#define LDW_FILL_NEST(member, nla)	((void)0)	/* ldw_decode_stats(), _samples() */
#define LDW_FILL_BINARY(member, nla) \
	((member) = (struct ldw_str){ nla_data(nla), (size_t)nla_len(nla) })

static const char *ldw_sample_label(unsigned int type)
{
	const char *name = ldw_sample_attr_name(type);

	return name ? name : "?";
}

/* One sample's nest, the @index-th (from 1), into @out. */
static int ldw_decode_sample(const struct nlattr *nest, unsigned int index,
			     struct ldw_msg_sample *out, char *err)
{
	struct nlattr *tb[LDW_SAMPLE_MAX + 1];
	unsigned int i;
	int ret;

	if (nla_type(nest) != (int)index)
		return ldw_refuse(err, "SAMPLES: nest %u numbered %d", index, nla_type(nest));
	ret = ldw_check_attrs(nla_data(nest), nla_len(nest), ldw_sample_policy, ldw_sample_specs,
			      LDW_SAMPLE_MAX, "SAMPLES attribute", ldw_sample_label, err);
	if (ret)
		return ret;
	if (nla_parse_nested(tb, LDW_SAMPLE_MAX, (struct nlattr *)nest,
			     (struct nla_policy *)ldw_sample_policy) < 0)
		return ldw_refuse(err, "libnl refused SAMPLES nest %u", index);
	memset(out, 0, sizeof(*out));
	for (i = LDW_SAMPLE_PAD + 1; i <= LDW_SAMPLE_MAX; i++) {
		if (tb[i])
			out->present |= LDW_BIT(i);
		else if (ldw_sample_specs[i].use[0] == LDW_USE_REQUIRED)
			return ldw_refuse(err, "SAMPLES nest %u without %s", index,
					  ldw_sample_label(i));
	}
#define LDW_SAMPLE(NAME, type, bound, use, name)					\
	if (tb[LDW_SAMPLE_##NAME])							\
		LDW_FILL_##type(out->name, tb[LDW_SAMPLE_##NAME]);
#include <ldwatch/netlink_spec.h>
	return 0;
}

/* The SAMPLES nest: samples numbered from 1, the first LDW_SAMPLES_MAX kept. */
static int ldw_decode_samples(const struct nlattr *nest, struct ldw_samples *samples,
			      char *err)
{
	struct ldw_msg_sample spare;
	const struct nlattr *entry;
	unsigned int index = 0;
	int rem, ret;

	nla_for_each_nested(entry, nest, rem) {
		struct ldw_msg_sample *out = samples->n < LDW_SAMPLES_MAX ?
					     &samples->sample[samples->n] : &spare;

		index++;
		ret = ldw_decode_sample(entry, index, out, err);
		if (ret)
			return ret;
		if (out == &spare)
			samples->beyond++;
		else
			samples->n++;
	}
	if (rem > 0)
		return ldw_refuse(err, "%d bytes after the last well-formed SAMPLES nest", rem);
	return 0;
}

/* Copy the attributes libnl parsed into @msg. */
static void ldw_fill(struct ldw_msg *msg, struct nlattr **tb)
{
	unsigned int i;

	for (i = 1; i <= LDW_A_MAX; i++) {
		if (tb[i] && i != LDW_A_PAD && i != LDW_A_UNSPEC)
			msg->present |= LDW_BIT(i);
	}
#define LDW_ATTR(NAME, type, bound, alert, status, subscribe, stopping, suppressed, lost, name) \
	if (tb[LDW_A_##NAME])								\
		LDW_FILL_##type(msg->name, tb[LDW_A_##NAME]);
#include <ldwatch/netlink_spec.h>
}

/* The rules between attributes, after each one is well formed. */
static int ldw_check_semantics(const struct ldw_msg *msg, char *err)
{
	uint64_t missing = ldw_cmd_attrs(msg->cmd, LDW_USE_REQUIRED) & ~msg->present;
	bool rename;
	unsigned int i;

	for (i = 0; missing; i++) {
		if (missing & LDW_BIT(i))
			return ldw_refuse(err, "%s message without attribute %s (%u)",
					  ldw_cmd_name(msg->cmd), ldw_attr_label(i), i);
	}
	if (LDW_HAS(msg, LDW_A_SEQ) && msg->seq == 0)
		return ldw_refuse(err, "sequence number 0 (they start at 1)");
	if (LDW_HAS(msg, LDW_A_NEXT_SEQ) && msg->next_seq == 0)
		return ldw_refuse(err, "NEXT_SEQ 0 (sequence numbers start at 1)");
	if (msg->cmd == LDW_CMD_ALERT) {
		rename = msg->action == LDW_ACTION_RENAME;
		if (rename && !LDW_HAS(msg, LDW_A_ORIGINAL_PATH))
			return ldw_refuse(err, "rename alert without ORIGINAL_PATH");
		if (!rename && LDW_HAS(msg, LDW_A_ORIGINAL_PATH))
			return ldw_refuse(err, "creation alert with an ORIGINAL_PATH");
	}
	if (msg->cmd == LDW_CMD_LOST) {
		if (msg->lost_count == 0)
			return ldw_refuse(err, "lost message with LOST_COUNT 0");
		if (msg->lost_first_seq == 0)
			return ldw_refuse(err, "LOST_FIRST_SEQ 0 (sequence numbers start at 1)");
		if (msg->lost_first_seq + msg->lost_count < msg->lost_first_seq)
			return ldw_refuse(err, "lost message whose numbers run past 2^64");
	}
	if (msg->cmd == LDW_CMD_RULES_CHANGED) {
		bool replaced = msg->rule_change == LDW_RULE_CHANGE_REPLACED;

		if (replaced != LDW_HAS(msg, LDW_A_RULE_PREV_VERSION) ||
		    replaced != LDW_HAS(msg, LDW_A_RULE_PREV_SHA256))
			return ldw_refuse(err, "rules-changed message: RULE_PREV_VERSION and "
					  "RULE_PREV_SHA256 go with a replacement, and only there");
	}
	if (msg->cmd == LDW_CMD_SUPPRESSED) {
		if (msg->suppressed_count == 0)
			return ldw_refuse(err, "suppressed message with SUPPRESSED_COUNT 0");
		if (msg->window_end_ns < msg->window_start_ns)
			return ldw_refuse(err, "suppressed message whose window ends before it starts");
		/* Each suppressed match is a sample or counted as omitted. */
		if (msg->samples_omitted > msg->suppressed_count ||
		    msg->samples.n + msg->samples.beyond !=
		    msg->suppressed_count - msg->samples_omitted)
			return ldw_refuse(err, "suppressed message whose SAMPLES (%" PRIu64
					  ") and SAMPLES_OMITTED (%" PRIu64
					  ") do not add up to SUPPRESSED_COUNT (%" PRIu64 ")",
					  msg->samples.n + msg->samples.beyond,
					  msg->samples_omitted, msg->suppressed_count);
	}
	return 0;
}

int ldw_msg_decode(const struct nlmsghdr *nlh, int family, struct ldw_msg *msg,
		   char err[LDW_DECODE_ERR_SIZE])
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)nlh;
	struct nlattr *tb[LDW_A_MAX + 1];
	const struct genlmsghdr *gh;
	int ret;

	ldw_policies_init();
	memset(msg, 0, sizeof(*msg));
	err[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return ldw_refuse(err, "netlink header length %u is too short", nlh->nlmsg_len);
	if (nlh->nlmsg_type != family)
		return ldw_refuse(err, "message type %u is not the ldwatch family (%d)",
				  nlh->nlmsg_type, family);
	if (!genlmsg_valid_hdr(hdr, 0))
		return ldw_refuse(err, "%u bytes: too short for a generic netlink header",
				  nlh->nlmsg_len);
	gh = genlmsg_hdr(hdr);
	msg->cmd = gh->cmd;
	msg->version = gh->version;
	if (gh->version != LDW_GENL_VERSION) {
		snprintf(err, LDW_DECODE_ERR_SIZE,
			 "interface version %u; this program speaks version %u",
			 gh->version, LDW_GENL_VERSION);
		return -EPROTO;
	}
	if (gh->cmd > LDW_CMD_MAX || gh->cmd == LDW_CMD_UNSPEC)
		return ldw_refuse(err, "unknown command %u", gh->cmd);
	ret = ldw_check_attrs(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			      ldw_policy, ldw_attr_specs, LDW_A_MAX, "attribute", ldw_attr_label,
			      err);
	if (ret)
		return ret;
	if (genlmsg_parse(hdr, 0, tb, LDW_A_MAX, (struct nla_policy *)ldw_policy) < 0)
		return ldw_refuse(err, "libnl refused the attributes");
	ldw_fill(msg, tb);
	if (tb[LDW_A_STATS]) {
		ret = ldw_decode_stats(tb[LDW_A_STATS], &msg->stats, err);
		if (ret)
			return ret;
	}
	if (tb[LDW_A_SAMPLES]) {
		ret = ldw_decode_samples(tb[LDW_A_SAMPLES], &msg->samples, err);
		if (ret)
			return ret;
	}
	return ldw_check_semantics(msg, err);
}

/* --- sequence numbers --- */

static void ldw_seq_mark(struct ldw_seq *s, uint64_t seq, bool on)
{
	uint64_t bit = seq % LDW_SEQ_WINDOW;

	if (on)
		s->seen[bit / 64] |= LDW_BIT(bit % 64);
	else
		s->seen[bit / 64] &= ~LDW_BIT(bit % 64);
}

static bool ldw_seq_marked(const struct ldw_seq *s, uint64_t seq)
{
	uint64_t bit = seq % LDW_SEQ_WINDOW;

	return s->seen[bit / 64] & LDW_BIT(bit % 64);
}

/* The drop report's marks: numbers reported lost before a gap showed them. */
static bool ldw_seq_reported(const struct ldw_seq *s, uint64_t seq)
{
	uint64_t bit = seq % LDW_SEQ_REPORTED_WINDOW;

	return s->reported[bit / 64] & LDW_BIT(bit % 64);
}

static void ldw_seq_report(struct ldw_seq *s, uint64_t seq, bool on)
{
	uint64_t bit = seq % LDW_SEQ_REPORTED_WINDOW;

	if (on) {
		s->reported[bit / 64] |= LDW_BIT(bit % 64);
		s->nreported++;
	} else {
		s->reported[bit / 64] &= ~LDW_BIT(bit % 64);
		s->nreported--;
	}
}

/*
 * The numbers from @from to before @to are accounted for now: how many of
 * them the drop report had not named (the first into *@first), forgetting
 * the marks of those it had.
 */
static uint64_t ldw_seq_consume(struct ldw_seq *s, uint64_t from, uint64_t to, uint64_t *first)
{
	uint64_t x, unreported = 0;

	if (to <= from)
		return 0;
	if (!s->nreported) {
		*first = from;
		return to - from;
	}
	if (to - from >= LDW_SEQ_REPORTED_WINDOW) {
		/* Every mark lies ahead of @from, within the window: all in the range. */
		unreported = to - from - s->nreported;
		memset(s->reported, 0, sizeof(s->reported));
		s->nreported = 0;
		*first = from;
		return unreported;
	}
	for (x = from; x < to; x++) {
		if (ldw_seq_reported(s, x)) {
			ldw_seq_report(s, x, false);
			continue;
		}
		if (!unreported)
			*first = x;
		unreported++;
	}
	return unreported;
}

void ldw_seq_start(struct ldw_seq *s, uint64_t load_id, uint64_t next_seq)
{
	if (s->known && s->load_id == load_id)
		return;
	memset(s, 0, sizeof(*s));
	s->known = true;
	s->load_id = load_id;
	s->floor = next_seq ? next_seq : 1;
}

/* Accept @seq >= s->next: the numbers from s->next to @seq leave the window. */
static void ldw_seq_advance(struct ldw_seq *s, uint64_t seq)
{
	uint64_t x;

	if (!s->next || seq - s->next >= LDW_SEQ_WINDOW) {
		memset(s->seen, 0, sizeof(s->seen));
	} else {
		for (x = s->next; x < seq; x++)
			ldw_seq_mark(s, x, false);
	}
	ldw_seq_mark(s, seq, true);
	s->next = seq + 1;
}

/* The lowest number not yet accounted for. */
static uint64_t ldw_seq_base(const struct ldw_seq *s)
{
	return s->next ? s->next : s->floor;
}

enum ldw_seq_verdict ldw_seq_alert(struct ldw_seq *s, uint64_t load_id, uint64_t seq,
				   uint64_t *first, uint64_t *count)
{
	bool reported;
	uint64_t from;

	if (!s->known || s->load_id != load_id) {
		s->known = false;
		ldw_seq_start(s, load_id, 1);
	}
	if (!s->next || seq >= s->next) {
		/* The first alert since tracking began, or a new highest one. */
		from = ldw_seq_base(s);
		reported = seq >= from && s->nreported && ldw_seq_reported(s, seq);
		*count = ldw_seq_consume(s, from, seq, first);
		if (reported)
			ldw_seq_report(s, seq, false);
		ldw_seq_advance(s, seq);
		if (reported)
			return LDW_SEQ_LATE;
		return *count ? LDW_SEQ_GAP : LDW_SEQ_IN_ORDER;
	}
	if (s->next - seq > LDW_SEQ_WINDOW)
		return LDW_SEQ_LATE;
	if (ldw_seq_marked(s, seq))
		return LDW_SEQ_DUPLICATE;
	ldw_seq_mark(s, seq, true);
	return LDW_SEQ_LATE;
}

uint64_t ldw_seq_lost(struct ldw_seq *s, uint64_t load_id, uint64_t first, uint64_t count,
		      uint64_t *new_first)
{
	uint64_t base, end, x, n = 0;

	if (!s->known || s->load_id != load_id)
		return 0;
	base = ldw_seq_base(s);
	/* Below the base: a gap reported them already (or before tracking). */
	x = first > base ? first : base;
	end = first + count;
	if (end <= base)
		return 0;
	/* Past the window: left to the gap, which will show them. */
	if (end - base > LDW_SEQ_REPORTED_WINDOW)
		end = base + LDW_SEQ_REPORTED_WINDOW;
	for (; x < end; x++) {
		if (ldw_seq_reported(s, x))
			continue;	/* a report heard twice */
		ldw_seq_report(s, x, true);
		if (!n)
			*new_first = x;
		n++;
	}
	return n;
}

uint64_t ldw_seq_stop(struct ldw_seq *s, uint64_t load_id, uint64_t next_seq,
		      uint64_t *first)
{
	uint64_t count;

	if (!s->known || s->load_id != load_id)
		return 0;
	count = ldw_seq_consume(s, ldw_seq_base(s), next_seq, first);
	s->known = false;
	return count;
}

/* --- sockets --- */

/* libnl's error codes as errno values, for strerror() and the callers' tests. */
static int ldw_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:
		return 0;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
	case NLE_MSGTYPE_NOSUPPORT:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NODEV:
		return -ENODEV;
	default:
		return -EIO;
	}
}

struct ldw_genl {
	struct nl_sock *sk;
	int family;
};

int ldw_genl_family(const struct ldw_genl *g)
{
	return g->family;
}

static int ldw_set_timeout(struct nl_sock *sk)
{
	struct timeval tv = { .tv_sec = LDW_REQUEST_TIMEOUT_S };

	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

/*
 * The module's refusals say why in an extended ack; a refused request is
 * not echoed back whole (a rule's program is up to 64 KiB).
 */
static int ldw_ext_ack(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		return -errno;
	/* A rule's text may be larger than libnl's default buffer. */
	nl_socket_enable_msg_peek(sk);
	return 0;
}

int ldw_genl_open(struct ldw_genl **out)
{
	struct ldw_genl *g;
	int ret;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		free(g);
		return -ENOMEM;
	}
	ret = ldw_errno(genl_connect(g->sk));
	if (!ret)
		ret = ldw_set_timeout(g->sk);
	if (!ret)
		ret = ldw_ext_ack(g->sk);
	if (!ret) {
		g->family = genl_ctrl_resolve(g->sk, LDW_GENL_NAME);
		if (g->family < 0)
			ret = ldw_errno(g->family);
	}
	if (ret) {
		ldw_genl_close(g);
		return ret;
	}
	*out = g;
	return 0;
}

void ldw_genl_close(struct ldw_genl *g)
{
	if (!g)
		return;
	nl_socket_free(g->sk);
	free(g);
}

void ldw_reply_free(struct ldw_reply *r)
{
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

/* One request and its answer: the reply message (kept) and the ACK. */
struct ldw_request {
	int family;
	uint8_t cmd;
	struct nlmsghdr *reply;
	bool acked;
	int error;		/* the kernel's answer, a positive errno */
	/* The request's attributes, or NULL; a dump (NLM_F_DUMP) with @each. */
	struct nl_msg *msg;
	int (*each)(void *arg, const struct nlmsghdr *nlh);
	void *each_arg;
	bool done;
	/* The extended ack's message and attribute, when the kernel sent them. */
	char why[LDW_WHY_SIZE - 64];
	uint32_t bad_offset;
	uint32_t missing;
};

static int ldw_request_valid(struct nl_msg *nmsg, void *arg)
{
	struct ldw_request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(nmsg);

	if (req->each && nlh->nlmsg_type == req->family) {
		int ret = req->each(req->each_arg, nlh);

		if (ret)
			req->error = ret < 0 ? -ret : ret;
		return ret ? NL_STOP : NL_OK;
	}
	if (req->reply || nlh->nlmsg_type != req->family)
		return NL_SKIP;
	req->reply = malloc(nlh->nlmsg_len);
	if (req->reply)
		memcpy(req->reply, nlh, nlh->nlmsg_len);
	else
		req->error = ENOMEM;
	return NL_OK;
}

static int ldw_request_ack(struct nl_msg *nmsg, void *arg)
{
	struct ldw_request *req = arg;

	(void)nmsg;
	req->acked = true;
	return NL_STOP;
}

static int ldw_request_finish(struct nl_msg *nmsg, void *arg)
{
	struct ldw_request *req = arg;

	(void)nmsg;
	req->done = true;
	req->acked = true;
	return NL_STOP;
}

/*
 * The extended ack after @e (NETLINK_EXT_ACK, the request capped by
 * NETLINK_CAP_ACK): its message and the attribute it names.
 */
static void ldw_request_ext_ack(struct ldw_request *req, const struct nlmsgerr *e)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	const struct nlattr *attr;
	const char *start;
	int len, rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	start = (const char *)e + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		start += e->msg.nlmsg_len - sizeof(e->msg);
	len = (int)((const char *)nlh + nlh->nlmsg_len - start);
	if (len <= 0)
		return;
	nla_for_each_attr(attr, (struct nlattr *)start, len, rem) {
		switch (nla_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(req->why, sizeof(req->why), "%.*s", nla_len(attr),
				 (const char *)nla_data(attr));
			req->why[strcspn(req->why, "\n")] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nla_len(attr) == 4)
				req->bad_offset = nla_get_u32(attr);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(attr) == 4)
				req->missing = nla_get_u32(attr);
			break;
		default:
			break;
		}
	}
}

static int ldw_request_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct ldw_request *req = arg;

	(void)nla;
	req->error = e->error < 0 ? -e->error : e->error;
	ldw_request_ext_ack(req, e);
	return NL_STOP;
}

/*
 * Send @cmd on @sk (the attributes of @req->msg, if any: a message its
 * caller made with ldw_request_msg()) and collect the answer in @req;
 * handlers in @cb.
 */
static int ldw_request(struct nl_sock *sk, struct nl_cb *cb, struct ldw_request *req)
{
	struct nl_msg *nmsg = req->msg;
	int ret;

	if (!nmsg) {
		nmsg = nlmsg_alloc();
		if (!nmsg)
			return -ENOMEM;
		if (!genlmsg_put(nmsg, NL_AUTO_PORT, NL_AUTO_SEQ, req->family, 0, 0, req->cmd,
				 LDW_GENL_VERSION)) {
			nlmsg_free(nmsg);
			return -ENOMEM;
		}
	}
	req->msg = NULL;
	ret = nl_send_auto(sk, nmsg);
	nlmsg_free(nmsg);
	if (ret < 0)
		return ldw_errno(ret);
	while (!req->acked && !req->error) {
		ret = nl_recvmsgs_report(sk, cb);
		if (req->error)
			break;
		/* The kernel answers at once; silence means the socket timed out. */
		if (ret == -NLE_AGAIN || ret == 0)
			return -ETIMEDOUT;
		if (ret < 0)
			return ldw_errno(ret);
	}
	return req->error ? -req->error : 0;
}

/* A request message of @cmd (with @flags), room for @size bytes of attributes. */
static struct nl_msg *ldw_request_msg(int family, uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *nmsg = nlmsg_alloc_size(size + 4096);

	if (nmsg && !genlmsg_put(nmsg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
				 LDW_GENL_VERSION)) {
		nlmsg_free(nmsg);
		nmsg = NULL;
	}
	return nmsg;
}

/* Run @req on @g: its answer, or a negative errno and @why. */
static int ldw_request_run(struct ldw_genl *g, struct ldw_request *req, char *why)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(req->msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ldw_request_valid, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ldw_request_ack, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ldw_request_finish, req);
	nl_cb_err(cb, NL_CB_CUSTOM, ldw_request_error, req);
	ret = ldw_request(g->sk, cb, req);
	nl_cb_put(cb);
	if (why) {
		const char *name = ldw_attr_name(req->missing);

		if (req->why[0] && req->missing && name)
			snprintf(why, LDW_WHY_SIZE, "%s (%s)", req->why, name);
		else
			snprintf(why, LDW_WHY_SIZE, "%s", req->why);
	}
	return ret;
}

int ldw_genl_rule_load(struct ldw_genl *g, const struct ldw_rule_request *rq,
		       char why[LDW_WHY_SIZE])
{
	struct ldw_request req = { .family = g->family, .cmd = LDW_CMD_RULE_LOAD };
	int ret;

	why[0] = '\0';
	if (rq->size > LDW_RULE_PROGRAM_MAX) {
		snprintf(why, LDW_WHY_SIZE, "the compiled rule is %zu bytes, more than %u",
			 rq->size, LDW_RULE_PROGRAM_MAX);
		return -EMSGSIZE;
	}
	req.msg = ldw_request_msg(g->family, LDW_CMD_RULE_LOAD, 0, rq->size + 8192);
	if (!req.msg)
		return -ENOMEM;
	if (nla_put_string(req.msg, LDW_A_RULE_ID, rq->id) ||
	    nla_put_string(req.msg, LDW_A_RULE_NAME, rq->name) ||
	    nla_put_u32(req.msg, LDW_A_RULE_VERSION, rq->version) ||
	    nla_put_string(req.msg, LDW_A_RULE_SEVERITY, rq->severity) ||
	    nla_put_u32(req.msg, LDW_A_RULE_RISK_SCORE, rq->risk_score) ||
	    (rq->threat && nla_put_string(req.msg, LDW_A_RULE_THREAT, rq->threat)) ||
	    (rq->source && nla_put_string(req.msg, LDW_A_RULE_SOURCE, rq->source)) ||
	    nla_put(req.msg, LDW_A_RULE_PROGRAM, (int)rq->size, rq->program)) {
		nlmsg_free(req.msg);
		snprintf(why, LDW_WHY_SIZE, "the rule does not fit a message");
		return -EMSGSIZE;
	}
	ret = ldw_request_run(g, &req, why);
	free(req.reply);
	return ret;
}

int ldw_genl_rule_remove(struct ldw_genl *g, const char *id, char why[LDW_WHY_SIZE])
{
	struct ldw_request req = { .family = g->family, .cmd = LDW_CMD_RULE_REMOVE };
	int ret;

	why[0] = '\0';
	req.msg = ldw_request_msg(g->family, LDW_CMD_RULE_REMOVE, 0, strlen(id) + 64);
	if (!req.msg)
		return -ENOMEM;
	if (nla_put_string(req.msg, LDW_A_RULE_ID, id)) {
		nlmsg_free(req.msg);
		return -EMSGSIZE;
	}
	ret = ldw_request_run(g, &req, why);
	free(req.reply);
	return ret;
}

int ldw_genl_rule_get(struct ldw_genl *g, const char *id, struct ldw_reply *reply,
		      char why[LDW_WHY_SIZE])
{
	struct ldw_request req = { .family = g->family, .cmd = LDW_CMD_RULE_GET };
	char err[LDW_DECODE_ERR_SIZE];
	int ret;

	memset(reply, 0, sizeof(*reply));
	why[0] = '\0';
	req.msg = ldw_request_msg(g->family, LDW_CMD_RULE_GET, 0, strlen(id) + 64);
	if (!req.msg)
		return -ENOMEM;
	if (nla_put_string(req.msg, LDW_A_RULE_ID, id)) {
		nlmsg_free(req.msg);
		return -EMSGSIZE;
	}
	ret = ldw_request_run(g, &req, why);
	if (!ret && !req.reply) {
		snprintf(why, LDW_WHY_SIZE, "the module acknowledged without a reply");
		ret = -EINVAL;
	}
	if (ret) {
		free(req.reply);
		return ret;
	}
	reply->raw = req.reply;
	ret = ldw_msg_decode(reply->raw, g->family, &reply->msg, err);
	if (!ret && reply->msg.cmd != LDW_CMD_RULE_GET) {
		snprintf(err, sizeof(err), "a %s message answered RULE_GET",
			 ldw_cmd_name(reply->msg.cmd));
		ret = -EINVAL;
	}
	if (ret) {
		snprintf(why, LDW_WHY_SIZE, "%s", err);
		ldw_reply_free(reply);
	}
	return ret;
}

/* A dump's messages, decoded, to the caller's function. */
struct ldw_rule_list {
	int family;
	int (*each)(void *arg, const struct ldw_msg *rule);
	void *arg;
	char *why;
};

static int ldw_rule_list_one(void *arg, const struct nlmsghdr *nlh)
{
	struct ldw_rule_list *l = arg;
	char err[LDW_DECODE_ERR_SIZE];
	struct ldw_msg *msg = malloc(sizeof(*msg));
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = ldw_msg_decode(nlh, l->family, msg, err);
	if (!ret && msg->cmd != LDW_CMD_RULE_GET) {
		snprintf(err, sizeof(err), "a %s message in the rules' list",
			 ldw_cmd_name(msg->cmd));
		ret = -EINVAL;
	}
	if (ret)
		snprintf(l->why, LDW_WHY_SIZE, "%s", err);
	else
		ret = l->each(l->arg, msg);
	free(msg);
	return ret;
}

int ldw_genl_rule_list(struct ldw_genl *g, int (*each)(void *arg, const struct ldw_msg *rule),
		       void *arg, char why[LDW_WHY_SIZE])
{
	struct ldw_request req = { .family = g->family, .cmd = LDW_CMD_RULE_GET };
	struct ldw_rule_list list = { g->family, each, arg, why };
	int ret;

	why[0] = '\0';
	req.msg = ldw_request_msg(g->family, LDW_CMD_RULE_GET, NLM_F_DUMP, 0);
	if (!req.msg)
		return -ENOMEM;
	req.each = ldw_rule_list_one;
	req.each_arg = &list;
	ret = ldw_request_run(g, &req, why[0] ? NULL : why);
	free(req.reply);
	return ret;
}

int ldw_genl_status(struct ldw_genl *g, struct ldw_reply *reply,
		    char err[LDW_DECODE_ERR_SIZE])
{
	struct ldw_request req = { .family = g->family, .cmd = LDW_CMD_GET_STATUS };
	struct nl_cb *cb;
	int ret;

	memset(reply, 0, sizeof(*reply));
	err[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ldw_request_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ldw_request_ack, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, ldw_request_error, &req);
	ret = ldw_request(g->sk, cb, &req);
	nl_cb_put(cb);
	if (!ret && !req.reply) {
		snprintf(err, LDW_DECODE_ERR_SIZE, "the module acknowledged without a reply");
		ret = -EINVAL;
	}
	if (ret) {
		free(req.reply);
		return ret;
	}
	reply->raw = req.reply;
	ret = ldw_msg_decode(reply->raw, g->family, &reply->msg, err);
	if (!ret && reply->msg.cmd != LDW_CMD_GET_STATUS) {
		snprintf(err, LDW_DECODE_ERR_SIZE, "a %s message answered GET_STATUS",
			 ldw_cmd_name(reply->msg.cmd));
		ret = -EINVAL;
	}
	if (ret)
		ldw_reply_free(reply);
	return ret;
}

/* --- the listener --- */

struct ldw_listener {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	const struct ldw_listener_ops *ops;
	void *arg;
	/* While subscribing: the request's state. */
	struct ldw_request *pending;
	uint32_t pending_seq;
};

/*
 * libnl reports a socket overrun (recvmsg's ENOBUFS) as -NLE_NOMEM, the
 * same code as its own allocation failures; the errno right after nl_recv()
 * tells them apart.
 */
static int ldw_recv_errno;

static int ldw_listener_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
			     unsigned char **buf, struct ucred **creds)
{
	int n = nl_recv(sk, nla, buf, creds);

	ldw_recv_errno = n < 0 ? errno : 0;
	return n;
}

static bool ldw_is_family_gone(const struct ldw_listener *l, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *gh;

	if (nlh->nlmsg_type != GENL_ID_CTRL || !genlmsg_valid_hdr(nlh, 0))
		return false;
	gh = genlmsg_hdr(nlh);
	if (gh->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 || !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) != 2)
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == l->family;
}

static int ldw_listener_valid(struct nl_msg *nmsg, void *arg)
{
	struct ldw_listener *l = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(nmsg);

	if (nlh->nlmsg_type == l->family)
		l->ops->message(l->arg, nlh);
	else if (ldw_is_family_gone(l, nlh))
		l->ops->family_gone(l->arg);
	return NL_OK;
}

static int ldw_listener_ack(struct nl_msg *nmsg, void *arg)
{
	struct ldw_listener *l = arg;

	if (l->pending && nlmsg_hdr(nmsg)->nlmsg_seq == l->pending_seq)
		l->pending->acked = true;
	return NL_OK;
}

static int ldw_listener_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct ldw_listener *l = arg;

	(void)nla;
	if (l->pending && e->msg.nlmsg_seq == l->pending_seq)
		l->pending->error = e->error < 0 ? -e->error : e->error;
	/* Other errors answer nothing we asked: carry on reading. */
	return NL_SKIP;
}

/* Multicast messages carry sequence number 0: no check of the kind libnl does. */
static int ldw_listener_seq_ok(struct nl_msg *nmsg, void *arg)
{
	(void)nmsg;
	(void)arg;
	return NL_OK;
}

static int ldw_listener_buffers(struct ldw_listener *l, int rcvbuf)
{
	int fd = nl_socket_get_fd(l->sk), one = 1;

	/* SO_RCVBUF is capped by net.core.rmem_max; as root, go past the cap. */
	nl_socket_set_buffer_size(l->sk, rcvbuf, 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	/*
	 * Without it, a multicast that finds our buffer full fails silently
	 * for the module, which then cannot keep the alert and send it again
	 * (netlink.h, "Delivery of alerts").
	 */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof(one)))
		return -errno;
	return 0;
}

static int ldw_listener_subscribe(struct ldw_listener *l)
{
	struct ldw_request req = { .family = l->family, .cmd = LDW_CMD_SUBSCRIBE };
	struct nl_msg *nmsg;
	int ret;

	nmsg = nlmsg_alloc();
	if (!nmsg)
		return -ENOMEM;
	if (!genlmsg_put(nmsg, NL_AUTO_PORT, NL_AUTO_SEQ, l->family, 0, 0,
			 LDW_CMD_SUBSCRIBE, LDW_GENL_VERSION)) {
		nlmsg_free(nmsg);
		return -ENOMEM;
	}
	l->pending = &req;
	ret = nl_send_auto(l->sk, nmsg);
	l->pending_seq = nlmsg_hdr(nmsg)->nlmsg_seq;
	nlmsg_free(nmsg);
	if (ret < 0) {
		l->pending = NULL;
		return ldw_errno(ret);
	}
	/* Alerts may come before the ACK: the valid handler passes them on. */
	ret = 0;
	while (!req.acked && !req.error) {
		ret = nl_recvmsgs_report(l->sk, l->cb);
		if (ret == -NLE_AGAIN || ret == 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (ret < 0 && ret != -NLE_NOMEM) {
			ret = ldw_errno(ret);
			break;
		}
		ret = 0;
	}
	l->pending = NULL;
	if (req.error)
		return -req.error;
	return ret;
}

int ldw_listener_open(struct ldw_genl *g, enum ldw_delivery delivery, int rcvbuf,
		      const struct ldw_listener_ops *ops, void *arg,
		      struct ldw_listener **out, const char **what)
{
	struct ldw_listener *l;
	int ret, grp = -1, ctrl_grp;

	*out = NULL;
	*what = "opening a netlink socket";
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->family = g->family;
	l->ops = ops;
	l->arg = arg;
	l->sk = nl_socket_alloc();
	l->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!l->sk || !l->cb) {
		ret = -ENOMEM;
		goto fail;
	}
	nl_cb_set(l->cb, NL_CB_VALID, NL_CB_CUSTOM, ldw_listener_valid, l);
	nl_cb_set(l->cb, NL_CB_ACK, NL_CB_CUSTOM, ldw_listener_ack, l);
	nl_cb_set(l->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ldw_listener_seq_ok, l);
	nl_cb_err(l->cb, NL_CB_CUSTOM, ldw_listener_error, l);
	nl_cb_overwrite_recv(l->cb, ldw_listener_recv);
	nl_socket_enable_msg_peek(l->sk);
	ret = ldw_errno(genl_connect(l->sk));
	if (ret)
		goto fail;
	*what = "setting up the netlink socket's buffers";
	ret = ldw_listener_buffers(l, rcvbuf);
	if (!ret)
		ret = ldw_set_timeout(l->sk);
	if (ret)
		goto fail;

	/*
	 * Look the groups up before joining any: a notification arriving
	 * during a lookup would upset libnl's request-reply sequence check.
	 */
	*what = "looking up nlctrl's notification group";
	ctrl_grp = genl_ctrl_resolve_grp(l->sk, "nlctrl", "notify");
	ret = ctrl_grp < 0 ? ldw_errno(ctrl_grp) : 0;
	if (ret)
		goto fail;
	if (delivery == LDW_DELIVERY_MULTICAST) {
		*what = "looking up the ldwatch alert group";
		grp = genl_ctrl_resolve_grp(l->sk, LDW_GENL_NAME, LDW_GENL_MCGRP_ALERTS);
		ret = grp < 0 ? ldw_errno(grp) : 0;
		if (ret)
			goto fail;
	}
	/* The family's removal, so that an unload is noticed even without STOPPING. */
	*what = "joining nlctrl's notification group";
	ret = ldw_errno(nl_socket_add_membership(l->sk, ctrl_grp));
	if (ret)
		goto fail;

	if (delivery == LDW_DELIVERY_MULTICAST) {
		*what = "joining the ldwatch alert group";
		ret = ldw_errno(nl_socket_add_membership(l->sk, grp));
	} else {
		*what = "subscribing to ldwatch alerts";
		ret = ldw_listener_subscribe(l);
	}
	if (ret)
		goto fail;
	*what = "making the netlink socket non-blocking";
	ret = ldw_errno(nl_socket_set_nonblocking(l->sk));
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	ldw_listener_close(l);
	return ret;
}

void ldw_listener_close(struct ldw_listener *l)
{
	if (!l)
		return;
	nl_socket_free(l->sk);
	nl_cb_put(l->cb);
	free(l);
}

int ldw_listener_fd(const struct ldw_listener *l)
{
	return nl_socket_get_fd(l->sk);
}

int ldw_listener_rcvbuf(const struct ldw_listener *l)
{
	socklen_t len;
	int size = 0;

	len = sizeof(size);
	if (getsockopt(nl_socket_get_fd(l->sk), SOL_SOCKET, SO_RCVBUF, &size, &len))
		return -errno;
	return size;
}

int ldw_listener_receive(struct ldw_listener *l, unsigned int max)
{
	unsigned int i;
	int ret;

	for (i = 0; i < max; i++) {
		/* One datagram per call; its messages go to the handlers. */
		ret = nl_recvmsgs_report(l->sk, l->cb);
		if (ret == -NLE_AGAIN || ret == 0)
			return 0;
		if (ret == -NLE_NOMEM && ldw_recv_errno == ENOBUFS)
			return -ENOBUFS;
		if (ret < 0)
			return ldw_errno(ret);
	}
	return 1;
}
