// SPDX-License-Identifier: GPL-2.0
/*
 * The EQL parser (eql_parse.h): recursive descent, one function a
 * precedence level, each call of parse_or() and parse_not() one level of
 * nesting, refused past LDW_EQL_MAX_NESTING.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eql_parse.h"

static const char *const ldw_eql_cmp_texts[LDW_EQL_CMPS] = {
	[LDW_EQL_C_EQ] = "==",
	[LDW_EQL_C_NEQ] = "!=",
	[LDW_EQL_C_IS_NULL] = "== null",
	[LDW_EQL_C_NOT_NULL] = "!= null",
	[LDW_EQL_C_SEQ] = ":",
	[LDW_EQL_C_LIKE] = "like",
	[LDW_EQL_C_LIKE_NOCASE] = "like~",
	[LDW_EQL_C_IN] = "in",
	[LDW_EQL_C_IN_NOCASE] = "in~",
	[LDW_EQL_C_NOT_IN] = "not in",
	[LDW_EQL_C_NOT_IN_NOCASE] = "not in~",
};

const char *ldw_eql_cmp_text(enum ldw_eql_cmp cmp)
{
	return (unsigned int)cmp < LDW_EQL_CMPS ? ldw_eql_cmp_texts[cmp] : NULL;
}

struct parser {
	const char *text;
	struct ldw_eql_ast *ast;
	size_t pos;
	struct ldw_eql_error *err;
};

/* A message's quotation of a token: "and", "the string \"x\"", ... */
struct desc {
	char buf[160];
};

/* An identifier's text as it stands in a message: startsWith */
static const char *name_of(const struct parser *p, const struct ldw_eql_token *t,
			   struct desc *d);

static const struct ldw_eql_token *tok_at(const struct parser *p, size_t ahead)
{
	size_t i = p->pos + ahead;

	if (i >= p->ast->tokens.count)
		i = p->ast->tokens.count - 1;
	return &p->ast->tokens.tok[i];
}

static const struct ldw_eql_token *cur(const struct parser *p)
{
	return tok_at(p, 0);
}

static enum ldw_eql_tok cur_kind(const struct parser *p)
{
	return cur(p)->kind;
}

static void next(struct parser *p)
{
	if (p->pos + 1 < p->ast->tokens.count)
		p->pos++;
}

static const char *tok_value(const struct parser *p, const struct ldw_eql_token *t)
{
	return p->ast->tokens.bytes + t->value;
}

static const char *describe(const struct parser *p, const struct ldw_eql_token *t,
			    struct desc *d)
{
	char q[LDW_EQL_MESSAGE_MAX / 4];
	const char *word = ldw_eql_tok_text(t->kind);
	size_t i;

	switch (t->kind) {
	case LDW_EQL_T_END:
		snprintf(d->buf, sizeof(d->buf), "the end of the query");
		break;
	case LDW_EQL_T_STRING:
		snprintf(d->buf, sizeof(d->buf), "the string \"%s\"",
			 ldw_eql_quote(tok_value(p, t), t->value_len, q, sizeof(q)));
		break;
	case LDW_EQL_T_IDENT:
		snprintf(d->buf, sizeof(d->buf), "\"%s\"",
			 ldw_eql_quote(tok_value(p, t), t->value_len, q, sizeof(q)));
		/* "AND": a keyword in capitals is a name to Elasticsearch */
		for (i = 0; i < LDW_EQL_TOKS; i++) {
			const char *w = ldw_eql_tok_text(i);

			if (w && i >= LDW_EQL_T_AND && i <= LDW_EQL_T_WITH &&
			    strlen(w) == t->value_len &&
			    !strncasecmp(w, tok_value(p, t), t->value_len)) {
				size_t n = strlen(d->buf);

				snprintf(d->buf + n, sizeof(d->buf) - n,
					 " (EQL keywords are lowercase: \"%s\")", w);
				break;
			}
		}
		break;
	default:
		snprintf(d->buf, sizeof(d->buf), "\"%s\"", word ? word :
			 ldw_eql_quote(p->text + t->start, t->len, q, sizeof(q)));
		break;
	}
	return d->buf;
}

static const char *name_of(const struct parser *p, const struct ldw_eql_token *t,
			   struct desc *d)
{
	return ldw_eql_quote(tok_value(p, t), t->value_len, d->buf, sizeof(d->buf));
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *p, const struct ldw_eql_token *t, const char *fmt, ...)
{
	va_list ap;

	p->err->line = t->line;
	p->err->column = t->column;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

static int grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > ((size_t)-1) / 2 / elem)
			return -1;
		ncap *= 2;
	}
	np = realloc(*ptr, ncap * elem);
	if (!np)
		return -1;
	*ptr = np;
	*cap = ncap;
	return 0;
}

static size_t new_node(struct parser *p, enum ldw_eql_node_kind kind,
		       const struct ldw_eql_token *at)
{
	struct ldw_eql_ast *a = p->ast;
	struct ldw_eql_node *n;

	if (grow((void **)&a->node, &a->nodes_cap, a->nnodes + 1, sizeof(*a->node))) {
		fail_at(p, at, "out of memory");
		return LDW_EQL_NONE;
	}
	n = &a->node[a->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = at->line;
	n->column = at->column;
	n->first_value = 0;
	n->first_child = LDW_EQL_NONE;
	n->next = LDW_EQL_NONE;
	return a->nnodes++;
}

/* An n-ary node being built, with its last child for appending. */
struct chain {
	size_t node, last;
};

static void append(struct ldw_eql_ast *a, struct chain *c, size_t child)
{
	struct ldw_eql_node *n = &a->node[c->node];

	a->node[child].next = LDW_EQL_NONE;
	if (n->first_child == LDW_EQL_NONE)
		n->first_child = child;
	else
		a->node[c->last].next = child;
	c->last = child;
	n->nchildren++;
}

static int parse_or(struct parser *p, unsigned int depth, size_t *out);

static bool is_cmp_operator(enum ldw_eql_tok k)
{
	switch (k) {
	case LDW_EQL_T_EQ: case LDW_EQL_T_NEQ: case LDW_EQL_T_SEQ:
	case LDW_EQL_T_LIKE: case LDW_EQL_T_LIKE_NOCASE:
	case LDW_EQL_T_IN: case LDW_EQL_T_IN_NOCASE:
	case LDW_EQL_T_REGEX: case LDW_EQL_T_REGEX_NOCASE:
	case LDW_EQL_T_LT: case LDW_EQL_T_LTE: case LDW_EQL_T_GT: case LDW_EQL_T_GTE:
	case LDW_EQL_T_ASGN:
		return true;
	default:
		return false;
	}
}

static bool is_arithmetic(enum ldw_eql_tok k)
{
	return k == LDW_EQL_T_PLUS || k == LDW_EQL_T_MINUS || k == LDW_EQL_T_ASTERISK ||
	       k == LDW_EQL_T_SLASH || k == LDW_EQL_T_PERCENT;
}

static int refuse_value(struct parser *p, const struct ldw_eql_token *t,
			const char *after)
{
	struct desc d;

	switch (t->kind) {
	case LDW_EQL_T_NUMBER:
		return fail_at(p, t, "numbers are not supported: the fields ldwatch compares are strings");
	case LDW_EQL_T_TRUE:
	case LDW_EQL_T_FALSE:
		return fail_at(p, t, "booleans are not supported: the fields ldwatch compares are strings");
	case LDW_EQL_T_IDENT:
	case LDW_EQL_T_QIDENT:
	case LDW_EQL_T_OPTIONAL:
		if (tok_at(p, 1)->kind == LDW_EQL_T_LP)
			goto function;
		return fail_at(p, t, "comparing a field with another field is not supported");
	case LDW_EQL_T_TILDE_IDENT:
function:
		return fail_at(p, t, "functions are not supported (%s)", name_of(p, t, &d));
	case LDW_EQL_T_NULL:
		return fail_at(p, t, "null in a list is not supported: compare with == null");
	default:
		return fail_at(p, t, "expected a string after %s, found %s", after,
			       describe(p, t, &d));
	}
}

static int add_value(struct parser *p, const struct ldw_eql_token *t)
{
	struct ldw_eql_ast *a = p->ast;
	struct ldw_eql_value *v;

	if (grow((void **)&a->value, &a->values_cap, a->nvalues + 1, sizeof(*a->value)))
		return fail_at(p, t, "out of memory");
	v = &a->value[a->nvalues++];
	v->offset = t->value;
	v->len = t->value_len;
	v->line = t->line;
	v->column = t->column;
	return 0;
}

/* ("a", "b", ...) after @op, or with @single also one "a" alone */
static int parse_values(struct parser *p, size_t node, const char *op, bool single)
{
	struct ldw_eql_ast *a = p->ast;
	const struct ldw_eql_token *open = cur(p);
	struct desc d;

	a->node[node].first_value = a->nvalues;
	if (single && cur_kind(p) == LDW_EQL_T_STRING) {
		if (add_value(p, cur(p)))
			return -1;
		next(p);
		a->node[node].nvalues = 1;
		return 0;
	}
	if (cur_kind(p) != LDW_EQL_T_LP) {
		if (cur_kind(p) != LDW_EQL_T_STRING && cur_kind(p) != LDW_EQL_T_END &&
		    single)
			return refuse_value(p, cur(p), op);
		return fail_at(p, cur(p), "%s takes %sa list in parentheses, (\"a\", \"b\"); found %s",
			       op, single ? "a string or " : "", describe(p, cur(p), &d));
	}
	next(p);
	if (cur_kind(p) == LDW_EQL_T_RP)
		return fail_at(p, cur(p), "an empty list matches nothing: write at least one string");
	for (;;) {
		if (cur_kind(p) != LDW_EQL_T_STRING)
			return refuse_value(p, cur(p), op);
		if (add_value(p, cur(p)))
			return -1;
		a->node[node].nvalues++;
		next(p);
		if (cur_kind(p) == LDW_EQL_T_COMMA) {
			next(p);
			continue;
		}
		if (cur_kind(p) == LDW_EQL_T_RP) {
			next(p);
			return 0;
		}
		return fail_at(p, cur(p), "expected \",\" or \")\" in the list opened at %u:%u, found %s",
			       open->line, open->column, describe(p, cur(p), &d));
	}
}

/* The fields, for the message that refuses any other. */
static void field_list(char *buf, size_t size)
{
	size_t n = 0;
	int f;

	buf[0] = '\0';
	for (f = 0; f < LDW_FIELD_COUNT && n < size; f++)
		n += snprintf(buf + n, size - n, "%s%s", f ? ", " : "", ldw_field_name(f));
}

/* ?a.b.c: the field, into @node */
static int parse_field(struct parser *p, size_t node)
{
	const struct ldw_eql_token *start = cur(p);
	struct ldw_eql_node *n = &p->ast->node[node];
	char name[128], q[sizeof(name) * 4], fields[400];
	size_t len = 0;
	bool too_long = false;
	struct desc d;
	int f;

	if (cur_kind(p) == LDW_EQL_T_OPTIONAL) {
		n->optional = true;
		next(p);
	}
	for (;;) {
		const struct ldw_eql_token *t = cur(p);

		if (t->kind != LDW_EQL_T_IDENT && t->kind != LDW_EQL_T_QIDENT)
			return fail_at(p, t, "expected a field name, found %s", describe(p, t, &d));
		if (len + t->value_len + 1 < sizeof(name)) {
			memcpy(name + len, tok_value(p, t), t->value_len);
			len += t->value_len;
		} else {
			too_long = true;
		}
		next(p);
		if (cur_kind(p) == LDW_EQL_T_LB)
			return fail_at(p, cur(p), "array indexes are not supported");
		if (cur_kind(p) == LDW_EQL_T_LP)
			return fail_at(p, start, "functions are not supported (%s)",
				       name_of(p, t, &d));
		if (cur_kind(p) != LDW_EQL_T_DOT)
			break;
		if (len + 1 < sizeof(name))
			name[len++] = '.';
		else
			too_long = true;
		next(p);
	}
	for (f = 0; f < LDW_FIELD_COUNT && !too_long; f++) {
		const char *fn = ldw_field_name(f);

		if (strlen(fn) == len && !memcmp(fn, name, len)) {
			n->field = f;
			return 0;
		}
	}
	field_list(fields, sizeof(fields));
	return fail_at(p, start, "the field \"%s%s%s\" is not one the sensor provides; it provides %s",
		       n->optional ? "?" : "", ldw_eql_quote(name, len, q, sizeof(q)),
		       too_long ? "..." : "", fields);
}

static int parse_comparison(struct parser *p, size_t *out)
{
	const struct ldw_eql_token *op;
	struct desc d;
	size_t node = new_node(p, LDW_EQL_N_CMP, cur(p));
	struct ldw_eql_node *n;

	if (node == LDW_EQL_NONE)
		return -1;
	*out = node;
	if (parse_field(p, node))
		return -1;
	op = cur(p);
	n = &p->ast->node[node];
	switch (op->kind) {
	case LDW_EQL_T_EQ:
	case LDW_EQL_T_NEQ: {
		bool eq = op->kind == LDW_EQL_T_EQ;

		next(p);
		if (cur_kind(p) == LDW_EQL_T_NULL) {
			n->cmp = eq ? LDW_EQL_C_IS_NULL : LDW_EQL_C_NOT_NULL;
			next(p);
			return 0;
		}
		if (cur_kind(p) == LDW_EQL_T_LP)
			return fail_at(p, cur(p), "%s compares with one string: for a list, write %s (\"a\", \"b\")",
				       eq ? "==" : "!=", eq ? "in" : "not in");
		if (cur_kind(p) != LDW_EQL_T_STRING) {
			if (cur_kind(p) == LDW_EQL_T_END || cur_kind(p) == LDW_EQL_T_RP)
				return fail_at(p, cur(p), "expected a string or null after %s, found %s",
					       eq ? "==" : "!=", describe(p, cur(p), &d));
			return refuse_value(p, cur(p), eq ? "\"==\"" : "\"!=\"");
		}
		n->cmp = eq ? LDW_EQL_C_EQ : LDW_EQL_C_NEQ;
		n->first_value = p->ast->nvalues;
		n->nvalues = 1;
		if (add_value(p, cur(p)))
			return -1;
		next(p);
		return 0;
	}
	case LDW_EQL_T_SEQ:
		n->cmp = LDW_EQL_C_SEQ;
		next(p);
		return parse_values(p, node, "\":\"", true);
	case LDW_EQL_T_LIKE:
		n->cmp = LDW_EQL_C_LIKE;
		next(p);
		return parse_values(p, node, "\"like\"", true);
	case LDW_EQL_T_LIKE_NOCASE:
		n->cmp = LDW_EQL_C_LIKE_NOCASE;
		next(p);
		return parse_values(p, node, "\"like~\"", true);
	case LDW_EQL_T_IN:
		n->cmp = LDW_EQL_C_IN;
		next(p);
		return parse_values(p, node, "\"in\"", false);
	case LDW_EQL_T_IN_NOCASE:
		n->cmp = LDW_EQL_C_IN_NOCASE;
		next(p);
		return parse_values(p, node, "\"in~\"", false);
	case LDW_EQL_T_NOT: {
		enum ldw_eql_tok k = tok_at(p, 1)->kind;

		if (k == LDW_EQL_T_IN || k == LDW_EQL_T_IN_NOCASE) {
			bool nocase = k == LDW_EQL_T_IN_NOCASE;

			n->cmp = nocase ? LDW_EQL_C_NOT_IN_NOCASE : LDW_EQL_C_NOT_IN;
			next(p);
			next(p);
			return parse_values(p, node, nocase ? "\"not in~\"" : "\"not in\"", false);
		}
		if (k == LDW_EQL_T_LIKE || k == LDW_EQL_T_LIKE_NOCASE || k == LDW_EQL_T_SEQ ||
		    k == LDW_EQL_T_REGEX || k == LDW_EQL_T_REGEX_NOCASE)
			return fail_at(p, op, "\"not %s\" is not EQL: write not FIELD %s ...",
				       ldw_eql_tok_text(k), ldw_eql_tok_text(k));
		break;
	}
	case LDW_EQL_T_REGEX:
	case LDW_EQL_T_REGEX_NOCASE:
		return fail_at(p, op, "regular expressions (%s) are not supported",
			       ldw_eql_tok_text(op->kind));
	case LDW_EQL_T_LT:
	case LDW_EQL_T_LTE:
	case LDW_EQL_T_GT:
	case LDW_EQL_T_GTE:
		return fail_at(p, op, "\"%s\" is not supported: ldwatch compares with ==, !=, :, like, like~, in, in~, not in and not in~",
			       ldw_eql_tok_text(op->kind));
	case LDW_EQL_T_ASGN:
		return fail_at(p, op, "\"=\" is not an EQL comparison: write == (exact) or : (case-insensitive)");
	default:
		if (is_arithmetic(op->kind))
			return fail_at(p, op, "arithmetic is not supported");
		break;
	}
	return fail_at(p, op, "expected a comparison (==, !=, :, like, in, ...) after the field, found %s",
		       describe(p, op, &d));
}

static int nesting(struct parser *p, const struct ldw_eql_token *t, unsigned int depth)
{
	if (depth <= LDW_EQL_MAX_NESTING)
		return 0;
	return fail_at(p, t, "parentheses and \"not\" nested deeper than %d are not supported",
		       LDW_EQL_MAX_NESTING);
}

static int parse_primary(struct parser *p, unsigned int depth, size_t *out)
{
	const struct ldw_eql_token *t = cur(p);
	struct desc d;

	switch (t->kind) {
	case LDW_EQL_T_LP:
		if (nesting(p, t, depth + 1))
			return -1;
		next(p);
		if (parse_or(p, depth + 1, out))
			return -1;
		p->ast->node[*out].parens++;
		p->ast->node[*out].line = t->line;
		p->ast->node[*out].column = t->column;
		if (cur_kind(p) != LDW_EQL_T_RP) {
			if (is_cmp_operator(cur_kind(p)))
				return fail_at(p, cur(p), "comparisons cannot be chained: join them with and");
			return fail_at(p, cur(p), "expected \")\" to close the \"(\" at %u:%u, found %s",
				       t->line, t->column, describe(p, cur(p), &d));
		}
		next(p);
		return 0;
	case LDW_EQL_T_IDENT:
	case LDW_EQL_T_QIDENT:
	case LDW_EQL_T_OPTIONAL:
		if (t->kind == LDW_EQL_T_IDENT && tok_at(p, 1)->kind == LDW_EQL_T_OF)
			return fail_at(p, t, "process relationships (%s of [...]) are not supported",
				       name_of(p, t, &d));
		return parse_comparison(p, out);
	case LDW_EQL_T_TILDE_IDENT:
		return fail_at(p, t, "functions are not supported (%s)", name_of(p, t, &d));
	case LDW_EQL_T_STRING:
		return fail_at(p, t, "a comparison starts with a field: FIELD == \"value\"");
	case LDW_EQL_T_NULL:
		return fail_at(p, t, "a comparison starts with a field: FIELD == null");
	case LDW_EQL_T_NUMBER:
		return fail_at(p, t, "numbers are not supported: the fields ldwatch compares are strings");
	case LDW_EQL_T_TRUE:
	case LDW_EQL_T_FALSE:
		return fail_at(p, t, "constant conditions (%s) are not supported",
			       ldw_eql_tok_text(t->kind));
	default:
		if (is_arithmetic(t->kind))
			return fail_at(p, t, "arithmetic is not supported");
		return fail_at(p, t, "expected a comparison, found %s", describe(p, t, &d));
	}
}

static int parse_not(struct parser *p, unsigned int depth, size_t *out)
{
	const struct ldw_eql_token *t = cur(p);
	size_t node, child;
	struct chain c;

	if (t->kind != LDW_EQL_T_NOT)
		return parse_primary(p, depth, out);
	if (nesting(p, t, depth + 1))
		return -1;
	next(p);
	if (parse_not(p, depth + 1, &child))
		return -1;
	node = new_node(p, LDW_EQL_N_NOT, t);
	if (node == LDW_EQL_NONE)
		return -1;
	c.node = node;
	c.last = LDW_EQL_NONE;
	append(p->ast, &c, child);
	*out = node;
	return 0;
}

/* One precedence level of n-ary @kind joined by @tok over @operand. */
static int parse_chain(struct parser *p, unsigned int depth, size_t *out,
		       enum ldw_eql_node_kind kind, enum ldw_eql_tok tok,
		       int (*operand)(struct parser *, unsigned int, size_t *))
{
	size_t first, child;
	struct chain c;

	if (operand(p, depth, &first))
		return -1;
	if (cur_kind(p) != tok) {
		*out = first;
		return 0;
	}
	c.node = new_node(p, kind, &p->ast->tokens.tok[p->pos]);
	if (c.node == LDW_EQL_NONE)
		return -1;
	/* the chain starts where its first operand does */
	p->ast->node[c.node].line = p->ast->node[first].line;
	p->ast->node[c.node].column = p->ast->node[first].column;
	c.last = LDW_EQL_NONE;
	append(p->ast, &c, first);
	while (cur_kind(p) == tok) {
		next(p);
		if (operand(p, depth, &child))
			return -1;
		append(p->ast, &c, child);
	}
	*out = c.node;
	return 0;
}

static int parse_and(struct parser *p, unsigned int depth, size_t *out)
{
	return parse_chain(p, depth, out, LDW_EQL_N_AND, LDW_EQL_T_AND, parse_not);
}

static int parse_or(struct parser *p, unsigned int depth, size_t *out)
{
	return parse_chain(p, depth, out, LDW_EQL_N_OR, LDW_EQL_T_OR, parse_and);
}

static int parse_category(struct parser *p)
{
	const struct ldw_eql_token *t = cur(p);
	char q[LDW_EQL_MESSAGE_MAX / 4];
	struct desc d;

	switch (t->kind) {
	case LDW_EQL_T_SEQUENCE:
		return fail_at(p, t, "sequences are not supported: ldwatch judges each event alone, as it happens");
	case LDW_EQL_T_SAMPLE:
		return fail_at(p, t, "samples are not supported: ldwatch judges each event alone, as it happens");
	case LDW_EQL_T_JOIN:
		return fail_at(p, t, "joins are not supported: ldwatch judges each event alone, as it happens");
	case LDW_EQL_T_ANY:
		return fail_at(p, t, "\"any where\" is not supported: ldwatch sees file events only");
	case LDW_EQL_T_IDENT:
	case LDW_EQL_T_STRING:
		if (t->value_len == 4 && !memcmp(tok_value(p, t), "file", 4))
			break;
		return fail_at(p, t, "\"%s where\" is not supported: ldwatch sees file events only",
			       ldw_eql_quote(tok_value(p, t), t->value_len, q, sizeof(q)));
	case LDW_EQL_T_END:
		return fail_at(p, t, "the query is empty: write file where ...");
	default:
		return fail_at(p, t, "a query starts with its event category, file where ...; found %s",
			       describe(p, t, &d));
	}
	next(p);
	if (cur_kind(p) != LDW_EQL_T_WHERE)
		return fail_at(p, cur(p), "expected \"where\" after \"file\", found %s",
			       describe(p, cur(p), &d));
	next(p);
	return 0;
}

static int parse_end(struct parser *p)
{
	const struct ldw_eql_token *t = cur(p);
	char q[LDW_EQL_MESSAGE_MAX / 4];
	struct desc d;

	switch (t->kind) {
	case LDW_EQL_T_END:
		return 0;
	case LDW_EQL_T_PIPE: {
		const struct ldw_eql_token *name = tok_at(p, 1);

		if (name->kind == LDW_EQL_T_IDENT)
			return fail_at(p, t, "pipes (| %s) are not supported: %s",
				       ldw_eql_quote(tok_value(p, name), name->value_len, q, sizeof(q)),
				       "ldwatch judges each event alone, as it happens");
		return fail_at(p, t, "pipes are not supported: ldwatch judges each event alone, as it happens");
	}
	case LDW_EQL_T_RP:
		return fail_at(p, t, "this \")\" closes no \"(\"");
	default:
		if (is_cmp_operator(t->kind))
			return fail_at(p, t, "comparisons cannot be chained: join them with and");
		if (is_arithmetic(t->kind))
			return fail_at(p, t, "arithmetic is not supported");
		return fail_at(p, t, "expected \"and\", \"or\" or the end of the query, found %s",
			       describe(p, t, &d));
	}
}

int ldw_eql_parse(const char *text, size_t len, bool query,
		  struct ldw_eql_ast *ast, struct ldw_eql_error *err)
{
	struct parser p = { .text = text, .ast = ast, .err = err };

	memset(ast, 0, sizeof(*ast));
	memset(err, 0, sizeof(*err));
	ast->root = LDW_EQL_NONE;
	if (ldw_eql_lex(text, len, &ast->tokens, err))
		return -1;
	if (query && parse_category(&p))
		return -1;
	if (!query && cur_kind(&p) == LDW_EQL_T_END)
		return fail_at(&p, cur(&p), "the expression is empty");
	if (parse_or(&p, 0, &ast->root) || parse_end(&p)) {
		ast->root = LDW_EQL_NONE;
		return -1;
	}
	return 0;
}

void ldw_eql_ast_free(struct ldw_eql_ast *ast)
{
	ldw_eql_tokens_free(&ast->tokens);
	free(ast->node);
	free(ast->value);
	memset(ast, 0, sizeof(*ast));
	ast->root = LDW_EQL_NONE;
}

static void dump_bytes(const char *s, size_t len, FILE *out)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('"', out);
}

static void dump(const struct ldw_eql_ast *ast, size_t node, bool braced, FILE *out)
{
	static const char *const kinds[] = {
		[LDW_EQL_N_NOT] = "not", [LDW_EQL_N_AND] = "and", [LDW_EQL_N_OR] = "or",
	};
	const struct ldw_eql_node *n;
	size_t i;

	if (node >= ast->nnodes) {
		fputs("(none)", out);
		return;
	}
	n = &ast->node[node];
	if (n->parens && !braced) {
		for (i = 0; i < n->parens; i++)
			fputc('{', out);
		dump(ast, node, true, out);
		for (i = 0; i < n->parens; i++)
			fputc('}', out);
		return;
	}
	if (n->kind == LDW_EQL_N_CMP) {
		bool null = n->cmp == LDW_EQL_C_IS_NULL || n->cmp == LDW_EQL_C_NOT_NULL;

		/* (== f null), not (== null f) */
		fprintf(out, "(%s %s%s%s", null ? (n->cmp == LDW_EQL_C_IS_NULL ? "==" : "!=") :
			ldw_eql_cmp_text(n->cmp), n->optional ? "?" : "",
			ldw_field_name(n->field), null ? " null" : "");
		for (i = 0; i < n->nvalues; i++) {
			fputc(' ', out);
			dump_bytes(ldw_eql_value_bytes(ast, n->first_value + i),
				   ast->value[n->first_value + i].len, out);
		}
		fputc(')', out);
		return;
	}
	fprintf(out, "(%s", kinds[n->kind]);
	for (i = n->first_child; i != LDW_EQL_NONE; i = ast->node[i].next) {
		fputc(' ', out);
		dump(ast, i, false, out);
	}
	fputc(')', out);
}

void ldw_eql_ast_dump(const struct ldw_eql_ast *ast, size_t node, FILE *out)
{
	dump(ast, node, false, out);
}
