#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of tcpka's test VM (copied there by scripts/vm-test.sh): mount what
# the tests need, load the kernel modules of the initramfs, run
# selftests/tcpka.sh (or the --run script), check for leaks on a debug
# kernel, power off.
# /selftests/config sets ONLY, SKIP_LOAD, DEBUG, JOBS, SLOW and RUN (a
# script to run instead of the selftests).

/bin/busybox mkdir -p /bin /proc /sys /dev /tmp /run /var
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ln -sfn /run /var/run
mkdir -p /sys/fs/cgroup /run/netns
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
. /selftests/config

echo "TCPKA-BOOT $(uname -r) $(nproc) cpus, uptime $(cut -d' ' -f1 /proc/uptime)"
[ -c /dev/ttyS1 ] && echo "TCPKA-BOOT $(uname -r)" >/dev/ttyS1
for m in $(cat /lib/tcpka-modules/order 2>/dev/null); do
	insmod "/lib/tcpka-modules/$m" || echo "TCPKA-ERROR insmod $m failed"
done
if [ "$DEBUG" = 1 ] && [ -e /sys/kernel/debug/kmemleak ]; then
	# No automatic scans in the middle of the tests (a scan takes tens of
	# seconds under TCG); one explicit scan at the end.
	echo scan=off >/sys/kernel/debug/kmemleak
fi

# Debian's 6.12 under QEMU TCG can crash while a tracepoint's static key is
# patched under connection churn, with or without tcpka (README, "Known,
# not tcpka's"): tcpka's load/unload tests would hit that. Two tracefs
# instances that never record keep two probes on each socket tracepoint
# tcpka hooks for the whole run: the key stays on, and the tracepoint's
# static call stays on its iterator (it calls a lone probe directly), so
# registering tcpka's probe or removing it patches no text there.
case $(uname -r) in
6.12.*)
	tr=/sys/kernel/tracing
	[ -e $tr/events ] || mount -t tracefs nodev $tr 2>/dev/null
	for i in keep1 keep2; do
		mkdir $tr/instances/$i 2>/dev/null || continue
		echo 0 >$tr/instances/$i/tracing_on
		for e in sock/inet_sock_set_state tcp/tcp_receive_reset \
			tcp/tcp_destroy_sock cgroup/cgroup_mkdir; do
			echo 1 >$tr/instances/$i/events/$e/enable ||
				echo "TCPKA-ERROR enable $e"
		done
		# The soak loads and unloads tcpka 200 times while its ftrace'd
		# functions run all the time (setsockopt loops): the same text
		# patching crashed there (Oops: int3 at tcp_set_keepalive+0x5,
		# first cycle). Two function tracers on those functions keep
		# their call sites on ftrace's list function, which tcpka's ops
		# then joins and leaves without patching them.
		case " $ONLY " in
		*" soak "*)
			echo "tcp_set_keepalive tcp_keepalive_timer tcp_write_wakeup tcp_setsockopt" \
				>$tr/instances/$i/set_ftrace_filter &&
				echo function >$tr/instances/$i/current_tracer ||
				echo "TCPKA-ERROR function tracer in $i"
			;;
		esac
	done
	;;
esac

# TCP's timers count jiffies: watch how long a jiffies second lasts.
/selftests/tcpka_peer jiffies 1000 0 >/tmp/jiffies.log 2>&1 &
watch=$!

if [ -n "$RUN" ]; then
	echo "TCPKA-RUN-BEGIN"
	KO=/tcpka/tcpka.ko sh "$RUN"
	echo "TCPKA-RUN-END rc=$?"
else
	KO=/tcpka/tcpka.ko SKIP_LOAD=$SKIP_LOAD JOBS=$JOBS SLOW=$SLOW \
		sh /selftests/tcpka.sh $ONLY
fi

kill $watch
echo "TCPKA-JIFFIES $(sort -n -k5 /tmp/jiffies.log | tail -1 | cut -d' ' -f5) ms worst of $(wc -l </tmp/jiffies.log) jiffies seconds"
if [ "$DEBUG" = 1 ]; then
	grep -q '^tcpka ' /proc/modules && rmmod tcpka
	if [ -e /sys/kernel/debug/kmemleak ]; then
		# Objects must be 5 s old before kmemleak reports them.
		sleep 5
		echo "TCPKA-KMEMLEAK scan at $(cut -d' ' -f1 /proc/uptime)"
		echo scan >/sys/kernel/debug/kmemleak
		echo "TCPKA-KMEMLEAK begin"
		cat /sys/kernel/debug/kmemleak
		echo "TCPKA-KMEMLEAK end"
	else
		echo "TCPKA-ERROR no /sys/kernel/debug/kmemleak"
	fi
fi
echo "TCPKA-END uptime $(cut -d' ' -f1 /proc/uptime)"
[ -c /dev/ttyS1 ] && echo "TCPKA-END" >/dev/ttyS1
sync
poweroff -f
