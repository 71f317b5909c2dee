// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: per-CPU totals per network namespace (/proc/net/tcpka/stats)
 * and per-CPU rows per cgroup in that namespace (/proc/net/tcpka/cgroups).
 *
 * A row is keyed by the socket's own cgroup, created on the cgroup's first
 * event in the namespace and kept until the namespace goes away; their
 * number is bounded by max_cgroup_rows. Events that find no row and no room
 * for one still count in the totals and in cgroup_rows_overflow.
 */

#include <linux/hashtable.h>
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

/* Called in atomic context, under rcu_read_lock(). */
static struct tcpka_row *tcpka_row_get(struct tcpka_net *tn,
				       struct cgroup *cgrp)
{
	u64 cgid = cgroup_id(cgrp);
	struct tcpka_row *row, *old;
	unsigned long flags;

	row = tcpka_row_find(tn, cgid);
	if (row)
		return row;
	if (READ_ONCE(tn->nr_rows) >= READ_ONCE(max_cgroup_rows))
		return NULL;

	row = kzalloc(sizeof(*row), GFP_ATOMIC);
	if (!row)
		return NULL;
	row->mib = alloc_percpu_gfp(struct tcpka_mibs, GFP_ATOMIC);
	if (!row->mib) {
		kfree(row);
		return NULL;
	}
	row->cgid = cgid;
	row->cgrp = cgrp;
	cgroup_get(cgrp);

	spin_lock_irqsave(&tn->rows_lock, flags);
	old = tcpka_row_find(tn, cgid);
	if (!old && tn->nr_rows < max_cgroup_rows) {
		hash_add_rcu(tn->rows, &row->node, cgid);
		WRITE_ONCE(tn->nr_rows, tn->nr_rows + 1);
		old = row;
		row = NULL;
	}
	spin_unlock_irqrestore(&tn->rows_lock, flags);
	if (row)
		tcpka_row_free(row);
	return old;
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
		row = tcpka_row_get(tn, tcpka_sock_cgroup(sk));
		if (row)
			this_cpu_add(row->mib->v[f], n);
		else
			this_cpu_inc(tn->mib->v[TCPKA_MIB_ROWS_OVERFLOW]);
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
		row = tcpka_row_get(tn, tcpka_sock_cgroup(sk));
		if (row) {
			atomic64_inc(&row->hist[h].bucket[tcpka_hist_bucket(ms)]);
			atomic64_add(ms, &row->hist[h].sum_ms);
		} else {
			this_cpu_inc(tn->mib->v[TCPKA_MIB_ROWS_OVERFLOW]);
		}
	}
	rcu_read_unlock();
}

int tcpka_stats_net_init(struct tcpka_net *tn)
{
	spin_lock_init(&tn->rows_lock);
	hash_init(tn->rows);
	tn->mib = alloc_percpu(struct tcpka_mibs);
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
static const char *tcpka_escape(struct tcpka_rowbuf *b, const char *path)
{
	int n = string_escape_str(path, b->esc, sizeof(b->esc) - 1,
				  ESCAPE_OCTAL, " \t\n\\");

	b->esc[min_t(int, n, sizeof(b->esc) - 1)] = '\0';
	return b->esc;
}

/**
 * tcpka_cgroup_path - a cgroup's path as the tcpka files print it
 * @b: buffers (the result points into @b)
 * @cgrp: the cgroup
 *
 * Context: any; sleeps never.
 */
const char *tcpka_cgroup_path(struct tcpka_rowbuf *b, struct cgroup *cgrp)
{
	if (cgroup_path(cgrp, b->path, sizeof(b->path)) < 0)
		strscpy(b->path, "?", sizeof(b->path));
	return tcpka_escape(b, b->path);
}

static void tcpka_row_show(struct seq_file *m, struct tcpka_rowbuf *b,
			   const char *path, const u64 *vals,
			   const struct tcpka_entry *e)
{
	tcpka_format_row(b->line, sizeof(b->line), tcpka_escape(b, path), vals,
			 e ? &e->pol : NULL, e ? e->path : NULL);
	seq_puts(m, b->line);
}

static int tcpka_cgroups_show(struct seq_file *m, void *v)
{
	struct tcpka_net *tn = tcpka_pernet(seq_file_single_net(m));
	const struct tcpka_table *t;
	const struct tcpka_entry *e;
	struct tcpka_rowbuf *b;
	struct tcpka_row *row;
	u64 vals[TCPKA_MIB_NR];
	unsigned int i;
	int bkt;

	if (!tn)
		return -ENODEV;
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	tcpka_format_row_header(b->line, sizeof(b->line));
	seq_puts(m, b->line);

	rcu_read_lock();
	hash_for_each_rcu(tn->rows, bkt, row, node) {
		if (cgroup_path(row->cgrp, b->path, sizeof(b->path)) < 0)
			strscpy(b->path, "?", sizeof(b->path));
		tcpka_mibs_sum(row->mib, vals);
		tcpka_row_show(m, b, b->path, vals,
			       tcpka_policy_lookup(row->cgrp));
	}
	/* Cgroups with a policy but no counts here yet. */
	memset(vals, 0, sizeof(vals));
	t = tcpka_policy_table();
	for (i = 0; t && i < t->nr; i++) {
		e = &t->e[i];
		if (!tcpka_row_find(tn, e->cgid))
			tcpka_row_show(m, b, e->path, vals, e);
	}
	rcu_read_unlock();
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
	struct tcpka_rowbuf *b;
	struct tcpka_row *row;
	const char *path;
	int bkt, h;

	if (!tn)
		return -ENODEV;
	b = kvmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	tcpka_format_hist_header(b->line, sizeof(b->line));
	seq_puts(m, b->line);
	rcu_read_lock();
	hash_for_each_rcu(tn->rows, bkt, row, node) {
		for (h = 0; h < TCPKA_HIST_NR; h++)
			tcpka_hist_read(row, h, &vals[h]);
		if (!vals[TCPKA_HIST_DETECT].count &&
		    !vals[TCPKA_HIST_IDLE_RST].count)
			continue;
		path = tcpka_cgroup_path(b, row->cgrp);
		for (h = 0; h < TCPKA_HIST_NR; h++) {
			tcpka_format_hist_row(b->line, sizeof(b->line), path, h,
					      &vals[h]);
			seq_puts(m, b->line);
		}
	}
	rcu_read_unlock();
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
