#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: one boot of Debian's kernel under QEMU runs the workloads of
# selftests/tcpka_bench.c without tcpka and with tcpka (a mode=force policy
# on every socket), alternated three times; prints each workload's median
# with tcpka as a ratio to the median without it, and the spread of the
# runs without it (TCG emulation is noisy: a ratio within that spread is
# no measurable difference). Then a scale run: 20000 half-open connections
# of one cgroup, one policy write re-arming them all, and the time to read
# /proc/net/tcpka/probing with 20000 rows. TCPKA_BENCH_KERNEL=6.12 picks the
# other kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

krel=$(krel_for "${TCPKA_BENCH_KERNEL:-6.1}")
out=$TCPKA_TOP/build/bench-$krel.log
mkdir -p "$TCPKA_TOP/build"
vm_run "${TCPKA_BENCH_KERNEL:-6.1}" "$TCPKA_TOP/selftests/bench.sh" >"$out" 2>&1 ||
	{ cat "$out"; die "the benchmark VM failed"; }

echo "tcpka benchmark on $krel (QEMU TCG, 2 vCPUs), $(date -u +%F)"
awk '
function median(p, w,    i, j, t, a, k) {
	k = cnt[p, w]
	for (i = 1; i <= k; i++) a[i] = v[p, w, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[k]
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
$1 == "BENCH" { v[$2, $3, ++cnt[$2, $3]] = $4; unit[$3] = $5
	if (!seen[$3]++) order[n++] = $3 }
$1 == "STATS" { stats = stats "  " $2 " " $3 "\n" }
$1 == "SCALE" && $3 == "policy-write" { scale = scale sprintf("  one policy write re-arming %d established sockets: %s ms\n", $2, $4) }
$1 == "SCALE" && $3 == "readfile" { scale = scale sprintf("  /proc/net/tcpka/probing with %d rows (+ header: %s): read in %s ms\n", $2, $6, $4) }
$1 == "SCALESTATS" && ($2 == "sockets_rearmed" || $2 == "rounds_started" || $2 == "track_overflow") { scale = scale "    " $2 " " $3 "\n" }
END {
	printf "%-12s %16s %16s %16s %7s %7s %7s\n", "workload", "without tcpka",
		"policy default", "policy force", "ratio d", "ratio f", "spread"
	for (i = 0; i < n; i++) {
		w = order[i]
		d = median("default", w)
		b = median("with", w)
		a = median("without", w)
		sp = a ? 100 * (hi - lo) / a : 0
		printf "%-12s %10.1f %-5s %10.1f %-5s %10.1f %-5s %7.3f %7.3f %6.1f%%\n",
			w, a, unit[w], d, unit[w], b, unit[w], a ? d / a : 0,
			a ? b / a : 0, sp
	}
	print "medians of 3 runs each, alternated in one boot; ratio d, f: with a"
	print "mode=default / mode=force policy on / over without tcpka;"
	print "spread: (max - min) / median of the runs without tcpka"
	printf "tcpka counters of the last run with it:\n%s", stats
	printf "scale (half-open connections of one cgroup):\n%s", scale
}' "$out"
