# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's report: reads the guest's figures, prints the table and
# writes the JSON file. tests/bench/run.sh runs it as
#
#   awk -v release=R -v metric=M -v figure=F -v json=FILE -v title=TEXT -f report.awk RESULTS
#
# RESULTS holds run-vm.sh's result lines; the figures are the lines
#
#   bench CONFIG ROUND FS OPERATION ITERATIONS NANOSECONDS BATCH FASTEST
#
# (ldw-bench's output: ITERATIONS operations in NANOSECONDS, timed in
# batches of BATCH, the fastest of which took FASTEST). A round's figure
# for an operation is, with figure=fastest, FASTEST / BATCH: the
# operation's own path, which no interrupt or background work landed in;
# with figure=loop, NANOSECONDS / ITERATIONS: everything that ran during
# the loop, per operation.
#
# Per operation (FS/OPERATION) and configuration (none, ldwatch, rules,
# prefix, kprobe, audit) the table shows the median over the rounds of
# that figure, what ldwatch adds (ldwatch - none), what it adds with every
# shipped rule loaded (rules - none) and with the prefix-anchored ld.so
# rule besides (prefix - none), the ratios to "none", the spread of the
# rounds, and, for metric icount, the goals: ldwatch adds at most 1%
# ((ldwatch - none) / none <= 0.01), so does ldwatch with every shipped
# rule loaded ((rules - none) / none <= 0.01), and ldwatch's overhead is
# under a fifth of audit's ((ldwatch - none) < (audit - none) / 5). The
# goals are ldwatch's, with its default hooks (ftrace) and its shipped
# rules; prefix (a test rule, not shipped) and kprobe (the module loaded
# with hook=kprobe) are shown beside it, not judged.
#
# The JSON file: {"kernel": R, "metric": M, "ops": {"FS/OPERATION":
# {"none": N, "ldwatch": N, "rules": N, "prefix": N, "kprobe": N,
# "audit": N}, ...}},
# a configuration that has no figure as null. Plain POSIX awk (Debian's
# default is mawk).

function sort_numbers(a, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}

# median KEY: the median of the figures of KEY (op SUBSEP config), or "".
function median(key,    n, i, v) {
	n = count[key]
	if (!n)
		return ""
	for (i = 1; i <= n; i++)
		v[i] = fig[key, i]
	sort_numbers(v, n)
	lo[key] = v[1]
	hi[key] = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

function json_escape(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return s
}

function fmt_ns(v) {
	return v == "" ? "-" : sprintf("%.1f", v)
}

function fmt_ratio(v, base) {
	return v == "" || base == "" || base <= 0 ? "-" : sprintf("%.4f", v / base)
}

function fmt_diff(v, base) {
	return v == "" || base == "" ? "-" : sprintf("%+.0f", v - base)
}

BEGIN {
	nconfigs = split("none ldwatch rules prefix kprobe audit", configs, " ")
	nops = 0
	bad = 0
}

$1 == "bench" {
	if (NF != 9 || $6 !~ /^[0-9]+$/ || $7 !~ /^[0-9]+$/ || $8 !~ /^[0-9]+$/ ||
	    $9 !~ /^[0-9]+$/ || $6 == 0 || $8 == 0) {
		printf "# report: malformed figure line: %s\n", $0
		bad++
		next
	}
	op = $4 "/" $5
	if (!(op in seen)) {
		seen[op] = 1
		ops[++nops] = op
	}
	key = op SUBSEP $2
	count[key]++
	fig[key, count[key]] = figure == "fastest" ? $9 / $8 : $7 / $6
	round[key, count[key]] = $3
	if ($2 == "audit" && (first_audit == "" || $3 < first_audit))
		first_audit = $3
}

END {
	unit = metric ~ /^icount/ ? "instructions (ns of icount guest time) per operation" : \
		"ns of wall time per operation"
	unit = unit (figure == "fastest" ? " in the round's fastest batch" : \
		", the whole loop")
	printf "\n%s\n", title
	printf "%s; median of the rounds; +ldw = ldwatch - none; rules = ldwatch with every shipped rule loaded, +rul = rules - none; prefix = rules and the prefix-anchored ld.so rule, +pre = prefix - none, not judged; kprobe = ldwatch with hook=kprobe, not judged; spread = (max - min) / median over the rounds, the widest of the six\n", unit
	printf "%-24s %9s %9s %9s %9s %9s %9s %7s %7s %7s %9s %9s %9s %9s %9s %7s %7s %7s %7s\n", \
		"operation", "none", "ldwatch", "rules", "prefix", "kprobe", "audit", "+ldw", \
		"+rul", "+pre", "ldw/none", "rul/none", "pre/none", "kp/none", "aud/none", \
		"spread", "ldw<=1%", "rul<=1%", "<aud/5"
	all1 = all5 = allr = 1
	for (i = 1; i <= nops; i++) {
		op = ops[i]
		spread = 0
		for (c = 1; c <= nconfigs; c++) {
			key = op SUBSEP configs[c]
			med[configs[c]] = median(key)
			if (med[configs[c]] != "" && med[configs[c]] > 0 && \
			    (hi[key] - lo[key]) / med[configs[c]] > spread)
				spread = (hi[key] - lo[key]) / med[configs[c]]
		}
		n = med["none"]; l = med["ldwatch"]; r = med["rules"]; p = med["prefix"]
		k = med["kprobe"]; a = med["audit"]
		goal1 = goal5 = goalr = "-"
		# Wall time drifts more than the goals' margins: no verdict.
		if (metric == "icount" && n != "" && l != "") {
			goal1 = (l - n) / n <= 0.01 ? "yes" : "NO"
			if (a != "")
				goal5 = (l - n) < (a - n) / 5 ? "yes" : "NO"
		}
		if (metric == "icount" && n != "" && r != "")
			goalr = (r - n) / n <= 0.01 ? "yes" : "NO"
		if (goal1 != "yes")
			all1 = 0
		if (goal5 != "yes")
			all5 = 0
		if (goalr != "yes")
			allr = 0
		printf "%-24s %9s %9s %9s %9s %9s %9s %7s %7s %7s %9s %9s %9s %9s %9s %6.2f%% %7s %7s %7s\n", \
			op, fmt_ns(n), fmt_ns(l), fmt_ns(r), fmt_ns(p), fmt_ns(k), fmt_ns(a), \
			fmt_diff(l, n), fmt_diff(r, n), fmt_diff(p, n), fmt_ratio(l, n), \
			fmt_ratio(r, n), fmt_ratio(p, n), fmt_ratio(k, n), fmt_ratio(a, n), \
			100 * spread, goal1, goalr, goal5
		for (c = 1; c <= nconfigs; c++)
			jmed[op, configs[c]] = med[configs[c]]

		# "none" before the first audit round against after it, on stat,
		# the steadiest operation and mostly system call: a process that
		# still carried syscall auditing after audit was switched off
		# would cost a third more there (see guest/bench.sh).
		if (op !~ /\/stat$/)
			continue
		key = op SUBSEP "none"
		before = after = ""
		nb = na = 0
		for (r = 1; r <= count[key]; r++) {
			if (first_audit != "" && round[key, r] <= first_audit) {
				before += fig[key, r]; nb++
			} else if (first_audit != "") {
				after += fig[key, r]; na++
			}
		}
		if (nb && na) {
			d = (after / na) / (before / nb) - 1
			if (d < 0)
				d = -d
			if (d > worst_drift)
				worst_drift = d
			drift_known = 1
		}
	}
	if (!nops)
		printf "(no figures)\n"
	else if (metric == "icount-loop")
		printf "goals: judged on the fastest batches only: a whole loop also counts the interrupts and background work that ran meanwhile, which vary by tenths of a percent from round to round\n"
	else if (metric != "icount")
		printf "goals: judged on the instruction counts only\n"
	else
		printf "goals: ldwatch adds <= 1%% to every operation: %s; with every shipped rule loaded (rules): %s; ldwatch's overhead < 1/5 of audit's for every operation: %s\n", \
			all1 ? "met" : "NOT met", allr ? "met" : "NOT met", all5 ? "met" : "NOT met"
	if (drift_known && metric == "icount")
		printf "audit leaves nothing behind: \"none\" before the first audit round and after it differ by at most %.2f%% (stat)\n", \
			100 * worst_drift
	if (bad)
		printf "%d malformed figure lines ignored\n", bad

	if (json == "")
		exit 0
	printf("{\"kernel\": \"%s\", \"metric\": \"%s\", \"ops\": {", json_escape(release),
	    json_escape(metric)) >json
	for (i = 1; i <= nops; i++) {
		op = ops[i]
		printf("%s\n  \"%s\": {", i > 1 ? "," : "", json_escape(op)) >json
		for (c = 1; c <= nconfigs; c++) {
			v = jmed[op, configs[c]]
			printf("%s\"%s\": %s", c > 1 ? ", " : "", configs[c],
			    v == "" ? "null" : sprintf("%.1f", v)) >json
		}
		printf "}" >json
	}
	printf("%s}}\n", nops ? "\n" : "") >json
	close(json)
}
