#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/run.sh RELEASE...
#
# The guest tests: for each target kernel, build the module for it, boot
# Debian's own kernel image (unpacked into the cache by tests/kernels.sh)
# under qemu with it, and run the guest scripts: the module's load and
# unload, then the sensor scenarios (tests/vm/guest/sensor_*.sh) with
# ldwatchd, all in one boot per kernel; the sensor scenarios once more on
# each kernel with the module's hooks attached by kprobes.
# Ends with one "N passed, N failed" line over all kernels.
#
# Also built here: the guest test programs (tests/vm/progs), checked
# against fixtures on the host first; and a small ext4 image (mkfs.ext4).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

(($# > 0)) || { echo "usage: $0 RELEASE..." >&2; exit 2; }

# shellcheck source-path=SCRIPTDIR source=sensor_suite.sh
. tests/vm/sensor_suite.sh
sensor_suite_prepare
extra=()
if ((sensor_ready)); then
	sensor_suite_args kmod
	# The 10,000-operation scenario takes a while under TCG.
	extra=(--script-timeout 300 --timeout 900 "${sensor_args[@]}")
	[[ -n ${LDW_HOOK:-} ]] && extra=(--append "ldw_test.hook=$LDW_HOOK" "${extra[@]}")
fi

built=()
for release in "$@"; do
	if make --no-print-directory module KDIR="$(ldw_kernel_build "$release")" \
		>"$LDW_BUILD/vm-module-$release.log" 2>&1; then
		built+=("$release")
	else
		not_ok "[$release] module builds for the guest"
		tail -n 10 "$LDW_BUILD/vm-module-$release.log" | sed 's/^/#   /'
	fi
done
if ((${#built[@]} == 0)); then
	summary
	exit
fi

for release in "${built[@]}"; do
	# The guest scripts explain each failure (field by field) on the console.
	vm_suite "$release" --kernel "$release" --out "$LDW_BUILD/vm/$release" \
		--module "$LDW_BUILD/kernel/$release/ldwatch.ko" \
		--file tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt:/tests/data/rule.txt \
		tests/vm/guest/smoke.sh tests/vm/guest/module_load.sh "${extra[@]}" ||
		diag "[$release] why: $LDW_BUILD/vm/$release/console.txt"
done

# With LDW_SCENARIOS (see sensor_suite.sh), only those scenarios, once per
# kernel, with the hooks attached as LDW_HOOK says (ftrace by default).
if [[ -n ${LDW_SCENARIOS:-} ]]; then
	summary
	exit
fi

# The sensor scenarios again with the hooks attached by kprobes
# (hook=kprobe), on every kernel: ldw_test.hook=kprobe on the guest's
# command line has the sensor scripts load ldwatch so.
if ((sensor_ready)); then
	for release in "${built[@]}"; do
		vm_suite "$release hook=kprobe" --kernel "$release" \
			--label "$release hook=kprobe" \
			--out "$LDW_BUILD/vm-kprobe/$release" \
			--module "$LDW_BUILD/kernel/$release/ldwatch.ko" \
			--file tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt:/tests/data/rule.txt \
			--append ldw_test.hook=kprobe "${extra[@]}" ||
			diag "[$release hook=kprobe] why: $LDW_BUILD/vm-kprobe/$release/console.txt"
	done
fi

# The result channel under a burst (tests/vm/guest/channel_burst.sh, two
# writers at full speed): every line arrived whole, once and in order, and
# as written (raw: no carriage returns, which results.txt would hide).
for release in "${built[@]}"; do
	dir=$LDW_BUILD/vm-channel/$release
	vm_suite "$release" --kernel "$release" --out "$dir" tests/vm/guest/channel_burst.sh ||
		diag "[$release] why: $dir/console.txt"
	if why=$(awk '
		$1 == "channel-burst" && NF == 3 && ($2 == "a" || $2 == "b") && $3 ~ /^[0-9]+$/ {
			if ($3 != due[$2] + 0) {
				bad++
				if (bad <= 5) printf "writer %s: line %s where %d was due\n", $2, $3, due[$2]
			}
			due[$2] = $3 + 1
			next
		}
		$1 == "channel-burst-end" && NF == 2 { n = $2; next }
		/channel-burst/ {
			bad++
			if (bad <= 5) printf "mangled line: %s\n", $0
		}
		END {
			if (n == "") { print "no end marker"; bad++ }
			else if (due["a"] != n || due["b"] != n) {
				printf "writer a reached %d, writer b %d, of %d\n", due["a"], due["b"], n
				bad++
			}
			exit (bad > 0)
		}' "$dir/results.txt" 2>&1) && ! grep -q $'\r' "$dir/results.log"; then
		ok "[$release] the result channel carried two writers' burst, every line whole and in order"
	else
		not_ok "[$release] the result channel carried two writers' burst, every line whole and in order"
		printf '%s\n' "$why" | sed 's/^/#   /'
		if grep -q $'\r' "$dir/results.log" 2>/dev/null; then
			diag "[$release] results.log holds carriage returns: the channel is not in raw mode"
		fi
	fi
done

# make demo for a user's own attack (tests/demo/extras.sh): the guest
# modprobes the kernel's modules named in DEMO_KMODS (fuse, overlay) and
# runs a static program given in DEMO_BINS.
first=${built[0]}
demo_out=$LDW_BUILD/vm-demo
demo_bin=$demo_out/ldw-demo-bin
mkdir -p "$demo_out"
if check "[$first] a static program for DEMO_BINS builds" \
	gcc -static -O2 -x c -o "$demo_bin" - <<'EOF'
#include <stdio.h>
int main(void) { return puts("ldw-demo-bin ran") < 0; }
EOF
then
	tallied=0
	demo_failed=$ldw_failed
	while IFS= read -r line; do
		if adopt_tally "$line"; then
			tallied=1
		elif [[ $line == 'not ok - ['* || $line == '#'* ]]; then
			printf '%s\n' "$line"
		fi
	done < <(KERNEL=$first SCENARIO=tests/demo/extras.sh DEMO_KMODS="fuse overlay" \
		DEMO_BINS=$demo_bin DEMO_OUT=$demo_out tests/demo.sh 2>&1 || true)
	((tallied)) || not_ok "[$first] make demo with DEMO_KMODS and DEMO_BINS ended with its tally line"
	((ldw_failed == demo_failed)) || diag "[$first] why: $demo_out/vm/console.txt"
fi

# The harness must fail a run whose kernel log shows a splat: otherwise
# every "no kernel splat" above would prove nothing.
first=${built[0]}
if tests/vm/run-vm.sh --kernel "$first" --out "$LDW_BUILD/vm-selftest" \
	tests/vm/guest/selftest_splat.sh >"$LDW_BUILD/vm-selftest.log" 2>&1; then
	not_ok "[$first] the harness fails a run with a WARNING in the kernel log"
elif grep -q '^not ok - .*no kernel splat' "$LDW_BUILD/vm-selftest.log"; then
	ok "[$first] the harness fails a run with a WARNING in the kernel log"
else
	not_ok "[$first] the harness fails a run with a WARNING in the kernel log, for that reason"
	tail -n 10 "$LDW_BUILD/vm-selftest.log" | sed 's/^/#   /'
fi

# The emulator must patch kernel text faithfully (see run-vm.sh, -accel):
# otherwise a crash while the module's hooks go in or out would be qemu's.
last=${built[-1]}
vm_suite "$last" --kernel "$last" --out "$LDW_BUILD/vm-text-patching" \
	tests/vm/guest/text_patching.sh ||
	diag "[$last] why: $LDW_BUILD/vm-text-patching/console.txt"

summary
