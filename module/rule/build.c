// SPDX-License-Identifier: GPL-2.0
/*
 * Building a program (ldwatch/program.h) in a caller's buffer, and the
 * lowering of the built-in rule tables (rule.h) to programs.
 *
 * The four parts of a program (units, instructions, values, strings) are
 * written as they come, each into a region of the buffer; the regions lie
 * in the program's order with free room after each. When a part's region
 * is full, the free room left is shared out anew, a quarter to each region
 * on top of what the growing one needs, and the regions are moved
 * (Garwick's method for several stacks in one array). Each move leaves the
 * part that filled up at least a quarter of the room there was, so moves
 * are few (each one shrinks that room by a quarter at least) and building
 * stays linear in practice. Finish slides the parts down to close the gaps
 * and writes the header. No allocation, no recursion: the buffer is all
 * the memory there is, and a program that fits in it is built.
 *
 * Plain C with no kernel headers (see match.c).
 */
#include <ldwatch/program.h>

enum ldw_part {
	LDW_PART_UNITS,
	LDW_PART_INSNS,
	LDW_PART_VALUES,
	LDW_PART_STRINGS,
	LDW_PARTS
};

/* memmove(), which plain C without the kernel's headers does not have. */
static void ldw_move(char *dst, const char *src, size_t n)
{
	size_t i;

	if (dst == src || !n)
		return;
	if (dst < src) {
		for (i = 0; i < n; i++)
			dst[i] = src[i];
	} else {
		for (i = n; i > 0; i--)
			dst[i - 1] = src[i - 1];
	}
}

static size_t ldw_part_used(const struct ldw_prog_builder *b, enum ldw_part p)
{
	switch (p) {
	case LDW_PART_UNITS:
		return (size_t)b->nunits * sizeof(struct ldw_prog_unit);
	case LDW_PART_INSNS:
		return (size_t)b->ninsns * sizeof(struct ldw_prog_insn);
	case LDW_PART_VALUES:
		return (size_t)b->nvalues * sizeof(struct ldw_prog_value);
	default:
		return b->strings_size;
	}
}

static size_t ldw_part_end(const struct ldw_prog_builder *b, enum ldw_part p)
{
	return p + 1 < LDW_PARTS ? b->base[p + 1] : b->limit;
}

static void ldw_build_fail(struct ldw_prog_builder *b, const char *what)
{
	if (!b->error)
		b->error = what;
}

static const char ldw_too_large[] = "the rule is larger than 64 KiB compiled";

/*
 * Make room for @need more bytes in part @p: share the free room out anew
 * and move the parts. False, and the builder failed, if there is none.
 */
static bool ldw_build_room(struct ldw_prog_builder *b, enum ldw_part p, size_t need)
{
	size_t used[LDW_PARTS], base[LDW_PARTS], total = 0, share;
	char *buf = b->buf;
	int i;

	if (ldw_part_used(b, p) + need <= ldw_part_end(b, p) - b->base[p])
		return true;
	for (i = 0; i < LDW_PARTS; i++) {
		used[i] = ldw_part_used(b, i);
		total += used[i];
	}
	total += need;
	if (total > b->limit - sizeof(struct ldw_prog_header)) {
		ldw_build_fail(b, b->limit == LDW_PROG_MAX_SIZE ? ldw_too_large :
			       "the rule is larger than the buffer given to build it");
		return false;
	}
	/* A quarter of the free room each, kept a multiple of the alignment. */
	share = (b->limit - sizeof(struct ldw_prog_header) - total) / LDW_PARTS;
	share -= share % sizeof(__u32);
	base[0] = sizeof(struct ldw_prog_header);
	for (i = 1; i < LDW_PARTS; i++)
		base[i] = base[i - 1] + used[i - 1] + (i - 1 == (int)p ? need : 0) + share;
	/* The parts but the strings are whole records: bases stay aligned. */
	for (i = 0; i < LDW_PARTS; i++) {
		if (base[i] < b->base[i])
			ldw_move(buf + base[i], buf + b->base[i], used[i]);
	}
	for (i = LDW_PARTS - 1; i >= 0; i--) {
		if (base[i] > b->base[i])
			ldw_move(buf + base[i], buf + b->base[i], used[i]);
	}
	for (i = 0; i < LDW_PARTS; i++)
		b->base[i] = base[i];
	return true;
}

static void *ldw_part_next(struct ldw_prog_builder *b, enum ldw_part p, size_t need)
{
	if (!ldw_build_room(b, p, need))
		return NULL;
	return (char *)b->buf + b->base[p] + ldw_part_used(b, p);
}

void ldw_prog_build_init(struct ldw_prog_builder *b, void *buf, size_t size)
{
	size_t room;
	int i;

	b->buf = buf;
	b->size = size;
	b->error = NULL;
	b->nunits = 0;
	b->ninsns = 0;
	b->nvalues = 0;
	b->strings_size = 0;
	b->unit_first_insn = 0;
	b->depth = 0;
	b->in_unit = false;
	b->unit_kind = 0;
	b->limit = size < LDW_PROG_MAX_SIZE ? size : LDW_PROG_MAX_SIZE;
	if (!buf || (unsigned long)buf % sizeof(__u32) ||
	    b->limit < sizeof(struct ldw_prog_header)) {
		b->error = "the buffer is not aligned for __u32 or too small";
		b->limit = sizeof(struct ldw_prog_header);
	}
	room = (b->limit - sizeof(struct ldw_prog_header)) / LDW_PARTS;
	room -= room % sizeof(__u32);
	for (i = 0; i < LDW_PARTS; i++)
		b->base[i] = sizeof(struct ldw_prog_header) + i * room;
}

void ldw_prog_build_begin_unit(struct ldw_prog_builder *b,
			       enum ldw_unit_kind kind)
{
	if (b->error)
		return;
	if (b->in_unit) {
		ldw_build_fail(b, "a unit begun inside another");
		return;
	}
	if ((unsigned int)kind >= LDW_UNIT_KINDS) {
		ldw_build_fail(b, "unknown unit kind");
		return;
	}
	if (b->nunits == LDW_PROG_MAX_UNITS) {
		ldw_build_fail(b, "more than LDW_PROG_MAX_UNITS units");
		return;
	}
	b->in_unit = true;
	b->unit_kind = kind;
	b->unit_first_insn = b->ninsns;
	b->depth = 0;
}

/* Append one instruction to the current unit; NULL if that failed. */
static struct ldw_prog_insn *ldw_build_insn(struct ldw_prog_builder *b,
					    enum ldw_insn_code code)
{
	struct ldw_prog_insn *in;

	if (!b->in_unit) {
		ldw_build_fail(b, "an instruction outside a unit");
		return NULL;
	}
	if (b->ninsns == LDW_PROG_MAX_INSNS) {
		ldw_build_fail(b, "more than LDW_PROG_MAX_INSNS instructions");
		return NULL;
	}
	in = ldw_part_next(b, LDW_PART_INSNS, sizeof(*in));
	if (!in)
		return NULL;
	in->code = code;
	in->field = 0;
	in->op = 0;
	in->reserved = 0;
	in->first_value = 0;
	in->nvalues = 0;
	b->ninsns++;
	return in;
}

/*
 * A TEST of @nvalues values, taken from @values or, for the built-in
 * tables, from the NUL-terminated strings @cstrs.
 */
static void ldw_build_test(struct ldw_prog_builder *b, enum ldw_field field,
			   enum ldw_op op, const struct ldw_str *values,
			   const char *const *cstrs, unsigned int nvalues)
{
	struct ldw_prog_insn *in;
	__u32 first_value = b->nvalues;
	unsigned int i;

	if (b->error)
		return;
	if (!b->in_unit) {
		ldw_build_fail(b, "an instruction outside a unit");
		return;
	}
	if ((unsigned int)field >= LDW_FIELD_COUNT) {
		ldw_build_fail(b, "unknown field");
		return;
	}
	if ((unsigned int)op >= LDW_OP_COUNT) {
		ldw_build_fail(b, "unknown operator");
		return;
	}
	if (op == LDW_OP_IS_NULL && nvalues) {
		ldw_build_fail(b, "== null takes no values");
		return;
	}
	if (op != LDW_OP_IS_NULL && !nvalues) {
		ldw_build_fail(b, "a comparison without values");
		return;
	}
	if (b->depth == LDW_PROG_MAX_DEPTH) {
		ldw_build_fail(b, "an expression nested deeper than LDW_PROG_MAX_DEPTH");
		return;
	}
	if (nvalues > LDW_PROG_MAX_SIZE / sizeof(struct ldw_prog_value)) {
		ldw_build_fail(b, ldw_too_large);
		return;
	}

	for (i = 0; i < nvalues; i++) {
		struct ldw_str value = values ? values[i] : ldw_str_cstr(cstrs[i]);
		struct ldw_prog_value *v;
		char *s;

		if (value.len > LDW_PROG_MAX_VALUE_LEN) {
			ldw_build_fail(b, "a value longer than LDW_PROG_MAX_VALUE_LEN");
			return;
		}
		if (!value.ptr && value.len) {
			ldw_build_fail(b, "a value without its bytes");
			return;
		}
		v = ldw_part_next(b, LDW_PART_VALUES, sizeof(*v));
		if (!v)
			return;
		v->offset = b->strings_size;
		v->len = value.len;
		b->nvalues++;
		s = ldw_part_next(b, LDW_PART_STRINGS, value.len);
		if (!s)
			return;
		ldw_move(s, value.ptr, value.len);
		b->strings_size += value.len;
	}

	in = ldw_build_insn(b, LDW_INSN_TEST);
	if (!in)
		return;
	in->field = field;
	in->op = op;
	in->first_value = first_value;
	in->nvalues = nvalues;
	b->depth++;
}

void ldw_prog_build_test(struct ldw_prog_builder *b, enum ldw_field field,
			 enum ldw_op op, const struct ldw_str *values,
			 unsigned int nvalues)
{
	if (!values && nvalues) {
		ldw_build_fail(b, "values missing");
		return;
	}
	ldw_build_test(b, field, op, values, NULL, nvalues);
}

void ldw_prog_build_op(struct ldw_prog_builder *b, enum ldw_insn_code code)
{
	if (b->error)
		return;
	switch (code) {
	case LDW_INSN_NOT:
		if (b->in_unit && b->depth < 1) {
			ldw_build_fail(b, "NOT needs an operand");
			return;
		}
		break;
	case LDW_INSN_AND:
	case LDW_INSN_OR:
		if (b->in_unit && b->depth < 2) {
			ldw_build_fail(b, code == LDW_INSN_AND ?
				       "AND needs two operands" :
				       "OR needs two operands");
			return;
		}
		break;
	case LDW_INSN_TEST:
		ldw_build_fail(b, "a TEST is built by ldw_prog_build_test()");
		return;
	default:
		ldw_build_fail(b, "unknown instruction code");
		return;
	}
	if (ldw_build_insn(b, code) && code != LDW_INSN_NOT)
		b->depth--;
}

void ldw_prog_build_end_unit(struct ldw_prog_builder *b)
{
	struct ldw_prog_unit *u;

	if (b->error)
		return;
	if (!b->in_unit) {
		ldw_build_fail(b, "a unit ended that was not begun");
		return;
	}
	if (b->ninsns == b->unit_first_insn) {
		ldw_build_fail(b, "a unit without code");
		return;
	}
	if (b->depth != 1) {
		ldw_build_fail(b, "a unit's code leaves more than one truth");
		return;
	}
	u = ldw_part_next(b, LDW_PART_UNITS, sizeof(*u));
	if (!u)
		return;
	u->kind = b->unit_kind;
	u->reserved = 0;
	u->reserved2 = 0;
	u->first_insn = b->unit_first_insn;
	u->ninsns = b->ninsns - b->unit_first_insn;
	b->nunits++;
	b->in_unit = false;
}

size_t ldw_prog_build_finish(struct ldw_prog_builder *b, const char **error)
{
	struct ldw_prog_header *h = b->buf;
	struct ldw_prog_error verr;
	struct ldw_prog prog;
	size_t at = sizeof(*h);
	int i;

	if (!b->error && b->in_unit)
		ldw_build_fail(b, "the last unit was not ended");
	if (!b->error && !b->nunits)
		ldw_build_fail(b, "a rule without units");
	if (b->error) {
		*error = b->error;
		return 0;
	}
	/* Close the gaps: each part moves down, never onto one not yet moved. */
	for (i = 0; i < LDW_PARTS; i++) {
		size_t used = ldw_part_used(b, i);

		ldw_move((char *)b->buf + at, (char *)b->buf + b->base[i], used);
		b->base[i] = at;
		at += used;
	}
	h->magic = LDW_PROG_MAGIC;
	h->version = LDW_PROG_VERSION;
	h->nunits = b->nunits;
	h->ninsns = b->ninsns;
	h->nvalues = b->nvalues;
	h->strings_size = b->strings_size;
	h->size = at;
	/* Later calls add nothing to a finished program. */
	b->error = "the program is finished";
	if (ldw_prog_verify(b->buf, at, &prog, &verr)) {
		*error = verr.what;
		return 0;
	}
	*error = NULL;
	return at;
}

/* One clause of a table as a TEST. */
static void ldw_build_clause(struct ldw_prog_builder *b,
			     const struct ldw_clause *clause)
{
	static const char *const none[] = { NULL };
	const char *const *values = clause->values ? clause->values : none;
	unsigned int n = 0;

	while (values[n])
		n++;
	ldw_build_test(b, clause->field, clause->op, NULL, values, n);
}

void ldw_prog_build_rule(struct ldw_prog_builder *b, const struct ldw_rule *rule)
{
	unsigned int i, j;

	for (i = 0; i < rule->nrequirements; i++) {
		ldw_prog_build_begin_unit(b, LDW_UNIT_REQUIRE);
		ldw_build_clause(b, &rule->requirements[i]);
		ldw_prog_build_end_unit(b);
	}
	for (i = 0; i < rule->nexclusions; i++) {
		const struct ldw_conjunction *conj = &rule->exclusions[i];

		ldw_prog_build_begin_unit(b, LDW_UNIT_EXCLUDE);
		for (j = 0; j < conj->nclauses; j++) {
			ldw_build_clause(b, &conj->clauses[j]);
			if (j)
				ldw_prog_build_op(b, LDW_INSN_AND);
		}
		ldw_prog_build_end_unit(b);
	}
}

size_t ldw_prog_from_rule(const struct ldw_rule *rule, void *buf, size_t size,
			  const char **error)
{
	struct ldw_prog_builder b;

	ldw_prog_build_init(&b, buf, size);
	ldw_prog_build_rule(&b, rule);
	return ldw_prog_build_finish(&b, error);
}

const struct ldw_rule *const ldw_builtin_tables[LDW_BUILTIN_COUNT] = {
	&ldw_default_rule,
	&ldw_companion_rule,
};

const struct ldw_rule *ldw_builtin_find(struct ldw_str id)
{
	unsigned int i;

	for (i = 0; i < LDW_BUILTIN_COUNT; i++) {
		if (ldw_equal(ldw_str_cstr(ldw_builtin_tables[i]->id), id, false))
			return ldw_builtin_tables[i];
	}
	return NULL;
}
