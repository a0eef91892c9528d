# shellcheck shell=sh
#
# `make bench` in the guest: the microbenchmarks (ldw-bench) under each
# configuration (none, ldwatch, rules, prefix, kprobe, audit), in alternating
# rounds, all in this one boot. tests/bench/run.sh packs this script,
# /tests/bench/lib.sh (tests/bench/guest/lib.sh), /tests/bench.conf
# (ROUNDS, CONFIGS, ITERATIONS, FILESYSTEMS) and the rule files of the
# rules and prefix configurations (/tests/bench/rules/) and reads the
# figures back.
#
# Every figure goes to the result channel as one line
#
#     bench CONFIG ROUND FS OPERATION ITERATIONS NANOSECONDS BATCH FASTEST
#
# (run-vm.sh ignores such lines; run.sh collects them). Every switch of
# configuration is checked: a configuration whose check fails is not
# measured in that round, so no figure is ever labelled with a sensor that
# was not in force.
#
# The configurations:
#   none     no ldwatch module, audit disabled, no auditd
#   ldwatch  ldwatch.ko loaded (hooks by ftrace, the default), ldwatchd
#            running and writing to a file; checked by a target write that
#            must become an alert
#   rules    ldwatch, and every shipped rule in force at once (rules/):
#            Elastic's v3 (the built-in), copies of v7 and v9 under ids of
#            their own (the three share one id, and a rule of the same id
#            would replace the built-in) and the companion rule;
#            checked by `ldwatchctl rules list` and by a target write that
#            must alert under each of the three Elastic rules
#   prefix   the same as rules, and the prefix-anchored ld.so rule
#            (tests/bench/data/ld-so-creation.eql) besides: what a rule
#            anchored on a name's prefix costs; checked as rules, and by a
#            creation of an ld.so name that must alert under the ld.so
#            rule (a module that refuses the rule fails the check: prefix
#            anchors are the module's)
#   kprobe   the same as ldwatch with ldwatch.ko loaded with hook=kprobe
#   audit    auditd running, audit enabled, the watch rules an
#            administrator writes for the same files; checked by a target
#            write that must become an audit record
#
# Audit has one lasting effect: once it has been enabled, every process
# forked afterwards carries syscall auditing (audit_alloc() tests
# audit_ever_enabled, not audit_enabled), even after `auditctl -e 0`, and
# that costs instructions on every system call. So leaving the audit
# configuration adds the task rule `-a task,never`, which makes new
# processes start without it, as on a host where audit was never enabled;
# entering it removes the rule again (auditctl -D). run.sh shows that the
# figures of "none" before the first audit round and after it agree.

# shellcheck source-path=SCRIPTDIR source=../../vm/guest-lib.sh
. /tests/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /tests/bench/lib.sh
exec 9>>"$LDW_RESULTS"

# Defaults, overridden by /tests/bench.conf.
ROUNDS=1
CONFIGS="none ldwatch rules prefix kprobe audit"
FILESYSTEMS="tmpfs ext4"
BENCH=/usr/local/bin/ldw-bench
# OPERATION:N ...; default: every operation of ldw-bench --list, 100 each.
ITERATIONS=
# shellcheck source=/dev/null
[ -r /tests/bench.conf ] && . /tests/bench.conf
[ -n "$ITERATIONS" ] || ITERATIONS=$("$BENCH" --list | awk '{ printf "%s%s:100", NR > 1 ? " " : "", $1 }')

STATE=/run/ldw-bench
ALERTS=$STATE/alerts.ndjson
AUDIT_LOG=/var/log/audit/audit.log
EXT4_IMAGE=/images/ext4.img
# The directories the operations work in, per file system: three levels
# down, like a server's files (the prefilter walks up to the root).
DIR_tmpfs=/tmp/ldw-bench
DIR_ext4=/mnt/ext4/ldw-bench
# The administrator's watch rules for the files the rule protects.
AUDIT_WATCHES="/etc/ld.so.preload /etc/ld.so.conf /etc/ld.so.conf.d"
WAIT_S=20
# The rules and prefix configurations: the files as packed, and the copies
# they load.
RULES_SRC=/tests/bench/rules
RULES_DIR=$STATE/rules
ELASTIC_ID=640f79d1-571d-4f96-a9af-1194fc8cf763
COMPANION_ID=e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba
LDSO_ID=ldwatch-bench-ld-so-creation
V7_ID=$ELASTIC_ID-bench-v7
V9_ID=$ELASTIC_ID-bench-v9

mkdir -p "$STATE"

# has_line FILE PATTERN...: FILE has a line holding every fixed PATTERN.
has_line() {
	_hl_file=$1
	shift
	[ -r "$_hl_file" ] || return 1
	_hl_cmd="grep -F -e \"\$1\" \"\$_hl_file\""
	_hl_i=2
	while [ "$_hl_i" -le $# ]; do
		_hl_cmd="$_hl_cmd | grep -F -e \"\${$_hl_i}\""
		_hl_i=$((_hl_i + 1))
	done
	eval "$_hl_cmd" >/dev/null
}

# note TEXT: a diag line on the console, and on the result channel as
# "bench-note TEXT", which run.sh shows in its output.
note() {
	diag "$*"
	printf 'bench-note %s\n' "$*" >>"$LDW_RESULTS"
}

module_loaded() {
	grep -q '^ldwatch ' /proc/modules
}

# audit_enabled_is N: `auditctl -s` reports "enabled N".
audit_enabled_is() {
	auditctl -s 2>/dev/null | grep -qx "enabled $1"
}

# pid_alive FILE: the process whose pid FILE holds is running.
pid_alive() {
	[ -r "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_daemon NAME: SIGTERM the daemon started by start_daemon, wait for it.
stop_daemon() {
	pid_alive "$STATE/$1.pid" || return 0
	kill -TERM "$(cat "$STATE/$1.pid")"
	wait_for "$WAIT_S" test -e "$STATE/$1.rc"
}

# target_write NAME: a fresh process (so that audit gives it a context)
# creates /etc/ld.so.conf.d/NAME, which both sensors watch, and removes it.
target_write() {
	sh -c ': >"/etc/ld.so.conf.d/$1" && rm -f "/etc/ld.so.conf.d/$1"' target-write "$1"
}

# ------------------------------------------------------- configurations

# Each cfg_on_X / cfg_off_X reports one result and returns non-zero if the
# configuration is not (or no longer) what its name says.

cfg_on_none() {
	if module_loaded || ! audit_enabled_is 0 || pid_alive "$STATE/auditd.pid" ||
		pid_alive "$STATE/ldwatchd.pid"; then
		not_ok "[round $ROUND] none: no ldwatch module, audit disabled, no daemon"
		grep '^ldwatch ' /proc/modules
		auditctl -s
		return 1
	fi
	ok "[round $ROUND] none: no ldwatch module, audit disabled, no daemon"
}

cfg_off_none() {
	:
}

# sensor_on CONFIG HOOK [SETUP]: ldwatch.ko loaded with hook=HOOK,
# ldwatchd connected, SETUP (a function) done, a target write alerts (under
# each rule id of $ALERT_IDS too, if SETUP sets it), audit disabled. SETUP
# says what failed in $WHY.
sensor_on() {
	_desc="[round $ROUND] $1: module loaded with hook=$2, ldwatchd running,${3:+ $3 done,} a target write alerts"
	_check=bench-check-$ROUND-$1
	ALERT_IDS=
	: >"$ALERTS"
	# Every round's target write is to alert: no rate limit.
	if ! insmod /lib/ldwatch/ldwatch.ko hook="$2" rate_limit_alerts=0; then
		not_ok "$_desc (insmod failed)"
		dmesg | tail -n 20
		return 1
	fi
	if [ "$(cat /sys/module/ldwatch/parameters/hook 2>/dev/null)" != "$2" ]; then
		not_ok "$_desc (/sys/module/ldwatch/parameters/hook is not $2)"
		return 1
	fi
	start_daemon ldwatchd ldwatchd --output "$ALERTS"
	if ! wait_for "$WAIT_S" has_line "$ALERTS" '"action":"ldwatch-connected"'; then
		not_ok "$_desc (ldwatchd did not connect)"
		cat "$STATE/ldwatchd.stderr"
		return 1
	fi
	WHY=
	if [ -n "${3:-}" ] && ! "$3"; then
		not_ok "$_desc ($3: $WHY)"
		return 1
	fi
	target_write "$_check"
	if ! wait_for "$WAIT_S" has_line "$ALERTS" '"dataset":"ldwatch.alert"' \
		"\"path\":\"/etc/ld.so.conf.d/$_check\""; then
		not_ok "$_desc (no alert for /etc/ld.so.conf.d/$_check)"
		tail -n 5 "$ALERTS"
		return 1
	fi
	for _id in $ALERT_IDS; do
		if ! wait_for "$WAIT_S" has_line "$ALERTS" '"dataset":"ldwatch.alert"' \
			"\"path\":\"/etc/ld.so.conf.d/$_check\"" "\"id\":\"$_id\""; then
			not_ok "$_desc (no alert of rule $_id for /etc/ld.so.conf.d/$_check)"
			tail -n 5 "$ALERTS"
			return 1
		fi
	done
	if ! audit_enabled_is 0; then
		not_ok "$_desc (and audit disabled)"
		return 1
	fi
	ok "$_desc"
}

# sensor_off CONFIG: ldwatchd stopped (exit status 0), the module unloaded.
sensor_off() {
	_desc="[round $ROUND] $1: ldwatchd stopped (exit status 0), module unloaded"
	stop_daemon ldwatchd
	if ! pid_alive "$STATE/ldwatchd.pid" && [ "$(cat "$STATE/ldwatchd.rc" 2>/dev/null)" = 0 ] &&
		rmmod ldwatch && ! module_loaded; then
		ok "$_desc"
	else
		not_ok "$_desc"
		cat "$STATE/ldwatchd.stderr"
		return 1
	fi
}

cfg_on_ldwatch() {
	sensor_on ldwatch ftrace
}

cfg_off_ldwatch() {
	sensor_off ldwatch
}

# rules_prepare: the rule files the rules and prefix configurations load, into
# $RULES_DIR: the shipped v7 and v9 under ids of their own (their `// id:`
# line rewritten), the companion and the ld.so rule as they are.
rules_prepare() {
	mkdir -p "$RULES_DIR"
	for _v in 7 9; do
		eval "_id=\$V${_v}_ID"
		sed "s|^// id: $ELASTIC_ID\$|// id: $_id|" "$RULES_SRC/elastic-640f79d1-v$_v.eql" \
			>"$RULES_DIR/v$_v.eql" || return 1
		grep -qx "// id: $_id" "$RULES_DIR/v$_v.eql" || return 1
		note "rules: loads Elastic's v$_v as $RULES_DIR/v$_v.eql, its id rewritten to $_id (v3, the built-in, keeps $ELASTIC_ID)"
	done
	cp "$RULES_SRC/ldwatch-companion-v1.eql" "$RULES_DIR/companion.eql" &&
		cp "$RULES_SRC/ld-so-creation.eql" "$RULES_DIR/ld-so-creation.eql"
}

# rules_load [ld-so-creation]: the shipped rules of $RULES_DIR loaded (v7,
# v9, the companion), and the ld.so rule if asked for; any refusal is a
# failure. Then `rules list` must show exactly the set: the built-in v3
# and the loaded rules. ALERT_IDS: the rules a target write must alert
# under.
rules_load() {
	_want="$ELASTIC_ID:built-in $V7_ID:loaded $V9_ID:loaded $COMPANION_ID:loaded"
	for _f in v7 v9 companion ${1:-}; do
		if ! ldwatchctl rules load "$RULES_DIR/$_f.eql" >"$STATE/rules-load.out" 2>&1; then
			WHY="ldwatchctl rules load $_f.eql: $(cat "$STATE/rules-load.out")"
			return 1
		fi
	done
	[ -z "${1:-}" ] || _want="$_want $LDSO_ID:loaded"
	if ! ldwatchctl rules list --json >"$STATE/rules-list.json" 2>"$STATE/rules-list.err"; then
		WHY="ldwatchctl rules list --json: $(cat "$STATE/rules-list.err")"
		return 1
	fi
	_n=0
	for _r in $_want; do
		_n=$((_n + 1))
		if ! has_line "$STATE/rules-list.json" "\"id\":\"${_r%:*}\"" "\"origin\":\"${_r#*:}\""; then
			WHY="rules list shows no rule ${_r%:*} of origin ${_r#*:}: $(cat "$STATE/rules-list.json")"
			return 1
		fi
	done
	if [ "$(wc -l <"$STATE/rules-list.json")" -ne "$_n" ]; then
		WHY="rules list shows $(wc -l <"$STATE/rules-list.json") rules, not $_n: $(cat "$STATE/rules-list.json")"
		return 1
	fi
	ALERT_IDS="$ELASTIC_ID $V7_ID $V9_ID"
}

# prefix_load: rules_load with the ld.so rule too.
prefix_load() {
	rules_load ld-so-creation
}

# cfg_on_rules: the sensor with every shipped rule in force.
cfg_on_rules() {
	sensor_on rules ftrace rules_load
}

cfg_off_rules() {
	sensor_off rules
}

# cfg_on_prefix: the sensor with every shipped rule and the ld.so rule in
# force; a creation of an ld.so name alerts under the ld.so rule.
cfg_on_prefix() {
	sensor_on prefix ftrace prefix_load || return 1
	_ldso=/lib/ld-linux-ldwbench-$ROUND.so.1
	_desc="[round $ROUND] prefix: a creation of $_ldso alerts under $LDSO_ID"
	sh -c ': >"$1" && rm -f "$1"' ldso-write "$_ldso"
	if ! wait_for "$WAIT_S" has_line "$ALERTS" '"dataset":"ldwatch.alert"' \
		"\"path\":\"$_ldso\"" "\"id\":\"$LDSO_ID\""; then
		not_ok "$_desc"
		tail -n 5 "$ALERTS"
		return 1
	fi
	ok "$_desc"
}

cfg_off_prefix() {
	sensor_off prefix
}

cfg_on_kprobe() {
	sensor_on kprobe kprobe
}

cfg_off_kprobe() {
	sensor_off kprobe
}

cfg_on_audit() {
	_desc="[round $ROUND] audit: auditd running, audit enabled, watch rules loaded, a target write is recorded"
	_check=bench-check-$ROUND-audit
	# Also removes `-a task,never` (see the top of this file).
	auditctl -D >/dev/null
	start_daemon auditd auditd -n
	if ! wait_for "$WAIT_S" test -e "$AUDIT_LOG"; then
		not_ok "$_desc (auditd did not start)"
		cat "$STATE/auditd.stderr"
		return 1
	fi
	auditctl -e 1 >/dev/null
	for _w in $AUDIT_WATCHES; do
		auditctl -w "$_w" -p wa
	done
	if ! audit_enabled_is 1 || [ "$(auditctl -l | grep -c '^-w /etc/ld\.so\.')" -ne 3 ] ||
		! auditctl -s | grep -qx "pid $(cat "$STATE/auditd.pid")"; then
		not_ok "$_desc (auditctl -s and -l)"
		auditctl -s
		auditctl -l
		return 1
	fi
	target_write "$_check"
	if ! wait_for "$WAIT_S" has_line "$AUDIT_LOG" "$_check"; then
		not_ok "$_desc (no audit record names $_check)"
		tail -n 5 "$AUDIT_LOG"
		return 1
	fi
	if module_loaded; then
		not_ok "$_desc (and no ldwatch module)"
		return 1
	fi
	ok "$_desc"
}

cfg_off_audit() {
	_desc="[round $ROUND] audit: rules deleted, audit disabled, auditd stopped"
	auditctl -D >/dev/null
	auditctl -e 0 >/dev/null
	stop_daemon auditd
	auditctl -a task,never
	if audit_enabled_is 0 && ! pid_alive "$STATE/auditd.pid" &&
		[ "$(auditctl -l)" = "-a never,task" ]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		auditctl -s
		auditctl -l
		return 1
	fi
}

# ------------------------------------------------------------- measure

# measure CONFIG [SINK]: every operation on every file system, one process
# each; the figures go to SINK (default: the result channel).
measure() {
	_sink=${2:-$LDW_RESULTS}
	for _fs in $FILESYSTEMS; do
		case $_fs in
		tmpfs) _dir=$DIR_tmpfs ;;
		ext4) _dir=$DIR_ext4 ;;
		*) not_ok "[round $ROUND] $1: a directory for file system $_fs"; continue ;;
		esac
		for _spec in $ITERATIONS; do
			_op=${_spec%%:*}
			_n=${_spec#*:}
			if _out=$("$BENCH" "$_op" "$_dir" "$_n" 2>"$STATE/bench.stderr"); then
				# "OPERATION ITERATIONS NANOSECONDS BATCH FASTEST"
				printf 'bench %s %s %s %s\n' "$1" "$ROUND" "$_fs" "$_out" >>"$_sink"
			else
				not_ok "[round $ROUND] $1: ldw-bench $_op on $_fs ran"
				sed 's/^/#   /' "$STATE/bench.stderr"
			fi
		done
	done
}

# ---------------------------------------------------------------- setup

setup_ok=1
check "the tmpfs directory exists" mkdir -p "$DIR_tmpfs" || setup_ok=0
case " $FILESYSTEMS " in
*" ext4 "*)
	mkdir -p /mnt/ext4
	if check "mount the ext4 image through a loop device" \
		mount -t ext4 -o loop "$EXT4_IMAGE" /mnt/ext4; then
		mkdir -p "$DIR_ext4"
	else
		setup_ok=0
	fi
	;;
esac
# auditd's files; its log on a tmpfs of its own, so that the free space it
# checks is a tmpfs's and not the initramfs's (which reports none).
mkdir -p /var/log/audit /etc/audit/plugins.d /etc/ld.so.conf.d
[ -e /var/run ] || ln -s /run /var/run
mount -t tmpfs -o size=64m,mode=0700 audit-log /var/log/audit
check "audit is disabled at boot" audit_enabled_is 0 || setup_ok=0
case " $CONFIGS " in
*" rules "* | *" prefix "*) check "the rule files of rules and prefix are in place" rules_prepare || setup_ok=0 ;;
esac
[ "$setup_ok" = 1 ] || exit 1

# One untimed pass first: the first run of each operation in a fresh boot
# also pays for growing the caches and slabs it needs.
ROUND=0
measure warm-up /dev/null
uptime_cs
START=$NOW
ROUND=1
while [ "$ROUND" -le "$ROUNDS" ]; do
	for cfg in $CONFIGS; do
		if "cfg_on_$cfg"; then
			measure "$cfg"
		fi
		"cfg_off_$cfg" || {
			not_ok "[round $ROUND] $cfg: switched off; the remaining rounds are not run"
			exit 1
		}
	done
	uptime_cs
	diag "round $ROUND of $ROUNDS done, guest time $(((NOW - START) / 100)) s"
	ROUND=$((ROUND + 1))
done

if grep -q '^/dev/loop' /proc/mounts; then
	umount /mnt/ext4
fi
