// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_ka.bpf.c: the BPF peer of `make bench`, what a user would write
 * instead of tcpka. A cgroup sockops program: every TCP connection of the
 * cgroup it is attached to gets the same keepalive as the bench's tcpka
 * policy (idle=1 intvl=1 cnt=5) when it is established, actively or
 * passively. It counts nothing; that is tcpka's part.
 */
#include <linux/bpf.h>
#include <linux/socket.h>
#include <bpf/bpf_helpers.h>

#ifndef SOL_SOCKET
#define SOL_SOCKET 1
#endif
#ifndef SO_KEEPALIVE
#define SO_KEEPALIVE 9
#endif
#define SOL_TCP 6
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6

SEC("sockops")
int tcpka_ka(struct bpf_sock_ops *skops)
{
	int one = 1, cnt = 5;

	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_setsockopt(skops, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		bpf_setsockopt(skops, SOL_TCP, TCP_KEEPIDLE, &one, sizeof(one));
		bpf_setsockopt(skops, SOL_TCP, TCP_KEEPINTVL, &one, sizeof(one));
		bpf_setsockopt(skops, SOL_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
		break;
	}
	return 1;
}

char _license[] SEC("license") = "GPL";
