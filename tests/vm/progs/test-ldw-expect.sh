#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/progs/test-ldw-expect.sh LDW-EXPECT
#
# ldw-expect is the guest scenarios' oracle: if it passed what it should
# fail, every scenario would pass vacuously. These cases run it on the host
# against small hand-written files, each expectation once right and once
# wrong. Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -uo pipefail

E=${1:?usage: $0 LDW-EXPECT}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0

result() {
	if [[ $1 == ok ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	printf '%s - %s\n' "$1" "$2"
}

# want STATUS DESC CMD...: CMD exits with STATUS; its output is kept in
# $dir/out for the checks that follow.
want() {
	local status=$1 desc=$2 rc=0
	shift 2
	"$@" >"$dir/out" 2>&1 || rc=$?
	if ((rc == status)); then
		result ok "$desc"
	else
		result "not ok" "$desc (exit status $rc, want $status)"
		sed 's/^/#   /' "$dir/out"
	fi
}

# output_has DESC TEXT: the last command's output holds TEXT.
output_has() {
	if grep -qF -- "$2" "$dir/out"; then
		result ok "$1"
	else
		result "not ok" "$1"
		sed 's/^/#   /' "$dir/out"
	fi
}

f=$dir/alerts.ndjson
# Sequence 3 is missing; the invalid-UTF-8 name's bytes are in base64.
cat >"$f" <<'EOF'
{"event":{"kind":"event","action":"ldwatch-connected"}}
{"event":{"kind":"alert","action":"creation","type":["creation"],"sequence":1},"file":{"path":"/etc/ld.so.preload","name":"ld.so.preload","extension":"preload"},"process":{"pid":42,"executable":"/bin/busybox"},"user":{"id":"0"}}
{"event":{"kind":"alert","action":"rename","type":["change"],"sequence":2},"file":{"path":"/etc/ld.so.conf.d/bad\ufffd.conf","Ext":{"original":{"path":"/etc/a\nb"}}},"ldwatch":{"raw":{"file":{"path":"L2V0Yy9sZC5zby5jb25mLmQvYmFk/y5jb25m"}}},"process":{"pid":43},"user":{"id":0}}
{"event.kind":"alert","event":{"action":"creation","sequence":4},"file":{"path":"/etc/ld.so.conf.d/fence"}}
EOF

want 0 "exactly/none/total hold on matching records" \
	"$E" check "$f" --exactly 1 event.action=creation file.path=/etc/ld.so.preload \
	process.pid=42 'event.type=["creation"]' user.id:string !file.Ext.original.path \
	--none 'file.path~*.bak' --total 3
output_has "one ok line per clause" "ok - 3 alerts in all"
want 1 "exactly fails on one wrong field" \
	"$E" check "$f" --exactly 1 event.action=creation file.path=/etc/ld.so.preload process.pid=41
output_has "... and says which field, with both values" 'process.pid: want "41", got 42'
want 1 "a string condition is not met by a number of the same text (user.id:string)" \
	"$E" check "$f" --exactly 2 user.id:string
want 1 "exactly fails when more records match" "$E" check "$f" --exactly 1 '?event.action'
want 1 "none fails when a record matches" "$E" check "$f" --none 'file.path~/etc/ld.so.conf.d/*'
want 1 "total fails on a wrong count" "$E" check "$f" --total 2
want 0 "a dotted key counts as the nested field" "$E" check "$f" --exactly 3 event.kind=alert
want 0 "--after/--before select by event.sequence" \
	"$E" check "$f" --after 1 --before 4 --total 1 --exactly 1 event.action=rename
want 0 "--kind any selects health records too" "$E" check "$f" --kind any --total 4
want 0 "a selection applies to the clauses after it" \
	"$E" check "$f" --kind event --exactly 1 event.action=ldwatch-connected \
	--kind alert --after 1 --total 2 --no-window --total 3
want 1 "... and not to those before it" "$E" check "$f" --total 2 --after 1
want 0 "--from-line skips the lines before it" "$E" check "$f" --from-line 3 --total 2
want 0 "@= recovers the bytes from ldwatch.raw (base64)" \
	"$E" check "$f" -e --exactly 1 'file.path@=/etc/ld.so.conf.d/bad\xff.conf' \
	'file.path=/etc/ld.so.conf.d/bad\xef\xbf\xbd.conf'
want 1 "@= fails on other bytes" \
	"$E" check "$f" -e --exactly 1 'file.path@=/etc/ld.so.conf.d/bad\xfe.conf'
want 0 "@= without a raw copy compares the string, newline included" \
	"$E" check "$f" -e --exactly 1 'file.Ext.original.path@=/etc/a\nb'
want 1 "a literal backslash-n is not a newline without -e" \
	"$E" check "$f" --exactly 1 'file.Ext.original.path=/etc/a\nb'
want 1 "--contiguous fails on a gap" "$E" check "$f" --contiguous
output_has "... and names the missing number" "sequence 3: missing"
want 0 "--contiguous holds without the gap" "$E" check "$f" --before 3 --contiguous
want 0 "--lint holds on valid lines" "$E" check "$f" --lint

spec=$dir/spec
printf '%s\n' '# a comment' \
	"desc	my description" \
	"exactly	1	file.path=/etc/ld.so.conf.d/bad\\xef\\xbf\\xbd.conf	process.pid=43" \
	"none	event.action=unlink" >"$spec"
want 0 "a spec file: tabs between tokens, escapes decoded, desc" \
	"$E" check "$f" --spec "$spec" --name "[spec]"
output_has "... with the name and the description" "ok - [spec]: my description"
printf 'exactly\t1\tprocess.pid=44\n' >"$spec"
want 1 "a spec file's failing clause fails" "$E" check "$f" --spec "$spec"
want 2 "a malformed condition is a usage error" "$E" check "$f" --exactly 1 justaword
want 2 "an unknown escape is a usage error" "$E" check "$f" -e --exactly 1 'a=\q'

bad=$dir/bad.ndjson
printf '{"a":1}\n{"b":"x\001"}\n{"c":"\377"}\n{"d":1} x\n[1]\n{"e":1}' >"$bad"
want 1 "--lint fails on bad lines" "$E" check "$bad" --kind any --lint
output_has "... a raw control byte" "line 2: raw control byte"
output_has "... invalid UTF-8" "line 3:"
output_has "... trailing text" "line 4:"
output_has "... not an object" "line 5:"
output_has "... no final newline" "the last line has no newline"

want 0 "count counts the selected records meeting the conditions" \
	"$E" count "$f" 'file.path~/etc/*'
output_has "... 3" "3"
want 0 "get prints a field" "$E" get "$f" process.pid 3
output_has "... 43" "43"
want 0 "get reads the last line by default" "$E" get "$f" event.sequence
output_has "... 4" "4"
want 1 "get fails on an absent field" "$E" get "$f" nothing.here
want 0 "summary describes each record" "$E" summary "$f"
output_has "... an alert on one line" "#1 ALERT creation /etc/ld.so.preload by /bin/busybox (pid 42, uid 0)"
output_has "... non-ASCII bytes escaped" 'bad\xef\xbf\xbd.conf (from /etc/a\nb)'

want 1 "wait times out while an alert before the fence is missing" \
	"$E" wait "$f" --path /etc/ld.so.conf.d/fence --timeout 1
output_has "... and names it" "missing: #3"
want 0 "wait: alerts numbered up to --since need not be there" \
	"$E" wait "$f" --path /etc/ld.so.conf.d/fence --since 3 --timeout 1
output_has "... and prints the fence's sequence number" "4"
printf '%s\n' '{"event":{"kind":"event","action":"ldwatch-alerts-lost"},"ldwatch":{"lost":{"first_sequence":3,"count":1}}}' >>"$f"
want 0 "wait: an ldwatch-alerts-lost record accounts for the hole" \
	"$E" wait "$f" --path /etc/ld.so.conf.d/fence --timeout 1
want 1 "wait times out without the fence" "$E" wait "$f" --path /nope --timeout 1
# The fence arriving while wait waits, written in two pieces.
g=$dir/growing.ndjson
: >"$g"
(
	sleep 0.3
	printf '{"event":{"kind":"alert","sequence":1},"file":{"path":"/f' >>"$g"
	sleep 0.3
	printf '"}}\n' >>"$g"
) &
want 0 "wait sees a fence written after it started, line by line" \
	"$E" wait "$g" --path /f --timeout 5
wait

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
