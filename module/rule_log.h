/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LDWATCH_RULE_LOG_H
#define _LDWATCH_RULE_LOG_H

struct ldw_rule;

/* Write @rule's program, unit by unit, to the kernel log. Process context only. */
int ldw_rule_log(const struct ldw_rule *rule);

#endif /* _LDWATCH_RULE_LOG_H */
