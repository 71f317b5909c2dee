// SPDX-License-Identifier: GPL-2.0
/*
 * Probe-round classification.
 *
 * A round starts with the first keepalive probe after the idle time. The
 * kernel keeps the number of unanswered probes in icsk_probes_out and zeroes
 * it on any acceptable ACK (tcp_ack()), so the round's fate can be read at
 * the events that follow, with no hook on the per-packet path:
 *
 *   keepalive timer fires, round answered     -> ack (the peer answered)
 *   RST received, probes_out > 0              -> rst
 *   keepalive timer closes the socket         -> timeout (cnt probes or
 *                                                user_timeout ran out)
 *   retransmission timer gives up (no         -> timeout (the peer went
 *   TCP_USER_TIMEOUT) on an unanswered round     silent: data sent
 *                                                mid-round was never
 *                                                acknowledged either)
 *   retransmission timer closes the socket    -> user_timeout (unacked
 *   on TCP_USER_TIMEOUT                          data: keepalive never
 *                                                probes such a socket, so
 *                                                this is an outcome of its
 *                                                own, round or not)
 *   zero-window probe timer closes the        -> zero_window (the peer
 *   socket on TCP_USER_TIMEOUT, the peer         is alive, its
 *   having answered the window probes            application does not
 *                                                read: an outcome of its
 *                                                own, as user_timeout)
 *   tcpka aborted the socket: its local      -> addr_lost (a policy's
 *   address was gone for addr_loss seconds       addr_loss: an outcome of
 *                                                its own, round or not)
 *   socket leaves ESTABLISHED/CLOSE_WAIT/     -> abandoned (a local close:
 *   FIN_WAIT2 otherwise, or SO_KEEPALIVE is      not an outcome)
 *   switched off, while probes are unanswered
 *
 * Each round ends in exactly one of them; the caller makes that so by
 * removing its record of the round before it counts an outcome.
 *
 * "probes_out" here is what tcpka_outstanding() makes of the kernel's
 * icsk_probes_out: with a round on, whether the peer was heard since the
 * round's first probe decides, not the counter itself.
 */

#include "tcpka.h"

const char *const tcpka_outcome_names[TCPKA_OUT_NR] = {
	[TCPKA_OUT_NONE]		= "none",
	[TCPKA_OUT_ACK]			= "ack",
	[TCPKA_OUT_RST]			= "rst",
	[TCPKA_OUT_TIMEOUT]		= "timeout",
	[TCPKA_OUT_USER_TIMEOUT]	= "user_timeout",
	[TCPKA_OUT_ZERO_WINDOW]		= "zero_window",
	[TCPKA_OUT_ADDR_LOST]		= "addr_lost",
	[TCPKA_OUT_ABANDONED]		= "abandoned",
};

struct tcpka_verdict tcpka_classify(bool in_round, enum tcpka_event ev,
				    unsigned int probes_out)
{
	struct tcpka_verdict v = { .outcome = TCPKA_OUT_NONE };

	switch (ev) {
	case TCPKA_EV_PROBE:
		/* An answered round not yet seen by the timer hook ends here. */
		if (in_round && !probes_out)
			v.outcome = TCPKA_OUT_ACK;
		v.start = !in_round || !probes_out;
		v.in_round = true;
		break;
	case TCPKA_EV_TIMER:
		if (in_round && !probes_out)
			v.outcome = TCPKA_OUT_ACK;
		v.in_round = in_round && probes_out;
		break;
	case TCPKA_EV_RESET:
		if (in_round)
			v.outcome = probes_out ? TCPKA_OUT_RST : TCPKA_OUT_ACK;
		break;
	case TCPKA_EV_TIMER_CLOSE:
		/* Only a keepalive round makes this timer close the socket. */
		if (probes_out)
			v.outcome = TCPKA_OUT_TIMEOUT;
		else if (in_round)
			v.outcome = TCPKA_OUT_ACK;
		break;
	case TCPKA_EV_UTO_CLOSE:
		v.outcome = TCPKA_OUT_USER_TIMEOUT;
		break;
	case TCPKA_EV_ZW_CLOSE:
		v.outcome = TCPKA_OUT_ZERO_WINDOW;
		break;
	case TCPKA_EV_ADDR_LOST:
		v.outcome = TCPKA_OUT_ADDR_LOST;
		break;
	case TCPKA_EV_CLOSE:
	case TCPKA_EV_KA_OFF:
		if (in_round)
			v.outcome = probes_out ? TCPKA_OUT_ABANDONED : TCPKA_OUT_ACK;
		break;
	case TCPKA_EV_DESTROY:
		if (in_round)
			v.outcome = TCPKA_OUT_ABANDONED;
		break;
	}
	return v;
}

/**
 * tcpka_outstanding - the unanswered probes tcpka_classify() works with
 * @in_round: a round is in progress (its first probe left)
 * @answered: the peer was heard since that first probe
 * @probes_out: the kernel's icsk_probes_out
 *
 * With a round on, an unanswered round has at least one probe out even
 * when icsk_probes_out reads 0: the first probe was dropped on this host
 * (the kernel counts it only once it left, and tries again), or the u8
 * counter wrapped past 255 with a long user_timeout. Neither is an answer.
 * An answered round has none, whatever the counter says.
 */
unsigned int tcpka_outstanding(bool in_round, bool answered,
			       unsigned int probes_out)
{
	if (!in_round)
		return probes_out;
	if (answered)
		return 0;
	return probes_out ?: 1;
}
