// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the prefilter's anchors (ldwatch/anchors.h): the set
 * derived from the default rule, written here from the rule text; the
 * derivation of other file.path clauses; the name comparison, byte by byte
 * and on torn names; and soundness: every path the file.path clause
 * matches, from the shared case table and generated here, has a component
 * the anchors accept at its depth.
 *
 * Every name buffer handed to the code under test is allocated to its exact
 * size, so that ASan reports any read past the length or the NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/anchors.h>
#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "../rule_cases.h"
#include "tap.h"

/*
 * @rule lowered to a program, as the module lowers its rules, in a buffer
 * of its own (@slot 0 or 1) that the next call with that slot reuses.
 */
static const struct ldw_prog *lower(const struct ldw_rule *rule, unsigned int slot)
{
	static __u32 blobs[2][LDW_PROG_MAX_SIZE / sizeof(__u32)];
	static struct ldw_prog progs[2];
	struct ldw_prog_error verr;
	const char *err;
	size_t size;

	size = ldw_prog_from_rule(rule, blobs[slot], sizeof(blobs[slot]), &err);
	if (!size || ldw_prog_verify(blobs[slot], size, &progs[slot], &verr)) {
		fprintf(stderr, "a test rule does not lower: %s\n", size ? verr.what : err);
		abort();
	}
	return &progs[slot];
}

/* The anchors of @rule's program (whose values @a->value points into). */
static enum ldw_anchors_reason derive(const struct ldw_rule *rule, struct ldw_anchors *a)
{
	return ldw_anchors_derive(lower(rule, 0), a);
}

/* Whether @clause holds on @event: its program's TEST says. */
static bool clause_holds(const struct ldw_clause *clause, const struct ldw_event *event)
{
	const struct ldw_rule one = { .nrequirements = 1, .requirements = clause };
	unsigned int value;

	return ldw_prog_test(lower(&one, 1), 0, event, &value);
}

/* Whether @a->value is @s (NULL: absent). */
static bool value_is(const struct ldw_anchors *a, const char *s)
{
	if (!s)
		return !a->value.ptr;
	return a->value.ptr && a->value.len == strlen(s) && !memcmp(a->value.ptr, s, a->value.len);
}

/* ldw_anchors_match_name() on an exact-size copy of @name[0, @len). */
static bool name_ok(const struct ldw_anchors *a, const char *name, size_t len,
		    unsigned int depth)
{
	char *copy = malloc(len ? len : 1);
	bool hit;

	if (!copy)
		abort();
	memcpy(copy, name, len);
	hit = ldw_anchors_match_name(a, copy, len, depth);
	free(copy);
	return hit;
}

static bool name_ok_str(const struct ldw_anchors *a, const char *name, unsigned int depth)
{
	return name_ok(a, name, strlen(name), depth);
}

/*
 * The walk the kernel makes, on a path string: its components from the
 * last one (depth 0) upward, split at every '/'. "/etc/ld.so.conf.d/" is
 * "" at depth 0, "ld.so.conf.d" at 1, "etc" at 2 and "" at 3. On a hit,
 * *@depth_out is the depth it happened at.
 */
static bool walk_ok(const struct ldw_anchors *a, const char *path, size_t len,
		    unsigned int *depth_out)
{
	unsigned int depth = 0;
	size_t end = len, start;

	for (;;) {
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		if (name_ok(a, path + start, end - start, depth)) {
			if (depth_out)
				*depth_out = depth;
			return true;
		}
		if (!start)
			return false;
		end = start - 1;
		depth++;
	}
}

static bool walk_ok_str(const struct ldw_anchors *a, const char *path)
{
	return walk_ok(a, path, strlen(path), NULL);
}

static const struct ldw_anchor *find_anchor(const struct ldw_anchors *a, const char *name,
					    enum ldw_anchor_place place, bool nocase)
{
	unsigned int i;

	for (i = 0; i < a->count; i++) {
		const struct ldw_anchor *x = &a->anchor[i];

		if (x->len == strlen(name) && !memcmp(x->name, name, x->len) &&
		    x->name[x->len] == '\0' && x->place == place && x->nocase == nocase &&
		    !x->prefix)
			return x;
	}
	return NULL;
}

/* The prefix anchor @name, folding case or not, if @a has it. */
static const struct ldw_anchor *find_prefix(const struct ldw_anchors *a, const char *name,
					    bool nocase)
{
	unsigned int i;

	for (i = 0; i < a->count; i++) {
		const struct ldw_anchor *x = &a->anchor[i];

		if (x->prefix && x->len == strlen(name) && !memcmp(x->name, name, x->len) &&
		    x->name[x->len] == '\0' && x->place == LDW_ANCHOR_NAME &&
		    x->nocase == nocase)
			return x;
	}
	return NULL;
}

static void diag_anchors(const struct ldw_anchors *a)
{
	unsigned int i;

	tap_diag("pass_all %d, reason %s, unit %u, value %.*s, %u anchors:", a->pass_all,
		 ldw_anchors_reason_text(a->reason), a->unit,
		 a->value.ptr ? (int)a->value.len : 1, a->value.ptr ? a->value.ptr : "-",
		 a->count);
	for (i = 0; i < a->count; i++)
		tap_diag("  \"%s\" (%u bytes) %s %s", a->anchor[i].name, a->anchor[i].len,
			 a->anchor[i].prefix ? "prefix" :
			 a->anchor[i].place == LDW_ANCHOR_NAME ? "@0" : "@>=1",
			 a->anchor[i].nocase ? "nocase" : "exact");
}

/*
 * The rule text's requirement, line 69 of the shared rule file (STAR
 * standing for '*', which cannot follow a '/' in a C comment):
 *   file.path : ("/etc/ld.so.preload", "/etc/ld.so.conf.d/STAR", "/etc/ld.so.conf")
 * ':' folds case; two literal paths name the file itself; the third is a
 * directory followed by '*', so its name is some ancestor's. The requirement
 * is the third of the query (host.os.type, event.action, file.path).
 */
static void test_default_rule(void)
{
	struct ldw_anchors a;
	enum ldw_anchors_reason r = derive(&ldw_default_rule, &a);
	bool ok;

	ok = r == LDW_ANCHORS_OK && !a.pass_all && a.reason == LDW_ANCHORS_OK &&
	     a.count == 3 && a.unit == 2 && a.ancestors &&
	     find_anchor(&a, "ld.so.preload", LDW_ANCHOR_NAME, true) &&
	     find_anchor(&a, "ld.so.conf", LDW_ANCHOR_NAME, true) &&
	     find_anchor(&a, "ld.so.conf.d", LDW_ANCHOR_ANCESTOR, true);
	if (!tap_ok(ok, "default rule: exactly ld.so.preload@0, ld.so.conf@0, ld.so.conf.d@>=1, "
		    "case-insensitive, from requirement 3"))
		diag_anchors(&a);
}

/* Names, one at a time, at the depths they are and are not anchors at. */
static void test_default_names(void)
{
	static const struct {
		const char *name;
		size_t len;		/* 0: strlen(name) */
		unsigned int depth;
		bool expect;
	} cases[] = {
		{ "ld.so.preload", 0, 0, true },
		{ "LD.SO.PRELOAD", 0, 0, true },
		{ "Ld.So.PreLoad", 0, 0, true },
		{ "ld.so.conf", 0, 0, true },
		{ "LD.SO.CONF", 0, 0, true },
		{ "ld.so.conf.d", 0, 1, true },
		{ "LD.so.CONF.d", 0, 1, true },
		{ "ld.so.conf.d", 0, 7, true },
		{ "ld.so.conf.d", 0, 1000, true },
		/* Right name, wrong depth. */
		{ "ld.so.preload", 0, 1, false },	/* /etc/ld.so.preload/x */
		{ "ld.so.conf", 0, 1, false },
		{ "ld.so.conf.d", 0, 0, false },	/* the directory itself */
		/* Near misses. */
		{ "ld.so.preloa", 0, 0, false },
		{ "ld.so.prel", 0, 0, false },		/* a prefix as long as ld.so.conf */
		{ "ld.so.preload.", 0, 0, false },
		{ "ld.so.preload~", 0, 0, false },
		{ ".ld.so.preload", 0, 0, false },
		{ "ld.so.preload.swp", 0, 0, false },
		{ "ld.so.con", 0, 0, false },
		{ "ld.so.conf.", 0, 0, false },
		{ "ld.so.conf.dd", 0, 1, false },
		{ "ld.so.conf.", 0, 1, false },
		{ "ld_so_preload", 0, 0, false },
		{ "ld.so.prelo\xc1" "d", 0, 0, false },	/* bytes >= 0x80 never fold */
		{ "ld.so.preload\0", 14, 0, false },	/* a NUL is a byte like others */
		{ "ld.so.pre\0oad", 13, 0, false },
		{ "", 0, 0, false },
		{ "", 0, 1, false },
		{ "passwd", 0, 0, false },
		{ "etc", 0, 1, false },
		{ "/", 0, 2, false },			/* a file system's root dentry */
	};
	struct ldw_anchors a;
	unsigned int i;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < LDW_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].name);

		tap_ok(name_ok(&a, cases[i].name, len, cases[i].depth) == cases[i].expect,
		       "default rule: name \"%.*s\" (%zu bytes) at depth %u is %s", (int)len,
		       cases[i].name, len, cases[i].depth, cases[i].expect ? "an anchor" : "not");
	}
}

/*
 * Every byte in place of each letter of each anchor: only that letter, in
 * either case, keeps the name an anchor; and only at the anchor's depths.
 */
static void test_byte_sweeps(void)
{
	static const struct {
		const char *name;
		unsigned int depth;
	} anchors[] = { { "ld.so.preload", 0 }, { "ld.so.conf", 0 }, { "ld.so.conf.d", 1 } };
	struct ldw_anchors a;
	unsigned int i, b, bad = 0, tried = 0;
	size_t j;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < LDW_ARRAY_SIZE(anchors); i++) {
		char name[32];
		size_t len = strlen(anchors[i].name);

		for (j = 0; j < len; j++) {
			char c = anchors[i].name[j];

			for (b = 0; b <= 0xff; b++) {
				bool same = b == (unsigned char)c ||
					    (c >= 'a' && c <= 'z' && b == (unsigned int)(c - 'a' + 'A'));

				memcpy(name, anchors[i].name, len);
				name[j] = (char)b;
				tried++;
				if (name_ok(&a, name, len, anchors[i].depth) != same)
					bad++;
				if (name_ok(&a, name, len, !anchors[i].depth))
					bad++;
			}
		}
	}
	tap_ok(!bad, "default rule: byte sweeps over every anchor letter (%u names, %u wrong)",
	       tried, bad);
}

/*
 * A concurrent rename can hand over a name and a length that do not belong
 * together. The compare must stop at the name's NUL: the buffers below end
 * right after it, so ASan reports any read past.
 */
static void test_torn_names(void)
{
	static const struct {
		const char *name;	/* stored with its NUL, in an exact buffer */
		size_t len;		/* the (wrong) length read */
		unsigned int depth;
		bool expect;
	} cases[] = {
		{ "ld.so", 13, 0, false },		/* length of ld.so.preload */
		{ "ld.so.conf", 12, 1, false },		/* length of ld.so.conf.d */
		{ "l", 10, 0, false },
		{ "", 13, 0, false },
		{ "ld.so.preload", 13, 0, true },	/* agreeing pair */
		{ "ld.so.conf.d", 12, 1, true },
		{ "ld.so.conf.d", 10, 0, true },	/* a prefix that is an anchor */
	};
	struct ldw_anchors a;
	unsigned int i;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < LDW_ARRAY_SIZE(cases); i++) {
		size_t size = strlen(cases[i].name) + 1;
		char *buf = malloc(size);
		bool hit;

		if (!buf)
			abort();
		memcpy(buf, cases[i].name, size);
		hit = ldw_anchors_match_name(&a, buf, cases[i].len, cases[i].depth);
		free(buf);
		tap_ok(hit == cases[i].expect, "torn name \"%s\" read with length %zu: %s",
		       cases[i].name, cases[i].len, cases[i].expect ? "an anchor" : "not, no over-read");
	}
}

/* The file.path clause of the default rule holds on @path (the matcher says). */
static bool path_clause_holds(const struct ldw_clause *clause, const char *path, size_t len)
{
	struct ldw_event event;

	ldw_event_fill(&event, (struct ldw_str){ "creation", 8 }, (struct ldw_str){ path, len },
		       LDW_STR_ABSENT, (struct ldw_str){ "/bin/sh", 7 });
	return clause_holds(clause, &event);
}

/* Soundness over the shared case table: every case whose file.path matches. */
static void test_case_table(void)
{
	const struct ldw_clause *clause = &ldw_default_rule.requirements[REQ_PATH];
	unsigned int i, holding = 0, by_verdict = 0, missed = 0;
	struct ldw_anchors a;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < ldw_rule_ncases; i++) {
		const struct ldw_rule_case *c = &ldw_rule_cases[i];
		struct ldw_event event;
		struct ldw_str path;
		/* The table's hand-written verdict says file.path held ... */
		bool verdict = c->outcome != LDW_NO_MATCH || c->index > REQ_PATH;

		ldw_rule_case_event(c, &event);
		path = event.field[LDW_FIELD_FILE_PATH];
		/* ... or, where an earlier requirement failed, the matcher does. */
		if (!verdict && !clause_holds(clause, &event))
			continue;
		holding++;
		by_verdict += verdict;
		if (!path.ptr || !walk_ok(&a, path.ptr, path.len, NULL)) {
			missed++;
			tap_diag("missed: %s (%zu-byte path)", c->name, path.len);
		}
	}
	tap_ok(!missed && by_verdict >= 50,
	       "case table: all %u cases whose file.path matches (%u by their verdict) are candidates",
	       holding, by_verdict);
}

/* A deterministic generator, so a failure reproduces. */
static unsigned int lcg(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 16;
}

static void vary_case(char *s, size_t len, unsigned int *state)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(lcg(state) & 1))
			continue;
		if (c >= 'a' && c <= 'z')
			s[i] = c - 'a' + 'A';
		else if (c >= 'A' && c <= 'Z')
			s[i] = c - 'A' + 'a';
	}
}

/*
 * Soundness over generated paths: the targets in random case, below
 * ld.so.conf.d at every depth to 100, with trailing and doubled slashes,
 * and with names that are themselves anchors. Each path is first checked
 * to match the clause, so that a wrong generator cannot pass silently.
 */
static void test_generated_paths(void)
{
	static const char *const bases[] = {
		"/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d/x.conf",
		"/etc/ld.so.conf.d/", "/etc/ld.so.conf.d/a/", "/etc/ld.so.conf.d//x",
		"/etc/ld.so.conf.d/ld.so.conf.d", "/etc/ld.so.conf.d/ld.so.preload/x",
		"/etc/ld.so.conf.d/a/b/c.conf", "/etc/ld.so.conf.d/.x.conf.swp",
		"/etc/ld.so.conf.d/\n\x01\xff", "/etc/ld.so.conf.d/x/ld.so.conf.d/",
	};
	const struct ldw_clause *clause = &ldw_default_rule.requirements[REQ_PATH];
	unsigned int i, k, state = 1, tried = 0, missed = 0, wrong = 0;
	static char path[4096];
	struct ldw_anchors a;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < LDW_ARRAY_SIZE(bases); i++) {
		size_t len = strlen(bases[i]);

		for (k = 0; k < 300; k++) {
			memcpy(path, bases[i], len);
			vary_case(path, len, &state);
			tried++;
			if (!path_clause_holds(clause, path, len)) {
				wrong++;
				tap_diag("generator: %.*s does not match", (int)len, path);
			} else if (!walk_ok(&a, path, len, NULL)) {
				missed++;
				tap_diag("missed: %.*s", (int)len, path);
			}
		}
	}
	for (k = 0; k <= 100; k++) {
		size_t len = strlen("/eTc/Ld.So.CoNf.D");

		memcpy(path, "/eTc/Ld.So.CoNf.D", len);
		for (i = 0; i < k; i++) {
			memcpy(path + len, "/d", 2);
			len += 2;
		}
		memcpy(path + len, "/f.conf", 7);
		len += 7;
		tried++;
		if (!path_clause_holds(clause, path, len))
			wrong++;
		else if (!walk_ok(&a, path, len, NULL))
			missed++;
	}
	tap_ok(!wrong, "generated paths: all %u match the default file.path clause", tried);
	tap_ok(!missed, "generated paths: all %u are candidates (%u missed)", tried, missed);
}

/* Paths no target can be: the walk must meet no anchor. */
static void test_default_rejects(void)
{
	static const char *const paths[] = {
		"/etc/passwd", "/etc/ld.so.cache", "/etc/ld.so.conf.d", "/etc/ld.so.preload/x",
		"/etc/ld.so.conf/x", "/tmp/ld.so.conf.d.bak/x", "/etc/ld.so.conf.dd/x.conf",
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "/home/u/.cache/ld.so.preload.swp",
		"/var/lib/dpkg/info/libc6.list", "/etc/ld.so.conf.d.dpkg-new",
		"/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z", "x", "",
	};
	struct ldw_anchors a;
	unsigned int i;

	derive(&ldw_default_rule, &a);
	for (i = 0; i < LDW_ARRAY_SIZE(paths); i++)
		tap_ok(!walk_ok_str(&a, paths[i]), "default rule: \"%s\" is not a candidate",
		       paths[i]);
}

/* A rule of one requirement: file.path @op (@values). */
#define MAX_VALUES 10

struct derive_case {
	const char *name;
	enum ldw_op op;
	const char *values[MAX_VALUES + 1];
	enum ldw_anchors_reason reason;
	const char *failed;		/* the value reported, for a failure */
	/* The expected anchors: "name@0" or "name@1+", '~' first for nocase. */
	const char *anchors[MAX_VALUES + 1];
	/* Paths the clause matches (each checked) that must be candidates. */
	const char *matching[4];
	/* Paths that must not be candidates. */
	const char *rejected[4];
};

#define WN LDW_OP_WILDCARD_NOCASE
#define WC LDW_OP_WILDCARD
#define EQ LDW_OP_EQUAL
#define EN LDW_OP_EQUAL_NOCASE
#define FAILS(reason, value) reason, value, { NULL }, { NULL }, { NULL }

/* "/x/" and a name of 255 and 256 bytes: filled in by main(). */
static char long255[3 + 255 + 1], long256[3 + 256 + 1];

static void fill_long(char *buf, size_t name_len)
{
	memcpy(buf, "/x/", 3);
	memset(buf + 3, 'a', name_len);
	buf[3 + name_len] = '\0';
}

static const struct derive_case derive_cases[] = {
	{ "':' literal", WN, { "/etc/ld.so.preload" }, LDW_ANCHORS_OK, NULL,
	  { "~ld.so.preload@0" }, { "/etc/LD.so.preload" }, { "/etc/ld.so.preload/x" } },
	{ "'like' is case-sensitive", WC, { "/etc/ld.so.conf.d/*" }, LDW_ANCHORS_OK, NULL,
	  { "ld.so.conf.d@1+" }, { "/etc/ld.so.conf.d/a/b", "/etc/ld.so.conf.d/" },
	  { "/etc/LD.SO.CONF.D/x", "/etc/ld.so.conf.d" } },
	{ "'in' takes '*' literally", EQ, { "/dev/fd/*" }, LDW_ANCHORS_OK, NULL,
	  { "*@0" }, { "/dev/fd/*" }, { "/dev/fd/3" } },
	{ "'in~' folds case", EN, { "/ETC/LD.SO.PRELOAD" }, LDW_ANCHORS_OK, NULL,
	  { "~ld.so.preload@0" }, { "/etc/ld.so.preload", "/Etc/Ld.So.Preload" },
	  { "/etc/ld.so.preload.x" } },
	{ "'==' keeps case", EQ, { "/etc/Ld.So.Preload" }, LDW_ANCHORS_OK, NULL,
	  { "Ld.So.Preload@0" }, { "/etc/Ld.So.Preload" }, { "/etc/ld.so.preload" } },
	{ "relative literal", WN, { "ld.so.preload" }, LDW_ANCHORS_OK, NULL,
	  { "~ld.so.preload@0" }, { "LD.SO.PRELOAD" }, { "/x" } },
	{ "literal after the last wildcard", WN, { "/srv/*/etc/ld.so.preload" },
	  LDW_ANCHORS_OK, NULL, { "~ld.so.preload@0" },
	  { "/srv/a/b/etc/ld.so.preload", "/srv//etc/ld.so.preload" }, { "/srv/etc/x" } },
	{ "'?' is a wildcard too", WN, { "/?tc/ld.so.preload" }, LDW_ANCHORS_OK, NULL,
	  { "~ld.so.preload@0" }, { "/etc/ld.so.preload", "//tc/ld.so.preload" }, { NULL } },
	{ "literal before the first wildcard", WN, { "/etc/*.conf" }, LDW_ANCHORS_OK, NULL,
	  { "~etc@1+" }, { "/etc/a.conf", "/etc/a/b/c.conf", "/ETC/.conf" },
	  { "/etc", "/x/a.conf" } },
	{ "the last whole literal component", WN, { "/a/b/c?/d*" }, LDW_ANCHORS_OK, NULL,
	  { "~b@1+" }, { "/a/b/cx/d", "/a/b/c//d/e" }, { "/a/x/c1/d" } },
	{ "a final '/' after a wildcard", WN, { "/etc/*/" }, LDW_ANCHORS_OK, NULL,
	  { "~etc@1+" }, { "/etc/x/", "/etc//" }, { NULL } },
	{ "relative prefix", WN, { "etc/*" }, LDW_ANCHORS_OK, NULL,
	  { "~etc@1+" }, { "etc/x" }, { "/tmp/etc" } },
	{ "doubled slashes", WN, { "//x/*" }, LDW_ANCHORS_OK, NULL,
	  { "~x@1+" }, { "//x/y" }, { NULL } },
	{ "mixed values, duplicates folded", WN,
	  { "/etc/A", "/etc/a", "/usr/a", "/etc/b/*", "/tmp/B/*" }, LDW_ANCHORS_OK, NULL,
	  { "~a@0", "~b@1+" }, { "/etc/A", "/usr/a", "/etc/b/c", "/tmp/b/c" }, { "/b", "/a/x" } },
	{ "exact case: another case is another name", EQ, { "/x/Name" }, LDW_ANCHORS_OK,
	  NULL, { "Name@0" }, { "/x/Name" }, { "/x/name" } },
	{ "NAME_MAX-long name", WN, { long255 }, LDW_ANCHORS_OK, NULL,
	  { NULL }, { long255 }, { "/x/a" } },
	{ "8 names", WN, { "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8" },
	  LDW_ANCHORS_OK, NULL, { "~1@0", "~2@0", "~3@0", "~4@0", "~5@0", "~6@0", "~7@0", "~8@0" },
	  { "/8" }, { "/9" } },
	{ "9 values, 8 names", WN, { "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8", "/X/8" },
	  LDW_ANCHORS_OK, NULL, { "~1@0", "~2@0", "~3@0", "~4@0", "~5@0", "~6@0", "~7@0", "~8@0" },
	  { "/X/8" }, { NULL } },
	{ "9 names", WN, { "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8", "/9" },
	  FAILS(LDW_ANCHORS_TOO_MANY, "/9") },
	{ "over NAME_MAX", WN, { "/etc/x", long256 }, FAILS(LDW_ANCHORS_TOO_LONG, long256) },
	{ "'*' alone", WN, { "/etc/ld.so.preload", "*" }, FAILS(LDW_ANCHORS_UNANCHORED, "*") },
	{ "'*' then a suffix", WN, { "*.conf" }, FAILS(LDW_ANCHORS_UNANCHORED, "*.conf") },
	{ "'/' and a wildcard", WC, { "/*" }, FAILS(LDW_ANCHORS_UNANCHORED, "/*") },
	{ "a wildcard in the first name", WN, { "/e*c/ld.so.conf.d/*" },
	  FAILS(LDW_ANCHORS_PREFIX_SHORT, "/e*c/ld.so.conf.d/*") },
	/* Prefix anchors: "ld-linux@pfx", the start of a name at any depth. */
	{ "Elastic's ld.so creation: a prefix", WN, { "/lib*/ld-linux*.so*" },
	  LDW_ANCHORS_OK, NULL, { "~ld-linux@pfx" },
	  { "/lib/ld-linux-x86-64.so.2", "/lib64/LD-LINUX.SO.2", "/lib/ld-linux.so/evil",
	    "/lib/x/Ld-Linux.so" },
	  { "/lib/ldlinux.so", "/lib/ld-linu", "/usr/lib/ld.so.2", "/lib/xld-linux.so" } },
	{ "'like' keeps the prefix's case", WC, { "/lib*/ld-linux*.so*" },
	  LDW_ANCHORS_OK, NULL, { "ld-linux@pfx" },
	  { "/lib/ld-linux.so.2", "/lib64/ld-linux-x86-64.so.2" },
	  { "/lib/LD-LINUX.so.2", "/lib/Ld-linux.so" } },
	{ "a longer prefix wins over a short ancestor name", WN, { "/usr/lib*/ld-linux*.so*" },
	  LDW_ANCHORS_OK, NULL, { "~ld-linux@pfx" },
	  { "/usr/lib/ld-linux.so.2", "/usr/lib64/x/ld-linux.so" },
	  { "/usr/lib/libc.so.6", "/usr/bin/ld" } },
	{ "a longer ancestor name wins over a prefix", WN, { "/etc/ld.so.conf.d/abcd*" },
	  LDW_ANCHORS_OK, NULL, { "~ld.so.conf.d@1+" },
	  { "/etc/ld.so.conf.d/abcd.conf", "/etc/ld.so.conf.d/abcd/x" }, { "/etc/abcd.conf" } },
	{ "an ancestor name as long as the prefix wins", WN, { "/abcd/efgh*" },
	  LDW_ANCHORS_OK, NULL, { "~abcd@1+" },
	  { "/abcd/efgh", "/abcd/efghi/j" }, { "/x/efgh" } },
	{ "Elastic's two values: one prefix", WN,
	  { "/lib*/ld-linux*.so*", "/usr/lib*/ld-linux*.so*" }, LDW_ANCHORS_OK, NULL,
	  { "~ld-linux@pfx" },
	  { "/lib/ld-linux.so.2", "/usr/lib/ld-linux.so.2", "/lib/ld-linux.so/x" },
	  { "/lib/libc.so.6", "/etc/ld.so.preload", "/usr/lib/libc.so.6" } },
	{ "a whole file name wins over a prefix", WN, { "/lib*/ld-linux-x86-64.so.2" },
	  LDW_ANCHORS_OK, NULL, { "~ld-linux-x86-64.so.2@0" },
	  { "/lib64/ld-linux-x86-64.so.2" }, { "/lib64/ld-linux-x86-64.so.3" } },
	{ "a prefix of the shortest length", WN, { "/x*/abcd?" }, LDW_ANCHORS_OK, NULL,
	  { "~abcd@pfx" }, { "/x/abcde", "/xy/z/ABCD/" }, { "/x/abc", "/x/abdc/e" } },
	{ "the longest prefix", WN, { "/libfoo*/ld*" }, LDW_ANCHORS_OK, NULL,
	  { "~libfoo@pfx" }, { "/libfoo/ld", "/libfoo.d/x/ld.so" }, { "/lib/ld.so" } },
	{ "the later of two equally long prefixes", WN, { "/abcd*/efgh*" }, LDW_ANCHORS_OK,
	  NULL, { "~efgh@pfx" }, { "/abcd/efgh", "/abcdx/y/efghz" }, { "/abcd/x" } },
	{ "'?' ends a prefix too", WN, { "/dir?/conf?x" }, LDW_ANCHORS_OK, NULL,
	  { "~conf@pfx" }, { "/dir1/conf.x", "/dir//confxx" }, { "/dir1/con" } },
	{ "a prefix needs a '/' before it", WN, { "*ld-linux*" },
	  FAILS(LDW_ANCHORS_UNANCHORED, "*ld-linux*") },
	{ "a prefix under 4 bytes", WN, { "/lib*/ld-*" },
	  FAILS(LDW_ANCHORS_PREFIX_SHORT, "/lib*/ld-*") },
	{ "one short prefix fails the requirement", WN, { "/lib*/ld-linux*", "/lib*/ld*" },
	  FAILS(LDW_ANCHORS_PREFIX_SHORT, "/lib*/ld*") },
	{ "a directory path", WN, { "/etc/" }, FAILS(LDW_ANCHORS_EMPTY_COMPONENT, "/etc/") },
	{ "an empty value", EN, { "" }, FAILS(LDW_ANCHORS_EMPTY_COMPONENT, "") },
	{ "a directory path under 'in'", EQ, { "/etc/ld.so.conf.d/" },
	  FAILS(LDW_ANCHORS_EMPTY_COMPONENT, "/etc/ld.so.conf.d/") },
	{ "file.path == null", LDW_OP_IS_NULL, { NULL }, FAILS(LDW_ANCHORS_UNSUPPORTED_OP, NULL) },
	/* An unknown operator cannot reach derivation: the verifier refuses it. */
};

/* Whether anchor spec @spec ("~name@0") is in @a; @spec of a NULL name: none. */
static bool has_spec(const struct ldw_anchors *a, const char *spec)
{
	bool nocase = spec[0] == '~';
	const char *at = strrchr(spec, '@');
	char name[300];

	spec += nocase;
	if (!at || (size_t)(at - spec) >= sizeof(name))
		return false;
	memcpy(name, spec, at - spec);
	name[at - spec] = '\0';
	if (!strcmp(at, "@pfx"))
		return find_prefix(a, name, nocase);
	return find_anchor(a, name, strcmp(at, "@0") ? LDW_ANCHOR_ANCESTOR : LDW_ANCHOR_NAME,
			   nocase);
}

static void test_derive_case(const struct derive_case *c)
{
	const struct ldw_clause clause = {
		.field = LDW_FIELD_FILE_PATH,
		.op = c->op,
		.values = c->op == LDW_OP_IS_NULL ? NULL : c->values,
	};
	const struct ldw_rule rule = { .nrequirements = 1, .requirements = &clause };
	unsigned int i, n = 0, bad = 0;
	struct ldw_anchors a;
	enum ldw_anchors_reason r;
	bool ok;

	memset(&a, 0xa5, sizeof(a));	/* derive must set every field it reports */
	r = derive(&rule, &a);
	ok = r == c->reason && a.reason == c->reason && a.pass_all == (c->reason != 0);
	if (c->reason) {
		ok = ok && a.unit == 0 && a.count == 0 && value_is(&a, c->failed);
		/* Passing everything: every name at every depth. */
		ok = ok && name_ok_str(&a, "x", 0) && name_ok_str(&a, "", 3) &&
		     walk_ok_str(&a, "/tmp/x");
	} else if (c->values[0] == long255) {
		ok = ok && a.count == 1 && a.anchor[0].len == 255 &&
		     a.anchor[0].place == LDW_ANCHOR_NAME;
	} else {
		bool ancestors = false;

		for (i = 0; c->anchors[i]; i++) {
			n++;
			ok = ok && has_spec(&a, c->anchors[i]);
			ancestors |= strstr(c->anchors[i], "@1+") || strstr(c->anchors[i], "@pfx");
		}
		ok = ok && a.count == n && !a.value.ptr && a.ancestors == ancestors;
	}
	for (i = 0; i < 4 && c->matching[i]; i++) {
		const char *p = c->matching[i];

		if (!path_clause_holds(&clause, p, strlen(p)) || !walk_ok_str(&a, p)) {
			bad++;
			tap_diag("%s: does not match, or is no candidate", p);
		}
	}
	for (i = 0; i < 4 && c->rejected[i]; i++) {
		if (walk_ok_str(&a, c->rejected[i])) {
			bad++;
			tap_diag("%s: is a candidate", c->rejected[i]);
		}
	}
	if (!tap_ok(ok && !bad, "derive: %s: %s", c->name, ldw_anchors_reason_text(c->reason)))
		diag_anchors(&a);
}

/* With several file.path requirements, the first usable one gives the set. */
static void test_derive_clauses(void)
{
	static const char *const star[] = { "*", NULL };
	static const char *const conf[] = { "/etc/*.conf", NULL };
	static const char *const preload[] = { "/x/ld.so.preload", NULL };
	static const char *const creation[] = { "creation", NULL };
	const struct ldw_clause two[] = {
		{ LDW_FIELD_EVENT_ACTION, LDW_OP_EQUAL, creation },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, star },
		{ LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, preload },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD, conf },
	};
	const struct ldw_rule rule2 = { .nrequirements = 4, .requirements = two };
	const struct ldw_rule only_action = { .nrequirements = 1, .requirements = two };
	const struct ldw_rule only_star = { .nrequirements = 2, .requirements = two };
	const struct ldw_conjunction path_excluded = { 1, &two[3] };
	const struct ldw_rule exclusion_only = {
		.nrequirements = 1, .requirements = two,
		.nexclusions = 1, .exclusions = &path_excluded,
	};
	struct ldw_anchors a;

	tap_ok(derive(&rule2, &a) == LDW_ANCHORS_OK && a.unit == 3 &&
	       a.count == 1 && find_anchor(&a, "etc", LDW_ANCHOR_ANCESTOR, false),
	       "derive: the first usable file.path requirement (4th) gives the set");
	tap_ok(derive(&only_star, &a) == LDW_ANCHORS_UNANCHORED && a.pass_all &&
	       a.unit == 1 && value_is(&a, star[0]),
	       "derive: an unusable file.path requirement is reported with its value");
	tap_ok(derive(&only_action, &a) == LDW_ANCHORS_NO_PATH_CLAUSE &&
	       a.pass_all && !a.value.ptr,
	       "derive: a rule without a file.path requirement passes everything");
	tap_ok(derive(&exclusion_only, &a) == LDW_ANCHORS_NO_PATH_CLAUSE && a.pass_all,
	       "derive: file.path in an exclusion only passes everything");
}

/* Build a one-unit REQUIRE program from postfix @code ("T" a TEST, "!&|"). */
struct shape_test {
	enum ldw_field field;
	enum ldw_op op;
	const char *value;
};

static enum ldw_anchors_reason derive_shape(const char *code, const struct shape_test *tests,
					    struct ldw_anchors *a)
{
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	struct ldw_prog_builder b;
	struct ldw_prog_error verr;
	struct ldw_prog prog;
	const char *err;
	size_t size;

	ldw_prog_build_init(&b, blob, sizeof(blob));
	ldw_prog_build_begin_unit(&b, LDW_UNIT_REQUIRE);
	for (; *code; code++) {
		if (*code == 'T') {
			struct ldw_str v = { tests->value, strlen(tests->value) };

			ldw_prog_build_test(&b, tests->field, tests->op, &v, 1);
			tests++;
		} else {
			ldw_prog_build_op(&b, *code == '!' ? LDW_INSN_NOT :
					  *code == '&' ? LDW_INSN_AND : LDW_INSN_OR);
		}
	}
	ldw_prog_build_end_unit(&b);
	size = ldw_prog_build_finish(&b, &err);
	if (!size || ldw_prog_verify(blob, size, &prog, &verr))
		abort();
	return ldw_anchors_derive(&prog, a);
}

/*
 * A requirement that is an OR of TESTs on file.path gives the union of
 * their anchors (when it holds, one of them does); any other shape that
 * mentions file.path gives none.
 */
static void test_derive_shapes(void)
{
	static const struct shape_test or_of_two[] = {
		{ LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/etc/ld.so.preload" },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD, "/etc/ld.so.conf.d/*" },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, "/lib*/ld-linux*.so*" },
	};
	static const struct shape_test short_one[] = {
		{ LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/etc/ld.so.preload" },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD, "/etc/ld.so.conf.d/*" },
		{ LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, "/lib*/ld*" },
	};
	static const struct shape_test mixed[] = {
		{ LDW_FIELD_FILE_PATH, LDW_OP_EQUAL, "/etc/ld.so.preload" },
		{ LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, "sh" },
	};
	struct ldw_anchors a;

	tap_ok(derive_shape("TT|", or_of_two, &a) == LDW_ANCHORS_OK && a.count == 2 &&
	       find_anchor(&a, "ld.so.preload", LDW_ANCHOR_NAME, false) &&
	       find_anchor(&a, "ld.so.conf.d", LDW_ANCHOR_ANCESTOR, false) &&
	       walk_ok_str(&a, "/etc/ld.so.preload") && walk_ok_str(&a, "/etc/ld.so.conf.d/x") &&
	       !walk_ok_str(&a, "/etc/passwd"),
	       "derive: an OR of file.path comparisons gives the union of their anchors");
	tap_ok(derive_shape("TT|T|", or_of_two, &a) == LDW_ANCHORS_OK && a.count == 3 &&
	       find_prefix(&a, "ld-linux", true) && walk_ok_str(&a, "/lib/ld-linux.so.2") &&
	       !walk_ok_str(&a, "/lib/ldlinux.so.2"),
	       "derive: a prefix value in an OR adds its prefix to the union");
	tap_ok(derive_shape("TT|", or_of_two + 1, &a) == LDW_ANCHORS_OK && a.count == 2,
	       "derive: a whole ancestor name and a prefix in one OR");
	tap_ok(derive_shape("TT|T|", short_one, &a) == LDW_ANCHORS_PREFIX_SHORT && a.pass_all &&
	       value_is(&a, "/lib*/ld*"),
	       "derive: one value with too short a prefix in an OR makes the requirement unusable");
	tap_ok(derive_shape("T!", or_of_two, &a) == LDW_ANCHORS_UNSUPPORTED_SHAPE && a.pass_all,
	       "derive: not (file.path ...) gives no anchors");
	tap_ok(derive_shape("TT&", mixed, &a) == LDW_ANCHORS_UNSUPPORTED_SHAPE && a.pass_all,
	       "derive: file.path and another field's comparison: not this shape");
	tap_ok(derive_shape("TT|", mixed, &a) == LDW_ANCHORS_UNSUPPORTED_SHAPE && a.pass_all,
	       "derive: file.path or another field's comparison: no anchors (the other may hold)");
}

/* The anchors of file.path @op (@value), one value. */
static void derive_one(enum ldw_op op, const char *value, struct ldw_anchors *a)
{
	const char *const values[] = { value, NULL };
	const struct ldw_clause clause = { LDW_FIELD_FILE_PATH, op, values };
	const struct ldw_rule rule = { .nrequirements = 1, .requirements = &clause };

	derive(&rule, a);
}

/*
 * A prefix anchor ("ld-linux", case folded) against names at the file's
 * place and an ancestor's, shorter and longer than it, over NAME_MAX, with
 * a NUL inside, and torn (the buffers end at the NUL: ASan sees over-reads).
 */
static void test_prefix_names(void)
{
	static const struct {
		const char *name;
		size_t len;		/* 0: strlen(name) */
		unsigned int depth;
		bool expect;
	} cases[] = {
		{ "ld-linux", 0, 0, true },
		{ "ld-linux", 0, 1, true },
		{ "ld-linux", 0, 40, true },
		{ "ld-linux-x86-64.so.2", 0, 0, true },
		{ "ld-linux.so", 0, 1, true },			/* /lib/ld-linux.so/evil */
		{ "LD-Linux-X86-64.SO.2", 0, 0, true },
		{ "ld-linux\xff", 0, 0, true },
		{ "ld-linu", 0, 0, false },			/* shorter than the prefix */
		{ "ld-lin", 0, 3, false },
		{ "l", 0, 0, false },
		{ "", 0, 0, false },
		{ "ldlinux.so", 0, 0, false },
		{ "xld-linux.so", 0, 0, false },
		{ "ld_linux.so", 0, 0, false },
		{ "ld-linu\xd8.so", 0, 0, false },		/* bytes >= 0x80 never fold */
		{ "ld-lin\0x.so", 11, 0, false },		/* a NUL inside */
		{ "ld-linux\0", 9, 0, true },			/* the prefix, then a NUL */
	};
	static char longname[400];
	struct ldw_anchors a;
	unsigned int i;

	derive_one(WN, "/lib*/ld-linux*.so*", &a);
	for (i = 0; i < LDW_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].name);

		tap_ok(name_ok(&a, cases[i].name, len, cases[i].depth) == cases[i].expect,
		       "prefix ld-linux: name \"%.*s\" (%zu bytes) at depth %u is %s", (int)len,
		       cases[i].name, len, cases[i].depth, cases[i].expect ? "an anchor" : "not");
	}
	memset(longname, 'x', sizeof(longname));
	memcpy(longname, "ld-linux", 8);
	tap_ok(name_ok(&a, longname, 300, 0) && name_ok(&a, longname, 256, 2) &&
	       name_ok(&a, longname, 264, 0) && !name_ok(&a, longname + 1, 300, 0),
	       "prefix ld-linux: names over NAME_MAX bytes that start with it are anchors");

	/* Torn: a name and a longer length from another. */
	{
		static const char *const torn[] = { "ld-li", "ld-linu", "", "l" };
		unsigned int bad = 0;

		for (i = 0; i < LDW_ARRAY_SIZE(torn); i++) {
			size_t size = strlen(torn[i]) + 1;
			char *buf = malloc(size);

			if (!buf)
				abort();
			memcpy(buf, torn[i], size);
			bad += ldw_anchors_match_name(&a, buf, 20, 0);
			bad += ldw_anchors_match_name(&a, buf, 20, 1);
			free(buf);
		}
		tap_ok(!bad, "prefix ld-linux: torn names read with a longer length: no match, "
		       "no over-read");
	}

	derive_one(WC, "/lib*/ld-linux*.so*", &a);
	tap_ok(name_ok_str(&a, "ld-linux.so", 0) && name_ok_str(&a, "ld-linux.so", 2) &&
	       !name_ok_str(&a, "LD-LINUX.so", 0) && !name_ok_str(&a, "ld-Linux.so", 1),
	       "prefix ld-linux under 'like': exact case only");
}

/* places[]: the prefix bit from the prefix's length up, whole names' bits alone. */
static void test_prefix_places(void)
{
	const char *const values[] = { "/lib*/ld-linux*.so*", "/etc/ld.so.preload", NULL };
	const struct ldw_clause clause = { LDW_FIELD_FILE_PATH, WN, values };
	const struct ldw_rule rule = { .nrequirements = 1, .requirements = &clause };
	unsigned int len, bad = 0;
	struct ldw_anchors a;

	derive(&rule, &a);
	for (len = 0; len <= LDW_ANCHOR_NAME_MAX; len++) {
		unsigned int want = (len >= 8 ? LDW_ANCHORS_PREFIX_BIT : 0) |
				    (len == 13 ? 1u << LDW_ANCHOR_NAME : 0);

		bad += a.places[len] != want;
	}
	tap_ok(!bad && a.prefixes && a.ancestors && a.count == 2,
	       "prefix ld-linux and ld.so.preload@0: places[] has the prefix bit from 8 "
	       "bytes up, the name's bit at 13 only (%u wrong)", bad);
	derive(&ldw_default_rule, &a);
	tap_ok(!a.prefixes, "the default rule has no prefix anchor");
}

/* The bit of @name's first four bytes in @firsts, as the hooks read it. */
static bool first_bit(const unsigned char *firsts, const char *name)
{
	const unsigned char *n = (const unsigned char *)name;
	unsigned int key = ldw_anchors_first_key(ldw_anchors_first4(n[0], n[1], n[2], n[3]));

	return firsts[key];
}

/* A small deterministic generator: the same names on every run. */
static uint32_t test_rand(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * ldw_anchors_firsts(): every name an anchor's compare accepts has its
 * bit set (the inline walk may skip the compare only where the bit is
 * clear), and few others do.
 */
static void test_prefix_firsts(void)
{
	static unsigned char firsts[LDW_ANCHORS_FIRSTS_BYTES];
	static const struct {
		enum ldw_op op;
		const char *value;
		unsigned int bits;	/* the bits set, counted by hand */
	} cases[] = {
		{ WN, "/lib*/ld-linux*.so*", 8 },	/* l, d, l: 2 * 2 * 2 cases */
		{ WC, "/lib*/ld-linux*.so*", 1 },
		{ WN, "/x*/4.2-*", 1 },			/* no letters */
		{ WN, "/x*/a1b2*", 4 },			/* a, b */
		{ WN, "/etc/ld.so.preload", 0 },	/* whole names: none */
	};
	unsigned int i, c, k, total;

	for (i = 0; i < LDW_ARRAY_SIZE(cases); i++) {
		unsigned int set = 0, missed = 0, extra = 0, n;
		uint32_t seed = 1;
		struct ldw_anchors a;
		char name[64];
		size_t len;

		derive_one(cases[i].op, cases[i].value, &a);
		memset(firsts, 0, sizeof(firsts));
		ldw_anchors_firsts(&a, firsts);
		for (k = 0; k < LDW_ANCHORS_FIRSTS_BYTES; k++)
			set += firsts[k] != 0;
		len = a.count ? a.anchor[0].len : 4;
		/* Every case of the prefix, and more after it. */
		for (c = 0; a.count && a.anchor[0].prefix && c < 16; c++) {
			memcpy(name, a.anchor[0].name, len);
			for (k = 0; k < 4; k++)
				if (c & (1u << k) && name[k] >= 'a' && name[k] <= 'z')
					name[k] = (char)(name[k] - 'a' + 'A');
			strcpy(name + len, ".so.2");
			if (ldw_anchors_match_bytes(&a, name, strlen(name), LDW_ANCHOR_NAME) &&
			    !first_bit(firsts, name))
				missed++;
		}
		/* Random names of the prefix's length: any the compare accepts is keyed. */
		for (n = 0; n < 200000; n++) {
			bool hit;

			for (k = 0; k < len; k++)
				name[k] = (char)(test_rand(&seed) % 255 + 1);
			name[len] = '\0';
			if (n % 2)	/* half of them start like a prefix's first two bytes */
				memcpy(name, a.count ? a.anchor[0].name : "ld", 2);
			hit = a.count && a.anchor[0].prefix &&
			      ldw_anchors_match_bytes(&a, name, len, LDW_ANCHOR_NAME);
			if (first_bit(firsts, name))
				extra += !hit;
			else
				missed += hit;
		}
		/* Others keyed by chance: about set / LDW_ANCHORS_FIRSTS_BYTES of them. */
		tap_ok(!missed && set == cases[i].bits &&
		       extra < 2 * set * 200000 / LDW_ANCHORS_FIRSTS_BYTES + 50,
		       "firsts of %s %s: %u keys; every name the compare accepts is keyed "
		       "(%u missed), %u of 200000 others are",
		       cases[i].op == WN ? "like~" : cases[i].op == WC ? "like" : "==",
		       cases[i].value, set, missed, extra);
	}

	/* "ld" stems that are no "ld-linux": the inline walk ends at them. */
	{
		static const char *const stems[] = {
			"ldw-bench", "ldconfig", "ld.so.cache", "ld-2.36.so", "ldd", "ld.so.conf.d",
		};
		struct ldw_anchors a;

		derive_one(WN, "/lib*/ld-linux*.so*", &a);
		memset(firsts, 0, sizeof(firsts));
		ldw_anchors_firsts(&a, firsts);
		for (i = 0, total = 0; i < LDW_ARRAY_SIZE(stems); i++)
			total += first_bit(firsts, stems[i]);
		tap_ok(!total && first_bit(firsts, "LD-Linux.so"),
		       "firsts of ld-linux: none of %zu other \"ld\" names is keyed (%u are)",
		       LDW_ARRAY_SIZE(stems), total);
	}
}

static void test_reason_texts(void)
{
	unsigned int r, bad = 0;

	for (r = 0; r < LDW_ANCHORS_REASONS; r++) {
		const char *t = ldw_anchors_reason_text(r);

		if (!t || !*t || !strcmp(t, ldw_anchors_reason_text(LDW_ANCHORS_REASONS)))
			bad++;
	}
	tap_ok(!bad && !strcmp(ldw_anchors_reason_text((enum ldw_anchors_reason)-1),
			       "unknown reason"),
	       "every reason has its own words, out of range ones \"unknown reason\"");
}

int main(void)
{
	unsigned int i;

	fill_long(long255, 255);
	fill_long(long256, 256);
	test_default_rule();
	test_default_names();
	test_byte_sweeps();
	test_torn_names();
	test_case_table();
	test_generated_paths();
	test_default_rejects();
	for (i = 0; i < LDW_ARRAY_SIZE(derive_cases); i++)
		test_derive_case(&derive_cases[i]);
	test_derive_clauses();
	test_derive_shapes();
	test_prefix_names();
	test_prefix_places();
	test_prefix_firsts();
	test_reason_texts();
	return tap_done();
}
