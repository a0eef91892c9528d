# shellcheck shell=sh
#
# The default `make demo` scenario, run as root in the guest with ldwatch
# loaded and ldwatchd logging: three moves of an attacker, then look-alikes
# the rule lets pass. Each step is printed before it runs. ldw-ops performs
# one file operation by a chosen system call; copies of it at /usr/bin/dpkg
# and /tmp/dpkg play programs of those names.

step() {
	printf '\n  $ %s\n' "$1"
	printf '      %s\n' "$2"
}

for exe in /usr/bin/dpkg /tmp/dpkg; do
	rm -f "$exe"	# in the guest, /usr/bin/dpkg may be a busybox link
	cp /usr/local/bin/ldw-ops "$exe"
done
mkdir -p /etc/ld.so.conf.d

echo
echo "== The attack: each of these must raise an alert"
step "echo /tmp/libevil.so > /etc/ld.so.preload" \
	"every program started from now on loads the attacker's library"
echo /tmp/libevil.so >/etc/ld.so.preload
# Removed at once (unlinking is no event), so that the demo's own dynamically
# linked programs do not try to preload a library that does not exist.
rm /etc/ld.so.preload

step "echo /opt/evil > /etc/.x; mv /etc/.x /etc/ld.so.conf.d/x.conf" \
	"a library directory slipped in by renaming a prepared file into place"
echo /opt/evil >/etc/.x
mv /etc/.x /etc/ld.so.conf.d/x.conf

step "/tmp/dpkg creat /etc/ld.so.conf" \
	"a program that calls itself dpkg, but is not /usr/bin/dpkg"
/tmp/dpkg creat /etc/ld.so.conf >/dev/null

echo
echo "== Look-alikes the rule lets pass: no alert"
step "/usr/bin/dpkg creat /etc/ld.so.conf.d/libc.conf.dpkg-new" \
	"dpkg itself: trusted by its path"
/usr/bin/dpkg creat /etc/ld.so.conf.d/libc.conf.dpkg-new >/dev/null

step "mv /etc/ld.so.conf.d/libc.conf.dpkg-new /etc/ld.so.conf.d/libc.conf" \
	"dpkg's way of replacing a file: a .dpkg-new renamed into place"
mv /etc/ld.so.conf.d/libc.conf.dpkg-new /etc/ld.so.conf.d/libc.conf

step "echo > /etc/ld.so.conf.d/.libc.conf.swp" "an editor's swap file"
echo >/etc/ld.so.conf.d/.libc.conf.swp

step "echo > /etc/ld.so.preload.bak" "not a file the dynamic linker reads"
echo >/etc/ld.so.preload.bak

step "mkdir /etc/ld.so.conf.d/sub" "a directory, not a file"
mkdir /etc/ld.so.conf.d/sub
