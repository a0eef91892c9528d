# shellcheck shell=sh
#
# `make demo`, first guest script: load ldwatch and start ldwatchd, which
# writes its JSON lines to /run/ldw/alerts.ndjson and keeps running for the
# scenario that follows.

# shellcheck source-path=SCRIPTDIR source=../vm/guest/sensor_lib.sh
. /tests/sensor_lib.sh

echo
echo "== Loading ldwatch and starting ldwatchd --output $ALERTS"
sensor_start || exit 1
dmesg | sed -n 's/^\[[^]]*\] \(ldwatch: \)/  \1/p' | head -n 3
echo "  ..."
