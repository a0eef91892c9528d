/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule set: the rules the module judges by, as one immutable set
 * published by RCU (ruleset.c). The built-in rules are in it from the
 * module's load; an administrator loads, replaces and removes rules over
 * generic netlink (LDW_CMD_RULE_*), each a program (ldwatch/program.h)
 * verified here before use, with the identity the loader sent.
 *
 * Readers (capture's judgement, the prefilter, the status and rule
 * commands) take the set under rcu_read_lock() or, in the hooks,
 * rcu_read_lock_sched(): a set is freed only after a grace period of
 * both. Each rule is reference counted: the set holds one reference, and
 * so does every alert, rate limit budget and sample that names it, so a
 * record that outlives a replacement still names the rule that matched.
 */
#ifndef _LDWATCH_RULESET_H
#define _LDWATCH_RULESET_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <crypto/sha2.h>

#include <ldwatch/anchors.h>
#include <ldwatch/netlink.h>
#include <ldwatch/program.h>

struct ldw_actor;
struct ldw_rule;
struct netlink_ext_ack;
struct nlattr;

/* Rules in a set at most, the built-in ones included. */
#define LDW_RULESET_MAX		LDW_RULES_MAX

/**
 * struct ldw_lrule - one rule of the set
 * @rcu: frees it after a grace period once the last reference is gone
 * @ref: the sets, alerts, budgets and samples that hold it
 * @id: rule.id
 * @name: rule.name
 * @severity: "low", "medium", "high" or "critical"
 * @threat: its MITRE ATT&CK mapping (LDW_A_RULE_THREAT's text), or NULL
 * @source: the file the loader read it from, or "built-in"
 * @version: rule.version
 * @risk_score: 0 to 100
 * @origin: enum ldw_rule_origin
 * @view: enum ldw_rule_view_kind (netlink.h): which events it judges
 * @kthreads_excluded: it excludes every event without a process (a kernel
 *	thread's)
 * @loaded_ns: CLOCK_REALTIME when it entered a set
 * @sha256: the digest of its program's bytes, in hex
 * @matches: events it matched (alerts, the suppressed included)
 * @suppressed: of those, the ones its rate limit kept from being alerts
 * @excluded: events its requirements selected and an exclusion excluded
 * @prog: its program, verified, viewing @blob
 * @anchors: for LDW_RULE_VIEW_PATH, the names its file.path requirement needs
 * @size: the program's bytes
 * @blob: the program, then the strings
 */
struct ldw_lrule {
	struct rcu_head rcu;
	refcount_t ref;
	const char *id;
	const char *name;
	const char *severity;
	const char *threat;
	const char *source;
	u32 version;
	u32 risk_score;
	u8 origin;
	u8 view;
	bool kthreads_excluded;
	u64 loaded_ns;
	char sha256[2 * SHA256_DIGEST_SIZE + 1];
	atomic64_t matches;
	atomic64_t suppressed;
	atomic64_t excluded;
	struct ldw_prog prog;
	struct ldw_anchors anchors;
	u32 size;
	u32 blob[];
};

/**
 * struct ldw_ruleset - the rules in force, never changed once published
 * @rcu: frees it after a grace period
 * @generation: counts sets from the module's load (1: the built-in one)
 * @n: rules in @rule
 * @ancestors: some rule of Elastic's view has an ancestor anchor
 * @kthreads_excluded: every rule of Elastic's view excludes kernel threads
 * @rule: Elastic's view first, then the host's; each in load order, a
 *	replacement in the place of the rule it replaced
 */
struct ldw_ruleset {
	struct rcu_head rcu;
	u64 generation;
	unsigned int n;
	bool ancestors;
	bool kthreads_excluded;
	struct ldw_lrule *rule[LDW_RULESET_MAX];
};

/* The set in force; never NULL between ldw_ruleset_init() and _exit(). */
extern struct ldw_ruleset __rcu *ldw_ruleset;

/* The set under rcu_read_lock() (or rcu_read_lock_sched(), the hooks). */
static inline struct ldw_ruleset *ldw_ruleset_deref(void)
{
	return rcu_dereference_check(ldw_ruleset, rcu_read_lock_sched_held());
}

static inline void ldw_lrule_get(struct ldw_lrule *rule)
{
	refcount_inc(&rule->ref);
}

/* Any context: the memory goes after a grace period. */
void ldw_lrule_put(struct ldw_lrule *rule);

/**
 * struct ldw_lrule_spec - a rule as a loader describes it
 * @id: rule.id, 1 to LDW_RULE_STRING_MAX bytes
 * @name: rule.name, likewise
 * @severity: "low", "medium", "high" or "critical"
 * @threat: the threat mapping's text (netlink.h), or NULL
 * @source: where it was read from, or NULL
 * @version: 1 or more
 * @risk_score: 0 to 100
 * @origin: enum ldw_rule_origin
 * @blob: the program
 * @size: its bytes
 */
struct ldw_lrule_spec {
	const char *id;
	const char *name;
	const char *severity;
	const char *threat;
	const char *source;
	u32 version;
	u32 risk_score;
	u8 origin;
	const void *blob;
	size_t size;
};

/**
 * struct ldw_lrule_refusal - why a rule was refused
 * @err: the negative errno
 * @what: a constant sentence
 * @attr: the request attribute at fault (enum ldw_attr), or 0
 * @offset: with LDW_A_RULE_PROGRAM, the byte of the program at fault
 * @has_offset: @offset is meaningful
 */
struct ldw_lrule_refusal {
	int err;
	const char *what;
	int attr;
	size_t offset;
	bool has_offset;
};

/*
 * A rule made from @spec: identity checked, program verified, its view
 * and anchors derived (a rule of neither view is refused), its digest
 * computed. Returns it with one reference, or NULL with *@why filled.
 * Process context; allocates.
 */
struct ldw_lrule *ldw_lrule_new(const struct ldw_lrule_spec *spec,
				struct ldw_lrule_refusal *why);

/*
 * The set with only the built-in rules (ldw_builtin_init() first), in
 * force from here on. Return: 0 or -ENOMEM / -EINVAL.
 */
int ldw_ruleset_init(void);

/* Release the set in force; capture and delivery are stopped. */
void ldw_ruleset_exit(void);

/*
 * Load @rule (a reference the set takes over): a new id joins the set, a
 * known id replaces that rule in its place. @actor is who asked, for the
 * change record. Return: 0; -ENOSPC (the set is full), -ENOMEM; *@why
 * then says why.
 */
int ldw_ruleset_load(struct ldw_lrule *rule, const struct ldw_actor *actor,
		     struct ldw_lrule_refusal *why);

/*
 * Remove the rule @id: a loaded rule goes; one that replaced a built-in
 * rule gives its place back to it; a built-in rule itself stays
 * (-EPERM). Return: 0, -ENOENT, -EPERM, -ENOMEM.
 */
int ldw_ruleset_remove(const char *id, const struct ldw_actor *actor,
		       struct ldw_lrule_refusal *why);

/*
 * The rule @id of the set in force, or the @index-th when @id is NULL,
 * with a reference; NULL if there is none. *@generation: the set's.
 */
struct ldw_lrule *ldw_ruleset_get(const char *id, unsigned int index,
				  u64 *generation);

/* The rule status reports: the set's first, with a reference. */
struct ldw_lrule *ldw_ruleset_first(void);

/*
 * A rule table of rule.h lowered to a program and made a rule of @origin
 * (the built-in rules; the KUnit suites' own), with one reference; NULL
 * if it cannot be (the kernel log says why).
 */
struct ldw_lrule *ldw_lrule_of_table(const struct ldw_rule *table,
				     const char *threat, u8 origin);

/* The words of an enum ldw_rule_change ("loaded", ...). */
const char *ldw_rule_change_name(unsigned int change);

#if IS_ENABLED(CONFIG_KUNIT)
int ldw_ruleset_install(struct ldw_lrule *const *rules, unsigned int n);
bool ldw_prog_excludes_kernel_threads(const struct ldw_prog *prog);
#endif

#endif /* _LDWATCH_RULESET_H */
