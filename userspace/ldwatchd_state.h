/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldwatchd's state file (--state): what it last knew of the module, so
 * that a restarted ldwatchd can tell whether the module was away
 * meanwhile (another load id) and since when. Text, four lines:
 *
 *   ldwatchd-state 1
 *   load_id 0123456789abcdef
 *   next_sequence 51
 *   time_ns 1700000000123456789
 *
 * time_ns: CLOCK_REALTIME nanoseconds, the last time that load was known
 * alive. Written whole to FILE.tmp and renamed over FILE, so that a
 * reader sees the old state or the new one, never a mix.
 */
#ifndef _LDWATCH_LDWATCHD_STATE_H
#define _LDWATCH_LDWATCHD_STATE_H

#include <stddef.h>
#include <stdint.h>

#define LDWD_STATE_DEFAULT "/var/lib/ldwatch/state"
/* Room for any reason the parser gives. */
#define LDWD_STATE_ERR_SIZE 128
/* A state file is a few dozen bytes; anything much longer is not one. */
#define LDWD_STATE_MAX 512

struct ldwd_state {
	uint64_t load_id;
	uint64_t next_seq;
	uint64_t time_ns;
};

/*
 * Parse @len bytes of @text. 0, or -EINVAL with the reason in @err.
 */
int ldwd_state_parse(const char *text, size_t len, struct ldwd_state *st,
		     char err[LDWD_STATE_ERR_SIZE]);

/* @st as the file's text, into @buf; returns its length. */
size_t ldwd_state_format(const struct ldwd_state *st, char *buf, size_t size);

/*
 * Read @path. 0; -ENOENT if it does not exist (a first start); -EINVAL if
 * it makes no sense, or another negative errno if it cannot be read, with
 * the reason in @err.
 */
int ldwd_state_read(const char *path, struct ldwd_state *st, char err[LDWD_STATE_ERR_SIZE]);

/*
 * Write @st to @path atomically (a temporary file beside it, renamed), and
 * create @path's directory (mode 0750) if it is missing. 0 or a negative
 * errno.
 */
int ldwd_state_write(const char *path, const struct ldwd_state *st);

#endif /* _LDWATCH_LDWATCHD_STATE_H */
