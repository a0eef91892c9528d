// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-ops: perform one file operation by exactly the system call (or
 * io_uring request) chosen, optionally as another user, from another
 * thread or many times over; then say who did it and how it ended.
 *
 * The guest scenarios use it to make the sensor see a precise operation and
 * to learn the facts an alert must carry (pid, tid, ppid, uid, gid) from the
 * process itself, by a route that does not go through the sensor. Copies of
 * this binary placed at /usr/bin/dpkg, /tmp/dpkg, .../sed and so on give
 * the process the executable path and name a scenario needs.
 *
 * It is linked statically, so that it runs inside a chroot that holds
 * nothing else, and is unaffected by an /etc/ld.so.preload a scenario has
 * just written.
 *
 * Output, on stdout, one line of shell assignments (after the operation):
 *   OP_PID=.. OP_TID=.. OP_PPID=.. OP_UID=.. OP_EUID=.. OP_GID=..
 *   OP_RESULT=ok|ENAME OP_DONE=N
 * OP_TID is empty for io_uring operations: the kernel may run them in an
 * io-wq worker thread of the process, whose id is not known here.
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

enum op_kind { OP_CREATE, OP_RENAME };

struct op {
	const char *name;
	enum op_kind kind;
	const char *synopsis;
};

static const struct op ops[] = {
	{ "open", OP_CREATE, "open(PATH, FLAGS, MODE)" },
	{ "openat", OP_CREATE, "openat(DIRFD, PATH, FLAGS, MODE)" },
	{ "openat2", OP_CREATE, "openat2(DIRFD, PATH, {FLAGS, MODE}) (raw syscall)" },
	{ "creat", OP_CREATE, "creat(PATH, MODE)" },
	{ "mknod", OP_CREATE, "mknod(PATH, S_IFREG|MODE, 0)" },
	{ "mknodat", OP_CREATE, "mknodat(DIRFD, PATH, S_IFREG|MODE, 0)" },
	{ "mkfifo", OP_CREATE, "mknod(PATH, S_IFIFO|MODE, 0)" },
	{ "uring-openat", OP_CREATE, "IORING_OP_OPENAT(DIRFD, PATH, FLAGS, MODE)" },
	{ "rename", OP_RENAME, "rename(OLD, NEW)" },
	{ "renameat", OP_RENAME, "renameat(DIRFD, OLD, DIRFD, NEW)" },
	{ "renameat2", OP_RENAME, "renameat2(DIRFD, OLD, DIRFD, NEW, RFLAGS)" },
	{ "uring-renameat", OP_RENAME, "IORING_OP_RENAMEAT(DIRFD, OLD, DIRFD, NEW, RFLAGS)" },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* What to do, from the command line. */
static struct {
	const struct op *op;
	const char *path;	/* creation: the path; rename: the old path */
	const char *newpath;	/* rename: the new path */
	int flags;		/* open flags */
	unsigned int rflags;	/* renameat2 flags */
	mode_t mode;
	int dirfd;		/* AT_FDCWD, or --at DIR */
	const char *content;	/* --write */
	long repeat;
	bool thread;
	bool keep;		/* --keep: do not unlink between repeats */
	int expect;		/* 0: success, else the errno expected */
} cfg = {
	.flags = O_WRONLY | O_CREAT | O_TRUNC,
	.mode = 0644,
	.dirfd = AT_FDCWD,
	.repeat = 1,
};

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
};

#define NERRNAMES (sizeof(errnames) / sizeof(errnames[0]))

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

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: " PROG " [OPTION]... OP PATH [NEWPATH]\n"
	      "\n"
	      "Perform one file operation by the system call OP names, then print\n"
	      "OP_PID= OP_TID= OP_PPID= OP_UID= OP_EUID= OP_GID= OP_RESULT= OP_DONE=\n"
	      "as one line of shell assignments.\n"
	      "\n"
	      "Operations:\n", out);
	for (i = 0; i < NOPS; i++)
		fprintf(out, "  %-16s %s\n", ops[i].name, ops[i].synopsis);
	fputs("\n"
	      "Options:\n"
	      "  --flags LIST     open flags, comma-separated from rdonly wronly rdwr\n"
	      "                   creat excl trunc append nofollow cloexec\n"
	      "                   (default wronly,creat,trunc, as the shell's '>')\n"
	      "  --mode OCTAL     mode of a created file (default 0644)\n"
	      "  --rename-flags LIST  renameat2 flags: noreplace exchange whiteout\n"
	      "  --at DIR         DIRFD is DIR opened O_PATH (default AT_FDCWD);\n"
	      "                   relative paths are then resolved from DIR\n"
	      "  --chdir DIR      change to DIR first\n"
	      "  --user UID[:GID] drop supplementary groups, setgid(GID, default\n"
	      "                   UID) and setuid(UID) before the operation\n"
	      "  --write TEXT     write TEXT to a created file\n"
	      "  --thread         perform the operation(s) in a second thread\n"
	      "  --repeat N       perform it N times: a creation is followed by\n"
	      "                   close and unlink (unless --keep), a rename\n"
	      "                   alternates direction; stops at the first failure\n"
	      "  --keep           with --repeat: do not unlink created files\n"
	      "  --expect RESULT  ok (default) or an errno name such as EACCES:\n"
	      "                   exit 0 iff the first failure (or success) is that\n"
	      "  -e, --escapes    decode \\\\ \\n \\t \\xHH in PATH and NEWPATH\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit status: 0 the outcome was the expected one, 1 it was not,\n"
	      "2 usage error or a failure before the operation.\n", out);
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
		{ "cloexec", O_CLOEXEC, false },
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
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].rename == rename_flags && !strcmp(names[i].name, tok))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			free(copy);
			return -1;
		}
		flags |= names[i].value;
	}
	free(copy);
	*out = flags;
	return 0;
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

/* One io_uring request, waited for; returns 0 or a negative errno. */
static int uring_one(bool rename_op, const char *a, const char *b)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	if (rename_op)
		io_uring_prep_renameat(sqe, cfg.dirfd, a, cfg.dirfd, b, cfg.rflags);
	else
		io_uring_prep_openat(sqe, cfg.dirfd, a, cfg.flags, cfg.mode);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	else if (ret >= 0)
		ret = -EIO;
	if (ret == 0) {
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (ret >= 0 && !rename_op)
			close(ret);
	}
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}

/* Write the content (if any) to a freshly created fd, and close it. */
static int finish_fd(int fd)
{
	size_t len = cfg.content ? strlen(cfg.content) : 0;
	int err = 0;

	if (len && write(fd, cfg.content, len) != (ssize_t)len)
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* Perform the creation once; returns 0 or an errno. */
static int create_once(void)
{
	const char *p = cfg.path;
	struct open_how how;
	int fd;

	errno = 0;
	if (!strcmp(cfg.op->name, "open")) {
		fd = open(p, cfg.flags, cfg.mode);
	} else if (!strcmp(cfg.op->name, "openat")) {
		fd = openat(cfg.dirfd, p, cfg.flags, cfg.mode);
	} else if (!strcmp(cfg.op->name, "openat2")) {
		memset(&how, 0, sizeof(how));
		how.flags = (unsigned int)cfg.flags;
		how.mode = cfg.mode;
		fd = (int)syscall(SYS_openat2, cfg.dirfd, p, &how, sizeof(how));
	} else if (!strcmp(cfg.op->name, "creat")) {
		fd = creat(p, cfg.mode);
	} else if (!strcmp(cfg.op->name, "mknod")) {
		return mknod(p, S_IFREG | cfg.mode, 0) ? errno : 0;
	} else if (!strcmp(cfg.op->name, "mknodat")) {
		return mknodat(cfg.dirfd, p, S_IFREG | cfg.mode, 0) ? errno : 0;
	} else if (!strcmp(cfg.op->name, "mkfifo")) {
		return mknod(p, S_IFIFO | cfg.mode, 0) ? errno : 0;
	} else {	/* uring-openat */
		return -uring_one(false, p, NULL);
	}
	return fd < 0 ? errno : finish_fd(fd);
}

/* Perform the rename once, in direction @back; returns 0 or an errno. */
static int rename_once(bool back)
{
	const char *from = back ? cfg.newpath : cfg.path;
	const char *to = back ? cfg.path : cfg.newpath;
	int ret;

	errno = 0;
	if (!strcmp(cfg.op->name, "rename"))
		ret = rename(from, to);
	else if (!strcmp(cfg.op->name, "renameat"))
		ret = renameat(cfg.dirfd, from, cfg.dirfd, to);
	else if (!strcmp(cfg.op->name, "renameat2"))
		ret = renameat2(cfg.dirfd, from, cfg.dirfd, to, cfg.rflags);
	else	/* uring-renameat */
		return -uring_one(true, from, to);
	return ret ? errno : 0;
}

static void *perform(void *unused)
{
	bool uring = !strncmp(cfg.op->name, "uring-", 6);
	long i;
	int err;

	(void)unused;
	res.tid = uring ? 0 : gettid();
	for (i = 0; i < cfg.repeat; i++) {
		if (cfg.op->kind == OP_CREATE) {
			err = create_once();
			if (!err && cfg.repeat > 1 && !cfg.keep &&
			    unlinkat(cfg.dirfd, cfg.path, 0)) {
				fprintf(stderr, PROG ": unlink %s: %s\n", cfg.path, strerror(errno));
				res.err = errno;
				return NULL;
			}
		} else {
			err = rename_once(i % 2);
		}
		if (err) {
			res.err = err;
			return NULL;
		}
		res.done++;
	}
	return NULL;
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flags", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "rename-flags", required_argument, NULL, 'R' },
		{ "at", required_argument, NULL, 'a' },
		{ "chdir", required_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },
		{ "write", required_argument, NULL, 'w' },
		{ "thread", no_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "keep", no_argument, NULL, 'k' },
		{ "expect", required_argument, NULL, 'x' },
		{ "escapes", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *at = NULL, *dir = NULL;
	bool escapes = false;
	pthread_t thread;
	char *end;
	size_t i;
	int c, v;

	while ((c = getopt_long(argc, argv, "eh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_flags(optarg, false, &cfg.flags))
				return usage_error("bad --flags", optarg);
			break;
		case 'm':
			errno = 0;
			cfg.mode = (mode_t)strtoul(optarg, &end, 8);
			if (errno || *end || end == optarg || cfg.mode > 07777)
				return usage_error("bad --mode", optarg);
			break;
		case 'R':
			if (parse_flags(optarg, true, &v))
				return usage_error("bad --rename-flags", optarg);
			cfg.rflags = (unsigned int)v;
			break;
		case 'a': at = optarg; break;
		case 'C': dir = optarg; break;
		case 'u': user = optarg; break;
		case 'w': cfg.content = optarg; break;
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
		case 'h': usage(stdout); return 0;
		default: return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("no operation given", NULL);
	for (i = 0; i < NOPS; i++)
		if (!strcmp(ops[i].name, argv[optind]))
			cfg.op = &ops[i];
	if (!cfg.op)
		return usage_error("unknown operation", argv[optind]);
	optind++;
	if (argc - optind != (cfg.op->kind == OP_RENAME ? 2 : 1))
		return usage_error(cfg.op->kind == OP_RENAME ? "a rename needs OLD and NEW" :
				   "a creation needs one PATH", cfg.op->name);
	cfg.path = argv[optind];
	cfg.newpath = cfg.op->kind == OP_RENAME ? argv[optind + 1] : NULL;
	if (escapes && (unescape(argv[optind]) ||
			(cfg.newpath && unescape(argv[optind + 1]))))
		return usage_error("bad escape in a path (\\\\ \\n \\t \\xHH, no \\x00)", NULL);

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
	if (user && (v = drop_privileges(user)))
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
	       getppid(), getuid(), geteuid(), getgid(),
	       res.err ? errname(res.err) : "ok", res.done);
	if (fflush(stdout))
		return 2;

	if (res.err == cfg.expect)
		return 0;
	fprintf(stderr, PROG ": %s %s%s%s: expected %s, got %s%s%s (after %ld done)\n",
		cfg.op->name, cfg.path, cfg.newpath ? " " : "", cfg.newpath ? cfg.newpath : "",
		cfg.expect ? errname(cfg.expect) : "ok", res.err ? errname(res.err) : "ok",
		res.err ? ": " : "", res.err ? strerror(res.err) : "", res.done);
	return 1;
}
