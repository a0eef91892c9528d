// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatch: detect dynamic-linker hijacking (MITRE ATT&CK T1574.006) as it
 * happens, by evaluating Elastic's rule "Dynamic Linker Creation or
 * Modification" in the kernel. Module init and exit.
 *
 * Init brings the parts up in the order data flows backwards: counters,
 * the delivery queue, the netlink family, and capture last, so that the
 * first alert finds its way out ready. Exit goes the other way, so that
 * nothing is produced after the part that takes it is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/random.h>

#include <ldwatch/rule.h>
#include <ldwatch/version.h>

#include "actor.h"
#include "builtin.h"
#include "capture.h"
#include "genl.h"
#include "lost.h"
#include "queue.h"
#include "ratelimit.h"
#include "rule_log.h"
#include "ruleset.h"
#include "stats.h"

/*
 * Who loads or unloads the sensor goes to the kernel log, so that even
 * with no listener the tampering names someone.
 */
static void ldw_log_actor(const char *what, const struct ldw_actor *actor,
			  u64 load_id, int err)
{
	if (err)
		pr_warn("%s failed (error %d), load id %016llx: pid %u uid %u exe %s comm %s\n",
			what, err, load_id, actor->pid, actor->uid,
			ldw_actor_exe(actor), actor->comm);
	else
		pr_notice("%s, load id %016llx: pid %u uid %u exe %s comm %s\n",
			  what, load_id, actor->pid, actor->uid,
			  ldw_actor_exe(actor), actor->comm);
}

/* Identifies this load of the module in messages and in the kernel log. */
static u64 ldw_load_id;

static int __init ldw_start(void)
{
	int err;

	/* The built-in rules as programs: everything below judges by them. */
	err = ldw_builtin_init();
	if (err)
		return err;
	err = ldw_rule_log(&ldw_default_rule);
	if (err)
		return err;

	ldw_stats_init();
	err = ldw_queue_init();
	if (err)
		return err;
	ldw_lost_init();
	err = ldw_ratelimit_init();
	if (err)
		goto err_queue;
	/* The built-in rules in force from here: no window without a rule. */
	err = ldw_ruleset_init();
	if (err)
		goto err_queue;
	err = ldw_genl_init(ldw_load_id);
	if (err)
		goto err_rules;
	err = ldw_capture_init();
	if (err)
		goto err_genl;

	pr_info("version %s, load id %016llx\n", LDW_VERSION, ldw_load_id);
	pr_info("loaded\n");
	return 0;

err_genl:
	/* Send what capture may have queued before it failed. */
	ldw_ratelimit_exit();
	ldw_queue_stop();
	ldw_lost_stop();
	ldw_genl_exit();
err_rules:
	ldw_ruleset_exit();
err_queue:
	ldw_queue_exit();
	return err;
}

static int __init ldw_init(void)
{
	struct ldw_actor actor;
	int err;

	ldw_load_id = get_random_u64();
	err = ldw_start();
	ldw_actor_get(&actor);
	ldw_log_actor("load", &actor, ldw_load_id, err);
	ldw_actor_put(&actor);
	return err;
}

static void __exit ldw_exit(void)
{
	struct ldw_stats_snapshot stats;
	struct ldw_actor actor;
	u64 dropped = 0;
	unsigned int i;

	ldw_actor_get(&actor);
	ldw_log_actor("unload", &actor, ldw_load_id, 0);

	/* No alert is produced after this ... */
	ldw_capture_exit();
	/* ... but the summary of the rate limit window still open, ... */
	ldw_ratelimit_exit();
	/* ... so the queue can be emptied for good, the drops reported, ... */
	ldw_queue_stop();
	ldw_lost_stop();
	/* ... and STOPPING come last, naming who unloads the module. */
	ldw_genl_send_stopping(&actor);
	ldw_actor_put(&actor);
	ldw_genl_exit();
	ldw_queue_exit();
	ldw_ruleset_exit();

	ldw_stats_read(&stats);
	for (i = 0; i < ARRAY_SIZE(stats.dropped); i++)
		dropped += stats.dropped[i];
	pr_info("%llu alerts matched, %llu suppressed by the rate limit, %llu sent; %llu dropped, %llu of them at unload\n",
		stats.counters[LDW_CNT_MATCHED],
		stats.counters[LDW_CNT_SUPPRESSED], stats.counters[LDW_CNT_SENT],
		dropped, stats.dropped[LDW_DROP_UNLOAD]);
	pr_info("unloaded\n");
}

module_init(ldw_init);
module_exit(ldw_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LDW_VERSION);
MODULE_DESCRIPTION("Detect dynamic-linker hijacking (MITRE ATT&CK T1574.006)");
MODULE_AUTHOR("The ldwatch developers");
