# shellcheck shell=sh
#
# A `make demo` SCENARIO that the vm suite runs (tests/vm/run.sh) to show
# that a user's own attack has what it may need: the kernel's modules by
# modprobe (DEMO_KMODS) and extra programs in /usr/local/bin (DEMO_BINS).
# Run it yourself with
#
#   make demo SCENARIO=tests/demo/extras.sh DEMO_BINS=/path/to/ldw-demo-bin
#
# where ldw-demo-bin is any program that prints "ldw-demo-bin ran".

# shellcheck source-path=SCRIPTDIR source=../vm/guest-lib.sh
. /tests/lib.sh

echo
echo "== The kernel's modules, by modprobe"
check "modprobe fuse" modprobe fuse
check "fuse is a file system type" grep -qw fuse /proc/filesystems
check "/dev/fuse is there" test -c /dev/fuse
check "modprobe overlay" modprobe overlay
mkdir -p /tmp/ov/lower /tmp/ov/upper /tmp/ov/work /tmp/ov/merged
echo lower >/tmp/ov/lower/file
check "an overlay mounts" mount -t overlay overlay \
	-o lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,workdir=/tmp/ov/work /tmp/ov/merged
check "the overlay shows its lower layer" grep -qx lower /tmp/ov/merged/file
umount /tmp/ov/merged 2>/dev/null

echo
echo "== A program of DEMO_BINS, from /usr/local/bin"
out=$(ldw-demo-bin 2>&1)
echo "  $out"
check "ldw-demo-bin runs from PATH" test "$out" = "ldw-demo-bin ran"
