#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: what ldwatch costs on file operations it does not watch,
# against no sensor and against the Linux audit subsystem watching the same
# files. Run with --help for usage.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

PROG=${0##*/}

usage() {
	cat <<EOF
Usage: tests/bench/$PROG [OPTION]...

For each kernel, boot Debian's kernel image under qemu twice, and in each
boot run the microbenchmarks (tests/bench/ldw-bench.c, on names no rule
watches: create+close+unlink, rename, open+close read-only, open+close for
writing, open with O_TRUNC+close, write, link+unlink, symlink+unlink,
mkdir+rmdir, stat; on tmpfs and on ext4; "ldw-bench --list" gives the list
and the iteration counts) in alternating rounds of six configurations:
none (no sensor), ldwatch (the module, hooks by ftrace, and ldwatchd),
rules (ldwatch with every shipped rule of rules/ in force at once:
Elastic's v3, the built-in; copies of v7 and v9 under ids of their own,
since the three share one id; and the companion rule), prefix (the same
and the prefix-anchored rule tests/bench/data/ld-so-creation.eql, in the
shape of Elastic's "Dynamic Linker (ld.so) Creation": what a rule
anchored on a name's prefix costs), kprobe (the module loaded with
hook=kprobe, and ldwatchd), audit (auditd with -w watch rules on the
rule's files).

The first boot runs with qemu's -icount shift=0: guest time then counts
executed instructions (1 ns = 1 instruction), and the ratios are
instruction ratios. Each loop is timed in 400 batches. Its first table,
the result, takes each operation's fastest batch: the operation's own
path, which rounds measure to the instruction. It is written to
OUT/results-RELEASE.json (and OUT/results.json for the first kernel). The
second takes the whole loop, with the interrupts and background work that
ran meanwhile (5-6% more, varying by tenths of a percent between rounds):
OUT/loop-RELEASE.json. The second boot is plain TCG, whose guest time is
wall time: a secondary table, OUT/wall-RELEASE.json.

Options:
  --kernel RELEASE   a kernel to measure (repeatable; default: the 6.1 and
                     6.12 generic kernels of tests/kernels.sh)
  --rounds N         rounds of the icount boot (default $rounds)
  --wall-rounds N    rounds of the plain-TCG boot; 0 skips it (default $wall_rounds)
  --scale PERCENT    iteration counts in percent of the defaults, which
                     make one operation's loop 0.05-0.3 s of guest time
                     (default 100)
  --out DIR          where everything goes (default build/bench)
  --module PATH.ko   measure this build of ldwatch instead of building the
                     tree's (with exactly one --kernel): a candidate fix
  --no-flood         skip the flood measurement (tests/bench/flood.sh) that
                     otherwise follows, with the same kernels and module
  -h, --help         this text

Output: the harness's result lines (every switch of configuration is
checked: a target write alerts under ldwatch and kprobe, and under each
of the three Elastic rules under rules and prefix, whose set
\`ldwatchctl rules list\` must show; under prefix a creation of an ld.so
name alerts under the ld.so rule too, which the module must accept; a
target write is recorded under audit), the tables, and last "N passed,
N failed". The tables show ldwatch, rules, prefix and kprobe beside each
other, each as a ratio to none. The goals (ldwatch adds at most 1% to
every operation, with the built-in rules and with every shipped rule
loaded, and under a fifth of audit's overhead with the built-in rules)
are ldwatch's, with its default hooks and its shipped rules; they are
shown in the table, not counted as results. prefix and kprobe are shown,
not judged. The JSON files hold the figures of all six configurations.
EOF
}

kernels=()
rounds=5
wall_rounds=3
scale=100
flood=1
out=$LDW_BUILD/bench
module=

while (($#)); do
	case $1 in
	--kernel) (($# >= 2)) || usage_error "$1 needs an argument"; kernels+=("$2"); shift 2 ;;
	--rounds) (($# >= 2)) || usage_error "$1 needs an argument"; rounds=$2; shift 2 ;;
	--wall-rounds) (($# >= 2)) || usage_error "$1 needs an argument"; wall_rounds=$2; shift 2 ;;
	--scale) (($# >= 2)) || usage_error "$1 needs an argument"; scale=$2; shift 2 ;;
	--out) (($# >= 2)) || usage_error "$1 needs an argument"; out=$2; shift 2 ;;
	--module) (($# >= 2)) || usage_error "$1 needs an argument"; module=$2; shift 2 ;;
	--no-flood) flood=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage_error "unknown argument: $1" ;;
	esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || usage_error "--rounds wants a positive integer: $rounds"
[[ $wall_rounds =~ ^[0-9]+$ ]] || usage_error "--wall-rounds wants an integer: $wall_rounds"
[[ $scale =~ ^[1-9][0-9]*$ ]] || usage_error "--scale wants a positive integer: $scale"

check_module_option
default_kernels
make_out_dir

# ---------------------------------------------------------------- build

ready=1
check "ldwatchd builds (make userspace)" make --no-print-directory userspace || ready=0
check "ldw-bench builds (static)" \
	"${CC:-cc}" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static \
	-o "$out/ldw-bench" tests/bench/ldw-bench.c || ready=0
# The files of the rules and prefix configurations: every shipped rule,
# and the prefix-anchored ld.so rule that prefix adds; all must compile.
rule_files=()
for file in rules/*.eql tests/bench/data/ld-so-creation.eql; do
	rule_files+=(--file "$file:/tests/bench/rules/${file##*/}")
done
check "the shipped rules compile (ldwatchctl rules check rules/*.eql)" \
	"$LDW_BUILD/ldwatchctl" rules check rules/*.eql || ready=0
check "prefix's ld.so rule compiles (ldwatchctl rules check tests/bench/data/ld-so-creation.eql)" \
	"$LDW_BUILD/ldwatchctl" rules check tests/bench/data/ld-so-creation.eql || ready=0
for tool in /sbin/auditd /sbin/auditctl; do
	[[ -x $tool ]] || { not_ok "$tool exists (apt-get install auditd)"; ready=0; }
done
mkfs_ext4=$(PATH=$PATH:/sbin:/usr/sbin command -v mkfs.ext4 || true)
if [[ -z $mkfs_ext4 ]]; then
	not_ok "mkfs.ext4 exists (apt-get install e2fsprogs)"
	ready=0
else
	check "make an ext4 image for the guests" \
		"$mkfs_ext4" -q -F -L ldw-bench -E root_owner=0:0 "$out/ext4.img" 64M || ready=0
fi
build_modules
end_unless_ready

# The operations and their iteration counts at --scale 100: ldw-bench's
# table, the benchmark's one list of them (ldw-bench --list).
iterations=
while read -r op n; do
	n=$((n * scale / 100))
	((n > 0)) || n=1
	iterations+="${iterations:+ }$op:$n"
done < <("$out/ldw-bench" --list)
[[ -n $iterations ]] || { not_ok "ldw-bench --list lists the operations"; summary; exit; }

# boot RELEASE NAME ROUNDS [RUN-VM ARG]...: one benchmark boot, its output
# in OUT/NAME-RELEASE/; its result lines printed, its tally adopted.
boot() {
	local release=$1 name=$2 n=$3 dir limit
	local ko=${module:-$LDW_BUILD/kernel/$release/ldwatch.ko}
	shift 3
	dir=$out/$name-$release
	mkdir -p "$dir"
	{
		printf 'ROUNDS=%s\n' "$n"
		printf 'ITERATIONS="%s"\n' "$iterations"
	} >"$dir/bench.conf"
	# A generous bound: a round at --scale 100 takes 1-3 min of wall time.
	limit=$((600 + n * (60 + 6 * scale)))
	relay_results < <(tests/vm/run-vm.sh --kernel "$release" --out "$dir/vm" \
		--smp 1 --timeout "$limit" --script-timeout "$limit" \
		--module "$ko" --bin "$LDW_BUILD/ldwatchd" --bin "$out/ldw-bench" \
		--bin /sbin/auditd --bin /sbin/auditctl --bin "$LDW_BUILD/ldwatchctl" \
		"${rule_files[@]}" \
		--file tests/bench/auditd.conf:/etc/audit/auditd.conf \
		--file "$out/ext4.img:/images/ext4.img" \
		--file "$dir/bench.conf:/tests/bench.conf" \
		--file tests/bench/guest/lib.sh:/tests/bench/lib.sh \
		--kmod loop --kmod ext4 \
		"$@" tests/bench/guest/bench.sh || true) ||
		not_ok "[$release] $name boot: run-vm.sh ended with its tally line"
	if [[ -r $dir/vm/results.txt ]]; then
		grep '^bench ' "$dir/vm/results.txt" >"$dir/figures.txt" || true
		# What the guest says of the configurations (bench.sh's note).
		sed -n "s/^bench-note /# [$release] $name boot: /p" "$dir/vm/results.txt"
	else
		: >"$dir/figures.txt"
	fi
}

first=1
reports=()
for release in "${built[@]}"; do
	diag "[$release] icount boot, $rounds rounds"
	boot "$release" icount "$rounds" --qemu-arg -icount --qemu-arg shift=0,sleep=off
	json=$out/results-$release.json
	awk -v release="$release" -v metric=icount -v figure=fastest -v json="$json" \
		-v title="[$release] qemu -icount shift=0: instructions per operation, on its own path" \
		-f tests/bench/report.awk "$out/icount-$release/figures.txt" >"$out/table-$release.txt"
	awk -v release="$release" -v metric=icount-loop -v figure=loop \
		-v json="$out/loop-$release.json" \
		-v title="[$release] qemu -icount shift=0: instructions per operation, with what ran meanwhile" \
		-f tests/bench/report.awk "$out/icount-$release/figures.txt" >"$out/table-loop-$release.txt"
	reports+=("$out/table-$release.txt" "$out/table-loop-$release.txt")
	if ((first)); then
		cp "$json" "$out/results.json"
		first=0
	fi
	if ((wall_rounds > 0)); then
		diag "[$release] plain TCG boot, $wall_rounds rounds"
		boot "$release" wall "$wall_rounds"
		awk -v release="$release" -v metric=tcg-wall -v figure=loop \
			-v json="$out/wall-$release.json" \
			-v title="[$release] plain TCG (secondary): wall time per operation, as steady as the host is idle" \
			-f tests/bench/report.awk "$out/wall-$release/figures.txt" >"$out/table-wall-$release.txt"
		reports+=("$out/table-wall-$release.txt")
	fi
done

cat "${reports[@]}"
printf '\nJSON: %s\n' "$out/results.json"
# Floods and backpressure: exact loss accounting, memory bound, latency.
if ((flood)); then
	flood_args=(--out "$out")
	for release in "${built[@]}"; do
		flood_args+=(--kernel "$release")
	done
	[[ -n $module ]] && flood_args+=(--module "$module")
	# Its lines relayed and its tally adopted; no tally means it broke off.
	relay_results < <(tests/bench/flood.sh "${flood_args[@]}" 2>&1 || true) ||
		not_ok "tests/bench/flood.sh ended with its tally line"
fi

summary
