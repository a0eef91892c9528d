// SPDX-License-Identifier: GPL-2.0
/*
 * ECS documents as JSON lines: the byte buffer, the string escaper, base64,
 * RFC 3339 time, and the tree of dotted field names. See ecs.h for the
 * promises; the comments here say how they are kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecs.h"

/* --- buffer --- */

void ecs_buf_init(struct ecs_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void ecs_buf_free(struct ecs_buf *b)
{
	free(b->data);
	ecs_buf_init(b);
}

void ecs_buf_reset(struct ecs_buf *b)
{
	b->len = 0;
	b->err = 0;
}

/* Make room for @n more bytes; false (and the error set) if impossible. */
static bool ecs_buf_reserve(struct ecs_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->err)
		return false;
	if (n <= b->cap - b->len)
		return true;
	if (n > SIZE_MAX / 2 - b->len) {
		b->err = EOVERFLOW;
		return false;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->err = ENOMEM;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void ecs_buf_add(struct ecs_buf *b, const void *p, size_t n)
{
	if (!n || !ecs_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void ecs_buf_addc(struct ecs_buf *b, char c)
{
	ecs_buf_add(b, &c, 1);
}

void ecs_buf_adds(struct ecs_buf *b, const char *s)
{
	ecs_buf_add(b, s, strlen(s));
}

/* --- the string escaper --- */

/*
 * The length of the well-formed UTF-8 sequence at @p (@avail bytes there),
 * or 0 if the byte at @p does not start one. The table is Unicode's
 * (Table 3-7, "Well-Formed UTF-8 Byte Sequences"): the second byte's range
 * is narrowed after E0 (no overlongs), ED (no surrogates), F0 (no overlongs)
 * and F4 (nothing above U+10FFFF); C0, C1 and F5..FF never start one.
 */
static size_t ecs_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		n = 2;
	} else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

/* Bytes that go through unchanged: printable ASCII but the two JSON specials. */
static bool ecs_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

bool ecs_json_string(struct ecs_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	bool replaced = false;
	size_t i = 0, run, n;
	char esc[7];

	ecs_buf_addc(b, '"');
	while (i < len) {
		for (run = 0; i + run < len && ecs_plain(p[i + run]); run++)
			;
		ecs_buf_add(b, p + i, run);
		i += run;
		if (i == len)
			break;
		switch (p[i]) {
		case '"':
			ecs_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			ecs_buf_add(b, "\\\\", 2);
			break;
		case '\b':
			ecs_buf_add(b, "\\b", 2);
			break;
		case '\f':
			ecs_buf_add(b, "\\f", 2);
			break;
		case '\n':
			ecs_buf_add(b, "\\n", 2);
			break;
		case '\r':
			ecs_buf_add(b, "\\r", 2);
			break;
		case '\t':
			ecs_buf_add(b, "\\t", 2);
			break;
		default:
			if (p[i] < 0x80) {
				/* The other controls and DEL. */
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[p[i] >> 4];
				esc[5] = hex[p[i] & 0xf];
				ecs_buf_add(b, esc, 6);
				break;
			}
			n = ecs_utf8_seq(p + i, len - i);
			if (!n) {
				ecs_buf_add(b, "\xef\xbf\xbd", 3);
				replaced = true;
				n = 1;
			} else if (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
				   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
				ecs_buf_add(b, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			} else {
				ecs_buf_add(b, p + i, n);
			}
			i += n;
			continue;
		}
		i++;
	}
	ecs_buf_addc(b, '"');
	return replaced;
}

void ecs_base64(struct ecs_buf *b, const void *data, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char quad[4];
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = alphabet[(v >> 6) & 63];
		quad[3] = alphabet[v & 63];
		ecs_buf_add(b, quad, 4);
	}
	if (i == n)
		return;
	v = (uint32_t)p[i] << 16;
	if (n - i == 2)
		v |= (uint32_t)p[i + 1] << 8;
	quad[0] = alphabet[v >> 18];
	quad[1] = alphabet[(v >> 12) & 63];
	quad[2] = n - i == 2 ? alphabet[(v >> 6) & 63] : '=';
	quad[3] = '=';
	ecs_buf_add(b, quad, 4);
}

void ecs_format_time(char *buf, uint64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000u);
	struct tm tm;

	size_t n;

	/* A u64 of nanoseconds ends in 2554: four-digit years always. */
	gmtime_r(&secs, &tm);
	n = strftime(buf, ECS_TIME_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, ECS_TIME_SIZE - n, ".%09uZ", (unsigned int)(ns % 1000000000u));
}

/* --- the document tree --- */

/*
 * Nodes live in one array and refer to each other by index, and every
 * name and leaf value is kept, already rendered as JSON, in one text
 * buffer: clearing a document for the next one frees nothing.
 */
struct ecs_node {
	size_t name_off, name_len;	/* the key segment, raw, in text */
	size_t val_off, val_len;	/* a leaf's JSON text, in text */
	int first, last, next;		/* children and sibling; -1: none */
	bool object;
};

struct ecs_doc {
	struct ecs_node *nodes;
	size_t n, cap;
	struct ecs_buf text;
	int err;
};

#define ECS_ROOT 0

static void ecs_doc_fail(struct ecs_doc *doc, int err)
{
	if (!doc->err)
		doc->err = err;
}

static int ecs_node_new(struct ecs_doc *doc, const char *name, size_t len, bool object)
{
	struct ecs_node *node;

	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 64;

		node = realloc(doc->nodes, cap * sizeof(*node));
		if (!node) {
			ecs_doc_fail(doc, ENOMEM);
			return -1;
		}
		doc->nodes = node;
		doc->cap = cap;
	}
	node = &doc->nodes[doc->n];
	memset(node, 0, sizeof(*node));
	node->name_off = doc->text.len;
	node->name_len = len;
	node->first = node->last = node->next = -1;
	node->object = object;
	ecs_buf_add(&doc->text, name, len);
	if (doc->text.err) {
		ecs_doc_fail(doc, doc->text.err);
		return -1;
	}
	return (int)doc->n++;
}

void ecs_doc_clear(struct ecs_doc *doc)
{
	doc->n = 0;
	doc->err = 0;
	ecs_buf_reset(&doc->text);
	ecs_node_new(doc, "", 0, true);
}

struct ecs_doc *ecs_doc_new(void)
{
	struct ecs_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return NULL;
	ecs_buf_init(&doc->text);
	ecs_doc_clear(doc);
	if (doc->err) {
		ecs_doc_free(doc);
		return NULL;
	}
	return doc;
}

void ecs_doc_free(struct ecs_doc *doc)
{
	if (!doc)
		return;
	free(doc->nodes);
	ecs_buf_free(&doc->text);
	free(doc);
}

int ecs_doc_error(const struct ecs_doc *doc)
{
	return doc->err;
}

static int ecs_child(struct ecs_doc *doc, int parent, const char *name, size_t len)
{
	int i;

	for (i = doc->nodes[parent].first; i >= 0; i = doc->nodes[i].next) {
		if (doc->nodes[i].name_len == len &&
		    !memcmp(doc->text.data + doc->nodes[i].name_off, name, len))
			return i;
	}
	return -1;
}

static int ecs_append(struct ecs_doc *doc, int parent, const char *name, size_t len,
		      bool object)
{
	int i = ecs_node_new(doc, name, len, object);

	if (i < 0)
		return -1;
	if (doc->nodes[parent].last < 0)
		doc->nodes[parent].first = i;
	else
		doc->nodes[doc->nodes[parent].last].next = i;
	doc->nodes[parent].last = i;
	return i;
}

/*
 * The new leaf for dotted @key, its objects created on the way; -1 (and
 * the error set) if the key is malformed or already taken.
 */
static int ecs_leaf(struct ecs_doc *doc, const char *key)
{
	int node = ECS_ROOT, child;
	const char *seg = key, *dot;
	size_t len;

	if (doc->err)
		return -1;
	for (;;) {
		dot = strchr(seg, '.');
		len = dot ? (size_t)(dot - seg) : strlen(seg);
		if (!len) {
			ecs_doc_fail(doc, EINVAL);
			return -1;
		}
		child = ecs_child(doc, node, seg, len);
		if (!dot) {
			if (child >= 0) {
				ecs_doc_fail(doc, EEXIST);
				return -1;
			}
			return ecs_append(doc, node, seg, len, false);
		}
		if (child < 0)
			child = ecs_append(doc, node, seg, len, true);
		else if (!doc->nodes[child].object)
			ecs_doc_fail(doc, EEXIST);
		if (doc->err)
			return -1;
		node = child;
		seg = dot + 1;
	}
}

/* Leaf @i's value is the text appended to doc->text since @start. */
static void ecs_leaf_done(struct ecs_doc *doc, int i, size_t start)
{
	if (doc->text.err) {
		ecs_doc_fail(doc, doc->text.err);
		return;
	}
	doc->nodes[i].val_off = start;
	doc->nodes[i].val_len = doc->text.len - start;
}

void ecs_put_str(struct ecs_doc *doc, const char *key, const char *s, size_t len)
{
	static const char raw_prefix[] = "ldwatch.raw.";
	char raw_key[256];
	bool replaced;
	size_t start;
	int i;

	i = ecs_leaf(doc, key);
	if (i < 0)
		return;
	start = doc->text.len;
	replaced = ecs_json_string(&doc->text, s, len);
	ecs_leaf_done(doc, i, start);
	if (!replaced)
		return;
	/* The exact bytes, so that the replacement loses nothing. */
	if (snprintf(raw_key, sizeof(raw_key), "%s%s", raw_prefix, key) >=
	    (int)sizeof(raw_key)) {
		ecs_doc_fail(doc, ENAMETOOLONG);
		return;
	}
	ecs_put_base64(doc, raw_key, s, len);
}

void ecs_put_base64(struct ecs_doc *doc, const char *key, const void *p, size_t n)
{
	size_t start;
	int i;

	i = ecs_leaf(doc, key);
	if (i < 0)
		return;
	start = doc->text.len;
	ecs_buf_addc(&doc->text, '"');
	ecs_base64(&doc->text, p, n);
	ecs_buf_addc(&doc->text, '"');
	ecs_leaf_done(doc, i, start);
}

void ecs_put_cstr(struct ecs_doc *doc, const char *key, const char *s)
{
	if (s)
		ecs_put_str(doc, key, s, strlen(s));
}

void ecs_put_u64(struct ecs_doc *doc, const char *key, uint64_t v)
{
	char num[24];
	size_t start;
	int i, n;

	i = ecs_leaf(doc, key);
	if (i < 0)
		return;
	n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	start = doc->text.len;
	ecs_buf_add(&doc->text, num, (size_t)n);
	ecs_leaf_done(doc, i, start);
}

void ecs_put_bool(struct ecs_doc *doc, const char *key, bool v)
{
	size_t start;
	int i;

	i = ecs_leaf(doc, key);
	if (i < 0)
		return;
	start = doc->text.len;
	ecs_buf_adds(&doc->text, v ? "true" : "false");
	ecs_leaf_done(doc, i, start);
}

void ecs_put_strv(struct ecs_doc *doc, const char *key, const char *const *v, size_t n)
{
	size_t start, k;
	int i;

	i = ecs_leaf(doc, key);
	if (i < 0)
		return;
	start = doc->text.len;
	ecs_buf_addc(&doc->text, '[');
	for (k = 0; k < n; k++) {
		if (k)
			ecs_buf_addc(&doc->text, ',');
		/* Array items are our own constants: no raw copy is needed. */
		ecs_json_string(&doc->text, v[k], strlen(v[k]));
	}
	ecs_buf_addc(&doc->text, ']');
	ecs_leaf_done(doc, i, start);
}

void ecs_put_time(struct ecs_doc *doc, const char *key, uint64_t ns)
{
	char buf[ECS_TIME_SIZE];

	ecs_format_time(buf, ns);
	ecs_put_cstr(doc, key, buf);
}

/* Objects nest only as deep as the dots in our own keys: recursion is bounded. */
static void ecs_render_object(const struct ecs_doc *doc, int obj, struct ecs_buf *out)
{
	const struct ecs_node *node;
	bool first = true;
	int i;

	ecs_buf_addc(out, '{');
	for (i = doc->nodes[obj].first; i >= 0; i = node->next) {
		node = &doc->nodes[i];
		if (!first)
			ecs_buf_addc(out, ',');
		first = false;
		ecs_json_string(out, doc->text.data + node->name_off, node->name_len);
		ecs_buf_addc(out, ':');
		if (node->object)
			ecs_render_object(doc, i, out);
		else
			ecs_buf_add(out, doc->text.data + node->val_off, node->val_len);
	}
	ecs_buf_addc(out, '}');
}

int ecs_doc_render(const struct ecs_doc *doc, struct ecs_buf *out)
{
	size_t start = out->len;

	if (doc->err)
		return doc->err;
	if (out->err)
		return out->err;
	ecs_render_object(doc, ECS_ROOT, out);
	ecs_buf_addc(out, '\n');
	if (out->err) {
		int err = out->err;

		out->len = start;
		return err;
	}
	return 0;
}

/* --- reading back (journal_output.c) --- */

bool ecs_doc_get(const struct ecs_doc *doc, const char *key, const char **json, size_t *len)
{
	const struct ecs_node *node = NULL;
	const char *seg = key, *dot;
	int parent = ECS_ROOT, i = -1;
	size_t n;

	if (doc->err)
		return false;
	for (;;) {
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		for (i = doc->nodes[parent].first; i >= 0; i = doc->nodes[i].next) {
			node = &doc->nodes[i];
			if (node->name_len == n &&
			    !memcmp(doc->text.data + node->name_off, seg, n))
				break;
		}
		if (i < 0)
			return false;
		if (!dot)
			break;
		if (!node->object)
			return false;
		parent = i;
		seg = dot + 1;
	}
	if (node->object)
		return false;
	*json = doc->text.data + node->val_off;
	*len = node->val_len;
	return true;
}
