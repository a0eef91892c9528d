/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EQL lexer: query text to tokens, with string literals decoded.
 *
 * It reads the tokens of Elasticsearch's EQL grammar (EqlBase.g4 in
 * elastic/elasticsearch, x-pack/plugin/eql/src/main/antlr), so that a query
 * outside ldwatch's subset is refused by name ("sequences are not
 * supported") rather than as a syntax error. What it takes from there:
 *
 *  - Keywords are lowercase only: the parser (EqlParser.java) lexes the
 *    text as it is, with no case-folding stream, so "AND" is an identifier.
 *  - "in~", "like~" and "regex~" are one token each; so is a function name
 *    with a '~' ("startsWith~").
 *  - Comments: "//" to the end of the line, and "/" "*" to "*" "/", which
 *    nest (BRACKETED_COMMENT is recursive). Whitespace is space, tab, CR, LF.
 *  - Identifiers: a letter, '_' or '@', then letters, digits and '_'. A
 *    field name is identifiers joined by '.' tokens, each identifier plain
 *    or in backquotes (a doubled backquote inside stands for one).
 *  - Strings ("EQL syntax reference", Strings, Escape characters, Raw
 *    strings; AbstractBuilder.unquoteString()): "..." with the escapes
 *    \t \b \f \n \r \" \' \\ and \u{X..X} (2 to 8 hex digits, a Unicode
 *    code point, not a surrogate, written here as UTF-8); any other escape
 *    is a lexing error in Elasticsearch and is refused here. No raw CR or
 *    LF inside. """...""" is raw: no escapes, no CR or LF, it ends at the
 *    first """ and takes up to two more '"' into the value ("""a"""" is
 *    a"). Single-quoted strings and ?"..." are refused, as Elasticsearch
 *    does, with its advice.
 *  - '?' before a field marks it optional (its own token, OPTIONAL).
 *  - '=' is not equality (ASGN, for maxspan=); "!:" does not exist.
 *
 * Positions are 1-based lines and columns of the query text; columns count
 * characters (UTF-8 sequences), a tab is one column, only LF ends a line.
 */
#ifndef _LDWATCH_EQL_LEX_H
#define _LDWATCH_EQL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "eql_compile.h"

enum ldw_eql_tok {
	LDW_EQL_T_END,		/* end of the text */
	LDW_EQL_T_IDENT,	/* plain identifier; value: its text */
	LDW_EQL_T_QIDENT,	/* `quoted` identifier; value: unquoted */
	LDW_EQL_T_TILDE_IDENT,	/* name~ (a case-insensitive function) */
	LDW_EQL_T_STRING,	/* value: the decoded bytes */
	LDW_EQL_T_NUMBER,
	/* keywords */
	LDW_EQL_T_AND,
	LDW_EQL_T_ANY,
	LDW_EQL_T_BY,
	LDW_EQL_T_FALSE,
	LDW_EQL_T_IN,
	LDW_EQL_T_IN_NOCASE,
	LDW_EQL_T_JOIN,
	LDW_EQL_T_LIKE,
	LDW_EQL_T_LIKE_NOCASE,
	LDW_EQL_T_MAXSPAN,
	LDW_EQL_T_NOT,
	LDW_EQL_T_NULL,
	LDW_EQL_T_OF,
	LDW_EQL_T_OR,
	LDW_EQL_T_REGEX,
	LDW_EQL_T_REGEX_NOCASE,
	LDW_EQL_T_SAMPLE,
	LDW_EQL_T_SEQUENCE,
	LDW_EQL_T_TRUE,
	LDW_EQL_T_UNTIL,
	LDW_EQL_T_WHERE,
	LDW_EQL_T_WITH,
	/* operators and punctuation */
	LDW_EQL_T_SEQ,		/* : */
	LDW_EQL_T_ASGN,		/* = */
	LDW_EQL_T_EQ,		/* == */
	LDW_EQL_T_NEQ,		/* != */
	LDW_EQL_T_LT,
	LDW_EQL_T_LTE,
	LDW_EQL_T_GT,
	LDW_EQL_T_GTE,
	LDW_EQL_T_PLUS,
	LDW_EQL_T_MINUS,
	LDW_EQL_T_ASTERISK,
	LDW_EQL_T_SLASH,
	LDW_EQL_T_PERCENT,
	LDW_EQL_T_DOT,
	LDW_EQL_T_COMMA,
	LDW_EQL_T_LB,		/* [ */
	LDW_EQL_T_RB,		/* ] */
	LDW_EQL_T_LP,		/* ( */
	LDW_EQL_T_RP,		/* ) */
	LDW_EQL_T_PIPE,		/* | */
	LDW_EQL_T_OPTIONAL,	/* ? before a field */
	LDW_EQL_T_MISSING_OPEN,	/* ![ (a sequence's missing event) */
	LDW_EQL_TOKS
};

/*
 * One token: @start and @len delimit its text in the query, @line and
 * @column say where it starts. For identifiers and strings, @value and
 * @value_len delimit its value in the token list's @bytes.
 */
struct ldw_eql_token {
	enum ldw_eql_tok kind;
	size_t start, len;
	unsigned int line, column;
	size_t value, value_len;
};

/*
 * All the tokens of a text, the last one LDW_EQL_T_END; @bytes holds the
 * decoded values. Release with ldw_eql_tokens_free().
 */
struct ldw_eql_tokens {
	struct ldw_eql_token *tok;
	size_t count, cap;
	char *bytes;
	size_t nbytes, bytes_cap;
};

/*
 * Lex the @len bytes at @text (no terminator needed; a NUL byte is a
 * character like any other). Returns 0, or -1 with @err filled (then
 * @out holds nothing to use, but must still be freed).
 */
int ldw_eql_lex(const char *text, size_t len, struct ldw_eql_tokens *out,
		struct ldw_eql_error *err);

void ldw_eql_tokens_free(struct ldw_eql_tokens *t);

/* The keyword or symbol a token kind stands for ("and", "==", "in~"), or NULL. */
const char *ldw_eql_tok_text(enum ldw_eql_tok kind);

/*
 * Fill @err with "@fmt..." at @line:@column. Messages quote text from the
 * query: ldw_eql_quote() writes @len bytes of it into @buf (of @size) with
 * anything unprintable escaped and a long text cut with "...".
 */
__attribute__((format(printf, 4, 5)))
void ldw_eql_fail(struct ldw_eql_error *err, unsigned int line,
		  unsigned int column, const char *fmt, ...);
const char *ldw_eql_quote(const char *text, size_t len, char *buf, size_t size);

#endif /* _LDWATCH_EQL_LEX_H */
