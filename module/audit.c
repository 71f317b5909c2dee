// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage audit: which established connections would die silently?
 *
 * A NAT or load balancer forgets a flow idle longer than its idle timeout
 * (AWS NLB and NAT gateway 350 s, Azure 4 min, GCP 10 min, IPVS 900 s).
 * A connection survives it only if it sends something before then: with
 * keepalive on and a first probe due sooner. /proc/net/tcpka/coverage
 * walks the reader's namespace's established TCP sockets (IPv4 and IPv6)
 * when it is read, as ss does: no memory per socket, no hook, a cost per
 * read of the order of "ss -t" on the same namespace. It prints, per
 * cgroup the reader can see:
 *
 *   established     sockets in ESTABLISHED
 *   keepalive_off   of those, SO_KEEPALIVE off: nothing probes them
 *   keepalive_late  keepalive on, but a first probe after more than
 *                   net.tcpka.audit_idle seconds (default 300) of idle
 *
 * The sum of the last two is what an idle timeout of audit_idle seconds
 * would take unnoticed.
 *
 * Each hash chain is read under its lock with bottom halves off, as
 * inet_diag does, taking no socket lock: the fields read are a flag and
 * the keepalive time, each read once. The counts go into a table of the
 * cgroups seen (referenced while the read lasts), at most
 * TCPKA_AUDIT_CGROUPS; sockets of further cgroups count in a last row
 * named "-".
 */

#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_hashtables.h>
#include <net/tcp.h>
#include "tcpka_mod.h"

#define TCPKA_AUDIT_BITS	12
#define TCPKA_AUDIT_CGROUPS	BIT(TCPKA_AUDIT_BITS)

struct tcpka_audit_row {
	struct cgroup *cgrp;	/* referenced; NULL: a free slot */
	u32 established;
	u32 off;
	u32 late;
};

struct tcpka_audit {
	struct tcpka_audit_row rows[TCPKA_AUDIT_CGROUPS];
	struct tcpka_audit_row other;	/* no slot left */
	unsigned int nr;
};

/* @cgrp's row (open addressing), a new one if there is room. */
static struct tcpka_audit_row *tcpka_audit_row(struct tcpka_audit *a,
					       struct cgroup *cgrp)
{
	u32 i = hash_ptr(cgrp, TCPKA_AUDIT_BITS), n;
	struct tcpka_audit_row *row;

	for (n = 0; n < TCPKA_AUDIT_CGROUPS; n++) {
		row = &a->rows[(i + n) & (TCPKA_AUDIT_CGROUPS - 1)];
		if (row->cgrp == cgrp)
			return row;
		if (!row->cgrp) {
			/* Not past three quarters: the probe stays short. */
			if (a->nr >= TCPKA_AUDIT_CGROUPS / 4 * 3)
				break;
			cgroup_get(cgrp);
			row->cgrp = cgrp;
			a->nr++;
			return row;
		}
	}
	return &a->other;
}

/* One hash table's established sockets of @net. */
static void tcpka_audit_hash(struct tcpka_audit *a, struct inet_hashinfo *h,
			     const struct net *net, u32 late_after)
{
	struct tcpka_audit_row *row;
	struct hlist_nulls_node *node;
	unsigned int bucket;
	struct sock *sk;

	for (bucket = 0; bucket <= h->ehash_mask; bucket++) {
		struct inet_ehash_bucket *head = &h->ehash[bucket];
		spinlock_t *lock = inet_ehash_lockp(h, bucket);

		if (!(bucket & 1023))
			cond_resched();
		if (hlist_nulls_empty(&head->chain))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			/* TIME_WAIT and NEW_SYN_RECV entries are not sockets. */
			if (sk->sk_state != TCP_ESTABLISHED ||
			    !net_eq(sock_net(sk), net) ||
			    sk->sk_protocol != IPPROTO_TCP)
				continue;
			row = tcpka_audit_row(a, tcpka_sock_cgroup(sk));
			row->established++;
			if (!sock_flag(sk, SOCK_KEEPOPEN))
				row->off++;
			else if (keepalive_time_when(tcp_sk(sk)) > late_after)
				row->late++;
		}
		spin_unlock_bh(lock);
	}
}

static void tcpka_audit_line(struct seq_file *m, const char *path,
			     const struct tcpka_audit_row *row)
{
	seq_printf(m, "%s %u %u %u\n", path, row->established, row->off,
		   row->late);
}

static int tcpka_coverage_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct tcpka_net *tn = tcpka_pernet(net);
	struct tcpka_audit_row *row;
	struct tcpka_view *view;
	struct tcpka_rowbuf *b;
	struct tcpka_audit *a;
	const char *path;
	unsigned int i;
	int err = -ENOMEM;

	if (!tn)
		return -ENODEV;
	a = kvzalloc(sizeof(*a), GFP_KERNEL);
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!a || !b || !view)
		goto out;
	err = 0;
	tcpka_audit_hash(a, net->ipv4.tcp_death_row.hashinfo, net,
			 (u32)READ_ONCE(tn->audit_idle) * HZ);
	seq_puts(m, "cgroup established keepalive_off keepalive_late\n");
	for (i = 0; i < TCPKA_AUDIT_CGROUPS; i++) {
		row = &a->rows[i];
		if (!row->cgrp)
			continue;
		path = tcpka_view_cgroup(view, b, row->cgrp);
		if (path)
			tcpka_audit_line(m, path, row);
	}
	/* Cgroups past the table: only for a view of the whole hierarchy. */
	if (a->other.established && !cgroup_parent(view->cgrp))
		tcpka_audit_line(m, "-", &a->other);
out:
	if (a) {
		for (i = 0; i < TCPKA_AUDIT_CGROUPS; i++)
			if (a->rows[i].cgrp)
				cgroup_put(a->rows[i].cgrp);
	}
	if (view)
		tcpka_view_put(view);
	kvfree(b);
	kvfree(a);
	return err;
}

int tcpka_audit_proc_create(struct proc_dir_entry *dir)
{
	return proc_create_net_single("coverage", 0444, dir,
				      tcpka_coverage_show, NULL) ? 0 : -ENOMEM;
}
