// SPDX-License-Identifier: GPL-2.0
/*
 * Who loads or unloads the module (actor.h).
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/limits.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "actor.h"

/**
 * ldw_actor_get() - describe the current task
 * @actor: filled; ldw_actor_put() releases it
 *
 * Without memory for the path, @actor->exe stays NULL: the rest is still
 * worth logging.
 */
void ldw_actor_get(struct ldw_actor *actor)
{
	struct file *exe = NULL;
	char *s;

	memset(actor, 0, sizeof(*actor));
	actor->pid = task_tgid_nr(current);
	actor->uid = from_kuid_munged(&init_user_ns, current_uid());
	get_task_comm(actor->comm, current);
	if (!current->mm)
		return;
	/* get_mm_exe_file(), which is not exported */
	rcu_read_lock();
	exe = ldw_get_file_rcu(&current->mm->exe_file);
	rcu_read_unlock();
	if (!exe)
		return;
	actor->page = kmalloc(PATH_MAX, GFP_KERNEL);
	if (actor->page) {
		s = d_path(&exe->f_path, actor->page, PATH_MAX);
		if (!IS_ERR(s))
			actor->exe = s;
	}
	fput(exe);
}

void ldw_actor_put(struct ldw_actor *actor)
{
	kfree(actor->page);
	actor->page = NULL;
	actor->exe = NULL;
}
