/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ldwatchctl's command files share: exit statuses, usage errors, and
 * the commands that live outside ldwatchctl.c.
 */
#ifndef _LDWATCH_LDWATCHCTL_H
#define _LDWATCH_LDWATCHCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <ldwatch/program.h>

#include "rule/exceptions.h"
#include "rule/rule_file.h"

#define LDWCTL "ldwatchctl"

enum {
	LDWCTL_OK = 0,
	LDWCTL_BAD_INPUT = 1,
	LDWCTL_USAGE = 2,
	LDWCTL_NOT_LOADED = 3,
	LDWCTL_NOT_PERMITTED = 4,
};

/* Report a usage error of @cmd (NULL: of ldwatchctl itself); returns exit status 2. */
int ldwctl_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* getopt_long returned '?' for @arg: report it; returns exit status 2. */
int ldwctl_bad_option(const char *cmd, const char *arg);

/* --- ldwatchctl_rules.c: rules and exceptions offline --- */

int ldwctl_rules_cmd(int argc, char **argv);
void ldwctl_rules_help(FILE *out);
int ldwctl_exceptions_cmd(int argc, char **argv);
void ldwctl_exceptions_help(FILE *out);

/* A rule file (and exception file) compiled for match --rule FILE. */
struct ldwctl_prog_rule {
	struct ldw_rule_file file;
	struct ldw_exceptions exc;
	struct ldw_compiled compiled;
};

/*
 * Read and compile the one rule of @rule_path with the items of @exc_path
 * (NULL: none). Returns 0, or an exit status after printing why.
 * ldwctl_prog_rule_free() after either.
 */
int ldwctl_prog_rule_load(const char *rule_path, const char *exc_path,
			  struct ldwctl_prog_rule *out);
void ldwctl_prog_rule_free(struct ldwctl_prog_rule *r);

#endif /* _LDWATCH_LDWATCHCTL_H */
