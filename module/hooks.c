// SPDX-License-Identifier: GPL-2.0
/*
 * Where tcpka attaches to the kernel. Observe, never replace: tracepoints
 * where the kernel has them, ftrace callbacks on function entry where it
 * has none, nothing on the per-packet path.
 *
 *   sock:inet_sock_set_state   synchronized (ESTABLISHED, or CLOSE_WAIT
 *                              straight from SYN_RECV): apply the policy;
 *                              leaving the states keepalive probes in
 *                              (ESTABLISHED, CLOSE_WAIT, FIN_WAIT2): a round
 *                              ends (timeout if a timer gave up on an
 *                              unanswered round, user_timeout if the
 *                              retransmission timer gave up on
 *                              TCP_USER_TIMEOUT: both read from the
 *                              socket's own state)
 *   tcp:tcp_receive_reset      rst
 *   tcp:tcp_destroy_sock       drop the socket's round record
 *   cgroup:cgroup_mkdir        a pending policy's cgroup was created: bind
 *   cgroup:cgroup_rmdir        a policy's cgroup was removed: pending again;
 *                              its counter rows go
 *   ftrace tcp_write_wakeup    a keepalive probe leaves (LINUX_MIB_TCPKEEPALIVE)
 *   ftrace tcp_keepalive_timer entry: an answered round ends in ack (or,
 *                              probing again within half a second, at
 *                              that probe)
 *   ftrace tcp_set_keepalive   SO_KEEPALIVE=0: the round is cut short (only
 *                              setsockopt(SO_KEEPALIVE) calls it); under
 *                              a mode=force policy, SO_KEEPALIVE is put
 *                              back as for tcp_setsockopt
 *   ftrace tcp_setsockopt      only while a mode=force policy exists: an
 *                              application sets a keepalive option on a
 *                              socket that policy covers, and the policy
 *                              is put back as the call returns to user
 *                              space (task_work; only for those options).
 *                              sock_setsockopt (every SOL_SOCKET option of
 *                              every socket) only if tcp_set_keepalive
 *                              cannot be hooked
 *
 * The "ftrace" hooks are ftrace callbacks on the function's entry (what
 * kprobes on ftrace use underneath), with ftrace's argument-only
 * trampoline: no kprobe dispatch, no saving of every register, and not
 * the kprobe rule that a hit while any kprobe handler of the CPU runs is
 * dropped: a keepalive timer that interrupts a setsockopt hook is still
 * seen. ftrace's own recursion guard is per context (task, softirq, irq,
 * NMI), so only a recursion in the same context could skip a call; those
 * are hooks_missed in the stats file. No per-CPU state says which socket
 * a timer is working on: closes are classified from the socket's state.
 *
 * Only tcp_send_reset and tcp_bad_csum are exported to modules, so the
 * tracepoints are found by name with for_each_kernel_tracepoint(), as
 * lttng-modules does. On unload every hook is unregistered and
 * tracepoint_synchronize_unregister() waits for running handlers before
 * anything they use is freed.
 */

#include <linux/bpf.h>
#include <linux/ftrace.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <net/inet_connection_sock.h>
#include <net/mptcp.h>
#include <net/tcp.h>
#include "tcpka_mod.h"

/* The setsockopt hooks are registered (under tcpka_force_mutex). */
static bool tcpka_force_hooked;
/*
 * The tcp_set_keepalive hook is registered: set once at load, before the
 * setsockopt hooks can be; without it sock_setsockopt is hooked instead.
 */
static bool tcpka_ka_hooked;
static bool tcpka_reapply_pending(const struct sock *sk);
static void tcpka_on_sockopt(struct sock *sk, int level, int optname);

/* A TCP socket of IPv4 or IPv6, an MPTCP subflow too. */
static bool tcpka_is_tcp_or_subflow(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

/* A TCP socket of IPv4 or IPv6 that is not an MPTCP subflow. */
static bool tcpka_is_tcp(const struct sock *sk)
{
	return tcpka_is_tcp_or_subflow(sk) && !sk_is_mptcp(sk);
}

/*
 * Closed by the retransmission (or zero-window probe) timer on
 * TCP_USER_TIMEOUT: tcp_write_err() sets sk_err to the soft error or
 * ETIMEDOUT just before tcp_done(), after retransmissions or probes that
 * tcp_write_queue_purge() leaves counted, or, in the retransmission
 * timer's branch for a window the receiver shrank to zero with data in
 * flight (tcp_rtx_probe0_timed_out()), with neither counted and the send
 * window zero. Keepalive's own closes are told apart first
 * (tcpka_track_close()); an RST sets ECONNRESET or EPIPE, a local abort
 * ECONNABORTED.
 */
static bool tcpka_closed_by_uto(const struct sock *sk, int newstate)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	int err = READ_ONCE(sk->sk_err);

	return newstate == TCP_CLOSE && err &&
	       READ_ONCE(icsk->icsk_user_timeout) &&
	       (READ_ONCE(icsk->icsk_retransmits) ||
		READ_ONCE(icsk->icsk_probes_out) ||
		!READ_ONCE(tcp_sk(sk)->snd_wnd)) &&
	       err == (READ_ONCE(sk->sk_err_soft) ?: ETIMEDOUT);
}

/*
 * Closed by the keepalive timer (cnt probes, or user_timeout, ran out):
 * tcp_write_err() sets sk_err as below and purges the write queue before
 * tcp_done() changes the state, with nothing retransmitted (keepalive
 * probes only an idle socket) and no zero-window probing going on (the
 * zero-window probe timer gives up the same way, with icsk_probes_tstamp
 * set, which keepalive never touches). An RST sets ECONNRESET or EPIPE, a
 * local abort ECONNABORTED, a plain close no error at all.
 */
static bool tcpka_gave_up(const struct sock *sk, int newstate)
{
	int err = READ_ONCE(sk->sk_err);

	return newstate == TCP_CLOSE && err &&
	       err == (READ_ONCE(sk->sk_err_soft) ?: ETIMEDOUT);
}

/*
 * Closed by the zero-window probe timer on TCP_USER_TIMEOUT (tcp_probe_timer()
 * gives up once the window has been probed for user_timeout, counted from
 * icsk_probes_tstamp, which only that timer sets) with the peer answering
 * to the end: heard since the probing began and within user_timeout, at
 * most the last probe unanswered, nothing retransmitted. It is alive, and
 * its application does not read. icsk_probes_tstamp may be left over from
 * an earlier shut window (a window reopened by less than the next segment
 * does not clear it): a keepalive give-up on TCP_USER_TIMEOUT has not
 * heard the peer for user_timeout, a retransmission give-up has
 * retransmitted, and a peer that went silent has probes unanswered; those
 * are not this. A peer silent all along is a user_timeout.
 *
 * A window the receiver shut with data in flight is probed by the
 * retransmission timer instead (its retransmissions are the window
 * probes; none of them counted, icsk_probes_tstamp not set), which gives
 * up on TCP_USER_TIMEOUT with the send window zero (tcp_rtx_probe0_timed_out():
 * after about 4 x user_timeout at HZ=250, it compares jiffies with ms),
 * its retransmissions backed off to icsk_rto apart: with the peer heard
 * within user_timeout or since the last one left (icsk_rto, and a
 * quarter second of a late timer), that is the same stalled peer; one
 * silent for longer is a user_timeout.
 */
static bool tcpka_closed_by_zero_window(const struct sock *sk, int newstate)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u32 since = READ_ONCE(icsk->icsk_probes_tstamp);
	u32 uto = READ_ONCE(icsk->icsk_user_timeout);
	u32 heard = READ_ONCE(tcp_sk(sk)->rcv_tstamp);
	u32 window = msecs_to_jiffies(uto);
	bool probed, shrunk;

	probed = since && !READ_ONCE(icsk->icsk_retransmits) &&
		 (s32)(heard - since) >= 0;
	shrunk = !READ_ONCE(tcp_sk(sk)->snd_wnd);
	if (shrunk)
		window = max_t(u32, window, READ_ONCE(icsk->icsk_rto) + HZ / 4);
	return tcpka_gave_up(sk, newstate) && uto && (probed || shrunk) &&
	       READ_ONCE(icsk->icsk_probes_out) <= 1 &&
	       (s32)(tcp_jiffies32 - heard) < (s32)window;
}

static bool tcpka_closed_by_timer(const struct sock *sk, int newstate)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	return tcpka_gave_up(sk, newstate) &&
	       !READ_ONCE(icsk->icsk_retransmits) &&
	       !READ_ONCE(icsk->icsk_probes_tstamp);
}

/*
 * Closed by the retransmission (or zero-window probe) timer giving up
 * without TCP_USER_TIMEOUT (tcp_retries2, tcp_orphan_retries): the same
 * error, with retransmissions or window probes outstanding.
 */
static bool tcpka_closed_by_rto(const struct sock *sk, int newstate)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	return tcpka_gave_up(sk, newstate) &&
	       !READ_ONCE(icsk->icsk_user_timeout) &&
	       (READ_ONCE(icsk->icsk_retransmits) ||
		READ_ONCE(icsk->icsk_probes_tstamp));
}

static void tcpka_tp_set_state(void *data, const struct sock *sk,
			       const int oldstate, const int newstate)
{
	if (!tcpka_is_tcp(sk))
		return;
	/*
	 * Synchronized: ESTABLISHED. CLOSE_WAIT straight from SYN_RECV is
	 * defensive only: a Fast Open child whose SYN carried a FIN would go
	 * there (tcp_fastopen_add_skb() calls tcp_fin() before any ACK), but
	 * the listeners of 6.1 and 6.12 drop SYN+FIN (selftest tfo).
	 */
	if ((oldstate == TCP_SYN_SENT || oldstate == TCP_SYN_RECV) &&
	    (newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE_WAIT)) {
		tcpka_enforce((struct sock *)sk);
		return;
	}
	/*
	 * Out of the states keepalive probes in (the others have a SYN or FIN
	 * in flight, or no keepalive timer), a round ends.
	 */
	if (!((1 << oldstate) & TCPKA_PROBED_STATES) ||
	    ((1 << newstate) & TCPKA_PROBED_STATES))
		return;
	tcpka_track_close(sk, tcpka_closed_by_timer(sk, newstate),
			  tcpka_closed_by_rto(sk, newstate),
			  tcpka_closed_by_uto(sk, newstate),
			  tcpka_closed_by_zero_window(sk, newstate),
			  tcpka_addrloss_aborting(sk));
}

static void tcpka_tp_receive_reset(void *data, const struct sock *sk)
{
	if (tcpka_is_tcp(sk))
		tcpka_track_event(sk, TCPKA_EV_RESET);
}

static void tcpka_tp_destroy_sock(void *data, const struct sock *sk)
{
	if (tcpka_is_tcp(sk))
		tcpka_track_event(sk, TCPKA_EV_DESTROY);
}

/*
 * How many LINUX_MIB_TCPKEEPALIVE increments tcp_write_wakeup() is about to
 * make: none when it sends new data instead, one per probe otherwise (two
 * with urgent data pending), as tcp_xmit_probe_skb() counts them.
 */
static unsigned int tcpka_probes_in_wakeup(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct sk_buff *skb = tcp_send_head(sk);

	if (sk->sk_state == TCP_CLOSE)
		return 0;
	if (skb && before(TCP_SKB_CB(skb)->seq, tcp_wnd_end(tp)))
		return 0;
	return between(tp->snd_up, tp->snd_una + 1, tp->snd_una + 0xFFFF) ? 2 : 1;
}

/*
 * With ftrace's "args" trampoline (x86 has it) a callback gets the
 * argument registers without the cost of saving all of them.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define TCPKA_FT_FLAGS	0
#else
#define TCPKA_FT_FLAGS	FTRACE_OPS_FL_SAVE_REGS
#endif

/* Argument @n of the traced function, at its entry. */
static __always_inline unsigned long tcpka_ft_arg(struct ftrace_regs *fregs,
						  unsigned int n)
{
#ifdef ftrace_regs_get_argument
	return ftrace_regs_get_argument(fregs, n);
#else
	return regs_get_kernel_argument(&fregs->regs, n);
#endif
}

/* Hook hits the ftrace callbacks could not take (recursion), since load. */
static atomic_long_t tcpka_ft_missed = ATOMIC_LONG_INIT(0);

/* int tcp_write_wakeup(struct sock *sk, int mib): the timer holds the lock. */
static void tcpka_on_write_wakeup(struct ftrace_regs *fregs)
{
	const struct sock *sk = (void *)tcpka_ft_arg(fregs, 0);
	unsigned int n;

	if ((int)tcpka_ft_arg(fregs, 1) != LINUX_MIB_TCPKEEPALIVE ||
	    !tcpka_is_tcp_or_subflow(sk))
		return;
	n = tcpka_probes_in_wakeup(sk);
	if (!n)
		return;
	/*
	 * An MPTCP subflow's probes are in TCPKeepAlive too, so they count
	 * in probes_sent; its rounds are MPTCP's business (the subflow's
	 * keepalive settings come from the MPTCP socket), so none starts.
	 */
	if (sk_is_mptcp(sk))
		tcpka_count(sk, TCPKA_MIB_PROBES, n);
	else
		tcpka_track_probe(sk, n);
}

/*
 * void tcp_set_keepalive(struct sock *sk, int val): setsockopt(SO_KEEPALIVE)
 * calls it (socket locked by its owner), and so do in-kernel users and BPF
 * (bpf_setsockopt(), in softirq or process context, under the socket's
 * lock). Switching keepalive off deletes the timer: a round in progress
 * would never end, and would hold its max_tracked slot for the socket's
 * life. It ends here, as a local close would end it.
 *
 * Except under a mode=force policy: a task's call (setsockopt(), an
 * in-kernel user in a task; not a BPF program, whose choice stands)
 * queues a re-apply of the policy, as for the other keepalive options,
 * and as the call returns to user space tcpka_reenforce() switches
 * keepalive back on, on the round's own schedule, so the round goes on.
 * A call the request pool could not serve (hooks_missed) ends the round
 * here.
 */
static void tcpka_on_set_keepalive(struct ftrace_regs *fregs)
{
	struct sock *sk = (void *)tcpka_ft_arg(fregs, 0);
	bool on = (int)tcpka_ft_arg(fregs, 1);

	if (!tcpka_is_tcp(sk))
		return;
	if (in_task() && READ_ONCE(tcpka_force_hooked) &&
	    !has_current_bpf_ctx()) {
		/* SO_KEEPALIVE: no hook on every SOL_SOCKET setsockopt. */
		tcpka_on_sockopt(sk, SOL_SOCKET, SO_KEEPALIVE);
		if (!on && tcpka_reapply_pending(sk))
			return;
	}
	if (!on)
		tcpka_track_event(sk, TCPKA_EV_KA_OFF);
}

/*
 * static void tcp_keepalive_timer(struct timer_list *t), on entry: before
 * the timer locks the socket, so the round's end is claimed (track.c).
 */
static void tcpka_on_keepalive_timer(struct ftrace_regs *fregs)
{
	struct timer_list *t = (void *)tcpka_ft_arg(fregs, 0);
	const struct sock *sk = &container_of(t, struct inet_connection_sock,
					      icsk_keepalive_timer)->icsk_inet.sk;

	/* The timer's storage is shared with MPTCP's own timer. */
	if (tcpka_is_tcp(sk))
		tcpka_track_event(sk, TCPKA_EV_TIMER);
}

struct tcpka_fthook {
	char func[32];
	void (*handler)(struct ftrace_regs *fregs);
	struct ftrace_ops ops;
	bool optional;		/* the module loads without it */
	bool sol_socket;	/* sock_setsockopt: only as a fallback */
	bool registered;
};

/*
 * The ftrace callback of every hook: recursion, then the handler. Not
 * traced itself (as kprobes' and livepatch's callbacks are not).
 */
static void notrace tcpka_ft_call(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic_long_inc(&tcpka_ft_missed);
		return;
	}
	container_of(op, struct tcpka_fthook, ops)->handler(fregs);
	ftrace_test_recursion_unlock(bit);
}

#define TCPKA_FTHOOK(name, fn, opt) {					\
	.func = name,							\
	.handler = fn,							\
	.ops = { .func = tcpka_ft_call, .flags = TCPKA_FT_FLAGS },	\
	.optional = opt,						\
}

/*
 * Registered in this order, unregistered in the reverse one: the hook that
 * starts rounds (tcp_write_wakeup) comes last and goes first, so that no
 * round starts while the hooks that end rounds are not there. Without the
 * tcp_set_keepalive hook (not traceable on some kernel), a round cut short
 * by SO_KEEPALIVE=0 ends when its socket closes.
 */
#define TCPKA_FTHOOK_KA	0	/* tcp_set_keepalive */

static struct tcpka_fthook tcpka_fthooks[] = {
	[TCPKA_FTHOOK_KA] =
	TCPKA_FTHOOK("tcp_set_keepalive", tcpka_on_set_keepalive, true),
	TCPKA_FTHOOK("tcp_keepalive_timer", tcpka_on_keepalive_timer, false),
	TCPKA_FTHOOK("tcp_write_wakeup", tcpka_on_write_wakeup, false),
};

static void tcpka_fthooks_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(tcpka_fthooks) - 1; i >= 0; i--) {
		if (tcpka_fthooks[i].registered)
			unregister_ftrace_function(&tcpka_fthooks[i].ops);
		tcpka_fthooks[i].registered = false;
		ftrace_free_filter(&tcpka_fthooks[i].ops);
	}
}

static int tcpka_fthooks_init(void)
{
	struct tcpka_fthook *h;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(tcpka_fthooks); i++) {
		h = &tcpka_fthooks[i];
		err = ftrace_set_filter(&h->ops, h->func, strlen(h->func), 1);
		if (!err)
			err = register_ftrace_function(&h->ops);
		if (err && h->optional) {
			/* Its filter goes in tcpka_fthooks_exit(), once. */
			pr_warn("tcpka: ftrace hook on %s: %d; going on without it\n",
				h->func, err);
			continue;
		}
		if (err) {
			pr_err("tcpka: ftrace hook on %s: %d\n", h->func, err);
			tcpka_fthooks_exit();
			return err;
		}
		h->registered = true;
	}
	tcpka_ka_hooked = tcpka_fthooks[TCPKA_FTHOOK_KA].registered;
	return 0;
}

/*
 * int tcp_setsockopt(struct sock *sk, int level, int optname, ...)
 * int sock_setsockopt(struct socket *sock, int level, int optname, ...)
 * Both lock the socket themselves, so no caller holds its spinlock.
 */
static __always_inline bool tcpka_keepalive_opt(int level, int optname)
{
	if (level == SOL_SOCKET)
		return optname == SO_KEEPALIVE;
	return level == SOL_TCP &&
	       (optname == TCP_KEEPIDLE || optname == TCP_KEEPINTVL ||
		optname == TCP_KEEPCNT || optname == TCP_USER_TIMEOUT);
}

/*
 * Putting a mode=force policy back is done as the call returns to user
 * space (task_work), after the application's call did what it does; not
 * in the hook, where preemption is off, so that the socket's lock (a
 * sleeping lock on PREEMPT_RT) cannot be taken, and releasing it with
 * spin_unlock_bh() would run softirqs inside an ftrace callback.
 *
 * A request holds the socket and the module: the re-apply waits for the
 * socket's lock, which another thread of the application may hold for
 * as long as its own call blocks, and rmmod then fails (EAGAIN, "in
 * use") rather than wait for it. One io_uring_enter() can queue many
 * requests on one task, so they come from one pool allocated at load
 * (TCPKA_REAPPLY_PER_CPU per possible CPU): a hook never allocates. A
 * task has at most one request per socket (a second call on the same
 * socket before the task returns shares it) and TCPKA_REAPPLY_PER_TASK in
 * all, so that one application cannot take the pool from the others. A
 * call that finds no room counts in hooks_missed, and a round its
 * SO_KEEPALIVE=0 cut short then ends (tcpka_reapply_pending()).
 */
#define TCPKA_REAPPLY_PER_CPU	16
#define TCPKA_REAPPLY_PER_TASK	8

struct tcpka_reapply {
	struct callback_head cb;
	struct sock *sk;		/* referenced; NULL while free */
	/* The task that queued it, which alone runs it and frees it. */
	struct task_struct *task;
	struct tcpka_reapply *next;	/* in the free list */
	bool keepidle;
};

static struct tcpka_reapply *tcpka_reapply_pool;
static unsigned int tcpka_reapply_nr;
static struct tcpka_reapply *tcpka_reapply_free;	/* under the lock */
static DEFINE_RAW_SPINLOCK(tcpka_reapply_lock);
/* A request was ever queued: unload waits for RCU Tasks then. */
static bool tcpka_reapply_used;
/* Queued and not run yet (a failed load waits for them). */
static atomic_t tcpka_reapply_queued = ATOMIC_INIT(0);
static atomic_long_t tcpka_reapply_missed = ATOMIC_LONG_INIT(0);

static struct tcpka_reapply *tcpka_reapply_get(void)
{
	struct tcpka_reapply *req;
	unsigned long flags;

	raw_spin_lock_irqsave(&tcpka_reapply_lock, flags);
	req = tcpka_reapply_free;
	if (req)
		tcpka_reapply_free = req->next;
	raw_spin_unlock_irqrestore(&tcpka_reapply_lock, flags);
	return req;
}

static void tcpka_reapply_put(struct tcpka_reapply *req)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tcpka_reapply_lock, flags);
	req->next = tcpka_reapply_free;
	tcpka_reapply_free = req;
	raw_spin_unlock_irqrestore(&tcpka_reapply_lock, flags);
}

/* task_work: the task is about to return to user space; may sleep. */
static void tcpka_reapply_run(struct callback_head *cb)
{
	struct tcpka_reapply *req = container_of(cb, struct tcpka_reapply, cb);
	struct sock *sk = req->sk;

	tcpka_reenforce(sk, req->keepidle);
	WRITE_ONCE(req->sk, NULL);
	WRITE_ONCE(req->task, NULL);
	tcpka_reapply_put(req);
	sock_put(sk);
	atomic_dec(&tcpka_reapply_queued);
	/*
	 * Last: the module may go from here on; unload's RCU Tasks grace
	 * period waits until this task has left these instructions.
	 */
	module_put(THIS_MODULE);
}

/*
 * A re-apply of @sk is queued and has not run yet. Context: the hook on
 * tcp_set_keepalive(), in the task that queued it, so that its store is
 * seen; the scan is over a few requests per CPU, for SO_KEEPALIVE=0 only.
 */
static bool tcpka_reapply_pending(const struct sock *sk)
{
	unsigned int i;

	for (i = 0; i < READ_ONCE(tcpka_reapply_nr); i++)
		if (READ_ONCE(tcpka_reapply_pool[i].task) == current &&
		    READ_ONCE(tcpka_reapply_pool[i].sk) == sk)
			return true;
	return false;
}

/*
 * The request current already has queued for @sk, if any; *@nr: how many
 * it has in all. Only current sets, runs or frees the requests whose task
 * is current, so these are stable while it looks.
 */
static struct tcpka_reapply *tcpka_reapply_mine(const struct sock *sk,
						unsigned int *nr)
{
	struct tcpka_reapply *req;
	unsigned int i;

	*nr = 0;
	for (i = 0; i < READ_ONCE(tcpka_reapply_nr); i++) {
		req = &tcpka_reapply_pool[i];
		if (READ_ONCE(req->task) != current)
			continue;
		if (req->sk == sk)
			return req;
		(*nr)++;
	}
	return NULL;
}

/*
 * On entry of a setsockopt() of a keepalive option on a TCP socket that a
 * mode=force policy covers: queue the re-apply. Whether the call then
 * succeeds does not matter, the policy's values are put back either way.
 */
static void tcpka_on_sockopt(struct sock *sk, int level, int optname)
{
	bool keepidle = level == SOL_TCP && optname == TCP_KEEPIDLE;
	struct tcpka_reapply *req;
	unsigned int nr;

	/* A kernel thread never returns to user space to run the work. */
	if (!sk || !tcpka_keepalive_opt(level, optname) || !tcpka_is_tcp(sk) ||
	    (current->flags & PF_KTHREAD) || !tcpka_force_applies(sk))
		return;
	req = tcpka_reapply_mine(sk, &nr);
	if (req) {
		/* Queued already: one re-apply after both calls. */
		req->keepidle |= keepidle;
		return;
	}
	if (nr >= TCPKA_REAPPLY_PER_TASK) {
		atomic_long_inc(&tcpka_reapply_missed);
		return;
	}
	/* Going away: no new request. */
	if (!try_module_get(THIS_MODULE))
		return;
	req = tcpka_reapply_get();
	if (!req) {
		atomic_long_inc(&tcpka_reapply_missed);
		module_put(THIS_MODULE);
		return;
	}
	if (!READ_ONCE(tcpka_reapply_used))
		WRITE_ONCE(tcpka_reapply_used, true);
	/* The caller holds the file or the socket: it is alive. */
	sock_hold(sk);
	req->keepidle = keepidle;
	WRITE_ONCE(req->sk, sk);
	WRITE_ONCE(req->task, current);
	init_task_work(&req->cb, tcpka_reapply_run);
	atomic_inc(&tcpka_reapply_queued);
	if (task_work_add(current, &req->cb, TWA_RESUME)) {
		/* Exiting: nothing of the application runs after this. */
		atomic_dec(&tcpka_reapply_queued);
		WRITE_ONCE(req->sk, NULL);
		WRITE_ONCE(req->task, NULL);
		tcpka_reapply_put(req);
		sock_put(sk);
		module_put(THIS_MODULE);
	}
}

/* int tcp_setsockopt(struct sock *sk, int level, int optname, ...) */
static void tcpka_on_tcp_setsockopt(struct ftrace_regs *fregs)
{
	tcpka_on_sockopt((void *)tcpka_ft_arg(fregs, 0),
			 (int)tcpka_ft_arg(fregs, 1), (int)tcpka_ft_arg(fregs, 2));
}

/* int sock_setsockopt(struct socket *sock, int level, int optname, ...) */
static void tcpka_on_sock_setsockopt(struct ftrace_regs *fregs)
{
	struct socket *sock = (void *)tcpka_ft_arg(fregs, 0);

	tcpka_on_sockopt(READ_ONCE(sock->sk), (int)tcpka_ft_arg(fregs, 1),
			 (int)tcpka_ft_arg(fregs, 2));
}

/*
 * The setsockopt hooks' callbacks: both functions take the level and the
 * option as arguments 1 and 2, read before anything else, so that a call
 * for an option tcpka does not care about (TCP_NODELAY, ...) costs the
 * trampoline and two compares, not the recursion guard and the handler
 * (called directly, not through the hook's pointer).
 */
static __always_inline void
tcpka_ft_sockopt_enter(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_regs *fregs,
		       void (*handler)(struct ftrace_regs *fregs))
{
	int bit;

	if (!tcpka_keepalive_opt((int)tcpka_ft_arg(fregs, 1),
				 (int)tcpka_ft_arg(fregs, 2)))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic_long_inc(&tcpka_ft_missed);
		return;
	}
	handler(fregs);
	ftrace_test_recursion_unlock(bit);
}

static void notrace tcpka_ft_tcp_setsockopt(unsigned long ip,
					    unsigned long parent_ip,
					    struct ftrace_ops *op,
					    struct ftrace_regs *fregs)
{
	tcpka_ft_sockopt_enter(ip, parent_ip, fregs, tcpka_on_tcp_setsockopt);
}

static void notrace tcpka_ft_sock_setsockopt(unsigned long ip,
					     unsigned long parent_ip,
					     struct ftrace_ops *op,
					     struct ftrace_regs *fregs)
{
	tcpka_ft_sockopt_enter(ip, parent_ip, fregs, tcpka_on_sock_setsockopt);
}

/*
 * SO_KEEPALIVE calls tcp_set_keepalive() (the protocol's ->keepalive())
 * on a TCP socket, which the tcp_set_keepalive hook sees: sock_setsockopt
 * (every SOL_SOCKET option of every socket of the host) is hooked only
 * when that hook could not be.
 */
static struct tcpka_fthook tcpka_ft_sockopt[] = {
	{
		.func = "tcp_setsockopt",
		.handler = tcpka_on_tcp_setsockopt,
		.ops = { .func = tcpka_ft_tcp_setsockopt,
			 .flags = TCPKA_FT_FLAGS },
	},
	{
		.func = "sock_setsockopt",
		.handler = tcpka_on_sock_setsockopt,
		.ops = { .func = tcpka_ft_sock_setsockopt,
			 .flags = TCPKA_FT_FLAGS },
		.sol_socket = true,
	},
};

/*
 * The setsockopt hooks exist only while some policy says mode=force: with
 * none, nothing of tcpka runs on any setsockopt() of the host. Policy
 * writes switch them under tcpka_force_mutex; tcpka_force_alive keeps a
 * write racing with unload from registering them after tcpka_hooks_exit().
 */
static DEFINE_MUTEX(tcpka_force_mutex);
static bool tcpka_force_alive;		/* between hooks init and exit */
static bool tcpka_force_wanted;		/* a mode=force policy exists */

/*
 * Their filters stay set from one registration to the next: only the
 * final tcpka_force_hooks_stop() frees them (ftrace_free_filter() frees
 * the hashes without resetting them, so an ops must not be set up again
 * after it).
 */
static void tcpka_ft_sockopt_unregister(int n)
{
	while (--n >= 0) {
		if (!tcpka_ft_sockopt[n].registered)
			continue;
		unregister_ftrace_function(&tcpka_ft_sockopt[n].ops);
		tcpka_ft_sockopt[n].registered = false;
	}
}

static int tcpka_force_hooks_set(bool on)
{
	struct tcpka_fthook *h;
	int i, err;

	lockdep_assert_held(&tcpka_force_mutex);
	if (on == tcpka_force_hooked)
		return 0;
	if (!on) {
		/* Returns once no CPU runs a callback of ours any more. */
		tcpka_ft_sockopt_unregister(ARRAY_SIZE(tcpka_ft_sockopt));
		WRITE_ONCE(tcpka_force_hooked, false);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(tcpka_ft_sockopt); i++) {
		h = &tcpka_ft_sockopt[i];
		/* SO_KEEPALIVE is seen by the tcp_set_keepalive hook. */
		if (h->sol_socket && tcpka_ka_hooked)
			continue;
		err = ftrace_set_filter(&h->ops, h->func, strlen(h->func), 1);
		if (!err)
			err = register_ftrace_function(&h->ops);
		if (err) {
			pr_err("tcpka: ftrace hook on %s: %d\n", h->func, err);
			tcpka_ft_sockopt_unregister(i);
			return err;
		}
		h->registered = true;
	}
	WRITE_ONCE(tcpka_force_hooked, true);
	return 0;
}

/**
 * tcpka_hooks_force - whether mode=force policies exist now
 * @on: some policy of the table just published says mode=force
 *
 * Context: process, may sleep (policy writes, module init).
 */
int tcpka_hooks_force(bool on)
{
	int err = 0;

	mutex_lock(&tcpka_force_mutex);
	tcpka_force_wanted = on;
	if (tcpka_force_alive)
		err = tcpka_force_hooks_set(on);
	mutex_unlock(&tcpka_force_mutex);
	return err;
}

static int tcpka_reapply_init(void)
{
	unsigned int i, n = TCPKA_REAPPLY_PER_CPU * num_possible_cpus();

	tcpka_reapply_pool = kcalloc(n, sizeof(*tcpka_reapply_pool),
				     GFP_KERNEL);
	if (!tcpka_reapply_pool)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tcpka_reapply_put(&tcpka_reapply_pool[i]);
	tcpka_reapply_nr = n;
	return 0;
}

/*
 * Unload: every request held a module reference, so none is left (a load
 * that fails does not wait for references: it waits here). Then RCU Tasks
 * waits until each task that ran one has left its last instructions (a
 * voluntary switch or user mode), before the module's text goes.
 */
static void tcpka_reapply_exit(void)
{
	while (atomic_read(&tcpka_reapply_queued))
		schedule_timeout_uninterruptible(1);
	if (READ_ONCE(tcpka_reapply_used))
		synchronize_rcu_tasks();
	tcpka_reapply_nr = 0;
	kfree(tcpka_reapply_pool);
	tcpka_reapply_pool = NULL;
	tcpka_reapply_free = NULL;
}

static void tcpka_force_hooks_stop(void)
{
	int i;

	mutex_lock(&tcpka_force_mutex);
	tcpka_force_alive = false;
	tcpka_force_hooks_set(false);
	mutex_unlock(&tcpka_force_mutex);
	for (i = 0; i < ARRAY_SIZE(tcpka_ft_sockopt); i++)
		ftrace_free_filter(&tcpka_ft_sockopt[i].ops);
}

struct tcpka_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

/* Unregistered in reverse order: tcp_destroy_sock goes last. */
static struct tcpka_tracepoint tcpka_tps[] = {
	{ "tcp_destroy_sock", tcpka_tp_destroy_sock },
	{ "inet_sock_set_state", tcpka_tp_set_state },
	{ "tcp_receive_reset", tcpka_tp_receive_reset },
	{ "cgroup_mkdir", tcpka_policy_cgroup_mkdir },
	{ "cgroup_rmdir", tcpka_policy_cgroup_rmdir },
};

static void tcpka_find_tp(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tcpka_tps); i++)
		if (!tcpka_tps[i].tp && !strcmp(tp->name, tcpka_tps[i].name))
			tcpka_tps[i].tp = tp;
}

static void tcpka_tps_unregister(int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(tcpka_tps[n].tp, tcpka_tps[n].probe,
					    NULL);
}

int tcpka_hooks_init(void)
{
	int i, err;

	for_each_kernel_tracepoint(tcpka_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(tcpka_tps); i++) {
		if (!tcpka_tps[i].tp) {
			pr_err("tcpka: tracepoint %s not found\n",
			       tcpka_tps[i].name);
			return -ENOENT;
		}
	}

	/*
	 * The tracepoints first: tcp_destroy_sock must be hooked before the
	 * first round record can exist, so that none outlives its socket.
	 */
	for (i = 0; i < ARRAY_SIZE(tcpka_tps); i++) {
		err = tracepoint_probe_register(tcpka_tps[i].tp,
						tcpka_tps[i].probe, NULL);
		if (err) {
			pr_err("tcpka: tracepoint %s: %d\n", tcpka_tps[i].name,
			       err);
			goto err_tps;
		}
	}
	err = tcpka_reapply_init();
	if (err)
		goto err_tps;
	err = tcpka_fthooks_init();
	if (err)
		goto err_reapply;
	/*
	 * Last: the setsockopt hooks (with mode=force as a parameter), so
	 * that a failure has few re-applies in flight to wait for.
	 */
	mutex_lock(&tcpka_force_mutex);
	tcpka_force_alive = true;
	err = tcpka_force_hooks_set(tcpka_force_wanted);
	mutex_unlock(&tcpka_force_mutex);
	if (err)
		goto err_force;
	tcpka_track_start();
	return 0;

err_force:
	tcpka_force_hooks_stop();
	tcpka_fthooks_exit();
err_reapply:
	tcpka_reapply_exit();
err_tps:
	tcpka_tps_unregister(i);
	tracepoint_synchronize_unregister();
	return err;
}

void tcpka_hooks_exit(void)
{
	/*
	 * Readers of the round table stop trusting it first (a socket
	 * destroyed once tcp_destroy_sock is unhooked leaves its record),
	 * then the hooks that start rounds go, then the rest.
	 */
	tcpka_track_stop();
	tcpka_fthooks_exit();
	tcpka_force_hooks_stop();
	tcpka_reapply_exit();
	tcpka_tps_unregister(ARRAY_SIZE(tcpka_tps));
	/* Handlers still running on other CPUs finish before we free. */
	tracepoint_synchronize_unregister();
	synchronize_rcu();
}

/**
 * tcpka_hooks_missed - hook calls not handled since load, host-wide
 *
 * An ftrace callback called again in the same context on its CPU is not
 * handled, only counted (ftrace's recursion guard); so is a mode=force
 * re-apply the request pool had no room for.
 */
unsigned long tcpka_hooks_missed(void)
{
	return atomic_long_read(&tcpka_ft_missed) +
	       atomic_long_read(&tcpka_reapply_missed);
}
