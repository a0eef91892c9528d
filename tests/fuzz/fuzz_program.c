// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the program verifier (ldwatch/program.h), as the
 * kernel will run it on a blob from a netlink message.
 *
 * The input is a blob, copied to an exact-size, aligned heap buffer so
 * that ASan sees any read past its end. Every blob the verifier accepts is
 * evaluated on events made from the input's tail and written back as text,
 * whole, unit by unit and TEST by TEST, into buffers of every small size:
 * none of it may read or write out of bounds, and the formatter must report
 * the same length at every size. A refusal must name a byte inside the
 * blob. Mutating raw blobs rarely gets past the header, so some inputs are
 * given a well-formed header first (counts from the input, the size and
 * magic made right), and some are patches (offset, byte) to the default
 * rule's lowered program, which reach every record of a real one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldwatch/program.h>

static void check_format(const struct ldw_prog *prog)
{
	static char big[LDW_PROG_MAX_SIZE * 8];
	char small[24];
	size_t need, size;
	unsigned int i;

	need = ldw_prog_format(prog, big, sizeof(big));
	if (need >= sizeof(big) || strlen(big) != need)
		abort();
	for (size = 0; size <= sizeof(small); size++) {
		if (ldw_prog_format(prog, small, size) != need)
			abort();
		if (size && strncmp(small, big, size - 1 < need ? size - 1 : need))
			abort();
	}
	for (i = 0; i < prog->header->nunits; i++) {
		need = ldw_prog_format_unit(prog, i, NULL, 0);
		if (ldw_prog_format_unit(prog, i, small, sizeof(small)) != need)
			abort();
	}
	for (i = 0; i < prog->header->ninsns; i++) {
		need = ldw_prog_format_test(prog, i, 0, NULL, 0);
		if (ldw_prog_format_test(prog, i, 0, small, sizeof(small)) != need)
			abort();
	}
}

/* Events from @tail: fields split at 0x01, "\x02" alone an absent field. */
static void check_eval(const struct ldw_prog *prog, const uint8_t *tail, size_t n)
{
	struct ldw_event event = { 0 };
	struct ldw_verdict v;
	size_t at = 0;
	unsigned int f;

	for (f = 0; f < LDW_FIELD_COUNT; f++) {
		const uint8_t *end = at < n ? memchr(tail + at, 1, n - at) : NULL;
		size_t len = at < n ? (end ? (size_t)(end - tail) : n) - at : 0;

		if (len == 1 && tail[at] == 2)
			event.field[f] = LDW_STR_ABSENT;
		else
			event.field[f] = (struct ldw_str){ (const char *)tail + (at < n ? at : n), len };
		at += len + 1;
	}
	v = ldw_prog_eval(prog, &event);
	if (v.outcome != LDW_MATCH && v.index >= prog->header->nunits)
		abort();
	if (v.outcome == LDW_EXCLUDED && prog->unit[v.index].kind != LDW_UNIT_EXCLUDE)
		abort();
	if (v.outcome == LDW_NO_MATCH && prog->unit[v.index].kind != LDW_UNIT_REQUIRE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ldw_prog_error err;
	struct ldw_prog prog;
	size_t blob_size = size, tail = 0;
	uint32_t *blob;

	/* The first byte picks the mode; a blob may be followed by an event. */
	if (!size)
		return 0;
	if (data[0] & 4) {
		static uint32_t base[LDW_PROG_MAX_SIZE / sizeof(uint32_t)];
		static size_t base_size;
		const char *what;
		size_t i;

		if (!base_size)
			base_size = ldw_prog_from_rule(&ldw_default_rule, base, sizeof(base), &what);
		if (!base_size)
			abort();
		blob = malloc(base_size);
		if (!blob)
			return 0;
		memcpy(blob, base, base_size);
		for (i = 1; i + 3 <= size && i < 64; i += 3) {
			size_t at = (data[i] | (size_t)data[i + 1] << 8) % base_size;

			((uint8_t *)blob)[at] = data[i + 2];
		}
		if (!ldw_prog_verify(blob, base_size, &prog, &err)) {
			check_format(&prog);
			check_eval(&prog, data + i, size - i);
		} else if (!err.what || err.offset >= base_size) {
			abort();
		}
		free(blob);
		return 0;
	}
	if (data[0] & 1) {
		const uint8_t *sep = memmem(data + 1, size - 1, "EVNT", 4);

		blob_size = sep ? (size_t)(sep - data) - 1 : size - 1;
		tail = sep ? (size_t)(sep - data) + 4 : size;
	} else {
		blob_size = size - 1;
		tail = size;
	}
	blob = malloc(blob_size ? blob_size : 1);
	if (!blob)
		return 0;
	memcpy(blob, data + 1, blob_size);
	if ((data[0] & 2) && blob_size >= sizeof(struct ldw_prog_header)) {
		struct ldw_prog_header *h = (void *)blob;

		h->magic = LDW_PROG_MAGIC;
		h->version = LDW_PROG_VERSION;
		h->size = blob_size;
		h->nunits %= 16;
		h->ninsns %= 64;
		h->nvalues %= 64;
		h->strings_size = blob_size - sizeof(*h) - h->nunits * 12u - h->ninsns * 12u -
				  h->nvalues * 8u;
	}

	if (ldw_prog_verify(blob, blob_size, &prog, &err)) {
		if (!err.what || !*err.what || (blob_size && err.offset >= blob_size))
			abort();
	} else {
		check_format(&prog);
		check_eval(&prog, data + tail, size - tail);
	}
	free(blob);
	return 0;
}
