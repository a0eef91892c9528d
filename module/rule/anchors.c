// SPDX-License-Identifier: GPL-2.0
/*
 * Anchors: the names a path must contain for the rule's file.path clause to
 * match it, derived from that clause's values (see ldwatch/anchors.h), and
 * the comparison the probes' prefilter makes with them.
 *
 * Plain C with no kernel headers (see match.c). Derivation runs once,
 * when a rule is loaded; ldw_anchors_match_bytes() runs in the hooks' callbacks.
 */
#include <ldwatch/anchors.h>

static const char *const ldw_anchors_reasons[LDW_ANCHORS_REASONS] = {
	[LDW_ANCHORS_OK]		= "anchors derived",
	[LDW_ANCHORS_NO_PATH_CLAUSE]	= "no requirement on file.path",
	[LDW_ANCHORS_UNSUPPORTED_OP]	= "the file.path requirement is not a comparison of values",
	[LDW_ANCHORS_UNANCHORED]	= "a wildcard value leaves no whole literal name",
	[LDW_ANCHORS_EMPTY_COMPONENT]	= "a value names no file (empty last component)",
	[LDW_ANCHORS_TOO_LONG]		= "a value's name is longer than NAME_MAX",
	[LDW_ANCHORS_TOO_MANY]		= "too many distinct names",
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
 */
bool ldw_anchors_match_bytes(const struct ldw_anchors *anchors,
			     const char *name, size_t len,
			     enum ldw_anchor_place place)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < anchors->count; i++) {
		const struct ldw_anchor *a = &anchors->anchor[i];

		if (a->len != len || a->place != place)
			continue;
		for (j = 0; j < len; j++) {
			unsigned char c = name[j];

			if (!c || ldw_anchor_fold(c, a->nocase) != (unsigned char)a->name[j])
				break;
		}
		if (j == len)
			return true;
	}
	return false;
}

/* A candidate anchor: a view into a rule value. */
struct ldw_anchor_view {
	const char *ptr;
	size_t len;
	enum ldw_anchor_place place;
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
 * The anchor of one value. @wildcards: whether '*' and '?' are wildcards
 * (':' and 'like') or literal bytes ('in', '==', 'in~').
 */
static enum ldw_anchors_reason ldw_anchor_of_value(const char *value,
						   bool wildcards,
						   struct ldw_anchor_view *view)
{
	size_t len = 0, first = 0, last = 0, i;
	bool any = false;

	for (len = 0; value[len]; len++) {
		if (wildcards && ldw_is_wildcard(value[len])) {
			if (!any)
				first = len;
			last = len;
			any = true;
		}
	}

	if (!any) {
		/* The whole path is this text: its last component is the name. */
		view->ptr = ldw_last_component(value, len, &view->len);
		view->place = LDW_ANCHOR_NAME;
		return view->len ? LDW_ANCHORS_OK : LDW_ANCHORS_EMPTY_COMPONENT;
	}

	/*
	 * A path the value matches ends with the literal text after the last
	 * wildcard. If that text holds a '/', what follows its last '/' is
	 * the path's whole last component.
	 */
	for (i = last + 1; i < len; i++) {
		if (value[i] == '/') {
			view->ptr = ldw_last_component(value + last + 1,
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
		if (value[i - 1] == '/') {
			view->ptr = ldw_last_component(value, i - 1, &view->len);
			view->place = LDW_ANCHOR_ANCESTOR;
			return view->len ? LDW_ANCHORS_OK : LDW_ANCHORS_UNANCHORED;
		}
	}
	return LDW_ANCHORS_UNANCHORED;
}

/* Whether @a is the anchor @view gives, folded when @nocase. */
static bool ldw_anchor_is(const struct ldw_anchor *a,
			  const struct ldw_anchor_view *view, bool nocase)
{
	size_t i;

	if (a->len != view->len || a->place != view->place || a->nocase != nocase)
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
	anchors->places[a->len] |= 1u << a->place;
	if (a->place == LDW_ANCHOR_ANCESTOR)
		anchors->ancestors = true;
	return LDW_ANCHORS_OK;
}

static void ldw_anchors_reset(struct ldw_anchors *anchors)
{
	unsigned int i;

	anchors->pass_all = false;
	anchors->reason = LDW_ANCHORS_OK;
	anchors->clause = 0;
	anchors->value = NULL;
	anchors->ancestors = false;
	anchors->count = 0;
	for (i = 0; i < LDW_ARRAY_SIZE(anchors->places); i++)
		anchors->places[i] = 0;
}

/*
 * The anchors of one clause, into @anchors (reset first). On failure,
 * *@failed is the value that failed, if one did.
 */
static enum ldw_anchors_reason ldw_anchors_of_clause(const struct ldw_clause *clause,
						     struct ldw_anchors *anchors,
						     const char **failed)
{
	struct ldw_anchor_view view;
	enum ldw_anchors_reason reason;
	bool wildcards, nocase;
	unsigned int i;

	ldw_anchors_reset(anchors);
	*failed = NULL;
	switch (clause->op) {
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

	/* No values: the clause never holds, and no name need pass. */
	for (i = 0; clause->values && clause->values[i]; i++) {
		reason = ldw_anchor_of_value(clause->values[i], wildcards, &view);
		if (reason == LDW_ANCHORS_OK)
			reason = ldw_anchors_add(anchors, &view, nocase);
		if (reason != LDW_ANCHORS_OK) {
			*failed = clause->values[i];
			return reason;
		}
	}
	return LDW_ANCHORS_OK;
}

enum ldw_anchors_reason ldw_anchors_derive(const struct ldw_rule *rule,
					   struct ldw_anchors *anchors)
{
	enum ldw_anchors_reason reason = LDW_ANCHORS_NO_PATH_CLAUSE;
	unsigned int clause = 0;
	const char *value = NULL;
	unsigned int i;

	for (i = 0; i < rule->nrequirements; i++) {
		enum ldw_anchors_reason r;
		const char *failed;

		if (rule->requirements[i].field != LDW_FIELD_FILE_PATH)
			continue;
		r = ldw_anchors_of_clause(&rule->requirements[i], anchors, &failed);
		if (r == LDW_ANCHORS_OK) {
			anchors->clause = i;
			return LDW_ANCHORS_OK;
		}
		/* Report the first failure: the one a reader meets first. */
		if (reason == LDW_ANCHORS_NO_PATH_CLAUSE) {
			reason = r;
			clause = i;
			value = failed;
		}
	}

	ldw_anchors_reset(anchors);
	anchors->pass_all = true;
	anchors->reason = reason;
	anchors->clause = clause;
	anchors->value = value;
	return reason;
}
