/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule files: from a file on disk to rules (identity, threat mapping and
 * EQL query), and from a rule (and its exceptions) to the compiled program
 * of include/ldwatch/program.h that the kernel runs.
 *
 * Three formats, told apart by content (rules/README.md and ldwatchctl(8)
 * describe them):
 *  - plain EQL: a `file where ...` query after a header of `// key: value`
 *    comment lines (id, name, version, severity, risk_score, tactic,
 *    technique, subtechnique, source);
 *  - a Kibana rule export (.ndjson): one rule object a line, the export's
 *    summary line ignored, exception lists and items exported with the
 *    rules read as the rules' exceptions;
 *  - Elastic's prebuilt-rule JSON, as the security_detection_engine
 *    package ships it (kibana/security_rule/RULEID_VERSION.json): the
 *    rule's fields under "attributes".
 */
#ifndef _LDWATCH_RULE_FILE_H
#define _LDWATCH_RULE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <ldwatch/program.h>

#include "exceptions.h"
#include "file_util.h"

/* Bounds on what a rule file may hold. */
#define LDW_RULE_MAX_RULES	64	/* as many as the kernel holds at once */
#define LDW_RULE_ID_MAX		LDW_ID_MAX
#define LDW_RULE_NAME_MAX	256
#define LDW_RULE_TEXT_MAX	1024	/* source, MITRE names and references */
#define LDW_RULE_QUERY_MAX	(1u << 20)
#define LDW_RULE_MAX_THREATS	16
#define LDW_RULE_MAX_TECHNIQUES	32	/* per tactic; and subtechniques per technique */

enum ldw_rule_format {
	LDW_RULE_FORMAT_EQL,
	LDW_RULE_FORMAT_KIBANA_EXPORT,
	LDW_RULE_FORMAT_PREBUILT,
};

/* "plain EQL", "Kibana rule export (ndjson)", "Elastic prebuilt rule (JSON)" */
const char *ldw_rule_format_name(enum ldw_rule_format format);

/* A MITRE ATT&CK tactic, technique or subtechnique. */
struct ldw_mitre {
	char *id;
	char *name;
	char *reference;
};

struct ldw_technique {
	struct ldw_mitre technique;
	unsigned int nsub;
	struct ldw_mitre *sub;
};

/* One entry of a rule's threat mapping: a tactic and its techniques. */
struct ldw_threat {
	char *framework;		/* "MITRE ATT&CK" */
	struct ldw_mitre tactic;
	unsigned int ntechniques;
	struct ldw_technique *techniques;
};

/* An exception list a rule names (Kibana's exceptions_list[]). */
struct ldw_list_ref {
	char *id;
	char *list_id;
	char *namespace_type;
	char *type;
};

struct ldw_rule_meta {
	char *id;			/* rule_id */
	char *name;
	unsigned int version;		/* 1 .. */
	char *severity;			/* low, medium, high, critical */
	unsigned int risk_score;	/* 0 .. 100 */
	unsigned int nthreats;
	struct ldw_threat *threats;
	char *source;			/* where the rule comes from; may be NULL */
	unsigned int nlists;
	struct ldw_list_ref *lists;
};

struct ldw_rule_def {
	struct ldw_rule_meta meta;
	char *query;			/* NUL-terminated; query_len bytes */
	size_t query_len;
	unsigned int line;		/* where the rule starts in its file */
	/*
	 * Where the query's text is: plain EQL, the file position of its
	 * first byte (errors map straight into the file); JSON, where the
	 * "query" string value starts (errors give both positions).
	 */
	unsigned int query_line, query_column;
	bool query_in_json;
};

struct ldw_rule_file {
	char *name;			/* the path it was read from */
	enum ldw_rule_format format;
	unsigned int nrules;
	struct ldw_rule_def *rules;
	/* Exception lists and items exported along with the rules, or NULL. */
	struct ldw_exceptions *exceptions;
};

/*
 * Read the rule file @path ("-": standard input) into @out. Returns 0, or
 * -1 with @err filled (its @file pointing at @out->name, or at @path when
 * nothing was read). Either way ldw_rule_file_free(@out) is correct after.
 */
int ldw_rule_file_read(const char *path, struct ldw_rule_file *out,
		       struct ldw_file_error *err);

/* The same from @len bytes at @text (NUL-terminated), named @name. */
int ldw_rule_file_parse(const char *name, const char *text, size_t len,
			struct ldw_rule_file *out, struct ldw_file_error *err);

void ldw_rule_file_free(struct ldw_rule_file *file);

/*
 * A rule compiled: @blob (LDW_PROG_MAX_SIZE bytes, __u32-aligned) holds
 * @size bytes of program, verified into @prog. @nrequire and @nexclude
 * count the units the query compiled to, @nexceptions the EXCLUDE units
 * appended for exception items after them; @sha256 is the digest of the
 * @size bytes, the program's identity.
 */
struct ldw_compiled {
	void *blob;
	size_t size;
	struct ldw_prog prog;
	unsigned int nrequire, nexclude, nexceptions;
	unsigned char sha256[32];
};

/*
 * Compile @rule of @file with the exception items that apply to it: those
 * exported in @file itself of lists the rule names, and those of @extra
 * (may be NULL) that ldw_exceptions_applies() accepts. Returns 0, or -1 with
 * @err pointing into the file at fault. ldw_compiled_free() after either.
 */
int ldw_rule_compile(const struct ldw_rule_file *file, const struct ldw_rule_def *rule,
		     const struct ldw_exceptions *extra, struct ldw_compiled *out,
		     struct ldw_file_error *err);

void ldw_compiled_free(struct ldw_compiled *c);

/*
 * Built-in rule @table (ldwatch/rule.h) compiled as the module lowers it
 * (ldw_prog_build_rule()), with the items of @exc that apply to its id
 * appended (@exc may be NULL): with none, the program is byte for byte the
 * module's built-in one, and its digest the module's. Expired items are
 * left out, with a warning. Returns 0, or -1 with @err at the item at
 * fault. ldw_compiled_free() after either.
 */
int ldw_builtin_compile(const struct ldw_rule *table, const struct ldw_exceptions *exc,
			struct ldw_compiled *out, struct ldw_file_error *err);

/*
 * @meta's id, name, version, severity and risk score from @table: views
 * of the table's strings, no threat mapping (the table's @threat is it, as
 * text); never to be freed.
 */
void ldw_builtin_meta(const struct ldw_rule *table, struct ldw_rule_meta *meta);

/* The threat mapping of @meta as LDW_A_RULE_THREAT's text, to free. */
char *ldw_rule_meta_threat_text(const struct ldw_rule_meta *meta);

/* @sha256 as 64 lowercase hex digits and a NUL into @hex. */
void ldw_sha256_hex(const unsigned char sha256[32], char hex[65]);

/*
 * Write @meta as the plain-EQL header (the `// key: value` lines), so that
 * the header followed by the canonical query is a plain EQL rule file.
 */
void ldw_rule_meta_write_header(FILE *out, const struct ldw_rule_meta *meta);

#endif /* _LDWATCH_RULE_FILE_H */
