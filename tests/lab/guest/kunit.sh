# shellcheck shell=sh
#
# Lab kernel: the KUnit test modules (built from kunit/, packed into
# /lib/ldwatch-kunit/) run when loaded and print KTAP to the kernel log. The
# host parses it (tests/lab/run.sh with kunit.py parse) between the markers
# written here:
#     ldwatch-lab: ktap-begin NAME   /   ldwatch-lab: ktap-end NAME
# Here: each module loads (after ldwatch.ko when it depends on it) and
# unloads; then kmemleak. Runs last of the boot: a KUnit module taints the
# kernel (TAINT_TEST), which the earlier scripts' taint checks would see.

# shellcheck source-path=SCRIPTDIR source=lab_lib.sh
. /tests/lab_lib.sh

found=0
for ko in /lib/ldwatch-kunit/*.ko; do
	[ -e "$ko" ] || continue
	found=1
	file=${ko##*/}
	mod=$(modinfo -F name "$ko" 2>/dev/null)
	[ -n "$mod" ] || mod=$(printf '%s' "${file%.ko}" | tr - _)
	deps=$(modinfo -F depends "$ko" 2>/dev/null)
	loaded_ldwatch=0
	case ",$deps," in
	*,ldwatch,*)
		if ! grep -q '^ldwatch ' /proc/modules; then
			check "[$file] insmod ldwatch.ko first (a dependency)" \
				insmod /lib/ldwatch/ldwatch.ko || continue
			loaded_ldwatch=1
		fi
		;;
	esac
	kmsg "ktap-begin $mod"
	check "[$file] insmod (its suites run)" insmod "$ko"
	rc=$?
	kmsg "ktap-end $mod"
	[ $rc -eq 0 ] && check "[$file] rmmod $mod" rmmod "$mod"
	[ $loaded_ldwatch -eq 1 ] && check "[$file] rmmod ldwatch afterwards" rmmod ldwatch
done
if [ $found -eq 0 ]; then
	not_ok "a KUnit test module is packed in /lib/ldwatch-kunit"
	exit 1
fi
kmemleak_check "after the KUnit suites"
