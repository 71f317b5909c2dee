// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tcpka_classify: tcpka_classify() for every event, with and
 * without a round in progress, with no probe outstanding and with some.
 * The expected verdicts are written out, not computed.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "tcpka.h"

/* One row: @out_probes false means probes_out == 0, true means > 0. */
struct verdict_row {
	bool in_round;
	bool out_probes;
	enum tcpka_outcome outcome;
	bool start;
	bool after;		/* in_round after the event */
};

static const char *const event_names[] = {
	[TCPKA_EV_PROBE] = "PROBE",
	[TCPKA_EV_TIMER] = "TIMER",
	[TCPKA_EV_RESET] = "RESET",
	[TCPKA_EV_TIMER_CLOSE] = "TIMER_CLOSE",
	[TCPKA_EV_UTO_CLOSE] = "UTO_CLOSE",
	[TCPKA_EV_CLOSE] = "CLOSE",
	[TCPKA_EV_DESTROY] = "DESTROY",
	[TCPKA_EV_KA_OFF] = "KA_OFF",
	[TCPKA_EV_ZW_CLOSE] = "ZW_CLOSE",
	[TCPKA_EV_ADDR_LOST] = "ADDR_LOST",
};

static void expect_rows(struct kunit *test, enum tcpka_event ev,
			const struct verdict_row rows[4])
{
	static const unsigned int some[] = { 1, 2, 9, 127, UINT_MAX };
	struct tcpka_verdict v;
	unsigned int i, j, probes_out;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < (rows[i].out_probes ? ARRAY_SIZE(some) : 1); j++) {
			probes_out = rows[i].out_probes ? some[j] : 0;
			v = tcpka_classify(rows[i].in_round, ev, probes_out);
			KUNIT_EXPECT_EQ_MSG(test, v.outcome, rows[i].outcome,
					    "outcome of %s in_round=%d probes_out=%u",
					    event_names[ev], rows[i].in_round,
					    probes_out);
			KUNIT_EXPECT_EQ_MSG(test, v.start, rows[i].start,
					    "start of %s in_round=%d probes_out=%u",
					    event_names[ev], rows[i].in_round,
					    probes_out);
			KUNIT_EXPECT_EQ_MSG(test, v.in_round, rows[i].after,
					    "in_round after %s in_round=%d probes_out=%u",
					    event_names[ev], rows[i].in_round,
					    probes_out);
		}
	}
}

static void tcpka_classify_probe_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		/* in_round, probes_out > 0, outcome, start, in_round after */
		{ false, false, TCPKA_OUT_NONE, true, true },
		{ false, true, TCPKA_OUT_NONE, true, true },
		{ true, false, TCPKA_OUT_ACK, true, true },	/* answered: a new round */
		{ true, true, TCPKA_OUT_NONE, false, true },	/* the same round */
	};

	expect_rows(test, TCPKA_EV_PROBE, rows);
}

static void tcpka_classify_timer_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_NONE, false, false },
		{ true, false, TCPKA_OUT_ACK, false, false },
		{ true, true, TCPKA_OUT_NONE, false, true },
	};

	expect_rows(test, TCPKA_EV_TIMER, rows);
}

static void tcpka_classify_reset_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_NONE, false, false },
		{ true, false, TCPKA_OUT_ACK, false, false },
		{ true, true, TCPKA_OUT_RST, false, false },
	};

	expect_rows(test, TCPKA_EV_RESET, rows);
}

static void tcpka_classify_timer_close_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_TIMEOUT, false, false },
		{ true, false, TCPKA_OUT_ACK, false, false },
		{ true, true, TCPKA_OUT_TIMEOUT, false, false },
	};

	expect_rows(test, TCPKA_EV_TIMER_CLOSE, rows);
}

static void tcpka_classify_uto_close_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_USER_TIMEOUT, false, false },
		{ false, true, TCPKA_OUT_USER_TIMEOUT, false, false },
		{ true, false, TCPKA_OUT_USER_TIMEOUT, false, false },
		{ true, true, TCPKA_OUT_USER_TIMEOUT, false, false },
	};

	expect_rows(test, TCPKA_EV_UTO_CLOSE, rows);
}

/* The peer answered the window probes: a verdict, round or not. */
static void tcpka_classify_zero_window_close_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_ZERO_WINDOW, false, false },
		{ false, true, TCPKA_OUT_ZERO_WINDOW, false, false },
		{ true, false, TCPKA_OUT_ZERO_WINDOW, false, false },
		{ true, true, TCPKA_OUT_ZERO_WINDOW, false, false },
	};

	expect_rows(test, TCPKA_EV_ZW_CLOSE, rows);
}

/* tcpka aborted the socket (addr_loss): a verdict of its own, round or not. */
static void tcpka_classify_addr_lost_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_ADDR_LOST, false, false },
		{ false, true, TCPKA_OUT_ADDR_LOST, false, false },
		{ true, false, TCPKA_OUT_ADDR_LOST, false, false },
		{ true, true, TCPKA_OUT_ADDR_LOST, false, false },
	};

	expect_rows(test, TCPKA_EV_ADDR_LOST, rows);
}

static void tcpka_classify_close_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_NONE, false, false },
		{ true, false, TCPKA_OUT_ACK, false, false },
		{ true, true, TCPKA_OUT_ABANDONED, false, false },
	};

	expect_rows(test, TCPKA_EV_CLOSE, rows);
}

static void tcpka_classify_destroy_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_NONE, false, false },
		{ true, false, TCPKA_OUT_ABANDONED, false, false },
		{ true, true, TCPKA_OUT_ABANDONED, false, false },
	};

	expect_rows(test, TCPKA_EV_DESTROY, rows);
}

/* SO_KEEPALIVE=0 deletes the timer: the round ends as a local close. */
static void tcpka_classify_keepalive_off_event(struct kunit *test)
{
	static const struct verdict_row rows[4] = {
		{ false, false, TCPKA_OUT_NONE, false, false },
		{ false, true, TCPKA_OUT_NONE, false, false },
		{ true, false, TCPKA_OUT_ACK, false, false },
		{ true, true, TCPKA_OUT_ABANDONED, false, false },
	};

	expect_rows(test, TCPKA_EV_KA_OFF, rows);
}

/* One socket's life as the hooks would feed it to tcpka_classify(). */
struct step {
	enum tcpka_event ev;
	unsigned int probes_out;
};

struct tally {
	unsigned int rounds;
	unsigned int out[TCPKA_OUT_NR];
};

static void run(const struct step *steps, unsigned int nr, struct tally *t)
{
	struct tcpka_verdict v;
	bool in_round = false;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < nr; i++) {
		v = tcpka_classify(in_round, steps[i].ev, steps[i].probes_out);
		t->out[v.outcome]++;
		/* track.c: a verdict with no round counts as a round. */
		t->rounds += v.start || (!in_round && v.outcome != TCPKA_OUT_NONE);
		in_round = v.in_round;
	}
}

static void expect_tally(struct kunit *test, const struct step *steps,
			 unsigned int nr, unsigned int rounds, unsigned int ack,
			 unsigned int rst, unsigned int timeout,
			 unsigned int abandoned)
{
	struct tally t;

	run(steps, nr, &t);
	KUNIT_EXPECT_EQ(test, t.rounds, rounds);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_ACK], ack);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_RST], rst);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_TIMEOUT], timeout);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_ABANDONED], abandoned);
	/* Every round that started ended in exactly one way. */
	KUNIT_EXPECT_EQ(test, ack + rst + timeout + abandoned, rounds);
}

static void tcpka_classify_ends_each_round_once(struct kunit *test)
{
	/* A probe answered, seen by the next timer fire. */
	static const struct step acked[] = {
		{ TCPKA_EV_TIMER, 0 }, { TCPKA_EV_PROBE, 0 },
		{ TCPKA_EV_TIMER, 0 }, { TCPKA_EV_CLOSE, 0 },
		{ TCPKA_EV_DESTROY, 0 },
	};
	/* Three probes unanswered: the timer gives up. */
	static const struct step timed_out[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_TIMER, 1 },
		{ TCPKA_EV_PROBE, 1 }, { TCPKA_EV_TIMER, 2 },
		{ TCPKA_EV_PROBE, 2 }, { TCPKA_EV_TIMER_CLOSE, 3 },
		{ TCPKA_EV_CLOSE, 3 }, { TCPKA_EV_DESTROY, 3 },
	};
	/* The peer answers a probe with an RST. */
	static const struct step reset[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_RESET, 1 },
		{ TCPKA_EV_CLOSE, 1 }, { TCPKA_EV_DESTROY, 1 },
	};
	/*
	 * Answered before the timer saw it, so the next probe ends it; then
	 * the application closes in the middle of the second round.
	 */
	static const struct step abandoned[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_PROBE, 0 },
		{ TCPKA_EV_TIMER, 1 }, { TCPKA_EV_CLOSE, 1 },
		{ TCPKA_EV_DESTROY, 0 },
	};
	/* Keepalive never probed. */
	static const struct step idle[] = {
		{ TCPKA_EV_TIMER, 0 }, { TCPKA_EV_RESET, 0 },
		{ TCPKA_EV_CLOSE, 0 }, { TCPKA_EV_DESTROY, 0 },
	};
	/* Freed in the middle of a round without a state change. */
	static const struct step destroyed[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_DESTROY, 1 },
	};
	/* SO_KEEPALIVE=0 in the middle of a round, closed much later. */
	static const struct step ka_off[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_TIMER, 1 },
		{ TCPKA_EV_KA_OFF, 1 }, { TCPKA_EV_CLOSE, 1 },
		{ TCPKA_EV_DESTROY, 1 },
	};
	/*
	 * Data written in the middle of an unanswered round; the
	 * retransmission timer gives up (no TCP_USER_TIMEOUT): the hooks
	 * feed that as a timer's close (hooks.c, tcpka_closed_by_rto()).
	 */
	static const struct step rto[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_TIMER, 1 },
		{ TCPKA_EV_TIMER_CLOSE, 1 }, { TCPKA_EV_DESTROY, 1 },
	};

	expect_tally(test, acked, ARRAY_SIZE(acked), 1, 1, 0, 0, 0);
	expect_tally(test, timed_out, ARRAY_SIZE(timed_out), 1, 0, 0, 1, 0);
	expect_tally(test, reset, ARRAY_SIZE(reset), 1, 0, 1, 0, 0);
	expect_tally(test, abandoned, ARRAY_SIZE(abandoned), 2, 1, 0, 0, 1);
	expect_tally(test, idle, ARRAY_SIZE(idle), 0, 0, 0, 0, 0);
	expect_tally(test, destroyed, ARRAY_SIZE(destroyed), 1, 0, 0, 0, 1);
	expect_tally(test, ka_off, ARRAY_SIZE(ka_off), 1, 0, 0, 0, 1);
	expect_tally(test, rto, ARRAY_SIZE(rto), 1, 0, 0, 1, 0);
}

static void tcpka_classify_counts_user_timeout_outside_rounds(struct kunit *test)
{
	/* Unacked data: keepalive never probes, user_timeout closes. */
	static const struct step stuck[] = {
		{ TCPKA_EV_TIMER, 0 }, { TCPKA_EV_UTO_CLOSE, 0 },
		{ TCPKA_EV_DESTROY, 0 },
	};
	/* Data queued in the middle of a round, then never acked. */
	static const struct step in_round[] = {
		{ TCPKA_EV_PROBE, 0 }, { TCPKA_EV_UTO_CLOSE, 1 },
		{ TCPKA_EV_DESTROY, 1 },
	};
	struct tally t;

	run(stuck, ARRAY_SIZE(stuck), &t);
	/* Counted as a round of its own, so outcomes add up to rounds. */
	KUNIT_EXPECT_EQ(test, t.rounds, 1U);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_USER_TIMEOUT], 1U);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_ABANDONED], 0U);
	run(in_round, ARRAY_SIZE(in_round), &t);
	KUNIT_EXPECT_EQ(test, t.rounds, 1U);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_USER_TIMEOUT], 1U);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_TIMEOUT], 0U);
	KUNIT_EXPECT_EQ(test, t.out[TCPKA_OUT_ABANDONED], 0U);
}

static void tcpka_outcome_names_name_outcomes(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_ACK], "ack");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_RST], "rst");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_TIMEOUT],
			   "timeout");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_USER_TIMEOUT],
			   "user_timeout");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_ZERO_WINDOW],
			   "zero_window");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_ADDR_LOST],
			   "addr_lost");
	KUNIT_EXPECT_STREQ(test, tcpka_outcome_names[TCPKA_OUT_ABANDONED],
			   "abandoned");
}

/*
 * tcpka_outstanding(): with a round on, the answer decides, not the u8
 * icsk_probes_out: a probe dropped on this host leaves it at 0, and a long
 * user_timeout wraps it past 255; neither may read as an ack.
 */
static void tcpka_outstanding_answer_decides(struct kunit *test)
{
	static const unsigned int probes[] = { 0, 1, 2, 9, 127, 255 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		KUNIT_EXPECT_EQ_MSG(test, tcpka_outstanding(true, true, probes[i]),
				    0U, "answered, probes_out=%u", probes[i]);
		KUNIT_EXPECT_EQ_MSG(test, tcpka_outstanding(false, false, probes[i]),
				    probes[i], "no round, probes_out=%u", probes[i]);
		KUNIT_EXPECT_GE_MSG(test, tcpka_outstanding(true, false, probes[i]),
				    1U, "unanswered, probes_out=%u", probes[i]);
	}
	KUNIT_EXPECT_EQ(test, tcpka_outstanding(true, false, 3), 3U);
}

/* 256 probes with no answer: icsk_probes_out (u8) reads 0 at the 256th. */
static void tcpka_classify_probes_out_wrap_is_no_ack(struct kunit *test)
{
	struct tcpka_verdict v;
	unsigned int n;
	u8 probes_out = 0;
	bool in_round = false;

	for (n = 0; n < 600; n++) {
		v = tcpka_classify(in_round, TCPKA_EV_PROBE,
				   tcpka_outstanding(in_round, false, probes_out));
		KUNIT_EXPECT_EQ_MSG(test, v.outcome, TCPKA_OUT_NONE,
				    "probe %u (probes_out %u)", n, probes_out);
		KUNIT_EXPECT_EQ_MSG(test, v.start, n == 0, "probe %u", n);
		in_round = v.in_round;
		probes_out++;
		v = tcpka_classify(in_round, TCPKA_EV_TIMER,
				   tcpka_outstanding(in_round, false, probes_out));
		KUNIT_EXPECT_EQ_MSG(test, v.outcome, TCPKA_OUT_NONE,
				    "timer after probe %u (probes_out %u)", n,
				    probes_out);
		KUNIT_EXPECT_TRUE(test, v.in_round);
	}
	/* The timer then gives up: a timeout, not an ack. */
	v = tcpka_classify(in_round, TCPKA_EV_TIMER_CLOSE,
			   tcpka_outstanding(in_round, false, probes_out));
	KUNIT_EXPECT_EQ(test, v.outcome, TCPKA_OUT_TIMEOUT);
	/* And an answer at any point ends the round in ack. */
	v = tcpka_classify(true, TCPKA_EV_TIMER, tcpka_outstanding(true, true, 0));
	KUNIT_EXPECT_EQ(test, v.outcome, TCPKA_OUT_ACK);
	KUNIT_EXPECT_FALSE(test, v.in_round);
}

static struct kunit_case tcpka_classify_cases[] = {
	KUNIT_CASE(tcpka_classify_probe_event),
	KUNIT_CASE(tcpka_classify_timer_event),
	KUNIT_CASE(tcpka_classify_reset_event),
	KUNIT_CASE(tcpka_classify_timer_close_event),
	KUNIT_CASE(tcpka_classify_uto_close_event),
	KUNIT_CASE(tcpka_classify_zero_window_close_event),
	KUNIT_CASE(tcpka_classify_addr_lost_event),
	KUNIT_CASE(tcpka_classify_close_event),
	KUNIT_CASE(tcpka_classify_destroy_event),
	KUNIT_CASE(tcpka_classify_keepalive_off_event),
	KUNIT_CASE(tcpka_classify_ends_each_round_once),
	KUNIT_CASE(tcpka_classify_counts_user_timeout_outside_rounds),
	KUNIT_CASE(tcpka_outcome_names_name_outcomes),
	KUNIT_CASE(tcpka_outstanding_answer_decides),
	KUNIT_CASE(tcpka_classify_probes_out_wrap_is_no_ack),
	{}
};

static struct kunit_suite tcpka_classify_suite = {
	.name = "tcpka_classify",
	.test_cases = tcpka_classify_cases,
};

kunit_test_suite(tcpka_classify_suite);
