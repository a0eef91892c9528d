# shellcheck shell=sh
#
# Helpers for the sensor scenarios (sensor_*.sh) and the demo; sourced, not
# a scenario itself: tests/vm/run.sh packs it as /tests/sensor_lib.sh.
#
# A scenario is written as
#
#     scenario "what it does"
#     op creat /etc/ld.so.preload           # ldw-ops: one chosen syscall
#     alert creation /etc/ld.so.preload     # exactly one alert, every field
#     sh_op 'echo lib >> /etc/ld.so.preload'
#     total 1                               # and nothing else
#     collect
#
# Each op records who did it (pid, tid, ppid, uid, gid, executable) as the
# acting process itself reports it; `alert` turns that and the path into
# field conditions for ldw-expect: the ECS values a faithful sensor must
# write, derived from the rule's field definitions (SEMANTICS.md), never
# from the sensor's code. `collect` then fences: it creates a file the rule
# alerts on and waits until ldwatchd has logged that alert and every alert
# numbered before it, so the scenario's window is exactly the alerts whose
# event.sequence lies between the previous fence and this one; then
# ldw-expect checks the window and prints one result per expectation.
#
# Paths given to op, alert and rename are written with ldw-ops's and
# ldw-expect's escapes (\n \t \\ \xHH), so that a file name holding a
# newline or invalid UTF-8 is spelled the same way in the operation and in
# the expectation. No path in the scenarios contains a literal backslash.
#
# Under TCG every fork and exec costs milliseconds, so these helpers use
# shell builtins where they can (no $(...) around functions, read instead
# of cat).

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

# Keep the result channel open while the script runs: the last close of a
# serial port discards what it has not sent yet if a signal interrupts the
# close's wait (SIGCHLD, when a background job ends), and every result line
# is a separate open and close.
exec 9>>"$LDW_RESULTS"

LDW_DIR=/run/ldw
ALERTS=$LDW_DIR/alerts.ndjson
SPEC=$LDW_DIR/spec
OPS=/usr/local/bin/ldw-ops
EXPECT=/usr/local/bin/ldw-expect
# shellcheck disable=SC2034 # used by the scripts that source this file
RULE_TEXT=/tests/data/rule.txt
# The rule's id is not in the rule text; SEMANTICS.md names it.
# shellcheck disable=SC2034
RULE_ID=640f79d1-571d-4f96-a9af-1194fc8cf763
# ldwatch's companion rule (module/rule/builtin_companion.c, README "Beyond
# Elastic's rule"): judges, by identity, what Elastic's rule gave no alert
# for. Its identity, severity and risk score are the rule's data.
# shellcheck disable=SC2034
COMPANION_ID=e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba
COMPANION_NAME='Dynamic Linker Hijacking by Identity (ldwatch)'
COMPANION_VERSION=1
COMPANION_SEVERITY=high
COMPANION_RISK=73
# Elastic's rule's name, version, severity and risk score, as its text
# gives them (the demo packs no rule text: the text's values, then).
ELASTIC_NAME='Dynamic Linker Creation or Modification'
ELASTIC_VERSION=3
ELASTIC_SEVERITY=medium
ELASTIC_RISK=47
if [ -r "$RULE_TEXT" ]; then
	read -r ELASTIC_NAME <"$RULE_TEXT"
	while IFS= read -r _rt_line; do
		case $_rt_line in
		'Version: '*) ELASTIC_VERSION=${_rt_line#Version: } ;;
		'Severity: '*) ELASTIC_SEVERITY=${_rt_line#Severity: } ;;
		'Risk score: '*) ELASTIC_RISK=${_rt_line#Risk score: } ;;
		esac
	done <"$RULE_TEXT"
fi
# Seconds to wait for a fence alert (TCG is slow, but a fence takes
# milliseconds when the sensor works).
FENCE_TIMEOUT=${FENCE_TIMEOUT:-20}
TAB=$(printf '\t')
# How ldwatch's hooks attach: ldw_test.hook=kprobe on the guest kernel's
# command line (tests/vm/run.sh's second sensor run) has every sensor
# script load it with hook=kprobe; without it, the module's default
# (ftrace). LDW_HOOK_ARG is the insmod argument, or nothing.
LDW_HOOK=
read -r _kc_line </proc/cmdline
for _kc_word in $_kc_line; do
	case $_kc_word in
	ldw_test.hook=*) LDW_HOOK=${_kc_word#*=} ;;
	esac
done
LDW_HOOK_ARG=${LDW_HOOK:+hook=$LDW_HOOK}
NL='
'

# ------------------------------------------------------------------ state

# state_set NAME VALUE / state_get NAME (into $STATE): a value kept in
# $LDW_DIR, shared by the scripts of one boot (each runs in its own shell).
state_set() {
	printf '%s\n' "$2" >"$LDW_DIR/$1"
}

state_get() {
	STATE=
	[ -r "$LDW_DIR/$1" ] && read -r STATE <"$LDW_DIR/$1"
}

sensor_broken() {
	[ -e "$LDW_DIR/broken" ]
}

# mark_broken REASON: later scenarios fail at once instead of waiting.
mark_broken() {
	[ -e "$LDW_DIR/broken" ] || printf '%s\n' "$1" >"$LDW_DIR/broken"
}

# require_sensor: at the top of a scenario script; exits if the sensor
# never started (one failure, not one per scenario).
require_sensor() {
	if sensor_broken; then
		state_get broken
		not_ok "${0##*/}: the sensor is running ($STATE)"
		exit 1
	fi
}

# now_cs: the guest's uptime in centiseconds, into $NOW.
# The bound, in centiseconds of guest time, within which an alert or a drop
# report must be written: a second. The lab kernel runs KASAN, lockdep and
# kmemleak under emulation, several times slower than a distribution
# kernel: there the bound is four; the distribution kernels hold the second.
LATENCY_CS=100
case $(uname -r) in
*ldwlab*) LATENCY_CS=400 ;;
esac
# shellcheck disable=SC2034 # the scenarios use it
LATENCY_S=$((LATENCY_CS / 100))

now_cs() {
	read -r _nc_up _nc_idle </proc/uptime
	NOW=$((${_nc_up%.*} * 100 + 1${_nc_up#*.} - 100))
}

# ----------------------------------------------------------------- sensor

# sensor_start: load the module, start ldwatchd writing $ALERTS, wait for
# its ldwatch-connected record. Results: one ok/not_ok per step.
sensor_start() {
	mkdir -p "$LDW_DIR"
	: >"$ALERTS"
	state_set fence.seq 0
	state_set fence.n 0
	# The scenarios make far more alerts than the default rate limit lets
	# through; sensor_ratelimit.sh tests the limit with its own load.
	if ! check "insmod ldwatch.ko rate_limit_alerts=0${LDW_HOOK_ARG:+ $LDW_HOOK_ARG}" \
		insmod /lib/ldwatch/ldwatch.ko rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}; then
		dmesg | tail -n 20
		mark_broken "insmod failed"
		return 1
	fi
	# A wrapper in its own session keeps ldwatchd alive across scripts
	# (init kills each script's session when it ends) and keeps its exit
	# status for sensor_stop.sh.
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid sh -c '
		ldwatchd --output "$1" --state "$2/ldwatchd.state" 2>"$2/ldwatchd.stderr" &
		echo $! >"$2/ldwatchd.pid"
		wait $!
		echo $? >"$2/ldwatchd.rc"
	' ldwatchd-wrapper "$ALERTS" "$LDW_DIR" </dev/null >/dev/null 2>&1 9>&- &
	if wait_record ldwatch-connected 1 20; then
		ok "ldwatchd logs ldwatch-connected"
	else
		not_ok "ldwatchd logs ldwatch-connected"
		diag "ldwatchd stderr:"
		sed 's/^/#   /' "$LDW_DIR/ldwatchd.stderr" 2>/dev/null
		mark_broken "ldwatchd did not connect"
		return 1
	fi
}

# ldwatchd's pid, into $STATE.
ldwatchd_pid() {
	state_get ldwatchd.pid
}

# wait_record ACTION N SECONDS [FROM_LINE]: wait until $ALERTS holds at
# least N records with event.action ACTION (from line FROM_LINE on): health
# records, or the sensor's own alerts (ldwatch-sensor-stopping, ...).
wait_record() {
	_wr_i=0
	while [ "$_wr_i" -lt $(($3 * 10)) ]; do
		_wr_n=$("$EXPECT" count "$ALERTS" --kind any --from-line "${4:-1}" \
			"event.action=$1" 2>/dev/null)
		[ "${_wr_n:-0}" -ge "$2" ] && return 0
		sleep 0.1
		_wr_i=$((_wr_i + 1))
	done
	return 1
}

# fresh_start: a known state even if an earlier script failed half-way:
# an ldwatchd it left running is stopped, a module it left loaded is
# unloaded.
fresh_start() {
	state_get ldwatchd.pid
	if [ -n "$STATE" ] && [ "$(cat "/proc/$STATE/comm" 2>/dev/null)" = ldwatchd ]; then
		diag "an earlier script left ldwatchd running: stopping it"
		kill -TERM "$STATE"
		sleep 1
	fi
	if grep -q '^ldwatch ' /proc/modules; then
		diag "an earlier script left the module loaded: unloading it"
		rmmod ldwatch
	fi
}

# unload_module DESC SECONDS: rmmod ldwatch (the check named DESC);
# ldwatchd must log ldwatch-sensor-stopping within SECONDS. Sets
# UNLOAD_LINE, the first line of $ALERTS written after the unload.
unload_module() {
	UNLOAD_LINE=$(($(wc -l <"$ALERTS") + 1))
	check "[$SCEN] $1" rmmod ldwatch
	if wait_record ldwatch-sensor-stopping 1 "$2" "$UNLOAD_LINE"; then
		ok "[$SCEN] ldwatchd logs ldwatch-sensor-stopping"
	else
		not_ok "[$SCEN] ldwatchd logs ldwatch-sensor-stopping"
	fi
}

# status_json FILE: ldwatchctl status --json into FILE; false on failure.
status_json() {
	ldwatchctl status --json >"$1" 2>"$1.stderr"
}

# Scenarios with a module load and an ldwatchd of their own (sensor_loss.sh,
# sensor_ratelimit.sh):

# daemon_start FILE [LDWATCHD OPTION]...: start ldwatchd writing FILE (it
# becomes $ALERTS for the helpers), its pid into DAEMON_PID; wait for its
# ldwatch-connected record. A wrapper keeps ldwatchd's exit status.
daemon_start() {
	ALERTS=$1
	shift
	: >"$ALERTS"
	rm -f "$ALERTS.pid" "$ALERTS.rc"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sh -c '
		out=$1
		shift
		# A state file of its own (a later --state wins): another
		# scenario'"'"'s load is no blind window of this one.
		ldwatchd --output "$out" --state "$out.state" "$@" 2>"$out.stderr" &
		echo $! >"$out.pid"
		wait $!
		echo $? >"$out.rc"
	' ldwatchd-wrapper "$ALERTS" "$@" </dev/null >/dev/null 2>&1 9>&- &
	DAEMON_PID=
	if wait_record ldwatch-connected 1 20; then
		read -r DAEMON_PID <"$ALERTS.pid"
		ok "[$SCEN] ldwatchd${*:+ $*} logs ldwatch-connected"
		return 0
	fi
	not_ok "[$SCEN] ldwatchd${*:+ $*} logs ldwatch-connected"
	sed 's/^/#   /' "$ALERTS.stderr"
	[ -r "$ALERTS.pid" ] && read -r DAEMON_PID <"$ALERTS.pid"
	return 1
}

# daemon_stop: SIGTERM; ldwatchd must exit with status 0 within 10 s.
daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -CONT "$DAEMON_PID" 2>/dev/null
	kill -TERM "$DAEMON_PID" 2>/dev/null
	_ds_i=0
	while [ ! -s "$ALERTS.rc" ] && [ "$_ds_i" -lt 100 ]; do
		sleep 0.1
		_ds_i=$((_ds_i + 1))
	done
	if [ -s "$ALERTS.rc" ]; then
		read -r _ds_rc <"$ALERTS.rc"
		check "[$SCEN] ldwatchd exits with status 0 on SIGTERM (got $_ds_rc)" \
			test "$_ds_rc" -eq 0
	else
		not_ok "[$SCEN] ldwatchd exits within 10 s of SIGTERM"
		kill -KILL "$DAEMON_PID" 2>/dev/null
	fi
	DAEMON_PID=
	if [ -s "$ALERTS.stderr" ]; then
		diag "ldwatchd's stderr:"
		sed 's/^/#   /' "$ALERTS.stderr"
	fi
}

# status_until FILE FIELD VALUE: ldwatchctl status --json into FILE, asked
# again for up to 5 s until FIELD is VALUE (the module counts an alert as
# sent after it sent it, so a moment after ldwatchd may have logged it).
status_until() {
	_su_i=0
	while [ "$_su_i" -lt 50 ]; do
		if status_json "$1" &&
			[ "$("$EXPECT" get "$1" "$2" 2>/dev/null)" = "$3" ]; then
			return 0
		fi
		sleep 0.1
		_su_i=$((_su_i + 1))
	done
	if [ ! -s "$1" ]; then
		not_ok "[$SCEN] ldwatchctl status --json answers"
		sed 's/^/#   /' "$1.stderr"
		return 1
	fi
	return 0 # the check that follows says what differs
}

# ------------------------------------------------------------ scenarios

# Paths the rule watches, removed between scenarios (unlink and rmdir are
# not events, so cleaning up alerts on nothing).
cleanup_targets() {
	rm -rf /etc/ld.so.preload /etc/ld.so.conf /etc/ld.so.conf.d \
		/etc/LD.SO.PRELOAD 2>/dev/null
}

# scenario NAME: start a scenario; the targets start absent.
scenario() {
	SCEN=$1
	now_cs
	SCEN_START=$NOW
	: >"$SPEC"
	cleanup_targets
}

# scenario_took: a comment with the scenario's guest time so far.
scenario_took() {
	now_cs
	_st=$((NOW - SCEN_START))
	diag "[$SCEN] $((_st / 100)).$((_st / 10 % 10))$((_st % 10)) s"
}

# spec WORD...: one line of the spec file (tab-separated tokens).
spec() {
	_sp_line=
	for _sp_tok in "$@"; do
		_sp_line="$_sp_line${_sp_line:+$TAB}$_sp_tok"
	done
	printf '%s\n' "$_sp_line" >>"$SPEC"
}

# op [--as EXE] [LDW-OPS ARGS]...: run ldw-ops (or the copy of it at EXE)
# with -e, in the current directory; sets OP_* and OP_EXE. A result other
# than the expected one (--expect, default ok) is a failure. Its own
# --chroot DIR and --userns are noted for the alerts (OP_ROOT, OP_NS).
op() {
	_op_host=$OPS
	if [ "$1" = --as ]; then
		_op_host=$2
		shift 2
	fi
	_op_root='' _op_ns='' _op_prev=''
	for _op_arg in "$@"; do
		case $_op_prev:$_op_arg in
		--chroot:*) _op_root=$_op_arg ;;
		*:--userns) _op_ns=1 ;;
		esac
		_op_prev=$_op_arg
	done
	# process.executable is the executable's path from the process's root:
	# a chroot's prefix taken off, if it lies below it.
	_op_exe=$_op_host
	case $_op_host in
	"$_op_root"/*) [ -n "$_op_root" ] && _op_exe=${_op_host#"$_op_root"} ;;
	esac
	op_run "$_op_exe" "$_op_host" -e "$@"
	OP_HOST_EXE=$_op_host OP_ROOT=$_op_root OP_NS=$_op_ns
}

# op_in ROOT EXE [LDW-OPS ARGS]...: the same, chrooted into ROOT, where
# the copy of ldw-ops is at EXE (as ROOT sees it).
op_in() {
	_oi_root=$1
	OP_EXE=$2
	shift 2
	op_run "$OP_EXE" chroot "$_oi_root" "$OP_EXE" -e "$@"
	OP_HOST_EXE=$_oi_root$OP_EXE OP_ROOT=$_oi_root OP_NS=
}

# op_run EXE COMMAND...: run COMMAND, whose acting process's executable is
# EXE (as its root sees it); sets OP_*.
op_run() {
	_op_exe=$1
	shift
	OP_PID='' OP_TID='' OP_PPID='' OP_UID='' OP_GID=''
	if ! _op_out=$("$@" 2>"$LDW_DIR/op.stderr"); then
		not_ok "[$SCEN] $*: the expected result"
		sed 's/^/#   /' "$LDW_DIR/op.stderr"
	fi
	case $_op_out in
	OP_PID=*) eval "$_op_out" ;;
	*) diag "ldw-ops printed no result line: $_op_out" ;;
	esac
	OP_EXE=$_op_exe
}

# sh_op [--in ROOT] COMMAND: run COMMAND with busybox sh as root (in
# chroot ROOT); the shell itself must perform the operation (a redirection,
# or `exec` of an applet), so that its pid is the acting process.
sh_op() {
	_so_root=
	if [ "$1" = --in ]; then
		_so_root=$2
		shift 2
	fi
	# The shell prints its pid and parent's pid first, then runs COMMAND.
	# shellcheck disable=SC2016 # expanded by that shell
	if [ -n "$_so_root" ]; then
		_so_out=$(chroot "$_so_root" /bin/busybox sh -c 'echo "$$ $PPID"; '"$1" 2>&1)
	else
		_so_out=$(sh -c 'echo "$$ $PPID"; '"$1" 2>&1)
	fi
	_so_rc=$?
	if [ "$_so_rc" -ne 0 ]; then
		not_ok "[$SCEN] sh -c '$1' succeeded (exit status $_so_rc)"
		printf '%s\n' "$_so_out" | sed 's/^/#   /'
	fi
	_so_first=${_so_out%%"$NL"*}
	OP_PID=${_so_first% *}
	OP_PPID=${_so_first#* }
	OP_TID=$OP_PID
	OP_UID=0
	OP_GID=0
	OP_EXE=/bin/busybox
	OP_HOST_EXE=$_so_root/bin/busybox OP_ROOT=$_so_root OP_NS=
}

# sh_as_exe EXE COMMAND: like sh_op, for a command that execs EXE (a
# program other than busybox, e.g. GNU sed); the acting process is EXE.
sh_as_exe() {
	sh_op "$2"
	OP_EXE=$1
	OP_HOST_EXE=$1
}

# user_name UID: the name /etc/passwd gives UID (what ECS user.name
# holds), into $USER_NAME.
user_name() {
	USER_NAME=
	while IFS=: read -r _un_name _un_pw _un_uid _un_rest; do
		if [ "$_un_uid" = "$1" ]; then
			USER_NAME=$_un_name
			return
		fi
	done </etc/passwd
}

# cond TOKEN...: add tokens to $CONDS (tab-terminated).
cond() {
	for _cd_tok in "$@"; do
		CONDS="$CONDS$_cd_tok$TAB"
	done
}

# The conditions on the acting process, from the last op.
process_conds() {
	cond "process.pid=$OP_PID" "process.parent.pid=$OP_PPID" \
		"process.executable=$OP_EXE" "process.name=${OP_EXE##*/}" \
		"user.id=$OP_UID" "group.id=$OP_GID"
	user_name "$OP_UID"
	[ -n "$USER_NAME" ] && cond "user.name=$USER_NAME"
	[ -n "$OP_TID" ] && cond "process.thread.id=$OP_TID"
}

# path_conds PREFIX PATH: the conditions on one path's ECS fields
# PREFIX.path/name/extension and, for file.*, directory; in escaped form.
# A path with \x escapes may hold invalid UTF-8, which ldwatchd must write
# as U+FFFD (with the exact bytes in ldwatch.raw.PREFIX.path): only its
# exact bytes are checked here, the scenario adds the rest.
path_conds() {
	_pa_prefix=$1 _pa_path=$2
	_pa_name=${_pa_path##*/}
	_pa_dir=${_pa_path%/*}
	[ -n "$_pa_dir" ] || _pa_dir=/
	cond "$_pa_prefix.path@=$_pa_path"
	case $_pa_path in
	*'\x'*) ;;
	*)
		cond "$_pa_prefix.path=$_pa_path" "$_pa_prefix.name=$_pa_name"
		# file.extension: after the last dot of the name, absent without one.
		case $_pa_name in
		*.*) cond "$_pa_prefix.extension=${_pa_name##*.}" ;;
		*) cond "!$_pa_prefix.extension" ;;
		esac
		;;
	esac
	case $_pa_prefix:$_pa_dir in
	file:*'\x'*) ;;
	file:*) cond "file.directory=$_pa_dir" ;;
	esac
}

# The conditions on the rule an alert names: Elastic's (its text's name,
# version, severity, risk score) or the companion's (its data).
rule_conds() {
	if [ "$1" = companion ]; then
		cond "rule.id=$COMPANION_ID" "rule.name=$COMPANION_NAME" \
			"rule.version=$COMPANION_VERSION" \
			"ldwatch.rule.severity=$COMPANION_SEVERITY" \
			"event.severity=$COMPANION_RISK" "event.risk_score=$COMPANION_RISK"
	else
		cond "rule.id=$RULE_ID" "rule.name=$ELASTIC_NAME" \
			"rule.version=$ELASTIC_VERSION" \
			"ldwatch.rule.severity=$ELASTIC_SEVERITY" \
			"event.severity=$ELASTIC_RISK" "event.risk_score=$ELASTIC_RISK"
	fi
}

# host_target PATH: the host target PATH names, if the last op ran from the
# host's root in its mount namespace, into $HOST_TARGET (else empty): one
# of the three files in /etc, or a name directly in /etc/ld.so.conf.d
# (module/targets.h: the target places).
host_target() {
	HOST_TARGET=
	[ -z "$OP_ROOT" ] && [ -z "$OP_NS" ] || return 0
	case $1 in
	/etc/ld.so.preload | /etc/ld.so.conf | /etc/ld.so.cache | /etc/ld.so.conf.d) HOST_TARGET=$1 ;;
	/etc/ld.so.conf.d/*/*) ;;
	/etc/ld.so.conf.d/?*) HOST_TARGET=$1 ;;
	esac
}

# alert [OPTION]... ACTION PATH [OLD] [COND...]: exactly one alert for the
# last op with every field it must carry. ACTION is creation, rename (with
# OLD, the old path), modification, link, symlink or mount; PATH is
# file.path (the process's view). event.type is ["creation"] for creation,
# link and symlink, ["change"] for the others (README's table).
# Options:
#   --companion    the companion rule's alert (default: Elastic's)
#   --target T     ldwatch.target.path, the host's path of the target
#                  (default: the companion's, PATH; Elastic's, what
#                  host_target says of PATH)
#   --no-target    no ldwatch.target.path
#   --alias LIST   ldwatch.target.alias, in the order path,mount_namespace,
#                  root (default: none)
#   --type TYPE    file.type (default: file; symlink for a symlink, dir for
#                  a mount)
#   --host-exe E   ldwatch.process.executable (default: the op's executable
#                  from the host's root, which reaches the same file by it;
#                  '' for absent)
#   --exe-replaced the process replaced its executable link: no
#                  ldwatch.process.executable, executable_replaced true
#   --truncated J  ldwatch.truncated, as compact JSON (default: absent)
# The ldwatch.target.* fields, file.type and ldwatch.process.executable are
# checked on an alert about a host target; any other must have no
# ldwatch.target.path. Every alert says whether the process's root and
# mount namespace are the host's (from the op's --chroot and --userns).
alert() {
	CONDS=
	_al_rule=elastic _al_target=- _al_alias='' _al_type='' _al_hexe=- _al_repl=false _al_cut=''
	while :; do
		case $1 in
		--companion) _al_rule=companion; shift ;;
		--exe-replaced) _al_repl=true _al_hexe=''; shift ;;
		--truncated) _al_cut=$2; shift 2 ;;
		--target) _al_target=$2; shift 2 ;;
		--no-target) _al_target=''; shift ;;
		--alias) _al_alias=$2; shift 2 ;;
		--type) _al_type=$2; shift 2 ;;
		--host-exe) _al_hexe=$2; shift 2 ;;
		*) break ;;
		esac
	done
	cond "event.action=$1"
	case $1 in
	creation | link | symlink) cond 'event.type=["creation"]' ;;
	*) cond 'event.type=["change"]' ;;
	esac
	path_conds file "$2"
	if [ "$_al_target" = - ]; then
		if [ $_al_rule = companion ]; then
			_al_target=$2
		else
			host_target "$2"
			_al_target=$HOST_TARGET
		fi
	fi
	if [ -z "$_al_type" ]; then
		case $1 in
		symlink) _al_type=symlink ;;
		mount) _al_type=dir ;;
		*) _al_type='file' ;;
		esac
	fi
	if [ "$1" = rename ]; then
		path_conds file.Ext.original "$3"
		shift 3
	else
		cond '!file.Ext.original.path'
		shift 2
	fi
	process_conds
	rule_conds $_al_rule
	_al_root=true _al_ns=true
	[ -z "$OP_ROOT" ] || _al_root=false
	[ -z "$OP_NS" ] || _al_ns=false
	cond "ldwatch.process.host_root=$_al_root" \
		"ldwatch.process.host_mount_namespace=$_al_ns" \
		"ldwatch.process.executable_replaced=$_al_repl"
	if [ -n "$_al_cut" ]; then
		cond "ldwatch.truncated=$_al_cut"
	else
		cond '!ldwatch.truncated'
	fi
	if [ -n "$_al_target" ]; then
		cond "ldwatch.target.path@=$_al_target" "file.type=$_al_type"
		if [ -n "$_al_alias" ]; then
			# ["a","b"]: the list's JSON text, compact.
			_al_json='' _al_rest=$_al_alias,
			while [ -n "$_al_rest" ]; do
				_al_json="$_al_json${_al_json:+,}\"${_al_rest%%,*}\""
				_al_rest=${_al_rest#*,}
			done
			cond "ldwatch.target.alias=[$_al_json]"
		else
			cond '!ldwatch.target.alias'
		fi
		[ "$_al_hexe" = - ] && _al_hexe=$OP_HOST_EXE
		if [ -n "$_al_hexe" ]; then
			cond "ldwatch.process.executable=$_al_hexe"
		else
			cond '!ldwatch.process.executable'
		fi
	else
		cond '!ldwatch.target.path'
	fi
	cond event.outcome=success "$@"
	printf 'exactly\t1\t%s\n' "${CONDS%"$TAB"}" >>"$SPEC"
}

# no_alert COND...: no alert in the window meets every COND.
no_alert() {
	spec none "$@"
}

# alerts N COND...: exactly N alerts meet every COND.
alerts() {
	spec exactly "$@"
}

# total N: the window holds N alerts in all.
total() {
	spec total "$1"
}

# run_expect ARGS...: run ldw-expect, pass its results on. Its result
# lines are single-line printable ASCII by construction (ldw-expect escapes
# every other byte), so they go to the result channel as they are, without
# lib.sh's per-line sanitizing fork.
run_expect() {
	"$EXPECT" "$@" >"$LDW_DIR/expect.out" 2>&1
	_re_rc=$?
	while IFS= read -r _re_line; do
		case $_re_line in
		'ok - '* | 'not ok - '*) printf '%s\n' "$_re_line" >>"$LDW_RESULTS" ;;
		esac
		printf '%s\n' "$_re_line"
	done <"$LDW_DIR/expect.out"
	if [ "$_re_rc" -gt 1 ]; then
		not_ok "[$SCEN] ldw-expect $1 ran (exit status $_re_rc)"
	fi
	return "$_re_rc"
}

# fence: create a fence file and wait for its alert; its sequence number
# goes to $FENCE_SEQ. Lines of $ALERTS before FENCE_FROM_LINE (default 1)
# are ignored: they belong to an earlier load of the module. The next
# scenario's cleanup removes the fence file.
fence() {
	state_get fence.n
	_fe_n=$((STATE + 1))
	state_set fence.n "$_fe_n"
	state_get fence.seq
	_fe_path=/etc/ld.so.conf.d/.ldw-fence-$_fe_n
	mkdir -p /etc/ld.so.conf.d
	"$OPS" creat "$_fe_path" >/dev/null || return 1
	FENCE_SEQ=$("$EXPECT" wait "$ALERTS" --path "$_fe_path" --since "$STATE" \
		--from-line "${FENCE_FROM_LINE:-1}" --timeout "$FENCE_TIMEOUT" \
		2>"$LDW_DIR/fence.stderr")
}

# collect [LDW-EXPECT ARG]...: end the scenario: fence, then check its
# window against the spec, and the extra clauses given (with their own
# selection options: ldw-expect --help).
collect() {
	cleanup_targets
	if sensor_broken; then
		state_get broken
		not_ok "[$SCEN] alerts collected (the sensor is not working: $STATE)"
		return 1
	fi
	state_get fence.seq
	_co_from=$STATE
	if ! fence; then
		not_ok "[$SCEN] alerts collected (the fence alert came, with every alert before it)"
		sed 's/^/#   /' "$LDW_DIR/fence.stderr"
		diag "the last records ldwatchd wrote:"
		tail -n 5 "$ALERTS" | "$EXPECT" summary /dev/stdin | sed 's/^/#   /'
		mark_broken "a fence alert did not come in $FENCE_TIMEOUT s (scenario: $SCEN)"
		return 1
	fi
	state_set fence.seq "$FENCE_SEQ"
	run_expect check "$ALERTS" --after "$_co_from" --before "$FENCE_SEQ" \
		--from-line "${FENCE_FROM_LINE:-1}" --name "[$SCEN]" --spec "$SPEC" "$@"
	scenario_took
}

# collect_lines N [LDW-EXPECT ARG]...: end a scenario that produces N
# alerts (and nothing else) without a fence: wait until $ALERTS has N lines
# more than SCEN_LINES (the scenario sets it), or stops growing for 20 s;
# then check every alert after the previous fence. For floods, where a
# fence would cost a parse of every line while they stream in. The file's
# size is polled (cheap); its lines are counted only when it stopped growing.
collect_lines() {
	_cl_want=$1
	shift
	state_get fence.seq
	_cl_from=$STATE
	_cl_size=-1
	_cl_still=0
	_cl_n=0
	while [ "$_cl_still" -lt 100 ]; do
		sleep 0.2
		_cl_now=$(stat -c %s "$ALERTS")
		if [ "$_cl_now" -ne "$_cl_size" ]; then
			_cl_size=$_cl_now
			_cl_still=0
			continue
		fi
		_cl_still=$((_cl_still + 1))
		# Counted after 0.6 s without growth, and each 2 s after that.
		[ $((_cl_still % 10)) -eq 3 ] || continue
		_cl_n=$(($(wc -l <"$ALERTS") - SCEN_LINES))
		[ "$_cl_n" -ge "$_cl_want" ] && break
	done
	if [ "$_cl_n" -ge "$_cl_want" ]; then
		scenario_took
	else
		diag "[$SCEN] only $_cl_n of $_cl_want lines came; checking what is there"
	fi
	run_expect check "$ALERTS" --after "$_cl_from" --from-line "$((SCEN_LINES + 1))" \
		--name "[$SCEN]" --spec "$SPEC" "$@"
	# The highest number the window holds, not the last line's: a record
	# without one (ldwatchd's heartbeat) may have come last.
	_cl_seq=$("$EXPECT" fields "$ALERTS" "$((SCEN_LINES + 1))" event.sequence |
		grep -E '^[0-9]+$' | sort -n | tail -n 1)
	[ -n "$_cl_seq" ] && state_set fence.seq "$_cl_seq"
	"$EXPECT" get "$ALERTS" event.sequence >/dev/null 2>&1 ||
		diag "[$SCEN] the last record has no event.sequence: $("$EXPECT" get "$ALERTS" event.action 2>&1)"
	scenario_took
}
