/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the readers of rule files (rule_file.c) and of exception files
 * (exceptions.c) share: where an error is, reading a whole file with a
 * bound, and reading typed fields out of json-c objects with messages that
 * name the field and what was found instead.
 */
#ifndef _LDWATCH_FILE_UTIL_H
#define _LDWATCH_FILE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

/* A rule or exception file larger than this is refused unread. */
#define LDW_FILE_MAX_SIZE (16u << 20)

/* Ids (rule_id, list_id, item_id) are at most this many bytes. */
#define LDW_ID_MAX 128

/*
 * Where a reader or the compiler stopped, and why. @line and @column count
 * from 1 in the file (@column in bytes; 0: the whole line). When the error
 * is inside an EQL text held in a JSON string (a rule's "query"), @line and
 * @column are where that string starts in the file, @in_query is set and
 * @qline, @qcolumn are the position inside the query's own text.
 * @file is a name owned by whoever filled it (the file object), or NULL.
 */
struct ldw_file_error {
	const char *file;
	unsigned int line, column;
	bool in_query;
	unsigned int qline, qcolumn;
	bool io;		/* the file could not be opened or read */
	char message[512];
};

/*
 * Print @err as one line:
 *   FILE:LINE:COLUMN: MESSAGE
 *   FILE:LINE:COLUMN: query:QLINE:QCOLUMN: MESSAGE    (inside a JSON "query")
 * (":COLUMN" left out when it is 0; FILE is @err->file, else @fallback.)
 */
void ldw_file_error_print(FILE *out, const struct ldw_file_error *err,
			  const char *fallback);

/* Fill @err (keeping @err->file) and return -1. */
int ldw_file_fail(struct ldw_file_error *err, unsigned int line, unsigned int column,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Read all of @path ("-": standard input) into a NUL-terminated buffer
 * (*@text, *@len; the NUL is not counted). Refuses a file larger than
 * LDW_FILE_MAX_SIZE. Returns 0, or -1 with @err filled (line 0).
 */
int ldw_file_slurp(const char *path, char **text, size_t *len, struct ldw_file_error *err);

/* The first byte of @text that is not a space, tab, CR or newline, or 0. */
char ldw_first_nonblank(const char *text, size_t len);

/* 1-based line and column of byte @offset of @text. */
void ldw_text_position(const char *text, size_t offset, unsigned int *line,
		       unsigned int *column);

/*
 * Find the value of the member @path[0] . @path[1] ... (object keys, at
 * most 4 deep) in the JSON text @text, without parsing it into objects.
 * Returns the byte offset of the value's first byte, or -1 if not found.
 * For error positions only: the text is assumed to be JSON json-c accepted.
 */
long ldw_json_member_offset(const char *text, size_t len, const char *const *path,
			    unsigned int npath);

/*
 * Parse @len bytes at @text as exactly one JSON value (strict mode; only
 * whitespace after it). Returns the object, or NULL with @err filled, its
 * position counted from @line (the line @text starts on in its file).
 */
struct json_object *ldw_file_json_parse(const char *text, size_t len, unsigned int line,
				   struct ldw_file_error *err);

/* The name of @obj's JSON type for messages: "a JSON number", "null"... */
const char *ldw_json_kind(struct json_object *obj);

/*
 * Typed members of an object. Each returns 0 with the value, 1 if the
 * member is absent (or null) and @required is false, and -1 with a message
 * in @err ("rule_id: missing", "version: a JSON string where a whole number
 * is expected", ...) at (@line, @column), prefixed with @what (the path of
 * the member, e.g. "threat[1].tactic.id"; NULL: @key).
 */
int ldw_json_string(struct json_object *obj, const char *key, const char *what,
		    bool required, size_t max_len, const char **out, size_t *out_len,
		    struct ldw_file_error *err, unsigned int line, unsigned int column);
int ldw_json_uint(struct json_object *obj, const char *key, const char *what,
		  bool required, unsigned long min, unsigned long max, unsigned long *out,
		  struct ldw_file_error *err, unsigned int line, unsigned int column);
int ldw_json_array(struct json_object *obj, const char *key, const char *what,
		   bool required, struct json_object **out,
		   struct ldw_file_error *err, unsigned int line, unsigned int column);
int ldw_json_object(struct json_object *obj, const char *key, const char *what,
		    bool required, struct json_object **out,
		    struct ldw_file_error *err, unsigned int line, unsigned int column);

/*
 * A copy of @len bytes at @s as a NUL-terminated string, refused (NULL,
 * @err filled) if it holds a NUL or a byte below 0x20 (other than tab) or
 * 0x7f: metadata ends up in alerts and on terminals. Aborts on no memory.
 */
char *ldw_meta_dup(const char *s, size_t len, const char *what, struct ldw_file_error *err,
		   unsigned int line, unsigned int column);

/* strdup / malloc that abort on no memory: these are command-line tools. */
char *ldw_xstrndup(const char *s, size_t len);
void *ldw_xcalloc(size_t n, size_t size);
void *ldw_xrealloc(void *p, size_t n, size_t size);

#endif /* _LDWATCH_FILE_UTIL_H */
