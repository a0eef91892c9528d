/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An event's path names, as d_path() gives them, made fit for an alert:
 * without the mark of a file unlinked since the operation, and cut to
 * their tail, with a mark, where they do not fit, so that a path too deep
 * to name still names its file and cannot pass for another.
 */
#ifndef _LDWATCH_PATHNAME_H
#define _LDWATCH_PATHNAME_H

#include <linux/types.h>

struct path;

/* What a path cut to its tail starts with: no absolute path does. */
#define LDW_PATH_CUT_MARK "..."

/**
 * ldw_path_string() - the path of @path from the current task's root
 * @path: the file
 * @buf: where to build it
 * @size: @buf's size, at least NAME_MAX + sizeof(LDW_PATH_CUT_MARK) + 1
 * @truncated: set to true if the path did not fit in @buf: the string is
 *	then LDW_PATH_CUT_MARK and the path's tail from a '/' on (or just
 *	the file's name); left alone otherwise
 *
 * As d_path(), from the task's root, but a file unlinked since the
 * operation is named where it was, without d_path()'s " (deleted)".
 * Process context, or atomic: it never sleeps.
 *
 * Return: the string, in @buf; or an ERR_PTR() if d_path() has no name for
 * the file for another reason than its length.
 */
char *ldw_path_string(const struct path *path, char *buf, int size,
		      bool *truncated);

#endif /* _LDWATCH_PATHNAME_H */
