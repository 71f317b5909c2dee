// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets in the middle of a probe round.
 *
 * An idle connection costs nothing here: a record exists only from a
 * socket's first keepalive probe of a round to the round's end, and at most
 * max_tracked of them at once per network namespace: each namespace has
 * its own share, so one full of dead peers never stops another's rounds
 * being tracked. The records themselves are not charged to a memory
 * cgroup (they recycle across sockets); each belongs to a live socket in
 * the middle of a round, and that socket is charged to its owner's. The
 * record holds no reference on the socket; the tcp_destroy_sock hook
 * removes it before the socket can be freed.
 *
 * A round is answered once the peer has been heard (any acceptable ACK or
 * data) since the round's first probe: tp->rcv_tstamp or icsk_ack.lrcvtime
 * differs from what they were when that probe left (compared for change,
 * not order, so a last data segment months old cannot wrap into "after").
 * That is read from the socket itself, so neither a probe dropped on this
 * host (not counted in icsk_probes_out, sent again 0.5 s later) nor the u8
 * icsk_probes_out wrapping past 255 can read as an answer.
 *
 * Records recycle without an allocation or an RCU callback per round:
 * they come from a per-CPU stock refilled in process context, and go back
 * to it when the round ends. The cache is SLAB_TYPESAFE_BY_RCU and a
 * record's key carries TCPKA_LIVE while its round is on, so a lookup that
 * raced with the end and reuse of a record sees a key that no longer
 * matches, and exactly one caller (whoever clears TCPKA_LIVE) ends a
 * round: a timer on one CPU and an RST on another cannot both count it.
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
#include <linux/jhash.h>
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include "tcpka_mod.h"
#include "tcpka_trace.h"

static unsigned int max_tracked = 65536;
module_param(max_tracked, uint, 0644);
MODULE_PARM_DESC(max_tracked,
		 "Most sockets tracked in the middle of a probe round at once, per network namespace (default 65536); beyond it rounds count in track_overflow");

/* Socket addresses are at least 8-byte aligned: bit 0 is free. */
#define TCPKA_LIVE	1UL

struct tcpka_round {
	struct rhash_head node;
	unsigned long key;	/* the socket's address, | TCPKA_LIVE while on */
	/* When the round's first probe left: tp->rcv_tstamp, icsk_ack.lrcvtime */
	u32 rcv_tstamp;
	u32 lrcvtime;
};

/* What a record remembers of a socket: when the peer was last heard. */
struct tcpka_heard {
	u32 rcv_tstamp;
	u32 lrcvtime;
};

static struct tcpka_heard tcpka_heard_now(const struct sock *sk)
{
	return (struct tcpka_heard){
		.rcv_tstamp = READ_ONCE(tcp_sk(sk)->rcv_tstamp),
		.lrcvtime = READ_ONCE(inet_csk(sk)->icsk_ack.lrcvtime),
	};
}

static u32 tcpka_round_hash(const void *data, u32 len, u32 seed)
{
	unsigned long k = *(const unsigned long *)data & ~TCPKA_LIVE;

	return jhash(&k, sizeof(k), seed);
}

static u32 tcpka_round_obj_hash(const void *obj, u32 len, u32 seed)
{
	return tcpka_round_hash(&((const struct tcpka_round *)obj)->key, len,
				seed);
}

/* 0: @obj is the live round of the socket in @arg->key. */
static int tcpka_round_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	return READ_ONCE(((const struct tcpka_round *)obj)->key) !=
	       *(const unsigned long *)arg->key;
}

static const struct rhashtable_params tcpka_round_params = {
	.key_len		= sizeof(unsigned long),
	.key_offset		= offsetof(struct tcpka_round, key),
	.head_offset		= offsetof(struct tcpka_round, node),
	.hashfn			= tcpka_round_hash,
	.obj_hashfn		= tcpka_round_obj_hash,
	.obj_cmpfn		= tcpka_round_cmp,
	.automatic_shrinking	= true,
};

static struct rhashtable tcpka_rounds;
/* Every live record has a live socket (tcp_destroy_sock is hooked). */
static bool tcpka_track_on;
static atomic_t tcpka_nr_rounds = ATOMIC_INIT(0);
static struct kmem_cache *tcpka_round_cache;

/*
 * The per-CPU stock of free records. Hooks take from it and give back to
 * it with interrupts off (a softirq may interrupt a hook running in
 * process context); below TCPKA_STOCK_LOW the CPU's refill work tops it
 * up with GFP_KERNEL. Only an empty stock falls back to an atomic
 * allocation.
 */
#define TCPKA_STOCK_SIZE	128
#define TCPKA_STOCK_LOW		32

struct tcpka_stock {
	unsigned int nr;
	struct tcpka_round *r[TCPKA_STOCK_SIZE];
};

static DEFINE_PER_CPU(struct tcpka_stock, tcpka_stock);
static DEFINE_PER_CPU(struct work_struct, tcpka_refill_work);
static bool tcpka_refill_on;

static void tcpka_refill(struct work_struct *work)
{
	struct tcpka_round *batch[TCPKA_STOCK_SIZE / 2];
	struct tcpka_stock *st;
	unsigned long flags;
	unsigned int n, i;

	for (n = 0; n < ARRAY_SIZE(batch); n++) {
		batch[n] = kmem_cache_alloc(tcpka_round_cache, GFP_KERNEL);
		if (!batch[n])
			break;
	}
	local_irq_save(flags);
	st = this_cpu_ptr(&tcpka_stock);
	for (i = 0; i < n && st->nr < TCPKA_STOCK_SIZE; i++)
		st->r[st->nr++] = batch[i];
	local_irq_restore(flags);
	for (; i < n; i++)
		kmem_cache_free(tcpka_round_cache, batch[i]);
}

static struct tcpka_round *tcpka_round_get(void)
{
	struct tcpka_round *r = NULL;
	struct tcpka_stock *st;
	unsigned long flags;
	bool low;

	local_irq_save(flags);
	st = this_cpu_ptr(&tcpka_stock);
	if (st->nr)
		r = st->r[--st->nr];
	low = st->nr < TCPKA_STOCK_LOW;
	if (low && READ_ONCE(tcpka_refill_on))
		schedule_work_on(smp_processor_id(),
				 this_cpu_ptr(&tcpka_refill_work));
	local_irq_restore(flags);
	if (!r)
		r = kmem_cache_alloc(tcpka_round_cache,
				     GFP_ATOMIC | __GFP_NOWARN);
	return r;
}

static void tcpka_round_put(struct tcpka_round *r)
{
	struct tcpka_stock *st;
	unsigned long flags;

	local_irq_save(flags);
	st = this_cpu_ptr(&tcpka_stock);
	if (st->nr < TCPKA_STOCK_SIZE) {
		st->r[st->nr++] = r;
		r = NULL;
	}
	local_irq_restore(flags);
	if (r)
		kmem_cache_free(tcpka_round_cache, r);
}

/*
 * The live round of @sk and when its first probe left, if it has one.
 * Context: rcu_read_lock() or preemption off.
 */
static struct tcpka_round *tcpka_round_find(const struct sock *sk,
					    struct tcpka_heard *h)
{
	unsigned long key = (unsigned long)sk | TCPKA_LIVE;
	struct tcpka_round *r;

	if (!atomic_read(&tcpka_nr_rounds))
		return NULL;
	r = rhashtable_lookup(&tcpka_rounds, &key, tcpka_round_params);
	if (!r)
		return NULL;
	/* The key matched (obj_cmpfn) before the times are read... */
	smp_rmb();
	h->rcv_tstamp = READ_ONCE(r->rcv_tstamp);
	h->lrcvtime = READ_ONCE(r->lrcvtime);
	/* ...and still matches after: not ended and reused meanwhile. */
	smp_rmb();
	return READ_ONCE(r->key) == key ? r : NULL;
}

/*
 * Rounds in progress in @sk's namespace (rounds_in_progress in stats), its
 * share of max_tracked: false when taking one more would exceed it.
 */
static bool tcpka_live_add(const struct sock *sk, int d)
{
	struct tcpka_net *tn;
	bool ok = true;

	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn && atomic_add_return(d, &tn->rounds_live) >
		  (int)min_t(unsigned int, READ_ONCE(max_tracked), INT_MAX) &&
	    d > 0) {
		atomic_sub(d, &tn->rounds_live);
		ok = false;
	}
	rcu_read_unlock();
	return ok;
}

/* Return: 0, -ENOSPC past the namespace's max_tracked, -ENOMEM, -EEXIST. */
static int tcpka_round_add(const struct sock *sk)
{
	unsigned long live = (unsigned long)sk | TCPKA_LIVE;
	struct tcpka_heard heard;
	struct tcpka_round *r;
	int err;

	/* Counted before a claimer can see it live and count it out. */
	if (!tcpka_live_add(sk, 1))
		return -ENOSPC;
	atomic_inc(&tcpka_nr_rounds);
	r = tcpka_round_get();
	if (!r) {
		err = -ENOMEM;
		goto err_dec;
	}
	heard = tcpka_heard_now(sk);
	WRITE_ONCE(r->rcv_tstamp, heard.rcv_tstamp);
	WRITE_ONCE(r->lrcvtime, heard.lrcvtime);
	/* Inserted not live, so no lookup can claim it before it is in. */
	WRITE_ONCE(r->key, (unsigned long)sk);
	err = rhashtable_lookup_insert_key(&tcpka_rounds, &live, &r->node,
					   tcpka_round_params);
	if (err) {
		tcpka_round_put(r);
		goto err_dec;
	}
	smp_wmb();	/* the times before the key that makes them visible */
	WRITE_ONCE(r->key, live);
	return 0;

err_dec:
	atomic_dec(&tcpka_nr_rounds);
	tcpka_live_add(sk, -1);
	return err;
}

/* Claim the end of @r's round: true for exactly one caller. */
static bool tcpka_round_claim(struct tcpka_round *r, const struct sock *sk)
{
	unsigned long key = (unsigned long)sk;

	return cmpxchg(&r->key, key | TCPKA_LIVE, key) == (key | TCPKA_LIVE);
}

/* End @r's round (claimed by the caller) and give the record back. */
static void tcpka_round_del(struct tcpka_round *r, const struct sock *sk)
{
	/* Only the claimer removes: a failure would be a bug (and a leak). */
	if (WARN_ON_ONCE(rhashtable_remove_fast(&tcpka_rounds, &r->node,
						tcpka_round_params)))
		return;
	atomic_dec(&tcpka_nr_rounds);
	tcpka_live_add(sk, -1);
	tcpka_round_put(r);
}

/* An ended round (claimed) starts again in place: the next first probe. */
static void tcpka_round_restart(struct tcpka_round *r, const struct sock *sk)
{
	struct tcpka_heard heard = tcpka_heard_now(sk);

	WRITE_ONCE(r->rcv_tstamp, heard.rcv_tstamp);
	WRITE_ONCE(r->lrcvtime, heard.lrcvtime);
	smp_wmb();	/* pairs with smp_rmb() in tcpka_round_find() */
	WRITE_ONCE(r->key, (unsigned long)sk | TCPKA_LIVE);
}

/* Heard from the peer (an ACK or data) since the record @h was taken? */
static bool tcpka_heard_since(const struct sock *sk,
			      const struct tcpka_heard *h)
{
	struct tcpka_heard now = tcpka_heard_now(sk);

	return now.rcv_tstamp != h->rcv_tstamp || now.lrcvtime != h->lrcvtime;
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
 * Context: tracepoint or kprobe handler; sleeps never. The events of one
 * socket are serialised by its lock, but for the keepalive timer's entry
 * (before the timer takes it): the claim on the record decides.
 */
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev)
{
	unsigned int probes = READ_ONCE(inet_csk(sk)->icsk_probes_out);
	struct tcpka_round *r;
	struct tcpka_verdict v;
	struct tcpka_heard h;
	bool answered;
	int err;

	rcu_read_lock();
	r = tcpka_round_find(sk, &h);
	answered = r && tcpka_heard_since(sk, &h);
	v = tcpka_classify(!!r, ev, tcpka_outstanding(!!r, answered, probes));
	/* A round that ends, or ends and restarts, is ended by one caller. */
	if (r && (!v.in_round || v.start)) {
		if (!tcpka_round_claim(r, sk)) {
			rcu_read_unlock();
			return;
		}
		if (v.start) {
			/* Answered, and this probe starts the next round. */
			tcpka_round_restart(r, sk);
			v.start = false;
			tcpka_count(sk, TCPKA_MIB_ROUNDS, 1);
		} else {
			tcpka_round_del(r, sk);
		}
	}
	rcu_read_unlock();
	/*
	 * A verdict with no round of ours (a close by TCP_USER_TIMEOUT with
	 * data unacked, which keepalive never probes; a round that began
	 * before load or past max_tracked) counts as a round that started
	 * and ended at once: the outcomes always add up to rounds_started.
	 */
	if (!r && v.outcome != TCPKA_OUT_NONE)
		tcpka_count(sk, TCPKA_MIB_ROUNDS, 1);
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

/**
 * tcpka_track_close - a socket left the states keepalive probes in
 * @sk: a TCP socket
 * @timed_out: a timer gave up on it (ETIMEDOUT or the soft error) with no
 *	retransmission outstanding: the keepalive timer, or the zero-window
 *	probe timer
 * @rto: the retransmission (or zero-window probe) timer gave up on it
 *	without TCP_USER_TIMEOUT (tcp_retries2, tcp_orphan_retries)
 * @uto: TCP_USER_TIMEOUT closed it (see tcpka_closed_by_uto())
 *
 * With a round on and unanswered, a timer giving up with nothing
 * retransmitted can only be the keepalive timer: the zero-window probe
 * timer runs only with data queued, and keepalive sends no probe then.
 * Data the application sent in the middle of an unanswered round that the
 * retransmission timer gave up on is the same verdict, reached sooner: the
 * peer never answered, a timeout (with TCP_USER_TIMEOUT it is the
 * user_timeout outcome, as without a round). All of it is read from the
 * socket, not from which timer runs on this CPU, so a task preempting the
 * timer (as on PREEMPT_RT) cannot be taken for it.
 */
void tcpka_track_close(const struct sock *sk, bool timed_out, bool rto,
		       bool uto)
{
	struct tcpka_round *r;
	struct tcpka_heard h;
	bool keepalive;

	rcu_read_lock();
	r = tcpka_round_find(sk, &h);
	if (r)
		keepalive = (timed_out || rto) && !tcpka_heard_since(sk, &h);
	else	/* untracked (track_overflow, or mid-round at load) */
		keepalive = timed_out && READ_ONCE(inet_csk(sk)->icsk_probes_out) &&
			    sock_flag(sk, SOCK_KEEPOPEN);
	rcu_read_unlock();
	if (keepalive)
		tcpka_track_event(sk, TCPKA_EV_TIMER_CLOSE);
	else if (uto)
		tcpka_track_event(sk, TCPKA_EV_UTO_CLOSE);
	else
		tcpka_track_event(sk, TCPKA_EV_CLOSE);
}

/*
 * One row of /proc/net/tcpka/probing, if the reader's view has the
 * socket's cgroup; @sk is referenced.
 */
static void tcpka_probing_row(struct seq_file *m, struct tcpka_rowbuf *b,
			      const struct tcpka_view *v, const struct sock *sk)
{
	const char *path;
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	char local[TCPKA_ADDR_LEN], remote[TCPKA_ADDR_LEN];
	unsigned int probes = READ_ONCE(icsk->icsk_probes_out);
	const struct timer_list *t = tcpka_ka_timer((struct sock *)sk);
	long left = 0;

	if (!probes || !((1 << READ_ONCE(sk->sk_state)) & TCPKA_PROBED_STATES))
		return;
	path = tcpka_view_cgroup(v, b, tcpka_sock_cgroup(sk));
	if (!path)
		return;
	if (timer_pending(t))
		left = max_t(long, (long)(READ_ONCE(t->expires) - jiffies), 0);
	tcpka_fmt_addr(local, sizeof(local), sk, false);
	tcpka_fmt_addr(remote, sizeof(remote), sk, true);
	seq_printf(m, "%llu %s %s %s %u/%u %u %u\n",
		   tcpka_sock_cookie((struct sock *)sk), local, remote,
		   path, probes,
		   keepalive_probes(tp), keepalive_time_elapsed(tp) / HZ,
		   DIV_ROUND_UP(jiffies_to_msecs(left), 1000));
}

static int tcpka_probing_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct rhashtable_iter hti;
	struct tcpka_view *view;
	struct tcpka_rowbuf *b;
	struct tcpka_round *r;
	struct tcpka_heard h;
	struct sock *sk;

	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!b || !view) {
		kvfree(b);
		if (view)
			tcpka_view_put(view);
		return -ENOMEM;
	}
	seq_puts(m, "cookie local remote cgroup probes idle next\n");
	rhashtable_walk_enter(&tcpka_rounds, &hti);
	rhashtable_walk_start(&hti);
	while (READ_ONCE(tcpka_track_on) && (r = rhashtable_walk_next(&hti))) {
		if (IS_ERR(r)) {
			if (PTR_ERR(r) == -EAGAIN)
				continue;	/* resized: rows may repeat */
			break;
		}
		/* A record that ended (and may be reused) is skipped. */
		sk = (struct sock *)READ_ONCE(r->key);
		if (!((unsigned long)sk & TCPKA_LIVE))
			continue;
		sk = (struct sock *)((unsigned long)sk & ~TCPKA_LIVE);
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		if (net_eq(sock_net(sk), net) && tcpka_round_find(sk, &h))
			tcpka_probing_row(m, b, view, sk);
		sock_put(sk);
		if (seq_has_overflowed(m))
			break;	/* seq_file retries with a larger buffer */
	}
	rhashtable_walk_stop(&hti);
	rhashtable_walk_exit(&hti);
	tcpka_view_put(view);
	kvfree(b);
	return 0;
}

/* From hooks init, once tcp_destroy_sock is hooked. */
void tcpka_track_start(void)
{
	WRITE_ONCE(tcpka_track_on, true);
}

/*
 * Before the hooks go: /proc/net/tcpka/probing stops reading records,
 * whose sockets may be destroyed unseen from now on. A walk already under
 * way is inside an RCU read-side section, which keeps such a socket's
 * memory (SLAB_TYPESAFE_BY_RCU) a socket until it ends.
 */
void tcpka_track_stop(void)
{
	WRITE_ONCE(tcpka_track_on, false);
}

int tcpka_track_proc_create(struct proc_dir_entry *dir)
{
	return proc_create_net_single("probing", 0400, dir, tcpka_probing_show,
				      NULL) ? 0 : -ENOMEM;
}

int tcpka_track_init(void)
{
	int cpu, err;

	tcpka_round_cache = kmem_cache_create("tcpka_round",
					      sizeof(struct tcpka_round), 0,
					      SLAB_TYPESAFE_BY_RCU, NULL);
	if (!tcpka_round_cache)
		return -ENOMEM;
	err = rhashtable_init(&tcpka_rounds, &tcpka_round_params);
	if (err) {
		kmem_cache_destroy(tcpka_round_cache);
		return err;
	}
	for_each_possible_cpu(cpu)
		INIT_WORK(per_cpu_ptr(&tcpka_refill_work, cpu), tcpka_refill);
	WRITE_ONCE(tcpka_refill_on, true);
	return 0;
}

static void tcpka_round_free(void *ptr, void *arg)
{
	kmem_cache_free(tcpka_round_cache, ptr);
}

/* After the hooks are gone and an RCU grace period has passed. */
void tcpka_track_exit(void)
{
	struct tcpka_stock *st;
	int cpu;

	WRITE_ONCE(tcpka_refill_on, false);
	for_each_possible_cpu(cpu)
		cancel_work_sync(per_cpu_ptr(&tcpka_refill_work, cpu));
	rhashtable_free_and_destroy(&tcpka_rounds, tcpka_round_free, NULL);
	atomic_set(&tcpka_nr_rounds, 0);
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(&tcpka_stock, cpu);
		while (st->nr)
			kmem_cache_free(tcpka_round_cache, st->r[--st->nr]);
	}
	/* Its slabs are freed after an RCU grace period (TYPESAFE_BY_RCU). */
	kmem_cache_destroy(tcpka_round_cache);
}
