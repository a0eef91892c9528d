// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in rule: Elastic's "Dynamic Linker Creation or Modification"
 * (rule id 640f79d1-571d-4f96-a9af-1194fc8cf763), the query of its
 * versions 3 to 6, as in shared/spec. The query requires host.os.type,
 * event.action and file.path, then excludes eight alternatives; below they
 * are in the order written, each list copied whole, duplicates and all
 * ("/bin/podman" twice; the "/dev/fd/" pattern inside an `in` list, where
 * it is a literal that never matches a real path). The rule is data, and a
 * table that matches its source line for line is one a reviewer can check;
 * tests compare it with the rule text itself.
 *
 * Plain C with no kernel headers (see match.c).
 */
#include <ldwatch/rule.h>

#define LDW_CLAUSE(f, o, v) { .field = (f), .op = (o), .values = (v) }

/* host.os.type == "linux" */
static const char *const os_type[] = { "linux", NULL };

/* event.action in ("creation", "rename") */
static const char *const actions[] = { "creation", "rename", NULL };

/* file.path : (...) */
static const char *const target_paths[] = {
	"/etc/ld.so.preload", "/etc/ld.so.conf.d/*", "/etc/ld.so.conf",
	NULL
};

static const struct ldw_clause requirements[] = {
	LDW_CLAUSE(LDW_FIELD_HOST_OS_TYPE, LDW_OP_EQUAL, os_type),
	LDW_CLAUSE(LDW_FIELD_EVENT_ACTION, LDW_OP_EQUAL, actions),
	LDW_CLAUSE(LDW_FIELD_FILE_PATH, LDW_OP_WILDCARD_NOCASE, target_paths),
};

/* process.executable in (...) */
static const char *const trusted_executables[] = {
	"/bin/dpkg", "/usr/bin/dpkg", "/bin/dockerd", "/usr/bin/dockerd",
	"/usr/sbin/dockerd", "/bin/microdnf", "/usr/bin/microdnf", "/bin/rpm",
	"/usr/bin/rpm", "/bin/snapd", "/usr/bin/snapd", "/bin/yum", "/usr/bin/yum",
	"/bin/dnf", "/usr/bin/dnf", "/bin/podman", "/usr/bin/podman",
	"/bin/dnf-automatic", "/usr/bin/dnf-automatic", "/bin/pacman", "/usr/bin/pacman",
	"/usr/bin/dpkg-divert", "/bin/dpkg-divert", "/sbin/apk", "/usr/sbin/apk",
	"/usr/local/sbin/apk", "/usr/bin/apt", "/usr/sbin/pacman", "/bin/podman",
	"/usr/bin/podman", "/usr/bin/puppet", "/bin/puppet",
	"/opt/puppetlabs/puppet/bin/puppet", "/usr/bin/chef-client", "/bin/chef-client",
	"/bin/autossl_check", "/usr/bin/autossl_check", "/proc/self/exe", "/dev/fd/*",
	"/usr/bin/pamac-daemon", "/bin/pamac-daemon", "/usr/lib/snapd/snapd",
	"/usr/local/bin/dockerd", "/usr/libexec/platform-python",
	"/usr/lib/snapd/snap-update-ns", "/usr/bin/vmware-config-tools.pl",
	NULL
};

/* file.extension in (...) */
static const char *const editor_extensions[] = {
	"swp", "swpx", "swx", "dpkg-remove",
	NULL
};

/* file.Ext.original.extension == "dpkg-new" */
static const char *const dpkg_new[] = { "dpkg-new", NULL };

/* process.executable : (...) */
static const char *const trusted_trees[] = {
	"/nix/store/*", "/var/lib/dpkg/*", "/snap/*", "/dev/fd/*",
	"/usr/lib/virtualbox/*", "/opt/dynatrace/oneagent/*",
	NULL
};

/* process.name in (...) */
static const char *const trusted_names[] = {
	"java", "executor", "ssm-agent-worker", "packagekitd", "crio",
	"dockerd-entrypoint.sh", "docker-init", "BootTimeChecker",
	NULL
};

/* (process.name == "sed" and file.name : "sed*") */
static const char *const sed[] = { "sed", NULL };
static const char *const sed_temporaries[] = { "sed*", NULL };

/* (process.name == "perl" and file.name : "e2scrub_all.tmp*") */
static const char *const perl[] = { "perl", NULL };
static const char *const e2scrub_temporaries[] = { "e2scrub_all.tmp*", NULL };

static const struct ldw_clause exclude_trusted_executables[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_EQUAL, trusted_executables),
};

static const struct ldw_clause exclude_editor_extensions[] = {
	LDW_CLAUSE(LDW_FIELD_FILE_EXTENSION, LDW_OP_EQUAL, editor_extensions),
};

static const struct ldw_clause exclude_dpkg_new[] = {
	LDW_CLAUSE(LDW_FIELD_ORIGINAL_EXTENSION, LDW_OP_EQUAL, dpkg_new),
};

static const struct ldw_clause exclude_trusted_trees[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_WILDCARD_NOCASE, trusted_trees),
};

static const struct ldw_clause exclude_no_executable[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_EXECUTABLE, LDW_OP_IS_NULL, NULL),
};

static const struct ldw_clause exclude_trusted_names[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, trusted_names),
};

static const struct ldw_clause exclude_sed_temporary[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, sed),
	LDW_CLAUSE(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, sed_temporaries),
};

static const struct ldw_clause exclude_e2scrub_temporary[] = {
	LDW_CLAUSE(LDW_FIELD_PROCESS_NAME, LDW_OP_EQUAL, perl),
	LDW_CLAUSE(LDW_FIELD_FILE_NAME, LDW_OP_WILDCARD_NOCASE, e2scrub_temporaries),
};

static const struct ldw_conjunction exclusions[] = {
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_trusted_executables),
		.clauses = exclude_trusted_executables,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_editor_extensions),
		.clauses = exclude_editor_extensions,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_dpkg_new),
		.clauses = exclude_dpkg_new,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_trusted_trees),
		.clauses = exclude_trusted_trees,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_no_executable),
		.clauses = exclude_no_executable,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_trusted_names),
		.clauses = exclude_trusted_names,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_sed_temporary),
		.clauses = exclude_sed_temporary,
	},
	{
		.nclauses = LDW_ARRAY_SIZE(exclude_e2scrub_temporary),
		.clauses = exclude_e2scrub_temporary,
	},
};

const struct ldw_rule ldw_default_rule = {
	.id = "640f79d1-571d-4f96-a9af-1194fc8cf763",
	.name = "Dynamic Linker Creation or Modification",
	.version = 3,
	.severity = "medium",
	.risk_score = 47,
	.threat = LDW_THREAT_DYNAMIC_LINKER_HIJACKING,
	.nrequirements = LDW_ARRAY_SIZE(requirements),
	.requirements = requirements,
	.nexclusions = LDW_ARRAY_SIZE(exclusions),
	.exclusions = exclusions,
};
