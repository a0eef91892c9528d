// SPDX-License-Identifier: GPL-2.0
/*
 * The rule matcher's primitives: EQL's comparison operators, as
 * shared/spec/SEMANTICS.md defines them, the fields' names and an event's
 * derived fields. Programs (program.c) evaluate with them.
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

const char *ldw_outcome_name(enum ldw_outcome outcome)
{
	switch (outcome) {
	case LDW_MATCH:
		return "match";
	case LDW_NO_MATCH:
		return "no match";
	case LDW_EXCLUDED:
		return "excluded";
	}
	return "?";
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
