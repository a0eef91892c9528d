#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The release number is written twice: LDW_VERSION in
# include/ldwatch/version.h (what the module reports, MODULE_VERSION and
# LDW_A_MODULE_VERSION) and PACKAGE_VERSION in dkms.conf (what DKMS and
# `make install` use). They must agree: test_version.sh [TOP]
#
# Prints "ok - ..." / "not ok - ..." lines and last "N passed, N failed";
# exits 0 iff none failed.
set -u
# shellcheck source-path=SCRIPTDIR source=cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}

header=$(sed -n 's/^#define[[:space:]]\{1,\}LDW_VERSION[[:space:]]\{1,\}"\([^"]*\)".*/\1/p' \
	"$top/include/ldwatch/version.h")
dkms=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$top/dkms.conf")

if [[ $header =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	ok "version.h defines LDW_VERSION once, as X.Y.Z ($header)"
else
	not_ok "version.h defines LDW_VERSION once, as X.Y.Z (found: '$header')"
fi
if [[ -n $dkms && $dkms == "$header" ]]; then
	ok "dkms.conf's PACKAGE_VERSION equals LDW_VERSION ($dkms)"
else
	not_ok "dkms.conf's PACKAGE_VERSION equals LDW_VERSION (dkms.conf '$dkms', version.h '$header')"
fi
if grep -q '^MODULE_VERSION(LDW_VERSION);$' "$top/module/main.c"; then
	ok "the module reports LDW_VERSION (MODULE_VERSION)"
else
	not_ok "the module reports LDW_VERSION (MODULE_VERSION)"
fi

summary
