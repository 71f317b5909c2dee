// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: per-CPU totals per network namespace (/proc/net/tcpka/stats)
 * and per-CPU rows per cgroup in that namespace (/proc/net/tcpka/cgroups).
 *
 * A row is keyed by the socket's own cgroup, created on the cgroup's first
 * event in the namespace (charged to the socket's memory cgroup) and kept
 * until the cgroup is removed: the cgroup_rmdir tracepoint schedules
 * tcpka_reap_work, which drops the rows of removed cgroups (and their
 * references) in every namespace; their counts stay in the totals. Rows
 * are bounded by max_cgroup_rows per namespace. Events that find no row
 * and no room for one still count in the totals and in
 * cgroup_rows_overflow; those of a socket whose cgroup was removed count
 * in the totals only.
 */

#include <linux/hashtable.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include "tcpka_mod.h"

static unsigned int max_cgroup_rows = 1024;
module_param(max_cgroup_rows, uint, 0644);
MODULE_PARM_DESC(max_cgroup_rows,
		 "Most cgroups counted separately per network namespace (default 1024)");

/*
 * On PREEMPT_RT a hook (preemption off) must not allocate: a cgroup's
 * first row there comes from a few spare rows allocated in process
 * context (not charged to a memory cgroup: no socket is at hand), topped
 * up by tcpka_spare_work as they are used. With none left the event counts
 * in the totals and in cgroup_rows_overflow, as with no room.
 */
#define TCPKA_SPARE_ROWS	16

static struct tcpka_row *tcpka_spares;	/* linked by node.next */
static unsigned int tcpka_nr_spares;
static DEFINE_RAW_SPINLOCK(tcpka_spare_lock);
/* 0 until the first namespace's init, 1 while on, 2 once stopped. */
static int tcpka_spares_on;

static struct tcpka_row *tcpka_row_alloc(gfp_t gfp)
{
	struct tcpka_row *row = kzalloc(sizeof(*row), gfp);

	if (row)
		row->mib = alloc_percpu_gfp(struct tcpka_mibs, gfp);
	if (row && !row->mib) {
		kfree(row);
		row = NULL;
	}
	return row;
}

static void tcpka_spare_put(struct tcpka_row *row)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tcpka_spare_lock, flags);
	row->node.next = (struct hlist_node *)tcpka_spares;
	tcpka_spares = row;
	WRITE_ONCE(tcpka_nr_spares, tcpka_nr_spares + 1);
	raw_spin_unlock_irqrestore(&tcpka_spare_lock, flags);
}

static void tcpka_spare_fill(struct work_struct *work)
{
	struct tcpka_row *row;

	while (READ_ONCE(tcpka_nr_spares) < TCPKA_SPARE_ROWS) {
		row = tcpka_row_alloc(GFP_KERNEL);
		if (!row)
			break;
		tcpka_spare_put(row);
	}
}

static DECLARE_WORK(tcpka_spare_work, tcpka_spare_fill);

static struct tcpka_row *tcpka_spare_get(void)
{
	struct tcpka_row *row;
	unsigned long flags;

	raw_spin_lock_irqsave(&tcpka_spare_lock, flags);
	row = tcpka_spares;
	if (row) {
		tcpka_spares = (struct tcpka_row *)row->node.next;
		WRITE_ONCE(tcpka_nr_spares, tcpka_nr_spares - 1);
	}
	raw_spin_unlock_irqrestore(&tcpka_spare_lock, flags);
	if (READ_ONCE(tcpka_spares_on) == 1)
		queue_work(system_unbound_wq, &tcpka_spare_work);
	return row;
}

static struct tcpka_row *tcpka_row_find(struct tcpka_net *tn, u64 cgid)
{
	struct tcpka_row *row;

	hash_for_each_possible_rcu(tn->rows, row, node, cgid)
		if (row->cgid == cgid)
			return row;
	return NULL;
}

static void tcpka_row_free(struct tcpka_row *row)
{
	cgroup_put(row->cgrp);
	free_percpu(row->mib);
	kfree(row);
}

static void tcpka_row_free_rcu(struct rcu_head *head)
{
	tcpka_row_free(container_of(head, struct tcpka_row, rcu));
}

/* A cgroup removed (rmdir): offline, only dying references left. */
static bool tcpka_cgroup_gone(const struct cgroup *cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/*
 * Called in atomic context, under rcu_read_lock(). Return: the row, NULL
 * when there is no room for one, ERR_PTR(-ENOENT) for a removed cgroup
 * (no row and no counting in one: a row never outlives its cgroup's
 * removal).
 */
static struct tcpka_row *tcpka_row_get(struct tcpka_net *tn,
				       const struct sock *sk)
{
	struct cgroup *cgrp = tcpka_sock_cgroup(sk);
	u64 cgid = cgroup_id(cgrp);
	struct tcpka_row *row, *old;
	struct mem_cgroup *memcg;
	unsigned long flags;
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN;

	row = tcpka_row_find(tn, cgid);
	if (row)
		return row;
	if (tcpka_cgroup_gone(cgrp))
		return ERR_PTR(-ENOENT);
	if (READ_ONCE(tn->nr_rows) >= READ_ONCE(max_cgroup_rows))
		return NULL;

	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		row = tcpka_spare_get();
	} else {
		/* Charged to the memory cgroup of the socket that needs it. */
		memcg = READ_ONCE(sk->sk_memcg);
		if (memcg)
			gfp |= __GFP_ACCOUNT;
		memcg = set_active_memcg(memcg);
		row = tcpka_row_alloc(gfp);
		set_active_memcg(memcg);
	}
	if (!row)
		return NULL;
	row->cgid = cgid;
	row->cgrp = cgrp;
	cgroup_get(cgrp);

	raw_spin_lock_irqsave(&tn->rows_lock, flags);
	old = tcpka_row_find(tn, cgid);
	/*
	 * Checked again under the lock the reaper takes: a cgroup removed
	 * after this check is reaped by the work its rmdir schedules.
	 */
	if (!old && tcpka_cgroup_gone(cgrp))
		old = ERR_PTR(-ENOENT);
	if (!old && tn->nr_rows < max_cgroup_rows) {
		hash_add_rcu(tn->rows, &row->node, cgid);
		WRITE_ONCE(tn->nr_rows, tn->nr_rows + 1);
		old = row;
		row = NULL;
	}
	raw_spin_unlock_irqrestore(&tn->rows_lock, flags);
	if (row) {
		/* Lost a race: never published, nothing counted in it. */
		cgroup_put(row->cgrp);
		if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
			tcpka_spare_put(row);
		} else {
			free_percpu(row->mib);
			kfree(row);
		}
	}
	return old;
}

/* Drop the rows of removed cgroups in one namespace. */
static void tcpka_reap_net(struct tcpka_net *tn)
{
	struct tcpka_row *row;
	struct hlist_node *tmp;
	int bkt;

	raw_spin_lock_irq(&tn->rows_lock);
	hash_for_each_safe(tn->rows, bkt, tmp, row, node) {
		if (!tcpka_cgroup_gone(row->cgrp))
			continue;
		hash_del_rcu(&row->node);
		WRITE_ONCE(tn->nr_rows, tn->nr_rows - 1);
		call_rcu(&row->rcu, tcpka_row_free_rcu);
	}
	raw_spin_unlock_irq(&tn->rows_lock);
}

static void tcpka_reap(struct work_struct *work)
{
	struct tcpka_net *tn;
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net) {
		rcu_read_lock();
		tn = tcpka_pernet(net);
		if (tn)
			tcpka_reap_net(tn);
		rcu_read_unlock();
	}
	up_read(&net_rwsem);
}

static DECLARE_DELAYED_WORK(tcpka_reap_work, tcpka_reap);

/*
 * A cgroup of the default hierarchy was removed (cgroup_rmdir tracepoint,
 * atomic): its rows go within a tenth of a second, one walk for a burst of
 * removals.
 */
void tcpka_stats_cgroup_rmdir(void)
{
	schedule_delayed_work(&tcpka_reap_work, HZ / 10);
}

/* After the hooks are gone, before the namespaces' state is freed. */
void tcpka_stats_stop(void)
{
	cancel_delayed_work_sync(&tcpka_reap_work);
	WRITE_ONCE(tcpka_spares_on, 2);
	cancel_work_sync(&tcpka_spare_work);
}

/*
 * Once no namespace init can run (the pernet operations are gone), or
 * after a failed load: the spare rows.
 */
void tcpka_stats_exit(void)
{
	struct tcpka_row *row;

	WRITE_ONCE(tcpka_spares_on, 2);
	cancel_work_sync(&tcpka_spare_work);
	while ((row = tcpka_spares)) {
		tcpka_spares = (struct tcpka_row *)row->node.next;
		free_percpu(row->mib);
		kfree(row);
	}
	tcpka_nr_spares = 0;
}

/**
 * tcpka_count - add to a counter of a socket's namespace and cgroup
 * @sk: the socket
 * @f: which counter
 * @n: how much
 *
 * Context: any; sleeps never.
 */
void tcpka_count(const struct sock *sk, enum tcpka_mib f, unsigned int n)
{
	struct tcpka_net *tn;
	struct tcpka_row *row;

	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn) {
		this_cpu_add(tn->mib->v[f], n);
		row = tcpka_row_get(tn, sk);
		if (!row)
			this_cpu_inc(tn->mib->v[TCPKA_MIB_ROWS_OVERFLOW]);
		else if (!IS_ERR(row))
			this_cpu_add(row->mib->v[f], n);
	}
	rcu_read_unlock();
}

/**
 * tcpka_count_tally - add several counters of a socket at once
 * @sk: the socket
 * @t: the counters and how much, added in that order
 *
 * Context: any; sleeps never.
 */
void tcpka_count_tally(const struct sock *sk, const struct tcpka_tally *t)
{
	struct tcpka_net *tn;
	struct tcpka_row *row;
	unsigned int i;

	if (!t->nr)
		return;
	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn) {
		for (i = 0; i < t->nr; i++)
			this_cpu_add(tn->mib->v[t->a[i].f], t->a[i].n);
		row = tcpka_row_get(tn, sk);
		if (!row) {
			this_cpu_add(tn->mib->v[TCPKA_MIB_ROWS_OVERFLOW], t->nr);
		} else if (!IS_ERR(row)) {
			for (i = 0; i < t->nr; i++)
				this_cpu_add(row->mib->v[t->a[i].f], t->a[i].n);
		}
	}
	rcu_read_unlock();
}

/**
 * tcpka_observe - add a value to a histogram of a socket's cgroup
 * @sk: the socket
 * @h: which histogram
 * @ms: the value, in milliseconds
 *
 * Context: any; sleeps never. Lost (and counted in cgroup_rows_overflow)
 * when the cgroup has no row and no room for one.
 */
void tcpka_observe(const struct sock *sk, enum tcpka_hist h, u32 ms)
{
	struct tcpka_net *tn;
	struct tcpka_row *row;

	rcu_read_lock();
	tn = tcpka_pernet(sock_net(sk));
	if (tn) {
		row = tcpka_row_get(tn, sk);
		if (!row) {
			this_cpu_inc(tn->mib->v[TCPKA_MIB_ROWS_OVERFLOW]);
		} else if (!IS_ERR(row)) {
			atomic64_inc(&row->hist[h].bucket[tcpka_hist_bucket(ms)]);
			atomic64_add(ms, &row->hist[h].sum_ms);
		}
	}
	rcu_read_unlock();
}

int tcpka_stats_net_init(struct tcpka_net *tn)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && READ_ONCE(tcpka_spares_on) != 2) {
		WRITE_ONCE(tcpka_spares_on, 1);
		tcpka_spare_fill(NULL);
	}
	raw_spin_lock_init(&tn->rows_lock);
	hash_init(tn->rows);
	/* Charged to whoever creates the namespace. */
	tn->mib = alloc_percpu_gfp(struct tcpka_mibs, GFP_KERNEL_ACCOUNT);
	return tn->mib ? 0 : -ENOMEM;
}

/* After an RCU grace period: nothing can reach @tn any more. */
void tcpka_stats_net_exit(struct tcpka_net *tn)
{
	struct tcpka_row *row;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_safe(tn->rows, bkt, tmp, row, node) {
		hash_del(&row->node);
		tcpka_row_free(row);
	}
	tn->nr_rows = 0;
	free_percpu(tn->mib);
	tn->mib = NULL;
}

static void tcpka_mibs_sum(const struct tcpka_mibs __percpu *mib, u64 *vals)
{
	int cpu, i;

	memset(vals, 0, sizeof(u64) * TCPKA_MIB_NR);
	for_each_possible_cpu(cpu) {
		const struct tcpka_mibs *m = per_cpu_ptr(mib, cpu);

		for (i = 0; i < TCPKA_MIB_NR; i++)
			vals[i] += READ_ONCE(m->v[i]);
	}
}

static int tcpka_stats_show(struct seq_file *m, void *v)
{
	struct tcpka_net *tn = tcpka_pernet(seq_file_single_net(m));
	u64 vals[TCPKA_MIB_NR];
	char buf[768];
	int live;

	if (!tn)
		return -ENODEV;
	tcpka_mibs_sum(tn->mib, vals);
	vals[TCPKA_MIB_HOOKS_MISSED] = tcpka_hooks_missed();
	live = atomic_read(&tn->rounds_live);
	WARN_ON_ONCE(live < 0);
	vals[TCPKA_MIB_IN_PROGRESS] = max(live, 0);
	tcpka_format_stats(buf, sizeof(buf), vals);
	seq_puts(m, buf);
	return 0;
}

/* A cgroup path with blanks, newlines and backslashes octal-escaped. */
const char *tcpka_escape(struct tcpka_rowbuf *b, const char *path)
{
	int n = string_escape_str(path, b->esc, sizeof(b->esc) - 1,
				  ESCAPE_OCTAL, " \t\n\\");

	b->esc[min_t(int, n, sizeof(b->esc) - 1)] = '\0';
	return b->esc;
}

/*
 * One row; @path is escaped already. The policy's cgroup (from=) is an
 * ancestor of the row's: shown as the view has it, "-" above its root.
 */
static void tcpka_row_show(struct seq_file *m, struct tcpka_rowbuf *b,
			   const struct tcpka_view *v, const char *path,
			   const u64 *vals, const struct tcpka_entry *e)
{
	const char *from = e ? tcpka_view_path(v, e->path) : NULL;

	/*
	 * A policy from above the reader's cgroup namespace is shown only to
	 * a reader who may read the table (its values, from=-).
	 */
	if (e && !from && !v->admin)
		e = NULL;
	tcpka_format_row(b->line, sizeof(b->line), path, vals,
			 e ? &e->pol : NULL, from ?: "-");
	seq_puts(m, b->line);
}

static int tcpka_cgroups_show(struct seq_file *m, void *unused)
{
	struct tcpka_net *tn = tcpka_pernet(seq_file_single_net(m));
	const struct tcpka_table *t;
	const struct tcpka_entry *e;
	struct tcpka_view *v;
	struct tcpka_rowbuf *b;
	struct tcpka_row *row;
	u64 vals[TCPKA_MIB_NR];
	const char *path;
	unsigned int i;
	int bkt;

	if (!tn)
		return -ENODEV;
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	v = tcpka_view_get(m->file);
	if (!b || !v) {
		kvfree(b);
		if (v)
			tcpka_view_put(v);
		return -ENOMEM;
	}
	tcpka_format_row_header(b->line, sizeof(b->line));
	seq_puts(m, b->line);

	rcu_read_lock();
	hash_for_each_rcu(tn->rows, bkt, row, node) {
		path = tcpka_view_cgroup(v, b, row->cgrp);
		if (!path)
			continue;
		tcpka_mibs_sum(row->mib, vals);
		tcpka_row_show(m, b, v, path, vals,
			       tcpka_policy_lookup(row->cgrp));
	}
	/*
	 * Cgroups with a policy but no counts here yet, for a reader who may
	 * see the policy table (pending policies are in policy_state).
	 */
	memset(vals, 0, sizeof(vals));
	t = v->admin ? tcpka_policy_table() : NULL;
	for (i = 0; t && i < t->nr; i++) {
		u64 id = tcpka_entry_cgid(t, i);

		e = &t->e[i];
		path = tcpka_view_path(v, e->path);
		if (!path || !id || tcpka_row_find(tn, id))
			continue;
		tcpka_row_show(m, b, v, tcpka_escape(b, path), vals, e);
	}
	rcu_read_unlock();
	tcpka_view_put(v);
	kvfree(b);
	return 0;
}

static void tcpka_hist_read(const struct tcpka_row *row, enum tcpka_hist h,
			    struct tcpka_hist_vals *v)
{
	int i;

	/* The count is the buckets' sum, so that le_inf == count always. */
	v->count = 0;
	v->sum_ms = atomic64_read(&row->hist[h].sum_ms);
	for (i = 0; i < TCPKA_HIST_BUCKETS; i++) {
		v->bucket[i] = atomic64_read(&row->hist[h].bucket[i]);
		v->count += v->bucket[i];
	}
}

/* Two rows per cgroup with at least one verdict in this namespace. */
static int tcpka_histograms_show(struct seq_file *m, void *v)
{
	struct tcpka_net *tn = tcpka_pernet(seq_file_single_net(m));
	struct tcpka_hist_vals vals[TCPKA_HIST_NR];
	struct tcpka_view *view;
	struct tcpka_rowbuf *b;
	struct tcpka_row *row;
	const char *path;
	int bkt, h;

	if (!tn)
		return -ENODEV;
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	view = tcpka_view_get(m->file);
	if (!b || !view) {
		kvfree(b);
		if (view)
			tcpka_view_put(view);
		return -ENOMEM;
	}
	tcpka_format_hist_header(b->line, sizeof(b->line));
	seq_puts(m, b->line);
	rcu_read_lock();
	hash_for_each_rcu(tn->rows, bkt, row, node) {
		for (h = 0; h < TCPKA_HIST_NR; h++)
			tcpka_hist_read(row, h, &vals[h]);
		if (!vals[TCPKA_HIST_DETECT].count &&
		    !vals[TCPKA_HIST_IDLE_RST].count)
			continue;
		path = tcpka_view_cgroup(view, b, row->cgrp);
		if (!path)
			continue;
		for (h = 0; h < TCPKA_HIST_NR; h++) {
			tcpka_format_hist_row(b->line, sizeof(b->line), path, h,
					      &vals[h]);
			seq_puts(m, b->line);
		}
	}
	rcu_read_unlock();
	tcpka_view_put(view);
	kvfree(b);
	return 0;
}

int tcpka_stats_proc_create(struct proc_dir_entry *dir)
{
	if (!proc_create_net_single("histograms", 0444, dir,
				    tcpka_histograms_show, NULL))
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, dir, tcpka_stats_show, NULL))
		return -ENOMEM;
	if (!proc_create_net_single("cgroups", 0444, dir, tcpka_cgroups_show,
				    NULL))
		return -ENOMEM;
	return 0;
}
