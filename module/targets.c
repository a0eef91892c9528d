// SPDX-License-Identifier: GPL-2.0
/*
 * The host's targets, known by identity (targets.h).
 *
 * The set is found by path lookups from the host's root, in a work item:
 * kernel workers share pid 1's root and mount namespace (they share its
 * fs_struct from boot, so a switch_root moves them too) and run with full
 * credentials, so a lookup neither depends on the acting task's root,
 * namespace or permissions nor can be steered by them. An absolute symlink
 * at a target resolves as the host's linker would resolve it.
 *
 * What the set does not follow: directories that /etc/ld.so.conf includes
 * besides /etc/ld.so.conf.d, and the libraries the target files name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/path.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "pathname.h"
#include "prefilter.h"
#include "targets.h"

const char *const ldw_target_dir_paths[LDW_NDIRS] = {
	[LDW_DIR_ROOT] = "/",
	[LDW_DIR_ETC] = "/etc",
	[LDW_DIR_CONFD] = "/etc/ld.so.conf.d",
};

/* The name in / that is a target place. */
static const char ldw_root_name[] = "etc";

/* The names in /etc that are target places, and the files among them. */
static const char *const ldw_etc_names[] = {
	"ld.so.preload", "ld.so.conf", "ld.so.cache", "ld.so.conf.d",
};

static const char *const ldw_etc_files[] = {
	"/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.cache",
};

struct ldw_targets __rcu *ldw_targets;
unsigned long ldw_target_dir_hint[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)];
unsigned long ldw_target_file_hint[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)];

/* The host's root and mount namespace, compared only: they live forever. */
static const struct dentry *ldw_host_root_dentry;
static const struct mnt_namespace *ldw_host_mntns;

static DEFINE_MUTEX(ldw_targets_lock);

static void ldw_targets_refresh_work(struct work_struct *work);
static DECLARE_WORK(ldw_targets_work, ldw_targets_refresh_work);

static bool ldw_ident_of(const struct ldw_ident *id, const struct inode *inode)
{
	return id->sb && id->ino == inode->i_ino && id->sb == inode->i_sb;
}

static struct ldw_ident ldw_ident_make(const struct inode *inode)
{
	return (struct ldw_ident){ .sb = inode->i_sb, .ino = inode->i_ino };
}

enum ldw_target_dir ldw_targets_place(const struct dentry *dir,
				      const unsigned char *name, u32 len)
{
	const struct ldw_targets *t = rcu_dereference_sched(ldw_targets);
	const struct inode *inode = READ_ONCE(dir->d_inode);
	unsigned int i;

	if (!t || !inode)
		return LDW_NDIRS;
	if (ldw_ident_of(&t->dir[LDW_DIR_CONFD], inode))
		return LDW_DIR_CONFD;
	if (ldw_ident_of(&t->dir[LDW_DIR_ETC], inode)) {
		for (i = 0; i < ARRAY_SIZE(ldw_etc_names); i++)
			if (len == strlen(ldw_etc_names[i]) &&
			    !memcmp(name, ldw_etc_names[i], len))
				return LDW_DIR_ETC;
		return LDW_NDIRS;
	}
	if (ldw_ident_of(&t->dir[LDW_DIR_ROOT], inode) &&
	    len == strlen(ldw_root_name) && !memcmp(name, ldw_root_name, len))
		return LDW_DIR_ROOT;
	return LDW_NDIRS;
}

/* The index of @inode in the set: a file, or LDW_TARGET_FILES_MAX + dir. */
static int ldw_targets_find(const struct ldw_targets *t,
			    const struct inode *inode)
{
	unsigned int i;

	for (i = 0; i < t->nfiles; i++)
		if (ldw_ident_of(&t->files[i].ident, inode))
			return i;
	for (i = LDW_DIR_ETC; i < LDW_NDIRS; i++)
		if (ldw_ident_of(&t->dir[i], inode))
			return LDW_TARGET_FILES_MAX + i;
	return -1;
}

bool ldw_targets_object(const struct inode *inode)
{
	const struct ldw_targets *t = rcu_dereference_sched(ldw_targets);

	return t && ldw_targets_find(t, inode) >= 0;
}

size_t ldw_targets_host_path(const struct inode *inode,
			     const struct dentry *dir, const unsigned char *name,
			     u32 len, char *buf, size_t size)
{
	const struct ldw_targets *t;
	enum ldw_target_dir place = LDW_NDIRS;
	int n = -1, i = -1;

	rcu_read_lock_sched();
	t = rcu_dereference_sched(ldw_targets);
	if (t && dir)
		place = ldw_targets_place(dir, name, len);
	if (t && place == LDW_NDIRS && inode)
		i = ldw_targets_find(t, inode);
	if (place != LDW_NDIRS)
		n = snprintf(buf, size, "%s/%.*s",
			     place == LDW_DIR_ROOT ? "" : ldw_target_dir_paths[place],
			     (int)len, (const char *)name);
	else if (i >= LDW_TARGET_FILES_MAX)
		n = snprintf(buf, size, "%s",
			     ldw_target_dir_paths[i - LDW_TARGET_FILES_MAX]);
	else if (i >= 0)
		n = snprintf(buf, size, "%s", t->files[i].path);
	rcu_read_unlock_sched();
	if (n < 0)
		return 0;
	return min_t(size_t, n, size - 1);
}

bool ldw_targets_mountpoint(const struct inode *inode)
{
	const struct ldw_targets *t = rcu_dereference_sched(ldw_targets);

	return t && (ldw_targets_find(t, inode) >= 0 ||
		     ldw_ident_of(&t->dir[LDW_DIR_ROOT], inode));
}

/*
 * By the dentry alone: a new mount namespace gives its processes a copy of
 * the root's mount, not another root.
 */
bool ldw_targets_host_root(const struct path *root)
{
	return root->dentry == ldw_host_root_dentry;
}

bool ldw_targets_host_mntns(const struct nsproxy *nsproxy)
{
	return nsproxy && nsproxy->mnt_ns == ldw_host_mntns;
}

/* --- Finding the set, in the work item ---------------------------------- */

/*
 * The identity @path leads to, following a final symlink; absent if none.
 * The name of the dentry it ends at goes to *@name_len, if asked.
 */
static struct ldw_ident ldw_lookup_name(const char *path, unsigned int flags,
					u32 *name_len)
{
	struct ldw_ident id = {};
	struct path p;

	if (kern_path(path, LOOKUP_FOLLOW | flags, &p))
		return id;
	if (d_really_is_positive(p.dentry)) {
		id = ldw_ident_make(d_inode(p.dentry));
		if (name_len)
			*name_len = p.dentry->d_name.len;
	}
	path_put(&p);
	return id;
}

static struct ldw_ident ldw_lookup(const char *path, unsigned int flags)
{
	return ldw_lookup_name(path, flags, NULL);
}

static void ldw_add_file(struct ldw_targets *t, const char *path)
{
	struct ldw_target_file *f;
	struct ldw_ident id;

	if (t->nfiles == LDW_TARGET_FILES_MAX ||
	    strlen(path) >= sizeof(f->path)) {
		t->truncated = true;
		return;
	}
	id = ldw_lookup(path, 0);
	if (!id.sb)
		return;
	f = &t->files[t->nfiles++];
	f->ident = id;
	strscpy(f->path, path, sizeof(f->path));
}

/* Collects the names of ld.so.conf.d's entries into the set. */
struct ldw_confd_reader {
	struct dir_context ctx;
	struct ldw_targets *t;
};

static bool ldw_confd_entry(struct dir_context *ctx, const char *name,
			    int len, loff_t pos, u64 ino, unsigned int type)
{
	struct ldw_confd_reader *r = container_of(ctx, struct ldw_confd_reader,
						  ctx);
	char path[sizeof(r->t->files[0].path)];

	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	/* ld.so.conf's globs read files; a directory there is no target. */
	if (type == DT_DIR)
		return true;
	if (snprintf(path, sizeof(path), "%s/%.*s",
		     ldw_target_dir_paths[LDW_DIR_CONFD], len, name) >=
	    sizeof(path)) {
		r->t->truncated = true;
		return true;
	}
	/* Lookups may not run under iterate_dir()'s lock: collect, then look. */
	if (r->t->nfiles == LDW_TARGET_FILES_MAX) {
		r->t->truncated = true;
		return false;
	}
	strscpy(r->t->files[r->t->nfiles++].path, path,
		sizeof(r->t->files[0].path));
	return true;
}

static void ldw_find_confd(struct ldw_targets *t)
{
	struct ldw_confd_reader r = {
		.ctx.actor = ldw_confd_entry,
		.t = t,
	};
	unsigned int first = t->nfiles, i, kept;
	struct file *dir;

	dir = filp_open(ldw_target_dir_paths[LDW_DIR_CONFD],
			O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(dir))
		return;
	iterate_dir(dir, &r.ctx);
	/*
	 * At once, not by the delayed fput of a kernel thread: the directory
	 * may be a mount's root (a file system mounted on ld.so.conf.d), and
	 * an umount right after would find the mount busy.
	 */
	__fput_sync(dir);
	/* Now resolve each name collected, keeping those that exist. */
	for (i = first, kept = first; i < t->nfiles; i++) {
		struct ldw_ident id = ldw_lookup(t->files[i].path, 0);

		if (!id.sb)
			continue;
		if (kept != i)
			memcpy(t->files[kept].path, t->files[i].path,
			       sizeof(t->files[kept].path));
		t->files[kept++].ident = id;
	}
	t->nfiles = kept;
}

static void ldw_targets_find_all(struct ldw_targets *t, u32 *confd_name_len)
{
	unsigned int i;

	*confd_name_len = 0;
	for (i = 0; i < LDW_NDIRS; i++)
		t->dir[i] = ldw_lookup_name(ldw_target_dir_paths[i],
					    LOOKUP_DIRECTORY,
					    i == LDW_DIR_CONFD ? confd_name_len : NULL);
	for (i = 0; i < ARRAY_SIZE(ldw_etc_files); i++)
		ldw_add_file(t, ldw_etc_files[i]);
	if (t->dir[LDW_DIR_CONFD].sb)
		ldw_find_confd(t);
}

/* Set @hint to @bits, or add them to it if @add. */
static void ldw_hint_store(unsigned long *hint, const unsigned long *bits,
			   bool add)
{
	unsigned int i;

	for (i = 0; i < BITS_TO_LONGS(LDW_TARGET_HINT_BITS); i++)
		WRITE_ONCE(hint[i], add ? hint[i] | bits[i] : bits[i]);
}

/* Set the hints' bits for @t; first clear the others unless @add. */
static void ldw_targets_hint(const struct ldw_targets *t, bool add)
{
	unsigned long dirs[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)] = {};
	unsigned long files[BITS_TO_LONGS(LDW_TARGET_HINT_BITS)] = {};
	unsigned int i;

	for (i = 0; i < LDW_NDIRS; i++)
		if (t->dir[i].sb)
			__set_bit(t->dir[i].ino % LDW_TARGET_HINT_BITS, dirs);
	for (i = 0; i < t->nfiles; i++)
		__set_bit(t->files[i].ident.ino % LDW_TARGET_HINT_BITS, files);
	ldw_hint_store(ldw_target_dir_hint, dirs, add);
	ldw_hint_store(ldw_target_file_hint, files, add);
}

/*
 * Make @t the set in force, and free the one before once no hook can read
 * it (they read it with preemption disabled, which an RCU grace period
 * waits for). Waits for no grace period itself: a refresh costs its
 * caller the lookups only. Sleeps.
 */
VISIBLE_IF_KUNIT void ldw_targets_publish(struct ldw_targets *t)
{
	struct ldw_targets *old;

	mutex_lock(&ldw_targets_lock);
	/*
	 * New bits before the set that needs them; the old set's own bits go
	 * after it, when a hook that still reads it would only find what was
	 * a target a moment ago.
	 */
	ldw_targets_hint(t, true);
	old = rcu_replace_pointer(ldw_targets, t,
				  lockdep_is_held(&ldw_targets_lock));
	ldw_targets_hint(t, false);
	mutex_unlock(&ldw_targets_lock);
	if (old)
		kvfree_rcu(old, rcu);
}

static void ldw_targets_refresh_work(struct work_struct *work)
{
	struct ldw_targets *t;
	u32 confd_name_len;
	struct path root;
	bool truncated;

	/* Without memory the previous set stays in force. */
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return;
	get_fs_root(current->fs, &root);
	ldw_host_root_dentry = root.dentry;
	path_put(&root);
	ldw_host_mntns = current->nsproxy->mnt_ns;

	ldw_targets_find_all(t, &confd_name_len);
	truncated = t->truncated;
	/*
	 * The walk of the create and rename hooks tests ancestors' names: the
	 * host's ld.so.conf.d by its own (another than "ld.so.conf.d" when a
	 * symlink leads elsewhere), before the set that names it is in force.
	 */
	ldw_prefilter_host_dir(confd_name_len);
	ldw_targets_publish(t);
	if (truncated)
		pr_warn_ratelimited("targets: %s holds more files than ldwatch follows by identity (%u); writes to the others are seen only where they are created or renamed\n",
				    ldw_target_dir_paths[LDW_DIR_CONFD],
				    LDW_TARGET_FILES_MAX);
}

void ldw_targets_refresh_later(void)
{
	queue_work(system_unbound_wq, &ldw_targets_work);
}

void ldw_targets_refresh(void)
{
	queue_work(system_unbound_wq, &ldw_targets_work);
	flush_work(&ldw_targets_work);
}

int __init ldw_targets_init(void)
{
	const struct ldw_targets *t;
	unsigned int i;

	/* The create and rename hooks' walk tests a file's own name for these. */
	ldw_prefilter_host_name(strlen(ldw_root_name));
	for (i = 0; i < ARRAY_SIZE(ldw_etc_names); i++)
		ldw_prefilter_host_name(strlen(ldw_etc_names[i]));

	ldw_targets_refresh();
	t = rcu_dereference_protected(ldw_targets, true);
	if (!t) {
		pr_err("targets: no memory for the set of targets\n");
		return -ENOMEM;
	}
	for (i = 0; i < LDW_NDIRS; i++)
		if (!t->dir[i].sb)
			pr_info("targets: %s does not exist; its creation will be watched\n",
				ldw_target_dir_paths[i]);
	pr_info("targets: %u files followed by identity\n", t->nfiles);
	return 0;
}

void ldw_targets_exit(void)
{
	struct ldw_targets *t;
	unsigned int i;

	flush_work(&ldw_targets_work);
	mutex_lock(&ldw_targets_lock);
	t = rcu_replace_pointer(ldw_targets, NULL,
				lockdep_is_held(&ldw_targets_lock));
	for (i = 0; i < BITS_TO_LONGS(LDW_TARGET_HINT_BITS); i++) {
		WRITE_ONCE(ldw_target_dir_hint[i], 0);
		WRITE_ONCE(ldw_target_file_hint[i], 0);
	}
	mutex_unlock(&ldw_targets_lock);
	synchronize_rcu();
	kvfree(t);
}

/* --- Paths as the host sees them --------------------------------------- */

struct ldw_host_path_work {
	struct work_struct work;
	const struct path *path;
	char *buf;
	int size;
	bool verify;
	bool truncated;
	char *result;
};

/*
 * Whether the host, looking up @name, reaches @path's very file: a path
 * built by walking up from a mount of another mount namespace names it in
 * that namespace, where a file system mounted over a directory can show
 * another file than the host has there.
 */
static bool ldw_host_reaches(const char *name, const struct path *path)
{
	struct path found;
	bool same;

	if (kern_path(name, 0, &found))
		return false;
	same = d_inode(found.dentry) == d_inode(path->dentry);
	path_put(&found);
	return same;
}

static void ldw_host_path_fn(struct work_struct *work)
{
	struct ldw_host_path_work *w =
		container_of(work, struct ldw_host_path_work, work);
	char *s = ldw_path_string(w->path, w->buf, w->size, &w->truncated);

	/* A path cut to its tail cannot be looked up: not vouched for. */
	if (!IS_ERR(s) && w->verify &&
	    (w->truncated || !ldw_host_reaches(s, w->path)))
		s = ERR_PTR(-ENOENT);
	w->result = s;
}

char *ldw_targets_d_path(const struct path *path, char *buf, int size,
			 bool verify, bool *truncated)
{
	struct ldw_host_path_work w = {
		.path = path,
		.buf = buf,
		.size = size,
		.verify = verify,
	};

	/* d_path() resolves against the caller's root: a worker's is the host's. */
	INIT_WORK_ONSTACK(&w.work, ldw_host_path_fn);
	queue_work(system_unbound_wq, &w.work);
	flush_work(&w.work);
	destroy_work_on_stack(&w.work);
	if (w.truncated)
		*truncated = true;
	return w.result;
}
