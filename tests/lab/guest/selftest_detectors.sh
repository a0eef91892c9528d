# shellcheck shell=sh
#
# Lab kernel self-test: commit the bug named in /tests/lab_selftest_mode
# (tests/lab/selftest/ldw_splat.c) so that the host can check that the
# kernel reports it and that the harness fails the run for it.

# shellcheck source-path=SCRIPTDIR source=lab_lib.sh
. /tests/lab_lib.sh

read -r mode </tests/lab_selftest_mode
kmsg "self-test: committing a '$mode' bug"
check "insmod ldw_splat.ko mode=$mode" insmod /lib/ldwatch-selftest/ldw_splat.ko "mode=$mode"
check "rmmod ldw_splat" rmmod ldw_splat
[ "$mode" = leak ] && kmemleak_check "self-test: leak"
# Lockdep and the atomic-sleep check report without panicking; give the
# console a moment to carry the report out.
sleep 1
