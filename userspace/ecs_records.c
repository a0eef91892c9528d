// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatchd's records as ECS documents. The field list is in ecs_records.h.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/genetlink.h>

#include "ecs_records.h"

/*
 * The rule's threat mapping, from its text (Elastic's "Dynamic Linker
 * Creation or Modification", tests/data/elastic-rule-...txt): two tactics,
 * one technique and its sub-technique.
 */
/*
 * The threat.* fields of a MITRE ATT&CK mapping given as the arrays
 * PREFIX##tactic_ids, _names, technique_ids, _names, subtechnique_ids, _names.
 */
#define LDW_PUT_THREAT(doc, prefix) do {					\
	ecs_put_cstr(doc, "threat.framework", "MITRE ATT&CK");			\
	ecs_put_strv(doc, "threat.tactic.id", prefix##tactic_ids,		\
		     LDW_LEN(prefix##tactic_ids));				\
	ecs_put_strv(doc, "threat.tactic.name", prefix##tactic_names,		\
		     LDW_LEN(prefix##tactic_names));				\
	ecs_put_strv(doc, "threat.technique.id", prefix##technique_ids,	\
		     LDW_LEN(prefix##technique_ids));				\
	ecs_put_strv(doc, "threat.technique.name", prefix##technique_names,	\
		     LDW_LEN(prefix##technique_names));				\
	ecs_put_strv(doc, "threat.technique.subtechnique.id",			\
		     prefix##subtechnique_ids, LDW_LEN(prefix##subtechnique_ids));	\
	ecs_put_strv(doc, "threat.technique.subtechnique.name",		\
		     prefix##subtechnique_names,				\
		     LDW_LEN(prefix##subtechnique_names));			\
} while (0)

/*
 * The threat.* fields of a rule's mapping as the module carries it
 * (LDW_A_RULE_THREAT: "tactic", "technique" or "subtechnique", a tab, the
 * id, a tab, the name, a line each), each id once, in order, as the arrays
 * LDW_PUT_THREAT() writes. Lines that are not of this shape are skipped.
 */
#define LDW_THREAT_MAX 64

struct ldw_threat_arrays {
	const char *ids[3][LDW_THREAT_MAX];
	const char *names[3][LDW_THREAT_MAX];
	size_t n[3];
};

static void ldw_put_threat_text(struct ecs_doc *doc, struct ldw_str text)
{
	static const char *const kinds[3] = { "tactic", "technique", "subtechnique" };
	static const char *const keys[3][2] = {
		{ "threat.tactic.id", "threat.tactic.name" },
		{ "threat.technique.id", "threat.technique.name" },
		{ "threat.technique.subtechnique.id", "threat.technique.subtechnique.name" },
	};
	struct ldw_threat_arrays *a = calloc(1, sizeof(*a));
	char *copy = strndup(text.ptr, text.len), *line, *save = NULL;
	size_t k, i;

	if (!a || !copy)
		goto out;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *id = strchr(line, '\t'), *name;

		if (!id)
			continue;
		*id++ = '\0';
		name = strchr(id, '\t');
		if (!name)
			continue;
		*name++ = '\0';
		for (k = 0; k < 3 && strcmp(line, kinds[k]); k++)
			;
		if (k == 3 || a->n[k] == LDW_THREAT_MAX)
			continue;
		for (i = 0; i < a->n[k] && strcmp(a->ids[k][i], id); i++)
			;
		if (i < a->n[k])
			continue;
		a->ids[k][a->n[k]] = id;
		a->names[k][a->n[k]++] = name;
	}
	if (!a->n[0])
		goto out;
	ecs_put_cstr(doc, "threat.framework", "MITRE ATT&CK");
	for (k = 0; k < 3; k++) {
		if (!a->n[k])
			continue;
		ecs_put_strv(doc, keys[k][0], a->ids[k], a->n[k]);
		ecs_put_strv(doc, keys[k][1], a->names[k], a->n[k]);
	}
out:
	free(copy);
	free(a);
}

#define LDW_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void ldw_put(struct ecs_doc *doc, const char *key, struct ldw_str s)
{
	if (ldw_str_present(s))
		ecs_put_str(doc, key, s.ptr, s.len);
}

static void ldw_put_load_id(struct ecs_doc *doc, uint64_t load_id)
{
	char hex[17];

	snprintf(hex, sizeof(hex), "%016" PRIx64, load_id);
	ecs_put_cstr(doc, "ldwatch.load_id", hex);
}

static void ldw_put_id(struct ecs_doc *doc, const char *key, uint32_t id)
{
	char num[11];

	snprintf(num, sizeof(num), "%" PRIu32, id);
	ecs_put_cstr(doc, key, num);
}

/* The part every record shares; @timestamp_ns is what "@timestamp" says. */
static void ldw_common(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       uint64_t timestamp_ns, const char *kind, const char *dataset)
{
	ecs_doc_clear(doc);
	ecs_put_time(doc, "@timestamp", timestamp_ns);
	ecs_put_cstr(doc, "ecs.version", LDW_ECS_VERSION);
	ecs_put_cstr(doc, "event.kind", kind);
	ecs_put_cstr(doc, "event.module", "ldwatch");
	ecs_put_cstr(doc, "event.dataset", dataset);
	ecs_put_time(doc, "event.created", ctx->now_ns);
}

static void ldw_host(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx)
{
	ecs_put_cstr(doc, "host.name", ctx->host_name);
	ecs_put_cstr(doc, "host.os.type", "linux");
}

/*
 * file.directory: the path up to its last '/', which is "/" itself for a
 * file in the root; absent for a path without '/'.
 */
static struct ldw_str ldw_directory(struct ldw_str path)
{
	size_t i;

	if (!ldw_str_present(path))
		return path;
	for (i = path.len; i > 0; i--) {
		if (path.ptr[i - 1] == '/')
			return (struct ldw_str){ path.ptr, i > 1 ? i - 1 : 1 };
	}
	return LDW_STR_ABSENT;
}

/* file.@prefix.{path,name,extension,directory} of @path. */
static void ldw_file(struct ecs_doc *doc, const char *prefix, struct ldw_str path)
{
	struct ldw_str name = ldw_basename(path);
	char key[64];

	snprintf(key, sizeof(key), "%s.path", prefix);
	ldw_put(doc, key, path);
	snprintf(key, sizeof(key), "%s.name", prefix);
	ldw_put(doc, key, name);
	/* The matcher's own derivation: identical to what the rule tested. */
	snprintf(key, sizeof(key), "%s.extension", prefix);
	ldw_put(doc, key, ldw_extension(name));
	snprintf(key, sizeof(key), "%s.directory", prefix);
	ldw_put(doc, key, ldw_directory(path));
}

/* ECS event.type of each action: what it does to the file. */
static const char *ldw_event_type(unsigned int action)
{
	switch (action) {
	case LDW_ACTION_RENAME:
	case LDW_ACTION_MODIFICATION:
	case LDW_ACTION_MOUNT:
		return "change";
	default:
		return "creation";
	}
}

/* ECS file.type of the S_IFMT bits: file, dir, symlink, or another word. */
static const char *ldw_file_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFIFO:
		return "fifo";
	case S_IFCHR:
		return "char_device";
	case S_IFBLK:
		return "block_device";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

/* A bit of a protocol bit set, and the name a record lists it by. */
struct ldw_bit_name {
	uint32_t bit;
	const char *name;
};

/* ldwatch.target.alias: how the process's view differs from the host's. */
static const struct ldw_bit_name ldw_alias_names[] = {
	{ LDW_ALIAS_PATH, "path" },
	{ LDW_ALIAS_MOUNT_NAMESPACE, "mount_namespace" },
	{ LDW_ALIAS_ROOT, "root" },
};

/* ldwatch.truncated: the ECS fields whose paths were cut to their tail. */
static const struct ldw_bit_name ldw_truncated_names[] = {
	{ LDW_TRUNCATED_FILE_PATH, "file.path" },
	{ LDW_TRUNCATED_ORIGINAL_PATH, "file.Ext.original.path" },
	{ LDW_TRUNCATED_EXECUTABLE, "process.executable" },
	{ LDW_TRUNCATED_HOST_EXECUTABLE, "ldwatch.process.executable" },
};

/* @field: the names of the bits of @bits that @table knows, if any. */
static void ldw_put_bit_names(struct ecs_doc *doc, const char *field, uint32_t bits,
			      const struct ldw_bit_name *table, size_t len)
{
	const char *names[32];
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (bits & table[i].bit)
			names[n++] = table[i].name;
	if (n)
		ecs_put_strv(doc, field, names, n);
}

/* How the process differs from pid 1's view: each a boolean to filter on. */
static void ldw_process_view(struct ecs_doc *doc, uint32_t view)
{
	ecs_put_bool(doc, "ldwatch.process.host_root", !(view & LDW_PROCESS_VIEW_ROOT));
	ecs_put_bool(doc, "ldwatch.process.host_mount_namespace",
		     !(view & LDW_PROCESS_VIEW_MOUNT_NAMESPACE));
	ecs_put_bool(doc, "ldwatch.process.executable_replaced",
		     view & LDW_PROCESS_VIEW_EXE_REPLACED);
}

void ldw_ecs_alert(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		   const struct ldw_msg *a, bool late)
{
	bool rename = a->action == LDW_ACTION_RENAME;
	const char *action = ldw_action_name(a->action);
	const char *type = ldw_event_type(a->action);
	const char *category = "file";
	uint32_t risk = LDW_HAS(a, LDW_A_RULE_RISK_SCORE) ? a->rule_risk_score :
			ldw_default_rule.risk_score;
	bool failed = LDW_HAS(a, LDW_A_OUTCOME) && a->outcome == LDW_OUTCOME_FAILURE;
	const char *user_name = NULL;
	char version[11];

	ldw_common(doc, ctx, a->time_ns, "alert", "ldwatch.alert");
	ecs_put_strv(doc, "event.category", &category, 1);
	ecs_put_strv(doc, "event.type", &type, 1);
	ecs_put_cstr(doc, "event.action", action);
	ecs_put_cstr(doc, "event.outcome", failed ? "failure" : "success");
	ecs_put_u64(doc, "event.sequence", a->seq);
	ecs_put_u64(doc, "event.severity", risk);
	ecs_put_u64(doc, "event.risk_score", risk);

	ldw_file(doc, "file", a->file_path);
	if (LDW_HAS(a, LDW_A_FILE_TYPE))
		ecs_put_cstr(doc, "file.type", ldw_file_type(a->file_type));
	if (failed && LDW_HAS(a, LDW_A_ERROR) && a->error) {
		/* error.code is a keyword: the errno's name, or its number. */
		const char *name = strerrorname_np((int)a->error);
		char number[11];

		snprintf(number, sizeof(number), "%" PRIu32, a->error);
		ecs_put_cstr(doc, "error.code", name ? name : number);
		ecs_put_cstr(doc, "error.message", strerror((int)a->error));
	}
	if (rename)
		ldw_file(doc, "file.Ext.original", a->original_path);

	ecs_put_u64(doc, "process.pid", a->pid);
	ecs_put_u64(doc, "process.parent.pid", a->ppid);
	ecs_put_u64(doc, "process.thread.id", a->tid);
	ldw_put(doc, "process.executable", a->executable);
	ldw_put(doc, "process.name", ldw_basename(a->executable));

	ldw_put_id(doc, "user.id", a->uid);
	if (ctx->user_name)
		user_name = ctx->user_name(ctx->user_arg, a->uid);
	ecs_put_cstr(doc, "user.name", user_name);
	ldw_put_id(doc, "user.effective.id", a->euid);
	ldw_put_id(doc, "group.id", a->gid);

	ldw_host(doc, ctx);

	ldw_put(doc, "rule.id", a->rule_id);
	ldw_put(doc, "rule.name", a->rule_name);
	snprintf(version, sizeof(version), "%" PRIu32, a->rule_version);
	ecs_put_cstr(doc, "rule.version", version);

	/*
	 * The loaded rule's own mapping; modules before rule sets sent none,
	 * and judged by the built-in default rule only.
	 */
	if (LDW_HAS(a, LDW_A_RULE_THREAT))
		ldw_put_threat_text(doc, a->rule_threat);
	else
		ldw_put_threat_text(doc, ldw_str_cstr(ldw_default_rule.threat));

	ldw_put_load_id(doc, a->load_id);
	if (LDW_HAS(a, LDW_A_RULE_SEVERITY))
		ldw_put(doc, "ldwatch.rule.severity", a->rule_severity);
	if (LDW_HAS(a, LDW_A_TARGET_PATH)) {
		ldw_put(doc, "ldwatch.target.path", a->target_path);
		ldw_put_bit_names(doc, "ldwatch.target.alias", a->target_aliases,
				  ldw_alias_names, LDW_LEN(ldw_alias_names));
	}
	if (LDW_HAS(a, LDW_A_HOST_EXECUTABLE))
		ldw_put(doc, "ldwatch.process.executable", a->host_executable);
	if (LDW_HAS(a, LDW_A_PROCESS_VIEW))
		ldw_process_view(doc, a->process_view);
	if (LDW_HAS(a, LDW_A_TRUNCATED))
		ldw_put_bit_names(doc, "ldwatch.truncated", a->truncated,
				  ldw_truncated_names, LDW_LEN(ldw_truncated_names));
	ldw_put(doc, "ldwatch.process.comm", a->comm);
	ecs_put_u64(doc, "ldwatch.mount_namespace", a->mntns);
	if (late)
		ecs_put_bool(doc, "ldwatch.late_arrival", true);
}

static uint64_t ldw_put_stats(struct ecs_doc *doc, const struct ldw_stats *stats);

/* A health record's opening: the common fields and its @action. */
static void ldw_health(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx, const char *action)
{
	ldw_common(doc, ctx, ctx->now_ns, "event", "ldwatch.health");
	ecs_put_cstr(doc, "event.action", action);
	ldw_host(doc, ctx);
}

__attribute__((format(printf, 2, 3)))
static void ldw_message(struct ecs_doc *doc, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ecs_put_cstr(doc, "message", text);
}

void ldw_ecs_connected(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const struct ldw_msg *st, int rcvbuf)
{
	const char *delivery = ldw_delivery_name(st->delivery);

	ldw_health(doc, ctx, "ldwatch-connected");
	ldw_message(doc, "ldwatchd receives alerts from ldwatch %.*s by %s; the next alert is number %" PRIu64,
		    (int)(st->module_version.len > 64 ? 64 : st->module_version.len),
		    st->module_version.ptr, delivery ? delivery : "?", st->next_seq);
	ldw_put_load_id(doc, st->load_id);
	ecs_put_u64(doc, "ldwatch.next_sequence", st->next_seq);
	ecs_put_cstr(doc, "ldwatch.delivery", delivery);
	ldw_put(doc, "ldwatch.module_version", st->module_version);
	ecs_put_u64(doc, "ldwatch.interface_version", st->version);
	if (rcvbuf >= 0)
		ecs_put_u64(doc, "ldwatch.socket.receive_buffer", (uint64_t)rcvbuf);
	ldw_put(doc, "rule.id", st->rule_id);
	ldw_put(doc, "rule.name", st->rule_name);
	if (LDW_HAS(st, LDW_A_RULE_VERSION)) {
		char version[11];

		snprintf(version, sizeof(version), "%" PRIu32, st->rule_version);
		ecs_put_cstr(doc, "rule.version", version);
	}
}

void ldw_ecs_alerts_lost(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			 uint64_t load_id, uint64_t first, uint64_t count,
			 bool at_stopping)
{
	ldw_health(doc, ctx, "ldwatch-alerts-lost");
	ldw_message(doc, "%" PRIu64 " alert%s lost, from sequence number %" PRIu64
		    " (see the module's drop counters)",
		    count, count == 1 ? "" : "s", first);
	ldw_put_load_id(doc, load_id);
	ecs_put_u64(doc, "ldwatch.lost.first_sequence", first);
	ecs_put_u64(doc, "ldwatch.lost.count", count);
	ecs_put_cstr(doc, "ldwatch.lost.detected_by",
		     at_stopping ? "sensor_stopping" : "sequence_gap");
}

void ldw_ecs_alerts_reported(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			     uint64_t load_id, uint64_t first, uint64_t count, uint32_t reason)
{
	const char *name = ldw_drop_name(reason);
	char number[24];

	if (!name) {
		snprintf(number, sizeof(number), "reason_%" PRIu32, reason);
		name = number;
	}
	ldw_health(doc, ctx, "ldwatch-alerts-lost");
	ldw_message(doc, "%" PRIu64 " alert%s lost, from sequence number %" PRIu64
		    ": the module dropped %s (%s)", count, count == 1 ? "" : "s", first,
		    count == 1 ? "it" : "them", name);
	ldw_put_load_id(doc, load_id);
	ecs_put_u64(doc, "ldwatch.lost.first_sequence", first);
	ecs_put_u64(doc, "ldwatch.lost.count", count);
	ecs_put_cstr(doc, "ldwatch.lost.detected_by", "sensor_report");
	ecs_put_cstr(doc, "ldwatch.lost.reason", name);
}

/*
 * ldwatch.suppressed.samples: one object per sample, as an alert names its
 * fields. Returns how many it wrote: all, unless memory ran out.
 */
static unsigned int ldw_samples(struct ecs_doc *doc, const struct ldw_samples *samples)
{
	struct ecs_doc *items[LDW_SAMPLES_MAX];
	unsigned int i, n;

	for (n = 0; n < samples->n; n++) {
		const struct ldw_msg_sample *smp = &samples->sample[n];

		items[n] = ecs_doc_new();
		if (!items[n])
			break;
		ecs_put_time(items[n], "@timestamp", smp->time_ns);
		ecs_put_cstr(items[n], "event.action", ldw_action_name(smp->action));
		ldw_put(items[n], "file.path", smp->file_path);
		if (smp->present >> LDW_SAMPLE_EXECUTABLE & 1)
			ldw_put(items[n], "process.executable", smp->executable);
		ldw_put_id(items[n], "user.id", smp->uid);
		ldw_put(items[n], "rule.id", smp->rule_id);
	}
	if (n)
		ecs_put_docv(doc, "ldwatch.suppressed.samples", items, n);
	for (i = 0; i < n; i++)
		ecs_doc_free(items[i]);
	return n;
}

void ldw_ecs_alerts_suppressed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			       const struct ldw_msg *s, bool late)
{
	const char *user_name = NULL;
	unsigned int written = 0;
	char version[11];

	ldw_health(doc, ctx, "ldwatch-alerts-suppressed");
	if (s->budget_uid == LDW_BUDGET_OVERFLOW_UID)
		ldw_message(doc, "the rate limit suppressed %" PRIu64 " alert%s of the users and mount namespaces that found its table full, in one window (counted, not lost; the evidence of %u kept)",
			    s->suppressed_count, s->suppressed_count == 1 ? "" : "s",
			    s->samples.n);
	else
		ldw_message(doc, "the rate limit suppressed %" PRIu64 " alert%s of uid %" PRIu32
			    " in mount namespace %" PRIu32 " in one window (counted, not lost; the evidence of %u kept)",
			    s->suppressed_count, s->suppressed_count == 1 ? "" : "s",
			    s->budget_uid, s->budget_mntns, s->samples.n);
	ecs_put_u64(doc, "event.sequence", s->seq);
	ldw_put_load_id(doc, s->load_id);
	ecs_put_u64(doc, "ldwatch.suppressed.count", s->suppressed_count);
	ecs_put_time(doc, "ldwatch.suppressed.window_start", s->window_start_ns);
	ecs_put_time(doc, "ldwatch.suppressed.window_end", s->window_end_ns);
	if (s->budget_uid == LDW_BUDGET_OVERFLOW_UID) {
		/* Several users' budget: the samples say whose alerts. */
		ecs_put_bool(doc, "ldwatch.suppressed.overflow", true);
	} else {
		ldw_put_id(doc, "ldwatch.suppressed.user.id", s->budget_uid);
		if (ctx->user_name)
			user_name = ctx->user_name(ctx->user_arg, s->budget_uid);
		ecs_put_cstr(doc, "ldwatch.suppressed.user.name", user_name);
		ecs_put_u64(doc, "ldwatch.suppressed.mount_namespace", s->budget_mntns);
	}
	if (s->samples.n)
		written = ldw_samples(doc, &s->samples);
	/* Samples past what this program keeps, or could write, are omitted too. */
	ecs_put_u64(doc, "ldwatch.suppressed.samples_omitted",
		    s->samples_omitted + s->samples.beyond + (s->samples.n - written));
	ldw_put(doc, "rule.id", s->rule_id);
	ldw_put(doc, "rule.name", s->rule_name);
	snprintf(version, sizeof(version), "%" PRIu32, s->rule_version);
	ecs_put_cstr(doc, "rule.version", version);
	if (late)
		ecs_put_bool(doc, "ldwatch.late_arrival", true);
}

void ldw_ecs_drop_counters(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   uint64_t load_id, const struct ldw_stats *stats,
			   const char *trigger)
{
	uint64_t total = 0;
	unsigned int i;

	ldw_health(doc, ctx, "ldwatch-drop-counters");
	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (stats->has_dropped >> i & 1)
			total += stats->dropped[i];
	}
	ldw_message(doc, "the module has dropped %" PRIu64 " alert%s since it was loaded",
		    total, total == 1 ? "" : "s");
	ldw_put_load_id(doc, load_id);
	ecs_put_cstr(doc, "ldwatch.trigger", trigger);
	ldw_put_stats(doc, stats);
}

void ldw_ecs_socket_overrun(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			    uint64_t overruns, int rcvbuf)
{
	ldw_health(doc, ctx, "ldwatch-socket-overrun");
	ldw_message(doc, "ldwatchd's netlink socket overran (ENOBUFS): the kernel had messages "
		    "it could not queue for ldwatchd; an alert that was lost shows as a sequence gap");
	ecs_put_u64(doc, "ldwatch.socket.overruns", overruns);
	if (rcvbuf >= 0)
		ecs_put_u64(doc, "ldwatch.socket.receive_buffer", (uint64_t)rcvbuf);
}

/* --- Liveness: the sensor's own alerts, the heartbeat, the state file --- */

/*
 * The tamper alerts' own rules: the sensor stopping, and the time it was
 * away. Severity "high", which ECS writes as a number.
 */
#define LDW_TAMPER_RISK_SCORE 73
#define LDW_TAMPER_RULE_VERSION "1"

static const char *const ldw_tamper_tactic_ids[] = { "TA0005" };
static const char *const ldw_tamper_tactic_names[] = { "Defense Evasion" };
static const char *const ldw_tamper_technique_ids[] = { "T1562" };
static const char *const ldw_tamper_technique_names[] = { "Impair Defenses" };
static const char *const ldw_tamper_subtechnique_ids[] = { "T1562.001" };
static const char *const ldw_tamper_subtechnique_names[] = { "Disable or Modify Tools" };

/*
 * An alert about the sensor itself: event.kind "alert" under its own
 * rule, event.category ["driver"] (a kernel module), and the MITRE ATT&CK
 * technique of disabling a security tool.
 */
static void ldw_tamper_alert(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			     const char *action, const char *type, const char *rule_id)
{
	const char *category = "driver";

	ldw_common(doc, ctx, ctx->now_ns, "alert", "ldwatch.tamper");
	ecs_put_strv(doc, "event.category", &category, 1);
	ecs_put_strv(doc, "event.type", &type, 1);
	ecs_put_cstr(doc, "event.action", action);
	ecs_put_u64(doc, "event.severity", LDW_TAMPER_RISK_SCORE);
	ecs_put_u64(doc, "event.risk_score", LDW_TAMPER_RISK_SCORE);
	ldw_host(doc, ctx);
	ecs_put_cstr(doc, "rule.id", rule_id);
	ecs_put_cstr(doc, "rule.name", action);
	ecs_put_cstr(doc, "rule.version", LDW_TAMPER_RULE_VERSION);
	ecs_put_cstr(doc, "ldwatch.rule.severity", "high");
	LDW_PUT_THREAT(doc, ldw_tamper_);
}

void ldw_ecs_sensor_stopping(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			     const struct ldw_msg *st, const struct ldw_daemon_counters *t)
{
	bool who = LDW_HAS(st, LDW_A_PID);
	const char *user_name = NULL;

	ldw_tamper_alert(doc, ctx, "ldwatch-sensor-stopping", "end", LDW_RULE_ID_SENSOR_STOPPING);
	if (who && LDW_HAS(st, LDW_A_UID) && ctx->user_name)
		user_name = ctx->user_name(ctx->user_arg, st->uid);
	if (!who) {
		ldw_message(doc, "the ldwatch module is being unloaded after %" PRIu64
			    " sequence numbers (it did not say by whom): nothing is detected until it is loaded again",
			    st->next_seq - 1);
	} else {
		struct ldw_str exe = LDW_HAS(st, LDW_A_EXECUTABLE) ? st->executable :
				     (struct ldw_str){ "(no executable)", 15 };

		ldw_message(doc, "the ldwatch module is being unloaded by %.*s (pid %" PRIu32
			    ", uid %" PRIu32 ", %.*s) after %" PRIu64
			    " sequence numbers: nothing is detected until it is loaded again",
			    (int)(st->comm.len > 64 ? 64 : st->comm.len), st->comm.ptr, st->pid,
			    st->uid, (int)(exe.len > 256 ? 256 : exe.len), exe.ptr,
			    st->next_seq - 1);
	}
	if (who) {
		ecs_put_u64(doc, "process.pid", st->pid);
		if (LDW_HAS(st, LDW_A_EXECUTABLE)) {
			ldw_put(doc, "process.executable", st->executable);
			ldw_put(doc, "process.name", ldw_basename(st->executable));
		}
		if (LDW_HAS(st, LDW_A_UID)) {
			ldw_put_id(doc, "user.id", st->uid);
			ecs_put_cstr(doc, "user.name", user_name);
		}
		if (LDW_HAS(st, LDW_A_COMM))
			ldw_put(doc, "ldwatch.process.comm", st->comm);
	}
	ldw_put_load_id(doc, st->load_id);
	ecs_put_u64(doc, "ldwatch.next_sequence", st->next_seq);
	ecs_put_u64(doc, "ldwatch.daemon.alerts_written", t->alerts_written);
	ecs_put_u64(doc, "ldwatch.daemon.duplicates_ignored", t->duplicates_ignored);
	ecs_put_u64(doc, "ldwatch.daemon.late_arrivals", t->late_arrivals);
	ecs_put_u64(doc, "ldwatch.daemon.alerts_lost", t->alerts_lost);
	ecs_put_u64(doc, "ldwatch.daemon.malformed_messages", t->malformed_messages);
	ecs_put_u64(doc, "ldwatch.daemon.socket_overruns", t->socket_overruns);
}

void ldw_ecs_blind_window(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			  const struct ldw_blind_window *w)
{
	char old_id[17], new_id[17];

	snprintf(old_id, sizeof(old_id), "%016" PRIx64, w->old_load_id);
	snprintf(new_id, sizeof(new_id), "%016" PRIx64, w->new_load_id);
	ldw_tamper_alert(doc, ctx, "ldwatch-sensor-blind-window", "info",
			 LDW_RULE_ID_SENSOR_BLIND_WINDOW);
	if (w->end_ns > w->start_ns)
		ldw_message(doc, "the ldwatch module was away for %" PRIu64 ".%03" PRIu64
			    " s (load %s, then load %s): nothing was detected in that window",
			    (w->end_ns - w->start_ns) / 1000000000u,
			    (w->end_ns - w->start_ns) / 1000000u % 1000u, old_id, new_id);
	else
		ldw_message(doc, "the ldwatch module was reloaded (load %s, then load %s): "
			    "nothing was detected in between", old_id, new_id);
	ecs_put_time(doc, "event.start", w->start_ns);
	if (w->end_ns) {
		ecs_put_time(doc, "event.end", w->end_ns);
		if (w->end_ns > w->start_ns)
			ecs_put_u64(doc, "event.duration", w->end_ns - w->start_ns);
	}
	ecs_put_cstr(doc, "ldwatch.load_id", new_id);
	ecs_put_cstr(doc, "ldwatch.blind_window.previous_load_id", old_id);
	ecs_put_u64(doc, "ldwatch.blind_window.previous_next_sequence", w->old_next_seq);
	ecs_put_cstr(doc, "ldwatch.blind_window.detected_by", w->detected_by);
}

/* The STATS nest's fields; returns the drops' total. */
static uint64_t ldw_put_stats(struct ecs_doc *doc, const struct ldw_stats *stats)
{
	uint64_t total = 0;
	const char *name;
	char key[64];
	unsigned int i;

	for (i = 0; i < LDW_DROP_SLOTS; i++) {
		if (!(stats->has_dropped >> i & 1))
			continue;
		total += stats->dropped[i];
		name = ldw_drop_name(i);
		if (name)
			snprintf(key, sizeof(key), "ldwatch.dropped.%s", name);
		else
			snprintf(key, sizeof(key), "ldwatch.dropped.reason_%u", i);
		ecs_put_u64(doc, key, stats->dropped[i]);
	}
	ecs_put_u64(doc, "ldwatch.dropped_total", total);
	for (i = 0; i < LDW_STATS_SLOTS; i++) {
		if (!(stats->has_counter >> i & 1))
			continue;
		name = ldw_stat_name(i);
		if (name)
			snprintf(key, sizeof(key), "ldwatch.counters.%s", name);
		else
			snprintf(key, sizeof(key), "ldwatch.counters.counter_%u", i);
		ecs_put_u64(doc, key, stats->counter[i]);
	}
	return total;
}

void ldw_ecs_heartbeat(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const struct ldw_heartbeat *hb)
{
	const struct ldw_msg *st = hb->status;

	ldw_common(doc, ctx, ctx->now_ns, "state", "ldwatch.health");
	ecs_put_cstr(doc, "event.action", "ldwatch-heartbeat");
	ldw_host(doc, ctx);
	if (st)
		ldw_message(doc, "ldwatchd is alive and connected to ldwatch load %016" PRIx64
			    "; the next alert is number %" PRIu64, st->load_id, st->next_seq);
	else
		ldw_message(doc, "ldwatchd is alive; the ldwatch module is not loaded: "
			    "nothing is detected");
	ecs_put_u64(doc, "process.pid", hb->pid);
	ecs_put_u64(doc, "process.uptime", hb->uptime_s);
	ecs_put_u64(doc, "ldwatch.heartbeat_interval_ms", hb->interval_ms);
	ecs_put_bool(doc, "ldwatch.module.loaded", st != NULL);
	if (!st)
		return;
	ldw_put_load_id(doc, st->load_id);
	ecs_put_u64(doc, "ldwatch.next_sequence", st->next_seq);
	if (LDW_HAS(st, LDW_A_LOAD_TIME_NS)) {
		ecs_put_time(doc, "ldwatch.module.load_time", st->load_time_ns);
		if (ctx->now_ns > st->load_time_ns)
			ecs_put_u64(doc, "ldwatch.module.uptime",
				    (ctx->now_ns - st->load_time_ns) / 1000000000u);
	}
	ldw_put_stats(doc, &st->stats);
	if (hb->tally) {
		ecs_put_u64(doc, "ldwatch.daemon.alerts_written", hb->tally->alerts_written);
		ecs_put_u64(doc, "ldwatch.daemon.alerts_lost", hb->tally->alerts_lost);
	}
}

void ldw_ecs_state_unreadable(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			      const char *path, const char *reason)
{
	ldw_health(doc, ctx, "ldwatch-state-unreadable");
	ldw_message(doc, "ldwatchd's state file %s cannot be used (%s): whether the sensor was "
		    "away before this start is unknown", path, reason);
	ecs_put_cstr(doc, "ldwatch.state.path", path);
	ecs_put_cstr(doc, "ldwatch.state.error", reason);
}

void ldw_ecs_module_absent(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   unsigned int interval_ms)
{
	ldw_health(doc, ctx, "ldwatch-module-absent");
	ldw_message(doc, "the ldwatch module is not loaded (modprobe ldwatch); "
		    "ldwatchd checks for it every %u ms", interval_ms);
	ecs_put_u64(doc, "ldwatch.reconnect_interval_ms", interval_ms);
}

void ldw_ecs_malformed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const char *reason, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;

	ldw_health(doc, ctx, "ldwatch-malformed-message");
	ldw_message(doc, "ldwatchd refused a message from the ldwatch module: %s", reason);
	ecs_put_cstr(doc, "ldwatch.malformed.reason", reason);
	ecs_put_u64(doc, "ldwatch.malformed.length", len);
	/* The genl header's first byte is the command. */
	if (len >= NLMSG_HDRLEN + GENL_HDRLEN)
		ecs_put_u64(doc, "ldwatch.malformed.command", p[NLMSG_HDRLEN]);
	ecs_put_base64(doc, "ldwatch.malformed.message_base64", bytes,
		       len > LDW_MALFORMED_KEEP ? LDW_MALFORMED_KEEP : len);
}

/* The ECS event.type of each change of the rule set. */
static const char *ldw_change_type(uint8_t change)
{
	switch (change) {
	case LDW_RULE_CHANGE_LOADED:
		return "creation";
	case LDW_RULE_CHANGE_REMOVED:
		return "deletion";
	default:
		return "change";
	}
}

static const char *ldw_change_name(uint8_t change)
{
	switch (change) {
	case LDW_RULE_CHANGE_LOADED:
		return "loaded";
	case LDW_RULE_CHANGE_REPLACED:
		return "replaced";
	case LDW_RULE_CHANGE_REMOVED:
		return "removed";
	default:
		return "unknown";
	}
}

void ldw_ecs_rules_changed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   const struct ldw_msg *m, bool late)
{
	const char *category = "configuration";
	const char *type = ldw_change_type(m->rule_change);
	const char *user_name = NULL;
	struct ldw_str exe = LDW_HAS(m, LDW_A_EXECUTABLE) ? m->executable :
			     (struct ldw_str){ "(no executable)", 15 };
	char version[11];

	/* When the set changed, as an alert is stamped with its operation. */
	ldw_common(doc, ctx, m->time_ns, "event", "ldwatch.health");
	ecs_put_cstr(doc, "event.action", "ldwatch-rules-changed");
	ecs_put_strv(doc, "event.category", &category, 1);
	ecs_put_strv(doc, "event.type", &type, 1);
	ecs_put_u64(doc, "event.sequence", m->seq);
	ldw_host(doc, ctx);
	ldw_message(doc, "rule %.*s version %" PRIu32 " %s (from %.*s) by %.*s (pid %" PRIu32
		    ", uid %" PRIu32 ", %.*s); %" PRIu32 " rules in force",
		    (int)(m->rule_id.len > 128 ? 128 : m->rule_id.len), m->rule_id.ptr,
		    m->rule_version, ldw_change_name(m->rule_change),
		    (int)(m->rule_source.len > 128 ? 128 : m->rule_source.len), m->rule_source.ptr,
		    (int)(m->comm.len > 64 ? 64 : m->comm.len), m->comm.ptr, m->pid, m->uid,
		    (int)(exe.len > 128 ? 128 : exe.len), exe.ptr, m->rule_count);
	ecs_put_u64(doc, "process.pid", m->pid);
	if (LDW_HAS(m, LDW_A_EXECUTABLE)) {
		ldw_put(doc, "process.executable", m->executable);
		ldw_put(doc, "process.name", ldw_basename(m->executable));
	}
	ldw_put_id(doc, "user.id", m->uid);
	if (ctx->user_name)
		user_name = ctx->user_name(ctx->user_arg, m->uid);
	ecs_put_cstr(doc, "user.name", user_name);
	ldw_put(doc, "ldwatch.process.comm", m->comm);
	ldw_put(doc, "rule.id", m->rule_id);
	ldw_put(doc, "rule.name", m->rule_name);
	snprintf(version, sizeof(version), "%" PRIu32, m->rule_version);
	ecs_put_cstr(doc, "rule.version", version);
	ecs_put_cstr(doc, "ldwatch.rule.change", ldw_change_name(m->rule_change));
	ldw_put(doc, "ldwatch.rule.sha256", m->rule_sha256);
	ecs_put_cstr(doc, "ldwatch.rule.origin",
		     m->rule_origin == LDW_RULE_BUILTIN ? "built-in" : "loaded");
	if (LDW_HAS(m, LDW_A_RULE_SOURCE))
		ldw_put(doc, "ldwatch.rule.source", m->rule_source);
	if (LDW_HAS(m, LDW_A_RULE_PREV_VERSION)) {
		snprintf(version, sizeof(version), "%" PRIu32, m->rule_prev_version);
		ecs_put_cstr(doc, "ldwatch.rule.previous_version", version);
		ldw_put(doc, "ldwatch.rule.previous_sha256", m->rule_prev_sha256);
	}
	ecs_put_u64(doc, "ldwatch.rules.count", m->rule_count);
	ldw_put_load_id(doc, m->load_id);
	if (late)
		ecs_put_bool(doc, "ldwatch.late_arrival", true);
}
