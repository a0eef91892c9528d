// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-bench: time one file operation in a tight loop, for `make bench`.
 *
 *   ldw-bench OPERATION DIRECTORY ITERATIONS
 *   ldw-bench --list
 *
 * The operations are the ones a sensor on file creation, writes, links and
 * renames sits next to but must not slow down, all on names no rule
 * watches:
 *
 *   create_close_unlink  open(O_CREAT|O_EXCL), close, unlink of a new file
 *   rename               rename(2) of a file back and forth between two
 *                        names (one iteration = one rename)
 *   open_close           open(O_RDONLY) and close of an existing file
 *   open_write_close     open(O_WRONLY) and close of an existing file
 *   open_trunc_close     open(O_WRONLY|O_TRUNC) and close of an existing
 *                        file
 *   write                pwrite(2) of 8 bytes at offset 0, through one
 *                        descriptor opened (O_WRONLY) before the loop
 *   link_unlink          link(2) of an existing file to a new name, unlink
 *                        of that name
 *   symlink_unlink       symlink(2) to an existing file, unlink of the link
 *   mkdir_rmdir          mkdir and rmdir of a new directory
 *   stat                 stat(2) of an existing file (the control: no
 *                        sensor hooks it)
 *
 * This table is the benchmark's one list of operations: `ldw-bench --list`
 * prints it, one "OPERATION ITERATIONS" line each, ITERATIONS the count
 * `make bench` times at --scale 100, and tests/bench/run.sh, smoke.sh
 * and guest/bench.sh take the operations and counts from there.
 *
 * It works in DIRECTORY (which must exist), on names it creates and
 * removes itself. A tenth of ITERATIONS (at least one) runs first, untimed,
 * so that the timed loop starts with warm caches. The loop is timed with
 * clock_gettime(CLOCK_MONOTONIC): in a qemu guest booted with
 * `-icount shift=0` that clock counts executed instructions, one per
 * nanosecond, so the figure is an instruction count.
 *
 * The timed loop runs in batches of ITERATIONS / 400 operations (at least
 * one), each timed on its own. The whole loop's time counts everything
 * that ran meanwhile: timer interrupts, kernel threads, RCU callbacks.
 * Under -icount these take 5-6% of a loop, in lumps of tens of thousands
 * of instructions that land in some batches and not in others, and which
 * ones differ from run to run by more than 1% of an operation. The
 * fastest batch is the one nothing landed in: its time is the operation's
 * own path, the same to the instruction in every run (what a sensor on
 * that path adds shows there exactly). Both are reported.
 *
 * Output, on stdout, one line:
 *
 *     OPERATION ITERATIONS NANOSECONDS BATCH FASTEST
 *
 * ITERATIONS operations were timed, NANOSECONDS in all, in batches of
 * BATCH, the fastest of which took FASTEST nanoseconds. Exit status: 0
 * done; 1 an operation failed (the message names it); 2 usage error.
 *
 * Static, so that the guest needs no libraries for it, and so that no
 * dynamic loading happens in the process being measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROG "ldw-bench"

/* The file names, in DIRECTORY: nothing a rule could watch. */
#define NAME_NEW	"bench-new"
#define NAME_A		"bench-a"
#define NAME_B		"bench-b"
#define NAME_EXISTING	"bench-existing"
#define NAME_DIR	"bench-dir"

static char path_new[PATH_MAX];
static char path_a[PATH_MAX];
static char path_b[PATH_MAX];
static char path_existing[PATH_MAX];
static char path_dir[PATH_MAX];

/* fail WHAT PATH: report a failed call and exit 1. */
static void fail(const char *what, const char *path)
{
	fprintf(stderr, "%s: %s %s: %s\n", PROG, what, path, strerror(errno));
	exit(1);
}

static void create_close_unlink(unsigned long n)
{
	unsigned long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path_new, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			fail("open(O_CREAT|O_EXCL)", path_new);
		if (close(fd))
			fail("close", path_new);
		if (unlink(path_new))
			fail("unlink", path_new);
	}
}

/*
 * The file is at NAME_A between calls: an odd count of renames leaves it
 * at NAME_B, so the next call starts from there.
 */
static unsigned long renames_done;

static void rename_back_and_forth(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++, renames_done++) {
		const char *from = renames_done & 1 ? path_b : path_a;
		const char *to = renames_done & 1 ? path_a : path_b;

		if (rename(from, to))
			fail("rename", from);
	}
}

/* open(path_existing, @flags) and close, @n times. */
static void open_flags_close(unsigned long n, int flags, const char *what)
{
	unsigned long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path_existing, flags | O_CLOEXEC);
		if (fd < 0)
			fail(what, path_existing);
		if (close(fd))
			fail("close", path_existing);
	}
}

static void open_close(unsigned long n)
{
	open_flags_close(n, O_RDONLY, "open(O_RDONLY)");
}

static void open_write_close(unsigned long n)
{
	open_flags_close(n, O_WRONLY, "open(O_WRONLY)");
}

static void open_trunc_close(unsigned long n)
{
	open_flags_close(n, O_WRONLY | O_TRUNC, "open(O_WRONLY|O_TRUNC)");
}

/* The descriptor the write loop writes through, opened by setup_write. */
static int write_fd = -1;

static void write_existing(unsigned long n)
{
	static const char bytes[8] = "ldwbench";
	unsigned long i;

	for (i = 0; i < n; i++)
		if (pwrite(write_fd, bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
			fail("pwrite", path_existing);
}

static void link_unlink(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (link(path_existing, path_new))
			fail("link", path_new);
		if (unlink(path_new))
			fail("unlink", path_new);
	}
}

static void symlink_unlink(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (symlink(NAME_EXISTING, path_new))
			fail("symlink", path_new);
		if (unlink(path_new))
			fail("unlink", path_new);
	}
}

static void mkdir_rmdir(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (mkdir(path_dir, 0755))
			fail("mkdir", path_dir);
		if (rmdir(path_dir))
			fail("rmdir", path_dir);
	}
}

static void stat_existing(unsigned long n)
{
	struct stat st;
	unsigned long i;

	for (i = 0; i < n; i++)
		if (stat(path_existing, &st))
			fail("stat", path_existing);
}

/* make_file PATH: create an empty file at PATH, or leave the one there. */
static void make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		fail("open(O_CREAT)", path);
	if (close(fd))
		fail("close", path);
}

static void setup_none(void)
{
}

static void setup_rename(void)
{
	make_file(path_a);
}

static void setup_existing(void)
{
	make_file(path_existing);
}

static void setup_write(void)
{
	make_file(path_existing);
	write_fd = open(path_existing, O_WRONLY | O_CLOEXEC);
	if (write_fd < 0)
		fail("open(O_WRONLY)", path_existing);
}

/* Leave DIRECTORY as it was: the names the operation made are removed. */
static void cleanup_none(void)
{
}

static void cleanup_rename(void)
{
	if (unlink(renames_done & 1 ? path_b : path_a))
		fail("unlink", renames_done & 1 ? path_b : path_a);
}

static void cleanup_existing(void)
{
	if (unlink(path_existing))
		fail("unlink", path_existing);
}

static void cleanup_write(void)
{
	if (close(write_fd))
		fail("close", path_existing);
	cleanup_existing();
}

/*
 * @iterations: what `make bench` times at --scale 100 (--list), chosen so
 * that each loop takes about the same guest time under -icount: 0.05-0.16 s
 * on tmpfs, up to 0.3 s on ext4. In the comments, Debian 6.1's
 * instructions per operation without a sensor, tmpfs/ext4.
 */
struct operation {
	const char *name;
	unsigned long iterations;
	void (*setup)(void);
	void (*loop)(unsigned long n);
	void (*cleanup)(void);
};

static const struct operation operations[] = {
	/* 26.6k/81k */
	{ "create_close_unlink", 3000, setup_none, create_close_unlink, cleanup_none },
	/* 9.1k/33k */
	{ "rename", 8000, setup_rename, rename_back_and_forth, cleanup_rename },
	/* 6.2k/6.9k */
	{ "open_close", 20000, setup_existing, open_close, cleanup_existing },
	/* 6.3k/7.1k */
	{ "open_write_close", 16000, setup_existing, open_write_close, cleanup_existing },
	/* 7.6k/35k */
	{ "open_trunc_close", 8000, setup_existing, open_trunc_close, cleanup_existing },
	/* 1.7k/2.2k */
	{ "write", 60000, setup_write, write_existing, cleanup_write },
	/* 13k/37k */
	{ "link_unlink", 6000, setup_existing, link_unlink, cleanup_existing },
	/* 23.5k/78k */
	{ "symlink_unlink", 3000, setup_existing, symlink_unlink, cleanup_existing },
	/* 22.5k/130k */
	{ "mkdir_rmdir", 2000, setup_none, mkdir_rmdir, cleanup_none },
	/* 4.0k/4.4k */
	{ "stat", 40000, setup_existing, stat_existing, cleanup_existing },
};

#define NOPERATIONS (sizeof(operations) / sizeof(operations[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s OPERATION DIRECTORY ITERATIONS\n"
		"   or: %s --list\n"
		"Time ITERATIONS of OPERATION (rounded down to whole batches of\n"
		"ITERATIONS / 400) on names in DIRECTORY; print\n"
		"\"OPERATION ITERATIONS NANOSECONDS BATCH FASTEST\": ITERATIONS\n"
		"operations took NANOSECONDS, timed in batches of BATCH, the fastest\n"
		"of which took FASTEST. --list: \"OPERATION ITERATIONS\" for each\n"
		"operation, ITERATIONS the count make bench times at --scale 100.\n"
		"Operations:", PROG, PROG);
	for (i = 0; i < NOPERATIONS; i++)
		fprintf(f, " %s", operations[i].name);
	fprintf(f, "\n");
}

/* join DEST DIR NAME: DIR/NAME into DEST, or exit 2 if too long. */
static void join(char *dest, const char *dir, const char *name)
{
	int n = snprintf(dest, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX) {
		fprintf(stderr, "%s: directory name too long: %s\n", PROG, dir);
		exit(2);
	}
}

/* How many batches the timed loop is cut into, at most. */
#define BATCHES 400

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts)) {
		perror(PROG ": clock_gettime");
		exit(1);
	}
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const struct operation *op = NULL;
	unsigned long iterations, batch, done;
	uint64_t start, elapsed, total = 0, fastest = UINT64_MAX;
	struct stat st;
	char *end_arg;
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < NOPERATIONS; i++)
			printf("%s %lu\n", operations[i].name, operations[i].iterations);
		return fflush(stdout) ? 1 : 0;
	}
	if (argc != 4) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NOPERATIONS; i++)
		if (!strcmp(argv[1], operations[i].name))
			op = &operations[i];
	if (!op) {
		fprintf(stderr, "%s: unknown operation: %s\n", PROG, argv[1]);
		usage(stderr);
		return 2;
	}
	errno = 0;
	iterations = strtoul(argv[3], &end_arg, 10);
	if (errno || end_arg == argv[3] || *end_arg || argv[3][0] == '-' ||
	    iterations == 0 || iterations > ULONG_MAX / 2) {
		fprintf(stderr, "%s: ITERATIONS must be a positive integer: %s\n",
			PROG, argv[3]);
		return 2;
	}
	if (stat(argv[2], &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: not a directory: %s\n", PROG, argv[2]);
		return 2;
	}
	join(path_new, argv[2], NAME_NEW);
	join(path_a, argv[2], NAME_A);
	join(path_b, argv[2], NAME_B);
	join(path_existing, argv[2], NAME_EXISTING);
	join(path_dir, argv[2], NAME_DIR);

	/* Whole batches only: every batch times the same number. */
	batch = iterations / BATCHES ? iterations / BATCHES : 1;
	iterations -= iterations % batch;

	op->setup();
	op->loop(iterations / 10 ? iterations / 10 : 1);
	for (done = 0; done < iterations; done += batch) {
		start = now_ns();
		op->loop(batch);
		elapsed = now_ns() - start;
		total += elapsed;
		if (elapsed < fastest)
			fastest = elapsed;
	}
	op->cleanup();

	printf("%s %lu %" PRIu64 " %lu %" PRIu64 "\n", op->name, iterations, total,
	       batch, fastest);
	return fflush(stdout) ? 1 : 0;
}
