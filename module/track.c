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
 */

#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include "tcpka_mod.h"

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
	[TCPKA_OUT_ABANDONED]	= TCPKA_MIB_ABANDONED,
};

/**
 * tcpka_track_event - feed one event of a socket to its probe round
 * @sk: a TCP socket
 * @ev: what happened
 *
 * Context: tracepoint or kprobe handler; sleeps never.
 */
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev)
{
	unsigned int probes = READ_ONCE(inet_csk(sk)->icsk_probes_out);
	bool in_round = tcpka_round_find(sk);
	struct tcpka_verdict v;
	int err;

	v = tcpka_classify(in_round, ev, probes);
	/* A round that ends, or ends and restarts, is ended by one caller. */
	if (in_round && (!v.in_round || v.start) && !tcpka_round_del(sk))
		return;
	if (v.outcome != TCPKA_OUT_NONE)
		tcpka_count(sk, tcpka_outcome_mib[v.outcome], 1);
	if (v.start) {
		err = tcpka_round_add(sk);
		if (!err)
			tcpka_count(sk, TCPKA_MIB_ROUNDS, 1);
		else if (err != -EEXIST)
			tcpka_count(sk, TCPKA_MIB_TRACK_OVERFLOW, 1);
	}
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
