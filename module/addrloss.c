// SPDX-License-Identifier: GPL-2.0
/*
 * addr_loss: abort the connections whose local address went away.
 *
 * When a host loses an address (a DHCP lease not renewed, a network
 * change, "ip addr del", an interface removed), every connection bound to
 * it is dead, but nothing tells the application: it waits for keepalive.
 * A policy with addr_loss=SECONDS aborts such a connection once its local
 * address has been gone from every interface of its network namespace for
 * that long, as "ss -K" does (tcp_abort(): the application gets
 * ECONNABORTED at once and reconnects over the new network). A renewal that
 * drops and re-adds the same address, or the address moved to another
 * interface, within the grace costs nothing.
 *
 * The inetaddr (IPv4) and inet6addr (IPv6) notifiers only note which
 * address went and when, in a small fixed table per network namespace
 * (past TCPKA_LOST_MAX addresses at once, one "some address went" entry
 * whose sockets are checked one by one), and queue the namespace's work;
 * they never allocate, sleep or walk: the IPv6 chain is atomic. Nothing is
 * noted while no policy has addr_loss. The work, in process context, walks
 * the namespace's established sockets in batches (tcpka_walk_hash(), as a
 * policy write's re-arm walk does), aborts those whose grace ran out and
 * whose address is still on no interface their routing domain (VRF) sees,
 * and queues itself again for the next deadline. A lost address is
 * forgotten once it is back or no socket of a cgroup with addr_loss uses
 * it, so a policy written after a loss does not act on it.
 *
 * A walk costs about what "ss -t" costs on the namespace (which its owner,
 * unprivileged too, can make the kernel do at will); the walks of one
 * namespace are at least TCPKA_WALK_GAP, and at least one walk's length,
 * apart: losses in between are noted and coalesce. Each namespace has its
 * own work: an abort that waits for a socket's lock (an application stuck
 * in a syscall holding it) holds up that namespace's walk only.
 *
 * The abort counts as outcome_addr_lost (a verdict, as rst or timeout: its
 * round, histograms, tracepoint, log line): the state change it makes is
 * recognised by the socket, the task making it and the socket's lock and
 * error (tcpka_addrloss_aborting()), not by anything per CPU. With
 * net.tcpka.dry_run, a socket whose grace ran out counts once in
 * dry_run_matched and is left alone.
 *
 * Never aborted: kernel sockets, sockets in repair, MPTCP subflows, orphans
 * (as seen without the socket's lock: one closed just then is aborted as
 * "ss -K" would), and sockets with IP_TRANSPARENT or IP_FREEBIND or in a
 * namespace with ip_nonlocal_bind, whose address need not be local. A
 * socket a task owns (in a syscall) is tried again a second later rather
 * than waited for.
 */

#include <linux/inetdevice.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/addrconf.h>
#include <net/inet_hashtables.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "tcpka_mod.h"

/* Losses within this long of each other make one walk. */
#define TCPKA_COALESCE	(HZ / 20)
/* The least time from one walk's end to the next walk of a namespace. */
#define TCPKA_WALK_GAP	(HZ / 10)

/* Some policy has addr_loss (tcpka_addrloss_want()). */
static bool tcpka_addrloss_on;

/*
 * Between tcpka_addrloss_init() and tcpka_addrloss_exit(); cleared with
 * the rwsem held for writing, so that no abort is in flight once it is
 * clear (each holds it for reading: they never wait for each other).
 */
static bool tcpka_addrloss_alive;
static DECLARE_RWSEM(tcpka_abort_rwsem);
/* Aborts in flight, host-wide: the state change hook's first test. */
static atomic_t tcpka_aborts_now = ATOMIC_INIT(0);

/**
 * tcpka_addrloss_aborting - is this state change our abort of @sk?
 * @sk: a socket changing state
 *
 * True only in the task running tcp_abort() on @sk for us, inside it: the
 * socket owned (lock_sock()) and its error set. A softirq that runs on
 * top of that task before tcp_abort() owns the socket (an RST for @sk
 * itself, say) has current == that task too, but not the socket's lock.
 * Context: any.
 */
bool tcpka_addrloss_aborting(const struct sock *sk)
{
	struct tcpka_net *tn;
	bool ours = false;

	if (likely(!atomic_read(&tcpka_aborts_now)))
		return false;
	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn && READ_ONCE(tn->al.aborting) == sk &&
	    READ_ONCE(tn->al.abort_task) == current &&
	    sock_owned_by_user_nocheck(sk) &&
	    READ_ONCE(sk->sk_err) == ECONNABORTED)
		ours = true;
	rcu_read_unlock();
	return ours;
}

void tcpka_addrloss_want(bool on)
{
	WRITE_ONCE(tcpka_addrloss_on, on);
}

/*
 * Is @a local in @net? IPv4 as v4-mapped: on some interface, or local by
 * the local routing table (__ip_dev_find()). IPv6: on some interface of
 * the routing domain of @dev (its VRF; none for NULL), on @dev itself if
 * it is link-local (any slave of @dev if @dev is a VRF), or local by a
 * route (AnyIP: "ip -6 route add local ..."). Under RCU.
 */
static bool tcpka_addr_present(struct net *net, const struct in6_addr *a,
			       const struct net_device *dev)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct rt6_info *rt;
	bool local = false;
#endif

	if (ipv6_addr_v4mapped(a))
		return __ip_dev_find(net, a->s6_addr32[3], false);
#if IS_ENABLED(CONFIG_IPV6)
	/* Tentative (DAD running) counts as there. */
	if (ipv6_chk_addr_and_flags(net, a, dev, dev && netif_is_l3_master(dev),
				    0, IFA_F_DADFAILED))
		return true;
	rt = rt6_lookup(net, a, NULL, dev ? dev->ifindex : 0, NULL, 0);
	if (rt) {
		local = rt->rt6i_flags & RTF_LOCAL;
		ip6_rt_put(rt);
	}
	return local;
#else
	return false;
#endif
}

/* The socket's local address, IPv4 as v4-mapped. */
static void tcpka_sk_local(const struct sock *sk, struct in6_addr *a)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		*a = sk->sk_v6_rcv_saddr;
		return;
	}
#endif
	ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, a);
}

/* Is the socket's address still there, as the socket's routing sees it? */
static bool tcpka_sk_addr_present(struct net *net, const struct sock *sk,
				  const struct in6_addr *a)
{
	int ifindex = READ_ONCE(sk->sk_bound_dev_if);
	const struct net_device *dev = NULL;
	bool there;

	rcu_read_lock();
	if (ifindex)
		dev = dev_get_by_index_rcu(net, ifindex);
	/* Bound to a device that is gone: so are its addresses. */
	there = (!ifindex || dev) && tcpka_addr_present(net, a, dev);
	rcu_read_unlock();
	return there;
}

/*
 * IP_TRANSPARENT (TPROXY), IP_FREEBIND or the namespace's ip_nonlocal_bind:
 * the socket's address need not be ours.
 */
static bool tcpka_sk_nonlocal(struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr))
		return ipv6_can_nonlocal_bind(sock_net(sk), inet_sk(sk));
#endif
	return inet_can_nonlocal_bind(sock_net(sk), inet_sk(sk));
}

/* An address of @net went away (a notifier, any context). */
static void tcpka_addr_gone(struct net *net, const struct in6_addr *a)
{
	unsigned long since, delay;
	struct tcpka_addrloss *al;
	struct tcpka_lost *l = NULL;
	struct tcpka_net *tn;
	unsigned long flags;
	unsigned int i;

	/* A namespace on its way out loses all its addresses: not ours. */
	if (!READ_ONCE(tcpka_addrloss_on) || !check_net(net))
		return;
	rcu_read_lock();
	tn = tcpka_pernet(net);
	if (!tn)
		goto out;
	al = &tn->al;
	spin_lock_irqsave(&al->lock, flags);
	if (!al->alive)
		goto unlock;
	for (i = 0; i < al->nr; i++) {
		if (ipv6_addr_equal(&al->lost[i].addr, a)) {
			l = &al->lost[i];
			break;
		}
	}
	if (!l && al->nr < TCPKA_LOST_MAX) {
		l = &al->lost[al->nr++];
		l->addr = *a;
	} else if (!l) {
		/* The latest loss: a grace never ends early. */
		l = &al->ovf;
		al->overflow = true;
	}
	l->at = jiffies;
	l->walked = l->at - 1;
	l->gen++;
	/*
	 * Soon (losses coalesce), not before the walk gap is over, and never
	 * later than a run already queued (a grace ending).
	 */
	since = l->at - al->walk_end;
	delay = max_t(unsigned long, since < al->gap ? al->gap - since : 0,
		      TCPKA_COALESCE);
	if (!delayed_work_pending(&al->work) ||
	    time_after(al->work.timer.expires, l->at + delay))
		mod_delayed_work(system_unbound_wq, &al->work, delay);
unlock:
	spin_unlock_irqrestore(&al->lock, flags);
out:
	rcu_read_unlock();
}

static int tcpka_inetaddr_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct in6_addr a;

	if (event == NETDEV_DOWN) {
		ipv6_addr_set_v4mapped(ifa->ifa_local, &a);
		tcpka_addr_gone(dev_net(ifa->ifa_dev->dev), &a);
	}
	return NOTIFY_DONE;
}

static struct notifier_block tcpka_inetaddr_nb = {
	.notifier_call = tcpka_inetaddr_event,
};

#if IS_ENABLED(CONFIG_IPV6)
static int tcpka_inet6addr_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;

	if (event == NETDEV_DOWN)
		tcpka_addr_gone(dev_net(ifa->idev->dev), &ifa->addr);
	return NOTIFY_DONE;
}

static struct notifier_block tcpka_inet6addr_nb = {
	.notifier_call = tcpka_inet6addr_event,
};
#endif

/* One walk of a namespace: what it saw at its start, what it found. */
struct tcpka_lost_walk {
	struct tcpka_walk w;
	struct tcpka_addrloss *al;
	unsigned long now;
	unsigned long next;		/* the earliest grace still running */
	bool have_next;
	unsigned int nr;
	bool overflow;
	bool ovf_pending;
	struct tcpka_lost ovf;
	struct tcpka_lost lost[TCPKA_LOST_MAX];
	bool pending[TCPKA_LOST_MAX];	/* some socket's grace runs on */
};

static void tcpka_addrloss_abort(struct tcpka_addrloss *al, struct sock *sk,
				 const struct in6_addr *a)
{
	struct in6_addr now;
	bool still;

	/*
	 * What the walk saw without the lock, once more with it: still in a
	 * probed state, not closed, the same address (a socket reused by
	 * connect(AF_UNSPEC) and connect() or listen() is another socket).
	 */
	lock_sock(sk);
	tcpka_sk_local(sk, &now);
	still = ((1 << sk->sk_state) & TCPKA_PROBED_STATES) &&
		!sock_flag(sk, SOCK_DEAD) && ipv6_addr_equal(a, &now);
	release_sock(sk);
	if (!still)
		return;
	down_read(&tcpka_abort_rwsem);
	if (READ_ONCE(tcpka_addrloss_alive)) {
		WRITE_ONCE(al->abort_task, current);
		WRITE_ONCE(al->aborting, sk);
		atomic_inc(&tcpka_aborts_now);
		/* Takes the socket's lock; a socket closed meanwhile: -ENOENT. */
		tcp_abort(sk, ECONNABORTED);
		atomic_dec(&tcpka_aborts_now);
		WRITE_ONCE(al->aborting, NULL);
	}
	up_read(&tcpka_abort_rwsem);
}

/* A grace still running (or an abort put off): the next walk's time. */
static void tcpka_lost_later(struct tcpka_lost_walk *lw, bool *pending,
			     unsigned long when)
{
	*pending = true;
	if (!lw->have_next || time_before(when, lw->next))
		lw->next = when;
	lw->have_next = true;
}

/* One socket of the walk: referenced, not locked, process context. */
static void tcpka_lost_sock(struct tcpka_walk *w, struct sock *sk)
{
	struct tcpka_lost_walk *lw = container_of(w, struct tcpka_lost_walk, w);
	struct net *net = lw->al->net;
	const struct tcpka_lost *l = NULL;
	const struct tcpka_entry *e;
	struct tcpka_net *tn;
	bool *pending = NULL;
	unsigned long due;
	struct in6_addr a;
	bool dry_run;
	unsigned int i;
	u32 grace;

	if (tcpka_sock_exempt(sk) || tcpka_sk_nonlocal(sk) ||
	    (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)))
		return;
	tcpka_sk_local(sk, &a);
	for (i = 0; i < lw->nr; i++) {
		if (ipv6_addr_equal(&lw->lost[i].addr, &a)) {
			l = &lw->lost[i];
			pending = &lw->pending[i];
			break;
		}
	}
	if (!l && lw->overflow) {
		l = &lw->ovf;
		pending = &lw->ovf_pending;
	}
	if (!l)
		return;
	rcu_read_lock();
	tn = tcpka_pernet(net);
	e = tn && READ_ONCE(tn->enabled) ?
	    tcpka_policy_lookup(tcpka_sock_cgroup(sk)) : NULL;
	if (!e || !(e->pol.has & TCPKA_HAS(TCPKA_KEY_ADDR_LOSS))) {
		rcu_read_unlock();
		return;
	}
	grace = e->pol.addr_loss;
	dry_run = READ_ONCE(tn->dry_run);
	rcu_read_unlock();

	/*
	 * As the socket's routing sees it: back, on another interface, or in
	 * its VRF all along (the notifier cannot tell): no loss for it.
	 */
	if (tcpka_sk_addr_present(net, sk, &a))
		return;
	due = l->at + grace * HZ;
	if (time_before(lw->now, due)) {
		tcpka_lost_later(lw, pending, due);
		return;
	}
	if (dry_run) {
		if (time_after(due, l->walked))	/* once per loss */
			tcpka_count(sk, TCPKA_MIB_DRY_RUN, 1);
		return;
	}
	/*
	 * A task owns the socket (in a syscall): tcp_abort() would wait for
	 * it, as long as it takes (a fault on a FUSE page...). Again in a
	 * second; the walk goes on.
	 */
	if (sock_owned_by_user_nocheck(sk)) {
		tcpka_lost_later(lw, pending, lw->now + HZ);
		return;
	}
	tcpka_addrloss_abort(lw->al, sk, &a);
}

static void tcpka_addrloss_fn(struct work_struct *work)
{
	struct tcpka_addrloss *al = container_of(to_delayed_work(work),
						 struct tcpka_addrloss, work);
	unsigned long flags, since, delay, start;
	struct tcpka_lost_walk *lw;
	unsigned int i, j;

	if (!READ_ONCE(tcpka_addrloss_alive))
		return;
	spin_lock_irqsave(&al->lock, flags);
	/* Queued early (a loss just after a walk): wait for the gap. */
	since = jiffies - al->walk_end;
	if (since < al->gap) {
		if (al->alive)
			queue_delayed_work(system_unbound_wq, &al->work,
					   al->gap - since);
		spin_unlock_irqrestore(&al->lock, flags);
		return;
	}
	spin_unlock_irqrestore(&al->lock, flags);

	lw = kzalloc(sizeof(*lw), GFP_KERNEL);
	if (!lw) {
		/* Try again in a second: the losses stay noted. */
		spin_lock_irqsave(&al->lock, flags);
		if (al->alive)
			queue_delayed_work(system_unbound_wq, &al->work, HZ);
		spin_unlock_irqrestore(&al->lock, flags);
		return;
	}
	spin_lock_irqsave(&al->lock, flags);
	lw->nr = al->nr;
	memcpy(lw->lost, al->lost, sizeof(lw->lost));
	lw->overflow = al->overflow;
	lw->ovf = al->ovf;
	spin_unlock_irqrestore(&al->lock, flags);

	lw->al = al;
	start = jiffies;
	lw->now = start;
	/*
	 * Whether an address is back is asked per socket, in its routing
	 * domain: a link-local address of a removed VLAN is still on its
	 * parent, an address of a VRF may be outside it too.
	 */
	if (lw->nr || lw->overflow) {
		lw->w.net = al->net;
		lw->w.one = tcpka_lost_sock;
		tcpka_walk_hash(al->net->ipv4.tcp_death_row.hashinfo, &lw->w);
	}

	/*
	 * Forget what this walk is done with: an address no socket's grace
	 * waits on (back, or used by no socket of a cgroup with addr_loss);
	 * unless it went again meanwhile (the notifiers only update and
	 * append, so lw->lost[i] is al->lost[i]).
	 */
	spin_lock_irqsave(&al->lock, flags);
	for (i = 0, j = 0; i < al->nr; i++) {
		struct tcpka_lost *l = &al->lost[i];

		if (i < lw->nr && l->gen == lw->lost[i].gen) {
			if (!lw->pending[i])
				continue;
			l->walked = lw->now;
		}
		al->lost[j++] = *l;
	}
	al->nr = j;
	if (lw->overflow && al->ovf.gen == lw->ovf.gen) {
		al->overflow = lw->ovf_pending;
		al->ovf.walked = lw->now;
	}
	al->walk_end = jiffies;
	/* A walk's length (capped: one slow abort is not every walk's cost). */
	al->gap = clamp_t(unsigned long, al->walk_end - start, TCPKA_WALK_GAP,
			  HZ);
	/* No-op when a new loss queued it already. */
	if (lw->have_next && al->alive) {
		delay = time_after(lw->next, al->walk_end) ?
			lw->next - al->walk_end : 0;
		queue_delayed_work(system_unbound_wq, &al->work, delay);
	}
	spin_unlock_irqrestore(&al->lock, flags);
	kfree(lw);
}

void tcpka_addrloss_net_init(struct net *net, struct tcpka_net *tn)
{
	struct tcpka_addrloss *al = &tn->al;

	spin_lock_init(&al->lock);
	INIT_DELAYED_WORK(&al->work, tcpka_addrloss_fn);
	al->net = net;
	al->gap = TCPKA_WALK_GAP;
	al->walk_end = jiffies - TCPKA_WALK_GAP;
	al->alive = true;
}

/* The namespace is going: no work of it runs or is queued after this. */
void tcpka_addrloss_net_exit(struct tcpka_net *tn)
{
	struct tcpka_addrloss *al = &tn->al;
	unsigned long flags;

	spin_lock_irqsave(&al->lock, flags);
	al->alive = false;
	spin_unlock_irqrestore(&al->lock, flags);
	cancel_delayed_work_sync(&al->work);
}

static void tcpka_addrloss_stop(void)
{
	down_write(&tcpka_abort_rwsem);
	WRITE_ONCE(tcpka_addrloss_alive, false);
	up_write(&tcpka_abort_rwsem);
}

int tcpka_addrloss_init(void)
{
	int err;

	WRITE_ONCE(tcpka_addrloss_alive, true);
	err = register_inetaddr_notifier(&tcpka_inetaddr_nb);
	if (err)
		goto err;
#if IS_ENABLED(CONFIG_IPV6)
	err = register_inet6addr_notifier(&tcpka_inet6addr_nb);
	if (err) {
		unregister_inetaddr_notifier(&tcpka_inetaddr_nb);
		goto err;
	}
#endif
	return 0;
err:
	/* A work a notifier queued meanwhile does nothing. */
	tcpka_addrloss_stop();
	return err;
}

/*
 * Before the hooks go: no notifier runs after this, no abort is in flight
 * (one that started has been counted), and a work still queued or walking
 * aborts nothing more; the namespaces' exits cancel the works. An abort
 * waiting for a socket's lock delays this as it delays "ss -K".
 */
void tcpka_addrloss_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	unregister_inet6addr_notifier(&tcpka_inet6addr_nb);
#endif
	unregister_inetaddr_notifier(&tcpka_inetaddr_nb);
	tcpka_addrloss_stop();
}
