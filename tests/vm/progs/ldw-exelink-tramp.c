// SPDX-License-Identifier: GPL-2.0
/*
 * The part of ldw-exelink that runs outside its executable: copied to an
 * anonymous mapping, it unmaps the executable, points /proc/self/exe at
 * EXE by prctl(PR_SET_MM, PR_SET_MM_EXE_FILE), performs the operation,
 * writes the result line and exits.
 *
 * The kernel refuses PR_SET_MM_EXE_FILE (EBUSY) while any mapping of the
 * old executable remains, and once they are gone no libc, no global and no
 * constant of the program is there any more. So this file is built apart
 * (see the Makefile): no stack protector (its canary lives in TLS set up by
 * libc), no calls the compiler might invent (memcpy, memset), no jump
 * tables, no cold partition; the Makefile refuses the object if its
 * section ldw_tramp holds any relocation, i.e. refers to anything outside
 * itself. Every helper is always inlined, so the section is one function.
 * Its data all comes in struct exelink_args, on the stack.
 */
#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/prctl.h>

#include "ldw-exelink.h"

#define TRAMP __attribute__((section("ldw_tramp"), noreturn, used))
#define INLINE static inline __attribute__((always_inline))

INLINE long sys6(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

#define SYS(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0)

INLINE int err_of(long ret)
{
	return ret < 0 && ret > -4096 ? (int)-ret : 0;
}

/* iov: the errno's name, as the main program rendered it. */
INLINE void set_name(const struct exelink_args *a, struct iovec *iov, int err)
{
	if (err > 0 && err < EXELINK_NERR && a->namelen[err]) {
		iov->iov_base = (void *)a->names[err];
		iov->iov_len = a->namelen[err];
	} else {
		*iov = a->efail;
	}
}

/* Write the text to a fresh fd, close it; 0 or errno. */
INLINE int write_text(const struct exelink_args *a, long fd)
{
	const char *p = a->text.iov_base;
	unsigned long left = a->text.iov_len;
	int err = 0;
	long n;

	if (fd < 0)
		return err_of(fd);
	while (left && !err) {
		n = SYS(__NR_write, fd, p, left);
		if (n <= 0) {
			err = n < 0 ? err_of(n) : 5;	/* EIO: no libc header here */
		} else {
			p += n;
			left -= (unsigned long)n;
		}
	}
	n = SYS(__NR_close, fd, 0, 0);
	if (!err)
		err = err_of(n);
	return err;
}

TRAMP void exelink_run(struct exelink_args *a)
{
	struct iovec *msg;
	long ret;
	int i, err;

	for (i = 0; i < a->nranges; i++) {
		ret = SYS(__NR_munmap, a->start[i], a->len[i], 0);
		if (ret) {
			msg = a->munmap_msg;
			goto fail;
		}
	}
	ret = sys6(__NR_prctl, PR_SET_MM, PR_SET_MM_EXE_FILE, a->exe_fd, 0, 0);
	if (ret) {
		msg = a->prctl_msg;
		goto fail;
	}
	SYS(__NR_close, a->exe_fd, 0, 0);

	switch (a->op) {
	case EXELINK_CREAT:
		err = write_text(a, SYS(__NR_open, a->path, O_CREAT | O_WRONLY | O_TRUNC, 0644));
		break;
	case EXELINK_WRITE:
		err = write_text(a, SYS(__NR_open, a->path, O_WRONLY | O_TRUNC, 0));
		break;
	default:
		err = err_of(SYS(__NR_rename, a->path, a->newpath, 0));
		break;
	}
	if (err)
		set_name(a, &a->line[1], err);
	else
		a->line[1] = a->ok;
	a->line[2] = err ? a->done0 : a->done1;
	SYS(__NR_writev, 1, a->line, 3);
	for (;;)
		SYS(__NR_exit_group, err ? 1 : 0, 0, 0);

fail:
	set_name(a, &msg[1], err_of(ret));
	SYS(__NR_writev, 2, msg, 3);
	for (;;)
		SYS(__NR_exit_group, 1, 0, 0);
}
