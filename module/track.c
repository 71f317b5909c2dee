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
 * they come from a pool refilled in process context, and go back to it
 * when the round ends; no hook allocates or takes a sleeping lock, which
 * PREEMPT_RT forbids with preemption off. A record is a record until an
 * RCU grace period after it left the pool for the slab (tcpka_trim_fn()),
 * and its key carries TCPKA_LIVE while its round is on, so a lookup that
 * raced with the end and reuse of a record sees a key that no longer
 * matches, and exactly one caller (whoever clears TCPKA_LIVE) ends a
 * round: a timer on one CPU and an RST on another cannot both count it.
 * A verdict (rst, timeout, user_timeout, zero_window, addr_lost) feeds the
 * cgroup's histograms, the tcpka:tcpka_round_end tracepoint and, with
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
#include <linux/ratelimit.h>
#include <linux/hash.h>
#include <linux/log2.h>
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

#ifdef SLAB_NO_MERGE
#define TCPKA_SLAB_NO_MERGE	SLAB_NO_MERGE
#else
#define TCPKA_SLAB_NO_MERGE	0
#endif

/* Socket addresses are at least 8-byte aligned: bit 0 is free. */
#define TCPKA_LIVE	1UL

/*
 * One socket in the middle of a round: 24 bytes, in a cache of its own
 * (no constructor, no SLAB_TYPESAFE_BY_RCU: SLUB keeps its free pointer
 * inside the object, so 24 bytes there too).
 */
struct tcpka_round {
	unsigned long next;	/* the next record, or a chain's nulls marker */
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

/*
 * The table: a fixed array of chains, sized once at load from max_tracked
 * (a quarter of it, 256 to 65536 chains), never resized, so that nothing
 * in a hook allocates for it. A chain is singly linked and ends in a nulls
 * marker naming its bucket (odd: socket addresses are even), as the TCP
 * established hash does: records are reused at once, without waiting for
 * a grace period, so a lookup that followed a record into another chain
 * (or into the free pool, which ends in TCPKA_POOL_END) sees the wrong
 * marker at the end and starts again. Writers take one of the hashed raw
 * spinlocks with interrupts off: hooks run in every context (a softirq
 * may interrupt one running in a task), and on PREEMPT_RT a raw spinlock
 * is the lock a preemption-disabled hook may take.
 */
#define TCPKA_LOCK_BITS	8
#define TCPKA_POOL_END	(~0UL)

static unsigned long *tcpka_heads;
static unsigned int tcpka_hbits;
static raw_spinlock_t tcpka_locks[1 << TCPKA_LOCK_BITS];

static unsigned long tcpka_nulls(u32 b)
{
	return (unsigned long)b << 1 | 1;
}

static u32 tcpka_bucket(unsigned long key)
{
	return hash_long(key & ~TCPKA_LIVE, tcpka_hbits);
}

static raw_spinlock_t *tcpka_lock(u32 b)
{
	return &tcpka_locks[b & ((1 << TCPKA_LOCK_BITS) - 1)];
}

/* Every live record has a live socket (tcp_destroy_sock is hooked). */
static bool tcpka_track_on;
static atomic_t tcpka_nr_rounds = ATOMIC_INIT(0);
static struct kmem_cache *tcpka_round_cache;

/*
 * Free records: a pool refilled (tcpka_refill_work) and trimmed
 * (tcpka_trim_work) in process context, and filled ahead of a policy write's re-arm walk by the
 * walk itself (tcpka_track_reserve()), whose sockets all probe soon after.
 * An answered round gives its record back and the next one takes one (or,
 * when the socket probes again within half a second, keeps it for the
 * next round: tcpka_probes_soon()): no allocation per round. Only an
 * empty pool falls back to an atomic allocation, and never on PREEMPT_RT,
 * where a hook (preemption off) must not allocate: there the round is not
 * tracked (track_overflow). Records go back to the slab only from the
 * work, never from a hook.
 */
#define TCPKA_POOL_LOW		256
#define TCPKA_POOL_FILL		512
#define TCPKA_POOL_MAX		BIT(20)

static unsigned long tcpka_pool = TCPKA_POOL_END;	/* under the lock */
static unsigned int tcpka_pool_nr;
static DEFINE_RAW_SPINLOCK(tcpka_pool_lock);
static bool tcpka_pool_on;
static void tcpka_refill_fn(struct work_struct *work);
static void tcpka_trim_fn(struct work_struct *work);
static DECLARE_WORK(tcpka_refill_work, tcpka_refill_fn);
static DECLARE_DELAYED_WORK(tcpka_trim_work, tcpka_trim_fn);

/* Add @n new records to the pool (process context). Return how many. */
static unsigned int tcpka_pool_add(unsigned int n)
{
	struct tcpka_round *r;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < n; i++) {
		r = kmem_cache_alloc(tcpka_round_cache, GFP_KERNEL);
		if (!r)
			break;
		WRITE_ONCE(r->key, 0);
		raw_spin_lock_irqsave(&tcpka_pool_lock, flags);
		WRITE_ONCE(r->next, tcpka_pool);
		tcpka_pool = (unsigned long)r;
		WRITE_ONCE(tcpka_pool_nr, tcpka_pool_nr + 1);
		raw_spin_unlock_irqrestore(&tcpka_pool_lock, flags);
	}
	return i;
}

/* Below TCPKA_POOL_LOW: back to TCPKA_POOL_FILL. */
static void tcpka_refill_fn(struct work_struct *work)
{
	unsigned int nr = READ_ONCE(tcpka_pool_nr);

	if (nr < TCPKA_POOL_FILL)
		tcpka_pool_add(TCPKA_POOL_FILL - nr);
}

/*
 * A reserve taken for a re-arm walk, once its rounds are over: down to
 * twice what the rounds in progress could need at once, plus
 * TCPKA_POOL_FILL. Records are taken off the top of the pool in batches
 * and freed an RCU grace period later: a lookup may still stand on one
 * (it followed a chain into the pool), and no record left in the pool
 * points to one taken off its top (the pool is a stack).
 */
#define TCPKA_TRIM_HOLD	64

/* Bumped by each reserve: a trim under way stops, the reserve is new. */
static atomic_t tcpka_reserve_gen = ATOMIC_INIT(0);

static void tcpka_trim_fn(struct work_struct *work)
{
	int gen = atomic_read(&tcpka_reserve_gen);
	unsigned long batch = 0, p, flags;
	struct tcpka_round *r;
	unsigned int n, want;

	/* A few records per hold of the lock the hooks take; one grace period. */
	for (;;) {
		want = TCPKA_POOL_FILL + atomic_read(&tcpka_nr_rounds);
		if (READ_ONCE(tcpka_pool_nr) <= 2 * want ||
		    atomic_read(&tcpka_reserve_gen) != gen)
			break;
		raw_spin_lock_irqsave(&tcpka_pool_lock, flags);
		for (n = 0; n < TCPKA_TRIM_HOLD &&
		     tcpka_pool != TCPKA_POOL_END &&
		     tcpka_pool_nr > 2 * want; n++) {
			r = (struct tcpka_round *)tcpka_pool;
			tcpka_pool = READ_ONCE(r->next);
			WRITE_ONCE(tcpka_pool_nr, tcpka_pool_nr - 1);
			/*
			 * Linked through the key (an even address, or 0: never
			 * live to a lookup); ->next stays as lookups may follow it.
			 */
			WRITE_ONCE(r->key, batch);
			batch = (unsigned long)r;
		}
		raw_spin_unlock_irqrestore(&tcpka_pool_lock, flags);
		if (!n)
			break;
		cond_resched();
	}
	if (!batch)
		return;
	synchronize_rcu();
	for (p = batch, n = 0; p; n++) {
		r = (struct tcpka_round *)p;
		p = r->key;
		kmem_cache_free(tcpka_round_cache, r);
		if (!(n & 1023))
			cond_resched();
	}
}

/* Records taken by rounds that started, host-wide, since load (wraps). */
static atomic_t tcpka_rounds_taken = ATOMIC_INIT(0);

/**
 * tcpka_track_rounds - how many records rounds have taken so far
 *
 * What a re-arm walk starts from: tcpka_track_reserve() counts the records
 * taken since then (by the walk's sockets, mostly) as taken already.
 */
unsigned int tcpka_track_rounds(void)
{
	return atomic_read(&tcpka_rounds_taken);
}

/**
 * tcpka_track_reserve - have records ready for rounds about to start
 * @n: how many sockets a policy write's re-arm walk has re-armed so far,
 *	and is about to: all may send their first probe at once
 * @base: tcpka_track_rounds() when the walk began
 *
 * Tops the pool up to @n records, less those taken by rounds that started
 * since the walk began (at most TCPKA_POOL_MAX). A trim under way stops.
 * Records the walk's sockets did not take are trimmed 30 s later.
 * Context: process, may sleep (the re-arm walk).
 */
void tcpka_track_reserve(unsigned int n, unsigned int base)
{
	unsigned int nr = READ_ONCE(tcpka_pool_nr);
	unsigned int taken = atomic_read(&tcpka_rounds_taken) - base;

	n -= min(taken, n);
	n = min_t(unsigned int, n + TCPKA_POOL_LOW, TCPKA_POOL_MAX);
	if (!READ_ONCE(tcpka_pool_on) || nr >= n)
		return;
	/* A trim under way stops; the one queued below runs later. */
	atomic_inc(&tcpka_reserve_gen);
	tcpka_pool_add(n - nr);
	/* Trimmed back once these rounds are over. */
	mod_delayed_work(system_unbound_wq, &tcpka_trim_work, 30 * HZ);
}

static struct tcpka_round *tcpka_round_get(void)
{
	struct tcpka_round *r = NULL;
	unsigned long flags;
	bool low;

	raw_spin_lock_irqsave(&tcpka_pool_lock, flags);
	if (tcpka_pool != TCPKA_POOL_END) {
		r = (struct tcpka_round *)tcpka_pool;
		tcpka_pool = READ_ONCE(r->next);
		WRITE_ONCE(tcpka_pool_nr, tcpka_pool_nr - 1);
	}
	low = tcpka_pool_nr < TCPKA_POOL_LOW;
	raw_spin_unlock_irqrestore(&tcpka_pool_lock, flags);
	if (low && READ_ONCE(tcpka_pool_on))
		queue_work(system_unbound_wq, &tcpka_refill_work);
	if (!r && !IS_ENABLED(CONFIG_PREEMPT_RT))
		r = kmem_cache_alloc(tcpka_round_cache,
				     GFP_ATOMIC | __GFP_NOWARN);
	return r;
}

/*
 * Back to the pool; its key no longer live. A pool grown far beyond what
 * the rounds in progress need (a reserve, or records GFP_ATOMIC gave) is
 * trimmed later in process context.
 */
static void tcpka_round_put(struct tcpka_round *r)
{
	unsigned long flags;
	bool big;

	raw_spin_lock_irqsave(&tcpka_pool_lock, flags);
	WRITE_ONCE(r->next, tcpka_pool);
	tcpka_pool = (unsigned long)r;
	WRITE_ONCE(tcpka_pool_nr, tcpka_pool_nr + 1);
	big = tcpka_pool_nr > 2 * (TCPKA_POOL_FILL +
				   atomic_read(&tcpka_nr_rounds));
	raw_spin_unlock_irqrestore(&tcpka_pool_lock, flags);
	if (big && READ_ONCE(tcpka_pool_on))
		queue_delayed_work(system_unbound_wq, &tcpka_trim_work,
				   30 * HZ);
}

/* The live record of @key (| TCPKA_LIVE). Context: rcu_read_lock(). */
static struct tcpka_round *tcpka_round_lookup(unsigned long key)
{
	u32 b = tcpka_bucket(key);
	struct tcpka_round *r;
	unsigned long p;

again:
	p = READ_ONCE(tcpka_heads[b]);
	while (!(p & 1)) {
		r = (struct tcpka_round *)p;
		if (READ_ONCE(r->key) == key)
			return r;
		p = READ_ONCE(r->next);
	}
	/* Followed a record that moved: this chain again, from its head. */
	if (p != tcpka_nulls(b))
		goto again;
	return NULL;
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
	r = tcpka_round_lookup(key);
	if (!r)
		return NULL;
	/* The key matched before the times are read... */
	smp_rmb();
	h->rcv_tstamp = READ_ONCE(r->rcv_tstamp);
	h->lrcvtime = READ_ONCE(r->lrcvtime);
	/* ...and still matches after: not ended and reused meanwhile. */
	smp_rmb();
	return READ_ONCE(r->key) == key ? r : NULL;
}

/* Insert @r (not live yet) unless @sk has a live round: 0 or -EEXIST. */
static int tcpka_round_insert(struct tcpka_round *r, const struct sock *sk)
{
	unsigned long key = (unsigned long)sk | TCPKA_LIVE, p;
	u32 b = tcpka_bucket(key);
	unsigned long flags;

	raw_spin_lock_irqsave(tcpka_lock(b), flags);
	for (p = tcpka_heads[b]; !(p & 1);
	     p = ((struct tcpka_round *)p)->next) {
		if (READ_ONCE(((struct tcpka_round *)p)->key) == key) {
			raw_spin_unlock_irqrestore(tcpka_lock(b), flags);
			return -EEXIST;
		}
	}
	WRITE_ONCE(r->next, tcpka_heads[b]);
	/* The record's contents before the pointer that publishes it. */
	smp_store_release(&tcpka_heads[b], (unsigned long)r);
	raw_spin_unlock_irqrestore(tcpka_lock(b), flags);
	return 0;
}

/*
 * Unlink @r from its chain. Its next pointer stays, so a lookup standing
 * on it goes on along the chain (or notices, at the end, that it moved).
 */
static bool tcpka_round_unlink(struct tcpka_round *r, const struct sock *sk)
{
	u32 b = tcpka_bucket((unsigned long)sk);
	unsigned long *pp, flags;
	bool found = false;

	raw_spin_lock_irqsave(tcpka_lock(b), flags);
	for (pp = &tcpka_heads[b]; !(*pp & 1);
	     pp = &((struct tcpka_round *)*pp)->next) {
		if (*pp == (unsigned long)r) {
			WRITE_ONCE(*pp, r->next);
			found = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(tcpka_lock(b), flags);
	return found;
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
	err = tcpka_round_insert(r, sk);
	if (err) {
		tcpka_round_put(r);
		goto err_dec;
	}
	smp_wmb();	/* the times before the key that makes them visible */
	WRITE_ONCE(r->key, live);
	atomic_inc(&tcpka_rounds_taken);
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
	if (WARN_ON_ONCE(!tcpka_round_unlink(r, sk)))
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
	[TCPKA_OUT_ZERO_WINDOW]	= TCPKA_MIB_ZERO_WINDOW,
	[TCPKA_OUT_ADDR_LOST]	= TCPKA_MIB_ADDR_LOST,
	[TCPKA_OUT_ABANDONED]	= TCPKA_MIB_ABANDONED,
};

/* "a.b.c.d:port" or "[v6]:port" of one end of @sk. */
void tcpka_fmt_addr(char *buf, size_t len, const struct sock *sk, bool remote)
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

/*
 * Verdict lines (net.tcpka.log_verdicts) are printed by a work item: the
 * cgroup's path comes from kernfs, under a lock that a hook (preemption
 * off) may not take on PREEMPT_RT. The hook formats the rest of the line
 * into a small ring, with a reference on the cgroup; the rate limit (that
 * of pr_info_ratelimited()) is applied there, so the ring seldom holds more
 * than a burst. A line that finds the ring full is dropped.
 */
#define TCPKA_LOG_RING	16

struct tcpka_logline {
	struct cgroup *cgrp;		/* referenced */
	char head[16 + 2 * TCPKA_ADDR_LEN];
	char tail[80];
};

static struct tcpka_logline tcpka_log_ring[TCPKA_LOG_RING];
static unsigned int tcpka_log_first, tcpka_log_nr;	/* under the lock */
static DEFINE_RAW_SPINLOCK(tcpka_log_lock);
static DEFINE_RATELIMIT_STATE(tcpka_log_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);
static bool tcpka_log_on;

static void tcpka_log_fn(struct work_struct *work)
{
	struct tcpka_logline *l;
	unsigned long flags;
	char path[128];

	for (;;) {
		raw_spin_lock_irqsave(&tcpka_log_lock, flags);
		if (!tcpka_log_nr) {
			raw_spin_unlock_irqrestore(&tcpka_log_lock, flags);
			return;
		}
		l = &tcpka_log_ring[tcpka_log_first];
		raw_spin_unlock_irqrestore(&tcpka_log_lock, flags);
		/* Only this work consumes: the entry stays until it is done. */
		if (cgroup_path(l->cgrp, path, sizeof(path)) < 0)
			strscpy(path, "?", sizeof(path));
		pr_info("tcpka: %s cgroup %s %s\n", l->head, path, l->tail);
		cgroup_put(l->cgrp);
		raw_spin_lock_irqsave(&tcpka_log_lock, flags);
		tcpka_log_first = (tcpka_log_first + 1) % TCPKA_LOG_RING;
		tcpka_log_nr--;
		raw_spin_unlock_irqrestore(&tcpka_log_lock, flags);
	}
}

static DECLARE_WORK(tcpka_log_work, tcpka_log_fn);

static void tcpka_log_verdict(const struct sock *sk, enum tcpka_outcome out,
			      unsigned int probes, u32 idle_ms, u32 detect_ms)
{
	char local[TCPKA_ADDR_LEN], remote[TCPKA_ADDR_LEN];
	struct tcpka_logline *l;
	unsigned long flags;

	if (!READ_ONCE(tcpka_log_on) || !__ratelimit(&tcpka_log_rs))
		return;
	raw_spin_lock_irqsave(&tcpka_log_lock, flags);
	if (tcpka_log_nr == TCPKA_LOG_RING) {
		raw_spin_unlock_irqrestore(&tcpka_log_lock, flags);
		return;
	}
	l = &tcpka_log_ring[(tcpka_log_first + tcpka_log_nr) % TCPKA_LOG_RING];
	tcpka_fmt_addr(local, sizeof(local), sk, false);
	tcpka_fmt_addr(remote, sizeof(remote), sk, true);
	snprintf(l->head, sizeof(l->head), "%s %s -> %s",
		 tcpka_outcome_names[out], local, remote);
	snprintf(l->tail, sizeof(l->tail),
		 "probes %u/%u idle %u.%03us detect %u.%03us",
		 probes, keepalive_probes(tcp_sk(sk)), idle_ms / 1000,
		 idle_ms % 1000, detect_ms / 1000, detect_ms % 1000);
	l->cgrp = tcpka_sock_cgroup(sk);
	cgroup_get(l->cgrp);
	tcpka_log_nr++;
	raw_spin_unlock_irqrestore(&tcpka_log_lock, flags);
	queue_work(system_unbound_wq, &tcpka_log_work);
}

/*
 * A round ended (or TCP_USER_TIMEOUT closed the socket): count it and, for
 * a verdict, feed the histograms, the tracepoint and the log. @probes is
 * icsk_probes_out as the event saw it.
 */
static void tcpka_round_end(const struct sock *sk, enum tcpka_outcome out,
			    unsigned int probes, struct tcpka_tally *t)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	bool verdict = out == TCPKA_OUT_RST || out == TCPKA_OUT_TIMEOUT ||
		       out == TCPKA_OUT_USER_TIMEOUT ||
		       out == TCPKA_OUT_ZERO_WINDOW || out == TCPKA_OUT_ADDR_LOST;
	u32 idle_ms, detect_ms;
	struct tcpka_net *tn;
	bool log;

	tcpka_tally_add(t, tcpka_outcome_mib[out], 1);
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

/*
 * An answered round at the keepalive timer's entry, when the socket probes
 * again at once or within TCPKA_SOON (idle close to intvl, as with probes
 * every second): the round is left on for that probe, which ends it in ack
 * and starts the next one in the same record (tcpka_track_probe()), with
 * no record given back and taken again, no table update, no namespace
 * count changed. Only a round answered at its first probe qualifies (its
 * record says the peer was last heard about idle + intvl ago, give or take
 * half an intvl of timer slack), so a busy socket whose timer keeps
 * finding it answered ends the round at its next timer, as any other, and
 * no idle socket keeps a record. A kept round that a close by
 * TCP_USER_TIMEOUT meets ends in ack first (tcpka_track()).
 */
#define TCPKA_SOON	(HZ / 2)

static bool tcpka_probes_soon(const struct sock *sk,
			      const struct tcpka_heard *h)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 when = keepalive_time_when(tp), elapsed, intvl;

	/* Keepalive off, data in flight or queued: the timer sends no probe. */
	if (!sock_flag(sk, SOCK_KEEPOPEN) || READ_ONCE(tp->packets_out) ||
	    !tcp_write_queue_empty(sk))
		return false;
	elapsed = keepalive_time_elapsed(tp);
	if (elapsed < when && when - elapsed > TCPKA_SOON)
		return false;
	intvl = keepalive_intvl_when(tp);
	return tcp_jiffies32 - h->rcv_tstamp <=
	       when + intvl + max_t(u32, TCPKA_SOON, intvl / 2);
}

/* One event; what it counts goes into @t, added by the caller. */
static void tcpka_track(const struct sock *sk, enum tcpka_event ev,
			struct tcpka_tally *t)
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
	if (ev == TCPKA_EV_TIMER && answered && tcpka_probes_soon(sk, &h)) {
		rcu_read_unlock();
		return;
	}
	/*
	 * A verdict of its own (TCP_USER_TIMEOUT, addr_loss) meeting an
	 * answered round (one left on for its next probe): the round ends in
	 * ack, the verdict counts as a round of its own, as with no round.
	 */
	if (answered && (ev == TCPKA_EV_UTO_CLOSE || ev == TCPKA_EV_ZW_CLOSE ||
			 ev == TCPKA_EV_ADDR_LOST)) {
		if (tcpka_round_claim(r, sk)) {
			tcpka_round_del(r, sk);
			tcpka_round_end(sk, TCPKA_OUT_ACK, 0, t);
		}
		r = NULL;
		answered = false;
	}
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
			tcpka_tally_add(t, TCPKA_MIB_ROUNDS, 1);
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
		tcpka_tally_add(t, TCPKA_MIB_ROUNDS, 1);
	if (v.outcome != TCPKA_OUT_NONE)
		tcpka_round_end(sk, v.outcome, probes, t);
	if (v.start) {
		err = tcpka_round_add(sk);
		if (!err)
			tcpka_tally_add(t, TCPKA_MIB_ROUNDS, 1);
		else if (err != -EEXIST)
			tcpka_tally_add(t, TCPKA_MIB_TRACK_OVERFLOW, 1);
	}
}

/**
 * tcpka_track_event - feed one event of a socket to its probe round
 * @sk: a TCP socket
 * @ev: what happened
 *
 * Context: tracepoint handler or ftrace callback; sleeps never. The events
 * of one socket are serialised by its lock, but for the keepalive timer's
 * entry (before the timer takes it): the claim on the record decides.
 */
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev)
{
	struct tcpka_tally t = { .nr = 0 };

	tcpka_track(sk, ev, &t);
	tcpka_count_tally(sk, &t);
}

/**
 * tcpka_track_probe - a keepalive probe is about to leave
 * @sk: a TCP socket, not an MPTCP subflow
 * @n: the TCPKeepAlive increments it makes (probes_sent)
 *
 * The probe's count and what the round makes of it (rounds_started, the
 * previous round's ack) are added with one lookup of the cgroup's row.
 * Context: as tcpka_track_event().
 */
void tcpka_track_probe(const struct sock *sk, unsigned int n)
{
	struct tcpka_tally t = { .nr = 0 };

	tcpka_tally_add(&t, TCPKA_MIB_PROBES, n);
	tcpka_track(sk, TCPKA_EV_PROBE, &t);
	tcpka_count_tally(sk, &t);
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
 * @zw: TCP_USER_TIMEOUT closed it while the peer, heard since, kept its
 *	window shut (see tcpka_closed_by_zero_window())
 * @addr_lost: tcpka's addr_loss walk aborted it (tcpka_addrloss_aborting())
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
		       bool uto, bool zw, bool addr_lost)
{
	struct tcpka_round *r;
	struct tcpka_heard h;
	bool keepalive;

	if (addr_lost) {
		tcpka_track_event(sk, TCPKA_EV_ADDR_LOST);
		return;
	}
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
	else if (zw)
		tcpka_track_event(sk, TCPKA_EV_ZW_CLOSE);
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

/* The rows of one chain; false if the chain moved under the walk. */
static bool tcpka_probing_chain(struct seq_file *m, struct tcpka_rowbuf *b,
				const struct tcpka_view *view, struct net *net,
				u32 bkt)
{
	struct tcpka_round *r;
	struct tcpka_heard h;
	struct sock *sk;
	unsigned long p;

	for (p = READ_ONCE(tcpka_heads[bkt]); !(p & 1); p = READ_ONCE(r->next)) {
		r = (struct tcpka_round *)p;
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
	}
	return p == tcpka_nulls(bkt);
}

static int tcpka_probing_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct tcpka_view *view;
	struct tcpka_rowbuf *b;
	u32 bkt, tries;

	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!b || !view) {
		kvfree(b);
		if (view)
			tcpka_view_put(view);
		return -ENOMEM;
	}
	seq_puts(m, "cookie local remote cgroup probes idle next\n");
	for (bkt = 0; bkt < 1U << tcpka_hbits; bkt++) {
		/*
		 * A chain whose records moved meanwhile is read again (a row
		 * may then repeat, as in any walk of a changing table).
		 */
		rcu_read_lock();
		for (tries = 0; READ_ONCE(tcpka_track_on) && tries < 4; tries++)
			if (tcpka_probing_chain(m, b, view, net, bkt))
				break;
		rcu_read_unlock();
		if (!READ_ONCE(tcpka_track_on) || seq_has_overflowed(m))
			break;	/* seq_file retries with a larger buffer */
		if (!(bkt & 255))
			cond_resched();
	}
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
	unsigned int i, nb;

	/* Its own cache where the kernel can say so (6.5+): never merged. */
	tcpka_round_cache = kmem_cache_create("tcpka_round",
					      sizeof(struct tcpka_round), 0,
					      TCPKA_SLAB_NO_MERGE, NULL);
	if (!tcpka_round_cache)
		return -ENOMEM;
	nb = clamp_t(unsigned int, READ_ONCE(max_tracked) / 4, 256, 65536);
	tcpka_hbits = ilog2(roundup_pow_of_two(nb));
	tcpka_heads = kvmalloc_array(1U << tcpka_hbits, sizeof(*tcpka_heads),
				     GFP_KERNEL);
	if (!tcpka_heads) {
		kmem_cache_destroy(tcpka_round_cache);
		return -ENOMEM;
	}
	for (i = 0; i < 1U << tcpka_hbits; i++)
		tcpka_heads[i] = tcpka_nulls(i);
	for (i = 0; i < ARRAY_SIZE(tcpka_locks); i++)
		raw_spin_lock_init(&tcpka_locks[i]);
	WRITE_ONCE(tcpka_pool_on, true);
	tcpka_pool_add(TCPKA_POOL_FILL);
	WRITE_ONCE(tcpka_log_on, true);
	return 0;
}

/* After the hooks are gone and an RCU grace period has passed. */
void tcpka_track_exit(void)
{
	struct tcpka_round *r;
	unsigned long p;
	unsigned int i;

	WRITE_ONCE(tcpka_log_on, false);
	/* Prints what is left: the hooks are gone, nothing adds to it. */
	flush_work(&tcpka_log_work);
	WRITE_ONCE(tcpka_pool_on, false);
	cancel_work_sync(&tcpka_refill_work);
	cancel_delayed_work_sync(&tcpka_trim_work);
	for (i = 0; i < 1U << tcpka_hbits; i++) {
		for (p = tcpka_heads[i]; !(p & 1);) {
			r = (struct tcpka_round *)p;
			p = r->next;
			kmem_cache_free(tcpka_round_cache, r);
		}
	}
	while (tcpka_pool != TCPKA_POOL_END) {
		r = (struct tcpka_round *)tcpka_pool;
		tcpka_pool = r->next;
		kmem_cache_free(tcpka_round_cache, r);
	}
	tcpka_pool_nr = 0;
	atomic_set(&tcpka_nr_rounds, 0);
	kvfree(tcpka_heads);
	tcpka_heads = NULL;
	kmem_cache_destroy(tcpka_round_cache);
}
