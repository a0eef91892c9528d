/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule matcher's vocabulary: events and their fields, the operators
 * with the exact semantics of Elasticsearch's EQL engine described in
 * shared/spec/SEMANTICS.md, verdicts, and the built-in rules' tables of the
 * shape
 *
 *   file where <all of the requirements> and not (<any of the exclusions>)
 *
 * which read line by line like their rule text. The tables are data only:
 * ldw_prog_from_rule() lowers them to programs (ldwatch/program.h), and
 * programs are what is evaluated and written back as text.
 *
 * This header and the engine's sources (module/rule/) are plain C with no
 * kernel headers: the same files are compiled into the kernel module, into
 * the userspace tools and into the tests. They never allocate, never recurse
 * and never write outside the buffers they are given.
 */
#ifndef _LDWATCH_RULE_H
#define _LDWATCH_RULE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

/*
 * A byte string of known length. It may hold any byte, NUL included, and
 * needs no terminator. A NULL @ptr is an absent field, which is not the same
 * as a present, empty one.
 */
struct ldw_str {
	const char *ptr;
	size_t len;
};

#define LDW_STR_ABSENT ((struct ldw_str){ NULL, 0 })

/* The number of elements of array @a; in plain C, as ARRAY_SIZE() is not. */
#define LDW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline bool ldw_str_present(struct ldw_str s)
{
	return s.ptr;
}

/* The event fields a rule can test, named as in ECS. */
enum ldw_field {
	LDW_FIELD_HOST_OS_TYPE,		/* host.os.type */
	LDW_FIELD_EVENT_ACTION,		/* event.action */
	LDW_FIELD_FILE_PATH,		/* file.path */
	LDW_FIELD_FILE_NAME,		/* file.name */
	LDW_FIELD_FILE_EXTENSION,	/* file.extension */
	LDW_FIELD_ORIGINAL_PATH,	/* file.Ext.original.path */
	LDW_FIELD_ORIGINAL_NAME,	/* file.Ext.original.name */
	LDW_FIELD_ORIGINAL_EXTENSION,	/* file.Ext.original.extension */
	LDW_FIELD_PROCESS_EXECUTABLE,	/* process.executable */
	LDW_FIELD_PROCESS_NAME,		/* process.name */
	LDW_FIELD_TARGET_PATH,		/* ldwatch.target.path */
	LDW_FIELD_HOST_EXECUTABLE,	/* ldwatch.process.executable */
	LDW_FIELD_COUNT
};

/* The ECS name of @field ("file.Ext.original.path"), or NULL if out of range. */
const char *ldw_field_name(enum ldw_field field);

/* One event: every field present or absent. */
struct ldw_event {
	struct ldw_str field[LDW_FIELD_COUNT];
};

/*
 * How a clause compares a field with its values. Each EQL operator maps to
 * one of these (SEMANTICS.md, "Operators"):
 *
 *   field : "v" and field : ("a", "b")    LDW_OP_WILDCARD_NOCASE
 *   field like "v", like ("a", "b")       LDW_OP_WILDCARD
 *   field in ("a", "b"), field == "a"     LDW_OP_EQUAL
 *   field in~ ("a", "b")                  LDW_OP_EQUAL_NOCASE
 *   field == null                         LDW_OP_IS_NULL (no values)
 *
 * In the wildcard operators '*' matches any run of bytes ('/' included) and
 * '?' exactly one byte; there is no escape. The NOCASE operators fold ASCII
 * 'A'-'Z' only: bytes >= 0x80 compare exactly. A clause on an absent field
 * is false, except LDW_OP_IS_NULL, which is true exactly then.
 */
enum ldw_op {
	LDW_OP_WILDCARD_NOCASE,
	LDW_OP_WILDCARD,
	LDW_OP_EQUAL,
	LDW_OP_EQUAL_NOCASE,
	LDW_OP_IS_NULL,
	LDW_OP_COUNT
};

/*
 * @field @op (@values[0], @values[1], ...): true if any value matches.
 * @values is a NULL-terminated list of NUL-terminated strings, or NULL for
 * LDW_OP_IS_NULL, which takes none.
 */
struct ldw_clause {
	enum ldw_field field;
	enum ldw_op op;
	const char *const *values;
};

/* A conjunction of clauses: true if every clause is true. */
struct ldw_conjunction {
	unsigned int nclauses;
	const struct ldw_clause *clauses;
};

/*
 * A rule: it matches an event when every requirement holds and no exclusion
 * does. @id, @name and @version identify it in alerts; @severity (ECS's
 * words: "low", "medium", "high", "critical") and @risk_score (0 to 100)
 * rate them; @threat is its MITRE ATT&CK mapping as a loader sends it
 * (LDW_A_RULE_THREAT: "tactic", "technique" or "subtechnique", a tab, the
 * id, a tab, the name, a line each). A built-in table is the one
 * declaration of its rule's identity: the module, the tools and the rule
 * files' tests all read it from here.
 */
struct ldw_rule {
	const char *id;
	const char *name;
	unsigned int version;
	const char *severity;
	unsigned int risk_score;
	const char *threat;
	unsigned int nrequirements;
	const struct ldw_clause *requirements;
	unsigned int nexclusions;
	const struct ldw_conjunction *exclusions;
};

/*
 * The MITRE ATT&CK mapping both built-in rules carry, as @threat writes
 * it: T1574.006 under Defense Evasion and under Persistence, as Elastic's
 * rule maps it in versions 3 to 7.
 */
#define LDW_THREAT_DYNAMIC_LINKER_HIJACKING				\
	"tactic\tTA0005\tDefense Evasion\n"				\
	"technique\tT1574\tHijack Execution Flow\n"			\
	"subtechnique\tT1574.006\tDynamic Linker Hijacking\n"		\
	"tactic\tTA0003\tPersistence\n"					\
	"technique\tT1574\tHijack Execution Flow\n"			\
	"subtechnique\tT1574.006\tDynamic Linker Hijacking\n"

/* The built-in rule: the query of shared/spec's rule text, copied whole. */
extern const struct ldw_rule ldw_default_rule;

/*
 * ldwatch's companion rule: what the host's dynamic linker will read,
 * judged by identity, where the built-in rule cannot see or lets through.
 */
extern const struct ldw_rule ldw_companion_rule;

/*
 * The built-in rules, in the order the module's rule set holds them from
 * its load: the default rule, then the companion.
 */
#define LDW_BUILTIN_COUNT 2
extern const struct ldw_rule *const ldw_builtin_tables[LDW_BUILTIN_COUNT];

/* The built-in rule whose id is @id, or NULL. */
const struct ldw_rule *ldw_builtin_find(struct ldw_str id);

enum ldw_outcome {
	LDW_MATCH,		/* every requirement held, no exclusion did */
	LDW_NO_MATCH,		/* requirement @index did not hold */
	LDW_EXCLUDED,		/* exclusion @index held */
};

/*
 * Why a rule's program decided as it did (ldw_prog_eval()). For
 * LDW_NO_MATCH, @index is the first REQUIRE unit that failed and @value is
 * unused. For LDW_EXCLUDED, @index is the first EXCLUDE unit that held and
 * @value, when that unit is a single TEST, the first of its values that
 * matched (LDW_OP_IS_NULL: 0). @index counts the program's units, of both
 * kinds.
 */
struct ldw_verdict {
	enum ldw_outcome outcome;
	unsigned int index;
	unsigned int value;
};

/*
 * The primitive comparisons, exposed for the probes' prefilter and the tests.
 * Patterns and values are byte strings of known length, NUL a byte like any
 * other; an absent @text matches nothing. ldw_wildcard_match() is
 * O(len(text) * len(pattern)) in the worst case and linear for patterns with
 * at most one '*'; it uses no recursion.
 */
bool ldw_wildcard_match(struct ldw_str pattern, struct ldw_str text, bool nocase);
bool ldw_equal(struct ldw_str value, struct ldw_str text, bool nocase);

/* @s as a byte string without its terminator; NULL gives an absent one. */
struct ldw_str ldw_str_cstr(const char *s);

/*
 * Field derivation, as Elastic Defend fills the fields on Linux:
 * ldw_basename() is the text after the last '/' (all of @path without one);
 * ldw_extension() is the text after the last '.' of @name, absent when @name
 * has no '.'. Both return views into their argument and keep absence.
 */
struct ldw_str ldw_basename(struct ldw_str path);
struct ldw_str ldw_extension(struct ldw_str name);

/*
 * Fill an event from its primary facts: @action, the file's @path, the
 * rename source @original (absent on creation) and the process @executable
 * (absent for kernel threads). Derived fields point into those strings.
 */
void ldw_event_fill(struct ldw_event *event, struct ldw_str action,
		    struct ldw_str path, struct ldw_str original,
		    struct ldw_str executable);

/* "Every value" where a formatter takes one value's index. */
#define LDW_ALL_VALUES (~0u)

/* The word for @outcome: "match", "no match" or "excluded". */
const char *ldw_outcome_name(enum ldw_outcome outcome);

#endif /* _LDWATCH_RULE_H */
