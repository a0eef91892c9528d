// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchctl's rule commands. Offline:
 *
 *   ldwatchctl rules check [--exceptions FILE] FILE...
 *   ldwatchctl rules show [--exceptions FILE] FILE
 *   ldwatchctl exceptions check FILE...
 *
 * and what `match --rule FILE [--exceptions FILE]` needs: a rule file
 * compiled with its exceptions. With the module (its rule set, at the end
 * of this file):
 *
 *   ldwatchctl rules load [--exceptions FILE] FILE...
 *   ldwatchctl rules remove ID
 *   ldwatchctl rules list [--json]
 *   ldwatchctl rules get [--json] ID
 *   ldwatchctl rules sync [DIR]
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecs.h"
#include "genl_client.h"
#include "ldwatchctl.h"
#include "rule/eql_compile.h"

/* Where rules sync and exceptions add find rules.d and exceptions.d. */
#define LDWCTL_SYNC_DIR "/etc/ldwatch"

/* Unit @index of @prog as EQL, in a string to free. */
static char *ldwctl_unit_text(const struct ldw_prog *prog, unsigned int index)
{
	char small[512];
	size_t need = ldw_prog_format_unit(prog, index, small, sizeof(small));
	char *buf = ldw_xcalloc(need + 1, 1);

	if (need < sizeof(small))
		memcpy(buf, small, need + 1);
	else
		ldw_prog_format_unit(prog, index, buf, need + 1);
	return buf;
}

/* --- loading --- */

/*
 * A rule compiled to load: from its file, with its exceptions; or a
 * built-in rule with its exceptions (@threat: its table's mapping; @path:
 * "built-in + " and the exception files).
 */
struct ldwctl_loadable {
	const struct ldw_rule_def *def;
	const char *path;
	const char *threat;
	struct ldw_compiled compiled;
	char sha256[65];
};


/* Read @path fully; on failure print why and return the exit status. */
static int ldwctl_read_rules(const char *path, struct ldw_rule_file *file)
{
	struct ldw_file_error err = { .file = path };
	char *text;
	size_t len;
	int ret;

	memset(file, 0, sizeof(*file));
	if (ldw_file_slurp(path, &text, &len, &err)) {
		ldw_file_error_print(stderr, &err, path);
		return err.io ? LDWCTL_USAGE : LDWCTL_BAD_INPUT;
	}
	ret = ldw_rule_file_parse(path, text, len, file, &err);
	free(text);
	if (ret) {
		ldw_file_error_print(stderr, &err, path);
		return LDWCTL_BAD_INPUT;
	}
	return LDWCTL_OK;
}

static int ldwctl_read_exceptions(const char *path, struct ldw_exceptions *exc)
{
	struct ldw_file_error err = { .file = path };
	char *text;
	size_t len;
	int ret;

	memset(exc, 0, sizeof(*exc));
	if (ldw_file_slurp(path, &text, &len, &err)) {
		ldw_file_error_print(stderr, &err, path);
		return err.io ? LDWCTL_USAGE : LDWCTL_BAD_INPUT;
	}
	ret = ldw_exceptions_parse(path, text, len, exc, &err);
	free(text);
	if (ret) {
		ldw_file_error_print(stderr, &err, path);
		return LDWCTL_BAD_INPUT;
	}
	return LDWCTL_OK;
}

/* Items of @exc that apply to @rule (what ldw_rule_compile() will append). */
static unsigned int ldwctl_applying(const struct ldw_exceptions *exc,
				    const struct ldw_rule_def *rule)
{
	const char *lists[LDW_EXC_MAX_ITEMS];
	unsigned int i, n = 0;

	for (i = 0; i < rule->meta.nlists && i < LDW_EXC_MAX_ITEMS; i++)
		lists[i] = rule->meta.lists[i].list_id;
	for (i = 0; exc && i < exc->nitems; i++)
		n += ldw_exceptions_applies(exc, &exc->items[i], rule->meta.id, lists,
					    rule->meta.nlists);
	return n;
}

/* An exception file that names another rule is a mistake worth stopping for. */
static int ldwctl_check_exceptions_target(const struct ldw_exceptions *exc,
					  const struct ldw_rule_def *rule)
{
	if (exc->format == LDW_EXC_FORMAT_EQL && strcmp(exc->rule_id, rule->meta.id)) {
		fprintf(stderr, "%s:1: these exceptions are for rule %s, not for rule %s (%s)\n",
			exc->file, exc->rule_id, rule->meta.id, rule->meta.name);
		return LDWCTL_BAD_INPUT;
	}
	if (exc->nitems && !ldwctl_applying(exc, rule)) {
		fprintf(stderr, "%s:1: none of its exception lists is one rule %s names in its "
			"exceptions_list\n", exc->file, rule->meta.id);
		return LDWCTL_BAD_INPUT;
	}
	return LDWCTL_OK;
}

int ldwctl_prog_rule_load(const char *rule_path, const char *exc_path,
			  struct ldwctl_prog_rule *out)
{
	struct ldw_file_error err = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = ldwctl_read_rules(rule_path, &out->file);
	if (ret)
		return ret;
	if (out->file.nrules != 1) {
		fprintf(stderr, "%s: holds %u rules; match judges with one (split the export, "
			"one rule a file)\n", rule_path, out->file.nrules);
		return LDWCTL_BAD_INPUT;
	}
	if (exc_path) {
		ret = ldwctl_read_exceptions(exc_path, &out->exc);
		if (!ret)
			ret = ldwctl_check_exceptions_target(&out->exc, &out->file.rules[0]);
		if (ret)
			return ret;
	}
	if (ldw_rule_compile(&out->file, &out->file.rules[0], exc_path ? &out->exc : NULL,
			     &out->compiled, &err)) {
		ldw_file_error_print(stderr, &err, rule_path);
		return LDWCTL_BAD_INPUT;
	}
	return LDWCTL_OK;
}

void ldwctl_prog_rule_free(struct ldwctl_prog_rule *r)
{
	ldw_compiled_free(&r->compiled);
	ldw_exceptions_free(&r->exc);
	ldw_rule_file_free(&r->file);
}

/* --- rules --- */

void ldwctl_rules_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWCTL " rules - check rule files, and load them into the module\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " rules check [--exceptions FILE] FILE...\n"
	      "    " LDWCTL " rules check --exceptions FILE\n"
	      "    " LDWCTL " rules show [--exceptions FILE] FILE\n"
	      "    " LDWCTL " rules load [--exceptions FILE] FILE...\n"
	      "    " LDWCTL " rules load --exceptions FILE\n"
	      "    " LDWCTL " rules remove ID\n"
	      "    " LDWCTL " rules list [--json]\n"
	      "    " LDWCTL " rules get [--json] ID\n"
	      "    " LDWCTL " rules sync [DIR]\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    check reads each FILE, compiles each of its rules to the program the\n"
	      "    kernel runs, and prints for each rule: the file and its format, the\n"
	      "    rule's id, name, version, severity, risk score, threat mapping, source,\n"
	      "    the exception lists it references, its units (requirements,\n"
	      "    exclusions, exception items), the compiled size and the SHA-256 of the\n"
	      "    compiled program, which identifies it. It stops at the first error,\n"
	      "    printed as\n"
	      "        FILE:LINE:COLUMN: MESSAGE\n"
	      "    and, for a query inside JSON, where the query's string starts and\n"
	      "    the position inside the query:\n"
	      "        FILE:LINE:COLUMN: query:QLINE:QCOLUMN: MESSAGE\n"
	      "    show prints each rule of FILE as a plain EQL rule file: its header and\n"
	      "    the canonical text of the compiled program (exception items included\n"
	      "    as exclusions), which compiles back to the same program.\n"
	      "\n"
	      "  The module's rules (as root: CAP_NET_ADMIN)\n"
	      "    The module judges by a set of up to 64 rules: from its load, its two\n"
	      "    built-in rules (Elastic's rule, versions 3 to 6, and ldwatch's\n"
	      "    companion rule). load compiles each rule of each FILE (with the\n"
	      "    exception items of --exceptions FILE that apply) and loads it: a rule\n"
	      "    of an id the module holds replaces that rule, in its place; another\n"
	      "    joins the set. The module verifies each program and refuses, with its\n"
	      "    reason, one it cannot run, or one that would have to look at every\n"
	      "    file; the set is then as it was. (A rule must name the files it is\n"
	      "    about: a requirement that file.path is one of some values, each with\n"
	      "    a whole literal name, \"/etc/ld.so.preload\", \"/etc/ld.so.conf.d/*\",\n"
	      "    or else, after a '/', the literal start of a name of at least 4 bytes\n"
	      "    before a wildcard, \"/lib*/ld-linux*.so*\"; check refuses the others\n"
	      "    and says why.) remove takes the rule ID out; a rule\n"
	      "    that replaced a built-in rule gives its place back to it, and a\n"
	      "    built-in rule itself stays. list prints each rule of the set: id,\n"
	      "    version, origin (built-in or loaded), view (path: Elastic's, by the\n"
	      "    file's path; host: the host's targets by identity), matches,\n"
	      "    suppressed, name, the source file and the SHA-256 of its program\n"
	      "    (the module computes it: compare it with what check prints). get\n"
	      "    prints one rule, with its counters and the text of its program.\n"
	      "    --json: a JSON object a rule, one a line. sync makes the module's set\n"
	      "    the rules of DIR/rules.d (DIR: /etc/ldwatch), each compiled with the\n"
	      "    exception items of DIR/exceptions.d that apply to it: it loads what\n"
	      "    differs, removes the loaded rules no file holds (the built-in rules\n"
	      "    stay unless a file replaces them), and says what it changed. Every\n"
	      "    change is a record of its own (ldwatchd's ldwatch-rules-changed).\n"
	      "    An exception file that applies to no rule of rules.d, and names no\n"
	      "    built-in rule, is an error, and nothing changes.\n"
	      "\n"
	      "  Exceptions for a built-in rule\n"
	      "    A built-in rule needs no file: exception items in ldwatch's EQL form\n"
	      "    whose \"// rule:\" line names a built-in rule's id, where no file of\n"
	      "    rules.d holds that id, apply to the built-in itself. sync lowers the\n"
	      "    built-in as the module does (the same program, byte for byte, the\n"
	      "    same SHA-256), appends the items, and loads the result in the\n"
	      "    built-in's place, with its id, name, version, severity, risk score and\n"
	      "    threat mapping; list shows it as loaded, from \"built-in + FILE\". A\n"
	      "    new ldwatch's built-in gets the items at the next sync. When no item\n"
	      "    is left (the file removed, or every item expired), sync removes the\n"
	      "    replacement and the built-in rule is back. A file of rules.d with the\n"
	      "    built-in's id takes precedence: the items then apply to that file's\n"
	      "    rule. Kibana exports name no rule and are not applied to a built-in.\n"
	      "    The built-in rules:\n"
	      "        640f79d1-571d-4f96-a9af-1194fc8cf763  Elastic, versions 3 to 6\n"
	      "        e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba  ldwatch's companion rule\n"
	      "    check --exceptions FILE and load --exceptions FILE without a rule\n"
	      "    file do the same for the built-in rule FILE names: check prints it\n"
	      "    compiled with FILE's items (its SHA-256: compare with list), load\n"
	      "    loads it in the built-in's place.\n"
	      "\n"
	      "  Expired exception items\n"
	      "    An item with an expire_time (Kibana's field; in ldwatch's EQL form a\n"
	      "    \"// expire_time: 2027-01-31T00:00:00Z\" line before the item, or a\n"
	      "    date alone: midnight UTC) at or before the present is not loaded, as\n"
	      "    Kibana does not apply it; each command that compiles it warns:\n"
	      "        warning: FILE: item NAME expired on DATE, not loaded\n"
	      "    The module holds what was loaded: an item that expires later stays\n"
	      "    in force there until the next sync (ldwatchd's start or reload, or\n"
	      "    rules sync) compiles the rule without it.\n"
	      "\n"
	      "  Formats, told apart by content\n"
	      "    plain EQL\n"
	      "        A header of comment lines, then a `file where ...` query:\n"
	      "            // id: 640f79d1-571d-4f96-a9af-1194fc8cf763\n"
	      "            // name: Dynamic Linker Creation or Modification\n"
	      "            // version: 3\n"
	      "            // severity: medium\n"
	      "            // risk_score: 47\n"
	      "            // tactic: TA0005 Defense Evasion\n"
	      "            // technique: T1574 Hijack Execution Flow\n"
	      "            // subtechnique: T1574.006 Dynamic Linker Hijacking\n"
	      "            // source: where the rule comes from\n"
	      "            file where ...\n"
	      "        id, name, version (1 up), severity (low, medium, high, critical)\n"
	      "        and risk_score (0 to 100) are required. Each tactic line starts an\n"
	      "        entry of the threat mapping (MITRE ATT&CK); technique lines belong\n"
	      "        to the tactic above, subtechnique lines to the technique above; the\n"
	      "        references are MITRE's pages of the ids. source lines add up. Other\n"
	      "        comment lines are free text, except that a lowercase word and a\n"
	      "        colon (\"// foo:\") must be one of these keys.\n"
	      "    Kibana rule export (.ndjson)\n"
	      "        One rule a line, as Kibana's rule export writes it: rule_id, name,\n"
	      "        version, severity, risk_score, query, language (must be \"eql\"),\n"
	      "        threat, exceptions_list. The export's summary line is ignored;\n"
	      "        exception lists and items exported with the rules are read and\n"
	      "        applied to the rules that reference their lists.\n"
	      "    Elastic prebuilt rule (JSON)\n"
	      "        One rule as Elastic's security_detection_engine package ships it\n"
	      "        (kibana/security_rule/RULEID_VERSION.json): the same fields under\n"
	      "        \"attributes\".\n"
	      "\n"
	      "OPTIONS\n"
	      "    --exceptions FILE\n"
	      "        Compile the rules with the exception items of FILE that apply to\n"
	      "        them (see " LDWCTL " exceptions --help). check and load without\n"
	      "        a rule file: the built-in rule FILE names, with its items.\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "    --json\n"
	      "        list, get: JSON, one object a rule.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every rule of every FILE compiled (loaded, removed, listed, in\n"
	      "        sync)\n"
	      "    1   a FILE holds an error (the first one is printed), or the module\n"
	      "        refused a request (its reason is printed), or holds no rule ID\n"
	      "    2   usage error, or a FILE could not be read\n"
	      "    3   the module is not loaded\n"
	      "    4   not permitted: run as root\n"
	      "\n"
	      "EXAMPLES\n"
	      "    " LDWCTL " rules check /etc/ldwatch/rules.d/*\n"
	      "    " LDWCTL " rules load rules/elastic-640f79d1-v9.eql\n"
	      "    " LDWCTL " rules sync\n"
	      "    " LDWCTL " rules show --exceptions salt.eql rules/elastic-640f79d1-v9.eql\n"
	      "    " LDWCTL " rules check --exceptions /etc/ldwatch/exceptions.d/salt.eql\n",
	      out);
}

static void ldwctl_print_threat(FILE *out, const struct ldw_threat *t)
{
	unsigned int j, k;

	fprintf(out, "  threat      %s %s", t->tactic.id, t->tactic.name);
	for (j = 0; j < t->ntechniques; j++) {
		const struct ldw_technique *tech = &t->techniques[j];

		fprintf(out, "%s %s %s", j ? "," : ":", tech->technique.id, tech->technique.name);
		for (k = 0; k < tech->nsub; k++)
			fprintf(out, "%s%s %s", k ? ", " : " (", tech->sub[k].id, tech->sub[k].name);
		if (tech->nsub)
			fputc(')', out);
	}
	fprintf(out, " [%s]\n", t->framework);
}

/* How many items of @exc belong to @list_id. */
static unsigned int ldwctl_list_items(const struct ldw_exceptions *exc, const char *list_id)
{
	unsigned int i, n = 0;

	for (i = 0; exc && i < exc->nitems; i++)
		n += exc->items[i].list_id && !strcmp(exc->items[i].list_id, list_id);
	return n;
}

static void ldwctl_print_rule(FILE *out, const struct ldw_rule_file *file,
			      const struct ldw_rule_def *r, const struct ldw_exceptions *extra,
			      const struct ldw_compiled *c)
{
	char hex[65];
	unsigned int i;

	fprintf(out, "rule %s (line %u)\n", r->meta.id, r->line);
	fprintf(out, "  name        %s\n", r->meta.name);
	fprintf(out, "  version     %u\n", r->meta.version);
	fprintf(out, "  severity    %s\n", r->meta.severity);
	fprintf(out, "  risk score  %u\n", r->meta.risk_score);
	for (i = 0; i < r->meta.nthreats; i++)
		ldwctl_print_threat(out, &r->meta.threats[i]);
	if (r->meta.source)
		fprintf(out, "  source      %s\n", r->meta.source);
	for (i = 0; i < r->meta.nlists; i++) {
		const struct ldw_list_ref *l = &r->meta.lists[i];
		unsigned int here = ldwctl_list_items(file->exceptions, l->list_id);
		unsigned int given = extra && extra->format == LDW_EXC_FORMAT_KIBANA_EXPORT ?
				     ldwctl_list_items(extra, l->list_id) : 0;

		fprintf(out, "  exceptions  list %s (%s, %s): ", l->list_id,
			l->type ? l->type : "type not given",
			l->namespace_type ? l->namespace_type : "namespace not given");
		if (here || given)
			fprintf(out, "%u items %s\n", here + given,
				here ? "in this file" : "from --exceptions");
		else
			fputs("referenced; its items are not in this file (give its export "
			      "with --exceptions)\n", out);
	}
	if (extra && (!r->meta.nlists || extra->format == LDW_EXC_FORMAT_EQL)) {
		unsigned int n = ldwctl_applying(extra, r);

		fprintf(out, "  exceptions  %u items from %s", n, extra->file);
		if (n > c->nexceptions)
			fprintf(out, " (%u expired, not loaded)", n - c->nexceptions);
		fputc('\n', out);
	}
	fprintf(out, "  units       %u required, %u excluded, %u exception items\n",
		c->nrequire, c->nexclude, c->nexceptions);
	fprintf(out, "  compiled    %zu bytes\n", c->size);
	ldw_sha256_hex(c->sha256, hex);
	fprintf(out, "  sha256      %s\n", hex);
}

/* Parse "[--exceptions FILE] ARGS"; returns -1 when the command should end with *@status. */
static int ldwctl_rules_opts(const char *cmd, int argc, char **argv, const char **exc_path,
			     int *status, void (*help)(FILE *))
{
	static const struct option opts[] = {
		{ "exceptions", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 0;
	*exc_path = NULL;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			*exc_path = optarg;
			break;
		case 'h':
			help(stdout);
			*status = fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
			return -1;
		case ':':
			*status = ldwctl_usage_error(cmd, "option '%s' needs an argument",
						     argv[optind - 1]);
			return -1;
		default:
			*status = ldwctl_bad_option(cmd, argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

static int ldwctl_builtin_loadable(const struct ldw_rule *table, const struct ldw_exceptions *exc,
				   const char *source, struct ldw_rule_def *def,
				   struct ldwctl_loadable *l);
static const struct ldw_rule *ldwctl_exceptions_builtin(const char *exc_path,
							const struct ldw_exceptions *exc);

/*
 * --exceptions FILE and no rule file (rules check, rules load): the
 * built-in rule FILE's items name, in *@table, compiled with them into @l,
 * its source "built-in + FILE" in @source.
 */
static int ldwctl_builtin_excepted(const char *exc_path, const struct ldw_exceptions *exc,
				   const struct ldw_rule **table,
				   char source[LDW_RULE_SOURCE_MAX + 1],
				   struct ldw_rule_def *def, struct ldwctl_loadable *l)
{
	*table = ldwctl_exceptions_builtin(exc_path, exc);
	if (!*table)
		return LDWCTL_BAD_INPUT;
	snprintf(source, LDW_RULE_SOURCE_MAX + 1, "built-in + %s", exc_path);
	return ldwctl_builtin_loadable(*table, exc, source, def, l);
}

/* rules check --exceptions FILE, no rule file: the built-in rule FILE names. */
static int ldwctl_rules_check_builtin(const char *exc_path, const struct ldw_exceptions *exc)
{
	char source[LDW_RULE_SOURCE_MAX + 1];
	const struct ldw_rule *table;
	struct ldwctl_loadable l;
	struct ldw_rule_def def;
	const char *p, *nl;
	int status;

	status = ldwctl_builtin_excepted(exc_path, exc, &table, source, &def, &l);
	if (status)
		return status;
	printf("rule %s (built-in)\n", table->id);
	printf("  name        %s\n", table->name);
	printf("  version     %u\n", table->version);
	printf("  severity    %s\n", table->severity);
	printf("  risk score  %u\n", table->risk_score);
	for (p = table->threat; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		/* "tactic\tTA0005\tDefense Evasion" as "tactic TA0005 Defense Evasion" */
		fputs("  threat      ", stdout);
		for (; p < nl; p++)
			putchar(*p == '\t' ? ' ' : *p);
		putchar('\n');
	}
	printf("  source      %s\n", source);
	printf("  units       %u required, %u excluded, %u exception items\n",
	       l.compiled.nrequire, l.compiled.nexclude, l.compiled.nexceptions);
	printf("  compiled    %zu bytes\n", l.compiled.size);
	printf("  sha256      %s\n", l.sha256);
	ldw_compiled_free(&l.compiled);
	return LDWCTL_OK;
}

static int ldwctl_rules_check(int argc, char **argv, bool show)
{
	const char *cmd = show ? "rules show" : "rules check";
	struct ldw_exceptions exc = { 0 };
	const char *exc_path;
	int status = LDWCTL_OK, i;
	unsigned int r;

	if (ldwctl_rules_opts(cmd, argc, argv, &exc_path, &status, ldwctl_rules_help))
		return status;
	if (optind >= argc && (show || !exc_path))
		return ldwctl_usage_error(cmd, "no rule file given");
	if (optind >= argc) {
		status = ldwctl_read_exceptions(exc_path, &exc);
		if (!status)
			status = ldwctl_rules_check_builtin(exc_path, &exc);
		ldw_exceptions_free(&exc);
		return fflush(stdout) == EOF ? LDWCTL_USAGE : status;
	}
	if (show && argc - optind > 1)
		return ldwctl_usage_error(cmd, "one rule file at a time");
	if (exc_path) {
		status = ldwctl_read_exceptions(exc_path, &exc);
		if (status) {
			ldw_exceptions_free(&exc);
			return status;
		}
	}
	for (i = optind; i < argc && !status; i++) {
		struct ldw_rule_file file;

		status = ldwctl_read_rules(argv[i], &file);
		if (!status && !show)
			printf("%s: %s, %u rule%s\n", argv[i], ldw_rule_format_name(file.format),
			       file.nrules, file.nrules == 1 ? "" : "s");
		for (r = 0; !status && r < file.nrules; r++) {
			struct ldw_file_error err = { 0 };
			struct ldw_compiled c;

			if (exc_path && exc.format == LDW_EXC_FORMAT_EQL &&
			    file.nrules == 1)
				status = ldwctl_check_exceptions_target(&exc, &file.rules[r]);
			if (!status && ldw_rule_compile(&file, &file.rules[r],
							exc_path ? &exc : NULL, &c, &err)) {
				ldw_file_error_print(stderr, &err, argv[i]);
				status = LDWCTL_BAD_INPUT;
			} else if (!status && show) {
				size_t need = ldw_prog_format(&c.prog, NULL, 0);
				char *text = ldw_xcalloc(need + 1, 1);

				ldw_prog_format(&c.prog, text, need + 1);
				if (r)
					putchar('\n');
				ldw_rule_meta_write_header(stdout, &file.rules[r].meta);
				printf("%s\n", text);
				free(text);
			} else if (!status) {
				ldwctl_print_rule(stdout, &file, &file.rules[r],
						  exc_path ? &exc : NULL, &c);
			}
			ldw_compiled_free(&c);
		}
		ldw_rule_file_free(&file);
	}
	ldw_exceptions_free(&exc);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, LDWCTL ": writing standard output: %s\n", strerror(errno));
		return LDWCTL_USAGE;
	}
	return status;
}

static int ldwctl_rules_load(int argc, char **argv);
static int ldwctl_rules_remove(int argc, char **argv);
static int ldwctl_rules_list(int argc, char **argv);
static int ldwctl_rules_get(int argc, char **argv);
static int ldwctl_rules_sync(int argc, char **argv);
static bool ldwctl_rules_dir_has(const char *rules_dir, const char *id);

int ldwctl_rules_cmd(int argc, char **argv)
{
	if (argc < 2)
		return ldwctl_usage_error("rules", "which? check, show, load, remove, list, get "
					  "or sync");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		ldwctl_rules_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (!strcmp(argv[1], "check"))
		return ldwctl_rules_check(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "show"))
		return ldwctl_rules_check(argc - 1, argv + 1, true);
	/* The module's rule set */
	if (!strcmp(argv[1], "load"))
		return ldwctl_rules_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return ldwctl_rules_remove(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return ldwctl_rules_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "get"))
		return ldwctl_rules_get(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sync"))
		return ldwctl_rules_sync(argc - 1, argv + 1);
	return ldwctl_usage_error("rules", "unknown subcommand '%s' (known: check, show, load, "
				  "remove, list, get, sync)", argv[1]);
}

/* --- exceptions --- */

void ldwctl_exceptions_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWCTL " exceptions - check exception files, add exception items\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " exceptions check FILE...\n"
	      "    " LDWCTL " exceptions add [--dir DIR] [--name NAME] [--no-sync] RULE EXPRESSION\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    Reads each FILE and compiles each of its exception items to the\n"
	      "    exclusion the kernel would add to the rule; prints the file's format,\n"
	      "    the rule or lists it is for, and each item with its id, name, list and\n"
	      "    its text as EQL. Stops at the first error, FILE:LINE:COLUMN: MESSAGE.\n"
	      "\n"
	      "    A rule's exceptions are items; an item is an AND of entries; any item\n"
	      "    that holds suppresses the alert (Elastic's model). Each item becomes\n"
	      "    one more exclusion after the rule's own.\n"
	      "\n"
	      "  Formats, told apart by content\n"
	      "    Kibana exception list export (.ndjson)\n"
	      "        The list's line, one line per item (item_id, list_id, name,\n"
	      "        entries, os_types), the summary line. Entries, as Kibana turns them\n"
	      "        into an Elasticsearch query:\n"
	      "            match      the field is exactly the value (case-sensitive)\n"
	      "            match_any  the field is exactly one of the values\n"
	      "            wildcard   '*' any run of bytes, '?' one byte, case-sensitive\n"
	      "            exists     the field is present\n"
	      "        operator \"excluded\" negates an entry (an absent field then\n"
	      "        satisfies it); os_types adds host.os.type in (the types). Fields\n"
	      "        must be ones ldwatch's events have; \"nested\" and \"list\" (value\n"
	      "        list) entries are refused. A rule applies the items of the lists its\n"
	      "        exceptions_list names; a rule that names none, all of them.\n"
	      "    ldwatch's EQL form (for /etc/ldwatch/exceptions.d/)\n"
	      "            // rule: 640f79d1-571d-4f96-a9af-1194fc8cf763\n"
	      "            // name: Salt writes ld.so.conf.d through a temporary file\n"
	      "            process.executable == \"/usr/bin/salt-call\"\n"
	      "\n"
	      "            process.executable like \"/opt/dynatrace/*\" and\n"
	      "              file.path == \"/etc/ld.so.preload\"\n"
	      "        The \"// rule:\" line names the rule (its id) the items are for. Each\n"
	      "        item is one EQL expression, on one or more lines; a blank or comment\n"
	      "        line ends it. A \"// name:\" line names the item after it, a\n"
	      "        \"// expire_time: DATE\" line sets its expire_time.\n"
	      "\n"
	      "  Expired items\n"
	      "    An item whose expire_time (Kibana's field: an ISO 8601 instant,\n"
	      "    2027-01-31T00:00:00.000Z, a zone as +02:00, or a date alone, midnight\n"
	      "    UTC) is at or before the present is not loaded, as Kibana does not\n"
	      "    apply it; the commands that compile it say so:\n"
	      "        warning: FILE: item NAME expired on DATE, not loaded\n"
	      "    check lists it, its line \"expires DATE (expired: not loaded)\".\n"
	      "\n"
	      "  add\n"
	      "    Adds EXPRESSION, one exception item in the EQL form, for the rule\n"
	      "    whose id is RULE, to DIR/exceptions.d/RULE.eql (made, with its\n"
	      "    \"// rule:\" line, if it is not there), then makes the module's rules\n"
	      "    those of DIR (" LDWCTL " rules sync DIR): the item is in force for the\n"
	      "    next operation. RULE is a rule of DIR/rules.d or a built-in rule,\n"
	      "    which needs no file there: sync loads the built-in with its items in\n"
	      "    its place (" LDWCTL " rules --help, \"Exceptions for a built-in\n"
	      "    rule\"), and a package update's built-in gets them too. The\n"
	      "    expression is compiled first: one that is refused\n"
	      "    (EXPRESSION:LINE:COLUMN: why) changes no file. The file is replaced\n"
	      "    whole (written beside it, then renamed), so a reader never sees half\n"
	      "    of it.\n"
	      "\n"
	      "OPTIONS\n"
	      "    --dir DIR\n"
	      "        add: the configuration directory (default /etc/ldwatch).\n"
	      "    --name NAME\n"
	      "        add: a \"// name:\" line for the item (why it is there).\n"
	      "    --no-sync\n"
	      "        add: write the file only; the module's rules stay as they are.\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every item of every FILE compiled; add: written and synced\n"
	      "    1   a FILE holds an error (the first one is printed); add: the\n"
	      "        expression or the file there was refused, or the sync failed\n"
	      "    2   usage error, or a FILE could not be read or written\n"
	      "    3, 4  add: the module is not loaded, not permitted (the sync)\n"
	      "\n"
	      "EXAMPLES\n"
	      "    " LDWCTL " exceptions check /etc/ldwatch/exceptions.d/*\n"
	      "    " LDWCTL " exceptions add --name 'Salt writes through a temporary file' \\\n"
	      "        640f79d1-571d-4f96-a9af-1194fc8cf763 \\\n"
	      "        'process.executable == \"/usr/bin/salt-call\"'\n", out);
}

/* A program of one exception item, for printing it. */
static _Alignas(8) unsigned char ldwctl_scratch[LDW_PROG_MAX_SIZE];

/* Compile @item alone and print it as EQL. */
static int ldwctl_print_item(const struct ldw_exceptions *exc, const struct ldw_exc_item *item)
{
	struct ldw_file_error err = { 0 };
	struct ldw_prog_builder b;
	struct ldw_prog_error perr;
	struct ldw_prog prog;
	const char *msg = NULL;
	size_t size;
	char *text;

	ldw_prog_build_init(&b, ldwctl_scratch, sizeof(ldwctl_scratch));
	if (ldw_exc_item_compile(exc, item, &b, &err)) {
		ldw_file_error_print(stderr, &err, exc->file);
		return LDWCTL_BAD_INPUT;
	}
	size = ldw_prog_build_finish(&b, &msg);
	if (!size || ldw_prog_verify(ldwctl_scratch, size, &prog, &perr)) {
		fprintf(stderr, "%s:%u: %s\n", exc->file, item->line,
			size ? perr.what : msg ? msg : "cannot compile");
		return LDWCTL_BAD_INPUT;
	}
	text = ldwctl_unit_text(&prog, 0);
	if (item->item_id)
		printf("item %s (line %u)\n", item->item_id, item->line);
	else
		printf("item (line %u)\n", item->line);
	if (item->name)
		printf("  name        %s\n", item->name);
	if (item->list_id)
		printf("  list        %s\n", item->list_id);
	if (item->expire_text)
		printf("  expires     %s%s\n", item->expire_text,
		       ldw_exc_item_expired(item, (long long)time(NULL)) ?
		       " (expired: not loaded)" : "");
	printf("  excludes    %s\n", text);
	free(text);
	return LDWCTL_OK;
}

static int ldwctl_exceptions_check(int argc, char **argv)
{
	const char *exc_path;
	int status = LDWCTL_OK, i;
	unsigned int k;

	if (ldwctl_rules_opts("exceptions check", argc, argv, &exc_path, &status,
			      ldwctl_exceptions_help))
		return status;
	if (exc_path)
		return ldwctl_usage_error("exceptions check", "unknown option '--exceptions'");
	if (optind >= argc)
		return ldwctl_usage_error("exceptions check", "no exception file given");
	for (i = optind; i < argc && !status; i++) {
		struct ldw_exceptions exc;

		status = ldwctl_read_exceptions(argv[i], &exc);
		if (!status) {
			printf("%s: %s, %u item%s\n", argv[i], ldw_exc_format_name(exc.format),
			       exc.nitems, exc.nitems == 1 ? "" : "s");
			if (exc.rule_id)
				printf("rule %s\n", exc.rule_id);
			for (k = 0; k < exc.nlists; k++)
				printf("list %s (%s%s%s)\n", exc.lists[k].list_id,
				       exc.lists[k].type ? exc.lists[k].type : "type not given",
				       exc.lists[k].name ? ": " : "",
				       exc.lists[k].name ? exc.lists[k].name : "");
		}
		for (k = 0; !status && k < exc.nitems; k++)
			status = ldwctl_print_item(&exc, &exc.items[k]);
		ldw_exceptions_free(&exc);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, LDWCTL ": writing standard output: %s\n", strerror(errno));
		return LDWCTL_USAGE;
	}
	return status;
}

/* --- exceptions add --- */

/*
 * A rule id names a file of exceptions.d: letters, digits, '-', '_' and
 * '.', not first, as Elastic's rule ids (UUIDs) and rule names in files are.
 */
static bool ldwctl_id_is_file_name(const char *id)
{
	size_t i, n = strlen(id);

	if (!n || n > LDW_ID_MAX || id[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Write @len bytes of @text to @path whole: beside it first, then renamed. */
static int ldwctl_replace_file(const char *path, const char *text, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = ldw_xcalloc(plen + 16, 1);
	ssize_t n;
	size_t done = 0;
	int fd, saved;

	snprintf(tmp, plen + 16, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		done += n;
	}
	if (fchmod(fd, 0644) || fsync(fd))
		goto fail_fd;
	if (close(fd)) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path)) {
		fd = -1;
		goto fail_fd;
	}
	free(tmp);
	return 0;
fail_fd:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
fail:
	fprintf(stderr, LDWCTL ": exceptions add: writing %s: %s\n", path, strerror(errno));
	free(tmp);
	return LDWCTL_USAGE;
}

static int ldwctl_exceptions_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "no-sync", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = LDWCTL_SYNC_DIR, *name = NULL, *rule, *expr;
	struct ldw_exceptions exc = { 0 };
	struct ldw_file_error ferr = { 0 };
	struct ldw_eql_error eerr;
	struct ldw_prog_builder b;
	char *path = NULL, *old = NULL, *text = NULL;
	size_t old_len = 0, size;
	unsigned int before = 0;
	bool sync = true;
	struct stat st;
	int c, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 's':
			sync = false;
			break;
		case 'h':
			ldwctl_exceptions_help(stdout);
			return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		case ':':
			return ldwctl_usage_error("exceptions add", "option '%s' needs an argument",
						  argv[optind - 1]);
		default:
			return ldwctl_bad_option("exceptions add", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return ldwctl_usage_error("exceptions add", "give a rule id and one expression");
	rule = argv[optind];
	expr = argv[optind + 1];
	if (!ldwctl_id_is_file_name(rule))
		return ldwctl_usage_error("exceptions add",
					  "'%s' is no rule id (letters, digits, '-', '_', '.')",
					  rule);
	if (name && strpbrk(name, "\r\n"))
		return ldwctl_usage_error("exceptions add", "a name is one line");

	/* The expression alone first: its own line and column. */
	memset(&eerr, 0, sizeof(eerr));
	ldw_prog_build_init(&b, ldwctl_scratch, sizeof(ldwctl_scratch));
	if (ldw_eql_compile_exclusion(expr, strlen(expr), &b, &eerr)) {
		fprintf(stderr, "EXPRESSION:%u:%u: %s\n", eerr.line, eerr.column, eerr.message);
		return LDWCTL_BAD_INPUT;
	}

	size = strlen(dir) + strlen(rule) + 32;
	path = ldw_xcalloc(size, 1);
	/* What the sync would refuse, refused before anything is written. */
	snprintf(path, size, "%s/rules.d", dir);
	if (sync && !ldw_builtin_find(ldw_str_cstr(rule)) && !ldwctl_rules_dir_has(path, rule)) {
		fprintf(stderr, LDWCTL ": exceptions add: rule %s is no built-in rule and no "
			"file of %s holds it, so the item would change nothing: put the rule's "
			"file there first, or write the item with --no-sync\n", rule, path);
		status = LDWCTL_BAD_INPUT;
		goto out;
	}
	snprintf(path, size, "%s/exceptions.d", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, LDWCTL ": exceptions add: %s: %s\n", path, strerror(errno));
		status = LDWCTL_USAGE;
		goto out;
	}
	snprintf(path, size, "%s/exceptions.d/%s.eql", dir, rule);
	if (!stat(path, &st)) {
		/* Items are added to a file of the same form, for the same rule. */
		status = ldwctl_read_exceptions(path, &exc);
		if (status)
			goto out;
		if (exc.format != LDW_EXC_FORMAT_EQL || !exc.rule_id || strcmp(exc.rule_id, rule)) {
			fprintf(stderr, "%s:1: not ldwatch's EQL exceptions for rule %s: "
				"left as it is\n", path, rule);
			status = LDWCTL_BAD_INPUT;
			goto out;
		}
		before = exc.nitems;
		ldw_exceptions_free(&exc);
		ferr.file = path;
		if (ldw_file_slurp(path, &old, &old_len, &ferr)) {
			ldw_file_error_print(stderr, &ferr, path);
			status = LDWCTL_USAGE;
			goto out;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, LDWCTL ": exceptions add: %s: %s\n", path, strerror(errno));
		status = LDWCTL_USAGE;
		goto out;
	}

	/* The file as it will be: what was there, a blank line, the item. */
	size = old_len + strlen(rule) + (name ? strlen(name) : 0) + strlen(expr) + 64;
	text = ldw_xcalloc(size, 1);
	if (old)
		snprintf(text, size, "%s%s", old,
			 old_len && old[old_len - 1] != '\n' ? "\n" : "");
	else
		snprintf(text, size, "// rule: %s\n", rule);
	if (name)
		snprintf(text + strlen(text), size - strlen(text), "\n// name: %s\n%s\n", name, expr);
	else
		snprintf(text + strlen(text), size - strlen(text), "\n%s\n", expr);

	/* Read back as sync will read it: exactly one item more, which compiles. */
	if (ldw_exceptions_parse(path, text, strlen(text), &exc, &ferr) ||
	    exc.nitems != before + 1) {
		if (exc.nitems != before + 1 && !ferr.message[0])
			snprintf(ferr.message, sizeof(ferr.message),
				 "the expression would be %u items, not one (a blank or "
				 "comment line ends an item)", exc.nitems - before);
		ldw_file_error_print(stderr, &ferr, path);
		fprintf(stderr, LDWCTL ": exceptions add: %s left as it was\n", path);
		status = LDWCTL_BAD_INPUT;
		goto out;
	}
	status = ldwctl_print_item(&exc, &exc.items[before]);
	if (status)
		goto out;
	status = ldwctl_replace_file(path, text, strlen(text));
	if (status)
		goto out;
	printf("added to %s\n", path);
	if (fflush(stdout) == EOF) {
		status = LDWCTL_USAGE;
		goto out;
	}
	if (sync) {
		char *sync_argv[] = { "sync", (char *)dir, NULL };

		status = ldwctl_rules_sync(2, sync_argv);
	}
out:
	ldw_exceptions_free(&exc);
	free(text);
	free(old);
	free(path);
	return status;
}

int ldwctl_exceptions_cmd(int argc, char **argv)
{
	if (argc < 2)
		return ldwctl_usage_error("exceptions", "which? check or add");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		ldwctl_exceptions_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (!strcmp(argv[1], "check"))
		return ldwctl_exceptions_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "add"))
		return ldwctl_exceptions_add(argc - 1, argv + 1);
	return ldwctl_usage_error("exceptions", "unknown subcommand '%s' (known: check, add)",
				  argv[1]);
}

/* --- the module's rule set: rules load, remove, list, get, sync --- */

/*
 * These talk to the module (LDW_CMD_RULE_*): administrators only. Exit
 * statuses as ldwatchctl status: 3 the module is not loaded, 4 not
 * permitted; 1 the module refused a rule (its reason printed), or a file
 * held an error.
 */

/* Open the module's family; on failure print why and return the exit status. */
static int ldwctl_open(struct ldw_genl **g)
{
	int ret = ldw_genl_open(g);

	if (ret == -ENOENT) {
		fputs(LDWCTL ": ldwatch module not loaded: modprobe ldwatch\n", stderr);
		return LDWCTL_NOT_LOADED;
	}
	if (ret) {
		fprintf(stderr, LDWCTL ": looking up the ldwatch netlink family: %s\n",
			strerror(-ret));
		return LDWCTL_USAGE;
	}
	return LDWCTL_OK;
}

/* What a refused request says; the exit status. */
static int ldwctl_refused(const char *what, int ret, const char *why)
{
	if (ret == -EPERM) {
		fprintf(stderr, LDWCTL ": %s: %s: run as root (needs CAP_NET_ADMIN)\n", what,
			strerror(EPERM));
		return LDWCTL_NOT_PERMITTED;
	}
	if (why && *why)
		fprintf(stderr, LDWCTL ": %s: the module refused it: %s (%s)\n", what, why,
			strerror(-ret));
	else
		fprintf(stderr, LDWCTL ": %s: %s\n", what, strerror(-ret));
	return LDWCTL_BAD_INPUT;
}


/* Send @l; print what happened. Returns the exit status. */
static int ldwctl_send(struct ldw_genl *g, const struct ldwctl_loadable *l, const char *verb)
{
	const struct ldw_rule_meta *meta = &l->def->meta;
	char *threat = l->threat ? ldw_xstrndup(l->threat, strlen(l->threat)) :
		       ldw_rule_meta_threat_text(meta);
	struct ldw_rule_request rq = {
		.id = meta->id,
		.name = meta->name,
		.severity = meta->severity,
		.threat = *threat ? threat : NULL,
		.source = l->path,
		.version = meta->version,
		.risk_score = meta->risk_score,
		.program = l->compiled.blob,
		.size = l->compiled.size,
	};
	char why[LDW_WHY_SIZE], what[512];
	int ret;

	if (strlen(threat) > LDW_RULE_THREAT_MAX) {
		fprintf(stderr, LDWCTL ": %s: rule %s: its threat mapping is longer than %u bytes\n",
			l->path, meta->id, LDW_RULE_THREAT_MAX);
		free(threat);
		return LDWCTL_BAD_INPUT;
	}
	ret = ldw_genl_rule_load(g, &rq, why);
	free(threat);
	snprintf(what, sizeof(what), "%s: rule %s version %u", l->path, meta->id, meta->version);
	if (ret)
		return ldwctl_refused(what, ret, why);
	printf("%s: rule %s version %u (%s): %s, sha256 %s\n", l->path, meta->id,
	       meta->version, meta->name, verb, l->sha256);
	return LDWCTL_OK;
}

/* --- exceptions for a built-in rule --- */

/*
 * The hand-written exception files of @exc[0, @nexc) that name built-in
 * rule @table, merged into @out (a view: free its items array only), and
 * the source the module is to show for the rule, "built-in + FILE...",
 * into @source. Kibana exports are not taken: their items name no rule,
 * and a rule that names no list would take every one. Returns the number
 * of files.
 */
static unsigned int ldwctl_builtin_exceptions(const struct ldw_exceptions *exc,
					      unsigned int nexc, const struct ldw_rule *table,
					      struct ldw_exceptions *out, char *source,
					      size_t size)
{
	unsigned int i, j, files = 0;
	size_t len;

	memset(out, 0, sizeof(*out));
	snprintf(source, size, "built-in");
	for (i = 0; i < nexc; i++) {
		if (exc[i].format != LDW_EXC_FORMAT_EQL || strcmp(exc[i].rule_id, table->id))
			continue;
		if (!files++) {
			out->file = exc[i].file;
			out->format = exc[i].format;
			out->rule_id = exc[i].rule_id;
		}
		len = strlen(source);
		snprintf(source + len, size - len, " + %s", exc[i].file);
		out->items = ldw_xrealloc(out->items, out->nitems + exc[i].nitems + 1,
					  sizeof(*out->items));
		for (j = 0; j < exc[i].nitems; j++)
			out->items[out->nitems++] = exc[i].items[j];
	}
	return files;
}

/*
 * Built-in rule @table with the items of @exc (may be NULL) compiled into
 * @l, to be sent as the rule @def (filled from the table) from @source.
 * Returns the exit status, after printing why on failure.
 */
static int ldwctl_builtin_loadable(const struct ldw_rule *table, const struct ldw_exceptions *exc,
				   const char *source, struct ldw_rule_def *def,
				   struct ldwctl_loadable *l)
{
	struct ldw_file_error err = { 0 };

	memset(def, 0, sizeof(*def));
	ldw_builtin_meta(table, &def->meta);
	memset(l, 0, sizeof(*l));
	l->def = def;
	l->path = source;
	l->threat = table->threat;
	if (ldw_builtin_compile(table, exc, &l->compiled, &err)) {
		ldw_file_error_print(stderr, &err, exc ? exc->file : "built-in");
		return LDWCTL_BAD_INPUT;
	}
	ldw_sha256_hex(l->compiled.sha256, l->sha256);
	return LDWCTL_OK;
}

/*
 * The built-in rule that the exceptions @exc (of @exc_path) name, or NULL
 * after saying why there is none.
 */
static const struct ldw_rule *ldwctl_exceptions_builtin(const char *exc_path,
							const struct ldw_exceptions *exc)
{
	const struct ldw_rule *table = NULL;

	if (exc->format == LDW_EXC_FORMAT_EQL)
		table = ldw_builtin_find(ldw_str_cstr(exc->rule_id));
	if (!table)
		fprintf(stderr, "%s:1: %s: give the rule file too (without one, the exceptions "
			"must be ldwatch's EQL form for a built-in rule: %s or %s)\n", exc_path,
			exc->format == LDW_EXC_FORMAT_EQL ? "not for a built-in rule" :
			"a Kibana export names no rule", ldw_builtin_tables[0]->id,
			ldw_builtin_tables[1]->id);
	return table;
}

/*
 * rules load --exceptions FILE, no rule file: FILE's items for the built-in
 * rule it names, loaded in that rule's place.
 */
static int ldwctl_rules_load_builtin(const char *exc_path, const struct ldw_exceptions *exc)
{
	char source[LDW_RULE_SOURCE_MAX + 1];
	const struct ldw_rule *table;
	struct ldwctl_loadable l;
	struct ldw_rule_def def;
	struct ldw_genl *g;
	int status;

	status = ldwctl_builtin_excepted(exc_path, exc, &table, source, &def, &l);
	if (status)
		return status;
	status = ldwctl_open(&g);
	if (!status) {
		status = ldwctl_send(g, &l, "loaded");
		ldw_genl_close(g);
	}
	ldw_compiled_free(&l.compiled);
	return status;
}

static int ldwctl_rules_load(int argc, char **argv)
{
	struct ldw_exceptions exc = { 0 };
	const char *exc_path;
	struct ldw_genl *g = NULL;
	int status = LDWCTL_OK, i, ret;
	unsigned int r;

	if (ldwctl_rules_opts("rules load", argc, argv, &exc_path, &status, ldwctl_rules_help))
		return status;
	if (optind >= argc && !exc_path)
		return ldwctl_usage_error("rules load", "no rule file given");
	if (exc_path) {
		status = ldwctl_read_exceptions(exc_path, &exc);
		if (!status && optind >= argc)
			status = ldwctl_rules_load_builtin(exc_path, &exc);
		if (status || optind >= argc) {
			ldw_exceptions_free(&exc);
			if (fflush(stdout) == EOF)
				return LDWCTL_USAGE;
			return status;
		}
	}
	status = ldwctl_open(&g);
	for (i = optind; i < argc && !status; i++) {
		struct ldw_rule_file file;

		status = ldwctl_read_rules(argv[i], &file);
		if (!status)
			printf("%s: %s, %u rule%s\n", argv[i], ldw_rule_format_name(file.format),
			       file.nrules, file.nrules == 1 ? "" : "s");
		for (r = 0; !status && r < file.nrules; r++) {
			struct ldw_file_error err = { 0 };
			struct ldwctl_loadable l = { .def = &file.rules[r], .path = argv[i] };

			if (ldw_rule_compile(&file, &file.rules[r], exc_path ? &exc : NULL,
					     &l.compiled, &err)) {
				ldw_file_error_print(stderr, &err, argv[i]);
				status = LDWCTL_BAD_INPUT;
				continue;
			}
			ldw_sha256_hex(l.compiled.sha256, l.sha256);
			ret = ldwctl_send(g, &l, "loaded");
			ldw_compiled_free(&l.compiled);
			status = ret;
		}
		ldw_rule_file_free(&file);
	}
	ldw_genl_close(g);
	ldw_exceptions_free(&exc);
	if (fflush(stdout) == EOF)
		return LDWCTL_USAGE;
	return status;
}

static int ldwctl_rules_remove(int argc, char **argv)
{
	char why[LDW_WHY_SIZE], what[300];
	struct ldw_genl *g;
	int status, ret;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		ldwctl_rules_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (argc != 2)
		return ldwctl_usage_error("rules remove", "give one rule id");
	status = ldwctl_open(&g);
	if (status)
		return status;
	ret = ldw_genl_rule_remove(g, argv[1], why);
	ldw_genl_close(g);
	snprintf(what, sizeof(what), "removing rule %.200s", argv[1]);
	if (ret)
		return ldwctl_refused(what, ret, why);
	printf("rule %s: removed\n", argv[1]);
	return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
}

/* A string attribute, or "" when absent. */
static const char *ldwctl_s(const struct ldw_msg *m, unsigned int attr, struct ldw_str s,
			    char *buf, size_t size)
{
	if (!LDW_HAS(m, attr))
		return "";
	snprintf(buf, size, "%.*s", (int)s.len, s.ptr);
	return buf;
}

static const char *ldwctl_origin(uint8_t origin)
{
	return origin == LDW_RULE_BUILTIN ? "built-in" : origin == LDW_RULE_LOADED ? "loaded" : "?";
}

static const char *ldwctl_view(uint8_t view)
{
	return view == LDW_RULE_VIEW_PATH ? "path" : view == LDW_RULE_VIEW_HOST ? "host" : "?";
}

/* One rule as JSON, through the ECS writer: any bytes give valid JSON. */
static int ldwctl_rule_json(FILE *out, const struct ldw_msg *m)
{
	struct ecs_doc *doc = ecs_doc_new();
	struct ecs_buf line;
	int err;

	if (!doc)
		return ENOMEM;
	ecs_put_str(doc, "id", m->rule_id.ptr, m->rule_id.len);
	ecs_put_str(doc, "name", m->rule_name.ptr, m->rule_name.len);
	ecs_put_u64(doc, "version", m->rule_version);
	ecs_put_str(doc, "severity", m->rule_severity.ptr, m->rule_severity.len);
	ecs_put_u64(doc, "risk_score", m->rule_risk_score);
	ecs_put_str(doc, "source", m->rule_source.ptr, m->rule_source.len);
	ecs_put_str(doc, "sha256", m->rule_sha256.ptr, m->rule_sha256.len);
	ecs_put_cstr(doc, "origin", ldwctl_origin(m->rule_origin));
	ecs_put_cstr(doc, "view", ldwctl_view(m->rule_view));
	ecs_put_time(doc, "loaded", m->rule_load_time_ns);
	ecs_put_u64(doc, "matches", m->rule_matches);
	ecs_put_u64(doc, "suppressed", m->rule_suppressed);
	ecs_put_u64(doc, "excluded", m->rule_excluded);
	if (LDW_HAS(m, LDW_A_RULE_THREAT))
		ecs_put_str(doc, "threat", m->rule_threat.ptr, m->rule_threat.len);
	if (LDW_HAS(m, LDW_A_RULE_TEXT))
		ecs_put_str(doc, "text", m->rule_text.ptr, m->rule_text.len);
	ecs_buf_init(&line);
	err = ecs_doc_render(doc, &line);
	if (!err)
		fwrite(line.data, 1, line.len, out);
	ecs_buf_free(&line);
	ecs_doc_free(doc);
	return err;
}

struct ldwctl_list {
	bool json;
	unsigned int n;
};

static int ldwctl_list_one(void *arg, const struct ldw_msg *m)
{
	struct ldwctl_list *l = arg;
	char id[300], name[300], src[1100], sha[80];

	l->n++;
	if (l->json)
		return -ldwctl_rule_json(stdout, m);
	if (l->n == 1)
		printf("%-38s %4s %-8s %-4s %8s %10s %s\n", "ID", "VER", "ORIGIN", "VIEW",
		       "MATCHES", "SUPPRESSED", "NAME / SOURCE / SHA256");
	printf("%-38s %4" PRIu32 " %-8s %-4s %8" PRIu64 " %10" PRIu64 " %s\n",
	       ldwctl_s(m, LDW_A_RULE_ID, m->rule_id, id, sizeof(id)), m->rule_version,
	       ldwctl_origin(m->rule_origin), ldwctl_view(m->rule_view), m->rule_matches,
	       m->rule_suppressed, ldwctl_s(m, LDW_A_RULE_NAME, m->rule_name, name, sizeof(name)));
	printf("%-38s %4s %-8s %-4s %8s %10s %s\n", "", "", "", "", "", "",
	       ldwctl_s(m, LDW_A_RULE_SOURCE, m->rule_source, src, sizeof(src)));
	printf("%-38s %4s %-8s %-4s %8s %10s %s\n", "", "", "", "", "", "",
	       ldwctl_s(m, LDW_A_RULE_SHA256, m->rule_sha256, sha, sizeof(sha)));
	return 0;
}

static int ldwctl_rules_list(int argc, char **argv)
{
	struct ldwctl_list list = { 0 };
	char why[LDW_WHY_SIZE];
	struct ldw_genl *g;
	int status, ret, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			list.json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ldwctl_rules_help(stdout);
			return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		} else {
			return ldwctl_usage_error("rules list", "unexpected argument '%s'", argv[i]);
		}
	}
	status = ldwctl_open(&g);
	if (status)
		return status;
	ret = ldw_genl_rule_list(g, ldwctl_list_one, &list, why);
	ldw_genl_close(g);
	if (ret)
		return ldwctl_refused("listing the rules", ret, why);
	return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
}

static int ldwctl_rules_get(int argc, char **argv)
{
	char why[LDW_WHY_SIZE], what[300], buf[1100];
	struct ldw_reply reply;
	const struct ldw_msg *m = &reply.msg;
	struct ldw_genl *g;
	bool json = false;
	const char *id = NULL;
	int status, ret, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return ldwctl_rules_help(stdout), fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		else if (!id)
			id = argv[i];
		else
			return ldwctl_usage_error("rules get", "one rule id at a time");
	}
	if (!id)
		return ldwctl_usage_error("rules get", "give one rule id");
	status = ldwctl_open(&g);
	if (status)
		return status;
	ret = ldw_genl_rule_get(g, id, &reply, why);
	ldw_genl_close(g);
	snprintf(what, sizeof(what), "rule %.200s", id);
	if (ret == -ENOENT) {
		fprintf(stderr, LDWCTL ": %s: no rule of this id is loaded\n", what);
		return LDWCTL_BAD_INPUT;
	}
	if (ret)
		return ldwctl_refused(what, ret, why);
	if (json) {
		ret = ldwctl_rule_json(stdout, m);
	} else {
		printf("rule %s\n", ldwctl_s(m, LDW_A_RULE_ID, m->rule_id, buf, sizeof(buf)));
		printf("  name        %s\n", ldwctl_s(m, LDW_A_RULE_NAME, m->rule_name, buf,
						     sizeof(buf)));
		printf("  version     %" PRIu32 "\n", m->rule_version);
		printf("  severity    %s\n", ldwctl_s(m, LDW_A_RULE_SEVERITY, m->rule_severity,
						     buf, sizeof(buf)));
		printf("  risk score  %" PRIu32 "\n", m->rule_risk_score);
		printf("  origin      %s\n", ldwctl_origin(m->rule_origin));
		printf("  view        %s\n", ldwctl_view(m->rule_view));
		printf("  source      %s\n", ldwctl_s(m, LDW_A_RULE_SOURCE, m->rule_source, buf,
						     sizeof(buf)));
		printf("  sha256      %s\n", ldwctl_s(m, LDW_A_RULE_SHA256, m->rule_sha256, buf,
						     sizeof(buf)));
		printf("  matches     %" PRIu64 "\n", m->rule_matches);
		printf("  suppressed  %" PRIu64 "\n", m->rule_suppressed);
		printf("  excluded    %" PRIu64 "\n", m->rule_excluded);
		if (LDW_HAS(m, LDW_A_RULE_THREAT))
			printf("  threat\n    %.*s\n", (int)m->rule_threat.len, m->rule_threat.ptr);
		printf("%.*s\n", (int)m->rule_text.len, m->rule_text.ptr);
	}
	ldw_reply_free(&reply);
	return ret || fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
}

/* --- rules sync --- */

#define LDWCTL_SYNC_MAX 64

/* What the module holds, as the list said. */
struct ldwctl_held {
	unsigned int n;
	struct {
		char id[LDW_RULE_STRING_MAX + 1];
		char sha256[LDW_SHA256_HEX + 1];
		char source[LDW_RULE_SOURCE_MAX + 1];
		uint32_t version;
		uint8_t origin;
		bool wanted;
	} rule[LDWCTL_SYNC_MAX];
};

static int ldwctl_held_one(void *arg, const struct ldw_msg *m)
{
	struct ldwctl_held *h = arg;

	if (h->n == LDWCTL_SYNC_MAX)
		return -ENOSPC;
	snprintf(h->rule[h->n].id, sizeof(h->rule[h->n].id), "%.*s", (int)m->rule_id.len,
		 m->rule_id.ptr);
	snprintf(h->rule[h->n].sha256, sizeof(h->rule[h->n].sha256), "%.*s",
		 (int)m->rule_sha256.len, m->rule_sha256.ptr);
	snprintf(h->rule[h->n].source, sizeof(h->rule[h->n].source), "%.*s",
		 (int)m->rule_source.len, m->rule_source.ptr);
	h->rule[h->n].version = m->rule_version;
	h->rule[h->n].origin = m->rule_origin;
	h->rule[h->n].wanted = false;
	h->n++;
	return 0;
}

static int ldwctl_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir, sorted; hidden files, backups and package leftovers skipped. */
static char **ldwctl_dir_files(const char *dir, unsigned int *n)
{
	struct dirent *d;
	char **names = NULL;
	DIR *dp = opendir(dir);

	*n = 0;
	if (!dp)
		return NULL;
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		char *path;
		struct stat st;

		if (d->d_name[0] == '.' || d->d_name[len - 1] == '~' ||
		    strstr(d->d_name, ".dpkg-") || strstr(d->d_name, ".ucf-"))
			continue;
		path = ldw_xcalloc(strlen(dir) + len + 2, 1);
		sprintf(path, "%s/%s", dir, d->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		names = ldw_xrealloc(names, *n + 1, sizeof(*names));
		names[(*n)++] = path;
	}
	closedir(dp);
	if (*n)
		qsort(names, *n, sizeof(*names), ldwctl_name_cmp);
	return names;
}

static void ldwctl_free_names(char **names, unsigned int n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/*
 * The exception files of @exc[0, @nexc) whose items apply to @rule, merged
 * into @out: the items of one form only (a view: ldw_exceptions_free()
 * must not be called on it; free its items array). Returns the number of
 * files that apply, or -1 when files of both forms do.
 */
static int ldwctl_merge_exceptions(const struct ldw_exceptions *exc, unsigned int nexc,
				   const struct ldw_rule_def *rule, struct ldw_exceptions *out)
{
	int files = 0;
	unsigned int i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nexc; i++) {
		if (exc[i].format == LDW_EXC_FORMAT_EQL ? strcmp(exc[i].rule_id, rule->meta.id) :
		    !ldwctl_applying(&exc[i], rule))
			continue;
		if (files && out->format != exc[i].format)
			return -1;
		if (!files) {
			out->file = exc[i].file;
			out->format = exc[i].format;
			out->rule_id = exc[i].rule_id;
			out->lists = exc[i].lists;
			out->nlists = exc[i].nlists;
		}
		files++;
		out->items = ldw_xrealloc(out->items, out->nitems + exc[i].nitems,
					  sizeof(*out->items));
		for (j = 0; j < exc[i].nitems; j++)
			out->items[out->nitems++] = exc[i].items[j];
	}
	return files;
}

/*
 * Exception files that apply to no rule of rules.d would change nothing:
 * say so, rather than sync as if they were not there. Hand-written ones
 * for a built-in rule apply to it (ldwctl_sync_builtin()).
 */
static int ldwctl_exceptions_placed(const struct ldw_exceptions *exc, unsigned int nexc,
				    const struct ldw_rule_file *files, unsigned int nfiles,
				    const char *rules_dir)
{
	int status = LDWCTL_OK;
	unsigned int i, f, r;

	for (i = 0; i < nexc; i++) {
		bool found = false;

		for (f = 0; f < nfiles && !found; f++) {
			for (r = 0; r < files[f].nrules && !found; r++) {
				const struct ldw_rule_def *def = &files[f].rules[r];

				found = exc[i].format == LDW_EXC_FORMAT_EQL ?
					!strcmp(exc[i].rule_id, def->meta.id) :
					ldwctl_applying(&exc[i], def) > 0;
			}
		}
		if (!found && exc[i].format == LDW_EXC_FORMAT_EQL)
			found = ldw_builtin_find(ldw_str_cstr(exc[i].rule_id));
		if (found)
			continue;
		if (exc[i].format == LDW_EXC_FORMAT_EQL)
			fprintf(stderr, "%s:1: these exceptions are for rule %s, which is no built-in "
				"rule and which no file of %s holds, so they would change "
				"nothing: put the rule's file there\n",
				exc[i].file, exc[i].rule_id, rules_dir);
		else
			fprintf(stderr, "%s: no rule of %s takes these exceptions (none names "
				"their lists in its exceptions_list), so they would change "
				"nothing; for a built-in rule, write the items in ldwatch's EQL "
				"form, with a \"// rule:\" line naming it\n", exc[i].file, rules_dir);
		status = LDWCTL_BAD_INPUT;
	}
	return status;
}

/* Whether a rule file of @rules_dir holds the rule @id (errors: no). */
static bool ldwctl_rules_dir_has(const char *rules_dir, const char *id)
{
	unsigned int n, i, r;
	char **names = ldwctl_dir_files(rules_dir, &n);
	bool found = false;

	for (i = 0; i < n && !found; i++) {
		struct ldw_rule_file file = { 0 };
		struct ldw_file_error err = { .file = names[i] };
		char *text;
		size_t len;

		if (ldw_file_slurp(names[i], &text, &len, &err))
			continue;
		if (!ldw_rule_file_parse(names[i], text, len, &file, &err))
			for (r = 0; r < file.nrules && !found; r++)
				found = !strcmp(file.rules[r].meta.id, id);
		free(text);
		ldw_rule_file_free(&file);
	}
	ldwctl_free_names(names, n);
	return found;
}

/* Whether a rule of @files[0, @n) has the id @id. */
static bool ldwctl_files_hold(const struct ldw_rule_file *files, unsigned int n, const char *id)
{
	unsigned int i, r;

	for (i = 0; i < n; i++)
		for (r = 0; r < files[i].nrules; r++)
			if (!strcmp(files[i].rules[r].meta.id, id))
				return true;
	return false;
}

/*
 * Sync built-in rule @table, which no file of rules.d holds: with
 * exception items for it, the built-in lowered here plus the items is
 * loaded in its place (unless the module holds exactly that already);
 * without, the built-in itself is wanted, and a loaded replacement is left
 * unwanted, so that its removal gives the place back to it.
 */
static int ldwctl_sync_builtin(struct ldw_genl *g, struct ldwctl_held *held,
			       const struct ldw_rule *table, const struct ldw_exceptions *exc,
			       unsigned int nexc, unsigned int *changes)
{
	char source[LDW_RULE_SOURCE_MAX + 1];
	struct ldw_exceptions merged;
	struct ldwctl_loadable l;
	struct ldw_rule_def def;
	unsigned int nfiles, k;
	int status;

	nfiles = ldwctl_builtin_exceptions(exc, nexc, table, &merged, source, sizeof(source));
	status = ldwctl_builtin_loadable(table, nfiles ? &merged : NULL, source, &def, &l);
	free(merged.items);
	if (status)
		return status;
	for (k = 0; k < held->n && strcmp(held->rule[k].id, table->id); k++)
		;
	if (!l.compiled.nexceptions) {
		if (k < held->n && held->rule[k].origin == LDW_RULE_BUILTIN) {
			held->rule[k].wanted = true;
			if (strcmp(held->rule[k].sha256, l.sha256))
				fprintf(stderr, "warning: rule %s: the module's built-in program "
					"(sha256 %s) is not this " LDWCTL "'s (%s): are both of "
					"one ldwatch version?\n", table->id, held->rule[k].sha256,
					l.sha256);
		}
		ldw_compiled_free(&l.compiled);
		return LDWCTL_OK;
	}
	if (k < held->n) {
		held->rule[k].wanted = true;
		if (held->rule[k].origin == LDW_RULE_LOADED &&
		    !strcmp(held->rule[k].sha256, l.sha256) &&
		    held->rule[k].version == table->version &&
		    !strcmp(held->rule[k].source, source)) {
			ldw_compiled_free(&l.compiled);
			return LDWCTL_OK;
		}
	}
	status = ldwctl_send(g, &l, k < held->n ? "replaced" : "loaded");
	if (!status)
		(*changes)++;
	ldw_compiled_free(&l.compiled);
	return status;
}

static int ldwctl_rules_sync(int argc, char **argv)
{
	const char *dir = LDWCTL_SYNC_DIR;
	char rules_dir[4096], exc_dir[4096], why[LDW_WHY_SIZE];
	struct ldw_exceptions *exc = NULL;
	struct ldw_rule_file *files = NULL;
	struct ldwctl_held *held;
	char **rule_names, **exc_names;
	unsigned int nrules, nexc, i, r, k, changes = 0;
	struct ldw_genl *g;
	int status = LDWCTL_OK, ret;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		ldwctl_rules_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (argc > 2)
		return ldwctl_usage_error("rules sync", "one directory at most");
	if (argc == 2)
		dir = argv[1];
	snprintf(rules_dir, sizeof(rules_dir), "%s/rules.d", dir);
	snprintf(exc_dir, sizeof(exc_dir), "%s/exceptions.d", dir);
	rule_names = ldwctl_dir_files(rules_dir, &nrules);
	exc_names = ldwctl_dir_files(exc_dir, &nexc);

	/* Every file read first: one that cannot be changes nothing at all. */
	exc = ldw_xcalloc(nexc + 1, sizeof(*exc));
	for (i = 0; i < nexc && !status; i++)
		status = ldwctl_read_exceptions(exc_names[i], &exc[i]);
	files = ldw_xcalloc(nrules + 1, sizeof(*files));
	for (i = 0; i < nrules && !status; i++)
		status = ldwctl_read_rules(rule_names[i], &files[i]);
	if (!status)
		status = ldwctl_exceptions_placed(exc, nexc, files, nrules, rules_dir);
	held = ldw_xcalloc(1, sizeof(*held));
	if (!status)
		status = ldwctl_open(&g);
	if (status)
		goto out;
	ret = ldw_genl_rule_list(g, ldwctl_held_one, held, why);
	if (ret) {
		status = ldwctl_refused("listing the rules", ret, why);
		goto close;
	}

	for (i = 0; i < nrules; i++) {
		for (r = 0; r < files[i].nrules; r++) {
			const struct ldw_rule_def *def = &files[i].rules[r];
			struct ldwctl_loadable l = { .def = def, .path = rule_names[i] };
			struct ldw_file_error err = { 0 };
			struct ldw_exceptions merged;
			int applying = ldwctl_merge_exceptions(exc, nexc, def, &merged);
			bool same = false;

			if (applying < 0) {
				fprintf(stderr, LDWCTL ": %s: rule %s: exceptions of both forms apply "
					"to it (Kibana exports and hand-written files); keep one form\n",
					rule_names[i], def->meta.id);
				status = LDWCTL_BAD_INPUT;
				free(merged.items);
				continue;
			}
			ret = ldw_rule_compile(&files[i], def, applying ? &merged : NULL,
					       &l.compiled, &err);
			free(merged.items);
			if (ret) {
				ldw_file_error_print(stderr, &err, rule_names[i]);
				status = LDWCTL_BAD_INPUT;
				continue;
			}
			ldw_sha256_hex(l.compiled.sha256, l.sha256);
			for (k = 0; k < held->n; k++) {
				if (strcmp(held->rule[k].id, def->meta.id))
					continue;
				held->rule[k].wanted = true;
				same = !strcmp(held->rule[k].sha256, l.sha256) &&
				       held->rule[k].version == def->meta.version &&
				       !strcmp(held->rule[k].source, rule_names[i]);
				break;
			}
			if (!same) {
				ret = ldwctl_send(g, &l, k < held->n ? "replaced" : "loaded");
				if (ret == LDWCTL_NOT_PERMITTED) {
					ldw_compiled_free(&l.compiled);
					status = ret;
					goto close;
				}
				if (ret)
					status = ret;
				else
					changes++;
			}
			ldw_compiled_free(&l.compiled);
		}
	}
	/* Built-in rules no file holds: the built-in, or it with its exceptions. */
	for (i = 0; i < LDW_BUILTIN_COUNT; i++) {
		if (ldwctl_files_hold(files, nrules, ldw_builtin_tables[i]->id))
			continue;
		ret = ldwctl_sync_builtin(g, held, ldw_builtin_tables[i], exc, nexc, &changes);
		if (ret == LDWCTL_NOT_PERMITTED) {
			status = ret;
			goto close;
		}
		if (ret)
			status = ret;
	}
	/* Loaded rules no file names go; the built-in rules stay. */
	for (k = 0; k < held->n; k++) {
		if (held->rule[k].wanted || held->rule[k].origin != LDW_RULE_LOADED)
			continue;
		ret = ldw_genl_rule_remove(g, held->rule[k].id, why);
		if (ret) {
			status = ldwctl_refused(held->rule[k].id, ret, why);
			continue;
		}
		printf("rule %s version %u (from %s): removed%s\n", held->rule[k].id,
		       held->rule[k].version, held->rule[k].source,
		       ldw_builtin_find(ldw_str_cstr(held->rule[k].id)) ?
		       "; the built-in rule is back" : "");
		changes++;
	}
	if (!changes)
		printf("%s: the module's rules are those of %s already\n", dir, rules_dir);
close:
	ldw_genl_close(g);
out:
	for (i = 0; i < nrules; i++)
		ldw_rule_file_free(&files[i]);
	for (i = 0; i < nexc; i++)
		ldw_exceptions_free(&exc[i]);
	free(files);
	free(exc);
	free(held);
	ldwctl_free_names(rule_names, nrules);
	ldwctl_free_names(exc_names, nexc);
	if (fflush(stdout) == EOF)
		return LDWCTL_USAGE;
	return status;
}
