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
 * says. Checked against Elasticsearch's EQL syntax reference
 * (docs/reference/query-languages/eql/eql-syntax.md in elastic/elasticsearch,
 * www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html)
 * and its sources (x-pack/plugin/eql: antlr/EqlBase.g4 and the generated
 * parser/EqlBase.interp, parser/EqlParser.java, parser/AbstractBuilder.java,
 * optimizer/Optimizer.java; x-pack/plugin/ql: planner/ExpressionTranslators
 * and querydsl/query/NotQuery.java):
 *
 *  - "==" and "in" are case-sensitive and exact ("The == and != operators do
 *    not expand wildcard characters", syntax reference, "Differences from
 *    Endgame EQL syntax"); "in~" folds case. "=" is not equality (ASGN,
 *    used in "with maxspan=" only).
 *  - ":" folds case and takes '*' and '?' wildcards, a list being any of
 *    its items; "like" is the case-sensitive wildcard match and "like~" the
 *    case-insensitive one ("The : operator is equivalent to like~", same
 *    section). ":", "like" and "like~" take constants only, one or a list
 *    in parentheses; "in" and "in~" a list in parentheses (the grammar's
 *    predicate rule).
 *  - "not in" and "not in~" exist; "not like", "not :" and "!:" do not
 *    (predicate : NOT? (IN | IN_INSENSITIVE) LP ... in the current grammar).
 *  - "field == null" becomes IsNull and "field != null" IsNotNull (the
 *    optimizer's ReplaceNullChecks): true exactly when the field is absent,
 *    resp. present; an empty string is present.
 *  - An absent field: every other comparison is false on it. "!=", "not in"
 *    and "not" reach the query DSL as bool must_not around the positive
 *    query (ExpressionTranslators.BinaryComparisons: NotEquals becomes
 *    NotQuery(TermQuery); NotQuery.asBuilder() is boolQuery().mustNot()),
 *    and must_not matches a document that lacks the field: so "f != "x""
 *    and "f not in (...)" are TRUE on an absent f, exactly "not (f == "x")".
 *    SEMANTICS.md says the same of "not (f in (...))".
 *  - "?field": an optional field is replaced by null only when the field
 *    does not exist in the index mapping (syntax reference, "Optional
 *    fields"; '?' is a token of its own, OPTIONAL, before the field name).
 *    Every field here exists in ldwatch's events, so ?f means f; a field
 *    the sensor cannot provide is refused, optional or not.
 *  - Lexical facts (keywords lowercase only, strings, escapes, raw strings,
 *    comments): eql_lex.h.
 *
 * Compiled shape: as program.h's canonical text says (the formatter writes
 * it, this compiler reads it back to the same program, byte for byte). The
 * top-level conjuncts (the "and"s outside any parentheses) are the units,
 * in order; a conjunct that starts with the keyword "not" gives one EXCLUDE
 * unit for each top-level disjunct of its operand (the "or"s directly
 * inside its parentheses), any other conjunct one REQUIRE unit; a
 * parenthesized group is never split. Each unit's expression is emitted in
 * postfix, "and" and "or" left-associative ("a and b and c" is a b AND c
 * AND, "a and (b and c)" a b c AND AND). Comparisons:
 *
 *   ==  one value, in (...)     TEST LDW_OP_EQUAL
 *   in~ (...)                   TEST LDW_OP_EQUAL_NOCASE
 *   :                           TEST LDW_OP_WILDCARD_NOCASE
 *   like / like~                TEST LDW_OP_WILDCARD / LDW_OP_WILDCARD_NOCASE
 *   == null                     TEST LDW_OP_IS_NULL
 *   !=, not in, not in~, != null: the positive TEST, then NOT.
 *
 * Refused, with "LINE:COLUMN: what is not supported" (the position of the
 * offending token, 1-based, in the text given) and nothing built: other
 * event categories ("ldwatch sees file events only"), sequences, samples,
 * joins, pipes, functions, arithmetic, numbers and numeric comparisons,
 * regex, comparing fields with fields, constants as conditions, a field the
 * sensor cannot provide (the message lists those it can), nesting beyond
 * the bounds below, a program beyond the limits of program.h, and a rule
 * with no file.path requirement that the prefilter can anchor on ("this
 * rule would have to look at every file: ldwatch watches named paths", and
 * why, in the words of ldw_anchors_reason_text()): the anchors are derived
 * from the rule's own units by ldw_anchors_derive(), as the kernel will.
 *
 * Userspace only (it allocates); no recursion deeper than the nesting bound.
 */
#ifndef _LDWATCH_EQL_COMPILE_H
#define _LDWATCH_EQL_COMPILE_H

#include <stddef.h>

struct ldw_prog_builder;

/*
 * Bounds on nesting. The parser refuses text with parentheses and "not"
 * nested deeper than LDW_EQL_MAX_NESTING (so it recurses no deeper); the
 * compiler refuses a unit whose expression has "and", "or" and "not"
 * nested deeper than LDW_EQL_MAX_DEPTH. The text ldw_prog_format() writes
 * for a unit nests no deeper than its expression does, plus the "not (" a
 * rule wraps it in: with LDW_EQL_MAX_DEPTH + 2 <= LDW_EQL_MAX_NESTING,
 * every program compiled here formats to text that compiles back.
 */
#define LDW_EQL_MAX_NESTING 40
#define LDW_EQL_MAX_DEPTH 32

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
