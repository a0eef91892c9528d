// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_capture": capture's helpers for paths and attribution,
 * fed slots of the suite's own over real dentries in a tmpfs of its own:
 * name copies, paths and the " (deleted)" mark, the original path of a
 * rename up to PATH_MAX, the system-call classification, the confirmation
 * of creations and renames, the judgement of an event into an alert, the
 * kernel-thread decision derived from the rule, and what the probes' entry
 * points count for a kernel thread.
 *
 * KUnit runs each case in a kernel thread: where that matters (no
 * executable, no system call), the case says so and checks it first.
 * Some cases call __init functions: this is an init-section suite.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/preempt.h>
#include <linux/ptrace.h>
#include <linux/security.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <asm/unistd.h>

#include <ldwatch/netlink.h>
#include <ldwatch/rule.h>

#include "capture.h"
#include "ruleset.h"
#include "ldw_kunit.h"
#include "pathname.h"
#include "prefilter.h"
#include "probes.h"
#include "queue.h"
#include "stats.h"

/* The component that makes long paths: 250 bytes, a '/' before it. */
#define LDW_TEST_COMPONENT 250

static void ldw_test_need_kthread(struct kunit *test)
{
	if (!(current->flags & PF_KTHREAD))
		kunit_skip(test, "KUnit ran this case outside a kernel thread");
}

/*
 * A slot over @mnt, as the probe handler fills it for a candidate of
 * Elastic's rule: the test's files are no host targets.
 */
static struct ldw_slot *ldw_test_slot(struct kunit *test, struct vfsmount *mnt,
				      enum ldw_action action)
{
	struct ldw_slot *slot = kunit_kzalloc(test, sizeof(*slot), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, slot);
	slot->task = current;
	slot->mnt = mnt;
	slot->action = action;
	slot->elastic = true;
	return slot;
}

static void ldw_test_name(struct ldw_name *name, const char *s)
{
	name->len = strlen(s);
	memcpy(name->name, s, name->len + 1);
}

/* @n bytes of @c, NUL-terminated, freed when the case ends. */
static char *ldw_test_repeat(struct kunit *test, char c, size_t n)
{
	char *s = kunit_kmalloc(test, n + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * @count directories of LDW_TEST_COMPONENT bytes each below @dir, one in
 * the other: their path is count * (LDW_TEST_COMPONENT + 1) bytes long.
 */
static struct dentry *ldw_test_long_dirs(struct kunit *test, struct dentry *dir,
					 unsigned int count)
{
	char *name = ldw_test_repeat(test, 'd', LDW_TEST_COMPONENT);

	while (count--) {
		name[0] = 'a' + count % 26;
		dir = ldw_test_mkdirs(test, dir, name);
	}
	return dir;
}

/* ---- ldw_name_copy() ---- */

static void name_copy(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct ldw_name *copy = kunit_kzalloc(test, sizeof(*copy), GFP_KERNEL);
	struct dentry *fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	const char *longest = ldw_test_repeat(test, 'n', NAME_MAX);
	const char *too_long = ldw_test_repeat(test, 'n', NAME_MAX + 1);
	struct dentry *dentry;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_NOT_NULL(test, fake);

	dentry = ldw_test_lookup(test, mnt->mnt_root, "ld.so.preload");
	KUNIT_EXPECT_TRUE(test, ldw_name_copy(copy, dentry));
	KUNIT_EXPECT_EQ(test, copy->len, 13u);
	KUNIT_EXPECT_STREQ(test, copy->name, "ld.so.preload");

	dentry = ldw_test_lookup(test, mnt->mnt_root, longest);
	KUNIT_EXPECT_TRUE(test, ldw_name_copy(copy, dentry));
	KUNIT_EXPECT_EQ(test, copy->len, (u32)NAME_MAX);
	KUNIT_EXPECT_STREQ(test, copy->name, longest);

	/* No file system here makes a longer name; some allow one. */
	fake->d_name.name = (const unsigned char *)too_long;
	fake->d_name.len = NAME_MAX + 1;
	KUNIT_EXPECT_FALSE(test, ldw_name_copy(copy, fake));
}

/* ---- ldw_path_string() ---- */

/* @s, a path or an error, is the path @expect. */
static void ldw_test_expect_path(struct kunit *test, const char *s,
				 const char *expect)
{
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "%s: %pe", expect, s);
	KUNIT_EXPECT_STREQ(test, s, expect);
}

static void path_string(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	char *buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	struct path path = { .mnt = mnt };
	bool cut = false;

	KUNIT_ASSERT_NOT_NULL(test, buf);

	/*
	 * Each file is looked up once more: a second reference, as the open
	 * file of its creator holds, so that an unlink unhashes the dentry
	 * rather than turning it negative in place.
	 */
	path.dentry = ldw_test_create(test, etc, "victim");
	ldw_test_lookup(test, etc, "victim");
	ldw_test_expect_path(test, ldw_path_string(&path, buf, PATH_MAX, &cut), "/etc/victim");

	/* A file unlinked since: where the operation happened, unmarked. */
	KUNIT_ASSERT_EQ(test, ldw_test_unlink(etc, path.dentry), 0);
	ldw_test_expect_path(test, d_path(&path, buf, PATH_MAX), "/etc/victim (deleted)");
	ldw_test_expect_path(test, ldw_path_string(&path, buf, PATH_MAX, &cut), "/etc/victim");

	/* A name that ends in the mark is a name, while the file is linked ... */
	path.dentry = ldw_test_create(test, etc, "x (deleted)");
	ldw_test_lookup(test, etc, "x (deleted)");
	ldw_test_expect_path(test, ldw_path_string(&path, buf, PATH_MAX, &cut), "/etc/x (deleted)");
	/* ... and keeps it when unlinked: one mark is cut, d_path()'s own. */
	KUNIT_ASSERT_EQ(test, ldw_test_unlink(etc, path.dentry), 0);
	ldw_test_expect_path(test, ldw_path_string(&path, buf, PATH_MAX, &cut), "/etc/x (deleted)");

	/* The root of the file system. */
	path.dentry = mnt->mnt_root;
	ldw_test_expect_path(test, ldw_path_string(&path, buf, PATH_MAX, &cut), "/");

	KUNIT_EXPECT_FALSE(test, cut);
}

/*
 * The path of @dentry, a descendant of @mnt's root, built here by walking
 * up: what d_path() gives where it fits.
 */
static char *ldw_test_full_path(struct kunit *test, struct dentry *dentry)
{
	const size_t size = 4 * PATH_MAX;
	char *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	char *p = buf + size - 1;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (; !IS_ROOT(dentry); dentry = dentry->d_parent) {
		p -= dentry->d_name.len;
		KUNIT_ASSERT_TRUE(test, p > buf);
		memcpy(p, dentry->d_name.name, dentry->d_name.len);
		*--p = '/';
	}
	return p;
}

/*
 * A path longer than the buffer: cut to its tail, after the mark, from a
 * '/' on, ending in the file's name; never an error, never whole.
 */
static void path_string_too_long(struct kunit *test)
{
	const size_t mark = strlen(LDW_PATH_CUT_MARK);
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *deep = ldw_test_long_dirs(test, mnt->mnt_root, 20);
	char *buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	struct path path = { .mnt = mnt };
	const char *full;
	bool cut = false;
	size_t len;
	char *s;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	path.dentry = ldw_test_create(test, deep, "victim");
	ldw_test_lookup(test, deep, "victim");
	full = ldw_test_full_path(test, path.dentry);
	KUNIT_ASSERT_GT(test, strlen(full), (size_t)PATH_MAX);

	s = ldw_path_string(&path, buf, PATH_MAX, &cut);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "%pe", s);
	KUNIT_EXPECT_TRUE(test, cut);
	len = strlen(s);
	KUNIT_EXPECT_LE(test, len, (size_t)PATH_MAX - 1);
	/* Most of the buffer is used: the tail, not the name alone. */
	KUNIT_EXPECT_GT(test, len, (size_t)PATH_MAX - 1 - LDW_TEST_COMPONENT - 1);
	KUNIT_EXPECT_EQ(test, strncmp(s, LDW_PATH_CUT_MARK, mark), 0);
	KUNIT_EXPECT_EQ(test, s[mark], '/');
	KUNIT_EXPECT_STREQ(test, s + mark, full + strlen(full) - (len - mark));
	KUNIT_EXPECT_STREQ(test, s + len - strlen("/victim"), "/victim");

	/* Unlinked since: where it was, without d_path()'s mark. */
	KUNIT_ASSERT_EQ(test, ldw_test_unlink(deep, path.dentry), 0);
	cut = false;
	s = ldw_path_string(&path, buf, PATH_MAX, &cut);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "%pe", s);
	KUNIT_EXPECT_TRUE(test, cut);
	KUNIT_EXPECT_EQ(test, strncmp(s, LDW_PATH_CUT_MARK "/", mark + 1), 0);
	len = strlen(s);
	KUNIT_EXPECT_STREQ(test, s + len - strlen("/victim"), "/victim");
	KUNIT_EXPECT_STREQ(test, s + mark, full + strlen(full) - (len - mark));

	/* A buffer that holds little more than the name: the name alone. */
	path.dentry = ldw_test_create(test, deep, "v2");
	ldw_test_lookup(test, deep, "v2");
	cut = false;
	s = ldw_path_string(&path, buf, NAME_MAX + mark + 2, &cut);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "%pe", s);
	KUNIT_EXPECT_TRUE(test, cut);
	KUNIT_EXPECT_EQ(test, strncmp(s, LDW_PATH_CUT_MARK "/", mark + 1), 0);
	KUNIT_EXPECT_STREQ(test, s + strlen(s) - strlen("/v2"), "/v2");
}

/* ---- ldw_original_path() ---- */

static void original_path(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_RENAME);
	char *buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	struct ldw_str original;
	bool cut = false;

	KUNIT_ASSERT_NOT_NULL(test, buf);

	slot->from_dir = ldw_test_mkdirs(test, mnt->mnt_root, "tmp/build");
	ldw_test_name(&slot->old_name, "lib.txt");
	KUNIT_ASSERT_EQ(test, ldw_original_path(slot, buf, &original, &cut), 0);
	KUNIT_EXPECT_EQ(test, original.len, strlen("/tmp/build/lib.txt"));
	KUNIT_EXPECT_STREQ(test, original.ptr, "/tmp/build/lib.txt");

	/* From the root: one '/', not two. */
	slot->from_dir = mnt->mnt_root;
	ldw_test_name(&slot->old_name, "ld.so.preload.new");
	KUNIT_ASSERT_EQ(test, ldw_original_path(slot, buf, &original, &cut), 0);
	KUNIT_EXPECT_EQ(test, original.len, strlen("/ld.so.preload.new"));
	KUNIT_EXPECT_STREQ(test, original.ptr, "/ld.so.preload.new");
}

/*
 * The longest original path is PATH_MAX - 1 bytes, one more is cut to its
 * tail: the directory's path is 16 * 251 = 4016 bytes, the name's '/' one
 * more.
 */
static void original_path_at_path_max(struct kunit *test)
{
	const size_t dir_len = 16 * (LDW_TEST_COMPONENT + 1);
	const size_t fits = PATH_MAX - 1 - dir_len - 1;
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_RENAME);
	char *buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	struct ldw_str original;
	bool cut = false;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	slot->from_dir = ldw_test_long_dirs(test, mnt->mnt_root, 16);

	ldw_test_name(&slot->old_name, ldw_test_repeat(test, 'f', fits));
	KUNIT_ASSERT_EQ(test, ldw_original_path(slot, buf, &original, &cut), 0);
	KUNIT_EXPECT_EQ(test, original.len, (size_t)PATH_MAX - 1);
	KUNIT_EXPECT_EQ(test, strlen(original.ptr), (size_t)PATH_MAX - 1);
	KUNIT_EXPECT_EQ(test, original.ptr[dir_len], '/');
	KUNIT_EXPECT_STREQ(test, original.ptr + dir_len + 1, slot->old_name.name);

	KUNIT_EXPECT_FALSE(test, cut);

	ldw_test_name(&slot->old_name, ldw_test_repeat(test, 'f', fits + 1));
	KUNIT_ASSERT_EQ(test, ldw_original_path(slot, buf, &original, &cut), 0);
	KUNIT_EXPECT_TRUE(test, cut);
	KUNIT_EXPECT_EQ(test, original.len, strlen(original.ptr));
	KUNIT_EXPECT_LE(test, original.len, (size_t)PATH_MAX - 1);
	KUNIT_EXPECT_EQ(test, strncmp(original.ptr, LDW_PATH_CUT_MARK "/", 4), 0);
	KUNIT_EXPECT_STREQ(test, original.ptr + original.len - slot->old_name.len,
			   slot->old_name.name);
}

/* ---- ldw_syscall_opens() ---- */

static void syscall_classification(struct kunit *test)
{
	static const struct {
		long nr;
		bool opens;
	} calls[] = {
		{ __NR_open, true },
		{ __NR_openat, true },
		{ __NR_openat2, true },
		{ __NR_creat, true },
		{ __NR_open | __X32_SYSCALL_BIT, true },
		{ __NR_openat | __X32_SYSCALL_BIT, true },
		{ __NR_read, false },
		{ __NR_mknod, false },
		{ __NR_mknodat, false },
		{ __NR_rename, false },
		{ __NR_renameat2, false },
		{ __NR_open_by_handle_at, false },
		{ __NR_io_uring_enter, false },
		{ -1, false },
	};
	struct pt_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, regs);
	/* A kernel thread makes no 32-bit system calls: the native table. */
	ldw_test_need_kthread(test);
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		regs->orig_ax = calls[i].nr;
		KUNIT_EXPECT_EQ_MSG(test, ldw_syscall_opens(regs), calls[i].opens,
				    "system call %ld", calls[i].nr);
	}
}

/* ---- ldw_creation_confirmed(), ldw_rename_confirmed() ---- */

static void creation_confirmation(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_CREATION);

	/*
	 * In a kernel thread no open system call can confirm a creation:
	 * the d_instantiate mark and a positive dentry alone decide.
	 */
	ldw_test_need_kthread(test);
	slot->dentry = ldw_test_lookup(test, mnt->mnt_root, "ld.so.preload");
	KUNIT_EXPECT_FALSE(test, ldw_creation_confirmed(slot));
	slot->instantiated = true;
	KUNIT_EXPECT_FALSE_MSG(test, ldw_creation_confirmed(slot),
			       "marked, but the file was not created");

	slot->dentry = ldw_test_create(test, mnt->mnt_root, "ld.so.conf");
	slot->instantiated = false;
	KUNIT_EXPECT_FALSE_MSG(test, ldw_creation_confirmed(slot),
			       "the file exists, but this operation did not make it");
	slot->instantiated = true;
	KUNIT_EXPECT_TRUE(test, ldw_creation_confirmed(slot));
}

static void rename_confirmation(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *tmp = ldw_test_mkdirs(test, mnt->mnt_root, "tmp");
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_RENAME);
	struct dentry *target;

	/* As the probe saw it: lib.txt in tmp to ld.so.preload in etc. */
	slot->dentry = ldw_test_create(test, tmp, "lib.txt");
	slot->from_dir = tmp;
	slot->to_dir = etc;
	ldw_test_name(&slot->old_name, "lib.txt");
	ldw_test_name(&slot->new_name, "ld.so.preload");
	KUNIT_EXPECT_FALSE_MSG(test, ldw_rename_confirmed(slot), "before the rename");

	/* The name the probe saw, but in another directory: not this rename. */
	ldw_test_name(&slot->new_name, "lib.txt");
	KUNIT_EXPECT_FALSE_MSG(test, ldw_rename_confirmed(slot), "another directory");
	ldw_test_name(&slot->new_name, "ld.so.preload");

	/* A rename that fails leaves the entry where it was. */
	target = ldw_test_mkdirs(test, etc, "ld.so.preload");
	KUNIT_EXPECT_EQ(test, ldw_test_rename(tmp, slot->dentry, etc, target, 0),
			-EISDIR);
	KUNIT_EXPECT_FALSE_MSG(test, ldw_rename_confirmed(slot), "a failed rename");

	/* Moved elsewhere than the probe saw: not this rename. */
	target = ldw_test_lookup(test, etc, "ld.so.conf");
	KUNIT_ASSERT_EQ(test, ldw_test_rename(tmp, slot->dentry, etc, target, 0), 0);
	KUNIT_EXPECT_FALSE_MSG(test, ldw_rename_confirmed(slot), "another name");

	/* The rename the probe saw. */
	slot->from_dir = etc;
	target = ldw_test_lookup(test, etc, "ld.so.preload.d");
	slot->to_dir = etc;
	ldw_test_name(&slot->old_name, "ld.so.conf");
	ldw_test_name(&slot->new_name, "ld.so.preload.d");
	KUNIT_ASSERT_EQ(test, ldw_test_rename(etc, slot->dentry, etc, target, 0), 0);
	KUNIT_EXPECT_TRUE(test, ldw_rename_confirmed(slot));
}

/* ---- ldw_judge(): an event, the rule, an alert ---- */

/* A rule with no exclusion, so that a kernel thread's event matches. */
LDW_TEST_PATH_RULE(ldw_preload_rule, "/etc/ld.so.preload",
		   "ld.so.preload written, by anyone");

/* Judge by @rule alone. */
static void ldw_test_use_rule(struct kunit *test, const struct ldw_rule *rule)
{
	ldw_test_use_rules(test, &rule, 1);
}

static void judge_creation_into_an_alert(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_CREATION);
	const struct cred *cred = current_cred();
	struct ldw_stats_snapshot *stats;
	struct ldw_alert *alert;

	stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_need_kthread(test);
	ldw_test_use_rule(test, &ldw_preload_rule);

	slot->dentry = ldw_test_create(test, etc, "ld.so.preload");
	slot->time_ns = 1234567890123456789ULL;
	ldw_judge(slot);

	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_MATCHED], 1ULL);
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), 2ULL);
	alert = ldw_queue_head();
	KUNIT_ASSERT_NOT_NULL(test, alert);
	KUNIT_EXPECT_EQ(test, alert->record, LDW_RECORD_ALERT);
	KUNIT_EXPECT_EQ(test, alert->seq, 1ULL);
	KUNIT_EXPECT_EQ(test, alert->action, LDW_ACTION_CREATION);
	KUNIT_EXPECT_EQ(test, alert->time_ns, slot->time_ns);
	KUNIT_EXPECT_STREQ(test, alert->file_path, "/etc/ld.so.preload");
	KUNIT_EXPECT_NULL(test, alert->original_path);
	/* A kernel thread has no executable: the field is absent. */
	KUNIT_EXPECT_NULL(test, alert->executable);
	KUNIT_EXPECT_EQ(test, alert->pid, (u32)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, alert->tid, (u32)task_pid_nr(current));
	KUNIT_EXPECT_EQ(test, alert->ppid, (u32)task_ppid_nr(current));
	KUNIT_EXPECT_EQ(test, alert->uid, from_kuid(&init_user_ns, cred->uid));
	KUNIT_EXPECT_EQ(test, alert->euid, from_kuid(&init_user_ns, cred->euid));
	KUNIT_EXPECT_EQ(test, alert->gid, from_kgid(&init_user_ns, cred->gid));
	KUNIT_EXPECT_NE(test, alert->mntns, 0u);
	KUNIT_EXPECT_STREQ(test, alert->comm, current->comm);
	/* The alert names the rule that matched, and keeps it alive. */
	KUNIT_ASSERT_NOT_NULL(test, alert->rule);
	KUNIT_EXPECT_STREQ(test, alert->rule->id, ldw_preload_rule.id);
	KUNIT_EXPECT_EQ(test, atomic64_read(&alert->rule->matches), 1LL);
}

static void judge_rename_into_an_alert(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	struct dentry *tmp = ldw_test_mkdirs(test, mnt->mnt_root, "tmp");
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_RENAME);
	struct dentry *target;
	struct ldw_alert *alert;

	ldw_test_need_kthread(test);
	ldw_test_use_rule(test, &ldw_preload_rule);

	slot->dentry = ldw_test_create(test, tmp, "lib.txt");
	slot->from_dir = tmp;
	slot->to_dir = etc;
	ldw_test_name(&slot->old_name, "lib.txt");
	ldw_test_name(&slot->new_name, "ld.so.preload");
	target = ldw_test_lookup(test, etc, "ld.so.preload");
	KUNIT_ASSERT_EQ(test, ldw_test_rename(tmp, slot->dentry, etc, target, 0), 0);
	ldw_judge(slot);

	alert = ldw_queue_head();
	KUNIT_ASSERT_NOT_NULL(test, alert);
	KUNIT_EXPECT_EQ(test, alert->action, LDW_ACTION_RENAME);
	KUNIT_EXPECT_STREQ(test, alert->file_path, "/etc/ld.so.preload");
	KUNIT_ASSERT_NOT_NULL(test, alert->original_path);
	KUNIT_EXPECT_STREQ(test, alert->original_path, "/tmp/lib.txt");
	KUNIT_EXPECT_NULL(test, alert->executable);
}

/*
 * The alert's header is filled whatever its memory held: kmalloc() may
 * return a freed rate limit summary, whose record kind would make the
 * alert go out as a summary (a bug the lab tier once showed).
 */
static void alert_header_ignores_stale_memory(struct kunit *test)
{
	struct ldw_slot *slot = ldw_test_slot(test, ldw_test_tmpfs(test),
					      LDW_ACTION_RENAME);
	struct ldw_alert *alert;

	alert = kunit_kmalloc(test, sizeof(*alert), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, alert);
	memset(alert, 0xa5, sizeof(*alert));
	alert->record = LDW_RECORD_SUPPRESSED;
	slot->time_ns = 42;

	ldw_alert_attribute(alert, slot);
	KUNIT_EXPECT_EQ(test, alert->record, LDW_RECORD_ALERT);
	KUNIT_EXPECT_EQ(test, alert->seq, 0ULL);
	KUNIT_EXPECT_EQ(test, alert->suppressed.count, 0ULL);
	KUNIT_EXPECT_EQ(test, alert->suppressed.window_start_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, alert->suppressed.window_end_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, alert->action, LDW_ACTION_RENAME);
	KUNIT_EXPECT_EQ(test, alert->time_ns, 42ULL);
	KUNIT_EXPECT_EQ(test, alert->pid, (u32)task_tgid_nr(current));
	KUNIT_EXPECT_STREQ(test, alert->comm, current->comm);
	KUNIT_EXPECT_TRUE(test, list_empty(&alert->node));
}

/*
 * With the default rule a kernel thread's event on a target is excluded
 * (it has no executable), another file is no match, and so is a path
 * longer than PATH_MAX: cut to its tail, it ends in ld.so.preload but is
 * not /etc/ld.so.preload, and it is no drop either; no alert for any.
 */
static void judge_without_an_alert(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	struct ldw_slot *slot = ldw_test_slot(test, mnt, LDW_ACTION_CREATION);
	struct ldw_stats_snapshot *stats;
	struct dentry *deep;

	stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_need_kthread(test);
	ldw_test_use_rule(test, &ldw_default_rule);

	slot->dentry = ldw_test_create(test, etc, "ld.so.preload");
	ldw_judge(slot);
	slot->dentry = ldw_test_create(test, etc, "passwd");
	ldw_judge(slot);
	/* 17 * 251 bytes of directories: longer than PATH_MAX. */
	deep = ldw_test_long_dirs(test, etc, 17);
	slot->dentry = ldw_test_create(test, deep, "ld.so.preload");
	ldw_judge(slot);

	ldw_stats_read(stats);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_EXCLUDED], 1ULL);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_NO_MATCH], 2ULL);
	KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_MATCHED], 0ULL);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_PATH], 0ULL);
	KUNIT_EXPECT_EQ(test, ldw_queue_next_seq(), 1ULL);
	KUNIT_EXPECT_NULL(test, ldw_queue_head());
}

/* ---- kernel threads: the rule decides, the probes account ---- */

static const char *const ldw_sh_values[] = { "/bin/sh", NULL };
static const char *const ldw_swp_values[] = { "swp", NULL };
static const char *const ldw_any_values[] = { "*", NULL };

static const struct ldw_clause ldw_exe_null = {
	LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_IS_NULL, NULL
};

static const struct ldw_clause ldw_name_null = {
	LDW_FIELD_PROCESS_NAME, LDW_OP_IS_NULL, NULL
};

static const struct ldw_clause ldw_exe_sh = {
	LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_EQUAL, ldw_sh_values
};

static const struct ldw_clause ldw_exe_any = {
	LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_WILDCARD, ldw_any_values
};

static const struct ldw_clause ldw_exe_null_and_swp[] = {
	{ LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_IS_NULL, NULL },
	{ LDW_FIELD_FILE_EXTENSION, LDW_OP_EQUAL, ldw_swp_values },
};

static const struct ldw_conjunction ldw_only_exe_null[] = { { 1, &ldw_exe_null } };
static const struct ldw_conjunction ldw_only_name_null[] = { { 1, &ldw_name_null } };
static const struct ldw_conjunction ldw_only_exe_sh[] = { { 1, &ldw_exe_sh } };
static const struct ldw_conjunction ldw_only_exe_any[] = { { 1, &ldw_exe_any } };
static const struct ldw_conjunction ldw_null_and_file[] = { { 2, ldw_exe_null_and_swp } };
static const struct ldw_conjunction ldw_sh_then_null[] = {
	{ 1, &ldw_exe_sh },
	{ 1, &ldw_exe_null },
};

static void __init kernel_threads_by_the_rule(struct kunit *test)
{
	static const struct {
		const char *what;
		unsigned int nexclusions;
		const struct ldw_conjunction *exclusions;
		bool excluded;
	} rules[] = {
		{ "no exclusion", 0, NULL, false },
		{ "process.executable == null", 1, ldw_only_exe_null, true },
		{ "process.name == null", 1, ldw_only_name_null, true },
		{ "process.executable in (\"/bin/sh\")", 1, ldw_only_exe_sh, false },
		{ "process.executable like \"*\": absent is not any", 1,
		  ldw_only_exe_any, false },
		{ "executable null and a file field: not for every file", 1,
		  ldw_null_and_file, false },
		{ "the second exclusion holds", 2, ldw_sh_then_null, true },
	};
	unsigned int i;

	KUNIT_EXPECT_TRUE_MSG(test, ldw_test_rule(test, &ldw_default_rule)->kthreads_excluded,
			      "the default rule excludes process.executable == null");
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct ldw_rule rule = {
			.id = "kunit",
			.version = 1,
			.name = rules[i].what,
			.nrequirements = 1,
			.requirements = ldw_preload_rule.requirements,
			.nexclusions = rules[i].nexclusions,
			.exclusions = rules[i].exclusions,
		};

		KUNIT_EXPECT_EQ_MSG(test, ldw_test_rule(test, &rule)->kthreads_excluded,
				    rules[i].excluded, "%s", rules[i].what);
	}
}

/*
 * A creation and a rename through the hooks: the hooked functions are
 * called, ftrace calls the callbacks (probes.c) with their arguments, and
 * those call capture. security_path_*() return 0 with no LSM on the path
 * hooks, and change nothing.
 */
static void __init ldw_test_hooked_ops(struct kunit *test, struct vfsmount *mnt,
				       struct dentry *etc, struct dentry *target,
				       struct dentry *other, struct dentry *tmp_file)
{
	const struct path dir = { .mnt = mnt, .dentry = etc };

	KUNIT_ASSERT_EQ(test, ldw_probes_register(), 0);
	security_path_mknod(&dir, target, S_IFREG | 0644, 0);
	security_path_mknod(&dir, target, 0, 0);	/* mknod's "regular" */
	security_path_mknod(&dir, target, S_IFIFO | 0644, 0);
	security_path_mknod(&dir, other, S_IFREG | 0644, 0);
	security_path_rename(&dir, other, &dir, target, 0);
	/* A rename's source is positive, as the kernel calls it. */
	security_path_rename(&dir, tmp_file, &dir, other, 0);
	/* An exchange moves both ways: the target is one of them. */
	security_path_rename(&dir, tmp_file, &dir, target, RENAME_EXCHANGE);
	ldw_probes_unregister();
}

/*
 * What the hooks count and capture: every operation is seen; the
 * prefilter's candidates are 2 creations (S_IFREG and mknod's 0; not the
 * FIFO), 1 rename and 1 exchange. In a
 * kernel thread a candidate ends there, excluded or dropped as the set in
 * force decides: dropped under a rule that does not exclude kernel
 * threads (the first pass), excluded under the default rule.
 */
static void __init kernel_thread_operations_are_accounted(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");
	struct dentry *target = ldw_test_lookup(test, etc, "ld.so.preload");
	struct dentry *other = ldw_test_create(test, etc, "hosts");
	struct dentry *tmp_file = ldw_test_create(test, etc, "hosts.tmp");
	struct ldw_stats_snapshot *stats;
	unsigned int pass;

	stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	ldw_test_need_kthread(test);

	for (pass = 0; pass < 2; pass++) {
		bool excluded = pass;
		u64 seq = ldw_queue_next_seq();

		ldw_test_use_rule(test, excluded ? &ldw_default_rule : &ldw_preload_rule);
		ldw_test_hooked_ops(test, mnt, etc, target, other, tmp_file);
		ldw_stats_read(stats);
		KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_SEEN], 7ULL * (pass + 1));
		KUNIT_EXPECT_EQ(test, stats->counters[LDW_CNT_CANDIDATES], 4ULL * (pass + 1));
		KUNIT_EXPECT_EQ_MSG(test, stats->counters[LDW_CNT_EXCLUDED],
				    excluded ? 4ULL : 0ULL, "pass %u", pass);
		KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_KERNEL_THREAD], 4ULL);
		/* A drop consumes a sequence number; an exclusion does not. */
		KUNIT_EXPECT_EQ(test, ldw_queue_next_seq() - seq, excluded ? 0ULL : 4ULL);
	}
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_NO_SLOT], 0ULL);
	KUNIT_EXPECT_EQ(test, stats->dropped[LDW_DROP_BUSY], 0ULL);
}

/* Not __initdata: KUnit reads the results through them after init. */
static struct kunit_case __refdata ldw_capture_cases[] = {
	KUNIT_CASE(name_copy),
	KUNIT_CASE(path_string),
	KUNIT_CASE(path_string_too_long),
	KUNIT_CASE(original_path),
	KUNIT_CASE(original_path_at_path_max),
	KUNIT_CASE(syscall_classification),
	KUNIT_CASE(creation_confirmation),
	KUNIT_CASE(rename_confirmation),
	KUNIT_CASE(judge_creation_into_an_alert),
	KUNIT_CASE(judge_rename_into_an_alert),
	KUNIT_CASE(judge_without_an_alert),
	KUNIT_CASE(alert_header_ignores_stale_memory),
	KUNIT_CASE(kernel_threads_by_the_rule),
	KUNIT_CASE(kernel_thread_operations_are_accounted),
	{}
};

static struct kunit_suite ldw_capture_suite = {
	.name = "ldwatch_capture",
	.init = ldw_test_state_init,
	.exit = ldw_test_state_exit,
	.test_cases = ldw_capture_cases,
};

kunit_test_init_section_suite(ldw_capture_suite);
