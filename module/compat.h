/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ldwatch supports lives here, and
 * only here: Kbuild force-includes this header into each module source, so
 * logic files use one API and never test a kernel version themselves.
 *
 * Where a difference can be seen in the target's headers, Kbuild detects it
 * with a feature probe and passes an LDW_HAVE_* define; this header turns
 * those into one API. Probes test for the feature, not
 * the version, so a distribution backport is picked up as it is.
 *
 * Targets: Debian 12's 6.1 (generic and PREEMPT_RT) and 6.12 kernels.
 */
#ifndef _LDWATCH_COMPAT_H
#define _LDWATCH_COMPAT_H

#endif /* _LDWATCH_COMPAT_H */
