// SPDX-License-Identifier: GPL-2.0
/*
 * ldwatch's companion rule: what the host's dynamic linker will read,
 * judged by identity. It sees what Elastic's rule cannot (writes to an
 * existing target, hard links, symlinks, mounts, directories moved onto or
 * out of a target place, any path, mount, namespace or root that reaches
 * the host's files) and judges again what Elastic's exclusions let through
 * by a name or a path anyone can take:
 *  - ldwatch.target.path is the host's path of the target (targets.h), set
 *    only when the operation concerns one; in ld.so.conf.d only the names
 *    ending in ".conf" count, those ld.so.conf's include reads, so a
 *    temporary name (an editor's swap file, sed's or perl's, a .dpkg-new)
 *    needs no exclusion, and a name the linker reads gets none;
 *  - ldwatch.process.executable is the executable's path from the host's
 *    root, absent for a process in another mount namespace: a copy of a
 *    package manager in a chroot or behind a mount is not the package
 *    manager. The paths are compared case-sensitively, as the file system
 *    does;
 *  - no exclusion by process name, by a file name's extension alone, or for
 *    an executable that names no file (/proc/self/exe, /dev/fd/N: a program
 *    run from memory).
 * Capture judges an operation by this rule only where Elastic's rule gave
 * no alert: one operation, one alert.
 *
 * Plain C with no kernel headers (see match.c).
 */
#include <ldwatch/rule.h>

#define LDW_CLAUSE(f, o, v) { .field = (f), .op = (o), .values = (v) }

static const char *const os_type[] = { "linux", NULL };

static const char *const actions[] = {
	"creation", "rename", "modification", "link", "symlink", "mount", NULL
};

/* ldwatch.target.path like (...): what the host's linker and ldconfig read */
static const char *const read_by_the_linker[] = {
	"/etc", "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.cache",
	"/etc/ld.so.conf.d", "/etc/ld.so.conf.d/*.conf", NULL
};

static const struct ldw_clause requirements[] = {
	LDW_CLAUSE(LDW_FIELD_HOST_OS_TYPE, LDW_OP_EQUAL, os_type),
	LDW_CLAUSE(LDW_FIELD_EVENT_ACTION, LDW_OP_EQUAL, actions),
	LDW_CLAUSE(LDW_FIELD_TARGET_PATH, LDW_OP_WILDCARD, read_by_the_linker),
};

/*
 * ldwatch.process.executable in (...): the package managers and
 * configuration tools of Elastic's list, where they are installed.
 */
static const char *const package_managers[] = {
	"/usr/bin/dpkg", "/usr/bin/dpkg-divert", "/usr/bin/rpm",
	"/usr/bin/dnf", "/usr/bin/dnf-automatic", "/usr/bin/microdnf",
	"/usr/bin/yum", "/usr/bin/pacman", "/usr/sbin/pacman", "/sbin/apk",
	"/usr/sbin/apk", "/usr/bin/puppet", "/opt/puppetlabs/puppet/bin/puppet",
	"/usr/bin/chef-client", "/usr/bin/pamac-daemon",
	"/usr/lib/snapd/snapd", "/usr/lib/snapd/snap-update-ns",
	"/usr/bin/vmware-config-tools.pl", "/usr/bin/autossl_check",
	NULL
};

/* ldwatch.process.executable like (...): package stores, case-sensitive */
static const char *const package_stores[] = {
	"/nix/store/*", "/snap/*", NULL
};

static const struct ldw_clause exclude_package_managers[] = {
	LDW_CLAUSE(LDW_FIELD_HOST_EXECUTABLE, LDW_OP_EQUAL, package_managers),
};

static const struct ldw_clause exclude_package_stores[] = {
	LDW_CLAUSE(LDW_FIELD_HOST_EXECUTABLE, LDW_OP_WILDCARD, package_stores),
};

/* ldconfig rewriting its cache, and nothing else */
static const char *const ldconfig[] = {
	"/usr/sbin/ldconfig", "/sbin/ldconfig", NULL
};

static const char *const ld_so_cache[] = { "/etc/ld.so.cache", NULL };

static const struct ldw_clause exclude_ldconfig_cache[] = {
	LDW_CLAUSE(LDW_FIELD_HOST_EXECUTABLE, LDW_OP_EQUAL, ldconfig),
	LDW_CLAUSE(LDW_FIELD_TARGET_PATH, LDW_OP_EQUAL, ld_so_cache),
};

/*
 * A new directory (or file) made where the linker only looks for others:
 * /etc or /etc/ld.so.conf.d made anew holds nothing the linker reads yet.
 * (Capture finds the targets anew after it, so what is then put inside is
 * judged; a directory renamed there, with its content, is a rename.)
 */
static const char *const creation[] = { "creation", NULL };

static const char *const containers[] = {
	"/etc", "/etc/ld.so.conf.d", NULL
};

static const struct ldw_clause exclude_empty_containers[] = {
	LDW_CLAUSE(LDW_FIELD_EVENT_ACTION, LDW_OP_EQUAL, creation),
	LDW_CLAUSE(LDW_FIELD_TARGET_PATH, LDW_OP_EQUAL, containers),
};

static const struct ldw_conjunction exclusions[] = {
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_package_managers),
		.clauses = exclude_package_managers,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_package_stores),
		.clauses = exclude_package_stores,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_ldconfig_cache),
		.clauses = exclude_ldconfig_cache,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_empty_containers),
		.clauses = exclude_empty_containers,
	},
};

const struct ldw_rule ldw_companion_rule = {
	.id = "e2d361bb-21b8-45a5-a2ee-c85b3a7d9aba",
	.name = "Dynamic Linker Hijacking by Identity (ldwatch)",
	.version = 1,
	.severity = "high",
	.risk_score = 73,
	.threat = LDW_THREAT_DYNAMIC_LINKER_HIJACKING,
	.nrequirements = LDW_ARRAY_SIZE(requirements),
	.requirements = requirements,
	.nexclusions = LDW_ARRAY_SIZE(exclusions),
	.exclusions = exclusions,
};
