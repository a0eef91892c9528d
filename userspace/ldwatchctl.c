// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchctl: the command-line tool of ldwatch.
 *
 *   ldwatchctl match [--explain] [--rule NAME] < events.ndjson
 *
 * Commands live in one table (ldwctl_commands): each has a name, a one-line
 * summary for the overview, a run function given its own argv (argv[0] is
 * the command name) and a help printer. Adding `status` or `config` means
 * adding a row and those two functions.
 *
 * Exit status, for every command: 0 success, 1 the command ran but met bad
 * input, 2 usage error or I/O error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

#define LDWCTL "ldwatchctl"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __printf(a, b) __attribute__((format(printf, a, b)))

enum {
	LDWCTL_OK = 0,
	LDWCTL_BAD_INPUT = 1,
	LDWCTL_USAGE = 2,
};

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
};

#define LDWCTL_NRULES ARRAY_SIZE(ldwctl_rules)

/* Report a usage error of @cmd (NULL: of ldwatchctl itself); returns exit status 2. */
static __printf(2, 3) int ldwctl_usage_error(const char *cmd, const char *fmt, ...);

static int ldwctl_usage_error(const char *cmd, const char *fmt, ...)
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
	      "    --rule NAME\n"
	      "        The rule to apply (default: default). Known rules:\n", out);
	for (i = 0; i < LDWCTL_NRULES; i++)
		fprintf(out, "            %-10s %s\n"
			"            %-10s id %s, version %u\n", ldwctl_rules[i].name,
			ldwctl_rules[i].rule->name, "", ldwctl_rules[i].rule->id,
			ldwctl_rules[i].rule->version);
	fputs("\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   every line was a valid event or blank, whether any matched or not\n"
	      "        (unlike grep, \"nothing matched\" is success)\n"
	      "    1   at least one line was invalid; the other lines were judged\n"
	      "    2   usage error, or an error reading standard input or writing standard\n"
	      "        output (output may then be incomplete)\n"
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
	verdict = ldw_rule_eval(m->rule, &ev.event);

	if (m->explain) {
		printf("%llu: ", m->lineno);
		if (ldw_explain(stdout, m->rule, &ev.event, verdict))
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

static int ldwctl_match_run(struct ldwctl_match *m)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = LDWCTL_OK;
	int err;

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
	return ldwctl_usage_error("match", "unknown rule '%s' (known: %s)", name, known);
}

/*
 * getopt_long returned '?': @arg (argv[optind - 1]) is an unknown long
 * option, a long option given a value it does not take, or a cluster of
 * short options with an unknown letter (optopt).
 */
static int ldwctl_match_bad_option(const char *arg)
{
	if (!strncmp(arg, "--", 2) && optopt)
		return ldwctl_usage_error("match", "option '%.*s' takes no argument",
					  (int)strcspn(arg, "="), arg);
	if (!strncmp(arg, "--", 2) || !optopt)
		return ldwctl_usage_error("match", "unknown option '%s'", arg);
	return ldwctl_usage_error("match", "unknown option '-%c'", optopt);
}

static int ldwctl_match_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain", no_argument, NULL, 'e' },
		{ "rule", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ldwctl_match m = { .rule = &ldw_default_rule };
	int c;

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
			m.rule = ldwctl_rule(optarg);
			if (!m.rule)
				return ldwctl_unknown_rule(optarg);
			break;
		case 'h':
			ldwctl_match_help(stdout);
			return fflush(stdout) ? LDWCTL_USAGE : LDWCTL_OK;
		case ':':
			return ldwctl_usage_error("match", "option '%s' needs an argument",
						  argv[optind - 1]);
		default:
			return ldwctl_match_bad_option(argv[optind - 1]);
		}
	}
	if (optind < argc)
		return ldwctl_usage_error("match",
			"unexpected argument '%s' (events are read from standard input)",
			argv[optind]);
	return ldwctl_match_run(&m);
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
	{ "match", "judge ECS events (JSON lines) with the rule, as Elasticsearch would",
	  ldwctl_match_cmd, ldwctl_match_help },
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
		fprintf(out, "    %-8s %s\n", ldwctl_commands[i].name,
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
	      "\n"
	      "EXAMPLE\n"
	      "    " LDWCTL " match --explain < events.ndjson\n"
	      "\n"
	      "SEE ALSO\n"
	      "    " LDWCTL " match --help\n", out);
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
