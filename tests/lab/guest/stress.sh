# shellcheck shell=sh
#
# Lab kernel: the module loaded and unloaded 20 times while file operations
# run on both CPUs (creations and renames of files the rule targets and of
# files it does not, by plain syscalls and by io_uring), and ldwatchd killed
# with SIGKILL and restarted, at every point of the module's life. Then no
# leak (kmemleak). A splat anywhere fails the run (run-vm.sh reads the kernel
# log); a hang is caught by the time limits here, by the hung-task detector
# (its timeout lowered to 30 s) and by init's watchdog.

# shellcheck source-path=SCRIPTDIR source=lab_lib.sh
. /tests/lab_lib.sh

exec 9>>"$LDW_RESULTS"

KO=/lib/ldwatch/ldwatch.ko
OPS=/usr/local/bin/ldw-ops
DIR=/run/ldw-stress
WORK=/tmp/ldw-stress
ROUNDS=${STRESS_ROUNDS:-20}
STOP=$DIR/stop

rm -rf "$DIR" "$WORK"
mkdir -p "$DIR" "$WORK" /etc/ld.so.conf.d
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null ||
	diag "cannot lower the hung-task timeout"

if grep -q '^ldwatch ' /proc/modules; then
	diag "ldwatch is loaded at the start; unloading it"
	rmmod ldwatch
fi

# worker NAME OP PATH [NEWPATH]: repeat ldw-ops OP (200 times a call) until
# the stop file exists; counts the calls that failed in $DIR/NAME.fail.
worker() {
	_w_name=$1
	shift
	_w_calls=0
	_w_fail=0
	while [ ! -e "$STOP" ]; do
		if ! "$OPS" --repeat 200 "$@" >/dev/null 2>>"$DIR/$_w_name.err"; then
			_w_fail=$((_w_fail + 1))
		fi
		_w_calls=$((_w_calls + 1))
	done
	echo "$_w_calls $_w_fail" >"$DIR/$_w_name.done"
}

# A rename stays on one file system (/etc's is not /tmp's: EXDEV).
: >"$WORK/plain-from"
: >/etc/ldw-stress-from.conf
worker create-target creat /etc/ld.so.conf.d/ldw-stress-a.conf &
worker create-plain creat "$WORK/plain-a" &
worker rename-target rename /etc/ldw-stress-from.conf /etc/ld.so.conf.d/ldw-stress-r.conf &
worker rename-plain rename "$WORK/plain-from" "$WORK/plain-to" &
worker uring-target uring-openat /etc/ld.so.conf.d/ldw-stress-u.conf &
workers=5

daemon_pid=
daemon_n=0
start_daemon() {
	daemon_n=$((daemon_n + 1))
	ldwatchd --reconnect-interval 0.1 --output "$DIR/alerts.$daemon_n.ndjson" \
		2>>"$DIR/ldwatchd.stderr" </dev/null >/dev/null 9>&- &
	daemon_pid=$!
}
kill_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill -KILL "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
}

# rmmod_retry: rmmod, retried for 10 s while the module is busy.
rmmod_retry() {
	_r_i=0
	while ! timeout 60 rmmod ldwatch 2>>"$DIR/rmmod.err"; do
		_r_i=$((_r_i + 1))
		[ $_r_i -lt 50 ] || return 1
		sleep 0.2
	done
}

loads=0
unloads=0
start_daemon
i=1
while [ $i -le "$ROUNDS" ]; do
	if timeout 60 insmod "$KO" rate_limit_alerts=0 2>>"$DIR/insmod.err"; then
		loads=$((loads + 1))
	else
		diag "round $i: insmod failed: $(tail -n 1 "$DIR/insmod.err")"
	fi
	# Kill the daemon at a different point of the module's life each
	# round: while connected, just after loading, and while unloaded.
	case $((i % 3)) in
	0) sleep 1; kill_daemon; start_daemon; sleep 0.5 ;;
	1) kill_daemon; start_daemon; sleep 1 ;;
	2) sleep 1 ;;
	esac
	if rmmod_retry; then
		unloads=$((unloads + 1))
	else
		diag "round $i: rmmod failed: $(tail -n 1 "$DIR/rmmod.err")"
	fi
	if [ $((i % 3)) -eq 2 ]; then
		kill_daemon
		start_daemon
	fi
	i=$((i + 1))
done

check "insmod succeeded in all $ROUNDS rounds ($loads did)" test "$loads" -eq "$ROUNDS"
check "rmmod succeeded in all $ROUNDS rounds ($unloads did)" test "$unloads" -eq "$ROUNDS"

touch "$STOP"
# Each worker finishes its current 200 operations; give them a minute.
n=0
while [ "$(find "$DIR" -name '*.done' | wc -l)" -lt "$workers" ] && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
for f in create-target create-plain rename-target rename-plain uring-target; do
	if [ ! -e "$DIR/$f.done" ]; then
		not_ok "worker $f stopped within 60 s"
		continue
	fi
	read -r calls fails <"$DIR/$f.done"
	if [ "$fails" -eq 0 ] && [ "$calls" -gt 0 ]; then
		ok "worker $f: $calls calls of 200 operations, none failed"
	else
		not_ok "worker $f: $calls calls of 200 operations, none failed ($fails failed)"
		tail -n 5 "$DIR/$f.err" | sed 's/^/#   /'
	fi
done

# While loaded, the module saw the target operations and ldwatchd wrote
# alerts: the stress ran against a working sensor, not an idle one.
alerts=0
for f in "$DIR"/alerts.*.ndjson; do
	# A daemon killed in the middle of a line leaves it incomplete: count
	# the complete ones.
	n=$(head -n "$(wc -l <"$f")" "$f" | ldw-expect count /dev/stdin --kind alert 2>/dev/null) || n=0
	alerts=$((alerts + ${n:-0}))
done
check "ldwatchd wrote alerts during the stress ($alerts)" test "$alerts" -gt 0
kill -TERM "$daemon_pid" 2>/dev/null
wait "$daemon_pid" 2>/dev/null
grep -q '^ldwatch ' /proc/modules && rmmod ldwatch
kmemleak_check "after the load/unload stress"
