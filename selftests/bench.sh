#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: the same workloads without tcpka and with
# tcpka (a policy on every socket, mode=default and mode=force), alternated
# three times in one boot. Prints "BENCH <without|default|with> <workload>
# <value> <unit>" lines;
# the host side (scripts/bench.sh) turns them into ratios.

B=/selftests/tcpka_bench
/sbin/ip link set lo up
ulimit -n 16384

phase() {
	local w
	for w in "churn 3000" "stream 384" "idle 2000 6" "nodelay 200000" \
		"keepidle 200000"; do
		# shellcheck disable=SC2086
		$B $w | sed "s/^/BENCH $1 /"
	done
}

# Scale: $HALF established connections of one cgroup whose peer's link
# went down; then one policy write re-arms all of them (timed), each sends
# a probe that is lost, and /proc/net/tcpka/probing lists them all (read
# twice, timed; intvl 120 s keeps them in the middle of their round).
# Prints "SCALE ..." lines.
HALF=${HALF:-20000}
scale() {
	local P=/selftests/tcpka_peer i sink half t0 t1
	ulimit -n $((HALF + 1024))
	mkdir -p /sys/fs/cgroup/bench.slice/half
	insmod /tcpka/tcpka.ko || { echo "TCPKA-ERROR insmod"; exit 1; }
	$P pair cB sB vcB vsB 10.99.0.1 10.99.0.2 fd00:99::1 fd00:99::2 >/dev/null
	nsenter --net=/run/netns/sB $B sink 10.99.0.2 9000 >/tmp/sink.log 2>&1 &
	sink=$!
	sleep 1
	sh -c 'echo $$ >/sys/fs/cgroup/bench.slice/half/cgroup.procs &&
		exec nsenter --net=/run/netns/cB "$@"' sh \
		$B halfopen "$HALF" 10.99.0.2 9000 300 >/tmp/half.log 2>&1 &
	half=$!
	i=0
	until grep -q '^connected' /tmp/half.log || [ $i -ge 600 ]; do
		sleep 1
		i=$((i + 1))
	done
	$P ifdown /run/netns/sB vsB >/dev/null
	read -r t0 i </proc/uptime
	echo "set /bench.slice/half idle=2 intvl=120 cnt=3" >/proc/net/tcpka/policy
	read -r t1 i </proc/uptime
	echo "SCALE $HALF policy-write $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
	sleep 5
	for i in 1 2; do
		nsenter --net=/run/netns/cB $B readfile /proc/net/tcpka/probing |
			sed "s/^/SCALE $HALF /"
	done
	nsenter --net=/run/netns/cB cat /proc/net/tcpka/stats | sed 's/^/SCALESTATS /'
	kill "$sink" "$half" 2>/dev/null
	wait
	rmmod tcpka
}

for i in 1 2 3; do
	phase without
	insmod /tcpka/tcpka.ko || { echo "TCPKA-ERROR insmod"; exit 1; }
	# The same policy without mode=force: no setsockopt hook at all.
	echo "set / idle=1 intvl=1 cnt=5" >/proc/net/tcpka/policy
	phase default
	echo "set / idle=1 intvl=1 cnt=5 mode=force" >/proc/net/tcpka/policy
	phase with
	[ $i = 3 ] && sed 's/^/STATS /' /proc/net/tcpka/stats
	rmmod tcpka
done
scale
