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
#include <nettle/sha2.h>

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

/*
 * Each built-in table is its rule's one declaration of identity: the
 * shipped file of the same rule says the same, threat mapping included
 * (the file's header, as a loader sends it).
 */
static void test_builtin_identity(const char *rel, const struct ldw_rule *table,
				  const char *what)
{
	struct ldw_rule_file f;
	char *threat;

	if (!read_rules(rel, &f))
		return;
	same_str(table->id, f.rules[0].meta.id, what);
	same_str(table->name, f.rules[0].meta.name, what);
	same_uint(table->version, f.rules[0].meta.version, what);
	same_str(table->severity, f.rules[0].meta.severity, what);
	same_uint(table->risk_score, f.rules[0].meta.risk_score, what);
	threat = ldw_rule_meta_threat_text(&f.rules[0].meta);
	same_str(table->threat, threat, what);
	free(threat);
	ldw_rule_file_free(&f);
	tap_ok(ldw_builtin_find(ldw_str_cstr(table->id)) == table,
	       "%s: ldw_builtin_find() finds the table by its id", what);
}

/* Parse @text as hand-form exceptions into @x; report failures. */
static bool parse_exc(const char *text, struct ldw_exceptions *x, struct ldw_file_error *err,
		      const char *what)
{
	memset(err, 0, sizeof(*err));
	if (tap_ok(!ldw_exceptions_parse("test.eql", text, strlen(text), x, err), "%s: read",
		   what))
		return true;
	tap_diag("%u:%u: %s", err->line, err->column, err->message);
	return false;
}

/*
 * A built-in compiled in userspace (what sync loads in its place): with no
 * exception item, the bytes of ldw_prog_from_rule() (the module's
 * lowering), so the same SHA-256, taken here with nettle directly; with
 * items, the built-in's units first, the items' after them; expired items
 * left out.
 */
static void test_builtin_compile(const struct ldw_rule *table, const char *what)
{
	static _Alignas(8) unsigned char want[LDW_PROG_MAX_SIZE];
	unsigned char digest[32];
	struct ldw_file_error err = { 0 };
	struct ldw_compiled c = { 0 }, w = { 0 };
	struct ldw_exceptions x = { 0 };
	struct sha256_ctx ctx;
	const char *msg = NULL;
	char text[512];
	unsigned int i, n;
	size_t size;

	size = ldw_prog_from_rule(table, want, sizeof(want), &msg);
	if (!tap_ok(!ldw_builtin_compile(table, NULL, &c, &err), "%s: compiles alone", what))
		tap_diag("%s", err.message);
	tap_ok(size && c.size == size && !memcmp(c.blob, want, size),
	       "%s alone: the bytes of the module's lowering (%zu and %zu bytes)", what, c.size,
	       size);
	sha256_init(&ctx);
	sha256_update(&ctx, size, want);
	sha256_digest(&ctx, sizeof(digest), digest);
	tap_ok(!memcmp(c.sha256, digest, sizeof(digest)), "%s alone: the same SHA-256", what);
	same_uint(c.nexceptions, 0, what);
	ldw_compiled_free(&c);

	snprintf(text, sizeof(text),
		 "// rule: %s\n"
		 "// name: gone\n"
		 "// expire_time: 2020-01-01T00:00:00Z\n"
		 "process.executable == \"/usr/bin/old\"\n"
		 "\n"
		 "// name: salt\n"
		 "// expire_time: 2099-12-31T23:59:59.999Z\n"
		 "process.executable == \"/usr/bin/salt-call\"\n"
		 "\n"
		 "process.name == \"ansible\"\n", table->id);
	if (!parse_exc(text, &x, &err, what))
		goto out;
	if (!tap_ok(!ldw_builtin_compile(table, &x, &c, &err), "%s with items: compiles", what)) {
		tap_diag("%s", err.message);
		goto out;
	}
	same_uint(c.nexceptions, 2, "the items compiled (the expired one left out)");
	if (ldw_builtin_compile(table, NULL, &w, &err))
		goto out;
	n = w.prog.header->nunits;
	same_uint(c.prog.header->nunits, n + 2, "units: the built-in's and two");
	for (i = 0; i < n && i < c.prog.header->nunits; i++) {
		char *a = NULL, *b = NULL;
		size_t la = ldw_prog_format_unit(&c.prog, i, NULL, 0);
		size_t lb = ldw_prog_format_unit(&w.prog, i, NULL, 0);

		a = calloc(1, la + 1);
		b = calloc(1, lb + 1);
		ldw_prog_format_unit(&c.prog, i, a, la + 1);
		ldw_prog_format_unit(&w.prog, i, b, lb + 1);
		if (strcmp(a, b) || c.prog.unit[i].kind != w.prog.unit[i].kind)
			tap_ok(false, "%s: unit %u is the built-in's", what, i);
		free(a);
		free(b);
	}
	tap_ok(i == n, "%s with items: the first %u units are the built-in's", what, n);
	if (c.prog.header->nunits == n + 2) {
		ldw_prog_format_unit(&c.prog, n, text, sizeof(text));
		same_str(text, "process.executable == \"/usr/bin/salt-call\"", "first item");
		tap_ok(c.prog.unit[n].kind == LDW_UNIT_EXCLUDE, "... an EXCLUDE unit");
		ldw_prog_format_unit(&c.prog, n + 1, text, sizeof(text));
		same_str(text, "process.name == \"ansible\"", "second item");
	}
out:
	ldw_compiled_free(&w);
	ldw_compiled_free(&c);
	ldw_exceptions_free(&x);
}

/* expire_time: instants computed by hand (days since 1970-01-01 times 86400). */
static void test_expire_time(void)
{
	static const struct {
		const char *text;
		long long want;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-02", 86400 },
		/* 2000-03-01: 30 years (7 leap days: 10957 days) + Jan 31 + Feb 29 */
		{ "2000-03-01T00:00:00.000Z", 11017LL * 86400 },
		{ "2000-02-29T23:59:59Z", 11017LL * 86400 - 1 },
		/* 2027-01-31T00:00:00Z: 57 years, 14 leap days: 20819 + 30 days */
		{ "2027-01-31T00:00:00.000Z", 20849LL * 86400 },
		{ "2027-01-31T02:00:00+02:00", 20849LL * 86400 },
		{ "2027-01-30T19:30:00-04:30", 20849LL * 86400 },
	};
	static const char *const bad[] = {
		"", "2027", "2027-1-31", "2027-13-01", "2027-02-29", "2027-01-31T", "2027-01-31T00:00",
		"2027-01-31T00:00:00", "2027-01-31T24:00:00Z", "2027-01-31T00:00:00.Z",
		"2027-01-31T00:00:00+0200", "2027-01-31 00:00:00Z", "tomorrow", "2027-01-31Z",
	};
	struct ldw_file_error err;
	struct ldw_exceptions x = { 0 };
	struct ldw_exc_item item = { 0 };
	static const char bad_hand[] =
		"// rule: r\n// expire_time: soon\nprocess.name == \"a\"\n";
	unsigned int i;
	long long t;

	for (i = 0; i < LDW_ARRAY_SIZE(good); i++) {
		t = -1;
		if (!tap_ok(!ldw_exc_time_parse(good[i].text, strlen(good[i].text), &t) &&
			    t == good[i].want, "expire_time \"%s\" is %lld", good[i].text,
			    good[i].want))
			tap_diag("got %lld", t);
	}
	for (i = 0; i < LDW_ARRAY_SIZE(bad); i++)
		tap_ok(ldw_exc_time_parse(bad[i], strlen(bad[i]), &t),
		       "expire_time \"%s\" is refused", bad[i]);

	item.expire_text = "2027-01-31";
	item.expire_time = 20849LL * 86400;
	tap_ok(!ldw_exc_item_expired(&item, item.expire_time - 1), "not expired a second before");
	tap_ok(ldw_exc_item_expired(&item, item.expire_time), "expired at its instant");
	item.expire_text = NULL;
	tap_ok(!ldw_exc_item_expired(&item, 1LL << 40), "an item without one never expires");

	memset(&err, 0, sizeof(err));
	tap_ok(ldw_exceptions_parse("t.eql", bad_hand, strlen(bad_hand), &x, &err) &&
	       err.line == 2 &&
	       strstr(err.message, "expire_time: \"soon\" is no ISO 8601 instant"),
	       "hand form: a bad expire_time refused at its line");
	ldw_exceptions_free(&x);

	if (tap_ok(!ldw_exceptions_read(path_of("tests/unit/data/rulefiles/"
						"kibana-exceptions-expire.ndjson"), &x, &err),
		   "an export with expire_time is read")) {
		same_uint(x.nitems, 3, "expire export: three items");
		if (x.nitems == 3) {
			same_str(x.items[0].expire_text, "2021-06-30T00:00:00.000Z",
				 "expire export: item 1's expire_time");
			tap_ok(x.items[0].expire_time == 18808LL * 86400,
			       "expire export: item 1's instant (18808 days)");
			same_str(x.items[1].expire_text, "2099-01-01T00:00:00.000Z",
				 "expire export: item 2's expire_time");
			tap_ok(!x.items[2].expire_text, "expire export: item 3 has none (null)");
		}
	} else {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
	}
	ldw_exceptions_free(&x);
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
	test_builtin_identity("rules/elastic-640f79d1-v3.eql", &ldw_default_rule,
			      "the default rule's table and its file");
	test_builtin_identity("rules/ldwatch-companion-v1.eql", &ldw_companion_rule,
			      "the companion's table and its file");
	test_builtin_compile(&ldw_default_rule, "built-in default");
	test_builtin_compile(&ldw_companion_rule, "built-in companion");
	test_expire_time();
	return tap_done();
}
