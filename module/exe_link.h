/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes whose executable link changed after exec. A process names its
 * executable by mm->exe_file (/proc/PID/exe), which prctl(PR_SET_MM,
 * PR_SET_MM_EXE_FILE or PR_SET_MM_MAP) replaces with any file the caller
 * may execute; a user namespace gives an unprivileged user the capability
 * it takes. Such a process could borrow the executable of a program the
 * rules exclude: its executable is not the one it was started from, and
 * alerts say so rather than trust it.
 */
#ifndef _LDWATCH_EXE_LINK_H
#define _LDWATCH_EXE_LINK_H

#include <linux/types.h>

struct mm_struct;

/*
 * The hook on replace_mm_exe_file(mm, file) calls this in the task that
 * asks, before the change, whether or not it then succeeds. Any context;
 * never sleeps.
 */
void ldw_exe_link_replacing(struct mm_struct *mm);

/**
 * ldw_exe_link_replaced() - whether @mm's executable link was replaced
 * @mm: a live address space (the current task's)
 *
 * Also true, for every @mm, once the record of replacements was full or
 * out of memory: then none can be vouched for.
 *
 * Return: true if its executable may not be the one it was started from.
 */
bool ldw_exe_link_replaced(const struct mm_struct *mm);

void ldw_exe_link_init(void);
/* After the hooks are gone. Sleeps. */
void ldw_exe_link_exit(void);

#endif /* _LDWATCH_EXE_LINK_H */
