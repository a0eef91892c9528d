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
#  - operations others hold open (a FUSE server that never answers) cannot
#    take the capacity that operations on the host's targets need.

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
DEEP=/etc/ldw-deep
NAME200=$(printf '%0200d' 0)
rm -rf $DEEP
mkdir -p $DEEP
# in_deep COMMAND...: run COMMAND in the tree's deepest directory.
in_deep() {
	(
		cd $DEEP || exit 1
		_id=0
		while [ $_id -lt 25 ]; do
			cd "$NAME200" || exit 1
			_id=$((_id + 1))
		done
		"$@"
	)
}
DEEP_PATH=$DEEP
i=0
while [ $i -lt 25 ]; do
	DEEP_PATH=$DEEP_PATH/$NAME200
	i=$((i + 1))
done
# shellcheck disable=SC2016 # expanded by that shell
check "made a tree deeper than PATH_MAX under $DEEP" sh -c '
	cd "$1" && i=0 && while [ $i -lt 25 ]; do
		mkdir "$2" && cd "$2" || exit 1
		i=$((i + 1))
	done && cp "$3" ldw-ops && printf "deep\n" >deep.conf' sh $DEEP "$NAME200" "$OPS"

# deep_op EXE COMMAND...: op_run for COMMAND run in the deep directory, as
# EXE (process.executable); from the host's root, in its namespace.
deep_op() {
	_do_exe=$1
	shift
	OP_PID=''
	_do_out=$(in_deep "$@" 2>"$LDW_DIR/op.stderr") ||
		{ not_ok "[$SCEN] $* in the deep directory"; sed 's/^/#   /' "$LDW_DIR/op.stderr"; }
	case $_do_out in
	OP_PID=*) eval "$_do_out" ;;
	*) diag "ldw-ops printed no result line: $_do_out" ;;
	esac
	OP_EXE=$_do_exe OP_HOST_EXE=$_do_exe OP_ROOT='' OP_NS=''
}

scenario "an executable deeper than PATH_MAX: the alert comes, its executable cut"
mkdir -p $C
cut_path "$DEEP_PATH/ldw-ops"
DEEP_EXE=$CUT
# Run from inside the tree: no path to it fits an execve().
deep_op "$DEEP_EXE" ./ldw-ops -e creat $C/deep-exe.conf
alert --truncated '["process.executable","ldwatch.process.executable"]' \
	creation $C/deep-exe.conf "process.name=ldw-ops"
total 1
collect

scenario "a rename from deeper than PATH_MAX onto ld.so.conf.d: the alert comes, its source cut"
mkdir -p $C
cut_path "$DEEP_PATH/deep.conf"
DEEP_SRC=$CUT
deep_op "$OPS" "$OPS" -e rename deep.conf $C/deep-src.conf
OP_HOST_EXE=$OPS
alert --truncated '["file.Ext.original.path"]' rename $C/deep-src.conf "$DEEP_SRC"
no_alert 'ldwatch.raw.file.Ext.original.path:string'
total 1
collect
rm -rf $DEEP

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
