/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records ldwatchd writes, as ECS documents (ecs.h): one per alert, and
 * health records that say what happened to the stream of alerts. This is
 * the reference for the field names; `ldwatchd --help` repeats it.
 *
 * Every record: "@timestamp", "ecs.version", event.kind, event.module
 * "ldwatch", event.dataset, event.action, event.created (when ldwatchd
 * received or noticed it), host.name (omitted if unknown), host.os.type
 * "linux". Strings that needed U+FFFD replacements also appear base64-coded
 * under ldwatch.raw.<field>. ldwatch.load_id is the module load's LOAD_ID
 * as 16 lowercase hex digits (a string: it does not fit a signed 64-bit
 * number, which is all Elasticsearch's "long" holds).
 *
 * Alert (event.kind "alert", event.dataset "ldwatch.alert"): "@timestamp"
 * the operation's time; event.category ["file"]; event.type ["creation"] or
 * ["change"]; event.action "creation" or "rename"; event.outcome "success";
 * event.sequence; event.severity 47 and event.risk_score 47 (the rule's
 * "medium": ECS severity is a number); file.path, file.name,
 * file.extension (absent when the name has no '.'), file.directory;
 * file.Ext.original.{path,name,extension,directory} on renames;
 * process.pid, process.parent.pid, process.thread.id, process.executable
 * and process.name (basename of the executable; both absent for kernel
 * threads); user.id, user.effective.id, group.id (strings, as ECS types
 * them); user.name (omitted if the uid has no name); rule.id, rule.name,
 * rule.version (a string); threat.framework "MITRE ATT&CK",
 * threat.tactic.{id,name}, threat.technique.{id,name},
 * threat.technique.subtechnique.{id,name} (arrays: the loaded rule's own
 * mapping, each id once; Elastic's rule's from modules that send none); ldwatch.load_id,
 * ldwatch.process.comm, ldwatch.mount_namespace; ldwatch.late_arrival true
 * for an alert that an earlier ldwatch-alerts-lost record counted as lost.
 *
 * Health records (event.kind "event", event.dataset "ldwatch.health",
 * "message" a sentence for people), by event.action:
 *  ldwatch-connected: ldwatch.load_id, ldwatch.next_sequence,
 *	ldwatch.delivery ("multicast" or "unicast"), ldwatch.module_version,
 *	ldwatch.interface_version, ldwatch.socket.receive_buffer (bytes),
 *	rule.id, rule.name, rule.version.
 *  ldwatch-alerts-lost: ldwatch.load_id, ldwatch.lost.first_sequence,
 *	ldwatch.lost.count, ldwatch.lost.detected_by ("sequence_gap",
 *	"sensor_stopping", or "sensor_report": the module's drop report
 *	(LDW_CMD_LOST), which also gives ldwatch.lost.reason, a drop
 *	reason's name, or reason_N).
 *  ldwatch-alerts-suppressed: the rate limit's summary of one window
 *	(LDW_CMD_SUPPRESSED) of one budget: event.sequence (it is numbered
 *	like an alert), ldwatch.load_id, ldwatch.suppressed.count (matches
 *	not sent as alerts), ldwatch.suppressed.window_start and .window_end
 *	(times), whose budget: ldwatch.suppressed.user.id (a string),
 *	.user.name (omitted if unknown), .mount_namespace; the evidence:
 *	ldwatch.suppressed.samples, an array of objects {"@timestamp",
 *	event.action, file.path, process.executable (absent if none),
 *	user.id, rule.id} (absent when none was kept), and
 *	ldwatch.suppressed.samples_omitted (suppressed alerts without a
 *	sample); rule.id, rule.name, rule.version; ldwatch.late_arrival as
 *	for alerts.
 *  ldwatch-drop-counters: ldwatch.load_id, ldwatch.trigger ("connected",
 *	"alerts_lost", "socket_overrun", "sensor_stopping"),
 *	ldwatch.dropped.<reason> for every reason the module reported
 *	(no_slot, busy, task_exiting, path, no_memory, queue_full,
 *	send_failed, unload, kernel_thread; reason_N for a number this
 *	program does not know), ldwatch.dropped_total, and
 *	ldwatch.counters.<name> (seen, candidates, not_confirmed, no_match,
 *	excluded, matched, sent, suppressed; counter_N likewise).
 *  ldwatch-socket-overrun: ldwatch.socket.overruns (so far),
 *	ldwatch.socket.receive_buffer.
 *  ldwatch-module-absent: ldwatch.reconnect_interval_ms.
 *  ldwatch-state-unreadable: ldwatchd's --state file could not be read or
 *	made no sense: ldwatch.state.path, ldwatch.state.error. Whether the
 *	sensor was away before this start is then unknown.
 *  ldwatch-rules-changed: the module's rule set changed (LDW_CMD_RULES_CHANGED):
 *	"@timestamp" when; event.sequence (it is numbered like an alert);
 *	event.category ["configuration"], event.type ["creation"],
 *	["change"] or ["deletion"]; who: process.pid, process.executable,
 *	process.name, user.id, user.name, ldwatch.process.comm; what:
 *	rule.id, rule.name, rule.version, ldwatch.rule.change ("loaded",
 *	"replaced", "removed"), ldwatch.rule.sha256, ldwatch.rule.origin
 *	("built-in", "loaded"), ldwatch.rule.source, and for a replacement
 *	ldwatch.rule.previous_version, ldwatch.rule.previous_sha256;
 *	ldwatch.rules.count (rules in force after it), ldwatch.load_id,
 *	ldwatch.late_arrival as for alerts.
 *  ldwatch-malformed-message: ldwatch.malformed.reason,
 *	ldwatch.malformed.length (bytes), ldwatch.malformed.command (when the
 *	header was readable), ldwatch.malformed.message_base64 (its first
 *	4096 bytes).
 *
 * The sensor's own alerts (event.kind "alert", event.dataset
 * "ldwatch.tamper", event.category ["driver"], event.severity and
 * event.risk_score 73 (severity "high", ldwatch.rule.severity), rule.id,
 * rule.name (the event.action), rule.version, threat.* T1562.001 Disable
 * or Modify Tools, "message"), by event.action:
 *  ldwatch-sensor-stopping: the module is being unloaded. event.type
 *	["end"]; who unloads it: process.pid, process.executable,
 *	process.name, user.id, user.name, ldwatch.process.comm (absent if the
 *	module did not say); ldwatch.load_id, ldwatch.next_sequence, and
 *	ldwatchd's own tallies for that load: ldwatch.daemon.alerts_written,
 *	.duplicates_ignored, .late_arrivals, .alerts_lost, .malformed_messages,
 *	.socket_overruns.
 *  ldwatch-sensor-blind-window: the module was away, and came back as
 *	another load. event.type ["info"]; event.start (the last time the old
 *	load was known alive), event.end (the new load's start, if the module
 *	said), event.duration (nanoseconds); ldwatch.load_id (the new load),
 *	ldwatch.blind_window.previous_load_id,
 *	ldwatch.blind_window.previous_next_sequence,
 *	ldwatch.blind_window.detected_by ("reconnect": ldwatchd ran across
 *	it; "state_file": ldwatchd was restarted and its state file named the
 *	old load).
 *
 * Heartbeat (event.kind "state", event.dataset "ldwatch.health",
 * event.action "ldwatch-heartbeat"), every --heartbeat interval: process.pid
 * and process.uptime (seconds) of ldwatchd, ldwatch.heartbeat_interval_ms,
 * ldwatch.module.loaded; with the module: ldwatch.load_id,
 * ldwatch.next_sequence, ldwatch.module.load_time, ldwatch.module.uptime
 * (seconds), ldwatch.dropped.*, ldwatch.dropped_total,
 * ldwatch.counters.*, ldwatch.daemon.alerts_written, .alerts_lost.
 */
#ifndef _LDWATCH_ECS_RECORDS_H
#define _LDWATCH_ECS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecs.h"
#include "genl_client.h"

/* The ECS version these documents follow. */
#define LDW_ECS_VERSION "8.11.0"

/* The rule ids of the sensor's own alerts. */
#define LDW_RULE_ID_SENSOR_STOPPING	"d3ebf591-0302-4702-88c2-74392097ad72"
#define LDW_RULE_ID_SENSOR_BLIND_WINDOW	"f7686e9b-2224-45d9-b995-7aa339dea728"

/* How much of a refused message a malformed-message record keeps. */
#define LDW_MALFORMED_KEEP 4096

/**
 * struct ldw_ecs_ctx - what every record needs besides its own facts
 * @host_name: host.name, or NULL to omit it
 * @user_name: the name of a uid, or NULL (also as the function itself) to omit it
 * @user_arg: passed to @user_name
 * @now_ns: when ldwatchd received or noticed what it records (CLOCK_REALTIME)
 */
struct ldw_ecs_ctx {
	const char *host_name;
	const char *(*user_name)(void *arg, uint32_t uid);
	void *user_arg;
	uint64_t now_ns;
};

/* ldwatchd's own tallies for one module load. */
struct ldw_daemon_counters {
	uint64_t alerts_written;
	uint64_t duplicates_ignored;
	uint64_t late_arrivals;
	uint64_t alerts_lost;
	uint64_t malformed_messages;
	uint64_t socket_overruns;
};

/**
 * struct ldw_blind_window - a time the module was away
 * @start_ns: the last time the old load was known alive (CLOCK_REALTIME)
 * @end_ns: the new load's start, or 0 if unknown
 * @old_load_id: the load that went away
 * @old_next_seq: its next sequence number when last seen
 * @new_load_id: the load that came
 * @detected_by: "reconnect" or "state_file"
 */
struct ldw_blind_window {
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t old_load_id;
	uint64_t old_next_seq;
	uint64_t new_load_id;
	const char *detected_by;
};

/**
 * struct ldw_heartbeat - what a heartbeat reports
 * @status: the module's status reply, or NULL if the module is not loaded
 * @tally: ldwatchd's tallies for that load, or NULL
 * @pid: ldwatchd's pid
 * @uptime_s: how long ldwatchd has run, in seconds
 * @interval_ms: the heartbeat interval
 */
struct ldw_heartbeat {
	const struct ldw_msg *status;
	const struct ldw_daemon_counters *tally;
	uint32_t pid;
	uint64_t uptime_s;
	unsigned int interval_ms;
};

/*
 * Each function fills @doc (cleared first) with one record; errors are the
 * document's (ecs_doc_error()). @alert, @status and @stopping are decoded
 * messages of those commands.
 */
void ldw_ecs_alert(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		   const struct ldw_msg *alert, bool late);
void ldw_ecs_connected(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const struct ldw_msg *status, int rcvbuf);
void ldw_ecs_alerts_lost(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			 uint64_t load_id, uint64_t first, uint64_t count,
			 bool at_stopping);
void ldw_ecs_alerts_reported(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			     uint64_t load_id, uint64_t first, uint64_t count, uint32_t reason);
void ldw_ecs_alerts_suppressed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			       const struct ldw_msg *suppressed, bool late);
void ldw_ecs_drop_counters(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   uint64_t load_id, const struct ldw_stats *stats,
			   const char *trigger);
void ldw_ecs_socket_overrun(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			    uint64_t overruns, int rcvbuf);
void ldw_ecs_sensor_stopping(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			     const struct ldw_msg *stopping,
			     const struct ldw_daemon_counters *tally);
void ldw_ecs_module_absent(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   unsigned int interval_ms);
void ldw_ecs_malformed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const char *reason, const void *bytes, size_t len);
void ldw_ecs_blind_window(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			  const struct ldw_blind_window *window);
void ldw_ecs_heartbeat(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
		       const struct ldw_heartbeat *heartbeat);
void ldw_ecs_rules_changed(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			   const struct ldw_msg *changed, bool late);
void ldw_ecs_state_unreadable(struct ecs_doc *doc, const struct ldw_ecs_ctx *ctx,
			      const char *path, const char *reason);

#endif /* _LDWATCH_ECS_RECORDS_H */
