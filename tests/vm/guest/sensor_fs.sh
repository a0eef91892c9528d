# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# The same rule on other file systems: ext4 (a real one, made by the host's
# mkfs.ext4 and attached through a loop device) as a chroot's root and as a
# volume mounted on /etc/ld.so.conf.d, and overlayfs as a container's root
# entered with chroot. Paths are as the acting process sees them, resolved
# against its own root and across mount points; one alert per operation,
# never a second one for overlayfs's own calls into its upper layer, and
# never a path from outside the process's root.
#
# Needs (tests/vm/run.sh packs them): --kmod loop, ext4, overlay, and the
# image at /images/ext4.img.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

IMAGE=/images/ext4.img
E4=/mnt/e4
OVL=/mnt/ovl

# setup_root DIR: a minimal root for chroot: busybox and ldw-ops (both
# static), an empty /etc.
setup_root() {
	mkdir -p "$1/bin" "$1/etc" "$1/usr/local/bin" "$1/tmp" &&
		cp /bin/busybox "$1/bin/busybox" &&
		cp "$OPS" "$1/usr/local/bin/ldw-ops"
}

# --------------------------------------------------------------------- ext4

mkdir -p $E4
if ! check "mount the ext4 image through a loop device" \
	mount -t ext4 -o loop "$IMAGE" $E4; then
	dmesg | tail -n 5
elif ! check "set up a chroot on ext4" setup_root $E4/root; then
	umount $E4
else
	mkdir -p $E4/confd

	scenario "ext4 as a chroot's root: paths as the chrooted process sees them"
	R=$E4/root
	sh_op --in $R 'echo lib > /etc/ld.so.preload'
	alert creation /etc/ld.so.preload
	op_in $R /usr/local/bin/ldw-ops creat /etc/x.tmp
	op_in $R /usr/local/bin/ldw-ops rename /etc/x.tmp /etc/ld.so.conf
	alert rename /etc/ld.so.conf /etc/x.tmp
	mkdir -p $R/etc/ld.so.conf.d/a/b
	op_in $R /usr/local/bin/ldw-ops openat2 /etc/ld.so.conf.d/e.tmp
	alert creation /etc/ld.so.conf.d/e.tmp
	op_in $R /usr/local/bin/ldw-ops renameat2 /etc/ld.so.conf.d/e.tmp /etc/ld.so.conf.d/f.conf
	alert rename /etc/ld.so.conf.d/f.conf /etc/ld.so.conf.d/e.tmp
	op_in $R /usr/local/bin/ldw-ops uring-openat /etc/ld.so.conf.d/u.conf
	alert creation /etc/ld.so.conf.d/u.conf
	op_in $R /usr/local/bin/ldw-ops mknod /etc/ld.so.conf.d/a/b/c.conf
	alert creation /etc/ld.so.conf.d/a/b/c.conf
	op_in $R /usr/local/bin/ldw-ops --user 65534 --expect EACCES creat /etc/ld.so.conf.d/n.conf
	no_alert 'file.path~/mnt/*'
	no_alert 'process.executable~/mnt/*'
	total 6
	rm -rf $R/etc/ld.so.preload $R/etc/ld.so.conf $R/etc/ld.so.conf.d
	collect

	# A volume mounted on /etc/ld.so.conf.d (as a container runtime or an
	# attacker may mount one): its files are still below /etc/ld.so.conf.d/
	# as every process sees them.
	scenario "a file system (ext4) mounted on /etc/ld.so.conf.d: files on it alert"
	mkdir -p /etc/ld.so.conf.d
	# The mount itself: no event for Elastic's rule, a mount onto a host
	# target for the companion. Once it is there, the host's ld.so.conf.d
	# is the mounted directory (found anew), and the files in it are host
	# targets.
	sh_op "exec mount --bind $E4/confd /etc/ld.so.conf.d"
	alert --companion mount /etc/ld.so.conf.d
	op creat /etc/ld.so.conf.d/e.conf
	alert creation /etc/ld.so.conf.d/e.conf
	op creat /etc/ld.so.conf.d/e.tmp
	alert creation /etc/ld.so.conf.d/e.tmp
	op rename /etc/ld.so.conf.d/e.tmp /etc/ld.so.conf.d/f.conf
	alert rename /etc/ld.so.conf.d/f.conf /etc/ld.so.conf.d/e.tmp
	mkdir -p /etc/ld.so.conf.d/a
	op creat /etc/ld.so.conf.d/a/deeper.conf
	alert creation /etc/ld.so.conf.d/a/deeper.conf
	no_alert 'file.path~/mnt/*'
	total 5
	umount /etc/ld.so.conf.d
	rm -rf "${E4:?}/confd/"*
	collect

	umount $E4
fi

# ---------------------------------------------------------------- overlayfs

mkdir -p $OVL
mount -t tmpfs ldw-ovl-layers $OVL
mkdir -p $OVL/upper $OVL/work $OVL/merged $OVL/lower/etc/ld.so.conf.d
echo old >$OVL/lower/etc/ld.so.conf
echo old >$OVL/lower/etc/ld.so.conf.d/lower.conf
M=$OVL/merged
if ! check "set up an overlay root (lower, upper, work)" setup_root $OVL/lower; then
	:
elif ! check "mount overlayfs" mount -t overlay ldw-ovl \
	-o "lowerdir=$OVL/lower,upperdir=$OVL/upper,workdir=$OVL/work" $M; then
	dmesg | tail -n 5
else
	scenario "overlayfs root (container style): one alert per operation, as the container sees it"
	sh_op --in $M 'echo lib > /etc/ld.so.preload'
	alert creation /etc/ld.so.preload
	# /etc/ld.so.conf.d exists only in the lower layer: copied up first.
	op_in $M /usr/local/bin/ldw-ops creat /etc/ld.so.conf.d/o.conf
	alert creation /etc/ld.so.conf.d/o.conf
	# Replaces a lower-layer file.
	op_in $M /usr/local/bin/ldw-ops creat /etc/new.tmp
	op_in $M /usr/local/bin/ldw-ops rename /etc/new.tmp /etc/ld.so.conf
	alert rename /etc/ld.so.conf /etc/new.tmp
	# Renames a lower-layer file: copy-up, then the rename.
	sh_op --in $M 'exec /bin/busybox mv /etc/ld.so.conf.d/lower.conf /etc/ld.so.conf.d/moved.conf'
	alert rename /etc/ld.so.conf.d/moved.conf /etc/ld.so.conf.d/lower.conf
	op_in $M /usr/local/bin/ldw-ops uring-openat /etc/ld.so.conf.d/u.conf
	alert creation /etc/ld.so.conf.d/u.conf
	no_alert 'file.path~/mnt/*'
	no_alert 'file.Ext.original.path~/mnt/*'
	no_alert 'process.executable~/mnt/*'
	total 5
	collect
	umount $M
fi
umount $OVL
