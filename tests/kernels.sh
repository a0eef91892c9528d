#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the target kernels, one release a line: the newest installed of
# Debian 12's 6.1 generic, 6.1 PREEMPT_RT and 6.12 generic kernels, each
# with its image (/boot/vmlinuz-R) and headers (/lib/modules/R/build).
# tests/deps.sh installs them. Never `uname -r`: the host is no target.
set -euo pipefail

flavours=(
	'6\.1\.0-[0-9]+-amd64'
	'6\.1\.0-[0-9]+-rt-amd64'
	'6\.12\.[0-9]+\+deb12-amd64'
)

status=0
for re in "${flavours[@]}"; do
	release=$(
		for d in /lib/modules/*/; do
			r=$(basename "$d")
			if [[ $r =~ ^${re}$ && -e /boot/vmlinuz-$r && -d $d/build ]]; then
				echo "$r"
			fi
		done | sort -V | tail -n 1
	)
	if [[ -z $release ]]; then
		echo "kernels.sh: no kernel matching ^$re\$ with /boot/vmlinuz and headers;" \
			"run tests/deps.sh as root" >&2
		status=1
		continue
	fi
	echo "$release"
done
exit "$status"
