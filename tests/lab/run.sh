#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/lab/run.sh
#
# The lab tier (`make kunit`; suite "lab" of `make check`): ldwatch on the lab
# kernel, Debian's 6.12 with KUnit, KASAN, lockdep, kmemleak and the other
# debug checks (kunit/lab.config). Builds or reuses the lab kernel
# (tests/lab/build.sh), builds ldwatch and the KUnit test modules (kunit/)
# against it, and boots it once under qemu (tests/vm/run-vm.sh) to run, in
# order:
#   smoke.sh, module_load.sh   the module loads and unloads
#   sensor_*.sh                every sensor scenario of tests/vm/run.sh
#   faultinject.sh             allocations through ldwatch fail while rules
#                              load and during floods: clear errors, counted
#                              drops (failslab, fail_page_alloc)
#   kmemleak.sh                unloaded, then no leak
#   stress.sh                  20 loads and unloads under file operations on
#                              both CPUs, ldwatchd killed and restarted; no leak
#   kunit.sh                   the KUnit modules' KTAP, parsed on the host by
#                              the lab tree's kunit.py (tests/lab/ktap_results.py)
# Any kernel splat (KASAN, lockdep, UBSAN, a sleeping call in atomic context,
# a leak report, a hung task ...) fails the run. Then four short boots prove
# that: a test module (tests/lab/selftest/ldw_splat.c) commits a KASAN, a
# lockdep, an atomic-sleep and a leak bug, and each such run must fail for
# the kernel's report. Output: ok / not ok lines,
# then "N passed, N failed". Everything it writes is under build/lab/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

(($# == 0)) || { echo "usage: $0" >&2; exit 2; }

out=$LDW_BUILD/lab
mkdir -p "$out"

t0=$SECONDS
if ! lab=$(tests/lab/build.sh 2>"$out/build.log"); then
	not_ok "the lab kernel builds (tests/lab/build.sh; log: $out/build.log)"
	grep -v '^  [A-Z]' "$out/build.log" | tail -n 20 | sed 's/^/#   /'
	summary
	exit
fi
# shellcheck source=/dev/null
. "$lab/ldw-lab.env"
ok "the lab kernel $LAB_RELEASE is built or cached ($lab)"
diag "lab kernel ready in $((SECONDS - t0)) s (its clean build took $LAB_BUILD_SECONDS s with -j$LAB_BUILD_JOBS)"

ko=$LDW_BUILD/kernel/lab-$LAB_KEY/ldwatch.ko
if ! check "ldwatch builds against the lab kernel" \
	make --no-print-directory module KDIR="$lab"; then
	summary
	exit
fi

# The KUnit test modules: kunit/Makefile builds them against the lab tree
# (it stages its own copy of the sources); every .ko it leaves in its OUT
# directory is packed and loaded by kunit.sh.
guest_files=(
	--file tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt:/tests/data/rule.txt
	--file tests/lab/guest/lab_lib.sh:/tests/lab_lib.sh
)
kunit_scripts=()
kunit_out=$out/kunit-build
rm -f "$kunit_out"/*.ko
if [[ ! -f kunit/Makefile ]]; then
	not_ok "kunit/Makefile exists (it builds the KUnit test modules)"
elif check "the KUnit test modules build against the lab kernel (kunit/)" \
	make --no-print-directory -C kunit KDIR="$lab" OUT="$kunit_out"; then
	n=0
	for k in "$kunit_out"/*.ko; do
		[[ -e $k ]] || continue
		guest_files+=(--file "$k:/lib/ldwatch-kunit/${k##*/}")
		n=$((n + 1))
	done
	if ((n > 0)); then
		kunit_scripts=(tests/lab/guest/kunit.sh)
	else
		not_ok "kunit/ builds at least one test module (.ko in $kunit_out)"
	fi
fi

# shellcheck source-path=SCRIPTDIR source=../vm/sensor_suite.sh
. tests/vm/sensor_suite.sh
sensor_suite_prepare
scripts=(tests/vm/guest/smoke.sh tests/vm/guest/module_load.sh)
if ((sensor_ready)); then
	sensor_suite_args builtin
	# Fault injection (faultinject.sh): after the sensor scenarios, before
	# the leak scan, which then covers it.
	scripts+=(--file rules/ldwatch-companion-v1.eql:/tests/rules/ldwatch-companion-v1.eql)
	scripts+=("${sensor_args[@]}" tests/lab/guest/faultinject.sh)
	scripts+=(tests/lab/guest/kmemleak.sh tests/lab/guest/stress.sh)
else
	scripts+=(tests/lab/guest/kmemleak.sh)
fi
scripts+=("${kunit_scripts[@]}")

# Under KASAN and lockdep the guest runs several times slower than Debian's
# kernel: the limits are the VM tier's, scaled.
vm_suite "$LAB_RELEASE" --kernel "$LAB_RELEASE" --kernel-image "$LAB_IMAGE" \
	--out "$out/vm" --module "$ko" "${guest_files[@]}" \
	--script-timeout 900 --timeout 3000 "${scripts[@]}" ||
	diag "[$LAB_RELEASE] why: $out/vm/console.txt"

# The detectors fire, and the harness fails a run on their reports: one boot
# per kind of bug, committed by a test module (tests/lab/selftest).
selftest=$out/selftest-src
rm -rf "$selftest"
cp -r tests/lab/selftest "$selftest"
if check "the detectors' self-test module builds (tests/lab/selftest)" \
	make --no-print-directory -C "$lab" M="$selftest" modules; then
	for spec in 'kasan:BUG: KASAN: slab-out-of-bounds' \
		'lockdep:WARNING: possible circular locking dependency detected' \
		'sleep:BUG: sleeping function called from invalid context' \
		'leak:suspected memory leak'; do
		mode=${spec%%:*}
		report=${spec#*:}
		dir=$out/selftest-$mode
		mkdir -p "$dir"
		printf '%s\n' "$mode" >"$dir/mode"
		desc="[$LAB_RELEASE] a '$mode' bug: the kernel reports '$report' and the harness fails the run"
		if tests/vm/run-vm.sh --kernel "$LAB_RELEASE" --kernel-image "$LAB_IMAGE" \
			--out "$dir" --file "$selftest/ldw_splat.ko:/lib/ldwatch-selftest/ldw_splat.ko" \
			--file tests/lab/guest/lab_lib.sh:/tests/lab_lib.sh --file "$dir/mode:/tests/lab_selftest_mode" \
			tests/lab/guest/selftest_detectors.sh >"$dir.log" 2>&1; then
			not_ok "$desc (the run passed)"
		elif ! grep -q '^not ok - .*no kernel splat' "$dir.log"; then
			not_ok "$desc (it failed for another reason; see $dir.log)"
			grep '^not ok' "$dir.log" | sed 's/^/#   /'
		elif ! grep -qF -- "$report" "$dir/console.txt"; then
			not_ok "$desc (the report is not on the console; see $dir/console.txt)"
		else
			ok "$desc"
		fi
	done
fi

if ((${#kunit_scripts[@]} > 0)); then
	while IFS= read -r line; do
		case $line in
		'ok - '*) ok "${line#ok - }" ;;
		'not ok - '*) not_ok "${line#not ok - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < <(python3 tests/lab/ktap_results.py "$lab" "$out/vm/console.txt" "$out/kunit" || true)
fi

summary
