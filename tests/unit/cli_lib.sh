# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Assertions shared by the command-line tests (test_ldwatchctl.sh,
# test_ldwatchd.sh, test_version.sh), on top of tests/lib.sh's ok, not_ok
# and summary. The tests run the program under test with their own run(),
# which leaves $TMP/out, $TMP/err and $rc.

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# status DESC EXPECTED: the exit status of the last run.
status() {
	if [ "$rc" -eq "$2" ]; then
		ok "$1"
	else
		not_ok "$1 (exit status $rc, expected $2)"
		head -5 "$TMP/err" | sed 's/^/# stderr: /'
	fi
}

# empty DESC FILE
empty() {
	if [ ! -s "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		head -5 "$2" | sed 's/^/# /'
	fi
}

# contains DESC FILE FIXED-STRING
contains() {
	if grep -qF -e "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1 (no \"$3\")"
	fi
}

# same DESC EXPECTED-FILE ACTUAL-FILE: byte-for-byte comparison.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -a "$2" "$3" | head -20 | sed 's/^/# /'
	fi
}

# same_text DESC EXPECTED ACTUAL: two strings.
same_text() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '# want: %s\n# got:  %s\n' "$2" "$3"
	fi
}
