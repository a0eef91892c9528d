// SPDX-License-Identifier: GPL-2.0
/*
 * Processes whose executable link changed after exec (exe_link.h).
 *
 * A set of address spaces, by pointer, in a hash table that the hook adds
 * to and that alerts read under RCU. The hook may run with preemption
 * disabled, where PREEMPT_RT allows no allocation: the members come from a
 * fixed pool (few programs but checkpoint/restore tools ever replace their
 * link). Each
 * member holds a reference to its mm_struct (mmgrab(): the structure, not
 * the address space), so that its address cannot be reused by a new
 * process while it is a member. A work item drops the members whose
 * processes are all gone. A replacement the full pool cannot record makes
 * every process's executable unproven until unload: more alerts, never
 * fewer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "exe_link.h"

/* Members at most: each is a live process that replaced its link. */
#define LDW_EXE_LINK_MAX 1024
/* How often the members of ended processes are dropped. */
#define LDW_EXE_LINK_SWEEP (30 * HZ)

/**
 * struct ldw_exe_link - a member
 * @node: in the hash table
 * @gone: in the sweep's list of members taken out
 * @mm: the address space (held by mmgrab())
 */
struct ldw_exe_link {
	struct hlist_node node;
	struct list_head gone;
	struct mm_struct *mm;
};

static struct ldw_exe_link ldw_exe_link_pool[LDW_EXE_LINK_MAX];
static DEFINE_HASHTABLE(ldw_exe_links, 8);
/* Writers; readers take rcu_read_lock(). A raw lock: the hook may be atomic. */
static DEFINE_RAW_SPINLOCK(ldw_exe_links_lock);
/* Under the lock: the pool's members in use, and how many. */
static DECLARE_BITMAP(ldw_exe_links_used, LDW_EXE_LINK_MAX);
static unsigned int ldw_exe_links_count;
static bool ldw_exe_links_stopping;
/* Set once a replacement could not be recorded; never cleared. */
static bool ldw_exe_links_overflow;

static void ldw_exe_link_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(ldw_exe_link_work, ldw_exe_link_sweep);

static bool ldw_exe_link_member(const struct mm_struct *mm)
{
	struct ldw_exe_link *link;

	hash_for_each_possible_rcu(ldw_exe_links, link, node, (unsigned long)mm)
		if (link->mm == mm)
			return true;
	return false;
}

void ldw_exe_link_replacing(struct mm_struct *mm)
{
	struct ldw_exe_link *link;
	unsigned long flags;
	unsigned int i;
	bool arm = false;

	rcu_read_lock();
	if (ldw_exe_link_member(mm)) {
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();

	raw_spin_lock_irqsave(&ldw_exe_links_lock, flags);
	i = find_first_zero_bit(ldw_exe_links_used, LDW_EXE_LINK_MAX);
	if (i == LDW_EXE_LINK_MAX) {
		if (!ldw_exe_links_overflow)
			pr_warn("more processes than it can follow replaced their executable link: from now on no process's executable is trusted to be the one it started from\n");
		WRITE_ONCE(ldw_exe_links_overflow, true);
	} else if (!ldw_exe_link_member(mm)) {
		__set_bit(i, ldw_exe_links_used);
		link = &ldw_exe_link_pool[i];
		mmgrab(mm);
		link->mm = mm;
		hash_add_rcu(ldw_exe_links, &link->node, (unsigned long)mm);
		arm = !ldw_exe_links_count++ && !ldw_exe_links_stopping;
	}
	raw_spin_unlock_irqrestore(&ldw_exe_links_lock, flags);
	if (arm)
		queue_delayed_work(system_unbound_wq, &ldw_exe_link_work,
				   LDW_EXE_LINK_SWEEP);
}

bool ldw_exe_link_replaced(const struct mm_struct *mm)
{
	bool replaced;

	if (READ_ONCE(ldw_exe_links_overflow))
		return true;
	rcu_read_lock();
	replaced = ldw_exe_link_member(mm);
	rcu_read_unlock();
	return replaced;
}

/*
 * Take out the members that @all says (every one, or those whose address
 * space has no user left: its processes are gone), and drop them once no
 * reader can be looking at them.
 */
static void ldw_exe_link_drop(bool all)
{
	struct ldw_exe_link *link, *next_link;
	struct hlist_node *next;
	unsigned long flags;
	unsigned int bkt;
	LIST_HEAD(gone);
	bool again;

	raw_spin_lock_irqsave(&ldw_exe_links_lock, flags);
	hash_for_each_safe(ldw_exe_links, bkt, next, link, node) {
		if (!all && atomic_read(&link->mm->mm_users))
			continue;
		hash_del_rcu(&link->node);
		list_add(&link->gone, &gone);
	}
	again = ldw_exe_links_count && !ldw_exe_links_stopping;
	raw_spin_unlock_irqrestore(&ldw_exe_links_lock, flags);
	if (list_empty(&gone))
		goto out;
	/* Readers may still be on them: the pool reuses them only after. */
	synchronize_rcu();
	list_for_each_entry_safe(link, next_link, &gone, gone) {
		mmdrop(link->mm);
		raw_spin_lock_irqsave(&ldw_exe_links_lock, flags);
		__clear_bit(link - ldw_exe_link_pool, ldw_exe_links_used);
		ldw_exe_links_count--;
		raw_spin_unlock_irqrestore(&ldw_exe_links_lock, flags);
	}
out:
	if (again)
		queue_delayed_work(system_unbound_wq, &ldw_exe_link_work,
				   LDW_EXE_LINK_SWEEP);
}

static void ldw_exe_link_sweep(struct work_struct *work)
{
	ldw_exe_link_drop(false);
}

void ldw_exe_link_init(void)
{
	ldw_exe_links_stopping = false;
	ldw_exe_links_overflow = false;
}

void ldw_exe_link_exit(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ldw_exe_links_lock, flags);
	ldw_exe_links_stopping = true;
	raw_spin_unlock_irqrestore(&ldw_exe_links_lock, flags);
	cancel_delayed_work_sync(&ldw_exe_link_work);
	ldw_exe_link_drop(true);
}
