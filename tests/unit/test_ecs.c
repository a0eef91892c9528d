// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the ECS writer (userspace/ecs.c) and of ldwatchd's records
 * (userspace/ecs_records.c). Every document is parsed back with json-c,
 * an independent JSON reader, and compared field by field with values
 * written here by hand from the brief: ECS names, the rule text's threat
 * mapping, and the escaping rules of ecs.h. Where a test needs the UTF-8
 * verdict on random bytes it uses its own reference decoder, written from
 * Unicode's definition (decode the code point, then check its range), not
 * from the writer's byte-range table.
 *
 * Usage: test_ecs (prints TAP-style lines and "N passed, N failed")
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <ldwatch/netlink.h>

#include "ecs.h"
#include "ecs_records.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"

/* --- helpers --- */

/* Render @doc; parse the line strictly. NULL (and a diagnostic) if it fails. */
static json_object *render_parse(struct ecs_doc *doc, struct ecs_buf *line)
{
	json_tokener *tok;
	json_object *obj;
	size_t i;

	ecs_buf_reset(line);
	if (ecs_doc_render(doc, line)) {
		tap_diag("render failed: %d", ecs_doc_error(doc));
		return NULL;
	}
	/* One line: a newline at the end and nowhere else, no other raw control byte. */
	for (i = 0; i < line->len; i++) {
		unsigned char c = (unsigned char)line->data[i];

		if ((c < 0x20 || c == 0x7f) && !(c == '\n' && i == line->len - 1)) {
			tap_diag("raw byte 0x%02x at %zu of %zu", c, i, line->len);
			return NULL;
		}
	}
	if (!line->len || line->data[line->len - 1] != '\n') {
		tap_diag("no newline at the end");
		return NULL;
	}
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line->data, (int)line->len - 1);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != line->len - 1) {
		tap_diag("json-c: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* The value at dotted @path, walking nested objects only. */
static json_object *get(json_object *root, const char *path)
{
	char seg[128];
	const char *p = path, *dot;
	json_object *cur = root;
	size_t n;

	while (cur) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(seg) || !json_object_is_type(cur, json_type_object))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (!json_object_object_get_ex(cur, seg, &cur))
			return NULL;
		if (!dot)
			return cur;
		p = dot + 1;
	}
	return NULL;
}

static bool is_str(json_object *root, const char *path, const char *want, size_t len)
{
	json_object *v = get(root, path);

	if (!v || !json_object_is_type(v, json_type_string)) {
		tap_diag("%s: not a string", path);
		return false;
	}
	if ((size_t)json_object_get_string_len(v) != len ||
	    memcmp(json_object_get_string(v), want, len)) {
		tap_diag("%s: got \"%s\" (%d bytes), want \"%.*s\" (%zu bytes)", path,
			 json_object_get_string(v), json_object_get_string_len(v), (int)len,
			 want, len);
		return false;
	}
	return true;
}

static bool is_cstr(json_object *root, const char *path, const char *want)
{
	return is_str(root, path, want, strlen(want));
}

static bool is_u64(json_object *root, const char *path, uint64_t want)
{
	json_object *v = get(root, path);

	if (!v || !json_object_is_type(v, json_type_int) || json_object_get_uint64(v) != want) {
		tap_diag("%s: want %llu, got %s", path, (unsigned long long)want,
			 v ? json_object_to_json_string(v) : "nothing");
		return false;
	}
	return true;
}

static bool absent(json_object *root, const char *path)
{
	if (get(root, path)) {
		tap_diag("%s: present, expected absent", path);
		return false;
	}
	return true;
}

/* An array of exactly the @n strings in @want. */
static bool is_strv(json_object *root, const char *path, const char *const *want, size_t n)
{
	json_object *v = get(root, path);
	size_t i;

	if (!v || !json_object_is_type(v, json_type_array) || json_object_array_length(v) != n) {
		tap_diag("%s: not an array of %zu", path, n);
		return false;
	}
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string) ||
		    strcmp(json_object_get_string(e), want[i])) {
			tap_diag("%s[%zu]: want %s", path, i, want[i]);
			return false;
		}
	}
	return true;
}

/* RFC 4648 base64 decoding, strict (padding required); -1 if invalid. */
static long b64_decode(const char *s, size_t len, unsigned char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	int k, v[4];

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			const char *p = s[i + k] == '=' ? NULL : strchr(alphabet, s[i + k]);

			if (s[i + k] == '=' && i + 4 == len && k >= 2)
				v[k] = -1;
			else if (p && s[i + k])
				v[k] = (int)(p - alphabet);
			else
				return -1;
		}
		if (v[2] < 0 && v[3] >= 0)
			return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

/* The raw field at @path decodes to exactly @want. */
static bool raw_is(json_object *root, const char *path, const char *want, size_t len)
{
	json_object *v = get(root, path);
	unsigned char *buf;
	long n;
	bool ok;

	if (!v || !json_object_is_type(v, json_type_string)) {
		tap_diag("%s: absent", path);
		return false;
	}
	buf = malloc(json_object_get_string_len(v) + 1);
	n = b64_decode(json_object_get_string(v), json_object_get_string_len(v), buf);
	ok = n == (long)len && !memcmp(buf, want, len);
	if (!ok)
		tap_diag("%s: decodes to %ld bytes, want %zu", path, n, len);
	free(buf);
	return ok;
}

/*
 * Reference: the UTF-8 text a JSON reader must get back for @in, every
 * byte that does not begin a well-formed sequence replaced by U+FFFD.
 * Written from the definition: read a lead byte's length, decode the code
 * point, and accept it only if it is in range for that length, not a
 * surrogate and at most U+10FFFF. Returns the length; sets *@bad.
 */
static size_t reference(const unsigned char *in, size_t len, unsigned char *out, bool *bad)
{
	size_t i = 0, o = 0, n, k;
	uint32_t cp, min;

	*bad = false;
	while (i < len) {
		unsigned char c = in[i];

		if (c < 0x80) {
			out[o++] = c;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4, cp = c & 0x07, min = 0x10000;
		} else {
			n = 0, cp = 0, min = 0;
		}
		for (k = 1; n && k < n; k++) {
			if (i + k >= len || (in[i + k] & 0xc0) != 0x80)
				n = 0;
			else
				cp = cp << 6 | (in[i + k] & 0x3f);
		}
		if (n && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			n = 0;
		if (!n) {
			memcpy(out + o, FFFD, 3);
			o += 3;
			*bad = true;
			i++;
			continue;
		}
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
	}
	return o;
}

/* --- the escaper, through a document --- */

struct str_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;	/* the decoded string */
	size_t want_len;
	bool raw;		/* a ldwatch.raw copy is expected */
};

#define S(x) x, sizeof(x) - 1

static const struct str_case str_cases[] = {
	{ "plain ASCII", S("/etc/ld.so.preload"), S("/etc/ld.so.preload"), false },
	{ "empty string", S(""), S(""), false },
	{ "quote and backslash", S("a\"b\\c"), S("a\"b\\c"), false },
	{ "newline, CR, tab, BS, FF", S("a\nb\rc\td\be\ff"), S("a\nb\rc\td\be\ff"), false },
	{ "other control bytes and DEL", S("\x01\x02\x1b\x1f\x7f"), S("\x01\x02\x1b\x1f\x7f"),
	  false },
	{ "a NUL byte inside", S("a\0b"), S("a\0b"), false },
	{ "valid 2-byte (e acute)", S("caf\xc3\xa9"), S("caf\xc3\xa9"), false },
	{ "valid 3-byte (euro)", S("\xe2\x82\xac"), S("\xe2\x82\xac"), false },
	{ "valid 4-byte (emoji)", S("\xf0\x9f\x98\x80"), S("\xf0\x9f\x98\x80"), false },
	{ "U+10FFFF, the last code point", S("\xf4\x8f\xbf\xbf"), S("\xf4\x8f\xbf\xbf"), false },
	{ "U+FFFD itself is kept, no raw copy", S(FFFD), S(FFFD), false },
	{ "U+2028 and U+2029 survive (escaped)", S("\xe2\x80\xa8x\xe2\x80\xa9"),
	  S("\xe2\x80\xa8x\xe2\x80\xa9"), false },
	{ "lone continuation byte", S("a\x80z"), S("a" FFFD "z"), true },
	{ "0xff and 0xfe", S("\xff\xfe"), S(FFFD FFFD), true },
	{ "overlong 2-byte slash C0 AF", S("\xc0\xaf"), S(FFFD FFFD), true },
	{ "overlong 2-byte C1 BF", S("\xc1\xbf"), S(FFFD FFFD), true },
	{ "overlong 3-byte E0 80 AF", S("\xe0\x80\xaf"), S(FFFD FFFD FFFD), true },
	{ "overlong 4-byte F0 80 80 AF", S("\xf0\x80\x80\xaf"), S(FFFD FFFD FFFD FFFD), true },
	{ "surrogate U+D800 (ED A0 80)", S("\xed\xa0\x80"), S(FFFD FFFD FFFD), true },
	{ "surrogate U+DFFF (ED BF BF)", S("\xed\xbf\xbf"), S(FFFD FFFD FFFD), true },
	{ "above U+10FFFF (F4 90 80 80)", S("\xf4\x90\x80\x80"), S(FFFD FFFD FFFD FFFD), true },
	{ "F5 lead byte", S("\xf5\x80\x80\x80"), S(FFFD FFFD FFFD FFFD), true },
	{ "truncated at the end", S("a\xe2\x82"), S("a" FFFD FFFD), true },
	{ "truncated before ASCII", S("\xe2\x82z"), S(FFFD FFFD "z"), true },
	{ "truncated 4-byte", S("\xf0\x9f\x98"), S(FFFD FFFD FFFD), true },
	{ "lead byte then another lead byte", S("\xc3\xc3\xa9"), S(FFFD "\xc3\xa9"), true },
	{ "mixed hostile bytes", S("x\xffy\"\n\\"), S("x" FFFD "y\"\n\\"), true },
	{ "forged document end and new line",
	  S("\"},\"event\":{\"kind\":\"forged\"}}\n{\"@timestamp\":\"x\""),
	  S("\"},\"event\":{\"kind\":\"forged\"}}\n{\"@timestamp\":\"x\""), false },
};

static void test_str_case(struct ecs_doc *doc, struct ecs_buf *line, const struct str_case *c)
{
	json_object *root;
	bool ok;

	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "event.kind", "alert");
	ecs_put_str(doc, "file.path", c->in, c->len);
	root = render_parse(doc, line);
	ok = root && is_str(root, "file.path", c->want, c->want_len) &&
	     is_cstr(root, "event.kind", "alert");
	if (ok)
		ok = c->raw ? raw_is(root, "ldwatch.raw.file.path", c->in, c->len) :
			      absent(root, "ldwatch");
	tap_ok(ok, "string: %s", c->name);
	json_object_put(root);
}

/* Every single byte: ASCII is itself, every byte from 0x80 on is invalid alone. */
static void test_every_byte(struct ecs_doc *doc, struct ecs_buf *line)
{
	unsigned int b, bad = 0;
	json_object *root;
	char in, want[3];
	size_t want_len;

	for (b = 0; b < 256; b++) {
		in = (char)b;
		if (b < 0x80) {
			want[0] = in;
			want_len = 1;
		} else {
			memcpy(want, FFFD, 3);
			want_len = 3;
		}
		ecs_doc_clear(doc);
		ecs_put_str(doc, "file.name", &in, 1);
		root = render_parse(doc, line);
		if (!root || !is_str(root, "file.name", want, want_len) ||
		    !(b < 0x80 ? absent(root, "ldwatch.raw.file.name") :
				 raw_is(root, "ldwatch.raw.file.name", &in, 1))) {
			tap_diag("byte 0x%02x", b);
			bad++;
		}
		json_object_put(root);
	}
	tap_ok(!bad, "every byte value alone decodes as expected (%u wrong)", bad);
}

/* Random bytes, biased towards UTF-8 lead and continuation bytes. */
static void test_random(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const unsigned char picks[] = { 0x00, 0x0a, 0x22, 0x5c, 0x7f, 0x80, 0xa0, 0xbf,
					       0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
					       0xf5, 0xff, 0x41, 0x2f };
	unsigned char in[512], want[512 * 3];
	unsigned int round, bad = 0, len, i;
	uint32_t x = 12345;
	json_object *root;
	size_t want_len;
	bool needs_raw;

	for (round = 0; round < 3000; round++) {
		len = round % 97;
		for (i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			in[i] = (x >> 16) % 3 ? picks[(x >> 8) % sizeof(picks)] : (unsigned char)(x >> 20);
		}
		want_len = reference(in, len, want, &needs_raw);
		ecs_doc_clear(doc);
		ecs_put_str(doc, "process.executable", (const char *)in, len);
		root = render_parse(doc, line);
		if (!root || !is_str(root, "process.executable", (const char *)want, want_len) ||
		    !(needs_raw ? raw_is(root, "ldwatch.raw.process.executable", (const char *)in, len) :
				  absent(root, "ldwatch.raw"))) {
			if (bad++ < 3)
				tap_diag("round %u, %u bytes", round, len);
		}
		json_object_put(root);
	}
	tap_ok(!bad, "3000 random byte strings agree with the reference decoder (%u wrong)", bad);
}

/* JavaScript ends lines at U+2028 and U+2029: they must not appear raw either. */
static void test_line_separators(struct ecs_doc *doc, struct ecs_buf *line)
{
	json_object *root;

	ecs_doc_clear(doc);
	ecs_put_str(doc, "file.name", S("a\xe2\x80\xa8" "b\xe2\x80\xa9"));
	root = render_parse(doc, line);
	tap_ok(root && memmem(line->data, line->len, "a\\u2028b\\u2029", 14) &&
	       !memmem(line->data, line->len, "\xe2\x80\xa8", 3) &&
	       !memmem(line->data, line->len, "\xe2\x80\xa9", 3),
	       "U+2028 and U+2029 are written as \\u2028 and \\u2029");
	json_object_put(root);
}

/* A path of 1 MiB, half of it invalid: still one line, still round-trips. */
static void test_long(struct ecs_doc *doc, struct ecs_buf *line)
{
	size_t len = 1 << 20, i;
	json_object *root;
	char *in = malloc(len);

	for (i = 0; i < len; i++)
		in[i] = i % 2 ? '\n' : (char)0xff;
	ecs_doc_clear(doc);
	ecs_put_str(doc, "file.path", in, len);
	root = render_parse(doc, line);
	tap_ok(root && raw_is(root, "ldwatch.raw.file.path", in, len) &&
	       json_object_get_string_len(get(root, "file.path")) == (int)(len / 2 * 4),
	       "a 1 MiB hostile path is one valid line and its raw copy round-trips");
	json_object_put(root);
	free(in);
}

/* --- base64, time, the tree --- */

static void test_base64(void)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "\xff\xfe\xfd", "//79" }, { "\xfb\xff", "+/8=" },
	};
	struct ecs_buf b;
	unsigned int i;

	ecs_buf_init(&b);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ecs_buf_reset(&b);
		ecs_base64(&b, v[i].in, strlen(v[i].in));
		tap_ok(b.len == strlen(v[i].out) && !memcmp(b.data ? b.data : "", v[i].out, b.len),
		       "base64 of \"%s\" (RFC 4648 test vector or alphabet end) is %s",
		       v[i].in[0] & 0x80 ? "high bytes" : v[i].in, v[i].out);
	}
	ecs_buf_free(&b);
}

static void test_time(void)
{
	static const struct { uint64_t ns; const char *want; } v[] = {
		{ 0, "1970-01-01T00:00:00.000000000Z" },
		{ 1700000000123456789ull, "2023-11-14T22:13:20.123456789Z" },
		{ 951782400000000001ull, "2000-02-29T00:00:00.000000001Z" },
		{ 4102444799999999999ull, "2099-12-31T23:59:59.999999999Z" },
	};
	char buf[ECS_TIME_SIZE];
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ecs_format_time(buf, v[i].ns);
		if (!tap_ok(!strcmp(buf, v[i].want), "RFC 3339 time %s", v[i].want))
			tap_diag("got %s", buf);
	}
}

static void test_tree(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const two[] = { "a", "b\"" };
	json_object *root;
	size_t before;

	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "a.b.c", "x");
	ecs_put_u64(doc, "a.n", UINT64_MAX);
	ecs_put_cstr(doc, "z", "last");
	ecs_put_cstr(doc, "a.b.d", "y");
	ecs_put_bool(doc, "a.t", true);
	ecs_put_strv(doc, "a.v", two, 2);
	ecs_put_strv(doc, "a.empty", two, 0);
	root = render_parse(doc, line);
	tap_ok(root && is_cstr(root, "a.b.c", "x") && is_cstr(root, "a.b.d", "y") &&
	       is_u64(root, "a.n", UINT64_MAX) && is_strv(root, "a.v", two, 2) &&
	       is_strv(root, "a.empty", two, 0) &&
	       json_object_get_boolean(get(root, "a.t")) && is_cstr(root, "z", "last"),
	       "dotted keys become nested objects; u64 max, bool, arrays");
	json_object_put(root);
	tap_ok(line->len && !strncmp(line->data,
		"{\"a\":{\"b\":{\"c\":\"x\",\"d\":\"y\"},\"n\":18446744073709551615,", 50),
	       "fields keep the order they were first set in");

	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "a.b", "x");
	ecs_put_cstr(doc, "a.b", "y");
	tap_ok(ecs_doc_error(doc) == EEXIST, "a field set twice is an error (EEXIST)");
	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "a.b", "x");
	ecs_put_cstr(doc, "a.b.c", "y");
	tap_ok(ecs_doc_error(doc) == EEXIST, "a field under a string field is an error");
	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "a.b.c", "x");
	ecs_put_cstr(doc, "a.b", "y");
	tap_ok(ecs_doc_error(doc) == EEXIST, "a string where an object is is an error");
	ecs_doc_clear(doc);
	ecs_put_cstr(doc, "a..b", "x");
	tap_ok(ecs_doc_error(doc) == EINVAL, "an empty key segment is an error (EINVAL)");
	ecs_buf_reset(line);
	ecs_buf_adds(line, "kept");
	before = line->len;
	tap_ok(ecs_doc_render(doc, line) == EINVAL && line->len == before,
	       "a document with an error renders nothing and returns the error");
	ecs_doc_clear(doc);
	tap_ok(!ecs_doc_error(doc), "clearing a document clears its error");
	ecs_buf_reset(line);
	root = render_parse(doc, line);
	tap_ok(root && line->len == 3 && json_object_object_length(root) == 0,
	       "an empty document is {}");
	json_object_put(root);
}

/* --- the records --- */

static const char *fake_user_name(void *arg, uint32_t uid)
{
	(void)arg;
	return uid == 0 ? "root" : NULL;
}

static const struct ldw_ecs_ctx ctx = {
	.host_name = "web-01",
	.user_name = fake_user_name,
	.now_ns = 1700000001000000000ull,
};

static struct ldw_str lstr(const char *s)
{
	return (struct ldw_str){ s, strlen(s) };
}

static struct ldw_msg alert_msg(enum ldw_action action, const char *path,
				const char *original, const char *exe)
{
	struct ldw_msg m;

	memset(&m, 0, sizeof(m));
	m.cmd = LDW_CMD_ALERT;
	m.version = LDW_GENL_VERSION;
	m.seq = 42;
	m.load_id = 0x00c0ffee12345678ull;
	m.time_ns = 1700000000123456789ull;
	m.action = (uint8_t)action;
	m.file_path = lstr(path);
	m.original_path = original ? lstr(original) : LDW_STR_ABSENT;
	m.executable = exe ? lstr(exe) : LDW_STR_ABSENT;
	m.pid = 4321;
	m.tid = 4322;
	m.ppid = 1;
	m.uid = 0;
	m.euid = 0;
	m.gid = 0;
	m.comm = lstr("bash");
	m.mntns = 4026531841u;
	m.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763");
	m.rule_name = lstr("Dynamic Linker Creation or Modification");
	m.rule_version = 3;
	return m;
}

static void test_alert_creation(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const file[] = { "file" };
	static const char *const creation[] = { "creation" };
	static const char *const tactic_ids[] = { "TA0005", "TA0003" };
	static const char *const tactic_names[] = { "Defense Evasion", "Persistence" };
	static const char *const tech_ids[] = { "T1574" };
	static const char *const tech_names[] = { "Hijack Execution Flow" };
	static const char *const sub_ids[] = { "T1574.006" };
	static const char *const sub_names[] = { "Dynamic Linker Hijacking" };
	struct ldw_msg m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.conf.d/evil.conf", NULL,
				     "/usr/bin/tee");
	json_object *r;

	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "@timestamp", "2023-11-14T22:13:20.123456789Z") &&
	       is_cstr(r, "event.created", "2023-11-14T22:13:21.000000000Z") &&
	       is_cstr(r, "event.kind", "alert") && is_strv(r, "event.category", file, 1) &&
	       is_strv(r, "event.type", creation, 1) && is_cstr(r, "event.action", "creation") &&
	       is_cstr(r, "event.outcome", "success") && is_u64(r, "event.sequence", 42) &&
	       is_u64(r, "event.severity", 47) && is_u64(r, "event.risk_score", 47) &&
	       is_cstr(r, "event.module", "ldwatch") &&
	       is_cstr(r, "event.dataset", "ldwatch.alert"),
	       "alert: event.* of a creation");
	tap_ok(r && is_cstr(r, "file.path", "/etc/ld.so.conf.d/evil.conf") &&
	       is_cstr(r, "file.name", "evil.conf") && is_cstr(r, "file.extension", "conf") &&
	       is_cstr(r, "file.directory", "/etc/ld.so.conf.d") && absent(r, "file.Ext"),
	       "alert: file.* of a creation, no file.Ext");
	tap_ok(r && is_u64(r, "process.pid", 4321) && is_u64(r, "process.parent.pid", 1) &&
	       is_u64(r, "process.thread.id", 4322) &&
	       is_cstr(r, "process.executable", "/usr/bin/tee") &&
	       is_cstr(r, "process.name", "tee") && absent(r, "process.command_line"),
	       "alert: process.*; no command line");
	tap_ok(r && is_cstr(r, "user.id", "0") && is_cstr(r, "user.name", "root") &&
	       is_cstr(r, "user.effective.id", "0") && is_cstr(r, "group.id", "0") &&
	       is_cstr(r, "host.name", "web-01") && is_cstr(r, "host.os.type", "linux"),
	       "alert: user.*, group.id (strings), host.*");
	tap_ok(r && is_cstr(r, "rule.id", "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       is_cstr(r, "rule.name", "Dynamic Linker Creation or Modification") &&
	       is_cstr(r, "rule.version", "3") && absent(r, "rule.reference"),
	       "alert: rule.* (version a string)");
	tap_ok(r && is_cstr(r, "threat.framework", "MITRE ATT&CK") &&
	       is_strv(r, "threat.tactic.id", tactic_ids, 2) &&
	       is_strv(r, "threat.tactic.name", tactic_names, 2) &&
	       is_strv(r, "threat.technique.id", tech_ids, 1) &&
	       is_strv(r, "threat.technique.name", tech_names, 1) &&
	       is_strv(r, "threat.technique.subtechnique.id", sub_ids, 1) &&
	       is_strv(r, "threat.technique.subtechnique.name", sub_names, 1),
	       "alert: threat.* as the rule text maps it");
	tap_ok(r && is_cstr(r, "ldwatch.load_id", "00c0ffee12345678") &&
	       is_cstr(r, "ldwatch.process.comm", "bash") &&
	       is_u64(r, "ldwatch.mount_namespace", 4026531841u) &&
	       absent(r, "ldwatch.raw") && absent(r, "ldwatch.late_arrival") &&
	       is_cstr(r, "ecs.version", "8.11.0"),
	       "alert: ldwatch.*, ecs.version");
	json_object_put(r);
}

static void test_alert_rename(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const change[] = { "change" };
	struct ldw_msg m = alert_msg(LDW_ACTION_RENAME, "/etc/ld.so.conf",
				     "/etc/sedAbC123", "/bin/sed");
	json_object *r;

	m.uid = 1234;
	m.euid = 0;
	m.gid = 100;
	ldw_ecs_alert(doc, &ctx, &m, true);
	r = render_parse(doc, line);
	tap_ok(r && is_strv(r, "event.type", change, 1) && is_cstr(r, "event.action", "rename") &&
	       is_cstr(r, "file.path", "/etc/ld.so.conf") && is_cstr(r, "file.name", "ld.so.conf") &&
	       is_cstr(r, "file.extension", "conf") &&
	       is_cstr(r, "file.Ext.original.path", "/etc/sedAbC123") &&
	       is_cstr(r, "file.Ext.original.name", "sedAbC123") &&
	       absent(r, "file.Ext.original.extension") &&
	       is_cstr(r, "file.Ext.original.directory", "/etc"),
	       "alert: a rename has event.type change and file.Ext.original.*");
	tap_ok(r && is_cstr(r, "user.id", "1234") && absent(r, "user.name") &&
	       is_cstr(r, "user.effective.id", "0") && is_cstr(r, "group.id", "100") &&
	       json_object_get_boolean(get(r, "ldwatch.late_arrival")),
	       "alert: an unknown uid has no user.name; late arrivals are marked");
	json_object_put(r);
}

/*
 * The companion rule's alert about a host target reached through a chroot:
 * the rule's own risk score, the host's view, a failure with its errno.
 */
static void test_alert_host_target(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const change[] = { "change" };
	static const char *const aliases[] = { "path", "root" };
	struct ldw_msg m = alert_msg(LDW_ACTION_MODIFICATION, "/ld.so.conf", NULL,
				     "/bin/sh");
	json_object *r;

	m.rule_id = lstr("e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba");
	m.rule_version = 1;
	m.rule_severity = lstr("high");
	m.rule_risk_score = 73;
	m.target_path = lstr("/etc/ld.so.conf");
	m.target_aliases = LDW_ALIAS_PATH | LDW_ALIAS_ROOT;
	m.host_executable = lstr("/srv/jail/bin/sh");
	m.file_type = 0100000;	/* S_IFREG */
	m.present |= 1ull << LDW_A_RULE_SEVERITY | 1ull << LDW_A_RULE_RISK_SCORE |
		     1ull << LDW_A_TARGET_PATH | 1ull << LDW_A_TARGET_ALIASES |
		     1ull << LDW_A_HOST_EXECUTABLE | 1ull << LDW_A_FILE_TYPE;
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "modification") &&
	       is_strv(r, "event.type", change, 1) &&
	       is_u64(r, "event.severity", 73) && is_u64(r, "event.risk_score", 73) &&
	       is_cstr(r, "ldwatch.rule.severity", "high") &&
	       is_cstr(r, "event.outcome", "success") && absent(r, "error"),
	       "alert: a modification, scored by the rule that matched it");
	tap_ok(r && is_cstr(r, "file.path", "/ld.so.conf") && is_cstr(r, "file.type", "file") &&
	       is_cstr(r, "ldwatch.target.path", "/etc/ld.so.conf") &&
	       is_strv(r, "ldwatch.target.alias", aliases, 2) &&
	       is_cstr(r, "ldwatch.process.executable", "/srv/jail/bin/sh") &&
	       is_cstr(r, "process.executable", "/bin/sh"),
	       "alert: the process's view and the host's, and how they differ");
	json_object_put(r);

	m.action = LDW_ACTION_LINK;
	m.outcome = LDW_OUTCOME_FAILURE;
	m.error = 13;	/* EACCES */
	m.present |= 1ull << LDW_A_OUTCOME | 1ull << LDW_A_ERROR;
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "link") &&
	       is_cstr(r, "event.outcome", "failure") &&
	       is_cstr(r, "error.code", "EACCES") &&
	       is_cstr(r, "error.message", "Permission denied"),
	       "alert: a failed link, with its errno's name");
	json_object_put(r);
}

/*
 * A process that replaced its executable link, in a chroot of another
 * mount namespace, with paths too deep to send whole.
 */
static void test_alert_view_truncated(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const cut[] = { "file.Ext.original.path", "process.executable" };
	struct ldw_msg m = alert_msg(LDW_ACTION_RENAME, "/etc/ld.so.preload",
				     ".../b/c/evil.so", ".../usr/bin/dpkg");
	json_object *r;

	m.process_view = LDW_PROCESS_VIEW_ROOT | LDW_PROCESS_VIEW_MOUNT_NAMESPACE |
			 LDW_PROCESS_VIEW_EXE_REPLACED;
	m.truncated = LDW_TRUNCATED_ORIGINAL_PATH | LDW_TRUNCATED_EXECUTABLE;
	m.present |= 1ull << LDW_A_PROCESS_VIEW | 1ull << LDW_A_TRUNCATED;
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && json_object_get_type(get(r, "ldwatch.process.host_root")) == json_type_boolean &&
	       !json_object_get_boolean(get(r, "ldwatch.process.host_root")) &&
	       !json_object_get_boolean(get(r, "ldwatch.process.host_mount_namespace")) &&
	       json_object_get_boolean(get(r, "ldwatch.process.executable_replaced")),
	       "alert: a process that is not in the host's root or namespace and replaced its exe link says so");
	tap_ok(r && is_strv(r, "ldwatch.truncated", cut, 2) &&
	       is_cstr(r, "process.executable", ".../usr/bin/dpkg") &&
	       is_cstr(r, "file.Ext.original.path", ".../b/c/evil.so"),
	       "alert: the paths cut to their tail are named in ldwatch.truncated");
	json_object_put(r);

	m.process_view = 0;
	m.present &= ~(1ull << LDW_A_TRUNCATED);
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && json_object_get_boolean(get(r, "ldwatch.process.host_root")) &&
	       json_object_get_boolean(get(r, "ldwatch.process.host_mount_namespace")) &&
	       json_object_get_type(get(r, "ldwatch.process.executable_replaced")) ==
		       json_type_boolean &&
	       !json_object_get_boolean(get(r, "ldwatch.process.executable_replaced")) &&
	       absent(r, "ldwatch.truncated"),
	       "alert: a process with the host's view: true, true, false; nothing truncated");
	json_object_put(r);

	m.present &= ~(1ull << LDW_A_PROCESS_VIEW);
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && absent(r, "ldwatch.process.host_root") &&
	       absent(r, "ldwatch.process.executable_replaced"),
	       "alert: without PROCESS_VIEW (companion=0), no claim about the view");
	json_object_put(r);
}

static void test_alert_derivations(struct ecs_doc *doc, struct ecs_buf *line)
{
	struct ldw_msg m;
	json_object *r;

	m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.preload", NULL, NULL);
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && absent(r, "process.executable") && absent(r, "process.name") &&
	       is_u64(r, "process.pid", 4321) && is_cstr(r, "file.extension", "preload"),
	       "alert: a kernel thread has no process.executable or process.name");
	json_object_put(r);

	m = alert_msg(LDW_ACTION_CREATION, "/ld.so.preload", NULL, "/x");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "file.directory", "/") && is_cstr(r, "process.name", "x"),
	       "alert: a file in / has file.directory \"/\"");
	json_object_put(r);

	m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.conf.d/noext", NULL, "/x");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "file.name", "noext") && absent(r, "file.extension"),
	       "alert: a name without a dot has no file.extension");
	json_object_put(r);

	m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.conf.d/.hidden", NULL, "/x");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "file.extension", "hidden"),
	       "alert: \".hidden\" has extension \"hidden\" (text after the last dot)");
	json_object_put(r);

	m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.conf.d/a.conf.", NULL, "/x");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "file.extension", ""),
	       "alert: a name ending in a dot has an empty extension");
	json_object_put(r);
}

static void test_alert_hostile(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char path[] = "/etc/ld.so.conf.d/x\n{\"event\":{\"kind\":\"forged\"}}\xff.co\xc0nf";
	static const char name[] = "x\n{\"event\":{\"kind\":\"forged\"}}\xff.co\xc0nf";
	static const char ext[] = "co\xc0nf";
	struct ldw_msg m = alert_msg(LDW_ACTION_RENAME, path, "/tmp/\xe2\x82", "/tmp/\x7f\xfe");
	json_object *r;

	m.comm = lstr("a\tb\xff");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.kind", "alert") &&
	       is_cstr(r, "file.path", "/etc/ld.so.conf.d/x\n{\"event\":{\"kind\":\"forged\"}}" FFFD
		       ".co" FFFD "nf") &&
	       is_cstr(r, "file.extension", "co" FFFD "nf") &&
	       raw_is(r, "ldwatch.raw.file.path", path, sizeof(path) - 1) &&
	       raw_is(r, "ldwatch.raw.file.name", name, sizeof(name) - 1) &&
	       raw_is(r, "ldwatch.raw.file.extension", ext, sizeof(ext) - 1) &&
	       absent(r, "ldwatch.raw.file.directory") &&
	       raw_is(r, "ldwatch.raw.file.Ext.original.path", "/tmp/\xe2\x82", 7) &&
	       raw_is(r, "ldwatch.raw.process.executable", "/tmp/\x7f\xfe", 7) &&
	       raw_is(r, "ldwatch.raw.process.name", "\x7f\xfe", 2) &&
	       raw_is(r, "ldwatch.raw.ldwatch.process.comm", "a\tb\xff", 4) &&
	       is_cstr(r, "ldwatch.process.comm", "a\tb" FFFD),
	       "alert: a hostile name is one line, cannot forge fields, and every "
	       "replaced field has its raw copy");
	json_object_put(r);
}

/* Sample object @i of the array @arr has these fields, and no others. */
static bool sample_is(json_object *arr, size_t i, const char *time, const char *action,
		      const char *path, const char *exe, const char *uid, const char *rule)
{
	json_object *o = json_object_array_get_idx(arr, i);
	size_t fields = 5 + (exe != NULL);

	if (!o || !json_object_is_type(o, json_type_object)) {
		tap_diag("sample %zu: not an object", i);
		return false;
	}
	return is_cstr(o, "@timestamp", time) && is_cstr(o, "event.action", action) &&
	       is_cstr(o, "file.path", path) &&
	       (exe ? is_cstr(o, "process.executable", exe) : absent(o, "process")) &&
	       is_cstr(o, "user.id", uid) && is_cstr(o, "rule.id", rule) &&
	       (size_t)json_object_object_length(o) == fields;
}

/*
 * A summary with the evidence of three suppressed alerts: an array of
 * objects named as an alert's fields; a path that is not UTF-8 kept
 * exactly under the sample's own ldwatch.raw; the omitted count as given.
 */
static void test_suppressed_samples(struct ecs_doc *doc, struct ecs_buf *line,
				    struct ldw_msg *sup)
{
	static const char bad_path[] = "/etc/ld.so.conf.d/\xff.conf";
	json_object *r, *arr;
	bool ok;

	sup->budget_uid = 65534;
	sup->samples_omitted = 12;
	sup->samples.n = 3;
	sup->samples.sample[0] = (struct ldw_msg_sample){
		.present = 1ull << LDW_SAMPLE_EXECUTABLE,
		.time_ns = 1700000000123456789ull, .action = LDW_ACTION_CREATION,
		.file_path = lstr("/etc/ld.so.conf.d/a.conf"),
		.executable = lstr("/usr/local/bin/ldw-ops"), .uid = 65534,
		.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763"),
	};
	sup->samples.sample[1] = (struct ldw_msg_sample){
		.time_ns = 1700000000223456789ull, .action = LDW_ACTION_RENAME,
		.file_path = lstr("/etc/ld.so.preload"), .uid = 65534,
		.rule_id = lstr("e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba"),
	};
	sup->samples.sample[2] = (struct ldw_msg_sample){
		.present = 1ull << LDW_SAMPLE_EXECUTABLE,
		.time_ns = 1700000000323456789ull, .action = LDW_ACTION_CREATION,
		.file_path = { bad_path, sizeof(bad_path) - 1 },
		.executable = lstr("/bin/sh"), .uid = 65534,
		.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763"),
	};
	ldw_ecs_alerts_suppressed(doc, &ctx, sup, false);
	r = render_parse(doc, line);
	arr = r ? get(r, "ldwatch.suppressed.samples") : NULL;
	ok = arr && json_object_is_type(arr, json_type_array) &&
	     json_object_array_length(arr) == 3;
	tap_ok(ok && is_cstr(r, "ldwatch.suppressed.user.id", "65534") &&
	       absent(r, "ldwatch.suppressed.user.name") &&
	       is_u64(r, "ldwatch.suppressed.samples_omitted", 12) &&
	       is_u64(r, "ldwatch.suppressed.count", 15) &&
	       sample_is(arr, 0, "2023-11-14T22:13:20.123456789Z", "creation",
			 "/etc/ld.so.conf.d/a.conf", "/usr/local/bin/ldw-ops", "65534",
			 "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       sample_is(arr, 1, "2023-11-14T22:13:20.223456789Z", "rename",
			 "/etc/ld.so.preload", NULL, "65534",
			 "e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba"),
	       "health: ldwatch-alerts-suppressed with samples: budget user 65534, each "
	       "sample's @timestamp, event.action, file.path, process.executable (absent "
	       "without one), user.id, rule.id");
	ok = ok && json_object_array_get_idx(arr, 2) &&
	     is_cstr(json_object_array_get_idx(arr, 2), "file.path",
		     "/etc/ld.so.conf.d/\xef\xbf\xbd.conf") &&
	     raw_is(json_object_array_get_idx(arr, 2), "ldwatch.raw.file.path", bad_path,
		    sizeof(bad_path) - 1) &&
	     absent(r, "ldwatch.raw");
	tap_ok(ok, "health: a sample's path that is not UTF-8 is replaced and kept exactly "
	       "under the sample's own ldwatch.raw");
	json_object_put(r);

	sup->samples.beyond = 2;
	ldw_ecs_alerts_suppressed(doc, &ctx, sup, false);
	r = render_parse(doc, line);
	tap_ok(r && is_u64(r, "ldwatch.suppressed.samples_omitted", 14),
	       "health: samples a message held past what ldwatchd keeps count as omitted");
	json_object_put(r);

	/* The overflow budget: no user of its own; the samples name theirs. */
	sup->samples.beyond = 0;
	sup->budget_uid = LDW_BUDGET_OVERFLOW_UID;
	sup->budget_mntns = 0;
	ldw_ecs_alerts_suppressed(doc, &ctx, sup, false);
	r = render_parse(doc, line);
	arr = r ? get(r, "ldwatch.suppressed.samples") : NULL;
	tap_ok(r && json_object_get_boolean(get(r, "ldwatch.suppressed.overflow")) &&
	       absent(r, "ldwatch.suppressed.user.id") &&
	       absent(r, "ldwatch.suppressed.user.name") &&
	       absent(r, "ldwatch.suppressed.mount_namespace") &&
	       arr && json_object_array_length(arr) > 0 &&
	       is_cstr(json_object_array_get_idx(arr, 0), "user.id", "65534"),
	       "health: the overflow budget's summary says overflow, names no user, "
	       "and its samples keep each alert's uid");
	json_object_put(r);
	sup->budget_uid = 65534;
	sup->samples = (struct ldw_samples){ 0 };
}

static void test_health(struct ecs_doc *doc, struct ecs_buf *line)
{
	struct ldw_msg st, sup;
	struct ldw_daemon_counters t = { 10, 2, 1, 5, 3, 4 };
	static const unsigned char junk[40] = { 40, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						9, 1 };
	json_object *r;

	memset(&st, 0, sizeof(st));
	st.cmd = LDW_CMD_GET_STATUS;
	st.version = 1;
	st.present = 1ull << LDW_A_RULE_VERSION;
	st.load_id = 0xfedcba9876543210ull;
	st.next_seq = 7;
	st.delivery = LDW_DELIVERY_UNICAST;
	st.module_version = lstr("0.1.0");
	st.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763");
	st.rule_name = lstr("Dynamic Linker Creation or Modification");
	st.rule_version = 3;
	ldw_ecs_connected(doc, &ctx, &st, 8388608);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.kind", "event") &&
	       is_cstr(r, "event.dataset", "ldwatch.health") &&
	       is_cstr(r, "event.module", "ldwatch") &&
	       is_cstr(r, "event.action", "ldwatch-connected") &&
	       is_cstr(r, "@timestamp", "2023-11-14T22:13:21.000000000Z") &&
	       is_cstr(r, "ldwatch.load_id", "fedcba9876543210") &&
	       is_u64(r, "ldwatch.next_sequence", 7) && is_cstr(r, "ldwatch.delivery", "unicast") &&
	       is_cstr(r, "ldwatch.module_version", "0.1.0") &&
	       is_u64(r, "ldwatch.interface_version", 1) &&
	       is_u64(r, "ldwatch.socket.receive_buffer", 8388608) &&
	       is_cstr(r, "rule.version", "3") && get(r, "message") &&
	       is_cstr(r, "host.name", "web-01"),
	       "health: ldwatch-connected");
	json_object_put(r);

	ldw_ecs_alerts_lost(doc, &ctx, 1, 17, 3, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-alerts-lost") &&
	       is_u64(r, "ldwatch.lost.first_sequence", 17) && is_u64(r, "ldwatch.lost.count", 3) &&
	       is_cstr(r, "ldwatch.lost.detected_by", "sequence_gap") &&
	       is_cstr(r, "ldwatch.load_id", "0000000000000001"),
	       "health: ldwatch-alerts-lost");
	json_object_put(r);

	memset(&sup, 0, sizeof(sup));
	sup.cmd = LDW_CMD_SUPPRESSED;
	sup.seq = 6;
	sup.load_id = 2;
	sup.window_start_ns = 1700000000123456789ull;
	sup.window_end_ns = 1700000003123456789ull;
	sup.suppressed_count = 15;
	sup.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763");
	sup.rule_name = lstr("Dynamic Linker Creation or Modification");
	sup.rule_version = 3;
	sup.budget_uid = 0;
	sup.budget_mntns = 4026532301u;
	sup.samples_omitted = 15;
	ldw_ecs_alerts_suppressed(doc, &ctx, &sup, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.kind", "event") &&
	       is_cstr(r, "event.dataset", "ldwatch.health") &&
	       is_cstr(r, "event.action", "ldwatch-alerts-suppressed") &&
	       is_cstr(r, "@timestamp", "2023-11-14T22:13:21.000000000Z") &&
	       is_u64(r, "event.sequence", 6) && is_cstr(r, "ldwatch.load_id", "0000000000000002") &&
	       is_u64(r, "ldwatch.suppressed.count", 15) &&
	       is_cstr(r, "ldwatch.suppressed.window_start", "2023-11-14T22:13:20.123456789Z") &&
	       is_cstr(r, "ldwatch.suppressed.window_end", "2023-11-14T22:13:23.123456789Z") &&
	       is_cstr(r, "rule.id", "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       is_cstr(r, "rule.name", "Dynamic Linker Creation or Modification") &&
	       is_cstr(r, "rule.version", "3") && get(r, "message") &&
	       absent(r, "ldwatch.late_arrival") && absent(r, "file.path") &&
	       is_cstr(r, "ldwatch.suppressed.user.id", "0") &&
	       is_cstr(r, "ldwatch.suppressed.user.name", "root") &&
	       is_u64(r, "ldwatch.suppressed.mount_namespace", 4026532301u) &&
	       absent(r, "ldwatch.suppressed.samples") &&
	       is_u64(r, "ldwatch.suppressed.samples_omitted", 15),
	       "health: ldwatch-alerts-suppressed, whose budget, no samples, all omitted");
	json_object_put(r);
	test_suppressed_samples(doc, line, &sup);
	ldw_ecs_alerts_suppressed(doc, &ctx, &sup, true);
	r = render_parse(doc, line);
	tap_ok(r && get(r, "ldwatch.late_arrival") &&
	       json_object_get_boolean(get(r, "ldwatch.late_arrival")),
	       "health: ldwatch-alerts-suppressed that arrived late says so");
	json_object_put(r);

	memset(&st.stats, 0, sizeof(st.stats));
	st.stats.has_dropped = 1ull << LDW_DROP_NO_SLOT | 1ull << LDW_DROP_QUEUE_FULL |
			       1ull << LDW_DROP_KERNEL_THREAD | 1ull << 40;
	st.stats.dropped[LDW_DROP_NO_SLOT] = 2;
	st.stats.dropped[LDW_DROP_QUEUE_FULL] = 5;
	st.stats.dropped[40] = 1;
	st.stats.has_counter = 1ull << LDW_STAT_SEEN | 1ull << LDW_STAT_SENT;
	st.stats.counter[LDW_STAT_SEEN] = 1000;
	st.stats.counter[LDW_STAT_SENT] = 9;
	ldw_ecs_drop_counters(doc, &ctx, 1, &st.stats, "alerts_lost");
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-drop-counters") &&
	       is_cstr(r, "ldwatch.trigger", "alerts_lost") &&
	       is_u64(r, "ldwatch.dropped.no_slot", 2) && is_u64(r, "ldwatch.dropped.queue_full", 5) &&
	       is_u64(r, "ldwatch.dropped.kernel_thread", 0) &&
	       is_u64(r, "ldwatch.dropped.reason_40", 1) && absent(r, "ldwatch.dropped.busy") &&
	       is_u64(r, "ldwatch.dropped_total", 8) && is_u64(r, "ldwatch.counters.seen", 1000) &&
	       is_u64(r, "ldwatch.counters.sent", 9) && absent(r, "ldwatch.counters.matched"),
	       "health: ldwatch-drop-counters, reasons by name, unknown ones by number");
	json_object_put(r);

	ldw_ecs_socket_overrun(doc, &ctx, 2, 4096);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-socket-overrun") &&
	       is_u64(r, "ldwatch.socket.overruns", 2) &&
	       is_u64(r, "ldwatch.socket.receive_buffer", 4096),
	       "health: ldwatch-socket-overrun");
	json_object_put(r);

	st.cmd = LDW_CMD_STOPPING;
	ldw_ecs_sensor_stopping(doc, &ctx, &st, &t);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-sensor-stopping") &&
	       is_cstr(r, "event.kind", "alert") && absent(r, "process.pid") &&
	       absent(r, "user.id") && get(r, "message") &&
	       is_u64(r, "ldwatch.next_sequence", 7) &&
	       is_u64(r, "ldwatch.daemon.alerts_written", 10) &&
	       is_u64(r, "ldwatch.daemon.duplicates_ignored", 2) &&
	       is_u64(r, "ldwatch.daemon.late_arrivals", 1) &&
	       is_u64(r, "ldwatch.daemon.alerts_lost", 5) &&
	       is_u64(r, "ldwatch.daemon.malformed_messages", 3) &&
	       is_u64(r, "ldwatch.daemon.socket_overruns", 4),
	       "ldwatch-sensor-stopping with ldwatchd's tallies; an alert, naming nobody when the module did not say");
	json_object_put(r);

	/* Liveness: the stopping alert naming who, from the brief's words. */
	st.present |= 1ull << LDW_A_PID | 1ull << LDW_A_UID | 1ull << LDW_A_COMM |
		      1ull << LDW_A_EXECUTABLE;
	st.pid = 4321;
	st.uid = 0;
	st.comm = lstr("rmmod");
	st.executable = lstr("/usr/bin/kmod");
	ldw_ecs_sensor_stopping(doc, &ctx, &st, &t);
	r = render_parse(doc, line);
	{
		static const char *const driver[] = { "driver" };
		static const char *const end[] = { "end" };
		static const char *const sub[] = { "T1562.001" };

		tap_ok(r && is_cstr(r, "event.kind", "alert") &&
		       is_cstr(r, "event.dataset", "ldwatch.tamper") &&
		       is_cstr(r, "event.action", "ldwatch-sensor-stopping") &&
		       is_strv(r, "event.category", driver, 1) && is_strv(r, "event.type", end, 1) &&
		       is_cstr(r, "rule.name", "ldwatch-sensor-stopping") &&
		       is_cstr(r, "rule.id", "d3ebf591-0302-4702-88c2-74392097ad72") &&
		       is_cstr(r, "ldwatch.rule.severity", "high") &&
		       is_u64(r, "event.severity", 73) && is_u64(r, "event.risk_score", 73) &&
		       is_strv(r, "threat.technique.subtechnique.id", sub, 1) &&
		       is_u64(r, "process.pid", 4321) &&
		       is_cstr(r, "process.executable", "/usr/bin/kmod") &&
		       is_cstr(r, "process.name", "kmod") && is_cstr(r, "user.id", "0") &&
		       is_cstr(r, "ldwatch.process.comm", "rmmod") &&
		       is_cstr(r, "ldwatch.load_id", "fedcba9876543210") &&
		       get(r, "message") &&
		       strstr(json_object_get_string(get(r, "message")), "rmmod (pid 4321, uid 0, /usr/bin/kmod)"),
		       "alert: ldwatch-sensor-stopping names who unloads the module, its own rule, severity high (73)");
	}
	json_object_put(r);

	{
		struct ldw_blind_window w = {
			.start_ns = 1700000000500000000ull,
			.end_ns = 1700000002750000000ull,
			.old_load_id = 0xabcdef0123456789ull,
			.old_next_seq = 42,
			.new_load_id = 0x1122334455667788ull,
			.detected_by = "state_file",
		};
		static const char *const info[] = { "info" };

		ldw_ecs_blind_window(doc, &ctx, &w);
		r = render_parse(doc, line);
		tap_ok(r && is_cstr(r, "event.kind", "alert") &&
		       is_cstr(r, "event.action", "ldwatch-sensor-blind-window") &&
		       is_cstr(r, "rule.name", "ldwatch-sensor-blind-window") &&
		       is_cstr(r, "rule.id", "f7686e9b-2224-45d9-b995-7aa339dea728") &&
		       is_u64(r, "event.severity", 73) && is_strv(r, "event.type", info, 1) &&
		       is_cstr(r, "event.start", "2023-11-14T22:13:20.500000000Z") &&
		       is_cstr(r, "event.end", "2023-11-14T22:13:22.750000000Z") &&
		       is_u64(r, "event.duration", 2250000000ull) &&
		       is_cstr(r, "ldwatch.load_id", "1122334455667788") &&
		       is_cstr(r, "ldwatch.blind_window.previous_load_id", "abcdef0123456789") &&
		       is_u64(r, "ldwatch.blind_window.previous_next_sequence", 42) &&
		       is_cstr(r, "ldwatch.blind_window.detected_by", "state_file") &&
		       strstr(json_object_get_string(get(r, "message")), "2.250 s"),
		       "alert: ldwatch-sensor-blind-window: from, to, the old and the new load ids");
		json_object_put(r);
		w.end_ns = 0;
		ldw_ecs_blind_window(doc, &ctx, &w);
		r = render_parse(doc, line);
		tap_ok(r && absent(r, "event.end") && absent(r, "event.duration") &&
		       is_cstr(r, "event.start", "2023-11-14T22:13:20.500000000Z"),
		       "alert: a blind window whose end the module did not say has no event.end");
		json_object_put(r);
	}

	ldw_ecs_alerts_reported(doc, &ctx, 1, 9, 42, LDW_DROP_QUEUE_FULL);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.kind", "event") &&
	       is_cstr(r, "event.action", "ldwatch-alerts-lost") &&
	       is_u64(r, "ldwatch.lost.first_sequence", 9) && is_u64(r, "ldwatch.lost.count", 42) &&
	       is_cstr(r, "ldwatch.lost.detected_by", "sensor_report") &&
	       is_cstr(r, "ldwatch.lost.reason", "queue_full"),
	       "health: ldwatch-alerts-lost from the drop report, with its reason");
	json_object_put(r);
	ldw_ecs_alerts_reported(doc, &ctx, 1, 9, 1, 40);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "ldwatch.lost.reason", "reason_40"),
	       "health: a drop reason this program does not know is named by its number");
	json_object_put(r);

	{
		struct ldw_heartbeat hb = { .pid = 77, .uptime_s = 3600, .interval_ms = 60000 };

		ldw_ecs_heartbeat(doc, &ctx, &hb);
		r = render_parse(doc, line);
		tap_ok(r && is_cstr(r, "event.kind", "state") &&
		       is_cstr(r, "event.dataset", "ldwatch.health") &&
		       is_cstr(r, "event.action", "ldwatch-heartbeat") &&
		       is_u64(r, "process.pid", 77) && is_u64(r, "process.uptime", 3600) &&
		       is_u64(r, "ldwatch.heartbeat_interval_ms", 60000) &&
		       get(r, "ldwatch.module.loaded") &&
		       !json_object_get_boolean(get(r, "ldwatch.module.loaded")) &&
		       absent(r, "ldwatch.load_id"),
		       "state: ldwatch-heartbeat without the module");
		json_object_put(r);
		st.cmd = LDW_CMD_GET_STATUS;
		st.present |= 1ull << LDW_A_LOAD_TIME_NS;
		st.load_time_ns = 1700000000000000000ull - 90ull * 1000000000u;
		hb.status = &st;
		hb.tally = &t;
		ldw_ecs_heartbeat(doc, &ctx, &hb);
		r = render_parse(doc, line);
		tap_ok(r && is_cstr(r, "event.kind", "state") &&
		       json_object_get_boolean(get(r, "ldwatch.module.loaded")) &&
		       is_cstr(r, "ldwatch.load_id", "fedcba9876543210") &&
		       is_u64(r, "ldwatch.next_sequence", 7) &&
		       is_u64(r, "ldwatch.module.uptime", 91) &&
		       is_cstr(r, "ldwatch.module.load_time", "2023-11-14T22:11:50.000000000Z") &&
		       is_u64(r, "ldwatch.counters.seen", 1000) &&
		       is_u64(r, "ldwatch.dropped.queue_full", 5) &&
		       is_u64(r, "ldwatch.daemon.alerts_written", 10),
		       "state: ldwatch-heartbeat with the module: load id, next sequence, counters, uptime");
		json_object_put(r);
	}

	ldw_ecs_state_unreadable(doc, &ctx, "/var/lib/ldwatch/state", "line 2 is bad");
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-state-unreadable") &&
	       is_cstr(r, "ldwatch.state.path", "/var/lib/ldwatch/state") &&
	       is_cstr(r, "ldwatch.state.error", "line 2 is bad"),
	       "health: ldwatch-state-unreadable");
	json_object_put(r);

	ldw_ecs_module_absent(doc, &ctx, 1000);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-module-absent") &&
	       is_u64(r, "ldwatch.reconnect_interval_ms", 1000),
	       "health: ldwatch-module-absent");
	json_object_put(r);

	ldw_ecs_malformed(doc, &ctx, "attribute SEQ (2): 4 bytes, expected 8", junk, sizeof(junk));
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.action", "ldwatch-malformed-message") &&
	       is_cstr(r, "ldwatch.malformed.reason", "attribute SEQ (2): 4 bytes, expected 8") &&
	       is_u64(r, "ldwatch.malformed.length", 40) && is_u64(r, "ldwatch.malformed.command", 9) &&
	       raw_is(r, "ldwatch.malformed.message_base64", (const char *)junk, sizeof(junk)),
	       "health: ldwatch-malformed-message keeps the message in base64");
	json_object_put(r);
}

/* Rules at runtime: an alert names the loaded rule's mapping; the change record. */
static void test_rules(struct ecs_doc *doc, struct ecs_buf *line)
{
	static const char *const tactic_ids[] = { "TA0004", "TA0003" };
	static const char *const tactic_names[] = { "Privilege Escalation", "Persistence" };
	static const char *const tech_ids[] = { "T1574" };
	static const char *const sub_ids[] = { "T1574.006" };
	static const char *const config[] = { "configuration" };
	static const char *const change[] = { "change" };
	static const char *const creation[] = { "creation" };
	struct ldw_msg m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.preload", NULL,
				     "/usr/bin/tee");
	json_object *r;

	m.present |= 1ull << LDW_A_RULE_THREAT;
	m.rule_version = 9;
	/* Twice the same technique: each id once, in order; a line of no shape skipped. */
	m.rule_threat = lstr("tactic\tTA0004\tPrivilege Escalation\n"
			     "technique\tT1574\tHijack Execution Flow\n"
			     "subtechnique\tT1574.006\tDynamic Linker Hijacking\n"
			     "nonsense\n"
			     "tactic\tTA0003\tPersistence\n"
			     "technique\tT1574\tHijack Execution Flow\n");
	ldw_ecs_alert(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "rule.version", "9") &&
	       is_cstr(r, "threat.framework", "MITRE ATT&CK") &&
	       is_strv(r, "threat.tactic.id", tactic_ids, 2) &&
	       is_strv(r, "threat.tactic.name", tactic_names, 2) &&
	       is_strv(r, "threat.technique.id", tech_ids, 1) &&
	       is_strv(r, "threat.technique.subtechnique.id", sub_ids, 1),
	       "alert: threat.* from the loaded rule's mapping, each id once");
	json_object_put(r);

	memset(&m, 0, sizeof(m));
	m.cmd = LDW_CMD_RULES_CHANGED;
	m.present = 1ull << LDW_A_SEQ | 1ull << LDW_A_LOAD_ID | 1ull << LDW_A_TIME_NS |
		    1ull << LDW_A_RULE_CHANGE | 1ull << LDW_A_RULE_ID | 1ull << LDW_A_RULE_NAME |
		    1ull << LDW_A_RULE_VERSION | 1ull << LDW_A_RULE_SHA256 |
		    1ull << LDW_A_RULE_ORIGIN | 1ull << LDW_A_RULE_SOURCE |
		    1ull << LDW_A_RULE_PREV_VERSION | 1ull << LDW_A_RULE_PREV_SHA256 |
		    1ull << LDW_A_RULE_COUNT | 1ull << LDW_A_PID | 1ull << LDW_A_UID |
		    1ull << LDW_A_COMM | 1ull << LDW_A_EXECUTABLE;
	m.seq = 17;
	m.load_id = 0x00c0ffee12345678ull;
	m.time_ns = 1700000000123456789ull;
	m.rule_change = LDW_RULE_CHANGE_REPLACED;
	m.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763");
	m.rule_name = lstr("Dynamic Linker Creation");
	m.rule_version = 9;
	m.rule_sha256 = lstr("aa11");
	m.rule_origin = LDW_RULE_LOADED;
	m.rule_source = lstr("/etc/ldwatch/rules.d/v9.eql");
	m.rule_prev_version = 3;
	m.rule_prev_sha256 = lstr("bb22");
	m.rule_count = 2;
	m.pid = 812;
	m.uid = 0;
	m.comm = lstr("ldwatchctl");
	m.executable = lstr("/usr/sbin/ldwatchctl");
	ldw_ecs_rules_changed(doc, &ctx, &m, false);
	r = render_parse(doc, line);
	tap_ok(r && is_cstr(r, "event.kind", "event") &&
	       is_cstr(r, "event.action", "ldwatch-rules-changed") &&
	       is_cstr(r, "event.dataset", "ldwatch.health") &&
	       is_strv(r, "event.category", config, 1) && is_strv(r, "event.type", change, 1) &&
	       is_u64(r, "event.sequence", 17) &&
	       is_cstr(r, "@timestamp", "2023-11-14T22:13:20.123456789Z") && get(r, "message"),
	       "ldwatch-rules-changed: an event, numbered, stamped with the change's time");
	tap_ok(r && is_u64(r, "process.pid", 812) &&
	       is_cstr(r, "process.executable", "/usr/sbin/ldwatchctl") &&
	       is_cstr(r, "process.name", "ldwatchctl") && is_cstr(r, "user.id", "0") &&
	       is_cstr(r, "user.name", "root") && is_cstr(r, "ldwatch.process.comm", "ldwatchctl"),
	       "ldwatch-rules-changed: who");
	tap_ok(r && is_cstr(r, "rule.id", "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       is_cstr(r, "rule.name", "Dynamic Linker Creation") && is_cstr(r, "rule.version", "9") &&
	       is_cstr(r, "ldwatch.rule.change", "replaced") &&
	       is_cstr(r, "ldwatch.rule.sha256", "aa11") &&
	       is_cstr(r, "ldwatch.rule.origin", "loaded") &&
	       is_cstr(r, "ldwatch.rule.source", "/etc/ldwatch/rules.d/v9.eql") &&
	       is_cstr(r, "ldwatch.rule.previous_version", "3") &&
	       is_cstr(r, "ldwatch.rule.previous_sha256", "bb22") &&
	       is_u64(r, "ldwatch.rules.count", 2) && is_cstr(r, "ldwatch.load_id", "00c0ffee12345678"),
	       "ldwatch-rules-changed: what, and the rule replaced");
	json_object_put(r);

	m.rule_change = LDW_RULE_CHANGE_LOADED;
	m.present &= ~(1ull << LDW_A_RULE_PREV_VERSION | 1ull << LDW_A_RULE_PREV_SHA256 |
		       1ull << LDW_A_EXECUTABLE);
	ldw_ecs_rules_changed(doc, &ctx, &m, true);
	r = render_parse(doc, line);
	tap_ok(r && is_strv(r, "event.type", creation, 1) &&
	       is_cstr(r, "ldwatch.rule.change", "loaded") &&
	       absent(r, "ldwatch.rule.previous_version") && absent(r, "process.executable") &&
	       json_object_get_boolean(get(r, "ldwatch.late_arrival")),
	       "ldwatch-rules-changed: a load, by a task without executable, arrived late");
	json_object_put(r);
}

int main(void)
{
	struct ecs_doc *doc = ecs_doc_new();
	struct ecs_buf line;
	unsigned int i;

	ecs_buf_init(&line);
	for (i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++)
		test_str_case(doc, &line, &str_cases[i]);
	test_every_byte(doc, &line);
	test_random(doc, &line);
	test_line_separators(doc, &line);
	test_long(doc, &line);
	test_base64();
	test_time();
	test_tree(doc, &line);
	test_alert_creation(doc, &line);
	test_alert_rename(doc, &line);
	test_alert_host_target(doc, &line);
	test_alert_view_truncated(doc, &line);
	test_alert_derivations(doc, &line);
	test_alert_hostile(doc, &line);
	test_health(doc, &line);
	test_rules(doc, &line);
	ecs_buf_free(&line);
	ecs_doc_free(doc);
	return tap_done();
}
