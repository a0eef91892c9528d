# shellcheck shell=sh
#
# The default `make demo` scenario, run as root in the guest.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

echo
echo "== Loading ldwatch. The module reports the rule it evaluates:"
check "insmod ldwatch.ko" insmod /lib/ldwatch/ldwatch.ko
dmesg | sed -n 's/^\[[^]]*\] \(ldwatch: \)/  \1/p'

echo
echo "== The same matcher in userspace, judging sample ECS events"
echo "   (ldwatchctl match --explain < /demo/events.ndjson):"
ldwatchctl match --explain </demo/events.ndjson | sed 's/^/  /'
echo
echo "== Only the events the rule alerts on (ldwatchctl match):"
ldwatchctl match </demo/events.ndjson | tee /demo/alerts.ndjson | sed 's/^/  /'
check "ldwatchctl match ran" test -s /demo/alerts.ndjson

echo
check "rmmod ldwatch" rmmod ldwatch
