# shellcheck shell=sh
#
# ldwatch VM harness: generic smoke test, run by the guest's init with sh.
# Checks that the guest environment works and that every module packed into
# /lib/ldwatch loads and unloads without tainting the kernel beyond what an
# unsigned out-of-tree module does.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

# Taint bits an unsigned out-of-tree module sets: 'O' (4096) and 'E' (8192).
ALLOWED_TAINT=$((4096 | 8192))

check "busybox runs" busybox true
check "/proc is mounted" grep -q '^proc /proc proc ' /proc/mounts
check "/sys is mounted" test -d /sys/kernel
check "/tmp is writable" sh -c ': >/tmp/smoke.$$ && rm /tmp/smoke.$$'
check "/etc/ld.so.preload does not exist at boot" test ! -e /etc/ld.so.preload
diag "kernel $(uname -r), $(nproc) CPUs, tainted=$(cat /proc/sys/kernel/tainted)"

found=0
for ko in /lib/ldwatch/*.ko; do
	[ -e "$ko" ] || continue
	found=1
	file=${ko##*/}
	# The module name is the file name with '-' as '_', unless modinfo says.
	mod=$(modinfo -F name "$ko" 2>/dev/null)
	[ -n "$mod" ] || mod=$(printf '%s' "${file%.ko}" | tr - _)
	if check "insmod $file" insmod "$ko"; then
		check "$mod is listed in /proc/modules" grep -q "^$mod " /proc/modules
		check "rmmod $mod" rmmod "$mod"
		check_fails "$mod is gone from /proc/modules" grep -q "^$mod " /proc/modules
	else
		not_ok "rmmod $mod # not attempted, insmod failed"
	fi
done
[ "$found" -eq 1 ] || skip "insmod modules from /lib/ldwatch" "no module packed"

taint=$(cat /proc/sys/kernel/tainted)
if [ $((taint & ~ALLOWED_TAINT)) -eq 0 ]; then
	diag "tainted=$taint"
	ok "kernel not tainted beyond unsigned/out-of-tree modules"
else
	diag "tainted=$taint, unexpected bits $((taint & ~ALLOWED_TAINT))"
	not_ok "kernel not tainted beyond unsigned/out-of-tree modules"
fi
