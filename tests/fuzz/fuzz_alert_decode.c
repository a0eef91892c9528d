// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bytes from the netlink socket, through ldwatchd's
 * decoder (ldw_msg_decode) and its ECS writer (the record ldwatchd would
 * write: the alert, the status's records, or the malformed-message record),
 * to a JSON line that json-c must parse, strictly and as valid UTF-8, with
 * every string round-tripping: a path's decoded text is its bytes when they
 * were valid UTF-8, and otherwise its ldwatch.raw copy decodes to them.
 *
 * An input's first byte picks how the rest is used:
 *  - even: the rest is one netlink message, as received (its nlmsg_len is
 *    clamped to the input, as libnl guarantees, and its type set to the
 *    family's so that the fuzzer does not spend itself on that check);
 *  - odd: the rest is split at NUL bytes into the strings of an alert
 *    (path, original path, executable, comm, rule id, rule name), which is
 *    built with libnl as the module builds it: this drives hostile bytes
 *    deep into the ECS writer, which random messages would rarely reach;
 *    with bit 4 set, into a rate limit summary's samples instead.
 *
 *   clang -std=gnu11 -Wall -Wextra -Werror -g -O1 -Iinclude -Iuserspace \
 *	-I/usr/include/libnl3 -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_alert_decode.c userspace/genl_client.c userspace/ecs.c \
 *	userspace/ecs_records.c $(. tests/lib.sh; ldw_rule_sources) \
 *	-ljson-c -lnl-genl-3 -lnl-3 -o build/fuzz_alert_decode
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "ecs.h"
#include "ecs_records.h"
#include "genl_client.h"

#define FAMILY 0x20

static struct ecs_doc *doc;
static struct ecs_buf line;

static const char *user_name(void *arg, uint32_t uid)
{
	(void)arg;
	return uid % 2 ? "u\xffser" : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	doc = ecs_doc_new();
	if (!doc)
		abort();
	ecs_buf_init(&line);
	return 0;
}

static json_object *get(json_object *root, const char *path)
{
	char seg[64];
	const char *dot;

	while (root) {
		dot = strchr(path, '.');
		if (!dot)
			return json_object_object_get_ex(root, path, &root) ? root : NULL;
		if ((size_t)(dot - path) >= sizeof(seg))
			abort();
		memcpy(seg, path, dot - path);
		seg[dot - path] = '\0';
		if (!json_object_object_get_ex(root, seg, &root) ||
		    !json_object_is_type(root, json_type_object))
			return NULL;
		path = dot + 1;
	}
	return NULL;
}

static int b64val(char c)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

/* Decode base64 @s; abort on anything but canonical padded base64. */
static size_t b64(const char *s, size_t len, unsigned char *out)
{
	size_t i, o = 0;
	int v[4], k;

	if (len % 4)
		abort();
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = s[i + k] == '=' && i + 4 == len && k >= 2 ? -2 : b64val(s[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] == -1 || v[3] == -1 || (v[2] == -2 && v[3] != -2))
			abort();
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return o;
}

/* The field @key of @root holds @want exactly, or its raw copy does. */
static void round_trip(json_object *root, const char *key, struct ldw_str want)
{
	char raw_key[128] = "ldwatch.raw.";
	json_object *v, *raw;
	unsigned char *buf;
	size_t n;

	if (!want.ptr)
		return;
	v = get(root, key);
	if (!v || !json_object_is_type(v, json_type_string))
		abort();
	strncat(raw_key, key, sizeof(raw_key) - strlen(raw_key) - 1);
	raw = get(root, raw_key);
	if (!raw) {
		if ((size_t)json_object_get_string_len(v) != want.len ||
		    memcmp(json_object_get_string(v), want.ptr, want.len))
			abort();
		return;
	}
	buf = malloc(json_object_get_string_len(raw) + 1);
	n = b64(json_object_get_string(raw), json_object_get_string_len(raw), buf);
	if (n != want.len || memcmp(buf, want.ptr, n))
		abort();
	free(buf);
}

/* Every sample of a summary is an object of the array, its strings exact. */
static void samples_round_trip(json_object *root, const struct ldw_samples *samples)
{
	json_object *arr = get(root, "ldwatch.suppressed.samples");
	unsigned int i;

	if (!samples->n) {
		if (arr)
			abort();
		return;
	}
	if (!arr || !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) != samples->n)
		abort();
	for (i = 0; i < samples->n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const struct ldw_msg_sample *smp = &samples->sample[i];

		round_trip(o, "file.path", smp->file_path);
		if (smp->present >> LDW_SAMPLE_EXECUTABLE & 1)
			round_trip(o, "process.executable", smp->executable);
		round_trip(o, "rule.id", smp->rule_id);
	}
}

/* Render the document: one line, which json-c must accept whole. */
static json_object *render_parse(void)
{
	json_tokener *tok;
	json_object *obj;

	ecs_buf_reset(&line);
	if (ecs_doc_render(doc, &line))
		abort();
	if (!line.len || line.data[line.len - 1] != '\n' || memchr(line.data, '\n', line.len - 1))
		abort();
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line.data, (int)line.len - 1);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != line.len - 1 ||
	    !json_object_is_type(obj, json_type_object))
		abort();
	json_tokener_free(tok);
	return obj;
}

static void check_message(const struct nlmsghdr *nlh)
{
	const struct ldw_ecs_ctx ctx = {
		.host_name = "h\xc3\x28st", .user_name = user_name, .now_ns = 1,
	};
	char err[LDW_DECODE_ERR_SIZE];
	json_object *root;
	struct ldw_msg m;

	if (ldw_msg_decode(nlh, FAMILY, &m, err)) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort();
		ldw_ecs_malformed(doc, &ctx, err, nlh, nlh->nlmsg_len);
		json_object_put(render_parse());
		return;
	}
	switch (m.cmd) {
	case LDW_CMD_ALERT:
		ldw_ecs_alert(doc, &ctx, &m, m.seq % 2);
		root = render_parse();
		round_trip(root, "file.path", m.file_path);
		round_trip(root, "file.Ext.original.path", m.original_path);
		round_trip(root, "process.executable", m.executable);
		round_trip(root, "ldwatch.process.comm", m.comm);
		round_trip(root, "rule.id", m.rule_id);
		round_trip(root, "rule.name", m.rule_name);
		round_trip(root, "host.name", (struct ldw_str){ ctx.host_name, 5 });
		json_object_put(root);
		break;
	case LDW_CMD_GET_STATUS:
		ldw_ecs_connected(doc, &ctx, &m, 4096);
		root = render_parse();
		round_trip(root, "ldwatch.module_version", m.module_version);
		json_object_put(root);
		ldw_ecs_drop_counters(doc, &ctx, m.load_id, &m.stats, "connected");
		json_object_put(render_parse());
		break;
	case LDW_CMD_SUPPRESSED:
		ldw_ecs_alerts_suppressed(doc, &ctx, &m, m.seq % 2);
		root = render_parse();
		samples_round_trip(root, &m.samples);
		json_object_put(root);
		break;
	case LDW_CMD_STOPPING:
		ldw_ecs_sensor_stopping(doc, &ctx, &m, &(struct ldw_daemon_counters){ 0 });
		json_object_put(render_parse());
		ldw_ecs_drop_counters(doc, &ctx, m.load_id, &m.stats, "sensor_stopping");
		json_object_put(render_parse());
		break;
	default:
		break;
	}
}

/*
 * A rate limit summary whose two samples take the strings: paths @field[0]
 * and [1], executables [2] (the second has none with flag 8), rule ids [4]
 * and [5].
 */
static void summary(const char *const *field, uint8_t flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);
	struct nlattr *nest, *one;
	unsigned int i;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0, LDW_CMD_SUPPRESSED,
				 LDW_GENL_VERSION))
		abort();
	nla_put_u64(msg, LDW_A_SEQ, 1 + (flags >> 5));
	nla_put_u64(msg, LDW_A_LOAD_ID, 3);
	nla_put_u64(msg, LDW_A_WINDOW_START_NS, 5);
	nla_put_u64(msg, LDW_A_WINDOW_END_NS, 5 + flags);
	nla_put_u64(msg, LDW_A_SUPPRESSED_COUNT, 2 + (flags >> 5));
	nla_put_string(msg, LDW_A_RULE_ID, field[4] ? field[4] : "");
	nla_put_string(msg, LDW_A_RULE_NAME, "r");
	nla_put_u32(msg, LDW_A_RULE_VERSION, 1);
	nla_put_u32(msg, LDW_A_BUDGET_UID, flags);
	nla_put_u32(msg, LDW_A_BUDGET_MNTNS, UINT32_MAX);
	nest = nla_nest_start(msg, LDW_A_SAMPLES);
	for (i = 0; i < 2; i++) {
		one = nla_nest_start(msg, (int)i + 1);
		nla_put_u64(msg, LDW_SAMPLE_TIME_NS, UINT64_MAX - i);
		nla_put_u8(msg, LDW_SAMPLE_ACTION, 1 + (flags + i) % LDW_ACTION_MAX);
		nla_put_string(msg, LDW_SAMPLE_FILE_PATH, field[i] ? field[i] : "");
		if (field[2] && !(i && (flags & 8)))
			nla_put_string(msg, LDW_SAMPLE_EXECUTABLE, field[2]);
		nla_put_u32(msg, LDW_SAMPLE_UID, flags);
		nla_put_string(msg, LDW_SAMPLE_RULE_ID, field[4 + i] ? field[4 + i] : "");
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, nest);
	nla_put_u64(msg, LDW_A_SAMPLES_OMITTED, flags >> 5);
	check_message(nlmsg_hdr(msg));
	nlmsg_free(msg);
}

/* Split @data at NULs into an alert's strings and build it with libnl. */
static void structured(const uint8_t *data, size_t size, uint8_t flags)
{
	const char *field[6] = { "/etc/ld.so.preload", NULL, NULL, "", "", "" };
	char *copy = malloc(size + 1), *p = copy, *end;
	struct nl_msg *msg;
	unsigned int i;
	bool rename = flags & 2;

	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	for (i = 0; i < 6 && p <= end; i++) {
		field[i] = p;
		p += strlen(p) + 1;
	}
	if (flags & 16) {
		summary(field, flags);
		free(copy);
		return;
	}
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0, LDW_CMD_ALERT,
				 LDW_GENL_VERSION))
		abort();
	nla_put_u64(msg, LDW_A_SEQ, 1 + (flags >> 2));
	nla_put_u64(msg, LDW_A_LOAD_ID, UINT64_MAX);
	nla_put_u64(msg, LDW_A_TIME_NS, (uint64_t)size * 0x9e3779b97f4a7c15ull);
	nla_put_u8(msg, LDW_A_ACTION, rename ? LDW_ACTION_RENAME : LDW_ACTION_CREATION);
	nla_put_string(msg, LDW_A_FILE_PATH, field[0]);
	if (rename)
		nla_put_string(msg, LDW_A_ORIGINAL_PATH, field[1] ? field[1] : "");
	nla_put_u32(msg, LDW_A_PID, flags);
	nla_put_u32(msg, LDW_A_TID, UINT32_MAX);
	nla_put_u32(msg, LDW_A_PPID, 0);
	nla_put_u32(msg, LDW_A_UID, flags);
	nla_put_u32(msg, LDW_A_EUID, UINT32_MAX);
	nla_put_u32(msg, LDW_A_GID, 7);
	if (field[2] && !(flags & 8))
		nla_put_string(msg, LDW_A_EXECUTABLE, field[2]);
	nla_put_string(msg, LDW_A_COMM, field[3]);
	nla_put_u32(msg, LDW_A_MNTNS, 1);
	nla_put_string(msg, LDW_A_RULE_ID, field[4]);
	nla_put_string(msg, LDW_A_RULE_NAME, field[5]);
	nla_put_u32(msg, LDW_A_RULE_VERSION, UINT32_MAX);
	check_message(nlmsg_hdr(msg));
	nlmsg_free(msg);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		structured(data + 1, size - 1, data[0]);
		return 0;
	}
	data++;
	size--;
	if (size < NLMSG_HDRLEN || size > UINT32_MAX)
		return 0;
	/* malloc's alignment, as libnl's receive buffer has. */
	nlh = malloc(size);
	memcpy(nlh, data, size);
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > size)
		nlh->nlmsg_len = (uint32_t)size;
	nlh->nlmsg_type = FAMILY;
	check_message(nlh);
	free(nlh);
	return 0;
}
