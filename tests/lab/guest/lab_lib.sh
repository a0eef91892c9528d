# shellcheck shell=sh
#
# Helpers for the lab kernel's guest scripts (tests/lab/guest/*.sh); sourced,
# packed as /tests/lab_lib.sh by tests/lab/run.sh.
#
#   kmemleak_check LABEL   two kmemleak scans a few seconds apart; one
#                          result: no unreferenced object is reported. The
#                          report goes to the console; afterwards the list is
#                          cleared, so that the next check reports only what
#                          leaked after this one.
#   kmsg TEXT              a line in the kernel log (timestamped on the
#                          console, in order with the kernel's own lines)

# shellcheck source-path=SCRIPTDIR source=../../vm/guest-lib.sh
. /tests/lib.sh

KMEMLEAK=/sys/kernel/debug/kmemleak

kmsg() {
	echo "ldwatch-lab: $*" >/dev/kmsg
}

# Any leak fails, whatever its backtrace: a module that leaks a reference
# (a dentry, a path, an skb handed to netlink) makes the kernel's own
# allocations unreachable, and their backtraces then name only VFS or
# netlink code. Objects younger than kmemleak's minimum age (5 s) are not
# reported, hence the pause; the second scan confirms what the first saw.
# kmemleak can miss an object: a stale copy of its pointer anywhere it
# scans (a reused task stack) keeps it "referenced"; the self-test saw 28
# to 32 of 32 lost objects reported. A leak per load shows in the stress's
# 20 rounds all the same.
kmemleak_check() {
	_kl_label=$1
	if [ ! -w "$KMEMLEAK" ]; then
		not_ok "[$_kl_label] kmemleak is available ($KMEMLEAK)"
		return 1
	fi
	kmsg "kmemleak scan ($_kl_label)"
	sleep 5
	echo scan >"$KMEMLEAK"
	sleep 5
	echo scan >"$KMEMLEAK"
	_kl_report=$(cat "$KMEMLEAK")
	if [ -z "$_kl_report" ]; then
		ok "[$_kl_label] kmemleak reports no leak"
		return 0
	fi
	# An unloaded module's frames print as bare addresses in the
	# backtraces: the report is shown whole, to be read.
	_kl_n=$(printf '%s\n' "$_kl_report" | grep -c '^unreferenced object')
	not_ok "[$_kl_label] kmemleak reports no leak ($_kl_n unreferenced objects, report below)"
	printf '%s\n' "$_kl_report" | head -n 300 | sed 's/^/#   /'
	echo clear >"$KMEMLEAK"
	return 1
}
