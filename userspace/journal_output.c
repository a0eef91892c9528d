// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd --journal: records to the systemd journal through libsystemd's
 * sd_journal_sendv(). See journal_output.h for the fields.
 *
 * The fields are built into one buffer, then pointed at by iovecs: the
 * buffer may move while it grows, so the iovecs are set last, from the
 * fields' offsets.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

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

/* @json is a JSON string (quotes included) of @len bytes. */
static bool ldw_is_jstr(const char *json, size_t len)
{
	return len >= 2 && json[0] == '"' && json[len - 1] == '"';
}

static unsigned int ldw_hex4(const char *p)
{
	unsigned int v = 0, i;
	char c;

	for (i = 0; i < 4; i++) {
		c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return 0xfffd;
	}
	return v;
}

static void ldw_utf8(struct ecs_buf *b, unsigned int cp)
{
	char u[4];

	if (cp < 0x80) {
		ecs_buf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		ecs_buf_add(b, u, 2);
		return;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		ecs_buf_add(b, u, 3);
		return;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	ecs_buf_add(b, u, 4);
}

/*
 * Append the value of the JSON string @json (@len bytes, quotes included),
 * its escapes undone. The ECS writer's strings are valid UTF-8 and escape
 * only what JSON needs and U+2028/9, but any JSON escape is read, a
 * surrogate pair included; a lone surrogate becomes U+FFFD.
 */
static void ldw_json_unquote(struct ecs_buf *b, const char *json, size_t len)
{
	const char *p = json + 1, *end = json + len - 1;
	unsigned int cp, lo;

	while (p < end) {
		if (*p != '\\') {
			ecs_buf_addc(b, *p++);
			continue;
		}
		if (end - p < 2)
			break;
		switch (p[1]) {
		case 'b':
			ecs_buf_addc(b, '\b');
			break;
		case 'f':
			ecs_buf_addc(b, '\f');
			break;
		case 'n':
			ecs_buf_addc(b, '\n');
			break;
		case 'r':
			ecs_buf_addc(b, '\r');
			break;
		case 't':
			ecs_buf_addc(b, '\t');
			break;
		case 'u':
			if (end - p < 6) {
				p = end;
				continue;
			}
			cp = ldw_hex4(p + 2);
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 8 && p[2] == '\\' &&
			    p[3] == 'u') {
				lo = ldw_hex4(p + 4);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			ldw_utf8(b, cp);
			break;
		default:	/* \" \\ \/ */
			ecs_buf_addc(b, p[1]);
			break;
		}
		p += 2;
	}
}

/*
 * Append field @key of @doc: a string's text unescaped (@raw false) or as
 * it stands between its quotes, escaped (@raw true); another value's JSON
 * text. False if the document has no such field.
 */
static bool ldw_put_value(struct ecs_buf *b, const struct ecs_doc *doc, const char *key,
			  bool raw)
{
	const char *json;
	size_t len;

	if (!ecs_doc_get(doc, key, &json, &len))
		return false;
	if (!ldw_is_jstr(json, len))
		ecs_buf_add(b, json, len);
	else if (raw)
		ecs_buf_add(b, json + 1, len - 2);
	else
		ldw_json_unquote(b, json, len);
	return true;
}

static bool ldw_has(const struct ecs_doc *doc, const char *key)
{
	const char *json;
	size_t len;

	return ecs_doc_get(doc, key, &json, &len);
}

/* Whether string field @key of @doc is @want. */
static bool ldw_field_is(const struct ecs_doc *doc, const char *key, const char *want)
{
	size_t n = strlen(want);
	const char *json;
	size_t len;

	return ecs_doc_get(doc, key, &json, &len) && len == n + 2 && ldw_is_jstr(json, len) &&
	       !memcmp(json + 1, want, n);
}

/* Numeric field @key of @doc, or @dflt if absent or not a number. */
static unsigned long long ldw_field_u64(const struct ecs_doc *doc, const char *key,
					unsigned long long dflt)
{
	char num[24];
	const char *json;
	size_t len;
	char *end;
	unsigned long long v;

	if (!ecs_doc_get(doc, key, &json, &len) || !len || len >= sizeof(num) ||
	    json[0] < '0' || json[0] > '9')
		return dflt;
	memcpy(num, json, len);
	num[len] = '\0';
	errno = 0;
	v = strtoull(num, &end, 10);
	return errno || *end ? dflt : v;
}

int ldw_journal_priority(const struct ecs_doc *doc)
{
	static const struct {
		const char *action;
		int priority;
	} health[] = {
		{ "ldwatch-alerts-lost", LOG_ERR },
		{ "ldwatch-socket-overrun", LOG_WARNING },
		{ "ldwatch-malformed-message", LOG_WARNING },
		{ "ldwatch-alerts-suppressed", LOG_WARNING },
		{ "ldwatch-sensor-stopping", LOG_NOTICE },
		{ "ldwatch-module-absent", LOG_NOTICE },
	};
	unsigned long long severity;
	size_t i;

	if (ldw_field_is(doc, "event.kind", "alert")) {
		severity = ldw_field_u64(doc, "event.severity", 47);
		if (severity >= 74)
			return LOG_CRIT;
		if (severity >= 48)
			return LOG_ERR;
		if (severity >= 22)
			return LOG_WARNING;
		return LOG_NOTICE;
	}
	for (i = 0; i < ARRAY_SIZE(health); i++) {
		if (ldw_field_is(doc, "event.action", health[i].action))
			return health[i].priority;
	}
	if (ldw_field_is(doc, "event.action", "ldwatch-drop-counters") &&
	    ldw_field_u64(doc, "ldwatch.dropped_total", 0))
		return LOG_WARNING;
	return LOG_INFO;
}

/* The alert's summary: rule, action, path(s), process, user, outcome. */
static void ldw_alert_message(struct ecs_buf *b, const struct ecs_doc *doc)
{
	if (!ldw_put_value(b, doc, "rule.name", true))
		ecs_buf_adds(b, "ldwatch alert");
	ecs_buf_adds(b, ": ");
	ldw_put_value(b, doc, "event.action", true);
	ecs_buf_addc(b, ' ');
	ldw_put_value(b, doc, "file.path", true);
	if (ldw_has(doc, "file.Ext.original.path")) {
		ecs_buf_adds(b, " (from ");
		ldw_put_value(b, doc, "file.Ext.original.path", true);
		ecs_buf_addc(b, ')');
	}
	ecs_buf_adds(b, " by ");
	if (!ldw_put_value(b, doc, "process.executable", true)) {
		ecs_buf_addc(b, '[');
		ldw_put_value(b, doc, "ldwatch.process.comm", true);
		ecs_buf_addc(b, ']');
	}
	ecs_buf_adds(b, " (pid ");
	ldw_put_value(b, doc, "process.pid", true);
	ecs_buf_adds(b, ", user ");
	if (!ldw_put_value(b, doc, "user.name", true)) {
		ecs_buf_adds(b, "uid ");
		ldw_put_value(b, doc, "user.id", true);
	}
	ecs_buf_addc(b, ')');
	if (ldw_field_is(doc, "event.outcome", "failure")) {
		ecs_buf_adds(b, ", failed: ");
		ldw_put_value(b, doc, "error.code", true);
	}
}

int ldw_journal_fields(struct ldw_journal *j, const struct ecs_doc *doc,
		       const char *line, size_t len)
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
	char prio[16];

	ecs_buf_reset(b);
	j->niov = 0;

	off[n++] = b->len;
	ecs_buf_adds(b, "MESSAGE=");
	if (ldw_field_is(doc, "event.kind", "alert")) {
		ldw_alert_message(b, doc);
	} else {
		ldw_put_value(b, doc, "event.action", true);
		ecs_buf_adds(b, ": ");
		ldw_put_value(b, doc, "message", true);
	}

	off[n++] = b->len;
	snprintf(prio, sizeof(prio), "PRIORITY=%d", ldw_journal_priority(doc));
	ecs_buf_adds(b, prio);

	off[n++] = b->len;
	ecs_buf_adds(b, "SYSLOG_IDENTIFIER=" LDW_JOURNAL_IDENT);

	off[n++] = b->len;
	ecs_buf_adds(b, "LDWATCH_ECS=");
	if (len && line[len - 1] == '\n')
		len--;
	ecs_buf_add(b, line, len);

	for (i = 0; i < ARRAY_SIZE(flat); i++) {
		start = b->len;
		ecs_buf_adds(b, flat[i].field);
		if (ldw_put_value(b, doc, flat[i].key, false))
			off[n++] = start;
		else
			b->len = start;
	}
	off[n] = b->len;

	if (b->err)
		return b->err;
	for (i = 0; i < n; i++) {
		j->iov[i].iov_base = b->data + off[i];
		j->iov[i].iov_len = off[i + 1] - off[i];
	}
	j->niov = n;
	return 0;
}

int ldw_journal_write(struct ldw_journal *j, const struct ecs_doc *doc,
		      const char *line, size_t len)
{
	int err;

	err = ldw_journal_fields(j, doc, line, len);
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
