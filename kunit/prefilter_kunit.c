// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "ldwatch_prefilter": ldw_prefilter_maybe() and ldw_prefilter_match()
 * on real dentries, with preemption disabled as in a probe handler. The trees are made in a
 * tmpfs of the suite's own; what crosses mounts uses the mounts the
 * guest's init made (/tmp, /proc, ...), and skips where there are none.
 *
 * What is checked is the prefilter's promise (prefilter.h): an operation
 * on a file the rule can match is always a candidate, the paths of the
 * shared case table's matching cases included; and plainly unrelated
 * names are not, which is what keeps its cost to a name comparison.
 *
 * Each case puts a set of its rules in force (ruleset.h), which derives
 * the prefilter; some call __init functions: this is an init-section
 * suite, run once at load.
 */
#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <ldwatch/rule.h>

#include "ldw_kunit.h"
#include "prefilter.h"
#include "rule_cases.h"
#include "ruleset.h"

/* A rule whose only anchor is "tmp", as an ancestor: "/tmp/" and a star. */
LDW_TEST_PATH_RULE(ldw_tmp_rule, "/tmp/*", "A file below /tmp");

/* The same with a name no guest has. */
LDW_TEST_PATH_RULE(ldw_nowhere_rule, "/ldw-kunit-nowhere/*",
		   "A file below a directory no guest has");

/*
 * A rule the prefilter cannot narrow: "*.conf" names no whole component,
 * so it would have to look at every file: refused.
 */
LDW_TEST_PATH_RULE(ldw_any_conf_rule, "*.conf", "Any .conf file");

/*
 * Elastic's "Dynamic Linker (ld.so) Creation" value: its only anchor is a
 * prefix, names starting with "ld-linux" at any depth.
 */
LDW_TEST_PATH_RULE(ldw_ld_linux_rule, "/lib*/ld-linux*.so*",
		   "A dynamic linker file below /lib*");

/* A rule with file names only, no directory to be below. */
LDW_TEST_PATH_RULE(ldw_names_only_rule, "/etc/ld.so.preload",
		   "The preload file only");

/*
 * As the hooks call it: the inline walk first, and the exact one where it
 * says maybe. Whatever the answer, the inline walk never turns away an
 * operation the exact one calls a candidate.
 */
static bool ldw_test_candidate(struct kunit *test, const struct vfsmount *mnt,
			       const struct dentry *dentry)
{
	bool maybe, candidate;

	preempt_disable();
	maybe = ldw_prefilter_maybe(mnt, dentry);
	candidate = ldw_prefilter_match(mnt, dentry);
	preempt_enable();
	KUNIT_EXPECT_TRUE_MSG(test, maybe || !candidate,
			      "ldw_prefilter_maybe() turned away a candidate: %pd",
			      dentry);
	return candidate;
}

/* The inline walk alone, as most operations end. */
static bool ldw_test_maybe(const struct vfsmount *mnt,
			   const struct dentry *dentry)
{
	bool maybe;

	preempt_disable();
	maybe = ldw_prefilter_maybe(mnt, dentry);
	preempt_enable();
	return maybe;
}

/* A path below a test's tmpfs, and whether the prefilter lets it through. */
struct ldw_test_path_case {
	const char *path;
	bool candidate;
};

/*
 * The dentry of @path ("a/b/name", relative to @root; its directories
 * made), negative as a file about to be created is.
 */
static struct dentry *ldw_test_leaf(struct kunit *test, struct dentry *root,
				    const char *path)
{
	const char *name = strrchr(path, '/');
	struct dentry *dir = root;
	char *dirs;

	if (name) {
		dirs = ldw_test_strndup(test, path, name - path);
		dir = ldw_test_mkdirs(test, root, dirs);
		name++;
	} else {
		name = path;
	}
	return ldw_test_lookup(test, dir, name);
}

/* The set in force: the built-in rules, or @rule alone. */
static int __init ldw_prefilter_test_init(struct kunit *test)
{
	return ldw_test_state_init(test);
}

static void ldw_prefilter_use(struct kunit *test, const struct ldw_rule *rule)
{
	ldw_test_use_rules(test, &rule, 1);
}

/* The rule's three targets, wherever the process may see them from. */
static void __init targets_are_candidates(struct kunit *test)
{
	static const char *const targets[] = {
		"etc/ld.so.preload",
		"etc/ld.so.conf",
		"etc/ld.so.conf.d/libc.conf",
		"etc/ld.so.conf.d/a/b/c/deep.conf",
		/* ':' folds ASCII case */
		"etc/LD.SO.PRELOAD",
		"etc/Ld.So.Conf.D/x.conf",
		/* /etc/ld.so.preload to a process chrooted in /srv/jail */
		"srv/jail/etc/ld.so.preload",
		/* to a process that sees this file system mounted on /etc */
		"ld.so.preload",
		"ld.so.conf.d/x.conf",
	};
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *leaf;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, targets[i]);

		KUNIT_EXPECT_TRUE_MSG(test, ldw_test_candidate(test, mnt, leaf),
				      "%s (negative dentry)", targets[i]);
	}
	/* An existing file, as a rename's target is. */
	leaf = ldw_test_create(test, mnt->mnt_root, "ld.so.conf");
	KUNIT_EXPECT_TRUE(test, ldw_test_candidate(test, mnt, leaf));
}

/* Names no path the rule matches can go through. */
static void __init others_are_not(struct kunit *test)
{
	static const char *const others[] = {
		"etc/passwd",
		"etc/ld.so.cache",
		"etc/ld.so.preload.bak",
		"etc/ld.so.preloa",
		"etc/ld.so.conf~",
		"etc/ld.so.conf.d.bak/x.conf",
		/* ld.so.conf is a file's name, never a directory on the way */
		"etc/ld.so.conf/x",
		/* the directory itself: "/etc/ld.so.conf.d/ *" needs the '/' */
		"etc/ld.so.conf.d",
		"tmp/x",
		"x",
	};
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *leaf;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(others); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, others[i]);

		KUNIT_EXPECT_FALSE_MSG(test, ldw_test_candidate(test, mnt, leaf), "%s",
				       others[i]);
		/* No name of an anchor's length: no byte is compared. */
		KUNIT_EXPECT_FALSE_MSG(test, ldw_test_maybe(mnt, leaf),
				       "inline walk: %s", others[i]);
	}
	/* An existing file, as a rename's target is. */
	leaf = ldw_test_create(test, mnt->mnt_root, "ld.so.conf.bak");
	KUNIT_EXPECT_FALSE(test, ldw_test_candidate(test, mnt, leaf));
}

/*
 * Names of an anchor's length that are no anchor, on the way: the exact
 * walk compares their bytes (ldw_prefilter_match()) and goes on up, to an
 * anchor above them or to the top. "ld.so.preloax" has the length of
 * ld.so.preload (13), "ld.so.conf.x" and "abcdefghijkl" that of
 * ld.so.conf.d (12), "ld.so.conX" that of ld.so.conf (10).
 */
static void __init lookalike_lengths_on_the_way(struct kunit *test)
{
	static const struct ldw_test_path_case cases[] = {
		{ "etc/ld.so.conf.d/ld.so.conf.x/abcdefghijkl/x.conf", true },
		{ "etc/ld.so.conf.d/ld.so.conf.x/abcdefghijkl/ld.so.preloax", true },
		{ "etc/ld.so.conf.d/LD.SO.CONF.X/ld.so.conX", true },
		{ "ld.so.conf.x/abcdefghijkl/ld.so.preloax", false },
		{ "etc/ld.so.conf.x/abcdefghijkl/ld.so.conX", false },
		{ "abcdefghijkl/abcdefghijkl/abcdefghijkl/x", false },
	};
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *leaf;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, cases[i].path);
		KUNIT_EXPECT_EQ_MSG(test, ldw_test_candidate(test, mnt, leaf),
				    cases[i].candidate, "%s", cases[i].path);
	}
}

/*
 * The inline walk tests one table, which also stands for a set's special
 * shape: a set with file names only marks every ancestor, whose look ends
 * the walk with no candidate, the inline one included. A rule the
 * prefilter cannot narrow is refused: it would have to look at every
 * file, and the set in force stays.
 */
static void __init rules_without_ancestors_or_anchors(struct kunit *test)
{
	static const char *const anything[] = {
		"x", "tmp/x", "etc/ld.so.conf.d/x.conf", "abcdefghijkl/ld.so.preloax",
	};
	static const struct ldw_test_path_case names_only[] = {
		{ "etc/ld.so.preload", true },
		{ "a/b/c/LD.SO.PRELOAD", true },
		{ "etc/ld.so.conf.d/x.conf", false },
		{ "ld.so.conf.d/ld.so.conf.d/x", false },
		{ "etc/ld.so.preload.d/x", false },
	};
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *leaf;
	char *long_name;
	unsigned int i;

	KUNIT_EXPECT_NULL(test, ldw_lrule_of_table(&ldw_any_conf_rule, NULL,
						   LDW_RULE_LOADED));
	/* The built-in set stays: its names are candidates, others not. */
	for (i = 0; i < ARRAY_SIZE(anything); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, anything[i]);
		KUNIT_EXPECT_EQ_MSG(test, ldw_test_candidate(test, mnt, leaf),
				    i == 2, "built-in rules: %s", anything[i]);
	}
	/* NAME_MAX bytes, the longest a name can be */
	long_name = kunit_kzalloc(test, NAME_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, long_name);
	memset(long_name, 'n', NAME_MAX);
	leaf = ldw_test_lookup(test, mnt->mnt_root, long_name);
	KUNIT_EXPECT_FALSE(test, ldw_test_candidate(test, mnt, leaf));

	ldw_prefilter_use(test, &ldw_names_only_rule);
	for (i = 0; i < ARRAY_SIZE(names_only); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, names_only[i].path);
		KUNIT_EXPECT_EQ_MSG(test, ldw_test_candidate(test, mnt, leaf),
				    names_only[i].candidate, "names only: %s",
				    names_only[i].path);
		if (!names_only[i].candidate)
			KUNIT_EXPECT_FALSE_MSG(test, ldw_test_maybe(mnt, leaf),
					       "names only, inline walk: %s",
					       names_only[i].path);
	}
}

/*
 * A prefix anchor: a name of the prefix's length or longer is compared
 * where its first four bytes may start the prefix, at the file's place and
 * on the way up; other names end the inline walk as they did. When the
 * set changes to one without the prefix, its bits leave both tables.
 */
static void __init prefix_anchors(struct kunit *test)
{
	static const struct ldw_test_path_case cases[] = {
		{ "lib/ld-linux-x86-64.so.2", true },
		{ "lib64/LD-LINUX-X86-64.SO.2", true },
		{ "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", true },
		{ "lib/ld-linux.so/evil", true },	/* '*' matches '/' */
		{ "lib/Ld-Linux.so/a/b/c/d", true },
		{ "ld-linux", true },
		{ "lib/ldlinux.so", false },		/* "ld" is a prefix's start */
		{ "lib/ld-linu", false },
		{ "lib/ld-linuxX", true },		/* the prefix, and more */
		{ "lib/xld-linux.so", false },
	};
	/*
	 * Names whose first four bytes start no prefix: the inline walk
	 * ends, "ld" and "ld-" stems included.
	 */
	static const char *const inline_misses[] = {
		"tmp/ldw-bench/xxxxxxxx",
		"sbin/ldconfig.real",
		"etc/ld.so.cache~",
		"lib/ld-2.36.so",
		"lib/libc.so.6",
		"usr/lib/x86_64-linux-gnu/libm.so.6",
		"etc/passwd.backup",
		"a/b/c/d/e/f/g/h",
		"verylongdirectoryname/anotherlongname/x",
	};
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *leaf;
	unsigned int i;

	ldw_prefilter_use(test, &ldw_ld_linux_rule);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, cases[i].path);
		KUNIT_EXPECT_EQ_MSG(test, ldw_test_candidate(test, mnt, leaf),
				    cases[i].candidate, "prefix: %s", cases[i].path);
	}
	for (i = 0; i < ARRAY_SIZE(inline_misses); i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, inline_misses[i]);
		KUNIT_EXPECT_FALSE_MSG(test, ldw_test_maybe(mnt, leaf),
				       "prefix, inline walk: %s", inline_misses[i]);
	}
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ldw_prefilter_fits[8]) & LDW_PREFILTER_PREFIX);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(ldw_prefilter_fits[7]) & LDW_PREFILTER_PREFIX);

	/* The next set has no prefix: neither table keeps it. */
	ldw_prefilter_use(test, &ldw_names_only_rule);
	for (i = 0; i < LDW_PREFILTER_LENGTHS; i++)
		KUNIT_EXPECT_FALSE_MSG(test, READ_ONCE(ldw_prefilter_fits[i]) &
				       LDW_PREFILTER_PREFIX, "length %u", i);
	for (i = 0; i < LDW_ANCHORS_FIRSTS_BYTES; i++)
		if (READ_ONCE(ldw_prefilter_firsts[i]))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, (unsigned int)LDW_ANCHORS_FIRSTS_BYTES,
			    "a first-four-bytes key is left");
	for (i = 0; i < 3; i++) {
		leaf = ldw_test_leaf(test, mnt->mnt_root, cases[i].path);
		KUNIT_EXPECT_FALSE_MSG(test, ldw_test_maybe(mnt, leaf),
				       "names only, inline walk: %s", cases[i].path);
	}
}

/*
 * Whether @path can be made in a file system as it is: absolute, and each
 * component a name a directory entry can have.
 */
static bool __init ldw_test_path_makeable(struct ldw_str path)
{
	size_t i, start = 1;

	if (!path.ptr || path.len < 2 || path.ptr[0] != '/' ||
	    path.ptr[path.len - 1] == '/' || memchr(path.ptr, '\0', path.len))
		return false;
	for (i = 1; i <= path.len; i++) {
		size_t len = i - start;

		if (i < path.len && path.ptr[i] != '/')
			continue;
		if (!len || len > NAME_MAX ||
		    (len == 1 && path.ptr[start] == '.') ||
		    (len == 2 && !memcmp(path.ptr + start, "..", 2)))
			return false;
		start = i + 1;
	}
	return true;
}

/*
 * Every case of the shared table that the rule matches, made as a real
 * file: its path's dentry is a candidate. (Paths no file system can hold,
 * "" or longer names than NAME_MAX, are left out, and counted.)
 */
static void __init case_table_matches_are_candidates(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	unsigned int i, made = 0, matches = 0;

	for (i = 0; i < ldw_rule_ncases; i++) {
		const struct ldw_rule_case *c = &ldw_rule_cases[i];
		struct ldw_event event;
		struct ldw_str path;
		struct dentry *leaf;
		char *rel;

		if (c->outcome != LDW_MATCH)
			continue;
		matches++;
		ldw_rule_case_event(c, &event);
		path = event.field[LDW_FIELD_FILE_PATH];
		if (!ldw_test_path_makeable(path))
			continue;
		rel = ldw_test_strndup(test, path.ptr + 1, path.len - 1);
		leaf = ldw_test_leaf(test, mnt->mnt_root, rel);
		KUNIT_EXPECT_TRUE_MSG(test, ldw_test_candidate(test, mnt, leaf),
				      "case \"%s\": %s", c->name, rel);
		made++;
	}
	kunit_info(test, "%u of the table's %u matching cases made as files\n",
		   made, matches);
	KUNIT_EXPECT_GE(test, made, 10u);
}

/* A target directory far up: beyond the walk's bound, still a candidate. */
static void __init deep_below_a_target_directory(struct kunit *test)
{
	static const unsigned int levels[] = { 1, 30, 31, 32, 33, 40, 64 };
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *dir = ldw_test_mkdirs(test, mnt->mnt_root,
					     "etc/ld.so.conf.d");
	unsigned int i, depth = 0;
	struct dentry *leaf;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		for (; depth + 1 < levels[i]; depth++)
			dir = ldw_test_mkdirs(test, dir, "d");
		/* ld.so.conf.d is levels[i] components above the file */
		leaf = ldw_test_lookup(test, dir, "x.conf");
		KUNIT_EXPECT_TRUE_MSG(test, ldw_test_candidate(test, mnt, leaf),
				      "ld.so.conf.d %u levels up", levels[i]);
	}
}

/*
 * The walk goes on from a mount's root to its mount point: a file in the
 * tmpfs mounted on /tmp is below "tmp", which only the parent mount shows.
 */
static void __init crosses_mounts_to_the_mount_point(struct kunit *test)
{
	struct path *tmp = ldw_test_kern_path(test, "/tmp");
	struct dentry *leaf;

	if (!tmp || tmp->dentry != tmp->mnt->mnt_root)
		kunit_skip(test, "/tmp is not a mount point in this system");
	leaf = ldw_test_lookup(test, tmp->dentry, "ldw-kunit-absent");

	ldw_prefilter_use(test, &ldw_tmp_rule);
	KUNIT_EXPECT_TRUE(test, ldw_test_candidate(test, tmp->mnt, leaf));
	/* Not by accident: with another anchor, the same file is not one. */
	ldw_prefilter_use(test, &ldw_nowhere_rule);
	KUNIT_EXPECT_FALSE(test, ldw_test_candidate(test, tmp->mnt, leaf));
}

/*
 * compat.h's ldw_mount_up() reads struct mount by a layout assumption:
 * it must agree with the kernel's own follow_up() on every mount there is
 * to try, and stop where follow_up() does.
 */
static void __init mount_up_agrees_with_follow_up(struct kunit *test)
{
	static const char *const places[] = {
		"/proc", "/sys", "/dev", "/dev/shm", "/tmp", "/run",
	};
	struct vfsmount *own = ldw_test_tmpfs(test);
	const struct vfsmount *mnt = own;
	const struct dentry *dentry = own->mnt_root;
	unsigned int i, tried = 0;
	struct path root;
	bool moved;

	/* A mount in no namespace is its own parent. */
	rcu_read_lock();
	moved = ldw_mount_up(&mnt, &dentry);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, moved);

	get_fs_root(current->fs, &root);
	mnt = root.mnt;
	dentry = root.dentry;
	rcu_read_lock();
	moved = ldw_mount_up(&mnt, &dentry);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, moved, follow_up(&root) == 1);
	path_put(&root);

	for (i = 0; i < ARRAY_SIZE(places); i++) {
		struct path *path = ldw_test_kern_path(test, places[i]);
		struct path up;

		if (!path || path->dentry != path->mnt->mnt_root)
			continue;
		tried++;
		mnt = path->mnt;
		dentry = path->dentry;
		rcu_read_lock();
		moved = ldw_mount_up(&mnt, &dentry);
		rcu_read_unlock();

		up = *path;
		path_get(&up);
		KUNIT_EXPECT_EQ_MSG(test, follow_up(&up), 1, "%s", places[i]);
		KUNIT_EXPECT_TRUE_MSG(test, moved, "%s", places[i]);
		KUNIT_EXPECT_PTR_EQ_MSG(test, mnt, up.mnt, "%s: the parent mount",
					places[i]);
		KUNIT_EXPECT_PTR_EQ_MSG(test, dentry, up.dentry, "%s: the mount point",
					places[i]);
		path_put(&up);
	}
	if (!tried)
		kunit_skip(test, "no mount point found among /proc, /sys, /dev, /tmp, /run");
	kunit_info(test, "%u mount points compared\n", tried);
}

/* Not __initdata: KUnit reads the results through them after init. */
static struct kunit_case __refdata ldw_prefilter_cases[] = {
	KUNIT_CASE(targets_are_candidates),
	KUNIT_CASE(others_are_not),
	KUNIT_CASE(lookalike_lengths_on_the_way),
	KUNIT_CASE(rules_without_ancestors_or_anchors),
	KUNIT_CASE(prefix_anchors),
	KUNIT_CASE(case_table_matches_are_candidates),
	KUNIT_CASE(deep_below_a_target_directory),
	KUNIT_CASE(crosses_mounts_to_the_mount_point),
	KUNIT_CASE(mount_up_agrees_with_follow_up),
	{}
};

static struct kunit_suite __refdata ldw_prefilter_suite = {
	.name = "ldwatch_prefilter",
	.init = ldw_prefilter_test_init,
	.exit = ldw_test_state_exit,
	.test_cases = ldw_prefilter_cases,
};

kunit_test_init_section_suite(ldw_prefilter_suite);
