#!/bin/sh
# shellcheck shell=sh
#
# ldwatch VM harness: the guest's /init (PID 1), run by busybox sh.
#
# Mounts the pseudo file systems, loads the result channel's drivers and the
# distribution kernel modules that run-vm.sh packed (--kmod), runs every
# script listed in /tests/.order with `sh`, each in its own session with a
# timeout, and powers the machine off.
#
# Channels:
#   /dev/console (ttyS0)  kernel log, init's messages, the scripts' stdout/stderr
#   /dev/hvc0             results (a virtio console; run-vm.sh packs
#                         virtio_pci and virtio_console where they are
#                         modules): `ok - ...` / `not ok - ...` lines written by
#                         /tests/lib.sh, plus init's markers:
#                           init-start RELEASE UPTIME
#                           script-start NAME
#                           script-timeout NAME SECONDS
#                           script-exit NAME RC
#                           init-done UPTIME
#                         Every marker is preceded by an empty line so that a
#                         script's unterminated last line cannot swallow it.
#
# PID 1 must never exit (the kernel would panic), so every step tolerates
# failure and the end is poweroff, then fallbacks, then an endless sleep.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
TERM=dumb
export PATH HOME TERM

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
# The kernel opened /dev/console before devtmpfs existed only if the
# initramfs carried the node; make sure init's stdio is the console.
exec </dev/console >/dev/console 2>&1

mkdir -p /dev/pts /dev/shm /tmp /run /root
# What udev would add: the standard streams by name.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing 2>/dev/null
mount -t securityfs -o nosuid,nodev,noexec securityfs /sys/kernel/security 2>/dev/null
hostname ldwatch-vm

# Written by run-vm.sh: LDW_RELEASE, LDW_SCRIPT_TIMEOUT.
LDW_RELEASE=unknown
LDW_SCRIPT_TIMEOUT=120
# shellcheck source=/dev/null
[ -r /tests/.config ] && . /tests/.config

# The result channel's drivers, where the kernel has them as modules
# (dependencies first); then wait until the console opens. virtio_console
# adds its ports from a work item after the probe: /dev/hvc0 can exist and
# still refuse an open with ENODEV for a while (seen on 6.1-rt).
if [ -r /lib/modules/ldwatch-channel.order ]; then
	while IFS= read -r rel; do
		[ -n "$rel" ] || continue
		out=$(insmod "/lib/modules/$LDW_RELEASE/${rel#'? '}" 2>&1) ||
			echo "ldwatch-vm: result channel: insmod $rel failed: $out" >/dev/kmsg
	done </lib/modules/ldwatch-channel.order
fi
LDW_RESULTS=/dev/hvc0
# channel_opens: the node is there (a character device: an open with >>
# before it exists would make a plain file in its place) and opens.
channel_opens() {
	[ -c "$LDW_RESULTS" ] && (: >>"$LDW_RESULTS") 2>/dev/null
}
_i=0
until channel_opens || [ "$_i" -ge 200 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
if ! channel_opens; then
	# The host reads nothing then, and says the boot never completed.
	echo "ldwatch-vm: no result channel: $LDW_RESULTS does not open" >/dev/kmsg
	LDW_RESULTS=/dev/null
fi
export LDW_RESULTS LDW_RELEASE

# Hold the result port open for the whole run: a tty's last close can be
# interrupted by a signal while it waits for output still buffered, and that
# output is then lost (seen once on the UART this channel replaced, as a
# script's exit marker that never arrived). With one more opener, no
# emit() is ever the last close. It also keeps the mode set below: the hvc
# driver resets a tty's termios at its last close (TTY_DRIVER_RESET_TERMIOS).
# (A failed redirection of exec would end this shell: PID 1.)
if [ "$LDW_RESULTS" = /dev/null ] || channel_opens; then
	exec 9>>"$LDW_RESULTS"
fi
# Raw mode: no \n -> \r\n, no echo, no flow control. (No clocal: hvc has no
# modem lines and keeps c_cflag as it is, which stty would call a failure.)
if [ -c "$LDW_RESULTS" ] && ! stty -F "$LDW_RESULTS" raw -echo -ixon 2>/dev/null; then
	echo "ldwatch-vm: warning: stty on $LDW_RESULTS failed"
fi

# emit LINE: one line on the result channel. A write on the virtio console
# returns once qemu has taken the bytes (put_chars waits for the host), so
# nothing is left in the guest after it. A write the port refuses (printf
# fails) is made again, up to 5 times, and noted in the kernel log: a lost
# marker reads on the host as a script that never ended. The host ignores
# the repeated blank line.
emit() {
	_emit_try=1
	until printf '\n%s\n' "$*" >>"$LDW_RESULTS"; do
		echo "ldwatch-vm: result port refused a write (try $_emit_try): $*" >/dev/kmsg
		[ "$_emit_try" -lt 5 ] || return 0
		_emit_try=$((_emit_try + 1))
		sleep 0.1
	done
}

# kmsg MESSAGE: into the kernel log, so that it is timestamped on the console.
kmsg() {
	echo "ldwatch-vm: $*" >/dev/kmsg 2>/dev/null || echo "ldwatch-vm: $*"
}

uptime_s() {
	read -r up _ </proc/uptime 2>/dev/null || up='?'
	echo "$up"
}

emit "init-start $(uname -r) $(uptime_s)"
kmsg "init started, kernel $(uname -r), tainted=$(cat /proc/sys/kernel/tainted)"

# Distribution kernel modules packed with --kmod, dependencies first. A line
# "? PATH" is a soft dependency: it may fail to load (wrong CPU, say).
if [ -r /lib/modules/ldwatch-kmods.order ]; then
	while IFS= read -r rel; do
		[ -n "$rel" ] || continue
		optional=no
		case $rel in
		'? '*) optional=yes; rel=${rel#'? '} ;;
		esac
		name=${rel##*/}
		name=${name%.ko}
		if out=$(insmod "/lib/modules/$LDW_RELEASE/$rel" 2>&1); then
			[ "$optional" = yes ] || emit "ok - load distribution module $name"
		elif [ "$optional" = yes ]; then
			kmsg "optional module $name did not load (ignored): $out"
		else
			echo "$out"
			emit "not ok - load distribution module $name"
		fi
	done </lib/modules/ldwatch-kmods.order
fi

# run_script NAME: run /tests/NAME with sh in a new session (so that a
# timeout and the clean-up afterwards reach everything it started), with a
# watchdog; returns its exit status.
run_script() {
	# Not a process-group leader in a non-interactive shell, so setsid
	# calls setsid() and execs without forking: $! is the session id.
	(cd /tmp && exec setsid sh "/tests/$1") </dev/null &
	spid=$!
	# Watchdog in its own session, so that it can be cancelled whole.
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid sh -c '
		sleep "$1"
		printf "\nscript-timeout %s %s\n" "$2" "$1" >>"$4"
		echo "ldwatch-vm: script $2 timed out after $1 s, killing it" >/dev/kmsg
		kill -TERM -"$3" 2>/dev/null
		sleep 5
		kill -KILL -"$3" 2>/dev/null
	' watchdog "$LDW_SCRIPT_TIMEOUT" "$1" "$spid" "$LDW_RESULTS" </dev/null &
	wpid=$!
	wait "$spid"
	src=$?
	kill -TERM -"$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	# Leftovers of the script (background jobs, daemons that did not
	# detach into a session of their own).
	kill -KILL -"$spid" 2>/dev/null
	return "$src"
}

if [ -r /tests/.order ]; then
	while IFS= read -r name; do
		[ -n "$name" ] || continue
		kmsg "running $name"
		emit "script-start $name"
		run_script "$name"
		rc=$?
		emit "script-exit $name $rc"
		kmsg "$name exited $rc, tainted=$(cat /proc/sys/kernel/tainted)"
	done </tests/.order
fi

kmsg "all scripts done, powering off"
emit "init-done $(uptime_s)"
sync

poweroff -f
# Fallbacks: qemu's isa-debug-exit (qemu exits with (0x10 << 1) | 1 = 33),
# then sysrq. PID 1 must not return.
sleep 2
printf '\020' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
sleep 2
echo o >/proc/sysrq-trigger 2>/dev/null
while :; do
	sleep 3600
done
