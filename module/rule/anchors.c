// SPDX-License-Identifier: GPL-2.0
/*
 * Anchors: the names a path must contain for a program's file.path
 * requirement to hold, derived from its values (see ldwatch/anchors.h), and
 * the comparison the probes' prefilter makes with them.
 *
 * Plain C with no kernel headers (see match.c). Derivation runs once,
 * when a rule is loaded; ldw_anchors_match_bytes() runs in the hooks' callbacks.
 */
#include <ldwatch/anchors.h>
#include <ldwatch/program.h>

#define LDW_ANCHORS_STR_(x) #x
#define LDW_ANCHORS_STR(x) LDW_ANCHORS_STR_(x)

static const char *const ldw_anchors_reasons[LDW_ANCHORS_REASONS] = {
	[LDW_ANCHORS_OK]		= "anchors derived",
	[LDW_ANCHORS_NO_PATH_CLAUSE]	= "no requirement on file.path",
	[LDW_ANCHORS_UNSUPPORTED_OP]	= "the file.path requirement is not a comparison of values",
	[LDW_ANCHORS_UNANCHORED]	= "a wildcard value leaves no whole literal name",
	[LDW_ANCHORS_EMPTY_COMPONENT]	= "a value names no file (empty last component)",
	[LDW_ANCHORS_TOO_LONG]		= "a value's name is longer than NAME_MAX",
	[LDW_ANCHORS_TOO_MANY]		= "too many distinct names",
	[LDW_ANCHORS_UNSUPPORTED_SHAPE]	=
		"the file.path requirement is not one comparison or an OR of them",
	[LDW_ANCHORS_PREFIX_SHORT]	=
		"a wildcard value's longest literal start of a name is under "
		LDW_ANCHORS_STR(LDW_ANCHOR_PREFIX_MIN) " bytes",
};

const char *ldw_anchors_reason_text(enum ldw_anchors_reason reason)
{
	if ((unsigned int)reason >= LDW_ANCHORS_REASONS)
		return "unknown reason";
	return ldw_anchors_reasons[reason];
}

/* ASCII folding only, as EQL does; see ldw_fold() in match.c. */
static inline unsigned char ldw_anchor_fold(unsigned char c, bool nocase)
{
	if (nocase && c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

/*
 * The compare never reads beyond the first byte that differs. No anchor
 * holds a NUL, so that byte is at the latest @name's terminating NUL: a
 * torn name and length from a concurrent rename cannot send the read past
 * the end of the name, the same argument as the kernel's dentry_cmp().
 * A prefix anchor's bytes are compared with a name at least as long only,
 * so neither is the read past @len.
 */
bool ldw_anchors_match_bytes(const struct ldw_anchors *anchors,
			     const char *name, size_t len,
			     enum ldw_anchor_place place)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < anchors->count; i++) {
		const struct ldw_anchor *a = &anchors->anchor[i];

		if (a->prefix ? a->len > len : (a->len != len || a->place != place))
			continue;
		for (j = 0; j < a->len; j++) {
			unsigned char c = name[j];

			if (!c || ldw_anchor_fold(c, a->nocase) != (unsigned char)a->name[j])
				break;
		}
		if (j == a->len)
			return true;
	}
	return false;
}

/* The ASCII upper case of @c. */
static unsigned char ldw_anchor_upper(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 'A';
	return c;
}

void ldw_anchors_firsts(const struct ldw_anchors *anchors, unsigned char *firsts)
{
	unsigned int i, variants, c, k;

	for (i = 0; i < anchors->count; i++) {
		const struct ldw_anchor *a = &anchors->anchor[i];

		if (!a->prefix)
			continue;
		/*
		 * Stored folded to lower case; a name may have either case
		 * of each byte: bit k of @c picks the upper case of byte k.
		 */
		variants = a->nocase ? 16 : 1;
		for (c = 0; c < variants; c++) {
			unsigned char b[4];
			unsigned int key;

			/* Four bytes: LDW_ANCHOR_PREFIX_MIN at least. */
			for (k = 0; k < 4; k++) {
				b[k] = (unsigned char)a->name[k];
				if (c & (1u << k))
					b[k] = ldw_anchor_upper(b[k]);
			}
			key = ldw_anchors_first_key(ldw_anchors_first4(b[0], b[1], b[2], b[3]));
			firsts[key] = 1;
		}
	}
}

/* A candidate anchor: a view into a rule value. */
struct ldw_anchor_view {
	const char *ptr;
	size_t len;
	enum ldw_anchor_place place;
	bool prefix;
};

static inline bool ldw_is_wildcard(char c)
{
	return c == '*' || c == '?';
}

/* The text after the last '/' of @s[0, @len) (all of it without one). */
static const char *ldw_last_component(const char *s, size_t len, size_t *out_len)
{
	size_t i = len;

	while (i > 0 && s[i - 1] != '/')
		i--;
	*out_len = len - i;
	return s + i;
}

/*
 * The prefix anchor of a wildcard value with no whole name: the longest
 * literal text L with a '/' before it and a wildcard after it, and neither
 * in it. The path has a '/' where the value's '/' is, and L right after it,
 * so the component that starts there, whichever it is, starts with L.
 */
static enum ldw_anchors_reason ldw_prefix_of_value(struct ldw_str value,
						   struct ldw_anchor_view *view)
{
	const char *v = value.ptr;
	size_t i, start = 0, best = 0;
	bool after_slash = false;

	view->len = 0;
	for (i = 0; i < value.len; i++) {
		if (v[i] == '/') {
			after_slash = true;
			start = i + 1;
		} else if (ldw_is_wildcard(v[i])) {
			/* Ties go to the later text, nearer the file. */
			if (after_slash && i > start && i - start >= best) {
				best = i - start;
				view->ptr = v + start;
			}
			after_slash = false;
		}
	}
	if (!best)
		return LDW_ANCHORS_UNANCHORED;
	if (best < LDW_ANCHOR_PREFIX_MIN)
		return LDW_ANCHORS_PREFIX_SHORT;
	view->len = best;
	view->place = LDW_ANCHOR_NAME;
	view->prefix = true;
	return LDW_ANCHORS_OK;
}

/*
 * The anchor of one value. @wildcards: whether '*' and '?' are wildcards
 * (':' and 'like') or literal bytes ('in', '==', 'in~').
 */
static enum ldw_anchors_reason ldw_anchor_of_value(struct ldw_str value,
						   bool wildcards,
						   struct ldw_anchor_view *view)
{
	size_t len = value.len, first = 0, last = 0, i;
	struct ldw_anchor_view prefix;
	const char *v = value.ptr;
	bool any = false;

	view->prefix = false;
	view->len = 0;
	for (i = 0; i < len; i++) {
		if (wildcards && ldw_is_wildcard(v[i])) {
			if (!any)
				first = i;
			last = i;
			any = true;
		}
	}

	if (!any) {
		/* The whole path is this text: its last component is the name. */
		view->ptr = ldw_last_component(v, len, &view->len);
		view->place = LDW_ANCHOR_NAME;
		return view->len ? LDW_ANCHORS_OK : LDW_ANCHORS_EMPTY_COMPONENT;
	}

	/*
	 * A path the value matches ends with the literal text after the last
	 * wildcard. If that text holds a '/', what follows its last '/' is
	 * the path's whole last component.
	 */
	for (i = last + 1; i < len; i++) {
		if (v[i] == '/') {
			view->ptr = ldw_last_component(v + last + 1,
						       len - last - 1, &view->len);
			view->place = LDW_ANCHOR_NAME;
			if (view->len)
				return LDW_ANCHORS_OK;
			break;
		}
	}

	/*
	 * It also starts with the literal text before the first wildcard. The
	 * component that ends at that text's last '/' is whole (a '/' or the
	 * start of the path before it, a '/' after it) and is not the last one.
	 */
	for (i = first; i > 0; i--) {
		if (v[i - 1] == '/') {
			view->ptr = ldw_last_component(v, i - 1, &view->len);
			view->place = LDW_ANCHOR_ANCESTOR;
			break;
		}
	}
	if (!view->len)
		return ldw_prefix_of_value(value, view);

	/*
	 * A short ancestor name, "usr" in Elastic's ld.so rule, is in the
	 * path of a great many files, each then a false candidate; a longer
	 * literal start of a name, "ld-linux" there, is in few. The longer
	 * text is the better filter; a tie keeps the whole name, the cheaper
	 * test.
	 */
	if (ldw_prefix_of_value(value, &prefix) == LDW_ANCHORS_OK &&
	    prefix.len > view->len)
		*view = prefix;
	return LDW_ANCHORS_OK;
}

/* Whether @a is the anchor @view gives, folded when @nocase. */
static bool ldw_anchor_is(const struct ldw_anchor *a,
			  const struct ldw_anchor_view *view, bool nocase)
{
	size_t i;

	if (a->len != view->len || a->place != view->place ||
	    a->nocase != nocase || a->prefix != view->prefix)
		return false;
	for (i = 0; i < view->len; i++) {
		if ((unsigned char)a->name[i] != ldw_anchor_fold(view->ptr[i], nocase))
			return false;
	}
	return true;
}

/* Add @view to @anchors unless it is there already. */
static enum ldw_anchors_reason ldw_anchors_add(struct ldw_anchors *anchors,
					       const struct ldw_anchor_view *view,
					       bool nocase)
{
	struct ldw_anchor *a;
	unsigned int i;

	if (view->len > LDW_ANCHOR_NAME_MAX)
		return LDW_ANCHORS_TOO_LONG;
	for (i = 0; i < anchors->count; i++) {
		if (ldw_anchor_is(&anchors->anchor[i], view, nocase))
			return LDW_ANCHORS_OK;
	}
	if (anchors->count == LDW_ANCHORS_MAX)
		return LDW_ANCHORS_TOO_MANY;

	a = &anchors->anchor[anchors->count++];
	for (i = 0; i < view->len; i++)
		a->name[i] = (char)ldw_anchor_fold(view->ptr[i], nocase);
	a->name[view->len] = '\0';
	a->len = view->len;
	a->place = view->place;
	a->nocase = nocase;
	a->prefix = view->prefix;
	if (a->prefix) {
		/* Any component, so the walk must go on up. */
		for (i = a->len; i < LDW_ARRAY_SIZE(anchors->places); i++)
			anchors->places[i] |= LDW_ANCHORS_PREFIX_BIT;
		anchors->prefixes = true;
		anchors->ancestors = true;
	} else {
		anchors->places[a->len] |= 1u << a->place;
		if (a->place == LDW_ANCHOR_ANCESTOR)
			anchors->ancestors = true;
	}
	return LDW_ANCHORS_OK;
}

static void ldw_anchors_reset(struct ldw_anchors *anchors)
{
	unsigned int i;

	anchors->pass_all = false;
	anchors->reason = LDW_ANCHORS_OK;
	anchors->unit = 0;
	anchors->value = LDW_STR_ABSENT;
	anchors->ancestors = false;
	anchors->prefixes = false;
	anchors->count = 0;
	for (i = 0; i < LDW_ARRAY_SIZE(anchors->places); i++)
		anchors->places[i] = 0;
}

/*
 * Whether unit @u is about file.path, and whether it has the shape anchors
 * come from: a single TEST on file.path, or an OR of such TESTs, so that
 * when the unit holds, one of those TESTs does.
 */
static bool ldw_unit_shape(const struct ldw_prog *prog,
			   const struct ldw_prog_unit *u, bool *usable)
{
	bool about_path = false;
	__u32 i;

	*usable = true;
	for (i = u->first_insn; i < u->first_insn + u->ninsns; i++) {
		const struct ldw_prog_insn *in = &prog->insn[i];

		if (in->code == LDW_INSN_TEST && in->field == LDW_FIELD_FILE_PATH)
			about_path = true;
		else if (in->code != LDW_INSN_OR)
			*usable = false;
	}
	return about_path;
}

/* The anchors of one TEST's values, added to @anchors. */
static enum ldw_anchors_reason ldw_anchors_of_test(const struct ldw_prog *prog,
						   const struct ldw_prog_insn *in,
						   struct ldw_anchors *anchors,
						   struct ldw_str *failed)
{
	struct ldw_anchor_view view;
	enum ldw_anchors_reason reason;
	bool wildcards, nocase;
	__u32 i;

	switch (in->op) {
	case LDW_OP_WILDCARD_NOCASE:
		wildcards = true;
		nocase = true;
		break;
	case LDW_OP_WILDCARD:
		wildcards = true;
		nocase = false;
		break;
	case LDW_OP_EQUAL:
		wildcards = false;
		nocase = false;
		break;
	case LDW_OP_EQUAL_NOCASE:
		wildcards = false;
		nocase = true;
		break;
	default:
		return LDW_ANCHORS_UNSUPPORTED_OP;
	}

	for (i = 0; i < in->nvalues; i++) {
		const struct ldw_prog_value *pv = &prog->value[in->first_value + i];
		struct ldw_str v = { prog->strings + pv->offset, pv->len };

		reason = ldw_anchor_of_value(v, wildcards, &view);
		if (reason == LDW_ANCHORS_OK)
			reason = ldw_anchors_add(anchors, &view, nocase);
		if (reason != LDW_ANCHORS_OK) {
			*failed = v;
			return reason;
		}
	}
	return LDW_ANCHORS_OK;
}

/*
 * The anchors of one usable unit, into @anchors (reset first): the union of
 * its TESTs' anchors. On failure, *@failed is the value that failed, if one
 * did.
 */
static enum ldw_anchors_reason ldw_anchors_of_unit(const struct ldw_prog *prog,
						   const struct ldw_prog_unit *u,
						   struct ldw_anchors *anchors,
						   struct ldw_str *failed)
{
	enum ldw_anchors_reason reason;
	__u32 i;

	ldw_anchors_reset(anchors);
	*failed = LDW_STR_ABSENT;
	for (i = u->first_insn; i < u->first_insn + u->ninsns; i++) {
		if (prog->insn[i].code != LDW_INSN_TEST)
			continue;
		reason = ldw_anchors_of_test(prog, &prog->insn[i], anchors, failed);
		if (reason != LDW_ANCHORS_OK)
			return reason;
	}
	return LDW_ANCHORS_OK;
}

enum ldw_anchors_reason ldw_anchors_derive(const struct ldw_prog *prog,
					   struct ldw_anchors *anchors)
{
	enum ldw_anchors_reason reason = LDW_ANCHORS_NO_PATH_CLAUSE;
	struct ldw_str value = LDW_STR_ABSENT;
	unsigned int unit = 0;
	__u32 i;

	for (i = 0; i < prog->header->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		enum ldw_anchors_reason r;
		struct ldw_str failed = LDW_STR_ABSENT;
		bool usable;

		if (u->kind != LDW_UNIT_REQUIRE || !ldw_unit_shape(prog, u, &usable))
			continue;
		if (usable) {
			r = ldw_anchors_of_unit(prog, u, anchors, &failed);
			if (r == LDW_ANCHORS_OK) {
				anchors->unit = i;
				return LDW_ANCHORS_OK;
			}
		} else {
			r = LDW_ANCHORS_UNSUPPORTED_SHAPE;
		}
		/* Report the first failure: the one a reader meets first. */
		if (reason == LDW_ANCHORS_NO_PATH_CLAUSE) {
			reason = r;
			unit = i;
			value = failed;
		}
	}

	ldw_anchors_reset(anchors);
	anchors->pass_all = true;
	anchors->reason = reason;
	anchors->unit = unit;
	anchors->value = value;
	return reason;
}

bool ldw_anchors_on_targets(const struct ldw_prog *prog)
{
	__u32 i, j;

	for (i = 0; i < prog->header->nunits; i++) {
		const struct ldw_prog_unit *u = &prog->unit[i];
		bool tests = false, only = true;

		if (u->kind != LDW_UNIT_REQUIRE)
			continue;
		for (j = u->first_insn; j < u->first_insn + u->ninsns; j++) {
			const struct ldw_prog_insn *in = &prog->insn[j];

			if (in->code == LDW_INSN_TEST &&
			    in->field == LDW_FIELD_TARGET_PATH &&
			    in->op != LDW_OP_IS_NULL)
				tests = true;
			else if (in->code != LDW_INSN_OR)
				only = false;
		}
		if (tests && only)
			return true;
	}
	return false;
}
