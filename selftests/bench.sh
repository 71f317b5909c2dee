#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: the same workloads without tcpka and with
# tcpka (a mode=force policy on every socket), alternated three times in
# one boot. Prints "BENCH <without|with> <workload> <value> <unit>" lines;
# the host side (scripts/bench.sh) turns them into ratios.

B=/selftests/tcpka_bench
/sbin/ip link set lo up
ulimit -n 16384

phase() {
	local w
	for w in "churn 3000" "stream 384" "idle 2000 6"; do
		# shellcheck disable=SC2086
		$B $w | sed "s/^/BENCH $1 /"
	done
}

for i in 1 2 3; do
	phase without
	insmod /tcpka/tcpka.ko || { echo "TCPKA-ERROR insmod"; exit 1; }
	echo "set / idle=1 intvl=1 cnt=5 mode=force" >/proc/net/tcpka/policy
	phase with
	[ $i = 3 ] && sed 's/^/STATS /' /proc/net/tcpka/stats
	rmmod tcpka
done
