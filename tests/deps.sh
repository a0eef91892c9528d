#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing ldwatch needs, from Debian's archive.
# As root it installs whatever is missing; otherwise it lists what is
# missing and fails, so that a test never fails later for a reason that is
# not the code's.
set -euo pipefail

packages=(
	# userspace build and tests; liburing for the guests' io_uring test program
	gcc make pkg-config libjson-c-dev libnl-genl-3-dev liburing-dev clang
	libclang-rt-14-dev shellcheck git
	# ldwatchctl rules check: the SHA-256 of a compiled rule
	nettle-dev
	# module builds and checks: sparse, the source tree that carries
	# checkpatch.pl, DKMS, pahole (6.12's headers make BTF). The target
	# kernels are not installed here: tests/kernels.sh unpacks them into
	# the cache, so that the tests never change how this machine boots.
	linux-source-6.12 xz-utils perl sparse dkms kmod openssl dwarves
	# the qemu guests
	qemu-system-x86 busybox-static cpio gzip
	# an ext4 image for the guests' file-system scenarios
	e2fsprogs
	# the system tier (tests/system): a Debian 12 system made with
	# debootstrap, qemu-img for its copy-on-write overlays
	debootstrap qemu-utils
	# the lab kernel (tests/lab/build.sh) and its KTAP parser (kunit.py)
	bc bison flex libelf-dev libssl-dev python3 util-linux
	# make bench compares with the audit subsystem: auditd and auditctl
	# run in the guest only (see below)
	auditd
	# ldwatchd --journal, and make deb with its test (tests/deb.sh): the
	# packaging tools, lintian, man pages rendered with man-db's warnings,
	# logrotate's parser, systemd-analyze security
	libsystemd-dev debhelper dh-dkms dpkg-dev lintian man-db groff-base logrotate systemd
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
		missing+=("$p")
	fi
done
((${#missing[@]} == 0)) && exit 0

if ((EUID != 0)); then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root to install them, or: apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# auditd is wanted for its binaries, which the benchmark packs into a guest;
# installing it must not start an audit daemon on this host, nor at its next
# boot. policy-rc.d keeps maintainer scripts from starting services.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ " ${missing[*]} " == *" auditd "* && ! -e $policy ]]; then
	printf '#!/bin/sh\n# ldwatch tests/deps.sh: no service starts\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	own_policy=1
fi
apt-get update -qq
rc=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
((own_policy)) && rm -f "$policy"
if [[ " ${missing[*]} " == *" auditd "* ]] && command -v systemctl >/dev/null; then
	systemctl disable --quiet auditd.service 2>/dev/null || true
	echo "deps.sh: auditd is installed for the benchmark's guests; its service is left disabled here"
fi
exit "$rc"
