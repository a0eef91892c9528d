#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/kernels.sh
#
# Print the target kernels, one release a line: the newest in Debian's
# archive of Debian 12's 6.1 generic, 6.1 PREEMPT_RT and 6.12 generic
# kernels. Each is fetched, the first time, into the cache and never
# installed on this machine: the tests must not give the host a new boot
# kernel, an initramfs run or a bootloader change. apt-get download takes
# the image, the headers and the kbuild tools; dpkg-deb -x unpacks them into
# $LDW_CACHE/kernels/RELEASE/, a tree laid out as the packages would lay out
# /, whose headers build modules as installed ones would and whose modules
# depmod has indexed, as the package's postinst would (tests/lib.sh's
# ldw_kernel_* functions name its parts). A tree is complete once it holds
# the stamp listing the packages' versions; a newer version in the archive
# fetches the release anew.
#
# Without network access to the archive, the newest complete tree in the
# cache serves. Never `uname -r`: the host is no target. Progress goes to
# stderr; the releases are the only stdout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Each flavour: the archive's meta-package, and the release pattern its
# image package names.
flavours=(
	'linux-image-amd64 6\.1\.0-[0-9]+-amd64'
	'linux-image-rt-amd64 6\.1\.0-[0-9]+-rt-amd64'
	'linux-image-6.12-amd64 6\.12\.[0-9]+\+deb12-amd64'
)

log() {
	printf 'kernels.sh: %s\n' "$*" >&2
}

# The packages a release's tree is made of, as "name=version" lines: the
# image, its headers, and what the headers depend on that holds build files
# (the common headers, linux-kbuild), not compilers.
packages_of() {
	local release=$1 headers dep
	headers=linux-headers-$release
	printf 'linux-image-%s=%s\n' "$release" "$(candidate "linux-image-$release")"
	printf '%s=%s\n' "$headers" "$(candidate "$headers")"
	while read -r dep; do
		case $dep in
		linux-headers-*-common* | linux-kbuild-*)
			printf '%s=%s\n' "$dep" "$(candidate "$dep")"
			;;
		esac
	done < <(apt-cache depends "$headers" | sed -n 's/^ *|\{0,1\}Depends: //p')
}

candidate() {
	apt-cache policy "$1" | sed -n 's/^ *Candidate: //p'
}

# The release a meta-package depends on now, or nothing.
newest_release() {
	local meta=$1 re=$2
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-//p' | grep -E "^${re}$" | sort -V | tail -n 1
}

# Unpack @release's packages into the cache, complete or not at all.
fetch() {
	local release=$1 stamp=$2 root tmp p pkgs
	root=$(ldw_kernel_root "$release")
	mapfile -t pkgs <<<"$stamp"
	tmp=$root.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/debs"
	log "fetching $release into $root"
	# As root apt cannot hand the download to its sandbox user in a
	# directory of root's; it says so on every package.
	(cd "$tmp/debs" && apt-get download -q "${pkgs[@]}") 2>&1 |
		{ grep -v '^W: Download is performed unsandboxed' || true; } >&2
	((PIPESTATUS[0] == 0)) || return 1
	for p in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$p" "$tmp"
	done
	rm -rf "$tmp/debs"
	# The packages name the build tree by absolute paths, meant for /: make
	# them point into this tree instead.
	ln -sfn "../../../usr/src/linux-headers-$release" "$tmp/lib/modules/$release/build"
	rm -f "$tmp/lib/modules/$release/source"
	sed -i "s|^include /usr/src/|include $root/usr/src/|" \
		"$tmp/usr/src/linux-headers-$release/Makefile"
	depmod_tree "$tmp" "$release" || return 1
	[[ -r $tmp/boot/vmlinuz-$release &&
		-r $tmp/usr/src/linux-headers-$release/Makefile ]] || {
		log "$release: the packages hold no image or no headers"
		return 1
	}
	printf '%s\n' "$stamp" >"$tmp/stamp"
	rm -rf "$root"
	mv "$tmp" "$root"
}

# depmod_tree ROOT RELEASE: the module index (modules.dep, modules.alias,
# ...) that the package's postinst would have made, so that modinfo -b and
# a guest's modprobe find the tree's modules by name and alias.
depmod_tree() {
	local root=$1 release=$2
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$root" "$release" || {
		log "$release: depmod failed"
		return 1
	}
}

# The newest release in the cache matching @re with a complete tree.
cached_release() {
	local re=$1 d
	for d in "$LDW_CACHE"/kernels/*/stamp; do
		[[ -e $d ]] || continue
		d=${d%/stamp}
		d=${d##*/}
		[[ $d =~ ^${re}$ ]] && echo "$d"
	done | sort -V | tail -n 1
}

mkdir -p "$LDW_CACHE/kernels"
exec 9>"$LDW_CACHE/kernels/.lock"
flock 9

status=0
for f in "${flavours[@]}"; do
	read -r meta re <<<"$f"
	release=$(newest_release "$meta" "$re")
	if [[ -z $release ]]; then
		release=$(cached_release "$re")
		if [[ -z $release ]]; then
			log "no release of $meta in the archive (run apt-get update) nor in $LDW_CACHE/kernels"
			status=1
			continue
		fi
		log "$meta: not in the archive's lists; using the cached $release"
		echo "$release"
		continue
	fi
	stamp=$(packages_of "$release")
	root=$(ldw_kernel_root "$release")
	if [[ ! -r $root/stamp || $(<"$root/stamp") != "$stamp" ]]; then
		if ! fetch "$release" "$stamp"; then
			log "cannot fetch $release"
			status=1
			continue
		fi
	elif [[ ! -r $root/lib/modules/$release/modules.dep ]]; then
		# A tree fetched before the index was part of it.
		depmod_tree "$root" "$release" || {
			status=1
			continue
		}
	fi
	echo "$release"
done
exit "$status"
