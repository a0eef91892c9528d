// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-flood: the flood of the "Floods and backpressure" measurement
 * (tests/bench/flood.sh), and the reader of what ldwatchd wrote during it.
 *
 *   ldw-flood flood [OPTION]... DIRECTORY
 *   ldw-flood alerts FILE PREFIX
 *   ldw-flood attack FILE FLOOD-OUTPUT
 *
 * flood: PROCS processes (default 2) create and rename files in DIRECTORY as
 * fast as they can for SECONDS (default 10). Each iteration is
 *
 *   open(DIRECTORY/flood-W.conf, O_CREAT|O_EXCL)   a creation   (timed)
 *   close
 *   rename(flood-W.conf, flood-W-moved.conf)       a rename     (timed)
 *   unlink(flood-W-moved.conf)                     (no event)
 *
 * so with DIRECTORY /etc/ld.so.conf.d every timed operation that succeeds is
 * one the rule alerts on (file.path under /etc/ld.so.conf.d/, extension
 * "conf", an executable the rule does not exclude), and the count of them
 * is exact: a failed operation ends the run with an error. Each process
 * times each operation (CLOCK_MONOTONIC, from before the system call to
 * after it, so the hook, the deferred judgement in the same task and the
 * hand-over to the delivery queue are inside) into a histogram with 1/64
 * relative resolution, and keeps the exact maximum.
 *
 * With --pause PID the parent stops PID (SIGSTOP) at --pause-at seconds
 * into the flood and lets it go on (SIGCONT) --pause-for seconds later;
 * operations that start inside that window are also reported on their own.
 * Meanwhile the parent samples, every --sample-ms, the slab memory of the
 * caches kmalloc() and the socket buffers use (/proc/slabinfo: kmalloc-*,
 * dma-kmalloc-*, skbuff_*; slab pages, num_slabs x pagesperslab) and the
 * receive queues of the generic netlink sockets (/proc/net/netlink, Rmem).
 * With --rate R the processes together offer R operations a second, evenly
 * spaced, instead of going as fast as they can.
 *
 * With --userns UID each flood process is the unprivileged attacker of
 * issue 14 before it starts: it becomes UID (and gid UID, no supplementary
 * groups), enters a user and a mount namespace of its own
 * (unshare(CLONE_NEWUSER | CLONE_NEWNS), UID mapped to 0 inside), mounts a
 * tmpfs over its own view of DIRECTORY's parent (/etc for
 * /etc/ld.so.conf.d) and makes DIRECTORY in it. Its creations and renames
 * there are alerts by Elastic's rule, which judges the path as the process
 * sees it, about no file of the host's. With --new-mntns-every N it also
 * moves to a new mount namespace (unshare(CLONE_NEWNS), which keeps the
 * tmpfs) every N iterations, outside the timed operations, holding the one
 * it leaves open (the last 512) so that the new one has a number of its
 * own: a budget of the rate limit per namespace, as many as it likes.
 *
 * With --root-every S a process that stays root (euid 0, the host's
 * namespaces) writes a real target once every S seconds of the flood, at
 * the middle of each period: a child forked for each operation takes
 * CLOCK_REALTIME and at once creates (O_CREAT|O_EXCL) alternately
 * --root-file (default /etc/ld.so.preload) and DIRECTORY/root-K.conf (K
 * the operation's index), then unlinks it. So each of root's operations is
 * one alert by Elastic's rule, told apart by its path and its pid.
 *
 * Output, one "KEY VALUE..." line each: procs, seconds, rate,
 * start_realtime_ns, end_realtime_ns, operations, creations, renames,
 * pause_realtime_ns (stop and continue), then for each of all/paused and
 * all/create/rename
 *
 *   latency WINDOW KIND COUNT P50_NS P99_NS P999_NS MAX_NS
 *
 * (percentiles are the upper edges of their histogram buckets), then
 * slab_idle_bytes, slab_peak_bytes (-1: could not be read), for each
 * counted cache whose size differs between the two "slab_cache NAME IDLE
 * PEAK", netlink_rmem_peak_bytes (-1: could not be read), and
 * slab_beyond_rmem_peak_bytes: the most the slab grew beyond what the
 * netlink receive queues held at the same moment (an upper estimate of the
 * sender's own share: SLUB does not give freed pages back at once). With
 * --userns also "userns uid UID procs N mounts N" (N tmpfs mounted, one a
 * process) and for each process "userns_worker W pid PID mount_namespace
 * INODE renewals N" (its first namespace, how many it moved to after);
 * with --root-every "root_ops planned N done N" and for each operation
 * done "root_op K PATH PID REALTIME_NS TOOK_NS" (TOOK_NS: the system
 * call, CLOCK_MONOTONIC).
 *
 * alerts: read ldwatchd's ECS JSON lines from FILE and print, for each
 * ldwatch.load_id in order of appearance,
 *
 *   load ID alerts N foreign N duplicates N late N lost_records N
 *        lost_count N overruns N stopping N first_op_ns N last_op_ns N
 *        last_created_ns N latency_p50_ns N latency_p99_ns N latency_max_ns N
 *
 * (one line): alert documents (those whose file.path starts with PREFIX;
 * "foreign" ones do not), sequence numbers seen twice, late arrivals,
 * ldwatch-alerts-lost records and the sum of their ldwatch.lost.count,
 * ldwatch-socket-overrun and ldwatch-sensor-stopping records, and the
 * latency from the operation (@timestamp, the hook's CLOCK_REALTIME) to
 * ldwatchd's receipt (event.created) over the PREFIX alerts; exact, from
 * all of them. A line that is not a JSON object is an error.
 *
 * attack: read ldwatchd's lines from FILE and the output of a flood with
 * --userns and --root-every from FLOOD-OUTPUT, and print
 *
 *   root operations N delivered N complete N duplicates N other N
 *        latency_p50_ns N latency_max_ns N stamp_max_ns N
 *   root_op K delivered 0|1 latency_ns N stamp_ns N sequence N
 *        (one per operation)
 *   flooder uid UID alerts N creations N renames N mounts N other N
 *        summaries N suppressed N suppressed_other N
 *   records loads N foreign N lost_records N lost_count N overruns N
 *        stopping N
 *
 * Root's operation K is delivered if an alert has its path (file.path) and
 * its pid (process.pid); complete if that alert also says user.id "0",
 * event.action "creation" and ldwatch.target.path the same path; its
 * latency is the alert's event.created (when ldwatchd received it; it
 * writes each line at once) minus the CLOCK_REALTIME the operation took
 * just before its system call, so the hook, the queue, the netlink socket
 * and ldwatchd are inside; its stamp is the alert's @timestamp (the hook's
 * clock) minus that time: how much of it passed before the hook. Another
 * alert with a pid of root's is "other";
 * the flooder's alerts are those with user.id UID; anything else is
 * foreign. suppressed sums the ldwatch.suppressed.count of the
 * ldwatch-alerts-suppressed summaries of UID's budgets (suppressed_other:
 * of other users').
 *
 * Exit status: 0 done; 1 an operation or read failed (the message names
 * it); 2 usage error. Static, so that the guest needs no libraries.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define PROG "ldw-flood"

#define __printf(a, b) __attribute__((format(printf, a, b)))

static __printf(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static __printf(1, 2) int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help'.\n", stderr);
	return 2;
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG " flood [--procs N] [--seconds S] [--pause PID]\n"
	      "                 [--pause-at S] [--pause-for S] [--rate OPS] [--sample-ms MS]\n"
	      "                 [--userns UID [--new-mntns-every N]]\n"
	      "                 [--root-every S [--root-file PATH]] DIRECTORY\n"
	      "       " PROG " alerts FILE PREFIX\n"
	      "       " PROG " attack FILE FLOOD-OUTPUT\n"
	      "flood: N processes (default 2) create and rename files in DIRECTORY\n"
	      "for S seconds (default 10), timing each operation; with --pause, stop\n"
	      "PID at --pause-at seconds for --pause-for seconds; with --rate, offer\n"
	      "OPS operations a second in all; with --userns, each process as UID in\n"
	      "a user and mount namespace of its own, on a tmpfs over its view of\n"
	      "DIRECTORY's parent; with --root-every, root creates a real target every\n"
	      "S seconds meanwhile. alerts: count and time what ldwatchd wrote to\n"
	      "FILE, per load id. attack: root's operations delivered and their\n"
	      "latency, the flooder's alerts and suppressions. See the source's head\n"
	      "comment for the output.\n", f);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		die("clock_gettime: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t mono_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(mono_ns / 1000000000u),
		.tv_nsec = (long)(mono_ns % 1000000000u),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ---------------------------------------------------------- histograms */

/*
 * Log-linear buckets: values below 2 * HIST_SUB exactly, above that
 * HIST_SUB buckets per power of two (a relative width of 1/64). Index
 * e * HIST_SUB + (v >> e) for e = msb(v) - log2(HIST_SUB) covers every
 * 64-bit value in HIST_BUCKETS buckets.
 */
#define HIST_SUB_BITS	6
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_BUCKETS	((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint32_t bucket[HIST_BUCKETS];
};

static unsigned int hist_index(uint64_t v)
{
	unsigned int e;

	if (v < 2 * HIST_SUB)
		return (unsigned int)v;
	e = (unsigned int)(63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return e * HIST_SUB + (unsigned int)(v >> e);
}

/* The largest value bucket @i holds. */
static uint64_t hist_upper(unsigned int i)
{
	unsigned int e;

	if (i < 2 * HIST_SUB)
		return i;
	e = i / HIST_SUB - 1;
	return (((uint64_t)(i - e * HIST_SUB) + 1) << e) - 1;
}

static void hist_add(struct hist *h, uint64_t v)
{
	h->count++;
	h->bucket[hist_index(v)]++;
	if (v > h->max)
		h->max = v;
}

static void hist_merge(struct hist *to, const struct hist *from)
{
	unsigned int i;

	to->count += from->count;
	if (from->max > to->max)
		to->max = from->max;
	for (i = 0; i < HIST_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
}

/* The upper edge of the bucket holding the @per_mille / 1000 quantile. */
static uint64_t hist_quantile(const struct hist *h, unsigned int per_mille)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	/* The smallest value with at least that share of values at or below it. */
	rank = (h->count * per_mille + 999) / 1000;
	if (!rank)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return hist_upper(i) < h->max ? hist_upper(i) : h->max;
	}
	return h->max;
}

/* ---------------------------------------------------------------- flood */

enum kind { KIND_CREATE, KIND_RENAME, KIND_COUNT };
enum window { WINDOW_ALL, WINDOW_PAUSED, WINDOW_COUNT };

static const char *const kind_names[KIND_COUNT] = { "create", "rename" };
static const char *const window_names[WINDOW_COUNT] = { "all", "paused" };

#define MAX_PROCS 64

/* One of root's operations (--root-every), as the child that did it saw it. */
struct root_op {
	uint64_t real_ns;		/* CLOCK_REALTIME just before the call */
	uint64_t took_ns;		/* the system call, CLOCK_MONOTONIC */
	int32_t pid;			/* 0: not done */
	int32_t err;			/* its errno, or 0 */
};

/* What the parent and the workers share (MAP_SHARED). */
struct shared {
	uint64_t start_mono_ns;		/* when the workers start */
	uint64_t interval_ns;		/* per worker between operations, or 0 */
	uint64_t end_mono_ns;		/* when they stop starting operations */
	uint64_t procs;			/* workers */
	uint64_t pause_mono_ns[2];	/* the stop window, or 0, 0 */
	/* --userns: each worker's first mount namespace, and its moves. */
	uint64_t mntns[MAX_PROCS];
	uint64_t renewals[MAX_PROCS];
	struct hist hist[];		/* per worker: [window][kind] */
};

struct flood_opts {
	unsigned int procs;
	double seconds;
	pid_t pause_pid;
	double pause_at;
	double pause_for;
	double rate;
	unsigned int sample_ms;
	const char *dir;
	bool userns;
	uid_t userns_uid;
	unsigned long new_mntns_every;
	double root_every;
	const char *root_file;
};

static struct hist *worker_hist(struct shared *sh, unsigned int worker,
				enum window w, enum kind k)
{
	return &sh->hist[(worker * WINDOW_COUNT + w) * KIND_COUNT + k];
}

static void record(struct shared *sh, unsigned int worker, enum kind k,
		   uint64_t start, uint64_t end)
{
	hist_add(worker_hist(sh, worker, WINDOW_ALL, k), end - start);
	if (start >= sh->pause_mono_ns[0] && start < sh->pause_mono_ns[1])
		hist_add(worker_hist(sh, worker, WINDOW_PAUSED, k), end - start);
}

/*
 * With --rate, wait for the operation's turn: one every interval_ns from
 * *@next on. A worker that fell behind goes on at once, without sleeping,
 * until it is on time again (the offered rate is kept on average).
 */
static void pace(const struct shared *sh, uint64_t *next)
{
	if (!sh->interval_ns)
		return;
	if (clock_ns(CLOCK_MONOTONIC) < *next)
		sleep_until(*next);
	*next += sh->interval_ns;
}

static void join(char *dest, const char *dir, const char *name)
{
	int n = snprintf(dest, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX)
		die("directory name too long: %s", dir);
}

static void write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len)
		die("write %s: %s", path, strerror(errno));
	if (close(fd))
		die("close %s: %s", path, strerror(errno));
}

static uint64_t mount_namespace(void)
{
	struct stat st;

	if (stat("/proc/self/ns/mnt", &st))
		die("stat /proc/self/ns/mnt: %s", strerror(errno));
	return (uint64_t)st.st_ino;
}

/*
 * --userns: become @uid in a user and mount namespace of one's own, with a
 * tmpfs over one's view of @dir's parent and @dir made in it.
 */
static void userns_enter(unsigned int w, uid_t uid, const char *dir)
{
	char parent[PATH_MAX], map[64];
	char *slash;

	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid(uid))
		die("worker %u: becoming uid %lu: %s", w, (unsigned long)uid, strerror(errno));
	/*
	 * A change of credentials makes the process undumpable, which would
	 * leave its /proc files root's: it could not write its own id maps.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		die("worker %u: PR_SET_DUMPABLE: %s", w, strerror(errno));
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		die("worker %u: unshare(CLONE_NEWUSER|CLONE_NEWNS) as uid %lu: %s", w,
		    (unsigned long)uid, strerror(errno));
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %lu 1\n", (unsigned long)uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/gid_map", map);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("worker %u: making / private: %s", w, strerror(errno));
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		die("worker %u: --userns wants DIRECTORY below a directory: %s", w, dir);
	*slash = '\0';
	if (mount("ldw-flood", parent, "tmpfs", 0, "mode=0755"))
		die("worker %u: mount tmpfs on %s: %s", w, parent, strerror(errno));
	if (mkdir(dir, 0755))
		die("worker %u: mkdir %s: %s", w, dir, strerror(errno));
}

/*
 * --new-mntns-every: the namespaces left behind, held open. A namespace's
 * inode number is freed with it and the next unshare() takes the lowest
 * free one: without a reference, a process would go back and forth between
 * two numbers, two budgets.
 */
#define HELD_MNTNS 512

/* Hold the current mount namespace, letting go of the oldest if need be. */
static void keep_mntns(unsigned int w, int *held, unsigned int *nheld)
{
	unsigned int slot = *nheld % HELD_MNTNS;

	if (*nheld >= HELD_MNTNS)
		close(held[slot]);
	held[slot] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (held[slot] < 0)
		die("worker %u: open /proc/self/ns/mnt: %s", w, strerror(errno));
	(*nheld)++;
}

/* Tell the parent this process is ready, and wait for its go. */
static void ready_and_wait(int ready_fd, int go_fd)
{
	char byte = 1;

	if (write(ready_fd, &byte, 1) != 1)
		die("write to the parent: %s", strerror(errno));
	close(ready_fd);
	/* The go: the parent closes the pipe's write end. */
	if (read(go_fd, &byte, 1) < 0)
		die("read from the parent: %s", strerror(errno));
	close(go_fd);
}

static void __attribute__((noreturn)) worker(struct shared *sh, unsigned int w,
					     const struct flood_opts *o, int ready_fd,
					     int go_fd)
{
	char path[PATH_MAX], moved[PATH_MAX], name[64];
	uint64_t t0, t1, next = 0, iterations = 0;
	int fd, held[HELD_MNTNS];
	unsigned int nheld = 0;

	snprintf(name, sizeof(name), "flood-%u.conf", w);
	join(path, o->dir, name);
	snprintf(name, sizeof(name), "flood-%u-moved.conf", w);
	join(moved, o->dir, name);
	if (o->userns) {
		userns_enter(w, o->userns_uid, o->dir);
		sh->mntns[w] = mount_namespace();
	}

	ready_and_wait(ready_fd, go_fd);
	sleep_until(sh->start_mono_ns);
	/* Paced: the workers' operations interleave evenly. */
	if (sh->interval_ns)
		next = sh->start_mono_ns + sh->interval_ns * w / sh->procs;

	for (t1 = clock_ns(CLOCK_MONOTONIC); t1 < sh->end_mono_ns; iterations++) {
		if (o->new_mntns_every && iterations && !(iterations % o->new_mntns_every)) {
			keep_mntns(w, held, &nheld);
			if (unshare(CLONE_NEWNS))
				die("worker %u: unshare(CLONE_NEWNS): %s", w, strerror(errno));
			sh->renewals[w]++;
		}
		pace(sh, &next);
		t0 = clock_ns(CLOCK_MONOTONIC);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		t1 = clock_ns(CLOCK_MONOTONIC);
		if (fd < 0)
			die("worker %u: open(O_CREAT|O_EXCL) %s: %s", w, path, strerror(errno));
		record(sh, w, KIND_CREATE, t0, t1);
		if (close(fd))
			die("worker %u: close %s: %s", w, path, strerror(errno));

		pace(sh, &next);
		t0 = clock_ns(CLOCK_MONOTONIC);
		if (rename(path, moved))
			die("worker %u: rename %s: %s", w, path, strerror(errno));
		t1 = clock_ns(CLOCK_MONOTONIC);
		record(sh, w, KIND_RENAME, t0, t1);

		if (unlink(moved))
			die("worker %u: unlink %s: %s", w, moved, strerror(errno));
	}
	_exit(0);
}

/* Root's operation @k: the target it creates. */
static void root_path(char *dest, const struct flood_opts *o, unsigned int k)
{
	char name[64];

	if (k % 2 == 0) {
		snprintf(dest, PATH_MAX, "%s", o->root_file);
		return;
	}
	snprintf(name, sizeof(name), "root-%u.conf", k);
	join(dest, o->dir, name);
}

/*
 * --root-every: root's operations, one every root_every seconds of the
 * flood, at the middle of each period, each by a child of its own (told
 * apart by its pid), which records it in @ops.
 */
static void __attribute__((noreturn)) root_writer(struct shared *sh, struct root_op *ops,
						  unsigned int nops, const struct flood_opts *o,
						  int ready_fd, int go_fd)
{
	uint64_t every = (uint64_t)(o->root_every * 1e9), at, t0, t1;
	char path[PATH_MAX];
	unsigned int k;
	int fd, status;
	pid_t pid;

	ready_and_wait(ready_fd, go_fd);
	for (k = 0; k < nops; k++) {
		at = sh->start_mono_ns + every * k + every / 2;
		if (at >= sh->end_mono_ns)
			break;
		sleep_until(at);
		root_path(path, o, k);
		pid = fork();
		if (pid < 0)
			die("root: fork: %s", strerror(errno));
		if (pid == 0) {
			ops[k].real_ns = clock_ns(CLOCK_REALTIME);
			t0 = clock_ns(CLOCK_MONOTONIC);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			t1 = clock_ns(CLOCK_MONOTONIC);
			ops[k].err = fd < 0 ? errno : 0;
			ops[k].took_ns = t1 - t0;
			ops[k].pid = (int32_t)getpid();
			if (fd < 0)
				die("root: open(O_CREAT|O_EXCL) %s: %s", path, strerror(ops[k].err));
			if (close(fd) || unlink(path))
				die("root: close or unlink %s: %s", path, strerror(errno));
			_exit(0);
		}
		if (waitpid(pid, &status, 0) < 0)
			die("root: waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			_exit(1);
	}
	_exit(0);
}

/* Does slab cache @name serve kmalloc() or socket buffers? */
static bool counted_cache(const char *name)
{
	if (!strncmp(name, "dma-", 4))
		name += 4;
	return !strncmp(name, "kmalloc-", 8) || !strncmp(name, "skbuff_", 7);
}

#define MAX_CACHES 256

/* The counted caches' slab pages, in bytes, at one moment. */
struct slab_snap {
	int64_t total;			/* -1: /proc/slabinfo unreadable */
	unsigned int n;
	struct {
		char name[64];
		int64_t bytes;
	} cache[MAX_CACHES];
};

static void slab_read(struct slab_snap *snap)
{
	unsigned long active_objs, num_objs, objsize, objperslab, pages;
	unsigned long active_slabs, num_slabs;
	long page_size = sysconf(_SC_PAGESIZE);
	char line[512], name[64];
	FILE *f;

	snap->total = -1;
	snap->n = 0;
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return;
	snap->total = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   name, &active_objs, &num_objs, &objsize, &objperslab, &pages,
			   &active_slabs, &num_slabs) != 8)
			continue;	/* the two header lines */
		if (!counted_cache(name) || snap->n == MAX_CACHES)
			continue;
		strcpy(snap->cache[snap->n].name, name);
		snap->cache[snap->n].bytes = (int64_t)num_slabs * (int64_t)pages * page_size;
		snap->total += snap->cache[snap->n].bytes;
		snap->n++;
	}
	fclose(f);
}

/* What the generic netlink sockets hold in their receive queues, or -1. */
static int64_t netlink_rmem(void)
{
	unsigned long proto, rmem;
	char line[512];
	int64_t total = 0;
	FILE *f;

	f = fopen("/proc/net/netlink", "r");
	if (!f)
		return -1;
	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
	while (fgets(line, sizeof(line), f)) {
		/* The first column is "(____ptrval____)" until the RNG is ready. */
		if (sscanf(line, "%*s %lu %*u %*x %lu", &proto, &rmem) == 2 && proto == 16)
			total += (int64_t)rmem;
	}
	fclose(f);
	return total;
}

struct peaks {
	struct slab_snap idle, now, peak;
	int64_t rmem;
	/* The slab added beyond what the sockets' receive queues held then. */
	int64_t beyond_rmem;
};

static void sample(struct peaks *p)
{
	int64_t v;

	slab_read(&p->now);
	if (p->now.total > p->peak.total)
		p->peak = p->now;
	v = netlink_rmem();
	if (v > p->rmem)
		p->rmem = v;
	if (p->now.total >= 0 && p->idle.total >= 0 && v >= 0 &&
	    p->now.total - p->idle.total - v > p->beyond_rmem)
		p->beyond_rmem = p->now.total - p->idle.total - v;
}

/* The caches whose slab grew from idle to the peak, and by how much. */
static void print_slab(const struct peaks *p)
{
	unsigned int i, j;
	int64_t idle;

	printf("slab_idle_bytes %" PRId64 "\n", p->idle.total);
	printf("slab_peak_bytes %" PRId64 "\n", p->peak.total);
	for (i = 0; i < p->peak.n; i++) {
		idle = 0;
		for (j = 0; j < p->idle.n; j++)
			if (!strcmp(p->idle.cache[j].name, p->peak.cache[i].name))
				idle = p->idle.cache[j].bytes;
		if (p->peak.cache[i].bytes != idle)
			printf("slab_cache %s %" PRId64 " %" PRId64 "\n", p->peak.cache[i].name,
			       idle, p->peak.cache[i].bytes);
	}
}

/* Sleep until @until (monotonic), sampling every @step_ns on the way. */
static void sample_until(struct peaks *p, uint64_t until, uint64_t step_ns)
{
	uint64_t now;

	while ((now = clock_ns(CLOCK_MONOTONIC)) < until) {
		sleep_until(now + step_ns < until ? now + step_ns : until);
		sample(p);
	}
}

static void signal_pause(pid_t pid, int sig)
{
	if (kill(pid, sig))
		die("kill(%ld, %s): %s", (long)pid, sig == SIGSTOP ? "SIGSTOP" : "SIGCONT",
		    strerror(errno));
}

static void print_latency(const struct shared *sh, const struct flood_opts *o,
			  enum window w)
{
	static struct hist kinds[KIND_COUNT], all;
	unsigned int i, k;

	memset(&all, 0, sizeof(all));
	for (k = 0; k < KIND_COUNT; k++) {
		memset(&kinds[k], 0, sizeof(kinds[k]));
		for (i = 0; i < o->procs; i++)
			hist_merge(&kinds[k], worker_hist((struct shared *)sh, i, w, k));
		hist_merge(&all, &kinds[k]);
	}
	printf("latency %s all %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
	       window_names[w], all.count, hist_quantile(&all, 500),
	       hist_quantile(&all, 990), hist_quantile(&all, 999), all.max);
	for (k = 0; k < KIND_COUNT; k++)
		printf("latency %s %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		       window_names[w], kind_names[k], kinds[k].count,
		       hist_quantile(&kinds[k], 500), hist_quantile(&kinds[k], 990),
		       hist_quantile(&kinds[k], 999), kinds[k].max);
}

static bool parse_number(const char *arg, double *v, double min)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	return !errno && end != arg && !*end && *v >= min && *v <= 1e7;
}

static bool parse_uint(const char *arg, unsigned long *v, unsigned long min,
		       unsigned long max)
{
	char *end;

	errno = 0;
	if (arg[0] == '-')
		return false;
	*v = strtoul(arg, &end, 10);
	return !errno && end != arg && !*end && *v >= min && *v <= max;
}

static int flood_main(int argc, char **argv)
{
	struct flood_opts o = { .procs = 2, .seconds = 10, .sample_ms = 100,
				.root_file = "/etc/ld.so.preload" };
	uint64_t start_real, end_real, pause_real[2] = { 0, 0 }, step;
	static struct peaks peaks;
	uint64_t creations = 0, renames = 0;
	struct root_op *root_ops = NULL;
	unsigned int nroot = 0, root_done = 0, k;
	struct shared *sh;
	unsigned long v;
	size_t size;
	int go[2], ready[2], i, status, failed = 0, children;
	pid_t *pids, root_pid = 0;
	char byte, path[PATH_MAX];
	struct stat st;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			break;
		if (i + 1 >= argc)
			return usage_error("%s needs an argument", a);
		if (!strcmp(a, "--procs")) {
			if (!parse_uint(argv[++i], &v, 1, 64))
				return usage_error("--procs wants 1 to 64: %s", argv[i]);
			o.procs = (unsigned int)v;
		} else if (!strcmp(a, "--seconds")) {
			if (!parse_number(argv[++i], &o.seconds, 0.01) || o.seconds > 3600)
				return usage_error("--seconds wants 0.01 to 3600: %s", argv[i]);
		} else if (!strcmp(a, "--pause")) {
			if (!parse_uint(argv[++i], &v, 2, INT_MAX))
				return usage_error("--pause wants a process id: %s", argv[i]);
			o.pause_pid = (pid_t)v;
		} else if (!strcmp(a, "--pause-at")) {
			if (!parse_number(argv[++i], &o.pause_at, 0) || o.pause_at > 3600)
				return usage_error("--pause-at wants 0 to 3600: %s", argv[i]);
		} else if (!strcmp(a, "--pause-for")) {
			if (!parse_number(argv[++i], &o.pause_for, 0.01) || o.pause_for > 3600)
				return usage_error("--pause-for wants 0.01 to 3600: %s", argv[i]);
		} else if (!strcmp(a, "--rate")) {
			if (!parse_number(argv[++i], &o.rate, 1) || o.rate > 1e7)
				return usage_error("--rate wants 1 to 10000000 operations/s: %s", argv[i]);
		} else if (!strcmp(a, "--sample-ms")) {
			if (!parse_uint(argv[++i], &v, 1, 60000))
				return usage_error("--sample-ms wants 1 to 60000: %s", argv[i]);
			o.sample_ms = (unsigned int)v;
		} else if (!strcmp(a, "--userns")) {
			if (!parse_uint(argv[++i], &v, 1, 4294967294UL))
				return usage_error("--userns wants a uid other than 0: %s", argv[i]);
			o.userns = true;
			o.userns_uid = (uid_t)v;
		} else if (!strcmp(a, "--new-mntns-every")) {
			if (!parse_uint(argv[++i], &o.new_mntns_every, 1, 1000000000UL))
				return usage_error("--new-mntns-every wants a positive count: %s",
						   argv[i]);
		} else if (!strcmp(a, "--root-every")) {
			if (!parse_number(argv[++i], &o.root_every, 0.01) || o.root_every > 3600)
				return usage_error("--root-every wants 0.01 to 3600: %s", argv[i]);
		} else if (!strcmp(a, "--root-file")) {
			o.root_file = argv[++i];
			if (o.root_file[0] != '/' || strlen(o.root_file) >= PATH_MAX)
				return usage_error("--root-file wants an absolute path: %s", o.root_file);
		} else {
			return usage_error("unknown option: %s", a);
		}
	}
	if (i + 1 != argc)
		return usage_error("flood wants one DIRECTORY");
	o.dir = argv[i];
	if (stat(o.dir, &st) || !S_ISDIR(st.st_mode))
		return usage_error("not a directory: %s", o.dir);
	if (o.pause_pid && o.pause_at + o.pause_for > o.seconds)
		return usage_error("the pause (%g s at %g s) must end within the flood (%g s)",
				   o.pause_for, o.pause_at, o.seconds);
	if (o.pause_pid && kill(o.pause_pid, 0))
		return usage_error("--pause %ld: %s", (long)o.pause_pid, strerror(errno));
	if (o.new_mntns_every && !o.userns)
		return usage_error("--new-mntns-every goes with --userns");
	if (strlen(o.dir) + 32 >= PATH_MAX)
		return usage_error("directory name too long: %s", o.dir);
	if (o.root_every > 0) {
		nroot = (unsigned int)(o.seconds / o.root_every) + 1;
		root_ops = mmap(NULL, nroot * sizeof(*root_ops), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (root_ops == MAP_FAILED)
			die("mmap: %s", strerror(errno));
	}

	size = sizeof(*sh) + (size_t)o.procs * WINDOW_COUNT * KIND_COUNT * sizeof(struct hist);
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	pids = calloc(o.procs, sizeof(*pids));
	if (!pids)
		die("out of memory");
	if (pipe(go) || pipe(ready))
		die("pipe: %s", strerror(errno));

	/* Workers first, so that forking is not inside the flood. */
	for (i = 0; i < (int)o.procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (pids[i] == 0) {
			close(go[1]);
			close(ready[0]);
			worker(sh, (unsigned int)i, &o, ready[1], go[0]);
		}
	}
	children = (int)o.procs;
	if (nroot) {
		root_pid = fork();
		if (root_pid < 0)
			die("fork: %s", strerror(errno));
		if (root_pid == 0) {
			close(go[1]);
			close(ready[0]);
			root_writer(sh, root_ops, nroot, &o, ready[1], go[0]);
		}
		children++;
	}
	close(go[0]);
	close(ready[1]);
	/* Every process ready (in its namespaces) before the clock starts. */
	for (i = 0; i < children; i++)
		if (read(ready[0], &byte, 1) != 1)
			break;
	close(ready[0]);
	if (i < children) {
		close(go[1]);
		for (i = 0; i < (int)o.procs; i++)
			waitpid(pids[i], NULL, 0);
		if (root_pid)
			waitpid(root_pid, NULL, 0);
		free(pids);
		fprintf(stderr, PROG ": a flood process failed before the flood\n");
		return 1;
	}

	slab_read(&peaks.idle);
	peaks.peak = peaks.idle;
	peaks.rmem = netlink_rmem();
	/* Start a little later, so that every worker is waiting by then. */
	sh->start_mono_ns = clock_ns(CLOCK_MONOTONIC) + 50000000u;
	sh->end_mono_ns = sh->start_mono_ns + (uint64_t)(o.seconds * 1e9);
	sh->procs = o.procs;
	if (o.rate > 0)
		sh->interval_ns = (uint64_t)(o.procs * 1e9 / o.rate);
	if (o.pause_pid) {
		sh->pause_mono_ns[0] = sh->start_mono_ns + (uint64_t)(o.pause_at * 1e9);
		sh->pause_mono_ns[1] = sh->pause_mono_ns[0] + (uint64_t)(o.pause_for * 1e9);
	}
	close(go[1]);

	step = (uint64_t)o.sample_ms * 1000000u;
	sleep_until(sh->start_mono_ns);
	start_real = clock_ns(CLOCK_REALTIME);
	if (o.pause_pid) {
		sample_until(&peaks, sh->pause_mono_ns[0], step);
		signal_pause(o.pause_pid, SIGSTOP);
		pause_real[0] = clock_ns(CLOCK_REALTIME);
		sample_until(&peaks, sh->pause_mono_ns[1], step);
		sample(&peaks);
		signal_pause(o.pause_pid, SIGCONT);
		pause_real[1] = clock_ns(CLOCK_REALTIME);
	}
	sample_until(&peaks, sh->end_mono_ns, step);
	sample(&peaks);

	for (i = 0; i < (int)o.procs; i++) {
		if (waitpid(pids[i], &status, 0) < 0)
			die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	if (root_pid) {
		if (waitpid(root_pid, &status, 0) < 0)
			die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	end_real = clock_ns(CLOCK_REALTIME);
	if (failed) {
		free(pids);
		fprintf(stderr, PROG ": a flood process failed\n");
		return 1;
	}

	for (i = 0; i < (int)o.procs; i++) {
		creations += worker_hist(sh, (unsigned int)i, WINDOW_ALL, KIND_CREATE)->count;
		renames += worker_hist(sh, (unsigned int)i, WINDOW_ALL, KIND_RENAME)->count;
	}
	printf("procs %u\n", o.procs);
	printf("seconds %g\n", o.seconds);
	printf("rate %g\n", o.rate);
	printf("start_realtime_ns %" PRIu64 "\n", start_real);
	printf("end_realtime_ns %" PRIu64 "\n", end_real);
	printf("operations %" PRIu64 "\n", creations + renames);
	printf("creations %" PRIu64 "\n", creations);
	printf("renames %" PRIu64 "\n", renames);
	printf("pause_realtime_ns %" PRIu64 " %" PRIu64 "\n", pause_real[0], pause_real[1]);
	print_latency(sh, &o, WINDOW_ALL);
	print_latency(sh, &o, WINDOW_PAUSED);
	print_slab(&peaks);
	printf("netlink_rmem_peak_bytes %" PRId64 "\n", peaks.rmem);
	printf("slab_beyond_rmem_peak_bytes %" PRId64 "\n", peaks.beyond_rmem);
	if (o.userns) {
		printf("userns uid %lu procs %u mounts %u\n", (unsigned long)o.userns_uid,
		       o.procs, o.procs);
		for (i = 0; i < (int)o.procs; i++)
			printf("userns_worker %d pid %ld mount_namespace %" PRIu64
			       " renewals %" PRIu64 "\n", i, (long)pids[i], sh->mntns[i],
			       sh->renewals[i]);
	}
	free(pids);
	if (nroot) {
		uint64_t every = (uint64_t)(o.root_every * 1e9);
		unsigned int planned = 0;

		for (k = 0; k < nroot; k++) {
			root_done += root_ops[k].pid != 0;
			planned += every * k + every / 2 < sh->end_mono_ns - sh->start_mono_ns;
		}
		printf("root_ops planned %u done %u\n", planned, root_done);
		for (k = 0; k < nroot; k++) {
			if (!root_ops[k].pid)
				continue;
			root_path(path, &o, k);
			printf("root_op %u %s %ld %" PRIu64 " %" PRIu64 "\n", k, path,
			       (long)root_ops[k].pid, root_ops[k].real_ns, root_ops[k].took_ns);
		}
	}
	return fflush(stdout) ? 1 : 0;
}

/* --------------------------------------------------------------- alerts */

struct load {
	char id[17];
	uint64_t alerts, foreign, duplicates, late;
	uint64_t lost_records, lost_count, overruns, stopping;
	uint64_t first_op_ns, last_op_ns, last_created_ns;
	uint64_t *latency;		/* of the PREFIX alerts, ns */
	size_t nlatency, latency_cap;
	uint64_t *seqs;			/* every alert's sequence number */
	size_t nseqs, seqs_cap;
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * elem);
	if (!p)
		die("out of memory");
	return p;
}

/* The value at dotted @path in @doc, or NULL. */
static struct json_object *field(struct json_object *doc, const char *path)
{
	char key[64];
	const char *dot;
	size_t n;

	while ((dot = strchr(path, '.'))) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(doc, key, &doc) ||
		    !json_object_is_type(doc, json_type_object))
			return NULL;
		path = dot + 1;
	}
	return json_object_object_get_ex(doc, path, &doc) ? doc : NULL;
}

static const char *field_str(struct json_object *doc, const char *path)
{
	struct json_object *v = field(doc, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool field_u64(struct json_object *doc, const char *path, uint64_t *out)
{
	struct json_object *v = field(doc, path);

	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

/*
 * The one user the samples of an overflow budget's summary name (every
 * sample's user.id), or "" if they name several or none.
 */
static const char *overflow_owner(struct json_object *doc)
{
	struct json_object *samples = field(doc, "ldwatch.suppressed.samples");
	const char *owner = NULL, *uid;
	size_t i, n;

	if (!samples || !json_object_is_type(samples, json_type_array))
		return "";
	n = json_object_array_length(samples);
	for (i = 0; i < n; i++) {
		uid = field_str(json_object_array_get_idx(samples, i), "user.id");
		if (!uid || (owner && strcmp(owner, uid)))
			return "";
		owner = uid;
	}
	return owner ? owner : "";
}

/* An RFC 3339 UTC time with nanoseconds, as ldwatchd writes it, in ns. */
static bool field_time(struct json_object *doc, const char *path, uint64_t *ns)
{
	const char *s = field_str(doc, path);
	unsigned int frac;
	struct tm tm = { 0 };
	char z;
	int n = 0;
	time_t t;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%9u%c%n", &tm.tm_year, &tm.tm_mon,
			 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac, &z, &n) != 8 ||
	    z != 'Z' || s[n] || strlen(s) != 30)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	if (t < 0)
		return false;
	*ns = (uint64_t)t * 1000000000u + frac;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact @per_mille / 1000 quantile of the sorted @v (nearest rank). */
static uint64_t quantile(const uint64_t *v, size_t n, unsigned int per_mille)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (n * per_mille + 999) / 1000;
	return v[rank ? rank - 1 : 0];
}

static void alert_seen(struct load *l, struct json_object *doc, const char *prefix,
		       const char *file, unsigned long lineno)
{
	const char *path = field_str(doc, "file.path");
	uint64_t seq, op, created;
	struct json_object *late;

	if (!field_u64(doc, "event.sequence", &seq) || !field_time(doc, "@timestamp", &op) ||
	    !field_time(doc, "event.created", &created) || !path)
		die("%s:%lu: an alert without event.sequence, @timestamp, event.created or file.path",
		    file, lineno);
	l->seqs = grow(l->seqs, &l->seqs_cap, l->nseqs + 1, sizeof(*l->seqs));
	l->seqs[l->nseqs++] = seq;
	late = field(doc, "ldwatch.late_arrival");
	if (late && json_object_get_boolean(late))
		l->late++;
	if (strncmp(path, prefix, strlen(prefix))) {
		l->foreign++;
		return;
	}
	l->alerts++;
	if (!l->first_op_ns || op < l->first_op_ns)
		l->first_op_ns = op;
	if (op > l->last_op_ns)
		l->last_op_ns = op;
	if (created > l->last_created_ns)
		l->last_created_ns = created;
	l->latency = grow(l->latency, &l->latency_cap, l->nlatency + 1, sizeof(*l->latency));
	l->latency[l->nlatency++] = created > op ? created - op : 0;
}

static int alerts_main(int argc, char **argv)
{
	struct load *loads = NULL, *l;
	size_t nloads = 0, cap = 0, i, j, len;
	unsigned long lineno = 0;
	struct json_tokener *tok;
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t got;
	FILE *f;

	if (argc != 4)
		return usage_error("alerts wants FILE PREFIX");
	f = fopen(argv[2], "r");
	if (!f)
		die("%s: %s", argv[2], strerror(errno));
	tok = json_tokener_new();
	if (!tok)
		die("out of memory");

	while ((got = getline(&line, &line_cap, f)) > 0) {
		struct json_object *doc;
		const char *id, *kind, *dataset, *action;
		uint64_t count;

		lineno++;
		len = (size_t)got;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		json_tokener_reset(tok);
		doc = json_tokener_parse_ex(tok, line, (int)len);
		if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) != len ||
		    !json_object_is_type(doc, json_type_object))
			die("%s:%lu: not one JSON object", argv[2], lineno);
		kind = field_str(doc, "event.kind");
		dataset = field_str(doc, "event.dataset");
		action = field_str(doc, "event.action");
		id = field_str(doc, "ldwatch.load_id");
		if (!id || strlen(id) != 16) {
			/* ldwatch-module-absent and the like: no load. */
			json_object_put(doc);
			continue;
		}
		for (l = NULL, i = 0; i < nloads; i++)
			if (!strcmp(loads[i].id, id))
				l = &loads[i];
		if (!l) {
			loads = grow(loads, &cap, nloads + 1, sizeof(*loads));
			l = &loads[nloads++];
			memset(l, 0, sizeof(*l));
			memcpy(l->id, id, 17);
		}
		/* The file alerts; the sensor's own (ldwatch.tamper) go below. */
		if (kind && !strcmp(kind, "alert") && dataset &&
		    !strcmp(dataset, "ldwatch.alert")) {
			alert_seen(l, doc, argv[3], argv[2], lineno);
		} else if (action && !strcmp(action, "ldwatch-alerts-lost")) {
			if (!field_u64(doc, "ldwatch.lost.count", &count))
				die("%s:%lu: ldwatch-alerts-lost without ldwatch.lost.count",
				    argv[2], lineno);
			l->lost_records++;
			l->lost_count += count;
		} else if (action && !strcmp(action, "ldwatch-socket-overrun")) {
			l->overruns++;
		} else if (action && !strcmp(action, "ldwatch-sensor-stopping")) {
			l->stopping++;
		}
		json_object_put(doc);
	}
	if (ferror(f))
		die("%s: %s", argv[2], strerror(errno));
	fclose(f);
	free(line);
	json_tokener_free(tok);

	for (i = 0; i < nloads; i++) {
		l = &loads[i];
		if (l->nseqs > 1)
			qsort(l->seqs, l->nseqs, sizeof(*l->seqs), cmp_u64);
		for (j = 1; j < l->nseqs; j++)
			if (l->seqs[j] == l->seqs[j - 1])
				l->duplicates++;
		if (l->nlatency > 1)
			qsort(l->latency, l->nlatency, sizeof(*l->latency), cmp_u64);
		printf("load %s alerts %" PRIu64 " foreign %" PRIu64 " duplicates %" PRIu64
		       " late %" PRIu64 " lost_records %" PRIu64 " lost_count %" PRIu64
		       " overruns %" PRIu64 " stopping %" PRIu64 " first_op_ns %" PRIu64
		       " last_op_ns %" PRIu64 " last_created_ns %" PRIu64
		       " latency_p50_ns %" PRIu64 " latency_p99_ns %" PRIu64
		       " latency_max_ns %" PRIu64 "\n",
		       l->id, l->alerts, l->foreign, l->duplicates, l->late, l->lost_records,
		       l->lost_count, l->overruns, l->stopping, l->first_op_ns, l->last_op_ns,
		       l->last_created_ns, quantile(l->latency, l->nlatency, 500),
		       quantile(l->latency, l->nlatency, 990),
		       l->nlatency ? l->latency[l->nlatency - 1] : 0);
		free(l->latency);
		free(l->seqs);
	}
	free(loads);
	return fflush(stdout) ? 1 : 0;
}

/* ---------------------------------------------------------------- attack */

struct root_seen {
	unsigned int k;
	char path[PATH_MAX];
	uint64_t pid, real_ns;
	bool delivered, complete;
	uint64_t latency_ns, stamp_ns, sequence;
};

static bool pid_of_root(const struct root_seen *ops, size_t n, uint64_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ops[i].pid == pid)
			return true;
	return false;
}

static int attack_main(int argc, char **argv)
{
	uint64_t flooder_uid = 0, count, pid, seq, created, u;
	uint64_t by_action[4] = { 0 }, alerts = 0, summaries = 0, suppressed = 0;
	uint64_t suppressed_other = 0, foreign = 0, lost_records = 0, lost_count = 0;
	uint64_t overruns = 0, stopping = 0, delivered = 0, complete = 0, dups = 0;
	uint64_t other = 0, *lat = NULL, stamp_max = 0, op;
	struct root_seen *ops = NULL;
	size_t nops = 0, ops_cap = 0, lat_cap = 0, i, len, line_cap = 0;
	char (*loads)[17] = NULL;
	size_t nloads = 0, loads_cap = 0;
	unsigned long lineno = 0;
	bool have_uid = false;
	struct json_tokener *tok;
	char *line = NULL, uid_text[24];
	ssize_t got;
	FILE *f;

	if (argc != 4)
		return usage_error("attack wants FILE FLOOD-OUTPUT");

	/* The flood's output: the flooder's uid and root's operations. */
	f = fopen(argv[3], "r");
	if (!f)
		die("%s: %s", argv[3], strerror(errno));
	while ((got = getline(&line, &line_cap, f)) > 0) {
		struct root_seen r = { 0 };
		unsigned long long a, b, c;

		if (sscanf(line, "userns uid %llu ", &a) == 1) {
			flooder_uid = a;
			have_uid = true;
		} else if (!strncmp(line, "root_op ", 8)) {
			if (sscanf(line, "root_op %u %4095s %llu %llu %llu", &r.k, r.path, &a, &b,
				   &c) != 5)
				die("%s: a root_op line not understood: %s", argv[3], line);
			r.pid = a;
			r.real_ns = b;
			ops = grow(ops, &ops_cap, nops + 1, sizeof(*ops));
			ops[nops++] = r;
		}
	}
	if (ferror(f))
		die("%s: %s", argv[3], strerror(errno));
	fclose(f);
	if (!have_uid)
		die("%s: no \"userns uid\" line: not the output of a flood with --userns",
		    argv[3]);
	snprintf(uid_text, sizeof(uid_text), "%" PRIu64, flooder_uid);

	f = fopen(argv[2], "r");
	if (!f)
		die("%s: %s", argv[2], strerror(errno));
	tok = json_tokener_new();
	if (!tok)
		die("out of memory");
	while ((got = getline(&line, &line_cap, f)) > 0) {
		struct json_object *doc;
		const char *id, *kind, *dataset, *action, *path, *uid, *target;

		lineno++;
		len = (size_t)got;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		json_tokener_reset(tok);
		doc = json_tokener_parse_ex(tok, line, (int)len);
		if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) != len ||
		    !json_object_is_type(doc, json_type_object))
			die("%s:%lu: not one JSON object", argv[2], lineno);
		kind = field_str(doc, "event.kind");
		dataset = field_str(doc, "event.dataset");
		action = field_str(doc, "event.action");
		id = field_str(doc, "ldwatch.load_id");
		if (id && strlen(id) == 16) {
			for (i = 0; i < nloads && strcmp(loads[i], id); i++)
				;
			if (i == nloads) {
				loads = grow(loads, &loads_cap, nloads + 1, sizeof(*loads));
				memcpy(loads[nloads++], id, 17);
			}
		}
		if (kind && !strcmp(kind, "alert") && dataset && !strcmp(dataset, "ldwatch.alert")) {
			path = field_str(doc, "file.path");
			uid = field_str(doc, "user.id");
			if (!path || !uid || !action || !field_u64(doc, "process.pid", &pid) ||
			    !field_u64(doc, "event.sequence", &seq) ||
			    !field_time(doc, "event.created", &created) ||
			    !field_time(doc, "@timestamp", &op))
				die("%s:%lu: an alert without file.path, user.id, event.action, process.pid, event.sequence, event.created or @timestamp",
				    argv[2], lineno);
			if (!strcmp(uid, uid_text)) {
				alerts++;
				by_action[!strcmp(action, "creation") ? 0 :
					  !strcmp(action, "rename") ? 1 :
					  !strcmp(action, "mount") ? 2 : 3]++;
				json_object_put(doc);
				continue;
			}
			for (i = 0; i < nops; i++)
				if (ops[i].pid == pid && !strcmp(ops[i].path, path))
					break;
			if (i == nops) {
				if (pid_of_root(ops, nops, pid))
					other++;
				else
					foreign++;
			} else if (ops[i].delivered) {
				dups++;
			} else {
				target = field_str(doc, "ldwatch.target.path");
				ops[i].delivered = true;
				ops[i].sequence = seq;
				ops[i].latency_ns = created > ops[i].real_ns ? created - ops[i].real_ns : 0;
				ops[i].stamp_ns = op > ops[i].real_ns ? op - ops[i].real_ns : 0;
				ops[i].complete = !strcmp(uid, "0") && !strcmp(action, "creation") &&
						  target && !strcmp(target, path);
			}
		} else if (action && !strcmp(action, "ldwatch-alerts-suppressed")) {
			uid = field_str(doc, "ldwatch.suppressed.user.id");
			/* The overflow budget's: the flooder's if its samples say so. */
			if (!uid && field(doc, "ldwatch.suppressed.overflow"))
				uid = overflow_owner(doc);
			if (!uid || !field_u64(doc, "ldwatch.suppressed.count", &count))
				die("%s:%lu: ldwatch-alerts-suppressed without ldwatch.suppressed.user.id or .count",
				    argv[2], lineno);
			if (!strcmp(uid, uid_text)) {
				summaries++;
				suppressed += count;
			} else {
				suppressed_other += count;
			}
		} else if (action && !strcmp(action, "ldwatch-alerts-lost")) {
			if (!field_u64(doc, "ldwatch.lost.count", &count))
				die("%s:%lu: ldwatch-alerts-lost without ldwatch.lost.count",
				    argv[2], lineno);
			lost_records++;
			lost_count += count;
		} else if (action && !strcmp(action, "ldwatch-socket-overrun")) {
			overruns++;
		} else if (action && !strcmp(action, "ldwatch-sensor-stopping")) {
			stopping++;
		}
		json_object_put(doc);
	}
	if (ferror(f))
		die("%s: %s", argv[2], strerror(errno));
	fclose(f);
	free(line);
	json_tokener_free(tok);

	for (i = 0; i < nops; i++) {
		if (!ops[i].delivered)
			continue;
		delivered++;
		complete += ops[i].complete;
		if (ops[i].stamp_ns > stamp_max)
			stamp_max = ops[i].stamp_ns;
		lat = grow(lat, &lat_cap, delivered, sizeof(*lat));
		lat[delivered - 1] = ops[i].latency_ns;
	}
	if (delivered > 1)
		qsort(lat, delivered, sizeof(*lat), cmp_u64);
	u = delivered ? lat[delivered - 1] : 0;
	printf("root operations %zu delivered %" PRIu64 " complete %" PRIu64 " duplicates %" PRIu64
	       " other %" PRIu64 " latency_p50_ns %" PRIu64 " latency_max_ns %" PRIu64
	       " stamp_max_ns %" PRIu64 "\n", nops, delivered, complete, dups, other,
	       quantile(lat, delivered, 500), u, stamp_max);
	for (i = 0; i < nops; i++)
		printf("root_op %u delivered %d latency_ns %" PRId64 " stamp_ns %" PRId64
		       " sequence %" PRIu64 "\n", ops[i].k, ops[i].delivered,
		       ops[i].delivered ? (int64_t)ops[i].latency_ns : -1,
		       ops[i].delivered ? (int64_t)ops[i].stamp_ns : -1, ops[i].sequence);
	printf("flooder uid %" PRIu64 " alerts %" PRIu64 " creations %" PRIu64 " renames %" PRIu64
	       " mounts %" PRIu64 " other %" PRIu64 " summaries %" PRIu64 " suppressed %" PRIu64
	       " suppressed_other %" PRIu64 "\n", flooder_uid, alerts, by_action[0], by_action[1],
	       by_action[2], by_action[3], summaries, suppressed, suppressed_other);
	printf("records loads %zu foreign %" PRIu64 " lost_records %" PRIu64 " lost_count %" PRIu64
	       " overruns %" PRIu64 " stopping %" PRIu64 "\n", nloads, foreign, lost_records,
	       lost_count, overruns, stopping);
	free(lat);
	free(ops);
	free(loads);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "flood"))
		return flood_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "alerts"))
		return alerts_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "attack"))
		return attack_main(argc, argv);
	usage(stderr);
	return 2;
}
