// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd --journal: records to the systemd journal through libsystemd's
 * sd_journal_sendv(). See journal_output.h for the fields.
 *
 * The rendered line is parsed once by json-c and the fields are read from
 * the parsed object. They are built into one buffer, then pointed at by
 * iovecs: the buffer may move while it grows, so the iovecs are set last,
 * from the fields' offsets.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <json-c/json.h>
#include <systemd/sd-journal.h>

#include "journal_output.h"

#define LDW_JOURNAL_IDENT "ldwatchd"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void ldw_journal_init(struct ldw_journal *j)
{
	memset(j, 0, sizeof(*j));
	ecs_buf_init(&j->text);
	j->sendv = sd_journal_sendv;
}

void ldw_journal_free(struct ldw_journal *j)
{
	ecs_buf_free(&j->text);
}

/*
 * The value of field @key (dotted: "file.Ext.original.path") in the parsed
 * document @root, or NULL. ecs.c writes a dotted name as nested objects
 * ({"file":{"Ext":{"original":{"path":...}}}}): one object per part.
 */
static struct json_object *ldw_get(struct json_object *root, const char *key)
{
	char part[64];
	const char *seg = key, *dot;
	struct json_object *o = root;
	size_t n;

	for (;;) {
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if (n >= sizeof(part) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(part, seg, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(o, part, &o))
			return NULL;
		if (!dot)
			return o;
		seg = dot + 1;
	}
}

/*
 * Append field @key of @root: a string's text, escaped as the ECS line
 * escapes it (@escaped true; ecs_json_string() without the quotes, so
 * that no file name can split the summary) or as it is (@escaped false);
 * another value's JSON text. False if the document has no such field.
 */
static bool ldw_put_value(struct ecs_buf *b, struct json_object *root, const char *key,
			  bool escaped)
{
	struct json_object *o = ldw_get(root, key);
	size_t start = b->len;
	const char *s;
	size_t len;

	if (!o)
		return false;
	if (!json_object_is_type(o, json_type_string)) {
		ecs_buf_adds(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		return true;
	}
	s = json_object_get_string(o);
	len = (size_t)json_object_get_string_len(o);
	if (!escaped) {
		ecs_buf_add(b, s, len);
		return true;
	}
	ecs_json_string(b, s, len);
	if (!b->err) {
		/* The quotes off: the opening one here, the closing one at the end. */
		memmove(b->data + start, b->data + start + 1, b->len - start - 2);
		b->len -= 2;
	}
	return true;
}

/* Whether string field @key of @root is @want. */
static bool ldw_field_is(struct json_object *root, const char *key, const char *want)
{
	struct json_object *o = ldw_get(root, key);

	return o && json_object_is_type(o, json_type_string) &&
	       (size_t)json_object_get_string_len(o) == strlen(want) &&
	       !memcmp(json_object_get_string(o), want, strlen(want));
}

/* Numeric field @key of @root, or @dflt if absent or not a whole number. */
static unsigned long long ldw_field_u64(struct json_object *root, const char *key,
					unsigned long long dflt)
{
	struct json_object *o = ldw_get(root, key);

	if (!o || !json_object_is_type(o, json_type_int))
		return dflt;
	return json_object_get_uint64(o);
}

/*
 * syslog's priority of the record @root. An alert's (a file alert or the
 * sensor's own) follows its event.severity (the rule's risk score, by
 * Elastic's bands): 74 and up (critical) LOG_CRIT, 48 to 73 (high)
 * LOG_ERR, 22 to 47 (medium) LOG_WARNING, below (low) LOG_NOTICE. Health
 * records: alerts lost LOG_ERR; a socket overrun, a malformed message,
 * alerts suppressed by the rate limit, drop counters with a drop
 * LOG_WARNING; the module absent LOG_NOTICE; anything else LOG_INFO.
 */
static int ldw_journal_priority(struct json_object *root)
{
	static const struct {
		const char *action;
		int priority;
	} health[] = {
		{ "ldwatch-alerts-lost", LOG_ERR },
		{ "ldwatch-socket-overrun", LOG_WARNING },
		{ "ldwatch-malformed-message", LOG_WARNING },
		{ "ldwatch-alerts-suppressed", LOG_WARNING },
		{ "ldwatch-module-absent", LOG_NOTICE },
	};
	unsigned long long severity;
	size_t i;

	if (ldw_field_is(root, "event.kind", "alert")) {
		severity = ldw_field_u64(root, "event.severity", 47);
		if (severity >= 74)
			return LOG_CRIT;
		if (severity >= 48)
			return LOG_ERR;
		if (severity >= 22)
			return LOG_WARNING;
		return LOG_NOTICE;
	}
	for (i = 0; i < ARRAY_SIZE(health); i++) {
		if (ldw_field_is(root, "event.action", health[i].action))
			return health[i].priority;
	}
	if (ldw_field_is(root, "event.action", "ldwatch-drop-counters") &&
	    ldw_field_u64(root, "ldwatch.dropped_total", 0))
		return LOG_WARNING;
	return LOG_INFO;
}

/* A file alert's summary: rule, action, path(s), process, user, outcome. */
static void ldw_alert_message(struct ecs_buf *b, struct json_object *root)
{
	if (!ldw_put_value(b, root, "rule.name", true))
		ecs_buf_adds(b, "ldwatch alert");
	ecs_buf_adds(b, ": ");
	ldw_put_value(b, root, "event.action", true);
	ecs_buf_addc(b, ' ');
	ldw_put_value(b, root, "file.path", true);
	if (ldw_get(root, "file.Ext.original.path")) {
		ecs_buf_adds(b, " (from ");
		ldw_put_value(b, root, "file.Ext.original.path", true);
		ecs_buf_addc(b, ')');
	}
	ecs_buf_adds(b, " by ");
	if (!ldw_put_value(b, root, "process.executable", true)) {
		ecs_buf_addc(b, '[');
		ldw_put_value(b, root, "ldwatch.process.comm", true);
		ecs_buf_addc(b, ']');
	}
	ecs_buf_adds(b, " (pid ");
	ldw_put_value(b, root, "process.pid", true);
	ecs_buf_adds(b, ", user ");
	if (!ldw_put_value(b, root, "user.name", true)) {
		ecs_buf_adds(b, "uid ");
		ldw_put_value(b, root, "user.id", true);
	}
	ecs_buf_addc(b, ')');
	if (ldw_field_is(root, "event.outcome", "failure")) {
		ecs_buf_adds(b, ", failed: ");
		ldw_put_value(b, root, "error.code", true);
	}
}

/* Parse the rendered line (@len bytes, no newline): its object, or NULL. */
static struct json_object *ldw_parse(const char *line, size_t len, int *err)
{
	struct json_tokener *tok;
	struct json_object *root;

	if (len > INT_MAX) {
		*err = EOVERFLOW;
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		*err = ENOMEM;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, line, (int)len);
	if (root && (json_tokener_get_parse_end(tok) != len ||
		     !json_object_is_type(root, json_type_object))) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	if (!root)
		*err = EINVAL;
	return root;
}

int ldw_journal_fields(struct ldw_journal *j, const char *line, size_t len)
{
	static const struct {
		const char *field;
		const char *key;
	} flat[] = {
		{ "LDWATCH_EVENT_KIND=", "event.kind" },
		{ "LDWATCH_ACTION=", "event.action" },
		{ "LDWATCH_RULE_ID=", "rule.id" },
		{ "LDWATCH_FILE_PATH=", "file.path" },
		{ "LDWATCH_SEQUENCE=", "event.sequence" },
	};
	size_t off[LDW_JOURNAL_MAX_FIELDS + 1];
	struct ecs_buf *b = &j->text;
	size_t n = 0, i, start;
	struct json_object *root;
	char prio[16];
	int err = 0;

	ecs_buf_reset(b);
	j->niov = 0;
	if (len && line[len - 1] == '\n')
		len--;
	root = ldw_parse(line, len, &err);
	if (!root)
		return err;

	off[n++] = b->len;
	ecs_buf_adds(b, "MESSAGE=");
	if (ldw_field_is(root, "event.dataset", "ldwatch.alert")) {
		ldw_alert_message(b, root);
	} else {
		ldw_put_value(b, root, "event.action", true);
		ecs_buf_adds(b, ": ");
		ldw_put_value(b, root, "message", true);
	}

	off[n++] = b->len;
	snprintf(prio, sizeof(prio), "PRIORITY=%d", ldw_journal_priority(root));
	ecs_buf_adds(b, prio);

	off[n++] = b->len;
	ecs_buf_adds(b, "SYSLOG_IDENTIFIER=" LDW_JOURNAL_IDENT);

	off[n++] = b->len;
	ecs_buf_adds(b, "LDWATCH_ECS=");
	ecs_buf_add(b, line, len);

	for (i = 0; i < ARRAY_SIZE(flat); i++) {
		start = b->len;
		ecs_buf_adds(b, flat[i].field);
		if (ldw_put_value(b, root, flat[i].key, false))
			off[n++] = start;
		else
			b->len = start;
	}
	off[n] = b->len;
	json_object_put(root);

	if (b->err)
		return b->err;
	for (i = 0; i < n; i++) {
		j->iov[i].iov_base = b->data + off[i];
		j->iov[i].iov_len = off[i + 1] - off[i];
	}
	j->niov = n;
	return 0;
}

int ldw_journal_write(struct ldw_journal *j, const char *line, size_t len)
{
	int err;

	err = ldw_journal_fields(j, line, len);
	if (!err)
		err = -j->sendv(j->iov, (int)j->niov);
	if (err) {
		if (err != j->last_err)
			fprintf(stderr, LDW_JOURNAL_IDENT ": writing to the journal: %s (records are missing there until it works again)\n",
				strerror(err));
		j->last_err = err;
		return err;
	}
	if (j->last_err)
		fputs(LDW_JOURNAL_IDENT ": writing to the journal works again\n", stderr);
	j->last_err = 0;
	return 0;
}
