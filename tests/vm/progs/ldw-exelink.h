/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldw-exelink: what the main program prepares for the code it copies out of
 * its executable (ldw-exelink-tramp.c) and jumps to. That code runs after
 * the executable's mappings are gone, so everything it uses lies here, in a
 * struct on the stack: the ranges to unmap, the fds and paths, and every
 * byte it may write, as iovecs ready for writev(2).
 */
#ifndef LDW_EXELINK_H
#define LDW_EXELINK_H

#include <sys/uio.h>

/* A static binary has a handful of mappings; room for far more. */
#define EXELINK_MAX_RANGES 64
/* errno values 0..EXELINK_NERR-1 have their name here; others read EFAIL. */
#define EXELINK_NERR 134
#define EXELINK_NAME_MAX 16

enum exelink_op { EXELINK_CREAT, EXELINK_WRITE, EXELINK_RENAME };

struct exelink_args {
	int nranges;
	unsigned long start[EXELINK_MAX_RANGES];
	unsigned long len[EXELINK_MAX_RANGES];
	int exe_fd;			/* EXE, for PR_SET_MM_EXE_FILE */
	int op;				/* enum exelink_op */
	const char *path;		/* creat, write: PATH; rename: OLD */
	const char *newpath;		/* rename: NEW */
	struct iovec text;		/* what creat and write write */
	/*
	 * The result line: the ids, then "ok" or the errno's name, then
	 * " OP_DONE=1\n" or " OP_DONE=0\n". line[1] is filled in at the end.
	 */
	struct iovec line[3];
	struct iovec ok, done1, done0, efail;
	/* stderr after a failed munmap or prctl: prefix, errno name, hint. */
	struct iovec munmap_msg[3];
	struct iovec prctl_msg[3];
	unsigned char namelen[EXELINK_NERR];
	char names[EXELINK_NERR][EXELINK_NAME_MAX];
	/* What the iovecs point to: the executable's own data goes away. */
	unsigned long pool_used;
	char pool[2048];
};

/*
 * The code ldw-exelink copies: everything from __start_ldw_tramp to
 * __stop_ldw_tramp, entered at exelink_run. It never returns.
 */
void exelink_run(struct exelink_args *a);
extern const char __start_ldw_tramp[], __stop_ldw_tramp[];

#endif
