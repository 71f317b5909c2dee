// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a policy to a socket that has just reached ESTABLISHED.
 *
 * This does what setsockopt(SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL,
 * TCP_KEEPCNT, TCP_USER_TIMEOUT) would: it writes the same fields and arms
 * the kernel's own keepalive timer. Nothing of the socket's callbacks,
 * operations or timer functions changes, so after rmmod the socket simply
 * goes on with these ordinary settings.
 *
 * A per-socket value of 0 means "use the namespace's sysctl"
 * (keepalive_time_when() and friends): in mode=default only those unset
 * values are filled, in mode=force the policy's values replace the
 * application's.
 */

#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include "tcpka_mod.h"

static void tcpka_apply(struct sock *sk, const struct tcpka_policy *pol)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	bool force = pol->mode == TCPKA_MODE_FORCE;
	struct tcp_sock *tp = tcp_sk(sk);

	if ((pol->has & TCPKA_HAS(TCPKA_KEY_IDLE)) &&
	    (force || !tp->keepalive_time))
		WRITE_ONCE(tp->keepalive_time, pol->idle * HZ);
	if ((pol->has & TCPKA_HAS(TCPKA_KEY_INTVL)) &&
	    (force || !tp->keepalive_intvl))
		WRITE_ONCE(tp->keepalive_intvl, pol->intvl * HZ);
	if ((pol->has & TCPKA_HAS(TCPKA_KEY_CNT)) &&
	    (force || !tp->keepalive_probes))
		WRITE_ONCE(tp->keepalive_probes, pol->cnt);
	if ((pol->has & TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT)) &&
	    (force || !icsk->icsk_user_timeout))
		WRITE_ONCE(icsk->icsk_user_timeout, pol->user_timeout);

	/*
	 * As tcp_set_keepalive(): the kernel arms the timer at connect time
	 * or, for a passive socket, only when SO_KEEPALIVE came from the
	 * listener; arm it here in every case, at the (new) idle time.
	 */
	sock_set_flag(sk, SOCK_KEEPOPEN);
	inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tp));
}

/**
 * tcpka_enforce - apply the policy in force for a socket's cgroup
 * @sk: a TCP socket entering ESTABLISHED
 *
 * Context: the inet_sock_set_state tracepoint, socket lock held by the
 * caller (owner or bh lock); sleeps never.
 */
void tcpka_enforce(struct sock *sk)
{
	const struct tcpka_entry *e;
	struct tcpka_policy pol;
	struct tcpka_net *tn;

	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (!tn || !READ_ONCE(tn->enabled)) {
		rcu_read_unlock();
		return;
	}
	e = tcpka_policy_lookup(tcpka_sock_cgroup(sk));
	if (e)
		pol = e->pol;
	rcu_read_unlock();
	if (!e)
		return;

	tcpka_apply(sk, &pol);
	tcpka_count(sk, TCPKA_MIB_ENFORCED, 1);
}
