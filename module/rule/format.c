// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering rule clauses back to EQL text, for the module's report of the
 * rule in force and for `ldwatchctl match --explain`.
 *
 * Plain C with no kernel headers (see match.c), so it has no snprintf:
 * a small bounded writer that counts what it could not store, the way
 * snprintf reports the length it needed.
 */
#include <ldwatch/rule.h>

struct ldw_writer {
	char *buf;
	size_t size;
	size_t len;	/* bytes the full text needs so far */
};

static void ldw_put(struct ldw_writer *w, const char *s)
{
	for (; *s; s++, w->len++) {
		if (w->len + 1 < w->size)
			w->buf[w->len] = *s;
	}
}

static void ldw_finish(struct ldw_writer *w)
{
	if (!w->size)
		return;
	w->buf[w->len < w->size ? w->len : w->size - 1] = '\0';
}

static const char *const ldw_op_names[LDW_OP_COUNT] = {
	[LDW_OP_WILDCARD_NOCASE]	= ":",
	[LDW_OP_WILDCARD]		= "like",
	[LDW_OP_EQUAL]			= "in",
	[LDW_OP_EQUAL_NOCASE]		= "in~",
	[LDW_OP_IS_NULL]		= "==",
};

/*
 * One value, quoted as EQL writes strings. The rule's values need no
 * escaping today; quote and backslash are escaped anyway, so that any rule
 * data renders as text EQL would parse back to the same value.
 */
static void ldw_put_value(struct ldw_writer *w, const char *v)
{
	char one[2] = { 0, 0 };

	ldw_put(w, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			ldw_put(w, "\\");
		one[0] = *v;
		ldw_put(w, one);
	}
	ldw_put(w, "\"");
}

static void ldw_put_clause(struct ldw_writer *w, const struct ldw_clause *clause,
			   unsigned int only_value)
{
	const char *field = ldw_field_name(clause->field);
	unsigned int first = 0, last = 0;
	unsigned int i;

	ldw_put(w, field ? field : "?");
	ldw_put(w, " ");
	if ((unsigned int)clause->op >= LDW_OP_COUNT) {
		ldw_put(w, "?");
		return;
	}
	if (clause->op == LDW_OP_IS_NULL) {
		ldw_put(w, "== null");
		return;
	}
	while (clause->values && clause->values[last])
		last++;
	if (only_value < last) {
		first = only_value;
		last = only_value + 1;
	}
	/*
	 * A single value reads best the way the rule writes one: `==`, `:` or
	 * `like`. `in~` has no single-value form and keeps its parentheses.
	 */
	if (last - first == 1 && clause->op != LDW_OP_EQUAL_NOCASE) {
		ldw_put(w, clause->op == LDW_OP_EQUAL ? "==" : ldw_op_names[clause->op]);
		ldw_put(w, " ");
		ldw_put_value(w, clause->values[first]);
		return;
	}
	ldw_put(w, ldw_op_names[clause->op]);
	ldw_put(w, " (");
	for (i = first; i < last; i++) {
		if (i > first)
			ldw_put(w, ", ");
		ldw_put_value(w, clause->values[i]);
	}
	ldw_put(w, ")");
}

size_t ldw_clause_format(const struct ldw_clause *clause,
			 unsigned int only_value, char *buf, size_t size)
{
	struct ldw_writer w = { buf, size, 0 };

	ldw_put_clause(&w, clause, only_value);
	ldw_finish(&w);
	return w.len;
}

size_t ldw_conjunction_format(const struct ldw_conjunction *conj,
			      char *buf, size_t size)
{
	struct ldw_writer w = { buf, size, 0 };
	unsigned int i;

	for (i = 0; i < conj->nclauses; i++) {
		if (i)
			ldw_put(&w, " and ");
		ldw_put_clause(&w, &conj->clauses[i], LDW_ALL_VALUES);
	}
	ldw_finish(&w);
	return w.len;
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
