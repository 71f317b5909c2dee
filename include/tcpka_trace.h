/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpka's own tracepoints, for perf, ftrace and bpftrace:
 *
 *   perf record -e tcpka:tcpka_round_end -a
 *   echo 1 > /sys/kernel/tracing/events/tcpka/enable
 *   bpftrace -e 'tracepoint:tcpka:tcpka_round_end { @[args->outcome] = count(); }'
 *
 * tcpka_round_end fires when a probe round ends (ack, rst, timeout,
 * abandoned) and when TCP_USER_TIMEOUT closes a socket with unacked data
 * (user_timeout); tcpka_policy_applied when a policy is applied to a
 * socket at ESTABLISHED, re-armed on an established socket after a policy
 * change, or put back after the application's setsockopt() (mode=force),
 * with dry_run set when net.tcpka.dry_run only counted it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tcpka

#if !defined(_TCPKA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TCPKA_TRACE_H

#include <linux/tracepoint.h>
#include <linux/in6.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#ifndef _TCPKA_TRACE_HELPERS
#define _TCPKA_TRACE_HELPERS

#define tcpka_show_outcome(o)					\
	__print_symbolic(o, { 1, "ack" }, { 2, "rst" },		\
			 { 3, "timeout" }, { 4, "user_timeout" },	\
			 { 5, "abandoned" }, { 6, "zero_window" },	\
			 { 7, "addr_lost" })

#define tcpka_show_how(h)					\
	__print_symbolic(h, { 0, "established" }, { 1, "rearmed" },	\
			 { 2, "force_reapplied" })

/* Both addresses as IPv6 (IPv4 mapped), as the tcp:* events store them. */
static inline void tcpka_trace_addrs(const struct sock *sk, u8 *saddr,
				     u8 *daddr)
{
	struct in6_addr *s = (struct in6_addr *)saddr;
	struct in6_addr *d = (struct in6_addr *)daddr;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		*s = sk->sk_v6_rcv_saddr;
		*d = sk->sk_v6_daddr;
		return;
	}
#endif
	ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, s);
	ipv6_addr_set_v4mapped(sk->sk_daddr, d);
}
#endif /* _TCPKA_TRACE_HELPERS */

TRACE_EVENT(tcpka_round_end,
	    TP_PROTO(const struct sock *sk, u64 cookie, u64 cgid, int outcome,
		     unsigned int probes, unsigned int cnt, u32 idle_ms,
		     u32 detect_ms),
	    TP_ARGS(sk, cookie, cgid, outcome, probes, cnt, idle_ms, detect_ms),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(u64, cookie)
			     __field(u64, cgid)
			     __field(int, outcome)
			     __field(unsigned int, probes)
			     __field(unsigned int, cnt)
			     __field(u32, idle_ms)
			     __field(u32, detect_ms)
			     __field(u16, sport)
			     __field(u16, dport)
			     __array(u8, saddr, sizeof(struct in6_addr))
			     __array(u8, daddr, sizeof(struct in6_addr))
			     ),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->cookie = cookie;
			   __entry->cgid = cgid;
			   __entry->outcome = outcome;
			   __entry->probes = probes;
			   __entry->cnt = cnt;
			   __entry->idle_ms = idle_ms;
			   __entry->detect_ms = detect_ms;
			   __entry->sport = ntohs(inet_sk(sk)->inet_sport);
			   __entry->dport = ntohs(sk->sk_dport);
			   tcpka_trace_addrs(sk, __entry->saddr, __entry->daddr);
			   ),
	    TP_printk("cookie=%llu cgroup_id=%llu outcome=%s probes=%u/%u idle_ms=%u detect_ms=%u src=[%pI6c]:%u dst=[%pI6c]:%u",
		      __entry->cookie, __entry->cgid,
		      tcpka_show_outcome(__entry->outcome), __entry->probes,
		      __entry->cnt, __entry->idle_ms, __entry->detect_ms,
		      __entry->saddr, __entry->sport, __entry->daddr,
		      __entry->dport)
);

TRACE_EVENT(tcpka_policy_applied,
	    TP_PROTO(const struct sock *sk, u64 cookie, u64 cgid, u64 policy_cgid,
		     int how, bool dry_run, u32 idle, u32 intvl, u32 cnt,
		     u32 user_timeout, bool force),
	    TP_ARGS(sk, cookie, cgid, policy_cgid, how, dry_run, idle, intvl, cnt,
		    user_timeout, force),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(u64, cookie)
			     __field(u64, cgid)
			     __field(u64, policy_cgid)
			     __field(int, how)
			     __field(bool, dry_run)
			     __field(bool, force)
			     __field(u32, idle)
			     __field(u32, intvl)
			     __field(u32, cnt)
			     __field(u32, user_timeout)
			     __field(u16, sport)
			     __field(u16, dport)
			     __array(u8, saddr, sizeof(struct in6_addr))
			     __array(u8, daddr, sizeof(struct in6_addr))
			     ),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->cookie = cookie;
			   __entry->cgid = cgid;
			   __entry->policy_cgid = policy_cgid;
			   __entry->how = how;
			   __entry->dry_run = dry_run;
			   __entry->force = force;
			   __entry->idle = idle;
			   __entry->intvl = intvl;
			   __entry->cnt = cnt;
			   __entry->user_timeout = user_timeout;
			   __entry->sport = ntohs(inet_sk(sk)->inet_sport);
			   __entry->dport = ntohs(sk->sk_dport);
			   tcpka_trace_addrs(sk, __entry->saddr, __entry->daddr);
			   ),
	    TP_printk("cookie=%llu cgroup_id=%llu policy_cgroup_id=%llu how=%s dry_run=%d idle=%u intvl=%u cnt=%u user_timeout=%u mode=%s src=[%pI6c]:%u dst=[%pI6c]:%u",
		      __entry->cookie, __entry->cgid, __entry->policy_cgid,
		      tcpka_show_how(__entry->how), __entry->dry_run,
		      __entry->idle, __entry->intvl, __entry->cnt,
		      __entry->user_timeout,
		      __entry->force ? "force" : "default",
		      __entry->saddr, __entry->sport, __entry->daddr,
		      __entry->dport)
);

#endif /* _TCPKA_TRACE_H */

/* This part must be outside the multi-read protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE tcpka_trace
#include <trace/define_trace.h>
