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
#include <linux/workqueue.h>
#include <linux/in6.h>
#include <net/net_namespace.h>
#include <linux/sock_diag.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "tcpka.h"

#define TCPKA_ROWS_BITS	8

/*
 * The states keepalive probes in: tcp_keepalive_timer() sends probes in
 * ESTABLISHED, CLOSE_WAIT and (not orphaned) FIN_WAIT2.
 */
#define TCPKA_PROBED_STATES	(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT2)

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
	/* Verdicts are rare: plain atomics, not per-CPU. */
	struct {
		atomic64_t sum_ms;
		atomic64_t bucket[TCPKA_HIST_BUCKETS];
	} hist[TCPKA_HIST_NR];
};

/* Room to print one cgroup's path, escaped, and a line around it. */
struct tcpka_rowbuf {
	char path[PATH_MAX];
	char esc[PATH_MAX];
	char line[PATH_MAX + 512];
};

/*
 * What one reader sees (view.c): the root of its cgroup namespace (the
 * cgroup, referenced, and its absolute path, if that fits), and whether
 * its opener may see the policy table.
 */
struct tcpka_view {
	struct cgroup *cgrp;
	bool root_ok;
	bool admin;
	char root[PATH_MAX];
};

/* A local address gone (addrloss.c). */
struct tcpka_lost {
	struct in6_addr addr;		/* IPv4 as v4-mapped */
	unsigned long at;		/* jiffies: when it went (the last time) */
	unsigned long walked;		/* jiffies: the last walk that saw it gone */
	u32 gen;			/* one more each time it goes */
};

#define TCPKA_LOST_MAX	16

/* A namespace's lost addresses, and the work acting on them. */
struct tcpka_addrloss {
	spinlock_t lock;		/* irqsave: the IPv6 chain is atomic */
	bool alive;			/* false once the namespace exits */
	bool overflow;			/* more went at once than lost[] holds */
	unsigned int nr;
	unsigned long walk_end;		/* jiffies: when the last walk ended */
	unsigned long gap;		/* jiffies from one walk's end to the next */
	struct tcpka_lost ovf;		/* with @overflow: any address gone */
	struct tcpka_lost lost[TCPKA_LOST_MAX];
	struct delayed_work work;
	struct net *net;
	/* The abort in progress (only the work sets them). */
	struct sock *aborting;
	struct task_struct *abort_task;
};

/* Per network namespace state (net_generic()). */
struct tcpka_net {
	bool alive;			/* false once the netns is exiting */
	int enabled;			/* net.tcpka.enabled */
	int dry_run;			/* net.tcpka.dry_run */
	int log_verdicts;		/* net.tcpka.log_verdicts */
	int audit_idle;			/* net.tcpka.audit_idle, seconds */
	struct tcpka_mibs __percpu *mib;
	struct ctl_table *sysctl_table;
	struct ctl_table_header *sysctl;
	struct proc_dir_entry *proc;
	atomic_t rounds_live;		/* rounds in progress (track.c) */
	struct tcpka_addrloss al;	/* addr_loss (addrloss.c) */
	raw_spinlock_t rows_lock;	/* serialises row insertion */
	unsigned int nr_rows;
	struct hlist_head rows[1 << TCPKA_ROWS_BITS];	/* RCU readers */
};

/* netns.c */
struct tcpka_net *tcpka_pernet(const struct net *net);
int tcpka_netns_init(void);
void tcpka_netns_exit(void);

/* policy.c */
int tcpka_policy_init(void);
void tcpka_policy_stop(void);
void tcpka_policy_exit(void);
const struct tcpka_entry *tcpka_policy_lookup(struct cgroup *cgrp);
const struct tcpka_entry *tcpka_policy_resolve(const struct tcpka_table *t,
					       struct cgroup *cgrp);
/* The published table (tcpka_policy_table(); RCU-sched in enforce.c). */
extern struct tcpka_table __rcu *tcpka_table;
struct tcpka_table *tcpka_policy_table(void);
u64 tcpka_entry_cgid(const struct tcpka_table *t, unsigned int idx);
void tcpka_policy_cgroup_mkdir(void *data, struct cgroup *cgrp,
			       const char *path);
void tcpka_policy_cgroup_rmdir(void *data, struct cgroup *cgrp,
			       const char *path);
int tcpka_policy_proc_create(struct proc_dir_entry *dir);

/* enforce.c */
void tcpka_enforce(struct sock *sk);
void tcpka_reenforce(struct sock *sk, bool keepidle);
bool tcpka_force_applies(const struct sock *sk);
void tcpka_force_filter_set(const struct tcpka_table *t);
void tcpka_rearm_all(const struct tcpka_table *old,
		     const struct tcpka_table *new);

struct inet_hashinfo;

/* A walk of an established hash table (tcpka_walk_hash()). */
struct tcpka_walk {
	const struct net *net;		/* only its sockets; NULL: every one */
	void (*batch)(struct tcpka_walk *w, unsigned int n);	/* optional */
	void (*one)(struct tcpka_walk *w, struct sock *sk);
};

void tcpka_walk_hash(struct inet_hashinfo *h, struct tcpka_walk *w);

/*
 * Sockets no policy ever changes: the kernel's own (NFS, iSCSI, NVMe/TCP,
 * CIFS... made with sock_create_kern(): their owners chose their timeouts)
 * and sockets in TCP_REPAIR (CRIU restoring a socket as it was). Their
 * probes and rounds count as any other's.
 */
static inline bool tcpka_sock_exempt(const struct sock *sk)
{
	return sk->sk_kern_sock || tcp_sk(sk)->repair;
}

/* addrloss.c */
int tcpka_addrloss_init(void);
void tcpka_addrloss_exit(void);
void tcpka_addrloss_net_init(struct net *net, struct tcpka_net *tn);
void tcpka_addrloss_net_exit(struct tcpka_net *tn);
void tcpka_addrloss_want(bool on);
bool tcpka_addrloss_aborting(const struct sock *sk);

/* Counters of one socket to add at once, with one lookup of its row. */
struct tcpka_tally {
	unsigned int nr;
	struct {
		enum tcpka_mib f;
		unsigned int n;
	} a[4];
};

static inline void tcpka_tally_add(struct tcpka_tally *t, enum tcpka_mib f,
				   unsigned int n)
{
	if (!WARN_ON_ONCE(t->nr >= ARRAY_SIZE(t->a))) {
		t->a[t->nr].f = f;
		t->a[t->nr].n = n;
		t->nr++;
	}
}

/* stats.c */
void tcpka_count(const struct sock *sk, enum tcpka_mib f, unsigned int n);
void tcpka_count_tally(const struct sock *sk, const struct tcpka_tally *t);
void tcpka_observe(const struct sock *sk, enum tcpka_hist h, u32 ms);
const char *tcpka_escape(struct tcpka_rowbuf *b, const char *path);
void tcpka_stats_cgroup_rmdir(void);
void tcpka_stats_stop(void);
void tcpka_stats_exit(void);
int tcpka_stats_net_init(struct tcpka_net *tn);
void tcpka_stats_net_exit(struct tcpka_net *tn);
int tcpka_stats_proc_create(struct proc_dir_entry *dir);

/* "[" v6 address "]:" port, NUL */
#define TCPKA_ADDR_LEN	(sizeof("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535"))

/* audit.c */
int tcpka_audit_proc_create(struct proc_dir_entry *dir);

/* view.c */
int tcpka_ns_root(char *buf, size_t len);
struct tcpka_view *tcpka_view_get(const struct file *file);
void tcpka_view_put(struct tcpka_view *v);
const char *tcpka_view_path(const struct tcpka_view *v, const char *path);
const char *tcpka_view_cgroup(const struct tcpka_view *v,
			      struct tcpka_rowbuf *b, struct cgroup *cgrp);

/* track.c */
int tcpka_track_init(void);
void tcpka_track_exit(void);
void tcpka_track_event(const struct sock *sk, enum tcpka_event ev);
void tcpka_track_probe(const struct sock *sk, unsigned int n);
void tcpka_fmt_addr(char *buf, size_t len, const struct sock *sk, bool remote);
void tcpka_track_close(const struct sock *sk, bool timed_out, bool rto,
		       bool uto, bool zw, bool addr_lost);
void tcpka_track_start(void);
unsigned int tcpka_track_rounds(void);
void tcpka_track_reserve(unsigned int n, unsigned int base);
void tcpka_track_stop(void);
int tcpka_track_proc_create(struct proc_dir_entry *dir);

/* hooks.c */
int tcpka_hooks_init(void);
void tcpka_hooks_exit(void);
unsigned long tcpka_hooks_missed(void);
int tcpka_hooks_force(bool on);

static inline struct cgroup *tcpka_sock_cgroup(const struct sock *sk)
{
	struct cgroup *cgrp = sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);

	return cgrp ?: &cgrp_dfl_root.cgrp;
}

/* The keepalive timer: in the icsk on every supported kernel (see Kbuild). */
static inline struct timer_list *tcpka_ka_timer(struct sock *sk)
{
	return &inet_csk(sk)->icsk_keepalive_timer;
}

/* The socket's cookie, as "ss -e" (sk:, in hex) and BPF show it. */
static inline u64 tcpka_sock_cookie(struct sock *sk)
{
	u32 c[2];

	sock_diag_save_cookie(sk, c);
	return c[0] | (u64)c[1] << 32;
}

#endif /* _TCPKA_MOD_H */
