// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: the net.tcpka sysctls (enabled, dry_run,
 * log_verdicts, audit_idle), the /proc/net/tcpka directory and the
 * counters.
 *
 * Hooks reach a namespace's state through tcpka_pernet() inside an RCU
 * read-side section (tracepoint handlers and ftrace callbacks run with
 * preemption off). A namespace on its way out is first marked dead, then
 * one RCU grace period passes for the whole batch, and only then are its
 * counters freed.
 */

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "tcpka_mod.h"

static bool enabled = true;
module_param(enabled, bool, 0444);
MODULE_PARM_DESC(enabled,
		 "Initial value of net.tcpka.enabled in every network namespace (default 1)");

static unsigned int tcpka_net_id __read_mostly;

struct tcpka_net *tcpka_pernet(const struct net *net)
{
	struct tcpka_net *tn = net_generic(net, tcpka_net_id);

	return READ_ONCE(tn->alive) ? tn : NULL;
}

/* Since 6.11 proc handlers take a const table (see Kbuild). */
#ifndef TCPKA_CTL_CONST
#define TCPKA_CTL_CONST
#endif

/*
 * Writable only with CAP_NET_ADMIN in the initial user namespace: root in a
 * container cannot switch off what the host set.
 */
static int tcpka_sysctl_int(TCPKA_CTL_CONST struct ctl_table *table,
			    int write, void *buffer, size_t *lenp,
			    loff_t *ppos)
{
	int ret;

	if (write && !capable(CAP_NET_ADMIN)) {
		pr_warn_ratelimited("tcpka: net.tcpka.%s: write needs CAP_NET_ADMIN in the initial user namespace\n",
				    table->procname);
		return -EPERM;
	}
	ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (write && ret == -EINVAL)
		pr_warn_ratelimited("tcpka: net.tcpka.%s: invalid value '%.*s' (%d..%d)\n",
				    table->procname,
				    (int)min_t(size_t, *lenp, 32), (char *)buffer,
				    *(int *)table->extra1, *(int *)table->extra2);
	return ret;
}

/*
 *   enabled       0: apply no policy to new sockets; counting goes on
 *   dry_run       1: count what would be applied (dry_run_matched), change
 *                 no socket
 *   log_verdicts  1: one rate-limited log line per rst/timeout/user_timeout
 */
#define TCPKA_SYSCTL_INT(name, lo, hi) {		\
	.procname	= name,				\
	.maxlen		= sizeof(int),			\
	.mode		= 0644,				\
	.proc_handler	= tcpka_sysctl_int,		\
	.extra1		= lo,				\
	.extra2		= hi,				\
}

#define TCPKA_SYSCTL_BOOL(name) TCPKA_SYSCTL_INT(name, SYSCTL_ZERO, SYSCTL_ONE)

/*
 *   audit_idle    seconds: /proc/net/tcpka/coverage counts a socket whose
 *                 first keepalive probe comes later as keepalive_late
 *                 (1..32767, default 300)
 */
static int tcpka_audit_idle_max = TCPKA_IDLE_MAX;

static struct ctl_table tcpka_sysctl_template[] = {
	TCPKA_SYSCTL_BOOL("enabled"),
	TCPKA_SYSCTL_BOOL("dry_run"),
	TCPKA_SYSCTL_BOOL("log_verdicts"),
	TCPKA_SYSCTL_INT("audit_idle", SYSCTL_ONE, &tcpka_audit_idle_max),
	{ }
};

static int tcpka_sysctl_init(struct net *net, struct tcpka_net *tn)
{
	struct ctl_table *table;

	/* Charged to whoever creates the namespace, as its counters are. */
	table = kmemdup(tcpka_sysctl_template, sizeof(tcpka_sysctl_template),
			GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	table[0].data = &tn->enabled;
	table[1].data = &tn->dry_run;
	table[2].data = &tn->log_verdicts;
	table[3].data = &tn->audit_idle;
#ifdef TCPKA_HAVE_NET_SYSCTL_SZ
	tn->sysctl = register_net_sysctl_sz(net, "net/tcpka", table,
					    ARRAY_SIZE(tcpka_sysctl_template) - 1);
#else
	tn->sysctl = register_net_sysctl(net, "net/tcpka", table);
#endif
	if (!tn->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	tn->sysctl_table = table;
	return 0;
}

static void tcpka_sysctl_exit(struct tcpka_net *tn)
{
	unregister_net_sysctl_table(tn->sysctl);
	kfree(tn->sysctl_table);
}

static int __net_init tcpka_net_init(struct net *net)
{
	struct tcpka_net *tn = net_generic(net, tcpka_net_id);
	int err;

	tn->enabled = enabled;
	tn->audit_idle = 300;
	atomic_set(&tn->rounds_live, 0);
	tcpka_addrloss_net_init(net, tn);
	err = tcpka_stats_net_init(tn);
	if (err)
		return err;
	err = tcpka_sysctl_init(net, tn);
	if (err)
		goto err_stats;

	err = -ENOMEM;
	tn->proc = proc_net_mkdir(net, "tcpka", net->proc_net);
	if (!tn->proc)
		goto err_sysctl;
	err = tcpka_policy_proc_create(tn->proc);
	if (err)
		goto err_proc;
	err = tcpka_stats_proc_create(tn->proc);
	if (err)
		goto err_proc;
	err = tcpka_track_proc_create(tn->proc);
	if (err)
		goto err_proc;
	err = tcpka_audit_proc_create(tn->proc);
	if (err)
		goto err_proc;

	WRITE_ONCE(tn->alive, true);
	return 0;

err_proc:
	remove_proc_subtree("tcpka", net->proc_net);
err_sysctl:
	tcpka_sysctl_exit(tn);
err_stats:
	tcpka_stats_net_exit(tn);
	return err;
}

static void __net_exit tcpka_net_exit(struct net *net)
{
	struct tcpka_net *tn = net_generic(net, tcpka_net_id);

	WRITE_ONCE(tn->alive, false);
	tcpka_addrloss_net_exit(tn);
	remove_proc_subtree("tcpka", net->proc_net);
	tcpka_sysctl_exit(tn);
}

static void __net_exit tcpka_net_exit_batch(struct list_head *net_exit_list)
{
	struct net *net;

	/* No hook still holds a pointer to these namespaces' counters. */
	synchronize_rcu();
	list_for_each_entry(net, net_exit_list, exit_list)
		tcpka_stats_net_exit(net_generic(net, tcpka_net_id));
}

static struct pernet_operations tcpka_net_ops = {
	.init		= tcpka_net_init,
	.exit		= tcpka_net_exit,
	.exit_batch	= tcpka_net_exit_batch,
	.id		= &tcpka_net_id,
	.size		= sizeof(struct tcpka_net),
};

int tcpka_netns_init(void)
{
	return register_pernet_subsys(&tcpka_net_ops);
}

void tcpka_netns_exit(void)
{
	unregister_pernet_subsys(&tcpka_net_ops);
}
