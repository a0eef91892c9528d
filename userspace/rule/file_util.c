// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the rule-file and exception-file readers: error positions,
 * bounded file reading, typed access to json-c objects.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "file_util.h"

void ldw_file_error_print(FILE *out, const struct ldw_file_error *err,
			  const char *fallback)
{
	const char *file = err->file ? err->file : fallback;

	fputs(file ? file : "-", out);
	if (err->line)
		fprintf(out, ":%u", err->line);
	if (err->line && err->column)
		fprintf(out, ":%u", err->column);
	if (err->in_query)
		fprintf(out, ": query:%u:%u", err->qline, err->qcolumn);
	fprintf(out, ": %s\n", err->message);
}

int ldw_file_fail(struct ldw_file_error *err, unsigned int line, unsigned int column,
		  const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->column = column;
	err->in_query = false;
	err->io = false;
	err->qline = 0;
	err->qcolumn = 0;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void *ldw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fputs("ldwatch: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *ldw_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size) {
		fputs("ldwatch: out of memory\n", stderr);
		abort();
	}
	q = realloc(p, n && size ? n * size : 1);
	if (!q) {
		fputs("ldwatch: out of memory\n", stderr);
		abort();
	}
	return q;
}

char *ldw_xstrndup(const char *s, size_t len)
{
	char *p = ldw_xcalloc(len + 1, 1);

	memcpy(p, s, len);
	return p;
}

int ldw_file_slurp(const char *path, char **text, size_t *len, struct ldw_file_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 65536, n = 0, got;
	char *buf;

	*text = NULL;
	*len = 0;
	if (!f) {
		ldw_file_fail(err, 0, 0, "cannot open: %s", strerror(errno));
		err->io = true;
		return -1;
	}
	buf = ldw_xcalloc(cap + 1, 1);
	for (;;) {
		if (n == cap) {
			if (cap > LDW_FILE_MAX_SIZE)
				break;
			cap *= 2;
			buf = ldw_xrealloc(buf, cap + 1, 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		if (f != stdin)
			fclose(f);
		free(buf);
		ldw_file_fail(err, 0, 0, "cannot read: %s", strerror(e));
		err->io = true;
		return -1;
	}
	if (f != stdin)
		fclose(f);
	if (n > LDW_FILE_MAX_SIZE) {
		free(buf);
		return ldw_file_fail(err, 0, 0, "larger than %u MiB: not a rule or exception file",
				     LDW_FILE_MAX_SIZE >> 20);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

char ldw_first_nonblank(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!strchr(" \t\r\n", text[i]) || !text[i])
			return text[i];
	}
	return 0;
}

void ldw_text_position(const char *text, size_t offset, unsigned int *line,
		       unsigned int *column)
{
	unsigned int l = 1, c = 1;
	size_t i;

	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*column = c;
}

/* Skip the JSON string whose opening quote is at @i; returns the index of its closing quote. */
static size_t ldw_json_skip_string(const char *text, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i;
	}
	return len;
}

long ldw_json_member_offset(const char *text, size_t len, const char *const *path,
			    unsigned int npath)
{
	enum { MAXD = 8 };
	char kind[MAXD];
	bool keymatch[MAXD] = { false };
	unsigned int depth = 0, l;
	bool expect_value = false, all;
	size_t i, end, j;

	if (npath == 0 || npath > 4)
		return -1;
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (expect_value) {
			expect_value = false;
			all = depth == npath;
			for (l = 0; all && l < npath; l++)
				all = kind[l] == '{' && keymatch[l];
			if (all)
				return (long)i;
		}
		if (c == '"') {
			end = ldw_json_skip_string(text, len, i);
			if (depth && depth <= MAXD && kind[depth - 1] == '{') {
				for (j = end + 1; j < len && strchr(" \t\r\n", text[j]) && text[j]; j++)
					;
				if (j < len && text[j] == ':') {
					l = depth - 1;
					keymatch[l] = l < npath && strlen(path[l]) == end - i - 1 &&
						      !memcmp(path[l], text + i + 1, end - i - 1);
					expect_value = true;
					i = j;
					continue;
				}
			}
			i = end;
		} else if (c == '{' || c == '[') {
			if (depth < MAXD) {
				kind[depth] = c;
				keymatch[depth] = false;
			}
			depth++;
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		}
	}
	return -1;
}

struct json_object *ldw_file_json_parse(const char *text, size_t len, unsigned int line,
				   struct ldw_file_error *err)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	unsigned int l, c;
	size_t end, i;

	if (memchr(text, '\0', len)) {
		ldw_text_position(text, (const char *)memchr(text, '\0', len) - text, &l, &c);
		ldw_file_fail(err, line + l - 1, c, "a NUL byte: not JSON text");
		return NULL;
	}
	if (len > INT_MAX) {
		ldw_file_fail(err, line, 0, "JSON text too large");
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		fputs("ldwatch: out of memory\n", stderr);
		abort();
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj) {
		ldw_text_position(text, end < len ? end : len, &l, &c);
		if (jerr == json_tokener_continue || jerr == json_tokener_success)
			ldw_file_fail(err, line + l - 1, c, "bad JSON: the text ends inside a value");
		else
			ldw_file_fail(err, line + l - 1, c, "bad JSON: %s",
				      json_tokener_error_desc(jerr));
		return NULL;
	}
	for (i = end; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			ldw_text_position(text, i, &l, &c);
			json_object_put(obj);
			ldw_file_fail(err, line + l - 1, c,
				      "bad JSON: more text after the JSON value");
			return NULL;
		}
	}
	return obj;
}

const char *ldw_json_kind(struct json_object *obj)
{
	switch (json_object_get_type(obj)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a JSON boolean";
	case json_type_double:
		return "a JSON number with a fraction";
	case json_type_int:
		return "a JSON number";
	case json_type_object:
		return "a JSON object";
	case json_type_array:
		return "a JSON array";
	case json_type_string:
		return "a JSON string";
	}
	return "a JSON value";
}

/* Look @key up; 1: absent or null (error if @required), 0: found, -1: error. */
static int ldw_json_member(struct json_object *obj, const char *key, const char *what,
			   bool required, struct json_object **out,
			   struct ldw_file_error *err, unsigned int line, unsigned int column)
{
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out) || !*out) {
		if (required)
			return ldw_file_fail(err, line, column, "%s: missing", what ? what : key);
		return 1;
	}
	return 0;
}

int ldw_json_string(struct json_object *obj, const char *key, const char *what,
		    bool required, size_t max_len, const char **out, size_t *out_len,
		    struct ldw_file_error *err, unsigned int line, unsigned int column)
{
	struct json_object *v;
	int ret = ldw_json_member(obj, key, what, required, &v, err, line, column);
	size_t n;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (ret)
		return ret;
	if (!json_object_is_type(v, json_type_string))
		return ldw_file_fail(err, line, column, "%s: %s where a string is expected",
				     what ? what : key, ldw_json_kind(v));
	n = json_object_get_string_len(v);
	if (n > max_len)
		return ldw_file_fail(err, line, column, "%s: longer than %zu bytes",
				     what ? what : key, max_len);
	*out = json_object_get_string(v);
	if (out_len)
		*out_len = n;
	return 0;
}

int ldw_json_uint(struct json_object *obj, const char *key, const char *what,
		  bool required, unsigned long min, unsigned long max, unsigned long *out,
		  struct ldw_file_error *err, unsigned int line, unsigned int column)
{
	struct json_object *v;
	int ret = ldw_json_member(obj, key, what, required, &v, err, line, column);
	int64_t n;

	*out = 0;
	if (ret)
		return ret;
	if (!json_object_is_type(v, json_type_int))
		return ldw_file_fail(err, line, column, "%s: %s where a whole number is expected",
				     what ? what : key, ldw_json_kind(v));
	errno = 0;
	n = json_object_get_int64(v);
	if (errno || n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return ldw_file_fail(err, line, column, "%s: %s is out of range (%lu to %lu)",
				     what ? what : key, json_object_to_json_string(v), min, max);
	*out = (unsigned long)n;
	return 0;
}

static int ldw_json_typed(struct json_object *obj, const char *key, const char *what,
			  bool required, enum json_type type, const char *type_name,
			  struct json_object **out, struct ldw_file_error *err,
			  unsigned int line, unsigned int column)
{
	int ret = ldw_json_member(obj, key, what, required, out, err, line, column);

	if (ret)
		return ret;
	if (!json_object_is_type(*out, type)) {
		ret = ldw_file_fail(err, line, column, "%s: %s where %s is expected",
				    what ? what : key, ldw_json_kind(*out), type_name);
		*out = NULL;
	}
	return ret;
}

int ldw_json_array(struct json_object *obj, const char *key, const char *what,
		   bool required, struct json_object **out,
		   struct ldw_file_error *err, unsigned int line, unsigned int column)
{
	return ldw_json_typed(obj, key, what, required, json_type_array, "an array", out,
			      err, line, column);
}

int ldw_json_object(struct json_object *obj, const char *key, const char *what,
		    bool required, struct json_object **out,
		    struct ldw_file_error *err, unsigned int line, unsigned int column)
{
	return ldw_json_typed(obj, key, what, required, json_type_object, "an object", out,
			      err, line, column);
}

char *ldw_meta_dup(const char *s, size_t len, const char *what, struct ldw_file_error *err,
		   unsigned int line, unsigned int column)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			ldw_file_fail(err, line, column,
				      "%s: holds a control byte (0x%02x), which ldwatch does not "
				      "put in alerts", what, c);
			return NULL;
		}
	}
	return ldw_xstrndup(s, len);
}
