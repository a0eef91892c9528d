# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# The hooks are ftrace callbacks (module/probes.c), and function tracing is
# shared: the kernel's tracers, live patches and BPF use it too. ldwatch
# must keep watching while another user traces the very functions it
# hooks, and nobody may turn function tracing off under it with the
# kernel.ftrace_enabled sysctl, which would blind it without a word.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

SCEN="kernel.ftrace_enabled while ldwatch is loaded"
sysctl=/proc/sys/kernel/ftrace_enabled
if [ ! -e $sysctl ]; then
	skip "[$SCEN] this kernel has no $sysctl"
elif (echo 0 >$sysctl) 2>/dev/null; then
	not_ok "[$SCEN] turning it off fails (it succeeded)"
	echo 1 >$sysctl
else
	ok "[$SCEN] turning it off fails"
	check "[$SCEN] it stays 1" grep -qx 1 $sysctl
fi

T=/sys/kernel/tracing
hooked='security_path_mknod security_path_rename security_d_instantiate'
scenario "the function tracer traces the hooked functions meanwhile"
if [ ! -w $T/set_ftrace_filter ] || ! grep -qw function $T/available_tracers; then
	skip "[$SCEN] no function tracer in $T"
else
	mkdir -p /etc/ld.so.conf.d
	# shellcheck disable=SC2086 # one function per word
	check "[$SCEN] filter the tracer to the hooked functions" \
		sh -c "echo $hooked >$T/set_ftrace_filter"
	: >$T/trace
	check "[$SCEN] start the function tracer" sh -c "echo function >$T/current_tracer"
	op creat /etc/ld.so.preload
	alert creation /etc/ld.so.preload
	op creat /etc/lib.tmp
	op rename /etc/lib.tmp /etc/ld.so.conf.d/lib.conf
	alert rename /etc/ld.so.conf.d/lib.conf /etc/lib.tmp
	total 2
	collect
	check "[$SCEN] the tracer saw the creation too" grep -q security_path_mknod $T/trace
	check "[$SCEN] and the rename" grep -q security_path_rename $T/trace
	echo nop >$T/current_tracer
	: >$T/set_ftrace_filter
fi
