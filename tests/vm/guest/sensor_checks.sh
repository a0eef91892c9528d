# shellcheck shell=sh
#
# Checks over everything ldwatchd wrote during the scenarios, the module's
# counters against it; then SIGHUP: ldwatchd reopens its --output file (as
# logrotate has it do), and nothing is lost across the reopening. The new
# file is where sensor_loop.sh's flood goes.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

# Every alert, whatever the scenario, carries the rule that matched, the
# host and the ECS constants; the values come from the rule text (name,
# version, severity "medium", risk score 47) and SEMANTICS.md (the rule
# id), or from the companion rule's data (module/rule/builtin_companion.c: id,
# name, version 1, severity high, risk score 73). Every alert is one of
# the two rules'.
SCEN="whole run"
n_elastic=$("$EXPECT" count "$ALERTS" "rule.id=$RULE_ID")
n_companion=$("$EXPECT" count "$ALERTS" "rule.id=$COMPANION_ID")
run_expect check "$ALERTS" --name "[$SCEN]" \
	--every event.kind=alert event.outcome=success 'event.sequence:int' \
	'@timestamp~[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:*' \
	'event.category~*"file"*' 'event.type:array' 'file.path:string' 'file.name:string' \
	'file.directory:string' 'process.pid:int' 'process.parent.pid:int' \
	'process.thread.id:int' 'process.executable:string' 'process.name:string' \
	'user.id:string' 'user.name:string' 'group.id:string' \
	"host.name=$(hostname)" host.os.type=linux \
	'threat~*T1574.006*' 'threat~*TA0005*' 'threat~*TA0003*' \
	--desc "every alert is Elastic's rule's or the companion's ($n_elastic + $n_companion)" \
	--total $((n_elastic + n_companion)) \
	--desc "Elastic's alerts carry its name, version, severity and risk score" \
	--exactly "$n_elastic" "rule.id=$RULE_ID" "rule.name=$ELASTIC_NAME" \
	"rule.version=$ELASTIC_VERSION" "ldwatch.rule.severity=$ELASTIC_SEVERITY" \
	"event.severity=$ELASTIC_RISK" "event.risk_score=$ELASTIC_RISK" \
	--desc "the companion's alerts carry its name, version, severity and risk score" \
	--exactly "$n_companion" "rule.id=$COMPANION_ID" "rule.name=$COMPANION_NAME" \
	"rule.version=$COMPANION_VERSION" "ldwatch.rule.severity=$COMPANION_SEVERITY" \
	"event.severity=$COMPANION_RISK" "event.risk_score=$COMPANION_RISK" \
	"ldwatch.target.path:string" \
	--contiguous \
	--kind any --lint \
	--kind event \
	--exactly 1 event.action=ldwatch-connected \
	--none event.action=ldwatch-alerts-lost \
	--none event.action=ldwatch-socket-overrun \
	--none event.action=ldwatch-malformed-message \
	--none event.action=ldwatch-sensor-stopping

# The module's counters against what ldwatchd logged.
if status_json "$LDW_DIR/status.checks"; then
	logged=$("$EXPECT" count "$ALERTS")
	run_expect check "$LDW_DIR/status.checks" --kind any --name "[$SCEN]" \
		--desc "status: counters.matched is the $logged alerts ldwatchd logged" \
		--exactly 1 "counters.matched=$logged" \
		--desc "status: counters.sent is the same" \
		--exactly 1 "counters.sent=$logged" \
		--desc "status: nothing dropped" \
		--exactly 1 dropped_total=0
else
	not_ok "[$SCEN] ldwatchctl status --json answers"
	sed 's/^/#   /' "$LDW_DIR/status.checks.stderr"
fi

SCEN="ldwatchd: SIGHUP reopens --output (logrotate)"
mv "$ALERTS" "$ALERTS.1"
ldwatchd_pid
kill -HUP "$STATE"
# The fence goes to the new file; every alert before it to one of the two.
if fence; then
	ok "[$SCEN] the next alert goes to a new file"
	state_set fence.seq "$FENCE_SEQ"
	cat "$ALERTS.1" "$ALERTS" >"$LDW_DIR/both.ndjson"
	run_expect check "$LDW_DIR/both.ndjson" --name "[$SCEN]" --contiguous --kind any --lint
else
	not_ok "[$SCEN] the next alert goes to a new file"
	sed 's/^/#   /' "$LDW_DIR/fence.stderr"
	mark_broken "no alert after SIGHUP"
fi
