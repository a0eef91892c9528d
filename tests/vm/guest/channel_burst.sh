# shellcheck shell=sh
#
# Harness self-test, not a test of ldwatch: the result channel carries a
# burst. Two writers at once, each as fast as the shell can go, write
# $per_writer numbered lines each: writer a through one open of the channel,
# writer b opening it for every line as ok() does. tests/vm/run.sh then
# checks on the host that every line arrived whole, once and in order.
# The channel was a second 8250 UART until one went silent on PREEMPT_RT
# after about 700 lines of a test run ("irq 3: nobody cared"). In a trial,
# this burst alone (even 10,000 lines a writer) did not stop that UART: it
# proves the volume and the ordering, not that old failure's cause.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

per_writer=2500

(
	i=0
	while [ "$i" -lt "$per_writer" ]; do
		printf 'channel-burst a %d\n' "$i"
		i=$((i + 1))
	done >>"$LDW_RESULTS"
) &
a=$!
(
	i=0
	while [ "$i" -lt "$per_writer" ]; do
		printf 'channel-burst b %d\n' "$i" >>"$LDW_RESULTS"
		i=$((i + 1))
	done
) &
b=$!
rc_a=0
rc_b=0
wait "$a" || rc_a=$?
wait "$b" || rc_b=$?
printf 'channel-burst-end %d\n' "$per_writer" >>"$LDW_RESULTS"
if [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ]; then
	ok "two writers wrote $per_writer lines each on $LDW_RESULTS"
else
	not_ok "two writers wrote $per_writer lines each on $LDW_RESULTS (a exited $rc_a, b $rc_b)"
fi
