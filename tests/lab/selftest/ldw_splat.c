// SPDX-License-Identifier: GPL-2.0
/*
 * ldw_splat: the lab tier's proof that its detectors fire and that the
 * harness fails a run on their reports. Loaded with mode=NAME, it commits
 * one bug of the kind the lab kernel exists to catch:
 *
 *   kasan   an out-of-bounds read of a kmalloc'ed object  (KASAN)
 *   lockdep two mutexes taken in both orders               (lockdep)
 *   sleep   mutex_lock() with preemption disabled          (DEBUG_ATOMIC_SLEEP)
 *   leak    allocations nothing points to                  (kmemleak)
 *
 * Test code only: never built into ldwatch.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *mode = "";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "the bug to commit: kasan, lockdep, sleep or leak");

static DEFINE_MUTEX(ldw_splat_a);
static DEFINE_MUTEX(ldw_splat_b);
/* How many objects mode=leak loses. */
#define LDW_SPLAT_LEAKS 32

static int __init ldw_splat_init(void)
{
	if (!strcmp(mode, "kasan")) {
		char *p = kmalloc(16, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		pr_info("ldw_splat: read byte 16 of a 16-byte object: %d\n",
			READ_ONCE(p[16]));
		kfree(p);
	} else if (!strcmp(mode, "lockdep")) {
		mutex_lock(&ldw_splat_a);
		mutex_lock(&ldw_splat_b);
		mutex_unlock(&ldw_splat_b);
		mutex_unlock(&ldw_splat_a);
		mutex_lock(&ldw_splat_b);
		mutex_lock(&ldw_splat_a);
		mutex_unlock(&ldw_splat_a);
		mutex_unlock(&ldw_splat_b);
	} else if (!strcmp(mode, "sleep")) {
		/*
		 * A call that may sleep, where a kprobe handler runs: the
		 * uncontended mutex never sleeps, but might_sleep() in it
		 * must report the context all the same.
		 */
		preempt_disable();
		mutex_lock(&ldw_splat_a);
		mutex_unlock(&ldw_splat_a);
		preempt_enable();
	} else if (!strcmp(mode, "leak")) {
		int i;

		/*
		 * Many objects, no pointer kept: kmemleak scans whole task
		 * stacks, and a stale copy of a pointer in one (a reused
		 * stack) hides that object. Not all of these can be hidden.
		 */
		for (i = 0; i < LDW_SPLAT_LEAKS; i++) {
			char *p = kmalloc(64, GFP_KERNEL);

			OPTIMIZER_HIDE_VAR(p);
			if (p)
				memset(p, 0x5a, 64);
		}
	} else {
		pr_err("ldw_splat: unknown mode '%s'\n", mode);
		return -EINVAL;
	}
	return 0;
}

static void __exit ldw_splat_exit(void)
{
}

module_init(ldw_splat_init);
module_exit(ldw_splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ldwatch lab tier: commit one bug the debug kernel must report");
