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
 * would take unnoticed. ESTABLISHED only (CLOSE_WAIT and FIN_WAIT2 are on
 * their way out); an MPTCP connection counts once per subflow, as each
 * crosses the path on its own.
 *
 * Each hash chain is read under its lock with bottom halves off, as
 * inet_diag does, taking no socket lock: the fields read are a flag and
 * the keepalive time, each read once. Only sockets of cgroups the reader's
 * cgroup namespace holds are counted. The counts go into a table of the
 * cgroups seen (referenced while the read lasts), at most three quarters
 * of TCPKA_AUDIT_CGROUPS; sockets of further cgroups, and of cgroups
 * removed since (whose path may be another cgroup's by now), count in a
 * last row named "-".
 *
 * /proc/net/tcpka/stalled lists, the same way, the sockets probing a zero
 * window now: the peer answers (its TCP is alive) but its application does
 * not read, so the window stays shut; with TCP_USER_TIMEOUT such a socket
 * ends in outcome_zero_window. A row per socket: cookie, addresses,
 * cgroup, seconds since the window probing began (icsk_probes_tstamp),
 * unanswered window probes. The sockets are referenced, a bucket's worth
 * at a time, to print their rows outside the bucket's lock.
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
	u32 i = hash_64(cgroup_id(cgrp), TCPKA_AUDIT_BITS), n;
	struct tcpka_audit_row *row;

	/* Removed: its path may name another cgroup now. */
	if (!(READ_ONCE(cgrp->self.flags) & CSS_ONLINE))
		return &a->other;
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

/* One hash table's established sockets of @net that @view holds. */
static void tcpka_audit_hash(struct tcpka_audit *a, struct inet_hashinfo *h,
			     const struct net *net, u32 late_after,
			     const struct tcpka_view *view)
{
	struct cgroup *cgrp;
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
			    !net_eq(sock_net(sk), net))
				continue;
			cgrp = tcpka_sock_cgroup(sk);
			if (!cgroup_is_descendant(cgrp, view->cgrp))
				continue;
			row = tcpka_audit_row(a, cgrp);
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
	/* Charged to the reader, as its read's buffer is. */
	a = kvzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!a || !b || !view)
		goto out;
	err = 0;
	tcpka_audit_hash(a, net->ipv4.tcp_death_row.hashinfo, net,
			 (u32)READ_ONCE(tn->audit_idle) * HZ, view);
	seq_puts(m, "cgroup established keepalive_off keepalive_late\n");
	for (i = 0; i < TCPKA_AUDIT_CGROUPS; i++) {
		row = &a->rows[i];
		if (!row->cgrp)
			continue;
		path = tcpka_view_cgroup(view, b, row->cgrp);
		if (path)
			tcpka_audit_line(m, path, row);
	}
	/* Cgroups of the view past the table, or removed since. */
	if (a->other.established)
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

/*
 * Probing a shut window now: the zero-window probe timer is the one armed
 * (icsk_probes_tstamp alone may be left over from an earlier shut window).
 */
static bool tcpka_zero_window_probing(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	return READ_ONCE(icsk->icsk_pending) == ICSK_TIME_PROBE0 &&
	       READ_ONCE(icsk->icsk_probes_tstamp);
}

static void tcpka_stalled_row(struct seq_file *m, struct tcpka_rowbuf *b,
			      const struct tcpka_view *v, struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	char local[TCPKA_ADDR_LEN], remote[TCPKA_ADDR_LEN];
	u32 since = READ_ONCE(icsk->icsk_probes_tstamp);
	const char *path;

	if (!since || READ_ONCE(icsk->icsk_pending) != ICSK_TIME_PROBE0)
		return;
	path = tcpka_view_cgroup(v, b, tcpka_sock_cgroup(sk));
	if (!path)
		return;
	tcpka_fmt_addr(local, sizeof(local), sk, false);
	tcpka_fmt_addr(remote, sizeof(remote), sk, true);
	seq_printf(m, "%llu %s %s %s %u %u\n", tcpka_sock_cookie(sk), local,
		   remote, path, (tcp_jiffies32 - since) / HZ,
		   READ_ONCE(icsk->icsk_probes_out));
}

#define TCPKA_STALLED_BATCH	32

static int tcpka_stalled_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	struct sock *batch[TCPKA_STALLED_BATCH];
	unsigned int bucket, skip, idx, n, i;
	struct hlist_nulls_node *node;
	struct tcpka_view *view;
	struct tcpka_rowbuf *b;
	struct sock *sk;
	bool more;

	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!b || !view) {
		kvfree(b);
		tcpka_view_put(view);
		return -ENOMEM;
	}
	seq_puts(m, "cookie local remote cgroup closed probes\n");
	for (bucket = 0; bucket <= h->ehash_mask; bucket++) {
		struct inet_ehash_bucket *head = &h->ehash[bucket];
		spinlock_t *lock = inet_ehash_lockp(h, bucket);

		if (!(bucket & 1023))
			cond_resched();
		if (hlist_nulls_empty(&head->chain))
			continue;
		skip = 0;
		do {
			n = 0;
			idx = 0;
			more = false;
			spin_lock_bh(lock);
			sk_nulls_for_each(sk, node, &head->chain) {
				if (idx++ < skip)
					continue;
				if (n == TCPKA_STALLED_BATCH) {
					more = true;
					idx--;
					break;
				}
				/* Full sockets only: not TIME_WAIT, NEW_SYN_RECV. */
				if (!((1 << sk->sk_state) &
				      (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) ||
				    !net_eq(sock_net(sk), net) ||
				    !tcpka_zero_window_probing(sk) ||
				    !refcount_inc_not_zero(&sk->sk_refcnt))
					continue;
				batch[n++] = sk;
			}
			spin_unlock_bh(lock);
			for (i = 0; i < n; i++) {
				/* seq_file calls again with a bigger buffer. */
				if (!seq_has_overflowed(m))
					tcpka_stalled_row(m, b, view, batch[i]);
				sock_gen_put(batch[i]);
			}
			if (seq_has_overflowed(m))
				goto out;
			skip = idx;
		} while (more);
	}
out:
	tcpka_view_put(view);
	kvfree(b);
	return 0;
}

int tcpka_audit_proc_create(struct proc_dir_entry *dir)
{
	if (!proc_create_net_single("coverage", 0444, dir, tcpka_coverage_show,
				    NULL))
		return -ENOMEM;
	return proc_create_net_single("stalled", 0400, dir, tcpka_stalled_show,
				      NULL) ? 0 : -ENOMEM;
}
