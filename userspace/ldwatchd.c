// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd: receives the ldwatch module's alerts over generic netlink and
 * writes each as one ECS JSON document a line, with health records that
 * account for every alert the stream did not deliver.
 *
 * One thread, one poll() loop over the alert socket and a signalfd, so
 * that signals are ordinary events: SIGTERM and SIGINT end the loop after
 * what is already queued is written; SIGHUP reopens the output file.
 *
 * States: waiting for the module (connect attempts every reconnect
 * interval) and connected. A connection is: a request socket for
 * GET_STATUS, and a listener socket joined to the alerts group or
 * subscribed, as the module's status says. STOPPING, the family's removal
 * or a dead socket end the connection; waiting starts again.
 *
 * The records and their fields are listed in ecs_records.h and in --help.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ldwatch/version.h>

#include "ecs_records.h"
#include "genl_client.h"
#include "journal_output.h"
#include "ldwatchd_state.h"

#define LDWD "ldwatchd"

enum {
	LDWD_EXIT_OK = 0,	/* stopped by SIGTERM or SIGINT */
	LDWD_EXIT_ERROR = 1,	/* could not run, or had to stop */
	LDWD_EXIT_USAGE = 2,
};

#define LDWD_DEFAULT_RCVBUF (8 << 20)
#define LDWD_DEFAULT_RECONNECT_MS 1000
/* Datagrams read before looking at signals again: a flood cannot starve them. */
#define LDWD_BATCH 256
/* What is still queued at SIGTERM is written, up to this many batches. */
#define LDWD_DRAIN_BATCHES 64
#define LDWD_USER_CACHE 64
#define LDWD_DEFAULT_HEARTBEAT_MS 60000
/* With the heartbeat off, the state file is still kept this fresh. */
#define LDWD_STATE_REFRESH_MS 60000

struct ldwd_options {
	const char *output;
	bool journal;		/* --journal (journal_output.c) */
	unsigned int reconnect_ms;
	int rcvbuf;
	unsigned int heartbeat_ms;	/* 0: no heartbeat */
	const char *state;
};

struct ldwd_user {
	uint32_t uid;
	bool valid;
	bool named;
	char name[256];
};

struct ldwd {
	struct ldwd_options opt;
	int out_fd;
	int sigfd;
	bool terminate;
	int status;

	struct ldw_genl *genl;
	struct ldw_listener *listener;
	int family;
	bool connecting;		/* messages now are kept for after the baseline */
	struct nlmsghdr **early;	/* ... here */
	size_t nearly;
	bool disconnect;		/* end the connection after this batch */
	const char *want_counters;	/* fetch and write the drop counters (trigger) */

	struct ldw_seq seq;
	uint64_t load_id;		/* of the current or last connection */
	bool have_load;
	bool stopped;			/* the load @stopped_load_id sent STOPPING */
	uint64_t stopped_load_id;
	bool absent_reported;
	int retry_err;			/* the last retried failure, said once */
	struct ldw_stats last_stats;	/* last written, for this load */
	bool have_last_stats;
	struct ldw_daemon_counters tally;

	/* Liveness: the heartbeat, the state file, the blind window. */
	uint64_t started_mono_ns;
	uint64_t next_tick_mono_ns;
	uint64_t last_next_seq;		/* of the current load, as far as seen */
	bool have_prev;			/* a load known before this connection ... */
	struct ldwd_state prev;		/* ... what was known of it, ... */
	const char *prev_from;		/* ... and from where ("reconnect", "state_file") */
	bool state_write_failed;	/* said once */

	struct ldw_ecs_ctx ctx;
	char host[HOST_NAME_MAX + 1];
	struct ldwd_user users[LDWD_USER_CACHE];
	struct ecs_doc *doc;
	struct ecs_buf line;
	int last_write_errno;
	/* A write failed after part of a line: end that line first. */
	bool line_cut;
	struct ldw_journal journal;	/* with --journal */
};

__attribute__((format(printf, 1, 2)))
static void ldwd_err(const char *fmt, ...)
{
	va_list ap;

	fputs(LDWD ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void ldwd_help(FILE *out)
{
	fputs("NAME\n"
	      "    " LDWD " - write the ldwatch module's alerts as ECS JSON lines\n"
	      "\n"
	      "SYNOPSIS\n"
	      "    " LDWD " [--output FILE] [--journal] [--reconnect-interval SECONDS]\n"
	      "             [--receive-buffer BYTES] [--heartbeat SECONDS]\n"
	      "             [--state FILE]\n"
	      "    " LDWD " --help | --version\n"
	      "\n"
	      "DESCRIPTION\n"
	      "    The ldwatch kernel module detects dynamic-linker hijacking (MITRE\n"
	      "    ATT&CK T1574.006): a process creating or renaming a file onto\n"
	      "    /etc/ld.so.preload, /etc/ld.so.conf or a file under /etc/ld.so.conf.d/.\n"
	      "    It sends each alert over generic netlink (family \"ldwatch\").\n"
	      "    " LDWD " receives them and writes each as one ECS document: one JSON\n"
	      "    object, with nested objects, on one line, in UTF-8, for Filebeat,\n"
	      "    Elastic Agent or any log shipper. It also writes health records that\n"
	      "    say when alerts were lost and why, so that nothing is lost silently.\n"
	      "\n"
	      "    It needs CAP_NET_ADMIN (run it as root): the module gives alerts to\n"
	      "    administrators only. It joins the module's multicast group \"alerts\",\n"
	      "    or subscribes for unicast delivery on kernels where the group cannot\n"
	      "    be restricted; the module's status says which.\n"
	      "\n"
	      "    Started before the module, it writes one ldwatch-module-absent record\n"
	      "    and checks for the module every reconnect interval. When the module\n"
	      "    is unloaded it writes ldwatch-sensor-stopping and waits for it in the\n"
	      "    same way; when it is loaded again, it reconnects by itself.\n"
	      "\n"
	      "    Every alert carries a sequence number, counting from 1 for each load\n"
	      "    of the module, without holes. A number that never arrives is written\n"
	      "    as an ldwatch-alerts-lost record, followed by the module's drop\n"
	      "    counters, which say why: within a second of the drop, when the\n"
	      "    module reports it, else when a later number shows the hole; never\n"
	      "    twice. A number that arrives twice is ignored.\n"
	      "\n"
	      "    Tampering with the sensor is an alert of its own: the module's\n"
	      "    unload (ldwatch-sensor-stopping, naming who unloads it) and, once it\n"
	      "    is back, the time it was away (ldwatch-sensor-blind-window), also\n"
	      "    across a restart of " LDWD " (--state).\n"
	      "\n"
	      "OPTIONS\n"
	      "    --output FILE\n"
	      "        Append to FILE (created with mode 0640) instead of writing to\n"
	      "        standard output. On SIGHUP it is closed and opened again, for\n"
	      "        logrotate.\n"
	      "\n"
	      "    --journal\n"
	      "        Also send every record to the systemd journal: MESSAGE a one-line\n"
	      "        summary, PRIORITY from the record (an alert's from its severity),\n"
	      "        SYSLOG_IDENTIFIER=" LDWD ", LDWATCH_ECS the ECS document, and\n"
	      "        LDWATCH_EVENT_KIND, LDWATCH_ACTION, LDWATCH_RULE_ID,\n"
	      "        LDWATCH_FILE_PATH, LDWATCH_SEQUENCE to filter on. Without\n"
	      "        --output, nothing goes to standard output. See ldwatchd(8).\n"
	      "\n"
	      "    --reconnect-interval SECONDS\n"
	      "        How often to check for the module while it is not loaded (default\n"
	      "        1; from 0.01 to 3600, fractions allowed).\n"
	      "\n"
	      "    --receive-buffer BYTES\n"
	      "        The netlink socket's receive buffer (default 8M; a number with an\n"
	      "        optional K, M or G suffix, powers of 1024; from 64K to 1G). As root\n"
	      "        it may exceed net.core.rmem_max. A larger buffer rides out longer\n"
	      "        bursts; an overrun is written as ldwatch-socket-overrun.\n"
	      "\n"
	      "    --heartbeat SECONDS\n"
	      "        Write an ldwatch-heartbeat record this often (default 60; 0\n"
	      "        turns it off; else from 0.01 to 86400, fractions allowed), so\n"
	      "        that a dead " LDWD " shows downstream as a missing heartbeat.\n"
	      "\n"
	      "    --state FILE\n"
	      "        Keep what " LDWD " last knew of the module (load id, next\n"
	      "        sequence number, the last time it was known alive) in FILE\n"
	      "        (default " LDWD_STATE_DEFAULT "), written atomically at\n"
	      "        each heartbeat (every 60 s with the heartbeat off), on\n"
	      "        connecting and at the module's unload. Started again, " LDWD "\n"
	      "        compares it with the module it finds: another load id is\n"
	      "        written as an ldwatch-sensor-blind-window alert. A missing\n"
	      "        FILE is a first start; one that cannot be read or makes no\n"
	      "        sense is said on standard error and in an\n"
	      "        ldwatch-state-unreadable record, and treated as unknown.\n"
	      "\n"
	      "    -h, --help\n"
	      "        Show this help and exit.\n"
	      "\n"
	      "    --version\n"
	      "        Show the version and the protocol version, and exit.\n"
	      "\n"
	      "OUTPUT\n"
	      "    One document per line, written with one write(2) each. Every\n"
	      "    document has @timestamp (RFC 3339, UTC, nanoseconds), ecs.version,\n"
	      "    event.kind, event.module \"ldwatch\", event.dataset, event.action,\n"
	      "    event.created (when " LDWD " received it), host.name and\n"
	      "    host.os.type \"linux\". ldwatch.load_id is the module load's random\n"
	      "    id, as 16 hex digits.\n"
	      "\n"
	      "    Strings are the file's bytes. Quotes, backslashes and control bytes\n"
	      "    are escaped, so a file name can never split or forge a line. A byte\n"
	      "    that is not valid UTF-8 becomes U+FFFD, and the field's exact bytes\n"
	      "    are added in base64 as ldwatch.raw.FIELD (ldwatch.raw.file.path, ...).\n"
	      "\n"
	      "  Alerts: event.kind \"alert\", event.dataset \"ldwatch.alert\"\n"
	      "    @timestamp is the time of the file operation. event.category [\"file\"],\n"
	      "    event.action \"creation\", \"rename\", \"modification\", \"link\",\n"
	      "    \"symlink\" or \"mount\"; event.type [\"creation\"] (creation, link,\n"
	      "    symlink) or [\"change\"] (rename, modification, mount);\n"
	      "    event.outcome \"success\", or \"failure\" with error.code (EACCES ...)\n"
	      "    and error.message (module parameter report_failures=1);\n"
	      "    event.sequence. event.severity and event.risk_score: the matched\n"
	      "    rule's risk score (47 for Elastic's rule, whose severity is\n"
	      "    \"medium\"; 73 for ldwatch's companion rule, \"high\"), since\n"
	      "    ECS severity is numeric; ldwatch.rule.severity the word.\n"
	      "    file.path, file.name, file.extension (absent when the name has no\n"
	      "    dot), file.directory, file.type (file, dir, symlink, fifo, ...);\n"
	      "    on renames file.Ext.original.path, .name, .extension, .directory\n"
	      "    for the old path. For an operation on a host target:\n"
	      "    ldwatch.target.path, the host's path of the target, and\n"
	      "    ldwatch.target.alias, how file.path differs (\"path\",\n"
	      "    \"mount_namespace\", \"root\").\n"
	      "    process.pid, process.parent.pid, process.thread.id,\n"
	      "    process.executable (from the process's root) and process.name (its\n"
	      "    basename; both absent for kernel threads); the command line is not\n"
	      "    available. With the module parameter companion=1 (the default):\n"
	      "    ldwatch.process.executable, the executable's path from the host's\n"
	      "    root, wherever the host reaches that very file by a path (absent\n"
	      "    for a file only another mount namespace has, and when the\n"
	      "    executable was replaced); ldwatch.process.host_root and\n"
	      "    ldwatch.process.host_mount_namespace, true when the process has\n"
	      "    pid 1's root and mount namespace (false in a chroot, a container,\n"
	      "    a private namespace); ldwatch.process.executable_replaced, true\n"
	      "    when it replaced its executable link after exec (prctl\n"
	      "    PR_SET_MM_EXE_FILE): process.executable may then not be what it\n"
	      "    was started from.\n"
	      "    user.id, user.name (if the uid has one), user.effective.id, group.id.\n"
	      "    rule.id, rule.name, rule.version of the rule that matched (each\n"
	      "    rule that matches gives its own alert); threat.framework \"MITRE\n"
	      "    ATT&CK\", threat.tactic.id/name, threat.technique.id/name,\n"
	      "    threat.technique.subtechnique.id/name: the rule's own mapping, as\n"
	      "    loaded (the built-in rules': TA0005 Defense Evasion, TA0003\n"
	      "    Persistence; T1574 Hijack Execution Flow; T1574.006 Dynamic Linker\n"
	      "    Hijacking). ldwatch.load_id, ldwatch.process.comm,\n"
	      "    ldwatch.mount_namespace; ldwatch.truncated, the fields whose paths\n"
	      "    were longer than PATH_MAX and are cut to \"...\" and their tail\n"
	      "    (\"file.path\", \"file.Ext.original.path\", \"process.executable\",\n"
	      "    \"ldwatch.process.executable\"; absent when none was cut);\n"
	      "    ldwatch.late_arrival: true for an alert that an earlier\n"
	      "    ldwatch-alerts-lost record had counted.\n"
	      "\n"
	      "  Health records: event.kind \"event\", event.dataset \"ldwatch.health\",\n"
	      "  a \"message\" for people, and by event.action:\n"
	      "    ldwatch-connected        ldwatch.load_id, ldwatch.next_sequence,\n"
	      "                             ldwatch.delivery, ldwatch.module_version,\n"
	      "                             ldwatch.interface_version,\n"
	      "                             ldwatch.socket.receive_buffer, rule.*\n"
	      "    ldwatch-alerts-lost      ldwatch.load_id, ldwatch.lost.first_sequence,\n"
	      "                             ldwatch.lost.count, ldwatch.lost.detected_by\n"
	      "                             (sensor_report, sequence_gap or\n"
	      "                             sensor_stopping); with sensor_report,\n"
	      "                             ldwatch.lost.reason (a drop reason)\n"
	      "    ldwatch-alerts-suppressed  the rate limit's summary of one window of one\n"
	      "                             budget: event.sequence (numbered like an alert),\n"
	      "                             ldwatch.load_id, ldwatch.suppressed.count,\n"
	      "                             .window_start, .window_end, whose budget\n"
	      "                             (.user.id, .user.name, .mount_namespace; or\n"
	      "                             .overflow true: the budget shared by those\n"
	      "                             who found the module's table full), the\n"
	      "                             evidence (.samples: [{@timestamp, event.action,\n"
	      "                             file.path, process.executable, user.id,\n"
	      "                             rule.id}], .samples_omitted), rule.*,\n"
	      "                             ldwatch.late_arrival as for alerts\n"
	      "    ldwatch-drop-counters    ldwatch.load_id, ldwatch.trigger (connected,\n"
	      "                             alerts_lost, socket_overrun, sensor_stopping),\n"
	      "                             ldwatch.dropped.REASON, ldwatch.dropped_total,\n"
	      "                             ldwatch.counters.NAME. Written on connecting,\n"
	      "                             with STOPPING, and after a loss or an overrun\n"
	      "                             when the counters changed. REASON: no_slot,\n"
	      "                             busy, task_exiting, path, no_memory,\n"
	      "                             queue_full, send_failed, unload,\n"
	      "                             kernel_thread. NAME: seen, candidates,\n"
	      "                             not_confirmed, no_match, excluded, matched,\n"
	      "                             sent, suppressed.\n"
	      "    ldwatch-socket-overrun   ldwatch.socket.overruns,\n"
	      "                             ldwatch.socket.receive_buffer\n"
	      "    ldwatch-module-absent    ldwatch.reconnect_interval_ms; once each time\n"
	      "                             " LDWD " starts waiting for the module\n"
	      "    ldwatch-state-unreadable  ldwatch.state.path, ldwatch.state.error\n"
	      "    ldwatch-rules-changed    the module's rule set changed: \"@timestamp\"\n"
	      "                             when, event.sequence (numbered like an\n"
	      "                             alert), event.category [\"configuration\"],\n"
	      "                             event.type [creation, change or deletion];\n"
	      "                             who: process.pid, process.executable,\n"
	      "                             process.name, user.id, user.name,\n"
	      "                             ldwatch.process.comm; what: rule.id,\n"
	      "                             rule.name, rule.version, ldwatch.rule.change\n"
	      "                             (loaded, replaced, removed),\n"
	      "                             ldwatch.rule.sha256, ldwatch.rule.origin\n"
	      "                             (built-in, loaded), ldwatch.rule.source,\n"
	      "                             ldwatch.rule.previous_version and\n"
	      "                             ldwatch.rule.previous_sha256 (a replacement),\n"
	      "                             ldwatch.rules.count, ldwatch.late_arrival\n"
	      "    ldwatch-malformed-message  ldwatch.malformed.reason, .length,\n"
	      "                             .command, .message_base64 (the message, up\n"
	      "                             to 4096 bytes); the message is not used\n"
	      "\n"
	      "  The sensor's own alerts: event.kind \"alert\", event.dataset\n"
	      "  \"ldwatch.tamper\", event.category [\"driver\"], severity high\n"
	      "  (event.severity and event.risk_score 73, ldwatch.rule.severity\n"
	      "  \"high\"), each under its own rule: rule.id (below), rule.name (the\n"
	      "  action), rule.version \"1\"; threat.framework \"MITRE ATT&CK\",\n"
	      "  threat.tactic.id/name (TA0005 Defense Evasion),\n"
	      "  threat.technique.id/name (T1562 Impair Defenses),\n"
	      "  threat.technique.subtechnique.id/name (T1562.001 Disable or Modify\n"
	      "  Tools); a \"message\":\n"
	      "    ldwatch-sensor-stopping  the module is being unloaded; rule.id\n"
	      "                             " LDW_RULE_ID_SENSOR_STOPPING ";\n"
	      "                             event.type [\"end\"]; who unloads it (if\n"
	      "                             the module says): process.pid,\n"
	      "                             process.executable, process.name, user.id,\n"
	      "                             user.name, ldwatch.process.comm;\n"
	      "                             ldwatch.load_id, ldwatch.next_sequence,\n"
	      "                             ldwatch.daemon.alerts_written,\n"
	      "                             .duplicates_ignored, .late_arrivals,\n"
	      "                             .alerts_lost, .malformed_messages,\n"
	      "                             .socket_overruns (for that load)\n"
	      "    ldwatch-sensor-blind-window  the module was away; rule.id\n"
	      "                             " LDW_RULE_ID_SENSOR_BLIND_WINDOW ";\n"
	      "                             event.type [\"info\"]; event.start (the old\n"
	      "                             load last known alive), event.end (the new\n"
	      "                             load's start), event.duration (ns);\n"
	      "                             ldwatch.load_id (the new load),\n"
	      "                             ldwatch.blind_window.previous_load_id,\n"
	      "                             .previous_next_sequence, .detected_by\n"
	      "                             (reconnect or state_file)\n"
	      "\n"
	      "  Heartbeat: event.kind \"state\", event.dataset \"ldwatch.health\",\n"
	      "  event.action \"ldwatch-heartbeat\", every --heartbeat interval:\n"
	      "    process.pid, process.uptime (seconds, of " LDWD "),\n"
	      "    ldwatch.heartbeat_interval_ms, ldwatch.module.loaded; with the\n"
	      "    module: ldwatch.load_id, ldwatch.next_sequence,\n"
	      "    ldwatch.module.load_time, ldwatch.module.uptime (seconds),\n"
	      "    ldwatch.dropped.REASON, ldwatch.dropped_total,\n"
	      "    ldwatch.counters.NAME, ldwatch.daemon.alerts_written, .alerts_lost.\n"
	      "\n"
	      "SIGNALS\n"
	      "    SIGTERM, SIGINT  write what is already received, then exit with 0.\n"
	      "    SIGHUP           reopen the --output file; look up the host name and\n"
	      "                     user names again.\n"
	      "\n"
	      "EXIT STATUS\n"
	      "    0   stopped by SIGTERM or SIGINT\n"
	      "    1   could not run or had to stop: not permitted (not root), the\n"
	      "        output cannot be opened or its reader went away, the module\n"
	      "        speaks another interface version, a netlink error\n"
	      "    2   usage error\n"
	      "\n"
	      "EXAMPLES\n"
	      "    " LDWD " --output /var/log/ldwatch/alerts.ndjson\n"
	      "    " LDWD " | jq -c 'select(.event.kind == \"alert\") | .file.path'\n"
	      "\n"
	      "SEE ALSO\n"
	      "    ldwatchctl status (the module's counters), ldwatchctl --help\n", out);
}

static int ldwd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int ldwd_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(LDWD ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" LDWD " --help'.\n", stderr);
	return LDWD_EXIT_USAGE;
}

static uint64_t ldwd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --- options --- */

static bool ldwd_parse_seconds(const char *arg, unsigned int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0.01 || v > 3600)
		return false;
	*ms = (unsigned int)(v * 1000 + 0.5);
	return true;
}

/* --heartbeat: 0 (off), or seconds from 0.01 to 86400. */
static bool ldwd_parse_heartbeat(const char *arg, unsigned int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v))
		return false;
	if (v == 0) {
		*ms = 0;
		return true;
	}
	if (v < 0.01 || v > 86400)
		return false;
	*ms = (unsigned int)(v * 1000 + 0.5);
	return true;
}

static bool ldwd_parse_bytes(const char *arg, int *bytes)
{
	unsigned long long v, mult = 1;
	char *end;

	if (*arg < '0' || *arg > '9')
		return false;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		mult = 1ull << 10;
	else if (*end == 'M' || *end == 'm')
		mult = 1ull << 20;
	else if (*end == 'G' || *end == 'g')
		mult = 1ull << 30;
	if (mult > 1)
		end++;
	if (*end || v > (1ull << 30) / mult)
		return false;
	v *= mult;
	if (v < (64u << 10))
		return false;
	*bytes = (int)v;
	return true;
}

/* Returns -1 to go on, else the exit status. */
static int ldwd_parse(int argc, char **argv, struct ldwd_options *opt)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "journal", no_argument, NULL, 'j' },
		{ "reconnect-interval", required_argument, NULL, 'r' },
		{ "receive-buffer", required_argument, NULL, 'b' },
		{ "heartbeat", required_argument, NULL, 'H' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *arg;
	int c;

	opt->reconnect_ms = LDWD_DEFAULT_RECONNECT_MS;
	opt->rcvbuf = LDWD_DEFAULT_RCVBUF;
	opt->heartbeat_ms = LDWD_DEFAULT_HEARTBEAT_MS;
	opt->state = LDWD_STATE_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return ldwd_usage_error("--output needs a file name");
			opt->output = optarg;
			break;
		case 'j':
			opt->journal = true;
			break;
		case 'r':
			if (!ldwd_parse_seconds(optarg, &opt->reconnect_ms))
				return ldwd_usage_error("--reconnect-interval: '%s' is not a number of seconds from 0.01 to 3600",
							optarg);
			break;
		case 'b':
			if (!ldwd_parse_bytes(optarg, &opt->rcvbuf))
				return ldwd_usage_error("--receive-buffer: '%s' is not a size from 64K to 1G",
							optarg);
			break;
		case 'H':
			if (!ldwd_parse_heartbeat(optarg, &opt->heartbeat_ms))
				return ldwd_usage_error("--heartbeat: '%s' is not 0 or a number of seconds from 0.01 to 86400",
							optarg);
			break;
		case 's':
			if (!*optarg)
				return ldwd_usage_error("--state needs a file name");
			opt->state = optarg;
			break;
		case 'h':
			ldwd_help(stdout);
			return fflush(stdout) ? LDWD_EXIT_ERROR : LDWD_EXIT_OK;
		case 'V':
			printf(LDWD " %s (ldwatch netlink interface version %d)\n",
			       LDW_VERSION, LDW_GENL_VERSION);
			return fflush(stdout) ? LDWD_EXIT_ERROR : LDWD_EXIT_OK;
		case ':':
			return ldwd_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			arg = argv[optind - 1];
			if (!strncmp(arg, "--", 2) && optopt)
				return ldwd_usage_error("option '%.*s' takes no argument",
							(int)strcspn(arg, "="), arg);
			if (!strncmp(arg, "--", 2) || !optopt)
				return ldwd_usage_error("unknown option '%s'", arg);
			return ldwd_usage_error("unknown option '-%c'", optopt);
		}
	}
	if (optind < argc)
		return ldwd_usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

/*
 * Receiving alerts needs CAP_NET_ADMIN. Say so at once, rather than after
 * waiting for the module; where /proc cannot tell, the kernel's answer
 * later will.
 */
static bool ldwd_capable(void)
{
	unsigned long long caps;
	char line[256];
	bool capable = true;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			capable = caps & (1ull << 12);	/* CAP_NET_ADMIN */
			break;
		}
	}
	fclose(f);
	return capable;
}

/* --- output --- */

static int ldwd_open_output(struct ldwd *d)
{
	int fd;

	if (!d->opt.output) {
		/* With --journal alone, the journal is the only output. */
		d->out_fd = d->opt.journal ? -1 : STDOUT_FILENO;
		return 0;
	}
	fd = open(d->opt.output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (d->out_fd > STDERR_FILENO)
		close(d->out_fd);
	d->out_fd = fd;
	return 0;
}

/* Write the document in d->doc as one line. */
static void ldwd_emit(struct ldwd *d)
{
	const char *p;
	ssize_t n;
	size_t left;
	int err;

	ecs_buf_reset(&d->line);
	err = ecs_doc_render(d->doc, &d->line);
	if (err) {
		ldwd_err("cannot build a record: %s", strerror(err));
		return;
	}
	if (d->opt.journal)
		ldw_journal_write(&d->journal, d->line.data, d->line.len);
	if (d->out_fd < 0)
		return;
	p = d->line.data;
	left = d->line.len;
	/*
	 * The cut line stays invalid, but ends: this document must not be
	 * glued to it, or a log shipper would lose both.
	 */
	if (d->line_cut && write(d->out_fd, "\n", 1) == 1)
		d->line_cut = false;
	while (left) {
		n = write(d->out_fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			if (left < d->line.len)
				d->line_cut = true;
			if (err != d->last_write_errno)
				ldwd_err("writing %s: %s (records are lost until writing works again)",
					 d->opt.output ? d->opt.output : "standard output",
					 strerror(err));
			d->last_write_errno = err;
			if (err == EPIPE) {
				/* Nobody will ever read: stop. */
				d->terminate = true;
				d->status = LDWD_EXIT_ERROR;
			}
			return;
		}
		p += n;
		left -= (size_t)n;
	}
	if (d->last_write_errno)
		ldwd_err("writing works again");
	d->last_write_errno = 0;
}

/* --- the record context: time, host, users --- */

static void ldwd_refresh_names(struct ldwd *d)
{
	if (gethostname(d->host, sizeof(d->host)) == 0) {
		d->host[sizeof(d->host) - 1] = '\0';
		d->ctx.host_name = d->host;
	} else {
		d->ctx.host_name = NULL;
	}
	memset(d->users, 0, sizeof(d->users));
}

/* user.name: NSS lookups can be slow (LDAP), so names are cached until SIGHUP. */
static const char *ldwd_user_name(void *arg, uint32_t uid)
{
	struct ldwd *d = arg;
	struct ldwd_user *u = &d->users[uid % LDWD_USER_CACHE];
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (!u->valid || u->uid != uid) {
		u->uid = uid;
		u->valid = true;
		u->named = getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res &&
			   strlen(res->pw_name) < sizeof(u->name);
		if (u->named)
			strcpy(u->name, res->pw_name);
	}
	return u->named ? u->name : NULL;
}

static const struct ldw_ecs_ctx *ldwd_ctx(struct ldwd *d)
{
	d->ctx.now_ns = ldwd_now();
	return &d->ctx;
}

/* --- messages --- */

static void ldwd_malformed(struct ldwd *d, const struct nlmsghdr *nlh, const char *reason)
{
	d->tally.malformed_messages++;
	ldw_ecs_malformed(d->doc, ldwd_ctx(d), reason, nlh, nlh->nlmsg_len);
	ldwd_emit(d);
}

/*
 * Account for the sequence number of @m, an alert or a rate limit summary:
 * report a gap before it. False: a duplicate, to be ignored; *@late: it was
 * reported lost earlier.
 */
static bool ldwd_sequence(struct ldwd *d, const struct ldw_msg *m, bool *late)
{
	uint64_t first = 0, count = 0;

	*late = false;
	if (m->load_id == d->load_id && m->seq >= d->last_next_seq)
		d->last_next_seq = m->seq + 1;
	switch (ldw_seq_alert(&d->seq, m->load_id, m->seq, &first, &count)) {
	case LDW_SEQ_DUPLICATE:
		d->tally.duplicates_ignored++;
		return false;
	case LDW_SEQ_GAP:
		d->tally.alerts_lost += count;
		ldw_ecs_alerts_lost(d->doc, ldwd_ctx(d), m->load_id, first, count, false);
		ldwd_emit(d);
		d->want_counters = "alerts_lost";
		break;
	case LDW_SEQ_LATE:
		d->tally.late_arrivals++;
		*late = true;
		break;
	case LDW_SEQ_IN_ORDER:
		break;
	}
	return true;
}

static void ldwd_alert(struct ldwd *d, const struct ldw_msg *m)
{
	bool late;

	if (!ldwd_sequence(d, m, &late))
		return;
	ldw_ecs_alert(d->doc, ldwd_ctx(d), m, late);
	ldwd_emit(d);
	d->tally.alerts_written++;
}

static void ldwd_suppressed(struct ldwd *d, const struct ldw_msg *m)
{
	bool late;

	if (!ldwd_sequence(d, m, &late))
		return;
	ldw_ecs_alerts_suppressed(d->doc, ldwd_ctx(d), m, late);
	ldwd_emit(d);
}

/* A change of the module's rule set: numbered like an alert, never lost silently. */
static void ldwd_rules_changed(struct ldwd *d, const struct ldw_msg *m)
{
	bool late;

	if (!ldwd_sequence(d, m, &late))
		return;
	ldw_ecs_rules_changed(d->doc, ldwd_ctx(d), m, late);
	ldwd_emit(d);
}

static void ldwd_write_counters(struct ldwd *d, uint64_t load_id, const struct ldw_stats *stats,
				const char *trigger, bool always)
{
	if (!always && d->have_last_stats &&
	    d->last_stats.has_dropped == stats->has_dropped &&
	    !memcmp(d->last_stats.dropped, stats->dropped, sizeof(stats->dropped)))
		return;
	d->last_stats = *stats;
	d->have_last_stats = true;
	ldw_ecs_drop_counters(d->doc, ldwd_ctx(d), load_id, stats, trigger);
	ldwd_emit(d);
}

static void ldwd_stopping(struct ldwd *d, const struct ldw_msg *m)
{
	uint64_t first = 0, count;

	count = ldw_seq_stop(&d->seq, m->load_id, m->next_seq, &first);
	if (count) {
		d->tally.alerts_lost += count;
		ldw_ecs_alerts_lost(d->doc, ldwd_ctx(d), m->load_id, first, count, true);
		ldwd_emit(d);
	}
	ldwd_write_counters(d, m->load_id, &m->stats, "sensor_stopping", true);
	ldw_ecs_sensor_stopping(d->doc, ldwd_ctx(d), m, &d->tally);
	ldwd_emit(d);
	d->stopped = true;
	d->stopped_load_id = m->load_id;
	d->disconnect = true;
	if (m->load_id == d->load_id)
		d->last_next_seq = m->next_seq;
}

/*
 * The module's drop report: numbers lost, and why, written at once; the
 * hole they leave is then not reported again when a later alert arrives.
 */
static void ldwd_lost(struct ldwd *d, const struct ldw_msg *m)
{
	uint64_t first = 0, count;

	count = ldw_seq_lost(&d->seq, m->load_id, m->lost_first_seq, m->lost_count, &first);
	if (!count)
		return;
	d->tally.alerts_lost += count;
	ldw_ecs_alerts_reported(d->doc, ldwd_ctx(d), m->load_id, first, count, m->lost_reason);
	ldwd_emit(d);
	d->want_counters = "alerts_lost";
}

static void ldwd_dispatch(struct ldwd *d, const struct nlmsghdr *nlh)
{
	char err[LDW_DECODE_ERR_SIZE];
	struct ldw_msg m;

	if (ldw_msg_decode(nlh, d->family, &m, err)) {
		ldwd_malformed(d, nlh, err);
		return;
	}
	switch (m.cmd) {
	case LDW_CMD_ALERT:
		ldwd_alert(d, &m);
		break;
	case LDW_CMD_STOPPING:
		ldwd_stopping(d, &m);
		break;
	case LDW_CMD_SUPPRESSED:
		ldwd_suppressed(d, &m);
		break;
	case LDW_CMD_LOST:
		ldwd_lost(d, &m);
		break;
	case LDW_CMD_RULES_CHANGED:
		ldwd_rules_changed(d, &m);
		break;
	default:
		/* Replies to our own requests: SUBSCRIBE's says what GET_STATUS did. */
		break;
	}
}

static void ldwd_on_message(void *arg, const struct nlmsghdr *nlh)
{
	struct ldwd *d = arg;
	struct nlmsghdr **early, *copy;

	if (!d->connecting) {
		ldwd_dispatch(d, nlh);
		return;
	}
	/* Alerts that came while subscribing wait for the sequence baseline. */
	early = realloc(d->early, (d->nearly + 1) * sizeof(*early));
	copy = malloc(nlh->nlmsg_len);
	if (!early || !copy) {
		free(copy);
		if (early)
			d->early = early;
		ldwd_err("out of memory: an alert received while connecting is lost");
		return;
	}
	memcpy(copy, nlh, nlh->nlmsg_len);
	d->early = early;
	d->early[d->nearly++] = copy;
}

static void ldwd_on_family_gone(void *arg)
{
	struct ldwd *d = arg;

	d->disconnect = true;
}

static const struct ldw_listener_ops ldwd_ops = {
	.message = ldwd_on_message,
	.family_gone = ldwd_on_family_gone,
};

/* --- liveness: the state file, the blind window, the heartbeat --- */

static uint64_t ldwd_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Record that the current load was alive at @time_ns. */
static void ldwd_state_save(struct ldwd *d, uint64_t time_ns)
{
	struct ldwd_state st = {
		.load_id = d->load_id,
		.next_seq = d->last_next_seq ? d->last_next_seq : 1,
		.time_ns = time_ns,
	};
	int ret;

	if (!d->have_load)
		return;
	ret = ldwd_state_write(d->opt.state, &st);
	if (ret && !d->state_write_failed)
		ldwd_err("writing the state file %s: %s (after a restart, a blind window of the sensor could not be told)",
			 d->opt.state, strerror(-ret));
	else if (!ret && d->state_write_failed)
		ldwd_err("writing the state file %s works again", d->opt.state);
	d->state_write_failed = ret != 0;
}

/* At start: what an earlier ldwatchd knew of the module, if anything. */
static void ldwd_state_load(struct ldwd *d)
{
	char err[LDWD_STATE_ERR_SIZE];
	int ret;

	ret = ldwd_state_read(d->opt.state, &d->prev, err);
	if (!ret) {
		d->have_prev = true;
		d->prev_from = "state_file";
		return;
	}
	if (ret == -ENOENT)
		return;	/* a first start */
	ldwd_err("state file %s: %s; treated as unknown (whether the sensor was away before this start cannot be told)",
		 d->opt.state, err);
	ldw_ecs_state_unreadable(d->doc, ldwd_ctx(d), d->opt.state, err);
	ldwd_emit(d);
}

/* The connection to the current load ended: remember it until the next. */
static void ldwd_load_gone(struct ldwd *d)
{
	uint64_t now = ldwd_now();

	if (!d->have_load)
		return;
	d->have_prev = true;
	d->prev.load_id = d->load_id;
	d->prev.next_seq = d->last_next_seq;
	d->prev.time_ns = now;
	d->prev_from = "reconnect";
	ldwd_state_save(d, now);
}

/* Connected to the load @st describes: was the module away before it? */
static void ldwd_blind_window(struct ldwd *d, const struct ldw_msg *st)
{
	struct ldw_blind_window w;

	if (d->have_prev && d->prev.load_id != st->load_id) {
		w.start_ns = d->prev.time_ns;
		w.end_ns = LDW_HAS(st, LDW_A_LOAD_TIME_NS) ? st->load_time_ns : 0;
		w.old_load_id = d->prev.load_id;
		w.old_next_seq = d->prev.next_seq;
		w.new_load_id = st->load_id;
		w.detected_by = d->prev_from;
		ldw_ecs_blind_window(d->doc, ldwd_ctx(d), &w);
		ldwd_emit(d);
	}
	d->have_prev = false;
}

static unsigned int ldwd_tick_every_ms(const struct ldwd *d)
{
	return d->opt.heartbeat_ms ? d->opt.heartbeat_ms : LDWD_STATE_REFRESH_MS;
}

/* How long until the next tick, in ms, for poll(). */
static int ldwd_tick_wait_ms(const struct ldwd *d)
{
	uint64_t now = ldwd_mono();

	if (now >= d->next_tick_mono_ns)
		return 0;
	return (int)((d->next_tick_mono_ns - now + 999999) / 1000000);
}

/*
 * Every heartbeat interval: ask the module how it is, write the heartbeat
 * and keep the state file fresh.
 */
static void ldwd_tick(struct ldwd *d)
{
	char reason[LDW_DECODE_ERR_SIZE] = "";
	struct ldw_heartbeat hb = { 0 };
	uint64_t now = ldwd_mono();
	struct ldw_reply st;
	int ret;

	if (now < d->next_tick_mono_ns)
		return;
	d->next_tick_mono_ns = now + ldwd_tick_every_ms(d) * 1000000ull;
	if (d->listener && !d->disconnect) {
		ret = ldw_genl_status(d->genl, &st, reason);
		if (!ret && st.msg.load_id == d->load_id) {
			hb.status = &st.msg;
			hb.tally = &d->tally;
			if (st.msg.next_seq > d->last_next_seq)
				d->last_next_seq = st.msg.next_seq;
			ldwd_state_save(d, ldwd_now());
		} else if (!ret) {
			ldw_reply_free(&st);
			d->disconnect = true;	/* reloaded: reconnect */
		} else if (ret == -ENOENT) {
			d->disconnect = true;
		}
	}
	if (d->opt.heartbeat_ms) {
		hb.pid = (uint32_t)getpid();
		hb.uptime_s = (now - d->started_mono_ns) / 1000000000u;
		hb.interval_ms = d->opt.heartbeat_ms;
		ldw_ecs_heartbeat(d->doc, ldwd_ctx(d), &hb);
		ldwd_emit(d);
	}
	if (hb.status)
		ldw_reply_free(&st);
}

/* --- connection --- */

enum ldwd_connect_result {
	LDWD_CONNECTED,
	LDWD_WAIT,		/* not there (yet): try again later */
	LDWD_FATAL,		/* d->status says how to exit */
};

static void ldwd_disconnect(struct ldwd *d)
{
	size_t i;

	ldw_listener_close(d->listener);
	d->listener = NULL;
	ldw_genl_close(d->genl);
	d->genl = NULL;
	for (i = 0; i < d->nearly; i++)
		free(d->early[i]);
	free(d->early);
	d->early = NULL;
	d->nearly = 0;
	d->connecting = false;
	d->disconnect = false;
	d->want_counters = NULL;
}

static enum ldwd_connect_result ldwd_fatal(struct ldwd *d)
{
	ldwd_disconnect(d);
	d->status = LDWD_EXIT_ERROR;
	return LDWD_FATAL;
}

/*
 * A failed step of connecting: @ret from @what. Absence and timeouts mean
 * waiting; permission, protocol and other errors end ldwatchd.
 */
static enum ldwd_connect_result ldwd_connect_failed(struct ldwd *d, const char *what, int ret,
						    const char *reason)
{
	switch (ret) {
	case -ENOENT:
		ldwd_disconnect(d);
		if (!d->absent_reported) {
			ldw_ecs_module_absent(d->doc, ldwd_ctx(d), d->opt.reconnect_ms);
			ldwd_emit(d);
			d->absent_reported = true;
		}
		return LDWD_WAIT;
	case -ETIMEDOUT:
	case -EBUSY:
		/* No answer, or the module serves enough subscribers: said once. */
		if (d->retry_err != ret)
			ldwd_err("%s: %s; trying again every %u ms", what,
				 ret == -EBUSY ? "the module has as many listeners as it serves" :
						 "the module did not answer", d->opt.reconnect_ms);
		d->retry_err = ret;
		ldwd_disconnect(d);
		return LDWD_WAIT;
	case -EPERM:
		ldwd_err("%s: %s: run as root (needs CAP_NET_ADMIN)", what, strerror(EPERM));
		return ldwd_fatal(d);
	case -EPROTO:
		ldwd_err("%s: the module speaks another protocol (%s): install matching versions of the module and " LDWD,
			 what, reason);
		return ldwd_fatal(d);
	case -EINVAL:
		if (reason && *reason) {
			ldwd_err("%s: malformed reply: %s", what, reason);
			return ldwd_fatal(d);
		}
		break;
	default:
		break;
	}
	ldwd_err("%s: %s", what, strerror(-ret));
	return ldwd_fatal(d);
}

static void ldwd_new_load(struct ldwd *d, uint64_t load_id)
{
	if (d->have_load && d->load_id == load_id)
		return;
	d->have_load = true;
	d->load_id = load_id;
	d->have_last_stats = false;
	memset(&d->tally, 0, sizeof(d->tally));
}

static enum ldwd_connect_result ldwd_connect(struct ldwd *d)
{
	static const char status_what[] = "asking the ldwatch module for its status";
	char reason[LDW_DECODE_ERR_SIZE] = "";
	struct ldw_reply first, base;
	uint64_t first_load;
	const char *what;
	size_t i;
	int ret;

	ret = ldw_genl_open(&d->genl);
	if (ret)
		return ldwd_connect_failed(d, "looking up the ldwatch netlink family", ret, NULL);
	d->family = ldw_genl_family(d->genl);
	ret = ldw_genl_status(d->genl, &first, reason);
	if (ret)
		return ldwd_connect_failed(d, status_what, ret, reason);
	if (d->stopped && first.msg.load_id == d->stopped_load_id) {
		/* The module that said STOPPING is still on its way out. */
		ldw_reply_free(&first);
		ldwd_disconnect(d);
		return LDWD_WAIT;
	}

	d->connecting = true;
	first_load = first.msg.load_id;
	ret = ldw_listener_open(d->genl, first.msg.delivery, d->opt.rcvbuf, &ldwd_ops, d,
				&d->listener, &what);
	ldw_reply_free(&first);
	if (ret)
		return ldwd_connect_failed(d, what, ret, NULL);

	/*
	 * The baseline, asked once the socket receives: every alert numbered
	 * from NEXT_SEQ on reaches the socket (or is counted as dropped).
	 */
	ret = ldw_genl_status(d->genl, &base, reason);
	if (ret)
		return ldwd_connect_failed(d, status_what, ret, reason);
	if (base.msg.load_id != first_load) {
		/* Reloaded in between, perhaps with another delivery: start over. */
		ldw_reply_free(&base);
		ldwd_disconnect(d);
		return LDWD_WAIT;
	}
	d->stopped = false;
	d->absent_reported = false;
	d->retry_err = 0;
	ldwd_blind_window(d, &base.msg);
	if (!d->have_load || d->load_id != base.msg.load_id)
		d->last_next_seq = base.msg.next_seq;
	ldwd_new_load(d, base.msg.load_id);
	ldw_seq_start(&d->seq, base.msg.load_id, base.msg.next_seq);
	ldwd_state_save(d, ldwd_now());
	ldw_ecs_connected(d->doc, ldwd_ctx(d), &base.msg, ldw_listener_rcvbuf(d->listener));
	ldwd_emit(d);
	ldwd_write_counters(d, base.msg.load_id, &base.msg.stats, "connected", true);
	ldw_reply_free(&base);

	d->connecting = false;
	for (i = 0; i < d->nearly; i++) {
		ldwd_dispatch(d, d->early[i]);
		free(d->early[i]);
	}
	free(d->early);
	d->early = NULL;
	d->nearly = 0;
	return LDWD_CONNECTED;
}

/* After a loss or an overrun: the module's counters, if they changed. */
static void ldwd_fetch_counters(struct ldwd *d)
{
	char reason[LDW_DECODE_ERR_SIZE] = "";
	const char *trigger = d->want_counters;
	struct ldw_reply st;
	int ret;

	d->want_counters = NULL;
	ret = ldw_genl_status(d->genl, &st, reason);
	if (ret == -ENOENT) {
		d->disconnect = true;
		return;
	}
	if (ret) {
		ldwd_err("asking the ldwatch module for its counters: %s%s%s", strerror(-ret),
			 *reason ? ": " : "", reason);
		return;
	}
	if (st.msg.load_id != d->load_id)
		d->disconnect = true;	/* reloaded: reconnect for a new baseline */
	else
		ldwd_write_counters(d, st.msg.load_id, &st.msg.stats, trigger, false);
	ldw_reply_free(&st);
}

/* Read what the listener has. Returns false if the connection is to end. */
static bool ldwd_receive(struct ldwd *d, unsigned int batches)
{
	int ret;

	while (batches--) {
		ret = ldw_listener_receive(d->listener, LDWD_BATCH);
		if (ret == -ENOBUFS) {
			d->tally.socket_overruns++;
			ldw_ecs_socket_overrun(d->doc, ldwd_ctx(d), d->tally.socket_overruns,
					       ldw_listener_rcvbuf(d->listener));
			ldwd_emit(d);
			d->want_counters = "socket_overrun";
			continue;
		}
		if (ret < 0) {
			ldwd_err("receiving from the ldwatch module: %s; reconnecting", strerror(-ret));
			return false;
		}
		if (d->disconnect || !ret)
			break;
	}
	if (d->want_counters && !d->disconnect)
		ldwd_fetch_counters(d);
	return !d->disconnect;
}

/* --- signals and the main loop --- */

static int ldwd_signals(struct ldwd *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd < 0)
		return -errno;
	/* A write to a closed pipe returns EPIPE, which ldwd_emit() reports. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void ldwd_handle_signals(struct ldwd *d)
{
	struct signalfd_siginfo si;
	int ret;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			d->terminate = true;
			break;
		case SIGHUP:
			ldwd_refresh_names(d);
			ret = ldwd_open_output(d);
			if (ret)
				ldwd_err("reopening %s: %s (still writing to the file as it was opened)",
					 d->opt.output, strerror(-ret));
			break;
		default:
			break;
		}
	}
}

/* Wait up to @ms (-1: no limit) for a signal or, when connected, a message. */
static bool ldwd_wait(struct ldwd *d, int ms)
{
	struct pollfd fds[2] = {
		{ .fd = d->sigfd, .events = POLLIN },
		{ .fd = d->listener ? ldw_listener_fd(d->listener) : -1, .events = POLLIN },
	};

	if (poll(fds, 2, ms) < 0 && errno != EINTR) {
		ldwd_err("poll: %s", strerror(errno));
		d->terminate = true;
		d->status = LDWD_EXIT_ERROR;
		return false;
	}
	if (fds[0].revents & POLLIN)
		ldwd_handle_signals(d);
	return fds[1].revents & (POLLIN | POLLERR);
}

static void ldwd_run(struct ldwd *d)
{
	int tick_ms;

	while (!d->terminate) {
		ldwd_tick(d);
		if (d->listener && d->disconnect) {
			ldwd_load_gone(d);
			ldwd_disconnect(d);
		}
		tick_ms = ldwd_tick_wait_ms(d);
		if (!d->listener) {
			switch (ldwd_connect(d)) {
			case LDWD_FATAL:
				return;
			case LDWD_WAIT:
				ldwd_wait(d, tick_ms < (int)d->opt.reconnect_ms ? tick_ms :
					  (int)d->opt.reconnect_ms);
				continue;
			case LDWD_CONNECTED:
				break;
			}
		}
		if (ldwd_wait(d, tick_ms) && !ldwd_receive(d, 1)) {
			ldwd_load_gone(d);
			ldwd_disconnect(d);
			/* Straight to reconnecting: the module may be there already. */
		}
	}
	/* Stopping: write what the socket holds already. */
	if (d->listener) {
		ldwd_receive(d, LDWD_DRAIN_BATCHES);
		ldwd_state_save(d, ldwd_now());
	}
}

int main(int argc, char **argv)
{
	struct ldwd d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.out_fd = STDOUT_FILENO;
	d.sigfd = -1;
	ret = ldwd_parse(argc, argv, &d.opt);
	if (ret >= 0)
		return ret;
	if (!ldwd_capable()) {
		ldwd_err("receiving ldwatch alerts: %s: run as root (needs CAP_NET_ADMIN)",
			 strerror(EPERM));
		return LDWD_EXIT_ERROR;
	}
	ret = ldwd_open_output(&d);
	if (ret) {
		ldwd_err("opening %s: %s", d.opt.output, strerror(-ret));
		return LDWD_EXIT_ERROR;
	}
	ret = ldwd_signals(&d);
	d.doc = ecs_doc_new();
	if (ret || !d.doc) {
		ldwd_err("starting: %s", strerror(ret ? -ret : ENOMEM));
		return LDWD_EXIT_ERROR;
	}
	ecs_buf_init(&d.line);
	ldw_journal_init(&d.journal);
	ldwd_refresh_names(&d);
	d.ctx.user_name = ldwd_user_name;
	d.ctx.user_arg = &d;
	d.started_mono_ns = ldwd_mono();
	d.next_tick_mono_ns = d.started_mono_ns + ldwd_tick_every_ms(&d) * 1000000ull;
	ldwd_state_load(&d);

	ldwd_run(&d);

	ldwd_disconnect(&d);
	ecs_doc_free(d.doc);
	ecs_buf_free(&d.line);
	ldw_journal_free(&d.journal);
	close(d.sigfd);
	if (d.out_fd > STDERR_FILENO && close(d.out_fd)) {
		ldwd_err("closing %s: %s", d.opt.output, strerror(errno));
		return LDWD_EXIT_ERROR;
	}
	return d.status;
}
