#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: the same workloads on the stock kernel, with
# the BPF peer (selftests/bpf/tcpka_ka.bpf.c, a cgroup sockops program
# setting the same keepalive) and with tcpka (mode=default and mode=force
# policies), alternated $RUNS times in one boot. Every workload runs in
# cgroup /bench.slice/cli, which the policy and the BPF program cover;
# servers that must stay uncovered run in /bench.slice/srv. Prints
# "BENCH <without|bpf|default|with> <workload> <value> <unit>" lines; the
# host side (scripts/bench.sh) turns them into ratios.

B=/selftests/tcpka_bench
P=/selftests/tcpka_peer
L=/selftests/tcpka_bpfload
RUNS=${RUNS:-3}
STORM=${STORM:-10000}
SECS=${SECS:-12}
HALF=${HALF:-100000}
# churn-cpu: /proc/uptime counts in 10 ms steps; 10000 connections take
# seconds of CPU, so that the step is a fraction of a percent.
CHURN=${CHURN:-10000}
CG=/sys/fs/cgroup/bench.slice
POLICY="idle=1 intvl=1 cnt=5"
/sbin/ip link set lo up
ulimit -n 32768
mkdir -p $CG/cli $CG/srv $CG/half $CG/other
echo $$ >$CG/cli/cgroup.procs
# The peers of the dead half: netns sB behind a veth, its end taken down.
$P pair cB sB vcB vsB 10.99.0.1 10.99.0.2 fd00:99::1 fd00:99::2 >/dev/null

# wait_line WORD FILE TRIES DELAY: until a line of FILE starts with WORD.
wait_line() {
	local i=0
	until grep -q "^$1" "$2" || [ $i -ge "$3" ]; do
		sleep "$4"
		i=$((i + 1))
	done
	grep -q "^$1" "$2"
}

# sink [repair]: a sink in netns sB on ports 9000-9015, in /bench.slice/srv.
# Sixteen ports: from one source address, connect() slows down as the
# ephemeral ports towards one destination fill up (measured on 6.1 with
# four ports: 50000 connections in 37 s, then 10000 more per 75-330 s, so
# that 100000 never finished); at 100000 each port has a quarter of them.
sink() {
	# Not the last sink's "listening".
	rm -f /tmp/sink.log
	sh -c 'echo $$ >'$CG'/srv/cgroup.procs &&
		exec nsenter --net=/run/netns/sB "$@"' sh \
		$B sink 10.99.0.2 9000-9015 "$@" >/tmp/sink.log 2>&1 &
	SINK=$!
	wait_line listening /tmp/sink.log 100 0.1
}

# phase NAME app|none: every workload once; "app": the storm's
# application sets its own keepalive (the stock kernel's only way).
phase() {
	local w
	for w in "churn $CHURN" "stream 384" "idle 2000 6" "nodelay 200000" \
		"keepidle 200000"; do
		# shellcheck disable=SC2086
		$B $w | sed "s/^/BENCH $1 /"
	done
	# Keepalive timer storm: every connection probing once a second,
	# each probe ACKed; then half of them to a peer that goes away.
	nsenter --net=/run/netns/cB $B storm "$STORM" "$SECS" $CG/srv "$2" |
		sed "s/^/BENCH $1 /"
	sink
	nsenter --net=/run/netns/cB $B storm "$STORM" "$SECS" $CG/srv "$2" \
		$((STORM / 2)) 10.99.0.2 9000 "nsenter --net=/run/netns/sB ip link set vsB down" |
		sed "s/^/BENCH $1 /"
	kill $SINK
	wait $SINK 2>/dev/null
	# IPv4 addresses and their routes come back with the link.
	nsenter --net=/run/netns/sB ip link set vsB up
}

# Scale: $HALF half-open connections of one cgroup (the sink closes its
# ends silently, then its link goes down); one policy write re-arms all
# of them (timed), each sends a probe that is lost, and
# /proc/net/tcpka/probing lists them all (read twice, timed; intvl 120 s
# keeps them in the middle of their round). Prints "SCALE ..." lines.
scale() {
	local half i t0 t1 ka0
	ulimit -n $((HALF + 1024))
	insmod /tcpka/tcpka.ko max_tracked=$((HALF + HALF / 4)) ||
		{ echo "TCPKA-ERROR insmod"; exit 1; }
	sink repair
	sh -c 'echo $$ >'$CG'/half/cgroup.procs &&
		exec nsenter --net=/run/netns/cB "$@"' sh \
		$B halfopen "$HALF" 10.99.0.2 9000-9015 600 >/tmp/half.log 2>&1 &
	half=$!
	i=0
	until grep -q "^connected" /tmp/half.log || [ $i -ge 1200 ]; do
		sleep 1
		i=$((i + 1))
		# Progress, and what the kernel holds, once a minute.
		[ $((i % 60)) = 0 ] &&
			echo "SCALEPROGRESS $i s: $(tail -1 /tmp/half.log) |" \
				"$(grep '^TCP:' /proc/net/sockstat) |" \
				"$(awk '/^MemFree:/ { print $1, $2 }' /proc/meminfo)"
	done
	grep -q "^connected" /tmp/half.log ||
		{ echo "TCPKA-ERROR halfopen: $(cat /tmp/half.log)"; exit 1; }
	$P ifdown /run/netns/sB vsB >/dev/null
	# The storms ran in cB too: TCPKeepAlive counted from here.
	ka0=$(nsenter --net=/run/netns/cB awk '/^TcpExt:/ && !n { n = split($0, h) ; next }
		/^TcpExt:/ { for (i = 2; i <= n; i++) if (h[i] == "TCPKeepAlive") print $i }' \
		/proc/net/netstat)
	read -r t0 i </proc/uptime
	echo "set /bench.slice/half idle=2 intvl=120 cnt=3" >/proc/net/tcpka/policy
	read -r t1 i </proc/uptime
	echo "SCALE $HALF policy-write $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
	# Every socket's first probe leaves 2 s after its last activity.
	i=0
	until [ "$(nsenter --net=/run/netns/cB awk '$1 == "rounds_started" { print $2 }' /proc/net/tcpka/stats)" -ge "$HALF" ] ||
		[ $i -ge 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	for i in 1 2; do
		nsenter --net=/run/netns/cB $B readfile /proc/net/tcpka/probing |
			sed "s/^/SCALE $HALF /"
	done
	nsenter --net=/run/netns/cB cat /proc/net/tcpka/stats | sed 's/^/SCALESTATS /'
	# tcpka's memory with $HALF rounds in progress: what rmmod gives back
	# while the sockets stay (records, their table, the module itself).
	awk '/^Slab:|^MemFree:/ { print "SCALEMEM mid", $1, $2 }' /proc/meminfo
	# The records' own cache: objects in use, their size with SLUB's
	# metadata (a free pointer beside the object: SLAB_TYPESAFE_BY_RCU).
	awk '$1 == "tcpka_round" { print "SCALESLAB", $2, $3, $4 }' /proc/slabinfo
	rmmod tcpka
	awk '/^Slab:|^MemFree:/ { print "SCALEMEM unloaded", $1, $2 }' /proc/meminfo
	nsenter --net=/run/netns/cB awk '/^TcpExt:/ && !n { n = split($0, h) ; next }
		/^TcpExt:/ { for (i = 2; i <= n; i++) if (h[i] == "TCPKeepAlive") print "SCALESTATS TCPKeepAlive", $i - ka0 }' ka0="$ka0" \
		/proc/net/netstat
	kill "$SINK" "$half" 2>/dev/null
	wait
}

# prof NAME: perf (cpu-clock, every CPU, call chains) for 6 s from now,
# and tcpka's share of the non-idle samples: the samples in its entry
# points (ftrace callbacks, tracepoint probes) and all they call (the
# kernel's helpers too), plus the ftrace trampolines that call them; and
# its own functions alone. One run's share, not a ratio of two runs, so
# the host's noise between runs does not enter it (a share s is a ratio
# of 1 / (1 - s) over the same work without them).
prof() {
	local perf="/selftests/ld-linux-x86-64.so.2 --library-path /selftests /selftests/perf"
	$perf record -a -g -e cpu-clock -F 1000 -o /tmp/perf.data -- sleep 6 \
		>/dev/null 2>&1
	$perf report -i /tmp/perf.data --stdio --children --sort sym -g none \
		--percent-limit 0 2>/dev/null | awk -v name="$1" '
	$1 ~ /%$/ && $2 ~ /%$/ { c = $1; sub("%", "", c); p = $2; sub("%", "", p)
		if ($3 == "[k]" && ($4 == "native_safe_halt" || $4 == "default_idle")) next
		busy += p
		if ($3 != "[k]") next
		if ($4 ~ /^ftrace_(regs_)?(caller|trampoline)/) { t += p; own += p }
		if ($4 ~ /^tcpka_(ft_|tp_|policy_cgroup_)/) t += c
		if ($4 ~ /^tcpka_/) { own += p; top = top sprintf(" %s=%.2f", $4, p) } }
	END { if (busy > 0) printf "PROFILE %s %.2f %.2f %.2f %.2f%s\n", name, busy, t, 100 * t / busy, 100 * own / busy, top }'
}

# storm_window FILE: until the storm says its window began.
storm_window() {
	wait_line window "$1" 600 0.1
}

# profile: sampled in one boot with tcpka loaded: the two storms under
# the mode=default policy and the all-ACKed one under mode=force; the
# setsockopt loops with the mode=default policy and a mode=force policy
# of another cgroup (the setsockopt hooks registered, the socket not
# covered).
profile() {
	local w storm
	[ -x /selftests/perf ] || return 0
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	insmod /tcpka/tcpka.ko || { echo "TCPKA-ERROR insmod"; exit 1; }
	echo "set /bench.slice/cli $POLICY mode=force" >/proc/net/tcpka/policy
	nsenter --net=/run/netns/cB $B storm "$STORM" 10 $CG/srv none \
		>/dev/null 2>/tmp/storm.err &
	storm=$!
	storm_window /tmp/storm.err && sleep 2 && prof storm-acked-force
	wait $storm
	printf 'set /bench.slice/cli %s\nset /bench.slice/other idle=60 mode=force\n' \
		"$POLICY" >/proc/net/tcpka/policy
	nsenter --net=/run/netns/cB $B storm "$STORM" 10 $CG/srv none \
		>/dev/null 2>/tmp/storm.err &
	storm=$!
	storm_window /tmp/storm.err && sleep 2 && prof storm-acked
	wait $storm
	# The dead half's rounds run to timeout in the 6 s after the link
	# went down (idle 1, intvl 1, cnt 5).
	sink
	nsenter --net=/run/netns/cB $B storm "$STORM" 8 $CG/srv none \
		$((STORM / 2)) 10.99.0.2 9000 "nsenter --net=/run/netns/sB ip link set vsB down" \
		>/dev/null 2>/tmp/storm.err &
	storm=$!
	storm_window /tmp/storm.err && prof storm-half-dead
	wait $storm
	kill $SINK
	wait $SINK 2>/dev/null
	nsenter --net=/run/netns/sB ip link set vsB up
	for w in nodelay keepidle; do
		$B $w 20000000 >/dev/null &
		sleep 1
		prof "$w"
		kill $!
		wait $! 2>/dev/null
	done
	rmmod tcpka
}

# cfg NAME LAST: one configuration's phase, set up and torn down alone.
cfg() {
	case $1 in
	without)
		phase without app ;;
	bpf)
		$L attach $CG/cli /selftests/tcpka_ka.bpf.o >/dev/null ||
			{ echo "TCPKA-ERROR BPF attach"; exit 1; }
		phase bpf none
		$L detach $CG/cli >/dev/null ||
			{ echo "TCPKA-ERROR BPF detach"; exit 1; } ;;
	default | with)
		insmod /tcpka/tcpka.ko || { echo "TCPKA-ERROR insmod"; exit 1; }
		# default: the same policy without mode=force; a mode=force
		# policy of another cgroup registers the setsockopt hooks,
		# which then run for sockets it does not cover (with no
		# mode=force policy at all, none runs).
		printf 'set /bench.slice/cli %s%s\nset /bench.slice/other idle=60 mode=force\n' \
			"$POLICY" "$([ "$1" = with ] && echo " mode=force")" \
			>/proc/net/tcpka/policy
		phase "$1" none
		if [ "$1" = with ] && [ "$2" = 1 ]; then
			sed 's/^/STATS /' /proc/net/tcpka/stats
			nsenter --net=/run/netns/cB sed 's/^/STATS cB./' /proc/net/tcpka/stats
		fi
		rmmod tcpka ;;
	esac
}

# The four in a rotated order each run: a boot that slows down as it goes
# (state piling up, the host) weighs on every configuration alike, not
# always on the last ones.
for i in $(seq "$RUNS"); do
	case $((i % 4)) in
	1) order="without bpf default with" ;;
	2) order="bpf default with without" ;;
	3) order="default with without bpf" ;;
	0) order="with without bpf default" ;;
	esac
	for c in $order; do
		cfg "$c" "$([ "$i" = "$RUNS" ] && echo 1)"
	done
done
profile
if [ "$HALF" -gt 0 ]; then
	scale
fi
