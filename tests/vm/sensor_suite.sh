# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The sensor's guest scenario suite, as one piece that both guest tiers use:
# tests/vm/run.sh (Debian's kernels) and tests/lab/run.sh (the lab kernel).
# Sourced after tests/lib.sh, from $LDW_TOP.
#
#   sensor_suite_prepare      build what the scenarios need (test programs,
#                             checked on the host first; ldwatchd and
#                             ldwatchctl; an ext4 image), with a result line
#                             each; sets sensor_ready=1 if all of it is there
#   sensor_suite_args KMODS   set sensor_args: the run-vm.sh arguments, then
#                             the scripts in order (sensor_scripts). KMODS=
#                             kmod packs loop, ext4, overlay and fuse from the
#                             distribution kernel; KMODS=builtin does not
#                             (the lab kernel has them built in)
#   vm_suite NAME ARGS...     run tests/vm/run-vm.sh ARGS, adopting its
#                             result lines and tally into ours; NAME labels
#                             its own failures

# The sensor scenarios, in order, in the same boot as the module tests.
sensor_scripts=(
	tests/vm/guest/sensor_start.sh tests/vm/guest/sensor_cases.sh
	tests/vm/guest/sensor_names.sh tests/vm/guest/sensor_fs.sh
	tests/vm/guest/sensor_identity.sh tests/vm/guest/sensor_blind.sh
	tests/vm/guest/sensor_trace.sh
	tests/vm/guest/sensor_listen.sh tests/vm/guest/sensor_checks.sh
	# Rules at runtime (issue 15): with the shared sensor, which it leaves
	# with the built-in rules in force.
	tests/vm/guest/sensor_rules.sh
	tests/vm/guest/sensor_loop.sh tests/vm/guest/sensor_stop.sh
	tests/vm/guest/sensor_loss.sh tests/vm/guest/sensor_ratelimit.sh
	tests/vm/guest/sensor_failures.sh
	tests/vm/guest/sensor_tamper.sh tests/vm/guest/sensor_slots.sh
)

# LDW_SCENARIOS="identity ratelimit" (while working on them): only those
# scenarios, after sensor_start.sh, which starts the sensor.
# They keep the suite's order (some end what others begin).
if [[ -n ${LDW_SCENARIOS:-} ]]; then
	wanted=()
	for script in "${sensor_scripts[@]}"; do
		name=${script##*/sensor_}
		name=${name%.sh}
		[[ $name == start || " $LDW_SCENARIOS " == *" $name "* ]] && wanted+=("$script")
	done
	sensor_scripts=("${wanted[@]}")
	unset wanted name script
fi

sensor_progs=$LDW_BUILD/vm-progs
sensor_image=$LDW_BUILD/vm/ext4.img
sensor_ready=0

sensor_suite_prepare() {
	local progs=$sensor_progs image=$sensor_image mkfs_ext4
	sensor_ready=1
	if ! check "the guest test programs build (tests/vm/progs)" \
		make --no-print-directory -C tests/vm/progs OUT="$progs"; then
		sensor_ready=0
	elif ! check "ldw-expect builds with ASan and UBSan" \
		make --no-print-directory -C tests/vm/progs OUT="$progs-asan" STATIC= \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		"$progs-asan/ldw-expect"; then
		sensor_ready=0
	elif ! tests/vm/progs/test-ldw-expect.sh "$progs-asan/ldw-expect" >"$LDW_BUILD/vm-progs.log" 2>&1; then
		not_ok "ldw-expect passes its own tests on the host, under ASan and UBSan (see $LDW_BUILD/vm-progs.log)"
		grep -A3 '^not ok' "$LDW_BUILD/vm-progs.log" | sed 's/^/#   /'
		sensor_ready=0
	else
		ok "ldw-expect passes its own tests on the host, under ASan and UBSan"
	fi
	if ! check "ldwatchd and ldwatchctl build" make --no-print-directory userspace ||
		[[ ! -x $LDW_BUILD/ldwatchd ]]; then
		[[ -x $LDW_BUILD/ldwatchd ]] || not_ok "ldwatchd exists ($LDW_BUILD/ldwatchd)"
		sensor_ready=0
	fi
	mkfs_ext4=$(PATH=$PATH:/sbin:/usr/sbin command -v mkfs.ext4 || true)
	mkdir -p "$(dirname "$image")"
	if [[ -z $mkfs_ext4 ]]; then
		not_ok "mkfs.ext4 exists (apt-get install e2fsprogs)"
		sensor_ready=0
	elif ! check "make an ext4 image for the guests" \
		"$mkfs_ext4" -q -F -L ldw-ext4 -E root_owner=0:0 "$image" 16M; then
		sensor_ready=0
	fi
	((sensor_ready)) || diag "the sensor scenarios are not run (see the failures above)"
	return 0
}

sensor_suite_args() {
	sensor_args=()
	[[ $1 == kmod ]] && sensor_args+=(--kmod loop --kmod ext4 --kmod overlay)
	# FUSE, for ldw-fuse-hang (a module on 6.1, built in on 6.12).
	[[ $1 == kmod ]] && sensor_args+=(--kmod fuse)
	sensor_args+=(
		--bin "$LDW_BUILD/ldwatchd" --bin "$LDW_BUILD/ldwatchctl"
		--bin "$sensor_progs/ldw-ops" --bin "$sensor_progs/ldw-expect"
		--bin "$sensor_progs/ldw-listen"
		# A replaced executable link; opens held in FUSE.
		--bin "$sensor_progs/ldw-exelink" --bin "$sensor_progs/ldw-fuse-hang"
		--file tests/vm/guest/sensor_lib.sh:/tests/sensor_lib.sh
		--file "$sensor_image:/images/ext4.img"
		# Debian's GNU sed, for `sed -i` as the rule's sed exclusion means it.
		--file /bin/sed:/opt/sed/sed
		# The shipped rule files, loaded as they are (sensor_rules.sh).
		--file rules/elastic-640f79d1-v3.eql:/tests/rules/elastic-640f79d1-v3.eql
		--file rules/elastic-640f79d1-v9.eql:/tests/rules/elastic-640f79d1-v9.eql
		"${sensor_scripts[@]}"
	)
}

vm_suite() {
	local name=$1 line tallied=0 failures=0
	shift
	while IFS= read -r line; do
		if adopt_tally "$line"; then
			tallied=1
		else
			[[ $line == 'not ok'* ]] && failures=$((failures + 1))
			printf '%s\n' "$line"
		fi
	done < <(tests/vm/run-vm.sh "$@" || true)
	((tallied)) || not_ok "[$name] run-vm.sh ended with its tally line"
	((failures == 0))
}
