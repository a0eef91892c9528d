# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# The host's targets by identity (README "Beyond Elastic's rule"; issue 13):
# every route an attacker has to what the host's dynamic linker reads that
# Elastic's rule does not see, or excludes by a name anyone can take. Each
# operation is judged once: by Elastic's rule where it alerts (a creation
# or rename whose path, as the process sees it, matches), else by the
# companion rule (module/rule/builtin_companion.c) when it concerns a host target.
#
# What each operation must give comes from the two rule texts and
# module/targets.h's definition of a host target:
#  - places: "etc" in the host's root, ld.so.preload, ld.so.conf,
#    ld.so.cache and ld.so.conf.d in the host's /etc, any name in its
#    ld.so.conf.d; objects: those directories and files, by inode, found
#    anew after every operation that changes what the host's paths lead to;
#  - the companion alerts when ldwatch.target.path is /etc, one of the four,
#    or /etc/ld.so.conf.d/*.conf (case-sensitive), unless the executable's
#    path from the host's root is a package manager's, or ldconfig rewrites
#    /etc/ld.so.cache, or a creation makes /etc or /etc/ld.so.conf.d (an
#    empty directory);
#  - event.action: modification (an existing target opened for writing,
#    once per open; truncate(2)), link, symlink, mount, and creation (with
#    file.type fifo, char_device, dir) besides Elastic's creation and
#    rename; ldwatch.target.alias says how the process's view differs:
#    path (file.path is not the host's path), mount_namespace (not pid 1's),
#    root (not the host's root). "path" is file.path against the host's
#    path (include/ldwatch/netlink.h: "the paths differ"): a target moved
#    away has it too, its new path being file.path.
# Routes: x86-64 syscalls, ia32 (int $0x80) and io_uring where each exists
# (ldw-ops --help). The fd operations open their file by x86-64 before the
# operation: that open is the modification.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

C=/etc/ld.so.conf.d
P=/etc/ld.so.preload
GNU_SED=/opt/sed/sed	# Debian's GNU sed, packed by run.sh

# Copies of ldw-ops under the names a scenario needs (rm first: some are
# busybox applet links in the guest, which cp would write through).
for exe in /usr/bin/dpkg /tmp/dpkg /tmp/bin/java /tmp/bin/sed /usr/sbin/ldconfig \
	/tmp/c/usr/sbin/ldconfig /etc/.ldw-ops; do
	mkdir -p "${exe%/*}"
	rm -f "$exe"
	cp "$OPS" "$exe"
done

# A file on /etc's file system, for hard links and as a copy's source.
SRC=/etc/ldw-src
reset_src() {
	rm -f $SRC
	printf 'ldw-src\n' >$SRC
}

# ------------------------------------------------------ directories moved

for r in '' ia32- uring-; do
	call=${r}rename
	[ "$r" = uring- ] && call=uring-renameat2
	scenario "ld.so.conf.d renamed away, a .conf written in it, and back ($call)"
	mkdir -p $C
	op "$call" $C /etc/.t
	alert --companion --target $C --alias path --type dir rename /etc/.t $C
	# Away from its place it is no target: what the linker reads is
	# whatever is at /etc/ld.so.conf.d.
	op creat /etc/.t/e.conf
	op "$call" /etc/.t $C
	alert --companion --type dir rename $C /etc/.t
	no_alert "rule.id=$RULE_ID"
	total 2
	collect
done

scenario "/etc itself renamed away, a preload written in it, and back"
# Nothing may need /etc meanwhile: ldw-ops and busybox are static. The
# alert's user.name comes from /etc/passwd, read by alert (here: before
# the way back, so none is stated) and by ldwatchd when it writes the
# alert (perhaps while /etc is away): user.id says who.
op rename /etc /etc.ldw-away
alert --companion --target /etc --alias path --type dir rename /etc.ldw-away /etc
op creat /etc.ldw-away/ld.so.preload
rm -f /etc.ldw-away/ld.so.preload
op rename /etc.ldw-away /etc
if [ -d /etc ] || mv /etc.ldw-away /etc; then
	alert --companion --type dir rename /etc /etc.ldw-away
fi
total 2
collect

scenario "a prepared directory exchanged with ld.so.conf.d (RENAME_EXCHANGE)"
mkdir -p $C /etc/prep.d
op creat $C/old.conf
alert creation $C/old.conf
op --write 'evil' creat /etc/prep.d/e.conf
op --rename-flags exchange renameat2 /etc/prep.d $C
# One alert a direction, as Elastic's rule counts an exchange: the
# prepared directory lands on the target place; the host's ld.so.conf.d
# leaves it.
alert --companion --type dir rename $C /etc/prep.d
alert --companion --target $C --alias path --type dir rename /etc/prep.d $C
# Found anew: the prepared directory is the host's ld.so.conf.d now.
op open-write $C/e.conf
alert --companion modification $C/e.conf
op open-write /etc/prep.d/old.conf
rm -rf /etc/prep.d
total 4
collect

scenario "a prepared directory renamed onto /etc/ld.so.conf.d (none there)"
mkdir -p /etc/prep.d
op --write 'evil' creat /etc/prep.d/e.conf
op rename /etc/prep.d $C
alert --companion --type dir rename $C /etc/prep.d
total 1
collect

# ------------------------------------------------- existing targets changed

scenario "an existing target changed by each route: one modification per open"
reset_src
op --write '0123456789' creat $P
alert creation $P
for r in '' ia32-; do
	op --write X "${r}mmap-write" $P
	alert --companion modification $P
done
for r in '' ia32- uring-; do
	for call in fallocate pwrite write; do
		op --length 16 "$r$call" $P
		alert --companion modification $P
	done
	op "${r}splice" $P $SRC
	alert --companion modification $P
done
# ftruncate(2) through an fd opened for writing: a write through that
# open, no second alert (truncate(2), by path, is one of its own).
# IORING_OP_FTRUNCATE came with 6.9: before, the request fails (EINVAL),
# after the open for writing, which is the modification.
uring_ftruncate=ok
case $(uname -r) in
[1-5].* | 6.[0-8].*) uring_ftruncate=EINVAL ;;
esac
for r in '' ia32- uring-; do
	if [ $r = uring- ]; then
		op --length 16 --expect $uring_ftruncate uring-ftruncate $P
	else
		op --length 16 "${r}ftruncate" $P
	fi
	alert --companion modification $P
done
for r in '' ia32-; do
	for call in copy_file_range sendfile; do
		op "$r$call" $P $SRC
		alert --companion modification $P
	done
	op "${r}truncate" $P
	alert --companion modification $P
	op "${r}open-write" $P
	alert --companion modification $P
	op --flags rdwr "${r}openat-write" $P
	alert --companion modification $P
	op --flags wronly,append "${r}openat2-write" $P
	alert --companion modification $P
done
for call in uring-openat-write uring-openat2-write; do
	op "$call" $P
	alert --companion modification $P
done
sh_op "echo lib >>$P"
alert --companion modification $P
sh_op "echo lib >$P"
alert --companion modification $P
total 34
collect

scenario "several writes through one open: one alert; a read-only open: none"
op creat $P
alert creation $P
sh_op "exec 3>>$P; echo a >&3; echo b >&3; echo c >&3; exec 3>&-"
alert --companion modification $P
op --flags rdonly open-write $P
op --flags rdonly ia32-open-write $P
op --flags rdonly uring-openat-write $P
sh_op "read -r x <$P"
total 2
collect

scenario "a write through an fd opened before (--open-early), as root, from the host"
mkdir -p $C
op creat $C/early.conf
alert creation $C/early.conf
# The open is the operation that alerts: made as root in the host's
# namespaces, before ldw-ops dropped to uid 65534 in a namespace of its
# own for the write (once per open: the write adds nothing).
op --open-early --user 65534 --userns write $C/early.conf
OP_UID=0 OP_GID=0 OP_NS=
alert --companion modification $C/early.conf user.effective.id=0
total 2
collect

# --------------------------------------------------------------- hard links

scenario "hard links into ld.so.conf.d, each route; then a write by the other name"
mkdir -p $C
reset_src
n=0
for call in link ia32-link linkat ia32-linkat uring-linkat linkat-fd ia32-linkat-fd \
	uring-linkat-fd; do
	n=$((n + 1))
	op "$call" $SRC $C/l$n.conf
	alert --companion link $C/l$n.conf
done
# The same file under nine names now; a write by its name outside
# ld.so.conf.d is a modification of a target: which name the alert gives
# as ldwatch.target.path is the set's business, any of the nine.
op open-write $SRC
alerts 1 event.action=modification "file.path=$SRC" 'event.type=["change"]' \
	"process.pid=$OP_PID" "rule.id=$COMPANION_ID" "event.risk_score=$COMPANION_RISK" \
	"ldwatch.target.path~$C/l?.conf" 'ldwatch.target.alias=["path"]' file.type=file \
	"ldwatch.process.executable=$OPS"
# A name without .conf: a link the linker does not read.
op link $SRC $C/l.txt
total 9
collect

scenario "O_TMPFILE linked into ld.so.conf.d, each route; then a write by its name"
mkdir -p $C
n=0
for call in tmpfile-link ia32-tmpfile-link uring-tmpfile-link tmpfile-link-fd \
	ia32-tmpfile-link-fd uring-tmpfile-link-fd; do
	n=$((n + 1))
	op --write 'evil' "$call" /etc $C/t$n.conf
	alert --companion link $C/t$n.conf
done
op open-write $C/t1.conf
alert --companion modification $C/t1.conf
total 7
collect

scenario "a hard link, then a write by the other name: the target's host path"
mkdir -p $C
reset_src
op link $SRC $C/one.conf
alert --companion link $C/one.conf
sh_op "echo lib >>$SRC"
alert --companion --target $C/one.conf --alias path modification $SRC
total 2
collect

# ----------------------------------------------------------------- symlinks

scenario "a symlink planted at each target place, each route"
mkdir -p $C
n=0
for call in symlink ia32-symlink symlinkat ia32-symlinkat uring-symlinkat; do
	n=$((n + 1))
	op "$call" /tmp/evil.conf $C/s$n.conf
	alert --companion symlink $C/s$n.conf
done
op symlink /tmp/evil.so $P
alert --companion symlink $P
op symlink /tmp/evil-ld.so.conf /etc/ld.so.conf
alert --companion symlink /etc/ld.so.conf
# Not a name the linker reads.
op symlink /tmp/evil.conf $C/s.txt
total 7
collect

scenario "ld.so.conf.d replaced by a symlink to a directory elsewhere"
E=/tmp/ldw-elsewhere
rm -rf $E
mkdir -p $E
op symlink $E $C
alert --companion symlink $C
# The host's ld.so.conf.d is that directory now: a file made in it, by its
# own path or through the symlink, is a target (the process's view is the
# resolved path, /tmp/...: no match for Elastic's rule).
op creat $E/x.conf
alert --companion --target $C/x.conf --alias path creation $E/x.conf
op creat $C/y.conf
alert --companion --target $C/y.conf --alias path creation $E/y.conf
no_alert "rule.id=$RULE_ID"
rm -rf $E
total 3
collect

# -------------------------------------------------- other paths to the files

scenario "/etc bind-mounted elsewhere: a creation there"
B=/mnt/ldw-etc
mkdir -p $B $C
mount --bind /etc $B
op creat $B/ld.so.preload
alert --companion --target $P --alias path creation $B/ld.so.preload
op creat $B/ld.so.conf.d/b.conf
alert --companion --target $C/b.conf --alias path creation $B/ld.so.conf.d/b.conf
op creat $B/x.tmp
op rename $B/x.tmp $B/ld.so.conf
alert --companion --target /etc/ld.so.conf --alias path rename $B/ld.so.conf $B/x.tmp
op open-write $B/ld.so.conf
alert --companion --target /etc/ld.so.conf --alias path modification $B/ld.so.conf
umount $B
no_alert "rule.id=$RULE_ID"
total 4
collect

scenario "chroot /etc: /ld.so.preload is the host's /etc/ld.so.preload"
mkdir -p $C
op_in /etc /.ldw-ops creat /ld.so.preload
alert --companion --target $P --alias path,root creation /ld.so.preload
op_in /etc /.ldw-ops creat /ld.so.conf.d/r.conf
alert --companion --target $C/r.conf --alias path,root creation /ld.so.conf.d/r.conf
op_in /etc /.ldw-ops open-write /ld.so.preload
alert --companion --target $P --alias path,root modification /ld.so.preload
no_alert "rule.id=$RULE_ID"
total 3
collect

scenario "another mount namespace (ldw-ops --userns, as root)"
mkdir -p $C
op creat $P
alert creation $P
# The path matches: Elastic's rule's, with the alias of the namespace.
op --userns creat $C/ns.conf
alert --target $C/ns.conf --alias mount_namespace creation $C/ns.conf
op --userns open-write $P
alert --companion --alias mount_namespace modification $P
op --userns link $P $C/nsl.conf
alert --companion --alias mount_namespace link $C/nsl.conf
total 4
collect

scenario "a detached clone of /etc (open_tree), a file made through it"
mkdir -p $C
for r in '' ia32-; do
	op "${r}open-tree-write" /etc ld.so.conf.d/ot-$r.conf
	# A detached mount's path is none the process can name from its root:
	# whatever file.path holds, it is no /etc/... path, and the target is.
	alerts 1 event.action=creation 'event.type=["creation"]' "process.pid=$OP_PID" \
		"rule.id=$COMPANION_ID" "rule.name=$COMPANION_NAME" \
		"event.risk_score=$COMPANION_RISK" "ldwatch.rule.severity=$COMPANION_SEVERITY" \
		"ldwatch.target.path=$C/ot-$r.conf" 'ldwatch.target.alias=["path"]' \
		file.type=file "ldwatch.process.executable=$OPS" "file.name=ot-$r.conf"
done
no_alert "rule.id=$RULE_ID"
total 2
collect

scenario "an overlay whose upper layer is /etc: a creation through the overlay"
O=/mnt/ldw-ovl
W=/ldw-ovl-work
mkdir -p $C $O /tmp/ldw-lower $W
if check "[$SCEN] mount overlayfs with upperdir=/etc" mount -t overlay ldw-ovl-etc \
	-o "lowerdir=/tmp/ldw-lower,upperdir=/etc,workdir=$W" $O; then
	op creat $O/ld.so.preload
	check "[$SCEN] the file is in the upper layer: the host's $P" test -f $P
	alert --companion --target $P --alias path creation $O/ld.so.preload
	op creat $O/ld.so.conf.d/ovl.conf
	alert --companion --target $C/ovl.conf --alias path creation $O/ld.so.conf.d/ovl.conf
	umount $O
	no_alert "rule.id=$RULE_ID"
	total 2
else
	dmesg | tail -n 5
fi
rm -rf $W
collect

# ---------------------------------------------------------- mounts onto targets

mount_scenario() {
	scenario "a mount onto ld.so.conf.d ($1): the files in it alert; after umount the old ones again"
	mkdir -p $C /tmp/ldw-m
	rm -rf /tmp/ldw-m/*
	op --write old creat $C/orig.conf
	alert creation $C/orig.conf
	case $1 in
	*move-mount)
		mkdir -p /tmp/ldw-mv
		mount -t tmpfs ldw-mv /tmp/ldw-mv
		op "$1" /tmp/ldw-mv $C
		;;
	*fsmount-tmpfs) op --write evil "$1" $C pre.conf ;;
	*) op "$1" /tmp/ldw-m $C ;;
	esac
	alert --companion mount $C
	case $1 in
	*fsmount-tmpfs)
		# Made before the mount, in a detached file system: no target then;
		# in the host's ld.so.conf.d now.
		op open-write $C/pre.conf
		alert --companion modification $C/pre.conf
		;;
	esac
	op creat $C/m.conf
	alert creation $C/m.conf
	op umount $C
	op open-write $C/orig.conf
	alert --companion modification $C/orig.conf
	case $1 in
	*fsmount-tmpfs) total 5 ;;
	*) total 4 ;;
	esac
	collect
}

for call in bind-mount ia32-bind-mount move-mount ia32-move-mount new-mount-api \
	ia32-new-mount-api fsmount-tmpfs ia32-fsmount-tmpfs; do
	mount_scenario $call
done

scenario "a place bound onto itself, as systemd makes a service's paths read-only: nothing"
# What is read there is what was: no event. First in the host's namespace,
# then as systemd does for a hardened service: the root bound elsewhere in
# a namespace of its own, and each path under it bound onto itself.
mkdir -p $C
sh_op ": >$P"
alert creation $P
op bind-mount $C $C
op umount $C
op bind-mount $P $P
op umount $P
mkdir -p /tmp/ldw-unit-root
# shellcheck disable=SC2016 # expanded by the inner sh
check "[$SCEN] systemd's pattern in a namespace of its own" unshare -m --propagation private \
	sh -c 'mount --bind / /tmp/ldw-unit-root &&
		mount --bind /tmp/ldw-unit-root/etc /tmp/ldw-unit-root/etc &&
		mount --bind /tmp/ldw-unit-root/etc/ld.so.conf.d /tmp/ldw-unit-root/etc/ld.so.conf.d'
op --user 65534 --userns bind-mount $C $C
total 1
collect
rm -f $P

scenario "a file bind-mounted onto /etc/ld.so.preload"
printf 'evil\n' >/tmp/ldw-evil.so
op creat $P
alert creation $P
op bind-mount /tmp/ldw-evil.so $P
alert --companion --type file mount $P
op umount $P
total 2
collect

# ------------------------------------------------------ not regular files

scenario "a FIFO, a character device and a directory at target places"
mkdir -p $C
for r in '' ia32-; do
	op "${r}mkfifo" $C/f$r.conf
	alert --companion --type fifo creation $C/f$r.conf
	op "${r}mknod-chr" $C/c$r.conf
	alert --companion --type char_device creation $C/c$r.conf
	op "${r}mkdir" $C/d$r.conf
	alert --companion --type dir creation $C/d$r.conf
done
op uring-mkdirat $C/d-uring.conf
alert --companion --type dir creation $C/d-uring.conf
op mkfifo $P
alert --companion --type fifo creation $P
op mknod-chr /etc/ld.so.conf
alert --companion --type char_device creation /etc/ld.so.conf
# Names the linker does not read.
op mkfifo $C/fifo
op mkdir $C/dir
no_alert "rule.id=$RULE_ID"
total 9
collect

scenario "an empty /etc/ld.so.conf.d made anew: nothing (an excluded creation)"
op mkdir $C
op ia32-mkdir /etc/ld.so.conf.d/sub
total 0
collect

# ------------------------------------------------- exclusions, judged again

scenario "a .dpkg-new renamed onto /etc/ld.so.preload: by a non-dpkg binary, by dpkg"
op creat $P.dpkg-new
op --as /tmp/dpkg rename $P.dpkg-new $P
alert --companion rename $P $P.dpkg-new
op creat $P.dpkg-new
op --as /usr/bin/dpkg rename $P.dpkg-new $P
no_alert "rule.id=$RULE_ID"
total 1
collect

scenario "a binary named java, a sed writing ld.so.conf.d/sed1.conf"
mkdir -p $C
op --as /tmp/bin/java creat $C/j.conf
alert --companion creation $C/j.conf
op --as /tmp/bin/sed creat $C/sed2.conf
alert --companion creation $C/sed2.conf
op --write x creat $C/sed1.conf
alert creation $C/sed1.conf
# GNU sed -i: its temporary sedXXXXXX (excluded by Elastic's rule, no
# .conf for the companion) renamed onto sed1.conf, whose name starts with
# "sed" too: excluded by Elastic's rule, the companion's alert.
sh_as_exe "$GNU_SED" "exec $GNU_SED -i s/x/y/ $C/sed1.conf"
alerts 1 event.action=rename 'event.type=["change"]' "file.path=$C/sed1.conf" \
	"file.Ext.original.path~$C/sed??????" "process.executable=$GNU_SED" process.name=sed \
	"process.pid=$OP_PID" "rule.id=$COMPANION_ID" "rule.version=$COMPANION_VERSION" \
	"event.risk_score=$COMPANION_RISK" "ldwatch.target.path=$C/sed1.conf" \
	'!ldwatch.target.alias' file.type=file "ldwatch.process.executable=$GNU_SED"
no_alert "rule.id=$RULE_ID" "process.executable=$GNU_SED"
total 4
collect

scenario "/etc/ld.so.cache: rewritten by any binary alerts, by ldconfig not"
C1=/etc/ld.so.cache
rm -f $C1 $C1~
op --write cache creat $C1
alert --companion creation $C1
op open-write $C1
alert --companion modification $C1
op creat $C1~
op rename $C1~ $C1
alert --companion rename $C1 $C1~
# ldconfig by its path from the host's root: excluded.
op --as /usr/sbin/ldconfig open-write $C1
op --as /usr/sbin/ldconfig creat $C1~
op --as /usr/sbin/ldconfig rename $C1~ $C1
op --as /usr/sbin/ldconfig truncate $C1
# ... but only on the cache: elsewhere, Elastic's rule knows no ldconfig.
op --as /usr/sbin/ldconfig creat $P
alert creation $P
no_alert "rule.id=$RULE_ID" "file.path=$C1"
total 4
rm -f $C1
collect

scenario "a copy of ldconfig in a chroot writing the real cache (chroot spoof)"
C1=/etc/ld.so.cache
rm -f $C1
op creat $C1
alert --companion creation $C1
# /usr/sbin/ldconfig as the chroot sees it, /tmp/c/usr/sbin/ldconfig from
# the host's root: no ldconfig. The cache reached by a directory fd opened
# before the chroot: its path is not below the process's root, and the
# process's root is not the host's.
op --as /tmp/c/usr/sbin/ldconfig --at /etc --chroot /tmp/c openat-write ld.so.cache
alert --companion --target $C1 --alias root modification $C1
total 2
rm -f $C1
collect

scenario "a target renamed onto itself: nothing"
mkdir -p $C
op creat $P
alert creation $P
op creat $C/self.conf
alert creation $C/self.conf
for call in rename ia32-rename uring-renameat2; do
	op "$call" $P $P
	op "$call" $C/self.conf $C/self.conf
	op "$call" $C $C
done
total 2
collect

# ------------------------------------------------------------- unprivileged

scenario "uid 65534 in its own user and mount namespaces mounts over its view of ld.so.conf.d"
mkdir -p $C
U=/tmp/ldw-u
rm -rf $U
mkdir -p $U
chown 65534:65534 $U
# A mount in a private namespace onto the host's ld.so.conf.d inode is a
# mount onto a host target: nobody but that namespace sees it, yet it is
# the host's directory that is covered, by someone who may not write it.
# The companion alerts it, with the alias mount_namespace.
for r in '' ia32-; do
	op --user 65534 --userns "${r}bind-mount" $U $C
	alert --companion --alias mount_namespace mount $C
	op --user 65534 --userns "${r}fsmount-tmpfs" $C u.conf
	alert --companion --alias mount_namespace mount $C
done
# Then a file made in the mounted directory, in the same namespace: on
# the user's own file system, no host target; its path as the process
# sees it matches Elastic's rule: Elastic's alert, with no host target.
# shellcheck disable=SC2016 # expanded by the inner sh
out=$(su -s /bin/sh nobody -c "exec unshare -r -m --propagation private \
	sh -c '$OPS bind-mount $U $C && exec $OPS creat $C/u.conf'" 2>"$LDW_DIR/op.stderr")
check "[$SCEN] bind mount and creation as uid 65534 in one namespace" \
	test "${out##*OP_RESULT=}" != "$out"
# The two result lines; their ids are those inside the namespace: uid
# 65534 outside.
first=${out%%"$NL"*}
second=${out#*"$NL"}
if [ "${first#OP_PID=}" != "$first" ] && [ "${second#OP_PID=}" != "$second" ]; then
	eval "$first"
	OP_UID=65534 OP_GID=65534 OP_EXE=$OPS OP_ROOT='' OP_NS=1
	alert --companion --alias mount_namespace mount $C
	eval "$second"
	OP_UID=65534 OP_GID=65534 OP_EXE=$OPS OP_ROOT='' OP_NS=1
	alert creation $C/u.conf
else
	not_ok "[$SCEN] two ldw-ops result lines (got: $out)"
	sed 's/^/#   /' "$LDW_DIR/op.stderr"
fi
no_alert "ldwatch.target.path=$C/u.conf"
total 6
rm -rf $U
collect
