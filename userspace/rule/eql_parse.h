/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EQL parser: tokens (eql_lex.h) to a syntax tree of ldwatch's subset
 * (eql_compile.h lists it and what is refused).
 *
 * Precedence is Elasticsearch's (EqlBase.g4, booleanExpression): "not"
 * binds tighter than "and", "and" tighter than "or"; a comparison is not
 * chained ("a == b == c" is refused, as the EQL syntax reference says).
 *
 * The tree is flat in one array. "and" and "or" nodes are n-ary: a chain
 * "a or b or c" is one node with three children, which the compiler emits
 * left-associated (a b OR c OR). A parenthesized expression is a child like
 * any other, marked @parens: "a and (b and c)" is an "and" of a and of the
 * "and" (b and c), as program.h's canonical text wants (a b c AND AND), and
 * the compiler never splits a parenthesized group into units. So the tree's
 * depth is bounded by the nesting of parentheses and "not", which the
 * parser limits to LDW_EQL_MAX_NESTING, refused at the "(" or "not" one
 * too deep: code that walks the tree recursively is bounded by it too.
 */
#ifndef _LDWATCH_EQL_PARSE_H
#define _LDWATCH_EQL_PARSE_H

#include <stdbool.h>
#include <stdio.h>

#include <ldwatch/rule.h>

#include "eql_compile.h"
#include "eql_lex.h"

enum ldw_eql_node_kind {
	LDW_EQL_N_CMP,		/* a comparison of a field */
	LDW_EQL_N_NOT,		/* one child */
	LDW_EQL_N_AND,		/* two children or more */
	LDW_EQL_N_OR,		/* two children or more */
};

/* The comparisons, as written. */
enum ldw_eql_cmp {
	LDW_EQL_C_EQ,		/* == "v" */
	LDW_EQL_C_NEQ,		/* != "v" */
	LDW_EQL_C_IS_NULL,	/* == null */
	LDW_EQL_C_NOT_NULL,	/* != null */
	LDW_EQL_C_SEQ,		/* : "v", : ("a", ...) */
	LDW_EQL_C_LIKE,		/* like "v", like ("a", ...) */
	LDW_EQL_C_LIKE_NOCASE,	/* like~ */
	LDW_EQL_C_IN,		/* in ("a", ...) */
	LDW_EQL_C_IN_NOCASE,	/* in~ */
	LDW_EQL_C_NOT_IN,	/* not in */
	LDW_EQL_C_NOT_IN_NOCASE, /* not in~ */
	LDW_EQL_CMPS
};

/* What a comparison is written as ("==", "not in~"; "== null"). */
const char *ldw_eql_cmp_text(enum ldw_eql_cmp cmp);

/* A string value: its bytes in the tree's token list, and where it was written. */
struct ldw_eql_value {
	size_t offset, len;
	unsigned int line, column;
};

#define LDW_EQL_NONE ((size_t)-1)

/*
 * One node. @line and @column: where it starts in the text. CMP: @field
 * compared by @cmp with @value[@first_value, + @nvalues) (none for the
 * null comparisons); @optional if written ?field. NOT, AND, OR: children
 * @first_child, then each one's @next, @nchildren in all. @parens: how many
 * pairs of parentheses the node was written in, directly (then @line and
 * @column are those of the outermost opening one).
 */
struct ldw_eql_node {
	enum ldw_eql_node_kind kind;
	unsigned int line, column;
	enum ldw_field field;
	enum ldw_eql_cmp cmp;
	bool optional;
	unsigned int parens;
	size_t first_value, nvalues;
	size_t first_child, nchildren;
	size_t next;
};

struct ldw_eql_ast {
	struct ldw_eql_tokens tokens;	/* the values' bytes are in here */
	struct ldw_eql_node *node;
	size_t nnodes, nodes_cap;
	struct ldw_eql_value *value;
	size_t nvalues, values_cap;
	size_t root;
};

/*
 * Parse the @len bytes at @text: with @query, "file where EXPR"; without,
 * EXPR alone. Returns 0 with @ast filled, or -1 with @err filled. Either
 * way, release @ast with ldw_eql_ast_free().
 */
int ldw_eql_parse(const char *text, size_t len, bool query,
		  struct ldw_eql_ast *ast, struct ldw_eql_error *err);

void ldw_eql_ast_free(struct ldw_eql_ast *ast);

/* The bytes of value @i. */
static inline const char *ldw_eql_value_bytes(const struct ldw_eql_ast *ast, size_t i)
{
	return ast->tokens.bytes + ast->value[i].offset;
}

/*
 * Write the tree under @node as one line of S-expressions, for tests:
 * (or (== file.path "a") (not {(in~ ?file.name "b" "c")})), a
 * parenthesized group in braces, strings with \xNN for anything
 * unprintable.
 */
void ldw_eql_ast_dump(const struct ldw_eql_ast *ast, size_t node, FILE *out);

#endif /* _LDWATCH_EQL_PARSE_H */
