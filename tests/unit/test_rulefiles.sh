#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of ldwatchctl's offline rule commands: test_rulefiles.sh BINARY
#
#   rules check / rules show on every file of rules/ and on each format's
#   sample (tests/unit/data/rulefiles/), exceptions check, the messages and
#   exit statuses of malformed inputs, and match --rule FILE [--exceptions
#   FILE]: the same output as the built-in rule on the shared event files,
#   version 9's "creation only", every exception entry type and operator
#   judged on events.
#
# Every expected output was written by hand: verdicts from the rule text,
# the exception semantics (rules/README.md, "Exceptions") and the canonical
# text of include/ldwatch/program.h; metadata from the sample files;
# messages from what each refusal must say. None was produced by running
# ldwatchctl. Run it on an ASan/UBSan build.

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
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
DATA=$HERE/data
SAMPLES=$DATA/rulefiles
RULES=$TOP/rules
V3=$RULES/elastic-640f79d1-v3.eql
V9=$RULES/elastic-640f79d1-v9.eql
TMP=$(mktemp -d)
[ -d "$TMP" ] || exit 2
trap 'rm -rf "$TMP"' EXIT
# Every file this test writes goes into $TMP.
cd "$TMP" || exit 2

# run ARG...: stdin from /dev/null; leaves $TMP/out, $TMP/err, $rc.
run() {
	"$BIN" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
}
# run_in INPUT ARG...
run_in() {
	local in=$1
	shift
	"$BIN" "$@" <"$in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}
# expect FILE: write stdin to FILE (for expected outputs written inline).
expect() {
	cat >"$1"
}
# line_is DESC FILE LINE: FILE has a line exactly LINE.
line_is() {
	if grep -qxF -e "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1 (no line \"$3\")"
		head -20 "$2" | sed 's/^/# /'
	fi
}
# refused DESC MESSAGE-LINE: the last run exited 1 with exactly that one line on stderr.
refused() {
	printf '%s\n' "$2" >"$TMP/want-err"
	same "$1: the message" "$TMP/want-err" "$TMP/err"
	status "$1: exit status 1" 1
}
# sha_of FILE: the sha256 of rules check's output.
sha_of() {
	sed -n 's/^  sha256      //p' "$1"
}
# col_of TEXT NEEDLE: the 1-based column of NEEDLE's first byte in TEXT.
col_of() {
	local t=${1%%"$2"*}
	echo $((${#t} + 1))
}

# --- rules check: each format, its metadata as written by hand -------------------------------

run rules check "$V3"
status "rules check, the v3 file: exits 0" 0
empty "rules check, the v3 file: nothing on stderr" "$TMP/err"
expect "$TMP/want" <<EOF
$V3: plain EQL, 1 rule
rule 640f79d1-571d-4f96-a9af-1194fc8cf763 (line 1)
  name        Dynamic Linker Creation or Modification
  version     3
  severity    medium
  risk score  47
  threat      TA0005 Defense Evasion: T1574 Hijack Execution Flow (T1574.006 Dynamic Linker Hijacking) [MITRE ATT&CK]
  threat      TA0003 Persistence: T1574 Hijack Execution Flow (T1574.006 Dynamic Linker Hijacking) [MITRE ATT&CK]
  source      Elastic, "Dynamic Linker Creation or Modification", versions 3 to 6 (Elastic Security documentation; the query of Elastic's security_detection_engine package, kibana/security_rule/640f79d1-571d-4f96-a9af-1194fc8cf763_3.json). Elastic License v2.
  units       3 required, 8 excluded, 0 exception items
EOF
grep -v '^  compiled\|^  sha256' "$TMP/out" >"$TMP/got"
same "rules check, the v3 file: file, format, id, name, version, severity, risk score, threat, source, units" \
	"$TMP/want" "$TMP/got"
if grep -qE '^  compiled    [0-9]+ bytes$' "$TMP/out" && grep -qE '^  sha256      [0-9a-f]{64}$' "$TMP/out"; then
	ok "rules check, the v3 file: compiled size and SHA-256"
else
	not_ok "rules check, the v3 file: compiled size and SHA-256"
fi
v3_sha=$(sha_of "$TMP/out")

run rules check "$SAMPLES/prebuilt-640f79d1_3.json"
status "rules check, Elastic's prebuilt JSON: exits 0" 0
line_is "prebuilt JSON: format" "$TMP/out" \
	"$SAMPLES/prebuilt-640f79d1_3.json: Elastic prebuilt rule (JSON), 1 rule"
line_is "prebuilt JSON: rule id" "$TMP/out" "rule 640f79d1-571d-4f96-a9af-1194fc8cf763 (line 1)"
line_is "prebuilt JSON: name" "$TMP/out" "  name        Dynamic Linker Creation or Modification"
line_is "prebuilt JSON: version" "$TMP/out" "  version     3"
line_is "prebuilt JSON: severity" "$TMP/out" "  severity    medium"
line_is "prebuilt JSON: risk score" "$TMP/out" "  risk score  47"
line_is "prebuilt JSON: threat" "$TMP/out" \
	"  threat      TA0005 Defense Evasion: T1574 Hijack Execution Flow (T1574.006 Dynamic Linker Hijacking) [MITRE ATT&CK]"
line_is "prebuilt JSON: source" "$TMP/out" \
	"  source      Elastic prebuilt rule, security_detection_engine package, 640f79d1-571d-4f96-a9af-1194fc8cf763_3"
line_is "prebuilt JSON: units" "$TMP/out" "  units       3 required, 8 excluded, 0 exception items"
same_text "prebuilt JSON: the same program as the v3 file (its query differs in blanks only)" \
	"$v3_sha" "$(sha_of "$TMP/out")"

run rules check "$SAMPLES/kibana-rules-export.ndjson"
status "rules check, a Kibana rule export: exits 0" 0
line_is "Kibana export: format" "$TMP/out" \
	"$SAMPLES/kibana-rules-export.ndjson: Kibana rule export (ndjson), 1 rule"
line_is "Kibana export: rule id and line" "$TMP/out" "rule 640f79d1-571d-4f96-a9af-1194fc8cf763 (line 1)"
line_is "Kibana export: name" "$TMP/out" "  name        Dynamic Linker Creation or Modification"
line_is "Kibana export: version" "$TMP/out" "  version     3"
line_is "Kibana export: severity" "$TMP/out" "  severity    medium"
line_is "Kibana export: risk score" "$TMP/out" "  risk score  47"
line_is "Kibana export: threat" "$TMP/out" \
	"  threat      TA0003 Persistence: T1574 Hijack Execution Flow (T1574.006 Dynamic Linker Hijacking) [MITRE ATT&CK]"
line_is "Kibana export: source" "$TMP/out" "  source      Kibana rule export, of an Elastic prebuilt rule"
line_is "Kibana export: the exception list it references, found in the file" "$TMP/out" \
	"  exceptions  list ldso-site-tools (detection, single): 2 items in this file"
line_is "Kibana export: the items are two more exclusions" "$TMP/out" \
	"  units       3 required, 8 excluded, 2 exception items"

for f in "$RULES"/*.eql; do
	run rules check "$f"
	status "rules check $(basename "$f"): exits 0" 0
	empty "rules check $(basename "$f"): nothing on stderr" "$TMP/err"
done
run rules check "$V9"
line_is "v9: name" "$TMP/out" "  name        Dynamic Linker Creation"
line_is "v9: version" "$TMP/out" "  version     9"
line_is "v9: the Privilege Escalation mapping" "$TMP/out" \
	"  threat      TA0004 Privilege Escalation: T1574 Hijack Execution Flow (T1574.006 Dynamic Linker Hijacking) [MITRE ATT&CK]"
line_is "v9: its units (v7's two more exclusions)" "$TMP/out" "  units       3 required, 10 excluded, 0 exception items"
run rules check "$RULES/ldwatch-companion-v1.eql"
line_is "companion: id, as the built-in table's" "$TMP/out" "rule e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba (line 1)"
line_is "companion: severity" "$TMP/out" "  severity    high"
line_is "companion: risk score" "$TMP/out" "  risk score  73"

run rules check "$V3" "$V9"
status "rules check with two files: exits 0" 0
same_text "rules check with two files: one header line each" 2 "$(grep -c ': plain EQL, 1 rule$' "$TMP/out")"

# --- rules show: the canonical text, which compiles back to the same program -----------------

run rules show "$V3"
status "rules show: exits 0" 0
line_is "rules show: the header first" "$TMP/out" "// id: 640f79d1-571d-4f96-a9af-1194fc8cf763"
line_is "rules show: the tactic lines" "$TMP/out" "// tactic: TA0003 Persistence"
if grep -q '^file where host.os.type == "linux" and event.action in ("creation", "rename") and file.path : ("/etc/ld.so.preload", "/etc/ld.so.conf.d/\*", "/etc/ld.so.conf") and not (process.executable in ("/bin/dpkg", ' "$TMP/out" &&
	grep -q ' or (process.name == "sed" and file.name : "sed\*") or (process.name == "perl" and file.name : "e2scrub_all.tmp\*"))$' "$TMP/out"; then
	ok "rules show: the query in canonical form, on one line"
else
	not_ok "rules show: the query in canonical form, on one line"
	tail -1 "$TMP/out" | cut -c1-300 | sed 's/^/# /'
fi
cp "$TMP/out" "$TMP/shown.eql"
run rules check "$TMP/shown.eql"
same_text "rules show's output is a rule file that compiles to the same program" "$v3_sha" "$(sha_of "$TMP/out")"

run rules show --exceptions "$SAMPLES/site-exceptions.eql" "$V3"
cp "$TMP/out" "$TMP/shown-x.eql"
if tail -1 "$TMP/out" | grep -q ' or process.executable == "/usr/bin/salt-call" or (process.executable like "/opt/dynatrace/\*" and file.path == "/etc/ld.so.preload"))$'; then
	ok "rules show --exceptions: the items are the last exclusions"
else
	not_ok "rules show --exceptions: the items are the last exclusions"
fi
run rules check --exceptions "$SAMPLES/site-exceptions.eql" "$V3"
with_x=$(sha_of "$TMP/out")
line_is "rules check --exceptions: the items applied" "$TMP/out" \
	"  exceptions  2 items from $SAMPLES/site-exceptions.eql"
line_is "rules check --exceptions: units" "$TMP/out" "  units       3 required, 8 excluded, 2 exception items"
run rules check "$TMP/shown-x.eql"
same_text "rule and exceptions shown, compiled back: the same program" "$with_x" "$(sha_of "$TMP/out")"

# --- exceptions check ------------------------------------------------------------------------

run exceptions check "$SAMPLES/kibana-exceptions-export.ndjson"
status "exceptions check, a Kibana list export: exits 0" 0
expect "$TMP/want" <<EOF
$SAMPLES/kibana-exceptions-export.ndjson: Kibana exception list export (ndjson), 9 items
list ldso-every-entry (detection: Every entry type)
  excludes    process.executable == "/usr/bin/salt-call"
  excludes    file.path == "/etc/ld.so.preload" and process.name != "bash"
  excludes    process.name in ("ansible", "Chef")
  excludes    file.path == "/etc/ld.so.conf.d/vendor.conf" and process.executable not in ("/bin/sh", "/usr/bin/sh")
  excludes    process.executable like "/opt/vendor/*/bin/inst?ll"
  excludes    file.path == "/etc/ld.so.conf.d/zz.conf" and not process.executable like "/usr/*"
  excludes    file.Ext.original.path != null and file.Ext.original.extension == "tmp"
  excludes    file.path == "/etc/ld.so.conf.d/new.conf" and file.Ext.original.path == null
  excludes    host.os.type == "linux" and process.name == "osquery"
EOF
grep -v '^item \|^  name \|^  list ' "$TMP/out" >"$TMP/got"
same "exceptions check: each entry type and operator as the exclusion it compiles to" "$TMP/want" "$TMP/got"
line_is "exceptions check: an item's id and line" "$TMP/out" "item e-wildcard (line 6)"
run exceptions check "$SAMPLES/site-exceptions.eql"
status "exceptions check, the hand form: exits 0" 0
expect "$TMP/want" <<EOF
$SAMPLES/site-exceptions.eql: ldwatch exceptions (EQL), 2 items
rule 640f79d1-571d-4f96-a9af-1194fc8cf763
item (line 6)
  name        Salt writes ld.so.conf.d through a temporary file
  excludes    process.executable == "/usr/bin/salt-call"
item (line 9)
  name        Dynatrace's agent installs its preload
  excludes    process.executable like "/opt/dynatrace/*" and file.path == "/etc/ld.so.preload"
EOF
same "exceptions check, the hand form: the rule and each item" "$TMP/want" "$TMP/out"

# --- exceptions add (--no-sync: the file alone; the guest tier syncs) -------------------------

RID=640f79d1-571d-4f96-a9af-1194fc8cf763
ADDED=$TMP/etc/exceptions.d/$RID.eql
mkdir -p "$TMP/etc"
run exceptions add --dir "$TMP/etc" --no-sync --name 'Salt writes through a temporary file' \
	"$RID" 'process.executable == "/usr/bin/salt-call"'
status "exceptions add: a first item, exits 0" 0
expect "$TMP/want" <<EOF
item (line 4)
  name        Salt writes through a temporary file
  excludes    process.executable == "/usr/bin/salt-call"
added to $ADDED
EOF
same "exceptions add: says the item it compiled and where it went" "$TMP/want" "$TMP/out"
run exceptions add --dir "$TMP/etc" --no-sync "$RID" 'process.name : "ansible*" and
file.path like "/etc/ld.so.conf.d/*"'
status "exceptions add: a second item, on two lines, exits 0" 0
expect "$TMP/want" <<EOF
// rule: $RID

// name: Salt writes through a temporary file
process.executable == "/usr/bin/salt-call"

process.name : "ansible*" and
file.path like "/etc/ld.so.conf.d/*"
EOF
same "exceptions add: the file made with its rule line, each item after a blank line" \
	"$TMP/want" "$ADDED"
cp "$ADDED" "$TMP/before"
run exceptions add --dir "$TMP/etc" --no-sync "$RID" 'process.foo == "x"'
status "exceptions add: a field the sensor does not provide: exits 1" 1
contains "exceptions add: ... said at EXPRESSION:LINE:COLUMN" "$TMP/err" \
	'EXPRESSION:1:1: the field "process.foo" is not one the sensor provides'
run exceptions add --dir "$TMP/etc" --no-sync "$RID" 'process.name == "a"

process.name == "b"'
status "exceptions add: two items in one expression: exits 1" 1
contains "exceptions add: ... said where" "$TMP/err" 'EXPRESSION:3:1: expected "and", "or"'
run exceptions add --dir "$TMP/etc" --no-sync "$RID" 'process.name == "a"
// a comment line ends an item in the file
or process.name == "b"'
status "exceptions add: an item a comment line would cut in two in the file: exits 1" 1
contains "exceptions add: ... and the file is left as it was" "$TMP/err" "$ADDED left as it was"
same "exceptions add: no refusal changed the file" "$TMP/before" "$ADDED"
run exceptions add --dir "$TMP/etc" --no-sync ../evil 'process.name == "a"'
status "exceptions add: a rule id that is no file name: exits 2" 2
contains "exceptions add: ... and says what an id is" "$TMP/err" "'../evil' is no rule id"
cp "$SAMPLES/site-exceptions.eql" "$TMP/etc/exceptions.d/other.eql"
run exceptions add --dir "$TMP/etc" --no-sync other 'process.name == "a"'
status "exceptions add: to a file for another rule: exits 1" 1
contains "exceptions add: ... and leaves it" "$TMP/err" "not ldwatch's EQL exceptions for rule other"
run exceptions add --dir "$TMP/etc" --no-sync "$RID"
status "exceptions add: no expression: exits 2" 2
ls -A "$TMP/etc/exceptions.d" >"$TMP/got"
printf '%s\n' "$RID.eql" other.eql >"$TMP/want"
same "exceptions add: no temporary file is left beside them" "$TMP/want" "$TMP/got"

# A rule that is neither built in nor in rules.d: the item would change
# nothing: refused before anything is written (add), or before the module
# is asked (sync).
OTHER=4f1c2b3a-0000-4000-8000-00000000dead
rm -rf "$TMP/etc2"
mkdir -p "$TMP/etc2/rules.d"
run exceptions add --dir "$TMP/etc2" "$OTHER" 'process.name == "a"'
status "exceptions add: for a rule neither built in nor in rules.d: exits 1" 1
contains "exceptions add: ... and says what to do" "$TMP/err" \
	"rule $OTHER is no built-in rule and no file of $TMP/etc2/rules.d holds it, so the item would change nothing"
if [ ! -e "$TMP/etc2/exceptions.d" ]; then
	ok "exceptions add: ... and writes nothing"
else
	not_ok "exceptions add: ... and writes nothing"
fi
mkdir -p "$TMP/etc2/exceptions.d"
printf '// rule: %s\nprocess.name == "a"\n' "$OTHER" >"$TMP/etc2/exceptions.d/$OTHER.eql"
run rules sync "$TMP/etc2"
status "rules sync: exceptions for a rule neither built in nor in rules.d: exits 1" 1
contains "rules sync: ... says which file and rule" "$TMP/err" \
	"$TMP/etc2/exceptions.d/$OTHER.eql:1: these exceptions are for rule $OTHER, which is no built-in rule and which no file of $TMP/etc2/rules.d holds"
rm "$TMP/etc2/exceptions.d/$OTHER.eql"
cp "$SAMPLES/kibana-exceptions-export.ndjson" "$TMP/etc2/exceptions.d/"
run rules sync "$TMP/etc2"
status "rules sync: a Kibana export no rule of rules.d takes: exits 1" 1
contains "rules sync: ... and says the hand form names a built-in rule" "$TMP/err" \
	"for a built-in rule, write the items in ldwatch's EQL form, with a \"// rule:\" line naming it"
rm "$TMP/etc2/exceptions.d/kibana-exceptions-export.ndjson"

# --- exceptions for a built-in rule without its file (feature: built-in exceptions) ------------

# The built-in default compiled here with no item is the shipped v3 file's
# program (the built-in's bytes: test_rule_file checks): the same digest,
# so sync leaves the module's built-in as it is.
COMP=e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba
printf '// rule: %s\n' "$RID" >none.eql
run rules check --exceptions none.eql
status "rules check --exceptions, no rule file: the built-in the file names, exits 0" 0
cp "$TMP/out" builtin-none.out
run rules check "$V3"
if [ -n "$(sha_of builtin-none.out)" ] && [ "$(sha_of builtin-none.out)" = "$(sha_of "$TMP/out")" ]; then
	ok "built-in + no item: the sha256 of the v3 file's program"
else
	not_ok "built-in + no item: the sha256 of the v3 file's program ($(sha_of builtin-none.out), $(sha_of "$TMP/out"))"
fi
expect "$TMP/want" <<EOF
rule $RID (built-in)
  name        Dynamic Linker Creation or Modification
  version     3
  severity    medium
  risk score  47
  threat      tactic TA0005 Defense Evasion
  threat      technique T1574 Hijack Execution Flow
  threat      subtechnique T1574.006 Dynamic Linker Hijacking
  threat      tactic TA0003 Persistence
  threat      technique T1574 Hijack Execution Flow
  threat      subtechnique T1574.006 Dynamic Linker Hijacking
  source      built-in + none.eql
  units       3 required, 8 excluded, 0 exception items
EOF
head -13 builtin-none.out >"$TMP/got"
same "rules check --exceptions: the built-in's identity, from its table" "$TMP/want" "$TMP/got"

# Items expired and not: the expired one is not loaded, and the tools say so.
expect expiring.eql <<EOF
// rule: $RID
// name: old agent
// expire_time: 2021-06-30T00:00:00Z
process.executable == "/usr/bin/old-agent"

// name: salt until 2099
// expire_time: 2099-01-01
process.executable == "/usr/bin/salt-call"

process.name == "ansible"
EOF
run rules check --exceptions expiring.eql
status "rules check --exceptions: items expired and not, exits 0" 0
line_is "... two exception items (the expired one left out)" "$TMP/out" \
	"  units       3 required, 8 excluded, 2 exception items"
printf '%s\n' "warning: expiring.eql: item old agent expired on 2021-06-30T00:00:00Z, not loaded" \
	>"$TMP/want"
same "... and says which item expired, when, and that it is not loaded" "$TMP/want" "$TMP/err"
run exceptions check expiring.eql
status "exceptions check: items expired and not, exits 0" 0
expect "$TMP/want" <<EOF
expiring.eql: ldwatch exceptions (EQL), 3 items
rule $RID
item (line 4)
  name        old agent
  expires     2021-06-30T00:00:00Z (expired: not loaded)
  excludes    process.executable == "/usr/bin/old-agent"
item (line 8)
  name        salt until 2099
  expires     2099-01-01
  excludes    process.executable == "/usr/bin/salt-call"
item (line 10)
  excludes    process.name == "ansible"
EOF
same "exceptions check: lists the expired item, marked" "$TMP/want" "$TMP/out"
run rules check --exceptions "$SAMPLES/kibana-exceptions-expire.ndjson" "$V9"
status "rules check, a Kibana export with expire_time: exits 0" 0
line_is "... two of its three items (the expired one left out)" "$TMP/out" \
	"  units       3 required, 10 excluded, 2 exception items"
line_is "... and its exceptions line says one expired" "$TMP/out" \
	"  exceptions  3 items from $SAMPLES/kibana-exceptions-expire.ndjson (1 expired, not loaded)"
contains "... and says so" "$TMP/err" \
	"warning: $SAMPLES/kibana-exceptions-expire.ndjson: item old agent expired on 2021-06-30T00:00:00.000Z, not loaded"
printf '// rule: %s\n// expire_time: 2027-02-30\nprocess.name == "a"\n' "$RID" >baddate.eql
run exceptions check baddate.eql
refused "an impossible expire_time" \
	'baddate.eql:2: expire_time: "2027-02-30" is no ISO 8601 instant (as 2027-01-31T00:00:00Z, or a date: 2027-01-31)'

# The companion is a built-in rule too.
printf '// rule: %s\nldwatch.process.executable == "/usr/sbin/ldconfig"\n' "$COMP" >comp.eql
run rules check --exceptions comp.eql
status "rules check --exceptions: the companion's items, exits 0" 0
line_is "... the companion rule" "$TMP/out" "rule $COMP (built-in)"
line_is "... with the item" "$TMP/out" "  source      built-in + comp.eql"
# Without a rule file, the exceptions must name a built-in rule.
printf '// rule: %s\nprocess.name == "a"\n' "$OTHER" >other.eql
run rules check --exceptions other.eql
refused "rules check --exceptions for no built-in rule" \
	"other.eql:1: not for a built-in rule: give the rule file too (without one, the exceptions must be ldwatch's EQL form for a built-in rule: $RID or $COMP)"
run rules load --exceptions other.eql
refused "rules load --exceptions for no built-in rule, before asking the module" \
	"other.eql:1: not for a built-in rule: give the rule file too (without one, the exceptions must be ldwatch's EQL form for a built-in rule: $RID or $COMP)"
run rules show --exceptions none.eql
status "rules show needs a rule file: exits 2" 2

# exceptions add for a built-in rule with an empty rules.d: written, then
# synced (which needs the module here).
rm -rf "$TMP/etc3"
mkdir -p "$TMP/etc3/rules.d"
if [ -e /sys/module/ldwatch ]; then
	ok "exceptions add for a built-in rule: # SKIP the ldwatch module is loaded here"
else
	run exceptions add --dir "$TMP/etc3" "$RID" 'process.executable == "/usr/bin/salt-call"'
	status "exceptions add for a built-in rule, empty rules.d: written, then the sync needs the module: exits 3" 3
	contains "exceptions add: ... the item is in the file" "$TMP/etc3/exceptions.d/$RID.eql" \
		'process.executable == "/usr/bin/salt-call"'
fi

cp "$V3" "$TMP/etc2/rules.d/"
# Where ldwatch is loaded (a developer's server) this would change its rules.
if [ -e /sys/module/ldwatch ]; then
	ok "exceptions add with a sync: # SKIP the ldwatch module is loaded here"
else
	cp "$ADDED" "$TMP/etc2/exceptions.d/"
	run exceptions add --dir "$TMP/etc2" "$RID" 'process.name == "b"'
	status "exceptions add: with the rule's file there, written, then the sync needs the module: exits 3" 3
	contains "exceptions add: ... the item is in the file" "$TMP/etc2/exceptions.d/$RID.eql" \
		'process.name == "b"'
fi

# --- malformed input: each refusal's message and exit status ---------------------------------

# The sample's rule line with one field changed (it is one line of JSON).
rule_line=$(head -1 "$SAMPLES/kibana-rules-export.ndjson")

printf '%s\n' '{"rule_id":"x","name":' >bad.ndjson
run rules check bad.ndjson
refused "bad JSON" "bad.ndjson:1:23: bad JSON: the text ends inside a value"

printf '%s\n' "${rule_line/\"query\":/\"quer\":}" >noquery.ndjson
run rules check noquery.ndjson
refused "a rule without a query" "noquery.ndjson:1: query: missing"

l=${rule_line/\"language\":\"eql\"/\"language\":\"kuery\"}
l=${l/\"type\":\"eql\"/\"type\":\"query\"}
printf '%s\n' "$l" >kuery.ndjson
run rules check kuery.ndjson
refused "a KQL rule" "kuery.ndjson:1:$(col_of "$l" '"query","language"'): type: \"query\": ldwatch runs EQL rules (type \"eql\") only"
l=${rule_line/\"language\":\"eql\"/\"language\":\"kuery\"}
printf '%s\n' "$l" >kuery2.ndjson
run rules check kuery2.ndjson
refused "language not eql" "kuery2.ndjson:1:$(col_of "$l" '"kuery"'): language: \"kuery\": ldwatch runs rules written in EQL (language \"eql\") only"

l=${rule_line/\"severity\":\"medium\"/\"severity\":\"urgent\"}
printf '%s\n' "$l" >sev.ndjson
run rules check sev.ndjson
refused "an unknown severity" "sev.ndjson:1:$(col_of "$l" '"urgent"'): severity: \"urgent\" is not one of low, medium, high, critical"

l=${rule_line/\"version\":3/\"version\":\"3\"}
printf '%s\n' "$l" >ver.ndjson
run rules check ver.ndjson
refused "a version that is a string" "ver.ndjson:1:$(col_of "$l" '"3"'): version: a JSON string where a whole number is expected"

l=${rule_line/\"risk_score\":47/\"risk_score\":101}
printf '%s\n' "$l" >risk.ndjson
run rules check risk.ndjson
refused "a risk score above 100" "risk.ndjson:1:$(col_of "$l" '101'): risk_score: 101 is out of range (0 to 100)"

l=${rule_line/\"version\":3/\"version\":0}
printf '%s\n' "$l" >ver0.ndjson
run rules check ver0.ndjson
refused "version 0" "ver0.ndjson:1:$(col_of "$l" '0,"exceptions_list"'): version: 0 is out of range (1 to 4294967295)"

l=${rule_line/\"threat\":\[/\"threat\":\{\"x\":\[}
l=${l/,\"to\":\"now\"/\},\"to\":\"now\"}
printf '%s\n' "$l" >threat.ndjson
run rules check threat.ndjson
refused "threat not an array" "threat.ndjson:1:$(col_of "$l" '{"x":['): threat: a JSON object where an array is expected"

l=${rule_line/host.os.type == /host.os.typo == }
printf '%s\n' "$l" >field.ndjson
run rules check field.ndjson
if grep -qE "^field.ndjson:1:$(col_of "$l" '"file where host.os.typo'): query:1:12: .*host.os.typo" "$TMP/err" && [ "$rc" -eq 1 ]; then
	ok "an unknown field in a JSON query: the query's place in the file, the position in the query"
else
	not_ok "an unknown field in a JSON query: the query's place in the file, the position in the query"
	sed 's/^/# /' "$TMP/err"
fi

printf '%s\n' "$rule_line" '[1, 2]' >array.ndjson
run rules check array.ndjson
refused "a line that is no object" "array.ndjson:2: a JSON array where one JSON object per line is expected"
printf '%s\n' "$rule_line" '{"hello":"world"}' >other.ndjson
run rules check other.ndjson
refused "a line that is no rule" "other.ndjson:2: neither a rule (no rule_id), an exception list or item, nor the export's summary line"

{
	printf '{"a":'
	for _ in $(seq 1 100); do printf '['; done
	printf '1'
	for _ in $(seq 1 100); do printf ']'; done
	printf '}\n'
} >deep.json
run rules check deep.json
if grep -q '^deep.json:1:[0-9]*: bad JSON: ' "$TMP/err" && [ "$rc" -eq 1 ]; then
	ok "JSON nested too deep: refused as bad JSON"
else
	not_ok "JSON nested too deep: refused as bad JSON"
	sed 's/^/# /' "$TMP/err"
fi

head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >huge.eql
run rules check huge.eql
refused "a file larger than 16 MiB" "huge.eql: larger than 16 MiB: not a rule or exception file"
rm -f huge.eql
{
	printf '{"rule_id":"x","name":"x","type":"eql","language":"eql","version":1,"severity":"low","risk_score":1,"query":"'
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'a'
	printf '"}\n'
} >bigquery.ndjson
run rules check bigquery.ndjson
refused "a query longer than 1 MiB" "bigquery.ndjson:1:109: query: longer than 1048576 bytes"

top_line='{"attributes":{},"id":"x","type":"index-pattern"}'
printf '%s\n' "$top_line" >notrule.json
run rules check notrule.json
refused "a saved object that is no rule" "notrule.json:1:$(col_of "$top_line" '"index-pattern"'): type: \"index-pattern\" where \"security-rule\" is expected"

run rules check /nonexistent/rule.eql
status "a missing file: exit status 2" 2
contains "a missing file: says so" "$TMP/err" "/nonexistent/rule.eql: cannot open: No such file or directory"

# plain EQL
{
	sed -n '2,16p' "$V3"
	printf 'file where host.os.type == "linux" and\n  file.path : "/etc/ld.so.preload" and\n  event.action ~= "x"\n'
} >syntax.eql
run rules check syntax.eql
if grep -q '^syntax.eql:18:[0-9][0-9]*: ' "$TMP/err" && [ "$rc" -eq 1 ]; then
	ok "an EQL error in a plain file: FILE:LINE:COLUMN in the file (line 18)"
else
	not_ok "an EQL error in a plain file: FILE:LINE:COLUMN in the file (line 18)"
	sed 's/^/# /' "$TMP/err"
fi
sed -n '3,$p' "$V3" >noid.eql
run rules check noid.eql
refused "a plain file without an id" "noid.eql:1: the header has no \"// id:\" line (a plain EQL rule starts with // id:, name:, version:, severity:, risk_score: lines)"
sed 's|^// tactic: TA0005 Defense Evasion|// tactic: T0005 Defense Evasion|' "$V3" >tactic.eql
run rules check tactic.eql
refused "a tactic id that is not one" "tactic.eql:7: tactic: \"T0005\" is not a MITRE ATT&CK tactic id (like TA0005)"
sed 's|^// severity: medium|// severity: Medium|' "$V3" >sev.eql
run rules check sev.eql
refused "a plain file's severity" "sev.eql:5: severity: \"Medium\" is not one of low, medium, high, critical"
sed 's|^// risk_score: 47|// risk_score: 470|' "$V3" >risk.eql
run rules check risk.eql
refused "a plain file's risk score" "risk.eql:6: risk_score: \"470\" is not a whole number from 0 to 100"
sed 's|^// version: 3|// version: three|' "$V3" >ver.eql
run rules check ver.eql
refused "a plain file's version that is no number (found by fuzz_rule_file)" "ver.eql:4: version: \"three\" is not a whole number from 1 up"
sed 's|^// version: 3|// verison: 3|' "$V3" >typo.eql
run rules check typo.eql
refused "a misspelt header key" "typo.eql:4: unknown header field \"verison\" (known: id, name, version, severity, risk_score, tactic, technique, subtechnique, source)"
sed -n '1,16p' "$V3" >noquery.eql
run rules check noquery.eql
refused "a header without a query" "noquery.eql:16: no query after the header"

# exceptions
item_line=$(sed -n 2p "$SAMPLES/kibana-exceptions-export.ndjson")
x_refused() { # x_refused DESC FILE-CONTENT MESSAGE
	printf '%s\n' "$2" >x.ndjson
	run exceptions check x.ndjson
	refused "$1" "$3"
}
x_refused "a nested entry" "${item_line/\"type\":\"match\"/\"type\":\"nested\"}" \
	"x.ndjson:1: entries[0]: entry type \"nested\" is not supported: ldwatch's events have no nested (array of objects) fields"
x_refused "a value-list entry" "${item_line/\"type\":\"match\"/\"type\":\"list\"}" \
	"x.ndjson:1: entries[0]: entry type \"list\" (a value list) is not supported: write the list's values as a match_any entry"
x_refused "a field ldwatch's events lack" "${item_line/\"process.executable\"/\"user.name\"}" \
	"x.ndjson:1: entries[0].field: \"user.name\" is not a field ldwatch's events have (they have: host.os.type, event.action, file.path, file.name, file.extension, file.Ext.original.path, file.Ext.original.name, file.Ext.original.extension, process.executable, process.name, ldwatch.target.path, ldwatch.process.executable)"
x_refused "an unknown operator" "${item_line/\"included\"/\"include\"}" \
	"x.ndjson:1: entries[0].operator: \"include\" is neither \"included\" nor \"excluded\""
l=${item_line/\"type\":\"match\"/\"type\":\"wildcard\"}
l=${l/\/usr\/bin\/salt-call/\/usr\/bin\/\\\\*}
x_refused "a wildcard with a backslash" "$l" \
	"x.ndjson:1: entries[0].value: holds '\\', which Elasticsearch's wildcard query reads as an escape; ldwatch's wildcards have none, so the entry cannot mean the same here"
x_refused "a match_any value that is no array" "${item_line/\"type\":\"match\"/\"type\":\"match_any\"}" \
	"x.ndjson:1: entries[0].value: a JSON string where an array of strings is expected"
l=${item_line/\"entries\":\[*\],\"id\"/\"entries\":[],\"id\"}
x_refused "an empty entries array" "$l" "x.ndjson:1: entries: 0 entries (1 to 32 allowed)"
x_refused "a rule in an exception file" "$rule_line" \
	"x.ndjson:1: a rule, not an exception: this is a rule export (try ldwatchctl rules check)"
printf 'process.name == "x"\n' >norule.eql
run exceptions check norule.eql
refused "hand form: an item before the rule line" "norule.eql:1: an exception before the \"// rule: RULE_ID\" line that names the rule it is for"
printf '// just a comment\n' >norule2.eql
run exceptions check norule2.eql
refused "hand form: no rule line" "norule2.eql:1: no \"// rule: RULE_ID\" line naming the rule these exceptions are for"
printf '// rule: r1\n\nprocess.name == "x" and\n  process.nmae == "y"\n' >typo.x.eql
run exceptions check typo.x.eql
if grep -qE '^typo.x.eql:4:3: .*process.nmae' "$TMP/err" && [ "$rc" -eq 1 ]; then
	ok "hand form: an error in an item's second line points at it (4:3)"
else
	not_ok "hand form: an error in an item's second line points at it (4:3)"
	sed 's/^/# /' "$TMP/err"
fi

# --- match --rule FILE: exactly the built-in rule's output ----------------------------------

for f in "$DATA"/*.ndjson; do
	for opt in --rule=default --explain; do
		"$BIN" match "$opt" <"$f" >"$TMP/builtin.out" 2>"$TMP/builtin.err"
		brc=$?
		"$BIN" match "$opt" --rule "$V3" <"$f" >"$TMP/file.out" 2>"$TMP/file.err"
		frc=$?
		if cmp -s "$TMP/builtin.out" "$TMP/file.out" && cmp -s "$TMP/builtin.err" "$TMP/file.err" &&
			[ "$brc" -eq "$frc" ]; then
			ok "match $opt, then --rule <v3 file>, on $(basename "$f"): the built-in rule's output, byte for byte"
		else
			not_ok "match $opt, then --rule <v3 file>, on $(basename "$f"): the built-in rule's output, byte for byte"
			diff "$TMP/builtin.out" "$TMP/file.out" | head -5 | sed 's/^/# /'
		fi
	done
done

# --- match --rule with version 9: creation only, case-sensitive paths ------------------------

ev() { # ev ACTION PATH EXE [NAME [MORE-FILE-JSON]]: one event of a Linux host
	printf '{"host":{"os":{"type":"linux"}},"event":{"action":"%s"},"file":{"path":"%s"' "$1" "$2"
	if [ -n "${5:-}" ]; then printf ',%s' "$5"; fi
	printf '},"process":{"executable":"%s"' "$3"
	if [ -n "${4:-}" ]; then printf ',"name":"%s"' "$4"; fi
	printf '}}\n'
}
{
	ev rename /etc/ld.so.preload /tmp/evil evil
	ev creation /etc/ld.so.preload /tmp/evil evil
	ev creation /ETC/LD.SO.PRELOAD /tmp/evil evil
} >v9.ndjson
run_in v9.ndjson match --explain --rule "$V9"
expect "$TMP/want" <<'EOF'
1: no match: event.action == "creation" is false (event.action="rename")
2: match: host.os.type == "linux" and event.action == "creation" and file.path like "/etc/ld.so.preload" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.preload")
3: no match: file.path like ("/etc/ld.so.preload", "/etc/ld.so.conf.d/*", "/etc/ld.so.conf") is false (file.path="/ETC/LD.SO.PRELOAD")
EOF
same "match --rule v9: a rename no longer matches, a creation does, the path is case-sensitive" "$TMP/want" "$TMP/out"
status "match --rule v9: exits 0" 0
run_in v9.ndjson match --explain
line_is "the built-in rule (v3) still alerts on the rename" "$TMP/out" \
	'1: match: host.os.type == "linux" and event.action == "rename" and file.path : "/etc/ld.so.preload" (host.os.type="linux", event.action="rename", file.path="/etc/ld.so.preload")'

# --- exceptions judged on events: every entry type and operator ------------------------------

{
	ev creation /etc/ld.so.conf.d/a.conf /usr/bin/salt-call salt-call
	ev creation /etc/ld.so.conf.d/a.conf /USR/BIN/SALT-CALL SALT-CALL
	ev creation /etc/ld.so.preload /bin/bash bash
	ev creation /etc/ld.so.preload /bin/zsh zsh
	ev creation /etc/ld.so.preload /bin/zsh
	ev creation /etc/ld.so.conf /usr/bin/ansible ansible
	ev creation /etc/ld.so.conf /usr/bin/chef chef
	ev creation /etc/ld.so.conf.d/vendor.conf /bin/sh sh
	ev creation /etc/ld.so.conf.d/vendor.conf /usr/bin/vendor-setup vendor-setup
	ev creation /etc/ld.so.conf.d/b.conf /opt/vendor/x/bin/install install
	ev creation /etc/ld.so.conf.d/b.conf /OPT/VENDOR/x/bin/install install
	ev creation /etc/ld.so.conf.d/zz.conf /usr/bin/foo foo
	ev creation /etc/ld.so.conf.d/zz.conf /tmp/foo foo
	ev rename /etc/ld.so.conf.d/c.conf /tmp/x x '"Ext":{"original":{"path":"/etc/ld.so.conf.d/c.tmp","extension":"tmp"}}'
	ev creation /etc/ld.so.conf.d/new.conf /tmp/x x
	ev rename /etc/ld.so.conf.d/new.conf /tmp/x x '"Ext":{"original":{"path":"/tmp/new.conf","extension":"conf"}}'
	ev creation /etc/ld.so.conf.d/q.conf /opt/osquery/bin/osquery osquery
} >x-events.ndjson
M='match: host.os.type == "linux" and event.action'
expect "$TMP/want" <<EOF
1: excluded: process.executable == "/usr/bin/salt-call" (process.executable="/usr/bin/salt-call")
2: $M == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/a.conf")
3: $M == "creation" and file.path : "/etc/ld.so.preload" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.preload")
4: excluded: file.path == "/etc/ld.so.preload" and process.name != "bash" (file.path="/etc/ld.so.preload", process.name="zsh")
5: excluded: file.path == "/etc/ld.so.preload" and process.name != "bash" (file.path="/etc/ld.so.preload", process.name absent)
6: excluded: process.name == "ansible" (process.name="ansible")
7: $M == "creation" and file.path : "/etc/ld.so.conf" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf")
8: $M == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/vendor.conf")
9: excluded: file.path == "/etc/ld.so.conf.d/vendor.conf" and process.executable not in ("/bin/sh", "/usr/bin/sh") (file.path="/etc/ld.so.conf.d/vendor.conf", process.executable="/usr/bin/vendor-setup")
10: excluded: process.executable like "/opt/vendor/*/bin/inst?ll" (process.executable="/opt/vendor/x/bin/install")
11: $M == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/b.conf")
12: $M == "creation" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf.d/zz.conf")
13: excluded: file.path == "/etc/ld.so.conf.d/zz.conf" and not process.executable like "/usr/*" (file.path="/etc/ld.so.conf.d/zz.conf", process.executable="/tmp/foo")
14: excluded: file.Ext.original.path != null and file.Ext.original.extension == "tmp" (file.Ext.original.path="/etc/ld.so.conf.d/c.tmp", file.Ext.original.extension="tmp")
15: excluded: file.path == "/etc/ld.so.conf.d/new.conf" and file.Ext.original.path == null (file.path="/etc/ld.so.conf.d/new.conf", file.Ext.original.path absent)
16: $M == "rename" and file.path : "/etc/ld.so.conf.d/*" (host.os.type="linux", event.action="rename", file.path="/etc/ld.so.conf.d/new.conf")
17: excluded: host.os.type == "linux" and process.name == "osquery" (host.os.type="linux", process.name="osquery")
EOF
run_in x-events.ndjson match --explain --rule "$V3" --exceptions "$SAMPLES/kibana-exceptions-export.ndjson"
same "exceptions of every entry type and operator, judged on events" "$TMP/want" "$TMP/out"
status "match --exceptions: exits 0" 0
run_in x-events.ndjson match --rule "$V3"
same_text "without the exceptions every one of those events alerts" 17 "$(wc -l <"$TMP/out")"
run_in x-events.ndjson match --rule "$V3" --exceptions "$SAMPLES/kibana-exceptions-export.ndjson"
sed -n '2p;3p;7p;8p;11p;12p;16p' x-events.ndjson >"$TMP/want"
same "match --exceptions without --explain: the lines no item suppresses" "$TMP/want" "$TMP/out"

{
	ev creation /etc/ld.so.conf.d/a.conf /usr/bin/salt-call salt-call
	ev creation /etc/ld.so.preload /opt/dynatrace/agent/bin/inst inst
	ev creation /etc/ld.so.conf /opt/dynatrace/agent/bin/inst inst
} >site.ndjson
run_in site.ndjson match --explain --rule "$V3" --exceptions "$SAMPLES/site-exceptions.eql"
expect "$TMP/want" <<EOF
1: excluded: process.executable == "/usr/bin/salt-call" (process.executable="/usr/bin/salt-call")
2: excluded: process.executable like "/opt/dynatrace/*" and file.path == "/etc/ld.so.preload" (process.executable="/opt/dynatrace/agent/bin/inst", file.path="/etc/ld.so.preload")
3: $M == "creation" and file.path : "/etc/ld.so.conf" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.conf")
EOF
same "the hand-written exceptions, judged on events" "$TMP/want" "$TMP/out"

# A rule export carries its exceptions: the items of the list the rule names apply.
{
	ev creation /etc/ld.so.conf.d/a.conf /usr/bin/salt-call salt-call
	ev creation /etc/ld.so.preload /usr/bin/salt-call salt-call
	ev creation /etc/ld.so.preload /opt/x/oneagent oneagent
} >export.ndjson
run_in export.ndjson match --explain --rule "$SAMPLES/kibana-rules-export.ndjson"
expect "$TMP/want" <<EOF
1: excluded: process.executable == "/usr/bin/salt-call" and file.path like "/etc/ld.so.conf.d/*.conf" (process.executable="/usr/bin/salt-call", file.path="/etc/ld.so.conf.d/a.conf")
2: $M == "creation" and file.path : "/etc/ld.so.preload" (host.os.type="linux", event.action="creation", file.path="/etc/ld.so.preload")
3: excluded: host.os.type == "linux" and process.name in ("oneagent", "oneagentinstaller") (host.os.type="linux", process.name="oneagent")
EOF
same "a Kibana export's own exception items apply to its rule" "$TMP/want" "$TMP/out"

# Mistakes with --rule and --exceptions
printf '// rule: 00000000-0000-0000-0000-000000000000\nprocess.name == "x"\n' >other-rule.eql
run_in site.ndjson match --rule "$V3" --exceptions other-rule.eql
refused "exceptions for another rule" "other-rule.eql:1: these exceptions are for rule 00000000-0000-0000-0000-000000000000, not for rule 640f79d1-571d-4f96-a9af-1194fc8cf763 (Dynamic Linker Creation or Modification)"
run_in site.ndjson match --exceptions "$SAMPLES/site-exceptions.eql"
status "--exceptions with a built-in rule: a usage error" 2
run_in site.ndjson match --rule nosuchrule
status "--rule with neither a rule name nor a file: a usage error" 2
contains "--rule with neither a rule name nor a file: says so" "$TMP/err" "unknown rule 'nosuchrule'"
run_in site.ndjson match --rule ./bad.ndjson
refused "match --rule with a bad file" "./bad.ndjson:1:23: bad JSON: the text ends inside a value"
cat "$SAMPLES/kibana-rules-export.ndjson" "$SAMPLES/kibana-rules-export.ndjson" >two.ndjson
run_in site.ndjson match --rule two.ndjson
refused "match --rule with two rules in the file" "two.ndjson: holds 2 rules; match judges with one (split the export, one rule a file)"
run_in site.ndjson match --rule default
status "--rule default keeps working" 0

# --- usage -----------------------------------------------------------------------------------
run rules
status "rules without a subcommand: usage error" 2
run rules frob
status "rules frob: usage error" 2
run rules check
status "rules check without a file: usage error" 2
run rules check --frob "$V3"
status "rules check --frob: usage error" 2
run rules show "$V3" "$V9"
status "rules show with two files: usage error" 2
run exceptions check
status "exceptions check without a file: usage error" 2
run rules --help
status "rules --help: exits 0" 0
contains "rules --help: names the formats" "$TMP/out" "Kibana rule export (.ndjson)"

summary
