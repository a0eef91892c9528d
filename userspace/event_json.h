/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading one ECS event, a JSON object on one line, into a struct ldw_event
 * for the rule matcher; and describing the matcher's verdict on it.
 *
 * Field lookup follows what Elasticsearch indexes from a document's _source:
 * a field "a.b.c" may be spelled as nested objects ({"a":{"b":{"c":..}}}),
 * as one dotted key ({"a.b.c":..}) or any mix ({"a.b":{"c":..}}). Every
 * spelling present is looked at:
 *
 *  - a JSON string is the field's value, as bytes (json-c gives its length,
 *    so a \u0000 in it is kept);
 *  - a JSON null, or no key at all, leaves the field absent;
 *  - anything else (number, boolean, array, or a non-object where an object
 *    must be descended) leaves the field absent and is reported in @ignored,
 *    so that the caller can warn;
 *  - two spellings holding different strings make the event unreadable:
 *    Elasticsearch would index both as one multi-valued field, which an
 *    ldw_event cannot hold, and choosing one could change the verdict.
 *
 * No field is derived from another: the rule sees what the event holds.
 *
 * json-c's limits show through: duplicate keys in one object are not
 * detected (the last wins), and a key is cut at a \u0000 in it (json-c keeps
 * keys as C strings). Values keep every byte.
 */
#ifndef _LDWATCH_EVENT_JSON_H
#define _LDWATCH_EVENT_JSON_H

#include <stdio.h>
#include <json-c/json.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

/*
 * One event read from JSON. Ownership: @root is the parsed document and owns
 * every string that @event's present fields point into. Those pointers stay
 * valid until ldw_json_event_release(), which drops @root and resets @event
 * to all-absent. Copying the struct does not copy the document: release
 * exactly one copy.
 */
struct ldw_json_event {
	struct ldw_event event;
	struct json_object *root;
	/*
	 * For each field, the JSON type of a value that was ignored because it
	 * was neither a string nor null (json_type_null: nothing ignored), and
	 * whether it stood on the way to the field rather than at its end.
	 */
	enum json_type ignored[LDW_FIELD_COUNT];
	bool ignored_inner[LDW_FIELD_COUNT];
};

/*
 * Parse the @len bytes at @buf (one line without its newline; no terminator
 * needed) as one JSON object, in json-c's strict mode, with nothing but
 * JSON whitespace after it. Returns 0 with @out filled, or -1 with @out
 * all-absent and a one-line reason in @err (NUL-terminated, truncated to
 * @errsize). Byte positions in reasons count from 1.
 * Either way, calling ldw_json_event_release(@out) afterwards is correct.
 */
int ldw_json_event_read(struct ldw_json_event *out, const char *buf, size_t len,
			char *err, size_t errsize);

void ldw_json_event_release(struct ldw_json_event *ev);

/* True if @len bytes at @buf hold only JSON whitespace (or nothing). */
bool ldw_json_blank(const char *buf, size_t len);

/*
 * Write to @out, without a newline, why the rule's program @prog decided
 * @verdict (ldw_prog_eval()) on @event, each unit in the text
 * ldw_prog_format_unit() writes:
 *
 *   match: <each REQUIRE unit, with the value that matched> (<facts>)
 *   no match: <the first REQUIRE unit that failed> is false (<facts>)
 *   excluded: <the first EXCLUDE unit that held> (<facts>)
 *
 * where <facts> lists the event's value of every field the rendered
 * clauses test: field="value" or field absent. Values are quoted with '"'
 * and '\' escaped, \n \r \t as such, and every other byte below 0x20 or
 * from 0x7f up as \xHH, so that the description is one line of ASCII
 * whatever the event holds. A unit that is a single TEST and held shows
 * only the value that matched. Returns 0, or -1 if a unit could not be
 * rendered.
 */
int ldw_explain(FILE *out, const struct ldw_prog *prog,
		const struct ldw_event *event, struct ldw_verdict verdict);

#endif /* _LDWATCH_EVENT_JSON_H */
