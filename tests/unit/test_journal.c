// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of ldwatchd --journal (userspace/journal_output.c).
 *
 * 1. The fields of real records (ecs_records.c), as the writer hands them
 *    to sd_journal_sendv(), captured by a stand-in: each compared with a
 *    value written here by hand from the brief and journal_output.h.
 * 2. The real sd_journal_sendv() of libsystemd, against a journal socket:
 *    in a mount namespace of its own (root; skipped otherwise), a tmpfs on
 *    /run/systemd holds a datagram socket at journald's address, and the
 *    test decodes what arrives by journald's native protocol
 *    (systemd's JOURNAL_NATIVE_PROTOCOL.md). Then ldwatchd itself, given
 *    as argv[1], run with --journal and --output beside the socket: its
 *    first record (the module is absent on a test machine) must reach
 *    both, the same document.
 *
 * Usage: test_journal [LDWATCHD]   (prints TAP lines and "N passed, N failed")
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ldwatch/netlink.h>
#include <systemd/sd-journal.h>

#include "ecs.h"
#include "ecs_records.h"
#include "journal_output.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"
#define JOURNAL_DIR "/run/systemd/journal"
#define JOURNAL_SOCKET JOURNAL_DIR "/socket"
#define MAX_FIELDS 32

/* One journal entry as NAME=VALUE pairs; values may hold any byte. */
struct entry {
	size_t n;
	char *name[MAX_FIELDS];
	char *value[MAX_FIELDS];
	size_t len[MAX_FIELDS];
};

static void entry_free(struct entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->name[i]);
		free(e->value[i]);
	}
	e->n = 0;
}

static bool entry_add(struct entry *e, const char *name, size_t nlen, const char *v, size_t vlen)
{
	if (e->n == MAX_FIELDS)
		return false;
	e->name[e->n] = strndup(name, nlen);
	e->value[e->n] = malloc(vlen + 1);
	if (!e->name[e->n] || !e->value[e->n])
		return false;
	memcpy(e->value[e->n], v, vlen);
	e->value[e->n][vlen] = '\0';
	e->len[e->n] = vlen;
	e->n++;
	return true;
}

/* How many times field @name occurs. */
static unsigned int entry_count(const struct entry *e, const char *name)
{
	unsigned int c = 0;
	size_t i;

	for (i = 0; i < e->n; i++)
		c += !strcmp(e->name[i], name);
	return c;
}

/* Field @name is there once and is exactly @want (NULL: absent). */
static bool entry_is(const struct entry *e, const char *name, const char *want)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->name[i], name))
			continue;
		if (want && entry_count(e, name) == 1 && e->len[i] == strlen(want) &&
		    !memcmp(e->value[i], want, e->len[i]))
			return true;
		tap_diag("%s=%s (want %s)", name, e->value[i], want ? want : "absent");
		return false;
	}
	if (want)
		tap_diag("%s absent (want %s)", name, want);
	return !want;
}

/* The captured iovecs, each "NAME=VALUE". */
static struct entry captured;
static int captured_calls;

static int fake_sendv(const struct iovec *iov, int n)
{
	const char *eq;
	int i;

	captured_calls++;
	entry_free(&captured);
	for (i = 0; i < n; i++) {
		eq = memchr(iov[i].iov_base, '=', iov[i].iov_len);
		if (!eq)
			return -EINVAL;
		entry_add(&captured, iov[i].iov_base, (size_t)(eq - (char *)iov[i].iov_base), eq + 1,
			  iov[i].iov_len - (size_t)(eq - (char *)iov[i].iov_base) - 1);
	}
	return 0;
}

static const char *fake_user_name(void *arg, uint32_t uid)
{
	(void)arg;
	return uid == 0 ? "root" : NULL;
}

static const struct ldw_ecs_ctx ctx = {
	.host_name = "web-01",
	.user_name = fake_user_name,
	.now_ns = 1700000001000000000ull,
};

static struct ldw_str lstr(const char *s)
{
	return (struct ldw_str){ s, strlen(s) };
}

static struct ldw_msg alert_msg(enum ldw_action action, const char *path,
				const char *original, const char *exe)
{
	struct ldw_msg m;

	memset(&m, 0, sizeof(m));
	m.cmd = LDW_CMD_ALERT;
	m.version = LDW_GENL_VERSION;
	m.seq = 42;
	m.load_id = 0x00c0ffee12345678ull;
	m.time_ns = 1700000000123456789ull;
	m.action = (uint8_t)action;
	m.file_path = lstr(path);
	m.original_path = original ? lstr(original) : LDW_STR_ABSENT;
	m.executable = exe ? lstr(exe) : LDW_STR_ABSENT;
	m.pid = 4321;
	m.tid = 4322;
	m.ppid = 1;
	m.comm = lstr("bash");
	m.mntns = 4026531841u;
	m.rule_id = lstr("640f79d1-571d-4f96-a9af-1194fc8cf763");
	m.rule_name = lstr("Dynamic Linker Creation or Modification");
	m.rule_version = 3;
	return m;
}

/* Render @doc and send it through @j; the rendered line is left in @line. */
static int send_doc(struct ldw_journal *j, struct ecs_doc *doc, struct ecs_buf *line)
{
	ecs_buf_reset(line);
	if (ecs_doc_render(doc, line)) {
		tap_diag("render failed: %d", ecs_doc_error(doc));
		return -1;
	}
	return ldw_journal_write(j, doc, line->data, line->len);
}

/* LDWATCH_ECS is the rendered line without its newline. */
static bool ecs_is_line(const struct entry *e, const struct ecs_buf *line)
{
	char *want = strndup(line->data, line->len - 1);
	bool ok = want && entry_is(e, "LDWATCH_ECS", want);

	free(want);
	return ok;
}

static void test_fields(struct ldw_journal *j, struct ecs_doc *doc, struct ecs_buf *line)
{
	struct ldw_msg m;
	struct ldw_stats stats;

	j->sendv = fake_sendv;

	m = alert_msg(LDW_ACTION_CREATION, "/etc/ld.so.preload", NULL, "/usr/bin/bash");
	ldw_ecs_alert(doc, &ctx, &m, false);
	captured_calls = 0;
	tap_ok(send_doc(j, doc, line) == 0 && captured_calls == 1,
	       "an alert: one call to sd_journal_sendv, success");
	tap_ok(entry_is(&captured, "MESSAGE",
			"Dynamic Linker Creation or Modification: creation /etc/ld.so.preload by /usr/bin/bash (pid 4321, user root)") &&
	       entry_is(&captured, "PRIORITY", "4") &&
	       entry_is(&captured, "SYSLOG_IDENTIFIER", "ldwatchd"),
	       "an alert of Elastic's rule: MESSAGE the summary, PRIORITY 4 (medium), SYSLOG_IDENTIFIER");
	tap_ok(entry_is(&captured, "LDWATCH_EVENT_KIND", "alert") &&
	       entry_is(&captured, "LDWATCH_ACTION", "creation") &&
	       entry_is(&captured, "LDWATCH_RULE_ID", "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       entry_is(&captured, "LDWATCH_FILE_PATH", "/etc/ld.so.preload") &&
	       entry_is(&captured, "LDWATCH_SEQUENCE", "42") && ecs_is_line(&captured, line) &&
	       captured.n == 9,
	       "an alert: the flat fields, LDWATCH_ECS the line, nine fields in all");

	/* A rename by a uid without a name, hostile bytes in the path. */
	m = alert_msg(LDW_ACTION_RENAME, "/etc/ld.so.conf.d/a\nb\xff\".conf", "/tmp/x\ty",
		      "/bin/mv");
	m.uid = 1234;
	ldw_ecs_alert(doc, &ctx, &m, false);
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "MESSAGE",
			"Dynamic Linker Creation or Modification: rename /etc/ld.so.conf.d/a\\nb" FFFD "\\\".conf (from /tmp/x\\ty) by /bin/mv (pid 4321, user uid 1234)"),
	       "a rename: old path, uid, and the path escaped as in the ECS line, on one line");
	tap_ok(entry_is(&captured, "LDWATCH_FILE_PATH", "/etc/ld.so.conf.d/a\nb" FFFD "\".conf") &&
	       entry_is(&captured, "LDWATCH_ACTION", "rename") && ecs_is_line(&captured, line),
	       "a rename: LDWATCH_FILE_PATH unescaped (U+FFFD for the byte that is not UTF-8)");

	/* The companion rule's failed operation by a kernel thread. */
	m = alert_msg(LDW_ACTION_LINK, "/etc/ld.so.preload", NULL, NULL);
	m.rule_id = lstr("e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba");
	m.rule_name = lstr("ldwatch companion");
	m.rule_severity = lstr("high");
	m.rule_risk_score = 73;
	m.outcome = LDW_OUTCOME_FAILURE;
	m.error = 13;	/* EACCES */
	m.present |= 1ull << LDW_A_RULE_SEVERITY | 1ull << LDW_A_RULE_RISK_SCORE |
		     1ull << LDW_A_OUTCOME | 1ull << LDW_A_ERROR;
	ldw_ecs_alert(doc, &ctx, &m, false);
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "MESSAGE",
			"ldwatch companion: link /etc/ld.so.preload by [bash] (pid 4321, user root), failed: EACCES") &&
	       entry_is(&captured, "PRIORITY", "3") &&
	       entry_is(&captured, "LDWATCH_RULE_ID", "e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba"),
	       "the companion rule (high): PRIORITY 3; no executable: the comm; the failure");

	ldw_ecs_alerts_lost(doc, &ctx, 0x00c0ffee12345678ull, 17, 3, false);
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "MESSAGE",
			"ldwatch-alerts-lost: 3 alerts lost, from sequence number 17 (see the module's drop counters)") &&
	       entry_is(&captured, "PRIORITY", "3") &&
	       entry_is(&captured, "LDWATCH_EVENT_KIND", "event") &&
	       entry_is(&captured, "LDWATCH_ACTION", "ldwatch-alerts-lost") &&
	       entry_is(&captured, "LDWATCH_SEQUENCE", NULL) &&
	       entry_is(&captured, "LDWATCH_FILE_PATH", NULL) &&
	       entry_is(&captured, "LDWATCH_RULE_ID", NULL) && ecs_is_line(&captured, line),
	       "alerts lost: PRIORITY 3, its message; no sequence, path or rule fields");

	memset(&stats, 0, sizeof(stats));
	stats.has_dropped = 1;
	ldw_ecs_drop_counters(doc, &ctx, 1, &stats, "connected");
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "PRIORITY", "6"),
	       "drop counters without a drop: PRIORITY 6");
	stats.dropped[0] = 2;
	ldw_ecs_drop_counters(doc, &ctx, 1, &stats, "alerts_lost");
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "PRIORITY", "4") &&
	       entry_is(&captured, "LDWATCH_ACTION", "ldwatch-drop-counters"),
	       "drop counters with a drop: PRIORITY 4");

	ldw_ecs_module_absent(doc, &ctx, 1000);
	send_doc(j, doc, line);
	tap_ok(entry_is(&captured, "PRIORITY", "5") &&
	       entry_is(&captured, "MESSAGE",
			"ldwatch-module-absent: the ldwatch module is not loaded (modprobe ldwatch); ldwatchd checks for it every 1000 ms"),
	       "module absent: PRIORITY 5, its message");
}

static int failing_sendv(const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	captured_calls++;
	return -ENOENT;
}

static void test_failure(struct ldw_journal *j, struct ecs_doc *doc, struct ecs_buf *line)
{
	int a, b;

	ldw_ecs_module_absent(doc, &ctx, 1000);
	j->sendv = failing_sendv;
	captured_calls = 0;
	a = send_doc(j, doc, line);
	b = send_doc(j, doc, line);
	tap_ok(a == ENOENT && b == ENOENT && captured_calls == 2 && j->last_err == ENOENT,
	       "no journal: each record tried, the error returned and remembered");
	j->sendv = fake_sendv;
	tap_ok(send_doc(j, doc, line) == 0 && j->last_err == 0,
	       "the journal back: sending works again");
}

/* --- the real sd_journal_sendv(), against a socket at journald's address --- */

/* Decode one datagram of journald's native protocol into @e. */
static bool native_decode(const char *p, size_t n, struct entry *e)
{
	const char *end = p + n, *nl, *eq;
	uint64_t len;
	size_t k;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq) {
			if (!entry_add(e, p, (size_t)(eq - p), eq + 1, (size_t)(nl - eq - 1)))
				return false;
			p = nl + 1;
			continue;
		}
		/* NAME\n, a little-endian 64-bit length, the bytes, \n */
		if ((size_t)(end - nl - 1) < 8)
			return false;
		len = 0;
		for (k = 0; k < 8; k++)
			len |= (uint64_t)(unsigned char)nl[1 + k] << (8 * k);
		if (len > (uint64_t)(end - nl - 9) - 1 || nl[9 + len] != '\n')
			return false;
		if (!entry_add(e, p, (size_t)(nl - p), nl + 9, (size_t)len))
			return false;
		p = nl + 10 + len;
	}
	return true;
}

/* Wait up to 10 s for a datagram on @fd and decode it into @e. */
static bool receive_entry(int fd, struct entry *e)
{
	static char buf[1 << 16];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	entry_free(e);
	if (poll(&pfd, 1, 10000) != 1)
		return false;
	n = recv(fd, buf, sizeof(buf), 0);
	return n > 0 && native_decode(buf, (size_t)n, e);
}

static int journal_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
	int fd;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		tap_diag("a mount namespace: %s", strerror(errno));
		return -1;
	}
	mkdir("/run/systemd", 0755);
	if (mount("ldw-test", "/run/systemd", "tmpfs", 0, "mode=0755") ||
	    mkdir(JOURNAL_DIR, 0755)) {
		tap_diag("tmpfs on /run/systemd: %s", strerror(errno));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		tap_diag("binding %s: %s", JOURNAL_SOCKET, strerror(errno));
		return -1;
	}
	return fd;
}

static void test_real_journal(struct ldw_journal *j, struct ecs_doc *doc, struct ecs_buf *line,
			      const char *ldwatchd)
{
	char out[] = "/tmp/ldw-test-journal-XXXXXX";
	char file[sizeof(out) + 16], first[4096];
	struct entry e = { 0 };
	struct ldw_msg m;
	int fd, ofd, status;
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0) {
		printf("# not root: the real journal socket tests are skipped\n");
		return;
	}
	fd = journal_socket();
	if (!tap_ok(fd >= 0, "a journal socket at %s in a mount namespace", JOURNAL_SOCKET))
		return;

	j->sendv = sd_journal_sendv;
	m = alert_msg(LDW_ACTION_RENAME, "/etc/ld.so.conf.d/x\n.conf", "/tmp/y", "/bin/mv");
	ldw_ecs_alert(doc, &ctx, &m, false);
	tap_ok(send_doc(j, doc, line) == 0, "sd_journal_sendv: an alert sent");
	tap_ok(receive_entry(fd, &e) &&
	       entry_is(&e, "MESSAGE",
			"Dynamic Linker Creation or Modification: rename /etc/ld.so.conf.d/x\\n.conf (from /tmp/y) by /bin/mv (pid 4321, user root)") &&
	       entry_is(&e, "PRIORITY", "4") && entry_is(&e, "SYSLOG_IDENTIFIER", "ldwatchd") &&
	       entry_is(&e, "LDWATCH_FILE_PATH", "/etc/ld.so.conf.d/x\n.conf") &&
	       entry_is(&e, "LDWATCH_SEQUENCE", "42") && entry_is(&e, "LDWATCH_ACTION", "rename") &&
	       entry_is(&e, "LDWATCH_RULE_ID", "640f79d1-571d-4f96-a9af-1194fc8cf763") &&
	       ecs_is_line(&e, line),
	       "the journal's socket received the entry, every field intact (a newline in a value too)");

	if (!ldwatchd)
		goto out;
	ofd = mkstemp(out);
	if (ofd >= 0)
		close(ofd);
	snprintf(file, sizeof(file), "%s.ndjson", out);
	unlink(out);
	pid = fork();
	if (pid == 0) {
		execl(ldwatchd, ldwatchd, "--journal", "--output", file, "--reconnect-interval",
		      "3600", (char *)NULL);
		_exit(127);
	}
	tap_ok(pid > 0 && receive_entry(fd, &e) &&
	       entry_is(&e, "LDWATCH_ACTION", "ldwatch-module-absent") &&
	       entry_is(&e, "SYSLOG_IDENTIFIER", "ldwatchd") && entry_is(&e, "PRIORITY", "5"),
	       "ldwatchd --journal --output: its first record (module absent) in the journal");
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "ldwatchd --journal: SIGTERM ends it with status 0");
	}
	ofd = open(file, O_RDONLY | O_CLOEXEC);
	n = ofd >= 0 ? read(ofd, first, sizeof(first) - 1) : -1;
	if (ofd >= 0)
		close(ofd);
	if (n > 0 && first[n - 1] == '\n')
		first[n - 1] = '\0';
	else
		first[0] = '\0';
	tap_ok(n > 0 && !strchr(first, '\n') && entry_is(&e, "LDWATCH_ECS", first),
	       "ldwatchd --journal --output: the same one document in the file and in LDWATCH_ECS");
	unlink(file);
out:
	entry_free(&e);
	close(fd);
}

int main(int argc, char **argv)
{
	struct ecs_doc *doc = ecs_doc_new();
	struct ldw_journal j;
	struct ecs_buf line;

	ecs_buf_init(&line);
	ldw_journal_init(&j);
	test_fields(&j, doc, &line);
	test_failure(&j, doc, &line);
	test_real_journal(&j, doc, &line, argc > 1 ? argv[1] : NULL);
	entry_free(&captured);
	ldw_journal_free(&j);
	ecs_buf_free(&line);
	ecs_doc_free(doc);
	return tap_done();
}
