#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The flood part of `make bench`: floods of target operations, the
# accounting of every alert (delivered or counted as dropped), the slab the
# module holds, the lossless alert rate and the alert latency. Run with
# --help for usage.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

PROG=${0##*/}

kernels=()
procs=2
seconds=10
pause_at=2.5
pause_for=5
queue_max_alerts=
queue_max_bytes=
receive_buffer=
timing_checks=1
configs="none flowing stopped rate userns userns-spread"
userns_s=20
root_every=1
root_lag_ms=1000
rate_steps=6
rate_step_s=5
lag_ms=250
out=$LDW_BUILD/bench
module=

usage() {
	cat <<EOF
Usage: tests/bench/$PROG [OPTION]...

Boot Debian's kernel under qemu (plain TCG, 2 CPUs) once per kernel and run
these floods in that boot (tests/bench/guest/flood.sh): PROCS processes
(tests/bench/ldw-flood.c) create and rename files in /etc/ld.so.conf.d,
each operation one the rule alerts on:

  none     as fast as they can for SECONDS, no module: the operations'
           latency without a sensor
  flowing  the same with ldwatch loaded and ldwatchd reading, writing to a
           file on tmpfs
  stopped  the same, ldwatchd stopped (SIGSTOP) for a while in the middle
  rate     RATE_STEPS floods at offered rates found by bisection below the
           flowing flood's: the highest rate delivered without loss

These run without the module's rate limit (rate_limit_alerts=0). Then,
with its default rate limit, issue 14's attack beside root's writes:

  userns   PROCS processes of uid 65534, each in a user and mount namespace
           of its own with a tmpfs over its view of /etc, create and rename
           files in their /etc/ld.so.conf.d (alerts by Elastic's rule, which
           judges the path as the process sees it) as fast as they can for
           --userns-seconds, while root creates /etc/ld.so.preload and
           /etc/ld.so.conf.d/root-K.conf in turn, once every --root-every
           seconds (tests/bench/ldw-flood.c: flood --userns --root-every)
  userns-spread
           the same, each flooder moving to a new mount namespace (a fresh
           budget of the rate limit) before it spends the one it has: every
           match an alert, as many as the delivery queue and ldwatchd's
           socket take

Checked for these: every one of root's alerts delivered, once and complete,
and written (event.created) within --root-lag-ms of the operation's
CLOCK_REALTIME (unless --no-timing-checks); the flooder's matches accounted
for exactly: its alerts + suppressed (the rate limit's summaries) + dropped
== its operations + its tmpfs mounts (an alert each).

Checked exactly, for each sensor flood: delivered (alert documents
ldwatchd wrote for that load of the module) + dropped (the module's drop
counters) == target operations performed; ldwatchd's ldwatch-alerts-lost
records sum to the drop counters; the slab the flood added (kmalloc and
socket buffer caches, /proc/slabinfo) stays under the bound derived from
the module's parameters; and while ldwatchd is stopped, the hooked
processes go on (no operation took half the stop).

Measured: the alert rate delivered without loss (the highest rate step
with nothing dropped and the alerts' p99 latency under --lag-ms: a
pipeline that falls behind builds a backlog that ends in losses), the
latency from the operation (@timestamp) to ldwatchd's receipt
(event.created) at that rate, median and p99, and each flood's operation
latency (p99.9 and max) with and without the sensor.

Writes OUT/flood-RELEASE.json, and OUT/flood.json for the first kernel:
{"operations", "delivered", "dropped", "daemon_gap_records" (the lost
alerts ldwatchd's gap records count), "module_slab_peak_bytes" (the most
slab the flowing or stopped flood added: the module's queue and
ldwatchd's netlink receive queue, which the module fills),
"lossless_alerts_per_s", "latency_us": {"p50", "p99"}, ...}, the first
four summed over the flowing and stopped floods; more detail under
"floods", "rate_steps" and "op_latency_us"; the attacks under "attack":
{CONFIG: {"root": {"operations", "delivered", "complete",
"latency_us": {"p50", "max"}}, "flooder": {"uid", "procs",
"operations", "alerts", "suppressed", "dropped", "namespaces"}}}.

Options:
  --kernel RELEASE        a kernel to measure (repeatable; default: the 6.1
                          and 6.12 generic kernels of tests/kernels.sh)
  --procs N               flood processes (default $procs)
  --seconds S             length of each flood (default $seconds)
  --pause-at S            when ldwatchd is stopped in the stopped flood
                          (default $pause_at)
  --pause-for S           for how long (default $pause_for)
  --queue-max-alerts N    the module's queue_max_alerts (default: its own)
  --queue-max-bytes N     the module's queue_max_bytes (default: its own)
  --receive-buffer BYTES  ldwatchd's --receive-buffer (default: its own)
  --configs "LIST"        the floods to run, of: none flowing stopped rate
                          userns userns-spread (default all; rate needs
                          flowing)
  --rate-steps N          floods of the lossless-rate search (default $rate_steps)
  --rate-step-seconds S   length of each (default $rate_step_s)
  --lag-ms MS             a rate is delivered without loss if nothing is
                          dropped and 99% of the alerts are written within
                          MS of their operation (default $lag_ms)
  --userns-seconds S      length of the userns floods (default $userns_s)
  --root-every S          root's writes, one every S seconds (default $root_every)
  --root-lag-ms MS        root's alerts must be written within MS of their
                          operation (default $root_lag_ms)
  --no-timing-checks      do not check that the hooked processes went on
                          during the stop, nor root's alerts' latency (for
                          loaded CI hosts)
  --out DIR               where everything goes (default build/bench)
  --module PATH.ko        measure this build of ldwatch (exactly one --kernel)
  -h, --help              this text

Output: the result lines, a summary, and last "N passed, N failed".
EOF
}

seconds_re='^[0-9]+(\.[0-9]+)?$'
while (($#)); do
	case $1 in
	--kernel | --procs | --seconds | --pause-at | --pause-for | --queue-max-alerts | \
		--queue-max-bytes | --receive-buffer | --configs | --rate-steps | --rate-step-seconds | \
		--lag-ms | --out | --module | --userns-seconds | --root-every | --root-lag-ms)
		(($# >= 2)) || usage_error "$1 needs an argument"
		case $1 in
		--kernel) kernels+=("$2") ;;
		--procs) procs=$2 ;;
		--seconds) seconds=$2 ;;
		--pause-at) pause_at=$2 ;;
		--pause-for) pause_for=$2 ;;
		--queue-max-alerts) queue_max_alerts=$2 ;;
		--queue-max-bytes) queue_max_bytes=$2 ;;
		--receive-buffer) receive_buffer=$2 ;;
		--configs) configs=$2 ;;
		--rate-steps) rate_steps=$2 ;;
		--rate-step-seconds) rate_step_s=$2 ;;
		--lag-ms) lag_ms=$2 ;;
		--userns-seconds) userns_s=$2 ;;
		--root-every) root_every=$2 ;;
		--root-lag-ms) root_lag_ms=$2 ;;
		--out) out=$2 ;;
		--module) module=$2 ;;
		esac
		shift 2
		;;
	--no-timing-checks) timing_checks=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument: $1" ;;
	esac
done
[[ $procs =~ ^[1-9][0-9]?$ ]] || usage_error "--procs wants 1 to 64: $procs"
for v in "$seconds" "$pause_at" "$pause_for" "$rate_step_s" "$userns_s" "$root_every"; do
	[[ $v =~ $seconds_re ]] || usage_error "--seconds, --pause-at, --pause-for, --rate-step-seconds, --userns-seconds, --root-every want seconds: $v"
done
awk -v s="$userns_s" -v e="$root_every" 'BEGIN { exit !(e >= 0.01 && s >= e / 2) }' ||
	usage_error "--root-every ($root_every s) wants at least one of root's writes in --userns-seconds ($userns_s s)"
[[ $root_lag_ms =~ ^[1-9][0-9]*$ ]] || usage_error "--root-lag-ms wants a positive integer: $root_lag_ms"
[[ $rate_steps =~ ^[1-9][0-9]?$ ]] || usage_error "--rate-steps wants 1 to 99: $rate_steps"
[[ $lag_ms =~ ^[1-9][0-9]*$ ]] || usage_error "--lag-ms wants a positive integer: $lag_ms"
for v in $configs; do
	[[ $v =~ ^(none|flowing|stopped|rate|userns|userns-spread)$ ]] ||
		usage_error "--configs: unknown configuration $v"
done
[[ -n ${configs// /} ]] || usage_error "--configs wants at least one configuration"
[[ " $configs " != *" rate "* || " $configs " == *" flowing "* ]] ||
	usage_error "--configs: rate needs flowing (its rate bounds the search)"
awk -v s="$seconds" -v a="$pause_at" -v f="$pause_for" 'BEGIN { exit !(s > 0 && f > 0 && a + f <= s) }' ||
	usage_error "the stop (--pause-at $pause_at, --pause-for $pause_for) must end within the flood ($seconds s)"
for v in "$queue_max_alerts" "$queue_max_bytes"; do
	[[ -z $v || $v =~ ^[1-9][0-9]*$ ]] || usage_error "--queue-max-* want a positive integer: $v"
done
[[ -z $receive_buffer || $receive_buffer =~ ^[1-9][0-9]*[KMG]?$ ]] ||
	usage_error "--receive-buffer wants BYTES with an optional K, M or G: $receive_buffer"
check_module_option
default_kernels
make_out_dir

# ---------------------------------------------------------------- build

ready=1
check "ldwatchd and ldwatchctl build (make userspace)" make --no-print-directory userspace || ready=0
jsonc_flags
check "ldw-flood builds (static)" \
	"${CC:-cc}" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static "${jsonc_cflags[@]}" \
	-o "$out/ldw-flood" tests/bench/ldw-flood.c "${jsonc_libs[@]}" || ready=0
# The capture slots are a constant of the module, not a parameter.
slots=$(sed -n 's/^#define LDW_CAPTURE_SLOTS \([0-9][0-9]*\)$/\1/p' module/capture.c)
[[ -n $slots ]] || { not_ok "module/capture.c defines LDW_CAPTURE_SLOTS"; ready=0; }
build_modules
end_unless_ready

params=()
[[ -n $queue_max_alerts ]] && params+=("queue_max_alerts=$queue_max_alerts")
[[ -n $queue_max_bytes ]] && params+=("queue_max_bytes=$queue_max_bytes")

# ---------------------------------------------------------------- report

declare -A fig

# figures FILE: the guest's "flood CONFIG KEY VALUE..." lines into fig
# (the last of each CONFIG.KEY).
figures() {
	local line cfg key rest
	fig=()
	while IFS= read -r line; do
		[[ $line == 'flood '* ]] || continue
		read -r _ cfg key rest <<<"$line"
		fig[$cfg.$key]=$rest
	done <"$1"
}

# word KEY N: the Nth word (from 1) of figure KEY, or "".
word() {
	local -a w
	read -ra w <<<"${fig[$1]:-}"
	printf '%s' "${w[$2 - 1]:-}"
}

# after KEY NAME: in figure KEY, the word after the word NAME, or "".
after() {
	local -a w
	local i
	read -ra w <<<"${fig[$1]:-}"
	for ((i = 0; i + 1 < ${#w[@]}; i++)); do
		[[ ${w[i]} == "$2" ]] && { printf '%s' "${w[i + 1]}"; return; }
	done
}

# num VALUE: VALUE if it is an integer, else null.
num() {
	if [[ $1 =~ ^-?[0-9]+$ ]]; then printf '%s' "$1"; else printf 'null'; fi
}

# dec VALUE: VALUE if it is a decimal number, else null.
dec() {
	if [[ $1 =~ $seconds_re ]]; then printf '%s' "$1"; else printf 'null'; fi
}

# us NS: nanoseconds to whole microseconds (rounded), or null.
us() {
	if [[ $1 =~ ^[0-9]+$ ]]; then printf '%d' $((($1 + 500) / 1000)); else printf 'null'; fi
}

# latency_line CONFIG WINDOW: that flood's "latency WINDOW all COUNT P50
# P99 P999 MAX" line (ldw-flood's), from the results.
latency_line() {
	grep -E "^flood $1 latency $2 all " "$results" 2>/dev/null | head -n 1 | cut -d' ' -f3- || true
}

# op_latency CONFIG WINDOW: that flood's operation latency as JSON, in us.
op_latency() {
	local -a w
	read -ra w <<<"$(latency_line "$1" "$2")"
	if ((${#w[@]} != 8)); then
		printf 'null'
		return
	fi
	printf '{"operations": %s, "p50": %s, "p99": %s, "p999": %s, "max": %s}' \
		"$(num "${w[3]}")" "$(us "${w[4]}")" "$(us "${w[5]}")" "$(us "${w[6]}")" "$(us "${w[7]}")"
}

# operations CONFIG: the target operations of that load of the module (the
# rate search's steps share one).
operations() {
	if [[ $1 == rate ]]; then
		awk '/^flood rate-[0-9]+ operations [0-9]+$/ { n += $4; c++ } END { if (c) print n }' "$results"
	else
		word "$1.operations" 1
	fi
}

# accounting CONFIG: that load's accounting as JSON, or null (and CONFIG
# added to $missing).
accounting() {
	local cfg=$1 o d x g p i b caches
	o=$(operations "$cfg")
	d=$(after "$cfg.daemon" alerts)
	x=$(after "$cfg.module" dropped)
	g=$(after "$cfg.daemon" lost_count)
	if ! [[ $o =~ ^[0-9]+$ && $d =~ ^[0-9]+$ && $x =~ ^[0-9]+$ && $g =~ ^[0-9]+$ ]]; then
		missing+=("$cfg")
		printf 'null'
		return
	fi
	printf '{"operations": %s, "delivered": %s, "dropped": %s, "daemon_gap_records": %s, ' "$o" "$d" "$x" "$g"
	printf '"daemon_gap_documents": %s, "socket_overrun_records": %s, ' \
		"$(num "$(after "$cfg.daemon" lost_records)")" "$(num "$(after "$cfg.daemon" overruns)")"
	printf '"dropped_by_reason": "%s"' \
		"$(sed -n 's/.*"dropped":{\([^}]*\)}.*/\1/p' <<<"${fig[$cfg.status]:-}" | tr -d '"')"
	p=$(word "$cfg.slab_peak_bytes" 1)
	i=$(word "$cfg.slab_idle_bytes" 1)
	b=$(word "$cfg.slab_bound_bytes" 1)
	if [[ $p =~ ^[0-9]+$ && $i =~ ^[0-9]+$ ]]; then
		caches=$(awk -v cfg="$cfg" '$1 == "flood" && $2 == cfg && $3 == "slab_cache" {
			printf "%s%s:%+d", sep, $4, $6 - $5; sep = "," }' "$results")
		printf ', "slab_added_bytes": %s, "slab_added_by_cache": "%s", "netlink_rmem_peak_bytes": %s, "slab_added_beyond_rmem_bytes": %s' \
			"$((p - i))" "$caches" "$(num "$(word "$cfg.netlink_rmem_peak_bytes" 1)")" \
			"$(num "$(word "$cfg.slab_beyond_rmem_peak_bytes" 1)")"
	fi
	printf ', "slab_bound_bytes": %s, "slab_bound_terms": "%s"}' "$(num "$b")" "${fig[$cfg.slab_bound_terms]:-}"
}

# namespaces CONFIG: the mount namespaces the flooders of that attack used
# (their first ones and those they moved to), or "".
namespaces() {
	awk -v cfg="$1" '$1 == "flood" && $2 == cfg && $3 == "userns_worker" { n += 1 + $10; c++ }
		END { if (c) print n }' "$results"
}

# attack_json CONFIG: that attack's figures as JSON, or null.
attack_json() {
	local cfg=$1
	if [[ -z ${fig[$cfg.root]:-} || -z ${fig[$cfg.flooder]:-} ]]; then
		printf 'null'
		return
	fi
	printf '{"root": {"operations": %s, "delivered": %s, "complete": %s, "duplicates": %s, "latency_us": {"p50": %s, "max": %s}, "before_hook_max_us": %s},\n' \
		"$(num "$(after "$cfg.root" operations)")" "$(num "$(after "$cfg.root" delivered)")" \
		"$(num "$(after "$cfg.root" complete)")" "$(num "$(after "$cfg.root" duplicates)")" \
		"$(us "$(after "$cfg.root" latency_p50_ns)")" "$(us "$(after "$cfg.root" latency_max_ns)")" \
		"$(us "$(after "$cfg.root" stamp_max_ns)")"
	printf '   "flooder": {"uid": %s, "procs": %s, "namespaces": %s, "operations": %s, "alerts": %s, "suppressed": %s, "summaries": %s, "dropped": %s, "dropped_by_reason": "%s"},\n' \
		"$(num "$(after "$cfg.flooder" uid)")" "$(num "$(after "$cfg.userns" procs)")" \
		"$(num "$(namespaces "$cfg")")" "$(num "$(word "$cfg.operations" 1)")" \
		"$(num "$(after "$cfg.flooder" alerts)")" "$(num "$(after "$cfg.flooder" suppressed)")" \
		"$(num "$(after "$cfg.flooder" summaries)")" "$(num "$(after "$cfg.records" lost_count)")" \
		"$(sed -n 's/.*"dropped":{\([^}]*\)}.*/\1/p' <<<"${fig[$cfg.status]:-}" | tr -d '"')"
	local p i added=null
	p=$(word "$cfg.slab_peak_bytes" 1)
	i=$(word "$cfg.slab_idle_bytes" 1)
	[[ $p =~ ^[0-9]+$ && $i =~ ^[0-9]+$ ]] && added=$((p - i))
	printf '   "netlink_rmem_peak_bytes": %s, "slab_added_bytes": %s}' \
		"$(num "$(word "$cfg.netlink_rmem_peak_bytes" 1)")" "$added"
}

# report RELEASE: OUT/flood-RELEASE.json and a summary, from the results.
report() {
	local release=$1 json
	json=$out/flood-$release.json
	results=$dir/vm/results.txt
	figures "$results"
	missing=()

	local ops=0 delivered=0 dropped=0 gap=0 slab=-1 bound=0 cfg
	local -A acct=()
	for cfg in flowing stopped rate; do
		acct[$cfg]=$(accounting "$cfg")
	done
	# The issue's figures: the two unpaced floods together.
	for cfg in flowing stopped; do
		local o d x g p i b
		o=$(operations "$cfg")
		d=$(after "$cfg.daemon" alerts)
		x=$(after "$cfg.module" dropped)
		g=$(after "$cfg.daemon" lost_count)
		p=$(word "$cfg.slab_peak_bytes" 1)
		i=$(word "$cfg.slab_idle_bytes" 1)
		b=$(word "$cfg.slab_bound_bytes" 1)
		if ! [[ $o =~ ^[0-9]+$ && $d =~ ^[0-9]+$ && $x =~ ^[0-9]+$ && $g =~ ^[0-9]+$ ]]; then
			missing+=("$cfg")
			continue
		fi
		ops=$((ops + o)) delivered=$((delivered + d)) dropped=$((dropped + x)) gap=$((gap + g))
		if [[ $p =~ ^[0-9]+$ && $i =~ ^[0-9]+$ ]] && ((p - i > slab)); then
			slab=$((p - i))
		fi
		if [[ $b =~ ^[0-9]+$ ]] && ((b > bound)); then
			bound=$b
		fi
	done
	((slab >= 0)) || slab=null
	((bound > 0)) || bound=null

	local steps
	steps=$(awk '/^flood rate step / { printf "%s{\"offered_ops_per_s\": %d, \"achieved_ops_per_s\": %d, \"delivered\": %d, \"dropped\": %d, \"latency_us\": {\"p50\": %d, \"p99\": %d}, \"lossless\": %s}",
			sep, $6, $8, $12, $14, ($16 + 500) / 1000, ($18 + 500) / 1000, $20 ? "true" : "false"; sep = ", " }' "$results")

	cat >"$json" <<EOF
{"operations": $ops, "delivered": $delivered, "dropped": $dropped, "daemon_gap_records": $gap,
 "module_slab_peak_bytes": $slab, "lossless_alerts_per_s": $(num "$(after rate.lossless alerts_per_s)"),
 "latency_us": {"p50": $(us "$(after rate.lossless latency_p50_ns)"), "p99": $(us "$(after rate.lossless latency_p99_ns)")},
 "kernel": "$release", "cpus": $(num "$(word all.cpus 1)"), "clock": "plain TCG wall time",
 "rate_limit": "off: the module loaded with rate_limit_alerts=0",
 "flood": {"procs": $(num "$(after all.config procs)"), "seconds": $(dec "$(after all.config seconds)"), "stop_at_s": $(dec "$(after all.config pause_at)"), "stop_for_s": $(dec "$(after all.config pause_for)")},
 "module_slab_bound_bytes": $bound,
 "floods": {"flowing": ${acct[flowing]}, "stopped": ${acct[stopped]}, "rate_steps": ${acct[rate]}},
 "rate_steps": [$steps],
 "unpaced_alert_latency_us": {"p50": $(us "$(after flowing.daemon latency_p50_ns)"), "p99": $(us "$(after flowing.daemon latency_p99_ns)")},
 "op_latency_us": {"none": $(op_latency none all), "flowing": $(op_latency flowing all), "stopped": $(op_latency stopped all), "stopped_during_stop": $(op_latency stopped paused)},
 "attack": {"seconds": $(dec "$(after all.userns_config seconds)"), "root_every_s": $(dec "$(after all.userns_config root_every)"), "root_lag_ms": $(num "$(after all.userns_config root_lag_ms)"), "rate_limit": "the module's default",
  "userns": $(attack_json userns),
  "userns-spread": $(attack_json userns-spread)}}
EOF
	if ((${#missing[@]})); then
		diag "[$release] no accounting came back for: ${missing[*]} (left out, or null, in the JSON)"
	fi
	# The attack's goals are checked in the guest; a configuration that
	# gave no figures at all is a failure here.
	for cfg in userns userns-spread; do
		[[ " $configs " == *" $cfg "* ]] || continue
		[[ -n ${fig[$cfg.root]:-} && -n ${fig[$cfg.flooder]:-} ]] ||
			not_ok "[$release] the $cfg flood gave root's and the flooder's figures"
	done

	printf '\n[%s] floods by %s processes, %s s each, on %s CPUs; rate limit off (rate_limit_alerts=0)\n' \
		"$release" "$(after all.config procs)" "$(after all.config seconds)" "$(word all.cpus 1)"
	printf '  flowing + stopped: operations %s = delivered %s + dropped %s; gap records count %s\n' \
		"$ops" "$delivered" "$dropped" "$gap"
	printf '  slab added at peak %s bytes; bound %s bytes\n' "$slab" "$bound"
	printf '  lossless alerts/s %s; alert latency p50 %s us, p99 %s us (operation to ldwatchd)\n' \
		"$(after rate.lossless alerts_per_s)" "$(us "$(after rate.lossless latency_p50_ns)")" \
		"$(us "$(after rate.lossless latency_p99_ns)")"
	awk '/^flood rate step / {
		printf "    step %d: offered %6d/s achieved %6d/s delivered %6d dropped %5d p99 %8d us %s\n",
			$4, $6, $8, $12, $14, ($18 + 500) / 1000, $20 ? "lossless" : "" }' "$results"
	printf '  operation latency (us)      %10s %10s %10s %10s\n' operations p50 p99.9 max
	local spec name window
	for spec in none:all:none flowing:all:flowing stopped:all:stopped stopped:paused:during-stop; do
		local -a w=()
		IFS=: read -r cfg window name <<<"$spec"
		read -ra w <<<"$(latency_line "$cfg" "$window")"
		((${#w[@]} == 8)) || continue
		printf '    %-24s %10s %10s %10s %10s\n' "$name" "${w[3]}" "$(us "${w[4]}")" \
			"$(us "${w[6]}")" "$(us "${w[7]}")"
	done
	for cfg in userns userns-spread; do
		[[ -n ${fig[$cfg.root]:-} ]] || continue
		printf '  %s: uid %s in %s namespaces flooded %s s: %s operations, %s alerts, %s suppressed, %s dropped\n' \
			"$cfg" "$(after "$cfg.flooder" uid)" "$(namespaces "$cfg")" \
			"$(after all.userns_config seconds)" "$(word "$cfg.operations" 1)" \
			"$(after "$cfg.flooder" alerts)" "$(after "$cfg.flooder" suppressed)" \
			"$(after "$cfg.records" lost_count)"
		printf '  %s: root wrote a target %s times: %s delivered; latency median %s us, max %s us (before the hook at most %s us); netlink receive queues at most %s bytes\n' \
			"$cfg" "$(after "$cfg.root" operations)" "$(after "$cfg.root" delivered)" \
			"$(us "$(after "$cfg.root" latency_p50_ns)")" "$(us "$(after "$cfg.root" latency_max_ns)")" \
			"$(us "$(after "$cfg.root" stamp_max_ns)")" "$(word "$cfg.netlink_rmem_peak_bytes" 1)"
	done
	printf '  JSON: %s\n' "$json"
}

# ---------------------------------------------------------------- boot

first=1
for release in "${built[@]}"; do
	dir=$out/flood-$release
	mkdir -p "$dir"
	ko=${module:-$LDW_BUILD/kernel/$release/ldwatch.ko}
	{
		printf 'PROCS=%s\nFLOOD_S=%s\nPAUSE_AT=%s\nPAUSE_FOR=%s\n' \
			"$procs" "$seconds" "$pause_at" "$pause_for"
		printf 'MODULE_PARAMS="%s"\nRECEIVE_BUFFER=%s\n' "${params[*]}" "$receive_buffer"
		printf 'TIMING_CHECKS=%s\nCAPTURE_SLOTS=%s\n' "$timing_checks" "$slots"
		printf 'CONFIGS="%s"\nRATE_STEPS=%s\nRATE_STEP_S=%s\nLAG_MS=%s\n' \
			"$configs" "$rate_steps" "$rate_step_s" "$lag_ms"
		printf 'USERNS_S=%s\nROOT_EVERY=%s\nROOT_LAG_MS=%s\n' \
			"$userns_s" "$root_every" "$root_lag_ms"
	} >"$dir/flood.conf"
	# Three floods, the drains (ldwatchd writes a stopped backlog at TCG
	# speed) and the reading of the files; the two attacks.
	limit=$(awk -v s="$seconds" -v n="$rate_steps" -v t="$rate_step_s" -v u="$userns_s" \
		'BEGIN { printf "%d", 240 + 3 * s * 12 + n * (t * 4 + 20) + 2 * (u * 6 + 120) }')
	diag "[$release] plain TCG boot, 2 CPUs: floods $configs"
	relay_results < <(tests/vm/run-vm.sh --kernel "$release" --out "$dir/vm" \
		--smp 2 --timeout "$limit" --script-timeout "$limit" \
		--append slub_nomerge \
		--module "$ko" --bin "$LDW_BUILD/ldwatchd" --bin "$LDW_BUILD/ldwatchctl" \
		--bin "$out/ldw-flood" --file "$dir/flood.conf:/tests/flood.conf" \
		--file tests/bench/guest/lib.sh:/tests/bench/lib.sh \
		tests/bench/guest/flood.sh || true) ||
		not_ok "[$release] run-vm.sh ended with its tally line"
	[[ -r $dir/vm/results.txt ]] || : >"$dir/vm/results.txt"
	report "$release"
	if ((first)); then
		cp "$out/flood-$release.json" "$out/flood.json"
		first=0
	fi
done

summary
