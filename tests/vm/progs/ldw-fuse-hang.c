// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-fuse-hang: as an unprivileged user, mount a FUSE file system of its
 * own and leave N threads inside open(O_CREAT) on it, in the kernel, for
 * as long as asked. The guest scenarios use it to hold many creations of
 * a watched name (ld.so.preload by default) in flight at once, each
 * blocked after the path walk, while the sensor watches.
 *
 * The process creates a user namespace (its uid and gid mapped to 0) and a
 * mount namespace, opens /dev/fuse and mounts it on DIR by mount(2); no
 * libfuse: the server speaks the protocol of <linux/fuse.h> itself. The
 * root holds directories d0..d(N-1), each empty. Thread I opens
 * DIR/dI/NAME with O_CREAT|O_WRONLY: the kernel looks NAME up (ENOENT),
 * then sends FUSE_CREATE (atomic_open), which the server never answers.
 * One directory per thread, because an O_CREAT open holds its directory's
 * lock exclusively: all N requests are then in flight together.
 *
 * The server is a child process, not a thread. A thread whose FUSE request
 * has been sent waits for the answer uninterruptibly; if the server shared
 * its file table, an exit_group (or SIGKILL) would leave /dev/fuse open in
 * the stuck threads' files and the process would never end. As a process
 * of its own, the server's end closes /dev/fuse, which aborts the
 * connection: the blocked opens fail (ECONNABORTED) and the threads end.
 * The server dies with the main thread (PR_SET_PDEATHSIG), so a SIGKILL
 * of the main process ends everything too.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fuse.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "ldw-fuse-hang"
#define MAX_THREADS 4096
#define ROOT_ID FUSE_ROOT_ID
/* Node ids: the root is 1, directory dI is FIRST_DIR + I. */
#define FIRST_DIR 2
/* Cache timeouts (seconds): nothing here ever changes. */
#define VALID 3600

static struct {
	unsigned int threads;
	const char *name;
	const char *dir;
	bool stdin_ends;
} cfg = {
	.threads = 64,
	.name = "ld.so.preload",
};

static void usage(FILE *out)
{
	fputs("Usage: " PROG " [OPTION]... DIR\n"
	      "\n"
	      "As any user: create a user namespace (this uid and gid mapped to 0)\n"
	      "and a mount namespace, mount a FUSE file system on DIR there (by\n"
	      "opening /dev/fuse and mount(2), with no libfuse), and have N threads\n"
	      "each call open(\"DIR/dI/NAME\", O_CREAT|O_WRONLY, 0644), I = 0..N-1.\n"
	      "The file system's root holds the directories d0..d(N-1); every other\n"
	      "name, NAME included, is looked up as ENOENT. The kernel then sends\n"
	      "FUSE_CREATE, which the server never answers: the N opens stay blocked\n"
	      "in the kernel. Other requests are answered (INIT, LOOKUP, GETATTR;\n"
	      "anything else ENOSYS).\n"
	      "\n"
	      "Once the server holds all N CREATE requests, it prints the line\n"
	      "  FUSE_HANG_READY N\n"
	      "on stdout. The program then waits for SIGTERM or SIGINT (or, with\n"
	      "--stdin, the end of its standard input); then it ends the server,\n"
	      "which closes /dev/fuse and aborts the connection: the blocked opens\n"
	      "fail, the threads end and so does the program. The mount lives in\n"
	      "the program's own mount namespace: no other process sees it, and it\n"
	      "goes with the program.\n"
	      "\n"
	      "Options:\n"
	      "  --threads N   number of threads and directories (default 64,\n"
	      "                at most 4096)\n"
	      "  --name NAME   the name each thread creates (default ld.so.preload;\n"
	      "                one path component)\n"
	      "  --stdin       also end when standard input reaches its end\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "Needs: /dev/fuse readable and writable by this user (udev makes it\n"
	      "0666; in a bare devtmpfs: chmod 0666 /dev/fuse), the fuse module\n"
	      "(modprobe fuse), unprivileged user namespaces, and DIR a directory\n"
	      "this user can reach.\n"
	      "\n"
	      "Exit status: 0 ended as asked, every open having failed once the\n"
	      "connection was aborted; 1 a failure (the message says which: setting\n"
	      "up, a thread's open returning before the end, the server dying);\n"
	      "2 usage error.\n", out);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROG ": %s%s%s\nTry '" PROG " --help'.\n", msg,
		arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* ------------------------------------------------------------ namespaces */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err)
		fprintf(stderr, PROG ": writing %s: %s\n", path, strerror(err));
	return err;
}

/* A user and mount namespace whose root is the caller's uid and gid. */
static int enter_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	/* An undumpable process's /proc/self files are root's: the maps too. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		fprintf(stderr, PROG ": PR_SET_DUMPABLE: %s\n", strerror(errno));
		return 1;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		fprintf(stderr, PROG ": unshare(CLONE_NEWUSER|CLONE_NEWNS): %s%s\n",
			strerror(errno),
			errno == EPERM || errno == ENOSPC ?
			" (unprivileged user namespaces disabled? see the sysctls"
			" kernel.unprivileged_userns_clone, user.max_user_namespaces)" : "");
		return 1;
	}
	if (write_file("/proc/self/setgroups", "deny"))
		return 1;
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	if (write_file("/proc/self/uid_map", map))
		return 1;
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	if (write_file("/proc/self/gid_map", map))
		return 1;
	/* So that the FUSE mount cannot propagate anywhere, whatever DIR is. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, PROG ": making the mounts private: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

/* Open /dev/fuse and mount it on DIR; the fd, or -1 after a message. */
static int mount_fuse(void)
{
	char opts[128];
	int fd;

	/*
	 * After unshare: the kernel accepts the fd only if it was opened in
	 * the user namespace that mounts.
	 */
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		fprintf(stderr, PROG ": cannot open /dev/fuse: %s%s\n", strerror(e),
			e == ENOENT || e == ENODEV || e == ENXIO ?
			" (load the module: modprobe fuse)" :
			e == EACCES || e == EPERM ?
			" (it must be readable and writable by this user: chmod 0666 /dev/fuse)" :
			"");
		return -1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
	if (mount(PROG, cfg.dir, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		int e = errno;

		fprintf(stderr, PROG ": mount -t fuse -o %s on %s: %s%s\n", opts, cfg.dir,
			strerror(e),
			e == ENODEV ? " (no fuse file system: modprobe fuse)" :
			e == EPERM ? " (FUSE in a user namespace needs Linux 4.18 or later)" :
			"");
		close(fd);
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------ the server */

/* Send a reply: the header, then @len bytes of @arg (error 0), or an error. */
static void reply(int fd, uint64_t unique, int error, const void *arg, size_t len)
{
	struct fuse_out_header h = {
		.len = (uint32_t)(sizeof(h) + (error ? 0 : len)),
		.error = -error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ &h, sizeof(h) },
		{ (void *)arg, error ? 0 : len },
	};

	/* ENOENT: the request was interrupted and is gone; nothing to do. */
	if (writev(fd, iov, 2) < 0 && errno != ENOENT)
		fprintf(stderr, PROG ": server: reply to request %llu: %s\n",
			(unsigned long long)unique, strerror(errno));
}

/* Node id of a directory dI in the root, from its name; 0 if none. */
static uint64_t dir_node(const char *name)
{
	unsigned long i;
	char *end;

	if (name[0] != 'd' || name[1] < '0' || name[1] > '9' ||
	    (name[1] == '0' && name[2]))
		return 0;
	errno = 0;
	i = strtoul(name + 1, &end, 10);
	if (errno || *end || i >= cfg.threads)
		return 0;
	return FIRST_DIR + i;
}

static bool is_node(uint64_t id)
{
	return id == ROOT_ID || (id >= FIRST_DIR && id < FIRST_DIR + (uint64_t)cfg.threads);
}

static void dir_attr(struct fuse_attr *a, uint64_t id)
{
	memset(a, 0, sizeof(*a));
	a->ino = id;
	a->mode = S_IFDIR | 0755;
	a->nlink = 2;
	a->blksize = 4096;
	/* uid and gid 0: the namespace's root, this user outside */
}

/*
 * The name that follows a request's fixed part, or NULL if the request is
 * too short or the name not terminated within it.
 */
static const char *req_name(const char *buf, size_t len, size_t fixed)
{
	if (len <= fixed || !memchr(buf + fixed, '\0', len - fixed))
		return NULL;
	return buf + fixed;
}

/* Serve until the connection ends; never answers FUSE_CREATE. */
static void serve(int fd)
{
	/* At least FUSE_MIN_READ_BUFFER, and more than max_write + headers. */
	static char buf[1 << 17];
	static bool held[MAX_THREADS];
	unsigned int holding = 0;
	bool ready = false;

	for (;;) {
		const struct fuse_in_header *h = (const void *)buf;
		const char *name;
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t len;

		if (n < 0) {
			/* ENOENT: a request interrupted while being read */
			if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
				continue;
			if (errno == ENODEV)	/* unmounted or aborted */
				_exit(0);
			fprintf(stderr, PROG ": server: reading /dev/fuse: %s\n", strerror(errno));
			_exit(1);
		}
		len = (size_t)n;
		if (len < sizeof(*h) || h->len != len) {
			fprintf(stderr, PROG ": server: a request of %zu bytes, malformed\n", len);
			continue;
		}
		switch (h->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *in = (const void *)(h + 1);
			struct fuse_init_out out;

			if (len < sizeof(*h) + 16) {	/* major, minor, readahead, flags */
				reply(fd, h->unique, EIO, NULL, 0);
				break;
			}
			memset(&out, 0, sizeof(out));
			out.major = FUSE_KERNEL_VERSION;
			/* the kernel's minor, if older than this header's */
			out.minor = in->major == FUSE_KERNEL_VERSION &&
				    in->minor < FUSE_KERNEL_MINOR_VERSION ?
				    in->minor : FUSE_KERNEL_MINOR_VERSION;
			out.max_readahead = in->max_readahead;
			out.max_write = 4096;
			out.time_gran = 1;
			/* no flags: no feature is wanted, FUSE_CREATE is always on */
			reply(fd, h->unique, 0, &out,
			      out.minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : sizeof(out));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out out;
			uint64_t id;

			name = req_name(buf, len, sizeof(*h));
			id = name && h->nodeid == ROOT_ID ? dir_node(name) : 0;
			if (!id) {
				/* in d0..: NAME and anything else */
				reply(fd, h->unique, ENOENT, NULL, 0);
				break;
			}
			memset(&out, 0, sizeof(out));
			out.nodeid = id;
			out.generation = 1;
			out.entry_valid = VALID;
			out.attr_valid = VALID;
			dir_attr(&out.attr, id);
			reply(fd, h->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out out;

			if (!is_node(h->nodeid)) {
				reply(fd, h->unique, ENOENT, NULL, 0);
				break;
			}
			memset(&out, 0, sizeof(out));
			out.attr_valid = VALID;
			dir_attr(&out.attr, h->nodeid);
			reply(fd, h->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_CREATE: {
			uint64_t i = h->nodeid - FIRST_DIR;

			/* held, never answered; counted if it is one we expect */
			name = req_name(buf, len, sizeof(*h) + sizeof(struct fuse_create_in));
			if (!name || strcmp(name, cfg.name) || h->nodeid < FIRST_DIR ||
			    i >= cfg.threads || held[i]) {
				fprintf(stderr, PROG ": server: an unexpected CREATE (node %llu, %s)\n",
					(unsigned long long)h->nodeid, name ? name : "no name");
				break;
			}
			held[i] = true;
			if (++holding == cfg.threads && !ready) {
				char line[64];
				int k = snprintf(line, sizeof(line), "FUSE_HANG_READY %u\n",
						 cfg.threads);

				ready = true;
				if (write(STDOUT_FILENO, line, (size_t)k) != k)
					fprintf(stderr, PROG ": server: writing the ready line: %s\n",
						strerror(errno));
			}
			break;
		}
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
			break;	/* no reply expected */
		default:
			/* on FUSE_INTERRUPT, ENOSYS tells the kernel not to send more */
			reply(fd, h->unique, ENOSYS, NULL, 0);
			break;
		}
	}
}

/* ------------------------------------------------------------ the threads */

static struct worker {
	pthread_t thread;
	unsigned int index;
	int err;		/* the open's errno; 0 if it succeeded */
	bool started;
} *workers;

static int done_fd = -1;	/* eventfd: a worker's open returned */

static void *work(void *arg)
{
	struct worker *w = arg;
	char path[4096];
	uint64_t one = 1;
	int fd;

	snprintf(path, sizeof(path), "%s/d%u/%s", cfg.dir, w->index, cfg.name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	__atomic_store_n(&w->err, fd < 0 ? errno : 0, __ATOMIC_RELEASE);
	if (fd >= 0)
		close(fd);
	if (write(done_fd, &one, sizeof(one)) != sizeof(one))
		abort();	/* an eventfd counter does not overflow here */
	return NULL;
}

/* ------------------------------------------------------------ main */

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "stdin", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || n < 1 ||
			    n > MAX_THREADS)
				return usage_error("bad --threads (1 to 4096)", optarg);
			cfg.threads = (unsigned int)n;
			break;
		case 'n':
			if (!optarg[0] || strchr(optarg, '/') || !strcmp(optarg, ".") ||
			    !strcmp(optarg, ".."))
				return usage_error("bad --name (one path component)", optarg);
			cfg.name = optarg;
			break;
		case 's':
			cfg.stdin_ends = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return usage_error("bad option", NULL);
		}
	}
	if (argc - optind != 1)
		return usage_error(argc == optind ? "no DIR given" : "more than one DIR", NULL);
	cfg.dir = argv[optind];
	return 0;
}

/*
 * Whether the server has ended, or ends within @ms milliseconds: reaped,
 * its wait status in *@status.
 */
static bool server_ended(pid_t server, int *status, int ms)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	for (;;) {
		if (waitpid(server, status, WNOHANG) == server)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return false;
		poll(NULL, 0, 10);
	}
}

/* Say that the server ended before the end, with its wait @status: 1. */
static int server_end(pid_t server, int status)
{
	fprintf(stderr, PROG ": the FUSE server (pid %d) ended (status 0x%x)\n", server, status);
	return 1;
}

/*
 * Wait for the end: a signal, the end of stdin (--stdin), or something
 * wrong (a worker's open returning, the server dying). 0 for an end as
 * asked, 1 after a message.
 */
static int wait_for_end(int sfd, pid_t server)
{
	struct pollfd p[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = done_fd, .events = POLLIN },
		{ .fd = cfg.stdin_ends ? STDIN_FILENO : -1, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	char buf[512];
	unsigned int i;
	ssize_t n;
	int status, err;

	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return 1;
		}
		if (p[0].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				return 0;
			if (server_ended(server, &status, 0))
				return server_end(server, status);
		}
		if (p[1].revents) {
			for (i = 0; i < cfg.threads; i++)
				if (workers[i].started &&
				    __atomic_load_n(&workers[i].err, __ATOMIC_ACQUIRE) != EINPROGRESS)
					break;
			err = i < cfg.threads ? workers[i].err : 0;
			/*
			 * An aborted connection fails the opens (ECONNABORTED;
			 * ENOTCONN for a request not yet sent), and only the
			 * server's end aborts it: only the server holds
			 * /dev/fuse, and an abort by hand makes its read fail,
			 * so it exits. The kernel closes a dying process's
			 * files before it can be waited for, so an open can
			 * return before SIGCHLD comes: the server's end is
			 * waited for here, and reported as the cause.
			 */
			if (server_ended(server, &status,
					 err == ECONNABORTED || err == ENOTCONN ? 10000 : 0))
				return server_end(server, status);
			fprintf(stderr, PROG ": open %s/d%u/%s returned before the end (%s): "
				"was the FUSE_CREATE answered, or never sent?\n", cfg.dir,
				i < cfg.threads ? i : 0, cfg.name,
				i < cfg.threads ? (err ? strerror(err) : "it succeeded") : "?");
			return 1;
		}
		if (p[2].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				return 0;
		}
	}
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	sigset_t sigs, old;
	pid_t parent, server;
	unsigned int i, started = 0, succeeded = 0;
	int fd, sfd, v, rc, status;

	v = parse_args(argc, argv);
	if (v)
		return v;
	workers = calloc(cfg.threads, sizeof(*workers));
	done_fd = eventfd(0, EFD_CLOEXEC);
	if (!workers || done_fd < 0) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		return 1;
	}
	if (enter_userns())
		return 1;
	fd = mount_fuse();
	if (fd < 0)
		return 1;

	/*
	 * The signals that end the program wait in a signalfd; blocked in
	 * every thread, so that none reaches a thread blocked in the kernel
	 * (it would send FUSE_INTERRUPT and stay blocked).
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &sigs, &old)) {
		fprintf(stderr, PROG ": sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	fflush(NULL);
	parent = getpid();
	server = fork();
	if (server < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		return 1;
	}
	if (server == 0) {
		/* ends with the main thread, however it ends */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) || getppid() != parent)
			_exit(1);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(done_fd);
		serve(fd);
		_exit(0);
	}
	/* Only the server holds /dev/fuse: its end aborts the connection. */
	close(fd);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(errno));
		kill(server, SIGKILL);
		return 1;
	}

	/* A small stack each: the threads only wait. */
	rc = pthread_attr_init(&attr);
	if (!rc)
		rc = pthread_attr_setstacksize(&attr, 64 << 10);
	for (i = 0; !rc && i < cfg.threads; i++) {
		workers[i].index = i;
		workers[i].err = EINPROGRESS;
		rc = pthread_create(&workers[i].thread, &attr, work, &workers[i]);
		if (!rc) {
			workers[i].started = true;
			started++;
		}
	}
	if (rc) {
		fprintf(stderr, PROG ": starting thread %u of %u: %s\n", started + 1,
			cfg.threads, strerror(rc));
		rc = 1;
	} else {
		rc = wait_for_end(sfd, server);
	}

	/* The end: the server goes, /dev/fuse closes, the opens fail. */
	kill(server, SIGKILL);
	while (waitpid(server, &status, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < cfg.threads; i++) {
		if (!workers[i].started)
			continue;
		v = pthread_join(workers[i].thread, NULL);
		if (v) {
			fprintf(stderr, PROG ": joining thread %u: %s\n", i, strerror(v));
			rc = 1;
		} else if (!workers[i].err) {
			succeeded++;
		}
	}
	if (succeeded) {
		fprintf(stderr, PROG ": %u of the opens succeeded\n", succeeded);
		rc = 1;
	}
	return rc;
}
