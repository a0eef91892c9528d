/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EQL compiler: the text of an Elastic rule's query to a program
 * (ldwatch/program.h) that the kernel verifies and evaluates.
 *
 * The language is the subset of Elasticsearch's EQL that Elastic's Linux
 * file rules use:
 *
 *   file where EXPR
 *
 *   EXPR:  EXPR or EXPR | EXPR and EXPR | not EXPR | ( EXPR ) | COMPARISON
 *          ("not" binds tighter than "and", "and" tighter than "or")
 *   COMPARISON, with FIELD a field of enum ldw_field by its ECS name
 *   (ldw_field_name()), optionally written ?FIELD, and STRING a string
 *   literal ("...", with escapes, or """raw"""):
 *     FIELD == STRING        FIELD != STRING
 *     FIELD == null          FIELD != null
 *     FIELD : STRING         FIELD : (STRING, ...)
 *     FIELD like STRING      FIELD like (STRING, ...)       and like~
 *     FIELD in (STRING, ...) FIELD not in (STRING, ...)     and in~, not in~
 *
 * What each operator means is Elasticsearch's, as SEMANTICS.md (shared/spec)
 * says; checked against Elasticsearch's sources and documentation:
 *
 *  - "==" and "in" are case-sensitive and exact ("The == and != operators do
 *    not expand wildcard characters", EQL syntax reference, "Differences
 *    from Endgame EQL syntax"); "in~" folds case.
 *  - ":" folds case and takes '*' and '?' wildcards, a list being any of
 *    its items; "like" is the case-sensitive wildcard match and "like~" the
 *    case-insensitive one ("The : operator is equivalent to like~", same
 *    page). "like", "like~" and ":" take string constants only (the
 *    grammar's predicate rule), "in" and "in~" a list in parentheses.
 *  - "not in" and "not in~" exist; "not like" and "!:" do not (EqlBase.g4:
 *    predicate : NOT? (IN | IN_INSENSITIVE) ...).
 *  - "field == null" is IsNull and "field != null" IsNotNull (the EQL
 *    optimizer's ReplaceNullChecks, x-pack/plugin/eql/.../optimizer/
 *    Optimizer.java): true exactly when the field is absent, resp. present.
 *  - An absent field: every other comparison is false on it. "!=", "not in"
 *    and "not" are translated to the query DSL as bool must_not around the
 *    positive query (QL's ExpressionTranslators.BinaryComparisons: NotEquals
 *    becomes NotQuery(TermQuery); Not(In) likewise), and must_not matches a
 *    document that lacks the field: so "f != "x"" and "f not in (...)" are
 *    TRUE on an absent f, which is exactly "not (f == "x")". SEMANTICS.md
 *    says the same of "not (f in (...))".
 *  - "?field": an optional field is replaced by null only when the field
 *    does not exist in the index mapping ("EQL syntax reference", Optional
 *    fields). Every field here exists in ldwatch's events, so ?f means f;
 *    a field the sensor cannot provide is refused, optional or not.
 *
 * Compiled shape (program.h): the top-level conjunction, with nested
 * conjunctions and parentheses flattened, gives one unit per conjunct, in
 * order. A conjunct "not X" gives one EXCLUDE unit per top-level "or"
 * alternative of X (nested "or"s flattened); any other conjunct a REQUIRE
 * unit. Each unit's expression is emitted in postfix, n-ary "and"/"or" as
 * left-associated chains ("a b AND c AND"). Comparisons:
 *
 *   ==  one value, in (...)     TEST LDW_OP_EQUAL
 *   in~ (...)                   TEST LDW_OP_EQUAL_NOCASE
 *   :                           TEST LDW_OP_WILDCARD_NOCASE
 *   like / like~                TEST LDW_OP_WILDCARD / LDW_OP_WILDCARD_NOCASE
 *   == null                     TEST LDW_OP_IS_NULL
 *   !=, not in, not in~, != null: the positive TEST, then NOT.
 *
 * So a REQUIRE unit never has AND at its top and an EXCLUDE unit never OR,
 * and NOT is at a REQUIRE unit's top only as one of the negated operators:
 * a formatter that writes those as "!=", "not in", "not in~" and "!= null"
 * gives text that compiles back to the same program, byte for byte.
 *
 * Refused, with "LINE:COLUMN: what is not supported" (the position of the
 * offending token, 1-based, in the text given) and nothing built: other
 * event categories ("ldwatch sees file events only"), sequences, samples,
 * joins, pipes, functions, arithmetic, numbers and numeric comparisons,
 * regex, comparing fields with fields, constants as conditions, a field the
 * sensor cannot provide (the message lists those it can), nesting of
 * parentheses and "not" deeper than LDW_EQL_MAX_NESTING, a program beyond
 * the limits of program.h, and a rule with no file.path requirement that
 * the prefilter can anchor on ("this rule would have to look at every file:
 * ldwatch watches named paths").
 *
 * Userspace only (it allocates); no recursion deeper than the nesting bound.
 */
#ifndef _LDWATCH_EQL_COMPILE_H
#define _LDWATCH_EQL_COMPILE_H

#include <stddef.h>

struct ldw_prog_builder;

/* Parentheses and "not" nested deeper than this are refused. */
#define LDW_EQL_MAX_NESTING 20

#define LDW_EQL_MESSAGE_MAX 512

/*
 * Why a text was refused: @line and @column (1-based, in the text given;
 * the caller adds the file name and the query's place in it) and a
 * NUL-terminated sentence without a position ("sequences are not
 * supported: ldwatch judges one event at a time").
 */
struct ldw_eql_error {
	unsigned int line, column;
	char message[LDW_EQL_MESSAGE_MAX];
};

/*
 * Compile the query "file where EXPR" in the @len bytes at @text (no
 * terminator needed) onto @b, which ldw_prog_build_init() has prepared and
 * which may already hold units: the rule's units go after them. Returns 0,
 * or -1 with @err filled and nothing added to @b. Every check of the rule's
 * own units against program.h's limits is made before anything is added;
 * units the caller adds later are checked by ldw_prog_build_finish().
 */
int ldw_eql_compile(const char *text, size_t len, struct ldw_prog_builder *b,
		    struct ldw_eql_error *err);

/*
 * Compile one expression EXPR (no "file where"), as an exception item
 * written by hand ('process.executable == "/usr/bin/salt-call"'), to a
 * single EXCLUDE unit appended to @b. Same returns and refusals as
 * ldw_eql_compile(), except that no file.path requirement is needed.
 */
int ldw_eql_compile_exclusion(const char *text, size_t len,
			      struct ldw_prog_builder *b,
			      struct ldw_eql_error *err);

#endif /* _LDWATCH_EQL_COMPILE_H */
