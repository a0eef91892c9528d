# shellcheck shell=sh
#
# Harness self-test, not a test of ldwatch: put a kernel-log line that looks
# like a WARN into the console. tests/vm/run.sh expects the harness to fail
# this run; if it passed, the splat check would be blind.

# shellcheck source-path=SCRIPTDIR source=../guest-lib.sh
. /tests/lib.sh

echo "WARNING: CPU: 0 PID: 1 at harness-self-test (deliberate)" >/dev/kmsg
ok "wrote a WARNING line to the kernel log"
