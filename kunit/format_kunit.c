// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tcpka_format: the counter names and the text of
 * /proc/net/tcpka/stats and /proc/net/tcpka/cgroups (tcpka_format_stats(),
 * tcpka_format_row_header(), tcpka_format_row()), with snprintf() semantics
 * checked for every buffer size from 0 to past the full length.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "tcpka.h"

/* The counters in enum tcpka_mib order, as the files name them. */
static const char *const mib_names[] = {
	"sockets_enforced", "probes_sent", "rounds_started", "outcome_ack",
	"outcome_rst", "outcome_timeout", "outcome_user_timeout",
	"outcome_zero_window", "outcome_addr_lost", "rounds_abandoned",
	"track_overflow", "cgroup_rows_overflow",
	"force_reapplied", "sockets_rearmed", "dry_run_matched",
	"hooks_missed", "rounds_in_progress",
};

typedef int (*format_fn)(char *buf, size_t len, const void *arg);

/*
 * @fn(@arg) prints @want, returns its length whatever the buffer size, never
 * writes past the buffer (KASAN: each buffer is exactly @len bytes) and
 * leaves the longest prefix that fits, NUL-terminated.
 */
static void expect_snprintf(struct kunit *test, format_fn fn, const void *arg,
			    const char *want)
{
	size_t n = strlen(want), len;
	char *buf;

	KUNIT_EXPECT_EQ(test, fn(NULL, 0, arg), (int)n);
	for (len = 1; len <= n + 2; len++) {
		buf = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		memset(buf, 'x', len);
		KUNIT_EXPECT_EQ_MSG(test, fn(buf, len, arg), (int)n,
				    "len %zu", len);
		KUNIT_EXPECT_EQ_MSG(test, strnlen(buf, len), min(n, len - 1),
				    "len %zu", len);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, want, min(n, len - 1)), 0,
				    "len %zu", len);
		if (len == n + 1)
			KUNIT_EXPECT_STREQ(test, buf, want);
		kunit_kfree(test, buf);
	}
}

static int stats_fn(char *buf, size_t len, const void *vals)
{
	return tcpka_format_stats(buf, len, vals);
}

static int header_fn(char *buf, size_t len, const void *unused)
{
	return tcpka_format_row_header(buf, len);
}

struct row_args {
	const char *path;
	const u64 *vals;
	const struct tcpka_policy *pol;
	const char *from;
};

static int row_fn(char *buf, size_t len, const void *arg)
{
	const struct row_args *a = arg;

	return tcpka_format_row(buf, len, a->path, a->vals, a->pol, a->from);
}

/*
 * Counters no row shows hold 90 and up, to catch a wrong column; the row's
 * user_timeout, rearmed and dry_run columns hold 70, 71 and 72.
 */
static void row_vals(u64 *vals, u64 enforced, u64 probes, u64 ack, u64 rst,
		     u64 timeout, u64 abandoned)
{
	int i;

	for (i = 0; i < TCPKA_MIB_NR; i++)
		vals[i] = 90 + i;
	vals[TCPKA_MIB_ENFORCED] = enforced;
	vals[TCPKA_MIB_PROBES] = probes;
	vals[TCPKA_MIB_ACK] = ack;
	vals[TCPKA_MIB_RST] = rst;
	vals[TCPKA_MIB_TIMEOUT] = timeout;
	vals[TCPKA_MIB_ABANDONED] = abandoned;
	vals[TCPKA_MIB_USER_TIMEOUT] = 70;
	vals[TCPKA_MIB_ZERO_WINDOW] = 73;
	vals[TCPKA_MIB_ADDR_LOST] = 74;
	vals[TCPKA_MIB_REARMED] = 71;
	vals[TCPKA_MIB_DRY_RUN] = 72;
}

static void expect_row(struct kunit *test, const char *path, const u64 *vals,
		       const struct tcpka_policy *pol, const char *from,
		       const char *want)
{
	const struct row_args a = { path, vals, pol, from };

	expect_snprintf(test, row_fn, &a, want);
}

static void tcpka_mib_names_match_files(struct kunit *test)
{
	int i;

	KUNIT_ASSERT_EQ(test, (size_t)TCPKA_MIB_NR, ARRAY_SIZE(mib_names));
	for (i = 0; i < TCPKA_MIB_NR; i++)
		KUNIT_EXPECT_STREQ_MSG(test, tcpka_mib_names[i], mib_names[i],
				       "mib %d", i);
	KUNIT_EXPECT_STREQ(test, tcpka_mib_names[TCPKA_MIB_ENFORCED],
			   "sockets_enforced");
	KUNIT_EXPECT_STREQ(test, tcpka_mib_names[TCPKA_MIB_ROWS_OVERFLOW],
			   "cgroup_rows_overflow");
}

static void tcpka_row_mibs_match_columns(struct kunit *test)
{
	static const enum tcpka_mib want[] = {
		TCPKA_MIB_ENFORCED, TCPKA_MIB_PROBES, TCPKA_MIB_ACK,
		TCPKA_MIB_RST, TCPKA_MIB_TIMEOUT, TCPKA_MIB_USER_TIMEOUT,
		TCPKA_MIB_ZERO_WINDOW, TCPKA_MIB_ADDR_LOST, TCPKA_MIB_ABANDONED,
		TCPKA_MIB_REARMED, TCPKA_MIB_DRY_RUN,
	};
	int i;

	KUNIT_ASSERT_EQ(test, (size_t)TCPKA_ROW_MIBS, ARRAY_SIZE(want));
	for (i = 0; i < TCPKA_ROW_MIBS; i++)
		KUNIT_EXPECT_EQ_MSG(test, tcpka_row_mibs[i], want[i], "column %d",
				    i);
}

static void tcpka_format_stats_prints_every_mib(struct kunit *test)
{
	static const u64 vals[] = {
		0, 1, 22, 333, 4444, 55555, 12, 17, 19, 666666, 7777777, 88888888,
		U64_MAX, 13, 14, 15, 16,
	};
	static const char want[] =
		"sockets_enforced 0\n"
		"probes_sent 1\n"
		"rounds_started 22\n"
		"outcome_ack 333\n"
		"outcome_rst 4444\n"
		"outcome_timeout 55555\n"
		"outcome_user_timeout 12\n"
		"outcome_zero_window 17\n"
		"outcome_addr_lost 19\n"
		"rounds_abandoned 666666\n"
		"track_overflow 7777777\n"
		"cgroup_rows_overflow 88888888\n"
		"force_reapplied 18446744073709551615\n"
		"sockets_rearmed 13\n"
		"dry_run_matched 14\n"
		"hooks_missed 15\n"
		"rounds_in_progress 16\n";

	KUNIT_ASSERT_EQ(test, (size_t)TCPKA_MIB_NR, ARRAY_SIZE(vals));
	expect_snprintf(test, stats_fn, vals, want);
}

static void tcpka_format_stats_prints_zeros(struct kunit *test)
{
	u64 *vals = kunit_kzalloc(test, TCPKA_MIB_NR * sizeof(*vals), GFP_KERNEL);
	char *want = kunit_kzalloc(test, 512, GFP_KERNEL);
	int i, n = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vals);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, want);
	for (i = 0; i < TCPKA_MIB_NR && i < ARRAY_SIZE(mib_names); i++)
		n += scnprintf(want + n, 512 - n, "%s 0\n", mib_names[i]);
	expect_snprintf(test, stats_fn, vals, want);
}

static void tcpka_format_row_header_names_columns(struct kunit *test)
{
	expect_snprintf(test, header_fn, NULL,
			"cgroup sockets_enforced probes_sent outcome_ack outcome_rst outcome_timeout outcome_user_timeout outcome_zero_window outcome_addr_lost rounds_abandoned sockets_rearmed dry_run_matched policy\n");
}

static void tcpka_format_row_prints_policy(struct kunit *test)
{
	const struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_INTVL) |
		       TCPKA_HAS(TCPKA_KEY_CNT) | TCPKA_HAS(TCPKA_KEY_MODE),
		.idle = 1, .intvl = 1, .cnt = 3, .user_timeout = 77,
		.mode = TCPKA_MODE_FORCE,
	};
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, 1, 2, 3, 4, 5, 6);
	expect_row(test, "/a", vals, &pol, "/",
		   "/a 1 2 3 4 5 70 73 74 6 71 72 idle=1,intvl=1,cnt=3,mode=force,from=/\n");
}

static void tcpka_format_row_prints_every_key(struct kunit *test)
{
	const struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_INTVL) |
		       TCPKA_HAS(TCPKA_KEY_CNT) |
		       TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT) |
		       TCPKA_HAS(TCPKA_KEY_MODE),
		.idle = 32767, .intvl = 75, .cnt = 127,
		.user_timeout = 2147483647, .mode = TCPKA_MODE_DEFAULT,
	};
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, U64_MAX, 0, 1, 0, 0, U64_MAX);
	expect_row(test, "/s.slice/a\\040b", vals, &pol, "/s.slice",
		   "/s.slice/a\\040b 18446744073709551615 0 1 0 0 70 73 74 18446744073709551615 71 72 idle=32767,intvl=75,cnt=127,user_timeout=2147483647,mode=default,from=/s.slice\n");
}

static void tcpka_format_row_prints_empty_policy(struct kunit *test)
{
	const struct tcpka_policy pol = { .has = 0, .mode = TCPKA_MODE_DEFAULT };
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, 0, 0, 0, 0, 0, 0);
	expect_row(test, "/b", vals, &pol, "/b",
		   "/b 0 0 0 0 0 70 73 74 0 71 72 mode=default,from=/b\n");
}

static void tcpka_format_row_adds_mode_when_not_given(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = 5,
		.mode = TCPKA_MODE_DEFAULT,
	};
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, 7, 8, 9, 10, 11, 12);
	expect_row(test, "/x/y", vals, &pol, "/x",
		   "/x/y 7 8 9 10 11 70 73 74 12 71 72 idle=5,mode=default,from=/x\n");
	pol.has = TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT);
	pol.user_timeout = 0;
	expect_row(test, "/x/y", vals, &pol, "/",
		   "/x/y 7 8 9 10 11 70 73 74 12 71 72 user_timeout=0,mode=default,from=/\n");
}

static void tcpka_format_row_prints_given_mode_once(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_MODE), .mode = TCPKA_MODE_DEFAULT,
	};
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, 1, 1, 1, 1, 1, 1);
	expect_row(test, "/m", vals, &pol, "/m",
		   "/m 1 1 1 1 1 70 73 74 1 71 72 mode=default,from=/m\n");
	pol.mode = TCPKA_MODE_FORCE;
	pol.has |= TCPKA_HAS(TCPKA_KEY_CNT);
	pol.cnt = 2;
	expect_row(test, "/m", vals, &pol, "/",
		   "/m 1 1 1 1 1 70 73 74 1 71 72 cnt=2,mode=force,from=/\n");
}

static void tcpka_format_row_prints_dash_without_policy(struct kunit *test)
{
	u64 vals[TCPKA_MIB_NR];

	row_vals(vals, 1, 2, 3, 4, 5, 6);
	expect_row(test, "/c", vals, NULL, "/", "/c 1 2 3 4 5 70 73 74 6 71 72 -\n");
	row_vals(vals, 0, 0, 0, 0, 0, 0);
	expect_row(test, "/", vals, NULL, "/", "/ 0 0 0 0 0 70 73 74 0 71 72 -\n");
}

static void tcpka_hist_bucket_bounds_are_inclusive(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(1000), 0U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(1001), 1U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(2000), 1U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(2001), 2U);
	/* A NAT that forgets flows after 350 s: the 256..512 s bucket. */
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(350000), 9U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(512000), 9U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(512001), 10U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(65536000ULL), 16U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(65536001ULL), 17U);
	KUNIT_EXPECT_EQ(test, tcpka_hist_bucket(U64_MAX), 17U);
}

static int hist_header_fn(char *buf, size_t len, const void *unused)
{
	return tcpka_format_hist_header(buf, len);
}

static void tcpka_format_hist_header_names_buckets(struct kunit *test)
{
	expect_snprintf(test, hist_header_fn, NULL,
			"cgroup histogram count sum_ms le_1 le_2 le_4 le_8 le_16 le_32 le_64 le_128 le_256 le_512 le_1024 le_2048 le_4096 le_8192 le_16384 le_32768 le_65536 le_inf\n");
}

struct hist_args {
	const char *path;
	enum tcpka_hist h;
	const struct tcpka_hist_vals *v;
};

static int hist_row_fn(char *buf, size_t len, const void *arg)
{
	const struct hist_args *a = arg;

	return tcpka_format_hist_row(buf, len, a->path, a->h, a->v);
}

static void tcpka_format_hist_row_prints_cumulative_buckets(struct kunit *test)
{
	struct tcpka_hist_vals v = { .count = 4, .sum_ms = 361500 };
	struct hist_args a = { "/web\\040a", TCPKA_HIST_IDLE_RST, &v };

	v.bucket[1] = 1;	/* 1.5 s */
	v.bucket[9] = 2;	/* 350 s, twice */
	v.bucket[TCPKA_HIST_FINITE] = 1;	/* a day */
	expect_snprintf(test, hist_row_fn, &a,
			"/web\\040a idle_at_reset 4 361500 0 1 1 1 1 1 1 1 1 3 3 3 3 3 3 3 3 4\n");
	memset(&v, 0, sizeof(v));
	a.path = "/";
	a.h = TCPKA_HIST_DETECT;
	expect_snprintf(test, hist_row_fn, &a,
			"/ time_to_detect 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

static struct kunit_case tcpka_format_cases[] = {
	KUNIT_CASE(tcpka_hist_bucket_bounds_are_inclusive),
	KUNIT_CASE(tcpka_format_hist_header_names_buckets),
	KUNIT_CASE(tcpka_format_hist_row_prints_cumulative_buckets),
	KUNIT_CASE(tcpka_mib_names_match_files),
	KUNIT_CASE(tcpka_row_mibs_match_columns),
	KUNIT_CASE(tcpka_format_stats_prints_every_mib),
	KUNIT_CASE(tcpka_format_stats_prints_zeros),
	KUNIT_CASE(tcpka_format_row_header_names_columns),
	KUNIT_CASE(tcpka_format_row_prints_policy),
	KUNIT_CASE(tcpka_format_row_prints_every_key),
	KUNIT_CASE(tcpka_format_row_prints_empty_policy),
	KUNIT_CASE(tcpka_format_row_adds_mode_when_not_given),
	KUNIT_CASE(tcpka_format_row_prints_given_mode_once),
	KUNIT_CASE(tcpka_format_row_prints_dash_without_policy),
	{}
};

static struct kunit_suite tcpka_format_suite = {
	.name = "tcpka_format",
	.test_cases = tcpka_format_cases,
};

kunit_test_suite(tcpka_format_suite);
