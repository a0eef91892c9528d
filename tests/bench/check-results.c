// SPDX-License-Identifier: GPL-2.0
/*
 * check-results: does a benchmark results file have the form issue 5
 * gives it, with the figures of hook=kprobe, of every shipped rule loaded
 * (issue 15) and of the prefix-anchored ld.so rule loaded besides beside?
 * For tests/bench/smoke.sh.
 *
 *   check-results FILE RELEASE OPERATION...
 *
 * FILE must be one JSON object, parsed strictly (json-c, an independent
 * parser: the report writes it with awk), holding exactly
 *
 *   {"kernel": RELEASE, "metric": "icount",
 *    "ops": {OPERATION: {"none": N, "ldwatch": N, "rules": N, "prefix": N,
 *                        "kprobe": N, "audit": N}, ...}}
 *
 * with exactly the OPERATIONs given, each N a positive finite number.
 * Prints what is wrong, one line each; exit status 0 if nothing, 1 if
 * something, 2 on a usage error.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define PROG "check-results"

static const char *const configs[] = { "none", "ldwatch", "rules", "prefix", "kprobe", "audit" };
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

static int problems;

static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s: ", PROG);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	problems++;
}

/* read_file PATH: its whole content, NUL-terminated; NULL on error. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *bigger;

			cap = cap ? 2 * cap : 8192;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void check_string(struct json_object *top, const char *key, const char *want)
{
	struct json_object *v;

	if (!json_object_object_get_ex(top, key, &v) || !json_object_is_type(v, json_type_string))
		problem("\"%s\" is missing or not a string", key);
	else if (strcmp(json_object_get_string(v), want))
		problem("\"%s\" is \"%s\", not \"%s\"", key, json_object_get_string(v), want);
}

static void check_op(const char *name, struct json_object *op)
{
	struct json_object *v;
	size_t i;
	double d;

	if (!json_object_is_type(op, json_type_object)) {
		problem("ops.\"%s\" is not an object", name);
		return;
	}
	if (json_object_object_length(op) != (int)NCONFIGS)
		problem("ops.\"%s\" has %d members, not %zu", name,
			json_object_object_length(op), NCONFIGS);
	for (i = 0; i < NCONFIGS; i++) {
		if (!json_object_object_get_ex(op, configs[i], &v)) {
			problem("ops.\"%s\".%s is missing", name, configs[i]);
			continue;
		}
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int)) {
			problem("ops.\"%s\".%s is not a number", name, configs[i]);
			continue;
		}
		d = json_object_get_double(v);
		if (!isfinite(d) || d <= 0)
			problem("ops.\"%s\".%s is not positive: %g", name, configs[i], d);
	}
}

int main(int argc, char **argv)
{
	struct json_tokener *tok;
	struct json_object *top, *ops, *op;
	size_t len;
	char *text;
	int i;

	if (argc < 4) {
		fprintf(stderr, "Usage: %s FILE RELEASE OPERATION...\n", PROG);
		return 2;
	}
	text = read_file(argv[1], &len);
	if (!text) {
		perror(argv[1]);
		return 1;
	}
	tok = json_tokener_new();
	if (!tok) {
		free(text);
		return 1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	top = json_tokener_parse_ex(tok, text, (int)len);
	if (!top || json_tokener_get_error(tok) != json_tokener_success) {
		if (json_tokener_get_error(tok) == json_tokener_continue)
			problem("%s ends inside its JSON value", argv[1]);
		else
			problem("%s is not one well-formed JSON value: %s", argv[1],
				json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	/* Only white space may follow the value. */
	for (i = (int)json_tokener_get_parse_end(tok); i < (int)len; i++)
		if (!strchr(" \t\r\n", text[i])) {
			problem("%s has text after its JSON value", argv[1]);
			break;
		}
	if (!json_object_is_type(top, json_type_object)) {
		problem("%s is not a JSON object", argv[1]);
		goto out;
	}
	if (json_object_object_length(top) != 3)
		problem("the object has %d members, not 3 (kernel, metric, ops)",
			json_object_object_length(top));
	check_string(top, "kernel", argv[2]);
	check_string(top, "metric", "icount");
	if (!json_object_object_get_ex(top, "ops", &ops) ||
	    !json_object_is_type(ops, json_type_object)) {
		problem("\"ops\" is missing or not an object");
		goto out;
	}
	if (json_object_object_length(ops) != argc - 3)
		problem("\"ops\" has %d operations, not %d", json_object_object_length(ops),
			argc - 3);
	for (i = 3; i < argc; i++) {
		if (!json_object_object_get_ex(ops, argv[i], &op))
			problem("ops.\"%s\" is missing", argv[i]);
		else
			check_op(argv[i], op);
	}
out:
	json_object_put(top);
	json_tokener_free(tok);
	free(text);
	return problems ? 1 : 0;
}
