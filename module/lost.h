/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The drop report (LDW_CMD_LOST): sequence numbers dropped, and why, told
 * to listeners within a second whether or not another alert follows.
 */
#ifndef _LDWATCH_LOST_H
#define _LDWATCH_LOST_H

#include <linux/types.h>

#include <ldwatch/netlink.h>

void ldw_lost_init(void);

/*
 * Sequence number @seq was dropped for @reason: report it soon. Never
 * sleeps and never allocates; callable from any context but hard
 * interrupts, a hook's callback included.
 */
void ldw_lost_note(u64 seq, enum ldw_drop reason);

/*
 * At unload, before STOPPING: send what is noted and note nothing more.
 * Process context.
 */
void ldw_lost_stop(void);

#endif /* _LDWATCH_LOST_H */
