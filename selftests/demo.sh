#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo, inside the VM: what an operator does and sees. Three
# long-lived client/server pairs of one service cgroup that never set
# SO_KEEPALIVE: a live peer (ack), a peer that lost the connection (rst) and
# a peer that vanished (timeout, over IPv6). Run by scripts/vm-test.sh --run.

. /selftests/lib.sh

T=demo
N=1
D=/tmp/demo
F=4
mkdir -p "$D"
: >"$D/err"

show() {
	echo
	echo "# $*"
	sh -c "$*" 2>&1 | sed 's/^/  /'
}

ss_lines() {
	in_ns c1 /sbin/ss -tno state all '( dport = :5001 or dport = :5002 or dport = :5003 )' |
		sed 's/^/  /'
}

echo "==== tcpka demo on $(uname -r) ===="
show "insmod /tcpka/tcpka.ko idle=600 intvl=60 cnt=5" &&
	grep -q '^tcpka ' /proc/modules || { echo "TCPKA-ERROR insmod"; exit 1; }
show "cd /sys/module/tcpka/parameters && grep . *"
show "cat /proc/net/tcpka/policy"
show "mkdir -p /sys/fs/cgroup/shop.slice/web.service"
show "echo 'set /shop.slice idle=2 intvl=1 cnt=3 mode=force' > /proc/net/tcpka/policy"
show "echo 'set /shop.slice idle=0' > /proc/net/tcpka/policy"
show "dmesg | grep 'tcpka: policy' | tail -1"
show "cat /proc/net/tcpka/policy"
show "sysctl net.tcpka.enabled"

# One client namespace, three server namespaces over veth.
pair a 1
pair b 2
pair c 3
svc=/shop.slice/web.service
show "nsenter --net=/run/netns/c1 sysctl -w net.tcpka.log_verdicts=1"
peer srv-alive / s1a server -w 0 10.1.1.2 5001
peer srv-lost / s1b server -w 0 -R 3 10.1.2.2 5002
peer srv-gone / s1c server -w 0 -D vs1c fd00:1:3::2 5003
wait_line srv-alive listening && wait_line srv-lost listening &&
	wait_line srv-gone listening
peer alive "$svc" c1 client -w 0 10.1.1.2 5001
peer lost "$svc" c1 client -w 0 10.1.2.2 5002
peer gone "$svc" c1 client -w 0 fd00:1:3::2 5003
wait_line alive established && wait_line lost established &&
	wait_line gone established

echo
echo "# three clients in $svc, none of which set SO_KEEPALIVE:"
for p in alive lost gone; do
	echo "  $p: $(grep established "$D/$p.out")"
done
echo
echo "# ss -tno in the clients' namespace, 1.5 s in (timer: keepalive):"
sleep 1.5
ss_lines
sleep 1.5
echo
echo "# cat /proc/net/tcpka/probing, 3 s in: the half-open suspects"
echo "# (sockets with unanswered probes; cookie as ss -e shows it in hex)"
in_ns c1 cat /proc/net/tcpka/probing | sed 's/^/  /'

peer_end lost 8
peer_end gone 12
sleep 2
echo
echo "# how each client's read() ended:"
for p in alive lost gone; do
	echo "  $p: $(grep '^end' "$D/$p.out" || echo 'still connected')"
done
echo
echo "# ss -tno now: only the live connection is left, probing:"
ss_lines
echo
echo "# cat /proc/net/tcpka/stats   (in the clients' namespace)"
in_ns c1 cat /proc/net/tcpka/stats | sed 's/^/  /'
echo
echo "# cat /proc/net/tcpka/cgroups (in the clients' namespace)"
in_ns c1 cat /proc/net/tcpka/cgroups | sed 's/^/  /'
echo
echo "# cat /proc/net/tcpka/histograms: time to detect (last data from the"
echo "# peer to the verdict) and idle at reset, in log2 buckets of seconds"
in_ns c1 cat /proc/net/tcpka/histograms | sed 's/^/  /'
echo
echo "# net.tcpka.log_verdicts=1: one kernel log line per verdict"
dmesg | grep -E 'tcpka: (rst|timeout|user_timeout) ' | sed 's/^/  /'
echo
echo "# TcpExt TCPKeepAlive, the kernel's own count of keepalive probes:"
in_ns c1 awk '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) c[$i] = i; n = 1 }
	else print "  TCPKeepAlive " $(c["TCPKeepAlive"]) }' /proc/net/netstat

kill_peers
show "rmmod tcpka && echo unloaded"
echo "==== end of demo ===="
