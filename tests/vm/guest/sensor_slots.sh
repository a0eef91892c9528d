# shellcheck shell=sh
#
# Capture's slots held open (issue 14): uid 65534 holds 64 creations of
# ld.so.preload in a FUSE file system of its own whose server never
# answers; root's operations on the host's targets must still be alerted,
# complete, within a second. The attacker's candidates beyond its share
# are dropped (no_slot): by design, so this runs with a module load and an
# ldwatchd of its own, after the shared sensor's whole-run checks.
#
# From module/capture.c's documented policy, not its code: a quarter of the
# 64 slots is kept for operations on the host's targets, and no user holds
# more than a quarter of the rest.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh

KO=/lib/ldwatch/ldwatch.ko
C=/etc/ld.so.conf.d
P=/etc/ld.so.preload
SLOTS=64
SHARE=$((SLOTS / 4))
FUSE_HANG=/usr/local/bin/ldw-fuse-hang

fresh_start
mkdir -p "$LDW_DIR"
DAEMON_PID=

# The FUSE attack and root's operations; the module and ldwatchd are up.
fuse_attack() {
	mkdir -p $C
	FDIR=/tmp/ldw-fuse
	rm -rf $FDIR
	mkdir -p $FDIR
	chown 65534:65534 $FDIR
	# The guest's bare devtmpfs makes /dev/fuse root's alone.
	chmod 0666 /dev/fuse
	su -s /bin/sh nobody -c "exec $FUSE_HANG --threads $SLOTS $FDIR" >"$LDW_DIR/fuse.out" \
		2>"$LDW_DIR/fuse.err" &
	FUSE_PID=$!
	t=0
	while ! grep -q '^FUSE_HANG_READY' "$LDW_DIR/fuse.out" && [ $t -lt 300 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if ! check "[$SCEN] $SLOTS creations are held in the FUSE server" \
		grep -qx "FUSE_HANG_READY $SLOTS" "$LDW_DIR/fuse.out"; then
		sed 's/^/#   /' "$LDW_DIR/fuse.err"
		kill "$FUSE_PID" 2>/dev/null
		return
	fi
	# Root's operations on the host's targets: the attacker's held slots
	# are not theirs to take.
	op creat $P
	check "[$SCEN] root's creation of $P is written within $LATENCY_S s" \
		"$EXPECT" wait "$ALERTS" --path $P --timeout "$LATENCY_S"
	CREAT_PID=$OP_PID
	op creat /etc/ldw-fuse.tmp
	op rename /etc/ldw-fuse.tmp $C/fuse.conf
	check "[$SCEN] root's rename onto $C/fuse.conf is written within $LATENCY_S s" \
		"$EXPECT" wait "$ALERTS" --path $C/fuse.conf --timeout "$LATENCY_S"
	status_json "$LDW_DIR/status.fuse" || not_ok "[$SCEN] ldwatchctl status --json"
	dropped=$("$EXPECT" get "$LDW_DIR/status.fuse" dropped.no_slot 1 2>/dev/null || echo 0)
	check "[$SCEN] the attacker's candidates beyond its share were dropped as no_slot ($dropped, at least $((SLOTS - SHARE)))" \
		test "$dropped" -ge $((SLOTS - SHARE))
	kill "$FUSE_PID" 2>/dev/null
	wait "$FUSE_PID" 2>/dev/null
	run_expect check "$ALERTS" --name "[$SCEN]" \
		--desc "root's creation of $P, complete" \
		--exactly 1 event.action=creation "file.path=$P" "process.pid=$CREAT_PID" \
		user.id=0 "process.executable=$OPS" "ldwatch.target.path=$P" \
		--desc "root's rename onto $C/fuse.conf, complete" \
		--exactly 1 event.action=rename "file.path=$C/fuse.conf" \
		"file.Ext.original.path=/etc/ldw-fuse.tmp" "process.pid=$OP_PID" user.id=0 \
		"ldwatch.target.path=$C/fuse.conf" \
		--desc "no alert by the attacker (its creations never happened)" \
		--none user.id=65534
	rm -rf $FDIR /etc/ldw-fuse.tmp
}

scenario "uid 65534 holds $SLOTS creations of ld.so.preload in a FUSE file system that never answers; root's alerts still come at once"
if [ ! -x $FUSE_HANG ] || ! { modprobe fuse 2>/dev/null || grep -qw fuse /proc/filesystems; }; then
	skip "[$SCEN] no ldw-fuse-hang ($FUSE_HANG) or no FUSE in this kernel"
elif check "[$SCEN] insmod ldwatch.ko rate_limit_alerts=0" \
	insmod "$KO" rate_limit_alerts=0 ${LDW_HOOK_ARG:+"$LDW_HOOK_ARG"}; then
	if daemon_start "$LDW_DIR/slots.ndjson"; then
		fuse_attack
		unload_module "rmmod ldwatch" 15
	else
		rmmod ldwatch
	fi
	daemon_stop
fi
cleanup_targets
scenario_took
