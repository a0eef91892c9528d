// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled rules (ldwatch/program.h): the verifier, which every blob passes
 * once before use, and the evaluator, which then trusts it.
 *
 * The verifier checks each record in the order the blob lays them out, and
 * every sum it forms is of terms it has bounded first, so no arithmetic can
 * wrap. The evaluator reads each instruction once, keeps a unit's stack in
 * the bits of one 64-bit word (LDW_PROG_MAX_DEPTH is 64) and indexes only
 * what the verifier proved in range.
 *
 * Plain C with no kernel headers (see match.c): no allocation, no
 * recursion, no locks.
 */
#include <ldwatch/program.h>

/* offsetof(), which plain C without the kernel's headers reaches by its builtin. */
#define LDW_HDR_OFF(m)	__builtin_offsetof(struct ldw_prog_header, m)

static int ldw_prog_fail(struct ldw_prog_error *error, const char *what,
			 size_t offset)
{
	error->what = what;
	error->offset = offset;
	return -1;
}

/* The header: magic, version, counts in range, parts tiling @size. */
static int ldw_prog_verify_header(const struct ldw_prog_header *h, size_t size,
				  struct ldw_prog_error *error)
{
	size_t total;

	if (h->magic != LDW_PROG_MAGIC)
		return ldw_prog_fail(error, "not a compiled rule (bad magic)",
				     LDW_HDR_OFF(magic));
	if (h->version != LDW_PROG_VERSION)
		return ldw_prog_fail(error, "a compiled rule of another version",
				     LDW_HDR_OFF(version));
	if (!h->nunits || h->nunits > LDW_PROG_MAX_UNITS)
		return ldw_prog_fail(error, "unit count out of range",
				     LDW_HDR_OFF(nunits));
	if (!h->ninsns || h->ninsns > LDW_PROG_MAX_INSNS)
		return ldw_prog_fail(error, "instruction count out of range",
				     LDW_HDR_OFF(ninsns));
	if (h->nvalues > LDW_PROG_MAX_SIZE / sizeof(struct ldw_prog_value))
		return ldw_prog_fail(error, "value count out of range",
				     LDW_HDR_OFF(nvalues));
	if (h->strings_size > LDW_PROG_MAX_SIZE)
		return ldw_prog_fail(error, "string area size out of range",
				     LDW_HDR_OFF(strings_size));
	if (h->size != size)
		return ldw_prog_fail(error, "the header's size is not the blob's",
				     LDW_HDR_OFF(size));
	/* Every term is bounded above: the sum is below 2^20. */
	total = sizeof(*h) +
		(size_t)h->nunits * sizeof(struct ldw_prog_unit) +
		(size_t)h->ninsns * sizeof(struct ldw_prog_insn) +
		(size_t)h->nvalues * sizeof(struct ldw_prog_value) +
		h->strings_size;
	if (total != size)
		return ldw_prog_fail(error, total > size ?
				     "the parts run past the end of the blob" :
				     "bytes after the string area",
				     LDW_HDR_OFF(size));
	return 0;
}

/* One TEST: field, op, reserved byte, its values within the value table. */
static int ldw_prog_verify_test(const struct ldw_prog *prog,
				const struct ldw_prog_insn *in, size_t at,
				struct ldw_prog_error *error)
{
	__u32 nvalues = prog->header->nvalues;

	if (in->field >= LDW_FIELD_COUNT)
		return ldw_prog_fail(error, "unknown field", at);
	if (in->op >= LDW_OP_COUNT)
		return ldw_prog_fail(error, "unknown operator", at);
	if (in->reserved)
		return ldw_prog_fail(error, "an instruction's reserved byte is not 0", at);
	if (in->op == LDW_OP_IS_NULL && in->nvalues)
		return ldw_prog_fail(error, "== null takes no values", at);
	if (in->op != LDW_OP_IS_NULL && !in->nvalues)
		return ldw_prog_fail(error, "a comparison without values", at);
	if (in->first_value > nvalues || in->nvalues > nvalues - in->first_value)
		return ldw_prog_fail(error, "a comparison's values run past the value table",
				     at);
	return 0;
}

/*
 * One unit's code: every instruction valid, the stack never short of
 * operands nor deeper than LDW_PROG_MAX_DEPTH, and one truth left at the end.
 */
static int ldw_prog_verify_code(const struct ldw_prog *prog,
				const struct ldw_prog_unit *unit, size_t unit_at,
				size_t insn_base, struct ldw_prog_error *error)
{
	unsigned int depth = 0;
	__u32 i;

	for (i = unit->first_insn; i < unit->first_insn + unit->ninsns; i++) {
		const struct ldw_prog_insn *in = &prog->insn[i];
		size_t at = insn_base + (size_t)i * sizeof(*in);

		if (in->code >= LDW_INSN_CODES)
			return ldw_prog_fail(error, "unknown instruction code", at);
		if (in->code == LDW_INSN_TEST) {
			if (ldw_prog_verify_test(prog, in, at, error))
				return -1;
			if (depth == LDW_PROG_MAX_DEPTH)
				return ldw_prog_fail(error,
						     "a unit's stack is deeper than LDW_PROG_MAX_DEPTH",
						     at);
			depth++;
			continue;
		}
		if (in->field || in->op || in->reserved || in->first_value || in->nvalues)
			return ldw_prog_fail(error, "NOT, AND or OR with a member that is not 0",
					     at);
		if (in->code == LDW_INSN_NOT && depth < 1)
			return ldw_prog_fail(error, "NOT needs an operand", at);
		if (in->code == LDW_INSN_AND && depth < 2)
			return ldw_prog_fail(error, "AND needs two operands", at);
		if (in->code == LDW_INSN_OR && depth < 2)
			return ldw_prog_fail(error, "OR needs two operands", at);
		if (in->code != LDW_INSN_NOT)
			depth--;
	}
	if (depth != 1)
		return ldw_prog_fail(error, "a unit leaves more than one truth on its stack",
				     unit_at);
	return 0;
}

int ldw_prog_verify(const void *blob, size_t size, struct ldw_prog *prog,
		    struct ldw_prog_error *error)
{
	const struct ldw_prog_header *h = blob;
	size_t unit_base, insn_base, value_base, strings_base;
	__u32 next_insn = 0;
	__u32 i;

	if (!blob || size < sizeof(*h))
		return ldw_prog_fail(error, "shorter than a compiled rule's header", 0);
	if ((unsigned long)blob % sizeof(__u32))
		return ldw_prog_fail(error, "not aligned for its records", 0);
	if (size > LDW_PROG_MAX_SIZE)
		return ldw_prog_fail(error, "larger than LDW_PROG_MAX_SIZE", 0);
	if (ldw_prog_verify_header(h, size, error))
		return -1;

	unit_base = sizeof(*h);
	insn_base = unit_base + (size_t)h->nunits * sizeof(struct ldw_prog_unit);
	value_base = insn_base + (size_t)h->ninsns * sizeof(struct ldw_prog_insn);
	strings_base = value_base + (size_t)h->nvalues * sizeof(struct ldw_prog_value);
	prog->header = h;
	prog->unit = (const void *)((const char *)blob + unit_base);
	prog->insn = (const void *)((const char *)blob + insn_base);
	prog->value = (const void *)((const char *)blob + value_base);
	prog->strings = (const char *)blob + strings_base;

	/* The values first: a unit's code may then be checked against them. */
	for (i = 0; i < h->nvalues; i++) {
		const struct ldw_prog_value *v = &prog->value[i];
		size_t at = value_base + (size_t)i * sizeof(*v);

		if (v->len > LDW_PROG_MAX_VALUE_LEN)
			return ldw_prog_fail(error, "a value longer than LDW_PROG_MAX_VALUE_LEN",
					     at);
		if (v->offset > h->strings_size || v->len > h->strings_size - v->offset)
			return ldw_prog_fail(error, "a value runs past the string area", at);
	}

	for (i = 0; i < h->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		size_t at = unit_base + (size_t)i * sizeof(*u);

		if (u->kind >= LDW_UNIT_KINDS)
			return ldw_prog_fail(error, "unknown unit kind", at);
		if (u->reserved || u->reserved2)
			return ldw_prog_fail(error, "a unit's reserved member is not 0", at);
		if (u->first_insn != next_insn)
			return ldw_prog_fail(error,
					     "a unit's code does not start where the one before ends",
					     at);
		if (!u->ninsns)
			return ldw_prog_fail(error, "a unit without code", at);
		if (u->ninsns > h->ninsns - next_insn)
			return ldw_prog_fail(error, "a unit's code runs past the last instruction",
					     at);
		if (ldw_prog_verify_code(prog, u, at, insn_base, error))
			return -1;
		next_insn += u->ninsns;
	}
	if (next_insn != h->ninsns)
		return ldw_prog_fail(error, "instructions after the last unit's code",
				     insn_base + (size_t)next_insn * sizeof(struct ldw_prog_insn));
	return 0;
}

static struct ldw_str ldw_prog_value_str(const struct ldw_prog *prog, __u32 i)
{
	const struct ldw_prog_value *v = &prog->value[i];

	return (struct ldw_str){ prog->strings + v->offset, v->len };
}

bool ldw_prog_test(const struct ldw_prog *prog, unsigned int insn,
		   const struct ldw_event *event, unsigned int *value)
{
	const struct ldw_prog_insn *in;
	struct ldw_str text;
	__u32 i;

	*value = 0;
	if (insn >= prog->header->ninsns)
		return false;
	in = &prog->insn[insn];
	if (in->code != LDW_INSN_TEST)
		return false;
	text = event->field[in->field];
	if (in->op == LDW_OP_IS_NULL)
		return !text.ptr;
	/* A comparison with an absent field is false. */
	if (!text.ptr)
		return false;
	for (i = 0; i < in->nvalues; i++) {
		struct ldw_str v = ldw_prog_value_str(prog, in->first_value + i);
		bool hit;

		switch (in->op) {
		case LDW_OP_WILDCARD_NOCASE:
			hit = ldw_wildcard_match(v, text, true);
			break;
		case LDW_OP_WILDCARD:
			hit = ldw_wildcard_match(v, text, false);
			break;
		case LDW_OP_EQUAL:
			hit = ldw_equal(v, text, false);
			break;
		case LDW_OP_EQUAL_NOCASE:
			hit = ldw_equal(v, text, true);
			break;
		default:
			return false;
		}
		if (hit) {
			*value = i;
			return true;
		}
	}
	return false;
}

/*
 * The truth of unit @u. The stack is a word's bits, the top in bit 0: the
 * verifier proved that no unit needs more than 64 nor pops an empty stack.
 */
static bool ldw_prog_unit_eval(const struct ldw_prog *prog,
			       const struct ldw_prog_unit *u,
			       const struct ldw_event *event, unsigned int *value)
{
	__u64 stack = 0;
	__u32 i;

	*value = 0;
	for (i = u->first_insn; i < u->first_insn + u->ninsns; i++) {
		__u64 b;

		switch (prog->insn[i].code) {
		case LDW_INSN_TEST:
			stack = stack << 1 | ldw_prog_test(prog, i, event, value);
			break;
		case LDW_INSN_NOT:
			stack ^= 1;
			break;
		case LDW_INSN_AND:
			b = stack & 1;
			stack >>= 1;
			stack = (stack & ~(__u64)1) | (stack & b);
			break;
		case LDW_INSN_OR:
			b = stack & 1;
			stack >>= 1;
			stack |= b;
			break;
		}
	}
	/* The value that matched means something only for a single TEST. */
	if (u->ninsns != 1)
		*value = 0;
	return stack & 1;
}

struct ldw_verdict ldw_prog_eval(const struct ldw_prog *prog,
				 const struct ldw_event *event)
{
	struct ldw_verdict verdict = { .outcome = LDW_MATCH };
	unsigned int value;
	__u32 i;

	for (i = 0; i < prog->header->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		bool holds = ldw_prog_unit_eval(prog, u, event, &value);

		if (u->kind == LDW_UNIT_REQUIRE && !holds) {
			verdict.outcome = LDW_NO_MATCH;
			verdict.index = i;
			return verdict;
		}
		if (u->kind == LDW_UNIT_EXCLUDE && holds) {
			verdict.outcome = LDW_EXCLUDED;
			verdict.index = i;
			verdict.value = value;
			return verdict;
		}
	}
	return verdict;
}
