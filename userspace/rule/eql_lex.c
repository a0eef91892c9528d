// SPDX-License-Identifier: GPL-2.0
/*
 * The EQL lexer (eql_lex.h says which tokens, and where that comes from).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/rule.h>

#include "eql_lex.h"

static const struct {
	const char *word;
	enum ldw_eql_tok kind;
} ldw_eql_keywords[] = {
	{ "and", LDW_EQL_T_AND },
	{ "any", LDW_EQL_T_ANY },
	{ "by", LDW_EQL_T_BY },
	{ "false", LDW_EQL_T_FALSE },
	{ "in", LDW_EQL_T_IN },
	{ "join", LDW_EQL_T_JOIN },
	{ "like", LDW_EQL_T_LIKE },
	{ "maxspan", LDW_EQL_T_MAXSPAN },
	{ "not", LDW_EQL_T_NOT },
	{ "null", LDW_EQL_T_NULL },
	{ "of", LDW_EQL_T_OF },
	{ "or", LDW_EQL_T_OR },
	{ "regex", LDW_EQL_T_REGEX },
	{ "sample", LDW_EQL_T_SAMPLE },
	{ "sequence", LDW_EQL_T_SEQUENCE },
	{ "true", LDW_EQL_T_TRUE },
	{ "until", LDW_EQL_T_UNTIL },
	{ "where", LDW_EQL_T_WHERE },
	{ "with", LDW_EQL_T_WITH },
	/* written with their '~' */
	{ "in~", LDW_EQL_T_IN_NOCASE },
	{ "like~", LDW_EQL_T_LIKE_NOCASE },
	{ "regex~", LDW_EQL_T_REGEX_NOCASE },
};

static const char *const ldw_eql_symbols[LDW_EQL_TOKS] = {
	[LDW_EQL_T_SEQ] = ":",
	[LDW_EQL_T_ASGN] = "=",
	[LDW_EQL_T_EQ] = "==",
	[LDW_EQL_T_NEQ] = "!=",
	[LDW_EQL_T_LT] = "<",
	[LDW_EQL_T_LTE] = "<=",
	[LDW_EQL_T_GT] = ">",
	[LDW_EQL_T_GTE] = ">=",
	[LDW_EQL_T_PLUS] = "+",
	[LDW_EQL_T_MINUS] = "-",
	[LDW_EQL_T_ASTERISK] = "*",
	[LDW_EQL_T_SLASH] = "/",
	[LDW_EQL_T_PERCENT] = "%",
	[LDW_EQL_T_DOT] = ".",
	[LDW_EQL_T_COMMA] = ",",
	[LDW_EQL_T_LB] = "[",
	[LDW_EQL_T_RB] = "]",
	[LDW_EQL_T_LP] = "(",
	[LDW_EQL_T_RP] = ")",
	[LDW_EQL_T_PIPE] = "|",
	[LDW_EQL_T_OPTIONAL] = "?",
	[LDW_EQL_T_MISSING_OPEN] = "![",
};

const char *ldw_eql_tok_text(enum ldw_eql_tok kind)
{
	size_t i;

	if ((unsigned int)kind >= LDW_EQL_TOKS)
		return NULL;
	for (i = 0; i < LDW_ARRAY_SIZE(ldw_eql_keywords); i++)
		if (ldw_eql_keywords[i].kind == kind)
			return ldw_eql_keywords[i].word;
	return ldw_eql_symbols[kind];
}

void ldw_eql_fail(struct ldw_eql_error *err, unsigned int line,
		  unsigned int column, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* Quoted text in a message: at most this many bytes of it. */
#define LDW_EQL_QUOTE_MAX 48

const char *ldw_eql_quote(const char *text, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;
	bool cut = len > LDW_EQL_QUOTE_MAX;

	if (!size)
		return buf;
	if (cut)
		len = LDW_EQL_QUOTE_MAX;
	for (i = 0; i < len; i++) {
		unsigned char c = text[i];
		char one[5];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			snprintf(one, sizeof(one), "%c", c);
		else if (c == '"' || c == '\\')
			snprintf(one, sizeof(one), "\\%c", c);
		else
			snprintf(one, sizeof(one), "\\x%02x", c);
		if (n + strlen(one) + 4 >= size) {
			cut = true;
			break;
		}
		memcpy(buf + n, one, strlen(one));
		n += strlen(one);
	}
	if (cut && n + 3 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* The reader's place in the text. */
struct ldw_eql_lexer {
	const char *text;
	size_t len, pos;
	unsigned int line, column;
	struct ldw_eql_tokens *out;
	struct ldw_eql_error *err;
};

static int peek(const struct ldw_eql_lexer *lx, size_t ahead)
{
	return lx->pos + ahead < lx->len ? (unsigned char)lx->text[lx->pos + ahead] : -1;
}

/* Step over @n bytes, counting lines at LF and columns by character. */
static void advance(struct ldw_eql_lexer *lx, size_t n)
{
	while (n-- && lx->pos < lx->len) {
		unsigned char c = lx->text[lx->pos++];

		if (c == '\n') {
			lx->line++;
			lx->column = 1;
		} else if ((c & 0xc0) != 0x80) {
			lx->column++;
		}
	}
}

static bool is_letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
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
	np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int put_bytes(struct ldw_eql_lexer *lx, const void *bytes, size_t n)
{
	struct ldw_eql_tokens *t = lx->out;

	if (grow((void **)&t->bytes, &t->bytes_cap, t->nbytes + n + 1, 1)) {
		ldw_eql_fail(lx->err, lx->line, lx->column, "out of memory");
		return -1;
	}
	memcpy(t->bytes + t->nbytes, bytes, n);
	t->nbytes += n;
	return 0;
}

/* Append a token that starts at @start (@line:@column) and ends here. */
static struct ldw_eql_token *push(struct ldw_eql_lexer *lx, enum ldw_eql_tok kind,
				  size_t start, unsigned int line, unsigned int column)
{
	struct ldw_eql_tokens *t = lx->out;
	struct ldw_eql_token *tok;

	if (grow((void **)&t->tok, &t->cap, t->count + 1, sizeof(*t->tok))) {
		ldw_eql_fail(lx->err, line, column, "out of memory");
		return NULL;
	}
	tok = &t->tok[t->count++];
	tok->kind = kind;
	tok->start = start;
	tok->len = lx->pos - start;
	tok->line = line;
	tok->column = column;
	tok->value = t->nbytes;
	tok->value_len = 0;
	return tok;
}

/* Skip whitespace and comments. */
static int skip_blank(struct ldw_eql_lexer *lx)
{
	for (;;) {
		int c = peek(lx, 0);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(lx, 1);
		} else if (c == '/' && peek(lx, 1) == '/') {
			while (lx->pos < lx->len && peek(lx, 0) != '\n')
				advance(lx, 1);
		} else if (c == '/' && peek(lx, 1) == '*') {
			unsigned int line = lx->line, column = lx->column;
			size_t depth = 0;

			/* Block comments nest, as in Elasticsearch's grammar. */
			do {
				if (lx->pos >= lx->len) {
					ldw_eql_fail(lx->err, line, column,
						     "this comment is not closed");
					return -1;
				}
				if (peek(lx, 0) == '/' && peek(lx, 1) == '*') {
					depth++;
					advance(lx, 2);
				} else if (peek(lx, 0) == '*' && peek(lx, 1) == '/') {
					depth--;
					advance(lx, 2);
				} else {
					advance(lx, 1);
				}
			} while (depth);
		} else {
			return 0;
		}
	}
}

static int lex_word(struct ldw_eql_lexer *lx)
{
	size_t start = lx->pos, i;
	unsigned int line = lx->line, column = lx->column;
	enum ldw_eql_tok kind = LDW_EQL_T_IDENT;
	struct ldw_eql_token *tok;
	bool letter = is_letter(peek(lx, 0));

	advance(lx, 1);
	while (is_letter(peek(lx, 0)) || is_digit(peek(lx, 0)) || peek(lx, 0) == '_')
		advance(lx, 1);
	/* name~: in~, like~, regex~ or a case-insensitive function's name */
	if (letter && peek(lx, 0) == '~') {
		advance(lx, 1);
		kind = LDW_EQL_T_TILDE_IDENT;
	}
	for (i = 0; i < LDW_ARRAY_SIZE(ldw_eql_keywords); i++) {
		const char *w = ldw_eql_keywords[i].word;

		if (strlen(w) == lx->pos - start && !memcmp(w, lx->text + start, strlen(w))) {
			kind = ldw_eql_keywords[i].kind;
			break;
		}
	}
	tok = push(lx, kind, start, line, column);
	if (!tok)
		return -1;
	if (kind == LDW_EQL_T_IDENT || kind == LDW_EQL_T_TILDE_IDENT) {
		if (put_bytes(lx, lx->text + start, lx->pos - start))
			return -1;
		tok->value_len = lx->pos - start;
	}
	return 0;
}

/* `quoted identifier`, a doubled backquote standing for one */
static int lex_quoted_ident(struct ldw_eql_lexer *lx)
{
	size_t start = lx->pos, value = lx->out->nbytes;
	unsigned int line = lx->line, column = lx->column;
	struct ldw_eql_token *tok;

	advance(lx, 1);
	for (;;) {
		if (lx->pos >= lx->len) {
			ldw_eql_fail(lx->err, line, column, "this `quoted name` is not closed");
			return -1;
		}
		if (peek(lx, 0) == '`') {
			if (peek(lx, 1) != '`')
				break;
			advance(lx, 1);
		}
		if (put_bytes(lx, lx->text + lx->pos, 1))
			return -1;
		advance(lx, 1);
	}
	advance(lx, 1);
	tok = push(lx, LDW_EQL_T_QIDENT, start, line, column);
	if (!tok)
		return -1;
	tok->value = value;
	tok->value_len = lx->out->nbytes - value;
	return 0;
}

static int lex_number(struct ldw_eql_lexer *lx)
{
	size_t start = lx->pos;
	unsigned int line = lx->line, column = lx->column;

	while (is_digit(peek(lx, 0)) || peek(lx, 0) == '.')
		advance(lx, 1);
	if (peek(lx, 0) == 'e' || peek(lx, 0) == 'E') {
		int sign = peek(lx, 1) == '+' || peek(lx, 1) == '-';

		if (is_digit(peek(lx, 1 + sign))) {
			advance(lx, 1 + sign);
			while (is_digit(peek(lx, 0)))
				advance(lx, 1);
		}
	}
	return push(lx, LDW_EQL_T_NUMBER, start, line, column) ? 0 : -1;
}

/* Write code point @cp as UTF-8 into the token bytes. */
static int put_utf8(struct ldw_eql_lexer *lx, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	return put_bytes(lx, u, n);
}

/* \u{X..X}, the reader on the backslash */
static int lex_unicode_escape(struct ldw_eql_lexer *lx)
{
	unsigned int line = lx->line, column = lx->column;
	unsigned long cp = 0;
	size_t digits = 0;

	if (peek(lx, 2) != '{') {
		ldw_eql_fail(lx->err, line, column,
			     "\\u must be followed by {hex digits}, as \\u{200f}");
		return -1;
	}
	advance(lx, 3);
	while (is_hex(peek(lx, 0))) {
		int c = peek(lx, 0);

		if (digits < 8)
			cp = cp * 16 + (is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
		digits++;
		advance(lx, 1);
	}
	if (peek(lx, 0) != '}') {
		ldw_eql_fail(lx->err, line, column,
			     "\\u{ must be followed by hex digits and }, as \\u{200f}");
		return -1;
	}
	advance(lx, 1);
	if (digits < 2 || digits > 8) {
		ldw_eql_fail(lx->err, line, column,
			     "a \\u{...} escape takes 2 to 8 hex digits, not %zu", digits);
		return -1;
	}
	if (cp >= 0xd800 && cp <= 0xdfff) {
		ldw_eql_fail(lx->err, line, column,
			     "\\u{%lx} is a surrogate, not a character", cp);
		return -1;
	}
	if (cp > 0x10ffff) {
		ldw_eql_fail(lx->err, line, column,
			     "\\u{%lx} is beyond the last Unicode code point (10ffff)", cp);
		return -1;
	}
	return put_utf8(lx, cp);
}

static int lex_string(struct ldw_eql_lexer *lx)
{
	size_t start = lx->pos, value = lx->out->nbytes;
	unsigned int line = lx->line, column = lx->column;
	struct ldw_eql_token *tok;

	if (peek(lx, 1) == '"' && peek(lx, 2) == '"') {
		/* """raw""": ends at the first """, which may be followed by up to two more " */
		size_t i = lx->pos + 3, end = 0, extra = 0;

		for (; i + 2 < lx->len; i++) {
			if (lx->text[i] == '\r' || lx->text[i] == '\n')
				break;
			if (!memcmp(lx->text + i, "\"\"\"", 3)) {
				end = i;
				break;
			}
		}
		if (!end) {
			ldw_eql_fail(lx->err, line, column,
				     "this \"\"\"raw string\"\"\" is not closed on its line");
			return -1;
		}
		while (extra < 2 && end + 3 + extra < lx->len && lx->text[end + 3 + extra] == '"')
			extra++;
		if (put_bytes(lx, lx->text + start + 3, end + extra - start - 3))
			return -1;
		advance(lx, end + 3 + extra - start);
		goto done;
	}
	advance(lx, 1);
	for (;;) {
		int c = peek(lx, 0);

		if (c < 0) {
			ldw_eql_fail(lx->err, line, column, "this string is not closed");
			return -1;
		}
		if (c == '\r' || c == '\n') {
			ldw_eql_fail(lx->err, lx->line, lx->column,
				     "a string cannot hold a line break: write \\n or \\r");
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			int e = peek(lx, 1);
			char ch;

			switch (e) {
			case 't':
				ch = '\t';
				break;
			case 'b':
				ch = '\b';
				break;
			case 'f':
				ch = '\f';
				break;
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			case '"':
			case '\'':
			case '\\':
				ch = e;
				break;
			case 'u':
				if (lex_unicode_escape(lx))
					return -1;
				continue;
			case -1:
				ldw_eql_fail(lx->err, line, column, "this string is not closed");
				return -1;
			default: {
				char q[16];

				ldw_eql_fail(lx->err, lx->line, lx->column,
					     "\"\\%s\" is not an EQL escape: the escapes are %s",
					     ldw_eql_quote(lx->text + lx->pos + 1, 1, q, sizeof(q)),
					     "\\t \\b \\f \\n \\r \\\" \\' \\\\ and \\u{hex}");
				return -1;
			}
			}
			if (put_bytes(lx, &ch, 1))
				return -1;
			advance(lx, 2);
			continue;
		}
		if (put_bytes(lx, lx->text + lx->pos, 1))
			return -1;
		advance(lx, 1);
	}
	advance(lx, 1);
done:
	tok = push(lx, LDW_EQL_T_STRING, start, line, column);
	if (!tok)
		return -1;
	tok->value = value;
	tok->value_len = lx->out->nbytes - value;
	return 0;
}

static int lex_symbol(struct ldw_eql_lexer *lx)
{
	static const struct {
		const char *text;
		enum ldw_eql_tok kind;
	} symbols[] = {
		/* longest first */
		{ "==", LDW_EQL_T_EQ }, { "!=", LDW_EQL_T_NEQ },
		{ "<=", LDW_EQL_T_LTE }, { ">=", LDW_EQL_T_GTE },
		{ "![", LDW_EQL_T_MISSING_OPEN },
		{ ":", LDW_EQL_T_SEQ }, { "=", LDW_EQL_T_ASGN },
		{ "<", LDW_EQL_T_LT }, { ">", LDW_EQL_T_GT },
		{ "+", LDW_EQL_T_PLUS }, { "-", LDW_EQL_T_MINUS },
		{ "*", LDW_EQL_T_ASTERISK }, { "/", LDW_EQL_T_SLASH },
		{ "%", LDW_EQL_T_PERCENT }, { ".", LDW_EQL_T_DOT },
		{ ",", LDW_EQL_T_COMMA }, { "[", LDW_EQL_T_LB },
		{ "]", LDW_EQL_T_RB }, { "(", LDW_EQL_T_LP },
		{ ")", LDW_EQL_T_RP }, { "|", LDW_EQL_T_PIPE },
		{ "?", LDW_EQL_T_OPTIONAL },
	};
	size_t start = lx->pos, i;
	unsigned int line = lx->line, column = lx->column;

	for (i = 0; i < LDW_ARRAY_SIZE(symbols); i++) {
		size_t n = strlen(symbols[i].text);

		if (lx->pos + n <= lx->len && !memcmp(lx->text + lx->pos, symbols[i].text, n)) {
			advance(lx, n);
			return push(lx, symbols[i].kind, start, line, column) ? 0 : -1;
		}
	}
	{
		/* one whole UTF-8 character, for the message */
		size_t n = 1;
		char q[64];

		while (lx->pos + n < lx->len && n < 4 &&
		       ((unsigned char)lx->text[lx->pos + n] & 0xc0) == 0x80)
			n++;
		ldw_eql_fail(lx->err, line, column, "\"%s\" is not part of EQL",
			     ldw_eql_quote(lx->text + lx->pos, n, q, sizeof(q)));
	}
	return -1;
}

int ldw_eql_lex(const char *text, size_t len, struct ldw_eql_tokens *out,
		struct ldw_eql_error *err)
{
	struct ldw_eql_lexer lx = {
		.text = text, .len = len, .line = 1, .column = 1, .out = out, .err = err,
	};

	memset(out, 0, sizeof(*out));
	/* values point into @bytes, even empty ones: never leave it NULL */
	if (put_bytes(&lx, "", 0))
		return -1;
	for (;;) {
		int c, rc;

		if (skip_blank(&lx))
			return -1;
		c = peek(&lx, 0);
		if (c < 0)
			break;
		if (is_letter(c) || c == '_' || c == '@') {
			rc = lex_word(&lx);
		} else if (c == '`') {
			rc = lex_quoted_ident(&lx);
		} else if (is_digit(c) || (c == '.' && is_digit(peek(&lx, 1)))) {
			rc = lex_number(&lx);
		} else if (c == '"') {
			rc = lex_string(&lx);
		} else if (c == '\'') {
			ldw_eql_fail(err, lx.line, lx.column,
				     "strings in single quotes are not EQL: use double quotes");
			rc = -1;
		} else if (c == '?' && (peek(&lx, 1) == '"' || peek(&lx, 1) == '\'')) {
			ldw_eql_fail(err, lx.line, lx.column,
				     "?\"...\" strings are not EQL: write a raw string as \"\"\"...\"\"\"");
			rc = -1;
		} else {
			rc = lex_symbol(&lx);
		}
		if (rc)
			return -1;
	}
	return push(&lx, LDW_EQL_T_END, lx.pos, lx.line, lx.column) ? 0 : -1;
}

void ldw_eql_tokens_free(struct ldw_eql_tokens *t)
{
	free(t->tok);
	free(t->bytes);
	memset(t, 0, sizeof(*t));
}
