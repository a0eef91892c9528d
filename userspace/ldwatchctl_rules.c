// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchctl's offline rule commands:
 *
 *   ldwatchctl rules check [--exceptions FILE] FILE...
 *   ldwatchctl rules show [--exceptions FILE] FILE
 *   ldwatchctl exceptions check FILE...
 *
 * and what `match --rule FILE [--exceptions FILE]` needs: a rule file
 * compiled with its exceptions.
 * Everything here runs without the module.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ldwatchctl.h"

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
	      "    " LDWCTL " rules - check rule files and show what they compile to\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " rules check [--exceptions FILE] FILE...\n"
	      "    " LDWCTL " rules show [--exceptions FILE] FILE\n"
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
	      "        them (see " LDWCTL " exceptions --help).\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every rule of every FILE compiled\n"
	      "    1   a FILE holds an error (the first one is printed)\n"
	      "    2   usage error, or a FILE could not be read\n"
	      "\n"
	      "EXAMPLES\n"
	      "    " LDWCTL " rules check /etc/ldwatch/rules.d/*\n"
	      "    " LDWCTL " rules show --exceptions salt.eql rules/elastic-640f79d1-v9.eql\n",
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
	if (extra && (!r->meta.nlists || extra->format == LDW_EXC_FORMAT_EQL))
		fprintf(out, "  exceptions  %u items from %s\n", ldwctl_applying(extra, r),
			extra->file);
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

static int ldwctl_rules_check(int argc, char **argv, bool show)
{
	const char *cmd = show ? "rules show" : "rules check";
	struct ldw_exceptions exc = { 0 };
	const char *exc_path;
	int status = LDWCTL_OK, i;
	unsigned int r;

	if (ldwctl_rules_opts(cmd, argc, argv, &exc_path, &status, ldwctl_rules_help))
		return status;
	if (optind >= argc)
		return ldwctl_usage_error(cmd, "no rule file given");
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

int ldwctl_rules_cmd(int argc, char **argv)
{
	if (argc < 2)
		return ldwctl_usage_error("rules", "which? check or show");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		ldwctl_rules_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (!strcmp(argv[1], "check"))
		return ldwctl_rules_check(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "show"))
		return ldwctl_rules_check(argc - 1, argv + 1, true);
	return ldwctl_usage_error("rules", "unknown subcommand '%s' (known: check, show)",
				  argv[1]);
}

/* --- exceptions --- */

void ldwctl_exceptions_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWCTL " exceptions - check exception files\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " exceptions check FILE...\n"
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
	      "        line ends it. A \"// name:\" line names the item after it.\n"
	      "\n"
	      "OPTIONS\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every item of every FILE compiled\n"
	      "    1   a FILE holds an error (the first one is printed)\n"
	      "    2   usage error, or a FILE could not be read\n"
	      "\n"
	      "EXAMPLE\n"
	      "    " LDWCTL " exceptions check /etc/ldwatch/exceptions.d/*\n", out);
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

int ldwctl_exceptions_cmd(int argc, char **argv)
{
	if (argc < 2)
		return ldwctl_usage_error("exceptions", "which? check");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		ldwctl_exceptions_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (!strcmp(argv[1], "check"))
		return ldwctl_exceptions_check(argc - 1, argv + 1);
	return ldwctl_usage_error("exceptions", "unknown subcommand '%s' (known: check)",
				  argv[1]);
}
