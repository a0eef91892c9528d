# shellcheck shell=sh
#
# The flood measurement in the guest (tests/bench/flood.sh packs this
# script, /tests/bench/lib.sh (tests/bench/guest/lib.sh), ldw-flood,
# ldwatchd, ldwatchctl, the module and /tests/flood.conf, and reads the
# figures back). Three floods in this one boot, each by PROCS
# processes creating and renaming files in /etc/ld.so.conf.d, every one an
# operation the rule alerts on, for FLOOD_S seconds:
#
#   none     no module: the operations' latency without a sensor
#   flowing  the module loaded, ldwatchd reading and writing to a file on
#            tmpfs
#   stopped  the same, with ldwatchd stopped (SIGSTOP) for PAUSE_FOR
#            seconds from PAUSE_AT seconds on
#
# These floods run without the rate limit (rate_limit_alerts=0). Then, with
# the module's own rate limit, the unprivileged flooder of issue 14 beside
# root's writes of real targets (userns, userns-spread: see userns_flood).
#
# Each sensor flood has a load of the module of its own, so its counters and
# its ldwatch.load_id are the flood's alone. After the flood the delivery
# queue is drained (every sequence number given out is sent or dropped, and
# ldwatchd has written every alert sent), the module's status is read, and
# the module is unloaded so that ldwatchd also reports losses at the end of
# the sequence. Then, exactly:
#
#   delivered (alert documents for the load) + dropped (the module's drop
#   counters) == the target operations the flood processes performed;
#   the ldwatch-alerts-lost records' counts sum to the drop counters;
#   the slab memory of kmalloc and socket buffers the flood added stays
#   under the bound derived from the module's parameters (see slab_bound);
#   and, with ldwatchd stopped, the hooked processes went on: their
#   operations in the stop window took at most half of it (a process that
#   waited for the daemon would wait for the rest of the stop).
#
# Figures go to the result channel as "flood CONFIG KEY VALUE..." lines
# (run-vm.sh ignores them; flood.sh collects them).

# shellcheck source-path=SCRIPTDIR source=../../vm/guest-lib.sh
. /tests/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /tests/bench/lib.sh
exec 9>>"$LDW_RESULTS"

# Defaults, overridden by /tests/flood.conf.
PROCS=2
FLOOD_S=10
PAUSE_AT=2.5
PAUSE_FOR=5
CONFIGS="none flowing stopped rate"
RATE_STEPS=6
RATE_STEP_S=5
LAG_MS=250
USERNS_S=20
USERNS_UID=65534
ROOT_EVERY=1
ROOT_LAG_MS=1000
MODULE_PARAMS=
RECEIVE_BUFFER=
TIMING_CHECKS=1
# From module/capture.c (LDW_CAPTURE_SLOTS) and <linux/limits.h>.
CAPTURE_SLOTS=64
PATH_MAX=4096
# shellcheck source=/dev/null
[ -r /tests/flood.conf ] && . /tests/flood.conf

FLOOD=/usr/local/bin/ldw-flood
KO=/lib/ldwatch/ldwatch.ko
STATE=/run/ldw-flood
TARGET=/etc/ld.so.conf.d
PREFIX=$TARGET/flood-
WAIT_S=20
DRAIN_S=120

# figure CONFIG KEY VALUE...: one figure for the host.
figure() {
	printf 'flood %s\n' "$*" >>"$LDW_RESULTS"
}

# has_record FILE ACTION: ldwatchd wrote a record with event.action ACTION.
has_record() {
	grep -q "\"action\":\"$2\"" "$1" 2>/dev/null
}

# json_num TEXT KEY: the number after the first "KEY": in TEXT, into $NUM.
json_num() {
	NUM=$(printf '%s\n' "$1" | sed -n "s/.*\"$2\":\\([0-9][0-9]*\\).*/\\1/p")
}

# json_str TEXT KEY: the string after the first "KEY": in TEXT, into $STR.
json_str() {
	STR=$(printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p")
}

# value FILE KEY: the rest of FILE's line "KEY ..." (ldw-flood's output).
value() {
	sed -n "s/^$2 //p" "$1"
}

# stop_daemon NAME: SIGTERM (after SIGCONT), wait for its exit status.
stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -CONT "$DAEMON_PID" 2>/dev/null
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait_for "$WAIT_S" test -s "$STATE/$1.rc"
	DAEMON_PID=
}

# alerts_written FILE: the records in FILE the module counts as sent while
# it runs, into $NUM: alert documents and the rate limit's summaries.
alerts_written() {
	# The file alerts, not the sensor's own (ldwatch.tamper).
	NUM=$(grep -c -e '"dataset":"ldwatch.alert"' -e '"action":"ldwatch-alerts-suppressed"' \
		"$1" 2>/dev/null)
	NUM=${NUM:-0}
}

# drained FILE: every sequence number given out is sent or dropped (the
# queue is empty), and FILE holds every alert sent but the $WRITTEN_BEFORE
# in earlier files; the status in $STATUS.
drained() {
	STATUS=$(ldwatchctl status --json 2>/dev/null) || return 1
	json_num "$STATUS" next_sequence
	_dr_next=$NUM
	json_num "$STATUS" sent
	_dr_sent=$NUM
	json_num "$STATUS" dropped_total
	_dr_dropped=$NUM
	[ -n "$_dr_next" ] && [ -n "$_dr_sent" ] && [ -n "$_dr_dropped" ] || return 1
	[ $((_dr_next - 1)) -eq $((_dr_sent + _dr_dropped)) ] || return 1
	alerts_written "$1"
	[ $((NUM + WRITTEN_BEFORE)) -eq "$_dr_sent" ]
}

# run_flood CONFIG [OPTION]...: the flood, its output in $STATE/CONFIG.flood;
# every line also a figure.
run_flood() {
	_rf_cfg=$1
	shift
	if ! "$FLOOD" flood --procs "$PROCS" --seconds "$FLOOD_S" "$@" "$TARGET" \
		>"$STATE/$_rf_cfg.flood" 2>"$STATE/$_rf_cfg.flood.stderr"; then
		not_ok "[$_rf_cfg] ldw-flood ran"
		sed 's/^/#   /' "$STATE/$_rf_cfg.flood.stderr"
		return 1
	fi
	while read -r _rf_line; do
		figure "$_rf_cfg $_rf_line"
	done <"$STATE/$_rf_cfg.flood"
	OPS=$(value "$STATE/$_rf_cfg.flood" operations)
	_rf_rate=$(value "$STATE/$_rf_cfg.flood" rate)
	[ "$_rf_rate" = 0 ] && _rf_rate="as fast as they could" || _rf_rate="offered $_rf_rate/s"
	ok "[$_rf_cfg] $PROCS processes performed $OPS target operations in $(value "$STATE/$_rf_cfg.flood" seconds) s, $_rf_rate"
}

# slab_bound RECEIVE_BUFFER: the most slab the module and its listener's
# socket can hold, from the module's parameters, into $BOUND (and the
# terms into $BOUND_TERMS):
#   queue:   the queued alerts' bytes (record and strings) are at most
#            min(queue_max_bytes, queue_max_alerts x the largest alert),
#            and kmalloc() rounds a request up to less than twice its size;
#   capture: each of the CAPTURE_SLOTS operations judged at once holds
#            three PATH_MAX scratch buffers and the alert being built;
#   netlink: ldwatchd's receive queue takes messages while it holds at most
#            its receive buffer, so one more; the work item builds one.
# The largest alert: three paths of PATH_MAX and the record, 512 bytes
# being more than the record and the netlink headers around it.
slab_bound() {
	read -r _sb_alerts </sys/module/ldwatch/parameters/queue_max_alerts
	read -r _sb_bytes </sys/module/ldwatch/parameters/queue_max_bytes
	_sb_alert=$((3 * PATH_MAX + 512))
	_sb_held=$((_sb_alerts * _sb_alert))
	[ "$_sb_held" -gt "$_sb_bytes" ] && _sb_held=$_sb_bytes
	_sb_queue=$((2 * _sb_held))
	_sb_capture=$((CAPTURE_SLOTS * (3 * PATH_MAX + 2 * _sb_alert)))
	_sb_netlink=$(($1 + 2 * 2 * 2 * _sb_alert))
	BOUND=$((_sb_queue + _sb_capture + _sb_netlink))
	BOUND_TERMS="queue_max_alerts $_sb_alerts queue_max_bytes $_sb_bytes queue $_sb_queue capture $_sb_capture netlink $_sb_netlink"
}

# sensor_start CONFIG [RATE_LIMIT]: load the module, start ldwatchd writing
# $STATE/CONFIG.ndjson ($OUT), wait for it to connect; the slab bound into
# $BOUND. RATE_LIMIT: module parameters of the rate limit (default
# rate_limit_alerts=0, none; "" for the module's defaults).
sensor_start() {
	_cfg=$1
	_rl=${2-rate_limit_alerts=0}
	OUT=$STATE/$_cfg.ndjson
	WRITTEN_BEFORE=0
	: >"$OUT"
	# Without a rate limit every operation is to be delivered or counted
	# as dropped. MODULE_PARAMS come later, and so win.
	# shellcheck disable=SC2086 # lists of words
	if ! insmod "$KO" $_rl $MODULE_PARAMS; then
		not_ok "[$_cfg] insmod ldwatch.ko $_rl $MODULE_PARAMS"
		dmesg | tail -n 20
		return 1
	fi
	set -- --output "$OUT"
	[ -n "$RECEIVE_BUFFER" ] && set -- "$@" --receive-buffer "$RECEIVE_BUFFER"
	start_daemon "ldwatchd-$_cfg" ldwatchd "$@"
	if ! wait_for "$WAIT_S" has_record "$OUT" ldwatch-connected; then
		not_ok "[$_cfg] ldwatchd connected"
		sed 's/^/#   /' "$STATE/ldwatchd-$_cfg.stderr"
		return 1
	fi
	_connected=$(grep '"action":"ldwatch-connected"' "$OUT")
	json_num "$_connected" receive_buffer
	_rcvbuf=${NUM:-0}
	slab_bound "$_rcvbuf"
	figure "$_cfg slab_bound_bytes $BOUND"
	figure "$_cfg slab_bound_terms $BOUND_TERMS receive_buffer $_rcvbuf"
}

# drain CONFIG: wait until the queue is empty and ldwatchd wrote every
# alert sent ($STATUS: the status then).
drain() {
	wait_for "$DRAIN_S" drained "$OUT" && return 0
	not_ok "[$1] the queue drained within $DRAIN_S s and ldwatchd wrote every alert sent"
	printf '# %s\n' "$STATUS"
	alerts_written "$OUT"
	diag "alerts written: $NUM"
	return 1
}

# sensor_stop CONFIG: unload the module (so that ldwatchd also reports
# losses at the end of the sequence, and the rate limit's open windows send
# their summaries), wait for ldwatchd to write ldwatch-sensor-stopping, and
# stop ldwatchd.
sensor_stop() {
	check "[$1] rmmod ldwatch" rmmod ldwatch
	wait_for "$WAIT_S" has_record "$OUT" ldwatch-sensor-stopping ||
		not_ok "[$1] ldwatchd wrote ldwatch-sensor-stopping after the unload"
	stop_daemon "ldwatchd-$1"
	check "[$1] ldwatchd exited with status 0" \
		test "$(cat "$STATE/ldwatchd-$1.rc" 2>/dev/null)" = 0
}

# sensor_finish CONFIG OPERATIONS FILE...: after drain: read the module's
# status, unload it (so that ldwatchd also reports losses at the end of the
# sequence), stop ldwatchd, and account for OPERATIONS target operations
# with what ldwatchd wrote (FILE..., in order).
sensor_finish() {
	_cfg=$1
	_ops=$2
	shift 2
	json_str "$STATUS" load_id
	_load=$STR
	json_num "$STATUS" dropped_total
	_dropped=$NUM
	json_num "$STATUS" sent
	_sent=$NUM
	json_num "$STATUS" matched
	figure "$_cfg status $(printf '%s\n' "$STATUS" | sed 's/,"rule":{.*//')"
	figure "$_cfg module load_id $_load matched $NUM sent $_sent dropped $_dropped"
	sensor_stop "$_cfg"

	cat "$@" >"$STATE/$_cfg.all.ndjson"
	if ! "$FLOOD" alerts "$STATE/$_cfg.all.ndjson" "$PREFIX" >"$STATE/$_cfg.alerts" \
		2>"$STATE/$_cfg.alerts.stderr"; then
		not_ok "[$_cfg] ldw-flood alerts read what ldwatchd wrote"
		sed 's/^/#   /' "$STATE/$_cfg.alerts.stderr"
		return 1
	fi
	rm -f "$STATE/$_cfg.all.ndjson" "$@"
	_n=$(grep -c '^load ' "$STATE/$_cfg.alerts")
	_line=$(grep "^load $_load " "$STATE/$_cfg.alerts")
	if [ "$_n" != 1 ] || [ -z "$_line" ]; then
		not_ok "[$_cfg] ldwatchd wrote for one load of the module, $_load (found $_n)"
		sed 's/^/#   /' "$STATE/$_cfg.alerts"
		return 1
	fi
	figure "$_cfg daemon $_line"
	# "load ID alerts N foreign N duplicates N late N lost_records N
	# lost_count N overruns N stopping N first_op_ns N ..."
	# shellcheck disable=SC2086 # split into words on purpose
	set -- $_line
	_delivered=$4 _foreign=$6 _dups=$8 _late=${10} _gap_records=${12} _gap=${14}

	check "[$_cfg] every alert ldwatchd wrote is the flood's, once (foreign $_foreign, duplicate $_dups, late $_late)" \
		test "$_foreign" -eq 0 -a "$_dups" -eq 0 -a "$_late" -eq 0
	check "[$_cfg] delivered $_delivered + dropped $_dropped == $_ops target operations, exactly" \
		test $((_delivered + _dropped)) -eq "$_ops"
	check "[$_cfg] the module's sent counter ($_sent) is the alerts ldwatchd wrote ($_delivered)" \
		test "$_sent" -eq "$_delivered"
	check "[$_cfg] ldwatchd's $_gap_records ldwatch-alerts-lost records count $_gap lost, the module's drop counters $_dropped" \
		test "$_gap" -eq "$_dropped"
}

# slab_check CONFIG FLOOD-OUTPUT: the slab the flood added is under $BOUND.
slab_check() {
	_idle=$(value "$2" slab_idle_bytes)
	_peak=$(value "$2" slab_peak_bytes)
	if [ "${_idle:--1}" -lt 0 ] || [ "${_peak:--1}" -lt 0 ]; then
		not_ok "[$1] /proc/slabinfo was readable"
	else
		check "[$1] slab the flood added, $((_peak - _idle)) bytes, is under the bound $BOUND bytes" \
			test $((_peak - _idle)) -le "$BOUND"
	fi
}

# sensor_flood CONFIG: one unpaced flood under the sensor (stopping ldwatchd
# for a while in the stopped configuration), drained and accounted.
sensor_flood() {
	sensor_start "$1" || return 1
	if [ "$1" = stopped ]; then
		run_flood "$1" --pause "$DAEMON_PID" --pause-at "$PAUSE_AT" \
			--pause-for "$PAUSE_FOR" || return 1
	else
		run_flood "$1" || return 1
	fi
	drain "$1" || return 1
	sensor_finish "$1" "$OPS" "$OUT" || return 1
	slab_check "$1" "$STATE/$1.flood"

	if [ "$1" = stopped ] && [ "$TIMING_CHECKS" = 1 ]; then
		# "latency paused all COUNT P50 P99 P999 MAX"
		# shellcheck disable=SC2046 # split into words on purpose
		set -- $(grep '^latency paused all ' "$STATE/stopped.flood")
		_half_ns=$(($(awk -v s="$PAUSE_FOR" 'BEGIN { printf "%d", s * 1000 / 2 }') * 1000000))
		check "[stopped] the hooked processes never waited for the stopped ldwatchd: $4 operations during the stop, the slowest $(($8 / 1000)) us (< $((_half_ns / 1000)) us)" \
			test "$4" -gt 0 -a "$8" -lt "$_half_ns"
	fi
}

# rate_steps: the highest offered rate the pipeline delivers without loss,
# by bisection over RATE_STEPS floods of RATE_STEP_S seconds, each at an
# offered rate between 0 and what the unpaced flowing flood offered. A rate
# passes if nothing was dropped and ldwatchd kept up: 99% of the alerts
# written within LAG_MS of their operation (a pipeline slower than the
# offer builds a backlog, which ends in losses once the buffers are full,
# however large they are). One load of the module for all steps; ldwatchd's
# file is rotated (SIGHUP) between steps; at the end the steps together are
# accounted like the other floods.
rate_steps() {
	_hi=$(value "$STATE/flowing.flood" operations)
	if [ -z "$_hi" ]; then
		not_ok "[rate] the flowing flood's rate is known (it bounds the search)"
		return 1
	fi
	_hi=$((_hi * 1000 / $(awk -v s="$FLOOD_S" 'BEGIN { printf "%d", s * 1000 }')))
	_lo=0
	sensor_start rate || return 1
	_lag_ns=$((LAG_MS * 1000000))
	_step=1 _total=0 _files='' _prev_dropped=0 _best=''
	while [ "$_step" -le "$RATE_STEPS" ]; do
		_rate=$(((_lo + _hi) / 2))
		_cfg=rate-$_step
		run_flood "$_cfg" --seconds "$RATE_STEP_S" --rate "$_rate" || return 1
		_total=$((_total + OPS))
		drain "$_cfg" || return 1
		json_num "$STATUS" dropped_total
		_new_drops=$((NUM - _prev_dropped))
		_prev_dropped=$NUM
		json_num "$STATUS" sent
		WRITTEN_BEFORE=$NUM
		mv "$OUT" "$OUT.$_step"
		_files="$_files $OUT.$_step"
		kill -HUP "$DAEMON_PID"
		wait_for "$WAIT_S" test -e "$OUT" || {
			not_ok "[$_cfg] ldwatchd reopened its file on SIGHUP"
			return 1
		}
		"$FLOOD" alerts "$OUT.$_step" "$PREFIX" >"$STATE/$_cfg.alerts" || return 1
		# "load ID alerts N ... latency_p50_ns N latency_p99_ns N latency_max_ns N"
		# shellcheck disable=SC2046 # split into words on purpose
		set -- $(cat "$STATE/$_cfg.alerts")
		_achieved=$(awk -v n="$OPS" -v s="$RATE_STEP_S" 'BEGIN { printf "%d", n / s }')
		_pass=0
		[ "$_new_drops" -eq 0 ] && [ "${4:-0}" -eq "$OPS" ] && [ "${28:-$_lag_ns}" -lt "$_lag_ns" ] && _pass=1
		figure "rate step $_step offered $_rate achieved $_achieved operations $OPS delivered ${4:-0} dropped $_new_drops latency_p50_ns ${26:-0} latency_p99_ns ${28:-0} lossless $_pass"
		if [ "$_pass" = 1 ]; then
			_lo=$_rate
			_best="$_achieved $_step ${26:-0} ${28:-0}"
		else
			_hi=$_rate
		fi
		_step=$((_step + 1))
	done
	# shellcheck disable=SC2086 # the step files, split into words
	sensor_finish rate "$_total" $_files "$OUT" || return 1
	if [ -n "$_best" ]; then
		# shellcheck disable=SC2086 # split into words on purpose
		set -- $_best
		figure "rate lossless alerts_per_s $1 step $2 latency_p50_ns $3 latency_p99_ns $4"
		ok "[rate] the pipeline delivered $1 alerts/s without loss, p99 latency $(($4 / 1000)) us (step $2 of $RATE_STEPS)"
	else
		figure "rate lossless none"
		not_ok "[rate] some offered rate was delivered without loss and within $LAG_MS ms"
	fi
}

# userns_flood CONFIG: issue 14's attack, with the module's own rate limit
# (its defaults), side by side in one load of the module: PROCS processes
# of uid USERNS_UID, each in a user and mount namespace of its own with a
# tmpfs over its view of /etc, create and rename files in their
# /etc/ld.so.conf.d as fast as they can for USERNS_S seconds, each an alert
# by Elastic's rule (which judges the path as the process sees it), while
# root creates a real target, /etc/ld.so.preload and
# /etc/ld.so.conf.d/root-K.conf in turn, once every ROOT_EVERY seconds. In
# userns-spread each flooder also moves to a new mount namespace before its
# budget there is spent: a fresh budget every time, so that every match is
# an alert and the flood fills the delivery queue as far as it may.
# Checked: every one of root's operations is delivered, once and complete
# (its path and pid, uid 0, ldwatch.target.path), and, unless
# TIMING_CHECKS=0, written within ROOT_LAG_MS of the operation; the
# flooder's matches are accounted for exactly: its alerts + suppressed
# (the summaries' counts) + dropped (the gap records, equal to the module's
# drop counters) == its operations + its mounts (the tmpfs over /etc, an
# alert each by the companion rule); nothing else alerts.
userns_flood() {
	_cfg=$1
	sensor_start "$_cfg" "" || return 1
	read -r _limit </sys/module/ldwatch/parameters/rate_limit_alerts
	set --
	if [ "$_cfg" = userns-spread ]; then
		# Two matches an iteration, and the mount in the first namespace.
		set -- --new-mntns-every $((_limit / 2 - 1))
	fi
	run_flood "$_cfg" --seconds "$USERNS_S" --userns "$USERNS_UID" \
		--root-every "$ROOT_EVERY" "$@" || return 1
	drain "$_cfg" || return 1
	json_num "$STATUS" dropped_total
	_dropped=$NUM
	json_num "$STATUS" suppressed
	_supp=$NUM
	json_num "$STATUS" matched
	json_str "$STATUS" load_id
	figure "$_cfg status $(printf '%s\n' "$STATUS" | sed 's/,"rule":{.*//')"
	figure "$_cfg module load_id $STR matched $NUM suppressed $_supp dropped $_dropped"
	sensor_stop "$_cfg"

	if ! "$FLOOD" attack "$OUT" "$STATE/$_cfg.flood" >"$STATE/$_cfg.attack" \
		2>"$STATE/$_cfg.attack.stderr"; then
		not_ok "[$_cfg] ldw-flood attack read what ldwatchd wrote"
		sed 's/^/#   /' "$STATE/$_cfg.attack.stderr"
		return 1
	fi
	while read -r _line; do
		figure "$_cfg $_line"
	done <"$STATE/$_cfg.attack"

	# "root_ops planned N done N"
	# shellcheck disable=SC2046 # split into words on purpose
	set -- $(value "$STATE/$_cfg.flood" root_ops)
	check "[$_cfg] root created a real target once every $ROOT_EVERY s: $4 of $2 operations done" \
		test "${2:-0}" -gt 0 -a "${4:-0}" -eq "${2:-0}"
	# "root operations N delivered N complete N duplicates N other N
	# latency_p50_ns N latency_max_ns N"
	# shellcheck disable=SC2046 # split into words on purpose
	set -- $(grep '^root operations ' "$STATE/$_cfg.attack")
	_rops=$3 _rdel=$5 _rcomplete=$7 _rdups=$9 _rother=${11} _p50=${13} _max=${15}
	check "[$_cfg] every one of root's $_rops alerts delivered, once, complete (its path and pid, uid 0, ldwatch.target.path): delivered $_rdel, complete $_rcomplete, duplicates $_rdups" \
		test "$_rops" -gt 0 -a "$_rdel" -eq "$_rops" -a "$_rcomplete" -eq "$_rops" -a "$_rdups" -eq 0
	_lag_ns=$((ROOT_LAG_MS * 1000000))
	if [ "$TIMING_CHECKS" = 1 ]; then
		check "[$_cfg] each of root's alerts written within $ROOT_LAG_MS ms of its operation: median $((_p50 / 1000)) us, max $((_max / 1000)) us" \
			test "$_rdel" -gt 0 -a "$_max" -le "$_lag_ns"
	else
		diag "[$_cfg] root's alerts written after their operation: median $((_p50 / 1000)) us, max $((_max / 1000)) us (not checked)"
	fi

	_fops=$(value "$STATE/$_cfg.flood" operations)
	# "userns uid UID procs N mounts N"
	# shellcheck disable=SC2046 # split into words on purpose
	set -- $(grep '^userns ' "$STATE/$_cfg.flood")
	_mounts=${7:-0}
	_renewals=$(awk '$1 == "userns_worker" { n += $8 } END { print n + 0 }' "$STATE/$_cfg.flood")
	# "flooder uid U alerts N creations N renames N mounts N other N
	# summaries N suppressed N suppressed_other N"
	# shellcheck disable=SC2046 # split into words on purpose
	set -- $(grep '^flooder ' "$STATE/$_cfg.attack")
	_falerts=$5 _summaries=${15} _fsupp=${17} _supp_other=${19}
	# "records loads N foreign N lost_records N lost_count N overruns N stopping N"
	# shellcheck disable=SC2046 # split into words on purpose
	set -- $(grep '^records ' "$STATE/$_cfg.attack")
	_loads=$3 _foreign=$5 _lost=$9
	check "[$_cfg] the flooder's matches accounted for exactly: alerts $_falerts + suppressed $_fsupp + dropped $_lost == $_fops operations + $_mounts mounts" \
		test $((_falerts + _fsupp + _lost)) -eq $((_fops + _mounts))
	check "[$_cfg] ldwatchd's gap records count $_lost lost, the module's drop counters $_dropped; its summaries $_fsupp suppressed, the module's counter $_supp" \
		test "$_lost" -eq "$_dropped" -a "$_fsupp" -eq "$_supp"
	check "[$_cfg] nothing else alerted or was suppressed: one load ($_loads), foreign alerts $_foreign, root's other alerts $_rother, others' suppressed $_supp_other" \
		test "$_loads" -eq 1 -a "$_foreign" -eq 0 -a "$_rother" -eq 0 -a "$_supp_other" -eq 0
	if [ "$_cfg" = userns ]; then
		check "[$_cfg] the flooder spent its budgets: $_fsupp of its matches suppressed, in $_summaries summaries" \
			test "$_fsupp" -gt 0 -a "$_summaries" -gt 0
	else
		check "[$_cfg] the flooder took $_renewals fresh mount namespaces (budgets): $_fsupp of its matches suppressed, $_falerts alerts, $_lost dropped" \
			test "$_renewals" -gt 0
	fi
}

# ---------------------------------------------------------------- setup

mkdir -p "$STATE" "$TARGET"
mount -t tmpfs -o size=512m,mode=0700 ldw-flood "$STATE"
figure "all kernel $(uname -r)"
figure "all cpus $(grep -c '^processor' /proc/cpuinfo)"
figure "all rate_limit none"
figure "all config procs $PROCS seconds $FLOOD_S pause_at $PAUSE_AT pause_for $PAUSE_FOR"
figure "all userns_config seconds $USERNS_S uid $USERNS_UID root_every $ROOT_EVERY root_lag_ms $ROOT_LAG_MS"

for cfg in $CONFIGS; do
	case $cfg in
	none)
		if grep -q '^ldwatch ' /proc/modules; then
			not_ok "[none] no ldwatch module"
		else
			run_flood none
		fi
		;;
	flowing | stopped | rate)
		if [ "$cfg" = rate ]; then
			rate_steps
		else
			sensor_flood "$cfg"
		fi || {
			stop_daemon "ldwatchd-$cfg"
			if grep -q '^ldwatch ' /proc/modules; then rmmod ldwatch; fi
		}
		;;
	userns | userns-spread)
		userns_flood "$cfg" || {
			stop_daemon "ldwatchd-$cfg"
			if grep -q '^ldwatch ' /proc/modules; then rmmod ldwatch; fi
		}
		;;
	*) not_ok "unknown configuration $cfg" ;;
	esac
done
