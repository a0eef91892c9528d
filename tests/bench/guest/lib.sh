# shellcheck shell=sh
#
# Shared by the benchmark's guest scripts (bench.sh, flood.sh), under
# busybox sh. run.sh and flood.sh pack this file as /tests/bench/lib.sh
# (run-vm.sh --file; /tests/lib.sh is the harness's own guest library,
# which the scripts source first). The caller sets $STATE, the directory of
# its daemons' pid, exit status and stderr files.

# uptime_cs: the guest's uptime in centiseconds, into $NOW.
uptime_cs() {
	read -r _up _idle </proc/uptime
	NOW=$((${_up%.*} * 100 + 1${_up#*.} - 100))
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds, for at
# most SECONDS of guest time (a check may take a while under TCG).
wait_for() {
	uptime_cs
	_wf_end=$((NOW + $1 * 100))
	shift
	while ! "$@"; do
		uptime_cs
		[ "$NOW" -lt "$_wf_end" ] || return 1
		sleep 0.1
	done
}

# start_daemon NAME CMD...: run CMD in a session of its own (init ends each
# script's session when the script ends; a daemon must not be in ours), its
# pid into $STATE/NAME.pid and $DAEMON_PID, its exit status into
# $STATE/NAME.rc, its stderr into $STATE/NAME.stderr.
start_daemon() {
	_sd_name=$1
	shift
	rm -f "$STATE/$_sd_name.pid" "$STATE/$_sd_name.rc"
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid sh -c '
		state=$1 name=$2
		shift 2
		"$@" 2>"$state/$name.stderr" &
		echo $! >"$state/$name.pid"
		wait $!
		echo $? >"$state/$name.rc"
	' daemon-wrapper "$STATE" "$_sd_name" "$@" </dev/null >/dev/null 2>&1 9>&- &
	DAEMON_PID=
	# shellcheck disable=SC2034 # for the caller (flood.sh stops it by pid)
	wait_for 5 test -s "$STATE/$_sd_name.pid" && read -r DAEMON_PID <"$STATE/$_sd_name.pid"
}
