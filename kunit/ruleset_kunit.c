// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_ruleset": the rule set at runtime (ruleset.h) and its
 * netlink commands. The load command refuses every malformed request,
 * each attribute and each field of a program broken once, with an
 * extended ack naming what is wrong and the attribute at fault, and
 * changes nothing: no new set, no change record. Loads, replacements and
 * removals make the set and the records they say. And a set replaced
 * again and again while other threads judge by it: every judgement sees
 * one whole set, the one its generation names.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <ldwatch/netlink.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "actor.h"
#include "alert.h"
#include "genl.h"
#include "ldw_kunit.h"
#include "queue.h"
#include "ruleset.h"

/* The rule the requests load: its identity, and its program's table. */
#define LDW_TEST_ID "kunit-ruleset-load"

static const char *const ldw_preload_path[] = { "/etc/ld.so.preload", NULL };
static const char *const ldw_conf_path[] = { "/etc/ld.so.conf", NULL };
static const char *const ldw_any_conf[] = { "*.conf", NULL };
static const char *const ldw_creation[] = { "creation", NULL };
static const char *const ldw_sed[] = { "sed", NULL };

static const struct ldw_clause ldw_preload_clause = {
	LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, ldw_preload_path
};

static const struct ldw_clause ldw_conf_clause = {
	LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, ldw_conf_path
};

static const struct ldw_clause ldw_any_conf_clause = {
	LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD, ldw_any_conf
};

static const struct ldw_clause ldw_creation_clause = {
	LDW_FIELD_EVENT_ACTION, LDW_OP_EQUAL, ldw_creation
};

static const struct ldw_clause ldw_sed_clause = {
	LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, ldw_sed
};

static const struct ldw_conjunction ldw_not_sed[] = { { 1, &ldw_sed_clause } };

#define LDW_TEST_TABLE(var, rid, ver, clause)		\
	static const struct ldw_rule var = {		\
		.id = rid,				\
		.name = "kunit " #var,			\
		.version = ver,				\
		.severity = "high",			\
		.risk_score = 73,			\
		.nrequirements = 1,			\
		.requirements = clause,			\
		.nexclusions = 1,			\
		.exclusions = ldw_not_sed,		\
	}

LDW_TEST_TABLE(ldw_load_table, LDW_TEST_ID, 1, &ldw_preload_clause);
/* The same id, version 2, about another file: a replacement. */
LDW_TEST_TABLE(ldw_load_table_v2, LDW_TEST_ID, 2, &ldw_conf_clause);
LDW_TEST_TABLE(ldw_unanchored_table, LDW_TEST_ID, 1, &ldw_any_conf_clause);
LDW_TEST_TABLE(ldw_no_path_table, LDW_TEST_ID, 1, &ldw_creation_clause);

/* @table's program, in memory of the case's. */
static void *ldw_test_blob(struct kunit *test, const struct ldw_rule *table,
			   size_t *size)
{
	void *buf = kunit_kzalloc(test, LDW_PROG_MAX_SIZE, GFP_KERNEL);
	const char *err = NULL;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	*size = ldw_prog_from_rule(table, buf, LDW_PROG_MAX_SIZE, &err);
	KUNIT_ASSERT_NE_MSG(test, *size, (size_t)0, "%s", err ?: "");
	return buf;
}

/* ---- Requests as genetlink hands them to the command ---- */

/**
 * struct ldw_test_request - one LDW_CMD_RULE_LOAD request
 * @skb: holds its attributes
 * @tb: the attributes, parsed with the family's policy
 * @info: what the command is called with
 * @extack: its extended ack
 */
struct ldw_test_request {
	struct sk_buff *skb;
	struct nlattr *tb[LDW_A_MAX + 1];
	struct genl_info info;
	struct netlink_ext_ack extack;
};

static void ldw_test_free_skb(void *skb)
{
	kfree_skb(skb);
}

/*
 * What a loader sends: every attribute of the load column, @without one
 * (0: none), and with @extra (0: none) as one more u32 attribute. The
 * program is @blob of @size bytes.
 */
static struct ldw_test_request *ldw_test_request(struct kunit *test,
						 const void *blob, size_t size,
						 int without, int extra)
{
	struct ldw_test_request *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct nlattr *head;
	int err = 0;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->skb = alloc_skb(LDW_PROG_MAX_SIZE + 8192, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->skb);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_free_skb, r->skb));
	head = (struct nlattr *)skb_tail_pointer(r->skb);
#define LDW_PUT(attr, call) \
	do { if (!err && (attr) != without) err = (call); } while (0)
	LDW_PUT(LDW_A_RULE_ID, nla_put_string(r->skb, LDW_A_RULE_ID, LDW_TEST_ID));
	LDW_PUT(LDW_A_RULE_NAME, nla_put_string(r->skb, LDW_A_RULE_NAME, "A kunit rule"));
	LDW_PUT(LDW_A_RULE_VERSION, nla_put_u32(r->skb, LDW_A_RULE_VERSION, 1));
	LDW_PUT(LDW_A_RULE_SEVERITY, nla_put_string(r->skb, LDW_A_RULE_SEVERITY, "high"));
	LDW_PUT(LDW_A_RULE_RISK_SCORE, nla_put_u32(r->skb, LDW_A_RULE_RISK_SCORE, 73));
	LDW_PUT(LDW_A_RULE_THREAT,
		nla_put_string(r->skb, LDW_A_RULE_THREAT,
			       "tactic\tTA0003\tPersistence\n"
			       "technique\tT1574\tHijack Execution Flow\n"));
	LDW_PUT(LDW_A_RULE_SOURCE, nla_put_string(r->skb, LDW_A_RULE_SOURCE, "kunit.eql"));
	LDW_PUT(LDW_A_RULE_PROGRAM, nla_put(r->skb, LDW_A_RULE_PROGRAM, size, blob));
	if (!err && extra)
		err = nla_put_u32(r->skb, extra, 1);
#undef LDW_PUT
	KUNIT_ASSERT_EQ(test, err, 0);
	err = nla_parse_deprecated_strict(r->tb, LDW_A_MAX, head,
					  skb_tail_pointer(r->skb) - (unsigned char *)head,
					  ldw_genl_policy, &r->extack);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "the family's policy: %s", r->extack._msg ?: "");
	r->info.attrs = r->tb;
	r->info.extack = &r->extack;
	return r;
}

/* A request of the ruleref column: RULE_ID @id alone. */
static struct ldw_test_request *ldw_test_ruleref(struct kunit *test, const char *id)
{
	struct ldw_test_request *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct nlattr *head;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->skb = alloc_skb(1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->skb);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_free_skb, r->skb));
	head = (struct nlattr *)skb_tail_pointer(r->skb);
	KUNIT_ASSERT_EQ(test, nla_put_string(r->skb, LDW_A_RULE_ID, id), 0);
	KUNIT_ASSERT_EQ(test, nla_parse_deprecated_strict(r->tb, LDW_A_MAX, head,
							  skb_tail_pointer(r->skb) -
							  (unsigned char *)head,
							  ldw_genl_policy, &r->extack), 0);
	r->info.attrs = r->tb;
	r->info.extack = &r->extack;
	return r;
}

/* A request whose string attribute @attr is @value. */
static void ldw_test_set_string(struct kunit *test, struct ldw_test_request *r,
				int attr, const char *value)
{
	struct nlattr *nla;

	nla = (struct nlattr *)skb_put(r->skb, nla_total_size(strlen(value) + 1));
	nla->nla_type = attr;
	nla->nla_len = nla_attr_size(strlen(value) + 1);
	memcpy(nla_data(nla), value, strlen(value) + 1);
	r->tb[attr] = nla;
}

static void ldw_test_set_u32(struct ldw_test_request *r, int attr, u32 value)
{
	*(u32 *)nla_data(r->tb[attr]) = value;
}

/* What the set and the sequence are before a request. */
struct ldw_test_state {
	u64 generation;
	unsigned int n;
	u64 next_seq;
};

static void ldw_test_state(struct ldw_test_state *s)
{
	struct ldw_ruleset *set;

	rcu_read_lock();
	set = rcu_dereference(ldw_ruleset);
	s->generation = set->generation;
	s->n = set->n;
	rcu_read_unlock();
	s->next_seq = ldw_queue_next_seq();
}

/*
 * @r is refused with @err, an extended ack message, and the attribute
 * @attr named (as the bad one, or as the missing one); nothing changed.
 */
static void ldw_test_refused(struct kunit *test, struct ldw_test_request *r,
			     int err, int attr, bool missing, const char *what)
{
	struct ldw_test_state before, after;

	ldw_test_state(&before);
	KUNIT_EXPECT_EQ_MSG(test, ldw_cmd_rule_load(r->skb, &r->info), err, "%s", what);
	KUNIT_EXPECT_NOT_NULL_MSG(test, r->extack._msg, "%s: a message", what);
	if (missing)
		KUNIT_EXPECT_EQ_MSG(test, r->extack.miss_type, (u32)attr,
				    "%s: names the missing attribute", what);
	else if (attr)
		KUNIT_EXPECT_PTR_EQ_MSG(test, r->extack.bad_attr, r->tb[attr],
					"%s: points at the attribute (%s)", what,
					r->extack._msg ?: "");
	ldw_test_state(&after);
	KUNIT_EXPECT_EQ_MSG(test, after.generation, before.generation,
			    "%s: no new set", what);
	KUNIT_EXPECT_EQ_MSG(test, after.n, before.n, "%s: as many rules", what);
	KUNIT_EXPECT_EQ_MSG(test, after.next_seq, before.next_seq,
			    "%s: no change record", what);
}

/* ---- Refusals ---- */

static const int ldw_required[] = {
	LDW_A_RULE_ID, LDW_A_RULE_NAME, LDW_A_RULE_VERSION, LDW_A_RULE_SEVERITY,
	LDW_A_RULE_RISK_SCORE, LDW_A_RULE_PROGRAM,
};

/* Each required attribute missing once; one the command does not take. */
static void load_refuses_missing_and_foreign_attributes(struct kunit *test)
{
	size_t size;
	void *blob = ldw_test_blob(test, &ldw_load_table, &size);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ldw_required); i++)
		ldw_test_refused(test, ldw_test_request(test, blob, size, ldw_required[i], 0),
				 -EINVAL, ldw_required[i], true, "a required attribute missing");
	ldw_test_refused(test, ldw_test_request(test, blob, size, 0, LDW_A_PID),
			 -EINVAL, LDW_A_PID, false, "an attribute the load does not take");
	ldw_test_refused(test, ldw_test_request(test, blob, size, 0, LDW_A_RULE_COUNT),
			 -EINVAL, LDW_A_RULE_COUNT, false, "a change record's attribute");
}

/* Each field of the identity broken once. */
static void load_refuses_a_bad_identity(struct kunit *test)
{
	static const struct {
		int attr;
		const char *value;
		const char *what;
	} strings[] = {
		{ LDW_A_RULE_ID, "", "an empty id" },
		{ LDW_A_RULE_ID, "kunit\x01", "a control byte in the id" },
		{ LDW_A_RULE_ID, "kunit\tx", "a tab in the id" },
		{ LDW_A_RULE_NAME, "", "an empty name" },
		{ LDW_A_RULE_NAME, "a\nb", "a newline in the name" },
		{ LDW_A_RULE_SEVERITY, "severe", "an unknown severity" },
		{ LDW_A_RULE_SEVERITY, "", "an empty severity" },
		{ LDW_A_RULE_THREAT, "tactic\x1b[31m", "an escape in the threat mapping" },
		{ LDW_A_RULE_SOURCE, "kunit\x7f", "DEL in the source" },
	};
	struct ldw_test_request *r;
	size_t size;
	void *blob = ldw_test_blob(test, &ldw_load_table, &size);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(strings); i++) {
		r = ldw_test_request(test, blob, size, strings[i].attr, 0);
		ldw_test_set_string(test, r, strings[i].attr, strings[i].value);
		ldw_test_refused(test, r, -EINVAL, strings[i].attr, false, strings[i].what);
	}
	r = ldw_test_request(test, blob, size, 0, 0);
	ldw_test_set_u32(r, LDW_A_RULE_VERSION, 0);
	ldw_test_refused(test, r, -EINVAL, LDW_A_RULE_VERSION, false, "version 0");
	r = ldw_test_request(test, blob, size, 0, 0);
	ldw_test_set_u32(r, LDW_A_RULE_RISK_SCORE, 101);
	ldw_test_refused(test, r, -EINVAL, LDW_A_RULE_RISK_SCORE, false, "risk score 101");
}

/* The header and first records of the program of ldw_load_table. */
struct ldw_test_prog_head {
	struct ldw_prog_header h;
	struct ldw_prog_unit unit[2];
	struct ldw_prog_insn insn[3];
};

#define LDW_BLOB_BREAK(fn, stmt) \
	static void fn(struct ldw_test_prog_head *p, size_t *size) { stmt; }
LDW_BLOB_BREAK(brk_magic, p->h.magic ^= 0x100)
LDW_BLOB_BREAK(brk_version, p->h.version++)
LDW_BLOB_BREAK(brk_nunits, p->h.nunits = 0)
LDW_BLOB_BREAK(brk_ninsns, p->h.ninsns = LDW_PROG_MAX_INSNS + 1)
LDW_BLOB_BREAK(brk_nvalues, p->h.nvalues += 1)
LDW_BLOB_BREAK(brk_strings, p->h.strings_size += 1)
LDW_BLOB_BREAK(brk_size, p->h.size += 4)
LDW_BLOB_BREAK(brk_truncated, *size -= 1)
LDW_BLOB_BREAK(brk_unit_kind, p->unit[0].kind = LDW_UNIT_KINDS)
LDW_BLOB_BREAK(brk_unit_reserved, p->unit[1].reserved = 1)
LDW_BLOB_BREAK(brk_unit_first, p->unit[1].first_insn += 1)
LDW_BLOB_BREAK(brk_unit_ninsns, p->unit[1].ninsns = 0)
LDW_BLOB_BREAK(brk_insn_code, p->insn[0].code = LDW_INSN_CODES)
LDW_BLOB_BREAK(brk_insn_field, p->insn[0].field = LDW_FIELD_COUNT)
LDW_BLOB_BREAK(brk_insn_op, p->insn[0].op = LDW_OP_COUNT)
LDW_BLOB_BREAK(brk_insn_reserved, p->insn[0].reserved = 1)
LDW_BLOB_BREAK(brk_insn_values, p->insn[0].nvalues = 1000)
LDW_BLOB_BREAK(brk_insn_first_value, p->insn[0].first_value = 1000)
LDW_BLOB_BREAK(brk_insn_null_values, p->insn[0].op = LDW_OP_IS_NULL)
LDW_BLOB_BREAK(brk_insn_stack, p->insn[0].code = LDW_INSN_AND; p->insn[0].field = 0;
	       p->insn[0].op = 0; p->insn[0].first_value = 0; p->insn[0].nvalues = 0)

static const struct {
	const char *what;
	void (*apply)(struct ldw_test_prog_head *p, size_t *size);
} ldw_blob_breaks[] = {
	{ "magic", brk_magic }, { "version", brk_version }, { "unit count", brk_nunits },
	{ "instruction count", brk_ninsns }, { "value count", brk_nvalues },
	{ "string area size", brk_strings }, { "header size", brk_size },
	{ "a blob one byte short", brk_truncated }, { "unit kind", brk_unit_kind },
	{ "unit reserved byte", brk_unit_reserved }, { "unit first instruction", brk_unit_first },
	{ "unit of no instruction", brk_unit_ninsns }, { "instruction code", brk_insn_code },
	{ "field", brk_insn_field }, { "operator", brk_insn_op },
	{ "instruction reserved byte", brk_insn_reserved },
	{ "values past the table", brk_insn_values },
	{ "first value past the table", brk_insn_first_value },
	{ "== null with values", brk_insn_null_values },
	{ "AND without operands", brk_insn_stack },
};

/*
 * Each field of the program broken once: the verifier's refusal comes back
 * as the ack's message, pointing at RULE_PROGRAM; and programs that verify
 * but would have to look at every file, or name no path at all.
 */
static void load_refuses_a_bad_program(struct kunit *test)
{
	struct ldw_test_request *r;
	struct ldw_test_prog_head *p;
	size_t good_size, size;
	void *good = ldw_test_blob(test, &ldw_load_table, &good_size);
	void *blob;
	unsigned int i;

	/* The table's shape, which the breaks assume. */
	p = good;
	KUNIT_ASSERT_EQ(test, p->h.nunits, 2);
	KUNIT_ASSERT_GE(test, p->h.ninsns, 2u);
	for (i = 0; i < ARRAY_SIZE(ldw_blob_breaks); i++) {
		blob = kunit_kmalloc(test, good_size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, blob);
		memcpy(blob, good, good_size);
		size = good_size;
		ldw_blob_breaks[i].apply(blob, &size);
		r = ldw_test_request(test, blob, size, 0, 0);
		ldw_test_refused(test, r, -EINVAL, LDW_A_RULE_PROGRAM, false,
				 ldw_blob_breaks[i].what);
	}

	blob = ldw_test_blob(test, &ldw_unanchored_table, &size);
	ldw_test_refused(test, ldw_test_request(test, blob, size, 0, 0), -EINVAL,
			 LDW_A_RULE_PROGRAM, false, "file.path like \"*.conf\": every file");
	blob = ldw_test_blob(test, &ldw_no_path_table, &size);
	ldw_test_refused(test, ldw_test_request(test, blob, size, 0, 0), -EINVAL,
			 LDW_A_RULE_PROGRAM, false, "no file.path requirement");
}

/* ---- Changes and their records ---- */

/* The change record at the tail of the queue, numbered @seq. */
static struct ldw_alert *ldw_test_record(struct kunit *test, u64 seq)
{
	struct ldw_alert *alert, *found = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_queue_lock, flags);
	list_for_each_entry(alert, &ldw_queue, node)
		if (alert->seq == seq)
			found = alert;
	raw_spin_unlock_irqrestore(&ldw_queue_lock, flags);
	KUNIT_ASSERT_NOT_NULL_MSG(test, found, "record %llu is queued", seq);
	KUNIT_EXPECT_EQ(test, found->record, LDW_RECORD_RULES_CHANGED);
	KUNIT_EXPECT_EQ(test, found->pid, (u32)task_tgid_nr(current));
	KUNIT_EXPECT_STREQ(test, found->comm, current->comm);
	KUNIT_EXPECT_NE(test, found->time_ns, 0ULL);
	return found;
}

static struct ldw_lrule *ldw_test_in_force(const char *id)
{
	return ldw_ruleset_get(id, 0, NULL);
}

/*
 * A load of a new id joins the set; of the same id, replaces it in its
 * place; a removal takes it out; each is a record naming the rule, the
 * one before and who made the change. A built-in rule stays, and comes
 * back when the rule that replaced it is removed.
 */
static void load_replace_remove_and_records(struct kunit *test)
{
	struct ldw_test_state start, now;
	struct ldw_test_request *r;
	struct ldw_lrule *rule;
	struct ldw_alert *rec;
	size_t size;
	void *blob = ldw_test_blob(test, &ldw_load_table, &size);
	void *blob2;

	ldw_test_state(&start);
	r = ldw_test_request(test, blob, size, 0, 0);
	KUNIT_ASSERT_EQ_MSG(test, ldw_cmd_rule_load(r->skb, &r->info), 0, "%s",
			    r->extack._msg ?: "");
	ldw_test_state(&now);
	KUNIT_EXPECT_EQ(test, now.generation, start.generation + 1);
	KUNIT_EXPECT_EQ(test, now.n, start.n + 1);
	rec = ldw_test_record(test, start.next_seq);
	KUNIT_EXPECT_EQ(test, rec->change.kind, (u8)LDW_RULE_CHANGE_LOADED);
	KUNIT_EXPECT_STREQ(test, rec->rule->id, LDW_TEST_ID);
	KUNIT_EXPECT_NULL(test, rec->change.previous);
	KUNIT_EXPECT_EQ(test, rec->change.nrules, now.n);

	rule = ldw_test_in_force(LDW_TEST_ID);
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_EXPECT_EQ(test, rule->version, 1u);
	KUNIT_EXPECT_EQ(test, rule->origin, (u8)LDW_RULE_LOADED);
	KUNIT_EXPECT_STREQ(test, rule->source, "kunit.eql");
	KUNIT_EXPECT_STREQ(test, rule->severity, "high");
	KUNIT_EXPECT_EQ(test, rule->risk_score, 73u);
	KUNIT_EXPECT_EQ(test, strlen(rule->sha256), (size_t)LDW_SHA256_HEX);
	KUNIT_EXPECT_EQ(test, rule->size, (u32)size);
	KUNIT_EXPECT_EQ(test, memcmp(rule->blob, blob, size), 0);
	ldw_lrule_put(rule);

	/* Version 2 of the same id: in the place of version 1. */
	blob2 = ldw_test_blob(test, &ldw_load_table_v2, &size);
	r = ldw_test_request(test, blob2, size, 0, 0);
	ldw_test_set_u32(r, LDW_A_RULE_VERSION, 2);
	KUNIT_ASSERT_EQ(test, ldw_cmd_rule_load(r->skb, &r->info), 0);
	ldw_test_state(&now);
	KUNIT_EXPECT_EQ(test, now.n, start.n + 1);
	rec = ldw_test_record(test, start.next_seq + 1);
	KUNIT_EXPECT_EQ(test, rec->change.kind, (u8)LDW_RULE_CHANGE_REPLACED);
	KUNIT_EXPECT_EQ(test, rec->rule->version, 2u);
	KUNIT_ASSERT_NOT_NULL(test, rec->change.previous);
	KUNIT_EXPECT_EQ(test, rec->change.previous->version, 1u);
	KUNIT_EXPECT_STRNEQ(test, rec->rule->sha256, rec->change.previous->sha256);
	rule = ldw_test_in_force(LDW_TEST_ID);
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_EXPECT_EQ(test, rule->version, 2u);
	ldw_lrule_put(rule);

	/* The remove request takes RULE_ID alone. */
	r = ldw_test_request(test, blob2, size, 0, 0);
	KUNIT_EXPECT_EQ(test, ldw_cmd_rule_remove(r->skb, &r->info), -EINVAL);
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), start.next_seq + 2);

	/* Removed: gone from the set, recorded. */
	r = ldw_test_ruleref(test, LDW_TEST_ID);
	KUNIT_ASSERT_EQ(test, ldw_cmd_rule_remove(r->skb, &r->info), 0);
	ldw_test_state(&now);
	KUNIT_EXPECT_EQ(test, now.n, start.n);
	rec = ldw_test_record(test, start.next_seq + 2);
	KUNIT_EXPECT_EQ(test, rec->change.kind, (u8)LDW_RULE_CHANGE_REMOVED);
	KUNIT_EXPECT_EQ(test, rec->rule->version, 2u);
	KUNIT_EXPECT_NULL(test, ldw_test_in_force(LDW_TEST_ID));
	/* Again: there is none; nothing changes. */
	r = ldw_test_ruleref(test, LDW_TEST_ID);
	KUNIT_EXPECT_EQ(test, ldw_cmd_rule_remove(r->skb, &r->info), -ENOENT);
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), start.next_seq + 3);
}

/* A built-in rule is replaced, not removed, and comes back. */
static void builtin_rules_stay(struct kunit *test)
{
	struct ldw_actor actor;
	struct ldw_lrule_refusal why = {};
	struct ldw_lrule *builtin, *rule;
	struct ldw_test_state start, now;
	struct ldw_rule v9 = ldw_default_rule;

	ldw_test_state(&start);
	builtin = ldw_test_in_force(ldw_default_rule.id);
	KUNIT_ASSERT_NOT_NULL(test, builtin);
	KUNIT_EXPECT_EQ(test, builtin->origin, (u8)LDW_RULE_BUILTIN);
	ldw_actor_get(&actor);
	KUNIT_EXPECT_EQ(test, ldw_ruleset_remove(ldw_default_rule.id, &actor, &why), -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, why.what);

	v9.version = 9;
	rule = ldw_lrule_of_table(&v9, NULL, LDW_RULE_LOADED);
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_ASSERT_EQ(test, ldw_ruleset_load(rule, &actor, &why), 0);
	rule = ldw_ruleset_first();
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_EXPECT_STREQ(test, rule->id, ldw_default_rule.id);
	KUNIT_EXPECT_EQ(test, rule->version, 9u);
	ldw_lrule_put(rule);

	KUNIT_EXPECT_EQ(test, ldw_ruleset_remove(ldw_default_rule.id, &actor, &why), 0);
	ldw_actor_put(&actor);
	rule = ldw_ruleset_first();
	KUNIT_EXPECT_PTR_EQ(test, rule, builtin);
	ldw_lrule_put(rule);
	ldw_test_state(&now);
	KUNIT_EXPECT_EQ(test, now.n, start.n);
	/* Two records: the replacement, and the built-in rule put back. */
	KUNIT_EXPECT_EQ(test, now.next_seq, start.next_seq + 2);
	KUNIT_EXPECT_EQ(test, ldw_test_record(test, start.next_seq + 1)->change.kind,
			(u8)LDW_RULE_CHANGE_REPLACED);
	ldw_lrule_put(builtin);
}

/* Up to LDW_RULESET_MAX rules; the next is refused and changes nothing. */
static void the_set_holds_64_rules(struct kunit *test)
{
	struct ldw_lrule_refusal why = {};
	struct ldw_test_state before, after;
	struct ldw_actor actor;
	struct ldw_rule table = ldw_load_table;
	struct ldw_lrule *rule;
	unsigned int i, n;
	char *ids;

	ids = kunit_kzalloc(test, LDW_RULESET_MAX * 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	ldw_test_state(&before);
	ldw_actor_get(&actor);
	n = LDW_RULESET_MAX - before.n;
	for (i = 0; i <= n; i++) {
		snprintf(ids + 32 * i, 32, "kunit-many-%u", i);
		table.id = ids + 32 * i;
		rule = ldw_lrule_of_table(&table, NULL, LDW_RULE_LOADED);
		KUNIT_ASSERT_NOT_NULL(test, rule);
		if (i < n) {
			KUNIT_EXPECT_EQ(test, ldw_ruleset_load(rule, &actor, &why), 0);
			continue;
		}
		ldw_test_state(&before);
		KUNIT_EXPECT_EQ(test, ldw_ruleset_load(rule, &actor, &why), -ENOSPC);
		ldw_test_state(&after);
		KUNIT_EXPECT_EQ(test, after.n, (unsigned int)LDW_RULESET_MAX);
		KUNIT_EXPECT_EQ(test, after.generation, before.generation);
		KUNIT_EXPECT_EQ(test, after.next_seq, before.next_seq);
	}
	ldw_actor_put(&actor);
}

/* ---- Replacement while others judge ---- */

#define LDW_JUDGES 2
#define LDW_GENERATIONS 1024

/* What the loader put in force: the version of generation g, at g % LDW_GENERATIONS. */
static u32 ldw_version_of[LDW_GENERATIONS];
static atomic_t ldw_judged;
static atomic_t ldw_mixed;

/*
 * Judge an event on /etc/ld.so.preload by every rule of the set in force,
 * read once, as capture does: the rule of LDW_TEST_ID matches it in odd
 * versions (ldw_load_table) and not in even ones (ldw_load_table_v2);
 * its version must be the one the loader put in force with the set's
 * generation, and every rule of the set alive.
 */
static int ldw_test_judge(void *unused)
{
	struct ldw_event event;

	ldw_event_fill(&event, ldw_str_cstr("creation"), ldw_str_cstr("/etc/ld.so.preload"),
		       LDW_STR_ABSENT, ldw_str_cstr("/bin/sh"));
	while (!kthread_should_stop()) {
		const struct ldw_ruleset *set;
		bool mixed = false, seen = false;
		unsigned int i;
		u32 expected;

		rcu_read_lock();
		set = rcu_dereference(ldw_ruleset);
		expected = READ_ONCE(ldw_version_of[set->generation % LDW_GENERATIONS]);
		for (i = 0; i < set->n; i++) {
			struct ldw_lrule *rule = set->rule[i];
			bool match = ldw_prog_eval(&rule->prog, &event).outcome == LDW_MATCH;

			if (!refcount_read(&rule->ref))
				mixed = true;
			if (strcmp(rule->id, LDW_TEST_ID))
				continue;
			seen = true;
			if (rule->version != expected || match != (rule->version % 2))
				mixed = true;
		}
		rcu_read_unlock();
		if (mixed || !seen)
			atomic_inc(&ldw_mixed);
		atomic_inc(&ldw_judged);
		cond_resched();
	}
	return 0;
}

static void replacement_while_judging(struct kunit *test)
{
	struct task_struct *judge[LDW_JUDGES];
	struct ldw_lrule_refusal why = {};
	struct ldw_test_state state;
	struct ldw_actor actor;
	struct ldw_rule table;
	struct ldw_lrule *rule;
	unsigned int i, loads = 0;
	unsigned long until;

	atomic_set(&ldw_judged, 0);
	atomic_set(&ldw_mixed, 0);
	ldw_actor_get(&actor);
	/* Version 1 in force before anyone judges. */
	ldw_test_state(&state);
	WRITE_ONCE(ldw_version_of[(state.generation + 1) % LDW_GENERATIONS], 1);
	rule = ldw_lrule_of_table(&ldw_load_table, NULL, LDW_RULE_LOADED);
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_ASSERT_EQ(test, ldw_ruleset_load(rule, &actor, &why), 0);

	for (i = 0; i < LDW_JUDGES; i++) {
		judge[i] = kthread_run(ldw_test_judge, NULL, "ldw-kunit-judge%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(judge[i]));
	}
	until = jiffies + 2 * HZ;
	while (time_before(jiffies, until) && loads < LDW_GENERATIONS - 1) {
		u32 version = loads + 2;

		table = version % 2 ? ldw_load_table : ldw_load_table_v2;
		table.version = version;
		rule = ldw_lrule_of_table(&table, NULL, LDW_RULE_LOADED);
		if (!rule)
			break;
		/* What the next generation holds, before it is in force. */
		ldw_test_state(&state);
		WRITE_ONCE(ldw_version_of[(state.generation + 1) % LDW_GENERATIONS], version);
		if (ldw_ruleset_load(rule, &actor, &why))
			break;
		loads++;
	}
	for (i = 0; i < LDW_JUDGES; i++)
		kthread_stop(judge[i]);
	ldw_actor_put(&actor);

	kunit_info(test, "%u replacements, %d judgements\n", loads,
		   atomic_read(&ldw_judged));
	KUNIT_EXPECT_GE(test, loads, 10u);
	KUNIT_EXPECT_GT(test, atomic_read(&ldw_judged), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ldw_mixed), 0);
	/* Every change was a record; the queue's exit counts them. */
	ldw_test_state(&state);
	KUNIT_EXPECT_GE(test, state.next_seq, (u64)loads + 2);
}

static struct kunit_case ldw_ruleset_cases[] = {
	KUNIT_CASE(load_refuses_missing_and_foreign_attributes),
	KUNIT_CASE(load_refuses_a_bad_identity),
	KUNIT_CASE(load_refuses_a_bad_program),
	KUNIT_CASE(load_replace_remove_and_records),
	KUNIT_CASE(builtin_rules_stay),
	KUNIT_CASE(the_set_holds_64_rules),
	KUNIT_CASE_SLOW(replacement_while_judging),
	{}
};

static struct kunit_suite ldw_ruleset_suite = {
	.name = "ldwatch_ruleset",
	.init = ldw_test_state_init,
	.exit = ldw_test_state_exit,
	.test_cases = ldw_ruleset_cases,
};

kunit_test_suite(ldw_ruleset_suite);
