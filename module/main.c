// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka: per-cgroup TCP keepalive policy and probe-outcome accounting.
 *
 * The model. Linux only notices a dead peer on an idle connection if the
 * application turned SO_KEEPALIVE on, and then after 2 h + 9 x 75 s, while
 * NATs and load balancers forget idle flows within minutes. tcpka lets the
 * operator give each cgroup v2 a keepalive policy (idle, intvl, cnt,
 * user_timeout, mode) that is applied when a socket of that cgroup (or of a
 * descendant without its own policy) reaches ESTABLISHED, with no change to
 * the application, and counts what every probe round finds:
 *
 *   ack      the peer answered: the connection is alive;
 *   rst      the peer answered with RST: it lost the connection's state;
 *   timeout  no answer after cnt probes: a half-open connection, closed.
 *
 * Everything is observed through tracepoints and ftrace callbacks that fire per
 * state change and per keepalive timer event, never per packet; the kernel
 * does the probing with its own timer, on the socket's ordinary settings.
 *
 *   policy.c    the policy table (RCU) and /proc/net/tcpka/policy
 *   view.c      paths as the reader's cgroup namespace shows them
 *   grammar.c   the policy file's grammar      table.c   the table itself
 *   enforce.c   applying a policy to a socket  hooks.c   the attachments
 *   track.c     sockets in the middle of a round (bounded)
 *   classify.c  how events end rounds          stats.c   per-CPU counters
 *   netns.c     per-namespace sysctl and procfs  format.c  counter text
 *   audit.c     coverage and stalled files     addrloss.c  addr_loss aborts
 */

#include <linux/module.h>
#include "tcpka_mod.h"

static int __init tcpka_init(void)
{
	int err;

	err = tcpka_policy_init();
	if (err)
		return err;
	err = tcpka_track_init();
	if (err)
		goto err_policy;
	err = tcpka_netns_init();
	if (err)
		goto err_track;
	/* Last: hooks may fire as soon as they are registered. */
	err = tcpka_hooks_init();
	if (err)
		goto err_netns;
	/* After the hooks, which count its aborts. */
	err = tcpka_addrloss_init();
	if (err)
		goto err_hooks;

	pr_info("tcpka: loaded\n");
	return 0;

err_hooks:
	tcpka_hooks_exit();
err_netns:
	tcpka_policy_stop();
	tcpka_stats_stop();
	tcpka_netns_exit();
err_track:
	/* A policy write to a namespace that was set up may have queued one. */
	tcpka_policy_stop();
	tcpka_stats_exit();
	tcpka_track_exit();
err_policy:
	tcpka_policy_exit();
	return err;
}

/*
 * Reverse order of init (the address notifiers first, so that an abort
 * in flight is still counted), with one step first: once the hooks are gone
 * nothing queues the resync and reap works, and they are stopped before
 * the per-netns counters they write into are freed. tcpka_policy_exit()
 * ends with rcu_barrier(): no RCU callback of ours outlives the module.
 */
static void __exit tcpka_exit(void)
{
	tcpka_addrloss_exit();
	tcpka_hooks_exit();
	tcpka_policy_stop();
	tcpka_stats_stop();
	tcpka_netns_exit();
	tcpka_stats_exit();
	tcpka_track_exit();
	tcpka_policy_exit();
	pr_info("tcpka: unloaded\n");
}

module_init(tcpka_init);
module_exit(tcpka_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(TCPKA_VERSION);
MODULE_AUTHOR("tcpka developers");
MODULE_DESCRIPTION("Per-cgroup TCP keepalive policy and probe-outcome accounting");
