# shellcheck shell=sh
#
# report_failures=1: a failed attempt on a host target is an event, judged
# by the companion rule, whose alert says event.outcome "failure" and the
# system call's errno as error.code.
#
# Runs after sensor_ratelimit.sh, with the module unloaded: it loads the
# module with report_failures=1 and starts its own ldwatchd.
#
# The expectations come from the protocol (include/ldwatch/netlink.h,
# LDW_A_OUTCOME, LDW_A_ERROR) and the README: a failure is reported where
# the hooks saw the attempt (an open(O_CREAT) checks the directory's write
# permission after the LSM path hook: EACCES), only on a host target, and
# never by Elastic's rule, whose events are operations that happened.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
COMPANION_ID=e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba

fresh_start
mkdir -p "$LDW_DIR"
DAEMON_PID=

SCEN="report_failures=1: failed attempts on host targets"
scenario "$SCEN"
mkdir -p /etc/ld.so.conf.d /tmp/ldw-fail
chmod 0755 /tmp/ldw-fail
if check "[$SCEN] insmod ldwatch.ko report_failures=1" \
	insmod "$KO" report_failures=1 rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}; then
	if daemon_start "$LDW_DIR/failures.ndjson"; then
		# A host target, refused: one failure alert.
		op --user 65534 --expect EACCES creat /etc/ld.so.conf.d/nobody.conf
		NOBODY_PID=$OP_PID
		# Not a target, refused: nothing.
		op --user 65534 --expect EACCES creat /tmp/ldw-fail/x.conf
		# A success still alerts as a success (Elastic's rule).
		op creat /etc/ld.so.conf.d/done.conf
		DONE_PID=$OP_PID
		if "$EXPECT" wait "$ALERTS" --path /etc/ld.so.conf.d/done.conf --since 0 \
			--timeout "$FENCE_TIMEOUT" >/dev/null 2>"$LDW_DIR/fail.stderr"; then
			run_expect check "$ALERTS" --name "[$SCEN]" --after 0 \
				--desc "the refused creation on a host target: a failure, by the companion rule" \
				--exactly 1 event.action=creation event.outcome=failure error.code=EACCES \
				error.message:string file.path=/etc/ld.so.conf.d/nobody.conf \
				ldwatch.target.path=/etc/ld.so.conf.d/nobody.conf \
				"rule.id=$COMPANION_ID" "process.pid=$NOBODY_PID" user.id=65534 \
				--desc "the refused creation elsewhere: nothing" \
				--none file.path=/tmp/ldw-fail/x.conf \
				--desc "the creation that happened: a success" \
				--exactly 1 event.outcome=success file.path=/etc/ld.so.conf.d/done.conf \
				"process.pid=$DONE_PID" \
				--total 2
		else
			not_ok "[$SCEN] the alert of the successful creation came"
			sed 's/^/#   /' "$LDW_DIR/fail.stderr"
		fi
		unload_module "rmmod ldwatch" 15
	else
		rmmod ldwatch
	fi
	daemon_stop
fi
rm -rf /tmp/ldw-fail
cleanup_targets
scenario_took
