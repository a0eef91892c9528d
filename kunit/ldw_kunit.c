// SPDX-License-Identifier: GPL-2.0
/*
 * The KUnit test module of ldwatch, ldwatch_kunit.ko, and the helpers its
 * suites share (ldw_kunit.h).
 *
 * The module links the suites with the sources of ldwatch.ko but its
 * init (module/main.c), so that the suites own the state they test: no
 * probe is registered and no netlink family, nothing counts or queues but
 * the cases, and each case starts from fresh counters and an empty queue.
 * Internal functions are reached the kernel's way: VISIBLE_IF_KUNIT in
 * the module's sources, declared in its headers under CONFIG_KUNIT.
 *
 * Every suite runs when the module is loaded, and prints KTAP to the
 * kernel log.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/overflow.h>
#include <linux/path.h>
#include <linux/string.h>

#include "builtin.h"
#include "ldw_kunit.h"
#include "queue.h"
#include "ruleset.h"

KUNIT_DEFINE_ACTION_WRAPPER(ldw_test_kern_unmount, kern_unmount, struct vfsmount *);
KUNIT_DEFINE_ACTION_WRAPPER(ldw_test_dput, dput, struct dentry *);
KUNIT_DEFINE_ACTION_WRAPPER(ldw_test_path_put, path_put, const struct path *);

struct vfsmount *ldw_test_tmpfs(struct kunit *test)
{
	struct file_system_type *type = get_fs_type("tmpfs");
	struct vfsmount *mnt;

	KUNIT_ASSERT_NOT_NULL_MSG(test, type, "this kernel has no tmpfs");
	mnt = kern_mount(type);
	/* put_filesystem(), which is not exported; the mount holds its own. */
	module_put(type->owner);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(mnt), "kern_mount(tmpfs): %pe", mnt);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_kern_unmount, mnt));
	return mnt;
}

struct path *ldw_test_kern_path(struct kunit *test, const char *name)
{
	struct path *path = kunit_kzalloc(test, sizeof(*path), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	if (kern_path(name, 0, path))
		return NULL;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_path_put, path));
	return path;
}

/* Hold @dentry (a reference, or an error) until the case ends. */
static struct dentry *ldw_test_hold(struct kunit *test, struct dentry *dentry)
{
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(dentry), "dentry: %pe", dentry);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_dput, dentry));
	return dentry;
}

struct dentry *ldw_test_lookup_len(struct kunit *test, struct dentry *dir,
				   const char *name, size_t len)
{
	struct dentry *dentry;

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	dentry = lookup_one_len(name, dir, len);
	inode_unlock(d_inode(dir));
	return ldw_test_hold(test, dentry);
}

struct dentry *ldw_test_lookup(struct kunit *test, struct dentry *dir,
			       const char *name)
{
	return ldw_test_lookup_len(test, dir, name, strlen(name));
}

/* The directory @name (@len bytes) in @dir, made if missing. */
static struct dentry *ldw_test_mkdir(struct kunit *test, struct dentry *dir,
				     const char *name, size_t len)
{
	struct dentry *dentry;
	int err = 0;

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	dentry = lookup_one_len(name, dir, len);
	if (!IS_ERR(dentry) && d_is_negative(dentry))
		err = vfs_mkdir(&nop_mnt_idmap, d_inode(dir), dentry, 0755);
	inode_unlock(d_inode(dir));
	ldw_test_hold(test, dentry);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "mkdir %.*s", (int)len, name);
	KUNIT_ASSERT_TRUE_MSG(test, d_is_dir(dentry), "%.*s is a directory",
			      (int)len, name);
	return dentry;
}

struct dentry *ldw_test_mkdirs(struct kunit *test, struct dentry *dir,
			       const char *path)
{
	while (*path) {
		size_t len = strchrnul(path, '/') - path;

		if (len)
			dir = ldw_test_mkdir(test, dir, path, len);
		path += len;
		if (*path == '/')
			path++;
	}
	return dir;
}

struct dentry *ldw_test_create(struct kunit *test, struct dentry *dir,
			       const char *name)
{
	struct dentry *dentry;
	int err = -EEXIST;

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	dentry = lookup_one_len(name, dir, strlen(name));
	if (!IS_ERR(dentry) && d_is_negative(dentry))
		err = vfs_create(&nop_mnt_idmap, d_inode(dir), dentry,
				 S_IFREG | 0644, true);
	inode_unlock(d_inode(dir));
	ldw_test_hold(test, dentry);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "create %s", name);
	return dentry;
}

int ldw_test_unlink(struct dentry *dir, struct dentry *dentry)
{
	int err;

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	err = vfs_unlink(&nop_mnt_idmap, d_inode(dir), dentry, NULL);
	inode_unlock(d_inode(dir));
	return err;
}

int ldw_test_rename(struct dentry *old_dir, struct dentry *old_dentry,
		    struct dentry *new_dir, struct dentry *new_dentry,
		    unsigned int flags)
{
	struct renamedata rd = {
		.old_mnt_idmap = &nop_mnt_idmap,
		.old_dir = d_inode(old_dir),
		.old_dentry = old_dentry,
		.new_mnt_idmap = &nop_mnt_idmap,
		.new_dir = d_inode(new_dir),
		.new_dentry = new_dentry,
		.flags = flags,
	};
	struct dentry *trap;
	int err;

	/* As do_renameat2() does; the tests never move a directory into itself. */
	trap = lock_rename(new_dir, old_dir);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	err = vfs_rename(&rd);
	unlock_rename(new_dir, old_dir);
	return err;
}

void ldw_test_lower_rule(struct kunit *test, const struct ldw_rule *rule)
{
	KUNIT_ASSERT_EQ_MSG(test, ldw_builtin_add(rule), 0, "the rule lowers to a program");
}

int ldw_test_state_init(struct kunit *test)
{
	int err;

	ldw_stats_init();
	err = ldw_queue_init();
	if (err)
		return err;
	/* The built-in rules in force, as at the module's load. */
	err = ldw_builtin_init();
	if (!err)
		err = ldw_ruleset_init();
	if (err)
		ldw_queue_exit();
	return err;
}

void ldw_test_state_exit(struct kunit *test)
{
	ldw_queue_stop();
	ldw_queue_exit();
	ldw_ruleset_exit();
}

static void ldw_test_put_rule(void *rule)
{
	ldw_lrule_put(rule);
}

struct ldw_lrule *ldw_test_rule(struct kunit *test, const struct ldw_rule *table)
{
	struct ldw_lrule *rule = ldw_lrule_of_table(table, NULL, LDW_RULE_LOADED);

	KUNIT_ASSERT_NOT_NULL_MSG(test, rule, "rule %s", table->id);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_put_rule, rule));
	return rule;
}

void ldw_test_use_rules(struct kunit *test, const struct ldw_rule *const *tables,
			unsigned int n)
{
	struct ldw_lrule *rules[LDW_RULESET_MAX];
	unsigned int i;

	KUNIT_ASSERT_LE(test, n, (unsigned int)LDW_RULESET_MAX);
	for (i = 0; i < n; i++)
		rules[i] = ldw_test_rule(test, tables[i]);
	KUNIT_ASSERT_EQ(test, ldw_ruleset_install(rules, n), 0);
}

static size_t ldw_test_string_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

size_t ldw_test_alert_size(const char *path, const char *original,
			   const char *executable)
{
	return struct_size_t(struct ldw_alert, buf,
			     ldw_test_string_size(path) +
			     ldw_test_string_size(original) +
			     ldw_test_string_size(executable));
}

/* Copy @s to *@p and advance it; NULL stays NULL. */
static const char *ldw_test_string(char **p, const char *s)
{
	char *copy = *p;
	size_t size;

	if (!s)
		return NULL;
	size = strlen(s) + 1;
	memcpy(copy, s, size);
	*p += size;
	return copy;
}

struct ldw_alert *ldw_test_alert_fill(void *mem, const char *path,
				      const char *original,
				      const char *executable)
{
	struct ldw_alert *alert = mem;
	char *p;

	memset(alert, 0, sizeof(*alert));
	INIT_LIST_HEAD(&alert->node);
	p = alert->buf;
	alert->file_path = ldw_test_string(&p, path);
	alert->original_path = ldw_test_string(&p, original);
	alert->executable = ldw_test_string(&p, executable);
	return alert;
}

char *ldw_test_strndup(struct kunit *test, const char *s, size_t len)
{
	char *copy = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

void ldw_test_desc(char *desc, const char *text)
{
	size_t i;

	strscpy(desc, text, KUNIT_PARAM_DESC_SIZE);
	for (i = 0; desc[i]; i++) {
		if (desc[i] == '#' || iscntrl(desc[i]))
			desc[i] = '_';
	}
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of ldwatch: matcher, prefilter, capture, netlink, rate limit, queue");
MODULE_AUTHOR("The ldwatch developers");
