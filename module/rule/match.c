// SPDX-License-Identifier: GPL-2.0
/*
 * The rule matcher: EQL's comparison operators and the evaluation of a rule
 * against one event, as shared/spec/SEMANTICS.md defines them.
 *
 * Plain C with no kernel headers, compiled into the module, the userspace
 * tools and the tests alike. It runs in capture's task_work: no allocation,
 * no recursion, no locks, nothing that sleeps.
 */
#include <ldwatch/rule.h>

static const char *const ldw_field_names[LDW_FIELD_COUNT] = {
	[LDW_FIELD_HOST_OS_TYPE]	= "host.os.type",
	[LDW_FIELD_EVENT_ACTION]	= "event.action",
	[LDW_FIELD_FILE_PATH]		= "file.path",
	[LDW_FIELD_FILE_NAME]		= "file.name",
	[LDW_FIELD_FILE_EXTENSION]	= "file.extension",
	[LDW_FIELD_ORIGINAL_PATH]	= "file.Ext.original.path",
	[LDW_FIELD_ORIGINAL_NAME]	= "file.Ext.original.name",
	[LDW_FIELD_ORIGINAL_EXTENSION]	= "file.Ext.original.extension",
	[LDW_FIELD_PROCESS_EXECUTABLE]	= "process.executable",
	[LDW_FIELD_PROCESS_NAME]	= "process.name",
	[LDW_FIELD_TARGET_PATH]		= "ldwatch.target.path",
	[LDW_FIELD_HOST_EXECUTABLE]	= "ldwatch.process.executable",
};

const char *ldw_field_name(enum ldw_field field)
{
	if ((unsigned int)field >= LDW_FIELD_COUNT)
		return NULL;
	return ldw_field_names[field];
}

/*
 * EQL folds ASCII letters only. The kernel's tolower() must not be used
 * here: its ctype table also folds Latin-1 (0xc0-0xde), which EQL does not.
 */
static inline unsigned char ldw_fold(unsigned char c, bool nocase)
{
	if (nocase && c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

static inline bool ldw_byte_eq(unsigned char p, unsigned char t, bool nocase)
{
	return ldw_fold(p, nocase) == ldw_fold(t, nocase);
}

bool ldw_equal(struct ldw_str value, struct ldw_str text, bool nocase)
{
	size_t i;

	if (!text.ptr || value.len != text.len)
		return false;
	for (i = 0; i < text.len; i++) {
		if (!ldw_byte_eq(value.ptr[i], text.ptr[i], nocase))
			return false;
	}
	return true;
}

/*
 * Glob match with '*' (any run of bytes, '/' included) and '?' (one byte),
 * no escapes; every other byte, NUL included, matches itself. Iterative,
 * with one backtrack point: on a mismatch the most recent '*' absorbs one
 * more byte and matching resumes after it. Earlier stars never need
 * revisiting, because a later star can absorb whatever an earlier one would
 * have. Each byte of @text is retried at most once per pattern byte, so the
 * cost is O(len(text) * len(pattern)) at worst, and linear when the pattern
 * has a single, trailing '*', as this rule's have.
 */
bool ldw_wildcard_match(struct ldw_str pattern, struct ldw_str text, bool nocase)
{
	size_t p = 0;
	size_t t = 0;
	bool star = false;
	size_t star_p = 0;		/* pattern position after the last '*' */
	size_t star_t = 0;		/* text position that '*' resumes from */

	if (!text.ptr)
		return false;

	while (t < text.len) {
		if (p < pattern.len && pattern.ptr[p] == '*') {
			star = true;
			star_p = ++p;
			star_t = t;
		} else if (p < pattern.len &&
			   (pattern.ptr[p] == '?' ||
			    ldw_byte_eq(pattern.ptr[p], text.ptr[t], nocase))) {
			p++;
			t++;
		} else if (star) {
			p = star_p;
			t = ++star_t;
		} else {
			return false;
		}
	}
	while (p < pattern.len && pattern.ptr[p] == '*')
		p++;
	return p == pattern.len;
}

struct ldw_str ldw_str_cstr(const char *s)
{
	size_t len = 0;

	if (!s)
		return LDW_STR_ABSENT;
	while (s[len])
		len++;
	return (struct ldw_str){ s, len };
}

bool ldw_clause_eval(const struct ldw_clause *clause,
		     const struct ldw_event *event, unsigned int *value)
{
	struct ldw_str text;
	unsigned int i;

	if ((unsigned int)clause->field >= LDW_FIELD_COUNT)
		return false;
	text = event->field[clause->field];

	if (clause->op == LDW_OP_IS_NULL) {
		*value = 0;
		return !text.ptr;
	}
	/* A clause on an absent field is false. */
	if (!text.ptr)
		return false;

	for (i = 0; clause->values && clause->values[i]; i++) {
		struct ldw_str v = ldw_str_cstr(clause->values[i]);
		bool hit;

		switch (clause->op) {
		case LDW_OP_WILDCARD_NOCASE:
			hit = ldw_wildcard_match(v, text, true);
			break;
		case LDW_OP_WILDCARD:
			hit = ldw_wildcard_match(v, text, false);
			break;
		case LDW_OP_EQUAL:
			hit = ldw_equal(v, text, false);
			break;
		case LDW_OP_EQUAL_NOCASE:
			hit = ldw_equal(v, text, true);
			break;
		default:
			return false;
		}
		if (hit) {
			*value = i;
			return true;
		}
	}
	return false;
}

static bool ldw_conjunction_eval(const struct ldw_conjunction *conj,
				 const struct ldw_event *event,
				 unsigned int *value)
{
	unsigned int i;

	for (i = 0; i < conj->nclauses; i++) {
		if (!ldw_clause_eval(&conj->clauses[i], event, value))
			return false;
	}
	return true;
}

struct ldw_verdict ldw_rule_eval(const struct ldw_rule *rule,
				 const struct ldw_event *event)
{
	struct ldw_verdict verdict = { .outcome = LDW_MATCH };
	unsigned int value;
	unsigned int i;

	for (i = 0; i < rule->nrequirements; i++) {
		if (!ldw_clause_eval(&rule->requirements[i], event, &value)) {
			verdict.outcome = LDW_NO_MATCH;
			verdict.index = i;
			return verdict;
		}
	}
	for (i = 0; i < rule->nexclusions; i++) {
		if (ldw_conjunction_eval(&rule->exclusions[i], event, &value)) {
			verdict.outcome = LDW_EXCLUDED;
			verdict.index = i;
			verdict.value = value;
			return verdict;
		}
	}
	return verdict;
}

bool ldw_rule_matches(const struct ldw_rule *rule, const struct ldw_event *event)
{
	return ldw_rule_eval(rule, event).outcome == LDW_MATCH;
}

/* What follows the last @c in @s; if @c is not there, @none. */
static struct ldw_str ldw_after_last(struct ldw_str s, char c, struct ldw_str none)
{
	size_t i;

	if (!s.ptr)
		return s;
	for (i = s.len; i > 0; i--) {
		if (s.ptr[i - 1] == c)
			return (struct ldw_str){ s.ptr + i, s.len - i };
	}
	return none;
}

struct ldw_str ldw_basename(struct ldw_str path)
{
	return ldw_after_last(path, '/', path);
}

struct ldw_str ldw_extension(struct ldw_str name)
{
	return ldw_after_last(name, '.', LDW_STR_ABSENT);
}

void ldw_event_fill(struct ldw_event *event, struct ldw_str action,
		    struct ldw_str path, struct ldw_str original,
		    struct ldw_str executable)
{
	static const char linux_os[] = "linux";
	struct ldw_str name = ldw_basename(path);
	struct ldw_str original_name = ldw_basename(original);

	event->field[LDW_FIELD_HOST_OS_TYPE] =
		(struct ldw_str){ linux_os, sizeof(linux_os) - 1 };
	event->field[LDW_FIELD_EVENT_ACTION] = action;
	event->field[LDW_FIELD_FILE_PATH] = path;
	event->field[LDW_FIELD_FILE_NAME] = name;
	event->field[LDW_FIELD_FILE_EXTENSION] = ldw_extension(name);
	event->field[LDW_FIELD_ORIGINAL_PATH] = original;
	event->field[LDW_FIELD_ORIGINAL_NAME] = original_name;
	event->field[LDW_FIELD_ORIGINAL_EXTENSION] = ldw_extension(original_name);
	event->field[LDW_FIELD_PROCESS_EXECUTABLE] = executable;
	event->field[LDW_FIELD_PROCESS_NAME] = ldw_basename(executable);
	/* ldwatch's own facts: absent until whoever knows them sets them. */
	event->field[LDW_FIELD_TARGET_PATH] = LDW_STR_ABSENT;
	event->field[LDW_FIELD_HOST_EXECUTABLE] = LDW_STR_ABSENT;
}
