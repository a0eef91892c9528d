// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_netlink": the messages the module sends, made by its
 * encoders (genl.h) and parsed back the way the kernel parses a generic
 * netlink message against the family's policy, strictly
 * (genlmsg_parse() with ldw_genl_policy). Every field round trips, paths
 * of PATH_MAX - 1 bytes included, and each encoder needs exactly the room
 * its size function says. A message the policy refuses (a wrong type or
 * length, a string without its NUL or too long, a value out of range, an
 * attribute the family does not have) is refused for that attribute.
 *
 * The expected values are the UAPI's (include/ldwatch/netlink.h), written
 * out here: which attribute carries which counter is part of the protocol.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <ldwatch/netlink.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>
#include <ldwatch/version.h>

#include "actor.h"
#include "builtin.h"
#include "genl.h"
#include "ldw_kunit.h"
#include "ruleset.h"
#include "stats.h"

/* A family to put headers with; never registered. */
static const struct genl_family ldw_test_family = {
	.name = LDW_GENL_NAME,
	.version = LDW_GENL_VERSION,
	.maxattr = LDW_A_MAX,
	.policy = ldw_genl_policy,
};

KUNIT_DEFINE_ACTION_WRAPPER(ldw_test_free_skb, kfree_skb, struct sk_buff *);

/* A message with room for @size attribute bytes, freed when the case ends. */
static struct sk_buff *ldw_test_msg(struct kunit *test, size_t size, u8 cmd,
				    void **hdr)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_free_skb, skb));
	*hdr = genlmsg_put(skb, 0, 0, &ldw_test_family, 0, cmd);
	KUNIT_ASSERT_NOT_NULL(test, *hdr);
	return skb;
}

/*
 * The attribute bytes in @skb: after @hdr, which genlmsg_put() returned,
 * and which points past the genl header (the family has no header of its
 * own).
 */
static size_t ldw_test_used(const struct sk_buff *skb, void *hdr)
{
	return skb_tail_pointer(skb) - (unsigned char *)hdr;
}

/* Leave exactly @room bytes of tailroom, as if the message held more. */
static void ldw_test_leave_room(struct kunit *test, struct sk_buff *skb,
				size_t room)
{
	size_t filler;

	KUNIT_ASSERT_GE(test, (size_t)skb_tailroom(skb), room);
	filler = skb_tailroom(skb) - room;
	skb_put_zero(skb, filler);
}

static int ldw_test_parse(struct sk_buff *skb, void *hdr, struct nlattr **tb,
			  struct netlink_ext_ack *extack)
{
	genlmsg_end(skb, hdr);
	return genlmsg_parse(nlmsg_hdr(skb), &ldw_test_family, tb, LDW_A_MAX,
			     ldw_genl_policy, extack);
}

/* @attr holds the string @s, NUL and all. */
static void ldw_test_expect_string(struct kunit *test, const struct nlattr *attr,
				   const char *s, const char *what)
{
	KUNIT_ASSERT_NOT_NULL_MSG(test, attr, "%s is present", what);
	KUNIT_EXPECT_EQ_MSG(test, (size_t)nla_len(attr), strlen(s) + 1, "%s", what);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(nla_data(attr), s, strlen(s) + 1),
			      "%s", what);
}

static struct ldw_alert *ldw_test_alert(struct kunit *test, const char *path,
					const char *original, const char *exe)
{
	void *mem = kunit_kzalloc(test, ldw_test_alert_size(path, original, exe),
				  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mem);
	return ldw_test_alert_fill(mem, path, original, exe);
}

/* An alert whose every field differs from the others and from zero. */
static struct ldw_alert *ldw_test_full_alert(struct kunit *test, const char *path,
					     const char *original, const char *exe)
{
	struct ldw_alert *alert = ldw_test_alert(test, path, original, exe);

	alert->seq = 0x0102030405060708ULL;
	alert->time_ns = 0x1122334455667788ULL;
	alert->action = original ? LDW_ACTION_RENAME : LDW_ACTION_CREATION;
	alert->pid = 101;
	alert->tid = 102;
	alert->ppid = 103;
	alert->uid = 1000;
	alert->euid = 0xfffffffe;
	alert->gid = 1001;
	alert->mntns = 4026531841u;
	strscpy(alert->comm, "ld-preload-hij", sizeof(alert->comm));
	return alert;
}

#define LDW_TEST_LOAD_ID 0xa5a5a5a55a5a5a5aULL

/* The matched rule's rating and the host's view, as @alert carries them. */
static void ldw_test_expect_rule_facts(struct kunit *test, struct nlattr **tb,
				       const struct ldw_alert *alert,
				       const struct ldw_lrule *rule)
{
	ldw_test_expect_string(test, tb[LDW_A_RULE_SEVERITY], rule->severity,
			       "RULE_SEVERITY");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_RULE_RISK_SCORE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_RULE_RISK_SCORE]), rule->risk_score);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_FILE_TYPE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_FILE_TYPE]), (u32)alert->file_type);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_OUTCOME]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[LDW_A_OUTCOME]),
			alert->failed ? LDW_OUTCOME_FAILURE : LDW_OUTCOME_SUCCESS);
	if (alert->failed) {
		KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_ERROR]);
		KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_ERROR]), (u32)alert->error);
	} else {
		KUNIT_EXPECT_NULL(test, tb[LDW_A_ERROR]);
	}
	if (alert->target_path) {
		ldw_test_expect_string(test, tb[LDW_A_TARGET_PATH], alert->target_path,
				       "TARGET_PATH");
		KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_TARGET_ALIASES]);
		KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_TARGET_ALIASES]), alert->aliases);
	} else {
		KUNIT_EXPECT_NULL(test, tb[LDW_A_TARGET_PATH]);
		KUNIT_EXPECT_NULL(test, tb[LDW_A_TARGET_ALIASES]);
	}
	if (alert->host_executable)
		ldw_test_expect_string(test, tb[LDW_A_HOST_EXECUTABLE],
				       alert->host_executable, "HOST_EXECUTABLE");
	else
		KUNIT_EXPECT_NULL(test, tb[LDW_A_HOST_EXECUTABLE]);
}

/* Encode @alert, parse it back, compare every field. */
static void ldw_test_alert_round_trip(struct kunit *test,
				      const struct ldw_alert *alert)
{
	const struct ldw_lrule *rule = alert->rule ?: ldw_test_rule(test, &ldw_default_rule);
	size_t size = ldw_msg_alert_size(alert, rule);
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, size, LDW_CMD_ALERT, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_alert(skb, alert, rule, LDW_TEST_LOAD_ID), 0);
	KUNIT_EXPECT_EQ_MSG(test, ldw_test_used(skb, hdr), size,
			    "ldw_msg_alert_size() is the room it takes");
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");

	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_SEQ]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_SEQ]), alert->seq);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOAD_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOAD_ID]), LDW_TEST_LOAD_ID);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_TIME_NS]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_TIME_NS]), alert->time_ns);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_ACTION]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[LDW_A_ACTION]), (u8)alert->action);
	ldw_test_expect_string(test, tb[LDW_A_FILE_PATH], alert->file_path, "FILE_PATH");
	if (alert->original_path)
		ldw_test_expect_string(test, tb[LDW_A_ORIGINAL_PATH],
				       alert->original_path, "ORIGINAL_PATH");
	else
		KUNIT_EXPECT_NULL(test, tb[LDW_A_ORIGINAL_PATH]);
	if (alert->executable)
		ldw_test_expect_string(test, tb[LDW_A_EXECUTABLE], alert->executable,
				       "EXECUTABLE");
	else
		KUNIT_EXPECT_NULL(test, tb[LDW_A_EXECUTABLE]);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_PID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_PID]), alert->pid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_TID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_TID]), alert->tid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_PPID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_PPID]), alert->ppid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_UID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_UID]), alert->uid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_EUID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_EUID]), alert->euid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_GID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_GID]), alert->gid);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_MNTNS]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_MNTNS]), alert->mntns);
	ldw_test_expect_string(test, tb[LDW_A_COMM], alert->comm, "COMM");
	ldw_test_expect_string(test, tb[LDW_A_RULE_ID], rule->id, "RULE_ID");
	ldw_test_expect_string(test, tb[LDW_A_RULE_NAME], rule->name, "RULE_NAME");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_RULE_VERSION]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_RULE_VERSION]), rule->version);
	if (rule->threat)
		ldw_test_expect_string(test, tb[LDW_A_RULE_THREAT], rule->threat,
				       "RULE_THREAT");
	else
		KUNIT_EXPECT_NULL(test, tb[LDW_A_RULE_THREAT]);
	ldw_test_expect_rule_facts(test, tb, alert, rule);
}

static void alert_round_trip(struct kunit *test)
{
	const struct ldw_alert *alert;

	alert = ldw_test_full_alert(test, "/etc/ld.so.preload", "/tmp/lib.txt",
				    "/usr/bin/mv");
	ldw_test_alert_round_trip(test, alert);
}

/*
 * The companion rule's alert about a host target reached through a
 * chroot, failed: the host's view, the rule's rating, the errno.
 */
static void alert_of_a_host_target_round_trip(struct kunit *test)
{
	struct ldw_alert *alert;

	alert = ldw_test_full_alert(test, "/ld.so.preload", NULL, "/bin/sh");
	alert->rule = ldw_test_rule(test, &ldw_companion_rule);
	alert->target_path = "/etc/ld.so.preload";
	alert->host_executable = "/srv/jail/bin/sh";
	alert->aliases = LDW_ALIAS_PATH | LDW_ALIAS_ROOT;
	alert->file_type = S_IFREG;
	alert->failed = true;
	alert->error = EACCES;
	ldw_test_alert_round_trip(test, alert);
}

/* A kernel thread's creation: no original path, no executable. */
static void alert_without_optional_fields(struct kunit *test)
{
	const struct ldw_alert *alert;

	alert = ldw_test_full_alert(test, "/etc/ld.so.conf.d/x.conf", NULL, NULL);
	ldw_test_alert_round_trip(test, alert);
}

/* "/" and PATH_MAX - 2 bytes of @c: the longest path there is. */
static const char *ldw_test_long_path(struct kunit *test, char c)
{
	char *path = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	memset(path, c, PATH_MAX - 1);
	path[0] = '/';
	path[PATH_MAX - 1] = '\0';
	return path;
}

/* A path of PATH_MAX - 1 bytes, the longest there is, in all three places. */
static void alert_with_paths_of_path_max(struct kunit *test)
{
	const char *path = ldw_test_long_path(test, 'p');
	const char *original = ldw_test_long_path(test, 'o');
	const char *exe = ldw_test_long_path(test, 'e');

	ldw_test_alert_round_trip(test, ldw_test_full_alert(test, path, original, exe));
}

/* With one byte less room than the size function says, the encoder refuses. */
static void alert_needs_its_size(struct kunit *test)
{
	const struct ldw_alert *alert = ldw_test_full_alert(test, "/etc/ld.so.preload",
							    "/tmp/x", "/bin/mv");
	const struct ldw_lrule *rule = ldw_test_rule(test, &ldw_default_rule);
	size_t size = ldw_msg_alert_size(alert, rule);
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, size, LDW_CMD_ALERT, &hdr);
	ldw_test_leave_room(test, skb, size);
	KUNIT_EXPECT_EQ(test, ldw_msg_put_alert(skb, alert, rule, 1), 0);

	skb = ldw_test_msg(test, size, LDW_CMD_ALERT, &hdr);
	ldw_test_leave_room(test, skb, size - 1);
	KUNIT_EXPECT_EQ(test, ldw_msg_put_alert(skb, alert, rule, 1), -EMSGSIZE);
}

/* Counters with values that tell them apart, above 32 bits. */
static void ldw_test_fill_stats(struct ldw_stats_snapshot *s)
{
	unsigned int i;

	for (i = 0; i < LDW_CNT_COUNT; i++)
		s->counters[i] = 0x100000000ULL * (i + 1) + 11 * i + 1;
	for (i = 0; i < __LDW_DROP_MAX; i++)
		s->dropped[i] = 0x10000000000ULL * (i + 1) + 7 * i + 3;
}

/* The LDW_A_STATS nest in @tb holds exactly @s. */
static void ldw_test_expect_stats(struct kunit *test, struct nlattr **tb,
				  const struct ldw_stats_snapshot *s)
{
	struct nlattr *stats[LDW_STAT_MAX + 1], *dropped[LDW_DROP_MAX + 1];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_STATS]);
	KUNIT_ASSERT_EQ(test, nla_parse_nested(stats, LDW_STAT_MAX, tb[LDW_A_STATS],
					       NULL, NULL), 0);
	for (i = 0; i < LDW_CNT_COUNT; i++) {
		const struct nlattr *attr = stats[ldw_counter_attr[i]];

		KUNIT_ASSERT_NOT_NULL_MSG(test, attr, "counter %u", i);
		KUNIT_EXPECT_EQ_MSG(test, nla_get_u64(attr), s->counters[i],
				    "counter %u", i);
	}
	KUNIT_ASSERT_NOT_NULL(test, stats[LDW_STAT_DROPPED]);
	KUNIT_ASSERT_EQ(test, nla_parse_nested(dropped, LDW_DROP_MAX,
					       stats[LDW_STAT_DROPPED], NULL, NULL), 0);
	KUNIT_EXPECT_NULL(test, dropped[LDW_DROP_UNSPEC]);
	KUNIT_EXPECT_NULL(test, dropped[LDW_DROP_PAD]);
	for (i = LDW_DROP_PAD + 1; i <= LDW_DROP_MAX; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, dropped[i], "drop reason %u", i);
		KUNIT_EXPECT_EQ_MSG(test, nla_get_u64(dropped[i]), s->dropped[i],
				    "drop reason %u", i);
	}
}

static void ldw_test_stats_round_trip(struct kunit *test,
				      const struct ldw_stats_snapshot *snapshot)
{
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, ldw_msg_stats_size(), LDW_CMD_STOPPING, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_stats(skb, snapshot), 0);
	KUNIT_EXPECT_EQ(test, ldw_test_used(skb, hdr), ldw_msg_stats_size());
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");
	ldw_test_expect_stats(test, tb, snapshot);
}

static void stats_round_trip(struct kunit *test)
{
	struct ldw_stats_snapshot *snapshot = kunit_kzalloc(test, sizeof(*snapshot),
							    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, snapshot);
	ldw_test_fill_stats(snapshot);
	ldw_test_stats_round_trip(test, snapshot);
}

/* Every counter is put, zeros included, so that a reader sees which exist. */
static void stats_zeros_are_sent(struct kunit *test)
{
	struct ldw_stats_snapshot *snapshot = kunit_kzalloc(test, sizeof(*snapshot),
							    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, snapshot);
	ldw_test_stats_round_trip(test, snapshot);
}

/* Out of room: the nest is taken back whole, the message as it was. */
static void stats_out_of_room_leave_nothing(struct kunit *test)
{
	struct ldw_stats_snapshot *snapshot = kunit_kzalloc(test, sizeof(*snapshot),
							    GFP_KERNEL);
	struct sk_buff *skb;
	unsigned int len;
	void *hdr;

	KUNIT_ASSERT_NOT_NULL(test, snapshot);
	skb = ldw_test_msg(test, ldw_msg_stats_size(), LDW_CMD_STOPPING, &hdr);
	ldw_test_leave_room(test, skb, ldw_msg_stats_size() - 1);
	len = skb->len;
	KUNIT_EXPECT_EQ(test, ldw_msg_put_stats(skb, snapshot), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, skb->len, len);
}

static struct ldw_status *ldw_test_status(struct kunit *test, size_t text_len)
{
	struct ldw_status *status = kunit_kzalloc(test, sizeof(*status), GFP_KERNEL);
	const struct ldw_prog *prog;
	char *text;

	KUNIT_ASSERT_NOT_NULL(test, status);
	status->load_id = LDW_TEST_LOAD_ID;
	status->next_seq = 0x8000000000000001ULL;
	status->delivery = LDW_DELIVERY_UNICAST;
	status->rule = ldw_test_rule(test, &ldw_default_rule);
	ldw_test_fill_stats(&status->stats);
	prog = &status->rule->prog;
	if (!text_len)
		text_len = ldw_prog_format(prog, NULL, 0);
	text = kunit_kmalloc(test, text_len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	ldw_prog_format(prog, text, text_len + 1);
	/* Padded to the length asked for, when it is longer than the text. */
	memset(text + strlen(text), ' ', text_len - strlen(text));
	text[text_len] = '\0';
	status->rule_text = text;
	return status;
}

static void status_round_trip(struct kunit *test)
{
	const struct ldw_status *status = ldw_test_status(test, 0);
	size_t size = ldw_msg_status_size(status);
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, size, LDW_CMD_GET_STATUS, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_status(skb, status), 0);
	KUNIT_EXPECT_EQ(test, ldw_test_used(skb, hdr), size);
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");

	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOAD_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOAD_ID]), status->load_id);
	ldw_test_expect_string(test, tb[LDW_A_MODULE_VERSION], LDW_VERSION,
			       "MODULE_VERSION");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_DELIVERY]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[LDW_A_DELIVERY]), (u8)status->delivery);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_NEXT_SEQ]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_NEXT_SEQ]), status->next_seq);
	ldw_test_expect_string(test, tb[LDW_A_RULE_ID], status->rule->id, "RULE_ID");
	ldw_test_expect_string(test, tb[LDW_A_RULE_NAME], status->rule->name,
			       "RULE_NAME");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_RULE_VERSION]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_RULE_VERSION]), status->rule->version);
	ldw_test_expect_string(test, tb[LDW_A_RULE_TEXT], status->rule_text, "RULE_TEXT");
	KUNIT_EXPECT_TRUE(test, str_has_prefix(status->rule_text,
					       "file where host.os.type == \"linux\" and "));
	ldw_test_expect_stats(test, tb, &status->stats);
}

/*
 * An attribute's length is 16 bits: the longest rule text that fits is
 * 65535 - 4 (header) - 1 (NUL) bytes; a longer one is refused, not cut.
 */
static void status_rule_text_at_its_limit(struct kunit *test)
{
	const size_t longest = U16_MAX - NLA_HDRLEN - 1;
	struct ldw_status *status = ldw_test_status(test, longest);
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, ldw_msg_status_size(status), LDW_CMD_GET_STATUS, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_status(skb, status), 0);
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_RULE_TEXT]);
	KUNIT_EXPECT_EQ(test, (size_t)nla_len(tb[LDW_A_RULE_TEXT]), longest + 1);

	status = ldw_test_status(test, longest + 1);
	skb = ldw_test_msg(test, ldw_msg_status_size(status), LDW_CMD_GET_STATUS, &hdr);
	KUNIT_EXPECT_EQ(test, ldw_msg_put_status(skb, status), -EMSGSIZE);
}

/* ---- Liveness: the stopping message names who, the drop report ---- */

static void ldw_test_stopping(struct kunit *test, const struct ldw_actor *actor)
{
	struct ldw_stats_snapshot *stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	size_t size = ldw_msg_stopping_size(actor);
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_fill_stats(stats);
	skb = ldw_test_msg(test, size, LDW_CMD_STOPPING, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_stopping(skb, LDW_TEST_LOAD_ID, 42, stats, actor), 0);
	KUNIT_EXPECT_EQ(test, ldw_test_used(skb, hdr), size);
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOAD_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOAD_ID]), LDW_TEST_LOAD_ID);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_NEXT_SEQ]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_NEXT_SEQ]), 42);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_PID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_PID]), 4321);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_UID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_UID]), 0);
	ldw_test_expect_string(test, tb[LDW_A_COMM], "rmmod", "COMM");
	if (actor->exe)
		ldw_test_expect_string(test, tb[LDW_A_EXECUTABLE], actor->exe, "EXECUTABLE");
	else
		KUNIT_EXPECT_NULL(test, tb[LDW_A_EXECUTABLE]);
	ldw_test_expect_stats(test, tb, stats);
}

/* STOPPING names who unloads the module: pid, uid, comm, executable. */
static void stopping_names_who(struct kunit *test)
{
	struct ldw_actor actor = { .pid = 4321, .uid = 0, .comm = "rmmod",
				   .exe = "/usr/bin/kmod" };

	ldw_test_stopping(test, &actor);
}

/* A task without an executable: the attribute is left out, nothing else. */
static void stopping_without_executable(struct kunit *test)
{
	struct ldw_actor actor = { .pid = 4321, .uid = 0, .comm = "rmmod" };

	ldw_test_stopping(test, &actor);
}

/* The drop report: the run of numbers, how many, and why. */
static void lost_round_trip(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	struct sk_buff *skb;
	void *hdr;

	skb = ldw_test_msg(test, ldw_msg_lost_size(), LDW_CMD_LOST, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_lost(skb, LDW_TEST_LOAD_ID, 9, 42,
					       LDW_DROP_QUEUE_FULL), 0);
	KUNIT_EXPECT_EQ(test, ldw_test_used(skb, hdr), ldw_msg_lost_size());
	KUNIT_ASSERT_EQ_MSG(test, ldw_test_parse(skb, hdr, tb, &extack), 0,
			    "parse: %s", extack._msg ?: "");
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOAD_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOAD_ID]), LDW_TEST_LOAD_ID);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOST_FIRST_SEQ]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOST_FIRST_SEQ]), 9);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOST_COUNT]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[LDW_A_LOST_COUNT]), 42);
	KUNIT_ASSERT_NOT_NULL(test, tb[LDW_A_LOST_REASON]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[LDW_A_LOST_REASON]), LDW_DROP_QUEUE_FULL);
}

/* ---- malformed attributes: refused by the policy, for that attribute ---- */

struct ldw_bad_attr {
	const char *what;
	int (*put)(struct sk_buff *skb);
};

static int ldw_put_u32_seq(struct sk_buff *skb)
{
	return nla_put_u32(skb, LDW_A_SEQ, 1);
}

static int ldw_put_u64_pid(struct sk_buff *skb)
{
	return nla_put_u64_64bit(skb, LDW_A_PID, 1, LDW_A_PAD);
}

static int ldw_put_u8_rule_version(struct sk_buff *skb)
{
	return nla_put_u8(skb, LDW_A_RULE_VERSION, 1);
}

static int ldw_put_action_0(struct sk_buff *skb)
{
	return nla_put_u8(skb, LDW_A_ACTION, 0);
}

static int ldw_put_action_past_max(struct sk_buff *skb)
{
	return nla_put_u8(skb, LDW_A_ACTION, LDW_ACTION_MAX + 1);
}

static int ldw_put_u32_action(struct sk_buff *skb)
{
	return nla_put_u32(skb, LDW_A_ACTION, LDW_ACTION_CREATION);
}

static int ldw_put_delivery_0(struct sk_buff *skb)
{
	return nla_put_u8(skb, LDW_A_DELIVERY, 0);
}

static int ldw_put_delivery_3(struct sk_buff *skb)
{
	return nla_put_u8(skb, LDW_A_DELIVERY, LDW_DELIVERY_UNICAST + 1);
}

static int ldw_put_path_without_nul(struct sk_buff *skb)
{
	return nla_put(skb, LDW_A_FILE_PATH, 18, "/etc/ld.so.preload");
}

static int ldw_put_empty_path_attr(struct sk_buff *skb)
{
	return nla_put(skb, LDW_A_FILE_PATH, 0, "");
}

static int ldw_put_executable_without_nul(struct sk_buff *skb)
{
	return nla_put(skb, LDW_A_EXECUTABLE, 7, "/bin/sh");
}

/* A string of @len bytes and its NUL. */
static int ldw_put_long_string(struct sk_buff *skb, int type, size_t len)
{
	struct nlattr *attr = nla_reserve(skb, type, len + 1);

	if (!attr)
		return -EMSGSIZE;
	memset(nla_data(attr), 'x', len);
	((char *)nla_data(attr))[len] = '\0';
	return 0;
}

static int ldw_put_path_of_path_max(struct sk_buff *skb)
{
	return ldw_put_long_string(skb, LDW_A_FILE_PATH, PATH_MAX);
}

static int ldw_put_original_of_path_max(struct sk_buff *skb)
{
	return ldw_put_long_string(skb, LDW_A_ORIGINAL_PATH, PATH_MAX);
}

static int ldw_put_comm_too_long(struct sk_buff *skb)
{
	return ldw_put_long_string(skb, LDW_A_COMM, LDW_COMM_MAX + 1);
}

static int ldw_put_rule_id_too_long(struct sk_buff *skb)
{
	return ldw_put_long_string(skb, LDW_A_RULE_ID, LDW_RULE_STRING_MAX + 1);
}

static int ldw_put_unknown_attr(struct sk_buff *skb)
{
	return nla_put_u32(skb, LDW_A_MAX + 1, 1);
}

static int ldw_put_attr_0(struct sk_buff *skb)
{
	return nla_put_u32(skb, LDW_A_UNSPEC, 1);
}

static int ldw_put_stats_not_nested(struct sk_buff *skb)
{
	return nla_put_u64_64bit(skb, LDW_A_STATS, 1, LDW_A_PAD);
}

static int ldw_put_stats_u32_counter(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, LDW_A_STATS);

	if (!nest || nla_put_u32(skb, LDW_STAT_SEEN, 1))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ldw_put_stats_unknown_drop(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, LDW_A_STATS), *dropped;

	if (!nest)
		return -EMSGSIZE;
	dropped = nla_nest_start(skb, LDW_STAT_DROPPED);
	if (!dropped ||
	    nla_put_u64_64bit(skb, LDW_DROP_MAX + 1, 1, LDW_DROP_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, dropped);
	nla_nest_end(skb, nest);
	return 0;
}

static const struct ldw_bad_attr ldw_bad_attrs[] = {
	{ "SEQ as a u32", ldw_put_u32_seq },
	{ "PID as a u64", ldw_put_u64_pid },
	{ "RULE_VERSION as a u8", ldw_put_u8_rule_version },
	{ "ACTION 0", ldw_put_action_0 },
	{ "ACTION past the last", ldw_put_action_past_max },
	{ "ACTION as a u32", ldw_put_u32_action },
	{ "DELIVERY 0", ldw_put_delivery_0 },
	{ "DELIVERY past the last", ldw_put_delivery_3 },
	{ "FILE_PATH without its NUL", ldw_put_path_without_nul },
	{ "FILE_PATH of no bytes", ldw_put_empty_path_attr },
	{ "EXECUTABLE without its NUL", ldw_put_executable_without_nul },
	{ "FILE_PATH of PATH_MAX bytes", ldw_put_path_of_path_max },
	{ "ORIGINAL_PATH of PATH_MAX bytes", ldw_put_original_of_path_max },
	{ "COMM of TASK_COMM_LEN bytes", ldw_put_comm_too_long },
	{ "RULE_ID of LDW_RULE_STRING_MAX + 1 bytes", ldw_put_rule_id_too_long },
	{ "an attribute past LDW_A_MAX", ldw_put_unknown_attr },
	{ "attribute 0 (UNSPEC)", ldw_put_attr_0 },
	{ "STATS not a nest", ldw_put_stats_not_nested },
	{ "STATS with a u32 counter", ldw_put_stats_u32_counter },
	{ "STATS with a drop reason past LDW_DROP_MAX", ldw_put_stats_unknown_drop },
};

static void ldw_bad_attr_desc(const struct ldw_bad_attr *bad, char *desc)
{
	ldw_test_desc(desc, bad->what);
}

KUNIT_ARRAY_PARAM(ldw_bad_attr, ldw_bad_attrs, ldw_bad_attr_desc);

/* A valid alert message, and the bad attribute after it. */
static void malformed_attribute_is_refused(struct kunit *test)
{
	const struct ldw_bad_attr *bad = test->param_value;
	const struct ldw_alert *alert = ldw_test_full_alert(test, "/etc/ld.so.preload",
							    "/tmp/x", "/bin/mv");
	const struct ldw_lrule *rule = ldw_test_rule(test, &ldw_default_rule);
	size_t size = ldw_msg_alert_size(alert, rule);
	struct netlink_ext_ack extack = {};
	struct nlattr *tb[LDW_A_MAX + 1];
	unsigned char *start, *end;
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = ldw_test_msg(test, size + 2 * PATH_MAX, LDW_CMD_ALERT, &hdr);
	KUNIT_ASSERT_EQ(test, ldw_msg_put_alert(skb, alert, rule, 1), 0);
	start = skb_tail_pointer(skb);
	KUNIT_ASSERT_EQ(test, bad->put(skb), 0);
	end = skb_tail_pointer(skb);

	err = ldw_test_parse(skb, hdr, tb, &extack);
	KUNIT_EXPECT_LT_MSG(test, err, 0, "%s is accepted", bad->what);
	KUNIT_EXPECT_TRUE_MSG(test, (unsigned char *)extack.bad_attr >= start &&
			      (unsigned char *)extack.bad_attr < end,
			      "error %d points at the bad attribute (%s)", err,
			      extack._msg ?: "no message");
}

static struct kunit_case ldw_netlink_cases[] = {
	KUNIT_CASE(alert_round_trip),
	KUNIT_CASE(alert_of_a_host_target_round_trip),
	KUNIT_CASE(alert_without_optional_fields),
	KUNIT_CASE(alert_with_paths_of_path_max),
	KUNIT_CASE(alert_needs_its_size),
	KUNIT_CASE(stats_round_trip),
	KUNIT_CASE(stats_zeros_are_sent),
	KUNIT_CASE(stats_out_of_room_leave_nothing),
	KUNIT_CASE(status_round_trip),
	KUNIT_CASE(status_rule_text_at_its_limit),
	KUNIT_CASE(stopping_names_who),
	KUNIT_CASE(stopping_without_executable),
	KUNIT_CASE(lost_round_trip),
	KUNIT_CASE_PARAM(malformed_attribute_is_refused, ldw_bad_attr_gen_params),
	{}
};

static struct kunit_suite ldw_netlink_suite = {
	.name = "ldwatch_netlink",
	.test_cases = ldw_netlink_cases,
};

kunit_test_suite(ldw_netlink_suite);
