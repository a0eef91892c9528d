/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The ldwatch release: one definition for the module (MODULE_VERSION, the
 * status reply's LDW_A_MODULE_VERSION) and the tools. It must equal
 * PACKAGE_VERSION in dkms.conf, which tests/unit/test_version.sh checks.
 */
#ifndef _LDWATCH_VERSION_H
#define _LDWATCH_VERSION_H

#define LDW_VERSION "0.1.0"

#endif /* _LDWATCH_VERSION_H */
