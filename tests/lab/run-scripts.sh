#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/lab/run-scripts.sh GUEST_SCRIPT...
#
# One boot of the lab kernel (tests/lab/build.sh, built or cached) running
# only the guest scripts given, with everything the sensor scenarios need
# packed (as tests/lab/run.sh packs it): to work on one lab scenario without
# the whole tier. E.g.
#   tests/lab/run-scripts.sh tests/lab/guest/faultinject.sh tests/lab/guest/kmemleak.sh
# Output: the harness's result lines; everything under build/lab-scripts/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$LDW_TOP"

(($# > 0)) || { echo "usage: $0 GUEST_SCRIPT..." >&2; exit 2; }

out=$LDW_BUILD/lab-scripts
mkdir -p "$out"
lab=$(tests/lab/build.sh 2>"$out/build.log") || {
	not_ok "the lab kernel builds (see $out/build.log)"
	summary
	exit
}
# shellcheck source=/dev/null
. "$lab/ldw-lab.env"
ko=$LDW_BUILD/kernel/lab-$LAB_KEY/ldwatch.ko
check "ldwatch builds against the lab kernel" make --no-print-directory module KDIR="$lab" ||
	{ summary; exit; }

# shellcheck source-path=SCRIPTDIR source=../vm/sensor_suite.sh
. tests/vm/sensor_suite.sh
sensor_scripts=()
sensor_suite_prepare
sensor_suite_args builtin
vm_suite "$LAB_RELEASE" --kernel "$LAB_RELEASE" --kernel-image "$LAB_IMAGE" \
	--out "$out/vm" --module "$ko" \
	--file tests/data/elastic-rule-dynamic-linker-creation-or-modification.txt:/tests/data/rule.txt \
	--file tests/lab/guest/lab_lib.sh:/tests/lab_lib.sh \
	--file rules/ldwatch-companion-v1.eql:/tests/rules/ldwatch-companion-v1.eql \
	--script-timeout 1800 --timeout 3000 "${sensor_args[@]}" "$@" ||
	diag "[$LAB_RELEASE] why: $out/vm/console.txt"
summary
