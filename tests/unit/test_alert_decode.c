// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the netlink side of ldwatchd and ldwatchctl
 * (userspace/genl_client.c), without a socket: messages are built with
 * libnl the way the module builds them (nlmsg_alloc, genlmsg_put,
 * nla_put...), then broken one way at a time, and fed to ldw_msg_decode().
 * Expected values are the ones put in; expected refusals follow from
 * include/ldwatch/netlink_spec.h (each command's required attributes and
 * their types, as ldw_cmd_attrs() and ldw_attr_spec() give them).
 * Also: the sequence-number accounting, scenario by scenario, and the
 * names of counters and drop reasons as the brief lists them.
 *
 * Usage: test_alert_decode (prints TAP-style lines and "N passed, N failed")
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl_client.h"
#include "tap.h"

#define FAMILY 0x1d

/* --- building messages --- */

/* How to break one attribute of an otherwise valid message. */
enum breakage {
	INTACT,
	OMIT,		/* leave it out */
	SHORTER,	/* integer: one byte short */
	LONGER,		/* integer: four bytes more */
	NO_NUL,		/* string: no terminating NUL */
	INNER_NUL,	/* string: a NUL before the end */
	EMPTY,		/* string: zero bytes */
};

struct mutation {
	int attr;		/* 0: none */
	enum breakage how;
};

static bool put_int(struct nl_msg *m, int attr, uint64_t v, int size, struct mutation mu)
{
	unsigned char buf[16] = { 0 };

	if (mu.attr == attr && mu.how == OMIT)
		return true;
	if (mu.attr == attr && mu.how == SHORTER)
		size -= 1;
	if (mu.attr == attr && mu.how == LONGER)
		size += 4;
	memcpy(buf, &v, 8);
	return nla_put(m, attr, size, buf) == 0;
}

static bool put_str(struct nl_msg *m, int attr, const char *s, struct mutation mu)
{
	size_t len = strlen(s);
	char *buf;
	int ret;

	if (mu.attr == attr) {
		switch (mu.how) {
		case OMIT:
			return true;
		case NO_NUL:
			return nla_put(m, attr, (int)len, s) == 0;
		case EMPTY:
			return nla_put(m, attr, 0, NULL) == 0;
		case INNER_NUL:
			buf = malloc(len + 3);
			memcpy(buf, s, len);
			memcpy(buf + len, "\0x\0", 3);
			ret = nla_put(m, attr, (int)len + 3, buf);
			free(buf);
			return ret == 0;
		default:
			break;
		}
	}
	return nla_put_string(m, attr, s) == 0;
}

static struct nl_msg *new_msg(uint8_t cmd, uint8_t version)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0, cmd, version))
		abort();
	return m;
}

struct alert_spec {
	uint8_t action;
	const char *original;	/* NULL: none */
	const char *exe;	/* NULL: a kernel thread */
	uint64_t seq;
	bool pads;		/* PAD attributes between, as nla_put_u64_64bit makes */
	bool unknown;		/* attributes of types this program does not know */
};

static const struct alert_spec creation = { LDW_ACTION_CREATION, NULL, "/usr/bin/tee", 7, false, false };
static const struct alert_spec rename_spec = { LDW_ACTION_RENAME, "/etc/sedXy12", "/bin/sed", 8, false, false };

/* The rule's attributes, which alerts, status replies and summaries carry. */
static bool put_rule(struct nl_msg *m, struct mutation mu)
{
	bool ok = true;

	ok &= put_str(m, LDW_A_RULE_ID, "640f79d1-571d-4f96-a9af-1194fc8cf763", mu);
	ok &= put_str(m, LDW_A_RULE_NAME, "Dynamic Linker Creation or Modification", mu);
	ok &= put_int(m, LDW_A_RULE_VERSION, 3, 4, mu);
	return ok;
}

static struct nl_msg *build_alert(const struct alert_spec *a, struct mutation mu)
{
	struct nl_msg *m = new_msg(LDW_CMD_ALERT, LDW_GENL_VERSION);
	bool ok = true;

	if (a->pads)
		ok &= nla_put(m, LDW_A_PAD, 0, NULL) == 0;
	ok &= put_int(m, LDW_A_SEQ, a->seq, 8, mu);
	if (a->pads)
		ok &= nla_put(m, LDW_A_PAD, 0, NULL) == 0;
	ok &= put_int(m, LDW_A_LOAD_ID, 0x8877665544332211ull, 8, mu);
	ok &= put_int(m, LDW_A_TIME_NS, 1700000000123456789ull, 8, mu);
	ok &= put_int(m, LDW_A_ACTION, a->action, 1, mu);
	ok &= put_str(m, LDW_A_FILE_PATH, "/etc/ld.so.preload", mu);
	if (a->original)
		ok &= put_str(m, LDW_A_ORIGINAL_PATH, a->original, mu);
	if (a->unknown) {
		ok &= nla_put_u32(m, LDW_A_MAX + 1, 5) == 0;
		ok &= nla_put(m, 0x3fff, 3, "abc") == 0;
	}
	ok &= put_int(m, LDW_A_PID, 100, 4, mu);
	ok &= put_int(m, LDW_A_TID, 101, 4, mu);
	ok &= put_int(m, LDW_A_PPID, 1, 4, mu);
	ok &= put_int(m, LDW_A_UID, 1000, 4, mu);
	ok &= put_int(m, LDW_A_EUID, 0, 4, mu);
	ok &= put_int(m, LDW_A_GID, 1001, 4, mu);
	if (a->exe)
		ok &= put_str(m, LDW_A_EXECUTABLE, a->exe, mu);
	ok &= put_str(m, LDW_A_COMM, "tee", mu);
	ok &= put_int(m, LDW_A_MNTNS, 4026531841u, 4, mu);
	ok &= put_rule(m, mu);
	if (!ok)
		abort();
	return m;
}

/* The STATS nest: every counter i holds 1000 + i, every drop reason i holds i. */
static bool put_stats(struct nl_msg *m, struct mutation mu, int extra_reason)
{
	struct nlattr *stats, *dropped;
	int i;

	if (mu.attr == LDW_A_STATS && mu.how == OMIT)
		return true;
	stats = nla_nest_start(m, LDW_A_STATS);
	for (i = LDW_STAT_SEEN; i <= LDW_STAT_SENT; i++) {
		int size = 8;

		if (mu.attr == -i)	/* a counter, broken: -attribute */
			size = mu.how == SHORTER ? 4 : 12;
		if (nla_put(m, i, size, (uint64_t[2]){ 1000u + (unsigned int)i, 0 }))
			return false;
	}
	dropped = nla_nest_start(m, LDW_STAT_DROPPED);
	for (i = LDW_DROP_NO_SLOT; i <= LDW_DROP_KERNEL_THREAD; i++) {
		if (nla_put_u64(m, i, (uint64_t)i))
			return false;
	}
	if (extra_reason && nla_put_u64(m, extra_reason, 77))
		return false;
	nla_nest_end(m, dropped);
	/* After the DROPPED nest, as the module puts it (appended later). */
	if (nla_put_u64(m, LDW_STAT_SUPPRESSED, 1000u + LDW_STAT_SUPPRESSED))
		return false;
	nla_nest_end(m, stats);
	return stats && dropped;
}

static struct nl_msg *build_status(struct mutation mu, int extra_reason)
{
	struct nl_msg *m = new_msg(LDW_CMD_GET_STATUS, LDW_GENL_VERSION);
	bool ok = true;

	ok &= put_int(m, LDW_A_LOAD_ID, 42, 8, mu);
	ok &= put_str(m, LDW_A_MODULE_VERSION, "0.1.0", mu);
	ok &= put_int(m, LDW_A_DELIVERY, LDW_DELIVERY_MULTICAST, 1, mu);
	ok &= put_int(m, LDW_A_NEXT_SEQ, 9, 8, mu);
	ok &= put_stats(m, mu, extra_reason);
	ok &= put_rule(m, mu);
	ok &= put_str(m, LDW_A_RULE_TEXT, "file where host.os.type == \"linux\"\n", mu);
	if (!ok)
		abort();
	return m;
}

static struct nl_msg *build_stopping(struct mutation mu)
{
	struct nl_msg *m = new_msg(LDW_CMD_STOPPING, LDW_GENL_VERSION);

	if (!put_int(m, LDW_A_LOAD_ID, 42, 8, mu) || !put_int(m, LDW_A_NEXT_SEQ, 100, 8, mu) ||
	    !put_stats(m, mu, 0))
		abort();
	return m;
}

/* A rate limit summary: window 10 s long, 15 matches suppressed. */
#define WINDOW_START 1700000000000000000ull
#define WINDOW_END (WINDOW_START + 10000000000ull)

/* The budget a summary is about: an unprivileged user's own mount namespace. */
#define BUDGET_UID 65534u
#define BUDGET_MNTNS 4026532301u
#define SAMPLE_RULE "640f79d1-571d-4f96-a9af-1194fc8cf763"

/*
 * How a summary's samples are made: @n of them (sample i has time
 * WINDOW_START + i, action creation, path /etc/ld.so.conf.d/f<i>.conf, an
 * executable on even i only, uid BUDGET_UID), and one broken by @mu in
 * sample @index (from 1); @number_from: the first nest's number (1).
 */
struct samples_spec {
	unsigned int n;
	unsigned int index;
	struct mutation mu;
	int number_from;
};

static bool put_samples(struct nl_msg *m, const struct samples_spec *ss)
{
	struct nlattr *nest, *one;
	struct mutation mu;
	char path[64];
	unsigned int i;
	bool ok = true;

	if (!ss->n)
		return true;
	nest = nla_nest_start(m, LDW_A_SAMPLES);
	for (i = 0; i < ss->n; i++) {
		mu = i + 1 == ss->index ? ss->mu : (struct mutation){ 0, INTACT };
		snprintf(path, sizeof(path), "/etc/ld.so.conf.d/f%u.conf", i);
		one = nla_nest_start(m, ss->number_from + (int)i);
		ok &= put_int(m, LDW_SAMPLE_TIME_NS, WINDOW_START + i, 8, mu);
		ok &= put_int(m, LDW_SAMPLE_ACTION, LDW_ACTION_CREATION, 1, mu);
		ok &= put_str(m, LDW_SAMPLE_FILE_PATH, path, mu);
		if (i % 2 == 0)
			ok &= put_str(m, LDW_SAMPLE_EXECUTABLE, "/usr/local/bin/ldw-ops", mu);
		ok &= put_int(m, LDW_SAMPLE_UID, BUDGET_UID, 4, mu);
		ok &= put_str(m, LDW_SAMPLE_RULE_ID, SAMPLE_RULE, mu);
		ok &= one && nla_nest_end(m, one) == 0;
	}
	return ok && nest && nla_nest_end(m, nest) == 0;
}

static struct nl_msg *build_summary(struct mutation mu, uint64_t start, uint64_t end,
				    uint64_t count, const struct samples_spec *ss,
				    uint64_t omitted)
{
	struct nl_msg *m = new_msg(LDW_CMD_SUPPRESSED, LDW_GENL_VERSION);
	bool ok = true;

	ok &= put_int(m, LDW_A_SEQ, 6, 8, mu);
	ok &= put_int(m, LDW_A_LOAD_ID, 42, 8, mu);
	ok &= put_int(m, LDW_A_WINDOW_START_NS, start, 8, mu);
	ok &= put_int(m, LDW_A_WINDOW_END_NS, end, 8, mu);
	ok &= put_int(m, LDW_A_SUPPRESSED_COUNT, count, 8, mu);
	ok &= put_rule(m, mu);
	ok &= put_int(m, LDW_A_BUDGET_UID, BUDGET_UID, 4, mu);
	ok &= put_int(m, LDW_A_BUDGET_MNTNS, BUDGET_MNTNS, 4, mu);
	ok &= put_samples(m, ss);
	ok &= put_int(m, LDW_A_SAMPLES_OMITTED, omitted, 8, mu);
	if (!ok)
		abort();
	return m;
}

/* A summary without samples: every suppressed match counted as omitted. */
static struct nl_msg *build_suppressed(struct mutation mu, uint64_t start, uint64_t end,
				       uint64_t count)
{
	const struct samples_spec no_samples = { 0, 0, { 0, INTACT }, 1 };

	return build_summary(mu, start, end, count, &no_samples, count);
}

static const struct mutation none = { 0, INTACT };

static bool str_is(struct ldw_str s, const char *want)
{
	return s.ptr && s.len == strlen(want) && !memcmp(s.ptr, want, s.len);
}

static int decode(struct nl_msg *m, struct ldw_msg *out, char *err)
{
	return ldw_msg_decode(nlmsg_hdr(m), FAMILY, out, err);
}

/* --- valid messages --- */

static void test_valid_alerts(void)
{
	char err[LDW_DECODE_ERR_SIZE];
	struct alert_spec spec;
	struct ldw_msg d;
	struct nl_msg *m;
	int ret;

	m = build_alert(&creation, none);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.cmd == LDW_CMD_ALERT && d.version == 1 && d.seq == 7 &&
	       d.load_id == 0x8877665544332211ull && d.time_ns == 1700000000123456789ull &&
	       d.action == LDW_ACTION_CREATION && str_is(d.file_path, "/etc/ld.so.preload") &&
	       !d.original_path.ptr && d.pid == 100 && d.tid == 101 && d.ppid == 1 &&
	       d.uid == 1000 && d.euid == 0 && d.gid == 1001 &&
	       str_is(d.executable, "/usr/bin/tee") && str_is(d.comm, "tee") &&
	       d.mntns == 4026531841u &&
	       str_is(d.rule_id, "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       str_is(d.rule_name, "Dynamic Linker Creation or Modification") &&
	       d.rule_version == 3 && !LDW_HAS(&d, LDW_A_ORIGINAL_PATH) &&
	       LDW_HAS(&d, LDW_A_EXECUTABLE),
	       "a creation alert decodes to the values put in");
	if (ret)
		tap_diag("%s", err);
	nlmsg_free(m);

	m = build_alert(&rename_spec, none);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.action == LDW_ACTION_RENAME && str_is(d.original_path, "/etc/sedXy12") &&
	       str_is(d.executable, "/bin/sed") && d.seq == 8,
	       "a rename alert carries ORIGINAL_PATH");
	nlmsg_free(m);

	spec = creation;
	spec.exe = NULL;
	m = build_alert(&spec, none);
	ret = decode(m, &d, err);
	tap_ok(!ret && !d.executable.ptr && !LDW_HAS(&d, LDW_A_EXECUTABLE),
	       "a kernel thread's alert has no EXECUTABLE, and that is valid");
	nlmsg_free(m);

	spec = creation;
	spec.pads = true;
	spec.unknown = true;
	m = build_alert(&spec, none);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.seq == 7 && d.pid == 100,
	       "PAD attributes and attributes of unknown types are ignored");
	if (ret)
		tap_diag("%s", err);
	nlmsg_free(m);
}

/* Sample @i of @d is the one put_samples() made. */
static bool sample_is(const struct ldw_msg *d, unsigned int i)
{
	const struct ldw_msg_sample *smp = &d->samples.sample[i];
	char path[64];
	bool exe = smp->present >> LDW_SAMPLE_EXECUTABLE & 1;

	snprintf(path, sizeof(path), "/etc/ld.so.conf.d/f%u.conf", i);
	return smp->time_ns == WINDOW_START + i && smp->action == LDW_ACTION_CREATION &&
	       str_is(smp->file_path, path) && smp->uid == BUDGET_UID &&
	       str_is(smp->rule_id, SAMPLE_RULE) && exe == (i % 2 == 0) &&
	       (!exe || str_is(smp->executable, "/usr/local/bin/ldw-ops"));
}

static void test_valid_samples(void)
{
	const struct samples_spec three = { 3, 0, { 0, INTACT }, 1 };
	const struct samples_spec many = { LDW_SAMPLES_MAX + 2, 0, { 0, INTACT }, 1 };
	char err[LDW_DECODE_ERR_SIZE];
	struct ldw_msg d;
	struct nl_msg *m;
	unsigned int i;
	bool ok;
	int ret;

	m = build_summary(none, WINDOW_START, WINDOW_END, 15, &three, 12);
	ret = decode(m, &d, err);
	ok = !ret && d.budget_uid == BUDGET_UID && d.budget_mntns == BUDGET_MNTNS &&
	     d.samples_omitted == 12 && d.samples.n == 3 && !d.samples.beyond;
	for (i = 0; ok && i < 3; i++)
		ok &= sample_is(&d, i);
	if (!tap_ok(ok, "a SUPPRESSED summary with its budget and three samples (one without "
		    "an executable) decodes, every field of every sample"))
		tap_diag("%s", err);
	nlmsg_free(m);

	m = build_suppressed(none, WINDOW_START, WINDOW_END, 15);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.samples.n == 0 && d.samples_omitted == 15 &&
	       !LDW_HAS(&d, LDW_A_SAMPLES),
	       "a SUPPRESSED summary without samples, all 15 omitted, decodes");
	nlmsg_free(m);

	m = build_summary(none, WINDOW_START, WINDOW_END, LDW_SAMPLES_MAX + 5, &many, 3);
	ret = decode(m, &d, err);
	ok = !ret && d.samples.n == LDW_SAMPLES_MAX && d.samples.beyond == 2;
	for (i = 0; ok && i < LDW_SAMPLES_MAX; i++)
		ok &= sample_is(&d, i);
	if (!tap_ok(ok, "a summary with two samples more than LDW_SAMPLES_MAX: the first kept, "
		    "the two counted"))
		tap_diag("%s", err);
	nlmsg_free(m);
}

static void test_valid_replies(void)
{
	char err[LDW_DECODE_ERR_SIZE];
	struct ldw_msg d;
	struct nl_msg *m;
	bool counters = true;
	int i, ret;

	m = build_status(none, 40);
	ret = decode(m, &d, err);
	for (i = LDW_STAT_SEEN; i <= LDW_STAT_SENT; i++)
		counters &= (d.stats.has_counter >> i & 1) && d.stats.counter[i] == 1000u + (unsigned int)i;
	for (i = LDW_DROP_NO_SLOT; i <= LDW_DROP_KERNEL_THREAD; i++)
		counters &= (d.stats.has_dropped >> i & 1) && d.stats.dropped[i] == (uint64_t)i;
	tap_ok(!ret && d.cmd == LDW_CMD_GET_STATUS && d.load_id == 42 &&
	       str_is(d.module_version, "0.1.0") && d.delivery == LDW_DELIVERY_MULTICAST &&
	       d.next_seq == 9 && str_is(d.rule_text, "file where host.os.type == \"linux\"\n") &&
	       counters && !(d.stats.has_counter >> LDW_STAT_DROPPED & 1) &&
	       (d.stats.has_dropped >> 40 & 1) && d.stats.dropped[40] == 77,
	       "a status reply decodes, every counter and drop reason by number, "
	       "an unknown reason kept");
	if (ret)
		tap_diag("%s", err);
	nlmsg_free(m);

	m = build_stopping(none);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.cmd == LDW_CMD_STOPPING && d.next_seq == 100 &&
	       d.stats.dropped[LDW_DROP_UNLOAD] == LDW_DROP_UNLOAD,
	       "a STOPPING message decodes");
	nlmsg_free(m);

	m = build_stopping(none);
	ret = decode(m, &d, err);
	tap_ok(!ret && (d.stats.has_counter >> LDW_STAT_SUPPRESSED & 1) &&
	       d.stats.counter[LDW_STAT_SUPPRESSED] == 1000u + LDW_STAT_SUPPRESSED,
	       "the suppressed counter, after the DROPPED nest, decodes");
	nlmsg_free(m);

	m = build_suppressed(none, WINDOW_START, WINDOW_END, 15);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.cmd == LDW_CMD_SUPPRESSED && d.seq == 6 && d.load_id == 42 &&
	       d.window_start_ns == WINDOW_START && d.window_end_ns == WINDOW_END &&
	       d.suppressed_count == 15 && d.rule_version == 3 &&
	       str_is(d.rule_name, "Dynamic Linker Creation or Modification"),
	       "a SUPPRESSED summary decodes");
	if (ret)
		tap_diag("%s", err);
	nlmsg_free(m);

	m = build_suppressed(none, WINDOW_START, WINDOW_START, 1);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.suppressed_count == 1 && d.window_end_ns == d.window_start_ns,
	       "a SUPPRESSED summary of a window cut to nothing (an unload) decodes");
	nlmsg_free(m);

	test_valid_samples();

	m = new_msg(LDW_CMD_SUBSCRIBE, LDW_GENL_VERSION);
	nla_put_u8(m, LDW_A_DELIVERY, LDW_DELIVERY_UNICAST);
	nla_put_u64(m, LDW_A_NEXT_SEQ, 5);
	ret = decode(m, &d, err);
	tap_ok(!ret && d.delivery == LDW_DELIVERY_UNICAST && d.next_seq == 5,
	       "a SUBSCRIBE reply decodes");
	nlmsg_free(m);
}

/* --- refusals --- */

/* @m must be refused with a reason that contains @needle. */
static void refused(struct nl_msg *m, const char *needle, const char *what)
{
	char err[LDW_DECODE_ERR_SIZE];
	struct ldw_msg d;
	int ret = decode(m, &d, err);

	if (!tap_ok(ret == -EINVAL && strstr(err, needle), "refused: %s", what))
		tap_diag("returned %d, reason \"%s\", expected it to name \"%s\"", ret, err, needle);
	nlmsg_free(m);
}

/*
 * The attributes message @cmd must carry (netlink_spec.h), one per call,
 * in number order: *@attr is the next after *@attr (start at 0); false
 * after the last.
 */
static bool next_required(uint8_t cmd, int *attr, const struct ldw_attr_spec **spec)
{
	uint64_t required = ldw_cmd_attrs(cmd, LDW_USE_REQUIRED);

	while (++*attr <= LDW_A_MAX) {
		if (required >> *attr & 1) {
			*spec = ldw_attr_spec((unsigned int)*attr);
			return true;
		}
	}
	return false;
}

static void test_alert_refusals(void)
{
	static const enum breakage int_breaks[] = { SHORTER, LONGER };
	static const enum breakage str_breaks[] = { NO_NUL, INNER_NUL, EMPTY };
	static const char *const break_names[] = {
		[SHORTER] = "one byte short", [LONGER] = "four bytes long",
		[NO_NUL] = "without a terminating NUL", [INNER_NUL] = "with a NUL inside",
		[EMPTY] = "empty",
	};
	const struct ldw_attr_spec *spec;
	char what[128];
	unsigned int k;
	int attr = 0;

	while (next_required(LDW_CMD_ALERT, &attr, &spec)) {
		struct mutation mu = { attr, OMIT };

		snprintf(what, sizeof(what), "alert without %s", spec->name);
		refused(build_alert(&creation, mu), spec->name, what);
		if (spec->type == LDW_TYPE_STRING) {
			for (k = 0; k < 3; k++) {
				mu.how = str_breaks[k];
				snprintf(what, sizeof(what), "alert with %s %s", spec->name,
					 break_names[mu.how]);
				refused(build_alert(&creation, mu), spec->name, what);
			}
		} else {
			for (k = 0; k < 2; k++) {
				mu.how = int_breaks[k];
				snprintf(what, sizeof(what), "alert with %s %s", spec->name,
					 break_names[mu.how]);
				refused(build_alert(&creation, mu), spec->name, what);
			}
		}
	}
	refused(build_alert(&rename_spec, (struct mutation){ LDW_A_ORIGINAL_PATH, NO_NUL }),
		"ORIGINAL_PATH", "rename with ORIGINAL_PATH without a NUL");
	refused(build_alert(&rename_spec, (struct mutation){ LDW_A_EXECUTABLE, INNER_NUL }),
		"EXECUTABLE", "alert with EXECUTABLE holding a NUL inside");
	refused(build_alert(&rename_spec, (struct mutation){ LDW_A_ORIGINAL_PATH, OMIT }),
		"ORIGINAL_PATH", "rename without ORIGINAL_PATH");
	refused(build_alert(&(struct alert_spec){ LDW_ACTION_CREATION, "/x", "/y", 1, false, false }, none),
		"ORIGINAL_PATH", "creation with an ORIGINAL_PATH");
	refused(build_alert(&(struct alert_spec){ LDW_ACTION_MAX + 1, NULL, "/y", 1, false, false },
			    none),
		"ACTION", "an action past the last one the protocol declares");
	refused(build_alert(&(struct alert_spec){ 0, NULL, "/y", 1, false, false }, none),
		"ACTION", "action 0");
	refused(build_alert(&(struct alert_spec){ LDW_ACTION_CREATION, NULL, "/y", 0, false, false }, none),
		"sequence number 0", "sequence number 0");
}

static void test_sample_refusals(void)
{
	struct samples_spec ss = { 3, 3, { 0, INTACT }, 1 };
	char what[128];
	unsigned int a;

	for (a = LDW_SAMPLE_PAD + 1; a <= LDW_SAMPLE_MAX; a++) {
		const char *name = ldw_sample_attr_name(a);
		bool string = a == LDW_SAMPLE_FILE_PATH || a == LDW_SAMPLE_EXECUTABLE ||
			      a == LDW_SAMPLE_RULE_ID;

		ss.mu = (struct mutation){ (int)a, string ? NO_NUL : SHORTER };
		snprintf(what, sizeof(what), "summary whose third sample has %s %s", name,
			 string ? "without a terminating NUL" : "one byte short");
		refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 12), name, what);
		ss.mu.how = string ? INNER_NUL : LONGER;
		snprintf(what, sizeof(what), "summary whose third sample has %s %s", name,
			 string ? "with a NUL inside" : "four bytes long");
		refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 12), name, what);
		if (a == LDW_SAMPLE_EXECUTABLE)
			continue;	/* optional: checked below */
		ss.mu.how = OMIT;
		snprintf(what, sizeof(what), "summary whose third sample lacks %s", name);
		refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 12), name, what);
	}
	ss = (struct samples_spec){ 3, 1, { LDW_SAMPLE_EXECUTABLE, OMIT }, 1 };
	{
		char err[LDW_DECODE_ERR_SIZE];
		struct ldw_msg d;
		struct nl_msg *m = build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 12);

		tap_ok(!decode(m, &d, err) && d.samples.n == 3 &&
		       !(d.samples.sample[0].present >> LDW_SAMPLE_EXECUTABLE & 1),
		       "a sample without EXECUTABLE (a kernel thread's) decodes");
		nlmsg_free(m);
	}
	ss = (struct samples_spec){ 3, 0, { 0, INTACT }, 2 };
	refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 12), "numbered",
		"summary whose samples are numbered from 2");
	ss = (struct samples_spec){ 3, 0, { 0, INTACT }, 1 };
	refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 11), "add up",
		"summary whose samples and omitted count one match too few");
	refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 13), "add up",
		"summary whose samples and omitted count one match too many");
	refused(build_summary(none, WINDOW_START, WINDOW_END, 15, &ss, 16), "add up",
		"summary that omits more than it suppressed");
	{
		/* An action past the last, by hand: put_int() puts the value given. */
		struct nl_msg *m = new_msg(LDW_CMD_SUPPRESSED, LDW_GENL_VERSION);
		struct nlattr *nest, *one;
		bool ok = true;

		ok &= put_int(m, LDW_A_SEQ, 6, 8, none);
		ok &= put_int(m, LDW_A_LOAD_ID, 42, 8, none);
		ok &= put_int(m, LDW_A_WINDOW_START_NS, WINDOW_START, 8, none);
		ok &= put_int(m, LDW_A_WINDOW_END_NS, WINDOW_END, 8, none);
		ok &= put_int(m, LDW_A_SUPPRESSED_COUNT, 1, 8, none);
		ok &= put_rule(m, none);
		ok &= put_int(m, LDW_A_BUDGET_UID, BUDGET_UID, 4, none);
		ok &= put_int(m, LDW_A_BUDGET_MNTNS, BUDGET_MNTNS, 4, none);
		nest = nla_nest_start(m, LDW_A_SAMPLES);
		one = nla_nest_start(m, 1);
		ok &= put_int(m, LDW_SAMPLE_TIME_NS, WINDOW_START, 8, none);
		ok &= put_int(m, LDW_SAMPLE_ACTION, LDW_ACTION_MAX + 1, 1, none);
		ok &= put_str(m, LDW_SAMPLE_FILE_PATH, "/etc/ld.so.preload", none);
		ok &= put_int(m, LDW_SAMPLE_UID, 0, 4, none);
		ok &= put_str(m, LDW_SAMPLE_RULE_ID, SAMPLE_RULE, none);
		ok &= one && nla_nest_end(m, one) == 0 && nest && nla_nest_end(m, nest) == 0;
		ok &= put_int(m, LDW_A_SAMPLES_OMITTED, 0, 8, none);
		if (!ok)
			abort();
		refused(m, "ACTION", "summary whose sample's action is past the last");
	}
}

static void test_suppressed_refusals(void)
{
	const struct ldw_attr_spec *spec;
	char what[128];
	int attr = 0;

	while (next_required(LDW_CMD_SUPPRESSED, &attr, &spec)) {
		bool string = spec->type == LDW_TYPE_STRING;
		struct mutation mu = { attr, OMIT };

		snprintf(what, sizeof(what), "suppressed summary without %s", spec->name);
		refused(build_suppressed(mu, WINDOW_START, WINDOW_END, 15), spec->name, what);
		mu.how = string ? NO_NUL : SHORTER;
		snprintf(what, sizeof(what), "suppressed summary with %s %s", spec->name,
			 string ? "without a terminating NUL" : "one byte short");
		refused(build_suppressed(mu, WINDOW_START, WINDOW_END, 15), spec->name, what);
		mu.how = string ? INNER_NUL : LONGER;
		snprintf(what, sizeof(what), "suppressed summary with %s %s", spec->name,
			 string ? "with a NUL inside" : "four bytes long");
		refused(build_suppressed(mu, WINDOW_START, WINDOW_END, 15), spec->name, what);
	}
	refused(build_summary(none, WINDOW_START, WINDOW_END, 0, &(struct samples_spec){ 0 }, 0),
		"SUPPRESSED_COUNT 0", "suppressed summary that suppressed nothing");
	test_sample_refusals();
	refused(build_suppressed(none, WINDOW_END, WINDOW_START, 15), "ends before it starts",
		"suppressed summary whose window ends before it starts");
}

static void test_status_refusals(void)
{
	const struct ldw_attr_spec *spec;
	struct nl_msg *m;
	char what[96];
	int attr = 0;

	while (next_required(LDW_CMD_GET_STATUS, &attr, &spec)) {
		snprintf(what, sizeof(what), "status reply without %s", spec->name);
		refused(build_status((struct mutation){ attr, OMIT }, 0), spec->name, what);
	}
	refused(build_status((struct mutation){ -LDW_STAT_MATCHED, SHORTER }, 0), "matched",
		"a 4-byte counter in STATS");
	refused(build_status((struct mutation){ -LDW_STAT_SEEN, LONGER }, 0), "seen",
		"a 12-byte counter in STATS");
	refused(build_stopping((struct mutation){ LDW_A_STATS, OMIT }), "STATS",
		"STOPPING without STATS");
	refused(build_stopping((struct mutation){ LDW_A_NEXT_SEQ, OMIT }), "NEXT_SEQ",
		"STOPPING without NEXT_SEQ");

	m = new_msg(LDW_CMD_SUBSCRIBE, LDW_GENL_VERSION);
	nla_put_u8(m, LDW_A_DELIVERY, 3);
	nla_put_u64(m, LDW_A_NEXT_SEQ, 5);
	refused(m, "DELIVERY", "unknown delivery mode 3");

	/* A drop reason of the wrong size, deep in the nests. */
	m = new_msg(LDW_CMD_STOPPING, LDW_GENL_VERSION);
	nla_put_u64(m, LDW_A_LOAD_ID, 1);
	nla_put_u64(m, LDW_A_NEXT_SEQ, 1);
	{
		struct nlattr *s = nla_nest_start(m, LDW_A_STATS);
		struct nlattr *dr = nla_nest_start(m, LDW_STAT_DROPPED);

		nla_put_u32(m, LDW_DROP_QUEUE_FULL, 1);
		nla_nest_end(m, dr);
		nla_nest_end(m, s);
	}
	refused(m, "queue_full", "a 4-byte drop reason");
}

static void test_header_refusals(void)
{
	char err[LDW_DECODE_ERR_SIZE];
	struct nlmsghdr *copy;
	struct ldw_msg d;
	struct nl_msg *m;
	int ret;

	m = build_alert(&creation, none);
	ret = ldw_msg_decode(nlmsg_hdr(m), FAMILY + 1, &d, err);
	tap_ok(ret == -EINVAL && strstr(err, "not the ldwatch family"),
	       "refused: a message of another family");
	nlmsg_free(m);

	m = new_msg(LDW_CMD_ALERT, 2);
	nla_put_u64(m, LDW_A_SEQ, 1);
	ret = decode(m, &d, err);
	tap_ok(ret == -EPROTO && strstr(err, "interface version 2"),
	       "refused with EPROTO: interface version 2");
	nlmsg_free(m);

	refused(new_msg(99, LDW_GENL_VERSION), "unknown command 99", "unknown command 99");
	refused(new_msg(0, LDW_GENL_VERSION), "unknown command 0", "command 0 (UNSPEC)");

	/* Only a netlink header: nlmsg_len says 16. */
	m = nlmsg_alloc_simple(FAMILY, 0);
	refused(m, "too short for a generic netlink header", "no generic netlink header");

	/* Cut in the middle of the last attribute: nlmsg_len shortened by 2. */
	m = build_alert(&creation, none);
	copy = malloc(nlmsg_hdr(m)->nlmsg_len);
	memcpy(copy, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
	copy->nlmsg_len -= 2;
	ret = ldw_msg_decode(copy, FAMILY, &d, err);
	tap_ok(ret == -EINVAL && strstr(err, "after the last well-formed"),
	       "refused: a message cut inside its last attribute");
	free(copy);
	nlmsg_free(m);

	/* An attribute header claiming 2 bytes (less than itself). */
	m = build_alert(&creation, none);
	nla_put_u32(m, LDW_A_PID, 5);	/* replaced below by a broken header */
	{
		struct nlmsghdr *h = nlmsg_hdr(m);
		struct nlattr *last = (struct nlattr *)((char *)h + h->nlmsg_len - NLA_HDRLEN - 4);

		last->nla_len = 2;
	}
	refused(m, "after the last well-formed", "an attribute whose length is below its header");

	/* An attribute claiming more bytes than the message holds. */
	m = build_alert(&creation, none);
	nla_put_u32(m, LDW_A_MNTNS, 5);
	{
		struct nlmsghdr *h = nlmsg_hdr(m);
		struct nlattr *last = (struct nlattr *)((char *)h + h->nlmsg_len - NLA_HDRLEN - 4);

		last->nla_len = 200;
	}
	refused(m, "after the last well-formed", "an attribute longer than the message");
}

/* Bytes flipped at random in valid messages: never a crash, never a wrong accept. */
static void test_random_damage(void)
{
	char err[LDW_DECODE_ERR_SIZE];
	unsigned int round, accepted = 0, bad = 0;
	uint32_t x = 99;
	struct ldw_msg d;

	for (round = 0; round < 20000; round++) {
		struct nl_msg *m = round % 2 ? build_alert(&rename_spec, none) :
					       build_status(none, 0);
		struct nlmsghdr *h = nlmsg_hdr(m);
		unsigned char *p = (unsigned char *)h;
		unsigned int flips = 1 + round % 4, k;

		for (k = 0; k < flips; k++) {
			x = x * 1103515245u + 12345u;
			/* Keep the netlink header's length: libnl vouches for it. */
			p[4 + (x >> 8) % (h->nlmsg_len - 4)] ^= (unsigned char)(1u << ((x >> 4) % 8));
		}
		if (!ldw_msg_decode(h, FAMILY, &d, err)) {
			accepted++;
			/* What is accepted obeys the protocol. */
			if (d.cmd == LDW_CMD_ALERT &&
			    (!d.seq || !d.file_path.ptr || memchr(d.file_path.ptr, 0, d.file_path.len) ||
			     d.action < LDW_ACTION_CREATION || d.action > LDW_ACTION_MAX))
				bad++;
		} else if (strlen(err) == 0) {
			bad++;
		}
		nlmsg_free(m);
	}
	tap_ok(!bad, "20000 damaged messages: every refusal has a reason, every accepted "
	       "alert obeys the protocol (%u accepted)", accepted);
}

/* --- sequence numbers --- */

static bool verdict(struct ldw_seq *s, uint64_t load, uint64_t seq, enum ldw_seq_verdict want,
		    uint64_t want_first, uint64_t want_count)
{
	uint64_t first = 0, count = 0;
	enum ldw_seq_verdict got = ldw_seq_alert(s, load, seq, &first, &count);

	if (got != want || (want == LDW_SEQ_GAP && (first != want_first || count != want_count))) {
		tap_diag("alert %llu: verdict %d (gap %llu+%llu), want %d (gap %llu+%llu)",
			 (unsigned long long)seq, got, (unsigned long long)first,
			 (unsigned long long)count, want, (unsigned long long)want_first,
			 (unsigned long long)want_count);
		return false;
	}
	return true;
}

static void test_seq(void)
{
	struct ldw_seq s;
	uint64_t first = 0;
	bool ok;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 1, 5);
	ok = verdict(&s, 1, 5, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 1, 6, LDW_SEQ_IN_ORDER, 0, 0) &&
	     verdict(&s, 1, 8, LDW_SEQ_GAP, 7, 1) && verdict(&s, 1, 9, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: in order from the status's NEXT_SEQ; a hole is a gap of its size");
	ok = verdict(&s, 1, 8, LDW_SEQ_DUPLICATE, 0, 0) && verdict(&s, 1, 6, LDW_SEQ_DUPLICATE, 0, 0);
	tap_ok(ok, "seq: numbers seen before are duplicates");
	ok = verdict(&s, 1, 7, LDW_SEQ_LATE, 0, 0) && verdict(&s, 1, 7, LDW_SEQ_DUPLICATE, 0, 0);
	tap_ok(ok, "seq: a number reported lost that comes after all is late, then a duplicate");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 2, 10);
	ok = verdict(&s, 2, 3, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 2, 4, LDW_SEQ_IN_ORDER, 0, 0) &&
	     verdict(&s, 2, 6, LDW_SEQ_GAP, 5, 1);
	tap_ok(ok, "seq: alerts queued before connecting (below NEXT_SEQ) are accepted, "
	       "then must be continuous");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 2, 10);
	tap_ok(verdict(&s, 2, 12, LDW_SEQ_GAP, 10, 2),
	       "seq: a first alert above NEXT_SEQ is a gap from NEXT_SEQ");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 3, 10);
	ok = verdict(&s, 3, 10, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 3, 11, LDW_SEQ_IN_ORDER, 0, 0);
	ok = ok && ldw_seq_stop(&s, 3, 14, &first) == 2 && first == 12;
	tap_ok(ok, "seq: STOPPING's NEXT_SEQ reveals the alerts that never came");
	ok = ldw_seq_stop(&s, 3, 14, &first) == 0;
	tap_ok(ok, "seq: after STOPPING the load is no longer tracked");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 3, 10);
	ok = ldw_seq_stop(&s, 3, 13, &first) == 3 && first == 10;
	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 3, 10);
	ok = ok && ldw_seq_stop(&s, 3, 10, &first) == 0;
	tap_ok(ok, "seq: STOPPING with no alert seen: lost from NEXT_SEQ on, none if equal");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 4, 5);
	ok = verdict(&s, 4, 5, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 9, 3, LDW_SEQ_GAP, 1, 2) &&
	     verdict(&s, 9, 4, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: an alert of another load starts counting that load from 1");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 5, 5);
	ok = verdict(&s, 5, 5, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 5, 6, LDW_SEQ_IN_ORDER, 0, 0);
	ldw_seq_start(&s, 5, 20);
	ok = ok && verdict(&s, 5, 7, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 5, 9, LDW_SEQ_GAP, 8, 1);
	tap_ok(ok, "seq: reconnecting to the same load keeps counting (a gap across it shows)");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 6, 1);
	ok = true;
	for (i = 1; i <= 5000 && ok; i++)
		ok = verdict(&s, 6, i, LDW_SEQ_IN_ORDER, 0, 0);
	ok = ok && verdict(&s, 6, 4999, LDW_SEQ_DUPLICATE, 0, 0) &&
	     verdict(&s, 6, 905, LDW_SEQ_DUPLICATE, 0, 0) && verdict(&s, 6, 100, LDW_SEQ_LATE, 0, 0);
	tap_ok(ok, "seq: duplicates are recognised within the last 4096 numbers; "
	       "older ones are written (late) rather than dropped");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 8, 1);
	ok = true;
	for (i = 1; i <= 4100 && ok; i++)
		ok = verdict(&s, 8, i, LDW_SEQ_IN_ORDER, 0, 0);
	ok = ok && verdict(&s, 8, 4103, LDW_SEQ_GAP, 4101, 2) &&
	     verdict(&s, 8, 4101, LDW_SEQ_LATE, 0, 0) && verdict(&s, 8, 4102, LDW_SEQ_LATE, 0, 0);
	tap_ok(ok, "seq: a lost number whose window slot an older number used is late, "
	       "not a duplicate");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 7, 1);
	ok = verdict(&s, 7, 1, LDW_SEQ_IN_ORDER, 0, 0) &&
	     verdict(&s, 7, 100000, LDW_SEQ_GAP, 2, 99998) &&
	     verdict(&s, 7, 100000 - 4096 + 1, LDW_SEQ_LATE, 0, 0) &&
	     verdict(&s, 7, 100000, LDW_SEQ_DUPLICATE, 0, 0) &&
	     verdict(&s, 7, 100001, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: a gap wider than the window leaves no stale marks");

	/* Liveness: the drop report names lost numbers before any gap does. */
	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 10, 1);
	ok = verdict(&s, 10, 1, LDW_SEQ_IN_ORDER, 0, 0) &&
	     ldw_seq_lost(&s, 10, 2, 3, &first) == 3 && first == 2 &&
	     verdict(&s, 10, 5, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: numbers the drop report named are not a gap when the next alert comes");
	ok = ldw_seq_lost(&s, 10, 2, 3, &first) == 0 && ldw_seq_lost(&s, 10, 6, 1, &first) == 1 &&
	     first == 6 && ldw_seq_lost(&s, 10, 6, 1, &first) == 0;
	tap_ok(ok, "seq: a report of numbers already accounted for, or heard twice, reports nothing");
	ok = verdict(&s, 10, 9, LDW_SEQ_GAP, 7, 2);
	tap_ok(ok, "seq: a hole past the reported numbers is still a gap, of the others only");
	ok = ldw_seq_lost(&s, 10, 12, 2, &first) == 2 && first == 12 &&
	     verdict(&s, 10, 10, LDW_SEQ_IN_ORDER, 0, 0) && verdict(&s, 10, 11, LDW_SEQ_IN_ORDER, 0, 0) &&
	     verdict(&s, 10, 14, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: a report ahead of alerts still queued: they come in order, then no gap");
	ok = ldw_seq_lost(&s, 10, 15, 1, &first) == 1 && verdict(&s, 10, 15, LDW_SEQ_LATE, 0, 0) &&
	     verdict(&s, 10, 16, LDW_SEQ_IN_ORDER, 0, 0);
	tap_ok(ok, "seq: a reported number that arrives after all is late");
	ok = ldw_seq_lost(&s, 10, 17, 2, &first) == 2 && verdict(&s, 10, 20, LDW_SEQ_GAP, 19, 1);
	tap_ok(ok, "seq: a gap that spans reported and unreported numbers counts the unreported");
	ok = ldw_seq_lost(&s, 10, 21, 3, &first) == 3 && ldw_seq_stop(&s, 10, 26, &first) == 2 &&
	     first == 24;
	tap_ok(ok, "seq: STOPPING counts only the numbers nothing reported");
	ok = ldw_seq_lost(&s, 11, 1, 3, &first) == 0;
	tap_ok(ok, "seq: a report about a load not tracked is ignored");

	memset(&s, 0, sizeof(s));
	ldw_seq_start(&s, 12, 51);
	ok = ldw_seq_lost(&s, 12, 9, 42, &first) == 0 && ldw_seq_lost(&s, 12, 51, 2, &first) == 2 &&
	     first == 51 && verdict(&s, 12, 1, LDW_SEQ_IN_ORDER, 0, 0) &&
	     verdict(&s, 12, 53, LDW_SEQ_GAP, 2, 49);
	tap_ok(ok, "seq: reported numbers below NEXT_SEQ of the connection are left to the gap; "
	       "those above it are not counted twice");
}

static void test_names(void)
{
	static const char *const drops[] = { "no_slot", "busy", "task_exiting", "path", "no_memory",
					     "queue_full", "send_failed", "unload", "kernel_thread" };
	static const char *const stats[] = { "seen", "candidates", "not_confirmed", "no_match",
					     "excluded", "matched", "sent" };
	bool cmds;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < 9; i++)
		ok &= ldw_drop_name(LDW_DROP_NO_SLOT + i) && !strcmp(ldw_drop_name(LDW_DROP_NO_SLOT + i), drops[i]);
	ok &= !ldw_drop_name(LDW_DROP_PAD) && !ldw_drop_name(LDW_DROP_MAX + 1) && !ldw_drop_name(1000);
	tap_ok(ok, "drop reasons are named as in the brief; others have no name");
	ok = true;
	for (i = 0; i < 7; i++)
		ok &= ldw_stat_name(LDW_STAT_SEEN + i) && !strcmp(ldw_stat_name(LDW_STAT_SEEN + i), stats[i]);
	ok &= !ldw_stat_name(LDW_STAT_DROPPED) && !ldw_stat_name(LDW_STAT_PAD);
	tap_ok(ok, "counters are named seen ... sent");
	tap_ok(ldw_stat_name(LDW_STAT_SUPPRESSED) &&
	       !strcmp(ldw_stat_name(LDW_STAT_SUPPRESSED), "suppressed") &&
	       !ldw_stat_name(LDW_STAT_SUPPRESSED + 1),
	       "the counter after the DROPPED nest is named suppressed");
	cmds = ldw_cmd_name(LDW_CMD_SUPPRESSED) &&
	       !strcmp(ldw_cmd_name(LDW_CMD_SUPPRESSED), "suppressed");
	tap_ok(cmds, "the rate limit summary command is named suppressed");
	/* Liveness */
	cmds = ldw_cmd_name(LDW_CMD_LOST) && !strcmp(ldw_cmd_name(LDW_CMD_LOST), "lost") &&
	       LDW_CMD_LOST == LDW_CMD_SUPPRESSED + 1;
	tap_ok(cmds, "the drop report command, after it, is named lost");
	/* Rules at runtime */
	cmds = LDW_CMD_RULE_LOAD == LDW_CMD_LOST + 1 &&
	       !strcmp(ldw_cmd_name(LDW_CMD_RULE_LOAD), "rule_load") &&
	       !strcmp(ldw_cmd_name(LDW_CMD_RULE_REMOVE), "rule_remove") &&
	       !strcmp(ldw_cmd_name(LDW_CMD_RULE_GET), "rule_get") &&
	       !strcmp(ldw_cmd_name(LDW_CMD_RULES_CHANGED), "rules_changed") &&
	       LDW_CMD_RULES_CHANGED == LDW_CMD_MAX && !ldw_cmd_name(LDW_CMD_MAX + 1);
	tap_ok(cmds, "the rules' commands come after it, named rule_load, rule_remove, "
	       "rule_get and rules_changed, the last");
	tap_ok(!strcmp(ldw_delivery_name(LDW_DELIVERY_MULTICAST), "multicast") &&
	       !strcmp(ldw_delivery_name(LDW_DELIVERY_UNICAST), "unicast") && !ldw_delivery_name(0),
	       "delivery modes are named multicast and unicast");
}

int main(void)
{
	test_valid_alerts();
	test_valid_replies();
	test_alert_refusals();
	test_suppressed_refusals();
	test_status_refusals();
	test_header_refusals();
	test_random_damage();
	test_seq();
	test_names();
	return tap_done();
}
