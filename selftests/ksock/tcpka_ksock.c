// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_ksock: a test-only module of tcpka's selftests, never installed.
 *
 * At load it opens a kernel TCP socket (sock_create_kern(), as NFS/SUNRPC,
 * iSCSI, NVMe/TCP and CIFS do) in the loading task's network namespace,
 * gives it its own TCP_USER_TIMEOUT (user_timeout=, milliseconds) and
 * connects it to addr:port. Keepalive stays off, as the kernel makes it.
 * /sys/module/tcpka_ksock/parameters/state reports the socket's settings,
 * so that a test can check that no tcpka policy changed them.
 */

#include <linux/inet.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

static char *addr = "127.0.0.1";
module_param(addr, charp, 0444);
MODULE_PARM_DESC(addr, "IPv4 or IPv6 address to connect to");

static int port;
module_param(port, int, 0444);
MODULE_PARM_DESC(port, "TCP port to connect to");

static int user_timeout = 4321;
module_param(user_timeout, int, 0444);
MODULE_PARM_DESC(user_timeout, "The socket's own TCP_USER_TIMEOUT, ms");

static struct socket *ksock;
static struct net *knet;

static int tcpka_ksock_state(char *buf, const struct kernel_param *kp)
{
	struct tcp_sock *tp;
	struct sock *sk;
	int n;

	if (!ksock)
		return sysfs_emit(buf, "none\n");
	sk = ksock->sk;
	tp = tcp_sk(sk);
	lock_sock(sk);
	n = sysfs_emit(buf,
		       "state=%d kern=%d keepalive=%d idle=%u intvl=%u cnt=%u user_timeout=%u\n",
		       sk->sk_state, sk->sk_kern_sock,
		       sock_flag(sk, SOCK_KEEPOPEN),
		       keepalive_time_when(tp) / HZ,
		       keepalive_intvl_when(tp) / HZ, keepalive_probes(tp),
		       inet_csk(sk)->icsk_user_timeout);
	release_sock(sk);
	return n;
}

static const struct kernel_param_ops tcpka_ksock_state_ops = {
	.get = tcpka_ksock_state,
};
module_param_cb(state, &tcpka_ksock_state_ops, NULL, 0444);
MODULE_PARM_DESC(state, "The kernel socket's state and keepalive settings");

static int __init tcpka_ksock_init(void)
{
	struct sockaddr_storage ss = { };
	struct sockaddr_in6 *a6 = (void *)&ss;
	struct sockaddr_in *a4 = (void *)&ss;
	int family, len, err;

	if (in4_pton(addr, -1, (u8 *)&a4->sin_addr, -1, NULL)) {
		family = AF_INET;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		len = sizeof(*a4);
	} else if (in6_pton(addr, -1, (u8 *)&a6->sin6_addr, -1, NULL)) {
		family = AF_INET6;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		len = sizeof(*a6);
	} else {
		return -EINVAL;
	}
	/* A kernel socket holds no reference on its namespace: we do. */
	knet = get_net(current->nsproxy->net_ns);
	err = sock_create_kern(knet, family, SOCK_STREAM, IPPROTO_TCP, &ksock);
	if (err)
		goto err_net;
	tcp_sock_set_user_timeout(ksock->sk, user_timeout);
	/* A blocking connect, for at most 10 s: insmod never hangs longer. */
	ksock->sk->sk_sndtimeo = 10 * HZ;
	err = kernel_connect(ksock, (struct sockaddr *)&ss, len, 0);
	if (err)
		goto err_sock;
	return 0;

err_sock:
	sock_release(ksock);
	ksock = NULL;
err_net:
	put_net(knet);
	return err;
}

static void __exit tcpka_ksock_exit(void)
{
	kernel_sock_shutdown(ksock, SHUT_RDWR);
	sock_release(ksock);
	put_net(knet);
}

module_init(tcpka_ksock_init);
module_exit(tcpka_ksock_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcpka selftests: one kernel TCP socket");
