# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# Only an administrator receives alerts. ldw-listen tries every way in as
# uid 65534 (join the "alerts" multicast group, LDW_CMD_SUBSCRIBE,
# LDW_CMD_GET_STATUS) while an alert is sent, and must receive nothing.
# The control: the same program as root does receive it, so "nothing"
# is not the program's own blindness.
#
# Joining the group: the module offers it with a capability flag where the
# kernel supports one (6.1.192's backport and 6.12 both do), so joining
# fails with EPERM when alerts are multicast. When the module delivers by
# unicast instead (the reply to GET_STATUS says), alerts never go to the
# group, and only "received nothing" and the EPERMs on the commands count.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

# listen NAME [LDW-LISTEN OPTION]...: start ldw-listen, create a target
# file once it listens, wait for ldwatchd to log that alert (the alert has
# then been sent), tell ldw-listen to stop, and set LS_* from its report.
listen() {
	_li_name=$1
	shift
	rm -f /tmp/ldw-listen.ready /tmp/ldw-listen.stop
	ldw-listen --ready /tmp/ldw-listen.ready --until /tmp/ldw-listen.stop \
		--listen 20000 "$@" >"$LDW_DIR/listen.out" 2>"$LDW_DIR/listen.stderr" &
	_li_pid=$!
	_li_i=0
	while [ ! -e /tmp/ldw-listen.ready ] && [ "$_li_i" -lt 100 ]; do
		sleep 0.1
		_li_i=$((_li_i + 1))
	done
	scenario "$_li_name"
	mkdir -p /etc/ld.so.conf.d
	op creat /etc/ld.so.conf.d/listen.conf
	alert creation /etc/ld.so.conf.d/listen.conf
	total 1
	collect
	: >/tmp/ldw-listen.stop
	wait "$_li_pid"
	LS_DELIVERY='' LS_JOIN='' LS_SUBSCRIBE='' LS_STATUS='' LS_ALERTS=''
	_li_out=$(cat "$LDW_DIR/listen.out")
	case $_li_out in
	LS_DELIVERY=*) eval "$_li_out" ;;
	*)
		not_ok "[$SCEN] ldw-listen reported"
		sed 's/^/#   /' "$LDW_DIR/listen.stderr"
		return 1
		;;
	esac
	diag "ldw-listen $*: $_li_out"
}

# expect_value DESC VALUE WANT...: ok if VALUE is one of WANT.
expect_value() {
	_ev_desc=$1 _ev_value=$2
	shift 2
	for _ev_want in "$@"; do
		if [ "$_ev_value" = "$_ev_want" ]; then
			ok "[$SCEN] $_ev_desc ($_ev_value)"
			return 0
		fi
	done
	not_ok "[$SCEN] $_ev_desc (got $_ev_value, want $*)"
}

if listen "root receives the alert (control)" --alerts 1; then
	expect_value "the module reports its delivery mode" "$LS_DELIVERY" multicast unicast
	if [ "$LS_DELIVERY" = multicast ]; then
		expect_value "root joins the alerts group" "$LS_JOIN" ok
	fi
	expect_value "root may subscribe" "$LS_SUBSCRIBE" ok
	expect_value "root may ask for the status" "$LS_STATUS" ok
	expect_value "root received the alert" "$LS_ALERTS" 1
fi

if listen "uid 65534 receives nothing" --user 65534; then
	if [ "$LS_DELIVERY" = multicast ]; then
		expect_value "joining the alerts group is refused" "$LS_JOIN" EPERM
	fi
	expect_value "subscribing is refused" "$LS_SUBSCRIBE" EPERM
	expect_value "asking for the status is refused" "$LS_STATUS" EPERM
	expect_value "no alert received" "$LS_ALERTS" 0
fi
