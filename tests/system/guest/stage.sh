#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage (in the guest, by ldw-sys-run at boot): stage.sh STAGE
#
# One boot of the system tier, in a real Debian 12 system booted by the
# host (tests/system/run.sh), which names the stage on the kernel command
# line. The stages follow each other on one copy of the disk:
#
#   install    apt-get install the two ldwatch .debs: DKMS builds the module
#              for the running kernel here; reboot
#   installed  module loaded at boot by modules-load.d, ldwatchd.service
#              active and hardened; real package managers, GNU sed, vim,
#              ldconfig, the attack, logrotate, a restart of the daemon
#              under load, each checked field by field; reboot
#   rebooted   module and daemon back, a new load, the first record says
#              so; then, if the host gave an upgrade kernel, install it
#              (DKMS builds ldwatch for it) and reboot into it ("upgraded"),
#              else purge and power off
#   upgraded   the new kernel runs ldwatch and alerts; purge; power off
#
# Every stage ends with: no kernel splat in this boot's kernel log, no
# failed unit, and a "stage-end STAGE NEXT" line for the host.
set -uo pipefail
STAGE=${1:-none}
G=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$G/lib.sh"
# shellcheck source=/dev/null
. "$PAYLOAD/config"
export DEBIAN_FRONTEND=noninteractive
RUNNING=$(uname -r)

# ------------------------------------------------------------ the daemon

# The service and the module, as the booted system has them.
check_running() {
	local why
	if [[ -d /sys/module/ldwatch ]]; then
		ok "the ldwatch module is loaded on $RUNNING"
	else
		not_ok "the ldwatch module is loaded on $RUNNING"
	fi
	# modules-load.d loaded it: systemd-modules-load says so in this boot.
	if grep -qx ldwatch /etc/modules-load.d/ldwatch.conf 2>/dev/null &&
		journalctl -b -o cat -u systemd-modules-load.service |
		grep -q "Inserted module 'ldwatch'"; then
		ok "systemd-modules-load loaded it from /etc/modules-load.d/ldwatch.conf"
	else
		not_ok "systemd-modules-load loaded it from /etc/modules-load.d/ldwatch.conf"
		diag "$(cat /etc/modules-load.d/ldwatch.conf 2>&1)"
		diag "$(journalctl -b -o cat -u systemd-modules-load.service 2>&1 | tail -n 5)"
	fi
	modinfo -n ldwatch | grep -q "^/lib/modules/$RUNNING/updates/dkms/"
	verdict $? "the module loaded is DKMS's build for $RUNNING"
	check "ldwatchd.service is active" systemctl is-active ldwatchd.service
	# Before any user login: logins open when systemd-user-sessions has
	# started; the daemon was up by then.
	local d u
	d=$(systemctl show -P ActiveEnterTimestampMonotonic ldwatchd.service)
	u=$(systemctl show -P ActiveEnterTimestampMonotonic systemd-user-sessions.service)
	if [[ $d =~ ^[0-9]+$ && $u =~ ^[0-9]+$ ]] && ((d > 0 && d <= u)); then
		ok "ldwatchd was active before logins were allowed (systemd-user-sessions)"
	else
		not_ok "ldwatchd was active before logins were allowed (ldwatchd at $d us, systemd-user-sessions at $u us)"
	fi
	if why=$(ldwatchctl status 2>&1); then
		ok "ldwatchctl status talks to the module"
	else
		not_ok "ldwatchctl status talks to the module"
		diag "$why"
	fi
}

security_exposure() {
	local out level
	out=$(systemd-analyze security --no-pager ldwatchd.service 2>&1)
	level=$(sed -n 's/.*Overall exposure level for ldwatchd.service: *\([0-9.]*\).*/\1/p' <<<"$out")
	if [[ -n $level ]] && awk -v l="$level" 'BEGIN { exit !(l < 5) }'; then
		ok "systemd-analyze security rates ldwatchd's exposure below 5 ($level)"
	else
		not_ok "systemd-analyze security rates ldwatchd's exposure below 5 (${level:-no rating})"
		diag "$(tail -n 5 <<<"$out")"
	fi
}

# The journal's copy of alert SEQ (ldwatchd --journal), if the daemon
# writes one: its flat fields and its ECS document, the latter checked by
# the caller with ldw-expect.
journal_has_alerts() {
	local pid
	pid=$(systemctl show -P MainPID ldwatchd.service)
	[[ $pid =~ ^[1-9][0-9]*$ ]] && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qx -- --journal
}

journal_alert() {
	local seq=$1 out=$2
	journalctl -b -o cat --output-fields=LDWATCH_ECS SYSLOG_IDENTIFIER=ldwatchd \
		"LDWATCH_SEQUENCE=$seq" >"$out" 2>/dev/null
	[[ -s $out ]]
}

# ------------------------------------------------------------ scenarios

# Real packages that ship files in /etc/ld.so.conf.d, by dpkg and apt:
# install, upgrade, purge. Nothing alerts.
scenario_packages() {
	local s debs=$PAYLOAD/debs/scenario conf=/etc/ld.so.conf.d/fakeroot-x86_64-linux-gnu.conf
	last_seq
	s=$SEQ
	local orig='' f
	for f in "$debs"/libfakeroot_*.deb; do
		[[ $f == *+ldw1_* ]] || orig=$f
	done
	check "dpkg -i libfakeroot (ships $conf)" dpkg -i "$orig"
	[[ -e $conf ]]
	verdict $? "$conf is installed"
	check "apt-get install ./libc6-i386 (ships zz_i386-biarch-compat.conf)" \
		apt-get install -y -q "$debs"/libc6-i386_*.deb
	check "dpkg -i a newer libfakeroot: an upgrade, its conffile through .dpkg-new" \
		dpkg -i "$debs"/libfakeroot_*+ldw1_amd64.deb
	check "apt-get purge libfakeroot libc6-i386" apt-get purge -y -q libfakeroot libc6-i386
	[[ ! -e $conf ]]
	verdict $? "$conf is gone"
	fence "$s" || return
	expect "$ALERTS" --after "$s" --before "$FENCE" \
		--desc "dpkg and apt installing, upgrading and purging ld.so.conf.d files: no alert" --total 0
}

# GNU sed -i on /etc/ld.so.conf: its temporary /etc/sedXXXXXX is no
# target; the final rename onto ld.so.conf is an alert by Elastic's rule
# (the rule's sed exclusion wants file.name sed*, and file.name is then
# ld.so.conf).
scenario_sed() {
	local s pid exe
	last_seq
	s=$SEQ
	printf 'include /etc/ld.so.conf.d/*.conf\n' >/etc/ld.so.conf.ldw
	mv /etc/ld.so.conf.ldw /etc/ld.so.conf
	fence "$s" || return
	s=$FENCE
	exe=$(readlink -f "$(command -v sed)")
	# shellcheck disable=SC2016 # for the inner bash
	pid=$(bash -c 'echo $$ >/run/ldw-sys-pid; exec sed -i "s|^include|include|" /etc/ld.so.conf'; cat /run/ldw-sys-pid)
	fence "$s" || return
	expect "$ALERTS" --after "$s" --before "$FENCE" --name "sed -i /etc/ld.so.conf:" \
		--exactly 1 event.action=rename file.path=/etc/ld.so.conf file.name=ld.so.conf \
		'file.Ext.original.path~/etc/sed??????' 'file.Ext.original.name~sed??????' \
		"process.executable=$exe" process.name=sed "process.pid=$pid" \
		user.id=0 user.name=root "rule.id=$RULE_ID" \
		--none 'file.path~/etc/sed*' --total 1
}

# vim editing a file in /etc/ld.so.conf.d, as an administrator runs it (on
# a terminal: script(1) gives it one). Its swap file .NAME.swp is excluded
# by the rule (extension swp) and no .conf the linker reads; what its write
# does in the directory is what the rule says about each step.
scenario_vim() {
	local s f=/etc/ld.so.conf.d/ldw-vim.conf exe
	exe=$(readlink -f "$(command -v vi)")
	last_seq
	s=$SEQ
	printf '/opt/ldw/lib\n' >"$f"
	fence "$s" || return
	s=$FENCE
	TERM=vt100 script -q -e -c "vi -c 'silent !ls -a /etc/ld.so.conf.d >/run/ldw-vim-during' -c 'normal Go/opt/ldw/lib2' -c wq $f" /dev/null \
		</dev/null >/run/ldw-vim.out 2>&1
	if grep -qx /opt/ldw/lib2 "$f" && grep -qx .ldw-vim.conf.swp /run/ldw-vim-during; then
		ok "vim edited $f, with its swap file .ldw-vim.conf.swp beside it"
	else
		not_ok "vim edited $f, with its swap file .ldw-vim.conf.swp beside it"
		diag "$(cat "$f" /run/ldw-vim-during 2>&1)"
	fi
	fence "$s" || return
	show_window "$s" "$FENCE"
	# vim.tiny as Debian configures it (/etc/vim/vimrc.tiny: compatible):
	# 'writebackup' with the Vi default 'backupcopy' "yes": it copies the
	# file to its backup NAME~ (a creation in ld.so.conf.d, Elastic's rule
	# alerts), writes the file in place (a modification of a .conf the
	# linker reads: the companion rule alerts), and removes the backup.
	expect "$ALERTS" --after "$s" --before "$FENCE" --name "vim $f:" \
		--none 'file.name~*.sw?' --none 'file.Ext.original.name~*.sw?' \
		--every "process.executable=$exe" "process.name=${exe##*/}" user.name=root \
		--exactly 1 event.action=creation "file.path=$f~" "rule.id=$RULE_ID" \
		--exactly 1 event.action=modification "file.path=$f" "rule.id=$COMPANION_ID" \
		--total 2
	rm -f "$f"
}

# ldconfig rewrites /etc/ld.so.cache (through ld.so.cache~): no target of
# Elastic's rule, and the companion rule excludes ldconfig on its cache.
scenario_ldconfig() {
	local s
	last_seq
	s=$SEQ
	check "ldconfig runs" ldconfig
	fence "$s" || return
	expect "$ALERTS" --after "$s" --before "$FENCE" --desc "ldconfig: no alert" --total 0
}

# attack_op NAME PATH CMD: run CMD (bash -c text) as root from bash, which
# records its pid and then execs what it runs; the alert on PATH must be
# written within a second, every field as this system names them.
attack_op() {
	local name=$1 path=$2 cmd=$3 exe=$4 action=$5 s pid t0 jf from
	last_seq
	s=$SEQ
	# The file holds earlier loads too, numbered from 1 again: this load's
	# lines only.
	from=$(($(wc -l <"$ALERTS") + 1))
	uptime_ms
	t0=$NOW
	# shellcheck disable=SC2016 # for the inner bash
	bash -c 'echo $$ >/run/ldw-sys-pid; '"$cmd"
	read -r pid </run/ldw-sys-pid
	if wait_alert "$path" "$s" 1000 "$t0"; then
		ok "$name: alert written within one second (${WAITED} ms)"
	else
		not_ok "$name: alert written within one second (none after ${WAITED} ms)"
	fi
	fence "$s" || return
	expect "$ALERTS" --from-line "$from" --after "$s" --before "$FENCE" --name "$name:" \
		--exactly 1 "event.action=$action" "file.path=$path" "process.executable=$exe" \
		"process.name=${exe##*/}" "process.pid=$pid" user.id=0 user.name=root \
		"host.name=$(hostname)" "rule.id=$RULE_ID" event.kind=alert \
		--total 1
	if journal_has_alerts; then
		local seq
		seq=$("$EXPECT" wait "$ALERTS" --path "$path" --since "$s" --timeout 5)
		jf=/run/ldw-journal-$seq.json
		if journal_alert "$seq" "$jf"; then
			ok "$name: the journal holds the alert (LDWATCH_SEQUENCE=$seq)"
			expect "$jf" --name "$name, the journal's LDWATCH_ECS:" \
				--exactly 1 "event.action=$action" "file.path=$path" \
				"process.executable=$exe" "process.name=${exe##*/}" "process.pid=$pid" \
				user.name=root "event.sequence=$seq"
			check "$name: the journal's flat fields" bash -c "
				journalctl -b -o export SYSLOG_IDENTIFIER=ldwatchd LDWATCH_SEQUENCE=$seq |
				grep -qx 'LDWATCH_FILE_PATH=$path' &&
				journalctl -b -o export SYSLOG_IDENTIFIER=ldwatchd LDWATCH_SEQUENCE=$seq |
				grep -qx 'LDWATCH_RULE_ID=$RULE_ID' &&
				journalctl -b -o export SYSLOG_IDENTIFIER=ldwatchd LDWATCH_SEQUENCE=$seq |
				grep -qx 'LDWATCH_ACTION=$action'"
		else
			not_ok "$name: the journal holds the alert (LDWATCH_SEQUENCE=$seq)"
		fi
	fi
}

scenario_attack() {
	local bash_exe cp_exe mv_exe
	bash_exe=$(readlink -f "$(command -v bash)")
	cp_exe=$(readlink -f "$(command -v cp)")
	mv_exe=$(readlink -f "$(command -v mv)")
	journal_has_alerts || diag "ldwatchd does not run with --journal: the journal is not checked"
	attack_op "echo into /etc/ld.so.preload from bash" /etc/ld.so.preload \
		'echo /lib/x86_64-linux-gnu/libevil.so > /etc/ld.so.preload' "$bash_exe" creation
	# Every program would try to preload it from now on.
	rm -f /etc/ld.so.preload
	printf '/opt/evil\n' >/root/evil.conf
	attack_op "cp onto /etc/ld.so.conf.d" /etc/ld.so.conf.d/evil.conf \
		'exec cp /root/evil.conf /etc/ld.so.conf.d/evil.conf' "$cp_exe" creation
	attack_op "mv onto /etc/ld.so.conf.d" /etc/ld.so.conf.d/evil2.conf \
		'exec mv /root/evil.conf /etc/ld.so.conf.d/evil2.conf' "$mv_exe" rename
	rm -f /etc/ld.so.conf.d/evil.conf /etc/ld.so.conf.d/evil2.conf
}

# burst TAG N: N creations the rule alerts on, one every tenth of a second,
# in the background; its pid into BURST.
burst() {
	local tag=$1 n=$2
	(
		for ((i = 1; i <= n; i++)); do
			: >"/etc/ld.so.conf.d/ldw-$tag-$i"
			sleep 0.1
		done
	) &
	BURST=$!
}

burst_cleanup() {
	rm -f /etc/ld.so.conf.d/ldw-"$1"-*
}

# logrotate -f while alerts arrive: none lost or split across the two
# files, the sequence contiguous; after the reload (the package's
# postrotate) ldwatchd writes the new file.
scenario_logrotate() {
	local s conf=/etc/logrotate.d/ldwatch all=/run/ldw-rotated.ndjson old='' f fp i why
	if [[ ! -r $conf ]]; then
		not_ok "the package ships $conf"
		return
	fi
	last_seq
	s=$SEQ
	burst rot 20
	sleep 0.5
	check "logrotate -f $conf" logrotate -f "$conf"
	wait "$BURST"
	for f in "$ALERTS.1" "$ALERTS.1.gz"; do
		[[ -e $f ]] && old=$f && break
	done
	if [[ -z $old ]]; then
		not_ok "logrotate moved the alert file (alerts.ndjson.1*)"
		diag "$(ls -l /var/log/ldwatch)"
		return
	fi
	ok "logrotate moved the alert file to ${old##*/}"
	# The fence, looked for in both files.
	fp=/etc/ld.so.conf.d/ldw-fence-rotate
	: >"$fp"
	FENCE=
	for ((i = 0; i < 100; i++)); do
		case $old in
		*.gz) zcat "$old" >"$all" ;;
		*) cat "$old" >"$all" ;;
		esac
		cat "$ALERTS" >>"$all"
		FENCE=$("$EXPECT" wait "$all" --path "$fp" --since "$s" --timeout 1 2>/dev/null) && break
		FENCE=
		sleep 0.1
	done
	rm -f "$fp"
	why=$(ls -l /var/log/ldwatch; journalctl -b -u ldwatchd -n 15 -o cat)
	if [[ -z $FENCE ]]; then
		not_ok "the fence alert after the rotation is written (in either file)"
		diag "$why"
		show_window "$s" 999999
		burst_cleanup rot
		return
	fi
	# ldwatchd takes the reload's SIGHUP when it gets to it: an alert right
	# after the rotation may still go to the old file (the whole of it).
	# The next fence must reach the new one.
	local rotated=$FENCE
	if fence "$rotated"; then
		ok "after the rotation and its reload, ldwatchd writes the new ${ALERTS##*/}"
	else
		diag "$why"
	fi
	FENCE=$rotated
	[[ ! -s $ALERTS || $(head -c 1 "$ALERTS") == '{' ]]
	verdict $? "the new alert file starts with a whole record"
	expect "$all" --name "logrotate -f under load:" --lint \
		--after "$s" --before "$FENCE" --exactly 20 'file.path~/etc/ld.so.conf.d/ldw-rot-*' \
		--total 20 --contiguous
	burst_cleanup rot
}

# The unit keeps the module's rules equal to /etc/ldwatch/rules.d: a rule
# file an administrator puts there is in force after `systemctl reload
# ldwatchd` (Elastic's version 9 as shipped: creations only, so a rename no
# longer alerts), and gone again after the next reload without it; each
# change is an ldwatch-rules-changed record. What is expected comes from
# the shipped file's header (its id and version) and the built-in rule's
# version in the README's rule text (3).
scenario_rules_sync() {
	local from v9=/usr/share/ldwatch/rules/elastic-640f79d1-v9.eql
	local id=640f79d1-571d-4f96-a9af-1194fc8cf763
	from=$(($(wc -l <"$ALERTS") + 1))
	check "the package ships Elastic's version 9 ($v9)" test -r "$v9"
	cp "$v9" /etc/ldwatch/rules.d/
	check "systemctl reload ldwatchd, with version 9 in rules.d" systemctl reload ldwatchd
	ldwatchctl rules list --json >"$STATE/rules.json" 2>&1
	expect "$STATE/rules.json" --name "ldwatchctl rules list --json:" --kind any \
		--exactly 1 "id=$id" version=9 origin=loaded \
		source=/etc/ldwatch/rules.d/elastic-640f79d1-v9.eql
	expect "$ALERTS" --name "rules sync, version 9:" --from-line "$from" --kind any \
		--exactly 1 event.action=ldwatch-rules-changed "rule.id=$id" rule.version=9 \
		ldwatch.rule.change=replaced ldwatch.rule.previous_version=3
	from=$(($(wc -l <"$ALERTS") + 1))
	printf 'include /etc/ld.so.conf.d/*.conf\n' >/root/v9-rename.conf
	mv /root/v9-rename.conf /etc/ld.so.conf.d/v9-rename.conf
	printf 'include /etc/ld.so.conf.d/*.conf\n' >/etc/ld.so.conf.d/v9-create.conf
	rm -f /etc/ld.so.conf.d/v9-rename.conf /etc/ld.so.conf.d/v9-create.conf
	sleep 2
	expect "$ALERTS" --name "under version 9:" --from-line "$from" \
		--none "rule.id=$id" event.action=rename \
		--exactly 1 "rule.id=$id" rule.version=9 event.action=creation \
		file.path=/etc/ld.so.conf.d/v9-create.conf
	from=$(($(wc -l <"$ALERTS") + 1))
	rm -f /etc/ldwatch/rules.d/elastic-640f79d1-v9.eql
	check "systemctl reload ldwatchd, rules.d empty again" systemctl reload ldwatchd
	expect "$ALERTS" --name "rules sync, back to the built-in rule:" --from-line "$from" \
		--kind any --exactly 1 event.action=ldwatch-rules-changed "rule.id=$id" \
		rule.version=3 ldwatch.rule.previous_version=9
}

# systemctl restart ldwatchd while alerts arrive: every sequence number is
# written or reported lost (the module's queue holds what arrives while no
# daemon listens), never silently missing.
scenario_restart() {
	local s lost=0 n line c from
	last_seq
	s=$SEQ
	from=$(($(wc -l <"$ALERTS") + 1))
	burst rst 20
	sleep 0.5
	check "systemctl restart ldwatchd under load" systemctl restart ldwatchd.service
	wait "$BURST"
	fence "$s" || return
	n=$("$EXPECT" count "$ALERTS" --after "$s" --before "$FENCE" 'file.path~/etc/ld.so.conf.d/ldw-rst-*')
	while IFS=: read -r line _; do
		c=$("$EXPECT" get "$ALERTS" ldwatch.lost.count "$line") && lost=$((lost + c))
	done < <(grep -n '"ldwatch-alerts-lost"' "$ALERTS")
	if ((n + lost == 20 && lost == 0)); then
		ok "restart under load: all 20 alerts written, none lost (the module's queue kept them)"
	elif ((n + lost == 20)); then
		ok "restart under load: $n alerts written and $lost reported lost by a gap record"
	else
		not_ok "restart under load: 20 alerts written or reported lost ($n written, $lost reported)"
	fi
	expect "$ALERTS" --name "restart under load:" --from-line "$from" \
		--kind event --exactly 1 event.action=ldwatch-connected
	((lost > 0)) || expect "$ALERTS" --name "restart under load, the alerts:" \
		--after "$s" --before "$FENCE" --contiguous
	burst_cleanup rst
}

# ------------------------------------------------------------ purge

purge() {
	local out rc=0
	out=$(apt-get purge -y -q ldwatch ldwatch-dkms 2>&1) || rc=$?
	if ((rc == 0)) && ! grep -q -E '^(E:|W:)|[Ee]rror' <<<"$out"; then
		ok "apt-get purge ldwatch ldwatch-dkms, without an error or warning"
	else
		not_ok "apt-get purge ldwatch ldwatch-dkms, without an error or warning (exit status $rc)"
		diag "$(tail -n 20 <<<"$out")"
	fi
	[[ ! -d /sys/module/ldwatch ]]
	verdict $? "the module is unloaded"
	# Its stdout: dkms's own stderr says "write error: Broken pipe" at times.
	out=$(dkms status ldwatch 2>/dev/null)
	[[ -z $out ]]
	verdict $? "DKMS knows no ldwatch" "$out"
	out=$(find /lib/modules -name 'ldwatch.ko*' 2>/dev/null)
	[[ -z $out ]]
	verdict $? "no ldwatch.ko is left in /lib/modules" "$out"
	[[ ! -d /usr/src/ldwatch-$LDW_VERSION ]]
	verdict $? "/usr/src/ldwatch-$LDW_VERSION is removed"
	if systemctl cat ldwatchd.service >/dev/null 2>&1; then
		not_ok "the unit ldwatchd.service is gone"
	else
		ok "the unit ldwatchd.service is gone"
	fi
	[[ ! -e /etc/ldwatch ]]
	verdict $? "/etc/ldwatch is removed"
	[[ ! -e /etc/modules-load.d/ldwatch.conf ]]
	verdict $? "/etc/modules-load.d/ldwatch.conf is removed"
	NEXT=poweroff
}

# ------------------------------------------------------------ stages

stage_install() {
	local out rc=0
	[[ $RUNNING == "$LDW_RELEASE" ]]
	verdict $? "booted $LDW_RELEASE"
	out=$(apt-get install -y -q "$PAYLOAD"/debs/ldwatch/*.deb 2>&1 | tee >(cat >&2)) || rc=$?
	if ((rc == 0)); then
		ok "apt-get install ./ldwatch-dkms_*.deb ./ldwatch_*.deb"
	else
		not_ok "apt-get install ./ldwatch-dkms_*.deb ./ldwatch_*.deb (exit status $rc)"
		diag "$(tail -n 30 <<<"$out")"
		cat /var/lib/dkms/ldwatch/*/build/make.log 2>/dev/null | tail -n 30
	fi
	out=$(dkms status -m ldwatch -k "$RUNNING" 2>&1)
	grep -q ': installed' <<<"$out"
	verdict $? "DKMS built and installed ldwatch for $RUNNING" "$out"
	check "ldwatchd.service is enabled" systemctl is-enabled ldwatchd.service
	NEXT=reboot
}

stage_installed() {
	check_running
	security_exposure
	if [[ ! -r $ALERTS ]] || ! "$EXPECT" count "$ALERTS" --kind event event.action=ldwatch-connected |
		grep -qv '^0$'; then
		not_ok "ldwatchd wrote its ldwatch-connected record to $ALERTS"
		NEXT=poweroff
		return
	fi
	ok "ldwatchd wrote its ldwatch-connected record to $ALERTS"
	scenario_packages
	scenario_sed
	scenario_vim
	scenario_ldconfig
	scenario_attack
	scenario_logrotate
	scenario_restart
	scenario_rules_sync
	expect "$ALERTS" --name "the alert file after the scenarios:" --lint
	# For the next boot: this load's id, and where its records end.
	"$EXPECT" get "$ALERTS" ldwatch.load_id \
		"$(grep -n '"ldwatch-connected"' "$ALERTS" | tail -n 1 | cut -d: -f1)" >"$STATE/load_id"
	NEXT=reboot
}

# After a reboot: the first record of the boot is ldwatchd's
# ldwatch-connected for a new load of the module, numbering from 1.
stage_rebooted() {
	local old first
	check_running
	read -r old <"$STATE/load_id" 2>/dev/null || old=
	# This boot's records begin with the last ldwatch-connected: from it on,
	# one connected record for a new load numbering from 1, and nothing of
	# the old load.
	first=$(grep -n '"ldwatch-connected"' "$ALERTS" | tail -n 1 | cut -d: -f1)
	if [[ -n $first ]]; then
		expect "$ALERTS" --name "after the reboot:" --from-line "$first" --kind event \
			--exactly 1 event.action=ldwatch-connected --kind any --none "ldwatch.load_id=$old"
		if [[ -n $old && $("$EXPECT" get "$ALERTS" ldwatch.load_id "$first") != "$old" ]]; then
			ok "the module's load id is new ($old before)"
		else
			not_ok "the module's load id is new ($old before)"
		fi
	else
		not_ok "ldwatchd wrote ldwatch-connected after the reboot"
	fi
	attack_op "after the reboot, echo into /etc/ld.so.preload" /etc/ld.so.preload \
		'echo /lib/x86_64-linux-gnu/libevil.so > /etc/ld.so.preload' \
		"$(readlink -f "$(command -v bash)")" creation
	rm -f /etc/ld.so.preload
	# The new load numbers from 1: what happened before ldwatchd connected
	# waited in the module's queue and follows the connected record.
	expect "$ALERTS" --name "after the reboot, the new load's alerts:" \
		--from-line "$first" --exactly 1 event.sequence=1 --contiguous
	show_window 0 999999
	# Booting, systemd sets up the hardened services' mount namespaces
	# (mounts on /run/systemd/unit-root/etc): no attack, no alert.
	expect "$ALERTS" --name "booting:" --from-line "$first" \
		--none process.executable=/usr/lib/systemd/systemd
	if [[ -n ${LDW_UPGRADE:-} ]]; then
		upgrade
	else
		purge
	fi
}

# A kernel upgrade: the next kernel's image and headers, as .debs. DKMS's
# kernel hook builds ldwatch for it; the host boots it next, with the
# initrd this system made (copied to the payload disk for the host).
upgrade() {
	local out rc=0 t=$SECONDS
	# The initrd with only the modules this machine boots with, as
	# initramfs-tools offers (MODULES=dep), not Debian's default "most":
	# made under emulation, "most" took most of the whole run.
	# What is tested stays: the system's own hooks make the new kernel's
	# initrd, and it boots this system.
	printf 'MODULES=dep\n' >/etc/initramfs-tools/conf.d/ldwatch-system-test
	# Without Recommends (apparmor): the guest has no network to fetch them.
	# Shown as it goes (the console), for a run that times out in it.
	out=$(apt-get install -y -q --no-install-recommends "$PAYLOAD"/debs/upgrade/*.deb 2>&1 |
		tee >(cat >&2)) || rc=$?
	((rc == 0))
	verdict $? "apt-get install the $LDW_UPGRADE kernel's image and headers" "$(tail -n 30 <<<"$out")"
	diag "the kernel upgrade (unpacking, DKMS, initramfs) took $((SECONDS - t)) s"
	out=$(dkms status -m ldwatch -k "$LDW_UPGRADE" 2>&1)
	grep -q ': installed' <<<"$out"
	verdict $? "DKMS built ldwatch for $LDW_UPGRADE when it was installed" "$out"
	mkdir -p "$PAYLOAD/out"
	if cp "/boot/vmlinuz-$LDW_UPGRADE" "$PAYLOAD/out/vmlinuz" &&
		cp "/boot/initrd.img-$LDW_UPGRADE" "$PAYLOAD/out/initrd.img"; then
		ok "this system made /boot/initrd.img-$LDW_UPGRADE"
	else
		not_ok "this system made /boot/initrd.img-$LDW_UPGRADE"
	fi
	NEXT=reboot
}

stage_upgraded() {
	[[ $RUNNING == "$LDW_UPGRADE" ]]
	verdict $? "booted $LDW_UPGRADE"
	check_running
	attack_op "on $LDW_UPGRADE, echo into /etc/ld.so.preload" /etc/ld.so.preload \
		'echo /lib/x86_64-linux-gnu/libevil.so > /etc/ld.so.preload' \
		"$(readlink -f "$(command -v bash)")" creation
	rm -f /etc/ld.so.preload
	purge
}

# ------------------------------------------------------------ the end

end_checks() {
	local out
	out=$(journalctl -k -b -o cat | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|Kernel panic|UBSAN' || true)
	if [[ -z $out ]]; then
		ok "no kernel splat in this boot's kernel log"
	else
		not_ok "no kernel splat in this boot's kernel log"
		diag "$(head -n 30 <<<"$out")"
	fi
	out=$(systemctl list-units --failed --no-legend --plain 2>&1)
	if [[ -z $out ]]; then
		ok "no failed unit"
	else
		not_ok "no failed unit"
		diag "$out"
	fi
}

case $STAGE in
install | installed | rebooted | upgraded)
	"stage_$STAGE"
	;;
*)
	not_ok "known stage ($STAGE)"
	;;
esac
end_checks
_line "stage-end $STAGE $NEXT"
sync
exec 8>&-
umount "$PAYLOAD" 2>/dev/null
systemctl "$NEXT" --no-block
