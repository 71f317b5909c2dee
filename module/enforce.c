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
 *
 * mode=force also holds after ESTABLISHED: when the application changes
 * SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT or TCP_USER_TIMEOUT
 * later, tcpka_reenforce() puts the policy's values back as the call
 * returns.
 */

#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include "tcpka_mod.h"

/* Would tcpka_apply() change anything? */
static bool tcpka_differs(const struct sock *sk, const struct tcpka_policy *pol)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	return !sock_flag(sk, SOCK_KEEPOPEN) ||
	       ((pol->has & TCPKA_HAS(TCPKA_KEY_IDLE)) &&
		tp->keepalive_time != pol->idle * HZ) ||
	       ((pol->has & TCPKA_HAS(TCPKA_KEY_INTVL)) &&
		tp->keepalive_intvl != pol->intvl * HZ) ||
	       ((pol->has & TCPKA_HAS(TCPKA_KEY_CNT)) &&
		tp->keepalive_probes != pol->cnt) ||
	       ((pol->has & TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT)) &&
		icsk->icsk_user_timeout != pol->user_timeout);
}

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

/* The policy in force for @sk, if enforcement is on in its namespace. */
static bool tcpka_policy_of(const struct sock *sk, struct tcpka_policy *pol)
{
	const struct tcpka_entry *e = NULL;
	struct tcpka_net *tn;

	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn && READ_ONCE(tn->enabled)) {
		e = tcpka_policy_lookup(tcpka_sock_cgroup(sk));
		if (e)
			*pol = e->pol;
	}
	rcu_read_unlock();
	return e;
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
	struct tcpka_policy pol;

	if (!tcpka_policy_of(sk, &pol))
		return;
	tcpka_apply(sk, &pol);
	tcpka_count(sk, TCPKA_MIB_ENFORCED, 1);
}

/**
 * tcpka_reenforce - put a mode=force policy back after the application's
 *	setsockopt() changed a keepalive option
 * @sk: a TCP socket
 *
 * Context: kretprobe handler on return from setsockopt: process context,
 * preemption off, socket lock not held. Takes the socket's spinlock as the
 * kernel's own timers do and leaves the socket alone if a user holds it.
 */
void tcpka_reenforce(struct sock *sk)
{
	struct tcpka_policy pol;

	if (!((1 << READ_ONCE(sk->sk_state)) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return;
	if (!tcpka_policy_of(sk, &pol) || pol.mode != TCPKA_MODE_FORCE)
		return;

	spin_lock_bh(&sk->sk_lock.slock);
	if (!sock_owned_by_user_nocheck(sk) &&
	    ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) &&
	    tcpka_differs(sk, &pol)) {
		tcpka_apply(sk, &pol);
		tcpka_count(sk, TCPKA_MIB_REENFORCED, 1);
	}
	spin_unlock_bh(&sk->sk_lock.slock);
}
