# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# Nobody blinds capture (issue 14): what an attacker does to make an
# alert about the host's targets vanish, lose its evidence or name
# another program, each followed by the operation it would hide.
#
# What each must give comes from the protocol (include/ldwatch/netlink.h)
# and the rule texts, not from the code:
#  - a path longer than PATH_MAX is sent cut to its tail: "..." and the
#    longest tail of the path that starts with '/' and fits PATH_MAX - 1
#    bytes with the mark; ldwatch.truncated names the fields so cut;
#  - process.executable is the executable from the process's root, as
#    Elastic's sensor names it; ldwatch.process.executable, the companion
#    rule's, is the host's path of the very same file, or absent where the
#    host reaches no such file by that path or the process replaced its
#    executable link (prctl PR_SET_MM_EXE_FILE): then no package
#    manager's exclusion applies, and ldwatch.process.executable_replaced
#    is true; ldwatch.process.host_root / host_mount_namespace say whether
#    the process sees the host as pid 1 does;
#  - a core dump that creates a target is a creation by the dumping
#    process;
#  - (capture's slots held open by a FUSE server: sensor_slots.sh, with a
#    module load of its own, as its drops are by design).

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

C=/etc/ld.so.conf.d
P=/etc/ld.so.preload
PATH_MAX=4096
MARK=...

# cut_path PATH: what an alert carries for PATH if it is longer than
# PATH_MAX - 1 bytes, into CUT: the mark, then PATH's longest tail from a
# '/' on that fits with it.
cut_path() {
	CUT=$1
	while [ $((${#CUT} + ${#MARK})) -gt $((PATH_MAX - 1)) ]; do
		CUT=/${CUT#/*/}
	done
	CUT=$MARK$CUT
}

# --------------------------------------------------------------- long paths

# A tree under /etc (one file system with the targets, for a rename), 25
# directories of 200 bytes each, one in the other: deeper than PATH_MAX.
# No path to its depths fits a system call (busybox's cd refuses it too):
# it is grown from the top, a short path moved into a new directory each
# time, and reached through two symbolic links that each go half way.
DEEP=/etc/ldw-deep
LEVELS=25
NAME200=$(printf '%0200d' 0)
rm -rf $DEEP
mkdir -p $DEEP/cur
cp "$OPS" $DEEP/cur/ldw-ops
printf 'deep\n' >$DEEP/cur/deep.conf
i=0 half='' rest=''
while [ $i -lt $LEVELS ]; do
	if ! { mkdir $DEEP/next && mv $DEEP/cur "$DEEP/next/$NAME200" &&
		mv $DEEP/next $DEEP/cur; }; then
		break
	fi
	if [ $i -lt $((LEVELS / 2)) ]; then
		half=$half/$NAME200
	else
		rest=$rest/$NAME200
	fi
	i=$((i + 1))
done
check "made a tree $LEVELS directories deep under $DEEP" test $i -eq $LEVELS
ln -s "cur$half" $DEEP/half
ln -s "half$rest" $DEEP/bottom
check "its bottom is reached through two symbolic links" test -x $DEEP/bottom/ldw-ops
DEEP_PATH=$DEEP/cur$half$rest

scenario "an executable deeper than PATH_MAX: the alert comes, its executable cut"
mkdir -p $C
cut_path "$DEEP_PATH/ldw-ops"
DEEP_EXE=$CUT
op --as $DEEP/bottom/ldw-ops creat $C/deep-exe.conf
OP_EXE=$DEEP_EXE OP_HOST_EXE=$DEEP_EXE
alert --truncated '["process.executable","ldwatch.process.executable"]' \
	creation $C/deep-exe.conf "process.name=ldw-ops"
total 1
collect

scenario "a rename from deeper than PATH_MAX onto ld.so.conf.d: the alert comes, its source cut"
mkdir -p $C
cut_path "$DEEP_PATH/deep.conf"
DEEP_SRC=$CUT
op rename $DEEP/bottom/deep.conf $C/deep-src.conf
alert --truncated '["file.Ext.original.path"]' rename $C/deep-src.conf "$DEEP_SRC"
no_alert 'ldwatch.raw.file.Ext.original.path:string'
total 1
collect
# Taken down as it was grown: no path to its depths fits rm's calls.
while [ -d "$DEEP/cur/$NAME200" ]; do
	if ! { mv "$DEEP/cur/$NAME200" $DEEP/up && rm -rf $DEEP/cur &&
		mv $DEEP/up $DEEP/cur; }; then
		break
	fi
done
rm -rf $DEEP
check "the deep tree is gone" test ! -e $DEEP

# ------------------------------------------------------ executables borrowed

# The host's own "dpkg": what the rules exclude by its path.
for exe in /usr/bin/dpkg /tmp/c/usr/bin/dpkg; do
	mkdir -p "${exe%/*}"
	rm -f "$exe"
	cp "$OPS" "$exe"
done

scenario "a copy of dpkg run from a directory it then chroots to: Elastic's rule excludes it, the companion does not"
mkdir -p $C
# Elastic's view: /usr/bin/dpkg from its root, excluded; the host's:
# /tmp/c/usr/bin/dpkg, no package manager. The file reached by a
# directory fd opened before the chroot.
op --as /tmp/c/usr/bin/dpkg --at $C --chroot /tmp/c openat spoof-chroot.conf
alert --companion --alias root creation $C/spoof-chroot.conf
no_alert "rule.id=$RULE_ID"
total 1
collect

# ns_result WHAT: the result line in $out of an ldw-ops copy run in a
# namespace by hand: sets OP_*, and checks it succeeded.
ns_result() {
	OP_RESULT=''
	case $out in
	OP_PID=*) eval "$out" ;;
	esac
	if [ "$OP_RESULT" = ok ]; then
		ok "[$SCEN] $1"
	else
		not_ok "[$SCEN] $1 (got: $out)"
		sed 's/^/#   /' "$LDW_DIR/op.stderr"
	fi
}

scenario "dpkg from a tmpfs over /usr/bin in a private mount namespace: not the host's dpkg"
mkdir -p $C
# Inside, /usr/bin/dpkg is another file; the host reaches its own dpkg by
# that path, not this one: no ldwatch.process.executable.
out=$(unshare -m --propagation private /bin/busybox sh -c "
	/bin/busybox mount -t tmpfs ldw-usrbin /usr/bin &&
	/bin/busybox cp $OPS /usr/bin/dpkg &&
	exec /usr/bin/dpkg -e creat $C/spoof-ns.conf" 2>"$LDW_DIR/op.stderr")
ns_result "the copy of dpkg created the file in its namespace"
OP_EXE=/usr/bin/dpkg OP_HOST_EXE='' OP_ROOT='' OP_NS=1
alert --companion --alias mount_namespace --host-exe '' creation $C/spoof-ns.conf
no_alert "rule.id=$RULE_ID"
total 1
collect

scenario "the host's dpkg in a private mount namespace: still the host's dpkg"
mkdir -p $C
out=$(unshare -m --propagation private /usr/bin/dpkg -e creat $C/ns-dpkg.conf \
	2>"$LDW_DIR/op.stderr")
ns_result "the host's dpkg created the file in its namespace"
# Both rules exclude it: the host reaches this very file as /usr/bin/dpkg.
no_alert "file.path=$C/ns-dpkg.conf"
total 0
collect

EXELINK=/usr/local/bin/ldw-exelink
if [ -x $EXELINK ]; then
	scenario "a process that makes its executable link /usr/bin/dpkg (prctl PR_SET_MM_EXE_FILE)"
	mkdir -p $C
	op_run /usr/bin/dpkg $EXELINK /usr/bin/dpkg creat $C/exelink.conf
	OP_HOST_EXE='' OP_ROOT='' OP_NS=''
	# Elastic's rule sees /usr/bin/dpkg and excludes it; the companion
	# sees a replaced link and vouches for nothing.
	alert --companion --exe-replaced creation $C/exelink.conf
	no_alert "rule.id=$RULE_ID"
	total 1
	collect
else
	skip "ldw-exelink is not in the guest ($EXELINK)"
fi
rm -rf /tmp/c

# ---------------------------------------------------------------- core dump

scenario "a core dump onto /etc/ld.so.preload (core_pattern): a creation by the dumping process"
old_pattern=$(cat /proc/sys/kernel/core_pattern)
rm -f $P
echo $P >/proc/sys/kernel/core_pattern
# The shell dumps core itself: its pid is the acting process's.
out=$(sh -c 'echo "$$ $PPID"; ulimit -c unlimited; kill -SEGV $$' 2>/dev/null)
printf '%s\n' "$old_pattern" >/proc/sys/kernel/core_pattern
OP_PID=${out% *} OP_PPID=${out#* } OP_TID=${out% *} OP_UID=0 OP_GID=0
OP_EXE=/bin/busybox OP_HOST_EXE=/bin/busybox OP_ROOT='' OP_NS=''
check "[$SCEN] the core file was written" test -s $P
alert creation $P
total 1
collect
rm -f $P

# ------------------------------------------------------- lookups meanwhile

scenario "lookups flooding ld.so.conf.d as uid 65534 meanwhile: every rename judged, none dropped as busy"
# On PREEMPT_RT a dentry's lock is a sleeping lock, which capture may only
# try: every lookup of a name takes it for a moment.
mkdir -p $C
op creat $C/a.conf
alert creation $C/a.conf
status_json "$LDW_DIR/status.before" || not_ok "[$SCEN] ldwatchctl status --json"
busy_before=$("$EXPECT" get "$LDW_DIR/status.before" dropped.busy 1 2>/dev/null || echo 0)
FLOODERS=''
# Opens of the directory, as fast as a process can: each takes its
# dentry's lock to pin it at the end of the walk.
for _ in 1 2; do
	$OPS --user 65534 --repeat 1000000000 --flags rdonly open $C >/dev/null 2>&1 &
	FLOODERS="$FLOODERS $!"
done
ROUNDS=100
op --repeat $((2 * ROUNDS)) rename $C/a.conf $C/b.conf
# shellcheck disable=SC2086 # one pid a word
kill $FLOODERS
wait 2>/dev/null
alerts $((2 * ROUNDS)) event.action=rename "process.pid=$OP_PID"
total $((2 * ROUNDS + 1))
collect
status_json "$LDW_DIR/status.after" || not_ok "[$SCEN] ldwatchctl status --json"
busy_after=$("$EXPECT" get "$LDW_DIR/status.after" dropped.busy 1 2>/dev/null || echo 0)
check "[$SCEN] nothing dropped as busy ($busy_before before, $busy_after after)" \
	test "$busy_after" = "$busy_before"
