// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of the counters: /proc/net/tcpka/stats and the rows of
 * /proc/net/tcpka/cgroups. snprintf() semantics throughout.
 */

#include <linux/kernel.h>
#include <linux/stdarg.h>
#include "tcpka.h"

const char *const tcpka_mib_names[TCPKA_MIB_NR] = {
	[TCPKA_MIB_ENFORCED]		= "sockets_enforced",
	[TCPKA_MIB_PROBES]		= "probes_sent",
	[TCPKA_MIB_ROUNDS]		= "rounds_started",
	[TCPKA_MIB_ACK]			= "outcome_ack",
	[TCPKA_MIB_RST]			= "outcome_rst",
	[TCPKA_MIB_TIMEOUT]		= "outcome_timeout",
	[TCPKA_MIB_USER_TIMEOUT]	= "outcome_user_timeout",
	[TCPKA_MIB_ZERO_WINDOW]		= "outcome_zero_window",
	[TCPKA_MIB_ADDR_LOST]		= "outcome_addr_lost",
	[TCPKA_MIB_ABANDONED]		= "rounds_abandoned",
	[TCPKA_MIB_TRACK_OVERFLOW]	= "track_overflow",
	[TCPKA_MIB_ROWS_OVERFLOW]	= "cgroup_rows_overflow",
	[TCPKA_MIB_REENFORCED]		= "force_reapplied",
	[TCPKA_MIB_REARMED]		= "sockets_rearmed",
	[TCPKA_MIB_DRY_RUN]		= "dry_run_matched",
	[TCPKA_MIB_HOOKS_MISSED]	= "hooks_missed",
	[TCPKA_MIB_IN_PROGRESS]		= "rounds_in_progress",
};

const enum tcpka_mib tcpka_row_mibs[TCPKA_ROW_MIBS] = {
	TCPKA_MIB_ENFORCED, TCPKA_MIB_PROBES, TCPKA_MIB_ACK,
	TCPKA_MIB_RST, TCPKA_MIB_TIMEOUT, TCPKA_MIB_USER_TIMEOUT,
	TCPKA_MIB_ZERO_WINDOW, TCPKA_MIB_ADDR_LOST, TCPKA_MIB_ABANDONED,
	TCPKA_MIB_REARMED, TCPKA_MIB_DRY_RUN,
};

const char *const tcpka_hist_names[TCPKA_HIST_NR] = {
	[TCPKA_HIST_DETECT]	= "time_to_detect",
	[TCPKA_HIST_IDLE_RST]	= "idle_at_reset",
};

/* The bucket of a value in milliseconds: the first 2^i s it is not over. */
unsigned int tcpka_hist_bucket(u64 ms)
{
	unsigned int i;

	for (i = 0; i < TCPKA_HIST_FINITE; i++)
		if (ms <= 1000ULL << i)
			return i;
	return TCPKA_HIST_FINITE;
}

/* Append to @buf at offset *@n, keeping snprintf() semantics. */
static __printf(4, 5) void tcpka_append(char *buf, size_t len, int *n,
					const char *fmt, ...)
{
	size_t at = min_t(size_t, *n, len);
	va_list args;

	va_start(args, fmt);
	*n += vsnprintf(buf + at, len - at, fmt, args);
	va_end(args);
}

int tcpka_format_stats(char *buf, size_t len, const u64 *vals)
{
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < TCPKA_MIB_NR; i++)
		tcpka_append(buf, len, &n, "%s %llu\n", tcpka_mib_names[i],
			     (unsigned long long)vals[i]);
	return n;
}

int tcpka_format_row_header(char *buf, size_t len)
{
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	tcpka_append(buf, len, &n, "cgroup");
	for (i = 0; i < TCPKA_ROW_MIBS; i++)
		tcpka_append(buf, len, &n, " %s", tcpka_mib_names[tcpka_row_mibs[i]]);
	tcpka_append(buf, len, &n, " policy\n");
	return n;
}

/**
 * tcpka_format_row - one row of /proc/net/tcpka/cgroups
 * @buf: output buffer
 * @len: its size
 * @path: the (already escaped) cgroup path
 * @vals: counters indexed by enum tcpka_mib
 * @pol: the policy in force, or NULL
 * @from: the cgroup whose policy that is
 */
int tcpka_format_row(char *buf, size_t len, const char *path, const u64 *vals,
		     const struct tcpka_policy *pol, const char *from)
{
	int i, n = 0, k;

	if (len)
		buf[0] = '\0';
	tcpka_append(buf, len, &n, "%s", path);
	for (i = 0; i < TCPKA_ROW_MIBS; i++)
		tcpka_append(buf, len, &n, " %llu",
			     (unsigned long long)vals[tcpka_row_mibs[i]]);
	if (!pol) {
		tcpka_append(buf, len, &n, " -\n");
		return n;
	}
	tcpka_append(buf, len, &n, " ");
	k = tcpka_policy_format(buf + min_t(size_t, n, len),
				len - min_t(size_t, n, len), pol, ',');
	n += k;
	if (!(pol->has & TCPKA_HAS(TCPKA_KEY_MODE)))
		tcpka_append(buf, len, &n, "%smode=%s", k ? "," : "",
			     tcpka_mode_name(pol->mode));
	tcpka_append(buf, len, &n, ",from=%s\n", from);
	return n;
}

int tcpka_format_hist_header(char *buf, size_t len)
{
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	tcpka_append(buf, len, &n, "cgroup histogram count sum_ms");
	for (i = 0; i < TCPKA_HIST_FINITE; i++)
		tcpka_append(buf, len, &n, " le_%u", 1U << i);
	tcpka_append(buf, len, &n, " le_inf\n");
	return n;
}

/**
 * tcpka_format_hist_row - one row of /proc/net/tcpka/histograms
 * @buf: output buffer
 * @len: its size
 * @path: the (already escaped) cgroup path
 * @h: which histogram
 * @v: its values, plain counts per bucket
 *
 * The buckets are printed cumulatively, as Prometheus' "le" buckets:
 * le_N is the number of values up to N seconds, le_inf the count.
 */
int tcpka_format_hist_row(char *buf, size_t len, const char *path,
			  enum tcpka_hist h, const struct tcpka_hist_vals *v)
{
	u64 cum = 0;
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	tcpka_append(buf, len, &n, "%s %s %llu %llu", path, tcpka_hist_names[h],
		     (unsigned long long)v->count,
		     (unsigned long long)v->sum_ms);
	for (i = 0; i < TCPKA_HIST_BUCKETS; i++) {
		cum += v->bucket[i];
		tcpka_append(buf, len, &n, " %llu", (unsigned long long)cum);
	}
	tcpka_append(buf, len, &n, "\n");
	return n;
}
