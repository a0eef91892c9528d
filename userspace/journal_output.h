/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldwatchd --journal: every record ldwatchd writes also goes to the systemd
 * journal, as one entry with these fields:
 *
 *   MESSAGE            a one-line summary for people: an alert's rule,
 *                      action, path(s), process and user; a health
 *                      record's event.action and message. Strings appear
 *                      as the ECS line escapes them, so that no file name
 *                      can split the line.
 *   PRIORITY           syslog's level, from the record (ldw_journal_priority())
 *   SYSLOG_IDENTIFIER  "ldwatchd"
 *   LDWATCH_ECS        the ECS document, the exact line of --output without
 *                      its newline
 *   LDWATCH_EVENT_KIND event.kind: "alert" or "event"
 *   LDWATCH_ACTION     event.action
 *   LDWATCH_RULE_ID    rule.id          (records that carry these fields)
 *   LDWATCH_FILE_PATH  file.path, unescaped (U+FFFD for bytes that are not
 *                      UTF-8: the exact bytes are in LDWATCH_ECS)
 *   LDWATCH_SEQUENCE   event.sequence
 *
 * The fields are read back from the document itself (ecs_doc_get()), so the
 * journal and the file cannot say different things.
 */
#ifndef _LDWATCH_JOURNAL_OUTPUT_H
#define _LDWATCH_JOURNAL_OUTPUT_H

#include <stddef.h>
#include <sys/uio.h>

#include "ecs.h"

#define LDW_JOURNAL_MAX_FIELDS 10

/**
 * struct ldw_journal - the journal writer
 * @iov: the last record's fields, "NAME=value" each (ldw_journal_fields())
 * @niov: how many
 * @text: the bytes @iov points into
 * @last_err: the failure last reported on standard error, or 0
 * @sendv: sd_journal_sendv(); a test may put its own here
 */
struct ldw_journal {
	struct iovec iov[LDW_JOURNAL_MAX_FIELDS];
	size_t niov;
	struct ecs_buf text;
	int last_err;
	int (*sendv)(const struct iovec *iov, int n);
};

void ldw_journal_init(struct ldw_journal *j);
void ldw_journal_free(struct ldw_journal *j);

/*
 * Fill j->iov with the fields of the record @doc, rendered as @line (@len
 * bytes, its newline included). Returns 0 or a positive errno.
 */
int ldw_journal_fields(struct ldw_journal *j, const struct ecs_doc *doc,
		       const char *line, size_t len);

/*
 * Build the fields and send them. Returns 0 or a positive errno; a failure
 * is said on standard error once, until sending works again.
 */
int ldw_journal_write(struct ldw_journal *j, const struct ecs_doc *doc,
		      const char *line, size_t len);

/*
 * syslog's priority of @doc. An alert's follows its event.severity (the
 * rule's risk score, by Elastic's bands): 74 and up (critical) LOG_CRIT,
 * 48 to 73 (high) LOG_ERR, 22 to 47 (medium) LOG_WARNING, below (low)
 * LOG_NOTICE. Health records: alerts lost LOG_ERR; a socket overrun, a
 * malformed message, alerts suppressed by the rate limit, drop counters
 * with a drop LOG_WARNING; the sensor stopping or absent LOG_NOTICE;
 * anything else LOG_INFO.
 */
int ldw_journal_priority(const struct ecs_doc *doc);

#endif /* _LDWATCH_JOURNAL_OUTPUT_H */
