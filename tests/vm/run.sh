#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/vm/run.sh RELEASE...
#
# The guest tests: for each target kernel, build the module for it, boot
# Debian's own kernel image under qemu with it, and run the guest scripts:
# the module's load and unload, then the sensor scenarios (tests/vm/guest/
# sensor_*.sh) with ldwatchd, all in one boot per kernel.
# Ends with one "N passed, N failed" line over all kernels.
#
# Also built here: the guest test programs (tests/vm/progs), checked
# against fixtures on the host first; and a small ext4 image (mkfs.ext4).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

(($# > 0)) || { echo "usage: $0 RELEASE..." >&2; exit 2; }

progs=$LDW_BUILD/vm-progs
sensor=1
if ! check "the guest test programs build (tests/vm/progs)" \
	make --no-print-directory -C tests/vm/progs OUT="$progs"; then
	sensor=0
elif ! check "ldw-expect builds with ASan and UBSan" \
	make --no-print-directory -C tests/vm/progs OUT="$progs-asan" STATIC= \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	"$progs-asan/ldw-expect"; then
	sensor=0
elif ! tests/vm/progs/test-ldw-expect.sh "$progs-asan/ldw-expect" >"$LDW_BUILD/vm-progs.log" 2>&1; then
	not_ok "ldw-expect passes its own tests on the host, under ASan and UBSan (see $LDW_BUILD/vm-progs.log)"
	grep -A3 '^not ok' "$LDW_BUILD/vm-progs.log" | sed 's/^/#   /'
	sensor=0
else
	ok "ldw-expect passes its own tests on the host, under ASan and UBSan"
fi
if ! check "ldwatchd and ldwatchctl build" make --no-print-directory userspace ||
	[[ ! -x $LDW_BUILD/ldwatchd ]]; then
	[[ -x $LDW_BUILD/ldwatchd ]] || not_ok "ldwatchd exists ($LDW_BUILD/ldwatchd)"
	sensor=0
fi
image=$LDW_BUILD/vm/ext4.img
mkfs_ext4=$(PATH=$PATH:/sbin:/usr/sbin command -v mkfs.ext4 || true)
mkdir -p "$LDW_BUILD/vm"
if [[ -z $mkfs_ext4 ]]; then
	not_ok "mkfs.ext4 exists (apt-get install e2fsprogs)"
	sensor=0
elif ! check "make an ext4 image for the guests" \
	"$mkfs_ext4" -q -F -L ldw-ext4 -E root_owner=0:0 "$image" 16M; then
	sensor=0
fi
((sensor)) || diag "the sensor scenarios are not run (see the failures above)"

# The sensor scenarios, in order, in the same boot as the module tests.
sensor_scripts=(
	tests/vm/guest/sensor_start.sh tests/vm/guest/sensor_cases.sh
	tests/vm/guest/sensor_names.sh tests/vm/guest/sensor_fs.sh
	tests/vm/guest/sensor_listen.sh tests/vm/guest/sensor_checks.sh
	tests/vm/guest/sensor_loop.sh tests/vm/guest/sensor_stop.sh
)
sensor_args=(
	--kmod loop --kmod ext4 --kmod overlay
	--bin "$LDW_BUILD/ldwatchd" --bin "$LDW_BUILD/ldwatchctl"
	--bin "$progs/ldw-ops" --bin "$progs/ldw-expect" --bin "$progs/ldw-listen"
	--file tests/vm/guest/sensor_lib.sh:/tests/sensor_lib.sh
	--file "$image:/images/ext4.img"
	# Debian's GNU sed, for `sed -i` as the rule's sed exclusion means it.
	--file /bin/sed:/opt/sed/sed
	# The 10,000-operation scenario takes a while under TCG.
	--script-timeout 300 --timeout 900
)

built=()
for release in "$@"; do
	if make --no-print-directory module KERNELRELEASE="$release" \
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

extra=()
((sensor)) && extra=("${sensor_args[@]}" "${sensor_scripts[@]}")
for release in "${built[@]}"; do
	tallied=0
	failures=0
	while IFS= read -r line; do
		if adopt_tally "$line"; then
			tallied=1
		else
			[[ $line == 'not ok'* ]] && failures=$((failures + 1))
			printf '%s\n' "$line"
		fi
	done < <(tests/vm/run-vm.sh --kernel "$release" --out "$LDW_BUILD/vm/$release" \
		--module "$LDW_BUILD/kernel/$release/ldwatch.ko" \
		--file tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt:/tests/data/rule.txt \
		tests/vm/guest/smoke.sh tests/vm/guest/module_load.sh "${extra[@]}" || true)
	((tallied)) || not_ok "[$release] run-vm.sh ended with its tally line"
	# The guest scripts explain each failure (field by field) on the console.
	((failures == 0)) || diag "[$release] why: $LDW_BUILD/vm/$release/console.txt"
done

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

summary
