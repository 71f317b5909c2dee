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
	[TCPKA_MIB_ABANDONED]		= "rounds_abandoned",
	[TCPKA_MIB_TRACK_OVERFLOW]	= "track_overflow",
	[TCPKA_MIB_ROWS_OVERFLOW]	= "cgroup_rows_overflow",
	[TCPKA_MIB_REENFORCED]		= "force_reapplied",
};

const enum tcpka_mib tcpka_row_mibs[TCPKA_ROW_MIBS] = {
	TCPKA_MIB_ENFORCED, TCPKA_MIB_PROBES, TCPKA_MIB_ACK,
	TCPKA_MIB_RST, TCPKA_MIB_TIMEOUT, TCPKA_MIB_ABANDONED,
};

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
