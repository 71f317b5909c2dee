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
 * returns to user space, and the keepalive timer back on the policy's
 * schedule (a round in progress goes on where it was).
 *
 * A policy write also reaches sockets already established: tcpka_rearm_all()
 * walks the TCP established hash tables and, for each socket whose policy
 * changed, applies the new one and re-arms the keepalive timer as
 * setsockopt(TCP_KEEPIDLE) does (counted in sockets_rearmed). In
 * mode=default a value still equal to what the previous policy set counts
 * as unset, so the new policy replaces it; the application's own values
 * stay.
 *
 * With net.tcpka.dry_run, nothing of the socket changes: the match is
 * counted in dry_run_matched and traced with dry_run=1.
 */

#include <linux/sched.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/mptcp.h>
#include <net/tcp.h>
#include "tcpka_mod.h"
#include "tcpka_trace.h"

enum tcpka_how {
	TCPKA_HOW_ESTABLISHED,
	TCPKA_HOW_REARMED,
	TCPKA_HOW_FORCE,
};

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

/*
 * May a key of @pol replace the socket's value @cur? In mode=force always;
 * in mode=default only an unset value (0: the netns sysctl) or, on a
 * re-arm, one equal to what the previous policy @old set (@old_val).
 */
static bool tcpka_may_set(const struct tcpka_policy *pol,
			  const struct tcpka_policy *old, enum tcpka_key key,
			  u32 cur, u32 old_val)
{
	if (!(pol->has & TCPKA_HAS(key)))
		return false;
	if (pol->mode == TCPKA_MODE_FORCE || !cur)
		return true;
	return old && (old->has & TCPKA_HAS(key)) && cur == old_val;
}

/* Write @pol's values into @sk, as setsockopt() would. */
static void tcpka_apply_values(struct sock *sk, const struct tcpka_policy *pol)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (tcpka_may_set(pol, NULL, TCPKA_KEY_IDLE, tp->keepalive_time, 0))
		WRITE_ONCE(tp->keepalive_time, pol->idle * HZ);
	if (tcpka_may_set(pol, NULL, TCPKA_KEY_INTVL, tp->keepalive_intvl, 0))
		WRITE_ONCE(tp->keepalive_intvl, pol->intvl * HZ);
	if (tcpka_may_set(pol, NULL, TCPKA_KEY_CNT, tp->keepalive_probes, 0))
		WRITE_ONCE(tp->keepalive_probes, pol->cnt);
	if (tcpka_may_set(pol, NULL, TCPKA_KEY_USER_TIMEOUT,
			  icsk->icsk_user_timeout, 0))
		WRITE_ONCE(icsk->icsk_user_timeout, pol->user_timeout);
	sock_set_flag(sk, SOCK_KEEPOPEN);
}

/* Write @pol's values into a socket just established, and arm the timer. */
static void tcpka_apply(struct sock *sk, const struct tcpka_policy *pol)
{
	tcpka_apply_values(sk, pol);
	/*
	 * As tcp_set_keepalive(): the kernel arms the timer at connect time
	 * or, for a passive socket, only when SO_KEEPALIVE came from the
	 * listener; arm it here in every case, at the (new) idle time.
	 */
	inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tcp_sk(sk)));
}

/*
 * When the keepalive timer's next run is due on the kernel's own schedule
 * with the socket's present values: the first probe idle after the peer
 * was last heard, each next one intvl after the one before, so with
 * icsk_probes_out probes out, idle + probes_out * intvl after it.
 */
static unsigned long tcpka_next_run(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u64 due = keepalive_time_when(tp) +
		  (u64)READ_ONCE(inet_csk(sk)->icsk_probes_out) *
		  keepalive_intvl_when(tp);
	u32 elapsed = keepalive_time_elapsed(tp);

	return due > elapsed ? min_t(u64, due - elapsed, MAX_JIFFY_OFFSET) : 0;
}

/*
 * Bring an established socket from policy @old (NULL: none) to @pol.
 * Return whether anything changes; with @dry, change nothing. The socket
 * may have been idle for a while already, so the keepalive timer is
 * re-armed as tcp_sock_set_keepidle_locked() does, from the time already
 * idle; a round in progress (probes unanswered, timer pending) goes on,
 * and its next run uses the new values. Socket lock held.
 */
static bool tcpka_rearm_apply(struct sock *sk, const struct tcpka_policy *pol,
			      const struct tcpka_policy *old, bool dry)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	bool was_on = sock_flag(sk, SOCK_KEEPOPEN);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 idle = tp->keepalive_time, intvl = tp->keepalive_intvl;
	u32 cnt = tp->keepalive_probes, uto = icsk->icsk_user_timeout;
	u32 elapsed;

	if (tcpka_may_set(pol, old, TCPKA_KEY_IDLE, idle,
			  old ? old->idle * HZ : 0))
		idle = pol->idle * HZ;
	if (tcpka_may_set(pol, old, TCPKA_KEY_INTVL, intvl,
			  old ? old->intvl * HZ : 0))
		intvl = pol->intvl * HZ;
	if (tcpka_may_set(pol, old, TCPKA_KEY_CNT, cnt, old ? old->cnt : 0))
		cnt = pol->cnt;
	if (tcpka_may_set(pol, old, TCPKA_KEY_USER_TIMEOUT, uto,
			  old ? old->user_timeout : 0))
		uto = pol->user_timeout;
	if (was_on && idle == tp->keepalive_time &&
	    intvl == tp->keepalive_intvl && cnt == tp->keepalive_probes &&
	    uto == icsk->icsk_user_timeout)
		return false;
	if (dry)
		return true;

	WRITE_ONCE(tp->keepalive_time, idle);
	WRITE_ONCE(tp->keepalive_intvl, intvl);
	WRITE_ONCE(tp->keepalive_probes, cnt);
	WRITE_ONCE(icsk->icsk_user_timeout, uto);
	sock_set_flag(sk, SOCK_KEEPOPEN);
	if (was_on && icsk->icsk_probes_out && timer_pending(tcpka_ka_timer(sk)))
		return true;
	elapsed = keepalive_time_elapsed(tp);
	elapsed = keepalive_time_when(tp) > elapsed ?
		  keepalive_time_when(tp) - elapsed : 0;
	inet_csk_reset_keepalive_timer(sk, elapsed);
	return true;
}

static void tcpka_trace_applied(struct sock *sk, u64 policy_cgid,
				enum tcpka_how how, bool dry_run, bool force)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	trace_tcpka_policy_applied(sk, tcpka_sock_cookie(sk),
				   cgroup_id(tcpka_sock_cgroup(sk)),
				   policy_cgid, how, dry_run,
				   keepalive_time_when(tp) / HZ,
				   keepalive_intvl_when(tp) / HZ,
				   keepalive_probes(tp),
				   inet_csk(sk)->icsk_user_timeout, force);
}

/*
 * The policy in force for @sk, if enforcement is on in its namespace, and
 * the cgroup it comes from; *@dry_run tells whether only to count it.
 */
static bool tcpka_policy_of(const struct sock *sk, struct tcpka_policy *pol,
			    u64 *from, bool *dry_run)
{
	const struct tcpka_entry *e = NULL;
	struct tcpka_net *tn;

	if (tcpka_sock_exempt(sk))
		return false;
	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn && READ_ONCE(tn->enabled)) {
		e = tcpka_policy_lookup(tcpka_sock_cgroup(sk));
		if (e) {
			*pol = e->pol;
			*from = e->cgid;
			*dry_run = READ_ONCE(tn->dry_run);
		}
	}
	rcu_read_unlock();
	return e;
}

/*
 * The bound mode=force entries of one published table, as the level and
 * id of their cgroup: a socket none of whose cgroup's ancestors (itself
 * included) is one of them has no mode=force policy in force, which the
 * setsockopt hooks learn from a few loads (cgroup->ancestors[]) instead
 * of the table's walk up the hierarchy, on every keepalive option of
 * every socket while any mode=force policy exists. Used only with the
 * table it was made for and while that table has no late binding (a
 * cgroup made since, bound by the cgroup_mkdir tracepoint): otherwise the
 * table decides.
 */
#define TCPKA_FORCE_FILTER_MAX	16

struct tcpka_force_filter {
	struct rcu_head rcu;
	const struct tcpka_table *table;
	unsigned int nr;
	struct {
		u64 cgid;
		int level;
	} f[TCPKA_FORCE_FILTER_MAX];
};

static struct tcpka_force_filter __rcu *tcpka_force_filter;

/**
 * tcpka_force_filter_set - the filter for a table just published
 * @t: the table (NULL: none)
 *
 * With more than TCPKA_FORCE_FILTER_MAX mode=force entries, a cgroup that
 * cannot be found by its id or no memory, there is no filter.
 * Context: process, under the policy mutex, after @t is published.
 */
void tcpka_force_filter_set(const struct tcpka_table *t)
{
	struct tcpka_force_filter *ff = NULL, *old;
	struct cgroup *cgrp;
	unsigned int i;

	if (t)
		ff = kzalloc(sizeof(*ff), GFP_KERNEL);
	for (i = 0; ff && i < t->nr; i++) {
		if (t->e[i].pol.mode != TCPKA_MODE_FORCE || !t->e[i].cgid)
			continue;
		cgrp = ff->nr < TCPKA_FORCE_FILTER_MAX ?
		       cgroup_get_from_id(t->e[i].cgid) : ERR_PTR(-E2BIG);
		if (IS_ERR(cgrp)) {
			kfree(ff);
			ff = NULL;
			break;
		}
		ff->f[ff->nr].cgid = t->e[i].cgid;
		ff->f[ff->nr].level = cgrp->level;
		ff->nr++;
		cgroup_put(cgrp);
	}
	if (ff)
		ff->table = t;
	old = rcu_replace_pointer(tcpka_force_filter, ff, true);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * False only when no mode=force policy can be in force for @sk. Context:
 * preemption off (an ftrace callback: the filter and the table are freed
 * after a grace period, which a preemption-off region holds off), so
 * that a setsockopt() of a keepalive option on a socket no mode=force
 * policy covers pays no rcu_read_lock() here.
 */
static bool tcpka_force_maybe(const struct sock *sk)
{
	const struct tcpka_force_filter *ff;
	const struct tcpka_table *t;
	struct cgroup *cgrp;
	unsigned int i;
	int lvl;

	ff = rcu_dereference_sched(tcpka_force_filter);
	t = rcu_dereference_sched(tcpka_table);
	/* nr_late as tcpka_table_find() reads it (tcpka_table_bind_late()). */
	if (!ff || ff->table != t || smp_load_acquire(&t->nr_late))
		return true;
	cgrp = tcpka_sock_cgroup(sk);
	for (i = 0; i < ff->nr; i++) {
		lvl = ff->f[i].level;
		if (lvl <= cgrp->level &&
		    cgroup_id(cgrp->ancestors[lvl]) == ff->f[i].cgid)
			return true;
	}
	return false;
}

/**
 * tcpka_force_applies - a mode=force policy is in force for a socket
 * @sk: a TCP socket
 *
 * Context: preemption off; sleeps never.
 */
bool tcpka_force_applies(const struct sock *sk)
{
	struct tcpka_policy pol;
	bool dry_run;
	u64 from;

	return tcpka_force_maybe(sk) &&
	       tcpka_policy_of(sk, &pol, &from, &dry_run) &&
	       pol.mode == TCPKA_MODE_FORCE && !dry_run;
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
	bool dry_run;
	u64 from;

	if (!tcpka_policy_of(sk, &pol, &from, &dry_run))
		return;
	if (!dry_run)
		tcpka_apply(sk, &pol);
	tcpka_count(sk, dry_run ? TCPKA_MIB_DRY_RUN : TCPKA_MIB_ENFORCED, 1);
	if (trace_tcpka_policy_applied_enabled())
		tcpka_trace_applied(sk, from, TCPKA_HOW_ESTABLISHED, dry_run,
				    pol.mode == TCPKA_MODE_FORCE);
}

/**
 * tcpka_reenforce - put a mode=force policy back after the application's
 *	setsockopt() changed a keepalive option
 * @sk: a TCP socket
 * @keepidle: the option was TCP_KEEPIDLE, which re-arms the timer even to
 *	the value the socket has (mid-round: a probe at once)
 *
 * Context: task_work of the task whose setsockopt() just returned, before
 * it is back in user space: process context, may sleep, socket referenced,
 * not locked. Takes the socket's lock as setsockopt() does (another thread
 * of the application may own it for a moment; unload does not wait for
 * this: the request holds a module reference).
 */
void tcpka_reenforce(struct sock *sk, bool keepidle)
{
	struct tcpka_policy pol;
	bool dry_run;
	u64 from;

	if (!((1 << READ_ONCE(sk->sk_state)) & TCPKA_PROBED_STATES))
		return;
	if (!tcpka_policy_of(sk, &pol, &from, &dry_run) ||
	    pol.mode != TCPKA_MODE_FORCE || dry_run)
		return;

	lock_sock(sk);
	/*
	 * Not an orphan: a close() by another thread can run before us (task
	 * works run last queued first), and an orphan in FIN_WAIT2 has its
	 * FIN_WAIT2 timeout in the keepalive timer.
	 */
	if (((1 << sk->sk_state) & TCPKA_PROBED_STATES) &&
	    !sock_flag(sk, SOCK_DEAD) &&
	    (tcpka_differs(sk, &pol) ||
	     (keepidle && READ_ONCE(inet_csk(sk)->icsk_probes_out)))) {
		/*
		 * The application's call re-armed the timer on its own
		 * values (setsockopt(TCP_KEEPIDLE) to its idle, SO_KEEPALIVE
		 * to a full idle): back on the policy's schedule, from the
		 * time the peer was last heard, so that neither a round in
		 * progress restarts nor the first probe is put off by an
		 * application that sets its options over and over.
		 */
		tcpka_apply_values(sk, &pol);
		inet_csk_reset_keepalive_timer(sk, tcpka_next_run(sk));
		tcpka_count(sk, TCPKA_MIB_REENFORCED, 1);
		if (trace_tcpka_policy_applied_enabled())
			tcpka_trace_applied(sk, from, TCPKA_HOW_FORCE, false,
					    true);
	}
	release_sock(sk);
}

/*
 * Re-arm one established socket after a policy write. Process context,
 * socket referenced, not locked.
 */
static bool tcpka_rearm_one(struct sock *sk, const struct tcpka_table *old,
			    const struct tcpka_table *new)
{
	const struct tcpka_entry *oe, *ne;
	struct tcpka_policy pol, opol;
	bool have_old = false, dry_run = false, changed = false;
	struct tcpka_net *tn;
	u64 from = 0;

	lock_sock(sk);
	/*
	 * An orphan's FIN_WAIT2 timer is the keepalive timer (tcp_fin_time()):
	 * it is left alone; a FIN_WAIT2 socket still open (shutdown()) probes.
	 */
	if (!((1 << sk->sk_state) & TCPKA_PROBED_STATES) ||
	    (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) ||
	    tcpka_sock_exempt(sk))
		goto out;
	/* A socket whose cgroup was removed keeps what it has. */
	if (!(READ_ONCE(tcpka_sock_cgroup(sk)->self.flags) & CSS_ONLINE))
		goto out;
	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn && READ_ONCE(tn->enabled)) {
		ne = tcpka_policy_resolve(new, tcpka_sock_cgroup(sk));
		oe = tcpka_policy_resolve(old, tcpka_sock_cgroup(sk));
		/*
		 * The same policy (path and values) is no change, whatever
		 * cgroup id either table has bound it to.
		 */
		if (ne && (!oe || strcmp(oe->path, ne->path) ||
			   memcmp(&oe->pol, &ne->pol, sizeof(ne->pol)))) {
			pol = ne->pol;
			from = ne->cgid;
			if (oe) {
				opol = oe->pol;
				have_old = true;
			}
			dry_run = READ_ONCE(tn->dry_run);
			changed = true;
		}
	}
	rcu_read_unlock();
	if (!changed ||
	    !tcpka_rearm_apply(sk, &pol, have_old ? &opol : NULL, dry_run)) {
		changed = false;
		goto out;
	}
	tcpka_count(sk, dry_run ? TCPKA_MIB_DRY_RUN : TCPKA_MIB_REARMED, 1);
	if (trace_tcpka_policy_applied_enabled())
		tcpka_trace_applied(sk, from, TCPKA_HOW_REARMED, dry_run,
				    pol.mode == TCPKA_MODE_FORCE);
out:
	release_sock(sk);
	return changed && !dry_run;
}

#define TCPKA_WALK_BATCH	32

/**
 * tcpka_walk_hash - every full TCP socket of one established hash table,
 *	in process context
 * @h: the table
 * @w: what to do: @w->one() on each socket (referenced, not locked), after
 *	@w->batch() (if set) for each batch of at most TCPKA_WALK_BATCH
 *
 * Sockets in the states keepalive probes in only, not MPTCP subflows; with
 * @w->net, only that namespace's. A bucket's lock is held only to take
 * references on one batch; the callbacks run without it and may sleep.
 * Context: process; sleeps.
 */
void tcpka_walk_hash(struct inet_hashinfo *h, struct tcpka_walk *w)
{
	struct sock *batch[TCPKA_WALK_BATCH], *last = NULL;
	unsigned int bucket, skip, idx, n, i, gone;
	struct hlist_nulls_node *node;
	struct sock *sk;
	bool more, after, by_pos;

	for (bucket = 0; bucket <= h->ehash_mask; bucket++) {
		struct inet_ehash_bucket *head = &h->ehash[bucket];
		spinlock_t *lock = inet_ehash_lockp(h, bucket);

		if (hlist_nulls_empty(&head->chain))
			continue;
		skip = 0;
		do {
			n = 0;
			idx = 0;
			more = false;
			spin_lock_bh(lock);
			/*
			 * Go on after the last socket of the batch before, if
			 * it is still in the chain (new sockets go in at the
			 * head, before it); else by position, as inet_diag.
			 */
			by_pos = !last || sk_unhashed(last);
			after = by_pos;
			sk_nulls_for_each(sk, node, &head->chain) {
				if (!after) {
					idx++;
					after = sk == last;
					continue;
				}
				if (by_pos && idx < skip) {
					idx++;
					continue;
				}
				if (n == TCPKA_WALK_BATCH) {
					more = true;
					break;
				}
				idx++;
				/* Full sockets only: not TIME_WAIT, NEW_SYN_RECV. */
				if (!((1 << sk->sk_state) & TCPKA_PROBED_STATES) ||
				    sk->sk_protocol != IPPROTO_TCP ||
				    sk_is_mptcp(sk) ||
				    (w->net && !net_eq(sock_net(sk), w->net)) ||
				    !refcount_inc_not_zero(&sk->sk_refcnt))
					continue;
				batch[n++] = sk;
			}
			spin_unlock_bh(lock);
			if (w->batch)
				w->batch(w, n);
			for (i = 0; i < n; i++)
				w->one(w, batch[i]);
			/*
			 * By position (the last one gone): closed sockets of
			 * the batch (by @w->one(): an abort, or by anyone)
			 * moved the positions after them up by one. A socket
			 * seen twice is no harm, one skipped would be.
			 */
			gone = 0;
			for (i = 0; i < n; i++)
				gone += sk_unhashed(batch[i]);
			skip = idx - gone;
			if (last)
				sock_put(last);
			last = NULL;
			/* The last one stays referenced: where to go on. */
			for (i = 0; i + 1 < n; i++)
				sock_put(batch[i]);
			if (n && more)
				last = batch[n - 1];
			else if (n)
				sock_put(batch[n - 1]);
			cond_resched();
		} while (more);
	}
}

/* A policy write's re-arm walk. */
struct tcpka_rearm {
	struct tcpka_walk w;
	const struct tcpka_table *old, *new;
	unsigned int rearmed, base;
};

/*
 * The first probes of the sockets re-armed so far may all be due at once:
 * records for them, and this batch.
 */
static void tcpka_rearm_batch(struct tcpka_walk *w, unsigned int n)
{
	struct tcpka_rearm *r = container_of(w, struct tcpka_rearm, w);

	tcpka_track_reserve(r->rearmed + n, r->base);
}

static void tcpka_rearm_sock(struct tcpka_walk *w, struct sock *sk)
{
	struct tcpka_rearm *r = container_of(w, struct tcpka_rearm, w);

	r->rearmed += tcpka_rearm_one(sk, r->old, r->new);
}

/**
 * tcpka_rearm_all - bring established sockets to a new policy table
 * @old: the table before the write (NULL: none)
 * @new: the table now published (NULL: none)
 *
 * Sockets whose policy did not change are left alone; a deleted policy is
 * not undone (the kernel cannot tell the application's values from ours).
 * Context: process; the caller holds the policy mutex, so both tables stay
 * alive. Takes each socket's lock; sleeps.
 */
void tcpka_rearm_all(const struct tcpka_table *old,
		     const struct tcpka_table *new)
{
	struct tcpka_rearm r = {
		.w = { .batch = tcpka_rearm_batch, .one = tcpka_rearm_sock },
		.old = old,
		.new = new,
	};
	struct inet_hashinfo *global;
	struct net *net, **nets = NULL;
	unsigned int nr = 0, i = 0;

	if (!new || !new->nr)
		return;
	r.base = tcpka_track_rounds();
	/* 6.12 no longer exports tcp_hashinfo: init_net points at it. */
	global = init_net.ipv4.tcp_death_row.hashinfo;
	tcpka_walk_hash(global, &r.w);

	/*
	 * Namespaces with their own table (net.ipv4.tcp_child_ehash_entries):
	 * referenced under net_rwsem, walked without it, so that no socket
	 * lock is taken while namespaces cannot come or go.
	 */
	down_read(&net_rwsem);
	for_each_net(net)
		nr += net->ipv4.tcp_death_row.hashinfo != global;
	if (nr)
		nets = kcalloc(nr, sizeof(*nets), GFP_KERNEL);
	for_each_net(net) {
		if (nets && i < nr &&
		    net->ipv4.tcp_death_row.hashinfo != global &&
		    maybe_get_net(net))
			nets[i++] = net;
	}
	up_read(&net_rwsem);
	if (nr && !nets)
		pr_warn_ratelimited("tcpka: no memory to re-arm the sockets of %u namespaces with their own TCP tables\n",
				    nr);
	while (i--) {
		tcpka_walk_hash(nets[i]->ipv4.tcp_death_row.hashinfo, &r.w);
		put_net(nets[i]);
	}
	kfree(nets);
}
