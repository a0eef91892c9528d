# shellcheck shell=sh
#
# Harness self-test, not a test of ldwatch: the emulated machine must patch
# kernel text the way real CPUs do, or a crash in any guest test that loads
# the module (its hooks are patched in and out while other CPUs run the
# hooked functions) would say nothing about ldwatch. Turn the function
# tracer on and off for every function, as ftrace's own self-tests do, while
# both CPUs make system calls. qemu's multi-threaded TCG crashed Debian's
# 6.12 kernel this way within two toggles in each of four tries (a stray
# int3 or a torn instruction); tests/vm/run-vm.sh runs the guest CPUs on one
# host thread so that it does not. A crash here fails the run.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

TRACING=/sys/kernel/tracing
TOGGLES=2
STOP=/run/text-patching.stop

if [ ! -e "$TRACING/current_tracer" ]; then
	mount -t tracefs nodev "$TRACING" 2>/dev/null
fi
if [ ! -w "$TRACING/current_tracer" ] || ! grep -qw function "$TRACING/available_tracers"; then
	skip "the function tracer toggles under load" "no function tracer in $(uname -r)"
	exit 0
fi

# Each spinner creates a file and runs rm on it, over and over: forks,
# execs and VFS calls on both CPUs all the time.
spin() {
	while [ ! -e "$STOP" ]; do
		: >"/tmp/text-patching.$1"
		rm -f "/tmp/text-patching.$1"
	done
}
rm -f "$STOP"
spin a &
spin_a=$!
spin b &
spin_b=$!

: >"$TRACING/set_ftrace_filter"
n=0
while [ $n -lt $TOGGLES ]; do
	echo function >"$TRACING/current_tracer" || break
	echo nop >"$TRACING/current_tracer" || break
	n=$((n + 1))
done
touch "$STOP"
wait "$spin_a" "$spin_b"
rm -f /tmp/text-patching.*
check "the function tracer went on and off for every function $TOGGLES times while both CPUs made system calls ($n times)" \
	test "$n" -eq "$TOGGLES"
