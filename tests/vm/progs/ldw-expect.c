// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-expect: the guest scenarios' oracle. Reads what ldwatchd wrote (one
 * ECS JSON document a line) and checks it against expectations written as
 * field conditions, printing one "ok - ..." or "not ok - ..." line per
 * expectation and, on failure, a field-by-field account of what differed.
 *
 *   ldw-expect check FILE [SELECTION] [CLAUSE]...   check expectations
 *   ldw-expect wait FILE --path PATH [...]          wait for a fence alert
 *   ldw-expect count FILE [SELECTION] [COND]...     count matching records
 *   ldw-expect summary FILE...                      one readable line a record
 *
 * It knows nothing of the sensor's code: every expected value comes from the
 * scenario, which derives it from the rule text and from what the acting
 * process reported about itself. See usage() for the condition language.
 *
 * Exit status: 0 every expectation held (check), the fence came (wait);
 * 1 something failed or timed out; 2 usage or I/O error.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define PROG "ldw-expect"
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* Records shown at most when explaining one failed expectation. */
#define MAX_SHOWN 12

/* ------------------------------------------------------------ utilities */

static __printf(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stdout);
	/* No exit handlers: a leak checker would turn status 2 into its own. */
	_exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* A growable byte string. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

static __printf(2, 3) void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/*
 * Append @n bytes at @s for a human, as ASCII: printable ASCII as is, '\'
 * and '"' escaped, \n \t as such, every other byte (UTF-8 included) as
 * \xHH, so that what is shown is exact and survives any terminal or log;
 * cut at @max bytes.
 */
static void buf_show_ex(struct buf *b, const char *s, size_t n, size_t max, bool quotes)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == max) {
			buf_add(b, "...", 3);
			return;
		}
		if (c == '\\' || (quotes && c == '"')) {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n') {
			buf_add(b, "\\n", 2);
		} else if (c == '\t') {
			buf_add(b, "\\t", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			buf_printf(b, "\\x%02x", c);
		} else {
			buf_addc(b, (char)c);
		}
	}
}

static void buf_show(struct buf *b, const char *s, size_t n, size_t max)
{
	buf_show_ex(b, s, n, max, true);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode \\ \n \t \r \xHH in @s (NUL-terminated) into a new string;
 * @len gets its length (it may hold \x00). Unknown escapes are an error.
 */
static char *unescape(const char *s, size_t *len)
{
	char *out = xmalloc(strlen(s) + 1), *w = out;
	int hi, lo;

	while (*s) {
		if (*s != '\\') {
			*w++ = *s++;
			continue;
		}
		switch (s[1]) {
		case '\\': *w++ = '\\'; s += 2; break;
		case 'n': *w++ = '\n'; s += 2; break;
		case 't': *w++ = '\t'; s += 2; break;
		case 'r': *w++ = '\r'; s += 2; break;
		case 'x':
			hi = hexval(s[2]);
			lo = hi < 0 ? -1 : hexval(s[3]);
			if (lo < 0) {
				free(out);
				die("bad \\x escape in: %s", s);
			}
			*w++ = (char)(hi << 4 | lo);
			s += 4;
			break;
		default:
			free(out);
			die("unknown escape \\%c (known: \\\\ \\n \\t \\r \\xHH)", s[1]);
		}
	}
	*w = '\0';
	*len = (size_t)(w - out);
	return out;
}

/* Strict base64 (RFC 4648, padded); returns 0 or -1. */
static int base64_decode(const char *s, size_t n, struct buf *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int acc = 0;
	size_t i, pad = 0;
	int bits = 0;

	if (n % 4)
		return -1;
	for (i = 0; i < n; i++) {
		const char *p;

		if (s[i] == '=') {
			if (i < n - 2)
				return -1;
			pad++;
			continue;
		}
		if (pad || !s[i])
			return -1;
		p = strchr(alphabet, s[i]);
		if (!p)
			return -1;
		acc = acc << 6 | (unsigned int)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)(acc >> bits & 0xff));
		}
	}
	/* Leftover bits must be zero, as an encoder writes them. */
	if (acc & ((1u << bits) - 1))
		return -1;
	return 0;
}

/* ------------------------------------------------------------- records */

struct record {
	long line;		/* 1-based line number in the file */
	json_object *doc;	/* NULL: not a valid document */
	char *error;		/* why not, if not */
	bool has_seq;
	uint64_t seq;		/* event.sequence, if an unsigned integer */
};

struct records {
	struct record *v;
	size_t n;
	bool last_line_unterminated;
};

/* Lines load() parses: [first, last]; the others are counted, not parsed. */
struct line_range {
	long first, last;
};

#define ALL_LINES ((struct line_range){ 1, LONG_MAX })

/*
 * Look up a dotted field, nested objects first, then any mix of dotted keys
 * ("a.b": {"c": ...}). A JSON null counts as absent.
 */
static json_object *lookup(json_object *o, const char *path)
{
	const char *dot;
	json_object *v;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	for (dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		char *head = xstrndup(path, (size_t)(dot - path));
		bool found = json_object_object_get_ex(o, head, &v);

		free(head);
		if (found && (v = lookup(v, dot + 1)))
			return v;
	}
	if (json_object_object_get_ex(o, path, &v))
		return v;
	return NULL;
}

static const char *get_string(json_object *doc, const char *field)
{
	json_object *v = lookup(doc, field);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Parse one line into @r. */
static void parse_line(struct record *r, const char *line, size_t len)
{
	struct json_tokener *tok;
	json_object *seq;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)line[i] < 0x20) {
			r->error = xmalloc(64);
			snprintf(r->error, 64, "raw control byte 0x%02x at byte %zu",
				 (unsigned char)line[i], i + 1);
			return;
		}
	}
	tok = json_tokener_new();
	if (!tok)
		die("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	r->doc = json_tokener_parse_ex(tok, line, (int)len);
	if (!r->doc || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(r->doc, json_type_object)) {
		const char *why = json_tokener_get_error(tok) == json_tokener_success ?
			(r->doc ? "not one JSON object" : "incomplete JSON") :
			json_tokener_error_desc(json_tokener_get_error(tok));

		r->error = xmalloc(strlen(why) + 64);
		sprintf(r->error, "%s (near byte %zu)", why, json_tokener_get_parse_end(tok) + 1);
		json_object_put(r->doc);
		r->doc = NULL;
	}
	json_tokener_free(tok);
	if (!r->doc)
		return;
	seq = lookup(r->doc, "event.sequence");
	if (seq && json_object_is_type(seq, json_type_int) && json_object_get_int64(seq) >= 0) {
		r->has_seq = true;
		r->seq = json_object_get_uint64(seq);
	}
}

static void load(struct records *rs, const char *path, struct line_range range)
{
	struct buf data = { 0 };
	char chunk[65536];
	size_t n, start, i;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);

	start = 0;
	for (i = 0; i <= data.len; i++) {
		struct record *r;

		if (i < data.len && data.p[i] != '\n')
			continue;
		if (i == data.len) {
			if (start == data.len)
				break;
			rs->last_line_unterminated = true;
		}
		rs->v = xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
		r = &rs->v[rs->n];
		memset(r, 0, sizeof(*r));
		r->line = (long)rs->n + 1;
		rs->n++;
		if (r->line >= range.first && r->line <= range.last)
			parse_line(r, data.p + start, i - start);
		start = i + 1;
	}
	free(data.p);
}

static void records_free(struct records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		json_object_put(rs->v[i].doc);
		free(rs->v[i].error);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

/* --------------------------------------------------------- conditions */

enum cond_op {
	C_EQ,		/* FIELD=VALUE */
	C_GLOB,		/* FIELD~GLOB */
	C_BYTES,	/* FIELD@=BYTES */
	C_TYPE,		/* FIELD:TYPE */
	C_ABSENT,	/* !FIELD */
	C_PRESENT,	/* ?FIELD */
};

struct cond {
	enum cond_op op;
	char *field;
	char *value;	/* may hold NUL bytes: see vlen */
	size_t vlen;
	json_type type;
	const char *text;	/* as written, for messages */
	char *owned_text;	/* @text, if this condition owns it */
};

static const struct {
	const char *name;
	json_type type;
} type_names[] = {
	{ "string", json_type_string }, { "int", json_type_int },
	{ "number", json_type_double }, { "bool", json_type_boolean },
	{ "array", json_type_array }, { "object", json_type_object },
};

static void parse_cond(struct cond *c, const char *text, bool escapes)
{
	const char *op = text + strcspn(text, "=~:");
	size_t i;

	memset(c, 0, sizeof(*c));
	c->text = text;
	if (text[0] == '!' || text[0] == '?') {
		c->op = text[0] == '!' ? C_ABSENT : C_PRESENT;
		c->field = xstrndup(text + 1, strlen(text + 1));
		if (!c->field[0])
			die("condition without a field: %s", text);
		return;
	}
	if (!*op || op == text)
		die("not a condition (FIELD=V, FIELD~GLOB, FIELD@=BYTES, FIELD:TYPE, !FIELD, ?FIELD): %s",
		    text);
	if (*op == '=' && op - text > 1 && op[-1] == '@') {
		c->op = C_BYTES;
		c->field = xstrndup(text, (size_t)(op - 1 - text));
	} else {
		c->op = *op == '=' ? C_EQ : *op == '~' ? C_GLOB : C_TYPE;
		c->field = xstrndup(text, (size_t)(op - text));
	}
	if (escapes) {
		c->value = unescape(op + 1, &c->vlen);
	} else {
		c->value = xstrndup(op + 1, strlen(op + 1));
		c->vlen = strlen(c->value);
	}
	if (c->op == C_GLOB && memchr(c->value, '\0', c->vlen))
		die("a glob cannot hold \\x00: %s", text);
	if (c->op == C_TYPE) {
		for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
			if (!strcmp(type_names[i].name, c->value))
				break;
		if (i == sizeof(type_names) / sizeof(type_names[0]))
			die("unknown type in %s (string int number bool array object)", text);
		c->type = type_names[i].type;
	}
}

/* The field's value as text: a string's bytes, else its JSON text. */
static const char *value_text(json_object *v, size_t *len)
{
	const char *s;

	if (json_object_is_type(v, json_type_string)) {
		*len = (size_t)json_object_get_string_len(v);
		return json_object_get_string(v);
	}
	s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	*len = strlen(s);
	return s;
}

/*
 * The exact bytes a consumer recovers for @field: ldwatch.raw.<field>
 * (base64) when present, else the string itself. Returns 0, or -1 with a
 * reason in @why.
 */
static int recovered_bytes(json_object *doc, const char *field, struct buf *out,
			   const char **why)
{
	char *rawname = xmalloc(strlen(field) + 16);
	json_object *v, *raw;

	sprintf(rawname, "ldwatch.raw.%s", field);
	raw = lookup(doc, rawname);
	free(rawname);
	v = lookup(doc, field);
	if (!v) {
		*why = "absent";
		return -1;
	}
	if (raw) {
		if (!json_object_is_type(raw, json_type_string) ||
		    base64_decode(json_object_get_string(raw),
				  (size_t)json_object_get_string_len(raw), out)) {
			*why = "ldwatch.raw copy is not valid base64";
			return -1;
		}
		return 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		*why = "not a string";
		return -1;
	}
	buf_add(out, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	return 0;
}

/* Does @doc satisfy @c? If not and @why is given, say what it holds. */
static bool cond_holds(const struct cond *c, json_object *doc, struct buf *why)
{
	json_object *v = lookup(doc, c->field);
	struct buf bytes = { 0 };
	const char *s, *reason;
	bool held = false;
	size_t len;

	switch (c->op) {
	case C_ABSENT:
		held = !v;
		break;
	case C_PRESENT:
		held = v;
		break;
	case C_TYPE:
		held = v && json_object_is_type(v, c->type);
		break;
	case C_EQ:
		if (v) {
			s = value_text(v, &len);
			held = len == c->vlen && !memcmp(s, c->value, len);
		}
		break;
	case C_GLOB:
		if (v) {
			s = value_text(v, &len);
			held = !memchr(s, '\0', len) && !fnmatch(c->value, s, 0);
		}
		break;
	case C_BYTES:
		if (recovered_bytes(doc, c->field, &bytes, &reason) == 0) {
			held = bytes.len == c->vlen && !memcmp(bytes.p, c->value, c->vlen);
		} else if (why && !held) {
			buf_printf(why, "%s: %s", c->field, reason);
			free(bytes.p);
			return false;
		}
		break;
	}
	if (!held && why) {
		buf_printf(why, "%s: want ", c->field);
		switch (c->op) {
		case C_ABSENT: buf_add(why, "absent", 6); break;
		case C_PRESENT: buf_add(why, "present", 7); break;
		case C_TYPE: buf_printf(why, "a %s", c->value); break;
		case C_GLOB: buf_add(why, "~", 1); /* fall through */
		default:
			buf_addc(why, '"');
			buf_show(why, c->value, c->vlen, 200);
			buf_addc(why, '"');
		}
		buf_add(why, ", got ", 6);
		if (c->op == C_BYTES && bytes.p) {
			buf_add(why, "bytes \"", 7);
			buf_show(why, bytes.p, bytes.len, 200);
			buf_addc(why, '"');
		} else if (!v) {
			buf_add(why, "absent", 6);
		} else {
			s = value_text(v, &len);
			if (json_object_is_type(v, json_type_string))
				buf_addc(why, '"');
			buf_show(why, s, len, 200);
			if (json_object_is_type(v, json_type_string))
				buf_addc(why, '"');
			if (c->op == C_TYPE)
				buf_printf(why, " (a %s)", json_type_to_name(json_object_get_type(v)));
		}
	}
	free(bytes.p);
	return held;
}

/* -------------------------------------------------------- descriptions */

/* One readable line for a record: "#SEQ ALERT creation PATH by EXE (...)". */
static void describe_record(struct buf *b, const struct record *r)
{
	const char *kind, *action, *path, *orig, *exe, *s;
	json_object *v, *ldw;
	size_t len;

	if (!r->doc) {
		buf_printf(b, "line %ld: INVALID: %s", r->line, r->error);
		return;
	}
	kind = get_string(r->doc, "event.kind");
	action = get_string(r->doc, "event.action");
	if (kind && !strcmp(kind, "alert")) {
		path = get_string(r->doc, "file.path");
		orig = get_string(r->doc, "file.Ext.original.path");
		exe = get_string(r->doc, "process.executable");
		if (r->has_seq)
			buf_printf(b, "#%" PRIu64 " ", r->seq);
		buf_printf(b, "ALERT %s ", action ? action : "?");
		if (path) {
			v = lookup(r->doc, "file.path");
			buf_show(b, path, (size_t)json_object_get_string_len(v), 300);
		} else {
			buf_add(b, "(no file.path)", 14);
		}
		if (orig) {
			v = lookup(r->doc, "file.Ext.original.path");
			buf_add(b, " (from ", 7);
			buf_show(b, orig, (size_t)json_object_get_string_len(v), 300);
			buf_addc(b, ')');
		}
		buf_add(b, " by ", 4);
		if (exe)
			buf_show(b, exe, strlen(exe), 300);
		else
			buf_add(b, "(no executable)", 15);
		buf_add(b, " (pid ", 6);
		v = lookup(r->doc, "process.pid");
		s = v ? value_text(v, &len) : "?";
		buf_add(b, s, strlen(s));
		buf_add(b, ", uid ", 6);
		v = lookup(r->doc, "user.id");
		s = v ? value_text(v, &len) : "?";
		buf_add(b, s, strlen(s));
		buf_addc(b, ')');
		return;
	}
	buf_printf(b, "%s %s", kind && !strcmp(kind, "event") ? "EVENT" : kind ? kind : "?",
		   action ? action : "?");
	/* The record's own words if it has them, else its ldwatch.* fields. */
	s = get_string(r->doc, "message");
	if (s) {
		buf_add(b, ": ", 2);
		buf_show_ex(b, s, strlen(s), 300, false);
		return;
	}
	ldw = lookup(r->doc, "ldwatch");
	if (ldw) {
		s = json_object_to_json_string_ext(ldw, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
		buf_addc(b, ' ');
		buf_show_ex(b, s, strlen(s), 300, false);
	}
}

static void print_record(const char *prefix, const struct record *r)
{
	struct buf b = { 0 };

	describe_record(&b, r);
	printf("%s%s\n", prefix, b.p ? b.p : "");
	free(b.p);
}

/* ------------------------------------------------------------ clauses */

enum clause_kind { K_EXACTLY, K_AT_LEAST, K_NONE, K_EVERY, K_TOTAL, K_LINT, K_CONTIGUOUS };

struct selection {
	const char *kind;	/* event.kind wanted; NULL: any */
	bool have_after, have_before;
	uint64_t after, before;
	long from_line;
};

struct clause {
	enum clause_kind kind;
	struct selection sel;	/* the selection in force where it was given */
	long n;
	struct cond *conds;
	size_t nconds;
	char *desc;	/* given with "desc", or NULL */
};

static bool selected(const struct selection *sel, const struct record *r)
{
	const char *kind;

	if (!r->doc || r->line < sel->from_line)
		return false;
	if (sel->kind) {
		kind = get_string(r->doc, "event.kind");
		if (!kind || strcmp(kind, sel->kind))
			return false;
	}
	if (sel->have_after || sel->have_before) {
		if (!r->has_seq)
			return false;
		if (sel->have_after && r->seq <= sel->after)
			return false;
		if (sel->have_before && r->seq >= sel->before)
			return false;
	}
	return true;
}

static bool all_hold(const struct clause *cl, json_object *doc)
{
	size_t i;

	for (i = 0; i < cl->nconds; i++)
		if (!cond_holds(&cl->conds[i], doc, NULL))
			return false;
	return true;
}

static const char *what(const struct selection *sel, long n)
{
	if (sel->kind && !strcmp(sel->kind, "alert"))
		return n == 1 ? "alert" : "alerts";
	if (sel->kind && !strcmp(sel->kind, "event"))
		return n == 1 ? "health record" : "health records";
	return n == 1 ? "record" : "records";
}

/* A short description of a clause's conditions: the telling ones first. */
static void describe_conds(struct buf *b, const struct clause *cl)
{
	static const char *const telling[] = {
		"event.action", "file.path", "file.Ext.original.path", "process.executable",
	};
	size_t i, j, shown = 0;

	for (j = 0; j < sizeof(telling) / sizeof(telling[0]); j++) {
		for (i = 0; i < cl->nconds; i++) {
			const struct cond *c = &cl->conds[i];

			if (strcmp(c->field, telling[j]) || c->op == C_TYPE || c->op == C_PRESENT)
				continue;
			buf_addc(b, ' ');
			if (c->op == C_ABSENT) {
				buf_printf(b, "no %s", c->field);
			} else {
				if (j == 2)
					buf_add(b, "from ", 5);
				else if (j == 3)
					buf_add(b, "by ", 3);
				if (c->op == C_GLOB)
					buf_addc(b, '~');
				buf_show(b, c->value, c->vlen, 120);
			}
			shown++;
			break;	/* one condition per field is enough to tell */
		}
	}
	for (i = 0; i < cl->nconds && shown < 3; i++) {
		const struct cond *c = &cl->conds[i];

		for (j = 0; j < sizeof(telling) / sizeof(telling[0]); j++)
			if (!strcmp(c->field, telling[j]))
				break;
		if (j < sizeof(telling) / sizeof(telling[0]))
			continue;
		buf_addc(b, ' ');
		buf_show(b, c->text, strlen(c->text), 120);
		shown++;
	}
	if (cl->nconds > shown)
		buf_printf(b, " [%zu conditions]", cl->nconds);
}

/* The records selected, for the account of a failure. */
static void show_selection(const struct records *rs, const struct selection *sel)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		if (!selected(sel, &rs->v[i]))
			continue;
		if (n++ < 2 * MAX_SHOWN)
			print_record("#     ", &rs->v[i]);
	}
	if (n > 2 * MAX_SHOWN)
		printf("#     ... and %zu more\n", n - 2 * MAX_SHOWN);
	if (!n)
		printf("#     (none)\n");
}

/* For an unmet "exactly"/"at-least": the closest records, field by field. */
static void show_nearest(const struct records *rs, const struct selection *sel,
			 const struct clause *cl)
{
	size_t i, k, best = 0, shown = 0;
	size_t *misses = xmalloc(rs->n * sizeof(*misses));

	for (i = 0; i < rs->n; i++) {
		misses[i] = SIZE_MAX;
		if (!selected(sel, &rs->v[i]))
			continue;
		misses[i] = 0;
		for (k = 0; k < cl->nconds; k++)
			if (!cond_holds(&cl->conds[k], rs->v[i].doc, NULL))
				misses[i]++;
	}
	for (best = 1; best <= cl->nconds && !shown; best++) {
		for (i = 0; i < rs->n && shown < 3; i++) {
			struct buf b = { 0 };

			if (misses[i] != best)
				continue;
			shown++;
			print_record("#   nearest: ", &rs->v[i]);
			for (k = 0; k < cl->nconds; k++) {
				if (cond_holds(&cl->conds[k], rs->v[i].doc, &b)) {
					continue;
				}
				printf("#     %s\n", b.p);
				b.len = 0;
			}
			free(b.p);
		}
	}
	free(misses);
}

static bool run_clause(const struct records *rs, const struct selection *sel,
		       const struct clause *cl, const char *name)
{
	struct buf d = { 0 };
	size_t i, matched = 0, total = 0, bad = 0;
	uint64_t *seqs = NULL, lo = 0, hi = 0;
	bool pass = false;

	for (i = 0; i < rs->n; i++) {
		if (!selected(sel, &rs->v[i]))
			continue;
		total++;
		if (cl->nconds && all_hold(cl, rs->v[i].doc))
			matched++;
	}

	switch (cl->kind) {
	case K_EXACTLY:
	case K_AT_LEAST:
		buf_printf(&d, "%s %ld %s:", cl->kind == K_EXACTLY ? "exactly" : "at least",
			   cl->n, what(sel, cl->n));
		describe_conds(&d, cl);
		pass = cl->kind == K_EXACTLY ? (long)matched == cl->n : (long)matched >= cl->n;
		break;
	case K_NONE:
		buf_printf(&d, "no %s:", what(sel, 1));
		describe_conds(&d, cl);
		pass = matched == 0;
		break;
	case K_EVERY:
		buf_printf(&d, "every %s (%zu):", what(sel, 1), total);
		describe_conds(&d, cl);
		pass = matched == total;
		break;
	case K_TOTAL:
		buf_printf(&d, "%ld %s in all", cl->n, what(sel, cl->n));
		pass = (long)total == cl->n;
		break;
	case K_LINT:
		for (i = 0; i < rs->n; i++)
			if (rs->v[i].error && rs->v[i].line >= sel->from_line)
				bad++;
		buf_printf(&d, "every line is one valid JSON object in UTF-8 (%zu lines)", rs->n);
		pass = !bad && !rs->last_line_unterminated;
		break;
	case K_CONTIGUOUS:
		seqs = xmalloc((total + 1) * sizeof(*seqs));
		total = 0;
		for (i = 0; i < rs->n; i++)
			if (selected(sel, &rs->v[i]) && rs->v[i].has_seq)
				seqs[total++] = rs->v[i].seq;
		for (i = 0; i < total; i++) {
			lo = i ? (seqs[i] < lo ? seqs[i] : lo) : seqs[i];
			hi = i ? (seqs[i] > hi ? seqs[i] : hi) : seqs[i];
		}
		buf_printf(&d, "event.sequence of the %zu %s runs from %" PRIu64 " to %" PRIu64
			   " without a gap or a repeat", total, what(sel, (long)total), lo, hi);
		pass = total > 0 && hi - lo + 1 == total;
		if (pass) {
			/* Same count as the span: a repeat would need a gap. */
			unsigned char *seen = calloc(total, 1);

			if (!seen)
				die("out of memory");
			for (i = 0; i < total && pass; i++) {
				if (seen[seqs[i] - lo])
					pass = false;
				seen[seqs[i] - lo] = 1;
			}
			free(seen);
		}
		break;
	}
	if (cl->desc) {
		d.len = 0;
		buf_add(&d, cl->desc, strlen(cl->desc));
	}
	printf("%s - %s%s%s\n", pass ? "ok" : "not ok", name ? name : "", name ? ": " : "", d.p);
	free(d.p);
	if (pass) {
		free(seqs);
		return true;
	}

	switch (cl->kind) {
	case K_EXACTLY:
	case K_AT_LEAST:
		printf("#   %zu of the %zu selected %s match every condition:\n", matched, total,
		       what(sel, (long)total));
		for (i = 0; i < cl->nconds; i++) {
			struct buf b = { 0 };

			buf_show(&b, cl->conds[i].text, strlen(cl->conds[i].text), 300);
			printf("#     %s\n", b.p);
			free(b.p);
		}
		if (matched < (size_t)cl->n)
			show_nearest(rs, sel, cl);
		printf("#   selected:\n");
		show_selection(rs, sel);
		break;
	case K_NONE:
	case K_EVERY:
		printf("#   %s:\n", cl->kind == K_NONE ? "these match" : "these do not match");
		for (i = 0; i < rs->n; i++) {
			struct buf b = { 0 };
			size_t k;

			if (!selected(sel, &rs->v[i]) ||
			    all_hold(cl, rs->v[i].doc) != (cl->kind == K_NONE))
				continue;
			print_record("#     ", &rs->v[i]);
			for (k = 0; cl->kind == K_EVERY && k < cl->nconds; k++) {
				if (!cond_holds(&cl->conds[k], rs->v[i].doc, &b))
					printf("#       %s\n", b.p);
				b.len = 0;
			}
			free(b.p);
		}
		break;
	case K_TOTAL:
		printf("#   got %zu:\n", total);
		show_selection(rs, sel);
		break;
	case K_LINT:
		for (i = 0, bad = 0; i < rs->n; i++) {
			if (!rs->v[i].error || rs->v[i].line < sel->from_line)
				continue;
			if (bad++ < MAX_SHOWN)
				printf("#   line %ld: %s\n", rs->v[i].line, rs->v[i].error);
		}
		if (rs->last_line_unterminated)
			printf("#   the last line has no newline\n");
		break;
	case K_CONTIGUOUS:
		if (!total) {
			printf("#   no record with an event.sequence\n");
			break;
		}
		{
			unsigned char *count = calloc(hi - lo + 1, 1);
			uint64_t s, shown = 0;

			if (!count)
				die("out of memory (sequence span %" PRIu64 ")", hi - lo + 1);
			for (i = 0; i < total; i++)
				if (count[seqs[i] - lo] < 255)
					count[seqs[i] - lo]++;
			for (s = lo; s <= hi && shown < 20; s++) {
				if (count[s - lo] == 1)
					continue;
				shown++;
				printf("#   sequence %" PRIu64 ": %s\n", s,
				       count[s - lo] ? "repeated" : "missing");
			}
			free(count);
		}
		break;
	}
	free(seqs);
	return false;
}

static long parse_long(const char *s, const char *what_for)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("%s: not a count: %s", what_for, s);
	return v;
}

static uint64_t parse_u64(const char *s, const char *what_for)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		die("%s: not a sequence number: %s", what_for, s);
	return v;
}

struct clauses {
	struct clause *v;
	size_t n;
};

static void conds_free(struct cond *conds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(conds[i].field);
		free(conds[i].value);
		free(conds[i].owned_text);
	}
	free(conds);
}

static void clauses_free(struct clauses *cls)
{
	size_t i;

	for (i = 0; i < cls->n; i++) {
		conds_free(cls->v[i].conds, cls->v[i].nconds);
		free(cls->v[i].desc);
	}
	free(cls->v);
}

/*
 * Parse clause tokens: NAME [N] COND... where NAME is exactly, at-least,
 * none, every, total, lint, contiguous or desc (with or without "--").
 * Consumes tokens up to the next clause name; returns tokens used.
 */
static size_t parse_clause(struct clauses *cls, const struct selection *sel, char **tok,
			   size_t ntok, bool escapes, bool owned, char **pending_desc)
{
	static const struct {
		const char *name;
		enum clause_kind kind;
		bool counted, conds;
	} names[] = {
		{ "exactly", K_EXACTLY, true, true }, { "at-least", K_AT_LEAST, true, true },
		{ "none", K_NONE, false, true }, { "every", K_EVERY, false, true },
		{ "total", K_TOTAL, true, false }, { "lint", K_LINT, false, false },
		{ "contiguous", K_CONTIGUOUS, false, false },
	};
	const char *name = tok[0];
	struct clause *cl;
	size_t i, used = 1;

	if (!strncmp(name, "--", 2))
		name += 2;
	if (!strcmp(name, "desc")) {
		size_t len;

		if (ntok < 2)
			die("desc needs a text");
		free(*pending_desc);
		*pending_desc = escapes ? unescape(tok[1], &len) : xstrndup(tok[1], strlen(tok[1]));
		return 2;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		die("unknown clause: %s (exactly N, at-least N, none, every, total N, lint, contiguous, desc TEXT)",
		    tok[0]);
	cls->v = xrealloc(cls->v, (cls->n + 1) * sizeof(*cls->v));
	cl = &cls->v[cls->n++];
	memset(cl, 0, sizeof(*cl));
	cl->kind = names[i].kind;
	cl->sel = *sel;
	cl->desc = *pending_desc;
	*pending_desc = NULL;
	if (names[i].counted) {
		if (ntok < 2)
			die("%s needs a count", name);
		cl->n = parse_long(tok[1], name);
		used = 2;
	}
	if (!names[i].conds)
		return used;
	while (used < ntok) {
		const char *t = tok[used];

		if (!strncmp(t, "--", 2))
			break;
		cl->conds = xrealloc(cl->conds, (cl->nconds + 1) * sizeof(*cl->conds));
		parse_cond(&cl->conds[cl->nconds], t, escapes);
		if (owned) {
			cl->conds[cl->nconds].owned_text = tok[used];
			tok[used] = NULL;
		}
		cl->nconds++;
		used++;
	}
	if (!cl->nconds)
		die("%s needs at least one condition", name);
	return used;
}

/* A spec file: one clause a line, tokens separated by tabs, escapes decoded. */
static void parse_spec(struct clauses *cls, const struct selection *sel, const char *path)
{
	char *line = NULL, *pending = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char **tok = NULL, *p, *save = NULL;
		size_t ntok = 0, used = 0;

		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		for (p = strtok_r(line, "\t", &save); p; p = strtok_r(NULL, "\t", &save)) {
			tok = xrealloc(tok, (ntok + 1) * sizeof(*tok));
			tok[ntok++] = xstrndup(p, strlen(p));
		}
		/* A leading "--" on the clause name is optional in files. */
		while (used < ntok) {
			size_t n = parse_clause(cls, sel, tok + used, ntok - used, true, true,
						&pending);

			used += n;
		}
		/* Conditions took their tokens (set to NULL); free the rest. */
		for (used = 0; used < ntok; used++)
			free(tok[used]);
		free(tok);
	}
	free(line);
	fclose(f);
	free(pending);
}

static int parse_selection(struct selection *sel, int argc, char **argv, int i)
{
	if (!strcmp(argv[i], "--kind") && i + 1 < argc) {
		sel->kind = strcmp(argv[i + 1], "any") ? argv[i + 1] : NULL;
		return 2;
	}
	if (!strcmp(argv[i], "--after") && i + 1 < argc) {
		sel->have_after = true;
		sel->after = parse_u64(argv[i + 1], "--after");
		return 2;
	}
	if (!strcmp(argv[i], "--before") && i + 1 < argc) {
		sel->have_before = true;
		sel->before = parse_u64(argv[i + 1], "--before");
		return 2;
	}
	if (!strcmp(argv[i], "--from-line") && i + 1 < argc) {
		sel->from_line = parse_long(argv[i + 1], "--from-line");
		return 2;
	}
	if (!strcmp(argv[i], "--no-window")) {
		sel->have_after = sel->have_before = false;
		return 1;
	}
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	struct selection sel = { .kind = "alert" };
	struct clauses cls = { 0 };
	struct records rs = { 0 };
	struct line_range range = ALL_LINES;
	const char *file, *name = NULL;
	char *pending = NULL;
	bool escapes = false, pass = true;
	int i = 1, n;
	size_t k;

	if (argc < 2)
		die("check: FILE missing");
	file = argv[i++];
	while (i < argc) {
		if ((n = parse_selection(&sel, argc, argv, i))) {
			i += n;
		} else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			name = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "--spec") && i + 1 < argc) {
			parse_spec(&cls, &sel, argv[i + 1]);
			i += 2;
		} else if (!strcmp(argv[i], "-e")) {
			escapes = true;
			i++;
		} else {
			i += (int)parse_clause(&cls, &sel, argv + i, (size_t)(argc - i), escapes,
					       false, &pending);
		}
	}
	if (!cls.n)
		die("check: no expectation given");
	/* Lines before the earliest --from-line need no parsing. */
	range.first = LONG_MAX;
	for (k = 0; k < cls.n; k++)
		if (cls.v[k].sel.from_line < range.first)
			range.first = cls.v[k].sel.from_line;
	load(&rs, file, range);
	for (k = 0; k < cls.n; k++)
		if (!run_clause(&rs, &cls.v[k].sel, &cls.v[k], name))
			pass = false;
	records_free(&rs);
	clauses_free(&cls);
	free(pending);
	fflush(stdout);
	return pass ? 0 : 1;
}

static int cmd_count(int argc, char **argv)
{
	struct selection sel = { .kind = "alert" };
	struct records rs = { 0 };
	struct clause cl = { .kind = K_EVERY };
	long count = 0;
	int i = 2, n;
	size_t k;

	if (argc < 2)
		die("count: FILE missing");
	while (i < argc) {
		if ((n = parse_selection(&sel, argc, argv, i))) {
			i += n;
			continue;
		}
		cl.conds = xrealloc(cl.conds, (cl.nconds + 1) * sizeof(*cl.conds));
		parse_cond(&cl.conds[cl.nconds++], argv[i++], false);
	}
	load(&rs, argv[1], (struct line_range){ sel.from_line, LONG_MAX });
	for (k = 0; k < rs.n; k++)
		if (selected(&sel, &rs.v[k]) && all_hold(&cl, rs.v[k].doc))
			count++;
	printf("%ld\n", count);
	records_free(&rs);
	conds_free(cl.conds, cl.nconds);
	return 0;
}

static int cmd_summary(int argc, char **argv)
{
	int i;
	size_t k;

	for (i = 1; i < argc; i++) {
		struct records rs = { 0 };

		load(&rs, argv[i], ALL_LINES);
		for (k = 0; k < rs.n; k++)
			print_record("", &rs.v[k]);
		records_free(&rs);
	}
	return 0;
}

/* The value of FIELD in line LINE (default: the last line), as text. */
static int cmd_get(int argc, char **argv)
{
	struct records rs = { 0 };
	const struct record *r;
	json_object *v;
	const char *s;
	long line;
	size_t len;

	if (argc != 3 && argc != 4)
		die("get: FILE FIELD [LINE]");
	if (argc == 4) {
		line = parse_long(argv[3], "get");
	} else {
		/* Count the lines first: only the one wanted is parsed. */
		load(&rs, argv[1], (struct line_range){ 0, 0 });
		line = (long)rs.n;
		records_free(&rs);
	}
	load(&rs, argv[1], (struct line_range){ line, line });
	if (line < 1 || (size_t)line > rs.n)
		die("get: %s has no line %ld", argv[1], line);
	r = &rs.v[line - 1];
	if (!r->doc)
		die("get: %s line %ld: %s", argv[1], line, r->error);
	v = lookup(r->doc, argv[2]);
	if (!v) {
		records_free(&rs);
		return 1;
	}
	s = value_text(v, &len);
	fwrite(s, 1, len, stdout);
	putchar('\n');
	records_free(&rs);
	return 0;
}

/*
 * fields: FILE FROM_LINE FIELD...: each record from line FROM_LINE on, one
 * line of its FIELDs' values (as get prints them; "-" when absent),
 * separated by tabs; an unreadable line is "INVALID". For scenarios that
 * check an order between records (a value consistent with the records
 * numbered before it).
 */
static int cmd_fields(int argc, char **argv)
{
	struct records rs = { 0 };
	long from;
	size_t i, len;
	int k;

	if (argc < 4)
		die("fields: FILE FROM_LINE FIELD...");
	from = parse_long(argv[2], "fields");
	load(&rs, argv[1], (struct line_range){ from, LONG_MAX });
	for (i = from > 0 ? (size_t)from - 1 : 0; i < rs.n; i++) {
		const struct record *r = &rs.v[i];

		if (!r->doc) {
			puts("INVALID");
			continue;
		}
		for (k = 3; k < argc; k++) {
			json_object *v = lookup(r->doc, argv[k]);
			const char *t = v ? value_text(v, &len) : "-";

			if (!v)
				len = 1;
			if (k > 3)
				putchar('\t');
			fwrite(t, 1, len, stdout);
		}
		putchar('\n');
	}
	records_free(&rs);
	return 0;
}

/* ---------------------------------------------------------------- wait */

/* Sequence numbers seen (or reported lost), as a bitmap indexed by number. */
struct seqset {
	unsigned char *bits;
	uint64_t cap;
};

#define SEQ_LIMIT (UINT64_C(1) << 28)

static void seqset_add(struct seqset *s, uint64_t seq)
{
	if (seq >= SEQ_LIMIT)
		die("sequence number %" PRIu64 " too large for wait", seq);
	if (seq / 8 >= s->cap) {
		uint64_t cap = (seq / 8 + 1) * 2;

		s->bits = xrealloc(s->bits, cap);
		memset(s->bits + s->cap, 0, cap - s->cap);
		s->cap = cap;
	}
	s->bits[seq / 8] |= (unsigned char)(1u << (seq % 8));
}

static bool seqset_has(const struct seqset *s, uint64_t seq)
{
	return seq / 8 < s->cap && (s->bits[seq / 8] >> (seq % 8) & 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_wait(int argc, char **argv)
{
	const char *file, *fence = NULL;
	double timeout = 20, deadline;
	uint64_t since = 0, fence_seq = 0, last_seq = 0, s;
	struct seqset seen = { 0 };
	struct buf pending = { 0 };
	long line = 0, from_line = 0, lost = 0;
	bool have_fence = false;
	size_t fence_len = 0;
	char chunk[65536];
	FILE *f = NULL;
	int i;

	if (argc < 2)
		die("wait: FILE missing");
	file = argv[1];
	for (i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			die("wait: %s needs a value", argv[i]);
		if (!strcmp(argv[i], "--path"))
			fence = argv[i + 1];
		else if (!strcmp(argv[i], "--since"))
			since = parse_u64(argv[i + 1], "--since");
		else if (!strcmp(argv[i], "--from-line"))
			from_line = parse_long(argv[i + 1], "--from-line");
		else if (!strcmp(argv[i], "--timeout"))
			timeout = (double)parse_long(argv[i + 1], "--timeout");
		else
			die("wait: unknown option %s", argv[i]);
	}
	if (!fence)
		die("wait: --path PATH missing");
	fence_len = strlen(fence);
	deadline = now_s() + timeout;

	for (;;) {
		size_t n, start, k;

		if (!f)
			f = fopen(file, "rb");
		while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&pending, chunk, n);
		if (f)
			clearerr(f);
		/* Complete lines only: the writer may be mid-line. */
		start = 0;
		for (k = 0; k < pending.len; k++) {
			struct record r = { 0 };
			const char *kind, *path;
			json_object *v;

			if (pending.p[k] != '\n')
				continue;
			r.line = ++line;
			if (line >= from_line)
				parse_line(&r, pending.p + start, k - start);
			start = k + 1;
			if (!r.doc) {
				free(r.error);
				continue;
			}
			kind = get_string(r.doc, "event.kind");
			if (kind && !strcmp(kind, "alert") && r.has_seq) {
				seqset_add(&seen, r.seq);
				last_seq = r.seq;
				path = get_string(r.doc, "file.path");
				v = lookup(r.doc, "file.path");
				if (path && !have_fence && r.seq > since &&
				    (size_t)json_object_get_string_len(v) == fence_len &&
				    !memcmp(path, fence, fence_len)) {
					have_fence = true;
					fence_seq = r.seq;
				}
			} else if (kind && !strcmp(kind, "event")) {
				const char *action = get_string(r.doc, "event.action");
				json_object *first = lookup(r.doc, "ldwatch.lost.first_sequence");
				json_object *count = lookup(r.doc, "ldwatch.lost.count");

				if (action && !strcmp(action, "ldwatch-alerts-lost") && first && count) {
					uint64_t a = json_object_get_uint64(first);
					uint64_t c = json_object_get_uint64(count);

					for (s = a; s < a + c && s < SEQ_LIMIT; s++)
						seqset_add(&seen, s);
					lost += (long)c;
				}
				/*
				 * A record numbered like an alert (a rate limit
				 * summary, a change of the rule set) is its number.
				 */
				if (r.has_seq)
					seqset_add(&seen, r.seq);
			}
			json_object_put(r.doc);
		}
		if (start) {
			memmove(pending.p, pending.p + start, pending.len - start);
			pending.len -= start;
		}

		if (have_fence) {
			for (s = since + 1; s < fence_seq; s++)
				if (!seqset_has(&seen, s))
					break;
			if (s == fence_seq) {
				if (lost)
					fprintf(stderr, PROG ": wait: %ld alerts reported lost\n", lost);
				printf("%" PRIu64 "\n", fence_seq);
				break;
			}
		}
		if (now_s() > deadline) {
			if (!have_fence) {
				fprintf(stderr, PROG ": wait: no alert for %s after %.0f s (%s: %ld lines, last alert #%" PRIu64 ")\n",
					fence, timeout, f ? file : "file missing", line, last_seq);
			} else {
				fprintf(stderr, PROG ": wait: fence #%" PRIu64 " came, but not every alert before it after %.0f s; missing:",
					fence_seq, timeout);
				for (s = since + 1, i = 0; s < fence_seq && i < 20; s++)
					if (!seqset_has(&seen, s) && ++i)
						fprintf(stderr, " #%" PRIu64, s);
				fputc('\n', stderr);
			}
			have_fence = false;
			break;
		}
		usleep(20000);
	}
	if (f)
		fclose(f);
	free(pending.p);
	free(seen.bits);
	return have_fence ? 0 : 1;
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      "  " PROG " check FILE [SELECTION] [--name TEXT] [-e] [--spec SPEC] [CLAUSE]...\n"
	      "  " PROG " count FILE [SELECTION] [COND]...\n"
	      "  " PROG " wait FILE --path PATH [--since SEQ] [--from-line N] [--timeout S]\n"
	      "  " PROG " summary FILE...\n"
	      "  " PROG " get FILE FIELD [LINE]\n"
	      "  " PROG " fields FILE FROM_LINE FIELD...\n"
	      "\n"
	      "FILE holds one ECS JSON document a line, as ldwatchd writes them.\n"
	      "\n"
	      "SELECTION (default: every alert, i.e. event.kind \"alert\"):\n"
	      "  --kind KIND      records whose event.kind is KIND (\"any\": all)\n"
	      "  --after SEQ      only records with an event.sequence above SEQ\n"
	      "  --before SEQ     only records with an event.sequence below SEQ\n"
	      "  --from-line N    only lines N and later (earlier ones are not parsed)\n"
	      "  --no-window      forget --after and --before\n"
	      "Selection options apply to the clauses (and --spec files) after them,\n"
	      "so one run can check alerts in a window and health records too.\n"
	      "\n"
	      "CLAUSE, each printing one \"ok - ...\" or \"not ok - ...\" line\n"
	      "(prefixed by --name TEXT) and, on failure, \"# \" lines saying why:\n"
	      "  --exactly N COND...   exactly N selected records meet every COND\n"
	      "  --at-least N COND...  N or more do\n"
	      "  --none COND...        none does\n"
	      "  --every COND...       every selected record does\n"
	      "  --total N             N records are selected\n"
	      "  --lint                every line of FILE is one JSON object, strict,\n"
	      "                        valid UTF-8, no raw control byte, newline-ended\n"
	      "  --contiguous          the selected records' event.sequence values\n"
	      "                        form one run without gaps or repeats\n"
	      "  --desc TEXT           describe the next clause with TEXT\n"
	      "A SPEC file holds clauses one a line, tokens separated by tabs, with\n"
	      "the escapes below decoded in every token; -e decodes them in the\n"
	      "command line's clauses too.\n"
	      "\n"
	      "COND (FIELD is dotted: file.Ext.original.path; nested objects or\n"
	      "dotted keys; a JSON null counts as absent):\n"
	      "  FIELD=VALUE      a string equal to VALUE; any other JSON value\n"
	      "                   whose compact JSON text is VALUE (process.pid=42,\n"
	      "                   event.type=[\"creation\"])\n"
	      "  FIELD~GLOB       the same text matches GLOB (fnmatch, '*' spans '/')\n"
	      "  FIELD@=BYTES     the exact bytes a consumer recovers: base64 of\n"
	      "                   ldwatch.raw.FIELD if present, else the string\n"
	      "  FIELD:TYPE       present, of TYPE: string int number bool array object\n"
	      "  !FIELD           absent        ?FIELD   present\n"
	      "Escapes: \\\\ \\n \\t \\r \\xHH.\n"
	      "\n"
	      "wait: until FILE holds an alert whose file.path is PATH with a\n"
	      "sequence above SEQ (default 0), and every alert numbered between\n"
	      "(or an ldwatch-alerts-lost record covering it, or another record\n"
	      "of that event.sequence); prints its\n"
	      "event.sequence. Default timeout 20 s.\n"
	      "count: prints how many selected records meet every COND.\n"
	      "summary: one line a record: \"#SEQ ALERT ACTION PATH by EXE (pid P, uid U)\",\n"
	      "\"EVENT ACTION: message\" (or its ldwatch fields if it has no message),\n"
	      "or \"line N: INVALID: why\".\n"
	      "get: prints FIELD's value (as for FIELD=VALUE) in line LINE (default:\n"
	      "the last); exit status 1 if the field is absent.\n"
	      "fields: for each line from FROM_LINE on, its FIELDs' values as get\n"
	      "prints them (\"-\" when absent), separated by tabs.\n"
	      "\n"
	      "Exit status: 0 all held / the fence came; 1 not; 2 usage or I/O error.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 1, argv + 1);
	if (!strcmp(argv[1], "wait"))
		return cmd_wait(argc - 1, argv + 1);
	if (!strcmp(argv[1], "summary"))
		return cmd_summary(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fields"))
		return cmd_fields(argc - 1, argv + 1);
	if (!strcmp(argv[1], "get"))
		return cmd_get(argc - 1, argv + 1);
	fprintf(stderr, PROG ": unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
