#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/system/run.sh RELEASE...
#
# The system tier: ldwatch installed the way an administrator installs it,
# in a real Debian 12 system booted under qemu. For each target kernel
# RELEASE, on one copy-on-write copy (qcow2 overlay) of the cached image of
# tests/system/image.sh (a Debian 12 system running RELEASE, its headers
# installed), the host boots the image's own kernel and initrd several
# times, each boot one stage of tests/system/guest/stage.sh, which a unit
# of the image runs once the system is up:
#
#   install    apt-get install ./ldwatch-dkms_*.deb ./ldwatch_*.deb (DKMS
#              builds the module in the guest); reboot
#   installed  the module loaded by modules-load.d, ldwatchd.service active,
#              systemd-analyze security below 5; dpkg and apt on packages
#              that ship ld.so.conf.d files, GNU sed -i, vim, ldconfig, the
#              attack (bash, cp, mv), logrotate -f and a restart of the
#              daemon under load, each checked field by field; reboot
#   rebooted   back after the reboot with a new load; then on the 6.1
#              generic kernel a kernel upgrade (6.12's .debs: DKMS builds
#              ldwatch for it) and a boot into it ("upgraded"); purge
#
# A guest reboot ends qemu (-no-reboot): the host starts the next stage.
# The guest has no network; the .debs and test programs reach it on a
# second disk (the payload, label LDWPAYLOAD), the results on a virtio
# console. Any kernel splat on the console or in the guest's kernel log,
# or a failed unit, fails the run. Ends with "N passed, N failed".
#
# Environment: LDW_SYS_DEBS, a directory holding ldwatch-dkms_*_all.deb and
# ldwatch_*_amd64.deb to test (default: `make deb`, build/deb);
# LDW_SYS_UPGRADE, the kernel the 6.1 generic run upgrades to (default: the
# 6.12 target kernel in the cache; "none" skips the upgrade).
# Logs: build/system/RELEASE/ (each boot's console and results).
set -uo pipefail
# All of it is parsed before it runs (one compound command): a run takes
# long, and bash would otherwise read an edited file at a stale offset.
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"
cd "$LDW_TOP" || exit 1
export PATH=$PATH:/sbin:/usr/sbin

(($# > 0)) || { echo "usage: $0 RELEASE..." >&2; exit 2; }
started=$SECONDS
top=$LDW_BUILD/system
mkdir -p "$top"

fail_end() {
	not_ok "$*"
	summary
	exit 1
}

for tool in qemu-system-x86_64 qemu-img mkfs.ext4 debugfs dpkg-deb; do
	command -v "$tool" >/dev/null || fail_end "$tool is installed (tests/deps.sh)"
done

# ------------------------------------------------------------ the inputs

t0=$SECONDS
if ! images=$(tests/system/image.sh "$@" 2>"$top/image.log"); then
	tail -n 20 "$top/image.log" | sed 's/^/#   /'
	fail_end "the system images are built (tests/system/image.sh; $top/image.log)"
fi
mapfile -t images <<<"$images"
ok "the Debian 12 system images are ready ($((SECONDS - t0)) s)"
grep -E 'took|ready' "$top/image.log" | sed 's/^/# /'

debs=${LDW_SYS_DEBS:-}
if [[ -z $debs ]]; then
	debs=$LDW_BUILD/deb
	if ! grep -q '^deb:' Makefile; then
		fail_end "make deb builds the packages (there is no deb target yet)"
	fi
	check "make deb builds the packages" make --no-print-directory deb ||
		fail_end "the packages exist"
fi
found=("$debs"/ldwatch-dkms_*_all.deb)
dkms_deb=${found[-1]}
found=("$debs"/ldwatch_*_amd64.deb)
tools_deb=${found[-1]}
[[ -r $dkms_deb && -r $tools_deb ]] ||
	fail_end "ldwatch-dkms_*_all.deb and ldwatch_*_amd64.deb are in $debs"
version=$(dpkg-deb -f "$dkms_deb" Version)
version=${version%%-*}
diag "packages: ${dkms_deb##*/} ${tools_deb##*/}"

progs=$LDW_BUILD/vm-progs
check "ldw-expect builds (static)" make --no-print-directory -C tests/vm/progs OUT="$progs" \
	"$progs/ldw-expect" || fail_end "the guest's test programs exist"

# A package that ships an ld.so.conf.d file, one version up: the upgrade
# dpkg does (its conffile through .dpkg-new). The same files, repacked.
image_debs=${images[0]}/debs
scen=$top/scenario-debs
rm -rf "$scen"
mkdir -p "$scen/x"
cp "$image_debs"/*.deb "$scen/"
found=("$scen"/libfakeroot_*.deb)
fr=${found[0]}
dpkg-deb -R "$fr" "$scen/x"
sed -i 's/^Version: .*/&+ldw1/' "$scen/x/DEBIAN/control"
dpkg-deb -b "$scen/x" "$scen/" >/dev/null || fail_end "the repacked libfakeroot builds"
rm -rf "$scen/x"

upgrade=${LDW_SYS_UPGRADE:-}
if [[ -z $upgrade ]]; then
	for f in "$LDW_CACHE"/kernels/6.12.*/stamp; do
		[[ -e $f ]] || continue
		f=${f%/stamp}
		printf '%s\n' "${f##*/}"
	done | sort -V | tail -n 1 >"$top/upgrade"
	upgrade=$(<"$top/upgrade")
fi
[[ $upgrade == none ]] && upgrade=

# ------------------------------------------------------------ one boot

# boot OUT N STAGE KERNEL INITRD TIMEOUT: one qemu run of the system on
# OUT/disk.qcow2 with OUT/payload.img; its results adopted into ours. No
# getty is started: one on the virtio console (systemd starts one on any
# hvc0) would take over the result channel, and nobody logs in. The
# disks are throwaway copies: cache=unsafe makes the guest's flushes no-ops
# (dpkg syncs every file it unpacks; on a qcow2 overlay under TCG a kernel
# package's unpacking took over 25 minutes so).
# Sets NEXT to what the stage asked for (reboot, poweroff) or nothing.
boot() {
	local out=$1 n=$2 stage=$3 kernel=$4 initrd=$5 limit=$6 base rc=0 line t=$SECONDS
	base=$out/$n-$stage
	: >"$base.results"
	: >"$base.console"
	NEXT=
	timeout --kill-after=10 "$limit" qemu-system-x86_64 \
		-nodefaults -nographic -no-reboot \
		-accel tcg,thread=single -smp 2 -m 2048 \
		-kernel "$kernel" -initrd "$initrd" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 panic_on_warn=1 oops=panic systemd.getty_auto=0 ldw_sys.stage=$stage" \
		-drive "file=$out/disk.qcow2,format=qcow2,if=virtio,cache=unsafe" \
		-drive "file=$out/payload.img,format=raw,if=virtio,cache=unsafe" \
		-chardev "file,id=console,path=$base.console" -serial chardev:console \
		-device virtio-serial-pci,id=ldwvser \
		-chardev "file,id=results,path=$base.results" \
		-device virtconsole,bus=ldwvser.0,chardev=results,name=org.ldwatch.results \
		-monitor none -nic none </dev/null >"$base.qemu" 2>&1 || rc=$?
	LC_ALL=C tr -d '\r' <"$base.console" | LC_ALL=C tr -c '\n -~' '?' >"$base.console.txt"
	while IFS= read -r line; do
		case $line in
		'ok - '*) ok "[$label] ${line#ok - }" ;;
		'not ok - '*) not_ok "[$label] ${line#not ok - }" ;;
		'# '*) printf '%s\n' "$line" ;;
		"stage-end $stage "*) NEXT=${line##* } ;;
		esac
	done < <(LC_ALL=C tr -d '\r' <"$base.results" | LC_ALL=C tr -c '\n -~' '?')
	if [[ -n $NEXT ]]; then
		ok "[$label] stage $stage ran to its end ($((SECONDS - t)) s)"
	else
		not_ok "[$label] stage $stage ran to its end (qemu exit status $rc after $((SECONDS - t)) s; see $base.console.txt)"
		tail -n 25 "$base.console.txt" | sed 's/^/#   /'
	fi
	if ((rc == 0)); then
		ok "[$label] qemu ended by itself after stage $stage"
	else
		not_ok "[$label] qemu ended by itself after stage $stage (exit status $rc)"
	fi
	# Only kernel lines (with a printk timestamp) count.
	if LC_ALL=C grep -q -E '\[ *[0-9]+\.[0-9]+\].*(BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection fault|UBSAN:)' \
		"$base.console.txt"; then
		not_ok "[$label] no kernel splat on the console in stage $stage"
		LC_ALL=C grep -n -E -A 20 '(BUG:|WARNING:|Oops|Call Trace|Kernel panic)' "$base.console.txt" |
			head -n 60 | sed 's/^/#   /'
	else
		ok "[$label] no kernel splat on the console in stage $stage"
	fi
}

# ------------------------------------------------------------ the runs

for i in "${!images[@]}"; do
	release=${*:$((i + 1)):1}
	image=${images[$i]}
	label=$release
	out=$top/$release
	t_run=$SECONDS
	failed_before=$ldw_failed
	rm -rf "$out"
	mkdir -p "$out/payload.d"/{guest,bin,debs/ldwatch,debs/scenario,out}
	up=
	[[ $release =~ ^6\.1\.0-[0-9]+-amd64$ && -n $upgrade ]] && up=$upgrade

	# The payload disk: the stages, ldw-expect, the .debs.
	p=$out/payload.d
	install -m 0755 tests/system/guest/stage.sh "$p/guest/"
	install -m 0644 tests/system/guest/lib.sh "$p/guest/"
	install -m 0755 "$progs/ldw-expect" "$p/bin/"
	cp "$dkms_deb" "$tools_deb" "$p/debs/ldwatch/"
	cp "$scen"/*.deb "$p/debs/scenario/"
	if [[ -n $up ]]; then
		if ! updebs=$(tests/system/image.sh --debs "$up" 2>>"$top/image.log"); then
			not_ok "[$label] the $up kernel's packages are downloaded for the upgrade"
			up=
		else
			mkdir -p "$p/debs/upgrade"
			cp "$updebs"/*.deb "$p/debs/upgrade/"
		fi
	fi
	printf 'LDW_RELEASE=%s\nLDW_UPGRADE=%s\nLDW_VERSION=%s\n' "$release" "$up" "$version" >"$p/config"
	mkfs.ext4 -q -F -L LDWPAYLOAD -E root_owner=0:0 -d "$p" "$out/payload.img" \
		"$(($(du -sm "$p" | cut -f1) + 400))M" >/dev/null || { not_ok "[$label] the payload disk is made"; continue; }
	qemu-img create -q -f qcow2 -F raw -b "$image/disk.img" "$out/disk.qcow2" ||
		{ not_ok "[$label] the overlay on the image is made"; continue; }

	n=0
	stages=(install installed rebooted)
	for stage in "${stages[@]}"; do
		n=$((n + 1))
		boot "$out" "$n" "$stage" "$image/vmlinuz" "$image/initrd.img" 1800
		[[ $NEXT == reboot ]] || break
	done
	if [[ $stage == rebooted && $NEXT == reboot && -n $up ]]; then
		# The kernel and the initrd the guest installed and made.
		if debugfs -R "dump /out/vmlinuz $out/up-vmlinuz" "$out/payload.img" 2>/dev/null &&
			debugfs -R "dump /out/initrd.img $out/up-initrd.img" "$out/payload.img" 2>/dev/null &&
			[[ -s $out/up-vmlinuz && -s $out/up-initrd.img ]]; then
			label="$release -> $up"
			boot "$out" 4 upgraded "$out/up-vmlinuz" "$out/up-initrd.img" 1800
		else
			not_ok "[$label] the upgraded kernel and initrd are on the payload disk"
		fi
	fi
	[[ $NEXT == poweroff ]] || not_ok "[$release] the stages ended with a poweroff after the purge"
	diag "[$release] the run took $((SECONDS - t_run)) s (logs: $out)"
	# The overlay (up to a few GB) is kept only for a failed run, to look
	# into: qemu-img convert, then debugfs.
	((ldw_failed > failed_before)) || rm -f "$out/disk.qcow2"
done

diag "system tier took $((SECONDS - started)) s"
summary
exit
}
