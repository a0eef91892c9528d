#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo [KERNEL=RELEASE] [SCENARIO=script.sh]`: boot one of Debian's
# kernels under qemu with ldwatch and its tools, run a scenario as root in
# the guest, and show what it printed. The default scenario is
# tests/vm/guest/demo.sh; a scenario of your own gets busybox and ldwatchctl
# on PATH, the module at /lib/ldwatch/ldwatch.ko, and /tests/lib.sh.
# Installs what it needs on first use (as root).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

scenario=${SCENARIO:-tests/vm/guest/demo.sh}
[[ -r $scenario ]] || { echo "demo: cannot read SCENARIO=$scenario" >&2; exit 2; }

tests/deps.sh
kernel=${KERNEL:-$(tests/kernels.sh | sed -n 1p)}
[[ -e /boot/vmlinuz-$kernel && -d /lib/modules/$kernel/build ]] || {
	echo "demo: KERNEL=$kernel needs /boot/vmlinuz-$kernel and its headers" \
		"(apt-get install linux-image-$kernel linux-headers-$kernel)" >&2
	exit 2
}

out=$LDW_BUILD/demo
mkdir -p "$out"
echo "demo: building ldwatch for $kernel"
make --no-print-directory -s module userspace KERNELRELEASE="$kernel" >"$out/build.log" 2>&1 || {
	tail -n 20 "$out/build.log" >&2
	exit 1
}

echo "demo: booting $kernel under qemu (about 10 s)"
status=0
tests/vm/run-vm.sh --kernel "$kernel" --out "$out/vm" \
	--module "$LDW_BUILD/kernel/$kernel/ldwatch.ko" --bin "$LDW_BUILD/ldwatchctl" \
	--file tests/data/demo-events.ndjson:/demo/events.ndjson \
	"$scenario" >"$out/result.txt" 2>&1 || status=$?

# What the scenario printed: the console between init's start and end marks.
name=$(basename "$scenario")
sed -n "/ldwatch-vm: running $name/,/ldwatch-vm: $name exited/p" "$out/vm/console.log" |
	sed -e '1d' -e '$d' | grep -v '^\[ *[0-9.]*\] ' || true
# The alerts, as JSON lines, where the default scenario leaves them.
sed -n '/== Only the events the rule alerts on/,/^$/p' "$out/vm/console.log" |
	sed -n 's/^  \({.*}\)$/\1/p' >"$out/alerts.ndjson"
echo
grep -E '^(not ok|[0-9]+ passed)' "$out/result.txt" || true
echo "demo: console log in $out/vm/console.log; alerts in $out/alerts.ndjson"
exit "$status"
