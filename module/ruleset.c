// SPDX-License-Identifier: GPL-2.0
/*
 * The rule set (ruleset.h).
 *
 * One set is in force at a time, published with rcu_assign_pointer() and
 * never changed after: an event is judged by the set capture read once,
 * old or new, whole. Loaders (the netlink commands) serialize on a mutex,
 * build the next set beside the one in force, publish it, and free the old
 * one after a grace period; the hooks and capture take no lock and never
 * wait for them. Rules shared by the old and the new set are reference
 * counted, not copied.
 *
 * The prefilter's table follows the set (prefilter.h): the new set's bits
 * are added before it is published, the old set's own bits cleared only
 * after a grace period, so no hook ever finds a rule in force whose names
 * its table lacks.
 *
 * Every change is a record in the alert sequence (LDW_CMD_RULES_CHANGED):
 * who changed what, numbered and queued like an alert, so that turning a
 * rule off is seen, or its loss is a hole in the sequence.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <crypto/sha2.h>
#include <kunit/visibility.h>

#include <ldwatch/anchors.h>
#include <ldwatch/netlink.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "actor.h"
#include "alert.h"
#include "prefilter.h"
#include "ruleset.h"

struct ldw_ruleset __rcu *ldw_ruleset;

/* Serializes every change of the set; readers never take it. */
static DEFINE_MUTEX(ldw_ruleset_lock);

/* Under ldw_ruleset_lock: the built-in rules, to give a place back to. */
static struct ldw_lrule *ldw_builtin_rules[LDW_BUILTIN_COUNT];
static unsigned int ldw_nbuiltin;

static const char *const ldw_severities[] = { "low", "medium", "high", "critical" };

static const char *const ldw_change_names[] = {
	[LDW_RULE_CHANGE_LOADED] = "loaded",
	[LDW_RULE_CHANGE_REPLACED] = "replaced",
	[LDW_RULE_CHANGE_REMOVED] = "removed",
};

const char *ldw_rule_change_name(unsigned int change)
{
	if (change >= ARRAY_SIZE(ldw_change_names) || !ldw_change_names[change])
		return "?";
	return ldw_change_names[change];
}

void ldw_lrule_put(struct ldw_lrule *rule)
{
	if (rule && refcount_dec_and_test(&rule->ref))
		kvfree_rcu(rule, rcu);
}

/* --- One rule ----------------------------------------------------------- */

static int ldw_refuse(struct ldw_lrule_refusal *why, int attr, const char *what)
{
	why->err = -EINVAL;
	why->what = what;
	why->attr = attr;
	why->has_offset = false;
	return -EINVAL;
}

/* A string of the identity: present, 1 to @max bytes, printable. */
static int ldw_check_string(const char *s, size_t max, bool required, int attr,
			    struct ldw_lrule_refusal *why)
{
	size_t len, i;

	if (!s)
		return required ? ldw_refuse(why, attr, "a required attribute is missing") : 0;
	len = strnlen(s, max + 1);
	if (!len && required)
		return ldw_refuse(why, attr, "an empty string");
	if (len > max)
		return ldw_refuse(why, attr, "a string longer than its bound");
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		/* The threat mapping's lines are tab-separated. */
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return ldw_refuse(why, attr, "a control character in a string");
	}
	return 0;
}

static int ldw_check_identity(const struct ldw_lrule_spec *spec,
			      struct ldw_lrule_refusal *why)
{
	unsigned int i;

	if (ldw_check_string(spec->id, LDW_RULE_STRING_MAX, true, LDW_A_RULE_ID, why) ||
	    ldw_check_string(spec->name, LDW_RULE_STRING_MAX, true, LDW_A_RULE_NAME, why) ||
	    ldw_check_string(spec->severity, LDW_RULE_STRING_MAX, true,
			     LDW_A_RULE_SEVERITY, why) ||
	    ldw_check_string(spec->threat, LDW_RULE_THREAT_MAX, false,
			     LDW_A_RULE_THREAT, why) ||
	    ldw_check_string(spec->source, LDW_RULE_SOURCE_MAX, false,
			     LDW_A_RULE_SOURCE, why))
		return -EINVAL;
	if (strpbrk(spec->id, "\t\n") || strpbrk(spec->name, "\t\n"))
		return ldw_refuse(why, strpbrk(spec->id, "\t\n") ? LDW_A_RULE_ID :
				  LDW_A_RULE_NAME, "a control character in a string");
	for (i = 0; i < ARRAY_SIZE(ldw_severities); i++)
		if (!strcmp(spec->severity, ldw_severities[i]))
			break;
	if (i == ARRAY_SIZE(ldw_severities))
		return ldw_refuse(why, LDW_A_RULE_SEVERITY,
				  "severity is not low, medium, high or critical");
	if (!spec->version)
		return ldw_refuse(why, LDW_A_RULE_VERSION, "version 0 (versions start at 1)");
	if (spec->risk_score > 100)
		return ldw_refuse(why, LDW_A_RULE_RISK_SCORE, "risk score above 100");
	return 0;
}

static bool ldw_process_field(unsigned int field)
{
	return field == LDW_FIELD_PROCESS_EXECUTABLE ||
	       field == LDW_FIELD_PROCESS_NAME ||
	       field == LDW_FIELD_HOST_EXECUTABLE;
}

/**
 * ldw_prog_excludes_kernel_threads() - whether a program excludes every
 *	event without a process
 * @prog: the program, verified
 *
 * True if some EXCLUDE unit that tests only process fields holds on an
 * event whose every field is absent, whatever its other fields: a kernel
 * thread's operation, which has no executable.
 *
 * Return: whether kernel threads' operations are excluded.
 */
VISIBLE_IF_KUNIT bool ldw_prog_excludes_kernel_threads(const struct ldw_prog *prog)
{
	const struct ldw_event no_process = {};	/* every field absent */
	struct ldw_prog_header one;
	struct ldw_prog view;
	u32 i, j;

	for (i = 0; i < prog->header->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		bool process_only = u->kind == LDW_UNIT_EXCLUDE;

		for (j = u->first_insn; j < u->first_insn + u->ninsns; j++) {
			const struct ldw_prog_insn *in = &prog->insn[j];

			if (in->code == LDW_INSN_TEST && !ldw_process_field(in->field))
				process_only = false;
		}
		if (!process_only)
			continue;
		/* The program of this unit alone: a view of one unit. */
		one = *prog->header;
		one.nunits = 1;
		view = *prog;
		view.header = &one;
		view.unit = u;
		if (ldw_prog_eval(&view, &no_process).outcome == LDW_EXCLUDED)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(ldw_prog_excludes_kernel_threads);

/* Copy @s after *@p; NULL stays NULL. */
static const char *ldw_copy_string(char **p, const char *s)
{
	char *copy = *p;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	memcpy(copy, s, len);
	*p += len;
	return copy;
}

static size_t ldw_string_bytes(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

struct ldw_lrule *ldw_lrule_new(const struct ldw_lrule_spec *spec,
				struct ldw_lrule_refusal *why)
{
	struct ldw_prog_error verr;
	enum ldw_anchors_reason reason;
	u8 digest[SHA256_DIGEST_SIZE];
	struct ldw_lrule *rule;
	size_t words, size;
	char *p;

	if (ldw_check_identity(spec, why))
		return NULL;
	if (!spec->blob || !spec->size) {
		ldw_refuse(why, LDW_A_RULE_PROGRAM, "a required attribute is missing");
		return NULL;
	}
	if (spec->size > LDW_PROG_MAX_SIZE) {
		ldw_refuse(why, LDW_A_RULE_PROGRAM, "the program is larger than 64 KiB");
		return NULL;
	}

	words = DIV_ROUND_UP(spec->size, sizeof(u32));
	size = struct_size(rule, blob, words) + ldw_string_bytes(spec->id) +
	       ldw_string_bytes(spec->name) + ldw_string_bytes(spec->severity) +
	       ldw_string_bytes(spec->threat) + ldw_string_bytes(spec->source);
	/*
	 * The loader is told (ENOMEM, and why): a failure needs no trace on
	 * the console, which a loader could otherwise fill at will.
	 */
	rule = kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!rule) {
		why->err = -ENOMEM;
		why->what = "no memory for the rule";
		why->attr = 0;
		why->has_offset = false;
		return NULL;
	}
	/* The verifier reads the copy it is to trust, not the message. */
	memcpy(rule->blob, spec->blob, spec->size);
	rule->size = spec->size;
	if (ldw_prog_verify(rule->blob, rule->size, &rule->prog, &verr)) {
		why->err = -EINVAL;
		why->what = verr.what;
		why->attr = LDW_A_RULE_PROGRAM;
		why->offset = verr.offset;
		why->has_offset = true;
		goto refuse;
	}

	reason = ldw_anchors_derive(&rule->prog, &rule->anchors);
	if (reason == LDW_ANCHORS_OK) {
		rule->view = LDW_RULE_VIEW_PATH;
	} else if (reason == LDW_ANCHORS_NO_PATH_CLAUSE &&
		   ldw_anchors_on_targets(&rule->prog)) {
		rule->view = LDW_RULE_VIEW_HOST;
	} else {
		/* "this rule would have to look at every file" */
		why->err = -EINVAL;
		why->what = ldw_anchors_reason_text(reason);
		why->attr = LDW_A_RULE_PROGRAM;
		why->has_offset = false;
		goto refuse;
	}
	if (rule->view == LDW_RULE_VIEW_PATH && !rule->anchors.count) {
		ldw_refuse(why, LDW_A_RULE_PROGRAM,
			   "the file.path requirement has no values: the rule matches nothing");
		goto refuse;
	}

	p = (char *)(rule->blob + words);
	rule->id = ldw_copy_string(&p, spec->id);
	rule->name = ldw_copy_string(&p, spec->name);
	rule->severity = ldw_copy_string(&p, spec->severity);
	rule->threat = ldw_copy_string(&p, spec->threat);
	rule->source = ldw_copy_string(&p, spec->source);
	rule->version = spec->version;
	rule->risk_score = spec->risk_score;
	rule->origin = spec->origin;
	rule->kthreads_excluded = ldw_prog_excludes_kernel_threads(&rule->prog);
	refcount_set(&rule->ref, 1);
	sha256((const u8 *)rule->blob, rule->size, digest);
	snprintf(rule->sha256, sizeof(rule->sha256), "%*phN",
		 (int)sizeof(digest), digest);
	return rule;

refuse:
	kvfree(rule);
	return NULL;
}

struct ldw_lrule *ldw_lrule_of_table(const struct ldw_rule *table,
				     const char *threat, u8 origin)
{
	struct ldw_lrule_refusal why = {};
	struct ldw_lrule_spec spec = {
		.id = table->id,
		.name = table->name,
		.severity = table->severity ?: "medium",
		.threat = threat,
		.source = origin == LDW_RULE_BUILTIN ? "built-in" : NULL,
		.version = table->version,
		.risk_score = table->risk_score,
		.origin = origin,
	};
	struct ldw_lrule *rule;
	const char *err;
	void *buf;

	buf = kvmalloc(LDW_PROG_MAX_SIZE, GFP_KERNEL);
	if (!buf)
		return NULL;
	spec.size = ldw_prog_from_rule(table, buf, LDW_PROG_MAX_SIZE, &err);
	spec.blob = buf;
	if (!spec.size) {
		pr_err("rules: rule %s cannot be compiled: %s\n", table->id, err);
		kvfree(buf);
		return NULL;
	}
	rule = ldw_lrule_new(&spec, &why);
	if (!rule)
		pr_err("rules: rule %s refused: %s\n", table->id, why.what);
	kvfree(buf);
	return rule;
}
EXPORT_SYMBOL_IF_KUNIT(ldw_lrule_of_table);

/* --- Sets --------------------------------------------------------------- */

/* A set of the rules @rule[0, @n), each with a reference of its own. */
static struct ldw_ruleset *ldw_ruleset_make(struct ldw_lrule *const *rule,
					    unsigned int n, u64 generation)
{
	struct ldw_ruleset *set = kzalloc(sizeof(*set), GFP_KERNEL);
	unsigned int i, view;
	bool any_path = false;

	if (!set)
		return NULL;
	set->generation = generation;
	set->kthreads_excluded = true;
	/* Elastic's view first: one operation, the companion's last. */
	for (view = LDW_RULE_VIEW_PATH; view <= LDW_RULE_VIEW_HOST; view++) {
		for (i = 0; i < n; i++) {
			if (rule[i]->view != view)
				continue;
			ldw_lrule_get(rule[i]);
			set->rule[set->n++] = rule[i];
			if (view != LDW_RULE_VIEW_PATH)
				continue;
			any_path = true;
			set->ancestors |= rule[i]->anchors.ancestors;
			set->kthreads_excluded &= rule[i]->kthreads_excluded;
		}
	}
	if (!any_path)
		set->kthreads_excluded = false;
	return set;
}

static void ldw_ruleset_free(struct ldw_ruleset *set)
{
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		ldw_lrule_put(set->rule[i]);
	kfree(set);
}

/* The set in force, to a writer. */
static struct ldw_ruleset *ldw_ruleset_locked(void)
{
	return rcu_dereference_protected(ldw_ruleset,
					 lockdep_is_held(&ldw_ruleset_lock));
}

/* The prefilter's tables of @set's anchors (prefilter.h). */
static void ldw_ruleset_anchor_bits(const struct ldw_ruleset *set,
				    struct ldw_prefilter_table *table)
{
	unsigned int i, len;

	memset(table, 0, sizeof(*table));
	for (i = 0; i < set->n; i++) {
		const struct ldw_anchors *a = &set->rule[i]->anchors;

		if (set->rule[i]->view != LDW_RULE_VIEW_PATH)
			continue;
		/* places[] holds LDW_PREFILTER_PREFIX, as prefilter.c checks. */
		for (len = 0; len < LDW_PREFILTER_LENGTHS; len++)
			table->fits[len] |= a->places[len];
		ldw_anchors_firsts(a, table->firsts);
	}
	/* Without ancestor anchors, the walk ends at the first ancestor. */
	if (!set->ancestors)
		for (len = 0; len < LDW_PREFILTER_LENGTHS; len++)
			table->fits[len] |= BIT(LDW_ANCHOR_ANCESTOR);
}

/*
 * Put @set in force, in place of the one before, which is freed once no
 * reader can hold it. Under ldw_ruleset_lock. Sleeps (a grace period).
 */
static void ldw_ruleset_publish(struct ldw_ruleset *set)
{
	struct ldw_prefilter_table *table = kvmalloc(sizeof(*table), GFP_KERNEL);
	struct ldw_ruleset *old = ldw_ruleset_locked();

	/* Without memory for the tables: every length fits, none is missed. */
	if (table)
		ldw_ruleset_anchor_bits(set, table);
	ldw_prefilter_rules_add(table, set->ancestors);
	rcu_assign_pointer(ldw_ruleset, set);
	/* Hooks (RCU-sched) and judgements (RCU) that read the old set end. */
	synchronize_rcu();
	if (table)
		ldw_prefilter_rules_set(table, set->ancestors);
	kvfree(table);
	ldw_ruleset_free(old);
}

/* --- Change records ----------------------------------------------------- */

/*
 * The record of a change (LDW_CMD_RULES_CHANGED), submitted in the alert
 * sequence. Without memory it is a drop, counted as NO_MEMORY: a hole
 * listeners see.
 */
static void ldw_ruleset_record(u8 change, struct ldw_lrule *rule,
			       struct ldw_lrule *previous, unsigned int nrules,
			       const struct ldw_actor *actor)
{
	size_t exe = actor->exe ? strlen(actor->exe) + 1 : 0;
	struct ldw_alert *record;

	record = kzalloc(struct_size(record, buf, exe), GFP_KERNEL);
	if (!record) {
		ldw_drop(LDW_DROP_NO_MEMORY);
		return;
	}
	INIT_LIST_HEAD(&record->node);
	record->record = LDW_RECORD_RULES_CHANGED;
	record->time_ns = ktime_get_real_ns();
	record->pid = actor->pid;
	record->uid = actor->uid;
	memcpy(record->comm, actor->comm, sizeof(record->comm));
	if (exe) {
		memcpy(record->buf, actor->exe, exe);
		record->executable = record->buf;
	}
	ldw_lrule_get(rule);
	record->rule = rule;
	if (previous)
		ldw_lrule_get(previous);
	record->change.kind = change;
	record->change.previous = previous;
	record->change.nrules = nrules;
	ldw_alert_submit(record);
}

static void ldw_ruleset_log(u8 change, const struct ldw_lrule *rule,
			    const struct ldw_lrule *previous,
			    const struct ldw_actor *actor)
{
	if (previous)
		pr_notice("rules: %s %s version %u (sha256 %.16s..., was version %u) from %s: pid %u uid %u exe %s comm %s\n",
			  ldw_rule_change_name(change), rule->id, rule->version,
			  rule->sha256, previous->version, rule->source,
			  actor->pid, actor->uid, ldw_actor_exe(actor), actor->comm);
	else
		pr_notice("rules: %s %s version %u (sha256 %.16s...) from %s: pid %u uid %u exe %s comm %s\n",
			  ldw_rule_change_name(change), rule->id, rule->version,
			  rule->sha256, rule->source, actor->pid, actor->uid,
			  ldw_actor_exe(actor), actor->comm);
}

/* The index of rule @id in @set, or -1. */
static int ldw_ruleset_index(const struct ldw_ruleset *set, const char *id)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->rule[i]->id, id))
			return i;
	return -1;
}

/* --- Changes ------------------------------------------------------------ */

int ldw_ruleset_load(struct ldw_lrule *rule, const struct ldw_actor *actor,
		     struct ldw_lrule_refusal *why)
{
	struct ldw_lrule *rules[LDW_RULESET_MAX], *previous = NULL;
	struct ldw_ruleset *old, *set;
	unsigned int n;
	int at, err = 0;

	mutex_lock(&ldw_ruleset_lock);
	old = ldw_ruleset_locked();
	memcpy(rules, old->rule, old->n * sizeof(rules[0]));
	n = old->n;
	at = ldw_ruleset_index(old, rule->id);
	if (at >= 0) {
		previous = rules[at];
		rules[at] = rule;
	} else if (n == LDW_RULESET_MAX) {
		why->what = "the rule set is full (64 rules)";
		why->attr = LDW_A_RULE_ID;
		why->has_offset = false;
		err = -ENOSPC;
		goto out;
	} else {
		rules[n++] = rule;
	}
	rule->loaded_ns = ktime_get_real_ns();
	set = ldw_ruleset_make(rules, n, old->generation + 1);
	if (!set) {
		why->what = "no memory for the rule set";
		why->attr = 0;
		why->has_offset = false;
		err = -ENOMEM;
		goto out;
	}
	/* Who changed it, before the rules it names can go. */
	ldw_ruleset_record(previous ? LDW_RULE_CHANGE_REPLACED : LDW_RULE_CHANGE_LOADED,
			   rule, previous, set->n, actor);
	ldw_ruleset_log(previous ? LDW_RULE_CHANGE_REPLACED : LDW_RULE_CHANGE_LOADED,
			rule, previous, actor);
	ldw_ruleset_publish(set);
	if (rule->view == LDW_RULE_VIEW_PATH)
		ldw_prefilter_log(rule->id, &rule->anchors);
out:
	mutex_unlock(&ldw_ruleset_lock);
	/* The set took its own reference; the caller's goes. */
	ldw_lrule_put(rule);
	return err;
}

/* The built-in rule of id @id, or NULL. Under ldw_ruleset_lock. */
static struct ldw_lrule *ldw_builtin_of(const char *id)
{
	unsigned int i;

	for (i = 0; i < ldw_nbuiltin; i++)
		if (!strcmp(ldw_builtin_rules[i]->id, id))
			return ldw_builtin_rules[i];
	return NULL;
}

int ldw_ruleset_remove(const char *id, const struct ldw_actor *actor,
		       struct ldw_lrule_refusal *why)
{
	struct ldw_lrule *rules[LDW_RULESET_MAX], *gone, *builtin;
	struct ldw_ruleset *old, *set;
	unsigned int n;
	int at, err = 0;
	u8 change;

	why->attr = LDW_A_RULE_ID;
	why->has_offset = false;
	mutex_lock(&ldw_ruleset_lock);
	old = ldw_ruleset_locked();
	at = ldw_ruleset_index(old, id);
	if (at < 0) {
		why->what = "no rule of this id is loaded";
		err = -ENOENT;
		goto out;
	}
	gone = old->rule[at];
	builtin = ldw_builtin_of(id);
	if (gone == builtin) {
		why->what = "a built-in rule can be replaced, not removed";
		err = -EPERM;
		goto out;
	}
	memcpy(rules, old->rule, old->n * sizeof(rules[0]));
	n = old->n;
	if (builtin) {
		/* It replaced a built-in rule, which takes its place back. */
		rules[at] = builtin;
		change = LDW_RULE_CHANGE_REPLACED;
	} else {
		memmove(&rules[at], &rules[at + 1], (n - at - 1) * sizeof(rules[0]));
		n--;
		change = LDW_RULE_CHANGE_REMOVED;
	}
	set = ldw_ruleset_make(rules, n, old->generation + 1);
	if (!set) {
		why->what = "no memory for the rule set";
		err = -ENOMEM;
		goto out;
	}
	if (builtin) {
		ldw_ruleset_record(change, builtin, gone, set->n, actor);
		ldw_ruleset_log(change, builtin, gone, actor);
	} else {
		ldw_ruleset_record(change, gone, NULL, set->n, actor);
		ldw_ruleset_log(change, gone, NULL, actor);
	}
	ldw_ruleset_publish(set);
out:
	mutex_unlock(&ldw_ruleset_lock);
	return err;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * ldw_ruleset_install() - put a set of exactly @rules in force
 * @rules: the rules; the set takes references of its own
 * @n: how many
 *
 * For the KUnit suites, which judge by rules of their own. Makes no
 * change record. Sleeps.
 *
 * Return: 0, or -ENOMEM.
 */
VISIBLE_IF_KUNIT int ldw_ruleset_install(struct ldw_lrule *const *rules,
					 unsigned int n)
{
	struct ldw_ruleset *old, *set;
	int err = 0;

	mutex_lock(&ldw_ruleset_lock);
	old = ldw_ruleset_locked();
	set = ldw_ruleset_make(rules, n, old ? old->generation + 1 : 1);
	if (set)
		ldw_ruleset_publish(set);
	else
		err = -ENOMEM;
	mutex_unlock(&ldw_ruleset_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ldw_ruleset_install);
#endif

struct ldw_lrule *ldw_ruleset_get(const char *id, unsigned int index,
				  u64 *generation)
{
	struct ldw_lrule *rule = NULL;
	struct ldw_ruleset *set;
	int at;

	rcu_read_lock();
	set = rcu_dereference(ldw_ruleset);
	if (generation)
		*generation = set ? set->generation : 0;
	if (set) {
		at = id ? ldw_ruleset_index(set, id) : (index < set->n ? index : -1);
		if (at >= 0) {
			rule = set->rule[at];
			ldw_lrule_get(rule);
		}
	}
	rcu_read_unlock();
	return rule;
}

struct ldw_lrule *ldw_ruleset_first(void)
{
	return ldw_ruleset_get(NULL, 0, NULL);
}

int ldw_ruleset_init(void)
{
	const struct ldw_rule *const *tables = ldw_builtin_tables;
	struct ldw_ruleset *set;
	unsigned int i;

	mutex_lock(&ldw_ruleset_lock);
	for (i = 0; i < LDW_BUILTIN_COUNT; i++) {
		ldw_builtin_rules[i] = ldw_lrule_of_table(tables[i], tables[i]->threat,
							  LDW_RULE_BUILTIN);
		if (!ldw_builtin_rules[i])
			goto fail;
		ldw_builtin_rules[i]->loaded_ns = ktime_get_real_ns();
		ldw_nbuiltin = i + 1;
	}
	set = ldw_ruleset_make(ldw_builtin_rules, ldw_nbuiltin, 1);
	if (!set)
		goto fail;
	ldw_ruleset_publish(set);
	for (i = 0; i < ldw_nbuiltin; i++)
		if (ldw_builtin_rules[i]->view == LDW_RULE_VIEW_PATH)
			ldw_prefilter_log(ldw_builtin_rules[i]->id,
					  &ldw_builtin_rules[i]->anchors);
	mutex_unlock(&ldw_ruleset_lock);
	return 0;

fail:
	while (ldw_nbuiltin)
		ldw_lrule_put(ldw_builtin_rules[--ldw_nbuiltin]);
	mutex_unlock(&ldw_ruleset_lock);
	return -ENOMEM;
}

void ldw_ruleset_exit(void)
{
	struct ldw_ruleset *old;

	mutex_lock(&ldw_ruleset_lock);
	old = rcu_replace_pointer(ldw_ruleset, NULL,
				  lockdep_is_held(&ldw_ruleset_lock));
	synchronize_rcu();
	ldw_ruleset_free(old);
	while (ldw_nbuiltin)
		ldw_lrule_put(ldw_builtin_rules[--ldw_nbuiltin]);
	mutex_unlock(&ldw_ruleset_lock);
}
