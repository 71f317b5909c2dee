// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets in the middle of a probe round.
 *
 * An idle connection costs nothing here: a record exists only from a
 * socket's first keepalive probe of a round to the round's end, and at most
 * max_tracked of them at once. The record holds no reference on the socket;
 * the tcp_destroy_sock hook removes it before the socket can be freed.
 *
 * Exactly one event ends a round: whoever removes the record counts the
 * outcome, so a timer on one CPU and an RST on another cannot both count.
 * A verdict (rst, timeout, user_timeout) also feeds the cgroup's
 * histograms, the tcpka:tcpka_round_end tracepoint and, with
 * net.tcpka.log_verdicts, one rate-limited log line.
 *
 * /proc/net/tcpka/probing lists the tracked sockets of the reader's
 * namespace that have unanswered probes: the half-open suspects. It walks
 * the table under RCU and takes a reference on each socket before reading
 * it (TCP sockets are SLAB_TYPESAFE_BY_RCU: the record may outlive the
 * socket by a grace period, and the memory may be a new socket by then).
 */

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include "tcpka_mod.h"
#include "tcpka_trace.h"

static unsigned int max_tracked = 65536;
module_param(max_tracked, uint, 0644);
MODULE_PARM_DESC(max_tracked,
		 "Most sockets tracked in the middle of a probe round at once (default 65536); beyond it rounds count in track_overflow");

struct tcpka_round {
	struct rhash_head node;
	unsigned long key;		/* the socket's address */
	struct rcu_head rcu;
};

static const struct rhashtable_params tcpka_round_params = {
	.key_len		= sizeof(unsigned long),
	.key_offset		= offsetof(struct tcpka_round, key),
	.head_offset		= offsetof(struct tcpka_round, node),
	.automatic_shrinking	= true,
};

static struct rhashtable tcpka_rounds;
static atomic_t tcpka_nr_rounds = ATOMIC_INIT(0);

static bool tcpka_round_find(const struct sock *sk)
{
	unsigned long key = (unsigned long)sk;

	if (!atomic_read(&tcpka_nr_rounds))
		return false;
	return rhashtable_lookup_fast(&tcpka_rounds, &key, tcpka_round_params);
}

/* Return: 0, -ENOSPC past max_tracked, -ENOMEM, -EEXIST. */
static int tcpka_round_add(const struct sock *sk)
{
	struct tcpka_round *r;
	int err;

	if (atomic_inc_return(&tcpka_nr_rounds) > READ_ONCE(max_tracked)) {
		err = -ENOSPC;
		goto err_dec;
	}
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r) {
		err = -ENOMEM;
		goto err_dec;
	}
	r->key = (unsigned long)sk;
	err = rhashtable_lookup_insert_fast(&tcpka_rounds, &r->node,
					    tcpka_round_params);
	if (err) {
		kfree(r);
		goto err_dec;
	}
	return 0;

err_dec:
	atomic_dec(&tcpka_nr_rounds);
	return err;
}

/* Return: true if this caller removed the record (and owns the outcome). */
static bool tcpka_round_del(const struct sock *sk)
{
	unsigned long key = (unsigned long)sk;
	struct tcpka_round *r;
	bool removed = false;

	rcu_read_lock();
	r = rhashtable_lookup(&tcpka_rounds, &key, tcpka_round_params);
	if (r && !rhashtable_remove_fast(&tcpka_rounds, &r->node,
					 tcpka_round_params)) {
		kfree_rcu(r, rcu);
		atomic_dec(&tcpka_nr_rounds);
		removed = true;
	}
	rcu_read_unlock();
	return removed;
}

static const enum tcpka_mib tcpka_outcome_mib[] = {
	[TCPKA_OUT_ACK]		= TCPKA_MIB_ACK,
	[TCPKA_OUT_RST]		= TCPKA_MIB_RST,
	[TCPKA_OUT_TIMEOUT]	= TCPKA_MIB_TIMEOUT,
	[TCPKA_OUT_USER_TIMEOUT] = TCPKA_MIB_USER_TIMEOUT,
	[TCPKA_OUT_ABANDONED]	= TCPKA_MIB_ABANDONED,
};

/* "[" v6 address "]:" port, NUL */
#define TCPKA_ADDR_LEN	(sizeof("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535"))

/* "a.b.c.d:port" or "[v6]:port" of one end of @sk. */
static void tcpka_fmt_addr(char *buf, size_t len, const struct sock *sk,
			   bool remote)
{
	u16 port = ntohs(remote ? sk->sk_dport : inet_sk(sk)->inet_sport);

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		snprintf(buf, len, "[%pI6c]:%u",
			 remote ? &sk->sk_v6_daddr : &sk->sk_v6_rcv_saddr, port);
		return;
	}
#endif
	snprintf(buf, len, "%pI4:%u",
		 remote ? &sk->sk_daddr : &sk->sk_rcv_saddr, port);
}

static void tcpka_log_verdict(const struct sock *sk, enum tcpka_outcome out,
			      unsigned int probes, u32 idle_ms, u32 detect_ms)
{
	char local[TCPKA_ADDR_LEN], remote[TCPKA_ADDR_LEN];
	char path[128];

	tcpka_fmt_addr(local, sizeof(local), sk, false);
	tcpka_fmt_addr(remote, sizeof(remote), sk, true);
	if (cgroup_path(tcpka_sock_cgroup(sk), path, sizeof(path)) < 0)
		strscpy(path, "?", sizeof(path));
	pr_info_ratelimited("tcpka: %s %s -> %s cgroup %s probes %u/%u idle %u.%03us detect %u.%03us\n",
			    tcpka_outcome_names[out], local, remote, path,
			    probes, keepalive_probes(tcp_sk(sk)),
			    idle_ms / 1000, idle_ms % 1000,
			    detect_ms / 1000, detect_ms % 1000);
}

/*
 * A round ended (or TCP_USER_TIMEOUT closed the socket): count it and, for
 * a verdict, feed the histograms, the tracepoint and the log. @probes is
 * icsk_probes_out as the event saw it.
 */
static void tcpka_round_end(const struct sock *sk, enum tcpka_outcome out,
			    unsigned int probes)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	bool verdict = out == TCPKA_OUT_RST || out == TCPKA_OUT_TIMEOUT ||
		       out == TCPKA_OUT_USER_TIMEOUT;
	u32 idle_ms, detect_ms;
	struct tcpka_net *tn;
	bool log;

	tcpka_count(sk, tcpka_outcome_mib[out], 1);
	/* Idle as keepalive measures it: since the peer was last heard. */
	idle_ms = jiffies_to_msecs(keepalive_time_elapsed(tp));
	/* Since the last data the peer sent (or the handshake). */
	detect_ms = jiffies_to_msecs(tcp_jiffies32 -
				     READ_ONCE(inet_csk(sk)->icsk_ack.lrcvtime));
	if (out == TCPKA_OUT_RST)
		tcpka_observe(sk, TCPKA_HIST_IDLE_RST, idle_ms);
	if (verdict)
		tcpka_observe(sk, TCPKA_HIST_DETECT, detect_ms);
	if (trace_tcpka_round_end_enabled())
		trace_tcpka_round_end(sk, tcpka_sock_cookie((struct sock *)sk),
				      cgroup_id(tcpka_sock_cgroup(sk)), out,
				      probes, keepalive_probes(tp), idle_ms,
				      detect_ms);
	if (!verdict)
		return;
	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	log = tn && READ_ONCE(tn->log_verdicts);
	rcu_read_unlock();
	if (log)
		tcpka_log_verdict(sk, out, probes, idle_ms, detect_ms);
}

/**
 * tcpka_track_event - feed one event of a socket to its probe round
 * @sk: a TCP socket
 * @ev: what happened
 *
 * Context: tracepoint or kprobe handler; sleeps never.
 */
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev)
{
	tcpka_track_event_at(sk, ev, READ_ONCE(inet_csk(sk)->icsk_probes_out));
}

/**
 * tcpka_track_event_at - tcpka_track_event() with icsk_probes_out as it was
 * @sk: a TCP socket
 * @ev: what happened
 * @probes: icsk_probes_out when it happened
 *
 * Context: tracepoint or kprobe handler; sleeps never.
 */
void tcpka_track_event_at(const struct sock *sk, enum tcpka_event ev,
			  unsigned int probes)
{
	bool in_round = tcpka_round_find(sk);
	struct tcpka_verdict v;
	int err;

	v = tcpka_classify(in_round, ev, probes);
	/* A round that ends, or ends and restarts, is ended by one caller. */
	if (in_round && (!v.in_round || v.start) && !tcpka_round_del(sk))
		return;
	if (v.outcome != TCPKA_OUT_NONE)
		tcpka_round_end(sk, v.outcome, probes);
	if (v.start) {
		err = tcpka_round_add(sk);
		if (!err)
			tcpka_count(sk, TCPKA_MIB_ROUNDS, 1);
		else if (err != -EEXIST)
			tcpka_count(sk, TCPKA_MIB_TRACK_OVERFLOW, 1);
	}
}

/* One row of /proc/net/tcpka/probing; @sk is referenced. */
static void tcpka_probing_row(struct seq_file *m, struct tcpka_rowbuf *b,
			      const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	char local[TCPKA_ADDR_LEN], remote[TCPKA_ADDR_LEN];
	unsigned int probes = READ_ONCE(icsk->icsk_probes_out);
	const struct timer_list *t = tcpka_ka_timer((struct sock *)sk);
	long left = 0;

	if (!probes ||
	    !((1 << READ_ONCE(sk->sk_state)) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return;
	if (timer_pending(t))
		left = max_t(long, (long)(READ_ONCE(t->expires) - jiffies), 0);
	tcpka_fmt_addr(local, sizeof(local), sk, false);
	tcpka_fmt_addr(remote, sizeof(remote), sk, true);
	seq_printf(m, "%llu %s %s %s %u/%u %u %u\n",
		   tcpka_sock_cookie((struct sock *)sk), local, remote,
		   tcpka_cgroup_path(b, tcpka_sock_cgroup(sk)), probes,
		   keepalive_probes(tp), keepalive_time_elapsed(tp) / HZ,
		   DIV_ROUND_UP(jiffies_to_msecs(left), 1000));
}

static int tcpka_probing_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct rhashtable_iter hti;
	struct tcpka_rowbuf *b;
	struct tcpka_round *r;
	struct sock *sk;

	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	seq_puts(m, "cookie local remote cgroup probes idle next\n");
	rhashtable_walk_enter(&tcpka_rounds, &hti);
	rhashtable_walk_start(&hti);
	while ((r = rhashtable_walk_next(&hti))) {
		if (IS_ERR(r)) {
			if (PTR_ERR(r) == -EAGAIN)
				continue;	/* resized: rows may repeat */
			break;
		}
		sk = (struct sock *)r->key;
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		if (net_eq(sock_net(sk), net) && tcpka_round_find(sk))
			tcpka_probing_row(m, b, sk);
		sock_put(sk);
		if (seq_has_overflowed(m))
			break;	/* seq_file retries with a larger buffer */
	}
	rhashtable_walk_stop(&hti);
	rhashtable_walk_exit(&hti);
	kvfree(b);
	return 0;
}

int tcpka_track_proc_create(struct proc_dir_entry *dir)
{
	return proc_create_net_single("probing", 0400, dir, tcpka_probing_show,
				      NULL) ? 0 : -ENOMEM;
}

int tcpka_track_init(void)
{
	return rhashtable_init(&tcpka_rounds, &tcpka_round_params);
}

static void tcpka_round_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* After the hooks are gone and an RCU grace period has passed. */
void tcpka_track_exit(void)
{
	rhashtable_free_and_destroy(&tcpka_rounds, tcpka_round_free, NULL);
	atomic_set(&tcpka_nr_rounds, 0);
}
