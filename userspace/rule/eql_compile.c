// SPDX-License-Identifier: GPL-2.0
/*
 * The EQL compiler (eql_compile.h): a parsed rule (eql_parse.h) to units
 * of postfix code, through the builder of ldwatch/program.h. Everything is
 * checked first, emitted after: a refused rule adds nothing to the builder.
 */
#include <stdlib.h>
#include <string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>

#include "eql_compile.h"
#include "eql_parse.h"

_Static_assert(LDW_EQL_MAX_DEPTH + 2 <= LDW_EQL_MAX_NESTING,
	       "formatted text must nest no deeper than the parser takes");

/* One unit to emit: its kind and the node whose expression it is. */
struct unit {
	enum ldw_unit_kind kind;
	size_t node;
};

struct compiler {
	struct ldw_eql_ast ast;
	struct ldw_eql_error *err;
	struct unit *unit;
	size_t nunits, units_cap;
	/* what the units need, against program.h's limits */
	size_t ninsns, nvalues, nbytes;
	struct ldw_str *values;	/* every value of the tree, in order */
};

static const enum ldw_op ldw_eql_ops[LDW_EQL_CMPS] = {
	[LDW_EQL_C_EQ] = LDW_OP_EQUAL,
	[LDW_EQL_C_NEQ] = LDW_OP_EQUAL,
	[LDW_EQL_C_IS_NULL] = LDW_OP_IS_NULL,
	[LDW_EQL_C_NOT_NULL] = LDW_OP_IS_NULL,
	[LDW_EQL_C_SEQ] = LDW_OP_WILDCARD_NOCASE,
	[LDW_EQL_C_LIKE] = LDW_OP_WILDCARD,
	[LDW_EQL_C_LIKE_NOCASE] = LDW_OP_WILDCARD_NOCASE,
	[LDW_EQL_C_IN] = LDW_OP_EQUAL,
	[LDW_EQL_C_IN_NOCASE] = LDW_OP_EQUAL_NOCASE,
	[LDW_EQL_C_NOT_IN] = LDW_OP_EQUAL,
	[LDW_EQL_C_NOT_IN_NOCASE] = LDW_OP_EQUAL_NOCASE,
};

/* The comparisons written as the negation of a positive TEST. */
static bool negated(enum ldw_eql_cmp cmp)
{
	return cmp == LDW_EQL_C_NEQ || cmp == LDW_EQL_C_NOT_NULL ||
	       cmp == LDW_EQL_C_NOT_IN || cmp == LDW_EQL_C_NOT_IN_NOCASE;
}

static const struct ldw_eql_node *node(const struct compiler *c, size_t i)
{
	return &c->ast.node[i];
}

static int add_unit(struct compiler *c, enum ldw_unit_kind kind, size_t n)
{
	if (c->nunits == c->units_cap) {
		size_t cap = c->units_cap ? 2 * c->units_cap : 16;
		struct unit *u = realloc(c->unit, cap * sizeof(*u));

		if (!u) {
			ldw_eql_fail(c->err, node(c, n)->line, node(c, n)->column, "out of memory");
			return -1;
		}
		c->unit = u;
		c->units_cap = cap;
	}
	c->unit[c->nunits].kind = kind;
	c->unit[c->nunits].node = n;
	c->nunits++;
	return 0;
}

/*
 * The units of a whole rule, as program.h's canonical text says: the
 * top-level conjuncts (the "and"s outside any parentheses) in order; one
 * that starts with the keyword "not" gives an EXCLUDE unit for each
 * top-level disjunct of its operand (the "or"s directly inside its
 * parentheses), any other one REQUIRE unit. A parenthesized group is never
 * split.
 */
static int split_units(struct compiler *c)
{
	size_t root = c->ast.root, k, x, alt;
	size_t first = root, count = 1;

	if (node(c, root)->kind == LDW_EQL_N_AND && !node(c, root)->parens) {
		first = node(c, root)->first_child;
		count = node(c, root)->nchildren;
	}
	for (k = first; count--; k = node(c, k)->next) {
		if (node(c, k)->kind != LDW_EQL_N_NOT || node(c, k)->parens) {
			if (add_unit(c, LDW_UNIT_REQUIRE, k))
				return -1;
			continue;
		}
		/*
		 * An "or" under "not" is in parentheses, as "not" binds
		 * tighter; in two pairs or more, it is a group in the not's
		 * parentheses, which is never split.
		 */
		x = node(c, k)->first_child;
		if (node(c, x)->kind != LDW_EQL_N_OR || node(c, x)->parens > 1) {
			if (add_unit(c, LDW_UNIT_EXCLUDE, x))
				return -1;
			continue;
		}
		for (alt = node(c, x)->first_child; alt != LDW_EQL_NONE; alt = node(c, alt)->next)
			if (add_unit(c, LDW_UNIT_EXCLUDE, alt))
				return -1;
	}
	return 0;
}

/*
 * The instructions and the stack depth the code of @n needs, counting its
 * values' bytes and checking each against LDW_PROG_MAX_VALUE_LEN; @level is
 * the number of "and", "or" and "not" nodes above @n in its unit, refused
 * past LDW_EQL_MAX_DEPTH. The recursion is bounded by the parser's nesting
 * bound (eql_parse.h).
 */
static int measure(struct compiler *c, size_t n, unsigned int level, size_t *insns,
		   size_t *depth)
{
	const struct ldw_eql_node *e = node(c, n);
	size_t k, i, d, first = 1;

	if (e->kind == LDW_EQL_N_CMP) {
		for (i = 0; i < e->nvalues; i++) {
			const struct ldw_eql_value *v = &c->ast.value[e->first_value + i];

			if (v->len > LDW_PROG_MAX_VALUE_LEN) {
				ldw_eql_fail(c->err, v->line, v->column,
					     "a string of %zu bytes is longer than the %d bytes a value may hold",
					     v->len, LDW_PROG_MAX_VALUE_LEN);
				return -1;
			}
			c->nbytes += v->len;
		}
		c->nvalues += e->nvalues;
		*insns = 1 + negated(e->cmp);
		*depth = 1;
		return 0;
	}
	if (++level > LDW_EQL_MAX_DEPTH) {
		ldw_eql_fail(c->err, e->line, e->column,
			     "\"and\", \"or\" and \"not\" nested deeper than %d in one condition are not supported",
			     LDW_EQL_MAX_DEPTH);
		return -1;
	}
	*insns = 0;
	*depth = 0;
	for (k = e->first_child; k != LDW_EQL_NONE; k = node(c, k)->next) {
		size_t ki;

		if (measure(c, k, level, &ki, &d))
			return -1;
		/* a, b, OP: b is computed while a waits on the stack */
		if (!first)
			d++;
		if (d > *depth)
			*depth = d;
		*insns += ki + !first;
		first = 0;
	}
	if (e->kind == LDW_EQL_N_NOT)
		(*insns)++;
	return 0;
}

static int check_limits(struct compiler *c)
{
	size_t u, size;

	if (c->nunits > LDW_PROG_MAX_UNITS) {
		const struct ldw_eql_node *e = node(c, c->unit[LDW_PROG_MAX_UNITS].node);

		ldw_eql_fail(c->err, e->line, e->column,
			     "the rule has more than %d conditions joined by and (units)",
			     LDW_PROG_MAX_UNITS);
		return -1;
	}
	for (u = 0; u < c->nunits; u++) {
		const struct ldw_eql_node *e = node(c, c->unit[u].node);
		size_t insns, depth;

		if (measure(c, c->unit[u].node, 0, &insns, &depth))
			return -1;
		if (depth > LDW_PROG_MAX_DEPTH) {
			ldw_eql_fail(c->err, e->line, e->column,
				     "this condition is nested too deeply to evaluate (%zu levels; at most %d)",
				     depth, LDW_PROG_MAX_DEPTH);
			return -1;
		}
		c->ninsns += insns;
		if (c->ninsns > LDW_PROG_MAX_INSNS) {
			ldw_eql_fail(c->err, e->line, e->column,
				     "the rule needs more than %d instructions compiled",
				     LDW_PROG_MAX_INSNS);
			return -1;
		}
	}
	size = sizeof(struct ldw_prog_header) + c->nunits * sizeof(struct ldw_prog_unit) +
	       c->ninsns * sizeof(struct ldw_prog_insn) +
	       c->nvalues * sizeof(struct ldw_prog_value) + c->nbytes;
	if (size > LDW_PROG_MAX_SIZE) {
		const struct ldw_eql_node *e = node(c, c->ast.root);

		ldw_eql_fail(c->err, e->line, e->column,
			     "the rule is larger than %d KiB compiled", LDW_PROG_MAX_SIZE / 1024);
		return -1;
	}
	return 0;
}

static void emit(struct compiler *c, struct ldw_prog_builder *b, size_t n)
{
	const struct ldw_eql_node *e = node(c, n);
	enum ldw_insn_code code = e->kind == LDW_EQL_N_AND ? LDW_INSN_AND : LDW_INSN_OR;
	size_t k;

	if (e->kind == LDW_EQL_N_CMP) {
		ldw_prog_build_test(b, e->field, ldw_eql_ops[e->cmp],
				    e->nvalues ? &c->values[e->first_value] : NULL, e->nvalues);
		if (negated(e->cmp))
			ldw_prog_build_op(b, LDW_INSN_NOT);
		return;
	}
	for (k = e->first_child; k != LDW_EQL_NONE; k = node(c, k)->next) {
		emit(c, b, k);
		if (e->kind != LDW_EQL_N_NOT && k != e->first_child)
			ldw_prog_build_op(b, code);
	}
	if (e->kind == LDW_EQL_N_NOT)
		ldw_prog_build_op(b, LDW_INSN_NOT);
}

static int prepare_values(struct compiler *c)
{
	size_t i;

	c->values = malloc((c->ast.nvalues ? c->ast.nvalues : 1) * sizeof(*c->values));
	if (!c->values) {
		ldw_eql_fail(c->err, 1, 1, "out of memory");
		return -1;
	}
	for (i = 0; i < c->ast.nvalues; i++) {
		c->values[i].ptr = ldw_eql_value_bytes(&c->ast, i);
		c->values[i].len = c->ast.value[i].len;
	}
	return 0;
}

static void emit_all(struct compiler *c, struct ldw_prog_builder *b)
{
	size_t i;

	for (i = 0; i < c->nunits; i++) {
		ldw_prog_build_begin_unit(b, c->unit[i].kind);
		emit(c, b, c->unit[i].node);
		ldw_prog_build_end_unit(b);
	}
}

/* The value of the tree under @n whose bytes are @v, or NULL. */
static const struct ldw_eql_value *find_value(const struct compiler *c, size_t n,
					      struct ldw_str v)
{
	const struct ldw_eql_node *e = node(c, n);
	const struct ldw_eql_value *found = NULL;
	size_t k, i;

	if (e->kind == LDW_EQL_N_CMP) {
		for (i = e->first_value; i < e->first_value + e->nvalues; i++)
			if (c->values[i].len == v.len && !memcmp(c->values[i].ptr, v.ptr, v.len))
				return &c->ast.value[i];
		return NULL;
	}
	for (k = e->first_child; k != LDW_EQL_NONE && !found; k = node(c, k)->next)
		found = find_value(c, k, v);
	return found;
}

/*
 * The prefilter must be able to anchor the rule on file.path: derive the
 * anchors, as the kernel will (ldw_anchors_derive()), from the rule's own
 * units built apart, and refuse a rule that would pass every name.
 */
static int check_anchored(struct compiler *c)
{
	struct ldw_prog_builder b;
	struct ldw_prog_error perr;
	struct ldw_anchors *anchors;
	struct ldw_prog prog;
	const char *error = NULL;
	const struct ldw_eql_node *at = node(c, c->ast.root);
	unsigned int line = at->line, column = at->column;
	void *buf;
	size_t size;
	int rc = -1;

	buf = malloc(LDW_PROG_MAX_SIZE);
	anchors = malloc(sizeof(*anchors));
	if (!buf || !anchors) {
		ldw_eql_fail(c->err, line, column, "out of memory");
		goto out;
	}
	ldw_prog_build_init(&b, buf, LDW_PROG_MAX_SIZE);
	emit_all(c, &b);
	size = ldw_prog_build_finish(&b, &error);
	if (!size || ldw_prog_verify(buf, size, &prog, &perr)) {
		/* the checks before should have caught it; say what the engine says */
		ldw_eql_fail(c->err, line, column, "%s", size ? perr.what : error);
		goto out;
	}
	if (ldw_anchors_derive(&prog, anchors) == LDW_ANCHORS_OK) {
		rc = 0;
		goto out;
	}
	if (anchors->reason != LDW_ANCHORS_NO_PATH_CLAUSE && anchors->unit < c->nunits) {
		const struct ldw_eql_value *v = NULL;

		at = node(c, c->unit[anchors->unit].node);
		line = at->line;
		column = at->column;
		if (ldw_str_present(anchors->value))
			v = find_value(c, c->unit[anchors->unit].node, anchors->value);
		if (v) {
			line = v->line;
			column = v->column;
		}
	}
	ldw_eql_fail(c->err, line, column,
		     "this rule would have to look at every file: ldwatch watches named paths (%s)",
		     ldw_anchors_reason_text(anchors->reason));
out:
	free(anchors);
	free(buf);
	return rc;
}

static int compile(const char *text, size_t len, bool query,
		   struct ldw_prog_builder *b, struct ldw_eql_error *err)
{
	struct compiler c = { .err = err };
	int rc = -1;

	if (ldw_eql_parse(text, len, query, &c.ast, err))
		goto out;
	if (query)
		rc = split_units(&c);
	else
		rc = add_unit(&c, LDW_UNIT_EXCLUDE, c.ast.root);
	if (!rc)
		rc = check_limits(&c);
	if (!rc)
		rc = prepare_values(&c);
	if (!rc && query)
		rc = check_anchored(&c);
	if (!rc)
		emit_all(&c, b);
out:
	free(c.values);
	free(c.unit);
	ldw_eql_ast_free(&c.ast);
	return rc ? -1 : 0;
}

int ldw_eql_compile(const char *text, size_t len, struct ldw_prog_builder *b,
		    struct ldw_eql_error *err)
{
	return compile(text, len, true, b, err);
}

int ldw_eql_compile_exclusion(const char *text, size_t len,
			      struct ldw_prog_builder *b,
			      struct ldw_eql_error *err)
{
	return compile(text, len, false, b, err);
}
