#!/usr/bin/env bash
#
# ldwatch VM harness: run run-vm.sh once per kernel release and print one
# combined "N passed, N failed" line at the end (CI reads only the last one).
# Run with --help for usage.

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly PROG HERE

usage() {
	cat <<EOF
Usage: $PROG --out DIR RELEASE... -- RUN_VM_ARG...

Run tests/vm/run-vm.sh --kernel RELEASE --out DIR/RELEASE RUN_VM_ARG... for
each RELEASE in turn. In RUN_VM_ARG, the text {release} is replaced by the
release (for modules built per kernel, e.g. --module build/{release}/x.ko).

Prints every run's result lines (each run's own summary line becomes a "#"
comment) and ends with exactly one line "N passed, N failed" over all runs.
Exit status: 0 if nothing failed, 1 otherwise, 2 on a usage error.

Example:
  $PROG --out /tmp/vm 6.1.0-56-amd64 6.1.0-56-rt-amd64 6.12.117+deb12-amd64 \\
      -- --module /tmp/mod/{release}/ldwatch.ko tests/vm/guest/smoke.sh
EOF
}

usage_error() {
	printf '%s: %s\nTry %s --help\n' "$PROG" "$*" "$PROG" >&2
	exit 2
}

out=
releases=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--out) [[ $# -ge 2 ]] || usage_error "--out needs an argument"; out=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) usage_error "unknown option: $1" ;;
	*) releases+=("$1"); shift ;;
	esac
done
[[ -n $out ]] || usage_error "--out DIR is required"
[[ ${#releases[@]} -gt 0 ]] || usage_error "no kernel release given"
[[ $# -gt 0 ]] || usage_error "no run-vm.sh arguments after --"

total_passed=0
total_failed=0
re_summary='^([0-9]+) passed, ([0-9]+) failed$'
for r in "${releases[@]}"; do
	args=()
	for a in "$@"; do
		args+=("${a//\{release\}/$r}")
	done
	got_summary=0
	while IFS= read -r line; do
		if [[ $line =~ $re_summary ]]; then
			total_passed=$((total_passed + BASH_REMATCH[1]))
			total_failed=$((total_failed + BASH_REMATCH[2]))
			got_summary=1
			printf '# [%s] %s\n' "$r" "$line"
		else
			printf '%s\n' "$line"
		fi
	done < <("$HERE/run-vm.sh" --kernel "$r" --out "$out/$r" "${args[@]}" || true)
	if [[ $got_summary -eq 0 ]]; then
		printf 'not ok - [%s] run-vm.sh printed no summary\n' "$r"
		total_failed=$((total_failed + 1))
	fi
done

printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
[[ $total_failed -eq 0 ]]
