#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/system/image.sh RELEASE...
#
# The system tier's Debian 12 images, built once and cached in
# $LDW_CACHE/system, keyed by their inputs. For each target kernel RELEASE
# it prints one line: the directory holding
#
#   disk.img      a raw ext4 file system (no partition table): a Debian 12
#                 system with systemd, DKMS and the tools the scenarios use,
#                 RELEASE's linux-image and linux-headers packages installed
#                 as an administrator installs them; root=/dev/vda
#   vmlinuz, initrd.img
#                 RELEASE's image and the initrd the image's own
#                 initramfs-tools made when the package was installed
#   debs/         .debs the scenarios install in the guest, which has no
#                 network: packages that ship files in /etc/ld.so.conf.d
#
# How: debootstrap (minbase plus the packages below) from the mirror this
# machine's apt uses into a tree, once for all kernels ("base"); then for
# each RELEASE a copy of the tree in which apt-get installs the kernel's
# .debs (apt-get download on this machine, the versions tests/kernels.sh
# unpacked into the cache), and mkfs.ext4 -d turns the tree into the image:
# nothing is mounted on this machine but /proc and /dev inside the chroot,
# in a mount namespace of its own, no loop device is used, and no kernel is
# installed here. Needs root (debootstrap, chroot).
#
# The key: this script, the files it installs (tests/system/guest/boot),
# the package list, the mirror, and for each RELEASE its packages'
# versions. A tree or image is complete once its stamp exists. Progress and
# the time each part took go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"

SUITE=bookworm
# What the scenarios and DKMS need beside minbase. The kernels' packages
# depend on linux-base, initramfs-tools and (6.12) pahole and gcc-12; the
# packages under test on json-c and libnl; the rest is what an
# administrator's server has and the scenarios use.
PACKAGES=(
	systemd systemd-sysv udev kmod dbus
	dkms gcc gcc-12 make dpkg-dev patch linux-compiler-gcc-12-x86 dwarves
	linux-base initramfs-tools zstd e2fsprogs
	libelf1 libssl3 zlib1g libjson-c5 libnl-3-200 libnl-genl-3-200 libsystemd0
	logrotate rsyslog vim-tiny sed perl procps
)
# Packages downloaded into debs/ for the scenarios: they ship files in
# /etc/ld.so.conf.d (libfakeroot: fakeroot-x86_64-linux-gnu.conf; libc6-i386:
# zz_i386-biarch-compat.conf, at the version of the image's libc6).
SCENARIO_DEBS=(libfakeroot libc6-i386)
# The image's size: room for a second kernel with headers (the upgrade
# scenario) and DKMS builds. The file is sparse.
DISK_SIZE=6G

log() {
	printf 'system/image.sh: %s\n' "$*" >&2
}

die() {
	log "$*"
	exit 1
}

(($# > 0)) || die "usage: $0 RELEASE... | $0 --debs RELEASE"
((EUID == 0)) || die "building the system image needs root (debootstrap, chroot)"
for tool in debootstrap mkfs.ext4 apt-get dpkg-deb sha256sum unshare chroot; do
	PATH=$PATH:/sbin:/usr/sbin command -v "$tool" >/dev/null ||
		die "$tool not found (tests/deps.sh installs it)"
done
export PATH=$PATH:/sbin:/usr/sbin

# The mirror apt is configured with here, for Debian 12's main suite;
# LDW_MIRROR overrides it. The security archive likewise, if there is one.
mirror_of() {
	apt-cache policy | awk -v s="$1/main" '$3 == s && $4 == "amd64" { print $2; exit }'
}
MIRROR=${LDW_MIRROR:-$(mirror_of "$SUITE")}
SECURITY=${LDW_SECURITY_MIRROR-$(mirror_of "$SUITE-security")}
[[ -n $MIRROR ]] || die "no mirror for $SUITE/main in apt's sources (set LDW_MIRROR)"

top=$LDW_CACHE/system
mkdir -p "$top"
exec 9>"$top/.lock"
flock 9

base_key=$({
	cat "${BASH_SOURCE[0]}" "$HERE"/guest/boot/*
	printf '%s\n' "${PACKAGES[@]}" "${SCENARIO_DEBS[@]}" "$MIRROR" "$SECURITY" "$SUITE"
} | sha256sum | cut -c1-16)
base=$top/base-$base_key

# in_chroot TREE CMD...: CMD in TREE with /proc and /dev, in a mount
# namespace of its own (the mounts vanish with it), no service started.
in_chroot() {
	local tree=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private -- sh -c '
		t=$1; shift
		mount -t proc proc "$t/proc" && mount --rbind /dev "$t/dev" &&
		exec chroot "$t" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
	' in_chroot "$tree" "$@"
}

build_base() {
	local tmp=$base.tmp t0=$SECONDS root
	rm -rf "$tmp"
	mkdir -p "$tmp/debs"
	root=$tmp/root
	log "debootstrap $SUITE from $MIRROR into $root"
	# In a mount namespace of its own: the /proc and /sys it mounts in the
	# tree vanish with it, even if it is interrupted.
	unshare --mount --propagation private -- debootstrap --variant=minbase --include="$(
		IFS=,
		echo "${PACKAGES[*]}"
	)" "$SUITE" "$root" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 || {
		tail -n 20 "$tmp/debootstrap.log" >&2
		die "debootstrap failed (log: $tmp/debootstrap.log)"
	}
	log "debootstrap took $((SECONDS - t0)) s"
	{
		echo "deb $MIRROR $SUITE main"
		echo "deb $MIRROR $SUITE-updates main"
		[[ -z $SECURITY ]] || echo "deb $SECURITY $SUITE-security main"
	} >"$root/etc/apt/sources.list"
	# No service starts in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	in_chroot "$root" apt-get update -qq
	in_chroot "$root" apt-get -y -qq dist-upgrade >/dev/null
	(
		cd "$tmp/debs"
		for p in "${SCENARIO_DEBS[@]}"; do
			# shellcheck disable=SC2016 # expanded by the chroot's sh
			in_chroot "$root" sh -c 'cd /tmp && apt-get download -q "$1" >/dev/null' sh "$p"
		done
		mv "$root"/tmp/*.deb .
	)
	in_chroot "$root" apt-get clean

	# The system: a name, the root file system, a console, no password
	# needed on it (nobody logs in; the tests run from a unit).
	echo ldw-sys >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tldw-sys\n' >"$root/etc/hosts"
	printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' >"$root/etc/fstab"
	in_chroot "$root" passwd -d root >/dev/null
	# The test stage runner, started at each boot.
	install -m 0755 "$HERE/guest/boot/ldw-sys-run" "$root/usr/local/sbin/ldw-sys-run"
	install -m 0644 "$HERE/guest/boot/ldw-sys-test.service" \
		"$root/etc/systemd/system/ldw-sys-test.service"
	in_chroot "$root" systemctl enable ldw-sys-test.service >/dev/null 2>&1
	# Timers that would act in the middle of a test at some boot: the
	# scenarios rotate the alert file themselves (logrotate -f), and the
	# guest has no network for apt.
	in_chroot "$root" systemctl mask apt-daily.timer apt-daily-upgrade.timer \
		logrotate.timer man-db.timer e2scrub_all.timer fstrim.timer >/dev/null 2>&1
	rm -f "$root/usr/sbin/policy-rc.d"
	printf '%s\n' "$base_key" >"$tmp/stamp"
	rm -rf "$base"
	mv "$tmp" "$base"
	log "base tree took $((SECONDS - t0)) s"
}

# The .debs of a release's tree as tests/kernels.sh recorded them
# (name=version lines), downloaded into the cache.
kernel_debs() {
	local release=$1 dir stamp
	dir=$top/debs/$release
	stamp=$(<"$(ldw_kernel_root "$release")/stamp") ||
		die "$release is not in the cache (tests/kernels.sh)"
	if [[ ! -r $dir/stamp || $(<"$dir/stamp") != "$stamp" ]]; then
		rm -rf "$dir"
		mkdir -p "$dir.tmp"
		mapfile -t pkgs <<<"$stamp"
		(cd "$dir.tmp" && apt-get download -q "${pkgs[@]}") 2>&1 |
			{ grep -v '^W: Download is performed unsandboxed' || true; } >&2
		((PIPESTATUS[0] == 0)) || die "cannot download $release's packages"
		printf '%s\n' "$stamp" >"$dir.tmp/stamp"
		mv "$dir.tmp" "$dir"
	fi
	printf '%s\n' "$dir"
}

build_release() {
	local release=$1 out=$2 tmp=$2.tmp t0=$SECONDS debs root d f
	debs=$(kernel_debs "$release")
	rm -rf "$tmp"
	mkdir -p "$tmp"
	root=$tmp/root
	log "$release: copying the base tree"
	cp -a "$base/root" "$root"
	mkdir -p "$root/tmp/ldw-kernel"
	cp "$debs"/*.deb "$root/tmp/ldw-kernel/"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	log "$release: installing its image and headers in the tree"
	# shellcheck disable=SC2016 # expanded by the chroot's sh
	in_chroot "$root" sh -c 'apt-get install -y -q --no-install-recommends /tmp/ldw-kernel/*.deb' \
		>"$tmp/install.log" 2>&1 || {
		tail -n 20 "$tmp/install.log" >&2
		die "$release: installing the kernel in the tree failed (log: $tmp/install.log)"
	}
	rm -rf "$root/tmp/ldw-kernel" "$root/usr/sbin/policy-rc.d"
	in_chroot "$root" apt-get clean
	[[ -r $root/boot/initrd.img-$release ]] ||
		die "$release: no initrd made by the image's initramfs-tools (log: $tmp/install.log)"
	cp "$root/boot/vmlinuz-$release" "$tmp/vmlinuz"
	cp "$root/boot/initrd.img-$release" "$tmp/initrd.img"
	# The release the image runs, for the scenarios.
	echo "$release" >"$root/etc/ldw-sys-release"
	log "$release: mkfs.ext4 -d ($DISK_SIZE, sparse)"
	mkfs.ext4 -q -F -L ldw-sys-root -E root_owner=0:0 -d "$root" "$tmp/disk.img" "$DISK_SIZE" >&2 ||
		die "$release: mkfs.ext4 -d failed"
	rm -rf "$root"
	mkdir -p "$tmp/debs"
	for d in "$base"/debs/*.deb; do
		f=${d##*/}
		ln "$d" "$tmp/debs/$f" 2>/dev/null || cp "$d" "$tmp/debs/$f"
	done
	printf '%s\n' "$3" >"$tmp/stamp"
	rm -rf "$out"
	mv "$tmp" "$out"
	log "$release: image took $((SECONDS - t0)) s"
}

# --debs RELEASE: only the kernel's .debs, downloaded into the cache; print
# their directory (the upgrade scenario installs them in a guest).
if [[ $1 == --debs ]]; then
	kernel_debs "$2"
	exit
fi

t_all=$SECONDS
if [[ ! -r $base/stamp ]]; then
	build_base
fi
for release in "$@"; do
	kstamp=$(<"$(ldw_kernel_root "$release")/stamp") ||
		die "$release is not in the cache (tests/kernels.sh)"
	key=$(printf '%s\n%s\n' "$base_key" "$kstamp" | sha256sum | cut -c1-16)
	out=$top/$release-$key
	if [[ ! -r $out/stamp ]]; then
		build_release "$release" "$out" "$key"
	fi
	printf '%s\n' "$out"
done
log "images ready in $((SECONDS - t_all)) s"
