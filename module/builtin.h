/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The built-in rules as the module judges them: each table of rule.h
 * (ldw_default_rule, ldw_companion_rule) lowered once to a program
 * (ldwatch/program.h) and verified like any other. The tables keep the
 * rules' identity (id, name, version, severity, risk score, threat
 * mapping) for alerts; every verdict,
 * the prefilter's anchors and the rule text come from the programs.
 */
#ifndef _LDWATCH_BUILTIN_H
#define _LDWATCH_BUILTIN_H

struct ldw_rule;
struct ldw_prog;

/*
 * Lower and verify the built-in rules; idempotent. Process context.
 * Return: 0, or -EINVAL with the reason in the kernel log.
 */
int ldw_builtin_init(void);

/*
 * KUnit: make @rule's program known as a built-in one's is. Return: 0, or
 * -EINVAL.
 */
int ldw_builtin_add(const struct ldw_rule *rule);

/* The program of built-in rule @rule, or NULL before ldw_builtin_init(). */
const struct ldw_prog *ldw_rule_prog(const struct ldw_rule *rule);

#endif /* _LDWATCH_BUILTIN_H */
