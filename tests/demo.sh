#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo [KERNEL=RELEASE] [SCENARIO=script.sh] [DEMO_KMODS="mod..."]
# [DEMO_BINS="path..."]`: boot one of Debian's kernels under qemu (default:
# 6.1, from the cache of tests/kernels.sh) with ldwatch loaded and ldwatchd
# logging, run a scenario as root in the guest, then show what ldwatchd
# logged: one readable line per JSON document, and the JSON lines
# themselves in build/demo/alerts.ndjson.
#
# The default scenario, tests/demo/attack.sh, writes /etc/ld.so.preload and
# the like as an attacker would, then does look-alikes the rule lets pass.
# A SCENARIO of your own is run with busybox sh, as root, in a guest where:
#   - PATH holds busybox's applets (sh, echo, cp, mv, sed, mkdir, ...) and,
#     in /usr/local/bin, ldwatchd, ldwatchctl, and the test helpers
#     ldw-ops (one file operation by a chosen system call or io_uring, as
#     any user: ldw-ops --help), ldw-expect and ldw-listen;
#   - the module is loaded (from /lib/ldwatch/ldwatch.ko) and ldwatchd runs,
#     writing /run/ldw/alerts.ndjson;
#   - `modprobe NAME` (busybox) loads the kernel's own modules named in
#     DEMO_KMODS (default: fuse overlay loop ext4), packed with everything
#     they depend on; any module of the kernel can be named;
#   - the executables in DEMO_BINS (space-separated paths; static ones, or
#     dynamic ones whose libraries are packed too) are in /usr/local/bin;
#   - /tests/lib.sh offers ok, not_ok and check for reporting results.
# Installs what it needs on first use (as root). DEMO_OUT (default
# build/demo) is where it all goes; the vm suite's own run of the demo
# sets it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

default_scenario=tests/demo/attack.sh
scenario=${SCENARIO:-$default_scenario}
[[ -f $scenario && -r $scenario ]] || { echo "demo: cannot read SCENARIO=$scenario" >&2; exit 2; }
read -ra kmods <<<"${DEMO_KMODS-fuse overlay loop ext4}"
read -ra bins <<<"${DEMO_BINS:-}"
extra=()
for k in "${kmods[@]}"; do
	[[ $k =~ ^[A-Za-z0-9_-]+$ ]] || { echo "demo: DEMO_KMODS: not a module name: $k" >&2; exit 2; }
	extra+=(--kmod-pack "$k")
done
for b in "${bins[@]}"; do
	[[ -f $b && -x $b ]] || { echo "demo: DEMO_BINS: not an executable file: $b" >&2; exit 2; }
	[[ ${b##*/} =~ ^(ldwatchd|ldwatchctl|ldw-ops|ldw-expect|ldw-listen)$ ]] &&
		{ echo "demo: DEMO_BINS: $b would replace the demo's own ${b##*/}" >&2; exit 2; }
	extra+=(--bin "$b")
done

tests/deps.sh
kernel=${KERNEL:-$(tests/kernels.sh | sed -n 1p)}
# The kernel comes from the cache (tests/kernels.sh), never from /boot.
[[ -r $(ldw_kernel_image "$kernel") && -d $(ldw_kernel_build "$kernel") ]] || {
	echo "demo: KERNEL=$kernel is not in the cache ($(ldw_kernel_root "$kernel"));" \
		"tests/kernels.sh lists the ones there are" >&2
	exit 2
}

out=${DEMO_OUT:-$LDW_BUILD/demo}
progs=$LDW_BUILD/vm-progs
mkdir -p "$out"
rm -f "$out/alerts.ndjson"
echo "demo: building ldwatch for $kernel"
{
	make --no-print-directory -s module userspace KDIR="$(ldw_kernel_build "$kernel")" &&
		make --no-print-directory -s -C tests/vm/progs OUT="$progs"
} >"$out/build.log" 2>&1 || {
	tail -n 20 "$out/build.log" >&2
	exit 1
}

# The guest runs the scenario between start.sh and report.sh; a scenario of
# the user's goes in as scenario.sh, whatever its name.
if [[ $scenario == "$default_scenario" ]]; then
	guest_scenario=$scenario
else
	guest_scenario=$out/scenario.sh
	cp -- "$scenario" "$guest_scenario"
fi

echo "demo: booting $kernel under qemu (about 15 s); scenario: $scenario"
status=0
tests/vm/run-vm.sh --kernel "$kernel" --out "$out/vm" \
	--module "$LDW_BUILD/kernel/$kernel/ldwatch.ko" \
	--bin "$LDW_BUILD/ldwatchd" --bin "$LDW_BUILD/ldwatchctl" \
	--bin "$progs/ldw-ops" --bin "$progs/ldw-expect" --bin "$progs/ldw-listen" \
	--file tests/vm/guest/sensor_lib.sh:/tests/sensor_lib.sh \
	"${extra[@]}" \
	tests/demo/start.sh "$guest_scenario" tests/demo/report.sh \
	>"$out/result.txt" 2>&1 || status=$?

# What the scenario printed: the console between init's marks for it,
# without the kernel's lines.
name=$(basename "$guest_scenario")
sed -n "/ldwatch-vm: running $name/,/ldwatch-vm: $name exited/p" "$out/vm/console.log" |
	sed -e '1d' -e '$d' | grep -av '^\[ *[0-9.]*\] ' || true

# The JSON lines report.sh sent on the result channel.
sed -n 's/^ldw-demo-ndjson //p' "$out/vm/results.log" >"$out/alerts.ndjson"
echo
echo "== What ldwatchd logged ($(wc -l <"$out/alerts.ndjson") JSON lines, in $out/alerts.ndjson):"
"$progs/ldw-expect" summary "$out/alerts.ndjson" | sed 's/^/  /'

# The default scenario's alerts are known: say whether they all came.
checks=$out/checks.txt
: >"$checks"
if [[ $scenario == "$default_scenario" ]]; then
	"$progs/ldw-expect" check "$out/alerts.ndjson" --name demo \
		--exactly 1 event.action=creation file.path=/etc/ld.so.preload \
		--exactly 1 event.action=rename file.path=/etc/ld.so.conf.d/x.conf \
		--exactly 1 event.action=creation file.path=/etc/ld.so.conf process.executable=/tmp/dpkg \
		--total 3 >"$checks" || true
fi

# The harness's failures and the checks above, then one tally over both.
echo
while IFS= read -r line; do
	if adopt_tally "$line"; then
		continue
	elif [[ $line == 'not ok'* ]]; then
		printf '%s\n' "$line"
	fi
done <"$out/result.txt"
while IFS= read -r line; do
	case $line in
	'ok - '*) ok "${line#ok - }" ;;
	'not ok - '*) not_ok "${line#not ok - }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$checks"
echo "demo: console log in $out/vm/console.log; alerts in $out/alerts.ndjson"
summary || status=1
exit "$status"
