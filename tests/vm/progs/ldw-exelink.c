// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-exelink: perform one file operation after replacing the process's
 * executable link (/proc/self/exe, mm->exe_file) with another file, by
 * prctl(PR_SET_MM, PR_SET_MM_EXE_FILE). The guest scenarios use it to show
 * the sensor a process whose executable link no longer names the file it
 * was started from.
 *
 * The kernel refuses the change (EBUSY) while any mapping of the old
 * executable remains. So ldw-exelink opens EXE, finds its own executable's
 * mappings in /proc/self/maps, copies a small function that needs nothing
 * of the program (ldw-exelink-tramp.c) into an anonymous mapping, and jumps
 * there; that function unmaps the executable, makes the prctl call, does
 * the operation by raw system calls, writes the result line prepared here
 * and calls exit_group. Needs CAP_SYS_RESOURCE (root).
 *
 * Linked statically: nothing else (ld.so, libc.so) is mapped from files
 * that the scenario might care about, and an /etc/ld.so.preload just
 * written does not apply.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ldw-exelink.h"

#define PROG "ldw-exelink"

/* What creat and write write: a preload line naming a library. */
static const char text[] = "/tmp/ldw-evil.so\n";

static void usage(FILE *out)
{
	fputs("Usage: " PROG " EXE creat PATH\n"
	      "       " PROG " EXE write PATH\n"
	      "       " PROG " EXE rename OLD NEW\n"
	      "\n"
	      "Replace this process's executable link (/proc/self/exe) with EXE by\n"
	      "prctl(PR_SET_MM, PR_SET_MM_EXE_FILE), then perform one operation:\n"
	      "  creat PATH       open(PATH, O_CREAT|O_WRONLY|O_TRUNC, 0644), write\n"
	      "                   the line \"/tmp/ldw-evil.so\", close\n"
	      "  write PATH       open(PATH, O_WRONLY|O_TRUNC) an existing file,\n"
	      "                   write that line, close\n"
	      "  rename OLD NEW   rename(OLD, NEW)\n"
	      "\n"
	      "The kernel refuses the prctl while the old executable is mapped, so\n"
	      "the program unmaps it first, running from a copy of a small function\n"
	      "in an anonymous mapping, by raw system calls. Needs CAP_SYS_RESOURCE\n"
	      "(root). EXE must be a regular file this user may execute, on a mount\n"
	      "without noexec, and not open for writing anywhere.\n"
	      "\n"
	      "After the operation, on stdout, one line of shell assignments, as\n"
	      "ldw-ops prints it:\n"
	      "  OP_PID=.. OP_TID=.. OP_PPID=.. OP_UID=.. OP_EUID=.. OP_GID=..\n"
	      "  OP_RESULT=ok|ENAME OP_DONE=1|0\n"
	      "(ENAME is EFAIL for an errno without a name.) If the prctl (or the\n"
	      "unmapping) fails, the operation is not attempted: no such line, a\n"
	      "message on stderr.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit status: 0 the operation succeeded; 1 it failed, or the\n"
	      "executable link could not be replaced (or anything before that\n"
	      "failed); 2 usage error.\n", out);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROG ": %s%s%s\nTry '" PROG " --help'.\n", msg,
		arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* Copy @s into a's pool (on the stack) and point @iov at the copy. */
static void set_iov(struct exelink_args *a, struct iovec *iov, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(a->pool) - a->pool_used) {
		fprintf(stderr, PROG ": internal error: the string pool is too small\n");
		exit(1);
	}
	iov->iov_base = memcpy(a->pool + a->pool_used, s, n);
	iov->iov_len = n;
	a->pool_used += n;
}

/*
 * Collect the ranges of the executable's mappings from /proc/self/maps:
 * those of the file with @dev and @ino, or (where a stacked file system
 * shows another inode in the maps, as overlayfs may) whose path is @path;
 * 0, or 1 after a message.
 */
static int find_exe_ranges(struct exelink_args *a, dev_t dev, ino_t ino, const char *path)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end, maj, min, off, inode;
	char line[4096], perms[8], *name;
	int pos;

	if (!f) {
		fprintf(stderr, PROG ": /proc/self/maps: %s (is /proc mounted?)\n",
			strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s %lx %lx:%lx %lu%n", &start, &end, perms, &off,
			   &maj, &min, &inode, &pos) != 7)
			continue;
		name = line + pos + strspn(line + pos, " ");
		name[strcspn(name, "\n")] = '\0';
		if ((inode != ino || maj != major(dev) || min != minor(dev)) &&
		    (!inode || !path[0] || strcmp(name, path)))
			continue;
		if (a->nranges == EXELINK_MAX_RANGES) {
			fprintf(stderr, PROG ": more than %d mappings of the executable\n",
				EXELINK_MAX_RANGES);
			fclose(f);
			return 1;
		}
		a->start[a->nranges] = start;
		a->len[a->nranges] = end - start;
		a->nranges++;
	}
	fclose(f);
	if (!a->nranges) {
		fprintf(stderr, PROG ": no mapping of the executable in /proc/self/maps\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exelink_args a;
	char prefix[256], self[4096];
	ssize_t n;
	void (*run)(struct exelink_args *);
	const char *exe, *opname, *name;
	size_t size;
	struct stat st;
	char *code;
	int c, e, nargs;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return 0;
		default: return usage_error("bad option", NULL);
		}
	}
	nargs = argc - optind;
	if (nargs < 3)
		return usage_error("EXE, OP and PATH are needed", NULL);
	memset(&a, 0, sizeof(a));
	exe = argv[optind];
	opname = argv[optind + 1];
	if (!strcmp(opname, "creat"))
		a.op = EXELINK_CREAT;
	else if (!strcmp(opname, "write"))
		a.op = EXELINK_WRITE;
	else if (!strcmp(opname, "rename"))
		a.op = EXELINK_RENAME;
	else
		return usage_error("unknown operation (creat, write, rename)", opname);
	if (nargs != (a.op == EXELINK_RENAME ? 4 : 3))
		return usage_error(a.op == EXELINK_RENAME ? "rename takes OLD NEW" :
				   "creat and write take PATH", NULL);
	/* argv lies on the stack, which stays mapped. */
	a.path = argv[optind + 2];
	a.newpath = a.op == EXELINK_RENAME ? argv[optind + 3] : NULL;

	a.exe_fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (a.exe_fd < 0) {
		fprintf(stderr, PROG ": cannot open EXE %s: %s\n", exe, strerror(errno));
		return 1;
	}
	if (stat("/proc/self/exe", &st)) {
		fprintf(stderr, PROG ": stat /proc/self/exe: %s (is /proc mounted?)\n",
			strerror(errno));
		return 1;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	if (find_exe_ranges(&a, st.st_dev, st.st_ino, self))
		return 1;

	/* Everything the copied function writes, rendered now. */
	snprintf(prefix, sizeof(prefix),
		 "OP_PID=%d OP_TID=%d OP_PPID=%d OP_UID=%u OP_EUID=%u OP_GID=%u OP_RESULT=",
		 getpid(), gettid(), getppid(), getuid(), geteuid(), getgid());
	set_iov(&a, &a.text, text);
	set_iov(&a, &a.line[0], prefix);
	set_iov(&a, &a.ok, "ok");
	set_iov(&a, &a.done1, " OP_DONE=1\n");
	set_iov(&a, &a.done0, " OP_DONE=0\n");
	set_iov(&a, &a.efail, "EFAIL");
	set_iov(&a, &a.munmap_msg[0], PROG ": munmap of the executable's mappings: ");
	set_iov(&a, &a.munmap_msg[2], "\n");
	set_iov(&a, &a.prctl_msg[0], PROG ": prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, EXE): ");
	set_iov(&a, &a.prctl_msg[2],
		" (EPERM: needs CAP_SYS_RESOURCE, run as root; EACCES: EXE is not an\n"
		"executable regular file, is on a noexec mount or is open for writing;\n"
		"EBUSY: a mapping of the old executable remains; EINVAL: no such\n"
		"prctl on this kernel)\n");
	for (e = 1; e < EXELINK_NERR; e++) {
		name = strerrorname_np(e);
		if (name && strlen(name) < EXELINK_NAME_MAX) {
			strcpy(a.names[e], name);
			a.namelen[e] = (unsigned char)strlen(name);
		}
	}
	size = (size_t)(__stop_ldw_tramp - __start_ldw_tramp);
	code = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap: %s\n", strerror(errno));
		return 1;
	}
	memcpy(code, __start_ldw_tramp, size);
	if (mprotect(code, size, PROT_READ | PROT_EXEC)) {
		fprintf(stderr, PROG ": mprotect PROT_EXEC: %s\n", strerror(errno));
		return 1;
	}
	run = (void (*)(struct exelink_args *))(void *)
		(code + ((const char *)exelink_run - __start_ldw_tramp));
	if (fflush(stdout) || fflush(stderr))
		return 1;
	run(&a);
	return 1;	/* not reached */
}
