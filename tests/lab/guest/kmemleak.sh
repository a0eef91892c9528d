# shellcheck shell=sh
#
# Lab kernel, after the sensor scenarios: ldwatch is unloaded (sensor_stop.sh
# did it; done here if that failed), then kmemleak looks for what the
# scenarios leaked. Any leak fails (see kmemleak_check in lab_lib.sh).

# shellcheck source-path=SCRIPTDIR source=lab_lib.sh
. /tests/lab_lib.sh

if grep -q '^ldwatch ' /proc/modules; then
	diag "ldwatch is still loaded after the scenarios; unloading it"
	pkill -TERM -x ldwatchd 2>/dev/null
	sleep 1
	check "rmmod ldwatch" rmmod ldwatch
fi
check_fails "ldwatch is unloaded before the leak scan" grep -q '^ldwatch ' /proc/modules
kmemleak_check "after the sensor scenarios"
