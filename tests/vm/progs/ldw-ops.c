// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-ops: perform one file operation by exactly the system call (or
 * io_uring request) chosen, optionally as another user, in a user
 * namespace or a chroot, from another thread or many times over; then say
 * who did it and how it ended.
 *
 * The guest scenarios use it to make the sensor see a precise operation and
 * to learn the facts an alert must carry (pid, tid, ppid, uid, gid) from the
 * process itself, by a route that does not go through the sensor. Copies of
 * this binary placed at /usr/bin/dpkg, /tmp/dpkg, .../sed and so on give
 * the process the executable path and name a scenario needs.
 *
 * Every operation is a short sequence of system calls (the table `ops`),
 * made by one of three routes: the x86-64 system call instruction, the
 * i386 compat entry (int $0x80, with the i386 numbers: "ia32-" in front of
 * the operation's name) or io_uring requests ("uring-"). An operation has a
 * route iff every call it makes through the route exists there (the table
 * `calls`). The code of an operation is the same on every route; only the
 * function that issues one call differs. Preparation (opening the file an
 * fd operation works on, a source file, a pipe) is always plain x86-64.
 *
 * Everything a route passes to the kernel by address (paths, the data
 * written, struct open_how) lies in memory mapped with MAP_32BIT, so that
 * the i386 entry, which sees only the low 32 bits of each register, reaches
 * it too.
 *
 * It is linked statically, so that it runs inside a chroot that holds
 * nothing else, and is unaffected by an /etc/ld.so.preload a scenario has
 * just written.
 *
 * Output, on stdout, one line of shell assignments (after the operation):
 *   OP_PID=.. OP_TID=.. OP_PPID=.. OP_UID=.. OP_EUID=.. OP_GID=..
 *   OP_RESULT=ok|ENAME OP_DONE=N
 * OP_TID is empty for io_uring operations: the kernel may run them in an
 * io-wq worker thread of the process, whose id is not known here. The ids
 * are those of the initial user namespace (with --userns, the ids that the
 * namespace's root maps to).
 *
 * Exit status: 0 the outcome was the one --expect names (default: ok);
 * 1 it was not; 2 usage error or a failure before the operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <liburing.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PROG "ldw-ops"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT (1 << 2)
#endif
/* Linux 6.9; liburing 2.3's header predates it. */
#define LDW_IORING_OP_FTRUNCATE 55

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A pointer as a system call argument. */
#define A(p) ((long)(uintptr_t)(p))

/* ------------------------------------------------------------ system calls */

enum call {
	C_NONE,		/* ends an operation's list of calls */
	C_OPEN, C_OPENAT, C_OPENAT2, C_CREAT, C_MKNOD, C_MKNODAT,
	C_RENAME, C_RENAMEAT, C_RENAMEAT2, C_LINK, C_LINKAT,
	C_SYMLINK, C_SYMLINKAT, C_MKDIR, C_MKDIRAT,
	C_WRITE, C_PWRITE, C_TRUNCATE, C_FTRUNCATE, C_FALLOCATE,
	C_MMAP, C_MSYNC, C_MUNMAP, C_COPY_FILE_RANGE, C_SENDFILE, C_SPLICE,
	C_MOUNT, C_UMOUNT2, C_OPEN_TREE, C_MOVE_MOUNT,
	C_FSOPEN, C_FSCONFIG, C_FSMOUNT,
	NCALLS
};

/*
 * One system call on each route. args has a letter per argument as the
 * x86-64 call takes them: 'a' one register on both ABIs (an int, a pointer,
 * a long: 32 bits on i386), 'L' a 64-bit value, which i386 takes in two
 * registers, low half first. nr32 is from asm/unistd_32.h (0: none);
 * uring names the io_uring opcode that does the call (NULL: none).
 */
static const struct call_def {
	const char *name;
	long nr64;
	long nr32;
	const char *args;
	const char *uring;
} calls[NCALLS] = {
	[C_OPEN] = { "open", __NR_open, 5, "aaa", NULL },
	[C_OPENAT] = { "openat", __NR_openat, 295, "aaaa", "IORING_OP_OPENAT" },
	[C_OPENAT2] = { "openat2", __NR_openat2, 437, "aaaa", "IORING_OP_OPENAT2" },
	[C_CREAT] = { "creat", __NR_creat, 8, "aa", NULL },
	[C_MKNOD] = { "mknod", __NR_mknod, 14, "aaa", NULL },
	[C_MKNODAT] = { "mknodat", __NR_mknodat, 297, "aaaa", NULL },
	[C_RENAME] = { "rename", __NR_rename, 38, "aa", NULL },
	[C_RENAMEAT] = { "renameat", __NR_renameat, 302, "aaaa", NULL },
	[C_RENAMEAT2] = { "renameat2", __NR_renameat2, 353, "aaaaa", "IORING_OP_RENAMEAT" },
	[C_LINK] = { "link", __NR_link, 9, "aa", NULL },
	[C_LINKAT] = { "linkat", __NR_linkat, 303, "aaaaa", "IORING_OP_LINKAT" },
	[C_SYMLINK] = { "symlink", __NR_symlink, 83, "aa", NULL },
	[C_SYMLINKAT] = { "symlinkat", __NR_symlinkat, 304, "aaa", "IORING_OP_SYMLINKAT" },
	[C_MKDIR] = { "mkdir", __NR_mkdir, 39, "aa", NULL },
	[C_MKDIRAT] = { "mkdirat", __NR_mkdirat, 296, "aaa", "IORING_OP_MKDIRAT" },
	[C_WRITE] = { "write", __NR_write, 4, "aaa", "IORING_OP_WRITE" },
	[C_PWRITE] = { "pwrite64", __NR_pwrite64, 181, "aaaL", "IORING_OP_WRITE" },
	[C_TRUNCATE] = { "truncate", __NR_truncate, 92, "aa", NULL },
	[C_FTRUNCATE] = { "ftruncate", __NR_ftruncate, 93, "aa", "IORING_OP_FTRUNCATE" },
	[C_FALLOCATE] = { "fallocate", __NR_fallocate, 324, "aaLL", "IORING_OP_FALLOCATE" },
	/* i386: mmap2, whose offset counts pages; ldw-ops maps at offset 0. */
	[C_MMAP] = { "mmap", __NR_mmap, 192, "aaaaaa", NULL },
	[C_MSYNC] = { "msync", __NR_msync, 144, "aaa", NULL },
	[C_MUNMAP] = { "munmap", __NR_munmap, 91, "aa", NULL },
	[C_COPY_FILE_RANGE] = { "copy_file_range", __NR_copy_file_range, 377, "aaaaaa", NULL },
	[C_SENDFILE] = { "sendfile", __NR_sendfile, 187, "aaaa", NULL },
	[C_SPLICE] = { "splice", __NR_splice, 313, "aaaaaa", "IORING_OP_SPLICE" },
	[C_MOUNT] = { "mount", __NR_mount, 21, "aaaaa", NULL },
	[C_UMOUNT2] = { "umount2", __NR_umount2, 52, "aa", NULL },
	[C_OPEN_TREE] = { "open_tree", __NR_open_tree, 428, "aaa", NULL },
	[C_MOVE_MOUNT] = { "move_mount", __NR_move_mount, 429, "aaaaa", NULL },
	[C_FSOPEN] = { "fsopen", __NR_fsopen, 430, "aa", NULL },
	[C_FSCONFIG] = { "fsconfig", __NR_fsconfig, 431, "aaaaa", NULL },
	[C_FSMOUNT] = { "fsmount", __NR_fsmount, 432, "aaa", NULL },
};

enum route { R_NATIVE, R_IA32, R_URING, NROUTES };

static const char *const route_prefix[NROUTES] = { "", "ia32-", "uring-" };

static bool route_has(enum route r, enum call c)
{
	return r == R_NATIVE || (r == R_IA32 && calls[c].nr32) ||
	       (r == R_URING && calls[c].uring);
}

/* Low memory (below 4 GiB) for what the routes pass by address. */
static struct {
	char *base;
	size_t used, size;
} low;

static void *low_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > low.size - low.used) {
		fprintf(stderr, PROG ": out of low memory (%zu bytes)\n", n);
		exit(2);
	}
	p = low.base + low.used;
	low.used += n;
	return p;
}

static char *low_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(low_alloc(n), s, n);
}

static long native_call(const struct call_def *d, const long *a)
{
	long ret = syscall(d->nr64, a[0], a[1], a[2], a[3], a[4], a[5]);

	return ret == -1 ? -errno : ret;
}

/*
 * int $0x80 from 64-bit code: the i386 entry, which takes the number in eax
 * and the arguments in ebx, ecx, edx, esi, edi, ebp, and zeroes r8-r11 on
 * the way back. rbp cannot be named as an operand, so the sixth argument
 * is swapped into it around the instruction, without touching the stack
 * (and so the red zone).
 */
static long ia32_call(const struct call_def *d, const long *a)
{
	unsigned long r[6] = { 0 };
	unsigned int lo;
	size_t i, n = 0;
	long ret;

	for (i = 0; d->args[i]; i++) {
		r[n++] = (uint32_t)a[i];
		if (d->args[i] == 'L')
			r[n++] = (uint32_t)((unsigned long)a[i] >> 32);
	}
	__asm__ volatile("xchg %[bp], %%rbp\n\t"
			 "int $0x80\n\t"
			 "xchg %[bp], %%rbp"
			 : "=a"(ret), [bp] "+r"(r[5])
			 : "0"(d->nr32), "b"(r[0]), "c"(r[1]), "d"(r[2]), "S"(r[3]), "D"(r[4])
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	lo = (unsigned int)ret;
	return lo > -4096U ? (long)(int)lo : (long)lo;
}

static struct io_uring ring;
static bool ring_ready;

/* One io_uring request, waited for. */
static long uring_call(enum call c, const long *a)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	if (!ring_ready) {
		ret = io_uring_queue_init(4, &ring, 0);
		if (ret < 0)
			return ret;
		ring_ready = true;
	}
	sqe = io_uring_get_sqe(&ring);
	if (!sqe)
		return -EBUSY;
	switch (c) {
	case C_OPENAT:
		io_uring_prep_openat(sqe, (int)a[0], (const char *)a[1], (int)a[2],
				     (mode_t)a[3]);
		break;
	case C_OPENAT2:
		io_uring_prep_openat2(sqe, (int)a[0], (const char *)a[1],
				      (struct open_how *)a[2]);
		break;
	case C_RENAMEAT2:
		io_uring_prep_renameat(sqe, (int)a[0], (const char *)a[1], (int)a[2],
				       (const char *)a[3], (unsigned int)a[4]);
		break;
	case C_LINKAT:
		io_uring_prep_linkat(sqe, (int)a[0], (const char *)a[1], (int)a[2],
				     (const char *)a[3], (int)a[4]);
		break;
	case C_SYMLINKAT:
		io_uring_prep_symlinkat(sqe, (const char *)a[0], (int)a[1], (const char *)a[2]);
		break;
	case C_MKDIRAT:
		io_uring_prep_mkdirat(sqe, (int)a[0], (const char *)a[1], (mode_t)a[2]);
		break;
	case C_WRITE:	/* offset -1: at the file position, as write(2) */
		io_uring_prep_write(sqe, (int)a[0], (const void *)a[1], (unsigned int)a[2],
				    (__u64)-1);
		break;
	case C_PWRITE:
		io_uring_prep_write(sqe, (int)a[0], (const void *)a[1], (unsigned int)a[2],
				    (__u64)a[3]);
		break;
	case C_FALLOCATE:
		io_uring_prep_fallocate(sqe, (int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]);
		break;
	case C_SPLICE:	/* ldw-ops passes no offsets: -1, the file position */
		io_uring_prep_splice(sqe, (int)a[0], -1, (int)a[2], -1, (unsigned int)a[4],
				     (unsigned int)a[5]);
		break;
	case C_FTRUNCATE:	/* sqe->off is the length */
		io_uring_prep_rw(LDW_IORING_OP_FTRUNCATE, sqe, (int)a[0], NULL, 0,
				 (__u64)a[1]);
		break;
	default:
		return -ENOSYS;
	}
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	else if (ret >= 0)
		ret = -EIO;
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

static enum route route;

/* Make call @c by the chosen route; the result, or -errno. */
static long sc(enum call c, const long *a)
{
	switch (route) {
	case R_IA32:
		return ia32_call(&calls[c], a);
	case R_URING:
		return uring_call(c, a);
	default:
		return native_call(&calls[c], a);
	}
}

#define SC(c, ...) sc(c, (const long[6]){ __VA_ARGS__ })

/* -------------------------------------------------------------- operations */

/* What to do between repeats (unless --keep), or how to repeat. */
enum undo {
	U_NONE,		/* repeat as it is */
	U_UNLINK,	/* unlink operand undo_arg */
	U_RMDIR,	/* rmdir operand undo_arg */
	U_UMOUNT,	/* umount2(operand undo_arg, 0) */
	U_SWAP,		/* alternate direction: OLD NEW, then NEW OLD */
};

struct op;
typedef int (*run_fn)(const struct op *op, bool back);

struct op {
	const char *name;
	const char *operands;	/* as --help shows them */
	int min_args, max_args;
	run_fn run;
	enum call calls[6];	/* made through the route (C_NONE ends) */
	long param;		/* the run function's: a file type, mount flags... */
	int oflags;		/* default open flags, where the op opens a file */
	enum undo undo;
	int undo_arg;
	bool fd_op;		/* works on an fd to PATH opened beforehand */
	bool source;		/* reads a source (SRC, or a temporary) */
	const char *synopsis;
};

/* What to do, from the command line. */
static struct {
	const struct op *op;
	const char *path;	/* first operand (low memory) */
	const char *newpath;	/* second operand, or NULL (low memory) */
	const char *empty;	/* "" (low memory) */
	struct open_how *how;	/* openat2's (low memory) */
	char *proc;		/* "/proc/self/fd/N" (low memory) */
	const char *tmpfs;	/* "tmpfs" (low memory) */
	int flags;		/* open flags */
	bool flags_set;
	unsigned int rflags;	/* renameat2 flags */
	mode_t mode;
	bool mode_set;
	int dirfd;		/* AT_FDCWD, or --at DIR */
	const char *content;	/* --write (low memory), or NULL */
	const char *text;	/* what the data operations write (low memory) */
	long long length;	/* --length, or -1: the operation's default */
	long long offset;	/* --offset */
	bool recursive;
	long repeat;
	bool thread;
	bool keep;		/* --keep: do not undo between repeats */
	int expect;		/* 0: success, else the errno expected */
	int fd;			/* fd operations: PATH, opened beforehand */
	int srcfd;		/* source operations: SRC or a temporary */
} cfg = {
	.mode = 0644,
	.dirfd = AT_FDCWD,
	.length = -1,
	.repeat = 1,
	.fd = -1,
	.srcfd = -1,
};

static const char default_text[] = "ldw-ops\n";

/* Write cfg.text to @fd by @c (write or pwrite64 at --offset); 0 or errno. */
static int write_text(int fd, enum call c)
{
	size_t len = strlen(cfg.text), done = 0;
	long n;

	while (done < len) {
		if (c == C_PWRITE)
			n = SC(C_PWRITE, fd, A(cfg.text + done), (long)(len - done),
			       (long)(cfg.offset + (long long)done));
		else
			n = SC(C_WRITE, fd, A(cfg.text + done), (long)(len - done));
		if (n <= 0)
			return n < 0 ? (int)-n : EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Write --write's text (if any) to a file just opened, and close it. */
static int finish_fd(long fd)
{
	int err = 0;

	if (fd < 0)
		return (int)-fd;
	if (cfg.content)
		err = write_text((int)fd, C_WRITE);
	if (close((int)fd) && !err)
		err = errno;
	return err;
}

/* Open @path by @c (open, openat, openat2 or creat); an fd or -errno. */
static long open_by(enum call c, int dirfd, const char *path, int flags)
{
	struct open_how *how = cfg.how;

	switch (c) {
	case C_OPEN:
		return SC(C_OPEN, A(path), flags, cfg.mode);
	case C_CREAT:
		return SC(C_CREAT, A(path), cfg.mode);
	case C_OPENAT2:
		/* openat2 refuses a mode when it creates nothing */
		memset(how, 0, sizeof(*how));
		how->flags = (unsigned int)flags;
		if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
			how->mode = cfg.mode;
		return SC(C_OPENAT2, dirfd, A(path), A(how), sizeof(*how));
	default:
		return SC(C_OPENAT, dirfd, A(path), flags, cfg.mode);
	}
}

static int errno_of(long ret)
{
	return ret < 0 ? (int)-ret : 0;
}

/* open, openat, openat2, creat; then write --write's text. */
static int run_open(const struct op *op, bool back)
{
	(void)back;
	return finish_fd(open_by(op->calls[0], cfg.dirfd, cfg.path, cfg.flags));
}

/* mknod or mknodat of the file type in param. */
static int run_mknod(const struct op *op, bool back)
{
	long mode = op->param | cfg.mode;
	long dev = op->param == S_IFCHR ? (long)makedev(1, 3) : 0;

	(void)back;
	if (op->calls[0] == C_MKNOD)
		return errno_of(SC(C_MKNOD, A(cfg.path), mode, dev));
	return errno_of(SC(C_MKNODAT, cfg.dirfd, A(cfg.path), mode, dev));
}

static int run_rename(const struct op *op, bool back)
{
	const char *from = back ? cfg.newpath : cfg.path;
	const char *to = back ? cfg.path : cfg.newpath;

	switch (op->calls[0]) {
	case C_RENAME:
		return errno_of(SC(C_RENAME, A(from), A(to)));
	case C_RENAMEAT:
		return errno_of(SC(C_RENAMEAT, cfg.dirfd, A(from), cfg.dirfd, A(to)));
	default:
		return errno_of(SC(C_RENAMEAT2, cfg.dirfd, A(from), cfg.dirfd, A(to),
				   cfg.rflags));
	}
}

/* How linkat names the file to link (param of the link operations). */
enum { LINK_PATH, LINK_EMPTY_PATH, LINK_PROC_FD };

/* linkat(@fd, @how) to NEWPATH: by OLD, by the fd itself, or by /proc. */
static long link_fd(int how, int fd)
{
	switch (how) {
	case LINK_EMPTY_PATH:
		return SC(C_LINKAT, fd, A(cfg.empty), cfg.dirfd, A(cfg.newpath), AT_EMPTY_PATH);
	case LINK_PROC_FD:
		snprintf(cfg.proc, 32, "/proc/self/fd/%d", fd);
		return SC(C_LINKAT, AT_FDCWD, A(cfg.proc), cfg.dirfd, A(cfg.newpath),
			  AT_SYMLINK_FOLLOW);
	default:
		return SC(C_LINKAT, cfg.dirfd, A(cfg.path), cfg.dirfd, A(cfg.newpath), 0);
	}
}

static int run_link(const struct op *op, bool back)
{
	long ret;
	int fd;

	(void)back;
	if (op->calls[0] == C_LINK)
		return errno_of(SC(C_LINK, A(cfg.path), A(cfg.newpath)));
	if (op->param == LINK_PATH)
		return errno_of(link_fd(LINK_PATH, -1));
	fd = openat(cfg.dirfd, cfg.path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = link_fd(LINK_EMPTY_PATH, fd);
	close(fd);
	return errno_of(ret);
}

/* An unnamed file in DIR (O_TMPFILE), written, then linked as NEWPATH. */
static int run_tmpfile_link(const struct op *op, bool back)
{
	long fd = open_by(C_OPENAT, cfg.dirfd, cfg.path, cfg.flags), ret;
	int err = 0;

	(void)back;
	if (fd < 0)
		return (int)-fd;
	if (cfg.content)
		err = write_text((int)fd, C_WRITE);
	if (!err && (ret = link_fd((int)op->param, (int)fd)) < 0)
		err = (int)-ret;
	close((int)fd);
	return err;
}

static int run_symlink(const struct op *op, bool back)
{
	(void)back;
	if (op->calls[0] == C_SYMLINK)
		return errno_of(SC(C_SYMLINK, A(cfg.path), A(cfg.newpath)));
	return errno_of(SC(C_SYMLINKAT, A(cfg.path), cfg.dirfd, A(cfg.newpath)));
}

static int run_mkdir(const struct op *op, bool back)
{
	(void)back;
	if (op->calls[0] == C_MKDIR)
		return errno_of(SC(C_MKDIR, A(cfg.path), cfg.mode));
	return errno_of(SC(C_MKDIRAT, cfg.dirfd, A(cfg.path), cfg.mode));
}

static long long length_or(long long dflt)
{
	return cfg.length < 0 ? dflt : cfg.length;
}

static int run_truncate(const struct op *op, bool back)
{
	(void)op;
	(void)back;
	return errno_of(SC(C_TRUNCATE, A(cfg.path), (long)length_or(0)));
}

/* Move the source's bytes into cfg.fd by copy_file_range, sendfile or splice. */
static int copy_source(enum call c)
{
	int pipefd[2] = { -1, -1 }, err = 0;
	long n = 1, k;

	if (lseek(cfg.srcfd, 0, SEEK_SET) < 0)
		return errno;
	if (c == C_SPLICE && pipe2(pipefd, O_CLOEXEC))
		return errno;
	while (!err && n > 0) {
		switch (c) {
		case C_COPY_FILE_RANGE:
			n = SC(C_COPY_FILE_RANGE, cfg.srcfd, 0, cfg.fd, 0, 1 << 20, 0);
			break;
		case C_SENDFILE:
			n = SC(C_SENDFILE, cfg.fd, cfg.srcfd, 0, 1 << 20);
			break;
		default:
			/* the source into the pipe is preparation; out of it, the operation */
			n = splice(cfg.srcfd, NULL, pipefd[1], NULL, 1 << 16, 0);
			if (n < 0) {
				err = errno;
				break;
			}
			for (k = n; k > 0 && !err; k -= n) {
				n = SC(C_SPLICE, pipefd[0], 0, cfg.fd, 0, k, 0);
				if (n <= 0)
					err = n < 0 ? (int)-n : EIO;
			}
			break;
		}
		if (n < 0 && !err)
			err = (int)-n;
	}
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		close(pipefd[1]);
	}
	return err;
}

/* Operations on an fd to PATH opened beforehand. */
static int run_fd(const struct op *op, bool back)
{
	(void)back;
	switch (op->calls[0]) {
	case C_FTRUNCATE:
		return errno_of(SC(C_FTRUNCATE, cfg.fd, (long)length_or(0)));
	case C_FALLOCATE:
		return errno_of(SC(C_FALLOCATE, cfg.fd, 0, (long)cfg.offset,
				   (long)length_or(4096)));
	case C_WRITE:
	case C_PWRITE:
		return write_text(cfg.fd, op->calls[0]);
	default:
		return copy_source(op->calls[0]);
	}
}

/* A shared writable mapping of PATH, the text written into it, msync. */
static int run_mmap_write(const struct op *op, bool back)
{
	size_t len = strlen(cfg.text), maplen = (size_t)cfg.offset + len;
	long map, ret;

	(void)op;
	(void)back;
	map = SC(C_MMAP, 0, (long)maplen, PROT_READ | PROT_WRITE, MAP_SHARED, cfg.fd, 0);
	if (map < 0 && map > -4096)
		return (int)-map;
	memcpy((char *)map + cfg.offset, cfg.text, len);
	ret = SC(C_MSYNC, map, (long)maplen, MS_SYNC);
	SC(C_MUNMAP, map, (long)maplen);
	return errno_of(ret);
}

/* mount(2) with the flags in param (MS_BIND or MS_MOVE). */
static int run_mount(const struct op *op, bool back)
{
	const char *src = back ? cfg.newpath : cfg.path;
	const char *dst = back ? cfg.path : cfg.newpath;
	long flags = op->param | (cfg.recursive ? MS_REC : 0);

	return errno_of(SC(C_MOUNT, A(src), A(dst), 0, flags, 0));
}

/* Attach the detached mount @mfd at @dst; closes @mfd. */
static int attach(long mfd, const char *dst)
{
	long ret;

	if (mfd < 0)
		return (int)-mfd;
	ret = SC(C_MOVE_MOUNT, mfd, A(cfg.empty), cfg.dirfd, A(dst),
		 MOVE_MOUNT_F_EMPTY_PATH);
	close((int)mfd);
	return errno_of(ret);
}

static long clone_tree(void)
{
	return SC(C_OPEN_TREE, cfg.dirfd, A(cfg.path),
		  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (cfg.recursive ? AT_RECURSIVE : 0));
}

/* open_tree(SRC, OPEN_TREE_CLONE), move_mount to DST. */
static int run_new_mount(const struct op *op, bool back)
{
	(void)op;
	(void)back;
	return attach(clone_tree(), cfg.newpath);
}

/* open_tree(SRC, OPEN_TREE_CLONE), then create RELPATH through the clone. */
static int run_open_tree_write(const struct op *op, bool back)
{
	long tree = clone_tree();
	int err;

	(void)op;
	(void)back;
	if (tree < 0)
		return (int)-tree;
	err = finish_fd(open_by(C_OPENAT, (int)tree, cfg.newpath, cfg.flags));
	close((int)tree);
	return err;
}

/* A new tmpfs (fsopen, fsconfig, fsmount), RELPATH written in it, at DST. */
static int run_fsmount(const struct op *op, bool back)
{
	const char *rel = cfg.newpath;
	long fs, mnt;
	int err = 0;

	(void)op;
	(void)back;
	fs = SC(C_FSOPEN, A(cfg.tmpfs), FSOPEN_CLOEXEC);
	if (fs < 0)
		return (int)-fs;
	mnt = SC(C_FSCONFIG, fs, FSCONFIG_CMD_CREATE, 0, 0, 0);
	if (mnt >= 0)
		mnt = SC(C_FSMOUNT, fs, FSMOUNT_CLOEXEC, 0);
	close((int)fs);
	if (mnt >= 0 && rel)
		err = finish_fd(open_by(C_OPENAT, (int)mnt, rel, cfg.flags));
	if (err) {
		close((int)mnt);
		return err;
	}
	return attach(mnt, cfg.path);
}

static int run_umount(const struct op *op, bool back)
{
	(void)op;
	(void)back;
	return errno_of(SC(C_UMOUNT2, A(cfg.path), 0));
}

#define CREATE_FLAGS (O_WRONLY | O_CREAT | O_TRUNC)

/*
 * The operations, as --help lists them. A row's calls are those made
 * through the route; the first names the row on the i386 and io_uring
 * routes, which exist where every call in the list does.
 */
static const struct op ops[] = {
	/* Creation of a file (the rule's "creation"). */
	{ "open", "PATH", 1, 1, run_open, { C_OPEN, C_WRITE }, 0, CREATE_FLAGS,
	  U_UNLINK, 0, false, false, "open(PATH, FLAGS, MODE)" },
	{ "openat", "PATH", 1, 1, run_open, { C_OPENAT, C_WRITE }, 0, CREATE_FLAGS,
	  U_UNLINK, 0, false, false, "openat(DIRFD, PATH, FLAGS, MODE)" },
	{ "openat2", "PATH", 1, 1, run_open, { C_OPENAT2, C_WRITE }, 0, CREATE_FLAGS,
	  U_UNLINK, 0, false, false, "openat2(DIRFD, PATH, {FLAGS, MODE})" },
	{ "creat", "PATH", 1, 1, run_open, { C_CREAT, C_WRITE }, 0, CREATE_FLAGS,
	  U_UNLINK, 0, false, false, "creat(PATH, MODE)" },
	{ "mknod", "PATH", 1, 1, run_mknod, { C_MKNOD }, S_IFREG, 0,
	  U_UNLINK, 0, false, false, "mknod(PATH, S_IFREG|MODE, 0)" },
	{ "mknodat", "PATH", 1, 1, run_mknod, { C_MKNODAT }, S_IFREG, 0,
	  U_UNLINK, 0, false, false, "mknodat(DIRFD, PATH, S_IFREG|MODE, 0)" },
	{ "mkfifo", "PATH", 1, 1, run_mknod, { C_MKNOD }, S_IFIFO, 0,
	  U_UNLINK, 0, false, false, "mknod(PATH, S_IFIFO|MODE, 0)" },
	{ "mknod-chr", "PATH", 1, 1, run_mknod, { C_MKNOD }, S_IFCHR, 0,
	  U_UNLINK, 0, false, false, "mknod(PATH, S_IFCHR|MODE, makedev(1, 3)), a /dev/null" },
	{ "mkdir", "PATH", 1, 1, run_mkdir, { C_MKDIR }, 0, 0,
	  U_RMDIR, 0, false, false, "mkdir(PATH, MODE) (MODE default 0755)" },
	{ "mkdirat", "PATH", 1, 1, run_mkdir, { C_MKDIRAT }, 0, 0,
	  U_RMDIR, 0, false, false, "mkdirat(DIRFD, PATH, MODE) (MODE default 0755)" },
	/* Modification of an existing file. */
	{ "open-write", "PATH", 1, 1, run_open, { C_OPEN, C_WRITE }, 0, O_WRONLY,
	  U_NONE, 0, false, false, "open(PATH, FLAGS) (default wronly: no O_CREAT)" },
	{ "openat-write", "PATH", 1, 1, run_open, { C_OPENAT, C_WRITE }, 0, O_WRONLY,
	  U_NONE, 0, false, false, "openat(DIRFD, PATH, FLAGS) (default wronly)" },
	{ "openat2-write", "PATH", 1, 1, run_open, { C_OPENAT2, C_WRITE }, 0, O_WRONLY,
	  U_NONE, 0, false, false, "openat2(DIRFD, PATH, {FLAGS}) (default wronly)" },
	{ "truncate", "PATH", 1, 1, run_truncate, { C_TRUNCATE }, 0, 0,
	  U_NONE, 0, false, false, "truncate(PATH, LENGTH) (default 0)" },
	{ "ftruncate", "PATH", 1, 1, run_fd, { C_FTRUNCATE }, 0, O_RDWR,
	  U_NONE, 0, true, false, "ftruncate(FD, LENGTH) (default 0)" },
	{ "fallocate", "PATH", 1, 1, run_fd, { C_FALLOCATE }, 0, O_RDWR,
	  U_NONE, 0, true, false, "fallocate(FD, 0, OFFSET, LENGTH) (default 4096)" },
	{ "write", "PATH", 1, 1, run_fd, { C_WRITE }, 0, O_RDWR,
	  U_NONE, 0, true, false, "write(FD, TEXT) at the file position" },
	{ "pwrite", "PATH", 1, 1, run_fd, { C_PWRITE }, 0, O_RDWR,
	  U_NONE, 0, true, false, "pwrite64(FD, TEXT, OFFSET)" },
	{ "mmap-write", "PATH", 1, 1, run_mmap_write, { C_MMAP, C_MSYNC, C_MUNMAP }, 0, O_RDWR,
	  U_NONE, 0, true, false,
	  "mmap(MAP_SHARED, PROT_WRITE) of FD, TEXT stored at OFFSET, msync, munmap;\n"
	  "the file must already hold OFFSET + TEXT bytes" },
	{ "copy_file_range", "PATH [SRC]", 1, 2, run_fd, { C_COPY_FILE_RANGE }, 0, O_RDWR,
	  U_NONE, 0, true, true, "copy_file_range(SRCFD, NULL, FD, NULL, ...) until SRC ends" },
	{ "sendfile", "PATH [SRC]", 1, 2, run_fd, { C_SENDFILE }, 0, O_RDWR,
	  U_NONE, 0, true, true, "sendfile(FD, SRCFD, NULL, ...) until SRC ends" },
	{ "splice", "PATH [SRC]", 1, 2, run_fd, { C_SPLICE }, 0, O_RDWR,
	  U_NONE, 0, true, true,
	  "splice(PIPE, NULL, FD, NULL, ...), the pipe filled from SRC (x86-64 splice)" },
	/* Names: renames, links, symbolic links. */
	{ "rename", "OLD NEW", 2, 2, run_rename, { C_RENAME }, 0, 0,
	  U_SWAP, 0, false, false, "rename(OLD, NEW)" },
	{ "renameat", "OLD NEW", 2, 2, run_rename, { C_RENAMEAT }, 0, 0,
	  U_SWAP, 0, false, false, "renameat(DIRFD, OLD, DIRFD, NEW)" },
	{ "renameat2", "OLD NEW", 2, 2, run_rename, { C_RENAMEAT2 }, 0, 0,
	  U_SWAP, 0, false, false, "renameat2(DIRFD, OLD, DIRFD, NEW, RFLAGS)" },
	{ "link", "OLD NEW", 2, 2, run_link, { C_LINK }, LINK_PATH, 0,
	  U_UNLINK, 1, false, false, "link(OLD, NEW)" },
	{ "linkat", "OLD NEW", 2, 2, run_link, { C_LINKAT }, LINK_PATH, 0,
	  U_UNLINK, 1, false, false, "linkat(DIRFD, OLD, DIRFD, NEW, 0)" },
	{ "linkat-fd", "OLD NEW", 2, 2, run_link, { C_LINKAT }, LINK_EMPTY_PATH, 0,
	  U_UNLINK, 1, false, false,
	  "linkat(FD, \"\", DIRFD, NEW, AT_EMPTY_PATH), FD = OLD opened O_PATH" },
	{ "tmpfile-link", "DIR NEW", 2, 2, run_tmpfile_link, { C_OPENAT, C_WRITE, C_LINKAT },
	  LINK_PROC_FD, O_WRONLY | O_TMPFILE, U_UNLINK, 1, false, false,
	  "openat(DIRFD, DIR, O_TMPFILE|O_WRONLY, MODE), TEXT if --write, then\n"
	  "linkat(AT_FDCWD, \"/proc/self/fd/FD\", DIRFD, NEW, AT_SYMLINK_FOLLOW)" },
	{ "tmpfile-link-fd", "DIR NEW", 2, 2, run_tmpfile_link, { C_OPENAT, C_WRITE, C_LINKAT },
	  LINK_EMPTY_PATH, O_WRONLY | O_TMPFILE, U_UNLINK, 1, false, false,
	  "the same, linked by linkat(FD, \"\", DIRFD, NEW, AT_EMPTY_PATH)" },
	{ "symlink", "TARGET LINK", 2, 2, run_symlink, { C_SYMLINK }, 0, 0,
	  U_UNLINK, 1, false, false, "symlink(TARGET, LINK)" },
	{ "symlinkat", "TARGET LINK", 2, 2, run_symlink, { C_SYMLINKAT }, 0, 0,
	  U_UNLINK, 1, false, false, "symlinkat(TARGET, DIRFD, LINK)" },
	/* Mounts. */
	{ "bind-mount", "SRC DST", 2, 2, run_mount, { C_MOUNT }, MS_BIND, 0,
	  U_UMOUNT, 1, false, false, "mount(SRC, DST, NULL, MS_BIND, NULL)" },
	{ "move-mount", "SRC DST", 2, 2, run_mount, { C_MOUNT }, MS_MOVE, 0,
	  U_SWAP, 0, false, false, "mount(SRC, DST, NULL, MS_MOVE, NULL); SRC is a mount" },
	{ "new-mount-api", "SRC DST", 2, 2, run_new_mount, { C_OPEN_TREE, C_MOVE_MOUNT }, 0, 0,
	  U_UMOUNT, 1, false, false,
	  "open_tree(DIRFD, SRC, OPEN_TREE_CLONE), then\n"
	  "move_mount(TREE, \"\", DIRFD, DST, MOVE_MOUNT_F_EMPTY_PATH)" },
	{ "fsmount-tmpfs", "DST [RELPATH]", 1, 2, run_fsmount,
	  { C_FSOPEN, C_FSCONFIG, C_FSMOUNT, C_OPENAT, C_WRITE, C_MOVE_MOUNT }, 0, CREATE_FLAGS,
	  U_UMOUNT, 0, false, false,
	  "fsopen(\"tmpfs\"), fsconfig(FSCONFIG_CMD_CREATE), fsmount; RELPATH created\n"
	  "in it by openat(MNT, RELPATH, FLAGS, MODE) with TEXT if --write; then\n"
	  "move_mount(MNT, \"\", DIRFD, DST, MOVE_MOUNT_F_EMPTY_PATH)" },
	{ "open-tree-write", "SRC RELPATH", 2, 2, run_open_tree_write,
	  { C_OPEN_TREE, C_OPENAT, C_WRITE }, 0, CREATE_FLAGS, U_NONE, 0, false, false,
	  "open_tree(DIRFD, SRC, OPEN_TREE_CLONE), a detached clone, then\n"
	  "openat(TREE, RELPATH, FLAGS, MODE) and TEXT if --write" },
	{ "umount", "PATH", 1, 1, run_umount, { C_UMOUNT2 }, 0, 0,
	  U_NONE, 0, false, false, "umount2(PATH, 0)" },
};

/* Older names, kept: the io_uring request is IORING_OP_RENAMEAT. */
static const struct {
	const char *name, *is;
} aliases[] = {
	{ "uring-renameat", "uring-renameat2" },
};

static bool op_has_route(const struct op *op, enum route r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(op->calls) && op->calls[i]; i++)
		if (!route_has(r, op->calls[i]))
			return false;
	return true;
}

/* The operation and route that NAME names, or NULL. */
static const struct op *find_op(const char *name, enum route *r)
{
	size_t i, n;
	int k;

	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i].name))
			name = aliases[i].is;
	for (k = NROUTES - 1; k >= 0; k--) {
		n = strlen(route_prefix[k]);
		if (!strncmp(name, route_prefix[k], n))
			break;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(ops[i].name, name + n) && op_has_route(&ops[i], (enum route)k)) {
			*r = (enum route)k;
			return &ops[i];
		}
	return NULL;
}

/* ------------------------------------------------------------ results */

/* What happened. */
static struct {
	int err;	/* 0 or the errno of the first failure */
	long done;	/* operations that succeeded */
	pid_t tid;	/* thread that did them; 0 if unknown (io_uring) */
} res;

static const struct {
	const char *name;
	int value;
} errnames[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "EBADF", EBADF }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST },
	{ "EXDEV", EXDEV }, { "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR },
	{ "EINVAL", EINVAL }, { "ENFILE", ENFILE }, { "EMFILE", EMFILE },
	{ "ETXTBSY", ETXTBSY }, { "EFBIG", EFBIG }, { "ENOSPC", ENOSPC },
	{ "EROFS", EROFS }, { "EMLINK", EMLINK }, { "ENAMETOOLONG", ENAMETOOLONG },
	{ "ENOSYS", ENOSYS }, { "ENOTEMPTY", ENOTEMPTY }, { "ELOOP", ELOOP },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EDQUOT", EDQUOT },
	{ "EFAULT", EFAULT }, { "ENODEV", ENODEV }, { "ENXIO", ENXIO },
	{ "ESPIPE", ESPIPE }, { "ENOTBLK", ENOTBLK }, { "EOVERFLOW", EOVERFLOW },
};

#define NERRNAMES ARRAY_SIZE(errnames)

static const char *errname(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < NERRNAMES; i++)
		if (errnames[i].value == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int errvalue(const char *name)
{
	size_t i;

	if (!strcmp(name, "ok"))
		return 0;
	for (i = 0; i < NERRNAMES; i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].value;
	return -1;
}

/* ------------------------------------------------------------ command line */

static void print_routes(FILE *out, const struct op *op)
{
	const char *sep = "        also: ";
	int r;

	for (r = R_IA32; r < NROUTES; r++)
		if (op_has_route(op, (enum route)r)) {
			fprintf(out, "%s%s%s", sep, route_prefix[r], op->name);
			sep = ", ";
		}
	if (sep[0] == ',')
		fputc('\n', out);
}

static void usage(FILE *out)
{
	const char *line, *nl;
	size_t i;

	fputs("Usage: " PROG " [OPTION]... OP OPERAND...\n"
	      "\n"
	      "Perform one file operation by the system calls OP names, then print\n"
	      "OP_PID= OP_TID= OP_PPID= OP_UID= OP_EUID= OP_GID= OP_RESULT= OP_DONE=\n"
	      "as one line of shell assignments.\n"
	      "\n"
	      "Routes: OP alone makes its calls by the x86-64 syscall instruction;\n"
	      "ia32-OP by int $0x80 with the i386 numbers; uring-OP by io_uring\n"
	      "requests. Each operation lists the routes it has besides x86-64: those\n"
	      "on which every call it makes exists. uring-renameat is the old name of\n"
	      "uring-renameat2 (IORING_OP_RENAMEAT). --syscalls prints the calls'\n"
	      "numbers and opcodes. Opening PATH for an fd operation, a source, a pipe,\n"
	      "are done beforehand by x86-64 calls; only the calls shown are the OP.\n"
	      "\n"
	      "DIRFD is --at's directory (default AT_FDCWD). FLAGS are --flags (the\n"
	      "default depends on OP: wronly,creat,trunc for a creation, wronly for\n"
	      "*-write, rdwr for an fd operation). TEXT is --write's text; operations\n"
	      "that must write something write \"ldw-ops\\n\" without it. OFFSET and\n"
	      "LENGTH are --offset (default 0) and --length.\n"
	      "\n"
	      "Operations:\n", out);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		fprintf(out, "  %s %s\n", ops[i].name, ops[i].operands);
		for (line = ops[i].synopsis; line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(out, "        %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
		}
		print_routes(out, &ops[i]);
		if (ops[i].fd_op)
			fputs("        FD: PATH opened with FLAGS before the operation\n", out);
		if (ops[i].source)
			fputs("        SRCFD: SRC, or an unnamed file (O_TMPFILE) in PATH's\n"
			      "        directory holding TEXT\n", out);
	}
	fputs("\n"
	      "Options:\n"
	      "  --flags LIST     open flags, comma-separated from rdonly wronly rdwr\n"
	      "                   creat excl trunc append nofollow cloexec tmpfile\n"
	      "  --mode OCTAL     mode of a created file (default 0644; 0755 for mkdir)\n"
	      "  --rename-flags LIST  renameat2 flags: noreplace exchange whiteout\n"
	      "  --at DIR         DIRFD is DIR opened O_PATH (default AT_FDCWD);\n"
	      "                   relative paths are then resolved from DIR. Opened\n"
	      "                   before --userns and --chroot: --at /etc --chroot R\n"
	      "                   reaches the real /etc from inside the chroot\n"
	      "  --chdir DIR      change to DIR first\n"
	      "  --user UID[:GID] drop supplementary groups, setgid(GID, default\n"
	      "                   UID) and setuid(UID) before the operation\n"
	      "  --userns         after --user: unshare(CLONE_NEWUSER|CLONE_NEWNS),\n"
	      "                   map the user's uid and gid to 0 in the namespace,\n"
	      "                   make every mount private (mount namespace root)\n"
	      "  --chroot DIR     after --userns: chroot(DIR), chdir(\"/\")\n"
	      "  --open-early     open an fd operation's PATH and SRC before --user,\n"
	      "                   --userns and --chroot: a write through an fd\n"
	      "                   opened earlier, by someone else, from elsewhere\n"
	      "  --write TEXT     write TEXT to a created or opened file\n"
	      "  --offset N       where pwrite, fallocate and mmap-write write\n"
	      "  --length N       length for truncate, ftruncate (default 0) and\n"
	      "                   fallocate (default 4096)\n"
	      "  --recursive      bind-mount: MS_REC; new-mount-api, open-tree-write:\n"
	      "                   AT_RECURSIVE\n"
	      "  --thread         perform the operation(s) in a second thread\n"
	      "  --repeat N       perform it N times; stops at the first failure. A\n"
	      "                   creation, link or mkdir is undone after each (unlink,\n"
	      "                   rmdir) unless --keep; a mount unmounted (umount2 of\n"
	      "                   DST as given, relative to the working directory); a\n"
	      "                   rename or move-mount alternates direction\n"
	      "  --keep           with --repeat: do not undo\n"
	      "  --expect RESULT  ok (default) or an errno name such as EACCES:\n"
	      "                   exit 0 iff the first failure (or success) is that\n"
	      "  -e, --escapes    decode \\\\ \\n \\t \\xHH in the operands\n"
	      "  --syscalls       print each call's x86-64 and i386 numbers and\n"
	      "                   io_uring opcode, and exit\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit status: 0 the outcome was the expected one, 1 it was not,\n"
	      "2 usage error or a failure before the operation.\n", out);
}

static void print_syscalls(void)
{
	size_t i;

	for (i = 1; i < NCALLS; i++)
		printf("%s %ld %ld %s\n", calls[i].name, calls[i].nr64, calls[i].nr32,
		       calls[i].uring ? calls[i].uring : "-");
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROG ": %s%s%s\nTry '" PROG " --help'.\n", msg,
		arg ? ": " : "", arg ? arg : "");
	return 2;
}

static int parse_flags(const char *list, bool rename_flags, int *out)
{
	static const struct {
		const char *name;
		int value;
		bool rename;
	} names[] = {
		{ "rdonly", O_RDONLY, false }, { "wronly", O_WRONLY, false },
		{ "rdwr", O_RDWR, false }, { "creat", O_CREAT, false },
		{ "excl", O_EXCL, false }, { "trunc", O_TRUNC, false },
		{ "append", O_APPEND, false }, { "nofollow", O_NOFOLLOW, false },
		{ "cloexec", O_CLOEXEC, false }, { "tmpfile", O_TMPFILE, false },
		{ "noreplace", RENAME_NOREPLACE, true },
		{ "exchange", RENAME_EXCHANGE, true },
		{ "whiteout", RENAME_WHITEOUT, true },
	};
	char *copy = strdup(list), *save = NULL, *tok;
	int flags = 0;
	size_t i;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (names[i].rename == rename_flags && !strcmp(names[i].name, tok))
				break;
		if (i == ARRAY_SIZE(names)) {
			free(copy);
			return -1;
		}
		flags |= names[i].value;
	}
	free(copy);
	*out = flags;
	return 0;
}

static int parse_size(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	return errno || end == s || *end || *out < 0 ? -1 : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode \\ \n \t \xHH in place. A path cannot hold NUL, so \x00 is refused;
 * so is any other escape, to keep typos from becoming odd file names.
 */
static int unescape(char *s)
{
	char *w = s;
	int hi, lo;

	while (*s) {
		if (*s != '\\') {
			*w++ = *s++;
			continue;
		}
		switch (s[1]) {
		case '\\': *w++ = '\\'; s += 2; break;
		case 'n': *w++ = '\n'; s += 2; break;
		case 't': *w++ = '\t'; s += 2; break;
		case 'x':
			hi = hexval(s[2]);
			lo = hi < 0 ? -1 : hexval(s[3]);
			if (lo < 0 || (hi | lo) == 0)
				return -1;
			*w++ = (char)(hi << 4 | lo);
			s += 4;
			break;
		default:
			return -1;
		}
	}
	*w = '\0';
	return 0;
}

/* ------------------------------------------------------------ performing */

/* Undo one successful repeat (see --repeat); 0 or errno. */
static int undo(const struct op *op)
{
	const char *p = op->undo_arg ? cfg.newpath : cfg.path;
	int ret = 0;

	switch (op->undo) {
	case U_UNLINK:
		ret = unlinkat(cfg.dirfd, p, 0);
		break;
	case U_RMDIR:
		ret = unlinkat(cfg.dirfd, p, AT_REMOVEDIR);
		break;
	case U_UMOUNT:
		ret = umount2(p, 0);
		break;
	default:
		return 0;
	}
	if (ret)
		fprintf(stderr, PROG ": undoing %s %s: %s\n", op->name, p, strerror(errno));
	return ret ? errno : 0;
}

static void *perform(void *unused)
{
	const struct op *op = cfg.op;
	long i;
	int err;

	(void)unused;
	res.tid = route == R_URING ? 0 : gettid();
	for (i = 0; i < cfg.repeat; i++) {
		err = op->run(op, op->undo == U_SWAP && i % 2);
		if (err) {
			res.err = err;
			return NULL;
		}
		if (cfg.repeat > 1 && !cfg.keep && (err = undo(op))) {
			res.err = err;
			return NULL;
		}
		res.done++;
	}
	return NULL;
}

/*
 * The fds an fd operation works on: PATH opened with FLAGS, and the source
 * (SRC, or an unnamed file in PATH's directory holding TEXT: the same file
 * system, as copy_file_range may need).
 */
static int open_fds(void)
{
	const struct op *op = cfg.op;
	const char *slash;
	char *dir;
	struct stat st;

	cfg.fd = openat(cfg.dirfd, cfg.path, cfg.flags | O_CLOEXEC, cfg.mode);
	if (cfg.fd < 0) {
		fprintf(stderr, PROG ": open %s: %s\n", cfg.path, strerror(errno));
		return 2;
	}
	if (op->run == run_mmap_write &&
	    (fstat(cfg.fd, &st) || st.st_size < cfg.offset + (long long)strlen(cfg.text))) {
		fprintf(stderr, PROG ": mmap-write: %s is shorter than OFFSET + TEXT\n",
			cfg.path);
		return 2;
	}
	if (!op->source)
		return 0;
	if (cfg.newpath) {
		cfg.srcfd = openat(cfg.dirfd, cfg.newpath, O_RDONLY | O_CLOEXEC);
	} else {
		slash = strrchr(cfg.path, '/');
		dir = slash ? strndup(cfg.path, (size_t)(slash - cfg.path) + 1) : strdup(".");
		if (!dir)
			return 2;
		cfg.srcfd = openat(cfg.dirfd, dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (cfg.srcfd < 0 && errno == EOPNOTSUPP)
			cfg.srcfd = memfd_create("ldw-ops-source", MFD_CLOEXEC);
		free(dir);
		if (cfg.srcfd >= 0 &&
		    write(cfg.srcfd, cfg.text, strlen(cfg.text)) != (ssize_t)strlen(cfg.text)) {
			fprintf(stderr, PROG ": writing the source: %s\n", strerror(errno));
			return 2;
		}
	}
	if (cfg.srcfd < 0) {
		fprintf(stderr, PROG ": opening the source: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

static int drop_privileges(const char *spec)
{
	char *end;
	unsigned long uid, gid;

	errno = 0;
	uid = strtoul(spec, &end, 10);
	if (errno || end == spec || (*end && *end != ':'))
		return usage_error("bad --user", spec);
	gid = uid;
	if (*end == ':') {
		spec = end + 1;
		gid = strtoul(spec, &end, 10);
		if (errno || end == spec || *end)
			return usage_error("bad --user", spec);
	}
	if (setgroups(0, NULL) || setgid((gid_t)gid) || setuid((uid_t)uid)) {
		fprintf(stderr, PROG ": dropping privileges to %lu:%lu: %s\n", uid, gid,
			strerror(errno));
		return 2;
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err)
		fprintf(stderr, PROG ": --userns: writing %s: %s\n", path, strerror(err));
	return err;
}

/* A user and mount namespace whose root is the caller's uid and gid. */
static int enter_userns(uid_t uid, gid_t gid)
{
	char map[64];

	/*
	 * setuid made the process undumpable, and so its /proc/self files
	 * root's; the maps must be written by the process itself.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		fprintf(stderr, PROG ": --userns: PR_SET_DUMPABLE: %s\n", strerror(errno));
		return 2;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		fprintf(stderr, PROG ": --userns: unshare: %s\n", strerror(errno));
		return 2;
	}
	if (write_file("/proc/self/setgroups", "deny"))
		return 2;
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	if (write_file("/proc/self/uid_map", map))
		return 2;
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	if (write_file("/proc/self/gid_map", map))
		return 2;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, PROG ": --userns: making mounts private: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flags", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "rename-flags", required_argument, NULL, 'R' },
		{ "at", required_argument, NULL, 'a' },
		{ "chdir", required_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },
		{ "userns", no_argument, NULL, 'U' },
		{ "chroot", required_argument, NULL, 'c' },
		{ "open-early", no_argument, NULL, 'E' },
		{ "write", required_argument, NULL, 'w' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "recursive", no_argument, NULL, 'Q' },
		{ "thread", no_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "keep", no_argument, NULL, 'k' },
		{ "expect", required_argument, NULL, 'x' },
		{ "escapes", no_argument, NULL, 'e' },
		{ "syscalls", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *at = NULL, *dir = NULL, *root = NULL, *content = NULL;
	bool escapes = false, userns = false, early = false;
	uid_t uid, euid;
	gid_t gid;
	pthread_t thread;
	char *end;
	int c, v, nargs;

	while ((c = getopt_long(argc, argv, "eh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_flags(optarg, false, &cfg.flags))
				return usage_error("bad --flags", optarg);
			cfg.flags_set = true;
			break;
		case 'm':
			errno = 0;
			cfg.mode = (mode_t)strtoul(optarg, &end, 8);
			if (errno || *end || end == optarg || cfg.mode > 07777)
				return usage_error("bad --mode", optarg);
			cfg.mode_set = true;
			break;
		case 'R':
			if (parse_flags(optarg, true, &v))
				return usage_error("bad --rename-flags", optarg);
			cfg.rflags = (unsigned int)v;
			break;
		case 'a': at = optarg; break;
		case 'C': dir = optarg; break;
		case 'u': user = optarg; break;
		case 'U': userns = true; break;
		case 'c': root = optarg; break;
		case 'E': early = true; break;
		case 'w': content = optarg; break;
		case 'o':
			if (parse_size(optarg, &cfg.offset))
				return usage_error("bad --offset", optarg);
			break;
		case 'l':
			if (parse_size(optarg, &cfg.length))
				return usage_error("bad --length", optarg);
			break;
		case 'Q': cfg.recursive = true; break;
		case 't': cfg.thread = true; break;
		case 'k': cfg.keep = true; break;
		case 'r':
			errno = 0;
			cfg.repeat = strtol(optarg, &end, 10);
			if (errno || *end || cfg.repeat < 1)
				return usage_error("bad --repeat", optarg);
			break;
		case 'x':
			cfg.expect = errvalue(optarg);
			if (cfg.expect < 0)
				return usage_error("bad --expect (ok or an errno name)", optarg);
			break;
		case 'e': escapes = true; break;
		case 'S': print_syscalls(); return 0;
		case 'h': usage(stdout); return 0;
		default: return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("no operation given", NULL);
	cfg.op = find_op(argv[optind], &route);
	if (!cfg.op)
		return usage_error("unknown operation (or one this route lacks)", argv[optind]);
	optind++;
	nargs = argc - optind;
	if (nargs < cfg.op->min_args || nargs > cfg.op->max_args) {
		fprintf(stderr, PROG ": %s takes %s\nTry '" PROG " --help'.\n", argv[optind - 1],
			cfg.op->operands);
		return 2;
	}
	if (escapes && ((unescape(argv[optind])) ||
			(nargs > 1 && unescape(argv[optind + 1]))))
		return usage_error("bad escape in an operand (\\\\ \\n \\t \\xHH, no \\x00)", NULL);
	if (early && !cfg.op->fd_op)
		return usage_error("--open-early is for an operation on an fd", cfg.op->name);

	/* What the routes reach by address lies below 4 GiB. */
	low.size = 1 << 20;
	low.base = mmap(NULL, low.size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low.base == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap MAP_32BIT: %s\n", strerror(errno));
		return 2;
	}
	cfg.path = low_strdup(argv[optind]);
	cfg.newpath = nargs > 1 ? low_strdup(argv[optind + 1]) : NULL;
	cfg.empty = low_strdup("");
	cfg.how = low_alloc(sizeof(*cfg.how));
	cfg.proc = low_alloc(32);
	cfg.tmpfs = low_strdup("tmpfs");
	cfg.content = content ? low_strdup(content) : NULL;
	cfg.text = cfg.content ? cfg.content : low_strdup(default_text);
	if (!cfg.flags_set)
		cfg.flags = cfg.op->oflags;
	if (!cfg.mode_set && cfg.op->run == run_mkdir)
		cfg.mode = 0755;

	if (dir && chdir(dir)) {
		fprintf(stderr, PROG ": chdir %s: %s\n", dir, strerror(errno));
		return 2;
	}
	if (at) {
		cfg.dirfd = open(at, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cfg.dirfd < 0) {
			fprintf(stderr, PROG ": open %s: %s\n", at, strerror(errno));
			return 2;
		}
	}
	if (early && (v = open_fds()))
		return v;
	if (user && (v = drop_privileges(user)))
		return v;
	uid = getuid();
	euid = geteuid();
	gid = getgid();
	if (userns && (v = enter_userns(euid, getegid())))
		return v;
	if (root && (chroot(root) || chdir("/"))) {
		fprintf(stderr, PROG ": chroot %s: %s\n", root, strerror(errno));
		return 2;
	}
	if (cfg.op->fd_op && !early && (v = open_fds()))
		return v;

	if (cfg.thread) {
		v = pthread_create(&thread, NULL, perform, NULL);
		if (!v)
			v = pthread_join(thread, NULL);
		if (v) {
			fprintf(stderr, PROG ": thread: %s\n", strerror(v));
			return 2;
		}
	} else {
		perform(NULL);
	}

	if (res.tid)
		printf("OP_PID=%d OP_TID=%d", getpid(), res.tid);
	else
		printf("OP_PID=%d OP_TID=", getpid());
	printf(" OP_PPID=%d OP_UID=%u OP_EUID=%u OP_GID=%u OP_RESULT=%s OP_DONE=%ld\n",
	       getppid(), uid, euid, gid, res.err ? errname(res.err) : "ok", res.done);
	if (fflush(stdout))
		return 2;

	if (res.err == cfg.expect)
		return 0;
	fprintf(stderr, PROG ": %s%s %s%s%s: expected %s, got %s%s%s (after %ld done)\n",
		route_prefix[route], cfg.op->name, cfg.path, cfg.newpath ? " " : "",
		cfg.newpath ? cfg.newpath : "",
		cfg.expect ? errname(cfg.expect) : "ok", res.err ? errname(res.err) : "ok",
		res.err ? ": " : "", res.err ? strerror(res.err) : "", res.done);
	return 1;
}
