// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the host's targets by identity (module/targets.c): a set
 * made of a test tmpfs's directories and files is published, and the
 * hooks' tests (places, objects, the inline hints) and the host paths are
 * asked about names and files of that tmpfs and of another one. The
 * expected answers follow from which files the set names, nothing else.
 * Each case leaves no set behind (ldw_targets_exit()).
 */
#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ldw_kunit.h"
#include "targets.h"

/* A tmpfs laid out as a host's /etc, with its set published. */
struct ldw_test_host {
	struct vfsmount *mnt;
	struct dentry *etc;
	struct dentry *confd;
	struct dentry *preload;
	struct dentry *a_conf;
	struct dentry *outside;
};

static struct ldw_ident ldw_test_ident(struct dentry *dentry)
{
	return (struct ldw_ident){
		.sb = d_inode(dentry)->i_sb,
		.ino = d_inode(dentry)->i_ino,
	};
}

static void ldw_test_targets_gone(void *unused)
{
	ldw_targets_exit();
}

static void __init ldw_test_host_make(struct kunit *test,
				      struct ldw_test_host *h)
{
	struct ldw_targets *t;

	h->mnt = ldw_test_tmpfs(test);
	h->etc = ldw_test_mkdirs(test, h->mnt->mnt_root, "etc");
	h->confd = ldw_test_mkdirs(test, h->etc, "ld.so.conf.d");
	h->preload = ldw_test_create(test, h->etc, "ld.so.preload");
	h->a_conf = ldw_test_create(test, h->confd, "a.conf");
	h->outside = ldw_test_create(test, h->etc, "hosts");

	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->dir[LDW_DIR_ROOT] = ldw_test_ident(h->mnt->mnt_root);
	t->dir[LDW_DIR_ETC] = ldw_test_ident(h->etc);
	t->dir[LDW_DIR_CONFD] = ldw_test_ident(h->confd);
	t->files[0].ident = ldw_test_ident(h->preload);
	strscpy(t->files[0].path, "/etc/ld.so.preload", sizeof(t->files[0].path));
	t->files[1].ident = ldw_test_ident(h->a_conf);
	strscpy(t->files[1].path, "/etc/ld.so.conf.d/a.conf",
		sizeof(t->files[1].path));
	t->nfiles = 2;
	ldw_targets_publish(t);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ldw_test_targets_gone,
							   NULL));
}

static enum ldw_target_dir ldw_test_place(struct dentry *dir, const char *name)
{
	enum ldw_target_dir place;

	rcu_read_lock_sched();
	place = ldw_targets_place(dir, (const unsigned char *)name, strlen(name));
	rcu_read_unlock_sched();
	return place;
}

static bool ldw_test_object(struct dentry *dentry)
{
	bool object;

	rcu_read_lock_sched();
	object = ldw_targets_object(d_inode(dentry));
	rcu_read_unlock_sched();
	return object;
}

/* Names bound in the target directories: which are places. */
static void __init places(struct kunit *test)
{
	struct ldw_test_host h;

	ldw_test_host_make(test, &h);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.mnt->mnt_root, "etc"), LDW_DIR_ROOT);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.mnt->mnt_root, "etc2"), LDW_NDIRS);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "ld.so.preload"), LDW_DIR_ETC);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "ld.so.conf"), LDW_DIR_ETC);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "ld.so.cache"), LDW_DIR_ETC);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "ld.so.conf.d"), LDW_DIR_ETC);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "ld.so.preloa"), LDW_NDIRS);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "LD.SO.PRELOAD"), LDW_NDIRS);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.etc, "hosts"), LDW_NDIRS);
	KUNIT_EXPECT_EQ(test, ldw_test_place(h.confd, "anything"), LDW_DIR_CONFD);
	/* A directory of the same names elsewhere is no target directory. */
	KUNIT_EXPECT_EQ(test, ldw_test_place(ldw_test_mkdirs(test, h.confd, "etc"),
					     "ld.so.preload"), LDW_NDIRS);
	KUNIT_EXPECT_TRUE(test, ldw_targets_dir_maybe(h.confd));
	KUNIT_EXPECT_TRUE(test, ldw_targets_dir_maybe(h.etc));
}

/* Existing files and directories: which are targets. */
static void __init objects(struct kunit *test)
{
	struct vfsmount *other = ldw_test_tmpfs(test);
	struct dentry *elsewhere;
	struct ldw_test_host h;

	ldw_test_host_make(test, &h);
	KUNIT_EXPECT_TRUE(test, ldw_test_object(h.preload));
	KUNIT_EXPECT_TRUE(test, ldw_test_object(h.a_conf));
	KUNIT_EXPECT_TRUE(test, ldw_test_object(h.etc));
	KUNIT_EXPECT_TRUE(test, ldw_test_object(h.confd));
	KUNIT_EXPECT_FALSE(test, ldw_test_object(h.outside));
	/* The root is no object to write, but a place to mount onto. */
	KUNIT_EXPECT_FALSE(test, ldw_test_object(h.mnt->mnt_root));
	rcu_read_lock_sched();
	KUNIT_EXPECT_TRUE(test, ldw_targets_mountpoint(d_inode(h.mnt->mnt_root)));
	rcu_read_unlock_sched();
	/* Another file system's files are not these, whatever their numbers. */
	elsewhere = ldw_test_create(test, other->mnt_root, "ld.so.preload");
	KUNIT_EXPECT_FALSE(test, ldw_test_object(elsewhere));
	/* Every target file's bit is set in the write-open hook's hint. */
	KUNIT_EXPECT_TRUE(test, ldw_targets_file_maybe(d_inode(h.preload)));
	KUNIT_EXPECT_TRUE(test, ldw_targets_file_maybe(d_inode(h.a_conf)));
}

/* The host's path of a place or an object. */
static void __init host_paths(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	struct ldw_test_host h;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ldw_test_host_make(test, &h);
	len = ldw_targets_host_path(NULL, h.confd, (const unsigned char *)"x.conf", 6,
				    buf, PATH_MAX);
	KUNIT_EXPECT_STREQ(test, buf, "/etc/ld.so.conf.d/x.conf");
	KUNIT_EXPECT_EQ(test, len, strlen("/etc/ld.so.conf.d/x.conf"));
	ldw_targets_host_path(NULL, h.mnt->mnt_root, (const unsigned char *)"etc", 3,
			      buf, PATH_MAX);
	KUNIT_EXPECT_STREQ(test, buf, "/etc");
	ldw_targets_host_path(d_inode(h.a_conf), NULL, NULL, 0, buf, PATH_MAX);
	KUNIT_EXPECT_STREQ(test, buf, "/etc/ld.so.conf.d/a.conf");
	ldw_targets_host_path(d_inode(h.confd), NULL, NULL, 0, buf, PATH_MAX);
	KUNIT_EXPECT_STREQ(test, buf, "/etc/ld.so.conf.d");
	/* A place wins over the object: a file renamed onto a target. */
	ldw_targets_host_path(d_inode(h.a_conf), h.etc,
			      (const unsigned char *)"ld.so.conf", 10, buf, PATH_MAX);
	KUNIT_EXPECT_STREQ(test, buf, "/etc/ld.so.conf");
	KUNIT_EXPECT_EQ(test, ldw_targets_host_path(d_inode(h.outside), h.etc,
						    (const unsigned char *)"hosts", 5,
						    buf, PATH_MAX), 0);
	/* Cut to the buffer, never past it. */
	len = ldw_targets_host_path(NULL, h.confd, (const unsigned char *)"x.conf", 6,
				    buf, 8);
	KUNIT_EXPECT_EQ(test, len, 7);
	KUNIT_EXPECT_STREQ(test, buf, "/etc/ld");
}

/* Without a set (before init, after exit), nothing is a target. */
static void __init no_set(struct kunit *test)
{
	struct vfsmount *mnt = ldw_test_tmpfs(test);
	struct dentry *etc = ldw_test_mkdirs(test, mnt->mnt_root, "etc");

	ldw_targets_exit();
	KUNIT_EXPECT_EQ(test, ldw_test_place(etc, "ld.so.preload"), LDW_NDIRS);
	KUNIT_EXPECT_FALSE(test, ldw_test_object(etc));
}

/* Not __initdata: KUnit reads the results through them after init. */
static struct kunit_case __refdata ldw_targets_cases[] = {
	KUNIT_CASE(places),
	KUNIT_CASE(objects),
	KUNIT_CASE(host_paths),
	KUNIT_CASE(no_set),
	{}
};

static struct kunit_suite ldw_targets_suite = {
	.name = "ldwatch_targets",
	.test_cases = ldw_targets_cases,
};

kunit_test_init_section_suite(ldw_targets_suite);
