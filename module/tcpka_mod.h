/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the module's files (not by the KUnit suites,
 * which only see include/tcpka.h).
 */
#ifndef _TCPKA_MOD_H
#define _TCPKA_MOD_H

#include <linux/cgroup.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/version.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "tcpka.h"

#define TCPKA_ROWS_BITS	8

/* One CPU's counters, as MPTCP's struct mptcp_mib. */
struct tcpka_mibs {
	unsigned long v[TCPKA_MIB_NR];
};

/* Counters of one cgroup's sockets in one network namespace. */
struct tcpka_row {
	struct hlist_node node;		/* in tcpka_net.rows, under rows_lock */
	struct rcu_head rcu;
	u64 cgid;
	struct cgroup *cgrp;		/* reference held */
	struct tcpka_mibs __percpu *mib;
};

/* Per network namespace state (net_generic()). */
struct tcpka_net {
	bool alive;			/* false once the netns is exiting */
	int enabled;			/* net.tcpka.enabled */
	struct tcpka_mibs __percpu *mib;
	struct ctl_table *sysctl_table;
	struct ctl_table_header *sysctl;
	struct proc_dir_entry *proc;
	spinlock_t rows_lock;		/* serialises row insertion */
	unsigned int nr_rows;
	struct hlist_head rows[1 << TCPKA_ROWS_BITS];	/* RCU readers */
};

/* netns.c */
struct tcpka_net *tcpka_pernet(const struct net *net);
int tcpka_netns_init(void);
void tcpka_netns_exit(void);

/* policy.c */
int tcpka_policy_init(void);
void tcpka_policy_exit(void);
const struct tcpka_entry *tcpka_policy_lookup(struct cgroup *cgrp);
struct tcpka_table *tcpka_policy_table(void);
void tcpka_policy_cgroup_mkdir(void *data, struct cgroup *cgrp,
			       const char *path);
int tcpka_policy_proc_create(struct proc_dir_entry *dir);

/* enforce.c */
void tcpka_enforce(struct sock *sk);
void tcpka_reenforce(struct sock *sk);

/* stats.c */
void tcpka_count(const struct sock *sk, enum tcpka_mib f, unsigned int n);
int tcpka_stats_net_init(struct tcpka_net *tn);
void tcpka_stats_net_exit(struct tcpka_net *tn);
int tcpka_stats_proc_create(struct proc_dir_entry *dir);

/* track.c */
int tcpka_track_init(void);
void tcpka_track_exit(void);
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev);

/* hooks.c */
int tcpka_hooks_init(void);
void tcpka_hooks_exit(void);

static inline struct cgroup *tcpka_sock_cgroup(const struct sock *sk)
{
	struct cgroup *cgrp = sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);

	return cgrp ?: &cgrp_dfl_root.cgrp;
}

#endif /* _TCPKA_MOD_H */
