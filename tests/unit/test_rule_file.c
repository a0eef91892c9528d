// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the rule-file and exception-file readers
 * (userspace/rule/rule_file.c, exceptions.c): every metadata field of each
 * format, checked against values written by hand from the sample files
 * (tests/unit/data/rulefiles/, rules/); exception entries as read; and the
 * shipped rule files compiled to exactly the bytes of the built-in tables
 * lowered by ldw_prog_from_rule() (so the same SHA-256 too).
 *
 * Usage: test_rule_file TOP (the top of the source tree)
 */
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>

#include "rule/exceptions.h"
#include "rule/rule_file.h"
#include "tap.h"

static const char *top;

static char *path_of(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", top, rel);
	return buf;
}

static bool same_str(const char *got, const char *want, const char *what)
{
	bool ok = got && !strcmp(got, want);

	tap_ok(ok, "%s is \"%s\"", what, want);
	if (!ok)
		tap_diag("got \"%s\"", got ? got : "(null)");
	return ok;
}

static void same_uint(unsigned int got, unsigned int want, const char *what)
{
	if (!tap_ok(got == want, "%s is %u", what, want))
		tap_diag("got %u", got);
}

/* The threat mapping Elastic gives the rule: T1574.006 under each tactic. */
static void check_threats(const struct ldw_rule_meta *m, const char *const *tactic_ids,
			  const char *const *tactic_names, unsigned int n, const char *fmt)
{
	unsigned int i;
	char what[128], ref[128];

	same_uint(m->nthreats, n, "number of threat entries");
	for (i = 0; i < n && i < m->nthreats; i++) {
		const struct ldw_threat *t = &m->threats[i];

		snprintf(what, sizeof(what), "%s: threat[%u].framework", fmt, i);
		same_str(t->framework, "MITRE ATT&CK", what);
		snprintf(what, sizeof(what), "%s: threat[%u].tactic.id", fmt, i);
		same_str(t->tactic.id, tactic_ids[i], what);
		snprintf(what, sizeof(what), "%s: threat[%u].tactic.name", fmt, i);
		same_str(t->tactic.name, tactic_names[i], what);
		snprintf(ref, sizeof(ref), "https://attack.mitre.org/tactics/%s/", tactic_ids[i]);
		snprintf(what, sizeof(what), "%s: threat[%u].tactic.reference", fmt, i);
		same_str(t->tactic.reference, ref, what);
		snprintf(what, sizeof(what), "%s: threat[%u] techniques", fmt, i);
		same_uint(t->ntechniques, 1, what);
		if (t->ntechniques != 1)
			continue;
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].id", fmt, i);
		same_str(t->techniques[0].technique.id, "T1574", what);
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].name", fmt, i);
		same_str(t->techniques[0].technique.name, "Hijack Execution Flow", what);
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].reference", fmt, i);
		same_str(t->techniques[0].technique.reference,
			 "https://attack.mitre.org/techniques/T1574/", what);
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0] subtechniques", fmt, i);
		same_uint(t->techniques[0].nsub, 1, what);
		if (t->techniques[0].nsub != 1)
			continue;
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].subtechnique[0].id", fmt, i);
		same_str(t->techniques[0].sub[0].id, "T1574.006", what);
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].subtechnique[0].name", fmt,
			 i);
		same_str(t->techniques[0].sub[0].name, "Dynamic Linker Hijacking", what);
		snprintf(what, sizeof(what), "%s: threat[%u].technique[0].subtechnique[0].reference",
			 fmt, i);
		same_str(t->techniques[0].sub[0].reference,
			 "https://attack.mitre.org/techniques/T1574/006/", what);
	}
}

static const char *const v3_tactics[] = { "TA0005", "TA0003", "TA0004" };
static const char *const v3_names[] = { "Defense Evasion", "Persistence", "Privilege Escalation" };

static bool read_rules(const char *rel, struct ldw_rule_file *f)
{
	struct ldw_file_error err = { 0 };

	if (!tap_ok(!ldw_rule_file_read(path_of(rel), f, &err), "%s is read", rel)) {
		tap_diag("%s:%u:%u: %s", rel, err.line, err.column, err.message);
		return false;
	}
	return true;
}

/* The identity every copy of Elastic's rule 640f79d1 carries, version @v. */
static void check_640f79d1(const struct ldw_rule_def *r, const char *fmt, const char *name,
			   unsigned int version, unsigned int ntactics)
{
	char what[96];

	snprintf(what, sizeof(what), "%s: rule_id", fmt);
	same_str(r->meta.id, "640f79d1-571d-4f96-a9af-1194fc8cf763", what);
	snprintf(what, sizeof(what), "%s: name", fmt);
	same_str(r->meta.name, name, what);
	snprintf(what, sizeof(what), "%s: version", fmt);
	same_uint(r->meta.version, version, what);
	snprintf(what, sizeof(what), "%s: severity", fmt);
	same_str(r->meta.severity, "medium", what);
	snprintf(what, sizeof(what), "%s: risk_score", fmt);
	same_uint(r->meta.risk_score, 47, what);
	check_threats(&r->meta, v3_tactics, v3_names, ntactics, fmt);
	snprintf(what, sizeof(what), "%s: the query starts with \"file where\"", fmt);
	tap_ok(r->query && !strncmp(r->query, "file where host.os.type == \"linux\"", 34), "%s",
	       what);
}

static void test_plain_eql(void)
{
	struct ldw_rule_file f;

	if (read_rules("rules/elastic-640f79d1-v3.eql", &f)) {
		same_uint(f.format, LDW_RULE_FORMAT_EQL, "v3 file: format plain EQL");
		same_uint(f.nrules, 1, "v3 file: one rule");
		check_640f79d1(&f.rules[0], "v3 file", "Dynamic Linker Creation or Modification",
			       3, 2);
		same_str(f.rules[0].meta.source,
			 "Elastic, \"Dynamic Linker Creation or Modification\", versions 3 to 6 "
			 "(Elastic Security documentation; the query of Elastic's "
			 "security_detection_engine package, kibana/security_rule/"
			 "640f79d1-571d-4f96-a9af-1194fc8cf763_3.json). Elastic License v2.",
			 "v3 file: source, its four lines joined");
		same_uint(f.rules[0].query_line, 17, "v3 file: the query starts on line 17");
		same_uint(f.rules[0].meta.nlists, 0, "v3 file: no exception lists");
	}
	ldw_rule_file_free(&f);
	if (read_rules("rules/elastic-640f79d1-v9.eql", &f)) {
		check_640f79d1(&f.rules[0], "v9 file", "Dynamic Linker Creation", 9, 3);
		tap_ok(strstr(f.rules[0].query, "event.action == \"creation\" and\n"
			      "file.path like (") != NULL, "v9 file: the query is version 9's");
	}
	ldw_rule_file_free(&f);
	if (read_rules("rules/elastic-640f79d1-v7.eql", &f)) {
		check_640f79d1(&f.rules[0], "v7 file", "Dynamic Linker Creation or Modification",
			       7, 2);
		tap_ok(strstr(f.rules[0].query, "(process.name == \"sshd\" and file.extension == "
			      "\"dpkg-new\")") != NULL, "v7 file: the query is version 7's");
	}
	ldw_rule_file_free(&f);
	if (read_rules("rules/ldwatch-companion-v1.eql", &f)) {
		const struct ldw_rule_def *r = &f.rules[0];

		same_str(r->meta.id, ldw_companion_rule.id, "companion file: id as the table's");
		same_str(r->meta.name, ldw_companion_rule.name, "companion file: name as the table's");
		same_uint(r->meta.version, ldw_companion_rule.version,
			  "companion file: version as the table's");
		same_str(r->meta.severity, ldw_companion_rule.severity,
			 "companion file: severity as the table's");
		same_uint(r->meta.risk_score, ldw_companion_rule.risk_score,
			  "companion file: risk score as the table's");
	}
	ldw_rule_file_free(&f);
}

static void test_prebuilt(void)
{
	struct ldw_rule_file f;

	if (read_rules("tests/unit/data/rulefiles/prebuilt-640f79d1_3.json", &f)) {
		same_uint(f.format, LDW_RULE_FORMAT_PREBUILT, "prebuilt: format");
		same_uint(f.nrules, 1, "prebuilt: one rule");
		check_640f79d1(&f.rules[0], "prebuilt", "Dynamic Linker Creation or Modification",
			       3, 2);
		same_str(f.rules[0].meta.source,
			 "Elastic prebuilt rule, security_detection_engine package, "
			 "640f79d1-571d-4f96-a9af-1194fc8cf763_3", "prebuilt: source");
		tap_ok(f.rules[0].query_in_json, "prebuilt: the query is in JSON");
		/* "query" is on line 15 of the pretty-printed file, its value at column 18 */
		same_uint(f.rules[0].query_line, 15, "prebuilt: the query's line");
		same_uint(f.rules[0].query_column, 18, "prebuilt: the query's column");
	}
	ldw_rule_file_free(&f);
}

static void test_kibana_export(void)
{
	struct ldw_rule_file f;
	const struct ldw_exceptions *x;

	if (!read_rules("tests/unit/data/rulefiles/kibana-rules-export.ndjson", &f))
		goto out;
	same_uint(f.format, LDW_RULE_FORMAT_KIBANA_EXPORT, "export: format");
	same_uint(f.nrules, 1, "export: one rule (the summary line is not one)");
	check_640f79d1(&f.rules[0], "export", "Dynamic Linker Creation or Modification", 3, 2);
	same_str(f.rules[0].meta.source, "Kibana rule export, of an Elastic prebuilt rule",
		 "export: source");
	same_uint(f.rules[0].line, 1, "export: the rule is on line 1");
	same_uint(f.rules[0].meta.nlists, 1, "export: one exception list referenced");
	if (f.rules[0].meta.nlists == 1) {
		const struct ldw_list_ref *l = &f.rules[0].meta.lists[0];

		same_str(l->list_id, "ldso-site-tools", "export: exceptions_list[0].list_id");
		same_str(l->id, "5a0b8f3e-6c1d-4d8e-9a57-2f1c0e4b7d21",
			 "export: exceptions_list[0].id");
		same_str(l->namespace_type, "single", "export: exceptions_list[0].namespace_type");
		same_str(l->type, "detection", "export: exceptions_list[0].type");
	}
	x = f.exceptions;
	if (!tap_ok(x != NULL, "export: the exported exception list is read"))
		goto out;
	same_uint(x->nlists, 1, "export: one list container");
	same_uint(x->nitems, 2, "export: two items");
	if (x->nlists == 1) {
		same_str(x->lists[0].list_id, "ldso-site-tools", "export: the list's list_id");
		same_str(x->lists[0].name, "Site tools writing ld.so.conf.d", "export: the list's name");
		same_str(x->lists[0].type, "detection", "export: the list's type");
		same_uint(x->lists[0].line, 2, "export: the list is on line 2");
	}
	if (x->nitems == 2) {
		const struct ldw_exc_item *a = &x->items[0], *b = &x->items[1];

		same_str(a->item_id, "9f1f3d8c-5b2a-4c1e-8e0d-1a2b3c4d5e01", "export: item 1's id");
		same_str(a->name, "salt-call writes ld.so.conf.d", "export: item 1's name");
		same_uint(a->line, 3, "export: item 1 is on line 3");
		same_uint(a->nentries, 2, "export: item 1 has two entries");
		if (a->nentries == 2) {
			tap_ok(a->entries[0].field == LDW_FIELD_PROCESS_EXECUTABLE &&
			       a->entries[0].type == LDW_EXC_MATCH && !a->entries[0].excluded &&
			       a->entries[0].nvalues == 1 &&
			       !strcmp(a->entries[0].values[0].ptr, "/usr/bin/salt-call"),
			       "export: item 1, entry 1: process.executable included match "
			       "/usr/bin/salt-call");
			tap_ok(a->entries[1].field == LDW_FIELD_FILE_PATH &&
			       a->entries[1].type == LDW_EXC_WILDCARD && !a->entries[1].excluded &&
			       a->entries[1].nvalues == 1 &&
			       !strcmp(a->entries[1].values[0].ptr, "/etc/ld.so.conf.d/*.conf"),
			       "export: item 1, entry 2: file.path included wildcard "
			       "/etc/ld.so.conf.d/*.conf");
		}
		same_uint(b->nos_types, 1, "export: item 2 has one os_type");
		if (b->nos_types == 1)
			same_str(b->os_types[0], "linux", "export: item 2's os_type");
		tap_ok(b->nentries == 1 && b->entries[0].type == LDW_EXC_MATCH_ANY &&
		       b->entries[0].nvalues == 2 &&
		       !strcmp(b->entries[0].values[0].ptr, "oneagent") &&
		       !strcmp(b->entries[0].values[1].ptr, "oneagentinstaller"),
		       "export: item 2: process.name match_any (oneagent, oneagentinstaller)");
	}
out:
	ldw_rule_file_free(&f);
}

static void test_exception_files(void)
{
	struct ldw_file_error err = { 0 };
	struct ldw_exceptions x;
	static const struct {
		const char *id;
		enum ldw_field field;
		enum ldw_exc_type type;
		bool excluded;
	} last_entry[] = {
		{ "e-match", LDW_FIELD_PROCESS_EXECUTABLE, LDW_EXC_MATCH, false },
		{ "e-match-excluded", LDW_FIELD_PROCESS_NAME, LDW_EXC_MATCH, true },
		{ "e-match-any", LDW_FIELD_PROCESS_NAME, LDW_EXC_MATCH_ANY, false },
		{ "e-match-any-excluded", LDW_FIELD_PROCESS_EXECUTABLE, LDW_EXC_MATCH_ANY, true },
		{ "e-wildcard", LDW_FIELD_PROCESS_EXECUTABLE, LDW_EXC_WILDCARD, false },
		{ "e-wildcard-excluded", LDW_FIELD_PROCESS_EXECUTABLE, LDW_EXC_WILDCARD, true },
		{ "e-exists", LDW_FIELD_ORIGINAL_EXTENSION, LDW_EXC_MATCH, false },
		{ "e-exists-excluded", LDW_FIELD_ORIGINAL_PATH, LDW_EXC_EXISTS, true },
		{ "e-os", LDW_FIELD_PROCESS_NAME, LDW_EXC_MATCH, false },
	};
	unsigned int i;

	if (tap_ok(!ldw_exceptions_read(path_of("tests/unit/data/rulefiles/"
						"kibana-exceptions-export.ndjson"), &x, &err),
		   "the exception list export is read")) {
		same_uint(x.format, LDW_EXC_FORMAT_KIBANA_EXPORT, "exception export: format");
		same_uint(x.nlists, 1, "exception export: one list");
		same_uint(x.nitems, LDW_ARRAY_SIZE(last_entry), "exception export: nine items");
		for (i = 0; i < x.nitems && i < LDW_ARRAY_SIZE(last_entry); i++) {
			const struct ldw_exc_item *it = &x.items[i];
			const struct ldw_exc_entry *e = &it->entries[it->nentries - 1];

			same_str(it->item_id, last_entry[i].id, "exception export: an item's id");
			tap_ok(e->field == last_entry[i].field && e->type == last_entry[i].type &&
			       e->excluded == last_entry[i].excluded &&
			       !strcmp(it->list_id, "ldso-every-entry") && it->line == i + 2,
			       "exception export: %s: its last entry's field, type, operator; "
			       "list and line", last_entry[i].id);
		}
	} else {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
	}
	ldw_exceptions_free(&x);

	if (tap_ok(!ldw_exceptions_read(path_of("tests/unit/data/rulefiles/site-exceptions.eql"),
					&x, &err), "the hand-written exceptions are read")) {
		same_uint(x.format, LDW_EXC_FORMAT_EQL, "hand form: format");
		same_str(x.rule_id, "640f79d1-571d-4f96-a9af-1194fc8cf763", "hand form: the rule");
		same_uint(x.nitems, 2, "hand form: two items");
		if (x.nitems == 2) {
			same_str(x.items[0].name, "Salt writes ld.so.conf.d through a temporary file",
				 "hand form: item 1's name");
			same_uint(x.items[0].line, 6, "hand form: item 1 is on line 6");
			same_str(x.items[0].expr, "process.executable == \"/usr/bin/salt-call\"",
				 "hand form: item 1's expression");
			same_uint(x.items[1].line, 9, "hand form: item 2 is on line 9");
			same_str(x.items[1].expr, "process.executable like \"/opt/dynatrace/*\" and\n"
				 "  file.path == \"/etc/ld.so.preload\"",
				 "hand form: item 2's expression, both lines");
		}
	} else {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
	}
	ldw_exceptions_free(&x);
}

/* A shipped file compiles to exactly the bytes of a built-in table lowered. */
static void test_same_program(const char *rel, const struct ldw_rule *builtin,
			      const char *what)
{
	static _Alignas(8) unsigned char want[LDW_PROG_MAX_SIZE];
	struct ldw_file_error err = { 0 };
	struct ldw_compiled c = { 0 };
	struct ldw_rule_file f;
	const char *msg = NULL;
	size_t size;

	size = ldw_prog_from_rule(builtin, want, sizeof(want), &msg);
	if (!tap_ok(size > 0, "the built-in %s rule lowers to a program", what))
		tap_diag("%s", msg ? msg : "");
	if (!read_rules(rel, &f))
		goto out;
	if (!tap_ok(!ldw_rule_compile(&f, &f.rules[0], NULL, &c, &err), "%s compiles", rel)) {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
		goto out;
	}
	tap_ok(size && c.size == size && !memcmp(c.blob, want, size),
	       "%s compiles to the bytes of the built-in %s rule (%zu and %zu bytes)", rel, what,
	       c.size, size);
out:
	ldw_compiled_free(&c);
	ldw_rule_file_free(&f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s TOP\n", argv[0]);
		return 2;
	}
	top = argv[1];
	test_plain_eql();
	test_prebuilt();
	test_kibana_export();
	test_exception_files();
	test_same_program("rules/elastic-640f79d1-v3.eql", &ldw_default_rule, "default");
	test_same_program("tests/unit/data/rulefiles/prebuilt-640f79d1_3.json", &ldw_default_rule,
			  "default");
	test_same_program("rules/ldwatch-companion-v1.eql", &ldw_companion_rule, "companion");
	return tap_done();
}
