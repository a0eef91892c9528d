# shellcheck shell=sh disable=SC2154 # as_pid sets the pid variables by eval
#
# Tampering with the sensor is seen (issue 14, liveness):
# 1. the module's unload, with ldwatchd alive, is an alert naming who
#    unloaded it (rmmod's pid, uid and executable), and the kernel log
#    says who loaded and unloaded it;
# 2. the module away and back, with ldwatchd alive across it, is a
#    blind-window alert naming both load ids, from the old load's last
#    sign of life to the new load's start;
# 3. the tamper sequence "kill -9 ldwatchd; rmmod ldwatch; write
#    /etc/ld.so.preload; insmod ldwatch; start ldwatchd again" leaves a
#    blind-window alert (from ldwatchd's state file) whose window holds the
#    attack, and the kernel log's lines name rmmod and insmod;
# 4. a drop with nothing after it is reported within a second of ldwatchd
#    reading again.
#
# Runs with the module unloaded by the scripts before it (or unloads it):
# each part loads the module itself. The expectations are the brief's and
# the protocol's (include/ldwatch/netlink.h, README.md), not the code's.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
STATE_FILE=$LDW_DIR/tamper.state
STOPPING_ID=d3ebf591-0302-4702-88c2-74392097ad72
BLIND_ID=f7686e9b-2224-45d9-b995-7aa339dea728

# Start from a known state even if an earlier script failed half-way.
state_get ldwatchd.pid
if [ -n "$STATE" ] && [ "$(cat "/proc/$STATE/comm" 2>/dev/null)" = ldwatchd ]; then
	kill -TERM "$STATE"
	sleep 1
fi
grep -q '^ldwatch ' /proc/modules && rmmod ldwatch
mkdir -p "$LDW_DIR" /etc/ld.so.conf.d
rm -f "$STATE_FILE"
DAEMON_PID=

# as_pid VAR COMMAND...: run COMMAND as a process of its own whose pid
# goes into VAR (the shell execs it, so the pid is the command's).
as_pid() {
	_ap_var=$1
	shift
	sh -c 'exec "$@"' as-pid "$@" &
	_ap_pid=$!
	wait "$_ap_pid"
	_ap_rc=$?
	eval "$_ap_var=\$_ap_pid"
	return $_ap_rc
}

# applet_exe NAME: the executable the kernel sees for NAME, found on PATH
# and followed through links (busybox's, for its applets).
applet_exe() {
	_ae_ifs=$IFS
	IFS=:
	for _ae_dir in $PATH; do
		if [ -x "$_ae_dir/$1" ]; then
			IFS=$_ae_ifs
			readlink -f "$_ae_dir/$1"
			return 0
		fi
	done
	IFS=$_ae_ifs
	return 1
}
INSMOD_EXE=$(applet_exe insmod)
RMMOD_EXE=$(applet_exe rmmod)
diag "insmod is $INSMOD_EXE, rmmod is $RMMOD_EXE"

# load_module VAR [PARAM]...: insmod as a process of its own; its pid in
# VAR, the new load id in LOAD_ID (from the module's own log line).
load_module() {
	_lm_var=$1
	shift
	if ! as_pid "$_lm_var" insmod "$KO" rate_limit_alerts=0 \
		${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"} "$@" 2>"$LDW_DIR/insmod.stderr"; then
		not_ok "[$SCEN] insmod ldwatch.ko $*"
		sed 's/^/#   /' "$LDW_DIR/insmod.stderr"
		dmesg | tail -n 5 | sed 's/^/#   /'
		return 1
	fi
	ok "[$SCEN] insmod ldwatch.ko $*"
	LOAD_ID=$(dmesg | sed -n 's/.*ldwatch: version .*, load id \([0-9a-f]*\)$/\1/p' | tail -n 1)
}

# unload_module_as VAR: rmmod as a process of its own, its pid in VAR.
unload_module_as() {
	if as_pid "$1" rmmod ldwatch; then
		ok "[$SCEN] rmmod ldwatch"
	else
		not_ok "[$SCEN] rmmod ldwatch"
	fi
}

# field_of ACTION FIELD: FIELD of the last record with event.action ACTION.
field_of() {
	_fo_line=$(grep -n "\"$1\"" "$ALERTS" | tail -n 1 | cut -d: -f1)
	_fo_v=$("$EXPECT" get "$ALERTS" "$2" "${_fo_line:-1}" 2>/dev/null)
	_fo_v=${_fo_v#\"}
	printf '%s\n' "${_fo_v%\"}"
}

# klog_line WHAT LOAD PID EXE: the kernel log's line of that load or
# unload, with the uid 0 of the tests' root.
klog_line() {
	dmesg | grep -F "ldwatch: $1, load id $2: pid $3 uid 0 exe $4 comm " >/dev/null
}

# mtime FILE: its modification time as ldwatchd writes times (RFC 3339,
# UTC, nanoseconds), so that times compare as strings.
mtime() {
	stat -c %y "$1" | sed 's/^\([0-9-]*\) \([0-9:.]*\) .*/\1T\2Z/'
}

# marker NAME: a file touched now; MARK holds its time.
marker() {
	touch "$LDW_DIR/mark.$1"
	MARK=$(mtime "$LDW_DIR/mark.$1")
}

# before A B: A is not later than B (both RFC 3339 with nanoseconds).
before() {
	[ "$1" = "$2" ] || [ "$(printf '%s\n%s\n' "$1" "$2" | sort | head -n 1)" = "$1" ]
}

# ---------------------------------------------------------------------------
# 1. and 2. ldwatchd alive across an unload and a load.

SCEN="unload with ldwatchd alive"
scenario "$SCEN"
if load_module loader; then
	load1=$LOAD_ID
	check "[$SCEN] the kernel log names who loaded it (pid $loader, uid 0, $INSMOD_EXE)" \
		klog_line load "$load1" "$loader" "$INSMOD_EXE"
	if daemon_start "$LDW_DIR/tamper-alive.ndjson" --state "$STATE_FILE" --heartbeat 1; then
		sleep 1.5
		UNLOAD_LINE=$(($(wc -l <"$ALERTS") + 1))
		unload_module_as unloader
		check "[$SCEN] the kernel log names who unloaded it (pid $unloader, uid 0, $RMMOD_EXE)" \
			klog_line unload "$load1" "$unloader" "$RMMOD_EXE"
		if wait_record ldwatch-sensor-stopping 1 10 "$UNLOAD_LINE"; then
			run_expect check "$ALERTS" --name "[$SCEN]" \
				--desc "ldwatch-sensor-stopping is an alert naming rmmod, under its own rule, severity high" \
				--exactly 1 event.action=ldwatch-sensor-stopping event.kind=alert \
				"process.pid=$unloader" user.id=0 "process.executable=$RMMOD_EXE" \
				"ldwatch.load_id=$load1" rule.name=ldwatch-sensor-stopping \
				"rule.id=$STOPPING_ID" event.severity=73 event.risk_score=73 \
				ldwatch.rule.severity=high \
				--kind state \
				--desc "heartbeats while the module was there: load id, counters" \
				--at-least 1 event.action=ldwatch-heartbeat "ldwatch.load_id=$load1" \
				ldwatch.module.loaded=true ldwatch.counters.seen:int '?process.uptime'
		else
			not_ok "[$SCEN] ldwatchd logs ldwatch-sensor-stopping"
		fi
		SCEN="blind window with ldwatchd alive"
		scenario "$SCEN"
		marker gone
		gone=$MARK
		op creat /etc/ld.so.preload
		sleep 1
		if load_module loader2; then
			load2=$LOAD_ID
			marker back
			back=$MARK
			if wait_record ldwatch-sensor-blind-window 1 20 "$UNLOAD_LINE"; then
				run_expect check "$ALERTS" --name "[$SCEN]" --from-line "$UNLOAD_LINE" \
					--desc "an alert: the old and the new load ids, found by reconnecting" \
					--exactly 1 event.action=ldwatch-sensor-blind-window event.kind=alert \
					"ldwatch.blind_window.previous_load_id=$load1" \
					"ldwatch.load_id=$load2" ldwatch.blind_window.detected_by=reconnect \
					"rule.id=$BLIND_ID" event.severity=73 '?event.start' '?event.end' \
					--desc "no alert about the write while the module was away" \
					--none file.path=/etc/ld.so.preload
				start=$(field_of ldwatch-sensor-blind-window event.start)
				end=$(field_of ldwatch-sensor-blind-window event.end)
				check "[$SCEN] from ($start) before the module went ($gone)" before "$start" "$gone"
				check "[$SCEN] to ($end) after the module went ($gone)" before "$gone" "$end"
				check "[$SCEN] to ($end) not after it was back ($back)" before "$end" "$back"
			else
				not_ok "[$SCEN] ldwatchd logs ldwatch-sensor-blind-window"
				sed 's/^/#   /' "$ALERTS.stderr"
			fi
		fi
	fi
fi
scenario_took

# ---------------------------------------------------------------------------
# 3. The tamper sequence: ldwatchd killed, the module unloaded, the attack,
# the module loaded again, ldwatchd started again.

SCEN="tamper sequence"
scenario "$SCEN"
if [ -n "$DAEMON_PID" ] && [ -n "${load2:-}" ] && [ -s "$STATE_FILE" ]; then
	check "[$SCEN] the state file names the load ldwatchd last saw" \
		grep -qx "load_id $load2" "$STATE_FILE"
	kill -KILL "$DAEMON_PID"
	sleep 0.5
	DAEMON_PID=
	marker killed
	killed=$MARK
	unload_module_as unloader
	check "[$SCEN] the kernel log names who unloaded it (pid $unloader, uid 0, $RMMOD_EXE)" \
		klog_line unload "$load2" "$unloader" "$RMMOD_EXE"
	op creat /etc/ld.so.preload
	attack=$(mtime /etc/ld.so.preload)
	sleep 1
	if load_module loader3; then
		load3=$LOAD_ID
		check "[$SCEN] the kernel log names who loaded it (pid $loader3, uid 0, $INSMOD_EXE)" \
			klog_line load "$load3" "$loader3" "$INSMOD_EXE"
		marker loaded
		loaded=$MARK
		if daemon_start "$LDW_DIR/tamper-restart.ndjson" --state "$STATE_FILE" --heartbeat 1; then
			run_expect check "$ALERTS" --name "[$SCEN]" \
				--desc "a blind-window alert from the state file: the old and the new load ids" \
				--exactly 1 event.action=ldwatch-sensor-blind-window event.kind=alert \
				"ldwatch.blind_window.previous_load_id=$load2" "ldwatch.load_id=$load3" \
				ldwatch.blind_window.detected_by=state_file "rule.id=$BLIND_ID" \
				rule.name=ldwatch-sensor-blind-window event.severity=73 \
				--desc "and no other alert" --total 1
			start=$(field_of ldwatch-sensor-blind-window event.start)
			end=$(field_of ldwatch-sensor-blind-window event.end)
			check "[$SCEN] from ($start) not after ldwatchd was killed ($killed)" \
				before "$start" "$killed"
			check "[$SCEN] the attack ($attack) lies in the window (to $end)" \
				before "$attack" "$end"
			check "[$SCEN] to ($end) not after the module was back ($loaded)" \
				before "$end" "$loaded"
		fi
		daemon_stop
	fi
	grep -q '^ldwatch ' /proc/modules && rmmod ldwatch
else
	not_ok "[$SCEN] the parts before left ldwatchd running with a state file"
	daemon_stop
	grep -q '^ldwatch ' /proc/modules && rmmod ldwatch
fi
scenario_took

# ---------------------------------------------------------------------------
# 4. A drop with nothing after it. The queue holds one alert; ldwatchd,
# with the smallest receive buffer, is stopped while 400 alerts are made:
# its socket fills, the module keeps one alert and drops the rest as
# queue_full, and nothing follows. Once ldwatchd reads again, the module's
# drop report must account for the numbers no later alert reveals, within
# a second, each number once.

SCEN="drop report with nothing after it"
N=400
scenario "$SCEN"
mkdir -p /etc/ld.so.conf.d
if load_module loader4 queue_max_alerts=1; then
	if daemon_start "$LDW_DIR/tamper-drop.ndjson" --state "$LDW_DIR/tamper-drop.state" \
		--receive-buffer 64K --heartbeat 0; then
		kill -STOP "$DAEMON_PID"
		op --repeat $N creat /etc/ld.so.conf.d/tamper.conf
		sleep 1
		kill -CONT "$DAEMON_PID"
		now_cs
		cont=$NOW
		accounted=0
		i=0
		while [ $i -lt 50 ]; do
			alerts=$("$EXPECT" count "$ALERTS" event.action=creation)
			lost=$(grep '"ldwatch-alerts-lost"' "$ALERTS" |
				sed -n 's/.*"lost":{[^}]*"count":\([0-9]*\).*/\1/p' |
				awk '{ n += $1 } END { print n + 0 }')
			accounted=$((alerts + lost))
			[ "$accounted" -ge $N ] && break
			sleep 0.1
			i=$((i + 1))
		done
		now_cs
		took=$((NOW - cont))
		diag "[$SCEN] $alerts alerts and $lost lost accounted for in $((took / 100)).$((took % 100 / 10)) s after ldwatchd ran again"
		check "[$SCEN] every number accounted for once ($alerts alerts + $lost lost = $N)" \
			test "$accounted" -eq $N
		check "[$SCEN] within ${LATENCY_S} s of ldwatchd reading again" test "$took" -le "$LATENCY_CS"
		run_expect check "$ALERTS" --kind event --name "[$SCEN]" \
			--desc "the module's drop report names queue_full" \
			--at-least 1 event.action=ldwatch-alerts-lost ldwatch.lost.detected_by=sensor_report \
			ldwatch.lost.reason=queue_full \
			--kind any --lint
		if status_until "$LDW_DIR/status.tamper-drop" counters.matched $N; then
			run_expect check "$LDW_DIR/status.tamper-drop" --kind any --name "[$SCEN]" \
				--desc "status: the numbers not delivered are the module's queue_full drops" \
				--exactly 1 "dropped.queue_full=$((N - alerts))"
		fi
		last_lost_first=$(grep '"sensor_report"' "$ALERTS" | tail -n 1 |
			sed -n 's/.*"first_sequence":\([0-9]*\).*/\1/p')
		last_lost_count=$(grep '"sensor_report"' "$ALERTS" | tail -n 1 |
			sed -n 's/.*"lost":{[^}]*"count":\([0-9]*\).*/\1/p')
		check "[$SCEN] the last report ends at the last number, $N" \
			test "$((last_lost_first + last_lost_count - 1))" -eq $N
	fi
	daemon_stop
	rmmod ldwatch
fi
rm -f /etc/ld.so.conf.d/tamper.conf
cleanup_targets
scenario_took
