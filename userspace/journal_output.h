/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldwatchd --journal: every record ldwatchd writes also goes to the systemd
 * journal, as one entry with these fields:
 *
 *   MESSAGE            a one-line summary for people: a file alert's
 *                      (event.dataset "ldwatch.alert") rule, action,
 *                      path(s), process and user; any other record's (the
 *                      sensor's own alerts too) "event.action: message".
 *                      Strings appear as the ECS line escapes them, so
 *                      that no file name can split the line.
 *   PRIORITY           syslog's level, from the record: an alert's (a file
 *                      alert or the sensor's own) from its event.severity
 *                      (ldw_journal_priority() in journal_output.c)
 *   SYSLOG_IDENTIFIER  "ldwatchd"
 *   LDWATCH_ECS        the ECS document, the exact line of --output without
 *                      its newline
 *   LDWATCH_EVENT_KIND event.kind: "alert", "event" or "state"
 *   LDWATCH_ACTION     event.action
 *   LDWATCH_RULE_ID    rule.id          (records that carry these fields)
 *   LDWATCH_FILE_PATH  file.path, unescaped (U+FFFD for bytes that are not
 *                      UTF-8: the exact bytes are in LDWATCH_ECS)
 *   LDWATCH_SEQUENCE   event.sequence
 *
 * The fields are read from the rendered line itself, parsed by json-c, so
 * the journal and the file cannot say different things.
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
 * Fill j->iov with the fields of the record rendered as @line (@len bytes,
 * one ECS document, as ecs_doc_render() writes it; a newline at its end is
 * left out). Returns 0 or a positive errno (EINVAL: @line is not one JSON
 * object).
 */
int ldw_journal_fields(struct ldw_journal *j, const char *line, size_t len);

/*
 * Build the fields and send them. Returns 0 or a positive errno; a failure
 * is said on standard error once, until sending works again.
 */
int ldw_journal_write(struct ldw_journal *j, const char *line, size_t len);

#endif /* _LDWATCH_JOURNAL_OUTPUT_H */
