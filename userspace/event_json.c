// SPDX-License-Identifier: GPL-2.0
/*
 * ECS events as JSON lines: reading one into a struct ldw_event, and saying
 * in one line why the rule decided as it did. See event_json.h for the
 * lookup rules and the ownership of the strings.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

/* Longer than any ECS field name the matcher knows ("file.Ext.original.extension"). */
#define LDW_KEY_MAX 64

#define __printf(a, b) __attribute__((format(printf, a, b)))

static __printf(3, 4) void ldw_seterr(char *err, size_t errsize, const char *fmt, ...);

static void ldw_seterr(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (!errsize)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

bool ldw_json_blank(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return false;
	}
	return true;
}

static void ldw_json_event_clear(struct ldw_json_event *ev)
{
	unsigned int i;

	ev->root = NULL;
	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		ev->event.field[i] = LDW_STR_ABSENT;
		ev->ignored[i] = json_type_null;
		ev->ignored_inner[i] = false;
	}
}

void ldw_json_event_release(struct ldw_json_event *ev)
{
	json_object_put(ev->root);
	ldw_json_event_clear(ev);
}

/* What the spellings of one field held, gathered over all of them. */
struct ldw_found {
	struct json_object *str;	/* the first string found */
	bool conflict;			/* a later string differed from it */
	enum json_type ignored;		/* first non-string, non-null value */
	bool ignored_inner;
};

static bool ldw_json_str_equal(struct json_object *a, struct json_object *b)
{
	int alen = json_object_get_string_len(a);

	return alen == json_object_get_string_len(b) &&
	       !memcmp(json_object_get_string(a), json_object_get_string(b), (size_t)alen);
}

static void ldw_found_ignore(struct ldw_found *f, struct json_object *v, bool inner)
{
	if (f->ignored != json_type_null)
		return;
	f->ignored = json_object_get_type(v);
	f->ignored_inner = inner;
}

static void ldw_found_leaf(struct ldw_found *f, struct json_object *v)
{
	if (!v)				/* JSON null: absent */
		return;
	if (!json_object_is_type(v, json_type_string)) {
		ldw_found_ignore(f, v, false);
		return;
	}
	if (!f->str)
		f->str = v;
	else if (!ldw_json_str_equal(f->str, v))
		f->conflict = true;
}

/*
 * Look @name ("file.Ext.original.path") up in the object @obj under every
 * split of it into keys: the first key is each prefix that ends at a '.'
 * or at the end of @name; what follows a prefix is looked up, the same way,
 * in the object that prefix names. The recursion is as deep as @name has
 * dots (at most 3 for the ECS fields), so at most 2^3 spellings are tried.
 */
static void ldw_lookup(struct json_object *obj, const char *name,
		       struct ldw_found *f)
{
	char key[LDW_KEY_MAX];
	const char *end = name;

	for (;;) {
		struct json_object *v;
		size_t klen;

		end = strchr(end, '.');
		klen = end ? (size_t)(end - name) : strlen(name);
		if (klen >= sizeof(key))
			return;
		memcpy(key, name, klen);
		key[klen] = '\0';

		if (json_object_object_get_ex(obj, key, &v)) {
			if (!end)
				ldw_found_leaf(f, v);
			else if (json_object_is_type(v, json_type_object))
				ldw_lookup(v, end + 1, f);
			else if (v)
				ldw_found_ignore(f, v, true);
		}
		if (!end)
			return;
		end++;
	}
}

static int ldw_json_fields(struct ldw_json_event *ev, char *err, size_t errsize)
{
	unsigned int i;

	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		struct ldw_found f = { .ignored = json_type_null };
		const char *name = ldw_field_name(i);

		ldw_lookup(ev->root, name, &f);
		if (f.conflict) {
			ldw_seterr(err, errsize,
				   "%s is given twice, with different values (nested and dotted keys)",
				   name);
			return -1;
		}
		ev->ignored[i] = f.ignored;
		ev->ignored_inner[i] = f.ignored_inner;
		if (f.str)
			ev->event.field[i] = (struct ldw_str){
				json_object_get_string(f.str),
				(size_t)json_object_get_string_len(f.str),
			};
	}
	return 0;
}

/* Parse @buf into one JSON object, or say why it is not one. */
static struct json_object *ldw_json_parse(const char *buf, size_t len,
					  char *err, size_t errsize)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	const char *nul;
	bool at_end = false;
	size_t end;

	/* json-c's length is an int; and it takes a NUL byte for the end of input. */
	if (len > INT_MAX) {
		ldw_seterr(err, errsize, "line too long (%zu bytes, at most %d)", len, INT_MAX);
		return NULL;
	}
	nul = memchr(buf, '\0', len);
	if (nul) {
		ldw_seterr(err, errsize,
			   "NUL byte at byte %zu (JSON text cannot hold one; write \\u0000 in a string)",
			   (size_t)(nul - buf) + 1);
		return NULL;
	}

	tok = json_tokener_new();
	if (!tok) {
		ldw_seterr(err, errsize, "out of memory");
		return NULL;
	}
	/* Strict: no comments, single quotes, trailing commas or junk after the object. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/*
	 * json-c cannot know that a bare literal or number ("null", "12") is
	 * complete until a byte follows it: end the input with a space, so
	 * that such a line is reported for what it is, not as truncated.
	 */
	if (jerr == json_tokener_continue) {
		root = json_tokener_parse_ex(tok, " ", 1);
		jerr = json_tokener_get_error(tok);
		at_end = true;
	}
	json_tokener_free(tok);

	if (jerr == json_tokener_continue) {
		json_object_put(root);
		ldw_seterr(err, errsize, "invalid JSON: the line ends inside a value");
		return NULL;
	}
	if (jerr != json_tokener_success) {
		json_object_put(root);
		if (at_end)
			ldw_seterr(err, errsize, "invalid JSON at the end of the line: %s",
				   json_tokener_error_desc(jerr));
		else
			ldw_seterr(err, errsize, "invalid JSON at byte %zu: %s", end + 1,
				   json_tokener_error_desc(jerr));
		return NULL;
	}
	if (at_end)
		end = len;
	/* Strict mode stops at trailing junk with an error; this is a safety net. */
	if (!ldw_json_blank(buf + end, len - end)) {
		json_object_put(root);
		ldw_seterr(err, errsize, "invalid JSON at byte %zu: data after the object",
			   end + 1);
		return NULL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		ldw_seterr(err, errsize, "found a JSON %s where an object is expected",
			   json_type_to_name(json_object_get_type(root)));
		json_object_put(root);
		return NULL;
	}
	return root;
}

int ldw_json_event_read(struct ldw_json_event *out, const char *buf, size_t len,
			char *err, size_t errsize)
{
	ldw_json_event_clear(out);
	ldw_seterr(err, errsize, "%s", "");

	if (ldw_json_blank(buf, len)) {
		ldw_seterr(err, errsize, "empty line");
		return -1;
	}
	out->root = ldw_json_parse(buf, len, err, errsize);
	if (!out->root)
		return -1;
	if (ldw_json_fields(out, err, errsize)) {
		ldw_json_event_release(out);
		return -1;
	}
	return 0;
}

/* --- explaining a verdict --- */

/*
 * An event value as one line of ASCII: the event may hold any byte, and a
 * raw newline or terminal escape in the output would forge or garble lines.
 */
static void ldw_put_escaped(FILE *out, struct ldw_str s)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < s.len; i++) {
		unsigned char c = s.ptr[i];

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/*
 * Render TEST @insn (with only value @only_value) or, @insn ~0u, unit
 * @unit whole, into a buffer that grows to fit, and write it. The
 * formatters count what they need, as snprintf does, so one retry always
 * suffices.
 */
static int ldw_put_rendered(FILE *out, const struct ldw_prog *prog, unsigned int unit,
			    unsigned int insn, unsigned int only_value)
{
	char small[512];
	char *buf = small;
	size_t need;

	need = insn != ~0u ? ldw_prog_format_test(prog, insn, only_value, buf, sizeof(small))
			   : ldw_prog_format_unit(prog, unit, buf, sizeof(small));
	if (need >= sizeof(small)) {
		buf = malloc(need + 1);
		if (!buf)
			return -1;
		if (insn != ~0u)
			ldw_prog_format_test(prog, insn, only_value, buf, need + 1);
		else
			ldw_prog_format_unit(prog, unit, buf, need + 1);
	}
	fputs(buf, out);
	if (buf != small)
		free(buf);
	return 0;
}

/* The fields a verdict's description shows, in the order first tested. */
struct ldw_facts {
	unsigned int n;
	enum ldw_field field[LDW_FIELD_COUNT];
};

static void ldw_facts_add(struct ldw_facts *facts, enum ldw_field field)
{
	unsigned int i;

	if ((unsigned int)field >= LDW_FIELD_COUNT)
		return;
	for (i = 0; i < facts->n; i++) {
		if (facts->field[i] == field)
			return;
	}
	facts->field[facts->n++] = field;
}

static void ldw_put_facts(FILE *out, const struct ldw_facts *facts,
			  const struct ldw_event *event)
{
	unsigned int i;

	fputs(" (", out);
	for (i = 0; i < facts->n; i++) {
		struct ldw_str s = event->field[facts->field[i]];

		if (i)
			fputs(", ", out);
		fputs(ldw_field_name(facts->field[i]), out);
		if (ldw_str_present(s)) {
			fputc('=', out);
			ldw_put_escaped(out, s);
		} else {
			fputs(" absent", out);
		}
	}
	fputc(')', out);
}

/* The fields unit @unit tests, in order. */
static void ldw_facts_of_unit(struct ldw_facts *facts, const struct ldw_prog *prog,
			      unsigned int unit)
{
	const struct ldw_prog_unit *u = &prog->unit[unit];
	__u32 i;

	for (i = u->first_insn; i < u->first_insn + u->ninsns; i++) {
		if (prog->insn[i].code == LDW_INSN_TEST)
			ldw_facts_add(facts, prog->insn[i].field);
	}
}

/*
 * Unit @unit that decided or held: a single TEST with only the value that
 * matched (@value, when @matched), any other unit whole.
 */
static int ldw_put_unit(FILE *out, const struct ldw_prog *prog, unsigned int unit,
			bool matched, unsigned int value)
{
	const struct ldw_prog_unit *u = &prog->unit[unit];

	if (u->ninsns == 1)
		return ldw_put_rendered(out, prog, unit, u->first_insn,
					matched ? value : LDW_ALL_VALUES);
	return ldw_put_rendered(out, prog, unit, ~0u, 0);
}

/* Every requirement held: show each with the value it matched. */
static int ldw_explain_match(FILE *out, const struct ldw_prog *prog,
			     const struct ldw_event *event, struct ldw_facts *facts)
{
	unsigned int i, n = 0;

	for (i = 0; i < prog->header->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		unsigned int value = 0;
		bool matched;

		if (u->kind != LDW_UNIT_REQUIRE)
			continue;
		matched = u->ninsns == 1 && ldw_prog_test(prog, u->first_insn, event, &value);
		if (n++)
			fputs(" and ", out);
		if (ldw_put_unit(out, prog, i, matched, value))
			return -1;
		ldw_facts_of_unit(facts, prog, i);
	}
	if (!n)
		fputs("the rule has no requirements and no exclusion holds", out);
	return 0;
}

static int ldw_explain_unit(FILE *out, const struct ldw_prog *prog,
			    struct ldw_verdict verdict, struct ldw_facts *facts)
{
	if (verdict.index >= prog->header->nunits)
		return -1;
	if (ldw_put_unit(out, prog, verdict.index, verdict.outcome == LDW_EXCLUDED,
			 verdict.value))
		return -1;
	if (verdict.outcome == LDW_NO_MATCH)
		fputs(" is false", out);
	ldw_facts_of_unit(facts, prog, verdict.index);
	return 0;
}

int ldw_explain(FILE *out, const struct ldw_prog *prog,
		const struct ldw_event *event, struct ldw_verdict verdict)
{
	struct ldw_facts facts = { 0 };
	int ret = -1;

	fprintf(out, "%s: ", ldw_outcome_name(verdict.outcome));
	switch (verdict.outcome) {
	case LDW_MATCH:
		ret = ldw_explain_match(out, prog, event, &facts);
		break;
	case LDW_NO_MATCH:
	case LDW_EXCLUDED:
		ret = ldw_explain_unit(out, prog, verdict, &facts);
		break;
	}
	if (ret)
		return ret;
	if (facts.n)
		ldw_put_facts(out, &facts, event);
	return 0;
}
