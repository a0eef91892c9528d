/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anchors: the directory entry names that any path the rule can match must
 * contain, derived from the requirement on file.path of the rule's program
 * (ldwatch/program.h). The probes use
 * them as a prefilter: an operation none of whose names is an anchor cannot
 * match the rule, so it costs a name comparison and nothing else; only the
 * others ("candidates") get a full path built and the rule evaluated.
 *
 * An anchor is a name and where it must appear, counted in path components
 * from the end: at depth 0 (the file's own name) or at some depth >= 1 (an
 * ancestor directory). A prefix anchor is the start of a name, at any
 * depth: where a value's only literal names are followed by a wildcard
 * ("/lib*" + "/ld-linux*.so*"), which also matches '/', all that holds is
 * that some component of the path starts with such a literal text.
 * The derivation is sound: if the file.path clause
 * matches a path, walking that path's components from the last one upward
 * meets a component that ldw_anchors_match_name() accepts at its depth.
 * The requirement is a REQUIRE unit that is a single TEST on file.path or an
 * OR of such TESTs: when it holds, one of its values matches the path, and
 * every value's anchor is in the set.
 * Where no such set can be derived, the set "passes everything" and says why.
 *
 * Plain C with no kernel headers, compiled into the module and into the
 * tests like the matcher (rule.h). No allocation, no recursion, no locks.
 */
#ifndef _LDWATCH_ANCHORS_H
#define _LDWATCH_ANCHORS_H

#include <linux/types.h>
#include <ldwatch/rule.h>

/*
 * At most this many anchors: every anchor whose length equals a name's
 * costs a comparison, and rules worth prefiltering name a few files.
 */
#define LDW_ANCHORS_MAX 8

/*
 * The longest anchor: NAME_MAX, the longest name most file systems allow.
 * A longer literal component is refused (the set passes everything) rather
 * than trusted never to occur, as a few file systems allow longer names.
 */
#define LDW_ANCHOR_NAME_MAX 255

/*
 * The shortest prefix anchor. Every name that starts with a prefix is a
 * candidate, and three bytes are the common stems ("lib", "usr", "ld-"):
 * on a Debian host "lib" starts 3% of all names, where "libc", the most
 * common four-byte library stem, starts 0.3%. Beyond four bytes the share
 * depends on the words chosen more than on their length.
 */
#define LDW_ANCHOR_PREFIX_MIN 4

/* Where an anchor must appear, in path components from the end. */
enum ldw_anchor_place {
	LDW_ANCHOR_NAME,	/* depth 0: the file's own name */
	LDW_ANCHOR_ANCESTOR,	/* depth >= 1: some ancestor directory */
	LDW_ANCHOR_PLACES
};

/* Why a rule yields no anchor set (or 0 when it does). */
enum ldw_anchors_reason {
	LDW_ANCHORS_OK,
	LDW_ANCHORS_NO_PATH_CLAUSE,	/* no requirement on file.path */
	LDW_ANCHORS_UNSUPPORTED_OP,	/* file.path == null, or an unknown op */
	LDW_ANCHORS_UNANCHORED,		/* "*.conf", "/?": no whole literal name */
	LDW_ANCHORS_EMPTY_COMPONENT,	/* "", "/etc/": the last name is empty */
	LDW_ANCHORS_TOO_LONG,		/* a component over LDW_ANCHOR_NAME_MAX */
	LDW_ANCHORS_TOO_MANY,		/* over LDW_ANCHORS_MAX distinct anchors */
	LDW_ANCHORS_UNSUPPORTED_SHAPE,	/* not a TEST or an OR of TESTs on file.path */
	LDW_ANCHORS_PREFIX_SHORT,	/* "/lib*": a prefix below LDW_ANCHOR_PREFIX_MIN */
	LDW_ANCHORS_REASONS
};

/*
 * The bit of struct ldw_anchors' @places[len] set when a prefix anchor is
 * as long as @len or shorter, beside the bits (1 << place) of whole names.
 */
enum { LDW_ANCHORS_PREFIX_BIT = 1u << LDW_ANCHOR_PLACES };

/**
 * struct ldw_anchor - one name the file's path must contain
 * @name: the name, NUL-terminated; ASCII-lowercased if @nocase
 * @len: its length in bytes, 1 to LDW_ANCHOR_NAME_MAX
 * @place: the depths it is accepted at (a prefix anchor: any depth, and
 *	@place is LDW_ANCHOR_NAME)
 * @nocase: compare folding ASCII case ('A'-'Z' only, as EQL does)
 * @prefix: @name is the start of a component, of @len bytes at least
 *	(LDW_ANCHOR_PREFIX_MIN or more), not a whole one
 */
struct ldw_anchor {
	char name[LDW_ANCHOR_NAME_MAX + 1];
	unsigned int len;
	enum ldw_anchor_place place;
	bool nocase;
	bool prefix;
};

/**
 * struct ldw_anchors - the anchor set of a rule, or "pass everything"
 * @pass_all: no set could be derived; every name matches
 * @reason: why @pass_all (LDW_ANCHORS_OK when not)
 * @unit: the program's unit the set was derived from or, with @pass_all,
 *	the first file.path requirement that failed (any, when there is none)
 * @value: with @pass_all, the value of @unit that failed, or absent
 * @ancestors: some anchor is an LDW_ANCHOR_ANCESTOR one or a prefix, so a
 *	walk up the path's directories can meet an anchor (false: depth 0
 *	decides alone)
 * @prefixes: some anchor is a prefix
 * @count: the number of anchors in @anchor
 * @places: bit (1 << place) of @places[len] is set when some whole anchor
 *	of that place has that length, LDW_ANCHORS_PREFIX_BIT when some
 *	prefix anchor is that long or shorter: the one test most names fail
 * @anchor: the anchors, without duplicates
 */
struct ldw_anchors {
	bool pass_all;
	enum ldw_anchors_reason reason;
	unsigned int unit;
	struct ldw_str value;
	bool ancestors;
	bool prefixes;
	unsigned int count;
	unsigned char places[LDW_ANCHOR_NAME_MAX + 1];
	struct ldw_anchor anchor[LDW_ANCHORS_MAX];
};

/**
 * ldw_anchors_derive() - derive the anchor set of a rule's program
 * @prog: the program, verified
 * @anchors: filled in; on failure set to pass everything
 *
 * Each value of a file.path requirement's TESTs gives one anchor. A literal
 * value (no '*' or '?' under ':' or 'like'; every value under 'in', '=='
 * and 'in~') anchors its last component at depth 0. A wildcard value
 * anchors the last component of the literal text after its last wildcard,
 * at depth 0, when that text holds a '/' ("/srv/?/ld.so.preload" anchors
 * "ld.so.preload"); otherwise the last complete component of the literal
 * text before its first wildcard, at depth >= 1 ("/etc/ld.so.conf.d/" and a
 * star anchors "ld.so.conf.d"). '*' and '?' match '/' too, which is why
 * only literal text can anchor.
 * A wildcard value with no name at depth 0 may give a prefix anchor, at
 * any depth: the longest literal text L that follows a '/' and is followed
 * by a wildcard, with no '/' in L ("/lib*" + "/ld-linux*.so*" anchors
 * names starting with "ld-linux"); L must be LDW_ANCHOR_PREFIX_MIN bytes or
 * more. It replaces a shorter name at depth >= 1 (the value
 * "/usr/lib*" + "/ld-linux*.so*" anchors "ld-linux", not "usr"), and is
 * the anchor of a value that gives no name at all.
 * Any value giving none of these makes the requirement unusable; with several
 * file.path requirements the first usable one is taken, as each must hold.
 * The values are copied: @anchors does not point into @prog, except @value.
 *
 * Return: LDW_ANCHORS_OK, or the reason the set passes everything.
 */
struct ldw_prog;
enum ldw_anchors_reason ldw_anchors_derive(const struct ldw_prog *prog,
					   struct ldw_anchors *anchors);

/**
 * ldw_anchors_on_targets() - whether a rule can match only operations on
 *	the host's target places
 * @prog: the program, verified
 *
 * True when some REQUIRE unit is a TEST on ldwatch.target.path other than
 * "== null", or an OR of such TESTs. That field is present only where an
 * operation concerns one of the host's target places, found by identity
 * (module/targets.h), so the targets anchor such a rule, as names anchor a
 * rule on file.path: the companion rule is one.
 */
bool ldw_anchors_on_targets(const struct ldw_prog *prog);

/* The words for @reason ("no requirement on file.path"), never NULL. */
const char *ldw_anchors_reason_text(enum ldw_anchors_reason reason);

/*
 * The byte comparison behind ldw_anchors_match_name(), which calls it only
 * for lengths some anchor of @place has, or some prefix anchor fits in. A
 * prefix anchor matches at either place.
 */
bool ldw_anchors_match_bytes(const struct ldw_anchors *anchors,
			     const char *name, size_t len,
			     enum ldw_anchor_place place);

/*
 * A name's first four bytes, the most every prefix anchor has
 * (LDW_ANCHOR_PREFIX_MIN), key a table of LDW_ANCHORS_FIRSTS_BYTES bytes,
 * one a key, not 0 where a prefix starts with them. Four bytes and not
 * two: two are a common stem ("ld" of ldconfig, ld.so.cache and every
 * "ldw-..."), each then a byte compare out of line. A byte a key and not
 * a bit: the hooks test it with one compare, no shift and no mask; a
 * small table all the same, as a rule set's prefixes set a few keys.
 */
#define LDW_ANCHORS_FIRSTS_BYTES 4096	/* a power of two */

/* A name's first four bytes as one number, the first byte the lowest. */
static inline __u32 ldw_anchors_first4(unsigned char c0, unsigned char c1,
				       unsigned char c2, unsigned char c3)
{
	return (__u32)c0 | (__u32)c1 << 8 | (__u32)c2 << 16 | (__u32)c3 << 24;
}

/*
 * The key of @first4 (ldw_anchors_first4()), an index into a table of
 * LDW_ANCHORS_FIRSTS_BYTES. The top bits of a product with 2^32 divided
 * by the golden ratio (Fibonacci hashing, as the kernel's hash_32())
 * spread names that differ in any of the four bytes, so that another
 * name's key is seldom a prefix's.
 */
static inline unsigned int ldw_anchors_first_key(__u32 first4)
{
	return (__u32)(first4 * 0x9e3779b9u) >>
	       (32 - __builtin_ctz(LDW_ANCHORS_FIRSTS_BYTES));
}

/**
 * ldw_anchors_firsts() - add the first four bytes of @anchors' prefixes
 * @anchors: the anchor set
 * @firsts: a table of LDW_ANCHORS_FIRSTS_BYTES bytes
 *
 * Sets the byte of every first four bytes a name starting with one of
 * @anchors' prefix anchors can have (each ASCII case of a nocase one) to
 * 1. A name whose byte is 0 starts with none of them.
 */
void ldw_anchors_firsts(const struct ldw_anchors *anchors, unsigned char *firsts);

/**
 * ldw_anchors_may_match_len() - whether a name of this length can be an anchor
 * @anchors: the anchor set
 * @len: the name's length
 * @depth: its place in the path from the end (see ldw_anchors_match_name())
 *
 * The test most names fail, one byte load: callers that read the length
 * and the name separately can skip reading the name.
 *
 * Return: false if no anchor at @depth has length @len, and no prefix
 * anchor is that long or shorter.
 */
static inline bool ldw_anchors_may_match_len(const struct ldw_anchors *anchors,
					     size_t len, unsigned int depth)
{
	enum ldw_anchor_place place = depth ? LDW_ANCHOR_ANCESTOR : LDW_ANCHOR_NAME;

	if (anchors->pass_all)
		return true;
	if (len > LDW_ANCHOR_NAME_MAX)
		return anchors->prefixes;
	return anchors->places[len] & ((1u << place) | LDW_ANCHORS_PREFIX_BIT);
}

/**
 * ldw_anchors_match_name() - whether a path component is an anchor
 * @anchors: the anchor set
 * @name: the component (a directory entry name)
 * @len: its length
 * @depth: its place in the path from the end: 0 for the file's own name,
 *	1 for its parent directory, and so on
 *
 * Safe on a name that changes meanwhile (a concurrent rename): it reads
 * @name byte by byte from the start and stops at the first byte that
 * differs or is NUL (no anchor holds a NUL), so with a NUL-terminated
 * @name it never reads past that NUL, whatever @len says, nor past @len
 * (a prefix anchor is compared only with a name at least as long).
 *
 * Return: true if @name is an anchor at @depth, or the set passes everything.
 */
static inline bool ldw_anchors_match_name(const struct ldw_anchors *anchors,
					  const char *name, size_t len,
					  unsigned int depth)
{
	if (!ldw_anchors_may_match_len(anchors, len, depth))
		return false;
	if (anchors->pass_all)
		return true;
	return ldw_anchors_match_bytes(anchors, name, len,
				       depth ? LDW_ANCHOR_ANCESTOR : LDW_ANCHOR_NAME);
}

#endif /* _LDWATCH_ANCHORS_H */
