// SPDX-License-Identifier: GPL-2.0
/*
 * ldw-listen: try to receive ldwatch alerts the way any process could, as a
 * given user, and report what the kernel allowed. The guest test runs it as
 * uid 65534 (expects every door shut and nothing received) and as root (the
 * control: the same client does receive alerts, so "nothing" means
 * something).
 *
 * Steps, each reported as OK or the errno name:
 *  1. as invoked: LDW_CMD_GET_STATUS, for the delivery mode in force;
 *  2. drop to --user (supplementary groups, gid, uid), then open a new
 *     socket, so that neither the socket nor the task keeps a capability;
 *  3. resolve the family and its "alerts" group (allowed to anyone);
 *  4. join the group (NETLINK_ADD_MEMBERSHIP);
 *  5. LDW_CMD_SUBSCRIBE, then LDW_CMD_GET_STATUS;
 *  6. create --ready FILE, then count the family's messages for --listen MS,
 *     or until --alerts N alerts came, or until --until FILE exists (and
 *     a grace of 300 ms after it, for a send to other listeners still in
 *     flight).
 *
 * Output, one line of shell assignments:
 *   LS_DELIVERY=multicast|unicast|unknown LS_FAMILY= LS_GROUP= LS_JOIN=
 *   LS_SUBSCRIBE= LS_STATUS= LS_ALERTS=N LS_OTHER=N LS_OVERRUNS=N
 * Exit status: 0 if it ran (the caller judges the values), 2 on a usage or
 * setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <ldwatch/netlink.h>

#define PROG "ldw-listen"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct {
	long alerts;
	long other;
	int delivery;	/* enum ldw_delivery, 0 if unknown */
	int family;
} seen;

/* libnl's error codes back to the errno names the tests talk in. */
static const char *nl_errname(int err)
{
	static char buf[32];

	switch (err < 0 ? -err : err) {
	case 0: return "ok";
	case NLE_PERM: return "EPERM";
	case NLE_NOACCESS: return "EACCES";
	case NLE_OBJ_NOTFOUND: return "ENOENT";
	case NLE_INVAL: return "EINVAL";
	case NLE_OPNOTSUPP: return "EOPNOTSUPP";
	case NLE_AGAIN: return "EAGAIN";
	case NLE_NOMEM: return "ENOMEM";
	case NLE_BUSY: return "EBUSY";
	}
	snprintf(buf, sizeof(buf), "NLE%d", err < 0 ? -err : err);
	return buf;
}

static const char *errname(int err)
{
	static char buf[32];

	switch (err) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int on_message(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	struct nlattr *tb[LDW_A_MAX + 1];

	(void)arg;
	if (nlh->nlmsg_type != seen.family || !genlmsg_valid_hdr(nlh, 0)) {
		return NL_SKIP;
	}
	gnlh = nlmsg_data(nlh);
	if (gnlh->cmd == LDW_CMD_ALERT) {
		seen.alerts++;
	} else if (gnlh->cmd == LDW_CMD_GET_STATUS || gnlh->cmd == LDW_CMD_SUBSCRIBE) {
		if (!genlmsg_parse(nlh, 0, tb, LDW_A_MAX, NULL) && tb[LDW_A_DELIVERY])
			seen.delivery = nla_get_u8(tb[LDW_A_DELIVERY]);
	} else {
		seen.other++;
	}
	return NL_OK;
}

static struct nl_sock *open_socket(const char **family_result)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		fprintf(stderr, PROG ": nl_socket_alloc failed\n");
		exit(2);
	}
	err = genl_connect(sk);
	if (err < 0) {
		fprintf(stderr, PROG ": genl_connect: %s\n", nl_geterror(err));
		exit(2);
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, NULL);
	err = genl_ctrl_resolve(sk, LDW_GENL_NAME);
	*family_result = nl_errname(err < 0 ? err : 0);
	seen.family = err < 0 ? -1 : err;
	return sk;
}

/* Send an empty request for @cmd and wait for its acknowledgement. */
static const char *request(struct nl_sock *sk, int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, seen.family, 0,
				 NLM_F_REQUEST | NLM_F_ACK, (uint8_t)cmd, LDW_GENL_VERSION)) {
		fprintf(stderr, PROG ": building a message failed\n");
		exit(2);
	}
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_wait_for_ack(sk);
	return nl_errname(err < 0 ? err : 0);
}

static int drop_privileges(const char *spec)
{
	unsigned long uid, gid;
	char *end;

	errno = 0;
	uid = strtoul(spec, &end, 10);
	gid = uid;
	if (!errno && *end == ':')
		gid = strtoul(end + 1, &end, 10);
	if (errno || *end || end == spec) {
		fprintf(stderr, PROG ": bad --user %s\n", spec);
		return 2;
	}
	if (setgroups(0, NULL) || setgid((gid_t)gid) || setuid((uid_t)uid)) {
		fprintf(stderr, PROG ": dropping privileges: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void usage(FILE *out)
{
	fputs("Usage: " PROG " [--user UID[:GID]] [--listen MS] [--alerts N] [--ready FILE]\n"
	      "                  [--until FILE]\n"
	      "Try to receive ldwatch alerts as UID (default: as invoked) for MS\n"
	      "milliseconds (default 3000), until N alerts came, or until the --until\n"
	      "FILE exists (plus 300 ms); create the --ready FILE when listening.\n"
	      "Prints LS_DELIVERY= LS_FAMILY= LS_GROUP= LS_JOIN=\n"
	      "LS_SUBSCRIBE= LS_STATUS= LS_ALERTS= LS_OTHER= LS_OVERRUNS=.\n", out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "listen", required_argument, NULL, 'l' },
		{ "alerts", required_argument, NULL, 'a' },
		{ "ready", required_argument, NULL, 'r' },
		{ "until", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *ready = NULL, *until = NULL, *family, *group = "untried";
	const char *join = "untried", *subscribe = "untried", *status = "untried";
	long listen_ms = 3000, want_alerts = 0, deadline, overruns = 0;
	struct nl_sock *sk;
	int c, grp, fd;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'l': listen_ms = strtol(optarg, NULL, 10); break;
		case 'a': want_alerts = strtol(optarg, NULL, 10); break;
		case 'r': ready = optarg; break;
		case 'U': until = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || listen_ms < 0 || want_alerts < 0) {
		usage(stderr);
		return 2;
	}

	/* 1. The delivery mode, asked with the invoker's privileges. */
	sk = open_socket(&family);
	if (seen.family > 0)
		request(sk, LDW_CMD_GET_STATUS);
	nl_socket_free(sk);

	/* 2. Drop privileges, then a fresh socket. */
	if (user && (c = drop_privileges(user)))
		return c;
	sk = open_socket(&family);

	if (seen.family > 0) {
		/* 3, 4. The group, and joining it. */
		grp = genl_ctrl_resolve_grp(sk, LDW_GENL_NAME, LDW_GENL_MCGRP_ALERTS);
		group = nl_errname(grp < 0 ? grp : 0);
		if (grp >= 0) {
			fd = nl_socket_get_fd(sk);
			join = errname(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
						  &grp, sizeof(grp)) ? errno : 0);
		}
		/* 5. The admin-only commands. */
		subscribe = request(sk, LDW_CMD_SUBSCRIBE);
		status = request(sk, LDW_CMD_GET_STATUS);
	}

	/* 6. Listen. */
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || close(fd)) {
			fprintf(stderr, PROG ": %s: %s\n", ready, strerror(errno));
			return 2;
		}
	}
	nl_socket_set_nonblocking(sk);
	deadline = now_ms() + listen_ms;
	while (!want_alerts || seen.alerts < want_alerts) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
		long left = deadline - now_ms();
		int err;

		if (left <= 0)
			break;
		if (until && access(until, F_OK) == 0) {
			/* Seen: stop after the grace period. */
			until = NULL;
			deadline = now_ms() + 300;
			continue;
		}
		if (poll(&pfd, 1, until && left > 50 ? 50 : (int)left) <= 0)
			continue;
		err = nl_recvmsgs_default(sk);
		if (err == -NLE_NOMEM || err == -NLE_MSG_OVERFLOW)
			overruns++;
	}
	nl_socket_free(sk);

	printf("LS_DELIVERY=%s LS_FAMILY=%s LS_GROUP=%s LS_JOIN=%s LS_SUBSCRIBE=%s LS_STATUS=%s"
	       " LS_ALERTS=%ld LS_OTHER=%ld LS_OVERRUNS=%ld\n",
	       seen.delivery == LDW_DELIVERY_MULTICAST ? "multicast" :
	       seen.delivery == LDW_DELIVERY_UNICAST ? "unicast" : "unknown",
	       family, group, join, subscribe, status, seen.alerts, seen.other, overruns);
	return 0;
}
