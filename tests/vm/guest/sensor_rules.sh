# shellcheck shell=sh
#
# Rules at runtime (issue 15), with the shared sensor: ldwatchctl loads
# Elastic's rule version 9 (rules/, as shipped) in place of the built-in
# version 3, adds an exception and takes it away, replaces the rule again
# and again while two processes create target files, is refused for an
# unprivileged user, and makes the module's set that of a directory
# (rules sync). Every change is an ldwatch-rules-changed record, checked
# field by field.
#
# The expectations come from the rule files (their header: id, name,
# version; their query: v9 judges creations only), from what ldwatchctl
# itself says the compiled program's SHA-256 is (`rules check`, in
# userspace; the module computes its own), from the protocol
# (include/ldwatch/netlink.h: LDW_CMD_RULE_LOAD, RULES_CHANGED) and from the
# README's companion rule, which still judges what Elastic's rule gave no
# alert for. At the end the built-in rules are back in force.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

require_sensor

RULES=/tests/rules
V9=$RULES/elastic-640f79d1-v9.eql
V3=$RULES/elastic-640f79d1-v3.eql
WORK=$LDW_DIR/rules
mkdir -p "$WORK"
CTL=/usr/local/bin/ldwatchctl

# sha_of FILE: the SHA-256 ldwatchctl rules check computes of FILE's
# compiled rule (with --exceptions EXC when given second), into SHA.
sha_of() {
	SHA=
	if [ -n "${2:-}" ]; then
		_so_out=$("$CTL" rules check --exceptions "$2" "$1" 2>&1)
	else
		_so_out=$("$CTL" rules check "$1" 2>&1)
	fi
	while IFS= read -r _so_line; do
		case $_so_line in
		'  sha256 '*) SHA=${_so_line##* } ;;
		esac
	done <<EOF
$_so_out
EOF
	[ -n "$SHA" ] || diag "rules check $1: $_so_out"
}

# lines: the number of lines of $ALERTS, into LINES.
lines() {
	LINES=$(wc -l <"$ALERTS")
}

# changed FROM_LINE COND...: exactly one ldwatch-rules-changed record from
# line FROM_LINE on meets every COND, with who made it: ldwatchctl, as root.
changed() {
	_ch_from=$1
	shift
	run_expect check "$ALERTS" --kind any --from-line "$_ch_from" --name "[$SCEN]" \
		--exactly 1 event.action=ldwatch-rules-changed event.kind=event \
		event.dataset=ldwatch.health 'event.category=["configuration"]' \
		event.sequence:int process.pid:int process.executable="$CTL" \
		process.name=ldwatchctl user.id=0 user.name=root \
		ldwatch.process.comm=ldwatchctl ldwatch.load_id:string "$@"
}

# The v9 rule's identity, from its file's header.
V9_NAME='Dynamic Linker Creation'
V9_VERSION=9

scenario "rules: version 9 loaded in place of the built-in version 3"
sha_of "$V9"
V9_SHA=$SHA
lines
from=$((LINES + 1))
check "[$SCEN] ldwatchctl rules load $V9" "$CTL" rules load "$V9"
"$CTL" rules list --json >"$WORK/list.json" 2>"$WORK/list.err"
run_expect check "$WORK/list.json" --kind any --name "[$SCEN] rules list --json" \
	--exactly 1 "id=$RULE_ID" "version=9" "name=$V9_NAME" origin=loaded view=path \
	"source=$V9" "sha256=$V9_SHA" matches=0 \
	--exactly 1 "id=$COMPANION_ID" origin=built-in view=host source=built-in \
	--total 2
changed "$from" "rule.id=$RULE_ID" "rule.name=$V9_NAME" rule.version=9 \
	ldwatch.rule.change=replaced 'event.type=["change"]' "ldwatch.rule.sha256=$V9_SHA" \
	ldwatch.rule.origin=loaded "ldwatch.rule.source=$V9" \
	"ldwatch.rule.previous_version=$ELASTIC_VERSION" ldwatch.rule.previous_sha256:string \
	ldwatch.rules.count=2

# Elastic's rule is now version 9: a rename onto a target is no alert of
# it (the companion rule still sees it, by identity); a creation is.
ELASTIC_NAME=$V9_NAME
ELASTIC_VERSION=$V9_VERSION
mkdir -p /etc/ld.so.conf.d
: >/etc/ldw-rules.tmp
op rename /etc/ldw-rules.tmp /etc/ld.so.conf.d/renamed.conf
alert --companion rename /etc/ld.so.conf.d/renamed.conf /etc/ldw-rules.tmp
no_alert "rule.id=$RULE_ID" event.action=rename
op creat /etc/ld.so.preload
alert creation /etc/ld.so.preload \
	'threat.tactic.id=["TA0005","TA0003","TA0004"]' 'threat.technique.id=["T1574"]' \
	'threat.technique.subtechnique.id=["T1574.006"]'
collect --total 2

scenario "rules: an exception takes effect for the next operation, and goes"
cat >"$WORK/site.eql" <<EOF
// rule: $RULE_ID
file.name == "excepted.conf"
EOF
sha_of "$V9" "$WORK/site.eql"
EXC_SHA=$SHA
lines
from=$((LINES + 1))
check "[$SCEN] ldwatchctl rules load --exceptions site.eql v9" \
	"$CTL" rules load --exceptions "$WORK/site.eql" "$V9"
check "[$SCEN] the program with the exception is another (its SHA-256 differs)" \
	test -n "$EXC_SHA" -a "$EXC_SHA" != "$V9_SHA"
changed "$from" "rule.id=$RULE_ID" rule.version=9 ldwatch.rule.change=replaced \
	"ldwatch.rule.sha256=$EXC_SHA" "ldwatch.rule.previous_sha256=$V9_SHA"
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/excepted.conf
# Excepted from Elastic's rule: the companion rule judges it, by identity.
alert --companion creation /etc/ld.so.conf.d/excepted.conf
op creat /etc/ld.so.conf.d/other.conf
alert creation /etc/ld.so.conf.d/other.conf
alerts 1 "rule.id=$RULE_ID"
collect --total 2

scenario "rules: the exception removed (v9 loaded again without it)"
lines
from=$((LINES + 1))
check "[$SCEN] ldwatchctl rules load v9" "$CTL" rules load "$V9"
changed "$from" "rule.id=$RULE_ID" ldwatch.rule.change=replaced \
	"ldwatch.rule.sha256=$V9_SHA" "ldwatch.rule.previous_sha256=$EXC_SHA"
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/excepted.conf
alert creation /etc/ld.so.conf.d/excepted.conf
collect --total 1

scenario "rules: an unprivileged user is refused and changes nothing"
lines
from=$((LINES + 1))
"$CTL" rules list --json >"$WORK/before.json" 2>&1
for cmd in "rules load $V3" "rules remove $RULE_ID" "rules list" "rules get $RULE_ID"; do
	# shellcheck disable=SC2086 # the words of the command
	su -s /bin/sh nobody -c "$CTL $cmd" >"$WORK/nobody.out" 2>&1
	rc=$?
	if [ $rc -eq 4 ] && grep -q 'Operation not permitted' "$WORK/nobody.out"; then
		ok "[$SCEN] uid 65534: ldwatchctl $cmd: EPERM (exit status 4)"
	else
		not_ok "[$SCEN] uid 65534: ldwatchctl $cmd: EPERM (exit status 4; got $rc)"
		sed 's/^/#   /' "$WORK/nobody.out"
	fi
done
"$CTL" rules list --json >"$WORK/after.json" 2>&1
# Counters move with alerts: compare what identifies each rule.
"$EXPECT" fields "$WORK/before.json" 1 id version sha256 source >"$WORK/before.ids"
"$EXPECT" fields "$WORK/after.json" 1 id version sha256 source >"$WORK/after.ids"
check "[$SCEN] the module's rules are as they were" cmp -s "$WORK/before.ids" "$WORK/after.ids"
run_expect check "$ALERTS" --kind any --from-line "$from" --name "[$SCEN]" \
	--none event.action=ldwatch-rules-changed
collect --total 0

scenario "rules: replaced again and again while two processes create targets"
# Version 10: the same query, another version (what an update of the rule
# file looks like).
while IFS= read -r l; do
	case $l in
	'// version: 9') printf '// version: 10\n' ;;
	*) printf '%s\n' "$l" ;;
	esac
done <"$V9" >"$WORK/v10.eql"
# Each flood creates its file in batches until told to stop, which is only
# after the replacements: however slow a replacement is (it waits for a
# grace period), both floods run through all of them.
BATCH=50
LOADS=4
flood() {
	_fl_n=0
	while [ ! -e "$WORK/flood.stop" ]; do
		"$OPS" --repeat $BATCH creat "/etc/ld.so.conf.d/$1.conf" >"$WORK/$1.out" 2>&1 ||
			{ echo failed >"$WORK/$1.failed"; break; }
		_fl_n=$((_fl_n + 1))
	done
	echo "$_fl_n" >"$WORK/$1.batches"
}
rm -f "$WORK/flood.stop" "$WORK/flood1.failed" "$WORK/flood2.failed"
lines
from=$((LINES + 1))
mkdir -p /etc/ld.so.conf.d
flood flood1 &
f1=$!
flood flood2 &
f2=$!
loads=0
while [ $loads -lt $LOADS ]; do
	if [ $((loads % 2)) -eq 0 ]; then
		"$CTL" rules load "$WORK/v10.eql" >/dev/null 2>"$WORK/load.err" || break
	else
		"$CTL" rules load "$V9" >/dev/null 2>"$WORK/load.err" || break
	fi
	loads=$((loads + 1))
done
running=0
kill -0 $f1 2>/dev/null && kill -0 $f2 2>/dev/null && running=1
touch "$WORK/flood.stop"
wait $f1
wait $f2
read -r b1 <"$WORK/flood1.batches" || b1=0
read -r b2 <"$WORK/flood2.batches" || b2=0
N1=$((b1 * BATCH))
N2=$((b2 * BATCH))
check "[$SCEN] both floods ran ($N1 and $N2 creations)" \
	test ! -e "$WORK/flood1.failed" -a ! -e "$WORK/flood2.failed" -a "$b1" -ge 1 -a "$b2" -ge 1
check "[$SCEN] the rule was replaced $LOADS times while both ran ($loads)" \
	test "$loads" -eq $LOADS -a $running -eq 1
[ -s "$WORK/load.err" ] && sed 's/^/#   /' "$WORK/load.err"
# Every change a record; then every alert carries the version in force
# just before its number or the one before that (a judgement that read the
# set before a replacement is numbered after its record at the latest), and
# each flood's file gave one alert per creation.
SCEN_LINES=$LINES
collect_lines $((N1 + N2 + loads)) \
	--exactly $N1 "rule.id=$RULE_ID" file.path=/etc/ld.so.conf.d/flood1.conf \
	--exactly $N2 "rule.id=$RULE_ID" file.path=/etc/ld.so.conf.d/flood2.conf \
	--total $((N1 + N2))
run_expect check "$ALERTS" --kind any --from-line "$from" --name "[$SCEN]" \
	--exactly "$loads" event.action=ldwatch-rules-changed "rule.id=$RULE_ID" \
	ldwatch.rule.change=replaced
"$EXPECT" fields "$ALERTS" "$from" event.sequence event.kind event.action rule.id \
	rule.version ldwatch.rule.previous_version >"$WORK/order.tsv"
# In sequence order (a record without a number sorts first, and is skipped).
sort -t "$(printf '\t')" -k1,1n "$WORK/order.tsv" >"$WORK/order.sorted"
if awk -F '\t' -v id="$RULE_ID" '
	# The numbered records (alerts, changes), in sequence order.
	$1 == "-" || ($2 == "event" && $3 != "ldwatch-rules-changed") { next }
	{ n++; seq[n] = $1 + 0; kind[n] = $2; rid[n] = $4; ver[n] = $5; prev[n] = $6 }
	END {
		# In force before the first change: what it replaced.
		cur = ""
		for (i = 1; i <= n && cur == ""; i++)
			if (kind[i] == "event")
				cur = prev[i]
		before = cur; bad = 0; alerts = 0; gaps = 0
		for (i = 1; i <= n; i++) {
			if (i > 1 && seq[i] != seq[i - 1] + 1) {
				printf "# sequence %s follows %s: not one run\n", seq[i], seq[i - 1]
				gaps++
			}
			if (kind[i] == "event") {
				before = cur; cur = ver[i]
				continue
			}
			if (rid[i] != id)
				continue
			alerts++
			if (ver[i] != cur && ver[i] != before) {
				printf "# alert %s: rule.version %s, in force %s (before: %s)\n", \
					seq[i], ver[i], cur, before
				bad++
			}
		}
		printf "# %d alerts of the rule checked against the changes\n", alerts
		exit bad != 0 || gaps != 0 || alerts == 0
	}' <"$WORK/order.sorted" >"$WORK/order.out"; then
	ok "[$SCEN] every alert carries the version in force at its number, or the one just replaced; alerts and changes numbered without a gap"
else
	not_ok "[$SCEN] every alert carries the version in force at its number, or the one just replaced; alerts and changes numbered without a gap"
fi
sed -n '1,20p' "$WORK/order.out"

scenario "rules: rules sync makes the module's set that of a directory"
SYNC=$WORK/etc
rm -rf "$SYNC"
mkdir -p "$SYNC/rules.d" "$SYNC/exceptions.d"
cp "$V9" "$SYNC/rules.d/"
cat >"$SYNC/exceptions.d/site.eql" <<EOF
// rule: $RULE_ID
file.name == "excepted.conf"
EOF
cat >"$SYNC/rules.d/ld-linux.eql" <<EOF
// id: 7c2b1e40-1d5a-4f53-9d2d-0f6f0e8a1c11
// name: Dynamic Linker (ld.so) Creation, ldwatch's test copy
// version: 1
// severity: medium
// risk_score: 47
// tactic: TA0005 Defense Evasion
// technique: T1574 Hijack Execution Flow
// subtechnique: T1574.006 Dynamic Linker Hijacking
file where host.os.type == "linux" and event.action in ("creation", "rename") and
file.path like~ ("/lib*/ld-linux*.so*", "/usr/lib*/ld-linux*.so*")
EOF
sha_of "$SYNC/rules.d/elastic-640f79d1-v9.eql" "$SYNC/exceptions.d/site.eql"
SYNC_SHA=$SHA
lines
from=$((LINES + 1))
"$CTL" rules sync "$SYNC" >"$WORK/sync.out" 2>&1
rc=$?
check "[$SCEN] ldwatchctl rules sync exits with status 0 (got $rc)" test $rc -eq 0
sed 's/^/#   /' "$WORK/sync.out"
check "[$SCEN] it says it replaced Elastic's rule" \
	grep -q "rule $RULE_ID version 9 .*: replaced" "$WORK/sync.out"
check "[$SCEN] it says it loaded the ld.so rule" \
	grep -q "rule 7c2b1e40-1d5a-4f53-9d2d-0f6f0e8a1c11 version 1 .*: loaded" "$WORK/sync.out"
changed "$from" "rule.id=$RULE_ID" ldwatch.rule.change=replaced "ldwatch.rule.sha256=$SYNC_SHA" \
	"ldwatch.rule.source=$SYNC/rules.d/elastic-640f79d1-v9.eql"
changed "$from" rule.id=7c2b1e40-1d5a-4f53-9d2d-0f6f0e8a1c11 ldwatch.rule.change=loaded \
	'event.type=["creation"]' ldwatch.rules.count=3 '!ldwatch.rule.previous_version'
# Again: nothing to change.
lines
from2=$((LINES + 1))
"$CTL" rules sync "$SYNC" >"$WORK/sync2.out" 2>&1
check "[$SCEN] a second sync changes nothing and says so" \
	grep -q "already" "$WORK/sync2.out"
run_expect check "$ALERTS" --kind any --from-line "$from2" --name "[$SCEN] second sync" \
	--none event.action=ldwatch-rules-changed
# A rule about other paths works with no code change: its names join the
# prefilter's. Elastic's "Dynamic Linker (ld.so) Creation" shape: in
# "/lib*/ld-linux*.so*" no name is whole, so the prefilter anchors names
# starting with "ld-linux", at any depth ('*' matches '/' too); so does the
# second, whose "ld-linux" is longer than its whole name "usr". Renames are judged too here (Elastic's rule takes
# creations only), so that a rename's path goes through the prefix.
LDL_ID=7c2b1e40-1d5a-4f53-9d2d-0f6f0e8a1c11
mkdir -p /lib /lib64 /usr/lib
# ldl_alert ACTION PATH: exactly one alert of the ld.so rule for PATH, by
# the last op.
ldl_alert() {
	alerts 1 "rule.id=$LDL_ID" "event.action=$1" "file.path=$2" "process.pid=$OP_PID"
}
op creat /lib/ld-linux-x86-64.so.9
ldl_alert creation /lib/ld-linux-x86-64.so.9
op ia32-creat /lib64/ld-linux-x86-64.so.8
ldl_alert creation /lib64/ld-linux-x86-64.so.8
op uring-openat /lib/ld-linux.so.7
ldl_alert creation /lib/ld-linux.so.7
op creat /usr/lib/ld-linux-x86-64.so.9
ldl_alert creation /usr/lib/ld-linux-x86-64.so.9
# like~ folds ASCII case: the prefix's too.
op creat /lib/LD-LINUX-X86-64.SO.6
ldl_alert creation /lib/LD-LINUX-X86-64.SO.6
# The prefix as an ancestor's name: "/lib/ld-linux.so/evil" matches.
mkdir -p /lib/ld-linux.so
op openat /lib/ld-linux.so/evil
ldl_alert creation /lib/ld-linux.so/evil
# Renamed in, x86-64, ia32 and io_uring, from a staging directory of the
# same file system (/tmp is another one here: EXDEV).
STAGE=/lib/.ldw-stage
mkdir -p "$STAGE"
echo x >"$STAGE/a"
op rename "$STAGE/a" /lib/ld-linux-x86-64.so.5
ldl_alert rename /lib/ld-linux-x86-64.so.5
echo x >"$STAGE/a"
op ia32-renameat "$STAGE/a" /lib64/ld-linux.so.4
ldl_alert rename /lib64/ld-linux.so.4
echo x >"$STAGE/a"
op uring-renameat2 "$STAGE/a" /lib/ld-linux.so.1
ldl_alert rename /lib/ld-linux.so.1
# A hard link and a symbolic link create no file, as Elastic's events say:
# no alert of this rule (and no host target place: none of the companion's).
echo x >"$STAGE/b"
op link "$STAGE/b" /lib/ld-linux-x86-64.so.3
no_alert file.path=/lib/ld-linux-x86-64.so.3
op symlink "$STAGE/b" /lib/ld-linux-x86-64.so.2x
no_alert file.path=/lib/ld-linux-x86-64.so.2x
# Names the rule does not match: the prefix and more, but no ".so"; no
# prefix; the prefix not at a name's start.
op creat /lib/ld-linuxX
no_alert file.path=/lib/ld-linuxX
op creat /lib/ldlinux.so
no_alert file.path=/lib/ldlinux.so
op creat /lib/xld-linux.so
no_alert file.path=/lib/xld-linux.so
rm -rf /lib/ld-linux-x86-64.so.9 /lib64/ld-linux-x86-64.so.8 /lib/ld-linux.so.7 \
	/usr/lib/ld-linux-x86-64.so.9 /lib/LD-LINUX-X86-64.SO.6 /lib/ld-linux.so \
	/lib/ld-linux-x86-64.so.5 /lib64/ld-linux.so.4 /lib/ld-linux-x86-64.so.3 \
	/lib/ld-linux-x86-64.so.2x /lib/ld-linuxX /lib/ldlinux.so /lib/xld-linux.so \
	/lib/ld-linux.so.1 "$STAGE"
collect --total 9

scenario "rules: sync of an empty directory: the built-in rules back"
rm -f "$SYNC/rules.d/"* "$SYNC/exceptions.d/"*
lines
from=$((LINES + 1))
"$CTL" rules sync "$SYNC" >"$WORK/sync3.out" 2>&1
check "[$SCEN] ldwatchctl rules sync exits with status 0" test $? -eq 0
sed 's/^/#   /' "$WORK/sync3.out"
changed "$from" "rule.id=$RULE_ID" ldwatch.rule.change=replaced \
	ldwatch.rule.origin=built-in ldwatch.rule.source=built-in \
	"rule.version=$(sed -n 's/^Version: //p' "$RULE_TEXT")" ldwatch.rule.previous_version=9
changed "$from" rule.id=7c2b1e40-1d5a-4f53-9d2d-0f6f0e8a1c11 ldwatch.rule.change=removed \
	'event.type=["deletion"]' ldwatch.rules.count=2
"$CTL" rules list --json >"$WORK/list.json" 2>&1
run_expect check "$WORK/list.json" --kind any --name "[$SCEN] rules list --json" \
	--exactly 1 "id=$RULE_ID" origin=built-in --exactly 1 "id=$COMPANION_ID" origin=built-in \
	--total 2
collect --total 0

scenario "rules: exceptions add writes the item and syncs: in force for the next operation"
SYNC=$WORK/etc-add
rm -rf "$SYNC"
mkdir -p "$SYNC/rules.d"
cp "$V9" "$SYNC/rules.d/"
lines
from=$((LINES + 1))
"$CTL" exceptions add --dir "$SYNC" --name "a site's own tool" "$RULE_ID" \
	'file.name == "added.conf"' >"$WORK/add.out" 2>&1
rc=$?
check "[$SCEN] ldwatchctl exceptions add exits with status 0 (got $rc)" test $rc -eq 0
sed 's/^/#   /' "$WORK/add.out"
check "[$SCEN] the item is in exceptions.d/RULE.eql" \
	grep -qx 'file.name == "added.conf"' "$SYNC/exceptions.d/$RULE_ID.eql"
sha_of "$SYNC/rules.d/elastic-640f79d1-v9.eql" "$SYNC/exceptions.d/$RULE_ID.eql"
changed "$from" "rule.id=$RULE_ID" rule.version=9 ldwatch.rule.change=replaced \
	"ldwatch.rule.sha256=$SHA" ldwatch.rule.origin=loaded
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/added.conf
# Excepted from Elastic's rule: the companion rule judges it, by identity.
alert --companion creation /etc/ld.so.conf.d/added.conf
op creat /etc/ld.so.conf.d/other.conf
alert creation /etc/ld.so.conf.d/other.conf
alerts 1 "rule.id=$RULE_ID"
collect --total 2

scenario "rules: back to the built-in rules"
rm -rf "$SYNC"
mkdir -p "$SYNC/rules.d"
lines
from=$((LINES + 1))
check "[$SCEN] ldwatchctl rules sync of an empty directory" "$CTL" rules sync "$SYNC"
changed "$from" "rule.id=$RULE_ID" ldwatch.rule.change=replaced ldwatch.rule.origin=built-in
collect --total 0

# --- Exceptions for a built-in rule without its file (issue 15, "builtinexc") ---------------
# With an empty rules.d, `exceptions add` for the built-in rule's id lowers
# the built-in in ldwatchctl (as the module does), appends the item and
# loads it in the built-in's place; its source says so. The expected
# digests are ldwatchctl's own (`rules check --exceptions FILE`, offline);
# the module computes its own. Removing the file and syncing gives the
# place back to the built-in. Elastic's rule is the built-in version again
# here (the scenario before this one ended so).
read -r ELASTIC_NAME <"$RULE_TEXT"
ELASTIC_VERSION=$(sed -n 's/^Version: //p' "$RULE_TEXT")

# builtin_sha EXC: the SHA-256 of the built-in EXC names, with EXC's items, into SHA.
builtin_sha() {
	SHA=$("$CTL" rules check --exceptions "$1" 2>"$WORK/bsha.err" |
		sed -n 's/^  sha256      //p')
	[ -n "$SHA" ] || diag "rules check --exceptions $1: $(cat "$WORK/bsha.err")"
}

scenario "rules: the built-in rule, lowered by ldwatchctl with no item, is the module's"
BSYNC=$WORK/etc-builtin
rm -rf "$BSYNC"
mkdir -p "$BSYNC/rules.d"
printf '// rule: %s\n' "$RULE_ID" >"$WORK/builtin-none.eql"
builtin_sha "$WORK/builtin-none.eql"
BUILTIN_SHA=$SHA
"$CTL" rules list --json >"$WORK/blist.json" 2>&1
run_expect check "$WORK/blist.json" --kind any --name "[$SCEN] rules list --json" \
	--exactly 1 "id=$RULE_ID" origin=built-in source=built-in "sha256=$BUILTIN_SHA"
lines
from=$((LINES + 1))
"$CTL" rules sync "$BSYNC" >"$WORK/bsync0.out" 2>&1
rc=$?
check "[$SCEN] a sync of an empty rules.d exits with status 0 (got $rc)" test $rc -eq 0
sed 's/^/#   /' "$WORK/bsync0.out"
check "[$SCEN] ... and changes nothing" grep -q "already" "$WORK/bsync0.out"
check "[$SCEN] ... with no warning that the built-in differs" \
	sh -c "! grep -q warning '$WORK/bsync0.out'"
run_expect check "$ALERTS" --kind any --from-line "$from" --name "[$SCEN] no change" \
	--none event.action=ldwatch-rules-changed
collect --total 0

scenario "rules: exceptions add for the built-in rule, rules.d empty: in force for the next operation"
BEXC=$BSYNC/exceptions.d/$RULE_ID.eql
lines
from=$((LINES + 1))
"$CTL" exceptions add --dir "$BSYNC" --name "salt, on the built-in rule" "$RULE_ID" \
	'file.name == "builtin-excepted.conf"' >"$WORK/badd.out" 2>&1
rc=$?
check "[$SCEN] ldwatchctl exceptions add exits with status 0 (got $rc)" test $rc -eq 0
sed 's/^/#   /' "$WORK/badd.out"
check "[$SCEN] nothing was copied into rules.d" sh -c "[ -z \"\$(ls -A '$BSYNC/rules.d')\" ]"
builtin_sha "$BEXC"
BEXC_SHA=$SHA
check "[$SCEN] the digest differs from the plain built-in's" test "$BEXC_SHA" != "$BUILTIN_SHA"
changed "$from" "rule.id=$RULE_ID" "rule.name=$ELASTIC_NAME" "rule.version=$ELASTIC_VERSION" \
	ldwatch.rule.change=replaced "ldwatch.rule.sha256=$BEXC_SHA" ldwatch.rule.origin=loaded \
	"ldwatch.rule.source=built-in + $BEXC" "ldwatch.rule.previous_sha256=$BUILTIN_SHA"
"$CTL" rules list --json >"$WORK/blist.json" 2>&1
run_expect check "$WORK/blist.json" --kind any --name "[$SCEN] rules list --json" \
	--exactly 1 "id=$RULE_ID" "version=$ELASTIC_VERSION" "name=$ELASTIC_NAME" origin=loaded \
	"source=built-in + $BEXC" "sha256=$BEXC_SHA" "severity=medium" "risk_score=$ELASTIC_RISK" \
	--exactly 1 "id=$COMPANION_ID" origin=built-in --total 2
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/builtin-excepted.conf
# Excepted from Elastic's rule: the companion rule judges it, by identity.
alert --companion creation /etc/ld.so.conf.d/builtin-excepted.conf
op creat /etc/ld.so.conf.d/builtin-other.conf
# The replacement carries the built-in's threat mapping (its table's).
alert creation /etc/ld.so.conf.d/builtin-other.conf \
	'threat.tactic.id=["TA0005","TA0003"]' 'threat.technique.id=["T1574"]' \
	'threat.technique.subtechnique.id=["T1574.006"]'
alerts 1 "rule.id=$RULE_ID"
collect --total 2
# Again: nothing to change.
lines
from=$((LINES + 1))
"$CTL" rules sync "$BSYNC" >"$WORK/bsync2.out" 2>&1
check "[$SCEN] a second sync changes nothing and says so" grep -q "already" "$WORK/bsync2.out"
run_expect check "$ALERTS" --kind any --from-line "$from" --name "[$SCEN] second sync" \
	--none event.action=ldwatch-rules-changed

scenario "rules: the built-in's exceptions file removed, sync: the built-in back"
rm -f "$BEXC" /etc/ld.so.conf.d/builtin-excepted.conf /etc/ld.so.conf.d/builtin-other.conf
lines
from=$((LINES + 1))
"$CTL" rules sync "$BSYNC" >"$WORK/bsync3.out" 2>&1
rc=$?
check "[$SCEN] ldwatchctl rules sync exits with status 0 (got $rc)" test $rc -eq 0
sed 's/^/#   /' "$WORK/bsync3.out"
check "[$SCEN] it says the built-in rule is back" \
	grep -q "rule $RULE_ID .*: removed; the built-in rule is back" "$WORK/bsync3.out"
changed "$from" "rule.id=$RULE_ID" ldwatch.rule.change=replaced ldwatch.rule.origin=built-in \
	ldwatch.rule.source=built-in "ldwatch.rule.sha256=$BUILTIN_SHA" \
	"ldwatch.rule.previous_sha256=$BEXC_SHA"
"$CTL" rules list --json >"$WORK/blist.json" 2>&1
run_expect check "$WORK/blist.json" --kind any --name "[$SCEN] rules list --json" \
	--exactly 1 "id=$RULE_ID" origin=built-in source=built-in "sha256=$BUILTIN_SHA" \
	--exactly 1 "id=$COMPANION_ID" origin=built-in --total 2
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/builtin-excepted.conf
# The module's own built-in carries its table's threat mapping too.
alert creation /etc/ld.so.conf.d/builtin-excepted.conf \
	'threat.tactic.id=["TA0005","TA0003"]' 'threat.tactic.name=["Defense Evasion","Persistence"]' \
	'threat.technique.id=["T1574"]' 'threat.technique.subtechnique.id=["T1574.006"]'
alerts 1 "rule.id=$RULE_ID"
collect --total 1
rm -f /etc/ld.so.conf.d/builtin-excepted.conf
