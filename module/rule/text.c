// SPDX-License-Identifier: GPL-2.0
/*
 * A program (ldwatch/program.h) written back as EQL text: the one writer of
 * rule text, for the module's status and log and for ldwatchctl. The text
 * is the canonical form program.h describes, which the compiler reads back
 * to the same program.
 *
 * A unit's code is postfix; its text is infix. The leaves (TESTs) come in
 * the same order in both, so the text is written in one pass over the
 * code: before each leaf, what opens there (an operator word, "(", "not ")
 * and, after each AND or OR, its ")" if it needs one. Which of those a node
 * gets depends on its parent, found by reading on from the node with a
 * depth count: no tree is built, no stack beyond a counter, no recursion.
 * What opens before a leaf is found walking up from the leaf, so it is
 * measured first and then written backwards into its place.
 *
 * Plain C with no kernel headers (see match.c), so no snprintf: a bounded
 * writer that counts what it could not store, as snprintf reports the
 * length it needed.
 */
#include <ldwatch/program.h>

struct ldw_writer {
	char *buf;
	size_t size;
	size_t len;	/* bytes the full text needs so far */
};

static void ldw_put_bytes(struct ldw_writer *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, w->len++) {
		if (w->len + 1 < w->size)
			w->buf[w->len] = s[i];
	}
}

static void ldw_put(struct ldw_writer *w, const char *s)
{
	ldw_put_bytes(w, s, ldw_str_cstr(s).len);
}

/* Write @n bytes at @pos, inside text already counted. */
static void ldw_put_at(struct ldw_writer *w, size_t pos, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pos + i + 1 < w->size)
			w->buf[pos + i] = s[i];
	}
}

static size_t ldw_finish(struct ldw_writer *w)
{
	if (w->size)
		w->buf[w->len < w->size ? w->len : w->size - 1] = '\0';
	return w->len;
}

/* One value as an EQL string: program.h says which bytes are escaped. */
static void ldw_put_value(struct ldw_writer *w, struct ldw_str v)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	ldw_put(w, "\"");
	for (i = 0; i < v.len; i++) {
		unsigned char c = v.ptr[i];
		char esc[7] = { '\\', 'u', '{', hex[c >> 4], hex[c & 15], '}', 0 };

		switch (c) {
		case '"':
			ldw_put(w, "\\\"");
			break;
		case '\\':
			ldw_put(w, "\\\\");
			break;
		case '\t':
			ldw_put(w, "\\t");
			break;
		case '\n':
			ldw_put(w, "\\n");
			break;
		case '\r':
			ldw_put(w, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				ldw_put(w, esc);
			else
				ldw_put_bytes(w, v.ptr + i, 1);
		}
	}
	ldw_put(w, "\"");
}

/*
 * TEST @insn as "field op values", with only value @only (LDW_ALL_VALUES:
 * all); @negated: as the operand of a NOT written "!=" or "not in".
 */
static void ldw_put_test(struct ldw_writer *w, const struct ldw_prog *prog,
			 __u32 insn, unsigned int only, bool negated)
{
	const struct ldw_prog_insn *in = &prog->insn[insn];
	__u32 first = 0, last = in->nvalues, i;
	bool list;

	ldw_put(w, ldw_field_name(in->field));
	if (in->op == LDW_OP_IS_NULL) {
		ldw_put(w, negated ? " != null" : " == null");
		return;
	}
	if (only < last) {
		first = only;
		last = only + 1;
	}
	list = last - first > 1;
	switch (in->op) {
	case LDW_OP_EQUAL:
		if (list)
			ldw_put(w, negated ? " not in " : " in ");
		else
			ldw_put(w, negated ? " != " : " == ");
		break;
	case LDW_OP_EQUAL_NOCASE:
		/* in~ has no form without parentheses. */
		ldw_put(w, " in~ ");
		list = true;
		break;
	case LDW_OP_WILDCARD:
		ldw_put(w, " like ");
		break;
	default:
		ldw_put(w, " : ");
		break;
	}
	if (list)
		ldw_put(w, "(");
	for (i = first; i < last; i++) {
		const struct ldw_prog_value *v = &prog->value[in->first_value + i];

		if (i > first)
			ldw_put(w, ", ");
		ldw_put_value(w, (struct ldw_str){ prog->strings + v->offset, v->len });
	}
	if (list)
		ldw_put(w, ")");
}

/* A unit's code, [@start, @end) of the instructions. */
struct ldw_code {
	const struct ldw_prog *prog;
	__u32 start, end;
};

/* Whether NOT @p is written into its operand's comparison ("!="). */
static bool ldw_absorbed(const struct ldw_code *c, __u32 p)
{
	const struct ldw_prog_insn *in = c->prog->insn;

	return in[p].code == LDW_INSN_NOT && p > c->start &&
	       in[p - 1].code == LDW_INSN_TEST &&
	       (in[p - 1].op == LDW_OP_EQUAL || in[p - 1].op == LDW_OP_IS_NULL);
}

/* How tightly a node binds: "or" loosest, then "and", "not", comparisons. */
static int ldw_prec(const struct ldw_code *c, __u32 p)
{
	switch (c->prog->insn[p].code) {
	case LDW_INSN_OR:
		return 1;
	case LDW_INSN_AND:
		return 2;
	case LDW_INSN_NOT:
		return ldw_absorbed(c, p) ? 4 : 3;
	default:
		return 4;
	}
}

enum ldw_side { LDW_ROOT, LDW_ONLY, LDW_LEFT, LDW_RIGHT };

/*
 * The parent of node @p, whose truth is at stack depth @depth: read on
 * until an operator takes that slot. Returns the side @p is on, and in
 * *@parent and *@parent_depth where the parent is and leaves its truth.
 */
static enum ldw_side ldw_parent(const struct ldw_code *c, __u32 p,
				unsigned int depth, __u32 *parent,
				unsigned int *parent_depth)
{
	unsigned int cur = depth;
	__u32 j;

	for (j = p + 1; j < c->end; j++) {
		switch (c->prog->insn[j].code) {
		case LDW_INSN_TEST:
			cur++;
			continue;
		case LDW_INSN_NOT:
			if (cur != depth)
				continue;
			*parent = j;
			*parent_depth = depth;
			return LDW_ONLY;
		default:
			if (cur == depth || cur - 1 == depth) {
				*parent = j;
				*parent_depth = cur - 1;
				return cur == depth ? LDW_RIGHT : LDW_LEFT;
			}
			cur--;
		}
	}
	return LDW_ROOT;
}

/* Whether node @p, on @side of @parent, is written in parentheses. */
static bool ldw_parenthesized(const struct ldw_code *c, __u32 p,
			      enum ldw_side side, __u32 parent)
{
	int mine = ldw_prec(c, p), theirs;

	if (side == LDW_ROOT)
		return false;
	theirs = ldw_prec(c, parent);
	return mine < theirs || (mine == theirs && side == LDW_RIGHT);
}

/*
 * What opens before leaf @q (its truth at @depth): walking up while the
 * node is its parent's first operand, each node's "not " and "(", and the
 * operator word of the parent whose second operand the walk ends on. With
 * @w NULL only measured; else written backwards, to end at @pos.
 */
static size_t ldw_prefix(const struct ldw_code *c, __u32 q, unsigned int depth,
			 struct ldw_writer *w, size_t pos)
{
	const struct ldw_prog_insn *in = c->prog->insn;
	unsigned int d = depth, pd;
	size_t len = 0;
	__u32 x = q, parent;

	for (;;) {
		enum ldw_side side = ldw_parent(c, x, d, &parent, &pd);
		const char *pieces[3];
		unsigned int n = 0, i;

		/* Innermost first: they are written backwards. */
		if (in[x].code == LDW_INSN_NOT && !ldw_absorbed(c, x))
			pieces[n++] = "not ";
		if (ldw_parenthesized(c, x, side, parent))
			pieces[n++] = "(";
		if (side == LDW_RIGHT)
			pieces[n++] = in[parent].code == LDW_INSN_AND ? " and " : " or ";
		for (i = 0; i < n; i++) {
			size_t l = ldw_str_cstr(pieces[i]).len;

			len += l;
			if (w)
				ldw_put_at(w, pos - len, pieces[i], l);
		}
		if (side == LDW_ROOT || side == LDW_RIGHT)
			return len;
		x = parent;
		d = pd;
	}
}

/* Unit code @c in infix, without parentheses around the whole. */
static void ldw_put_code(struct ldw_writer *w, const struct ldw_code *c)
{
	const struct ldw_prog_insn *in = c->prog->insn;
	unsigned int depth = 0, pd;
	__u32 p, parent;

	for (p = c->start; p < c->end; p++) {
		enum ldw_side side;
		size_t len;

		switch (in[p].code) {
		case LDW_INSN_TEST:
			depth++;
			len = ldw_prefix(c, p, depth, NULL, 0);
			w->len += len;
			ldw_prefix(c, p, depth, w, w->len);
			ldw_put_test(w, c->prog, p, LDW_ALL_VALUES,
				     p + 1 < c->end && ldw_absorbed(c, p + 1));
			break;
		case LDW_INSN_NOT:
			/* Never parenthesized: nothing binds tighter. */
			break;
		default:
			depth--;
			side = ldw_parent(c, p, depth, &parent, &pd);
			if (ldw_parenthesized(c, p, side, parent))
				ldw_put(w, ")");
		}
	}
}

static void ldw_code_of(const struct ldw_prog *prog, unsigned int index,
			struct ldw_code *c)
{
	c->prog = prog;
	c->start = prog->unit[index].first_insn;
	c->end = c->start + prog->unit[index].ninsns;
}

size_t ldw_prog_format_unit(const struct ldw_prog *prog, unsigned int index,
			    char *buf, size_t size)
{
	struct ldw_writer w = { buf, size, 0 };
	struct ldw_code c;

	if (index < prog->header->nunits) {
		ldw_code_of(prog, index, &c);
		ldw_put_code(&w, &c);
	}
	return ldw_finish(&w);
}

size_t ldw_prog_format_test(const struct ldw_prog *prog, unsigned int insn,
			    unsigned int only_value, char *buf, size_t size)
{
	struct ldw_writer w = { buf, size, 0 };

	if (insn < prog->header->ninsns && prog->insn[insn].code == LDW_INSN_TEST)
		ldw_put_test(&w, prog, insn, only_value, false);
	return ldw_finish(&w);
}

size_t ldw_prog_format(const struct ldw_prog *prog, char *buf, size_t size)
{
	struct ldw_writer w = { buf, size, 0 };
	__u32 nunits = prog->header->nunits, i;

	ldw_put(&w, "file where ");
	for (i = 0; i < nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		bool exclude = u->kind == LDW_UNIT_EXCLUDE;
		bool run_starts = !i || prog->unit[i - 1].kind != u->kind;
		struct ldw_code c;
		bool wrap;
		int root;

		ldw_code_of(prog, i, &c);
		root = ldw_prec(&c, c.end - 1);
		/* AND and OR roots always; a NOT root where "not" would mislead. */
		wrap = root < 3 || (root == 3 && !exclude);
		if (i && (!exclude || run_starts))
			ldw_put(&w, " and ");
		else if (i)
			ldw_put(&w, " or ");
		if (exclude && run_starts)
			ldw_put(&w, "not (");
		if (wrap)
			ldw_put(&w, "(");
		ldw_put_code(&w, &c);
		if (wrap)
			ldw_put(&w, ")");
		if (exclude && (i + 1 == nunits || prog->unit[i + 1].kind != u->kind))
			ldw_put(&w, ")");
	}
	return ldw_finish(&w);
}
