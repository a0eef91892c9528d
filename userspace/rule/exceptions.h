/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule exceptions, Elastic's model: a rule's exceptions are items, each an
 * AND of entries; any item that holds suppresses the alert. Each item
 * compiles to one EXCLUDE unit appended after the rule's own units.
 *
 * Two forms, told apart by content:
 *  - a Kibana exception list export (.ndjson): the list container line,
 *    one line per item (item_id, list_id, entries, os_types), the export's
 *    summary line;
 *  - ldwatch's hand-written form (for /etc/ldwatch/exceptions.d/): a
 *    `// rule: RULE_ID` header naming the rule, then one EQL expression per
 *    item (items are separated by blank or comment lines).
 *
 * The meaning of each entry type and operator is Kibana's translation to
 * an Elasticsearch query (rules/README.md, "Exceptions", gives it with its
 * source):
 *   match      field is exactly value (case-sensitive)   ->  field == "v"
 *   match_any  field is exactly one of the values         ->  field in (...)
 *   wildcard   '*' any run, '?' one byte, case-sensitive  ->  field like "v"
 *   exists     the field is present                       ->  not field == null
 * and operator "excluded" negates the entry (true also when the field is
 * absent). An item with os_types also requires host.os.type to be one of
 * them. Entry types "nested" and "list" (value lists) are refused.
 */
#ifndef _LDWATCH_EXCEPTIONS_H
#define _LDWATCH_EXCEPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <ldwatch/program.h>

#include "file_util.h"

#define LDW_EXC_MAX_ITEMS	256	/* in one file */
#define LDW_EXC_MAX_ENTRIES	32	/* in one item */
#define LDW_EXC_MAX_VALUES	1024	/* in one match_any entry */

enum ldw_exc_format {
	LDW_EXC_FORMAT_EQL,
	LDW_EXC_FORMAT_KIBANA_EXPORT,
};

/* "ldwatch exceptions (EQL)", "Kibana exception list export (ndjson)" */
const char *ldw_exc_format_name(enum ldw_exc_format format);

enum ldw_exc_type {
	LDW_EXC_MATCH,
	LDW_EXC_MATCH_ANY,
	LDW_EXC_WILDCARD,
	LDW_EXC_EXISTS,
};

/* "match", "match_any", "wildcard", "exists" */
const char *ldw_exc_type_name(enum ldw_exc_type type);

struct ldw_exc_entry {
	enum ldw_field field;
	enum ldw_exc_type type;
	bool excluded;			/* operator "excluded" */
	unsigned int nvalues;		/* 0 for exists */
	struct ldw_str *values;		/* owned copies */
};

struct ldw_exc_item {
	char *item_id;			/* Kibana: item_id; hand form: NULL */
	char *name;			/* may be NULL */
	char *list_id;			/* Kibana: the list it belongs to */
	unsigned int line;		/* where it starts in its file */
	/* Kibana form */
	unsigned int nentries;
	struct ldw_exc_entry *entries;
	unsigned int nos_types;
	char **os_types;
	/* hand form: the EQL expression, NUL-terminated */
	char *expr;
	size_t expr_len;
	/*
	 * Kibana's expire_time (hand form: a "// expire_time:" line before
	 * the item), as written, or NULL: from that instant on the item is
	 * not applied (Kibana drops expired items from a rule's exceptions).
	 * @expire_time is the instant, in seconds since the epoch.
	 */
	char *expire_text;
	long long expire_time;
};

struct ldw_exc_list {
	char *list_id;
	char *name;
	char *type;			/* detection, rule_default, endpoint */
	unsigned int line;
};

struct ldw_exceptions {
	char *file;			/* the path it was read from */
	enum ldw_exc_format format;
	char *rule_id;			/* hand form: the rule the items are for */
	unsigned int nlists;
	struct ldw_exc_list *lists;
	unsigned int nitems;
	struct ldw_exc_item *items;
};

/*
 * Read the exception file @path ("-": standard input). Returns 0, or -1
 * with @err filled. ldw_exceptions_free(@out) is correct after either.
 */
int ldw_exceptions_read(const char *path, struct ldw_exceptions *out,
			struct ldw_file_error *err);
int ldw_exceptions_parse(const char *name, const char *text, size_t len,
			 struct ldw_exceptions *out, struct ldw_file_error *err);
void ldw_exceptions_free(struct ldw_exceptions *exc);

/*
 * One line of a Kibana export (rules or exceptions), parsed into @obj:
 * if it is an exception list container or item, add it to @exc and return
 * 1; if it is neither, return 0; on a malformed list or item, -1 with @err.
 */
int ldw_exceptions_add_json(struct ldw_exceptions *exc, struct json_object *obj,
			    unsigned int line, struct ldw_file_error *err);

/* Whether @obj is a Kibana export's summary line ({"exported_count":...}). */
bool ldw_is_export_summary(struct json_object *obj);

/*
 * Whether @item of @exc applies to the rule @rule_id, whose exceptions_list
 * names the lists @list_ids (@nlists of them; 0 for a rule that names none,
 * e.g. a plain EQL rule). Hand form: @exc names the rule. Kibana form:
 * the rule names the item's list, or names no list at all (an export
 * given explicitly on the command line then applies whole).
 */
bool ldw_exceptions_applies(const struct ldw_exceptions *exc, const struct ldw_exc_item *item,
			    const char *rule_id, const char *const *list_ids,
			    unsigned int nlists);

/*
 * Append @item as one EXCLUDE unit to @b. Returns 0, or -1 with @err
 * pointing at the item (for the hand form, into its expression).
 */
int ldw_exc_item_compile(const struct ldw_exceptions *exc, const struct ldw_exc_item *item,
			 struct ldw_prog_builder *b, struct ldw_file_error *err);

/*
 * Whether @item has expired at @now (seconds since the epoch): its
 * expire_time is at or before @now.
 */
bool ldw_exc_item_expired(const struct ldw_exc_item *item, long long now);

/*
 * An ISO 8601 instant as Kibana writes expire_time ("2027-01-31T00:00:00.000Z";
 * also "+HH:MM" or "-HH:MM" for the zone, no fraction, or a date alone,
 * taken as its midnight UTC) in seconds since the epoch. Returns 0, or -1.
 */
int ldw_exc_time_parse(const char *s, size_t len, long long *out);

/* What names @item in a message: its name, else its item_id, else NULL. */
const char *ldw_exc_item_label(const struct ldw_exc_item *item);

/* The field whose ECS name is @name (@len bytes), or LDW_FIELD_COUNT. */
enum ldw_field ldw_field_by_name(const char *name, size_t len);

#endif /* _LDWATCH_EXCEPTIONS_H */
