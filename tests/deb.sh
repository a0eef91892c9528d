#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/deb.sh
#
# The Debian packages: `make deb` builds them (from a copy of the tree, the
# work tree left as it was); lintian finds nothing in them; their files,
# conffiles, dependencies and versions are what README and debian/ promise;
# the module's source in ldwatch-dkms is exactly what Kbuild compiles; the
# modprobe.d file documents every module parameter; the unit is hardened
# (systemd-analyze security, exposure below 5); the man pages render without
# a warning and agree with the programs' --help, and ldwatchd --help names
# every field ldwatchd writes. Installing them in a booted Debian system is
# the system tier's test.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP" || exit

# shellcheck disable=SC2016 # $(VERSION) is make's
version=$(make --no-print-directory -s -f Makefile -f - print-version <<<'print-version: ; @echo $(VERSION)')
debs=$LDW_BUILD/deb
dkms_deb=$debs/ldwatch-dkms_${version}_all.deb
tools_deb=$debs/ldwatch_${version}_amd64.deb
work=$LDW_BUILD/deb-test
rm -rf "$work"
mkdir -p "$work"

# --- build ------------------------------------------------------------------
changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [[ $changelog == "$version" ]]; then
	ok "debian/changelog's version is the Makefile's VERSION ($version)"
else
	not_ok "debian/changelog's version is the Makefile's VERSION ($changelog, not $version)"
fi

before=$(git status --porcelain --untracked-files=all)
if make --no-print-directory deb >"$work/make-deb.log" 2>&1; then
	ok "make deb"
else
	not_ok "make deb"
	tail -n 30 "$work/make-deb.log" | sed 's/^/#   /'
	summary
	exit
fi
after=$(git status --porcelain --untracked-files=all)
if [[ $before == "$after" ]]; then
	ok "make deb leaves the work tree as it was"
else
	not_ok "make deb leaves the work tree as it was"
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed 's/^/#   /' || true
fi
for deb in "$dkms_deb" "$tools_deb"; do
	check "built ${deb#"$LDW_TOP/"}" test -s "$deb"
done

# --- lintian ------------------------------------------------------------------
# Every tag, down to pedantic and info; debian/*.lintian-overrides says why
# each overridden one does not apply.
lintian_out=$(lintian --pedantic --display-info --fail-on error,warning,info,pedantic \
	"$dkms_deb" "$tools_deb" 2>&1 | grep -v 'running with root privileges' || true)
if [[ -z $lintian_out ]]; then
	ok "lintian --pedantic --display-info: no tag on either package"
else
	not_ok "lintian --pedantic --display-info: no tag on either package"
	printf '%s\n' "$lintian_out" | sed 's/^/#   /'
fi

# --- contents -------------------------------------------------------------------
# pass_if DESC CMD...: ok if CMD succeeds, not ok otherwise.
pass_if() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
field() { dpkg-deb -f "$1" "$2"; }
# The paths a package holds (files and symlinks, not directories), sorted.
files_of() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { p = $6; sub(/^\./, "", p); print p }' | sort
}
has_file() { # has_file LIST PATH MODE-PREFIX
	grep -qx "$2" <<<"$1"
}

for deb in "$dkms_deb" "$tools_deb"; do
	name=$(field "$deb" Package)
	if [[ $(field "$deb" Version) == "$version" ]]; then
		ok "$name: version $version"
	else
		not_ok "$name: version $version (got $(field "$deb" Version))"
	fi
done
pass_if "ldwatch-dkms: Architecture all" test "$(field "$dkms_deb" Architecture)" = all
pass_if "ldwatch: Architecture amd64" test "$(field "$tools_deb" Architecture)" = amd64

depends=$(field "$dkms_deb" Depends)
if [[ $depends =~ (^|, )dkms( |,|$) ]]; then
	ok "ldwatch-dkms depends on dkms ($depends)"
else
	not_ok "ldwatch-dkms depends on dkms ($depends)"
fi
depends=$(field "$tools_deb" Depends)
for dep in "ldwatch-dkms (= $version)" libsystemd0 libnl-genl-3-200 libjson-c5; do
	if [[ ", $depends," == *", $dep"[\ ,]* ]]; then
		ok "ldwatch depends on $dep"
	else
		not_ok "ldwatch depends on $dep ($depends)"
	fi
done

dkms_files=$(files_of "$dkms_deb")
tools_files=$(files_of "$tools_deb")
for f in /etc/modules-load.d/ldwatch.conf /etc/modprobe.d/ldwatch.conf \
	"/usr/src/ldwatch-$version/dkms.conf" "/usr/src/ldwatch-$version/Kbuild"; do
	pass_if "ldwatch-dkms ships $f" has_file "$dkms_files" "$f"
done
for f in /usr/sbin/ldwatchd /usr/sbin/ldwatchctl /lib/systemd/system/ldwatchd.service \
	/etc/logrotate.d/ldwatch /etc/ldwatch/ldwatchd.conf \
	/usr/share/man/man8/ldwatchd.8.gz /usr/share/man/man8/ldwatchctl.8.gz; do
	pass_if "ldwatch ships $f" has_file "$tools_files" "$f"
done
# Where an administrator's rules and exceptions go (rules sync reads them).
for d in /etc/ldwatch/rules.d /etc/ldwatch/exceptions.d; do
	pass_if "ldwatch ships the directory $d" \
		grep -qx "d.* \.$d/" <(dpkg-deb -c "$tools_deb")
done
# The shipped rules, every one, where the man page says.
for f in $(git ls-files rules); do
	pass_if "ldwatch ships $f as /usr/share/ldwatch/$f" has_file "$tools_files" "/usr/share/ldwatch/$f"
done
for f in ldwatchd ldwatchctl; do
	mode=$(dpkg-deb -c "$tools_deb" | awk -v p="./usr/sbin/$f" '$6 == p { print $1 }')
	pass_if "/usr/sbin/$f is 0755 ($mode)" test "$mode" = -rwxr-xr-x
done

# The module's source: exactly Kbuild, dkms.conf and every tracked file
# under module/ and include/ldwatch/, so that neither the package nor the
# Makefile's list can drop a file Kbuild needs or add one it does not.
want=$( (printf '%s\n' Kbuild dkms.conf; git ls-files module include/ldwatch) |
	sed "s|^|/usr/src/ldwatch-$version/|" | sort)
got=$(grep "^/usr/src/" <<<"$dkms_files" || true)
if [[ $want == "$got" ]]; then
	ok "ldwatch-dkms's /usr/src/ldwatch-$version is dkms.conf, Kbuild, module/, include/ldwatch/ ($(wc -l <<<"$got") files)"
else
	not_ok "ldwatch-dkms's /usr/src/ldwatch-$version is dkms.conf, Kbuild, module/, include/ldwatch/"
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/#   /' || true
fi
if ! grep -q -v -e '^/usr/src/' -e '^/etc/' -e '^/usr/share/doc/ldwatch-dkms/' \
	-e '^/usr/share/lintian/overrides/ldwatch-dkms$' <<<"$dkms_files"; then
	ok "ldwatch-dkms holds nothing but the source, /etc, its doc and lintian overrides"
else
	not_ok "ldwatch-dkms holds nothing but the source, /etc, its doc and lintian overrides"
	grep -v -e '^/usr/src/' -e '^/etc/' -e '^/usr/share/doc/ldwatch-dkms/' \
		-e '^/usr/share/lintian/overrides/ldwatch-dkms$' <<<"$dkms_files" | sed 's/^/#   /'
fi

conffiles() { dpkg-deb --info "$1" conffiles 2>/dev/null | sort; }
want=$(printf '%s\n' /etc/modprobe.d/ldwatch.conf /etc/modules-load.d/ldwatch.conf)
pass_if "ldwatch-dkms's conffiles: modprobe.d, modules-load.d ($(conffiles "$dkms_deb" | tr '\n' ' '))" \
	test "$(conffiles "$dkms_deb")" = "$want"
want=$(printf '%s\n' /etc/ldwatch/ldwatchd.conf /etc/logrotate.d/ldwatch)
pass_if "ldwatch's conffiles: /etc/ldwatch/ldwatchd.conf, logrotate ($(conffiles "$tools_deb" | tr '\n' ' '))" \
	test "$(conffiles "$tools_deb")" = "$want"

# The maintainer scripts: DKMS registers the module on configure and
# removes it on remove; the unit is enabled and started.
dpkg-deb -e "$dkms_deb" "$work/dkms-control"
dpkg-deb -e "$tools_deb" "$work/tools-control"
check "ldwatch-dkms's postinst has DKMS build the module (common.postinst)" \
	grep -q '/usr/lib/dkms/common.postinst' "$work/dkms-control/postinst"
check "ldwatch-dkms's prerm removes it from DKMS" \
	grep -qF "dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all" "$work/dkms-control/prerm"
check "ldwatch's postinst enables and starts ldwatchd.service" \
	grep -q "deb-systemd-helper enable 'ldwatchd.service'" "$work/tools-control/postinst"
check "ldwatch's postrm purges /var/log/ldwatch and /var/lib/ldwatch" \
	grep -q 'rm -rf /var/log/ldwatch /var/lib/ldwatch' "$work/tools-control/postrm"

dpkg-deb -x "$dkms_deb" "$work/dkms"
dpkg-deb -x "$tools_deb" "$work/tools"

# --- the module's parameters --------------------------------------------------
mapfile -t params < <(sed -n 's/^module_param(\([a-z_]*\),.*/\1/p' module/*.c | sort)
modprobe_conf=$work/dkms/etc/modprobe.d/ldwatch.conf
missing=()
for p in "${params[@]}"; do
	grep -q "^#options ldwatch $p=" "$modprobe_conf" || missing+=("$p")
done
if ((${#params[@]} > 0 && ${#missing[@]} == 0)); then
	ok "modprobe.d/ldwatch.conf documents every module parameter (${params[*]})"
else
	not_ok "modprobe.d/ldwatch.conf documents every module parameter (missing: ${missing[*]})"
fi
if grep -q '^[[:space:]]*options' "$modprobe_conf"; then
	not_ok "modprobe.d/ldwatch.conf sets nothing (every line commented out)"
else
	ok "modprobe.d/ldwatch.conf sets nothing (every line commented out)"
fi
pass_if "modules-load.d/ldwatch.conf loads ldwatch" \
	test "$(grep -v '^#' "$work/dkms/etc/modules-load.d/ldwatch.conf")" = ldwatch

# --- the unit --------------------------------------------------------------------
unit=$work/tools/lib/systemd/system/ldwatchd.service
for line in "ExecStart=/usr/sbin/ldwatchd \$LDWATCHD_OPTIONS" \
	'EnvironmentFile=-/etc/ldwatch/ldwatchd.conf' 'ProtectSystem=strict' 'ProtectHome=yes' \
	'NoNewPrivileges=yes' 'CapabilityBoundingSet=CAP_NET_ADMIN' 'LogsDirectory=ldwatch' \
	'StateDirectory=ldwatch' 'Restart=on-failure' "ExecReload=/bin/kill -HUP \$MAINPID" \
	'ExecStartPre=-/usr/sbin/ldwatchctl rules sync /etc/ldwatch' \
	'ExecReload=/usr/sbin/ldwatchctl rules sync /etc/ldwatch' \
	'Before=systemd-user-sessions.service'; do
	pass_if "ldwatchd.service: $line" grep -qxF "$line" "$unit"
done
# The configuration file shows the unit's default, commented out.
default=$(sed -n 's/^Environment="LDWATCHD_OPTIONS=\(.*\)"$/\1/p' "$unit")
if [[ -n $default ]] &&
	grep -qxF "#LDWATCHD_OPTIONS=\"$default\"" "$work/tools/etc/ldwatch/ldwatchd.conf"; then
	ok "ldwatchd.conf shows the unit's default options ($default)"
else
	not_ok "ldwatchd.conf shows the unit's default options ('$default')"
fi
# systemd's own parser: no unknown or invalid setting (the programs it
# names are not on this machine: that complaint is not the unit's).
bad=$(systemd-analyze verify --man=no "$unit" 2>&1 | grep -E 'Unknown|Invalid|Failed to parse|ignoring' || true)
if [[ -z $bad ]]; then
	ok "systemd-analyze verify: every setting of ldwatchd.service is known and valid"
else
	not_ok "systemd-analyze verify: every setting of ldwatchd.service is known and valid"
	printf '%s\n' "$bad" | sed 's/^/#   /'
fi
exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if systemd-analyze security --offline=yes --threshold=49 "$unit" >"$work/security.txt" 2>&1; then
	ok "systemd-analyze security ldwatchd.service: exposure $exposure, below 5"
else
	not_ok "systemd-analyze security ldwatchd.service: exposure $exposure, below 5"
	grep '✗' "$work/security.txt" | sed 's/^/#   /'
fi

# --- logrotate ------------------------------------------------------------------
rot=$work/tools/etc/logrotate.d/ldwatch
if grep -qE '^[[:space:]]*copytruncate' "$rot"; then
	not_ok "logrotate: no copytruncate (it can lose or split a record)"
else
	ok "logrotate: no copytruncate (it can lose or split a record)"
fi
check "logrotate: postrotate reloads ldwatchd (SIGHUP: it reopens its file)" \
	grep -q 'systemctl reload ldwatchd.service' "$rot"
# logrotate's own parser, on a copy whose path is in the scratch directory.
mkdir -p "$work/log"
: >"$work/log/alerts.ndjson"
sed "s|/var/log/ldwatch/|$work/log/|" "$rot" >"$work/logrotate.conf"
check "logrotate accepts /etc/logrotate.d/ldwatch (logrotate -d)" \
	logrotate -d -s "$work/logrotate.state" "$work/logrotate.conf"

# --- man pages ------------------------------------------------------------------
man_dir=$work/tools/usr/share/man/man8
for page in ldwatchd ldwatchctl; do
	if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_dir/$page.8.gz" \
		>"$work/$page.txt" 2>"$work/$page.warnings" && [[ ! -s $work/$page.warnings ]]; then
		ok "man --warnings -l $page.8: renders without a warning"
	else
		not_ok "man --warnings -l $page.8: renders without a warning"
		sed 's/^/#   /' "$work/$page.warnings"
	fi
	if grep -q "ldwatch $version" "$work/$page.txt" && ! grep -q '@[A-Z]*@' "$work/$page.txt"; then
		ok "$page.8: says ldwatch $version, no placeholder left"
	else
		not_ok "$page.8: says ldwatch $version, no placeholder left"
	fi
	# Names are copied from the page, and the checks below look for them
	# whole: no line may end inside a word at a hyphen, added or its own.
	broken=$(grep -nE '[[:alnum:]_.][-‐]$' "$work/$page.txt" || true)
	if [[ -z $broken ]]; then
		ok "$page.8: no name hyphenated or broken at a line's end"
	else
		not_ok "$page.8: no name hyphenated or broken at a line's end"
		printf '%s\n' "$broken" | sed 's/^/#   /'
	fi
done

# The man pages and --help describe the same programs: every option,
# record, ECS field, journal field, command and exit status --help names is
# in the man page, and every option the man page lists is in --help. The binaries are the
# package's own.
ldwatchd=$work/tools/usr/sbin/ldwatchd
ldwatchctl=$work/tools/usr/sbin/ldwatchctl
# Options of a --help text: the lines "    --name" or "    -h, --name".
help_options() { sed -n 's/^    \(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' | sort -u; }
# Options of a rendered man page: the tags of its OPTIONS section.
man_options() {
	awk '/^OPTIONS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		sed -n 's/^       \(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' | sort -u
}
same_set() { # same_set DESC A B
	if [[ $2 == "$3" ]]; then
		ok "$1 ($(tr '\n' ' ' <<<"$2"| sed 's/ $//'))"
	else
		not_ok "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/#   /' || true
	fi
}
"$ldwatchd" --help >"$work/ldwatchd.help"
same_set "ldwatchd(8) lists the options of ldwatchd --help, and only those" \
	"$(help_options <"$work/ldwatchd.help")" "$(man_options <"$work/ldwatchd.txt")"
# all_in DESC FILE WORD...: every WORD occurs in FILE, as it is.
all_in() {
	local desc=$1 file=$2 w missing=()
	shift 2
	for w; do
		grep -qF -- "$w" "$file" || missing+=("$w")
	done
	if ((${#missing[@]} == 0)); then ok "$desc"; else not_ok "$desc (missing: ${missing[*]})"; fi
}
mapfile -t words < <(grep -o 'ldwatch-[a-z-]*[a-z]' "$work/ldwatchd.help" | sort -u)
all_in "ldwatchd(8) describes every record ldwatchd --help names (${#words[@]})" \
	"$work/ldwatchd.txt" "${words[@]}"
mapfile -t words < <(grep -o 'LDWATCH_[A-Z_]*' "$work/ldwatchd.help" | sort -u)
all_in "ldwatchd(8) describes every journal field ldwatchd --help names (${#words[@]})" \
	"$work/ldwatchd.txt" "${words[@]}"
# ECS field names: whole ones ("ldwatch.process.host_root", "@timestamp"),
# and the tails --help gives after a whole one (".samples_omitted"), which
# the man page must give whole or as the same tail.
ecs_fields() { # ecs_fields FILE
	grep -oE '@timestamp|\<(ecs|event|file|process|user|group|host|rule|threat|error|ldwatch)(\.[A-Za-z0-9_]+)+' \
		"$1" | sort -u
	grep -oE '(^|[][ ({,])\.[a-z0-9_]+(\.[a-z0-9_]+)*' "$1" | sed 's/^[^.]*//' | sort -u
}
mapfile -t words < <(ecs_fields "$work/ldwatchd.help")
all_in "ldwatchd(8) names every ECS field ldwatchd --help names (${#words[@]})" \
	"$work/ldwatchd.txt" "${words[@]}"
# And --help names every field ldwatchd writes: each key the record
# writer (userspace/ecs_records.c) passes by its literal name (a call's
# second argument, after the document), whole
# ("threat.tactic.id/name" is two), or after its first two parts as a
# tail where those two begin another whole name (ldwatch.daemon.
# late_arrivals as ".late_arrivals" after ldwatch.daemon.alerts_written).
sed -E 's|([A-Za-z0-9_.]+)\.id/name|\1.id \1.name|g' "$work/ldwatchd.help" >"$work/ldwatchd.help-names"
mapfile -t keys < <(grep -oE '\<[a-z0-9_]+\([a-z_]+(\[[a-z]+\])?, "[@A-Za-z0-9_.]+"' \
	userspace/ecs_records.c | sed 's/.*"\(.*\)"$/\1/' | sort -u)
missing=()
for k in "${keys[@]}"; do
	head=$(cut -d. -f1-2 <<<"$k") tail=$(cut -s -d. -f3- <<<"$k")
	grep -qF -- "$k" "$work/ldwatchd.help-names" ||
		{ [[ -n $tail ]] && grep -qF -- "$head." "$work/ldwatchd.help-names" &&
			grep -qF -- ".$tail" "$work/ldwatchd.help-names"; } ||
		missing+=("$k")
done
if ((${#keys[@]} > 40 && ${#missing[@]} == 0)); then
	ok "ldwatchd --help names every field userspace/ecs_records.c writes (${#keys[@]})"
else
	not_ok "ldwatchd --help names every field userspace/ecs_records.c writes (${#keys[@]}; missing: ${missing[*]})"
fi
# Exit statuses: the numbers of each EXIT STATUS section.
exit_codes() { awk '/^ *EXIT STATUS/ { on = 1; next } /^ *[A-Z][A-Z ]+$/ { on = 0 } on && /^ +[0-9]+( |$)/ { print $1 }' | sort -u; }
same_set "ldwatchd(8) has the exit statuses of ldwatchd --help" \
	"$(exit_codes <"$work/ldwatchd.help")" "$(exit_codes <"$work/ldwatchd.txt")"

"$ldwatchctl" --help >"$work/ldwatchctl.help"
same_set "ldwatchctl(8) has the exit statuses of ldwatchctl --help" \
	"$(exit_codes <"$work/ldwatchctl.help")" "$(exit_codes <"$work/ldwatchctl.txt")"
commands=$(awk '/^COMMANDS/ { on = 1; next } /^[A-Z]/ { on = 0 } on && /^    [a-z]/ { print $1 }' \
	"$work/ldwatchctl.help" | sort)
man_commands=$(awk '/^COMMANDS/ { on = 1; next } /^[A-Z]/ { on = 0 } on && /^   [a-z]/ { print $1 }' \
	"$work/ldwatchctl.txt" | sort)
same_set "ldwatchctl(8) has a section for each command of ldwatchctl --help" \
	"$commands" "$man_commands"
for c in $commands; do
	"$ldwatchctl" help "$c" >"$work/ldwatchctl-$c.help"
	# The command's options in its own man page section.
	section=$(awk -v c="$c" '$0 == "   " c { on = 1; next } /^   [a-z]/ || /^[A-Z]/ { on = 0 } on' \
		"$work/ldwatchctl.txt")
	printf '%s\n' "$section" >"$work/ldwatchctl-$c.man"
	mapfile -t words < <(help_options <"$work/ldwatchctl-$c.help" | grep -vx -- --help)
	all_in "ldwatchctl(8), $c: every option of ldwatchctl help $c (${words[*]})" \
		"$work/ldwatchctl-$c.man" "${words[@]}"
done

summary
