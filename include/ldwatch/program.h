/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compiled rule: the form in which a rule crosses from the compiler
 * (userspace, from EQL text) to the kernel, and in which the kernel holds
 * and evaluates it. It is a flat blob of fixed-size records and a string
 * area, with no pointers, so that it can be copied from a netlink message,
 * checked once by ldw_prog_verify() and then evaluated in place.
 *
 * Shape. A rule is a list of units, evaluated in order:
 *
 *   file where R1 and R2 and ... and not (X1 or X2 or ...)
 *
 * Each Ri is a REQUIRE unit, each Xi an EXCLUDE unit. The rule matches an
 * event when every REQUIRE unit is true and no EXCLUDE unit is; the first
 * unit that decides otherwise is the verdict's reason, which is what
 * "excluded by" and "failed at" explanations name. Any EQL boolean
 * expression has this form (at worst a single REQUIRE unit), and Elastic's
 * rules and exception items map onto it one to one: an exception item is
 * one more EXCLUDE unit.
 *
 * A unit is a boolean expression in postfix order: TEST pushes the truth
 * of one comparison, NOT replaces the top of the stack, AND and OR replace
 * the top two with one. There are no jumps and no loops: evaluation reads
 * each instruction once, with a stack of at most LDW_PROG_MAX_DEPTH bits.
 *
 * Layout, in this order, each part directly after the one before:
 *
 *   struct ldw_prog_header
 *   struct ldw_prog_unit   unit[nunits]
 *   struct ldw_prog_insn   insn[ninsns]    the units' code, unit by unit
 *   struct ldw_prog_value  value[nvalues]  what TESTs compare with
 *   char                   strings[strings_size]
 *
 * Values are byte strings (offset and length into the string area, no
 * terminator; any byte, NUL included). Integers are in the host's byte
 * order: a program never leaves the machine it was compiled on.
 *
 * Bump LDW_PROG_VERSION on any change of a record's layout or meaning; the
 * kernel refuses any other version, and a compiler says which it writes.
 *
 * Plain C with no kernel headers beyond linux/types.h (see rule.h).
 */
#ifndef _LDWATCH_PROGRAM_H
#define _LDWATCH_PROGRAM_H

#include <linux/types.h>
#include <ldwatch/rule.h>

#define LDW_PROG_MAGIC		0x5057444cu	/* "LDWP" read as bytes on x86 */
#define LDW_PROG_VERSION	1

/* Bounds that ldw_prog_verify() enforces, and the compiler respects. */
#define LDW_PROG_MAX_SIZE	65536	/* the whole blob */
#define LDW_PROG_MAX_UNITS	512
#define LDW_PROG_MAX_INSNS	4096	/* in the whole program */
#define LDW_PROG_MAX_DEPTH	64	/* stack bits a unit may use */
#define LDW_PROG_MAX_VALUE_LEN	4096	/* bytes in one value, as PATH_MAX */

struct ldw_prog_header {
	__u32 magic;		/* LDW_PROG_MAGIC */
	__u16 version;		/* LDW_PROG_VERSION */
	__u16 nunits;		/* 1 .. LDW_PROG_MAX_UNITS */
	__u32 ninsns;		/* 1 .. LDW_PROG_MAX_INSNS */
	__u32 nvalues;
	__u32 strings_size;
	__u32 size;		/* of the whole blob, this header included */
};

enum ldw_unit_kind {
	LDW_UNIT_REQUIRE,	/* must be true for the rule to match */
	LDW_UNIT_EXCLUDE,	/* must be false for the rule to match */
	LDW_UNIT_KINDS
};

/*
 * A unit's code is insn[first_insn, first_insn + ninsns). Units' code is
 * contiguous and in unit order: unit 0 starts at 0, each next unit where
 * the one before ends, and the last ends at the header's ninsns.
 */
struct ldw_prog_unit {
	__u8 kind;		/* enum ldw_unit_kind */
	__u8 reserved;		/* 0 */
	__u16 reserved2;	/* 0 */
	__u32 first_insn;
	__u32 ninsns;		/* >= 1 */
};

enum ldw_insn_code {
	LDW_INSN_TEST,		/* push (field op any of the values) */
	LDW_INSN_NOT,		/* pop a, push !a */
	LDW_INSN_AND,		/* pop b, pop a, push a && b */
	LDW_INSN_OR,		/* pop b, pop a, push a || b */
	LDW_INSN_CODES
};

/*
 * TEST: @field (enum ldw_field) compared by @op (enum ldw_op, with its
 * meaning in rule.h) with value[first_value, first_value + nvalues), true
 * if any value matches. LDW_OP_IS_NULL takes no values, every other op at
 * least one. NOT, AND and OR: every other member is 0.
 */
struct ldw_prog_insn {
	__u8 code;		/* enum ldw_insn_code */
	__u8 field;
	__u8 op;
	__u8 reserved;		/* 0 */
	__u32 first_value;
	__u32 nvalues;
};

struct ldw_prog_value {
	__u32 offset;		/* into the string area */
	__u32 len;		/* <= LDW_PROG_MAX_VALUE_LEN */
};

/*
 * A program that ldw_prog_verify() accepted: views into the blob, which
 * must stay alive and unchanged as long as this is used.
 */
struct ldw_prog {
	const struct ldw_prog_header *header;
	const struct ldw_prog_unit *unit;
	const struct ldw_prog_insn *insn;
	const struct ldw_prog_value *value;
	const char *strings;
};

/*
 * What is wrong with a blob ldw_prog_verify() refused: @what is a constant
 * sentence ("AND needs two operands"), @offset the byte offset in the blob
 * of the record at fault, for an extended ack's bad-attribute pointer.
 */
struct ldw_prog_error {
	const char *what;
	size_t offset;
};

/*
 * Check every length, offset, count, code, field, op and the stack depth of
 * every unit of the @size bytes at @blob. On success fill @prog and return
 * 0; otherwise fill @error and return -1 and leave @prog unspecified.
 * Linear in @size; no allocation, no recursion. @blob must be aligned for
 * __u32.
 */
int ldw_prog_verify(const void *blob, size_t size, struct ldw_prog *prog,
		    struct ldw_prog_error *error);

/*
 * Evaluate a verified @prog against @event. The verdict's outcome and
 * @index (the unit that decided: the first REQUIRE unit that was false, or
 * the first EXCLUDE unit that was true) are as for struct ldw_verdict; its
 * @value, when that unit is a single TEST, is the first of its values that
 * matched. Never reads outside the blob; no allocation, no recursion.
 */
struct ldw_verdict ldw_prog_eval(const struct ldw_prog *prog,
				 const struct ldw_event *event);

/*
 * Build a program into a caller's buffer, without allocating: the compiler
 * and the lowering of the built-in rules (ldw_prog_from_rule()) both use
 * this. Calls go unit by unit: begin a unit, emit its postfix code, end it.
 * The first failure sticks: later calls do nothing, and
 * ldw_prog_build_finish() returns it. Strings are copied in.
 *
 * Each call checks what it adds against the bounds above (a value's length,
 * the stack depth, the counts), so a failure names the call that broke it;
 * finish verifies the result with ldw_prog_verify() all the same. The
 * program is at most min(@size, LDW_PROG_MAX_SIZE) bytes.
 */
struct ldw_prog_builder {
	void *buf;
	size_t size;
	/* private: see module/rule/build.c */
	const char *error;
	__u32 nunits, ninsns, nvalues, strings_size;
	__u32 unit_first_insn;
	unsigned int depth;
	bool in_unit;
	__u8 unit_kind;
	/*
	 * The four parts (units, instructions, values, strings) grow in
	 * regions of @buf laid out in the program's order, each with room to
	 * spare; when one is full, the free room is shared out anew and the
	 * regions moved. Finish closes the gaps. @base[i] is where part i
	 * starts, @limit where the last one must end.
	 */
	size_t base[4];
	size_t limit;
};

/*
 * @buf must be aligned for __u32. With LDW_PROG_MAX_SIZE bytes, every
 * program the verifier would accept can be built; a smaller buffer holds
 * the programs that fit in it (the built-in rules take a few KiB).
 */
void ldw_prog_build_init(struct ldw_prog_builder *b, void *buf, size_t size);
void ldw_prog_build_begin_unit(struct ldw_prog_builder *b,
			       enum ldw_unit_kind kind);
void ldw_prog_build_test(struct ldw_prog_builder *b, enum ldw_field field,
			 enum ldw_op op, const struct ldw_str *values,
			 unsigned int nvalues);
void ldw_prog_build_op(struct ldw_prog_builder *b, enum ldw_insn_code code);
void ldw_prog_build_end_unit(struct ldw_prog_builder *b);
/*
 * Lay the program out in @buf. Returns its size in bytes, or 0 and sets
 * *@error (a constant sentence: "the rule is larger than 64 KiB compiled")
 * if any call failed or the result would not verify.
 */
size_t ldw_prog_build_finish(struct ldw_prog_builder *b, const char **error);

/*
 * Lower a built-in rule table (rule.h) to a program in @buf: each
 * requirement a one-TEST REQUIRE unit, each exclusion an EXCLUDE unit of
 * its clauses joined by AND, in order. Returns the size, or 0 and *@error.
 */
size_t ldw_prog_from_rule(const struct ldw_rule *rule, void *buf, size_t size,
			  const char **error);

/*
 * The units of ldw_prog_from_rule(), added to @b without finishing it, so
 * that a loader can append more (exception items) after them: finished
 * with none added, the program is byte for byte ldw_prog_from_rule()'s.
 */
void ldw_prog_build_rule(struct ldw_prog_builder *b, const struct ldw_rule *rule);

/*
 * Render a verified @prog as EQL text into @buf, NUL-terminated, truncated
 * to @size; returns the length the whole text needs, as snprintf does:
 *
 *   file where R1 and R2 and not (X1 or X2)
 *
 * Each unit is rendered from its postfix code with the fewest parentheses
 * that keep its meaning; a TEST in the most specific operator EQL has
 * ("==", "in", ":", "like", "like~", "in~", "== null"). Strings are quoted
 * with EQL's escapes. Compiling the text gives the same program back.
 * The only writer of rule text: the module's status and log, ldwatchctl.
 */
size_t ldw_prog_format(const struct ldw_prog *prog, char *buf, size_t size);

/* Render unit @index alone, the same way (for "excluded by ..."). */
size_t ldw_prog_format_unit(const struct ldw_prog *prog, unsigned int index,
			    char *buf, size_t size);

/*
 * The text ldw_prog_format() writes, and how the compiler reads it back to
 * the same program (the two must agree on every point here):
 *
 * - A TEST is "FIELD OP VALUES": LDW_OP_EQUAL with one value "== v", with
 *   several "in (v1, v2)"; LDW_OP_EQUAL_NOCASE "in~ (v1, ...)", one value
 *   included; LDW_OP_WILDCARD "like v" or "like (v1, ...)";
 *   LDW_OP_WILDCARD_NOCASE ": v" or ": (v1, ...)"; LDW_OP_IS_NULL
 *   "== null". The compiler also accepts "like~" (LDW_OP_WILDCARD_NOCASE)
 *   and ": v" without '*' or '?' (still LDW_OP_WILDCARD_NOCASE).
 * - A NOT whose operand is a single TEST of LDW_OP_EQUAL or LDW_OP_IS_NULL
 *   is written as the negated comparison: "!= v" (one value), "not in (v1,
 *   v2)" (several), "!= null". So "!=", "not in" and "!= null" compile to
 *   that TEST followed by NOT, never to anything else.
 * - Strings are in double quotes; '"' and '\' are escaped with '\', tab,
 *   newline and carriage return as \t, \n, \r, every other byte below
 *   0x20 and 0x7f as \u{XX} (two hex digits); other bytes, >= 0x80
 *   included, are written as they are.
 * - Within a unit: "or" binds loosest, then "and", then "not"; "and" and
 *   "or" are left-associative ("a and b and c" is a b AND c AND), so a
 *   right operand of the same operator is parenthesized ("a and (b and
 *   c)" is a b c AND AND). No other parentheses are written.
 * - The rule: "file where " and the units in order, joined by " and ".
 *   A run of consecutive EXCLUDE units is written "not (X1 or X2 ...)",
 *   one EXCLUDE unit "not (X1)". A unit whose root is AND or OR is
 *   parenthesized there (as Elastic writes its exclusions), and so is a
 *   REQUIRE unit whose root is a NOT that is not written as "!=" / "not in".
 *   The compiler reads it back this way: the top-level conjuncts (the "and"s
 *   outside any parentheses) are the units in order; a conjunct that starts
 *   with the keyword "not" gives one EXCLUDE unit for each top-level
 *   disjunct of its operand (the "or"s directly inside its parentheses),
 *   any other conjunct one REQUIRE unit; a parenthesized group is never
 *   split.
 */

/*
 * Whether TEST instruction @insn of a verified @prog holds on @event, and
 * in *@value the first of its values that matched (0 for
 * LDW_OP_IS_NULL): what explanations show for a unit that held. False for
 * an instruction that is not a TEST.
 */
bool ldw_prog_test(const struct ldw_prog *prog, unsigned int insn,
		   const struct ldw_event *event, unsigned int *value);

/*
 * Render TEST instruction @insn alone, with only its value @only_value
 * (LDW_ALL_VALUES: all of them), the way ldw_prog_format() does.
 */
size_t ldw_prog_format_test(const struct ldw_prog *prog, unsigned int insn,
			    unsigned int only_value, char *buf, size_t size);

#endif /* _LDWATCH_PROGRAM_H */
