// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the readers of rule files and exception files
 * (userspace/rule/rule_file.c, exceptions.c) and what they hand to the
 * compiler. The input's first byte chooses: even, a rule file (each rule
 * read is compiled, with the exception items exported beside it); odd, an
 * exception file (each item compiled alone, then all of them with a plain
 * rule). A crash, a sanitizer report or a leak is a failure; so is a
 * compiled program that ldw_prog_verify() refuses, or an error without a
 * message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>

#include "rule/exceptions.h"
#include "rule/rule_file.h"

static const char plain_rule[] =
	"// id: fuzz\n// name: fuzz\n// version: 1\n// severity: low\n// risk_score: 1\n"
	"file where file.path : \"/etc/ld.so.preload\"\n";

static void must_have_message(const struct ldw_file_error *err)
{
	if (!err->message[0])
		abort();
}

static void rule_file(const char *text, size_t len)
{
	struct ldw_file_error err = { 0 };
	struct ldw_rule_file f;
	unsigned int i;

	if (ldw_rule_file_parse("fuzz", text, len, &f, &err)) {
		must_have_message(&err);
	} else {
		for (i = 0; i < f.nrules; i++) {
			struct ldw_compiled c;

			if (ldw_rule_compile(&f, &f.rules[i], NULL, &c, &err))
				must_have_message(&err);
			ldw_compiled_free(&c);
		}
	}
	ldw_rule_file_free(&f);
}

static void exception_file(const char *text, size_t len)
{
	static _Alignas(8) unsigned char blob[LDW_PROG_MAX_SIZE];
	struct ldw_file_error err = { 0 };
	struct ldw_exceptions x;
	struct ldw_rule_file f;
	unsigned int i;

	if (ldw_exceptions_parse("fuzz", text, len, &x, &err)) {
		must_have_message(&err);
		ldw_exceptions_free(&x);
		return;
	}
	for (i = 0; i < x.nitems; i++) {
		struct ldw_prog_builder b;
		struct ldw_prog_error perr;
		struct ldw_prog prog;
		const char *msg = NULL;
		size_t size;

		ldw_prog_build_init(&b, blob, sizeof(blob));
		if (ldw_exc_item_compile(&x, &x.items[i], &b, &err)) {
			must_have_message(&err);
			continue;
		}
		size = ldw_prog_build_finish(&b, &msg);
		if (size && ldw_prog_verify(blob, size, &prog, &perr))
			abort();
	}
	/* All of them after a rule, as match --exceptions does. */
	if (!ldw_rule_file_parse("rule", plain_rule, sizeof(plain_rule) - 1, &f, &err)) {
		struct ldw_compiled c;

		free(x.rule_id);
		x.rule_id = NULL;
		if (x.format == LDW_EXC_FORMAT_EQL)
			x.rule_id = strdup("fuzz");
		if (ldw_rule_compile(&f, &f.rules[0], &x, &c, &err))
			must_have_message(&err);
		ldw_compiled_free(&c);
	} else {
		abort();
	}
	ldw_rule_file_free(&f);
	ldw_exceptions_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!size)
		return 0;
	/* The readers take NUL-terminated text, as ldw_file_slurp() gives. */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		exception_file(text, size - 1);
	else
		rule_file(text, size - 1);
	free(text);
	return 0;
}
