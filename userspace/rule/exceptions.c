// SPDX-License-Identifier: GPL-2.0
/*
 * Exception files: Kibana's exception list export and ldwatch's hand form,
 * read into items, and each item compiled to one EXCLUDE unit.
 */
#include <stdlib.h>
#include <string.h>

#include "eql_compile.h"
#include "exceptions.h"

const char *ldw_exc_format_name(enum ldw_exc_format format)
{
	switch (format) {
	case LDW_EXC_FORMAT_EQL:
		return "ldwatch exceptions (EQL)";
	case LDW_EXC_FORMAT_KIBANA_EXPORT:
		return "Kibana exception list export (ndjson)";
	}
	return "?";
}

const char *ldw_exc_type_name(enum ldw_exc_type type)
{
	switch (type) {
	case LDW_EXC_MATCH:
		return "match";
	case LDW_EXC_MATCH_ANY:
		return "match_any";
	case LDW_EXC_WILDCARD:
		return "wildcard";
	case LDW_EXC_EXISTS:
		return "exists";
	}
	return "?";
}

enum ldw_field ldw_field_by_name(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		const char *n = ldw_field_name(i);

		if (n && strlen(n) == len && !memcmp(n, name, len))
			return i;
	}
	return LDW_FIELD_COUNT;
}

/* "host.os.type, event.action, ..." for messages. */
static const char *ldw_field_list(void)
{
	static char buf[512];
	unsigned int i;

	if (buf[0])
		return buf;
	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		if (i)
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, ldw_field_name(i), sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static void ldw_exc_item_free(struct ldw_exc_item *item)
{
	unsigned int i, j;

	free(item->item_id);
	free(item->name);
	free(item->list_id);
	for (i = 0; i < item->nentries; i++) {
		for (j = 0; j < item->entries[i].nvalues; j++)
			free((char *)item->entries[i].values[j].ptr);
		free(item->entries[i].values);
	}
	free(item->entries);
	for (i = 0; i < item->nos_types; i++)
		free(item->os_types[i]);
	free(item->os_types);
	free(item->expr);
	free(item->expire_text);
}

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar. */
static long long ldw_days_from_civil(long long y, unsigned int m, unsigned int d)
{
	long long era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* @n digits at @s as a number, or -1. */
static int ldw_digits_at(const char *s, const char *end, unsigned int n)
{
	int v = 0;

	if (end - s < (long)n)
		return -1;
	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int ldw_exc_time_parse(const char *s, size_t len, long long *out)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, sec = 0, zh, zm;
	long long zone = 0;

	y = ldw_digits_at(p, end, 4);
	if (y < 0 || end - p < 10 || p[4] != '-' || p[7] != '-')
		return -1;
	mo = ldw_digits_at(p + 5, end, 2);
	d = ldw_digits_at(p + 8, end, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return -1;
	p += 10;
	if (p < end) {
		if (*p != 'T' || end - p < 9 || p[3] != ':' || p[6] != ':')
			return -1;
		h = ldw_digits_at(p + 1, end, 2);
		mi = ldw_digits_at(p + 4, end, 2);
		sec = ldw_digits_at(p + 7, end, 2);
		if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
			return -1;
		p += 9;
		if (p < end && *p == '.') {
			/* A fraction of a second: an instant within that second. */
			for (p++; p < end && *p >= '0' && *p <= '9'; p++)
				;
			if (p[-1] == '.')
				return -1;
		}
		if (p < end && *p == 'Z') {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			if (end - p != 6 || p[3] != ':')
				return -1;
			zh = ldw_digits_at(p + 1, end, 2);
			zm = ldw_digits_at(p + 4, end, 2);
			if (zh < 0 || zh > 23 || zm < 0 || zm > 59)
				return -1;
			zone = (zh * 60LL + zm) * 60 * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			return -1;
		}
	}
	if (p != end)
		return -1;
	*out = ldw_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - zone;
	return 0;
}

bool ldw_exc_item_expired(const struct ldw_exc_item *item, long long now)
{
	return item->expire_text && item->expire_time <= now;
}

const char *ldw_exc_item_label(const struct ldw_exc_item *item)
{
	return item->name ? item->name : item->item_id;
}

/* @item's expire_time from @s (@n bytes). */
static int ldw_exc_expire_set(struct ldw_exc_item *item, const char *s, size_t n,
			      struct ldw_file_error *err, unsigned int line)
{
	if (n > 64 || ldw_exc_time_parse(s, n, &item->expire_time))
		return ldw_file_fail(err, line, 0,
				     "expire_time: \"%.*s\" is no ISO 8601 instant (as "
				     "2027-01-31T00:00:00.000Z, or a date: 2027-01-31)",
				     (int)(n > 64 ? 64 : n), s);
	item->expire_text = ldw_xstrndup(s, n);
	return 0;
}

void ldw_exceptions_free(struct ldw_exceptions *exc)
{
	unsigned int i;

	if (!exc)
		return;
	for (i = 0; i < exc->nitems; i++)
		ldw_exc_item_free(&exc->items[i]);
	free(exc->items);
	for (i = 0; i < exc->nlists; i++) {
		free(exc->lists[i].list_id);
		free(exc->lists[i].name);
		free(exc->lists[i].type);
	}
	free(exc->lists);
	free(exc->rule_id);
	free(exc->file);
	memset(exc, 0, sizeof(*exc));
}

/* --- Kibana's export --- */

/* A copy of a JSON string value; NULL (and @err) if it holds a NUL. */
static int ldw_exc_value(struct json_object *v, const char *what, struct ldw_str *out,
			 struct ldw_file_error *err, unsigned int line)
{
	size_t n;

	if (!json_object_is_type(v, json_type_string))
		return ldw_file_fail(err, line, 0, "%s: %s where a string is expected", what,
				     ldw_json_kind(v));
	n = json_object_get_string_len(v);
	if (!n)
		return ldw_file_fail(err, line, 0, "%s: empty (Kibana requires a value)", what);
	if (n > LDW_PROG_MAX_VALUE_LEN)
		return ldw_file_fail(err, line, 0, "%s: longer than %u bytes", what,
				     LDW_PROG_MAX_VALUE_LEN);
	out->ptr = ldw_xstrndup(json_object_get_string(v), n);
	out->len = n;
	return 0;
}

static int ldw_exc_entry_read(struct ldw_exc_entry *e, struct json_object *obj,
			      const char *at, unsigned int line, struct ldw_file_error *err)
{
	const char *field, *op, *type;
	struct json_object *v;
	char what[128];
	size_t field_len, i, n;

	if (!json_object_is_type(obj, json_type_object))
		return ldw_file_fail(err, line, 0, "%s: %s where an object is expected", at,
				     ldw_json_kind(obj));
	snprintf(what, sizeof(what), "%s.type", at);
	if (ldw_json_string(obj, "type", what, true, 64, &type, NULL, err, line, 0))
		return -1;
	if (!strcmp(type, "nested"))
		return ldw_file_fail(err, line, 0,
				     "%s: entry type \"nested\" is not supported: ldwatch's "
				     "events have no nested (array of objects) fields", at);
	if (!strcmp(type, "list"))
		return ldw_file_fail(err, line, 0,
				     "%s: entry type \"list\" (a value list) is not supported: "
				     "write the list's values as a match_any entry", at);
	if (!strcmp(type, "match"))
		e->type = LDW_EXC_MATCH;
	else if (!strcmp(type, "match_any"))
		e->type = LDW_EXC_MATCH_ANY;
	else if (!strcmp(type, "wildcard"))
		e->type = LDW_EXC_WILDCARD;
	else if (!strcmp(type, "exists"))
		e->type = LDW_EXC_EXISTS;
	else
		return ldw_file_fail(err, line, 0,
				     "%s: unknown entry type \"%s\" (known: match, match_any, "
				     "wildcard, exists; nested and list are not supported)",
				     what, type);

	snprintf(what, sizeof(what), "%s.field", at);
	if (ldw_json_string(obj, "field", what, true, 256, &field, &field_len, err, line, 0))
		return -1;
	e->field = ldw_field_by_name(field, field_len);
	if (e->field == LDW_FIELD_COUNT)
		return ldw_file_fail(err, line, 0,
				     "%s: \"%.*s\" is not a field ldwatch's events have "
				     "(they have: %s)", what, (int)field_len, field,
				     ldw_field_list());

	snprintf(what, sizeof(what), "%s.operator", at);
	if (ldw_json_string(obj, "operator", what, true, 64, &op, NULL, err, line, 0))
		return -1;
	if (!strcmp(op, "excluded"))
		e->excluded = true;
	else if (strcmp(op, "included"))
		return ldw_file_fail(err, line, 0,
				     "%s: \"%s\" is neither \"included\" nor \"excluded\"", what, op);

	snprintf(what, sizeof(what), "%s.value", at);
	json_object_object_get_ex(obj, "value", &v);
	switch (e->type) {
	case LDW_EXC_EXISTS:
		if (v)
			return ldw_file_fail(err, line, 0, "%s: an exists entry takes no value",
					     what);
		return 0;
	case LDW_EXC_MATCH:
	case LDW_EXC_WILDCARD:
		if (!v)
			return ldw_file_fail(err, line, 0, "%s: missing", what);
		e->values = ldw_xcalloc(1, sizeof(*e->values));
		if (ldw_exc_value(v, what, &e->values[0], err, line))
			return -1;
		e->nvalues = 1;
		if (e->type == LDW_EXC_WILDCARD && memchr(e->values[0].ptr, '\\', e->values[0].len))
			return ldw_file_fail(err, line, 0,
					     "%s: holds '\\', which Elasticsearch's wildcard "
					     "query reads as an escape; ldwatch's wildcards have "
					     "none, so the entry cannot mean the same here", what);
		return 0;
	case LDW_EXC_MATCH_ANY:
		if (!v)
			return ldw_file_fail(err, line, 0, "%s: missing", what);
		if (!json_object_is_type(v, json_type_array))
			return ldw_file_fail(err, line, 0,
					     "%s: %s where an array of strings is expected",
					     what, ldw_json_kind(v));
		n = json_object_array_length(v);
		if (!n || n > LDW_EXC_MAX_VALUES)
			return ldw_file_fail(err, line, 0, "%s: %zu values (1 to %u allowed)",
					     what, n, LDW_EXC_MAX_VALUES);
		e->values = ldw_xcalloc(n, sizeof(*e->values));
		for (i = 0; i < n; i++) {
			char vwhat[160];

			snprintf(vwhat, sizeof(vwhat), "%s[%zu]", what, i);
			if (ldw_exc_value(json_object_array_get_idx(v, i), vwhat,
					  &e->values[i], err, line))
				return -1;
			e->nvalues++;
		}
		return 0;
	}
	return -1;
}

static int ldw_exc_item_read(struct ldw_exc_item *item, struct json_object *obj,
			     unsigned int line, struct ldw_file_error *err)
{
	struct json_object *entries, *os;
	const char *s;
	size_t n, i;
	char at[64];

	item->line = line;
	if (ldw_json_string(obj, "item_id", NULL, true, LDW_ID_MAX, &s, &n, err, line, 0))
		return -1;
	item->item_id = ldw_meta_dup(s, n, "item_id", err, line, 0);
	if (!item->item_id)
		return -1;
	if (ldw_json_string(obj, "list_id", NULL, true, LDW_ID_MAX, &s, &n, err, line, 0))
		return -1;
	item->list_id = ldw_meta_dup(s, n, "list_id", err, line, 0);
	if (!item->list_id)
		return -1;
	switch (ldw_json_string(obj, "name", NULL, false, 1024, &s, &n, err, line, 0)) {
	case -1:
		return -1;
	case 0:
		item->name = ldw_meta_dup(s, n, "name", err, line, 0);
		if (!item->name)
			return -1;
	}
	switch (ldw_json_string(obj, "expire_time", NULL, false, 1024, &s, &n, err, line, 0)) {
	case -1:
		return -1;
	case 0:
		if (ldw_exc_expire_set(item, s, n, err, line))
			return -1;
	}
	if (ldw_json_string(obj, "type", NULL, false, 64, &s, NULL, err, line, 0) < 0)
		return -1;
	if (s && strcmp(s, "simple"))
		return ldw_file_fail(err, line, 0, "type: \"%s\" where \"simple\" is expected", s);

	if (ldw_json_array(obj, "entries", NULL, true, &entries, err, line, 0))
		return -1;
	n = json_object_array_length(entries);
	if (!n || n > LDW_EXC_MAX_ENTRIES)
		return ldw_file_fail(err, line, 0, "entries: %zu entries (1 to %u allowed)", n,
				     LDW_EXC_MAX_ENTRIES);
	item->entries = ldw_xcalloc(n, sizeof(*item->entries));
	for (i = 0; i < n; i++) {
		snprintf(at, sizeof(at), "entries[%zu]", i);
		item->nentries++;
		if (ldw_exc_entry_read(&item->entries[i], json_object_array_get_idx(entries, i),
				       at, line, err))
			return -1;
	}

	if (ldw_json_array(obj, "os_types", NULL, false, &os, err, line, 0) < 0)
		return -1;
	n = os ? json_object_array_length(os) : 0;
	if (n > 8)
		return ldw_file_fail(err, line, 0, "os_types: more than 8");
	if (n)
		item->os_types = ldw_xcalloc(n, sizeof(*item->os_types));
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(os, i);

		if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v))
			return ldw_file_fail(err, line, 0,
					     "os_types[%zu]: %s where a non-empty string is "
					     "expected", i, ldw_json_kind(v));
		snprintf(at, sizeof(at), "os_types[%zu]", i);
		item->os_types[i] = ldw_meta_dup(json_object_get_string(v),
						 json_object_get_string_len(v), at, err, line, 0);
		if (!item->os_types[i])
			return -1;
		item->nos_types++;
	}
	return 0;
}

static int ldw_exc_list_read(struct ldw_exc_list *list, struct json_object *obj,
			     unsigned int line, struct ldw_file_error *err)
{
	const char *s;
	size_t n;

	list->line = line;
	if (ldw_json_string(obj, "list_id", NULL, true, LDW_ID_MAX, &s, &n, err, line, 0))
		return -1;
	list->list_id = ldw_meta_dup(s, n, "list_id", err, line, 0);
	if (!list->list_id)
		return -1;
	if (ldw_json_string(obj, "name", NULL, false, 1024, &s, &n, err, line, 0) < 0)
		return -1;
	if (s) {
		list->name = ldw_meta_dup(s, n, "name", err, line, 0);
		if (!list->name)
			return -1;
	}
	if (ldw_json_string(obj, "type", NULL, false, 64, &s, &n, err, line, 0) < 0)
		return -1;
	if (s) {
		list->type = ldw_meta_dup(s, n, "type", err, line, 0);
		if (!list->type)
			return -1;
	}
	return 0;
}

int ldw_exceptions_add_json(struct ldw_exceptions *exc, struct json_object *obj,
			    unsigned int line, struct ldw_file_error *err)
{
	bool has_item = json_object_object_get_ex(obj, "item_id", NULL) ||
			json_object_object_get_ex(obj, "entries", NULL);
	bool has_list = json_object_object_get_ex(obj, "list_id", NULL);

	if (has_item) {
		if (exc->nitems >= LDW_EXC_MAX_ITEMS)
			return ldw_file_fail(err, line, 0, "more than %u exception items",
					     LDW_EXC_MAX_ITEMS);
		exc->items = ldw_xrealloc(exc->items, exc->nitems + 1, sizeof(*exc->items));
		memset(&exc->items[exc->nitems], 0, sizeof(*exc->items));
		exc->nitems++;
		return ldw_exc_item_read(&exc->items[exc->nitems - 1], obj, line, err) ? -1 : 1;
	}
	if (has_list) {
		if (exc->nlists >= LDW_EXC_MAX_ITEMS)
			return ldw_file_fail(err, line, 0, "more than %u exception lists",
					     LDW_EXC_MAX_ITEMS);
		exc->lists = ldw_xrealloc(exc->lists, exc->nlists + 1, sizeof(*exc->lists));
		memset(&exc->lists[exc->nlists], 0, sizeof(*exc->lists));
		exc->nlists++;
		return ldw_exc_list_read(&exc->lists[exc->nlists - 1], obj, line, err) ? -1 : 1;
	}
	return 0;
}

/* Kibana's export summary line, e.g. {"exported_exception_list_count":1,...}. */
bool ldw_is_export_summary(struct json_object *obj)
{
	return json_object_object_get_ex(obj, "exported_count", NULL) ||
	       json_object_object_get_ex(obj, "exported_exception_list_count", NULL) ||
	       json_object_object_get_ex(obj, "exported_rules_count", NULL);
}

static int ldw_exc_parse_ndjson(struct ldw_exceptions *exc, const char *text, size_t len,
				struct ldw_file_error *err)
{
	unsigned int line = 0;
	size_t pos = 0, end;
	int ret;

	exc->format = LDW_EXC_FORMAT_KIBANA_EXPORT;
	while (pos < len) {
		struct json_object *obj;
		const char *nl = memchr(text + pos, '\n', len - pos);

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
			json_object_put(obj);
			return ldw_file_fail(err, line, 0,
					     "%s where one JSON object per line is expected",
					     ldw_json_kind(obj));
		}
		ret = ldw_exceptions_add_json(exc, obj, line, err);
		if (!ret && !ldw_is_export_summary(obj)) {
			if (json_object_object_get_ex(obj, "rule_id", NULL))
				ret = ldw_file_fail(err, line, 0,
						    "a rule, not an exception: this is a rule "
						    "export (try ldwatchctl rules check)");
			else
				ret = ldw_file_fail(err, line, 0,
						    "neither an exception list, an exception item "
						    "nor the export's summary line");
		}
		json_object_put(obj);
		if (ret < 0)
			return -1;
		pos = end + 1;
	}
	return 0;
}

/* --- the hand form --- */

/* The line at @p (up to @end) without leading blanks, or NULL if it is no comment. */
static const char *ldw_comment_body(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '/' || p[1] != '/')
		return NULL;
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* If the comment body @p..@end is "KEY: VALUE", the value (trimmed) and its length. */
static const char *ldw_comment_key(const char *p, const char *end, const char *key,
				   size_t *vlen)
{
	size_t k = strlen(key);

	if ((size_t)(end - p) <= k || memcmp(p, key, k) || p[k] != ':')
		return NULL;
	p += k + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*vlen = end - p;
	return p;
}

static int ldw_exc_parse_eql(struct ldw_exceptions *exc, const char *text, size_t len,
			     struct ldw_file_error *err)
{
	const char *p = text, *end = text + len;
	const char *item_start = NULL, *item_end = NULL;
	unsigned int line = 0, item_line = 0, expire_line = 0;
	char *pending_name = NULL;
	/* A "// expire_time:" line's value (checked there), for the next item. */
	char pending_expire[65];
	size_t pending_expire_len = 0;

	exc->format = LDW_EXC_FORMAT_EQL;
	for (;;) {
		const char *nl = p < end ? memchr(p, '\n', end - p) : NULL;
		const char *eol = nl ? nl : end;
		const char *body, *v;
		bool blank = !ldw_first_nonblank(p, eol - p);
		size_t vlen;

		if (p < end)
			line++;
		body = p < end ? ldw_comment_body(p, eol) : NULL;
		if (p >= end || blank || body) {
			/* An item ends at a blank line, a comment or the end. */
			if (item_start) {
				struct ldw_exc_item *item;

				if (exc->nitems >= LDW_EXC_MAX_ITEMS) {
					free(pending_name);
					return ldw_file_fail(err, item_line, 0,
							     "more than %u exception items",
							     LDW_EXC_MAX_ITEMS);
				}
				exc->items = ldw_xrealloc(exc->items, exc->nitems + 1,
							  sizeof(*exc->items));
				item = &exc->items[exc->nitems++];
				memset(item, 0, sizeof(*item));
				item->line = item_line;
				item->name = pending_name;
				pending_name = NULL;
				if (pending_expire_len &&
				    ldw_exc_expire_set(item, pending_expire, pending_expire_len,
						       err, expire_line))
					return -1;
				pending_expire_len = 0;
				item->expr_len = item_end - item_start;
				item->expr = ldw_xstrndup(item_start, item->expr_len);
				item_start = NULL;
			}
			if (p >= end)
				break;
		}
		if (body) {
			v = ldw_comment_key(body, eol, "rule", &vlen);
			if (v) {
				if (exc->rule_id) {
					free(pending_name);
					return ldw_file_fail(err, line, 0,
							     "a second \"// rule:\" line: one file "
							     "holds the exceptions of one rule");
				}
				if (!vlen || vlen > LDW_ID_MAX || memchr(v, ' ', vlen)) {
					free(pending_name);
					return ldw_file_fail(err, line, 0,
							     "\"// rule:\" needs the rule's id (its "
							     "rule_id, up to %u bytes, no spaces)",
							     LDW_ID_MAX);
				}
				exc->rule_id = ldw_meta_dup(v, vlen, "rule", err, line, 0);
				if (!exc->rule_id) {
					free(pending_name);
					return -1;
				}
			}
			v = ldw_comment_key(body, eol, "name", &vlen);
			if (v) {
				free(pending_name);
				pending_name = ldw_meta_dup(v, vlen, "name", err, line, 0);
				if (!pending_name)
					return -1;
			}
			v = ldw_comment_key(body, eol, "expire_time", &vlen);
			if (v) {
				long long t;

				if (vlen >= sizeof(pending_expire) ||
				    ldw_exc_time_parse(v, vlen, &t)) {
					free(pending_name);
					return ldw_file_fail(err, line, 0,
							     "expire_time: \"%.*s\" is no ISO 8601 "
							     "instant (as 2027-01-31T00:00:00Z, or a "
							     "date: 2027-01-31)", (int)vlen, v);
				}
				memcpy(pending_expire, v, vlen);
				pending_expire_len = vlen;
				expire_line = line;
			}
		} else if (!blank) {
			if (!item_start) {
				if (!exc->rule_id) {
					free(pending_name);
					return ldw_file_fail(err, line, 0,
							     "an exception before the \"// rule: "
							     "RULE_ID\" line that names the rule it "
							     "is for");
				}
				item_start = p;
				item_line = line;
			}
			item_end = eol;
		}
		p = eol + 1;
		if (!nl)
			p = end;
	}
	free(pending_name);
	if (!exc->rule_id)
		return ldw_file_fail(err, 1, 0,
				     "no \"// rule: RULE_ID\" line naming the rule these "
				     "exceptions are for");
	return 0;
}

int ldw_exceptions_parse(const char *name, const char *text, size_t len,
			 struct ldw_exceptions *out, struct ldw_file_error *err)
{
	memset(out, 0, sizeof(*out));
	out->file = ldw_xstrndup(name, strlen(name));
	err->file = out->file;
	if (ldw_first_nonblank(text, len) == '{')
		return ldw_exc_parse_ndjson(out, text, len, err);
	if (memchr(text, '\0', len))
		return ldw_file_fail(err, 0, 0, "a NUL byte: not a text file");
	return ldw_exc_parse_eql(out, text, len, err);
}

int ldw_exceptions_read(const char *path, struct ldw_exceptions *out,
			struct ldw_file_error *err)
{
	char *text;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	err->file = path;
	if (ldw_file_slurp(path, &text, &len, err))
		return -1;
	ret = ldw_exceptions_parse(path, text, len, out, err);
	free(text);
	return ret;
}

bool ldw_exceptions_applies(const struct ldw_exceptions *exc, const struct ldw_exc_item *item,
			    const char *rule_id, const char *const *list_ids,
			    unsigned int nlists)
{
	unsigned int i;

	if (exc->format == LDW_EXC_FORMAT_EQL)
		return exc->rule_id && !strcmp(exc->rule_id, rule_id);
	if (!nlists)
		return true;
	for (i = 0; i < nlists; i++) {
		if (item->list_id && !strcmp(item->list_id, list_ids[i]))
			return true;
	}
	return false;
}

/* --- compiling an item --- */

static void ldw_exc_entry_emit(struct ldw_prog_builder *b, const struct ldw_exc_entry *e)
{
	switch (e->type) {
	case LDW_EXC_MATCH:
	case LDW_EXC_MATCH_ANY:
		ldw_prog_build_test(b, e->field, LDW_OP_EQUAL, e->values, e->nvalues);
		break;
	case LDW_EXC_WILDCARD:
		ldw_prog_build_test(b, e->field, LDW_OP_WILDCARD, e->values, e->nvalues);
		break;
	case LDW_EXC_EXISTS:
		ldw_prog_build_test(b, e->field, LDW_OP_IS_NULL, NULL, 0);
		/* exists is "not null"; excluded exists is "null" */
		if (!e->excluded)
			ldw_prog_build_op(b, LDW_INSN_NOT);
		return;
	}
	if (e->excluded)
		ldw_prog_build_op(b, LDW_INSN_NOT);
}

int ldw_exc_item_compile(const struct ldw_exceptions *exc, const struct ldw_exc_item *item,
			 struct ldw_prog_builder *b, struct ldw_file_error *err)
{
	struct ldw_str os[8];
	unsigned int i, n = 0;

	err->file = exc->file;
	if (item->expr) {
		struct ldw_eql_error e = { 0 };

		if (ldw_eql_compile_exclusion(item->expr, item->expr_len, b, &e)) {
			ldw_file_fail(err, item->line + (e.line ? e.line - 1 : 0), e.column,
				      "%s", e.message);
			return -1;
		}
		return 0;
	}
	ldw_prog_build_begin_unit(b, LDW_UNIT_EXCLUDE);
	if (item->nos_types) {
		for (i = 0; i < item->nos_types && i < LDW_ARRAY_SIZE(os); i++) {
			os[i].ptr = item->os_types[i];
			os[i].len = strlen(item->os_types[i]);
		}
		ldw_prog_build_test(b, LDW_FIELD_HOST_OS_TYPE, LDW_OP_EQUAL, os, i);
		n++;
	}
	for (i = 0; i < item->nentries; i++) {
		ldw_exc_entry_emit(b, &item->entries[i]);
		if (n++)
			ldw_prog_build_op(b, LDW_INSN_AND);
	}
	ldw_prog_build_end_unit(b);
	return 0;
}
