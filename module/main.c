// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatch: detect dynamic-linker hijacking (MITRE ATT&CK T1574.006) as it
 * happens, by evaluating Elastic's rule "Dynamic Linker Creation or
 * Modification" in the kernel. Module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include <ldwatch/rule.h>

#include "rule_log.h"

static int __init ldw_init(void)
{
	int err;

	err = ldw_rule_log(&ldw_default_rule);
	if (err)
		return err;

	pr_info("loaded\n");
	return 0;
}

static void __exit ldw_exit(void)
{
	pr_info("unloaded\n");
}

module_init(ldw_init);
module_exit(ldw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Detect dynamic-linker hijacking (MITRE ATT&CK T1574.006)");
MODULE_AUTHOR("The ldwatch developers");
