#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the KUnit output of a lab guest's console into result lines.

Usage: ktap_results.py LAB_TREE CONSOLE OUTDIR

CONSOLE is run-vm.sh's console.txt. tests/lab/guest/kunit.sh brackets each
test module's run with the kernel-log lines "ldwatch-lab: ktap-begin NAME" and
"ldwatch-lab: ktap-end NAME"; the kernel-log lines between them (printk
timestamps removed) are NAME's KTAP. Each is parsed by the lab tree's own
tools/testing/kunit/kunit.py parse (into OUTDIR/ktap-NAME.{txt,json,log}),
and each test case becomes "ok - [kunit NAME] SUITE.CASE" or "not ok - ...",
with kunit.py's account of the failures as "#" lines. A module whose KTAP is
missing, cut short or inconsistent (kunit.py parse fails while no case does)
is one more failure. Prints a "# kunit: ..." tally; exit status 0 iff
nothing failed.
"""

import json
import os
import re
import subprocess
import sys

STAMP = re.compile(r'^\[ *[0-9]+\.[0-9]+\] ')
MARK = re.compile(r'^ldwatch-lab: ktap-(begin|end) (\S+)$')


def segments(console):
    """[(name, [lines], ended)] in the order the modules ran."""
    found, cur = [], None
    with open(console, errors='backslashreplace') as f:
        for raw in f:
            m = STAMP.match(raw)
            if not m:
                continue  # userspace output on the console, not the kernel's
            line = raw[m.end():].rstrip('\n')
            mark = MARK.match(line)
            if mark and mark.group(1) == 'begin':
                cur = (mark.group(2), [], [False])
                found.append(cur)
            elif mark and cur and mark.group(2) == cur[0]:
                cur[2][0] = True
                cur = None
            elif cur:
                cur[1].append(line)
    return [(n, lines, ended[0]) for n, lines, ended in found]


def cases(group, path=()):
    """(dotted name, status) of every leaf test case in a kunit.py JSON group."""
    for sub in group.get('sub_groups', []):
        yield from cases(sub, path + (sub['name'] or '(unnamed)',))
    for case in group.get('test_cases', []):
        # kunit.py names a test whose result line never came ''.
        yield '.'.join(path + (case['name'] or '(no result line)',)), case['status']


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tree, console, outdir = (os.path.abspath(a) for a in sys.argv[1:])
    kunit_py = os.path.join(tree, 'tools/testing/kunit/kunit.py')
    os.makedirs(outdir, exist_ok=True)
    tally = {'PASS': 0, 'SKIP': 0, 'FAIL': 0}
    failed = 0

    def result(good, desc):
        nonlocal failed
        failed += 0 if good else 1
        print(('ok - ' if good else 'not ok - ') + desc)

    segs = segments(console)
    if not segs:
        result(False, '[kunit] the console holds a KUnit module run (ktap-begin marker)')
    for name, lines, ended in segs:
        base = os.path.join(outdir, 'ktap-' + name)
        with open(base + '.txt', 'w') as f:
            f.write('\n'.join(lines) + '\n')
        # kunit.py changes into its own tree: every path it gets is absolute.
        proc = subprocess.run([sys.executable, kunit_py, 'parse', '--json=' + base + '.json',
                               base + '.txt'], capture_output=True, text=True)
        with open(base + '.log', 'w') as f:
            f.write(proc.stdout + proc.stderr)
        found = []
        try:
            with open(base + '.json') as f:
                found = list(cases(json.load(f)))
        except (OSError, ValueError):
            pass
        bad = False
        for case, status in found:
            good = status in ('PASS', 'SKIP')
            tally[status if status in tally else 'FAIL'] += 1
            suffix = ' # SKIP' if status == 'SKIP' else ''
            result(good, '[kunit %s] %s%s' % (name, case, suffix))
            bad = bad or not good
        if not ended:
            result(False, '[kunit %s] the module run ended (ktap-end marker; '
                   'the guest crashed or hung in it)' % name)
            bad = True
        if not found:
            result(False, '[kunit %s] its KTAP holds test cases' % name)
            bad = True
        elif proc.returncode != 0 and not bad:
            result(False, '[kunit %s] kunit.py parse accepts its KTAP (exit status %d)'
                   % (name, proc.returncode))
            bad = True
        if bad:
            print('# kunit.py parse (%s.log):' % base)
            for line in (proc.stdout + proc.stderr).splitlines()[-60:]:
                print('#   ' + line)
    print('# kunit: %d cases passed, %d skipped, %d failed' %
          (tally['PASS'], tally['SKIP'], tally['FAIL']))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
