#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: one boot of Debian's kernel under QEMU runs the workloads of
# selftests/tcpka_bench.c on the stock kernel, with a BPF peer (a cgroup
# sockops program setting the same keepalive: selftests/bpf/) and with
# tcpka (mode=default and mode=force policies), three times, each run in
# another order;
# prints each workload's best run as a ratio to the stock kernel's best,
# and the spread of the stock runs (TCG emulation is noisy: a ratio within
# that spread is no measurable difference). The keepalive storms print
# their probe counts too: equal counts prove equal work. Then a scale run:
# 100000 half-open connections of one cgroup, one policy write re-arming
# them all, and the time to read /proc/net/tcpka/probing with 100000 rows.
# TCPKA_BENCH_KERNEL=6.12 picks the other kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The BPF peer: clang and libbpf from Debian, built on first use.
need_pkgs clang libbpf-dev libelf-dev zlib1g-dev gcc libc6-dev
bpfdir=$TCPKA_TOP/selftests/bpf
sum=$(cat "$bpfdir"/tcpka_ka.bpf.c "$bpfdir"/tcpka_bpfload.c | sha256sum | cut -c1-16)
obj=$TCPKA_CACHE/bpf-$sum/tcpka_ka.bpf.o
loader=$TCPKA_CACHE/bpf-$sum/tcpka_bpfload
if [ ! -x "$loader" ]; then
	log "building the BPF peer"
	mkdir -p "$TCPKA_CACHE/bpf-$sum"
	clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -Wall -Werror \
		-c "$bpfdir/tcpka_ka.bpf.c" -o "$obj"
	gcc -static -O2 -Wall -Wextra -Werror -o "$loader.tmp" \
		"$bpfdir/tcpka_bpfload.c" -lbpf -lelf -lz
	mv "$loader.tmp" "$loader"
fi

# perf from Debian (linux-perf), with the libraries it loads, for a profile
# of the storm inside the VM: tcpka's own functions' share of its samples.
need_pkgs linux-perf
perfdir=$TCPKA_TOP/build/bench-perf
rm -rf "$perfdir"
mkdir -p "$perfdir"
perfbin=$(readlink -f "$(command -v perf)")
# Debian's /usr/bin/perf may be a wrapper picking perf_<version>.
[ -x "${perfbin}_$(perf --version 2>/dev/null | awk '{ split($3, v, "."); print v[1] "." v[2] }')" ] &&
	perfbin=${perfbin}_$(perf --version | awk '{ split($3, v, "."); print v[1] "." v[2] }')
cp "$perfbin" "$perfdir/perf"
ldd "$perfbin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	while read -r l; do cp -L "$l" "$perfdir/"; done
perffiles=()
for f in "$perfdir"/*; do perffiles+=(--file "$f"); done

krel=$(krel_for "${TCPKA_BENCH_KERNEL:-6.1}")
out=$TCPKA_TOP/build/bench-$krel.log
mkdir -p "$TCPKA_TOP/build"
# TCPKA_BENCH_SIZES="RUNS=1 STORM=2000 SECS=3 HALF=5000": a quick run, to
# try the benchmark itself out.
run=$TCPKA_TOP/build/bench-run.sh
{
	echo "#!/bin/sh"
	for kv in ${TCPKA_BENCH_SIZES:-}; do echo "export $kv"; done
	echo ". /selftests/bench.sh"
} >"$run"
# TCPKA_BENCH_LOG=FILE: print the table of an earlier run's log again.
if [ -n "${TCPKA_BENCH_LOG:-}" ]; then
	out=$TCPKA_BENCH_LOG
else
	# slub_nomerge: tcpka's record cache is its own in /proc/slabinfo,
	# and rmmod gives its slabs back, not objects in a shared cache.
	TCPKA_VM_APPEND=slub_nomerge vm_run "${TCPKA_BENCH_KERNEL:-6.1}" "$run" \
		--file "$obj" --file "$loader" "${perffiles[@]}" --mem 2048 --timeout 3600 \
		>"$out" 2>&1 || { cat "$out"; die "the benchmark VM failed"; }
fi

echo "tcpka benchmark on $krel (QEMU TCG, 2 vCPUs), $(date -u +%F)"
awk '
function median(p, w,    i, j, t, a, k) {
	k = cnt[p, w]
	if (!k) return 0
	for (i = 1; i <= k; i++) a[i] = v[p, w, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[k]
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
# The best run: interruptions by the host (TCG has no steal time) only
# ever make a run slower, so the fastest of several is the steadiest:
# the lowest CPU time, the highest rate; the median probe count.
function best(p, w,    i, k, b) {
	k = cnt[p, w]
	if (!k) return 0
	if (unit[w] == "probes") return median(p, w)
	b = v[p, w, 1]
	for (i = 2; i <= k; i++)
		if (unit[w] ~ /^(ms|us\/conn)$/ ? v[p, w, i] < b : v[p, w, i] > b)
			b = v[p, w, i]
	return b
}
function ratio(x, a) { return a ? x / a : 0 }
$1 == "BENCH" { v[$2, $3, ++cnt[$2, $3]] = $4; unit[$3] = $5
	if (!seen[$3]++) order[n++] = $3 }
$1 == "STATS" { stats = stats "  " $2 " " $3 "\n" }
$1 == "SCALE" && $3 == "policy-write" { scale = scale sprintf("  one policy write re-arming %d established sockets: %s ms\n", $2, $4) }
$1 == "SCALE" && $3 == "readfile" { scale = scale sprintf("  /proc/net/tcpka/probing with %d rows (+ header: %s): read in %s ms\n", $2, $6, $4) }
$1 == "SCALESTATS" && ($2 == "sockets_rearmed" || $2 == "rounds_started" || $2 == "rounds_in_progress" || $2 == "probes_sent" || $2 == "track_overflow" || $2 == "TCPKeepAlive") { scale = scale "    " $2 " " $3 "\n" }
$1 == "SCALEMEM" { mem[$2, $3] = $4 }
$1 == "SCALE" { half = $2 }
$1 == "PROFILE" { if (prof == "") prof = "profiles with tcpka loaded (perf, cpu-clock, call chains, 6 s each): share of the non-idle samples in tcpka (its hooks and all they call, ftrace trampolines included; ratio 1/(1-s) over the same work without them), and in its own functions alone\n"
	prof = prof sprintf("  %-17s %5.1f%% with callees, ratio %.3f; own functions %.1f%% (non-idle %.2f%% of all samples)\n    own, by function:", $2, $5, $5 < 100 ? 100 / (100 - $5) : 0, $6, $3)
	for (i = 7; i <= NF; i++) prof = prof " " $i
	prof = prof "\n" }
$1 == "SCALESLAB" { scale = scale sprintf("    round records (slab tcpka_round): %d in use of %d, %d B each\n", $2, $3, $4) }
END {
	printf "%-17s %10s %10s %10s %10s %6s %6s %6s %6s\n", "workload", "stock",
		"BPF", "default", "force", "BPF", "def", "force", "spread"
	for (i = 0; i < n; i++) {
		w = order[i]
		m = median("without", w)
		sp = m ? 100 * (hi - lo) / m : 0
		b = best("bpf", w)
		d = best("default", w)
		f = best("with", w)
		a = best("without", w)
		printf "%-17s %10.1f %10.1f %10.1f %10.1f %6.3f %6.3f %6.3f %5.1f%%  %s\n",
			w, a, b, d, f, ratio(b, a), ratio(d, a), ratio(f, a), sp, unit[w]
	}
	print "best of the runs (least CPU, highest rate; probes: median), in one"
	print "boot, each run in another order: stock kernel, BPF peer, tcpka with a mode=default and a"
	print "mode=force policy; the ratios are over stock; spread: (max - min) /"
	print "median of the stock runs."
	print "storm*: non-idle CPU of the VM (ms) in the window, -tick: the same"
	print "sampled by the tick (/proc/stat), -probes: TCPKeepAlive in the window"
	print "(equal counts: equal work); churn-cpu: non-idle CPU per connection"
	printf "tcpka counters of the last run with it:\n%s", stats
	printf "%s", prof
	printf "scale (half-open connections of one cgroup):\n%s", scale
	if (half && ("mid", "Slab:") in mem)
		printf "    given back by rmmod with %d rounds in progress (sockets kept): Slab %d kB (%.1f B per socket), MemFree %d kB\n",
			half, mem["mid", "Slab:"] - mem["unloaded", "Slab:"],
			(mem["mid", "Slab:"] - mem["unloaded", "Slab:"]) * 1024 / half,
			mem["unloaded", "MemFree:"] - mem["mid", "MemFree:"]
}' "$out"
