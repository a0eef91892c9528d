/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing ECS documents: one JSON object per line, with nested objects as
 * ECS spells its fields canonically ({"file":{"path":"..."}}), built from
 * dotted field names ("file.path").
 *
 * Strings are bytes. Linux paths may hold any byte but NUL, so every string
 * goes through our own escaper (ecs_json_string()), whose output is always
 * valid JSON on one line, in UTF-8:
 *
 *  - '"' and '\\' are escaped; \b \f \n \r \t by name; every other byte
 *    below 0x20, and DEL (0x7f), as \u00XX; U+2028 and U+2029 as \u2028 and
 *    \u2029 (JavaScript reads them as line ends);
 *  - well-formed UTF-8 is copied as it is;
 *  - every byte that is not part of a well-formed UTF-8 sequence (a stray
 *    continuation byte, an overlong form, a surrogate, a code point above
 *    U+10FFFF, a sequence cut short, 0xC0, 0xC1, 0xF5 to 0xFF) becomes one
 *    U+FFFD REPLACEMENT CHARACTER, and the scan goes on with the next byte.
 *
 * So that a replacement loses nothing, ecs_put_str() then also stores the
 * exact bytes, base64-encoded (RFC 4648, with padding), under
 * "ldwatch.raw.<field>": a file named "a\xffb" gives
 * {"file":{"name":"a\ufffdb"},"ldwatch":{"raw":{"file":{"name":"Yf9i"}}}}
 * (written with the U+FFFD as its three UTF-8 bytes).
 *
 * Errors are sticky, like a stdio stream's: a failed put records the first
 * error in the document and later puts do nothing; ecs_doc_render() returns
 * it. Call sites need no check after each field.
 */
#ifndef _LDWATCH_ECS_H
#define _LDWATCH_ECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer with a sticky error (0 or a positive errno). */
struct ecs_buf {
	char *data;
	size_t len;
	size_t cap;
	int err;
};

void ecs_buf_init(struct ecs_buf *b);
void ecs_buf_free(struct ecs_buf *b);
/* Empty it and clear its error; keeps the memory for reuse. */
void ecs_buf_reset(struct ecs_buf *b);
void ecs_buf_add(struct ecs_buf *b, const void *p, size_t n);
void ecs_buf_addc(struct ecs_buf *b, char c);
void ecs_buf_adds(struct ecs_buf *b, const char *s);

/*
 * Append @s (@len bytes, any bytes, NUL included) as a JSON string with its
 * quotes, escaped as described above. Returns true if any byte had to be
 * replaced by U+FFFD.
 */
bool ecs_json_string(struct ecs_buf *b, const char *s, size_t len);

/* Append @n bytes of @p in base64 (RFC 4648 section 4, padded). */
void ecs_base64(struct ecs_buf *b, const void *p, size_t n);

/*
 * Format @ns nanoseconds since the epoch as RFC 3339 UTC with nanoseconds,
 * "2025-01-31T23:59:59.123456789Z", into @buf (at least ECS_TIME_SIZE bytes).
 */
#define ECS_TIME_SIZE 32
void ecs_format_time(char *buf, uint64_t ns);

/* The document being built: a tree of objects whose leaves are JSON text. */
struct ecs_doc;

struct ecs_doc *ecs_doc_new(void);
void ecs_doc_free(struct ecs_doc *doc);
/* Forget every field and the error; keeps the memory for the next document. */
void ecs_doc_clear(struct ecs_doc *doc);
/* The first error a put met (a positive errno), or 0. */
int ecs_doc_error(const struct ecs_doc *doc);

/*
 * Set the field @key (dotted: "file.Ext.original.path") to a value. Fields
 * are written in the order they were first set; objects appear where their
 * first field was set. Setting a field twice, or a field where an object is
 * (or the other way round), is a program error: EEXIST.
 */
void ecs_put_str(struct ecs_doc *doc, const char *key, const char *s, size_t len);
/* As ecs_put_str() for a NUL-terminated @s; nothing when @s is NULL. */
void ecs_put_cstr(struct ecs_doc *doc, const char *key, const char *s);
void ecs_put_u64(struct ecs_doc *doc, const char *key, uint64_t v);
void ecs_put_bool(struct ecs_doc *doc, const char *key, bool v);
/* An array of @n strings (array-valued ECS fields such as event.type). */
void ecs_put_strv(struct ecs_doc *doc, const char *key, const char *const *v, size_t n);
/* Binary data: @n bytes of @p as a base64 string. */
void ecs_put_base64(struct ecs_doc *doc, const char *key, const void *p, size_t n);
/* A date: RFC 3339 text, as ecs_format_time(). */
void ecs_put_time(struct ecs_doc *doc, const char *key, uint64_t ns);

/*
 * Append the document to @out as one line of JSON ending in '\n'. Returns
 * 0, or the document's or the buffer's error (a positive errno), in which
 * case @out holds nothing new.
 */
int ecs_doc_render(const struct ecs_doc *doc, struct ecs_buf *out);

/*
 * Read back field @key (dotted) of @doc: its value as JSON text (a string
 * with its quotes and escapes, a number, true, an array) in *@json, *@len
 * bytes, valid until the document changes. False if it is not set or is an
 * object. For writers that take a few fields besides the whole line
 * (journal_output.c).
 */
bool ecs_doc_get(const struct ecs_doc *doc, const char *key, const char **json, size_t *len);

#endif /* _LDWATCH_ECS_H */
