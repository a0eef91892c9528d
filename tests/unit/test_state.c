// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd's state file (userspace/ldwatchd_state.h): the text the header
 * documents is read back exactly; anything else is refused with a reason,
 * never half read; a missing file is -ENOENT (a first start); writing
 * replaces the file whole by a rename and leaves no temporary file, and
 * makes the missing directory.
 *
 * Usage: test_state TMPDIR (prints TAP-style lines and "N passed, N failed")
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldwatchd_state.h"
#include "tap.h"

static const char good[] = "ldwatchd-state 1\n"
			   "load_id 00ab00cd00ef0012\n"
			   "next_sequence 51\n"
			   "time_ns 1700000000123456789\n";

static bool refused(const char *text, const char *what)
{
	char err[LDWD_STATE_ERR_SIZE];
	struct ldwd_state st;
	int ret = ldwd_state_parse(text, strlen(text), &st, err);

	if (ret != -EINVAL || !*err) {
		tap_diag("%s: %d \"%s\"", what, ret, err);
		return false;
	}
	return true;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

int main(int argc, char **argv)
{
	char err[LDWD_STATE_ERR_SIZE], path[4200], dir[4096], tmp[4300];
	struct ldwd_state st, back;
	struct stat sb;
	bool ok;

	if (argc != 2) {
		fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
		return 2;
	}
	memset(&st, 0, sizeof(st));
	ok = !ldwd_state_parse(good, strlen(good), &st, err) && st.load_id == 0x00ab00cd00ef0012ull &&
	     st.next_seq == 51 && st.time_ns == 1700000000123456789ull;
	tap_ok(ok, "the documented text is read: load id in hex, next sequence, time");

	ok = refused("", "empty") && refused("ldwatchd-state 2\n", "version 2") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef00zz\nnext_sequence 51\ntime_ns 1\n",
		     "bad hex") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef0012\nnext_sequence -1\ntime_ns 1\n",
		     "negative") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef0012\nnext_sequence 0\ntime_ns 1\n",
		     "sequence 0") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef0012\nnext_sequence 51\n", "truncated") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef0012\nnext_sequence 51\ntime_ns 1",
		     "no final newline") &&
	     refused("ldwatchd-state 1\nload_id 1\nnext_sequence 99999999999999999999999\ntime_ns 1\n",
		     "overflow") &&
	     refused("ldwatchd-state 1\nnext_sequence 51\nload_id 00ab00cd00ef0012\ntime_ns 1\n",
		     "order") &&
	     refused("ldwatchd-state 1\nload_id 00ab00cd00ef0012\nnext_sequence 51\ntime_ns 1\nx\n",
		     "trailing line");
	tap_ok(ok, "anything else is refused with a reason: other version, bad digits, "
	       "missing, reordered or extra lines, overflow");

	snprintf(dir, sizeof(dir), "%s/state-dir", argv[1]);
	snprintf(path, sizeof(path), "%s/state", dir);
	ok = ldwd_state_read(path, &back, err) == -ENOENT;
	tap_ok(ok, "a missing file is -ENOENT, a first start");

	st.load_id = 0xfedcba9876543210ull;
	st.next_seq = 12345;
	st.time_ns = 1700000009000000001ull;
	ok = !ldwd_state_write(path, &st) && !ldwd_state_read(path, &back, err) &&
	     back.load_id == st.load_id && back.next_seq == st.next_seq &&
	     back.time_ns == st.time_ns;
	tap_ok(ok, "written (its missing directory made) and read back the same");
	ok = !stat(dir, &sb) && (sb.st_mode & 0777) == 0750;
	tap_ok(ok, "the directory is made with mode 0750");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	tap_ok(access(tmp, F_OK) && errno == ENOENT, "no temporary file is left behind");
	st.next_seq = 12346;
	ok = !ldwd_state_write(path, &st) && !ldwd_state_read(path, &back, err) &&
	     back.next_seq == 12346;
	tap_ok(ok, "written again, it is replaced");

	write_file(path, "garbage\n");
	tap_ok(ldwd_state_read(path, &back, err) == -EINVAL && *err,
	       "a malformed file is -EINVAL with a reason (\"%s\")", err);
	{
		char big[LDWD_STATE_MAX + 100];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		write_file(path, big);
		tap_ok(ldwd_state_read(path, &back, err) == -EINVAL && strstr(err, "longer"),
		       "a file longer than a state file is refused");
	}
	unlink(path);
	if (mkdir(path, 0700) == 0) {
		int ret = ldwd_state_read(path, &back, err);

		tap_ok(ret < 0 && ret != -ENOENT && *err,
		       "a directory in its place is an error, not a first start (%d, \"%s\")",
		       ret, err);
		rmdir(path);
	}
	rmdir(dir);
	return tap_done();
}
