/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's targets, known by identity: the directories and files the
 * host's dynamic linker and ldconfig read (/etc/ld.so.preload,
 * /etc/ld.so.conf, everything in /etc/ld.so.conf.d, /etc/ld.so.cache),
 * found from the host's root (pid 1's) through its mounts, and named by
 * what they are (super block and inode number), not by a path. Any path
 * that reaches one (a bind mount, a chroot, another mount namespace, an
 * overlay's upper layer, a hard link) reaches the same identity.
 *
 * Two kinds of test, for the hooks:
 *  - a place: a name bound in a directory. Binding a name at a target
 *    place changes what the linker reads: "etc" in the host's root, the
 *    four target names in the host's /etc, any name in its ld.so.conf.d;
 *  - an object: an existing target (one of those directories, a target
 *    file, or what a target symlink resolves to), whose content a write
 *    changes or whose place a rename or a mount takes away.
 *
 * The set is immutable once published and replaced as a whole (RCU) when
 * an operation changes what the host's paths lead to: a rename or creation
 * at a target place, a mount onto a target. The hooks read it with
 * preemption disabled and never wait for a refresh.
 */
#ifndef _LDWATCH_TARGETS_H
#define _LDWATCH_TARGETS_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/limits.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

/**
 * struct ldw_ident - what a file is, whatever path reaches it
 * @sb: its file system; NULL for a target that does not exist
 * @ino: its inode number there
 *
 * Compared, never dereferenced: the set holds no reference, so that it
 * never keeps a file system from being unmounted. A file system unmounted
 * and another mounted at the same address is a refresh's business (every
 * mount onto a target triggers one).
 */
struct ldw_ident {
	const struct super_block *sb;
	unsigned long ino;
};

/**
 * enum ldw_target_dir - the directories whose names are target places
 * @LDW_DIR_ROOT: the host's root: "etc" in it is a place
 * @LDW_DIR_ETC: the host's /etc: the four target names in it
 * @LDW_DIR_CONFD: the host's /etc/ld.so.conf.d: any name in it
 * @LDW_NDIRS: their number
 */
enum ldw_target_dir {
	LDW_DIR_ROOT,
	LDW_DIR_ETC,
	LDW_DIR_CONFD,
	LDW_NDIRS
};

/* Target files followed at most: the three in /etc and ld.so.conf.d's. */
#define LDW_TARGET_FILES_MAX	128

/**
 * struct ldw_target_file - one existing target file
 * @ident: the file the linker ends up reading (a symlink's destination)
 * @path: the host's path of the name it is read by
 */
struct ldw_target_file {
	struct ldw_ident ident;
	char path[PATH_MAX / 16];
};

/**
 * struct ldw_targets - the host's targets at one moment
 * @rcu: freed after a grace period once replaced
 * @dir: the target directories (sb NULL where absent); their host paths
 *	are ldw_target_dir_paths[]
 * @truncated: ld.so.conf.d holds more than LDW_TARGET_FILES_MAX files, or
 *	a name too long to keep: those beyond are followed by place only
 * @nfiles: entries of @files in use
 * @files: the target files
 */
struct ldw_targets {
	struct rcu_head rcu;
	struct ldw_ident dir[LDW_NDIRS];
	bool truncated;
	unsigned int nfiles;
	struct ldw_target_file files[LDW_TARGET_FILES_MAX];
};

/* The host's paths of the target directories. */
extern const char *const ldw_target_dir_paths[LDW_NDIRS];

extern struct ldw_targets __rcu *ldw_targets;

/*
 * The hints: the target directories' and the target files' inode numbers,
 * a bit each (modulo LDW_TARGET_HINT_BITS), where the hooks test them in a
 * few instructions. Each is a superset of the published set's at every
 * moment: a clear bit says "not a target", a set bit is checked against
 * the set (ldw_targets_place(), ldw_targets_object()).
 */
#define LDW_TARGET_HINT_BITS	1024
extern unsigned long ldw_target_dir_hint[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)];
extern unsigned long ldw_target_file_hint[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)];

static __always_inline bool ldw_targets_hinted(const unsigned long *hint,
					       const struct inode *inode)
{
	/*
	 * test_bit(), an atomic read: a refresh changes the hint in place,
	 * and either the bit before or after it is a right answer. On x86
	 * one instruction.
	 */
	return test_bit(inode->i_ino % LDW_TARGET_HINT_BITS, hint);
}

/*
 * Whether the directory @dir (a positive dentry, as every hook's parent
 * directory is) may be a target directory: the one inline test the mkdir,
 * symlink and link hooks make for the host's view (the create and rename
 * hooks ask the prefilter's walk, prefilter.h).
 */
static __always_inline bool ldw_targets_dir_maybe(const struct dentry *dir)
{
	return ldw_targets_hinted(ldw_target_dir_hint, d_inode(dir));
}

/* Whether @inode, opened for writing or truncated, may be a target file. */
static __always_inline bool ldw_targets_file_maybe(const struct inode *inode)
{
	return ldw_targets_hinted(ldw_target_file_hint, inode);
}

/**
 * ldw_targets_place() - whether binding @name in @dir binds a target place
 * @dir: the directory (the hook's parent dentry)
 * @name: the name bound, with its length
 * @len: its length
 *
 * Never sleeps; call with preemption disabled or under rcu_read_lock().
 *
 * Return: the target directory @dir is, if @name in it is a target place;
 * LDW_NDIRS otherwise.
 */
enum ldw_target_dir ldw_targets_place(const struct dentry *dir,
				      const unsigned char *name, u32 len);

/**
 * ldw_targets_object() - whether @inode is an existing target
 * @inode: any inode
 *
 * Never sleeps; call with preemption disabled or under rcu_read_lock().
 *
 * Return: true if @inode is a target directory or target file.
 */
bool ldw_targets_object(const struct inode *inode);

/*
 * Whether @inode is a place a mount onto changes what the linker reads: a
 * target object, or the host's root itself.
 */
bool ldw_targets_mountpoint(const struct inode *inode);

/**
 * ldw_targets_host_path() - the host's path of the target an event concerns
 * @inode: the object (or NULL)
 * @dir: the directory of the place (or NULL)
 * @name: the name at the place (with @dir)
 * @len: its length
 * @buf: where to write it
 * @size: the size of @buf
 *
 * Return: @buf's length, or 0 if neither is a target (nothing written).
 */
size_t ldw_targets_host_path(const struct inode *inode,
			     const struct dentry *dir, const unsigned char *name,
			     u32 len, char *buf, size_t size);

/*
 * Whether a process whose root is @root and whose mount namespace is
 * @mntns sees the host as pid 1 does: for an alert's aliases.
 */
bool ldw_targets_host_root(const struct path *root);
bool ldw_targets_host_mntns(const struct nsproxy *nsproxy);

/**
 * ldw_targets_d_path() - the path of @path from the host's root
 * @path: what to name
 * @buf: where
 * @size: its size
 * @verify: give it only if the host, looking the path up, reaches the very
 *	same file: for a file of another mount namespace, which the walk up
 *	names as that namespace has it
 * @truncated: set to true if the path was cut to its tail (pathname.h)
 *
 * For a process whose root or mount namespace is not the host's (a chroot,
 * a container): the path by which the host reaches the same file. Sleeps.
 *
 * Return: the path in @buf, or an ERR_PTR(): as ldw_path_string(), or
 * -ENOENT where @verify finds another file or none.
 */
char *ldw_targets_d_path(const struct path *path, char *buf, int size,
			 bool verify, bool *truncated);

/**
 * ldw_targets_refresh() - find the host's targets anew
 *
 * Resolves them from pid 1's root and publishes the new set. Called by
 * capture after an operation that may have changed what the host's paths
 * lead to, in the acting task, so that its next operation is judged by the
 * new set. Sleeps; serialised internally.
 */
void ldw_targets_refresh(void);

/*
 * The same, from a context that cannot wait: the work item runs later.
 * Never sleeps.
 */
void ldw_targets_refresh_later(void);

/* Find the targets before the hooks are registered; free them after. */
int __init ldw_targets_init(void);
void ldw_targets_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/* targets.c's internals, visible to its KUnit suite only. */
void ldw_targets_publish(struct ldw_targets *t);
#endif

#endif /* _LDWATCH_TARGETS_H */
