// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the rule matcher: the shared case table judged by the
 * default rule's program, the byte sweeps, the formatter's bounds, and the
 * default rule's program written back checked against the rule text it was
 * copied from.
 *
 * Usage: test_rule RULE_TEXT_FILE
 */
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "../rule_cases.h"
#include "tap.h"

/* The default rule's program, lowered once, as the module does at load. */
static const struct ldw_prog *default_prog(void)
{
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	static struct ldw_prog prog;
	static bool ready;
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	if (ready)
		return &prog;
	size = ldw_prog_from_rule(&ldw_default_rule, blob, sizeof(blob), &err);
	if (!size || ldw_prog_verify(blob, size, &prog, &verr)) {
		fprintf(stderr, "the default rule does not lower to a program\n");
		exit(1);
	}
	ready = true;
	return &prog;
}

/* Value @value of the single TEST of unit @unit, as a C string (static). */
static const char *unit_value(const struct ldw_prog *prog, unsigned int unit,
			      unsigned int value)
{
	static char buf[4097];
	const struct ldw_prog_unit *u = &prog->unit[unit];
	const struct ldw_prog_insn *in = &prog->insn[u->first_insn];
	const struct ldw_prog_value *v;

	if (u->ninsns != 1 || value >= in->nvalues)
		return NULL;
	v = &prog->value[in->first_value + value];
	memcpy(buf, prog->strings + v->offset, v->len);
	buf[v->len] = '\0';
	return buf;
}

static void test_rule_case(const struct ldw_rule_case *c)
{
	const struct ldw_prog *prog = default_prog();
	struct ldw_event event;
	struct ldw_verdict v;
	bool ok;

	ldw_rule_case_event(c, &event);
	v = ldw_prog_eval(prog, &event);

	ok = v.outcome == c->outcome &&
	     (c->outcome == LDW_MATCH || v.index == ldw_rule_case_unit(c));
	if (ok && c->outcome == LDW_EXCLUDED && c->value) {
		const char *got = unit_value(prog, v.index, v.value);

		ok = got && !strcmp(got, c->value);
	}
	if (!tap_ok(ok, "rule: %s", c->name))
		tap_diag("expected %s unit %u (%s), got %s unit %u value %u",
			 ldw_outcome_name(c->outcome), ldw_rule_case_unit(c),
			 c->value ? c->value : "-", ldw_outcome_name(v.outcome),
			 v.index, v.value);
}

static void test_pattern_case(const struct ldw_pattern_case *c, unsigned int nr)
{
	struct ldw_str pattern = ldw_str_cstr(c->pattern);
	bool got = c->wildcard ? ldw_wildcard_match(pattern, c->text, c->nocase) :
				 ldw_equal(pattern, c->text, c->nocase);

	tap_ok(got == c->expect, "%s %u: \"%s\" %s text of %zu bytes is %s",
	       c->wildcard ? "wildcard" : "equal", nr, c->pattern,
	       c->nocase ? "nocase" : "exact", c->text.len, c->expect ? "true" : "false");
}

/* The table's PATH_MAX cases must really give PATH_MAX - 1 byte strings. */
static void test_long_cases_are_long(void)
{
	unsigned int i, n = 0, good = 0;

	for (i = 0; i < ldw_rule_ncases; i++) {
		const struct ldw_rule_case *c = &ldw_rule_cases[i];
		struct ldw_str path, exe;
		struct ldw_event event;

		if (!c->fill)
			continue;
		n++;
		ldw_rule_case_event(c, &event);
		path = event.field[LDW_FIELD_FILE_PATH];
		exe = event.field[LDW_FIELD_PROCESS_EXECUTABLE];
		if ((path.len == 4095 || exe.len == 4095) &&
		    !memchr(path.ptr, '%', path.len) && !memchr(exe.ptr, '%', exe.len))
			good++;
		else
			tap_diag("%s: path %zu, executable %zu bytes", c->name, path.len, exe.len);
	}
	tap_ok(n >= 5 && good == n, "the %u PATH_MAX cases hold 4095-byte strings", n);
}

static struct ldw_verdict eval_path(const char *prefix, unsigned char byte,
				    const char *suffix, const char *exe)
{
	static char path[64], exe_buf[64];
	struct ldw_event event;
	size_t len = strlen(prefix);

	memcpy(path, prefix, len);
	path[len++] = (char)byte;
	memcpy(path + len, suffix, strlen(suffix));
	len += strlen(suffix);
	strcpy(exe_buf, exe);
	ldw_event_fill(&event, (struct ldw_str){ "creation", 8 },
		       (struct ldw_str){ path, len }, LDW_STR_ABSENT,
		       (struct ldw_str){ exe_buf, strlen(exe_buf) });
	return ldw_prog_eval(default_prog(), &event);
}

/*
 * Every byte value in every position class: below ld.so.conf.d/ ('*' takes
 * any byte), in place of a letter of a target (only that letter, in either
 * case, matches), and in place of the '/' before the wildcard.
 */
static void test_byte_sweeps(void)
{
	unsigned int b, bad;

	for (bad = 0, b = 1; b <= 0xff; b++)
		if (eval_path("/etc/ld.so.conf.d/", b, ".conf", "/bin/sh").outcome != LDW_MATCH)
			bad++;
	tap_ok(!bad, "every byte 0x01-0xff below ld.so.conf.d/ matches (%u did not)", bad);

	for (bad = 0, b = 1; b <= 0xff; b++) {
		bool letter = b == 'd' || b == 'D';
		struct ldw_verdict v = eval_path("/etc/ld.so.preloa", b, "", "/bin/sh");

		if ((v.outcome == LDW_MATCH) != letter)
			bad++;
	}
	tap_ok(!bad, "only d and D complete /etc/ld.so.preloa_ (%u bytes disagreed)", bad);

	for (bad = 0, b = 1; b <= 0xff; b++) {
		bool slash = b == '/';
		struct ldw_verdict v = eval_path("/etc/ld.so.conf.d", b, "x", "/bin/sh");

		if ((v.outcome == LDW_MATCH) != slash)
			bad++;
	}
	tap_ok(!bad, "only / follows /etc/ld.so.conf.d for a match (%u bytes disagreed)", bad);

	for (bad = 0, b = 1; b <= 0xff; b++) {
		struct ldw_verdict v = eval_path("/etc/ld.so.conf.d/x.sw", b, "", "/bin/sh");
		bool swp = b == 'p' || b == 'x';	/* swp and swx; swpx needs two */

		if ((v.outcome == LDW_EXCLUDED) != swp)
			bad++;
	}
	tap_ok(!bad, "only swp and swx among .sw_ extensions are excluded (%u disagreed)", bad);
}

/* The formatter is snprintf-like: it never writes past @size and always terminates. */
static void test_format_bounds(void)
{
	const struct ldw_prog *prog = default_prog();
	static const char full[] =
		"file.path : (\"/etc/ld.so.preload\", \"/etc/ld.so.conf.d/*\", \"/etc/ld.so.conf\")";
	char buf[sizeof(full) + 8];
	size_t n, size;
	bool ok = true;

	n = ldw_prog_format_unit(prog, REQ_PATH, NULL, 0);
	tap_ok(n == sizeof(full) - 1, "formatting into no buffer measures %zu bytes", n);

	for (size = 1; size <= sizeof(buf); size++) {
		memset(buf, 'Z', sizeof(buf));
		n = ldw_prog_format_unit(prog, REQ_PATH, buf, size);
		if (n != sizeof(full) - 1 || strlen(buf) != (size - 1 < n ? size - 1 : n) ||
		    strncmp(buf, full, strlen(buf)) || (size < sizeof(buf) && buf[size] != 'Z'))
			ok = false;
	}
	tap_ok(ok, "formatting truncates at every size and never writes past it");

	ldw_prog_format_test(prog, prog->unit[REQ_PATH].first_insn, 1, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "file.path : \"/etc/ld.so.conf.d/*\""),
	       "one value of a list renders as a single-value comparison");
}

/* Collapse whitespace runs, and drop them just inside parentheses. */
static void normalize(char *s)
{
	char *start = s, *out = s;
	bool space = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = true;
			continue;
		}
		if (space && out != start && *s != ')' && out[-1] != '(')
			*out++ = ' ';
		space = false;
		*out++ = *s;
	}
	*out = '\0';
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = calloc(1, size + 1);
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/*
 * The default table, lowered to a program and written back as EQL, must be
 * the rule text's query: same clauses, same values, same order. This is
 * what "copied whole" means, checked against the spec rather than against
 * the code.
 */
static void test_table_is_the_rule_text(const char *spec_path)
{
	char *spec = read_file(spec_path), *query, *end, *ours;
	size_t len;

	if (!tap_ok(spec != NULL, "rule text %s is readable", spec_path))
		return;
	query = strstr(spec, "file where ");
	end = query ? strstr(query, "\nFramework:") : NULL;
	if (!tap_ok(query && end, "rule text holds the query")) {
		free(spec);
		return;
	}
	*end = '\0';

	len = ldw_prog_format(default_prog(), NULL, 0);
	ours = malloc(len + 1);
	if (!ours)
		abort();
	ldw_prog_format(default_prog(), ours, len + 1);

	normalize(query);
	if (!tap_ok(!strcmp(query, ours),
		    "the default rule's program, written back, is the rule text's query")) {
		size_t at = 0;

		while (query[at] && query[at] == ours[at])
			at++;
		tap_diag("first difference at byte %zu:", at);
		tap_diag("text:    ...%.60s", query + (at > 20 ? at - 20 : 0));
		tap_diag("program: ...%.60s", ours + (at > 20 ? at - 20 : 0));
	}
	free(ours);
	free(spec);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s RULE_TEXT_FILE\n", argv[0]);
		return 2;
	}
	tap_ok(ldw_rule_ncases >= 150, "the case table holds %u rule cases", ldw_rule_ncases);
	for (i = 0; i < ldw_rule_ncases; i++)
		test_rule_case(&ldw_rule_cases[i]);
	for (i = 0; i < ldw_pattern_ncases; i++)
		test_pattern_case(&ldw_pattern_cases[i], i + 1);
	test_long_cases_are_long();
	test_byte_sweeps();
	test_format_bounds();
	test_table_is_the_rule_text(argv[1]);
	return tap_done();
}
