// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: plain EQL with a comment header, Kibana's rule export and
 * Elastic's prebuilt-rule JSON, read into rules; a rule and its exception
 * items compiled into one program.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nettle/sha2.h>

#include "eql_compile.h"
#include "rule_file.h"

const char *ldw_rule_format_name(enum ldw_rule_format format)
{
	switch (format) {
	case LDW_RULE_FORMAT_EQL:
		return "plain EQL";
	case LDW_RULE_FORMAT_KIBANA_EXPORT:
		return "Kibana rule export (ndjson)";
	case LDW_RULE_FORMAT_PREBUILT:
		return "Elastic prebuilt rule (JSON)";
	}
	return "?";
}

static const char *const ldw_severities[] = { "low", "medium", "high", "critical" };

static bool ldw_severity_known(const char *s, size_t len)
{
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(ldw_severities); i++) {
		if (strlen(ldw_severities[i]) == len && !memcmp(ldw_severities[i], s, len))
			return true;
	}
	return false;
}

static void ldw_mitre_free(struct ldw_mitre *m)
{
	free(m->id);
	free(m->name);
	free(m->reference);
}

static void ldw_rule_meta_free(struct ldw_rule_meta *meta)
{
	unsigned int i, j, k;

	free(meta->id);
	free(meta->name);
	free(meta->severity);
	free(meta->source);
	for (i = 0; i < meta->nthreats; i++) {
		struct ldw_threat *t = &meta->threats[i];

		free(t->framework);
		ldw_mitre_free(&t->tactic);
		for (j = 0; j < t->ntechniques; j++) {
			ldw_mitre_free(&t->techniques[j].technique);
			for (k = 0; k < t->techniques[j].nsub; k++)
				ldw_mitre_free(&t->techniques[j].sub[k]);
			free(t->techniques[j].sub);
		}
		free(t->techniques);
	}
	free(meta->threats);
	for (i = 0; i < meta->nlists; i++) {
		free(meta->lists[i].id);
		free(meta->lists[i].list_id);
		free(meta->lists[i].namespace_type);
		free(meta->lists[i].type);
	}
	free(meta->lists);
}

void ldw_rule_file_free(struct ldw_rule_file *file)
{
	unsigned int i;

	if (!file)
		return;
	for (i = 0; i < file->nrules; i++) {
		ldw_rule_meta_free(&file->rules[i].meta);
		free(file->rules[i].query);
	}
	free(file->rules);
	if (file->exceptions) {
		ldw_exceptions_free(file->exceptions);
		free(file->exceptions);
	}
	free(file->name);
	memset(file, 0, sizeof(*file));
}

static struct ldw_rule_def *ldw_rule_add(struct ldw_rule_file *file, unsigned int line,
					 struct ldw_file_error *err)
{
	struct ldw_rule_def *r;

	if (file->nrules >= LDW_RULE_MAX_RULES) {
		ldw_file_fail(err, line, 0, "more than %u rules in one file (ldwatch holds "
			      "up to %u at once)", LDW_RULE_MAX_RULES, LDW_RULE_MAX_RULES);
		return NULL;
	}
	file->rules = ldw_xrealloc(file->rules, file->nrules + 1, sizeof(*file->rules));
	r = &file->rules[file->nrules++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	return r;
}

/* --- MITRE ids and references --- */

static bool ldw_digits(const char *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* TA0005 */
static bool ldw_tactic_id_ok(const char *id, size_t len)
{
	return len == 6 && !memcmp(id, "TA", 2) && ldw_digits(id + 2, 4);
}

/* T1574 */
static bool ldw_technique_id_ok(const char *id, size_t len)
{
	return len == 5 && id[0] == 'T' && ldw_digits(id + 1, 4);
}

/* T1574.006, under T1574 */
static bool ldw_subtechnique_id_ok(const char *id, size_t len, const char *parent)
{
	return len == 9 && !memcmp(id, parent, 5) && id[5] == '.' && ldw_digits(id + 6, 3);
}

/* MITRE's page of an id, as Elastic's rules give it. */
static char *ldw_mitre_reference(const char *id)
{
	char buf[96];

	if (!strncmp(id, "TA", 2))
		snprintf(buf, sizeof(buf), "https://attack.mitre.org/tactics/%s/", id);
	else if (strchr(id, '.'))
		snprintf(buf, sizeof(buf), "https://attack.mitre.org/techniques/%.5s/%s/", id,
			 strchr(id, '.') + 1);
	else
		snprintf(buf, sizeof(buf), "https://attack.mitre.org/techniques/%s/", id);
	return ldw_xstrndup(buf, strlen(buf));
}

/* --- JSON: Kibana's rule export and the prebuilt-rule package --- */

/* Where a member's value is, for messages: computed from the text. */
struct ldw_json_loc {
	const char *text;
	size_t len;
	unsigned int line;		/* the line @text starts on */
	const char *prefix;		/* "attributes" for the prebuilt JSON, or NULL */
};

static void ldw_json_pos(const struct ldw_json_loc *loc, const char *key,
			 unsigned int *line, unsigned int *column)
{
	const char *path[2];
	unsigned int n = 0, l, c;
	long off;

	if (loc->prefix)
		path[n++] = loc->prefix;
	path[n++] = key;
	off = key ? ldw_json_member_offset(loc->text, loc->len, path, n) : -1;
	if (off < 0) {
		*line = loc->line;
		*column = 0;
		return;
	}
	ldw_text_position(loc->text, off, &l, &c);
	*line = loc->line + l - 1;
	*column = c;
}

/* A metadata string member: copied, checked for control bytes. */
static int ldw_meta_string(struct json_object *obj, const char *key, const char *what,
			   bool required, size_t max, char **out,
			   const struct ldw_json_loc *loc, const char *poskey,
			   struct ldw_file_error *err)
{
	unsigned int line, column;
	const char *s;
	size_t n;
	int ret;

	ldw_json_pos(loc, poskey ? poskey : key, &line, &column);
	ret = ldw_json_string(obj, key, what, required, max, &s, &n, err, line, column);
	if (ret)
		return ret;
	if (required && !n)
		return ldw_file_fail(err, line, column, "%s: empty", what ? what : key);
	*out = ldw_meta_dup(s, n, what ? what : key, err, line, column);
	return *out ? 0 : -1;
}

static int ldw_mitre_read(struct json_object *obj, const char *what, struct ldw_mitre *m,
			  const struct ldw_json_loc *loc, struct ldw_file_error *err)
{
	char w[96];

	if (!json_object_is_type(obj, json_type_object)) {
		unsigned int line, column;

		ldw_json_pos(loc, "threat", &line, &column);
		return ldw_file_fail(err, line, column, "%s: %s where an object is expected",
				     what, ldw_json_kind(obj));
	}
	snprintf(w, sizeof(w), "%s.id", what);
	if (ldw_meta_string(obj, "id", w, true, 64, &m->id, loc, "threat", err))
		return -1;
	snprintf(w, sizeof(w), "%s.name", what);
	if (ldw_meta_string(obj, "name", w, true, LDW_RULE_TEXT_MAX, &m->name, loc, "threat",
			    err))
		return -1;
	snprintf(w, sizeof(w), "%s.reference", what);
	return ldw_meta_string(obj, "reference", w, false, LDW_RULE_TEXT_MAX, &m->reference,
			       loc, "threat", err) < 0 ? -1 : 0;
}

static int ldw_threat_read(struct json_object *obj, unsigned int index, struct ldw_threat *t,
			   const struct ldw_json_loc *loc, struct ldw_file_error *err)
{
	struct json_object *tactic, *techs, *subs;
	unsigned int line, column;
	size_t i, j, n, m;
	char w[96];

	ldw_json_pos(loc, "threat", &line, &column);
	if (!json_object_is_type(obj, json_type_object))
		return ldw_file_fail(err, line, column, "threat[%u]: %s where an object is "
				     "expected", index, ldw_json_kind(obj));
	snprintf(w, sizeof(w), "threat[%u].framework", index);
	if (ldw_meta_string(obj, "framework", w, true, LDW_RULE_TEXT_MAX, &t->framework, loc,
			    "threat", err))
		return -1;
	snprintf(w, sizeof(w), "threat[%u].tactic", index);
	if (ldw_json_object(obj, "tactic", w, true, &tactic, err, line, column))
		return -1;
	if (ldw_mitre_read(tactic, w, &t->tactic, loc, err))
		return -1;
	snprintf(w, sizeof(w), "threat[%u].technique", index);
	if (ldw_json_array(obj, "technique", w, false, &techs, err, line, column) < 0)
		return -1;
	n = techs ? json_object_array_length(techs) : 0;
	if (n > LDW_RULE_MAX_TECHNIQUES)
		return ldw_file_fail(err, line, column, "%s: more than %u techniques", w,
				     LDW_RULE_MAX_TECHNIQUES);
	if (n)
		t->techniques = ldw_xcalloc(n, sizeof(*t->techniques));
	for (i = 0; i < n; i++) {
		struct ldw_technique *tech = &t->techniques[i];
		struct json_object *o = json_object_array_get_idx(techs, i);

		t->ntechniques++;
		snprintf(w, sizeof(w), "threat[%u].technique[%zu]", index, i);
		if (ldw_mitre_read(o, w, &tech->technique, loc, err))
			return -1;
		snprintf(w, sizeof(w), "threat[%u].technique[%zu].subtechnique", index, i);
		if (ldw_json_array(o, "subtechnique", w, false, &subs, err, line, column) < 0)
			return -1;
		m = subs ? json_object_array_length(subs) : 0;
		if (m > LDW_RULE_MAX_TECHNIQUES)
			return ldw_file_fail(err, line, column, "%s: more than %u", w,
					     LDW_RULE_MAX_TECHNIQUES);
		if (m)
			tech->sub = ldw_xcalloc(m, sizeof(*tech->sub));
		for (j = 0; j < m; j++) {
			tech->nsub++;
			snprintf(w, sizeof(w), "threat[%u].technique[%zu].subtechnique[%zu]",
				 index, i, j);
			if (ldw_mitre_read(json_object_array_get_idx(subs, j), w, &tech->sub[j],
					   loc, err))
				return -1;
		}
	}
	return 0;
}

static int ldw_lists_read(struct json_object *obj, struct ldw_rule_meta *meta,
			  const struct ldw_json_loc *loc, struct ldw_file_error *err)
{
	struct json_object *arr;
	unsigned int line, column;
	size_t i, n;
	char w[64];

	ldw_json_pos(loc, "exceptions_list", &line, &column);
	if (ldw_json_array(obj, "exceptions_list", NULL, false, &arr, err, line, column) < 0)
		return -1;
	n = arr ? json_object_array_length(arr) : 0;
	if (n > LDW_EXC_MAX_ITEMS)
		return ldw_file_fail(err, line, column, "exceptions_list: more than %u lists",
				     LDW_EXC_MAX_ITEMS);
	if (n)
		meta->lists = ldw_xcalloc(n, sizeof(*meta->lists));
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct ldw_list_ref *ref = &meta->lists[i];

		meta->nlists++;
		snprintf(w, sizeof(w), "exceptions_list[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return ldw_file_fail(err, line, column, "%s: %s where an object is "
					     "expected", w, ldw_json_kind(o));
		snprintf(w, sizeof(w), "exceptions_list[%zu].list_id", i);
		if (ldw_meta_string(o, "list_id", w, true, LDW_ID_MAX, &ref->list_id, loc,
				    "exceptions_list", err))
			return -1;
		snprintf(w, sizeof(w), "exceptions_list[%zu].id", i);
		if (ldw_meta_string(o, "id", w, false, LDW_ID_MAX, &ref->id, loc,
				    "exceptions_list", err) < 0)
			return -1;
		snprintf(w, sizeof(w), "exceptions_list[%zu].namespace_type", i);
		if (ldw_meta_string(o, "namespace_type", w, false, 64, &ref->namespace_type, loc,
				    "exceptions_list", err) < 0)
			return -1;
		snprintf(w, sizeof(w), "exceptions_list[%zu].type", i);
		if (ldw_meta_string(o, "type", w, false, 64, &ref->type, loc,
				    "exceptions_list", err) < 0)
			return -1;
	}
	return 0;
}

/* The rule's fields of @obj (a Kibana rule, or a prebuilt rule's "attributes"). */
static int ldw_rule_from_json(struct ldw_rule_def *r, struct json_object *obj,
			      const struct ldw_json_loc *loc, struct ldw_file_error *err)
{
	struct json_object *threats;
	unsigned int line, column;
	unsigned long n;
	const char *s;
	size_t len, i;

	if (ldw_meta_string(obj, "rule_id", NULL, true, LDW_RULE_ID_MAX, &r->meta.id, loc, NULL,
			    err))
		return -1;
	if (ldw_meta_string(obj, "name", NULL, true, LDW_RULE_NAME_MAX, &r->meta.name, loc,
			    NULL, err))
		return -1;

	ldw_json_pos(loc, "type", &line, &column);
	if (ldw_json_string(obj, "type", NULL, false, 64, &s, NULL, err, line, column) < 0)
		return -1;
	if (s && strcmp(s, "eql"))
		return ldw_file_fail(err, line, column,
				     "type: \"%s\": ldwatch runs EQL rules (type \"eql\") only", s);
	ldw_json_pos(loc, "language", &line, &column);
	if (ldw_json_string(obj, "language", NULL, true, 64, &s, NULL, err, line, column))
		return -1;
	if (strcmp(s, "eql"))
		return ldw_file_fail(err, line, column,
				     "language: \"%s\": ldwatch runs rules written in EQL "
				     "(language \"eql\") only", s);

	ldw_json_pos(loc, "version", &line, &column);
	if (ldw_json_uint(obj, "version", NULL, true, 1, UINT_MAX, &n, err, line, column))
		return -1;
	r->meta.version = n;
	ldw_json_pos(loc, "severity", &line, &column);
	if (ldw_json_string(obj, "severity", NULL, true, 64, &s, &len, err, line, column))
		return -1;
	if (!ldw_severity_known(s, len))
		return ldw_file_fail(err, line, column,
				     "severity: \"%.*s\" is not one of low, medium, high, critical",
				     (int)len, s);
	r->meta.severity = ldw_xstrndup(s, len);
	ldw_json_pos(loc, "risk_score", &line, &column);
	if (ldw_json_uint(obj, "risk_score", NULL, true, 0, 100, &n, err, line, column))
		return -1;
	r->meta.risk_score = n;

	ldw_json_pos(loc, "threat", &line, &column);
	if (ldw_json_array(obj, "threat", NULL, false, &threats, err, line, column) < 0)
		return -1;
	len = threats ? json_object_array_length(threats) : 0;
	if (len > LDW_RULE_MAX_THREATS)
		return ldw_file_fail(err, line, column, "threat: more than %u entries",
				     LDW_RULE_MAX_THREATS);
	if (len)
		r->meta.threats = ldw_xcalloc(len, sizeof(*r->meta.threats));
	for (i = 0; i < len; i++) {
		r->meta.nthreats++;
		if (ldw_threat_read(json_object_array_get_idx(threats, i), i,
				    &r->meta.threats[i], loc, err))
			return -1;
	}
	if (ldw_lists_read(obj, &r->meta, loc, err))
		return -1;

	ldw_json_pos(loc, "query", &line, &column);
	if (ldw_json_string(obj, "query", NULL, true, LDW_RULE_QUERY_MAX, &s, &len, err, line,
			    column))
		return -1;
	if (!ldw_first_nonblank(s, len))
		return ldw_file_fail(err, line, column, "query: empty");
	r->query = ldw_xstrndup(s, len);
	r->query_len = len;
	r->query_in_json = true;
	r->query_line = line;
	r->query_column = column;
	return 0;
}

/* "Kibana rule export, an Elastic prebuilt rule" or plain. */
static char *ldw_kibana_source(struct json_object *obj)
{
	struct json_object *rs, *t, *imm;
	const char *s = "Kibana rule export";

	if ((json_object_object_get_ex(obj, "rule_source", &rs) &&
	     json_object_object_get_ex(rs, "type", &t) &&
	     json_object_is_type(t, json_type_string) &&
	     !strcmp(json_object_get_string(t), "external")) ||
	    (json_object_object_get_ex(obj, "immutable", &imm) &&
	     json_object_is_type(imm, json_type_boolean) && json_object_get_boolean(imm)))
		s = "Kibana rule export, of an Elastic prebuilt rule";
	return ldw_xstrndup(s, strlen(s));
}

static int ldw_parse_ndjson(struct ldw_rule_file *file, const char *text, size_t len,
			    struct ldw_file_error *err)
{
	unsigned int line = 0;
	size_t pos = 0, end;
	int ret;

	file->format = LDW_RULE_FORMAT_KIBANA_EXPORT;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		struct ldw_json_loc loc;
		struct json_object *obj;
		struct ldw_rule_def *r;

		end = nl ? (size_t)(nl - text) : len;
		line++;
		if (!ldw_first_nonblank(text + pos, end - pos)) {
			pos = end + 1;
			continue;
		}
		obj = ldw_file_json_parse(text + pos, end - pos, line, err);
		if (!obj)
			return -1;
		if (!json_object_is_type(obj, json_type_object)) {
			ret = ldw_file_fail(err, line, 0,
					    "%s where one JSON object per line is expected",
					    ldw_json_kind(obj));
			json_object_put(obj);
			return ret;
		}
		ret = 0;
		if (json_object_object_get_ex(obj, "rule_id", NULL)) {
			loc = (struct ldw_json_loc){ text + pos, end - pos, line, NULL };
			r = ldw_rule_add(file, line, err);
			ret = r ? ldw_rule_from_json(r, obj, &loc, err) : -1;
			if (!ret)
				r->meta.source = ldw_kibana_source(obj);
		} else if (!ldw_is_export_summary(obj)) {
			if (!file->exceptions) {
				file->exceptions = ldw_xcalloc(1, sizeof(*file->exceptions));
				file->exceptions->format = LDW_EXC_FORMAT_KIBANA_EXPORT;
				file->exceptions->file = ldw_xstrndup(file->name,
								      strlen(file->name));
			}
			ret = ldw_exceptions_add_json(file->exceptions, obj, line, err);
			if (!ret)
				ret = ldw_file_fail(err, line, 0,
						    "neither a rule (no rule_id), an exception "
						    "list or item, nor the export's summary line");
			ret = ret < 0 ? -1 : 0;
		}
		json_object_put(obj);
		if (ret)
			return -1;
		pos = end + 1;
	}
	if (!file->nrules)
		return ldw_file_fail(err, line ? 1 : 0, 0, "no rule in this export");
	return 0;
}

static int ldw_parse_prebuilt(struct ldw_rule_file *file, struct json_object *top,
			      const char *text, size_t len, struct ldw_file_error *err)
{
	struct ldw_json_loc loc = { text, len, 1, NULL };
	struct json_object *attrs;
	struct ldw_rule_def *r;
	unsigned int line, column;
	const char *type, *id;
	char src[256];

	file->format = LDW_RULE_FORMAT_PREBUILT;
	ldw_json_pos(&loc, "type", &line, &column);
	if (ldw_json_string(top, "type", NULL, false, 64, &type, NULL, err, line, column) < 0)
		return -1;
	if (type && strcmp(type, "security-rule"))
		return ldw_file_fail(err, line, column,
				     "type: \"%s\" where \"security-rule\" is expected", type);
	ldw_json_pos(&loc, "attributes", &line, &column);
	if (ldw_json_object(top, "attributes", NULL, true, &attrs, err, line, column))
		return -1;
	r = ldw_rule_add(file, 1, err);
	if (!r)
		return -1;
	loc.prefix = "attributes";
	if (ldw_rule_from_json(r, attrs, &loc, err))
		return -1;
	loc.prefix = NULL;
	ldw_json_pos(&loc, "id", &line, &column);
	if (ldw_json_string(top, "id", NULL, false, 200, &id, NULL, err, line, column) < 0)
		return -1;
	snprintf(src, sizeof(src), "Elastic prebuilt rule, security_detection_engine package%s%s",
		 id ? ", " : "", id ? id : "");
	r->meta.source = ldw_meta_dup(src, strlen(src), "id", err, line, column);
	return r->meta.source ? 0 : -1;
}

static int ldw_parse_json(struct ldw_rule_file *file, const char *text, size_t len,
			  struct ldw_file_error *err)
{
	struct ldw_file_error whole = { .file = err->file };
	struct json_object *top;
	const char *nl;
	int ret;

	top = ldw_file_json_parse(text, len, 1, &whole);
	if (top && json_object_is_type(top, json_type_object) &&
	    json_object_object_get_ex(top, "attributes", NULL)) {
		ret = ldw_parse_prebuilt(file, top, text, len, err);
		json_object_put(top);
		return ret;
	}
	if (top) {
		json_object_put(top);
		return ldw_parse_ndjson(file, text, len, err);
	}
	/*
	 * Not one JSON value: an export, one object a line; unless its
	 * first object does not end on its line, which is a JSON document
	 * with an error, to be reported as such.
	 */
	nl = text;
	while (nl < text + len && !ldw_first_nonblank(nl, strcspn(nl, "\n")))
		nl += strcspn(nl, "\n") + 1;
	{
		size_t first_len = strcspn(nl, "\n");
		struct ldw_file_error line_err = { .file = err->file };
		struct json_object *first = ldw_file_json_parse(nl, first_len, 1, &line_err);

		if (!first) {
			unsigned int first_line, column;

			/* One line of JSON: its own error; a document: the document's. */
			if (ldw_first_nonblank(nl + first_len, text + len - nl - first_len)) {
				*err = whole;
				return -1;
			}
			ldw_text_position(text, nl - text, &first_line, &column);
			*err = line_err;
			err->line += first_line - 1;
			return -1;
		}
		json_object_put(first);
	}
	return ldw_parse_ndjson(file, text, len, err);
}

/* --- plain EQL --- */

/* The comment body of a line (after "//" and blanks), or NULL. */
static const char *ldw_line_comment(const char *p, const char *eol)
{
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (eol - p < 2 || p[0] != '/' || p[1] != '/')
		return NULL;
	for (p += 2; p < eol && (*p == ' ' || *p == '\t'); p++)
		;
	return p;
}

static const char *const ldw_header_keys[] = {
	"id", "name", "version", "severity", "risk_score", "tactic", "technique",
	"subtechnique", "source",
};

/* Split "TA0005 Defense Evasion" into an id and a name. */
static int ldw_header_mitre(const char *v, size_t vlen, const char *key, struct ldw_mitre *m,
			    const char *parent, unsigned int line, struct ldw_file_error *err)
{
	size_t idlen = 0;
	const char *name;
	bool ok;

	while (idlen < vlen && v[idlen] != ' ' && v[idlen] != '\t')
		idlen++;
	name = v + idlen;
	while (name < v + vlen && (*name == ' ' || *name == '\t'))
		name++;
	if (!strcmp(key, "tactic"))
		ok = ldw_tactic_id_ok(v, idlen);
	else if (!strcmp(key, "technique"))
		ok = ldw_technique_id_ok(v, idlen);
	else
		ok = ldw_subtechnique_id_ok(v, idlen, parent);
	if (!ok)
		return ldw_file_fail(err, line, 0,
				     "%s: \"%.*s\" is not a MITRE ATT&CK %s id (%s)", key,
				     (int)idlen, v, key,
				     !strcmp(key, "tactic") ? "like TA0005" :
				     !strcmp(key, "technique") ? "like T1574" :
				     "like T1574.006, under the technique before it");
	if (name == v + vlen)
		return ldw_file_fail(err, line, 0, "%s: \"%.*s\" needs its name after the id "
				     "(\"%.*s Name\")", key, (int)idlen, v, (int)idlen, v);
	m->id = ldw_xstrndup(v, idlen);
	m->name = ldw_meta_dup(name, v + vlen - name, key, err, line, 0);
	if (!m->name)
		return -1;
	m->reference = ldw_mitre_reference(m->id);
	return 0;
}

static int ldw_header_field(struct ldw_rule_def *r, const char *key, const char *v,
			    size_t vlen, unsigned int line, bool *seen,
			    struct ldw_file_error *err)
{
	struct ldw_rule_meta *m = &r->meta;
	struct ldw_threat *t;
	struct ldw_technique *tech;
	unsigned long n;
	char *end, num[16];
	unsigned int k;

	for (k = 0; k < LDW_ARRAY_SIZE(ldw_header_keys); k++) {
		if (!strcmp(key, ldw_header_keys[k]))
			break;
	}
	if (k < 5) {
		if (seen[k])
			return ldw_file_fail(err, line, 0, "a second \"// %s:\" line", key);
		seen[k] = true;
	}
	if (!vlen && k < LDW_ARRAY_SIZE(ldw_header_keys))
		return ldw_file_fail(err, line, 0, "\"// %s:\" without a value", key);
	switch (k) {
	case 0:	/* id */
		if (vlen > LDW_RULE_ID_MAX || memchr(v, ' ', vlen) || memchr(v, '\t', vlen))
			return ldw_file_fail(err, line, 0, "id: up to %u bytes without blanks",
					     LDW_RULE_ID_MAX);
		m->id = ldw_meta_dup(v, vlen, "id", err, line, 0);
		return m->id ? 0 : -1;
	case 1:	/* name */
		if (vlen > LDW_RULE_NAME_MAX)
			return ldw_file_fail(err, line, 0, "name: longer than %u bytes",
					     LDW_RULE_NAME_MAX);
		m->name = ldw_meta_dup(v, vlen, "name", err, line, 0);
		return m->name ? 0 : -1;
	case 2:	/* version */
	case 4:	/* risk_score */
		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 15 ? vlen : 15), v);
		end = num;
		n = isdigit((unsigned char)num[0]) ? strtoul(num, &end, 10) : 0;
		if (vlen > 10 || end == num || *end || (k == 2 && (n < 1 || n > UINT_MAX)) ||
		    (k == 4 && n > 100))
			return ldw_file_fail(err, line, 0, "%s: \"%.*s\" is not a whole number "
					     "from %s", key, (int)vlen, v,
					     k == 2 ? "1 up" : "0 to 100");
		if (k == 2)
			m->version = n;
		else
			m->risk_score = n;
		return 0;
	case 3:	/* severity */
		if (!ldw_severity_known(v, vlen))
			return ldw_file_fail(err, line, 0, "severity: \"%.*s\" is not one of "
					     "low, medium, high, critical", (int)vlen, v);
		m->severity = ldw_xstrndup(v, vlen);
		return 0;
	case 5:	/* tactic */
		if (m->nthreats >= LDW_RULE_MAX_THREATS)
			return ldw_file_fail(err, line, 0, "more than %u tactics",
					     LDW_RULE_MAX_THREATS);
		m->threats = ldw_xrealloc(m->threats, m->nthreats + 1, sizeof(*m->threats));
		t = &m->threats[m->nthreats++];
		memset(t, 0, sizeof(*t));
		t->framework = ldw_xstrndup("MITRE ATT&CK", 12);
		return ldw_header_mitre(v, vlen, key, &t->tactic, NULL, line, err);
	case 6:	/* technique */
		if (!m->nthreats)
			return ldw_file_fail(err, line, 0, "a technique before any tactic: "
					     "each technique belongs to the tactic above it");
		t = &m->threats[m->nthreats - 1];
		if (t->ntechniques >= LDW_RULE_MAX_TECHNIQUES)
			return ldw_file_fail(err, line, 0, "more than %u techniques",
					     LDW_RULE_MAX_TECHNIQUES);
		t->techniques = ldw_xrealloc(t->techniques, t->ntechniques + 1,
					     sizeof(*t->techniques));
		tech = &t->techniques[t->ntechniques++];
		memset(tech, 0, sizeof(*tech));
		return ldw_header_mitre(v, vlen, key, &tech->technique, NULL, line, err);
	case 7:	/* subtechnique */
		if (!m->nthreats || !m->threats[m->nthreats - 1].ntechniques)
			return ldw_file_fail(err, line, 0, "a subtechnique before any technique: "
					     "each belongs to the technique above it");
		t = &m->threats[m->nthreats - 1];
		tech = &t->techniques[t->ntechniques - 1];
		if (tech->nsub >= LDW_RULE_MAX_TECHNIQUES)
			return ldw_file_fail(err, line, 0, "more than %u subtechniques",
					     LDW_RULE_MAX_TECHNIQUES);
		tech->sub = ldw_xrealloc(tech->sub, tech->nsub + 1, sizeof(*tech->sub));
		memset(&tech->sub[tech->nsub], 0, sizeof(*tech->sub));
		tech->nsub++;
		return ldw_header_mitre(v, vlen, key, &tech->sub[tech->nsub - 1],
					tech->technique.id, line, err);
	case 8:	/* source: lines add up */
		if (m->source) {
			size_t old = strlen(m->source);

			if (old + 1 + vlen > LDW_RULE_TEXT_MAX)
				return ldw_file_fail(err, line, 0, "source: longer than %u bytes",
						     LDW_RULE_TEXT_MAX);
			m->source = ldw_xrealloc(m->source, old + vlen + 2, 1);
			m->source[old] = ' ';
			memcpy(m->source + old + 1, v, vlen);
			m->source[old + 1 + vlen] = '\0';
			return 0;
		}
		if (vlen > LDW_RULE_TEXT_MAX)
			return ldw_file_fail(err, line, 0, "source: longer than %u bytes",
					     LDW_RULE_TEXT_MAX);
		m->source = ldw_meta_dup(v, vlen, "source", err, line, 0);
		return m->source ? 0 : -1;
	}
	return ldw_file_fail(err, line, 0,
			     "unknown header field \"%s\" (known: id, name, version, severity, "
			     "risk_score, tactic, technique, subtechnique, source)", key);
}

static int ldw_parse_eql(struct ldw_rule_file *file, const char *text, size_t len,
			 struct ldw_file_error *err)
{
	const char *p = text, *end = text + len;
	static const char *const required[] = { "id", "name", "version", "severity",
						"risk_score" };
	bool seen[5] = { false };
	struct ldw_rule_def *r;
	unsigned int line = 0, i;

	file->format = LDW_RULE_FORMAT_EQL;
	if (memchr(text, '\0', len))
		return ldw_file_fail(err, 0, 0, "a NUL byte: not a text file");
	r = ldw_rule_add(file, 1, err);
	if (!r)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *body, *k, *v;
		char key[16];
		size_t klen;

		line++;
		if (!ldw_first_nonblank(p, eol - p)) {
			p = eol + 1;
			continue;
		}
		body = ldw_line_comment(p, eol);
		if (!body)
			break;
		/* "key: value", key in [a-z_]; any other comment is free text */
		for (k = body; k < eol && (islower((unsigned char)*k) || *k == '_'); k++)
			;
		klen = k - body;
		if (klen && klen < sizeof(key) && k < eol && *k == ':') {
			memcpy(key, body, klen);
			key[klen] = '\0';
			for (v = k + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
				;
			while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
				eol--;
			if (ldw_header_field(r, key, v, eol - v, line, seen, err))
				return -1;
		}
		p = (nl ? nl : end) + 1;
	}
	for (i = 0; i < LDW_ARRAY_SIZE(required); i++) {
		if (!seen[i])
			return ldw_file_fail(err, 1, 0,
					     "the header has no \"// %s:\" line (a plain EQL rule "
					     "starts with // id:, name:, version:, severity:, "
					     "risk_score: lines)", required[i]);
	}
	if (p >= end)
		return ldw_file_fail(err, line, 0, "no query after the header");
	r->query_len = end - p;
	if (r->query_len > LDW_RULE_QUERY_MAX)
		return ldw_file_fail(err, line, 0, "the query is longer than %u bytes",
				     LDW_RULE_QUERY_MAX);
	r->query = ldw_xstrndup(p, r->query_len);
	r->query_line = line;
	r->query_column = 1;
	return 0;
}

int ldw_rule_file_parse(const char *name, const char *text, size_t len,
			struct ldw_rule_file *out, struct ldw_file_error *err)
{
	memset(out, 0, sizeof(*out));
	out->name = ldw_xstrndup(name, strlen(name));
	err->file = out->name;
	if (ldw_first_nonblank(text, len) == '{')
		return ldw_parse_json(out, text, len, err);
	return ldw_parse_eql(out, text, len, err);
}

int ldw_rule_file_read(const char *path, struct ldw_rule_file *out,
		       struct ldw_file_error *err)
{
	char *text;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	err->file = path;
	if (ldw_file_slurp(path, &text, &len, err))
		return -1;
	ret = ldw_rule_file_parse(path, text, len, out, err);
	free(text);
	return ret;
}

/* --- compiling --- */

void ldw_compiled_free(struct ldw_compiled *c)
{
	free(c->blob);
	memset(c, 0, sizeof(*c));
}

void ldw_sha256_hex(const unsigned char sha256[32], char hex[65])
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha256[i]);
}

/* Append the items of @exc that apply to @rule; count them in @n. */
static int ldw_compile_items(const struct ldw_exceptions *exc, const struct ldw_rule_def *rule,
			     bool only_named, struct ldw_prog_builder *b, unsigned int *n,
			     struct ldw_file_error *err)
{
	const char *lists[LDW_EXC_MAX_ITEMS];
	unsigned int i;

	if (!exc || (only_named && !rule->meta.nlists))
		return 0;
	for (i = 0; i < rule->meta.nlists && i < LDW_EXC_MAX_ITEMS; i++)
		lists[i] = rule->meta.lists[i].list_id;
	for (i = 0; i < exc->nitems; i++) {
		const struct ldw_exc_item *item = &exc->items[i];

		if (!ldw_exceptions_applies(exc, item, rule->meta.id, lists,
					    rule->meta.nlists))
			continue;
		if (ldw_exc_item_expired(item, (long long)time(NULL))) {
			if (ldw_exc_item_label(item))
				fprintf(stderr, "warning: %s: item %s expired on %s, not loaded\n",
					exc->file, ldw_exc_item_label(item), item->expire_text);
			else
				fprintf(stderr, "warning: %s: item at line %u expired on %s, "
					"not loaded\n", exc->file, item->line, item->expire_text);
			continue;
		}
		if (ldw_exc_item_compile(exc, &exc->items[i], b, err))
			return -1;
		(*n)++;
	}
	return 0;
}

static int ldw_compiled_finish(struct ldw_prog_builder *b, unsigned int line,
			       struct ldw_compiled *out, struct ldw_file_error *err);

/* @out's buffer, and @b to build into it. */
static void ldw_compiled_init(struct ldw_compiled *out, struct ldw_prog_builder *b)
{
	memset(out, 0, sizeof(*out));
	out->blob = aligned_alloc(8, LDW_PROG_MAX_SIZE);
	if (!out->blob) {
		fputs("ldwatch: out of memory\n", stderr);
		abort();
	}
	memset(out->blob, 0, LDW_PROG_MAX_SIZE);
	ldw_prog_build_init(b, out->blob, LDW_PROG_MAX_SIZE);
}

int ldw_rule_compile(const struct ldw_rule_file *file, const struct ldw_rule_def *rule,
		     const struct ldw_exceptions *extra, struct ldw_compiled *out,
		     struct ldw_file_error *err)
{
	struct ldw_prog_builder b;
	struct ldw_eql_error e = { 0 };

	ldw_compiled_init(out, &b);
	err->file = file->name;
	if (ldw_eql_compile(rule->query, rule->query_len, &b, &e)) {
		if (rule->query_in_json) {
			ldw_file_fail(err, rule->query_line, rule->query_column, "%s", e.message);
			err->in_query = true;
			err->qline = e.line;
			err->qcolumn = e.column;
		} else {
			ldw_file_fail(err, rule->query_line + (e.line ? e.line - 1 : 0),
				      e.line > 1 ? e.column : rule->query_column + e.column - 1,
				      "%s", e.message);
		}
		return -1;
	}
	if (ldw_compile_items(file->exceptions, rule, true, &b, &out->nexceptions, err) ||
	    ldw_compile_items(extra, rule, false, &b, &out->nexceptions, err))
		return -1;
	err->file = file->name;
	return ldw_compiled_finish(&b, rule->line, out, err);
}

/* Lay out what @b holds as @out (units counted, digest taken). */
static int ldw_compiled_finish(struct ldw_prog_builder *b, unsigned int line,
			       struct ldw_compiled *out, struct ldw_file_error *err)
{
	struct ldw_prog_error perr;
	struct sha256_ctx ctx;
	const char *msg = NULL;
	unsigned int i, nquery;

	out->size = ldw_prog_build_finish(b, &msg);
	if (!out->size)
		return ldw_file_fail(err, line, 0, "%s%s", msg ? msg : "cannot compile",
				     out->nexceptions ? " (with its exception items)" : "");
	if (ldw_prog_verify(out->blob, out->size, &out->prog, &perr))
		return ldw_file_fail(err, line, 0,
				     "the compiled program does not verify (a bug in ldwatch's "
				     "compiler): %s at byte %zu", perr.what, perr.offset);
	nquery = out->prog.header->nunits - out->nexceptions;
	for (i = 0; i < nquery; i++) {
		if (out->prog.unit[i].kind == LDW_UNIT_REQUIRE)
			out->nrequire++;
		else
			out->nexclude++;
	}
	sha256_init(&ctx);
	sha256_update(&ctx, out->size, out->blob);
	sha256_digest(&ctx, sizeof(out->sha256), out->sha256);
	return 0;
}

void ldw_builtin_meta(const struct ldw_rule *table, struct ldw_rule_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	meta->id = (char *)table->id;
	meta->name = (char *)table->name;
	meta->version = table->version;
	meta->severity = (char *)table->severity;
	meta->risk_score = table->risk_score;
}

int ldw_builtin_compile(const struct ldw_rule *table, const struct ldw_exceptions *exc,
			struct ldw_compiled *out, struct ldw_file_error *err)
{
	struct ldw_rule_def def = { .line = 0 };
	struct ldw_prog_builder b;

	ldw_builtin_meta(table, &def.meta);
	ldw_compiled_init(out, &b);
	/* The module's own lowering: the same units, the same bytes. */
	ldw_prog_build_rule(&b, table);
	if (ldw_compile_items(exc, &def, false, &b, &out->nexceptions, err))
		return -1;
	err->file = exc ? exc->file : "built-in";
	return ldw_compiled_finish(&b, 0, out, err);
}

char *ldw_rule_meta_threat_text(const struct ldw_rule_meta *meta)
{
	size_t size = 1, len = 0;
	unsigned int i, j, k;
	char *text;

	for (i = 0; i < meta->nthreats; i++) {
		const struct ldw_threat *t = &meta->threats[i];

		size += strlen(t->tactic.id) + strlen(t->tactic.name) + 16;
		for (j = 0; j < t->ntechniques; j++) {
			const struct ldw_technique *tech = &t->techniques[j];

			size += strlen(tech->technique.id) + strlen(tech->technique.name) + 16;
			for (k = 0; k < tech->nsub; k++)
				size += strlen(tech->sub[k].id) + strlen(tech->sub[k].name) + 16;
		}
	}
	text = ldw_xcalloc(size, 1);
	for (i = 0; i < meta->nthreats; i++) {
		const struct ldw_threat *t = &meta->threats[i];

		len += sprintf(text + len, "tactic\t%s\t%s\n", t->tactic.id, t->tactic.name);
		for (j = 0; j < t->ntechniques; j++) {
			const struct ldw_technique *tech = &t->techniques[j];

			len += sprintf(text + len, "technique\t%s\t%s\n", tech->technique.id,
				       tech->technique.name);
			for (k = 0; k < tech->nsub; k++)
				len += sprintf(text + len, "subtechnique\t%s\t%s\n",
					       tech->sub[k].id, tech->sub[k].name);
		}
	}
	return text;
}

void ldw_rule_meta_write_header(FILE *out, const struct ldw_rule_meta *meta)
{
	unsigned int i, j, k;

	fprintf(out, "// id: %s\n", meta->id);
	fprintf(out, "// name: %s\n", meta->name);
	fprintf(out, "// version: %u\n", meta->version);
	fprintf(out, "// severity: %s\n", meta->severity);
	fprintf(out, "// risk_score: %u\n", meta->risk_score);
	for (i = 0; i < meta->nthreats; i++) {
		const struct ldw_threat *t = &meta->threats[i];

		fprintf(out, "// tactic: %s %s\n", t->tactic.id, t->tactic.name);
		for (j = 0; j < t->ntechniques; j++) {
			fprintf(out, "// technique: %s %s\n", t->techniques[j].technique.id,
				t->techniques[j].technique.name);
			for (k = 0; k < t->techniques[j].nsub; k++)
				fprintf(out, "// subtechnique: %s %s\n",
					t->techniques[j].sub[k].id, t->techniques[j].sub[k].name);
		}
	}
	if (meta->source)
		fprintf(out, "// source: %s\n", meta->source);
}
