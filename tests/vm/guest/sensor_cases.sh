# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# The scenario table: file operations on the guest's root (tmpfs), each with
# the alerts it must and must not produce. Every expected value comes from
# the rule text and SEMANTICS.md (how Elastic's EQL engine reads it, what
# each ECS field holds), and from what the acting process reported about
# itself; none from the sensor's code.
#
# The rule, in short: an alert for a creation or a successful rename whose
# file.path (the new path) is, ignoring case, /etc/ld.so.preload,
# /etc/ld.so.conf or anything below /etc/ld.so.conf.d/, unless
#   - process.executable is in a list (case-sensitive: /usr/bin/dpkg ...)
#     or matches a pattern (ignoring case: /nix/store/* ...);
#   - file.extension is swp, swpx, swx or dpkg-remove (case-sensitive);
#   - file.Ext.original.extension is dpkg-new (case-sensitive);
#   - process.name (basename of the executable, not comm) is in a list, or
#     is sed with a file.name starting with sed (ignoring case), or perl
#     with a file.name starting with e2scrub_all.tmp.
# "creation" is an open/creat/mknod that created a regular file; appending
# to, truncating or copying over an existing file creates nothing. A
# failed operation is no event.
#
# Where Elastic's rule gives no alert and the operation concerns a host
# target (module/targets.h: the host's /etc/ld.so.preload, ld.so.conf,
# ld.so.cache, ld.so.conf.d and any name in it, /etc, by identity), the
# companion rule (module/rule/builtin_companion.c) judges it: an alert unless
# ldwatch.target.path is none the linker reads (in ld.so.conf.d only names
# ending in .conf), the executable is a package manager by its path from
# the host's root (/usr/bin/dpkg, /nix/store/* case-sensitively, ...), or
# the operation makes an empty /etc or /etc/ld.so.conf.d. It knows no
# process.name and no file extension: the exclusions Elastic's rule grants
# by those are judged again. Its alerts say `alert --companion`.
#
# Why some failures are not counted as not_confirmed: the kernel checks
# permissions (EACCES), existence under O_EXCL or RENAME_NOREPLACE (EEXIST)
# and the parent (ENOENT) before it calls the LSM create and rename hooks
# (fs/namei.c: may_o_create, vfs_create, vfs_rename), so a sensor on those
# hooks need not see them at all. The ENOSPC scenario fails after the
# hooks ran, and must be counted.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

# Copies of ldw-ops that give the acting process the executable path (and
# so process.name) a scenario needs. rm first: in the guest some of these
# paths are busybox applet links, and cp would write through them.
for exe in /usr/bin/dpkg /tmp/dpkg /USR/BIN/DPKG /nix/store/0abc-ldw/bin/tool \
	/NIX/STORE/0ABC/bin/tool /tmp/bin/sed /tmp/bin/java /tmp/bin/perl \
	/tmp/bin/ssm-agent-worker /tmp/bin/ssm-agent-worke \
	/tmp/bin/dockerd-entrypoint.sh; do
	mkdir -p "${exe%/*}"
	rm -f "$exe"
	cp "$OPS" "$exe"
done
GNU_SED=/opt/sed/sed	# Debian's GNU sed, packed by run.sh
echo lib >/tmp/src-file

# ------------------------------------------------------------- the attack

scenario "busybox sh as root: echo lib > /etc/ld.so.preload"
sh_op 'echo lib > /etc/ld.so.preload'
alert creation /etc/ld.so.preload
total 1
collect

scenario "writing into an existing target creates nothing: a modification each"
op creat /etc/ld.so.preload
alert creation /etc/ld.so.preload
# Elastic's rule: no creation. The companion: each open for writing of an
# existing target is a modification.
sh_op 'echo lib >> /etc/ld.so.preload'
alert --companion modification /etc/ld.so.preload
sh_op 'echo lib > /etc/ld.so.preload'
alert --companion modification /etc/ld.so.preload
op --flags wronly,creat open /etc/ld.so.preload
alert --companion modification /etc/ld.so.preload
no_alert "rule.id=$RULE_ID" event.action=creation process.executable=/bin/busybox
total 4
collect

scenario "each creation system call, x86-64 and ia32 (int 0x80)"
mkdir -p /etc/ld.so.conf.d
for call in open openat openat2 creat mknod mknodat ia32-open ia32-openat \
	ia32-openat2 ia32-creat ia32-mknod ia32-mknodat; do
	op "$call" "/etc/ld.so.conf.d/$call.conf"
	alert creation "/etc/ld.so.conf.d/$call.conf"
done
op --at /etc openat ld.so.preload
alert creation /etc/ld.so.preload
op --at /etc/ld.so.conf.d openat2 rel.conf
alert creation /etc/ld.so.conf.d/rel.conf
op --flags wronly,creat,excl open /etc/ld.so.conf
alert creation /etc/ld.so.conf
total 15
collect

scenario "each rename system call, x86-64 and ia32 (int 0x80)"
mkdir -p /etc/ld.so.conf.d
for call in rename renameat renameat2 ia32-rename ia32-renameat ia32-renameat2; do
	op creat "/etc/$call.tmp"
	op "$call" "/etc/$call.tmp" "/etc/ld.so.conf.d/$call.conf"
	alert rename "/etc/ld.so.conf.d/$call.conf" "/etc/$call.tmp"
done
op creat /etc/noreplace.tmp
op --rename-flags noreplace renameat2 /etc/noreplace.tmp /etc/ld.so.conf
alert rename /etc/ld.so.conf /etc/noreplace.tmp
op creat /etc/at.tmp
op --at /etc renameat at.tmp ld.so.preload
alert rename /etc/ld.so.preload /etc/at.tmp
total 8
collect

scenario "io_uring: IORING_OP_OPENAT and IORING_OP_RENAMEAT"
# OP_TID is empty: io_uring runs a creating open in an io-wq worker thread
# of the process, so only process.pid is checked.
mkdir -p /etc/ld.so.conf.d
op uring-openat /etc/ld.so.preload
alert creation /etc/ld.so.preload
op --at /etc uring-openat ld.so.conf.d/uring.conf
alert creation /etc/ld.so.conf.d/uring.conf
op creat /etc/uring.tmp
op uring-renameat /etc/uring.tmp /etc/ld.so.conf
alert rename /etc/ld.so.conf /etc/uring.tmp
op creat /etc/uring2.tmp
op --rename-flags noreplace uring-renameat /etc/uring2.tmp /etc/ld.so.conf.d/noreplace.conf
alert rename /etc/ld.so.conf.d/noreplace.conf /etc/uring2.tmp
total 4
collect

scenario "an operation from a second thread: process.thread.id is that thread's"
op --thread creat /etc/ld.so.conf
alert creation /etc/ld.so.conf
total 1
collect

scenario "mkdir /etc/ld.so.conf.d and below: nothing; files deeper down: alerts"
sh_op 'exec mkdir /etc/ld.so.conf.d'
sh_op 'exec mkdir -p /etc/ld.so.conf.d/a/b'
op creat /etc/ld.so.conf.d/a/b/c.conf
alert creation /etc/ld.so.conf.d/a/b/c.conf
op mknod /etc/ld.so.conf.d/a/noext
alert creation /etc/ld.so.conf.d/a/noext
total 2
collect

scenario "mv onto each target (same file system: a rename)"
mkdir -p /etc/ld.so.conf.d/a/b
for target in /etc/ld.so.preload /etc/ld.so.conf /etc/ld.so.conf.d/x.conf \
	/etc/ld.so.conf.d/a/b/c.conf; do
	op --write lib creat /etc/mv-src.tmp
	sh_op "exec mv /etc/mv-src.tmp $target"
	alert rename "$target" /etc/mv-src.tmp
done
# Onto an existing target: still a rename that succeeded.
op creat /etc/mv-src.tmp
sh_op 'exec mv -f /etc/mv-src.tmp /etc/ld.so.preload'
alert rename /etc/ld.so.preload /etc/mv-src.tmp
total 5
collect

scenario "mv from /tmp (another file system) is a copy: a creation, no rename"
cp /tmp/src-file /tmp/mv-src
sh_op 'exec mv /tmp/mv-src /etc/ld.so.preload'
alert creation /etc/ld.so.preload
no_alert event.action=rename
total 1
collect

scenario "cp onto each target that does not exist: a creation"
mkdir -p /etc/ld.so.conf.d/a/b
for target in /etc/ld.so.preload /etc/ld.so.conf /etc/ld.so.conf.d/x.conf \
	/etc/ld.so.conf.d/a/b/c.conf; do
	sh_op "exec cp /tmp/src-file $target"
	alert creation "$target"
done
total 4
collect

scenario "cp onto an existing target truncates and writes it: no creation, a modification"
op creat /etc/ld.so.conf
alert creation /etc/ld.so.conf
sh_op 'exec cp /tmp/src-file /etc/ld.so.conf'
no_alert "rule.id=$RULE_ID" process.executable=/bin/busybox
alert --companion modification /etc/ld.so.conf
total 2
collect

# ------------------------------------------------------------------- sed

# The exclusion (process.name == "sed" and file.name : "sed*") is for GNU
# sed -i, which writes a temporary sedXXXXXX beside the file and renames it
# over the file. For /etc/ld.so.conf the temporary /etc/sedXXXXXX is no
# target, so its creation gives nothing whatever the exclusion says; the
# rename onto /etc/ld.so.conf alerts (file.name is then ld.so.conf). Under
# /etc/ld.so.conf.d/ the temporary is a target, and the exclusion is what
# keeps it quiet. Busybox's sed applet runs as /bin/busybox (process.name
# busybox) and names its temporary FILEXXXXXX: both alert.

scenario "GNU sed -i /etc/ld.so.conf: the rename from /etc/sedXXXXXX alerts"
op --write x creat /etc/ld.so.conf
alert creation /etc/ld.so.conf
sh_as_exe "$GNU_SED" "exec $GNU_SED -i s/x/y/ /etc/ld.so.conf"
alerts 1 event.action=rename file.path=/etc/ld.so.conf file.name=ld.so.conf \
	'file.Ext.original.path~/etc/sed??????' 'file.Ext.original.name~sed??????' \
	'!file.Ext.original.extension' "process.executable=$GNU_SED" process.name=sed \
	"process.pid=$OP_PID" "process.parent.pid=$OP_PPID" user.id=0
no_alert 'file.path~/etc/sed*'
total 2
collect

scenario "GNU sed -i under /etc/ld.so.conf.d: sedXXXXXX is excluded, the rename alerts"
mkdir -p /etc/ld.so.conf.d
op --write x creat /etc/ld.so.conf.d/x.conf
alert creation /etc/ld.so.conf.d/x.conf
sh_as_exe "$GNU_SED" "exec $GNU_SED -i s/x/y/ /etc/ld.so.conf.d/x.conf"
alerts 1 event.action=rename file.path=/etc/ld.so.conf.d/x.conf \
	'file.Ext.original.path~/etc/ld.so.conf.d/sed??????' process.name=sed \
	"process.executable=$GNU_SED" "process.pid=$OP_PID"
no_alert 'file.path~/etc/ld.so.conf.d/sed*'
total 2
collect

scenario "busybox sed -i under /etc/ld.so.conf.d: busybox is no sed, both steps alert"
mkdir -p /etc/ld.so.conf.d
op --write x creat /etc/ld.so.conf.d/x.conf
alert creation /etc/ld.so.conf.d/x.conf
sh_op 'exec sed -i s/x/y/ /etc/ld.so.conf.d/x.conf'
alerts 1 event.action=creation 'file.path~/etc/ld.so.conf.d/x.conf??????' \
	'file.extension~conf??????' process.executable=/bin/busybox process.name=busybox \
	"process.pid=$OP_PID"
alerts 1 event.action=rename file.path=/etc/ld.so.conf.d/x.conf \
	'file.Ext.original.path~/etc/ld.so.conf.d/x.conf??????' \
	process.executable=/bin/busybox "process.pid=$OP_PID"
total 3
collect

scenario "a program named sed: excluded only for file names starting with sed"
op --as /tmp/bin/sed creat /etc/sedAbC123
op --as /tmp/bin/sed rename /etc/sedAbC123 /etc/ld.so.conf
alert rename /etc/ld.so.conf /etc/sedAbC123
mkdir -p /etc/ld.so.conf.d
# Excluded by Elastic's rule; no .conf name, so nothing the companion counts.
op --as /tmp/bin/sed creat /etc/ld.so.conf.d/sedAbC123
# Excluded by Elastic's rule (":" ignores case); a .conf the linker reads,
# by a program that is no package manager: the companion's.
op --as /tmp/bin/sed creat /etc/ld.so.conf.d/SEDXYZ.conf
alert --companion creation /etc/ld.so.conf.d/SEDXYZ.conf
op --as /tmp/bin/sed creat /etc/ld.so.conf.d/x.conf
alert creation /etc/ld.so.conf.d/x.conf
op creat /etc/ld.so.conf.d/sedQ.conf
alert creation /etc/ld.so.conf.d/sedQ.conf
no_alert "rule.id=$RULE_ID" file.path=/etc/ld.so.conf.d/SEDXYZ.conf
total 4
collect

# ------------------------------------------------ package managers, editors

scenario "a .dpkg-new renamed onto a target is excluded by Elastic's rule, whichever process renames it"
mkdir -p /etc/ld.so.conf.d
# Its creation is not excluded: file.extension dpkg-new is not in the list.
op creat /etc/ld.so.conf.d/x.conf.dpkg-new
alert creation /etc/ld.so.conf.d/x.conf.dpkg-new
# The companion rule trusts no extension, only dpkg by its path: each
# rename below by another program is its alert.
sh_op 'exec mv /etc/ld.so.conf.d/x.conf.dpkg-new /etc/ld.so.conf.d/x.conf'
alert --companion rename /etc/ld.so.conf.d/x.conf /etc/ld.so.conf.d/x.conf.dpkg-new
op creat /etc/ld.so.preload.dpkg-new
op renameat2 /etc/ld.so.preload.dpkg-new /etc/ld.so.preload
alert --companion rename /etc/ld.so.preload /etc/ld.so.preload.dpkg-new
op --as /tmp/dpkg creat /etc/ld.so.conf.dpkg-new
op --as /tmp/dpkg rename /etc/ld.so.conf.dpkg-new /etc/ld.so.conf
alert --companion rename /etc/ld.so.conf /etc/ld.so.conf.dpkg-new
# "==" is case-sensitive: .DPKG-NEW is not excluded.
op creat /etc/ld.so.conf.d/z.conf.DPKG-NEW
alert creation /etc/ld.so.conf.d/z.conf.DPKG-NEW
op rename /etc/ld.so.conf.d/z.conf.DPKG-NEW /etc/ld.so.conf.d/z.conf
alert rename /etc/ld.so.conf.d/z.conf /etc/ld.so.conf.d/z.conf.DPKG-NEW
no_alert "rule.id=$RULE_ID" file.Ext.original.extension=dpkg-new
total 6
collect

scenario "a .dpkg-remove name is excluded (file.extension)"
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/x.conf
alert creation /etc/ld.so.conf.d/x.conf
op rename /etc/ld.so.conf.d/x.conf /etc/ld.so.conf.d/x.conf.dpkg-remove
op creat /etc/ld.so.conf.d/y.conf.dpkg-remove
total 1
collect

scenario "editor swap files (swp, swpx, swx) are excluded, case-sensitively"
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/.x.conf.swp
op creat /etc/ld.so.conf.d/.x.conf.swpx
op creat /etc/ld.so.conf.d/.x.conf.swx
op creat /etc/.ld.so.preload.swp
op creat /etc/ld.so.conf.d/.y.conf.SWP
alert creation /etc/ld.so.conf.d/.y.conf.SWP
# Renamed onto the real name, file.extension is conf: not excluded.
op rename /etc/ld.so.conf.d/.x.conf.swp /etc/ld.so.conf.d/x.conf
alert rename /etc/ld.so.conf.d/x.conf /etc/ld.so.conf.d/.x.conf.swp
total 2
collect

scenario "a binary at /usr/bin/dpkg is trusted; the same binary elsewhere is not"
mkdir -p /etc/ld.so.conf.d
op --as /usr/bin/dpkg creat /etc/ld.so.preload
op --as /usr/bin/dpkg creat /etc/dpkg.tmp
op --as /usr/bin/dpkg rename /etc/dpkg.tmp /etc/ld.so.conf
op --as /tmp/dpkg creat /etc/ld.so.conf.d/t.conf
alert creation /etc/ld.so.conf.d/t.conf
op --as /tmp/dpkg creat /etc/dpkg.tmp
op --as /tmp/dpkg rename /etc/dpkg.tmp /etc/ld.so.conf.d/u.conf
alert rename /etc/ld.so.conf.d/u.conf /etc/dpkg.tmp
# "in" is case-sensitive; ":" is not.
op --as /USR/BIN/DPKG creat /etc/ld.so.conf.d/v.conf
alert creation /etc/ld.so.conf.d/v.conf
# Excluded by both rules: the companion's /nix/store/* is case-sensitive.
op --as /nix/store/0abc-ldw/bin/tool creat /etc/ld.so.conf.d/w.conf
# Excluded by Elastic's ":", not by the companion's "like".
op --as /NIX/STORE/0ABC/bin/tool creat /etc/ld.so.conf.d/y.conf
alert --companion creation /etc/ld.so.conf.d/y.conf
total 4
collect

scenario "programs trusted by process.name, the executable's basename (not comm)"
mkdir -p /etc/ld.so.conf.d
# Excluded by Elastic's rule by their names; the companion trusts no name.
op --as /tmp/bin/java creat /etc/ld.so.preload
alert --companion creation /etc/ld.so.preload
# 16 and 21 bytes: comm (15 bytes) could never hold these names.
op --as /tmp/bin/ssm-agent-worker creat /etc/ld.so.conf.d/a.conf
alert --companion creation /etc/ld.so.conf.d/a.conf
op --as /tmp/bin/dockerd-entrypoint.sh creat /etc/ld.so.conf.d/b.conf
alert --companion creation /etc/ld.so.conf.d/b.conf
# ... and ssm-agent-worker's comm is not in the list.
op --as /tmp/bin/ssm-agent-worke creat /etc/ld.so.conf.d/c.conf
alert creation /etc/ld.so.conf.d/c.conf
# No .conf: nothing the companion counts.
op --as /tmp/bin/perl creat /etc/ld.so.conf.d/e2scrub_all.tmpXyZ
op --as /tmp/bin/perl creat /etc/ld.so.conf.d/d.conf
alert creation /etc/ld.so.conf.d/d.conf
alerts 2 "rule.id=$RULE_ID"
total 5
collect

# ------------------------------------------------------- who, and failures

scenario "an unprivileged user's attempts fail with EACCES: no alert"
mkdir -p /etc/ld.so.conf.d
op --user 65534 --expect EACCES creat /etc/ld.so.preload
op --user 65534 --expect EACCES openat2 /etc/ld.so.conf.d/x.conf
op --user 65534 --expect EACCES mknod /etc/ld.so.conf
op --user 65534 --expect EACCES uring-openat /etc/ld.so.preload
op --user 65534 creat /ldw-world/evil.tmp
op --user 65534 --expect EACCES rename /ldw-world/evil.tmp /etc/ld.so.preload
op --user 65534 --expect EACCES uring-renameat /ldw-world/evil.tmp /etc/ld.so.conf.d/y.conf
rm -f /ldw-world/evil.tmp
total 0
collect

scenario "an unprivileged user where the directory lets them: alerts with their ids"
mkdir -p /etc/ld.so.conf.d
chmod 1777 /etc/ld.so.conf.d
op --user 65534 creat /etc/ld.so.conf.d/nobody.conf
alert creation /etc/ld.so.conf.d/nobody.conf user.id=65534 user.name=nobody
op --user 65534:5 openat /etc/ld.so.conf.d/tty.conf
alert creation /etc/ld.so.conf.d/tty.conf group.id=5
total 2
collect

scenario "operations that fail or create nothing: O_EXCL, RENAME_NOREPLACE, no parent, a FIFO"
op creat /etc/ld.so.preload
alert creation /etc/ld.so.preload
op --flags wronly,creat,excl --expect EEXIST open /etc/ld.so.preload
op --flags wronly,creat,excl --expect EEXIST uring-openat /etc/ld.so.preload
op creat /etc/src.tmp
op --rename-flags noreplace --expect EEXIST renameat2 /etc/src.tmp /etc/ld.so.preload
op --expect ENOENT creat /etc/ld.so.conf.d/missing/x.conf
mkdir -p /etc/ld.so.conf.d
# A FIFO is no regular file: mknod creates one only with S_IFREG.
op mkfifo /etc/ld.so.conf.d/fifo
total 1
collect

# The small file system is a chroot's root, so that /etc/ld.so.conf.d is a
# plain directory on it (a file system mounted on /etc/ld.so.conf.d itself
# is sensor_fs.sh's business). Its inodes: /, /etc, /etc/ld.so.conf.d,
# /ldw-ops and one file; the next creation fails with ENOSPC.
status_json "$LDW_DIR/status.enospc.0"
scenario "a creation the file system refuses after the hooks ran (ENOSPC): no alert"
SMALL=/mnt/small
mkdir -p $SMALL
mount -t tmpfs -o nr_inodes=5 ldw-small $SMALL
mkdir -p $SMALL/etc/ld.so.conf.d
cp "$OPS" $SMALL/ldw-ops
op_in $SMALL /ldw-ops creat /etc/ld.so.conf.d/a.conf
alert creation /etc/ld.so.conf.d/a.conf
op_in $SMALL /ldw-ops --expect ENOSPC creat /etc/ld.so.conf.d/b.conf
op_in $SMALL /ldw-ops --expect ENOSPC uring-openat /etc/ld.so.conf.d/c.conf
umount $SMALL
total 1
collect
if status_json "$LDW_DIR/status.enospc.1"; then
	nc0=$("$EXPECT" get "$LDW_DIR/status.enospc.0" counters.not_confirmed)
	nc1=$("$EXPECT" get "$LDW_DIR/status.enospc.1" counters.not_confirmed)
	if [ $((nc1 - nc0)) -ge 2 ]; then
		ok "[$SCEN] counters.not_confirmed grew by the 2 failures (by $((nc1 - nc0)))"
	else
		not_ok "[$SCEN] counters.not_confirmed grew by the 2 failures ($nc0 -> $nc1)"
	fi
else
	not_ok "[$SCEN] ldwatchctl status --json answers"
fi

# ---------------------------------------------------- what is not a target

scenario "paths the rule does not watch"
mkdir -p /etc/ld.so.preload.d /etc/ld.so.conf.dx /tmp/etc
for path in /etc/ld.so.preload.bak /etc/ld.so.preload.d/x.conf /etc/ld.so.confx \
	/etc/ld.so.conf.dx/y.conf /etc/ld.so.conf.d.conf /etc/xld.so.preload \
	/etc/ld.so.conf.bak /tmp/ld.so.preload /tmp/etc/ld.so.preload /ld.so.preload; do
	op creat "$path"
	rm -f "$path"
done
rm -rf /etc/ld.so.preload.d /etc/ld.so.conf.dx
total 0
collect

scenario "renames away from a target, and a directory renamed onto /etc/ld.so.conf.d"
op creat /etc/ld.so.preload
alert creation /etc/ld.so.preload
op rename /etc/ld.so.preload /etc/ld.so.preload.bak
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/x.conf
alert creation /etc/ld.so.conf.d/x.conf
op rename /etc/ld.so.conf.d/x.conf /etc/x.conf
# The directory moved away from its place: no match for Elastic's rule
# (file.path /etc/ld.so.conf.d.old); the host's ld.so.conf.d leaves its
# place, the companion's (README: "alerts, both ways").
sh_op 'exec mv /etc/ld.so.conf.d /etc/ld.so.conf.d.old'
# (file.path, the new path, is not the target's host path: alias "path")
alert --companion --target /etc/ld.so.conf.d --alias path --type dir \
	rename /etc/ld.so.conf.d.old /etc/ld.so.conf.d
# The directory's own path /etc/ld.so.conf.d does not match
# "/etc/ld.so.conf.d/*": a blind spot of Elastic's rule, reported
# faithfully; the companion sees a directory renamed onto a target place.
mkdir -p /etc/evil.d
op creat /etc/evil.d/e.conf
op rename /etc/evil.d /etc/ld.so.conf.d
alert --companion --type dir rename /etc/ld.so.conf.d /etc/evil.d
no_alert "rule.id=$RULE_ID" file.path=/etc/ld.so.conf.d
no_alert "rule.id=$RULE_ID" file.path=/etc/ld.so.conf.d.old
rm -rf /etc/ld.so.preload.bak /etc/x.conf /etc/ld.so.conf.d.old
total 4
collect

scenario "RENAME_EXCHANGE: an alert for each direction that lands on a target"
mkdir -p /etc/ld.so.conf.d
op creat /etc/ld.so.conf.d/a.conf
alert creation /etc/ld.so.conf.d/a.conf
op creat /etc/other.conf
# /etc/other.conf -> a.conf lands on a target; a.conf -> /etc/other.conf not.
op --rename-flags exchange renameat2 /etc/ld.so.conf.d/a.conf /etc/other.conf
alert rename /etc/ld.so.conf.d/a.conf /etc/other.conf
op creat /etc/ld.so.conf.d/b.conf
alert creation /etc/ld.so.conf.d/b.conf
op --rename-flags exchange renameat2 /etc/ld.so.conf.d/a.conf /etc/ld.so.conf.d/b.conf
alert rename /etc/ld.so.conf.d/b.conf /etc/ld.so.conf.d/a.conf
alert rename /etc/ld.so.conf.d/a.conf /etc/ld.so.conf.d/b.conf
rm -f /etc/other.conf
total 5
collect

scenario "path spellings: relative, //, .., symlinks, upper case"
op --chdir /etc creat ld.so.preload
alert creation /etc/ld.so.preload
op creat //etc///ld.so.conf
alert creation /etc/ld.so.conf
mkdir -p /etc/ld.so.conf.d
op creat /etc/../etc/ld.so.conf.d/./dots.conf
alert creation /etc/ld.so.conf.d/dots.conf
ln -sfn /etc /tmp/etc-link
op creat /tmp/etc-link/ld.so.conf.d/link.conf
alert creation /etc/ld.so.conf.d/link.conf
# O_CREAT through a dangling symlink creates its target.
rm -f /etc/ld.so.preload
ln -sfn /etc/ld.so.preload /tmp/preload-link
op open /tmp/preload-link
alert creation /etc/ld.so.preload
# ":" ignores case.
op creat /etc/LD.SO.PRELOAD
alert creation /etc/LD.SO.PRELOAD
rm -f /tmp/etc-link /tmp/preload-link
total 6
collect
