// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd's state file. See ldwatchd_state.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldwatchd_state.h"

#define LDWD_STATE_MAGIC "ldwatchd-state 1"

__attribute__((format(printf, 2, 3)))
static int ldwd_state_refuse(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, LDWD_STATE_ERR_SIZE, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * One line "KEY VALUE\n" at *@p (before @end): VALUE in @base (16 or 10),
 * all digits, no sign, no overflow. Advances *@p past the line.
 */
static bool ldwd_state_field(const char **p, const char *end, const char *key, int base,
			     uint64_t *value)
{
	size_t klen = strlen(key);
	const char *s = *p, *nl;
	uint64_t v = 0;

	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl || (size_t)(nl - s) <= klen + 1 || memcmp(s, key, klen) || s[klen] != ' ')
		return false;
	for (s += klen + 1; s < nl; s++) {
		unsigned int digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned int)(*s - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - digit) / (unsigned int)base)
			return false;
		v = v * (unsigned int)base + digit;
	}
	*value = v;
	*p = nl + 1;
	return true;
}

int ldwd_state_parse(const char *text, size_t len, struct ldwd_state *st,
		     char err[LDWD_STATE_ERR_SIZE])
{
	const char *p = text, *end = text + len;
	size_t mlen = strlen(LDWD_STATE_MAGIC);

	err[0] = '\0';
	if (len < mlen + 1 || memcmp(p, LDWD_STATE_MAGIC "\n", mlen + 1))
		return ldwd_state_refuse(err, "not an ldwatchd state file (its first line is not \"%s\")",
					 LDWD_STATE_MAGIC);
	p += mlen + 1;
	if (!ldwd_state_field(&p, end, "load_id", 16, &st->load_id))
		return ldwd_state_refuse(err, "line 2 is not \"load_id\" and 16 hex digits");
	if (!ldwd_state_field(&p, end, "next_sequence", 10, &st->next_seq) || !st->next_seq)
		return ldwd_state_refuse(err, "line 3 is not \"next_sequence\" and a number from 1");
	if (!ldwd_state_field(&p, end, "time_ns", 10, &st->time_ns) || !st->time_ns)
		return ldwd_state_refuse(err, "line 4 is not \"time_ns\" and a number");
	if (p != end)
		return ldwd_state_refuse(err, "more than four lines");
	return 0;
}

size_t ldwd_state_format(const struct ldwd_state *st, char *buf, size_t size)
{
	int n = snprintf(buf, size, LDWD_STATE_MAGIC "\nload_id %016" PRIx64
			 "\nnext_sequence %" PRIu64 "\ntime_ns %" PRIu64 "\n",
			 st->load_id, st->next_seq, st->time_ns);

	return n < 0 ? 0 : (size_t)n;
}

int ldwd_state_read(const char *path, struct ldwd_state *st, char err[LDWD_STATE_ERR_SIZE])
{
	char buf[LDWD_STATE_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, LDWD_STATE_ERR_SIZE, "%s", strerror(errno));
		return ret;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, LDWD_STATE_ERR_SIZE, "%s", strerror(errno));
			close(fd);
			return ret;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > LDWD_STATE_MAX)
		return ldwd_state_refuse(err, "longer than %d bytes", LDWD_STATE_MAX);
	return ldwd_state_parse(buf, len, st, err);
}

static int ldwd_state_write_tmp(const char *tmp, const char *text, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return -errno;
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		done += (size_t)n;
	}
	/* The rename must not publish a file whose data is not yet on disk. */
	if (done < len || fsync(fd)) {
		int err = -errno;

		close(fd);
		unlink(tmp);
		return err ? err : -EIO;
	}
	if (close(fd)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

int ldwd_state_write(const char *path, const struct ldwd_state *st)
{
	char text[LDWD_STATE_MAX], tmp[PATH_MAX];
	size_t len = ldwd_state_format(st, text, sizeof(text));
	int ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	ret = ldwd_state_write_tmp(tmp, text, len);
	if (ret == -ENOENT) {
		/* A first start: the directory (one level) is made here. */
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) && errno != EEXIST)
				return -errno;
			ret = ldwd_state_write_tmp(tmp, text, len);
		}
	}
	if (ret)
		return ret;
	if (rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
		return ret;
	}
	return 0;
}
