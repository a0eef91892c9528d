// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol's declaration (include/ldwatch/netlink_spec.h) against what
 * is made of it, so that adding a line there is all it takes: every line
 * has its name, type, bound and policy in the tools' tables (and the
 * module's policy is made by the same columns); every attribute is
 * carried by some message; every enumerator has its kernel-doc line in
 * netlink.h; and, for each message, one made of its required attributes
 * alone decodes, and one without any of them, or with a string or an
 * enum past its bound, is refused for that attribute.
 *
 * Usage: test_protocol NETLINK_H (prints TAP-style lines and "N passed, N failed")
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl_client.h"
#include "tap.h"

#define FAMILY 0x1d

/* One line of a list, as the test reads it. */
struct line {
	const char *enumerator;	/* "LDW_A_SEQ" */
	const char *NAME;	/* "SEQ" */
	const char *name;	/* "seq" */
	unsigned int number;
	enum ldw_type type;
	unsigned int bound;
	enum ldw_use use[LDW_CMD_MAX + 1];
};

#define BOUND_U8(bound)		(bound)
#define BOUND_U32(bound)	0
#define BOUND_U64(bound)	0
#define BOUND_STRING(bound)	(bound)
#define BOUND_NEST(bound)	0
#define BOUND_BINARY(bound)	(bound)
#define USE_R LDW_USE_REQUIRED
#define USE_O LDW_USE_OPTIONAL
#define USE__ LDW_USE_NEVER

static const struct line cmds[] = {
#define LDW_CMD(NAME, name) { "LDW_CMD_" #NAME, #NAME, #name, LDW_CMD_##NAME, LDW_TYPE_NONE, 0, { 0 } },
#include <ldwatch/netlink_spec.h>
};

static struct line attrs[] = {
#define LDW_ATTR(NAME, type, bound, alert, status, subscribe, stopping, suppressed, lost, name)	\
	{ "LDW_A_" #NAME, #NAME, #name, LDW_A_##NAME, LDW_TYPE_##type, BOUND_##type(bound), {	\
		[LDW_CMD_ALERT] = USE_##alert, [LDW_CMD_GET_STATUS] = USE_##status,		\
		[LDW_CMD_SUBSCRIBE] = USE_##subscribe, [LDW_CMD_STOPPING] = USE_##stopping,	\
		[LDW_CMD_SUPPRESSED] = USE_##suppressed, [LDW_CMD_LOST] = USE_##lost } },
#include <ldwatch/netlink_spec.h>
};

#define NLINES(a) (sizeof(a) / sizeof((a)[0]))

/* The rules' messages' columns (LDW_RULE_USE), into the attributes' lines. */
static void read_rule_use(void)
{
	size_t i;

	for (i = 0; i < NLINES(attrs); i++) {
		struct line *l = &attrs[i];

#define LDW_RULE_USE(NAME, load, ruleref, rule, changed)			\
		if (l->number == LDW_A_##NAME) {				\
			l->use[LDW_CMD_RULE_LOAD] = USE_##load;			\
			l->use[LDW_CMD_RULE_REMOVE] = USE_##ruleref;		\
			l->use[LDW_CMD_RULE_GET] = USE_##rule;			\
			l->use[LDW_CMD_RULES_CHANGED] = USE_##changed;		\
		}
#include <ldwatch/netlink_spec.h>
	}
}

static const struct line stats[] = {
#define LDW_STAT(NAME, type, bound, name) \
	{ "LDW_STAT_" #NAME, #NAME, #name, LDW_STAT_##NAME, LDW_TYPE_##type, 0, { 0 } },
#include <ldwatch/netlink_spec.h>
};

static const struct line drops[] = {
#define LDW_DROP(NAME, name) { "LDW_DROP_" #NAME, #NAME, #name, LDW_DROP_##NAME, LDW_TYPE_U64, 0, { 0 } },
#include <ldwatch/netlink_spec.h>
};

/* A sample's attributes; use[0] says whether a sample requires it. */
static const struct line samples[] = {
#define LDW_SAMPLE(NAME, type, bound, use, name) \
	{ "LDW_SAMPLE_" #NAME, #NAME, #name, LDW_SAMPLE_##NAME, LDW_TYPE_##type, BOUND_##type(bound), \
	  { USE_##use } },
#include <ldwatch/netlink_spec.h>
};

/* @lower is @upper in lower case. */
static bool lower_of(const char *lower, const char *upper)
{
	while (*upper && *lower == tolower((unsigned char)*upper)) {
		lower++;
		upper++;
	}
	return !*lower && !*upper;
}

/* Lines numbered from @first without a gap, lower-case names, no name twice. */
static void check_list(const char *what, const struct line *l, size_t n, unsigned int first,
		       unsigned int max)
{
	bool ok = true;
	size_t i, j;

	for (i = 0; i < n; i++) {
		ok &= l[i].number == first + i && lower_of(l[i].name, l[i].NAME);
		for (j = 0; j < i; j++)
			ok &= strcmp(l[i].name, l[j].name) != 0;
	}
	tap_ok(ok && n && l[n - 1].number == max,
	       "%s: numbered in order from %u to the MAX, names in lower case, none twice",
	       what, first);
}

static void test_lists(void)
{
	check_list("commands", cmds, NLINES(cmds), LDW_CMD_UNSPEC + 1, LDW_CMD_MAX);
	check_list("attributes", attrs, NLINES(attrs), LDW_A_PAD + 1, LDW_A_MAX);
	check_list("counters", stats, NLINES(stats), LDW_STAT_PAD + 1, LDW_STAT_MAX);
	check_list("drop reasons", drops, NLINES(drops), LDW_DROP_PAD + 1, LDW_DROP_MAX);
	check_list("sample attributes", samples, NLINES(samples), LDW_SAMPLE_PAD + 1,
		   LDW_SAMPLE_MAX);
}

/* The libnl policy each type must have. */
static bool policy_is(const struct nla_policy *p, const struct line *l)
{
	switch (l->type) {
	case LDW_TYPE_U8:
		return p->type == NLA_U8 && p->minlen == 1 && p->maxlen == 1;
	case LDW_TYPE_U32:
		return p->type == NLA_U32 && p->minlen == 4 && p->maxlen == 4;
	case LDW_TYPE_U64:
		return p->type == NLA_U64 && p->minlen == 8 && p->maxlen == 8;
	case LDW_TYPE_STRING:
		return p->type == NLA_STRING && p->maxlen == (l->bound ? l->bound + 1 : 0);
	case LDW_TYPE_NEST:
		return p->type == NLA_NESTED;
	case LDW_TYPE_BINARY:
		return p->type == NLA_UNSPEC && p->maxlen == l->bound && l->bound;
	default:
		return false;
	}
}

static void test_attribute_tables(void)
{
	const struct nla_policy *p;
	const struct ldw_attr_spec *spec;
	unsigned int cmd, i;
	uint64_t carried = 0;
	bool ok;

	for (i = 0; i < NLINES(attrs); i++) {
		const struct line *l = &attrs[i];

		spec = ldw_attr_spec(l->number);
		p = ldw_attr_policy(l->number);
		ok = spec && !strcmp(spec->name, l->NAME) && spec->type == l->type &&
		     spec->bound == l->bound && !memcmp(spec->use, l->use, sizeof(l->use)) &&
		     p && policy_is(p, l) && ldw_attr_name(l->number) == spec->name;
		ok &= l->type != LDW_TYPE_U8 || l->bound >= 1;
		ok &= l->type != LDW_TYPE_NEST || l->number == LDW_A_STATS ||
		      l->number == LDW_A_SAMPLES;
		tap_ok(ok, "attribute %s: name, type, bound, messages and policy as its line says",
		       l->NAME);
	}
	for (i = LDW_A_UNSPEC; i <= LDW_A_PAD; i++) {
		p = ldw_attr_policy(i);
		tap_ok(!ldw_attr_spec(i) && !ldw_attr_name(i) && p && p->type == 0 &&
		       !p->minlen && !p->maxlen,
		       "attribute %u (%s) has no line, no name and no policy", i,
		       i == LDW_A_PAD ? "PAD" : "UNSPEC");
	}
	tap_ok(!ldw_attr_spec(LDW_A_MAX + 1) && !ldw_attr_policy(LDW_A_MAX + 1),
	       "nothing past LDW_A_MAX");

	for (cmd = 0; cmd <= LDW_CMD_MAX; cmd++) {
		uint64_t req = ldw_cmd_attrs(cmd, LDW_USE_REQUIRED);
		uint64_t opt = ldw_cmd_attrs(cmd, LDW_USE_OPTIONAL);

		ok = !(req & opt) && !(req & 3) && !(opt & 3) && !((req | opt) >> (LDW_A_MAX + 1));
		if (cmd == LDW_CMD_UNSPEC || cmd == LDW_CMD_UNSUBSCRIBE)
			ok &= !req && !opt;
		else
			ok &= req != 0;
		carried |= req | opt;
		tap_ok(ok, "command %u (%s): its required attributes are listed ones, none also "
		       "optional%s", cmd, cmd ? ldw_cmd_name(cmd) : "UNSPEC",
		       cmd == LDW_CMD_UNSPEC || cmd == LDW_CMD_UNSUBSCRIBE ?
		       "; it carries none" : "; it carries some");
	}
	ok = true;
	for (i = 0; i < NLINES(attrs); i++)
		ok &= carried >> attrs[i].number & 1;
	tap_ok(ok, "every attribute is carried by some message");
}

static void test_names(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < NLINES(samples); i++) {
		const char *name = ldw_sample_attr_name(samples[i].number);

		ok &= name && !strcmp(name, samples[i].NAME) &&
		      (samples[i].type != LDW_TYPE_U8 || samples[i].bound >= 1) &&
		      samples[i].type != LDW_TYPE_NEST && samples[i].use[0] != LDW_USE_NEVER;
	}
	tap_ok(ok && !ldw_sample_attr_name(LDW_SAMPLE_UNSPEC) &&
	       !ldw_sample_attr_name(LDW_SAMPLE_PAD) && !ldw_sample_attr_name(LDW_SAMPLE_MAX + 1),
	       "every sample attribute is named by its line, is required or optional, and none nests");
	ok = true;

	for (i = 0; i < NLINES(cmds); i++)
		ok &= ldw_cmd_name(cmds[i].number) && !strcmp(ldw_cmd_name(cmds[i].number), cmds[i].name);
	tap_ok(ok && !ldw_cmd_name(LDW_CMD_UNSPEC) && !ldw_cmd_name(LDW_CMD_MAX + 1),
	       "every command is named by its line, and only those");
	ok = true;
	for (i = 0; i < NLINES(stats); i++) {
		const char *name = ldw_stat_name(stats[i].number);

		if (stats[i].type == LDW_TYPE_U64)
			ok &= name && !strcmp(name, stats[i].name);
		else
			ok &= !name;
	}
	tap_ok(ok && !ldw_stat_name(LDW_STAT_UNSPEC) && !ldw_stat_name(LDW_STAT_PAD) &&
	       !ldw_stat_name(LDW_STAT_MAX + 1),
	       "every counter is named by its line; the DROPPED nest, UNSPEC and PAD are not");
	ok = true;
	for (i = 0; i < NLINES(drops); i++)
		ok &= ldw_drop_name(drops[i].number) && !strcmp(ldw_drop_name(drops[i].number), drops[i].name);
	tap_ok(ok && !ldw_drop_name(LDW_DROP_UNSPEC) && !ldw_drop_name(LDW_DROP_PAD) &&
	       !ldw_drop_name(LDW_DROP_MAX + 1),
	       "every drop reason is named by its line, and only those");
}

/* --- kernel-doc --- */

/* The enumerators netlink.h's kernel-doc describes: " * @NAME:" lines. */
#define MAX_DOCUMENTED 256

static char *documented_names[MAX_DOCUMENTED];
static size_t ndocumented;

static bool read_doc(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;

	if (!f)
		return false;
	while (getline(&line, &size, f) > 0 && ndocumented < MAX_DOCUMENTED) {
		if (strncmp(line, " * @", 4) || !strchr(line, ':'))
			continue;
		documented_names[ndocumented++] = strndup(line + 4, strcspn(line + 4, ":"));
	}
	free(line);
	fclose(f);
	return true;
}

/* How many times the kernel-doc describes @enumerator. */
static int documented(const char *enumerator)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ndocumented; i++)
		n += !strcmp(documented_names[i], enumerator);
	return n;
}

static void check_doc(const char *what, const struct line *l, size_t n)
{
	size_t i;
	bool ok = true;

	for (i = 0; i < n; i++) {
		if (documented(l[i].enumerator) != 1) {
			tap_diag("%s: no kernel-doc line, or more than one", l[i].enumerator);
			ok = false;
		}
	}
	tap_ok(ok, "netlink.h's kernel-doc documents every %s once", what);
}

/* Every @prefixX the kernel-doc describes is a listed line, UNSPEC, PAD or MAX. */
static void check_no_stale_doc(const char *prefix, const struct line *l, size_t n)
{
	static const char *const fixed[] = { "UNSPEC", "PAD", "MAX" };
	size_t i, k, len = strlen(prefix);
	bool ok = true;

	for (k = 0; k < ndocumented; k++) {
		const char *name = documented_names[k] + len;
		bool known = false;

		if (strncmp(documented_names[k], prefix, len))
			continue;
		for (i = 0; i < n && !known; i++)
			known = !strcmp(name, l[i].NAME);
		for (i = 0; i < 3 && !known; i++)
			known = !strcmp(name, fixed[i]);
		if (!known) {
			tap_diag("@%s is documented but has no line", documented_names[k]);
			ok = false;
		}
	}
	tap_ok(ok, "netlink.h's kernel-doc of %s* documents no enumerator without a line", prefix);
}

static void test_doc(const char *header)
{
	size_t i;

	if (!tap_ok(read_doc(header), "%s is readable", header))
		return;
	check_doc("command", cmds, NLINES(cmds));
	check_doc("attribute", attrs, NLINES(attrs));
	check_doc("counter", stats, NLINES(stats));
	check_doc("drop reason", drops, NLINES(drops));
	check_doc("sample attribute", samples, NLINES(samples));
	check_no_stale_doc("LDW_SAMPLE_", samples, NLINES(samples));
	check_no_stale_doc("LDW_CMD_", cmds, NLINES(cmds));
	check_no_stale_doc("LDW_A_", attrs, NLINES(attrs));
	check_no_stale_doc("LDW_STAT_", stats, NLINES(stats));
	check_no_stale_doc("LDW_DROP_", drops, NLINES(drops));
	for (i = 0; i < ndocumented; i++)
		free(documented_names[i]);
}

/* --- messages made of the tables --- */

enum change { NONE, LEAVE_OUT, PAST_BOUND, AT_BOUND };

/* Command @cmd's message of its required attributes, attribute @changed changed. */
static struct nl_msg *build(uint8_t cmd, unsigned int changed, enum change how)
{
	/* Room for the longest strings there are, past their bound. */
	struct nl_msg *m = nlmsg_alloc_size(4 * PATH_MAX);
	size_t i;

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0, cmd, LDW_GENL_VERSION))
		abort();
	for (i = 0; i < NLINES(attrs); i++) {
		const struct line *l = &attrs[i];
		bool change = l->number == changed;
		struct nlattr *nest;
		unsigned int len;
		char *s;
		int err;

		if (l->use[cmd] != LDW_USE_REQUIRED || (change && how == LEAVE_OUT))
			continue;
		switch (l->type) {
		case LDW_TYPE_U8:
			err = nla_put_u8(m, (int)l->number,
					 change && how == PAST_BOUND ? (uint8_t)(l->bound + 1) : 1);
			break;
		case LDW_TYPE_U32:
			err = nla_put_u32(m, (int)l->number, 1);
			break;
		case LDW_TYPE_U64:
			err = nla_put_u64(m, (int)l->number, 1);
			break;
		case LDW_TYPE_STRING:
			len = !change ? 1 : how == AT_BOUND ? l->bound : l->bound + 1;
			s = malloc(len + 1);
			memset(s, 'x', len);
			s[len] = '\0';
			err = nla_put_string(m, (int)l->number, s);
			free(s);
			break;
		case LDW_TYPE_BINARY:
			err = nla_put(m, (int)l->number, 4, "ldwp");
			break;
		case LDW_TYPE_NEST:
			/* libnl drops an empty nest: one counter in it. */
			nest = nla_nest_start(m, (int)l->number);
			err = nla_put_u64(m, LDW_STAT_SEEN, 1);
			if (!err)
				err = nla_nest_end(m, nest);
			break;
		default:
			abort();
		}
		if (err < 0)
			abort();
	}
	return m;
}

static int decode(struct nl_msg *m, char *err)
{
	struct ldw_msg d;
	int ret = ldw_msg_decode(nlmsg_hdr(m), FAMILY, &d, err);

	nlmsg_free(m);
	return ret;
}

static void test_messages(void)
{
	char err[LDW_DECODE_ERR_SIZE];
	unsigned int cmd;
	size_t i;
	int ret;

	for (cmd = LDW_CMD_UNSPEC + 1; cmd <= LDW_CMD_MAX; cmd++) {
		bool ok = true;

		if (!ldw_cmd_attrs(cmd, LDW_USE_REQUIRED))
			continue;
		ret = decode(build((uint8_t)cmd, 0, NONE), err);
		if (!tap_ok(!ret, "%s: a message of its required attributes decodes",
			    ldw_cmd_name(cmd)))
			tap_diag("%s", err);
		for (i = 0; i < NLINES(attrs); i++) {
			const struct line *l = &attrs[i];

			if (l->use[cmd] != LDW_USE_REQUIRED)
				continue;
			ret = decode(build((uint8_t)cmd, l->number, LEAVE_OUT), err);
			if (ret != -EINVAL || !strstr(err, l->NAME)) {
				tap_diag("%s without %s: %d, \"%s\"", ldw_cmd_name(cmd), l->NAME,
					 ret, err);
				ok = false;
			}
			/* A BINARY's bound is what an attribute holds: none is past it. */
			if (!l->bound || l->type == LDW_TYPE_BINARY)
				continue;
			ret = decode(build((uint8_t)cmd, l->number, PAST_BOUND), err);
			if (ret != -EINVAL || !strstr(err, l->NAME)) {
				tap_diag("%s with %s past its bound: %d, \"%s\"", ldw_cmd_name(cmd),
					 l->NAME, ret, err);
				ok = false;
			}
			/* An enum's highest value may need others (a rename, ORIGINAL_PATH). */
			if (l->type != LDW_TYPE_STRING)
				continue;
			ret = decode(build((uint8_t)cmd, l->number, AT_BOUND), err);
			if (ret) {
				tap_diag("%s with %s at its bound: %d, \"%s\"", ldw_cmd_name(cmd),
					 l->NAME, ret, err);
				ok = false;
			}
		}
		tap_ok(ok, "%s: refused without any one required attribute, or with one past its "
		       "bound, naming it; a string at its bound accepted", ldw_cmd_name(cmd));
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s NETLINK_H\n", argv[0]);
		return 2;
	}
	read_rule_use();
	test_lists();
	test_attribute_tables();
	test_names();
	test_doc(argv[1]);
	test_messages();
	return tap_done();
}
