#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tests/bench/flood_smoke.sh
#
# A fast run of the flood measurement (tests/bench/flood.sh) for
# `make check`: Debian's 6.1 kernel only, the flowing and stopped floods of
# 2 s (ldwatchd stopped for 1 s), no baseline and no rate search, and the
# two attacks of 3 s each (an unprivileged flooder in user and mount
# namespaces of its own while root creates a real target every 0.5 s;
# userns-spread with a fresh budget a namespace). The module's queue
# (queue_max_alerts=64) and ldwatchd's receive buffer (64K) are made small,
# so that the floods lose alerts and the accounting is tested with drops in
# it, and the attack's flood fills the queue up to its reserve. Asserted,
# exactly: delivered + dropped == target operations and ldwatchd's gap
# records == the drop counters (the guest checks each flood; here again
# from the JSON); every one of root's alerts delivered, complete (the guest
# checks; here again from the JSON); flood.json is well-formed, with the
# issue's fields. No timing is asserted: root's latency is shown.
# Ends with "N passed, N failed".
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LDW_TOP"

out=$LDW_BUILD/bench-flood-smoke
mkdir -p "$out"

smoke_kernel

rm -f "$out"/flood*.json
relay_results < <(tests/bench/flood.sh --kernel "$release" \
	--configs "flowing stopped userns userns-spread" \
	--seconds 2 --pause-at 0.5 --pause-for 1 --queue-max-alerts 64 \
	--receive-buffer 64K --userns-seconds 3 --root-every 0.5 \
	--no-timing-checks --out "$out" 2>&1 || true) ||
	not_ok "tests/bench/flood.sh ended with its tally line"

# check_json FILE: the issue's fields, numbers where the floods ran (the
# rate search did not run: its figures are null), and the accounting.
check_json() {
	python3 - "$1" <<'EOF'
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)
errors = []


def integer(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


for key in ("operations", "delivered", "dropped", "daemon_gap_records",
            "module_slab_peak_bytes"):
    if not integer(doc.get(key)):
        errors.append("%s is not a count: %r" % (key, doc.get(key)))
if "lossless_alerts_per_s" not in doc:
    errors.append("lossless_alerts_per_s is missing")
elif doc["lossless_alerts_per_s"] is not None and not integer(doc["lossless_alerts_per_s"]):
    errors.append("lossless_alerts_per_s is not a count or null")
lat = doc.get("latency_us")
if not isinstance(lat, dict) or set(lat) < {"p50", "p99"}:
    errors.append("latency_us is not {p50, p99}: %r" % (lat,))
else:
    for key in ("p50", "p99"):
        if lat[key] is not None and not integer(lat[key]):
            errors.append("latency_us.%s is not a count or null" % key)
if not errors:
    if doc["operations"] == 0:
        errors.append("no operations")
    if doc["delivered"] + doc["dropped"] != doc["operations"]:
        errors.append("delivered %d + dropped %d != operations %d"
                      % (doc["delivered"], doc["dropped"], doc["operations"]))
    if doc["daemon_gap_records"] != doc["dropped"]:
        errors.append("daemon_gap_records %d != dropped %d"
                      % (doc["daemon_gap_records"], doc["dropped"]))
attacks = doc.get("attack")
for cfg in ("userns", "userns-spread"):
    a = attacks.get(cfg) if isinstance(attacks, dict) else None
    if not isinstance(a, dict) or not isinstance(a.get("root"), dict) \
            or not isinstance(a.get("flooder"), dict):
        errors.append("attack.%s is not {root, flooder}: %r" % (cfg, a))
        continue
    root, flooder = a["root"], a["flooder"]
    bad = False
    for key in ("operations", "delivered", "complete"):
        if not integer(root.get(key)):
            errors.append("attack.%s.root.%s is not a count: %r" % (cfg, key, root.get(key)))
            bad = True
    for key in ("operations", "alerts", "suppressed", "dropped"):
        if not integer(flooder.get(key)):
            errors.append("attack.%s.flooder.%s is not a count: %r"
                          % (cfg, key, flooder.get(key)))
            bad = True
    lat = root.get("latency_us")
    if not isinstance(lat, dict) or not integer(lat.get("p50")) or not integer(lat.get("max")):
        errors.append("attack.%s.root.latency_us is not {p50, max}: %r" % (cfg, lat))
        bad = True
    if bad:
        continue
    if root["operations"] == 0:
        errors.append("attack.%s: root did nothing" % cfg)
    if root["delivered"] != root["operations"] or root["complete"] != root["operations"]:
        errors.append("attack.%s: of root's %d alerts %d delivered, %d complete"
                      % (cfg, root["operations"], root["delivered"], root["complete"]))
    if flooder["operations"] == 0:
        errors.append("attack.%s: the flooder did nothing" % cfg)
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF
}

json=$out/flood.json
if [[ -r $json ]]; then
	check "[$release] ${json#"$LDW_TOP"/} is well-formed JSON with the issue's fields, and delivered + dropped == operations, gap records == dropped" \
		check_json "$json" || true
	dropped=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("dropped"))' "$json" 2>/dev/null || true)
	diag "[$release] alerts dropped in the smoke floods: ${dropped:-?} (the small queue and buffer are meant to drop some)"
	python3 - "$json" <<'EOF' | while IFS= read -r line; do diag "[$release] $line"; done || true
import json
import sys

for cfg, a in (json.load(open(sys.argv[1])).get("attack") or {}).items():
    if isinstance(a, dict) and isinstance(a.get("root"), dict):
        r, f = a["root"], a["flooder"]
        print("%s: root's alerts %s of %s, latency median %s us, max %s us (not asserted); "
              "the flooder's %s operations: %s alerts, %s suppressed, %s dropped"
              % (cfg, r["delivered"], r["operations"], r["latency_us"]["p50"],
                 r["latency_us"]["max"], f["operations"], f["alerts"], f["suppressed"],
                 f["dropped"]))
EOF
else
	not_ok "[$release] ${json#"$LDW_TOP"/} was written"
fi

summary
