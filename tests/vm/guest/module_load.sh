# shellcheck shell=sh
#
# ldwatch guest test: the module loads, its init reports the rule table it
# holds, and it unloads cleanly. The reported table is checked against the
# rule text itself (packed as /tests/data/rule.txt), not against the code.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

ko=/lib/ldwatch/ldwatch.ko
rule_text=/tests/data/rule.txt
ALLOWED_TAINT=$((4096 | 8192))	# out-of-tree (O) and unsigned (E)

# The module's own log lines since boot, without timestamps and prefix.
ldwatch_log() {
	dmesg | sed -n 's/^\[[^]]*\] ldwatch: //p'
}

# Normalize EQL text: one line, single spaces, none just inside parentheses.
normalize() {
	tr '\n\t' '  ' | sed -e 's/  */ /g' -e 's/( /(/g' -e 's/ )/)/g' -e 's/^ //' -e 's/ $//'
}

# The query as the rule text writes it: from "file where" to "Framework:".
spec_query() {
	sed -n '/^file where /,/^Framework:/p' "$rule_text" | sed '$d' | normalize
}

# The query as the module's latest load reported it: clause lines and their
# continuation lines.
reported_query() {
	ldwatch_log | awk '
	function flush() {
		if (kind == "require")
			req = req (req == "" ? "" : " and ") cur
		else if (kind == "exclude")
			exc = exc (exc == "" ? "" : " or ") (cur ~ / and / ? "(" cur ")" : cur)
		kind = ""
	}
	/^rule / { req = ""; exc = ""; kind = ""; next }	# the latest load only
	/^require [0-9]+\/[0-9]+: / { flush(); kind = "require"; sub(/^[a-z]+ [0-9]+\/[0-9]+: /, ""); cur = $0; next }
	/^exclude [0-9]+\/[0-9]+: / { flush(); kind = "exclude"; sub(/^[a-z]+ [0-9]+\/[0-9]+: /, ""); cur = $0; next }
	/^    / { sub(/^    /, ""); cur = cur $0; next }
	{ flush() }
	END { flush(); printf "file where %s and not (%s)\n", req, exc }' | normalize
}

if ! check "insmod ldwatch.ko" insmod "$ko"; then
	dmesg | tail -n 20
	exit 1
fi
check "ldwatch is listed in /proc/modules" grep -q '^ldwatch ' /proc/modules
check "init logged that it loaded" sh -c "dmesg | grep -q 'ldwatch: loaded\$'"

name=$(sed -n '1p' "$rule_text")
version=$(sed -n 's/^Version: //p' "$rule_text")
check "init names the rule and its version as the rule text does" \
	sh -c "dmesg | grep -qF '\"$name\" version $version:'"

spec=$(spec_query)
reported=$(reported_query)
if [ -n "$spec" ] && [ "$spec" = "$reported" ]; then
	ok "the rule table init reported is the rule text's query, clause for clause"
else
	diag "rule text: $spec"
	diag "reported:  $reported"
	not_ok "the rule table init reported is the rule text's query, clause for clause"
fi

long=$(ldwatch_log | awk 'length($0) > 200' | wc -l)
check "no reported line is longer than 200 bytes ($long are)" test "$long" -eq 0

check "rmmod ldwatch" rmmod ldwatch
check_fails "ldwatch is gone from /proc/modules" grep -q '^ldwatch ' /proc/modules
check "exit logged that it unloaded" sh -c "dmesg | grep -q 'ldwatch: unloaded\$'"

# Load and unload again: init and exit leave nothing behind that a second
# load trips over.
check "insmod a second time" insmod "$ko"
check "rmmod a second time" rmmod ldwatch

taint=$(cat /proc/sys/kernel/tainted)
check "kernel not tainted beyond an out-of-tree, unsigned module (tainted=$taint)" \
	test $((taint & ~ALLOWED_TAINT)) -eq 0
