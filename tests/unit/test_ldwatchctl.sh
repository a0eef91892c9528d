#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the ldwatchctl command line: test_ldwatchctl.sh BINARY
#
# Every expected output here was written by hand, from the rule text and
# shared/spec/SEMANTICS.md (which event alerts and why) and from the output
# format documented in `ldwatchctl match --help`; none was produced by
# running ldwatchctl. The data files beside this script hold the events
# (data/*.ndjson) and the expected --explain lines (data/*.explain).
#
# Prints one "ok - ..." or "not ok - ..." line per check, diagnostics as
# "# ..." lines, and last "N passed, N failed". Exits 0 iff none failed.
# Run it on an ASan/UBSan build: a leak or an error makes checks fail,
# because the sanitizers write to stderr and change the exit status.

set -u
# shellcheck source-path=SCRIPTDIR source=cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 BINARY" >&2
	exit 2
fi
BIN=$1
case $BIN in
/*) ;;
*) BIN=$PWD/$BIN ;;
esac
DATA=$(cd "$(dirname "$0")" && pwd)/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT


# run INPUT-FILE ARG...: run the binary; leaves $TMP/out, $TMP/err, $rc.
run() {
	local in=$1
	shift
	"$BIN" "$@" <"$in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# expect FILE: write stdin to FILE (for expected outputs written inline).
expect() {
	cat >"$1"
}

# An event that matches, and the header of its --explain line.
EV_MATCH='{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":"/tmp/x"}}'
EXPLAIN_PRELOAD='match: host.os.type == "linux" and event.action == "creation" and file.path : "/etc/ld.so.preload" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.preload")'
EXPLAIN_DIR='match: host.os.type == "linux" and event.action == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation"'

# --- the rule's semantics, line by line -------------------------------------

run "$DATA/semantics.ndjson" match --explain
same "semantics: --explain gives the hand-derived verdict for every line" \
	"$DATA/semantics.explain" "$TMP/out"
empty "semantics: --explain writes nothing to stderr" "$TMP/err"
status "semantics: --explain exits 0" 0

# The lines whose verdict above is "match", copied from the input unchanged.
sed -n '1p;2p;3p;6p;9p;14p;17p;18p;25p;27p' "$DATA/semantics.ndjson" >"$TMP/want"
run "$DATA/semantics.ndjson" match
same "semantics: matched lines are printed unchanged, and only they" "$TMP/want" "$TMP/out"
empty "semantics: nothing on stderr" "$TMP/err"
status "semantics: exits 0" 0

run "$DATA/semantics.ndjson" match --rule default
same "--rule default is the default rule" "$TMP/want" "$TMP/out"
run "$DATA/semantics.ndjson" match --rule=default
same "--rule=default is accepted" "$TMP/want" "$TMP/out"

# The companion rule judges ldwatch's own fields, as ldwatchd writes them:
# the host's path of the target and the executable from the host's root.
{
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"modification"},"file":{"path":"/ld.so.conf"},"ldwatch":{"target":{"path":"/etc/ld.so.conf"},"process":{"executable":"/tmp/x"}}}'
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"rename"},"file":{"path":"/etc/ld.so.preload"},"ldwatch":{"target":{"path":"/etc/ld.so.preload"},"process":{"executable":"/usr/bin/dpkg"}}}'
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/x.swp"},"ldwatch":{"target":{"path":"/etc/ld.so.conf.d/x.swp"}}}'
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":"/tmp/x"}}'
} >"$TMP/in"
run "$TMP/in" match --rule companion --explain
expect "$TMP/want" <<'EOF'
1: match: host.os.type == "linux" and event.action == "modification" and ldwatch.target.path like "/etc/ld.so.conf" (host.os.type="linux", event.action="modification", ldwatch.target.path="/etc/ld.so.conf")
2: excluded: ldwatch.process.executable == "/usr/bin/dpkg" (ldwatch.process.executable="/usr/bin/dpkg")
3: no match: ldwatch.target.path like ("/etc", "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.cache", "/etc/ld.so.conf.d", "/etc/ld.so.conf.d/*.conf") is false (ldwatch.target.path="/etc/ld.so.conf.d/x.swp")
4: no match: ldwatch.target.path like ("/etc", "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.cache", "/etc/ld.so.conf.d", "/etc/ld.so.conf.d/*.conf") is false (ldwatch.target.path absent)
EOF
same "--rule companion: a write by identity matches, dpkg is excluded, a swap file and a non-target are not the linker's" \
	"$TMP/want" "$TMP/out"

# The lines whose verdict above is "no match" or "excluded".
sed -n '4p;5p;7p;8p;10p;11p;12p;13p;15p;16p;19p;20p;21p;22p;23p;24p;26p' \
	"$DATA/semantics.ndjson" >"$TMP/in"
run "$TMP/in" match
empty "nothing matched: no output" "$TMP/out"
status "nothing matched: still exit 0 (not like grep)" 0

# --- field spellings: nested, dotted, mixed, non-strings --------------------

run "$DATA/forms.ndjson" match --explain
same "forms: nested, dotted and mixed keys are read alike" "$DATA/forms.explain" "$TMP/out"
same "forms: conflicting spellings rejected, non-strings warned once per field" \
	"$DATA/forms.stderr" "$TMP/err"
status "forms: a conflicting line makes the exit status 1" 1

printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":7}}' >"$TMP/in"
run "$TMP/in" match
expect "$TMP/want" <<'EOF'
ldwatchctl: line 1: warning: process.executable: a JSON int where a string is expected; the field is taken as absent (not reported again)
EOF
same "a non-string value warns on stderr" "$TMP/want" "$TMP/err"
empty "a non-string executable is absent, so the event is excluded" "$TMP/out"
status "warnings do not change the exit status" 0

# --- absent versus empty ----------------------------------------------------

{
	echo '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{}}'
	echo '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":""}}'
	echo '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":""},"process":{"executable":"/tmp/x"}}'
	echo '{"host":{"os":{"type":"linux"}},"event":{"action":""},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":"/tmp/x"}}'
	echo '{"host":{"os":{"type":"linux"}},"event":{"action":"rename"},"file":{"path":"/etc/ld.so.conf","Ext":{"original":{"extension":""}}},"process":{"executable":"/tmp/x"}}'
} >"$TMP/in"
run "$TMP/in" match --explain
expect "$TMP/want" <<'EOF'
1: excluded: process.executable == null (process.executable absent)
2: match: host.os.type == "linux" and event.action == "creation" and file.path : "/etc/ld.so.preload" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.preload")
3: no match: file.path : ("/etc/ld.so.preload", "/etc/ld.so.conf.d/*", "/etc/ld.so.conf") is false (file.path="")
4: no match: event.action in ("creation", "rename") is false (event.action="")
5: match: host.os.type == "linux" and event.action == "rename" and file.path : "/etc/ld.so.conf" (host.os.type="linux", event.action="rename", file.path="/etc/ld.so.conf")
EOF
same "absent and empty fields differ (== null holds only for absent)" "$TMP/want" "$TMP/out"

# --- escapes and bytes ------------------------------------------------------

run "$DATA/escapes.ndjson" match --explain
same "escapes: \\u0000, \\n, \\/, \\u00XX, surrogates; explain escapes bytes" \
	"$DATA/escapes.explain" "$TMP/out"
empty "escapes: nothing on stderr" "$TMP/err"

# Invalid UTF-8 is not rejected: Linux paths are bytes. Raw bytes, built with printf.
printf '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/\377\376.conf"},"process":{"executable":"/tmp/x"}}\n' >"$TMP/in"
printf '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/caf\303\251\300"},"process":{"executable":"/usr/bin/dpkg\200"}}\n' >>"$TMP/in"
run "$TMP/in" match
same "invalid UTF-8 inside strings: accepted, line printed unchanged" "$TMP/in" "$TMP/out"
status "invalid UTF-8: exit 0" 0
run "$TMP/in" match --explain
expect "$TMP/want" <<'EOF'
1: match: host.os.type == "linux" and event.action == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/\xff\xfe.conf")
2: match: host.os.type == "linux" and event.action == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/caf\xc3\xa9\xc0")
EOF
same "invalid UTF-8: --explain shows the bytes as \\xHH" "$TMP/want" "$TMP/out"

# A raw NUL byte is not JSON: an error naming its position, not a crash.
printf '{"file":{"path":"/etc/ld.so.pre\0load"}}\n%s\n' "$EV_MATCH" >"$TMP/in"
run "$TMP/in" match --explain
expect "$TMP/want" <<'EOF'
ldwatchctl: line 1: NUL byte at byte 32 (JSON text cannot hold one; write \u0000 in a string)
EOF
same "raw NUL byte: reported with line and byte" "$TMP/want" "$TMP/err"
echo "2: $EXPLAIN_PRELOAD" >"$TMP/want"
same "raw NUL byte: the next line is still judged" "$TMP/want" "$TMP/out"
status "raw NUL byte: exit 1" 1

# --- invalid lines, blank lines, line numbers -------------------------------

{
	printf '%s\n' "$EV_MATCH"
	printf '%s\n' '{"file": '
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"deletion"},"file":{"path":"/etc/ld.so.preload"},"process":{"executable":"/tmp/x"}}'
	printf '%s\n' '{"a":1} {"b":2}'
	printf '%s\n' '[{"file":{"path":"/etc/ld.so.preload"}}]'
	printf '%s\n' '{"a":1,}'
	printf '%s\n' '{a:1}'
	printf '%s\n' '{"a":1} // comment'
	printf '\n'
	printf '  \t \r\n'
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"rename"},"file":{"path":"/etc/ld.so.conf"},"process":{"executable":"/usr/bin/dpkg"}}'
	printf '%s\n' 'null'
	printf '%s\n' '{"a":"x"}garbage'
	printf '%s\n' '42'
	printf '%s' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/last"},"process":{"executable":"/tmp/x"}}'
} >"$TMP/in"
expect "$TMP/want-err" <<'EOF'
ldwatchctl: line 2: invalid JSON: the line ends inside a value
ldwatchctl: line 4: invalid JSON at byte 9: unexpected character
ldwatchctl: line 5: found a JSON array where an object is expected
ldwatchctl: line 6: invalid JSON at byte 8: unexpected character
ldwatchctl: line 7: invalid JSON at byte 2: quoted object property name expected
ldwatchctl: line 8: invalid JSON at byte 9: unexpected character
ldwatchctl: line 12: found a JSON null where an object is expected
ldwatchctl: line 13: invalid JSON at byte 10: unexpected character
ldwatchctl: line 14: found a JSON int where an object is expected
EOF
run "$TMP/in" match --explain
expect "$TMP/want" <<EOF
1: $EXPLAIN_PRELOAD
3: no match: event.action in ("creation", "rename") is false (event.action="deletion")
11: excluded: process.executable == "/usr/bin/dpkg" (process.executable="/usr/bin/dpkg")
15: $EXPLAIN_DIR, file.path="/etc/ld.so.conf.d/last")
EOF
same "invalid lines: valid lines around them are still judged" "$TMP/want" "$TMP/out"
same "invalid lines: each reported on stderr with its line number" "$TMP/want-err" "$TMP/err"
status "invalid lines: exit 1" 1
run "$TMP/in" match
{
	printf '%s\n' "$EV_MATCH"
	printf '%s\n' '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/last"},"process":{"executable":"/tmp/x"}}'
} >"$TMP/want"
same "invalid lines: matched lines still printed; a newline ends the last" "$TMP/want" "$TMP/out"
same "invalid lines: same stderr without --explain" "$TMP/want-err" "$TMP/err"
status "invalid lines: exit 1 without --explain" 1

: >"$TMP/in"
run "$TMP/in" match
empty "empty input: no output" "$TMP/out"
empty "empty input: no error" "$TMP/err"
status "empty input: exit 0" 0

printf '\n\n   \n' >"$TMP/in"
run "$TMP/in" match --explain
empty "blank lines are skipped silently" "$TMP/out"
empty "blank lines are no error" "$TMP/err"
status "blank lines: exit 0" 0

# CRLF line ends: the CR is JSON whitespace, and the line is printed as it came.
printf '%s\r\n' "$EV_MATCH" "$EV_MATCH" >"$TMP/in"
run "$TMP/in" match
same "CRLF lines: judged and printed unchanged" "$TMP/in" "$TMP/out"
status "CRLF lines: exit 0" 0

# --- very long lines --------------------------------------------------------

{
	printf '{"host":{"os":{"type":"linux"}},"event":{"action":"creation"},"file":{"path":"/etc/ld.so.conf.d/'
	head -c 4194304 /dev/zero | tr '\0' 'a'
	printf '"},"process":{"executable":"/tmp/x"}}\n'
	printf '%s\n' "$EV_MATCH"
} >"$TMP/in"
run "$TMP/in" match
same "a 4 MiB line is read whole and printed unchanged" "$TMP/in" "$TMP/out"
status "a 4 MiB line: exit 0" 0

{
	head -c 3000000 /dev/zero | tr '\0' '['
	printf '\n%s\n' "$EV_MATCH"
} >"$TMP/in"
run "$TMP/in" match
if [ "$rc" -eq 1 ] && grep -q '^ldwatchctl: line 1: invalid JSON at byte [0-9]*: nesting too deep$' "$TMP/err"; then
	ok "3 MB of '[': rejected as too deep, exit 1"
else
	not_ok "3 MB of '[': rejected as too deep, exit 1"
	head -c 300 "$TMP/err" | sed 's/^/# /'
fi
printf '%s\n' "$EV_MATCH" >"$TMP/want"
same "3 MB of '[': the next line is still judged" "$TMP/want" "$TMP/out"

# --- usage ------------------------------------------------------------------

: >"$TMP/none"

run "$TMP/none"
status "no command: exit 2" 2
empty "no command: nothing on stdout" "$TMP/out"
contains "no command: says how to get help" "$TMP/err" "Try 'ldwatchctl --help'."

for opt in --help -h; do
	run "$TMP/none" $opt
	status "$opt: exit 0" 0
	empty "$opt: nothing on stderr" "$TMP/err"
	for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS"; do
		contains "$opt: has $section" "$TMP/out" "$section"
	done
	contains "$opt: lists the match command" "$TMP/out" "    match "
done

run "$TMP/none" match --help
status "match --help: exit 0" 0
empty "match --help: nothing on stderr" "$TMP/err"
cp "$TMP/out" "$TMP/match-help"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES --explain --rule; do
	contains "match --help: has $section" "$TMP/out" "$section"
done
for field in host.os.type event.action file.path file.name file.extension \
	file.Ext.original.path file.Ext.original.name file.Ext.original.extension \
	process.executable process.name; do
	contains "match --help: lists field $field" "$TMP/out" "        $field"
done
if awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/out"; then
	ok "match --help: fits in 80 columns"
else
	not_ok "match --help: fits in 80 columns"
fi
run "$TMP/none" --help
if awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/out"; then
	ok "--help: fits in 80 columns"
else
	not_ok "--help: fits in 80 columns"
fi

run "$TMP/none" help match
same "help match: the same text as match --help" "$TMP/match-help" "$TMP/out"
status "help match: exit 0" 0

# usage_error DESC EXPECTED-STDERR ARG...: exit 2, exact message, no stdout.
usage_error() {
	local desc=$1 want=$2
	shift 2
	run "$TMP/none" "$@"
	status "$desc: exit 2" 2
	empty "$desc: nothing on stdout" "$TMP/out"
	printf '%s\n' "$want" >"$TMP/want"
	same "$desc: message" "$TMP/want" "$TMP/err"
}

usage_error "unknown command" "ldwatchctl: unknown command 'frobnicate'
Try 'ldwatchctl --help'." frobnicate
usage_error "unknown global option" "ldwatchctl: unknown option '--verbose' (options follow the command)
Try 'ldwatchctl --help'." --verbose match
usage_error "help with an unknown command" "ldwatchctl: unknown command 'nope'
Try 'ldwatchctl --help'." help nope
usage_error "match: unknown long option" "ldwatchctl match: unknown option '--bogus'
Try 'ldwatchctl match --help'." match --bogus
usage_error "match: unknown short option" "ldwatchctl match: unknown option '-x'
Try 'ldwatchctl match --help'." match -x
usage_error "match: --rule without its argument" "ldwatchctl match: option '--rule' needs an argument
Try 'ldwatchctl match --help'." match --rule
usage_error "match: unknown rule" "ldwatchctl match: unknown rule 'v8' (known: default, companion; or a rule file)
Try 'ldwatchctl match --help'." match --rule v8
usage_error "match: --explain takes no argument" "ldwatchctl match: option '--explain' takes no argument
Try 'ldwatchctl match --help'." match --explain=yes
usage_error "match: a file argument" "ldwatchctl match: unexpected argument 'events.ndjson' (events are read from standard input)
Try 'ldwatchctl match --help'." match events.ndjson

# --- I/O errors -------------------------------------------------------------

run / match
status "standard input is a directory: exit 2" 2
contains "standard input is a directory: says so" "$TMP/err" \
	"ldwatchctl: reading standard input after line 0: Is a directory"

if [ -w /dev/full ]; then
	"$BIN" match <"$DATA/semantics.ndjson" >/dev/full 2>"$TMP/err"
	rc=$?
	status "standard output full: exit 2" 2
	contains "standard output full: says so" "$TMP/err" \
		"ldwatchctl: writing standard output: No space left on device"
	"$BIN" match --explain <"$DATA/semantics.ndjson" >/dev/full 2>"$TMP/err"
	rc=$?
	status "standard output full with --explain: exit 2" 2
fi

summary
