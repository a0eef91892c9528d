// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of ldwatch's companion rule (module/rule/builtin_companion.c):
 * its program's verdict on events as capture builds them, one case for each line of
 * the README's table of what the companion rule alerts on, and for each
 * weakness of Elastic's exclusions it is there to close. The expected
 * verdicts come from what the dynamic linker reads (ld.so.conf's include
 * of the files in ld.so.conf.d ending in .conf, by glibc's case-sensitive
 * glob) and from the README's table, not from the rule's table.
 *
 * Usage: test_companion
 */
#include <stddef.h>
#include <string.h>

#include <ldwatch/program.h>
#include <ldwatch/rule.h>

#include "tap.h"

/**
 * struct companion_case - one event and the verdict it must get
 * @name: what it shows
 * @action: event.action
 * @path: file.path, as the process saw it
 * @original: file.Ext.original.path, or NULL
 * @executable: process.executable, as the process saw it, or NULL
 * @target: ldwatch.target.path, or NULL (no host target)
 * @host_executable: ldwatch.process.executable, or NULL
 * @outcome: the verdict
 */
struct companion_case {
	const char *name;
	const char *action;
	const char *path;
	const char *original;
	const char *executable;
	const char *target;
	const char *host_executable;
	enum ldw_outcome outcome;
};

#define VI "/usr/bin/vi"

static const struct companion_case cases[] = {
	{ "an append to /etc/ld.so.conf", "modification", "/etc/ld.so.conf", NULL,
	  VI, "/etc/ld.so.conf", VI, LDW_MATCH },
	{ "a write to /etc/ld.so.preload through a bind mount", "modification",
	  "/mnt/etc/ld.so.preload", NULL, VI, "/etc/ld.so.preload", VI, LDW_MATCH },
	{ "a hard link into ld.so.conf.d", "link", "/etc/ld.so.conf.d/evil.conf", NULL,
	  "/bin/ln", "/etc/ld.so.conf.d/evil.conf", "/bin/ln", LDW_MATCH },
	{ "a symlink at /etc/ld.so.preload", "symlink", "/etc/ld.so.preload", NULL,
	  "/bin/ln", "/etc/ld.so.preload", "/bin/ln", LDW_MATCH },
	{ "a mount onto /etc/ld.so.conf.d", "mount", "/etc/ld.so.conf.d", NULL,
	  "/bin/mount", "/etc/ld.so.conf.d", "/bin/mount", LDW_MATCH },
	{ "a mount onto /etc", "mount", "/etc", NULL, "/bin/mount", "/etc",
	  "/bin/mount", LDW_MATCH },
	{ "ld.so.conf.d renamed away (the host's path of what moved)", "rename",
	  "/etc/.t", "/etc/ld.so.conf.d", "/bin/mv", "/etc/ld.so.conf.d", "/bin/mv",
	  LDW_MATCH },
	{ "a prepared directory renamed onto ld.so.conf.d", "rename",
	  "/etc/ld.so.conf.d", "/tmp/d", "/bin/mv", "/etc/ld.so.conf.d", "/bin/mv",
	  LDW_MATCH },
	{ "chroot /etc, then /ld.so.preload created", "creation", "/ld.so.preload",
	  NULL, "/sh", "/etc/ld.so.preload", "/etc/sh", LDW_MATCH },
	{ "a FIFO at a .conf name in ld.so.conf.d", "creation",
	  "/etc/ld.so.conf.d/f.conf", NULL, "/bin/mkfifo", "/etc/ld.so.conf.d/f.conf",
	  "/bin/mkfifo", LDW_MATCH },
	/* Elastic's exclusions, used as they are by an attacker. */
	{ "a .dpkg-new renamed onto ld.so.preload by another program", "rename",
	  "/etc/ld.so.preload", "/etc/x.dpkg-new", "/tmp/mv", "/etc/ld.so.preload",
	  "/tmp/mv", LDW_MATCH },
	{ "the same rename by dpkg", "rename", "/etc/ld.so.preload", "/etc/x.dpkg-new",
	  "/usr/bin/dpkg", "/etc/ld.so.preload", "/usr/bin/dpkg", LDW_EXCLUDED },
	{ "dpkg's path as a chrooted copy sees it, not as the host does", "rename",
	  "/etc/ld.so.preload", "/etc/x.dpkg-new", "/usr/bin/dpkg",
	  "/etc/ld.so.preload", "/tmp/c/usr/bin/dpkg", LDW_MATCH },
	{ "dpkg's path in another mount namespace (no host path)", "creation",
	  "/etc/ld.so.conf.d/x.conf", NULL, "/usr/bin/dpkg",
	  "/etc/ld.so.conf.d/x.conf", NULL, LDW_MATCH },
	{ "any binary named java", "creation", "/etc/ld.so.conf.d/j.conf", NULL,
	  "/tmp/bin/java", "/etc/ld.so.conf.d/j.conf", "/tmp/bin/java", LDW_MATCH },
	{ "a program named sed writing sed1.conf", "creation",
	  "/etc/ld.so.conf.d/sed1.conf", NULL, "/tmp/bin/sed",
	  "/etc/ld.so.conf.d/sed1.conf", "/tmp/bin/sed", LDW_MATCH },
	{ "perl writing e2scrub_all.tmp.conf", "creation",
	  "/etc/ld.so.conf.d/e2scrub_all.tmp.conf", NULL, "/usr/bin/perl",
	  "/etc/ld.so.conf.d/e2scrub_all.tmp.conf", "/usr/bin/perl", LDW_MATCH },
	{ "an executable under /VAR/LIB/DPKG/ (case matters)", "creation",
	  "/etc/ld.so.preload", NULL, "/VAR/LIB/DPKG/x", "/etc/ld.so.preload",
	  "/VAR/LIB/DPKG/x", LDW_MATCH },
	{ "a program run from memory (/proc/self/exe)", "creation",
	  "/etc/ld.so.preload", NULL, "/proc/self/exe", "/etc/ld.so.preload",
	  "/proc/self/exe", LDW_MATCH },
	{ "a program from the nix store", "creation", "/etc/ld.so.conf.d/n.conf", NULL,
	  "/nix/store/0abc/bin/tool", "/etc/ld.so.conf.d/n.conf",
	  "/nix/store/0abc/bin/tool", LDW_EXCLUDED },
	{ "/NIX/STORE/ is not the nix store", "creation", "/etc/ld.so.conf.d/n.conf",
	  NULL, "/NIX/STORE/0abc/bin/tool", "/etc/ld.so.conf.d/n.conf",
	  "/NIX/STORE/0abc/bin/tool", LDW_MATCH },
	/* The cache: ldconfig's own file. */
	{ "ldconfig renaming its new cache into place", "rename", "/etc/ld.so.cache",
	  "/etc/ld.so.cache~", "/usr/sbin/ldconfig", "/etc/ld.so.cache",
	  "/usr/sbin/ldconfig", LDW_EXCLUDED },
	{ "another program rewriting the cache", "modification", "/etc/ld.so.cache",
	  NULL, "/tmp/x", "/etc/ld.so.cache", "/tmp/x", LDW_MATCH },
	{ "ldconfig writing ld.so.preload", "creation", "/etc/ld.so.preload", NULL,
	  "/usr/sbin/ldconfig", "/etc/ld.so.preload", "/usr/sbin/ldconfig",
	  LDW_MATCH },
	/* What the linker does not read. */
	{ "an editor's swap file in ld.so.conf.d", "creation",
	  "/etc/ld.so.conf.d/.x.conf.swp", NULL, VI, "/etc/ld.so.conf.d/.x.conf.swp",
	  VI, LDW_NO_MATCH },
	{ "an upper-case .CONF (the include's glob is case-sensitive)", "creation",
	  "/etc/ld.so.conf.d/x.CONF", NULL, VI, "/etc/ld.so.conf.d/x.CONF", VI,
	  LDW_NO_MATCH },
	{ "a new, empty ld.so.conf.d", "creation", "/etc/ld.so.conf.d", NULL,
	  "/bin/mkdir", "/etc/ld.so.conf.d", "/bin/mkdir", LDW_EXCLUDED },
	{ "a file of a container's own /etc (no host target)", "creation",
	  "/etc/ld.so.preload", NULL, "/bin/sh", NULL, NULL, LDW_NO_MATCH },
	{ "an action the rule does not know", "deletion", "/etc/ld.so.preload", NULL,
	  "/bin/rm", "/etc/ld.so.preload", "/bin/rm", LDW_NO_MATCH },
};

static struct ldw_str str(const char *s)
{
	return s ? (struct ldw_str){ s, strlen(s) } : LDW_STR_ABSENT;
}

static const char *outcome_name(enum ldw_outcome o)
{
	return o == LDW_MATCH ? "match" : o == LDW_EXCLUDED ? "excluded" : "no match";
}

int main(void)
{
	static __u32 blob[LDW_PROG_MAX_SIZE / sizeof(__u32)];
	const struct ldw_rule *rule = &ldw_companion_rule;
	struct ldw_prog_error verr;
	struct ldw_prog prog;
	const char *err = "";
	size_t i, size;

	/* Judged by its program, as the module judges. */
	size = ldw_prog_from_rule(rule, blob, sizeof(blob), &err);
	if (!tap_ok(size && !ldw_prog_verify(blob, size, &prog, &verr),
		    "companion rule: lowers to a program that verifies")) {
		tap_diag("%s", err);
		return tap_done();
	}

	tap_ok(rule->id && strlen(rule->id) == 36 && rule->version >= 1 &&
	       rule->severity && !strcmp(rule->severity, "high") &&
	       rule->risk_score == 73,
	       "companion rule: its own id, a version, severity high, risk score 73");
	tap_ok(strcmp(rule->id, ldw_default_rule.id) != 0,
	       "companion rule: its id is not Elastic's");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct companion_case *c = &cases[i];
		struct ldw_event event;
		struct ldw_verdict v;

		ldw_event_fill(&event, str(c->action), str(c->path), str(c->original),
			       str(c->executable));
		event.field[LDW_FIELD_TARGET_PATH] = str(c->target);
		event.field[LDW_FIELD_HOST_EXECUTABLE] = str(c->host_executable);
		v = ldw_prog_eval(&prog, &event);
		if (!tap_ok(v.outcome == c->outcome, "companion rule: %s: %s", c->name,
			    outcome_name(c->outcome)))
			tap_diag("got %s (unit %u)", outcome_name(v.outcome), v.index);
	}
	return tap_done();
}
