/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The matcher's case table: the one source of truth for what the default
 * rule and the wildcard primitives must decide, shared by the userspace
 * tests (tests/unit/test_rule.c) and the KUnit suite. Plain C, no kernel
 * headers.
 *
 * Every expected verdict was written by hand from the rule text and
 * shared/spec/SEMANTICS.md, never by running the matcher.
 */
#ifndef _LDWATCH_RULE_CASES_H
#define _LDWATCH_RULE_CASES_H

#include <ldwatch/rule.h>

/* The rule text's requirements and exclusions, numbered in written order. */
enum ldw_case_requirement {
	REQ_OS_TYPE,		/* host.os.type == "linux" */
	REQ_ACTION,		/* event.action in ("creation", "rename") */
	REQ_PATH,		/* file.path : (the three targets) */
	REQ_COUNT
};

enum ldw_case_exclusion {
	EXC_EXECUTABLE_IN,	/* process.executable in (...) */
	EXC_EXTENSION_IN,	/* file.extension in (...) */
	EXC_DPKG_NEW,		/* file.Ext.original.extension == "dpkg-new" */
	EXC_EXECUTABLE_TREE,	/* process.executable : (...) */
	EXC_NO_EXECUTABLE,	/* process.executable == null */
	EXC_NAME_IN,		/* process.name in (...) */
	EXC_SED,		/* process.name == "sed" and file.name : "sed*" */
	EXC_PERL,		/* process.name == "perl" and file.name : "e2scrub_all.tmp*" */
};

/* A field set after derivation, to build events that derivation cannot. */
struct ldw_case_override {
	enum ldw_field field;
	struct ldw_str value;
};

#define LDW_CASE_MAX_OVERRIDES 2
#define LDW_CASE_MAX_FILL 4095

struct ldw_rule_case {
	const char *name;
	/* The primary facts; the other fields derive from them. */
	struct ldw_str action;
	struct ldw_str path;
	struct ldw_str original;	/* rename source; absent on creation */
	struct ldw_str executable;
	unsigned int fill;		/* PATH_MAX cases: see LONG */
	unsigned int noverrides;
	struct ldw_case_override overrides[LDW_CASE_MAX_OVERRIDES];
	/* The verdict. */
	enum ldw_outcome outcome;
	unsigned int index;		/* enum ldw_case_requirement/_exclusion */
	const char *value;		/* for an exclusion, the value that held */
};

/*
 * The unit of the default rule's program that a case's verdict names: the
 * program has the requirements' units, then the exclusions', each in the
 * order written (program.h, ldw_prog_from_rule()).
 */
static inline unsigned int ldw_rule_case_unit(const struct ldw_rule_case *c)
{
	return c->outcome == LDW_EXCLUDED ? REQ_COUNT + c->index : c->index;
}

extern const struct ldw_rule_case ldw_rule_cases[];
extern const unsigned int ldw_rule_ncases;

/*
 * Build the event a case describes. The event may point into static buffers
 * that the next call reuses: one case at a time.
 */
void ldw_rule_case_event(const struct ldw_rule_case *c, struct ldw_event *event);

struct ldw_pattern_case {
	const char *pattern;
	struct ldw_str text;
	bool wildcard;		/* ldw_wildcard_match(), else ldw_equal() */
	bool nocase;
	bool expect;
};

extern const struct ldw_pattern_case ldw_pattern_cases[];
extern const unsigned int ldw_pattern_ncases;

#endif /* _LDWATCH_RULE_CASES_H */
