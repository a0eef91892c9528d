// SPDX-License-Identifier: GPL-2.0
/*
 * An event's path names (pathname.h).
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/path.h>
#include <linux/string.h>

#include "pathname.h"

static const char ldw_deleted[] = " (deleted)";
#define LDW_DELETED_LEN (sizeof(ldw_deleted) - 1)

/* Cut d_path()'s mark of an unlinked file off @s, if it ends in it. */
static void ldw_cut_deleted(char *s, size_t len)
{
	if (len >= LDW_DELETED_LEN &&
	    !strcmp(s + len - LDW_DELETED_LEN, ldw_deleted))
		s[len - LDW_DELETED_LEN] = '\0';
}

/*
 * d_path() builds a path from its end, at the end of the buffer; one that
 * does not fit has filled the buffer with its tail when d_path() gives up
 * with ENAMETOOLONG. That tail is used only if it is whole (the buffer full
 * up to its last byte, the NUL) and ends in the file's name, else the name
 * alone: either way after LDW_PATH_CUT_MARK, in place of the tail's first
 * bytes, up to a '/' so that no component is cut.
 */
static char *ldw_path_tail(const struct path *path, char *buf, int size,
			   bool unlinked)
{
	const size_t mark = sizeof(LDW_PATH_CUT_MARK) - 1;
	struct name_snapshot name;
	size_t len, want;
	char *s;

	take_dentry_name_snapshot(&name, path->dentry);
	want = name.name.len + (unlinked ? LDW_DELETED_LEN : 0);
	len = strnlen(buf, size);
	s = len == size - 1 && len > want ? memchr(buf + mark, '/', len - mark) : NULL;
	if (s && s <= buf + len - want &&
	    !memcmp(buf + len - want, name.name.name, name.name.len)) {
		if (unlinked)
			ldw_cut_deleted(buf, len);
		s -= mark;
	} else {
		/* The name fits: @size leaves room for it and the mark. */
		s = buf;
		scnprintf(buf, size, "%s/%s", LDW_PATH_CUT_MARK, name.name.name);
	}
	memcpy(s, LDW_PATH_CUT_MARK, mark);
	release_dentry_name_snapshot(&name);
	return s;
}

/*
 * The file is named where the operation happened: once unlinked a dentry
 * stays so; if it was before d_path() ran, d_path() marked it; if it was
 * only after, d_path() is asked again.
 */
char *ldw_path_string(const struct path *path, char *buf, int size,
		      bool *truncated)
{
	bool unlinked = d_unlinked(path->dentry);
	char *s = d_path(path, buf, size);

	if (!IS_ERR(s) && !unlinked && d_unlinked(path->dentry)) {
		unlinked = true;
		s = d_path(path, buf, size);
	}
	if (s == ERR_PTR(-ENAMETOOLONG)) {
		*truncated = true;
		return ldw_path_tail(path, buf, size, unlinked);
	}
	if (!IS_ERR(s) && unlinked)
		ldw_cut_deleted(s, strlen(s));
	return s;
}
