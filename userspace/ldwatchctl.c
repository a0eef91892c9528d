// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchctl: the command-line tool of ldwatch.
 *
 *   ldwatchctl match [--explain] [--rule NAME] < events.ndjson
 *   ldwatchctl status [--json]
 *
 * Commands live in one table (ldwctl_commands): each has a name, a one-line
 * summary for the overview, a run function given its own argv (argv[0] is
 * the command name) and a help printer. Adding `status` or `config` means
 * adding a row and those two functions.
 *
 * Exit status, for every command: 0 success, 1 the command ran but met bad
 * input, 2 usage error or I/O error; and for the commands that ask the
 * module: 3 the module is not loaded, 4 not permitted (not root).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecs.h"
#include "event_json.h"
#include "genl_client.h"
#include "ldwatchctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ldwctl_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
};

static const struct ldwctl_command *ldwctl_find(const char *name);
static void ldwctl_help(FILE *out);

/* The rules `--rule` can name. */
static const struct {
	const char *name;
	const struct ldw_rule *rule;
} ldwctl_rules[] = {
	{ "default", &ldw_default_rule },
	{ "companion", &ldw_companion_rule },
};

#define LDWCTL_NRULES ARRAY_SIZE(ldwctl_rules)

int ldwctl_usage_error(const char *cmd, const char *fmt, ...)
{
	const char *sep = cmd ? " " : "";
	va_list ap;

	if (!cmd)
		cmd = "";
	fprintf(stderr, LDWCTL "%s%s: ", sep, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" LDWCTL "%s%s --help'.\n", sep, cmd);
	return LDWCTL_USAGE;
}

/* --- match --- */

static void ldwctl_match_help(FILE *out)
{
	unsigned int i;

	fputs("NAME\n"
	      "    " LDWCTL " match - judge ECS events with the ldwatch rule\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " match [--explain] [--rule NAME] < EVENTS.ndjson\n"
	      "    " LDWCTL " match [--explain] --rule FILE [--exceptions FILE] < EVENTS.ndjson\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    Reads events from standard input, one JSON object per line (ECS, as Elastic\n"
	      "    Defend writes them and Elasticsearch keeps them in _source), and evaluates\n"
	      "    the rule on each with the semantics of Elasticsearch's EQL engine.\n"
	      "    Without --explain, every line the rule matches is written to standard\n"
	      "    output unchanged, byte for byte, so the output is the alerting part of the\n"
	      "    input. A newline is added after a last line that has none.\n"
	      "\n"
	      "    The fields a rule can test, all read from each event:\n", out);
	for (i = 0; i < LDW_FIELD_COUNT; i++)
		fprintf(out, "        %s\n", ldw_field_name(i));
	fputs("\n"
	      "  Field names\n"
	      "    A field may be written as nested objects, {\"file\":{\"path\":\"...\"}}, as\n"
	      "    one dotted key, {\"file.path\":\"...\"}, or as any mix of the two,\n"
	      "    {\"file.Ext\":{\"original.extension\":\"...\"}}, as Elasticsearch accepts.\n"
	      "    Every spelling present is read. If two of them hold different strings,\n"
	      "    the line is invalid: Elasticsearch would index both as one multi-valued\n"
	      "    field, on which this tool cannot give its verdict. Equal strings are fine.\n"
	      "    No field is derived from another (file.name is not computed from\n"
	      "    file.path, host.os.type is not assumed): the rule sees what the event holds.\n"
	      "\n"
	      "  Field values\n"
	      "    A JSON string is taken as its bytes, \\u0000 included. Bytes that are not\n"
	      "    valid UTF-8 are accepted and compared as they are: Linux file names are\n"
	      "    bytes (Elasticsearch itself would refuse such a document). A JSON null or\n"
	      "    a missing key leaves the field absent, which differs from an empty string:\n"
	      "    `process.executable == null` holds only for an absent field, and any other\n"
	      "    clause on an absent field is false. Any other value (number, boolean,\n"
	      "    array, or a non-object where the name goes on below it) also leaves the\n"
	      "    field absent, and a warning naming the line and the field is written to\n"
	      "    standard error, once per field; warnings do not change the exit status.\n"
	      "\n"
	      "  Input lines\n"
	      "    Lines holding only spaces, tabs or a carriage return are skipped; they\n"
	      "    still count in line numbers. A line that is not one JSON object (a syntax\n"
	      "    error, an array or other value, data after the object, a NUL byte) is\n"
	      "    reported on standard error as\n"
	      "        " LDWCTL ": line N: REASON\n"
	      "    and skipped, and the lines after it are still judged. JSON is read by\n"
	      "    json-c in its strict mode: no comments, single quotes or trailing commas.\n"
	      "    It still accepts NaN and Infinity as numbers and raw tabs inside strings,\n"
	      "    does not detect duplicate keys (the last one counts), and ends a key at\n"
	      "    a \\u0000 in it. A line may be of any length up to 2 GiB; a carriage\n"
	      "    return before the newline is allowed.\n"
	      "\n"
	      "OPTIONS\n"
	      "    --explain\n"
	      "        Instead of the matched lines, write one line for every event line:\n"
	      "            N: match: REQUIREMENTS (FACTS)\n"
	      "            N: no match: REQUIREMENT is false (FACTS)\n"
	      "            N: excluded: EXCLUSION (FACTS)\n"
	      "        REQUIREMENTS are all the rule's requirements, each with the value that\n"
	      "        matched; REQUIREMENT is the first requirement that failed; EXCLUSION is\n"
	      "        the first exclusion that held, with only the value that matched when\n"
	      "        it is a single clause. Clauses are written in EQL. FACTS gives the\n"
	      "        event's value of each field those clauses test, as field=\"value\" or\n"
	      "        \"field absent\". Values are escaped so that each line is one line of\n"
	      "        ASCII: \\\" \\\\ \\n \\r \\t, and \\xHH for every other byte below 0x20 or\n"
	      "        from 0x7f up. Invalid lines are reported on standard error only.\n"
	      "\n"
	      "    --rule NAME, --rule FILE\n"
	      "        The rule to apply (default: default): a built-in rule by its name,\n"
	      "        or a rule file (any format " LDWCTL " rules check reads; it must hold\n"
	      "        one rule), compiled to exactly the program the kernel would run. A\n"
	      "        name is looked up first: write ./default for a file called default.\n"
	      "        Built-in rules:\n", out);
	for (i = 0; i < LDWCTL_NRULES; i++)
		fprintf(out, "            %-10s %s\n"
			"            %-10s id %s, version %u\n", ldwctl_rules[i].name,
			ldwctl_rules[i].rule->name, "", ldwctl_rules[i].rule->id,
			ldwctl_rules[i].rule->version);
	fputs("\n"
	      "    --exceptions FILE\n"
	      "        With --rule FILE: the exception items of FILE (any format " LDWCTL "\n"
	      "        exceptions check reads) that apply to the rule, each compiled to one\n"
	      "        more exclusion after the rule's own, as the kernel would run them.\n"
	      "        An event an item suppresses is \"excluded\" by that item.\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every line was a valid event or blank, whether any matched or not\n"
	      "        (unlike grep, \"nothing matched\" is success)\n"
	      "    1   at least one line was invalid; the other lines were judged; or the\n"
	      "        rule or exception file was refused (FILE:LINE:COLUMN: why)\n"
	      "    2   usage error, or an error reading standard input or writing standard\n"
	      "        output (output may then be incomplete), or a file could not be read\n"
	      "\n"
	      "EXAMPLES\n"
	      "    The alerts among events exported from Elasticsearch:\n"
	      "        " LDWCTL " match < events.ndjson > alerts.ndjson\n"
	      "\n"
	      "    Why an event does or does not alert:\n"
	      "        $ printf '%s%s%s\\n' '{\"host\":{\"os\":{\"type\":\"linux\"}},' \\\n"
	      "          '\"event\":{\"action\":\"rename\"},\"file\":{\"path\":\"/etc/ld.so.conf\"},' \\\n"
	      "          '\"process\":{\"executable\":\"/usr/bin/dpkg\"}}' |\n"
	      "          " LDWCTL " match --explain\n"
	      "        1: excluded: process.executable == \"/usr/bin/dpkg\"\n"
	      "           (process.executable=\"/usr/bin/dpkg\")\n"
	      "    (The output is one line, folded here.)\n", out);
}

struct ldwctl_match {
	const struct ldw_rule *rule;
	struct ldw_prog prog;		/* @rule's, as the kernel judges by it */
	bool from_file;			/* --rule FILE: @prog is the file's, @rule unused */
	bool explain;
	unsigned long long lineno;
	bool bad_input;
	bool warned[LDW_FIELD_COUNT];
};

/* Warn once per field about values that were not strings. */
static void ldwctl_match_warn(struct ldwctl_match *m, const struct ldw_json_event *ev)
{
	unsigned int i;

	for (i = 0; i < LDW_FIELD_COUNT; i++) {
		if (ev->ignored[i] == json_type_null || m->warned[i])
			continue;
		m->warned[i] = true;
		fprintf(stderr,
			LDWCTL ": line %llu: warning: %s: a JSON %s where %s is expected; "
			"the field is taken as absent (not reported again)\n",
			m->lineno, ldw_field_name(i), json_type_to_name(ev->ignored[i]),
			ev->ignored_inner[i] ? "an object" : "a string");
	}
}

/*
 * Judge one line: @line holds @n bytes as read, with the newline if any.
 * Returns -errno on an output error, else 0.
 */
static int ldwctl_match_line(struct ldwctl_match *m, const char *line, size_t n)
{
	struct ldw_json_event ev;
	struct ldw_verdict verdict;
	size_t len = n;
	char err[256];
	int ret = 0;

	if (len && line[len - 1] == '\n')
		len--;
	if (ldw_json_blank(line, len))
		return 0;
	if (ldw_json_event_read(&ev, line, len, err, sizeof(err))) {
		fprintf(stderr, LDWCTL ": line %llu: %s\n", m->lineno, err);
		m->bad_input = true;
		return 0;
	}
	ldwctl_match_warn(m, &ev);
	verdict = ldw_prog_eval(&m->prog, &ev.event);

	if (m->explain) {
		printf("%llu: ", m->lineno);
		if (ldw_explain(stdout, &m->prog, &ev.event, verdict))
			printf("(cannot render the clause)");
		putchar('\n');
	} else if (verdict.outcome == LDW_MATCH) {
		fwrite(line, 1, n, stdout);
		if (len == n)
			putchar('\n');
	}
	if (ferror(stdout))
		ret = -errno;
	ldw_json_event_release(&ev);
	return ret;
}

/*
 * @m->rule lowered to the program the kernel evaluates (ldw_prog_from_rule()
 * and ldw_prog_verify(), as the module does at load). The program's views
 * point into @blob, which lives as long as the process.
 */
static int ldwctl_match_compile(struct ldwctl_match *m)
{
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	size = ldw_prog_from_rule(m->rule, blob, sizeof(blob), &err);
	if (!size) {
		fprintf(stderr, LDWCTL ": rule %s cannot be compiled: %s\n", m->rule->id, err);
		return -1;
	}
	if (ldw_prog_verify(blob, size, &m->prog, &verr)) {
		fprintf(stderr, LDWCTL ": rule %s: program refused at byte %zu: %s\n",
			m->rule->id, verr.offset, verr.what);
		return -1;
	}
	return 0;
}

static int ldwctl_match_run(struct ldwctl_match *m)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = LDWCTL_OK;
	int err;

	if (!m->from_file && ldwctl_match_compile(m))
		return LDWCTL_USAGE;

	/* getline: lines of any length, and NUL bytes in them are counted, not cut. */
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		m->lineno++;
		err = ldwctl_match_line(m, line, n);
		if (err) {
			fprintf(stderr, LDWCTL ": writing standard output: %s\n",
				strerror(-err));
			free(line);
			return LDWCTL_USAGE;
		}
	}
	/* Not at end of file: a read error, or no memory for a long line. */
	if (!feof(stdin)) {
		fprintf(stderr, LDWCTL ": reading standard input after line %llu: %s\n",
			m->lineno, strerror(errno));
		status = LDWCTL_USAGE;
	}
	free(line);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, LDWCTL ": writing standard output: %s\n", strerror(errno));
		return LDWCTL_USAGE;
	}
	if (status == LDWCTL_OK && m->bad_input)
		status = LDWCTL_BAD_INPUT;
	return status;
}

static const struct ldw_rule *ldwctl_rule(const char *name)
{
	unsigned int i;

	for (i = 0; i < LDWCTL_NRULES; i++) {
		if (!strcmp(ldwctl_rules[i].name, name))
			return ldwctl_rules[i].rule;
	}
	return NULL;
}

static int ldwctl_unknown_rule(const char *name)
{
	char known[256] = "";
	unsigned int i;

	for (i = 0; i < LDWCTL_NRULES; i++) {
		if (i)
			strncat(known, ", ", sizeof(known) - strlen(known) - 1);
		strncat(known, ldwctl_rules[i].name, sizeof(known) - strlen(known) - 1);
	}
	return ldwctl_usage_error("match", "unknown rule '%s' (known: %s; or a rule file)",
				  name, known);
}

/*
 * getopt_long returned '?': @arg (argv[optind - 1]) is an unknown long
 * option, a long option given a value it does not take, or a cluster of
 * short options with an unknown letter (optopt).
 */
int ldwctl_bad_option(const char *cmd, const char *arg)
{
	if (!strncmp(arg, "--", 2) && optopt)
		return ldwctl_usage_error(cmd, "option '%.*s' takes no argument",
					  (int)strcspn(arg, "="), arg);
	if (!strncmp(arg, "--", 2) || !optopt)
		return ldwctl_usage_error(cmd, "unknown option '%s'", arg);
	return ldwctl_usage_error(cmd, "unknown option '-%c'", optopt);
}

static int ldwctl_match_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain", no_argument, NULL, 'e' },
		{ "rule", required_argument, NULL, 'r' },
		{ "exceptions", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ldwctl_match m = { .rule = &ldw_default_rule };
	const char *rule_arg = NULL, *exc_arg = NULL;
	struct ldwctl_prog_rule pr;
	int c, ret;

	/* Our own messages: getopt's would name argv[0] without the command. */
	opterr = 0;
	optind = 0;
	/* Long options only, except -h: a letter would be one more name to keep stable. */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			m.explain = true;
			break;
		case 'r':
			rule_arg = optarg;
			break;
		case 'x':
			exc_arg = optarg;
			break;
		case 'h':
			ldwctl_match_help(stdout);
			return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		case ':':
			return ldwctl_usage_error("match", "option '%s' needs an argument",
						  argv[optind - 1]);
		default:
			return ldwctl_bad_option("match", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return ldwctl_usage_error("match",
			"unexpected argument '%s' (events are read from standard input)",
			argv[optind]);
	/* A built-in rule's name, else a rule file (./default for a file named so). */
	if (rule_arg && ldwctl_rule(rule_arg))
		m.rule = ldwctl_rule(rule_arg);
	else if (rule_arg && !strchr(rule_arg, '/') && access(rule_arg, F_OK))
		return ldwctl_unknown_rule(rule_arg);
	if (!rule_arg || ldwctl_rule(rule_arg)) {
		if (exc_arg)
			return ldwctl_usage_error("match",
				"--exceptions needs --rule FILE: exceptions are compiled with "
				"the rule (the built-in rules are in ldwatch's rules/ directory "
				"as files)");
		return ldwctl_match_run(&m);
	}
	/* rule files (userspace/ldwatchctl_rules.c) */
	ret = ldwctl_prog_rule_load(rule_arg, exc_arg, &pr);
	if (!ret) {
		m.prog = pr.compiled.prog;
		m.from_file = true;
		ret = ldwctl_match_run(&m);
	}
	ldwctl_prog_rule_free(&pr);
	return ret;
}

/* --- status --- */

static void ldwctl_status_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWCTL " status - show the ldwatch module's state and counters\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " status [--json]\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    Asks the loaded ldwatch module (over generic netlink) for its status\n"
	      "    and prints it: the module's version and netlink interface version,\n"
	      "    the random id of this load of the module, how alerts are delivered\n"
	      "    (multicast: the \"alerts\" group; unicast: to subscribed listeners),\n"
	      "    the sequence number the next alert will get, every counter, every\n"
	      "    drop reason by name, and the rule in force with its text.\n"
	      "    Needs CAP_NET_ADMIN (run it as root).\n"
	      "\n"
	      "    Counters, each since the module was loaded:\n"
	      "        seen           create and rename operations the probes saw\n"
	      "        candidates     those whose names passed the prefilter\n"
	      "        not_confirmed  candidates whose operation failed or created nothing\n"
	      "        no_match       events the rule's requirements did not select\n"
	      "        excluded       events the rule selected, then excluded\n"
	      "        matched        events the rule matched (alerts, dropped and\n"
	      "                       suppressed included)\n"
	      "        sent           alerts delivered to at least one listener\n"
	      "        suppressed     matches the rate limit kept from becoming alerts\n"
	      "                       (summarised, not lost; module parameters\n"
	      "                       rate_limit_alerts and rate_limit_seconds)\n"
	      "    Drop reasons (alerts lost, each of which left a hole in the sequence\n"
	      "    numbers): no_slot, busy, task_exiting, path, no_memory, queue_full,\n"
	      "    send_failed, unload, kernel_thread; netlink.h explains each. A\n"
	      "    counter or reason this program does not know is shown by number.\n"
	      "    Strings from the module are shown with control bytes as \\xHH.\n"
	      "\n"
	      "OPTIONS\n"
	      "    --json\n"
	      "        Print one JSON object instead, on one line:\n"
	      "        {\"module_version\", \"interface_version\", \"load_id\" (16 hex\n"
	      "        digits), \"delivery\", \"next_sequence\", \"counters\": {NAME: N},\n"
	      "        \"dropped\": {REASON: N}, \"dropped_total\", \"rule\": {\"id\",\n"
	      "        \"name\", \"version\", \"text\"}}.\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   the status was printed\n"
	      "    1   the module's reply could not be understood (a malformed reply,\n"
	      "        or another netlink interface version)\n"
	      "    2   usage error, a netlink error, no answer within 5 s, or an error\n"
	      "        writing standard output\n"
	      "    3   the ldwatch module is not loaded\n"
	      "    4   not permitted: run as root (needs CAP_NET_ADMIN)\n"
	      "\n"
	      "EXAMPLE\n"
	      "    " LDWCTL " status --json | jq .dropped_total\n", out);
}

/* Print @s for a terminal: control bytes and DEL as \xHH; newlines too unless @lines. */
static void ldwctl_print_safe(FILE *out, struct ldw_str s, const char *indent, bool lines)
{
	unsigned char c;
	size_t i;

	fputs(indent, out);
	for (i = 0; i < s.len; i++) {
		c = (unsigned char)s.ptr[i];
		if (c == '\n' && lines)
			fprintf(out, "\n%s", indent);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
	putc('\n', out);
}

static uint64_t ldwctl_dropped_total(const struct ldw_stats *st)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (st->has_dropped >> i & 1)
			total += st->dropped[i];
	}
	return total;
}

static void ldwctl_status_text(FILE *out, const struct ldw_msg *m)
{
	const struct ldw_stats *st = &m->stats;
	const char *name;
	unsigned int i;

	fputs("ldwatch module\n", out);
	ldwctl_print_safe(out, m->module_version, "  version            ", false);
	fprintf(out, "  interface version  %u\n", m->version);
	fprintf(out, "  load id            %016" PRIx64 "\n", m->load_id);
	fprintf(out, "  delivery           %s\n", ldw_delivery_name(m->delivery));
	fprintf(out, "  next sequence      %" PRIu64 "\n", m->next_seq);
	fputs("counters\n", out);
	for (i = 0; i < LDW_STATS_SLOTS; i++) {
		if (!(st->has_counter >> i & 1))
			continue;
		name = ldw_stat_name(i);
		if (name)
			fprintf(out, "  %-18s %" PRIu64 "\n", name, st->counter[i]);
		else
			fprintf(out, "  counter %-10u %" PRIu64 "\n", i, st->counter[i]);
	}
	fputs("dropped\n", out);
	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (!(st->has_dropped >> i & 1))
			continue;
		name = ldw_drop_name(i);
		if (name)
			fprintf(out, "  %-18s %" PRIu64 "\n", name, st->dropped[i]);
		else
			fprintf(out, "  reason %-11u %" PRIu64 "\n", i, st->dropped[i]);
	}
	fprintf(out, "  %-18s %" PRIu64 "\n", "total", ldwctl_dropped_total(st));
	fputs("rule\n", out);
	ldwctl_print_safe(out, m->rule_id, "  id                 ", false);
	ldwctl_print_safe(out, m->rule_name, "  name               ", false);
	fprintf(out, "  version            %" PRIu32 "\n", m->rule_version);
	fputs("  text\n", out);
	ldwctl_print_safe(out, m->rule_text, "    ", true);
}

/* The JSON form, through the ECS writer: any bytes give valid JSON. */
static int ldwctl_status_json(FILE *out, const struct ldw_msg *m)
{
	const struct ldw_stats *st = &m->stats;
	struct ecs_doc *doc = ecs_doc_new();
	struct ecs_buf line;
	const char *name;
	char key[64], hex[17];
	unsigned int i;
	int err;

	if (!doc)
		return ENOMEM;
	ecs_put_str(doc, "module_version", m->module_version.ptr, m->module_version.len);
	ecs_put_u64(doc, "interface_version", m->version);
	snprintf(hex, sizeof(hex), "%016" PRIx64, m->load_id);
	ecs_put_cstr(doc, "load_id", hex);
	ecs_put_cstr(doc, "delivery", ldw_delivery_name(m->delivery));
	ecs_put_u64(doc, "next_sequence", m->next_seq);
	for (i = 0; i < LDW_STATS_SLOTS; i++) {
		if (!(st->has_counter >> i & 1))
			continue;
		name = ldw_stat_name(i);
		if (name)
			snprintf(key, sizeof(key), "counters.%s", name);
		else
			snprintf(key, sizeof(key), "counters.counter_%u", i);
		ecs_put_u64(doc, key, st->counter[i]);
	}
	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (!(st->has_dropped >> i & 1))
			continue;
		name = ldw_drop_name(i);
		if (name)
			snprintf(key, sizeof(key), "dropped.%s", name);
		else
			snprintf(key, sizeof(key), "dropped.reason_%u", i);
		ecs_put_u64(doc, key, st->dropped[i]);
	}
	ecs_put_u64(doc, "dropped_total", ldwctl_dropped_total(st));
	ecs_put_str(doc, "rule.id", m->rule_id.ptr, m->rule_id.len);
	ecs_put_str(doc, "rule.name", m->rule_name.ptr, m->rule_name.len);
	ecs_put_u64(doc, "rule.version", m->rule_version);
	ecs_put_str(doc, "rule.text", m->rule_text.ptr, m->rule_text.len);
	ecs_buf_init(&line);
	err = ecs_doc_render(doc, &line);
	if (!err)
		fwrite(line.data, 1, line.len, out);
	ecs_buf_free(&line);
	ecs_doc_free(doc);
	return err;
}

static int ldwctl_status_run(bool json)
{
	static const char what[] = "asking the ldwatch module for its status";
	char reason[LDW_DECODE_ERR_SIZE];
	struct ldw_reply reply;
	struct ldw_genl *g;
	int ret;

	ret = ldw_genl_open(&g);
	if (ret == -ENOENT) {
		fputs(LDWCTL ": ldwatch module not loaded: modprobe ldwatch\n", stderr);
		return LDWCTL_NOT_LOADED;
	}
	if (ret) {
		fprintf(stderr, LDWCTL ": looking up the ldwatch netlink family: %s\n",
			strerror(-ret));
		return LDWCTL_USAGE;
	}
	ret = ldw_genl_status(g, &reply, reason);
	ldw_genl_close(g);
	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		fputs(LDWCTL ": ldwatch module not loaded: modprobe ldwatch\n", stderr);
		return LDWCTL_NOT_LOADED;
	case -EPERM:
		fprintf(stderr, LDWCTL ": %s: %s: run as root (needs CAP_NET_ADMIN)\n",
			what, strerror(EPERM));
		return LDWCTL_NOT_PERMITTED;
	case -EPROTO:
		fprintf(stderr, LDWCTL ": %s: %s: install matching versions of the module and "
			LDWCTL "\n", what, reason);
		return LDWCTL_BAD_INPUT;
	case -EINVAL:
		if (*reason) {
			fprintf(stderr, LDWCTL ": %s: malformed reply: %s\n", what, reason);
			return LDWCTL_BAD_INPUT;
		}
		/* fall through */
	default:
		fprintf(stderr, LDWCTL ": %s: %s\n", what,
			ret == -ETIMEDOUT ? "no answer within 5 s" : strerror(-ret));
		return LDWCTL_USAGE;
	}
	if (json) {
		ret = ldwctl_status_json(stdout, &reply.msg);
		if (ret)
			fprintf(stderr, LDWCTL ": %s\n", strerror(ret));
	} else {
		ldwctl_status_text(stdout, &reply.msg);
	}
	ldw_reply_free(&reply);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, LDWCTL ": writing standard output: %s\n", strerror(errno));
		return LDWCTL_USAGE;
	}
	return ret ? LDWCTL_USAGE : LDWCTL_OK;
}

static int ldwctl_status_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			ldwctl_status_help(stdout);
			return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		default:
			return ldwctl_bad_option("status", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return ldwctl_usage_error("status", "unexpected argument '%s'", argv[optind]);
	return ldwctl_status_run(json);
}

/* --- help --- */

static void ldwctl_help_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWCTL " help - show the help of ldwatchctl or of one of its commands\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " help [COMMAND]\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0 on success, 2 if COMMAND is unknown.\n", out);
}

static int ldwctl_help_cmd(int argc, char **argv)
{
	const struct ldwctl_command *cmd;

	if (argc > 2)
		return ldwctl_usage_error("help", "unexpected argument '%s'", argv[2]);
	if (argc < 2) {
		ldwctl_help(stdout);
	} else {
		cmd = ldwctl_find(argv[1]);
		if (!cmd)
			return ldwctl_usage_error(NULL, "unknown command '%s'", argv[1]);
		cmd->help(stdout);
	}
	return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
}

/* --- dispatch --- */

static const struct ldwctl_command ldwctl_commands[] = {
	{ "match", "judge ECS events (JSON lines) with a rule, as Elasticsearch would",
	  ldwctl_match_cmd, ldwctl_match_help },
	{ "status", "show the loaded module's counters, drop reasons and rule",
	  ldwctl_status_cmd, ldwctl_status_help },
	/* rule files (userspace/ldwatchctl_rules.c) */
	{ "rules", "check rule files and show the programs they compile to",
	  ldwctl_rules_cmd, ldwctl_rules_help },
	{ "exceptions", "check exception files; add an exception item",
	  ldwctl_exceptions_cmd, ldwctl_exceptions_help },
	{ "help", "show the help of ldwatchctl or of a command",
	  ldwctl_help_cmd, ldwctl_help_help },
};

#define LDWCTL_NCOMMANDS ARRAY_SIZE(ldwctl_commands)

static const struct ldwctl_command *ldwctl_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < LDWCTL_NCOMMANDS; i++) {
		if (!strcmp(ldwctl_commands[i].name, name))
			return &ldwctl_commands[i];
	}
	return NULL;
}

static void ldwctl_help(FILE *out)
{
	unsigned int i;

	fputs("NAME\n"
	      "    " LDWCTL " - query and control ldwatch, and judge events with its rule\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWCTL " COMMAND [OPTION]...\n"
	      "    " LDWCTL " COMMAND --help\n"
	      "    " LDWCTL " --help\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    ldwatch detects dynamic-linker hijacking (MITRE ATT&CK T1574.006): a\n"
	      "    process creating or renaming a file onto /etc/ld.so.preload,\n"
	      "    /etc/ld.so.conf or a file under /etc/ld.so.conf.d/. It evaluates\n"
	      "    Elastic's rule \"Dynamic Linker Creation or Modification\" in the kernel;\n"
	      "    ldwatchctl applies the same rule, with the same matcher, to events.\n"
	      "\n"
	      "COMMANDS\n", out);
	for (i = 0; i < LDWCTL_NCOMMANDS; i++)
		fprintf(out, "    %-10s %s\n", ldwctl_commands[i].name,
			ldwctl_commands[i].summary);
	fputs("\n"
	      "OPTIONS\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   success\n"
	      "    1   the command ran but some of its input was bad (see the command)\n"
	      "    2   usage error, or an I/O error\n"
	      "    3   the ldwatch module is not loaded (commands that ask it)\n"
	      "    4   not permitted: run as root (commands that ask the module)\n"
	      "\n"
	      "EXAMPLES\n"
	      "    " LDWCTL " match --explain < events.ndjson\n"
	      "    " LDWCTL " status\n"
	      "\n"
	      "SEE ALSO\n"
	      "    " LDWCTL " match --help, " LDWCTL " status --help, " LDWCTL " rules --help,\n"
	      "    " LDWCTL " exceptions --help, ldwatchd --help\n", out);
}

int main(int argc, char **argv)
{
	const struct ldwctl_command *cmd;

	if (argc < 2) {
		fputs("Usage: " LDWCTL " COMMAND [OPTION]...\n"
		      "Try '" LDWCTL " --help'.\n", stderr);
		return LDWCTL_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc > 2)
			return ldwctl_usage_error(NULL, "unexpected argument '%s'", argv[2]);
		ldwctl_help(stdout);
		return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
	}
	if (argv[1][0] == '-')
		return ldwctl_usage_error(NULL, "unknown option '%s' (options follow the command)",
					  argv[1]);
	cmd = ldwctl_find(argv[1]);
	if (!cmd)
		return ldwctl_usage_error(NULL, "unknown command '%s'", argv[1]);
	return cmd->run(argc - 1, argv + 1);
}
