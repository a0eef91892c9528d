/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who loads or unloads the module: the task running its init or exit
 * (insmod, modprobe, rmmod, or whatever called the system call). The
 * kernel log names it at both ends, and the stopping message carries it,
 * so that tampering with the sensor leaves a name behind.
 */
#ifndef _LDWATCH_ACTOR_H
#define _LDWATCH_ACTOR_H

#include <linux/sched.h>
#include <linux/types.h>

/**
 * struct ldw_actor - the task acting on the module
 * @pid: its thread group id (initial pid namespace)
 * @uid: its real uid (initial user namespace)
 * @comm: its comm
 * @exe: its executable's path as its root sees it, in @page; NULL if it
 *	has none or the path could not be built
 * @page: storage for @exe, or NULL
 */
struct ldw_actor {
	u32 pid;
	u32 uid;
	char comm[TASK_COMM_LEN];
	const char *exe;
	char *page;
};

/* Process context; may sleep. ldw_actor_put() frees what it took. */
void ldw_actor_get(struct ldw_actor *actor);
void ldw_actor_put(struct ldw_actor *actor);

/* For the kernel log: @exe, or a placeholder when there is none. */
static inline const char *ldw_actor_exe(const struct ldw_actor *actor)
{
	return actor->exe ? actor->exe : "(none)";
}

#endif /* _LDWATCH_ACTOR_H */
