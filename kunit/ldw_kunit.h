/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites of ldwatch share (ldw_kunit.c): rules of one
 * file.path clause, a private tmpfs to make real dentries in, the module's
 * state brought up and down around a case, and alerts made to order.
 *
 * Every object a helper hands out with a struct kunit is released by KUnit
 * when the case ends, passed or failed, in the reverse order of creation:
 * a dentry never outlives its file system.
 */
#ifndef _LDWATCH_KUNIT_H
#define _LDWATCH_KUNIT_H

#include <kunit/test.h>
#include <linux/types.h>

#include <ldwatch/rule.h>

#include "alert.h"
#include "stats.h"

struct dentry;
struct ldw_lrule;
struct path;
struct vfsmount;

/*
 * LDW_TEST_PATH_RULE(rule, pattern, what) - defines the rule @rule (id
 * "kunit-" #rule, name @what) whose one requirement is file.path :
 * @pattern (wildcard, any ASCII case, as the real rule's file.path clause).
 */
#define LDW_TEST_PATH_RULE(rule, pattern, what)				\
	static const char *const rule##_values[] = { pattern, NULL };	\
	static const struct ldw_clause rule##_clause = {		\
		LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, rule##_values \
	};								\
	static const struct ldw_rule rule = {				\
		.id = "kunit-" #rule,					\
		.name = what,						\
		.version = 1,						\
		.nrequirements = 1,					\
		.requirements = &rule##_clause,				\
	}

/*
 * A tmpfs of the test's own, mounted inside the kernel and in no mount
 * namespace: paths in it read from its root ("/etc/ld.so.preload"), and
 * the test decides every name in it.
 */
struct vfsmount *ldw_test_tmpfs(struct kunit *test);

/* @name in the system's mount namespace, or NULL if it does not exist. */
struct path *ldw_test_kern_path(struct kunit *test, const char *name);

/*
 * @name (@len bytes, no '/' or NUL) in the directory @dir: positive if it
 * exists, negative if not. Held until the case ends.
 */
struct dentry *ldw_test_lookup_len(struct kunit *test, struct dentry *dir,
				   const char *name, size_t len);
struct dentry *ldw_test_lookup(struct kunit *test, struct dentry *dir,
			       const char *name);

/* The directory @path ("a/b/c", relative to @dir), made where missing. */
struct dentry *ldw_test_mkdirs(struct kunit *test, struct dentry *dir,
			       const char *path);

/* A new empty regular file @name in @dir. */
struct dentry *ldw_test_create(struct kunit *test, struct dentry *dir,
			       const char *name);

/* vfs_unlink() and vfs_rename() as the system calls lock them; 0 or -errno. */
int ldw_test_unlink(struct dentry *dir, struct dentry *dentry);
int ldw_test_rename(struct dentry *old_dir, struct dentry *old_dentry,
		    struct dentry *new_dir, struct dentry *new_dentry,
		    unsigned int flags);

/*
 * Counters and the delivery queue, as module init brings them up: for
 * the suites' .init and .exit, around each case that counts or queues.
 * Nothing listens (the netlink family is not registered), so queued
 * alerts wait, and ldw_test_state_exit() counts them as dropped at unload.
 */
int ldw_test_state_init(struct kunit *test);

struct ldw_rule;
/* Make @rule's program known to the module (module/builtin.h), or fail @test. */
void ldw_test_lower_rule(struct kunit *test, const struct ldw_rule *rule);
void ldw_test_state_exit(struct kunit *test);

/*
 * Rule table @table as a rule of the set (ruleset.h), held until the case
 * ends; with ldw_test_use_rules(), the set in force is made of exactly
 * the rules of @tables (the state's exit releases it).
 */
struct ldw_lrule *ldw_test_rule(struct kunit *test, const struct ldw_rule *table);
void ldw_test_use_rules(struct kunit *test, const struct ldw_rule *const *tables,
			unsigned int n);

/*
 * An alert with these strings (@original and @executable may be NULL),
 * every other field zero: ldw_test_alert_size() bytes at @mem.
 */
size_t ldw_test_alert_size(const char *path, const char *original,
			   const char *executable);
struct ldw_alert *ldw_test_alert_fill(void *mem, const char *path,
				      const char *original,
				      const char *executable);

/* The first @len bytes of @s, NUL-terminated, freed when the case ends. */
char *ldw_test_strndup(struct kunit *test, const char *s, size_t len);

/*
 * A KTAP-safe description of a parameter: @text with '#' (which starts a
 * KTAP directive) and control characters replaced.
 */
void ldw_test_desc(char *desc, const char *text);

#endif /* _LDWATCH_KUNIT_H */
