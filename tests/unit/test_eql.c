// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the EQL compiler (userspace/rule/eql_*.h):
 *
 *  - the syntax tree of each construct (precedence, parentheses, every
 *    operator, escapes, raw strings, comments, ?field, quoted names);
 *  - each refusal: its exact message and position, and that nothing was
 *    added to the builder;
 *  - every operator's meaning, on events where the field is present,
 *    absent, empty or differs in case: the expected verdicts are written
 *    here by hand from shared/spec/SEMANTICS.md and Elasticsearch's
 *    documentation (eql_compile.h), never computed by the code under test;
 *  - Elastic's rule texts: versions 3 to 6 (the spec's rule text, given as
 *    the first argument) compile to exactly the program of the built-in
 *    rule table, byte for byte, and give the case table's verdicts;
 *    versions 7 and 9 (tests/data/, copied from shared/spec) compile;
 *  - round trips: text, program, ldw_prog_format() text, program again give
 *    the same bytes;
 *  - exception items compiled onto a rule as one more EXCLUDE unit;
 *  - the bounds: nesting, a long chain, program.h's limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "../rule_cases.h"
#include "rule/eql_compile.h"
#include "rule/eql_parse.h"
#include "tap.h"

/* Program buffers: aligned for __u32, as the builder and verifier want. */
static uint32_t prog_a[LDW_PROG_MAX_SIZE / 4], prog_b[LDW_PROG_MAX_SIZE / 4];

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	size = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (size >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = calloc(1, size + 1);
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = size;
	}
	fclose(f);
	return buf;
}

/*
 * Compile @text (a whole rule, or with @exclusion one exception item) into
 * @buf; returns the program's size, 0 on a refusal (with @err) or when the
 * builder failed (with *@build_error).
 */
static size_t compile(const char *text, size_t len, bool exclusion, uint32_t *buf,
		      struct ldw_eql_error *err, const char **build_error)
{
	struct ldw_prog_builder b;
	const char *e = NULL;
	size_t size;
	int rc;

	ldw_prog_build_init(&b, buf, LDW_PROG_MAX_SIZE);
	rc = exclusion ? ldw_eql_compile_exclusion(text, len, &b, err) :
			 ldw_eql_compile(text, len, &b, err);
	if (rc)
		return 0;
	size = ldw_prog_build_finish(&b, &e);
	if (build_error)
		*build_error = e;
	return size;
}

static size_t compile_str(const char *text, bool exclusion, uint32_t *buf,
			  struct ldw_eql_error *err)
{
	return compile(text, strlen(text), exclusion, buf, err, NULL);
}

/* ------------------------------------------------------------------ */
/* Syntax trees */

struct tree_case {
	const char *text;
	bool query;
	const char *tree;
};

static const struct tree_case tree_cases[] = {
	/* precedence: not, then and, then or */
	{ "file where file.path == \"a\" or file.name == \"b\" and not file.name == \"c\"", true,
	  "(or (== file.path \"a\") (and (== file.name \"b\") (not (== file.name \"c\"))))" },
	{ "file where not file.path == \"a\" and file.name == \"b\"", true,
	  "(and (not (== file.path \"a\")) (== file.name \"b\"))" },
	{ "file where not (file.path == \"a\" and file.name == \"b\")", true,
	  "(not {(and (== file.path \"a\") (== file.name \"b\"))})" },
	/* chains are n-ary; a parenthesized group stays a child of its own */
	{ "file where file.path : \"a\" and file.name : \"b\" and file.name : \"c\"", true,
	  "(and (: file.path \"a\") (: file.name \"b\") (: file.name \"c\"))" },
	{ "file where file.path : \"a\" and (file.name : \"b\" and file.name : \"c\")", true,
	  "(and (: file.path \"a\") {(and (: file.name \"b\") (: file.name \"c\"))})" },
	{ "file where ((file.path : \"a\"))", true, "{{(: file.path \"a\")}}" },
	{ "file where not ((file.path : \"a\" or file.name : \"b\"))", true,
	  "(not {{(or (: file.path \"a\") (: file.name \"b\"))}})" },
	{ "file where not not file.path : \"a\"", true, "(not (not (: file.path \"a\")))" },
	/* every comparison */
	{ "file where file.path == \"a\"", true, "(== file.path \"a\")" },
	{ "file where file.path != \"a\"", true, "(!= file.path \"a\")" },
	{ "file where file.path == null", true, "(== file.path null)" },
	{ "file where file.path != null", true, "(!= file.path null)" },
	{ "file where file.path : \"a*\"", true, "(: file.path \"a*\")" },
	{ "file where file.path : (\"a\", \"b?\")", true, "(: file.path \"a\" \"b?\")" },
	{ "file where file.path like \"a*\"", true, "(like file.path \"a*\")" },
	{ "file where file.path like (\"a\", \"b\")", true, "(like file.path \"a\" \"b\")" },
	{ "file where file.path like~ \"a*\"", true, "(like~ file.path \"a*\")" },
	{ "file where file.path like~ (\"a\")", true, "(like~ file.path \"a\")" },
	{ "file where file.path in (\"a\")", true, "(in file.path \"a\")" },
	{ "file where file.path in (\"a\", \"b\")", true, "(in file.path \"a\" \"b\")" },
	{ "file where file.path in~ (\"a\", \"b\")", true, "(in~ file.path \"a\" \"b\")" },
	{ "file where file.path not in (\"a\", \"b\")", true, "(not in file.path \"a\" \"b\")" },
	{ "file where file.path not in~ (\"a\")", true, "(not in~ file.path \"a\")" },
	/* every field, by its ECS name; ?field; `quoted` parts */
	{ "file where host.os.type == \"\" and event.action == \"\" and file.path == \"\" and "
	  "file.name == \"\" and file.extension == \"\" and file.Ext.original.path == \"\" and "
	  "file.Ext.original.name == \"\" and file.Ext.original.extension == \"\" and "
	  "process.executable == \"\" and process.name == \"\" and ldwatch.target.path == \"\" and "
	  "ldwatch.process.executable == \"\"", true,
	  "(and (== host.os.type \"\") (== event.action \"\") (== file.path \"\") (== file.name \"\") "
	  "(== file.extension \"\") (== file.Ext.original.path \"\") (== file.Ext.original.name \"\") "
	  "(== file.Ext.original.extension \"\") (== process.executable \"\") (== process.name \"\") "
	  "(== ldwatch.target.path \"\") (== ldwatch.process.executable \"\"))" },
	{ "file where ?file.path == \"a\" and ? file . name : \"b\"", true,
	  "(and (== ?file.path \"a\") (: ?file.name \"b\"))" },
	{ "file where `file`.path == \"a\" and file.`Ext`.original.name == \"b\"", true,
	  "(and (== file.path \"a\") (== file.Ext.original.name \"b\"))" },
	/* strings: escapes, \u{}, raw strings, bytes as they are */
	{ "file where file.path == \"\\t\\b\\f\\n\\r\\\"\\'\\\\\"", true,
	  "(== file.path \"\\x09\\x08\\x0c\\x0a\\x0d\\\"'\\\\\")" },
	{ "file where file.path == \"\\u{41}\\u{e9}\\u{200F}\\u{0001F600}\\u{00}\"", true,
	  "(== file.path \"A\\xc3\\xa9\\xe2\\x80\\x8f\\xf0\\x9f\\x98\\x80\\x00\")" },
	{ "file where file.path == \"\"\"C:\\dir\\\"x\"\"\"", true,
	  "(== file.path \"C:\\\\dir\\\\\\\"x\")" },
	{ "file where file.path == \"\"\"a\"\"\"\" and file.name == \"\"\"b\"\"\"\"\"", true,
	  "(and (== file.path \"a\\\"\") (== file.name \"b\\\"\\\"\"))" },
	{ "file where file.path == \"\"\"\"\"\" and file.name == \"\"", true,
	  "(and (== file.path \"\") (== file.name \"\"))" },
	{ "file where file.path == \"\xc3\xa9\t\"", true, "(== file.path \"\\xc3\\xa9\\x09\")" },
	/* comments, nested block comments, line breaks; "file" as a string */
	{ "// a rule\nfile /* where? /* nested */ */ where\r\n\tfile.path // x\n: \"a\"", true,
	  "(: file.path \"a\")" },
	{ "\"file\" where file.path : \"a\"", true, "(: file.path \"a\")" },
	/* an exception item: an expression alone */
	{ "process.executable == \"/usr/bin/salt-call\"", false,
	  "(== process.executable \"/usr/bin/salt-call\")" },
	{ "process.name == \"a\" and (file.name : \"b\" or file.name : \"c\")", false,
	  "(and (== process.name \"a\") {(or (: file.name \"b\") (: file.name \"c\"))})" },
};

static void test_trees(void)
{
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(tree_cases); i++) {
		const struct tree_case *c = &tree_cases[i];
		struct ldw_eql_ast ast;
		struct ldw_eql_error err;
		char *dump = NULL;
		size_t dlen = 0;
		FILE *out;
		int rc;

		rc = ldw_eql_parse(c->text, strlen(c->text), c->query, &ast, &err);
		if (!tap_ok(!rc, "parses: %s", c->text)) {
			tap_diag("%u:%u: %s", err.line, err.column, err.message);
			ldw_eql_ast_free(&ast);
			continue;
		}
		out = open_memstream(&dump, &dlen);
		if (!out)
			abort();
		ldw_eql_ast_dump(&ast, ast.root, out);
		fclose(out);
		if (!tap_ok(!strcmp(dump, c->tree), "its tree is %s", c->tree))
			tap_diag("got %s", dump);
		free(dump);
		ldw_eql_ast_free(&ast);
	}
}

/* ------------------------------------------------------------------ */
/* Refusals */

struct refusal {
	const char *text;
	bool exclusion;
	unsigned int line, column;
	const char *message;
};

#define FIELDS "host.os.type, event.action, file.path, file.name, file.extension, " \
	"file.Ext.original.path, file.Ext.original.name, file.Ext.original.extension, " \
	"process.executable, process.name, ldwatch.target.path, ldwatch.process.executable"
#define ALONE "ldwatch judges each event alone, as it happens"
#define P "file where file.path : \"/etc/x\" and "
#define SHAPE LDW_ANCHORS_UNSUPPORTED_SHAPE

static const struct refusal refusals[] = {
	/* other event categories, sequences, samples, joins, pipes */
	{ "process where process.name == \"x\"", false, 1, 1,
	  "\"process where\" is not supported: ldwatch sees file events only" },
	{ "any where file.path : \"/etc/x\"", false, 1, 1,
	  "\"any where\" is not supported: ldwatch sees file events only" },
	{ "\n  network where true", false, 2, 3,
	  "\"network where\" is not supported: ldwatch sees file events only" },
	{ "FILE where file.path : \"a\"", false, 1, 1,
	  "\"FILE where\" is not supported: ldwatch sees file events only" },
	{ "sequence by process.entity_id\n [file where true] [process where true]", false, 1, 1,
	  "sequences are not supported: " ALONE },
	{ "sample by host.id [file where true] [process where true]", false, 1, 1,
	  "samples are not supported: " ALONE },
	{ "join [file where true] [process where true]", false, 1, 1,
	  "joins are not supported: " ALONE },
	{ P "file.name : \"a\" | head 10", false, 1, 53,
	  "pipes (| head) are not supported: " ALONE },
	{ P "file.name : \"a\"\n| tail", false, 2, 1, "pipes (| tail) are not supported: " ALONE },
	{ "", false, 1, 1, "the query is empty: write file where ..." },
	{ "file", false, 1, 5, "expected \"where\" after \"file\", found the end of the query" },
	{ "file where", false, 1, 11, "expected a comparison, found the end of the query" },
	/* functions, arithmetic, numbers, regex, relationships */
	{ P "startsWith(file.name, \"a\")", false, 1, 37, "functions are not supported (startsWith)" },
	{ P "startsWith~(file.name, \"a\")", false, 1, 37, "functions are not supported (startsWith~)" },
	{ P "length(file.name) > 3", false, 1, 37, "functions are not supported (length)" },
	{ P "file.name + \"a\" == \"b\"", false, 1, 47, "arithmetic is not supported" },
	{ P "-file.name == \"b\"", false, 1, 37, "arithmetic is not supported" },
	{ P "file.name == 3", false, 1, 50,
	  "numbers are not supported: the fields ldwatch compares are strings" },
	{ P "file.name in (\"a\", 3.5)", false, 1, 56,
	  "numbers are not supported: the fields ldwatch compares are strings" },
	{ P "file.name == true", false, 1, 50,
	  "booleans are not supported: the fields ldwatch compares are strings" },
	{ P "true", false, 1, 37, "constant conditions (true) are not supported" },
	{ P "file.name > \"a\"", false, 1, 47,
	  "\">\" is not supported: ldwatch compares with ==, !=, :, like, like~, in, in~, not in and not in~" },
	{ P "file.name <= \"a\"", false, 1, 47,
	  "\"<=\" is not supported: ldwatch compares with ==, !=, :, like, like~, in, in~, not in and not in~" },
	{ P "file.name regex \"a.*\"", false, 1, 47, "regular expressions (regex) are not supported" },
	{ P "file.name regex~ \"a.*\"", false, 1, 47, "regular expressions (regex~) are not supported" },
	{ P "descendant of [process where true]", false, 1, 37,
	  "process relationships (descendant of [...]) are not supported" },
	{ P "file.name[0] == \"a\"", false, 1, 46, "array indexes are not supported" },
	/* fields the sensor cannot provide, optional or not */
	{ P "user.name == \"root\"", false, 1, 37,
	  "the field \"user.name\" is not one the sensor provides; it provides " FIELDS },
	{ P "?user.name == \"root\"", false, 1, 37,
	  "the field \"?user.name\" is not one the sensor provides; it provides " FIELDS },
	{ P "file.Ext.original.Path == \"a\"", false, 1, 37,
	  "the field \"file.Ext.original.Path\" is not one the sensor provides; it provides " FIELDS },
	{ "user.id == \"0\"", true, 1, 1,
	  "the field \"user.id\" is not one the sensor provides; it provides " FIELDS },
	/* what is not EQL, or not this subset */
	{ P "file.name = \"a\"", false, 1, 47,
	  "\"=\" is not an EQL comparison: write == (exact) or : (case-insensitive)" },
	{ P "file.name == \"a\" AND file.name == \"b\"", false, 1, 54,
	  "expected \"and\", \"or\" or the end of the query, found \"AND\" (EQL keywords are lowercase: \"and\")" },
	{ P "file.name == \"a\" == \"b\"", false, 1, 54,
	  "comparisons cannot be chained: join them with and" },
	{ P "file.name == file.path", false, 1, 50,
	  "comparing a field with another field is not supported" },
	{ P "\"a\" == file.name", false, 1, 37, "a comparison starts with a field: FIELD == \"value\"" },
	{ P "file.name not like \"a\"", false, 1, 47, "\"not like\" is not EQL: write not FIELD like ..." },
	{ P "file.name == (\"a\", \"b\")", false, 1, 50,
	  "== compares with one string: for a list, write in (\"a\", \"b\")" },
	{ P "file.name != (\"a\")", false, 1, 50,
	  "!= compares with one string: for a list, write not in (\"a\", \"b\")" },
	{ P "file.name in \"a\"", false, 1, 50,
	  "\"in\" takes a list in parentheses, (\"a\", \"b\"); found the string \"a\"" },
	{ P "file.name in ()", false, 1, 51, "an empty list matches nothing: write at least one string" },
	{ P "file.name in (\"a\",)", false, 1, 55, "expected a string after \"in\", found \")\"" },
	{ P "file.name in (\"a\" \"b\")", false, 1, 55,
	  "expected \",\" or \")\" in the list opened at 1:50, found the string \"b\"" },
	{ P "file.name : (\"a\", null)", false, 1, 55,
	  "null in a list is not supported: compare with == null" },
	{ P "file.name", false, 1, 46,
	  "expected a comparison (==, !=, :, like, in, ...) after the field, found the end of the query" },
	{ P "(file.name : \"a\"", false, 1, 53,
	  "expected \")\" to close the \"(\" at 1:37, found the end of the query" },
	{ P "file.name : \"a\")", false, 1, 52, "this \")\" closes no \"(\"" },
	/* strings */
	{ P "file.name == 'a'", false, 1, 50, "strings in single quotes are not EQL: use double quotes" },
	{ P "file.name == ?\"a\"", false, 1, 50,
	  "?\"...\" strings are not EQL: write a raw string as \"\"\"...\"\"\"" },
	{ P "file.name == \"a\\qb\"", false, 1, 52,
	  "\"\\q\" is not an EQL escape: the escapes are \\t \\b \\f \\n \\r \\\" \\' \\\\ and \\u{hex}" },
	{ P "file.name == \"ab", false, 1, 50, "this string is not closed" },
	{ P "file.name == \"a\nb\"", false, 1, 52, "a string cannot hold a line break: write \\n or \\r" },
	{ P "file.name == \"\"\"a\nb\"\"\"", false, 1, 50,
	  "this \"\"\"raw string\"\"\" is not closed on its line" },
	{ P "file.name == \"\\u{1}\"", false, 1, 51, "a \\u{...} escape takes 2 to 8 hex digits, not 1" },
	{ P "file.name == \"\\u{000000041}\"", false, 1, 51,
	  "a \\u{...} escape takes 2 to 8 hex digits, not 9" },
	{ P "file.name == \"\\u{d800}\"", false, 1, 51, "\\u{d800} is a surrogate, not a character" },
	{ P "file.name == \"\\u{110000}\"", false, 1, 51,
	  "\\u{110000} is beyond the last Unicode code point (10ffff)" },
	{ P "file.name == \"\\u41\"", false, 1, 51,
	  "\\u must be followed by {hex digits}, as \\u{200f}" },
	{ P "file.name == \"\\u{4x}\"", false, 1, 51,
	  "\\u{ must be followed by hex digits and }, as \\u{200f}" },
	{ P "file.name == `a", false, 1, 50, "this `quoted name` is not closed" },
	{ P "/* open", false, 1, 37, "this comment is not closed" },
	{ P "file.name == \"a\" # x", false, 1, 54, "\"#\" is not part of EQL" },
	{ P "file.name == \"a\" \xc3\xa9", false, 1, 54, "\"\\xc3\\xa9\" is not part of EQL" },
	/* columns count characters, not bytes */
	{ "file where file.path : \"\xc3\xa9\" and x == \"y\"", false, 1, 32,
	  "the field \"x\" is not one the sensor provides; it provides " FIELDS },
	/* an exception item has no "file where" */
	{ "file where process.name == \"a\"", true, 1, 1,
	  "the field \"file\" is not one the sensor provides; it provides " FIELDS },
	{ "", true, 1, 1, "the expression is empty" },
	{ "process.name == \"a\" | head 1", true, 1, 21, "pipes (| head) are not supported: " ALONE },
};

/*
 * Rules the prefilter could not anchor on file.path, as the kernel derives
 * anchors (anchors.h): "this rule would have to look at every file: ldwatch
 * watches named paths" and the reason in the engine's words
 * (ldw_anchors_reason_text()), at the unit or value that failed.
 */
struct anchor_refusal {
	const char *text;
	unsigned int line, column;
	enum ldw_anchors_reason reason;
};

static const struct anchor_refusal anchor_refusals[] = {
	{ "file where process.name == \"x\"", 1, 12, LDW_ANCHORS_NO_PATH_CLAUSE },
	{ "file where file.path != \"/etc/ld.so.preload\"", 1, 12, SHAPE },
	{ "file where file.path not in (\"/etc/ld.so.preload\")", 1, 12, SHAPE },
	{ "file where file.path == null or file.name : \"x\"", 1, 12, SHAPE },
	{ "file where file.path == null and file.name : \"x\"", 1, 12,
	  LDW_ANCHORS_UNSUPPORTED_OP },
	{ "file where file.path : \"/etc/x\" or process.name == \"y\"", 1, 12, SHAPE },
	{ "file where process.name == \"y\" and not file.path : \"/etc/x\"", 1, 12,
	  LDW_ANCHORS_NO_PATH_CLAUSE },
	{ "file where process.name == \"y\" and (not file.path : \"/etc/x\")", 1, 36,
	  SHAPE },
	{ "file where process.name == \"y\" and (file.path : \"/etc/x\" and file.name : \"x\")",
	  1, 36, SHAPE },
	{ "file where file.path : \"*.conf\"", 1, 24, LDW_ANCHORS_UNANCHORED },
	{ "file where file.path : \"/lib*/ld*\"", 1, 24, LDW_ANCHORS_PREFIX_SHORT },
	{ "file where file.path : (\"/etc/a\", \"/etc/\")", 1, 35,
	  LDW_ANCHORS_EMPTY_COMPONENT },
	/* ldwatch.target.path anchors only where an absent one fails the rule */
	{ "file where ldwatch.target.path == null", 1, 12, LDW_ANCHORS_NO_PATH_CLAUSE },
	{ "file where ldwatch.target.path != \"/etc/ld.so.preload\"", 1, 12,
	  LDW_ANCHORS_NO_PATH_CLAUSE },
	{ "file where ldwatch.target.path : \"/etc/x\" or process.name == \"y\"", 1, 12,
	  LDW_ANCHORS_NO_PATH_CLAUSE },
	{ "file where not ldwatch.target.path : \"/etc/x\"", 1, 12,
	  LDW_ANCHORS_NO_PATH_CLAUSE },
};

/*
 * Rules the host's targets anchor instead (anchors.h,
 * ldw_anchors_on_targets()): ldwatch.target.path is present only on an
 * operation on a host target, so requiring it is enough.
 */
static const char *const target_anchored[] = {
	"file where ldwatch.target.path : \"/etc/ld.so.conf.d/*\"",
	"file where process.name == \"y\" and ldwatch.target.path like \"*\"",
	("file where ldwatch.target.path == \"/etc/ld.so.preload\" or "
	 "ldwatch.target.path in (\"/etc/ld.so.conf\")"),
};

/* A rule that compiles, to show the builder untouched by a refusal. */
#define GOOD "file where file.path : \"/etc/ld.so.preload\" and not process.name == \"x\""

/* @text is refused at @line:@column with @want, and adds nothing to a builder. */
static void check_refusal(const char *text, bool exclusion, unsigned int line,
			  unsigned int column, const char *want, size_t good)
{
	struct ldw_prog_builder b;
	struct ldw_eql_error err, good_err;
	const char *e = NULL;
	size_t size;
	int rc;

	memset(&err, 0, sizeof(err));
	ldw_prog_build_init(&b, prog_b, sizeof(prog_b));
	rc = exclusion ? ldw_eql_compile_exclusion(text, strlen(text), &b, &err) :
			 ldw_eql_compile(text, strlen(text), &b, &err);
	if (!tap_ok(rc == -1, "refused: %s", text))
		return;
	if (!tap_ok(err.line == line && err.column == column && !strcmp(err.message, want),
		    "  %u:%u: %s", line, column, want))
		tap_diag("got %u:%u: %s", err.line, err.column, err.message);
	/* nothing built: the good rule after it gives the same bytes */
	rc = ldw_eql_compile(GOOD, strlen(GOOD), &b, &good_err);
	size = rc ? 0 : ldw_prog_build_finish(&b, &e);
	tap_ok(size == good && !memcmp(prog_a, prog_b, good), "  and added nothing to the builder");
}

static void test_refusals(void)
{
	struct ldw_eql_error good_err;
	size_t good = compile_str(GOOD, false, prog_a, &good_err);
	char want[LDW_EQL_MESSAGE_MAX];
	unsigned int i;

	if (!tap_ok(good, "the control rule compiles"))
		return;
	for (i = 0; i < LDW_ARRAY_SIZE(refusals); i++)
		check_refusal(refusals[i].text, refusals[i].exclusion, refusals[i].line,
			      refusals[i].column, refusals[i].message, good);
	for (i = 0; i < LDW_ARRAY_SIZE(anchor_refusals); i++) {
		const struct anchor_refusal *r = &anchor_refusals[i];

		snprintf(want, sizeof(want), "%s (%s)",
			 "this rule would have to look at every file: ldwatch watches named paths",
			 ldw_anchors_reason_text(r->reason));
		check_refusal(r->text, false, r->line, r->column, want, good);
	}
	for (i = 0; i < LDW_ARRAY_SIZE(target_anchored); i++)
		tap_ok(compile_str(target_anchored[i], false, prog_b, &good_err),
		       "anchored by the host's targets: %s", target_anchored[i]);
}

/* ------------------------------------------------------------------ */
/* Semantics */

#define S(s) ((struct ldw_str){ (s), sizeof(s) - 1 })
#define ABSENT LDW_STR_ABSENT

struct sem_case {
	const char *expr;	/* an exception item: true when it excludes */
	enum ldw_field field;	/* the one field the event has, or lacks */
	struct ldw_str value;
	bool expect;
};

#define PATH LDW_FIELD_FILE_PATH
#define NAME LDW_FIELD_PROCESS_NAME
#define EXE LDW_FIELD_PROCESS_EXECUTABLE

static const struct sem_case sem_cases[] = {
	/* == : case-sensitive, exact, no wildcards; false on an absent field */
	{ "file.path == \"/etc/ld.so.preload\"", PATH, S("/etc/ld.so.preload"), true },
	{ "file.path == \"/etc/ld.so.preload\"", PATH, S("/ETC/LD.SO.PRELOAD"), false },
	{ "file.path == \"/etc/ld.so.preload\"", PATH, S("/etc/ld.so.preload2"), false },
	{ "file.path == \"/etc/ld.so.preload\"", PATH, ABSENT, false },
	{ "file.path == \"/etc/ld.so.preload\"", PATH, S(""), false },
	{ "file.path == \"\"", PATH, S(""), true },
	{ "file.path == \"\"", PATH, ABSENT, false },
	{ "file.path == \"/etc/*\"", PATH, S("/etc/x"), false },
	{ "file.path == \"/etc/*\"", PATH, S("/etc/*"), true },
	/* != : the negation, so true on an absent field (must_not) */
	{ "file.path != \"/etc/ld.so.preload\"", PATH, S("/etc/ld.so.preload"), false },
	{ "file.path != \"/etc/ld.so.preload\"", PATH, S("/ETC/LD.SO.PRELOAD"), true },
	{ "file.path != \"/etc/ld.so.preload\"", PATH, S("/tmp/x"), true },
	{ "file.path != \"/etc/ld.so.preload\"", PATH, ABSENT, true },
	{ "file.path != \"\"", PATH, S(""), false },
	{ "file.path != \"\"", PATH, ABSENT, true },
	/* == null, != null: absence itself; an empty value is present */
	{ "process.executable == null", EXE, ABSENT, true },
	{ "process.executable == null", EXE, S(""), false },
	{ "process.executable == null", EXE, S("/bin/sh"), false },
	{ "process.executable != null", EXE, ABSENT, false },
	{ "process.executable != null", EXE, S(""), true },
	{ "process.executable != null", EXE, S("/bin/sh"), true },
	{ "?process.executable == null", EXE, ABSENT, true },
	{ "?process.executable != null", EXE, S("x"), true },
	/* : folds ASCII case, '*' any run ('/' included), '?' one byte */
	{ "file.path : \"/etc/ld.so.preload\"", PATH, S("/ETC/LD.SO.PRELOAD"), true },
	{ "file.path : \"/etc/ld.so.preload\"", PATH, S("/etc/ld.so.preload"), true },
	{ "file.path : \"/etc/ld.so.preload\"", PATH, ABSENT, false },
	{ "file.path : \"/etc/ld.so.preload\"", PATH, S(""), false },
	{ "file.path : \"/etc/ld.so.conf.d/*\"", PATH, S("/etc/ld.so.conf.d/a/b/c.conf"), true },
	{ "file.path : \"/etc/ld.so.conf.d/*\"", PATH, S("/etc/ld.so.conf.d/"), true },
	{ "file.path : \"/etc/ld.so.conf.d/*\"", PATH, S("/etc/ld.so.conf.d"), false },
	{ "file.path : \"/etc/ld.so.conf.d/*\"", PATH, S("/ETC/LD.SO.CONF.D/X"), true },
	{ "file.path : \"*\"", PATH, S(""), true },
	{ "file.path : \"*\"", PATH, ABSENT, false },
	{ "file.path : \"/a?c\"", PATH, S("/abc"), true },
	{ "file.path : \"/a?c\"", PATH, S("/ac"), false },
	{ "file.path : \"/a?c\"", PATH, S("/abbc"), false },
	{ "file.path : (\"/x\", \"/etc/*\")", PATH, S("/etc/passwd"), true },
	{ "file.path : (\"/x\", \"/etc/*\")", PATH, S("/x"), true },
	{ "file.path : (\"/x\", \"/etc/*\")", PATH, S("/y"), false },
	/* ASCII only: é and É differ (UTF-8 c3 a9 and c3 89) */
	{ "file.path : \"/\\u{e9}\"", PATH, S("/\xc3\x89"), false },
	{ "file.path : \"/\\u{e9}\"", PATH, S("/\xc3\xa9"), true },
	{ "file.path : \"/\xc3\xa9\"", PATH, S("/\xc3\xa9"), true },
	/* like: case-sensitive wildcard; like~: case-insensitive */
	{ "file.path like \"/etc/ld.so.conf.d/*\"", PATH, S("/etc/ld.so.conf.d/x.conf"), true },
	{ "file.path like \"/etc/ld.so.conf.d/*\"", PATH, S("/ETC/ld.so.conf.d/x.conf"), false },
	{ "file.path like \"/etc/ld.so.conf.d/*\"", PATH, ABSENT, false },
	{ "file.path like (\"/a\", \"/b?\")", PATH, S("/bc"), true },
	{ "file.path like (\"/a\", \"/b?\")", PATH, S("/A"), false },
	{ "file.path like~ \"/etc/ld.so.conf.d/*\"", PATH, S("/ETC/ld.so.conf.d/x.conf"), true },
	{ "file.path like~ (\"/a\", \"/b\")", PATH, S("/B"), true },
	{ "file.path like~ (\"/a\", \"/b\")", PATH, ABSENT, false },
	/* in: case-sensitive membership, no wildcards; in~ folds case */
	{ "process.name in (\"java\", \"crio\")", NAME, S("crio"), true },
	{ "process.name in (\"java\", \"crio\")", NAME, S("CRIO"), false },
	{ "process.name in (\"java\", \"crio\")", NAME, S("cri"), false },
	{ "process.name in (\"java\", \"crio\")", NAME, ABSENT, false },
	{ "process.name in (\"java\", \"crio\")", NAME, S(""), false },
	{ "process.executable in (\"/dev/fd/*\")", EXE, S("/dev/fd/3"), false },
	{ "process.executable in (\"/dev/fd/*\")", EXE, S("/dev/fd/*"), true },
	{ "process.name in~ (\"java\", \"crio\")", NAME, S("JaVa"), true },
	{ "process.name in~ (\"java\", \"crio\")", NAME, S("javac"), false },
	{ "process.name in~ (\"java\", \"crio\")", NAME, ABSENT, false },
	/* not in, not in~: the negations, true on an absent field */
	{ "process.name not in (\"java\", \"crio\")", NAME, S("java"), false },
	{ "process.name not in (\"java\", \"crio\")", NAME, S("JAVA"), true },
	{ "process.name not in (\"java\", \"crio\")", NAME, S("sed"), true },
	{ "process.name not in (\"java\", \"crio\")", NAME, ABSENT, true },
	{ "process.name not in (\"java\", \"crio\")", NAME, S(""), true },
	{ "process.name not in~ (\"java\", \"crio\")", NAME, S("JAVA"), false },
	{ "process.name not in~ (\"java\", \"crio\")", NAME, S("sed"), true },
	{ "process.name not in~ (\"java\", \"crio\")", NAME, ABSENT, true },
	/* not: a comparison on an absent field is false, so its negation true */
	{ "not file.path : \"/etc/*\"", PATH, ABSENT, true },
	{ "not file.path : \"/etc/*\"", PATH, S("/etc/x"), false },
	{ "not not file.path : \"/etc/*\"", PATH, S("/etc/x"), true },
	{ "not (file.path : \"/etc/*\" or file.path : \"/lib/*\")", PATH, S("/lib/x"), false },
	{ "not (file.path : \"/etc/*\" or file.path : \"/lib/*\")", PATH, S("/usr/x"), true },
	/* and, or */
	{ "file.path : \"/etc/*\" and file.path : \"*.conf\"", PATH, S("/etc/a.conf"), true },
	{ "file.path : \"/etc/*\" and file.path : \"*.conf\"", PATH, S("/etc/a.swp"), false },
	{ "file.path : \"/etc/*\" or file.path : \"*.conf\"", PATH, S("/x.conf"), true },
	{ "file.path : \"/etc/*\" or file.path : \"*.conf\"", PATH, S("/x.swp"), false },
	{ "file.path == \"a\" or file.path == \"b\" and file.path == \"c\"", PATH, S("a"), true },
	{ "(file.path == \"a\" or file.path == \"b\") and file.path == \"c\"", PATH, S("a"), false },
	/* escapes and raw strings reach the value as bytes */
	{ "file.path == \"a\\tb\"", PATH, S("a\tb"), true },
	{ "file.path == \"a\\\\b\"", PATH, S("a\\b"), true },
	{ "file.path == \"\"\"a\\tb\"\"\"", PATH, S("a\\tb"), true },
	{ "file.path == \"\"\"a\\tb\"\"\"", PATH, S("a\tb"), false },
	{ "file.path == \"a\\u{00}b\"", PATH, S("a\0b"), true },
	{ "file.path == \"a\\u{00}b\"", PATH, S("a"), false },
	{ "file.path == \"\\\"q\\\"\"", PATH, S("\"q\""), true },
};

static void event_with(struct ldw_event *ev, enum ldw_field field, struct ldw_str value)
{
	unsigned int f;

	for (f = 0; f < LDW_FIELD_COUNT; f++)
		ev->field[f] = LDW_STR_ABSENT;
	ev->field[field] = value;
}

static void test_semantics(void)
{
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(sem_cases); i++) {
		const struct sem_case *c = &sem_cases[i];
		struct ldw_eql_error err;
		struct ldw_prog_error perr;
		struct ldw_prog prog;
		struct ldw_event ev;
		struct ldw_verdict v;
		size_t size = compile_str(c->expr, true, prog_a, &err);
		char shown[64];

		if (c->value.ptr)
			snprintf(shown, sizeof(shown), "\"%.*s\"", (int)c->value.len, c->value.ptr);
		else
			snprintf(shown, sizeof(shown), "absent");
		if (!tap_ok(size && !ldw_prog_verify(prog_a, size, &prog, &perr),
			    "compiles: %s", c->expr)) {
			tap_diag("%u:%u: %s", err.line, err.column, err.message);
			continue;
		}
		event_with(&ev, c->field, c->value);
		v = ldw_prog_eval(&prog, &ev);
		tap_ok((v.outcome == LDW_EXCLUDED) == c->expect, "  %s on %s %s: %s", c->expr,
		       ldw_field_name(c->field), shown, c->expect ? "true" : "false");
	}
}

/* ------------------------------------------------------------------ */
/* The rule texts */

/* The query of the spec's rule text: from "file where" to the framework. */
static char *spec_query(const char *path, size_t *len)
{
	size_t flen;
	char *text = read_file(path, &flen), *q, *end;

	if (!text)
		return NULL;
	q = strstr(text, "file where ");
	end = q ? strstr(q, "\nFramework:") : NULL;
	if (!end) {
		free(text);
		return NULL;
	}
	*len = end - q;
	memmove(text, q, *len);
	text[*len] = '\0';
	return text;
}

static size_t format_prog(const uint32_t *buf, size_t size, char **text)
{
	struct ldw_prog prog;
	struct ldw_prog_error perr;
	size_t need;

	*text = NULL;
	if (ldw_prog_verify(buf, size, &prog, &perr))
		return 0;
	need = ldw_prog_format(&prog, NULL, 0);
	*text = malloc(need + 1);
	if (!*text)
		abort();
	ldw_prog_format(&prog, *text, need + 1);
	return need;
}

/*
 * Text to program to text to program: the two programs are the same bytes,
 * and formatting the second gives the first text again.
 */
static void round_trip(const char *what, const char *text, size_t len, bool exclusion)
{
	static uint32_t again[LDW_PROG_MAX_SIZE / 4];
	struct ldw_eql_error err;
	size_t size, size2, tlen, tlen2;
	char *t1, *t2 = NULL;

	size = compile(text, len, exclusion, prog_a, &err, NULL);
	if (!tap_ok(size, "%s compiles", what)) {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
		return;
	}
	tlen = format_prog(prog_a, size, &t1);
	if (!tap_ok(t1, "%s: its program verifies and formats", what))
		return;
	size2 = compile(t1, tlen, false, again, &err, NULL);
	if (!tap_ok(size2 == size && !memcmp(prog_a, again, size),
		    "%s: the formatted text compiles to the same program", what)) {
		tap_diag("text: %s", t1);
		if (!size2)
			tap_diag("%u:%u: %s", err.line, err.column, err.message);
	}
	tlen2 = size2 ? format_prog(again, size2, &t2) : 0;
	tap_ok(t2 && tlen2 == tlen && !memcmp(t1, t2, tlen), "%s: and formats the same again", what);
	free(t1);
	free(t2);
}

static void test_v3(const char *spec_path)
{
	static uint32_t table[LDW_PROG_MAX_SIZE / 4];
	struct ldw_eql_error err;
	struct ldw_prog prog;
	struct ldw_prog_error perr;
	const char *e = NULL;
	size_t len, size, tsize;
	char *query = spec_query(spec_path, &len);
	unsigned int i, failed = 0;

	if (!tap_ok(query, "the rule text %s holds a query", spec_path))
		return;
	size = compile(query, len, false, prog_a, &err, NULL);
	if (!tap_ok(size, "versions 3 to 6 compile")) {
		tap_diag("%u:%u: %s", err.line, err.column, err.message);
		free(query);
		return;
	}
	tsize = ldw_prog_from_rule(&ldw_default_rule, table, sizeof(table), &e);
	tap_ok(tsize && tsize == size && !memcmp(prog_a, table, size),
	       "versions 3 to 6 compile to the built-in rule's program, byte for byte");
	round_trip("versions 3 to 6", query, len, false);

	/* The case table's verdicts, written by hand from the rule text. */
	compile(query, len, false, prog_a, &err, NULL);
	if (!tap_ok(!ldw_prog_verify(prog_a, size, &prog, &perr), "its program verifies"))
		goto out;
	for (i = 0; i < ldw_rule_ncases; i++) {
		const struct ldw_rule_case *c = &ldw_rule_cases[i];
		struct ldw_event ev;
		struct ldw_verdict v;
		unsigned int want;

		ldw_rule_case_event(c, &ev);
		v = ldw_prog_eval(&prog, &ev);
		/* units: the 3 requirements, then the 8 exclusions */
		want = c->outcome == LDW_EXCLUDED ? 3 + c->index : c->index;
		if (v.outcome != c->outcome || (c->outcome != LDW_MATCH && v.index != want)) {
			if (!failed++)
				tap_diag("case %s: got %s at unit %u", c->name,
					 ldw_outcome_name(v.outcome), v.index);
		}
	}
	tap_ok(!failed, "its verdicts are the case table's (%u cases, %u differ)",
	       ldw_rule_ncases, failed);
out:
	free(query);
}

static void test_later_versions(const char *dir)
{
	static const char *const files[] = {
		"elastic-rule-dynamic-linker-v7.eql",
		"elastic-rule-dynamic-linker-v9.eql",
	};
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(files); i++) {
		char path[4096];
		size_t len;
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		text = read_file(path, &len);
		if (!tap_ok(text, "%s is readable", path))
			continue;
		round_trip(files[i], text, len, false);
		free(text);
	}
}

/* Texts with every construct, through the formatter and back. */
static const char *const trips[] = {
	"file where file.path : \"/etc/x\"",
	"file where file.path == \"/etc/x\" and file.name != \"y\" and process.name not in (\"a\", \"b\")",
	"file where file.path in~ (\"/A\") and file.name not in~ (\"b\", \"c\") and process.name != null",
	"file where file.path like (\"/a/*\", \"/b\") and file.name like~ \"q?\" and process.executable == null",
	"file where (file.path : \"/a\" or file.path : \"/b\") and not (process.name == \"x\" or "
	"(process.name == \"y\" and file.name : \"z*\") or not file.name : \"w\")",
	"file where file.path : \"/a\" and (file.name : \"b\" and file.name : \"c\") and "
	"(not file.name : \"d\") and file.name : \"e\" and (file.name : \"f\" or (file.name : \"g\" or file.name : \"h\"))",
	"file where file.path : \"/a\" and not ((file.name : \"x\" or file.name : \"y\") or file.name : \"z\")",
	"file where file.path : \"/a\" and not file.name : \"x\" and not (file.name : \"y\") and file.name : \"q\"",
	"file where file.path == \"\\t\\n\\r\\\"\\\\\\u{01}\\u{7f}\\u{e9}\xc3\xa9\\u{00}\"",
	"file where file.path : \"/a\" and not not file.name : \"b\" and not (not file.name : \"c\")",
};

static void test_round_trips(void)
{
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(trips); i++)
		round_trip(trips[i], trips[i], strlen(trips[i]), false);
}

/* ------------------------------------------------------------------ */
/* Exception items, and the program's units */

static void test_exclusion(const char *spec_path)
{
	static const char item[] = "process.executable == \"/usr/bin/salt-call\"";
	struct ldw_prog_builder b;
	struct ldw_eql_error err;
	struct ldw_prog prog;
	struct ldw_prog_error perr;
	struct ldw_event ev;
	struct ldw_verdict v;
	const char *e = NULL;
	size_t len, size;
	char *query = spec_query(spec_path, &len);

	if (!query)
		return;
	ldw_prog_build_init(&b, prog_a, sizeof(prog_a));
	tap_ok(!ldw_eql_compile(query, len, &b, &err) &&
	       !ldw_eql_compile_exclusion(item, strlen(item), &b, &err),
	       "an exception item compiles after the rule");
	size = ldw_prog_build_finish(&b, &e);
	if (!tap_ok(size && !ldw_prog_verify(prog_a, size, &prog, &perr),
		    "and the whole program verifies")) {
		free(query);
		return;
	}
	tap_ok(prog.header->nunits == 3 + 8 + 1 &&
	       prog.unit[11].kind == LDW_UNIT_EXCLUDE && prog.unit[11].ninsns == 1,
	       "the item is a 12th unit, EXCLUDE, of one TEST");
	ldw_event_fill(&ev, S("creation"), S("/etc/ld.so.preload"), ABSENT,
		       S("/usr/bin/salt-call"));
	ev.field[LDW_FIELD_HOST_OS_TYPE] = S("linux");
	v = ldw_prog_eval(&prog, &ev);
	tap_ok(v.outcome == LDW_EXCLUDED && v.index == 11, "salt-call's write is excluded by it");
	ldw_event_fill(&ev, S("creation"), S("/etc/ld.so.preload"), ABSENT, S("/usr/bin/vi"));
	ev.field[LDW_FIELD_HOST_OS_TYPE] = S("linux");
	v = ldw_prog_eval(&prog, &ev);
	tap_ok(v.outcome == LDW_MATCH, "vi's write still matches");
	free(query);
}

/*
 * Exception items of every shape, after a rule: the whole program formats
 * to text that compiles back to it, byte for byte.
 */
static void test_item_round_trips(void)
{
	static const char rule[] = "file where file.path : \"/etc/ld.so.preload\"";
	static const char *const items[] = {
		"process.name == \"a\"",
		"process.name == \"a\" and file.name : \"b*\"",
		"process.name == \"a\" or file.name : \"b*\"",
		"(process.name == \"a\" or file.name : \"b*\") and file.name != \"c\"",
		"not process.name in (\"a\", \"b\")",
		"process.name not in~ (\"a\") or not (file.name : \"b\" and file.name : \"c\")",
		"process.executable != null",
	};
	static uint32_t again[LDW_PROG_MAX_SIZE / 4];
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(items); i++) {
		struct ldw_prog_builder b;
		struct ldw_eql_error err;
		const char *e = NULL;
		size_t size, size2, tlen;
		char *text;

		ldw_prog_build_init(&b, prog_a, sizeof(prog_a));
		if (ldw_eql_compile(rule, strlen(rule), &b, &err) ||
		    ldw_eql_compile_exclusion(items[i], strlen(items[i]), &b, &err)) {
			tap_ok(false, "item compiles: %s", items[i]);
			tap_diag("%u:%u: %s", err.line, err.column, err.message);
			continue;
		}
		size = ldw_prog_build_finish(&b, &e);
		tlen = size ? format_prog(prog_a, size, &text) : 0;
		if (!tap_ok(tlen, "item compiles and formats: %s", items[i]))
			continue;
		size2 = compile(text, tlen, false, again, &err, NULL);
		if (!tap_ok(size2 == size && !memcmp(prog_a, again, size),
			    "  the rule with it formats to text that compiles back to it"))
			tap_diag("text: %s", text);
		free(text);
	}
}

/* The units and postfix code of small rules, written out by hand. */
struct shape {
	const char *text;
	const char *code;	/* units R/X, then their code */
};

static const struct shape shapes[] = {
	{ "file where file.path : \"/a\"", "R: T" },
	{ "file where file.path : \"/a\" and file.name != \"b\" and not file.name : \"c\"",
	  "R: T | R: T ! | X: T" },
	{ "file where file.path : \"/a\" and not (file.name : \"b\" or file.name : \"c\" and file.name : \"d\")",
	  "R: T | X: T | X: T T &" },
	{ "file where file.path : \"/x\" and (file.path : \"/a\" and file.name : \"b\") and file.name : \"c\"",
	  "R: T | R: T T & | R: T" },
	{ "file where file.path : \"/a\" and (file.name : \"b\" or file.name : \"c\" or file.name : \"d\")",
	  "R: T | R: T T | T |" },
	{ "file where file.path : \"/a\" and (file.name : \"b\" or (file.name : \"c\" or file.name : \"d\"))",
	  "R: T | R: T T T | |" },
	{ "file where file.path : \"/a\" and not ((file.name : \"b\" or file.name : \"c\") or file.name : \"d\")",
	  "R: T | X: T T | | X: T" },
	{ "file where file.path : \"/a\" and (not file.name : \"b\") and not not file.name : \"c\"",
	  "R: T | R: T ! | X: T !" },
	{ "file where file.path : \"/x\" and (file.name : \"a\" or file.name : \"b\" and file.name : \"c\")",
	  "R: T | R: T T T & |" },
	{ "file where (file.path : \"/a\" or file.path like \"/b\" or file.path in (\"/c\"))",
	  "R: T T | T |" },
	/* a group in the not's parentheses is one unit */
	{ "file where file.path : \"/a\" and not ((file.name : \"b\" or file.name : \"c\"))",
	  "R: T | X: T T |" },
};

static void code_of(const struct ldw_prog *prog, char *buf, size_t size)
{
	static const char *const codes[] = { "T", "!", "&", "|" };
	unsigned int u, i;
	size_t n = 0;

	buf[0] = '\0';
	for (u = 0; u < prog->header->nunits; u++) {
		const struct ldw_prog_unit *unit = &prog->unit[u];

		n += snprintf(buf + n, size - n, "%s%s:", u ? " | " : "",
			      unit->kind == LDW_UNIT_REQUIRE ? "R" : "X");
		for (i = unit->first_insn; i < unit->first_insn + unit->ninsns && n < size; i++)
			n += snprintf(buf + n, size - n, " %s",
				      prog->insn[i].code < LDW_INSN_CODES ? codes[prog->insn[i].code] : "?");
		if (n >= size)
			return;
	}
}

static void test_shapes(void)
{
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(shapes); i++) {
		struct ldw_eql_error err;
		struct ldw_prog prog;
		struct ldw_prog_error perr;
		size_t size = compile_str(shapes[i].text, false, prog_a, &err);
		char code[512];

		if (!tap_ok(size && !ldw_prog_verify(prog_a, size, &prog, &perr),
			    "compiles: %s", shapes[i].text)) {
			tap_diag("%u:%u: %s", err.line, err.column, err.message);
			continue;
		}
		code_of(&prog, code, sizeof(code));
		if (!tap_ok(!strcmp(code, shapes[i].code), "  units and code: %s", shapes[i].code))
			tap_diag("got %s", code);
	}
}

/* The operator each comparison compiles to, and its values. */
static void test_ops(void)
{
	static const struct {
		const char *expr;
		enum ldw_op op;
		unsigned int nvalues;
		bool negated;
	} ops[] = {
		{ "file.name == \"a\"", LDW_OP_EQUAL, 1, false },
		{ "file.name != \"a\"", LDW_OP_EQUAL, 1, true },
		{ "file.name in (\"a\", \"b\")", LDW_OP_EQUAL, 2, false },
		{ "file.name not in (\"a\", \"b\")", LDW_OP_EQUAL, 2, true },
		{ "file.name in~ (\"a\")", LDW_OP_EQUAL_NOCASE, 1, false },
		{ "file.name not in~ (\"a\", \"b\", \"c\")", LDW_OP_EQUAL_NOCASE, 3, true },
		{ "file.name : \"a\"", LDW_OP_WILDCARD_NOCASE, 1, false },
		{ "file.name : (\"a*\", \"b\")", LDW_OP_WILDCARD_NOCASE, 2, false },
		{ "file.name like \"a*\"", LDW_OP_WILDCARD, 1, false },
		{ "file.name like (\"a\", \"b\")", LDW_OP_WILDCARD, 2, false },
		{ "file.name like~ \"a*\"", LDW_OP_WILDCARD_NOCASE, 1, false },
		{ "file.name == null", LDW_OP_IS_NULL, 0, false },
		{ "file.name != null", LDW_OP_IS_NULL, 0, true },
	};
	unsigned int i;

	for (i = 0; i < LDW_ARRAY_SIZE(ops); i++) {
		struct ldw_eql_error err;
		struct ldw_prog prog;
		struct ldw_prog_error perr;
		size_t size = compile_str(ops[i].expr, true, prog_a, &err);
		const struct ldw_prog_insn *t;

		if (!tap_ok(size && !ldw_prog_verify(prog_a, size, &prog, &perr),
			    "compiles: %s", ops[i].expr))
			continue;
		t = &prog.insn[0];
		tap_ok(prog.header->ninsns == 1u + ops[i].negated && t->code == LDW_INSN_TEST &&
		       t->field == LDW_FIELD_FILE_NAME && t->op == ops[i].op &&
		       t->nvalues == ops[i].nvalues &&
		       (!ops[i].negated || prog.insn[1].code == LDW_INSN_NOT),
		       "  TEST %s op %d with %u values%s", ldw_field_name(LDW_FIELD_FILE_NAME),
		       ops[i].op, ops[i].nvalues, ops[i].negated ? ", then NOT" : "");
	}
}

/* ------------------------------------------------------------------ */
/* Bounds */

static char *repeat(const char *head, const char *unit, unsigned int n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;
	unsigned int i;

	if (!s)
		abort();
	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static void test_bounds(void)
{
	struct ldw_eql_error err;
	char *open, *text, *close;
	size_t size;
	unsigned int n;

	/* text nesting: LDW_EQL_MAX_NESTING levels compile, one more does not */
	n = LDW_EQL_MAX_NESTING;
	open = repeat("", "(", n, "");
	close = repeat("", ")", n, "");
	text = malloc(strlen(open) + strlen(close) + 64);
	sprintf(text, "file where %sfile.path : \"/a\"%s", open, close);
	tap_ok(compile_str(text, false, prog_a, &err), "%u nested parentheses compile", n);
	free(open);
	free(close);
	free(text);
	open = repeat("", "(", n + 1, "");
	close = repeat("", ")", n + 1, "");
	text = malloc(strlen(open) + strlen(close) + 64);
	sprintf(text, "file where %sfile.path : \"/a\"%s", open, close);
	tap_ok(!compile_str(text, false, prog_a, &err) && err.line == 1 && err.column == 52 &&
	       !strcmp(err.message, "parentheses and \"not\" nested deeper than 40 are not supported"),
	       "%u are refused, at the one too deep (1:52)", n + 1);
	free(open);
	free(close);
	free(text);
	text = repeat("file where file.path : \"/a\" and ", "not ", n + 1, "file.name : \"b\"");
	tap_ok(!compile_str(text, false, prog_a, &err) && err.column == 193 &&
	       !strcmp(err.message, "parentheses and \"not\" nested deeper than 40 are not supported"),
	       "so is \"not\" %u times (1:193)", n + 1);
	free(text);
	/* far past the bound: refused without deep recursion */
	open = repeat("file where ", "(", 100000, "");
	tap_ok(!compile_str(open, false, prog_a, &err) && err.column == 52,
	       "100000 parentheses are refused");
	free(open);
	open = repeat("file where ", "not ", 100000, "");
	tap_ok(!compile_str(open, false, prog_a, &err), "100000 \"not\" are refused");
	free(open);
	/* a unit's expression: LDW_EQL_MAX_DEPTH levels compile, one more does not */
	text = repeat("file where file.path : \"/a\" and (", "not ", LDW_EQL_MAX_DEPTH,
		      "file.name : \"b\")");
	tap_ok(compile_str(text, false, prog_a, &err), "a condition of %d \"not\" compiles",
	       LDW_EQL_MAX_DEPTH);
	free(text);
	text = repeat("file where file.path : \"/a\" and (", "not ", LDW_EQL_MAX_DEPTH + 1,
		      "file.name : \"b\")");
	tap_ok(!compile_str(text, false, prog_a, &err) && err.column == 162 &&
	       !strcmp(err.message,
		       "\"and\", \"or\" and \"not\" nested deeper than 32 in one condition are not supported"),
	       "one of %d is refused, at the one too deep (1:162)", LDW_EQL_MAX_DEPTH + 1);
	free(text);
	/* "and" in "or" in "and" ...: 2 levels a pair of parentheses */
	text = repeat("file where file.path : \"/a\" and (", "file.name : \"x\" or file.name : \"y\" and (",
		      17, "file.name : \"z\"");
	close = repeat(text, ")", 18, "");
	tap_ok(!compile_str(close, false, prog_a, &err) &&
	       !strcmp(err.message,
		       "\"and\", \"or\" and \"not\" nested deeper than 32 in one condition are not supported"),
	       "\"or\" and \"and\" alternating 17 times in parentheses are refused");
	free(text);
	free(close);
	text = repeat("file where file.path : \"/a\" and (", "file.name : \"x\" or file.name : \"y\" and (",
		      15, "file.name : \"z\"");
	close = repeat(text, ")", 16, "");
	tap_ok(compile_str(close, false, prog_a, &err), "15 times compile");
	round_trip("15 times", close, strlen(close), false);
	free(text);
	free(close);

	/* a long chain is n-ary, not deep */
	text = repeat("file where file.path : \"/a\" and not (file.name : \"0\"", " or file.name : \"x\"",
		      499, ")");
	size = compile_str(text, false, prog_a, &err);
	tap_ok(size, "\"not\" of an \"or\" of 500 comparisons compiles (501 units)");
	free(text);
	text = repeat("file where file.path : \"/a\" and (file.name : \"0\"", " or file.name : \"x\"",
		      1499, ")");
	size = compile_str(text, false, prog_a, &err);
	tap_ok(size, "so does one unit of 1500 comparisons (2999 instructions)");
	free(text);

	/* program.h's limits, refused at the place that crosses them */
	text = repeat("file where file.path : \"/a\" and (file.name : \"0\"", " or file.name : \"x\"",
		      2100, ")");
	tap_ok(!compile_str(text, false, prog_a, &err) && err.column == 33 &&
	       !strcmp(err.message, "the rule needs more than 4096 instructions compiled"),
	       "4201 instructions are refused");
	free(text);
	text = repeat("file where file.path : \"/a\"", " and file.name : \"x\"", 512, "");
	tap_ok(!compile_str(text, false, prog_a, &err) &&
	       !strcmp(err.message, "the rule has more than 512 conditions joined by and (units)"),
	       "513 units are refused");
	free(text);
	/* 4097 bytes, and 4096 */
	text = repeat("file where file.path : \"/a\" and file.name : \"", "a",
		      LDW_PROG_MAX_VALUE_LEN + 1, "\"");
	tap_ok(!compile_str(text, false, prog_a, &err) && err.column == 45 &&
	       !strcmp(err.message, "a string of 4097 bytes is longer than the 4096 bytes a value may hold"),
	       "a string of 4097 bytes is refused");
	free(text);
	text = repeat("file where file.path : \"/a\" and file.name : \"", "a",
		      LDW_PROG_MAX_VALUE_LEN, "\"");
	tap_ok(compile_str(text, false, prog_a, &err), "one of 4096 bytes compiles");
	free(text);
	text = repeat("file where file.path : (\"/a\"", ", \"0123456789abcdef0123456789abcdef\"", 2000, ")");
	tap_ok(!compile_str(text, false, prog_a, &err) &&
	       !strcmp(err.message, "the rule is larger than 64 KiB compiled"),
	       "a rule larger than 64 KiB compiled is refused");
	free(text);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s RULE_TEXT_FILE DATA_DIR\n", argv[0]);
		return 2;
	}
	test_trees();
	test_refusals();
	test_ops();
	test_shapes();
	test_semantics();
	test_v3(argv[1]);
	test_later_versions(argv[2]);
	test_round_trips();
	test_exclusion(argv[1]);
	test_item_round_trips();
	test_bounds();
	return tap_done();
}
