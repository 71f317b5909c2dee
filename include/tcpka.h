/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpka: per-cgroup TCP keepalive policy and probe-outcome accounting.
 *
 * The pure logic (policy grammar, policy table, outcome classification and
 * counter formatting) is declared here. It has no dependency on sockets,
 * cgroups or namespaces, so the KUnit suites in kunit/ build it as it is.
 */
#ifndef _TCPKA_H
#define _TCPKA_H

#include <linux/types.h>
#include <linux/rcupdate.h>

/* Bounds: the kernel's own setsockopt() limits. */
#define TCPKA_IDLE_MAX		32767		/* MAX_TCP_KEEPIDLE, seconds */
#define TCPKA_INTVL_MAX		32767		/* MAX_TCP_KEEPINTVL, seconds */
#define TCPKA_CNT_MAX		127		/* MAX_TCP_KEEPCNT */
#define TCPKA_UTO_MAX		2147483647U	/* TCP_USER_TIMEOUT, ms (INT_MAX) */
#define TCPKA_ADDR_LOSS_MAX	3600		/* addr_loss, seconds */

#define TCPKA_LINE_MAX		1024	/* longest policy line, without '\n' */
#define TCPKA_WRITE_MAX		65536	/* largest single write to the policy file */
#define TCPKA_POLICIES_MAX	4096	/* policies in the table */

enum tcpka_key {
	TCPKA_KEY_IDLE,
	TCPKA_KEY_INTVL,
	TCPKA_KEY_CNT,
	TCPKA_KEY_USER_TIMEOUT,
	TCPKA_KEY_ADDR_LOSS,
	TCPKA_KEY_MODE,
	TCPKA_KEY_NR,
};

#define TCPKA_HAS(key)	(1U << (key))

enum tcpka_mode {
	TCPKA_MODE_DEFAULT,	/* fill only what the application left unset */
	TCPKA_MODE_FORCE,	/* the policy's values win */
};

/*
 * A keepalive policy. @has holds TCPKA_HAS() bits of the keys that were
 * given; a key left out keeps the kernel's value and stays out when the
 * policy is printed. @mode is TCPKA_MODE_DEFAULT when not given.
 */
struct tcpka_policy {
	u32 has;
	u32 idle;		/* seconds, 1..TCPKA_IDLE_MAX */
	u32 intvl;		/* seconds, 1..TCPKA_INTVL_MAX */
	u32 cnt;		/* probes, 1..TCPKA_CNT_MAX */
	u32 user_timeout;	/* milliseconds, 0..TCPKA_UTO_MAX */
	u32 addr_loss;		/* seconds, 0..TCPKA_ADDR_LOSS_MAX */
	u32 mode;		/* enum tcpka_mode */
};

enum tcpka_verb {
	TCPKA_VERB_NONE,	/* blank line or '#' comment */
	TCPKA_VERB_SET,
	TCPKA_VERB_DEL,
	TCPKA_VERB_FLUSH,
};

struct tcpka_cmd {
	enum tcpka_verb verb;
	const char *path;	/* SET and DEL: points into the parsed line */
	struct tcpka_policy pol;	/* SET only */
};

/* grammar.c */
int tcpka_parse_line(char *line, struct tcpka_cmd *cmd, const char **bad);
int tcpka_parse_kv(const char *tok, struct tcpka_policy *pol);
int tcpka_policy_format(char *buf, size_t len, const struct tcpka_policy *pol,
			char sep);
const char *tcpka_mode_name(u32 mode);

/*
 * table.c: an immutable, RCU-published snapshot of the policies, keyed by
 * the cgroup's absolute path (as the initial cgroup namespace sees it).
 * An entry is bound to the cgroup at its path when there is one (@cgid),
 * pending otherwise; lookups go by cgroup id through @by_id.
 */
#define TCPKA_PATH_MAX	950	/* longest absolute path of a policy */
#define TCPKA_LATE_MAX	16	/* bindings a table takes after publication */

struct tcpka_entry {
	u64 cgid;		/* the cgroup at @path; 0: none (pending) */
	char *path;		/* absolute, canonical; owned by the table */
	struct tcpka_policy pol;
};

struct tcpka_bound {
	u64 cgid;
	u32 idx;		/* the entry, in e[] */
};

struct tcpka_table {
	struct rcu_head rcu;
	unsigned int nr;		/* entries, sorted by path (strcmp) */
	unsigned int nr_bound;		/* bound entries, @by_id sorted by cgid */
	struct tcpka_bound *by_id;	/* in the same allocation, after e[] */
	/*
	 * Cgroups created after the table was built (tcpka_table_bind_late()):
	 * one writer at a time, readers without a lock.
	 */
	unsigned int nr_late;
	struct tcpka_bound late[TCPKA_LATE_MAX];
	struct tcpka_entry e[];
};

/*
 * One resolved command of a write: @path is absolute and canonical, @cgid
 * the cgroup at that path now (0: none found) for a set. A writer's 0
 * keeps a binding the table has (a cgroup made since the lookup); with
 * @exact (a resync's), 0 makes the policy pending.
 */
struct tcpka_op {
	enum tcpka_verb verb;
	bool exact;
	u64 cgid;
	const char *path;
	struct tcpka_policy pol;
};

const struct tcpka_entry *tcpka_table_find(const struct tcpka_table *t,
					   u64 cgid);
const struct tcpka_entry *tcpka_table_find_path(const struct tcpka_table *t,
						const char *path);
const struct tcpka_entry *
tcpka_table_resolve(const struct tcpka_table *t, const void *node,
		    u64 (*id_of)(const void *node),
		    const void *(*parent_of)(const void *node));
struct tcpka_table *tcpka_table_apply(const struct tcpka_table *old,
				      const struct tcpka_op *ops,
				      unsigned int nr_ops, gfp_t gfp);
bool tcpka_table_bind_late(struct tcpka_table *t, unsigned int idx, u64 cgid);
void tcpka_table_free(struct tcpka_table *t);

/* Paths (grammar.c). */
int tcpka_path_canon(char *path);
const char *tcpka_path_in(const char *path, const char *root);
int tcpka_path_join(char *buf, size_t len, const char *root, const char *rel);

/* classify.c: how one event ends or continues a probe round. */
enum tcpka_event {
	TCPKA_EV_PROBE,		/* a keepalive probe is about to be sent */
	TCPKA_EV_TIMER,		/* the keepalive timer fired */
	TCPKA_EV_RESET,		/* an RST was received */
	TCPKA_EV_TIMER_CLOSE,	/* a timer gave up on an unanswered round */
	TCPKA_EV_UTO_CLOSE,	/* TCP_USER_TIMEOUT ran out on unacked data */
	TCPKA_EV_CLOSE,		/* the socket left the probed states otherwise */
	TCPKA_EV_DESTROY,	/* the socket is being destroyed */
	TCPKA_EV_KA_OFF,	/* the application switched keepalive off */
	TCPKA_EV_ZW_CLOSE,	/* TCP_USER_TIMEOUT ran out on a zero window */
	TCPKA_EV_ADDR_LOST,	/* aborted: its local address is gone (addr_loss) */
};

enum tcpka_outcome {
	TCPKA_OUT_NONE,
	TCPKA_OUT_ACK,
	TCPKA_OUT_RST,
	TCPKA_OUT_TIMEOUT,
	TCPKA_OUT_USER_TIMEOUT,	/* unacked data outlived user_timeout */
	TCPKA_OUT_ABANDONED,	/* cut short locally: not an outcome */
	TCPKA_OUT_ZERO_WINDOW,	/* the peer's window stayed shut that long */
	TCPKA_OUT_ADDR_LOST,	/* the local address went away: aborted */
	TCPKA_OUT_NR,
};

extern const char *const tcpka_outcome_names[TCPKA_OUT_NR];

struct tcpka_verdict {
	enum tcpka_outcome outcome;
	bool start;		/* a new round starts with this event */
	bool in_round;		/* a round is in progress after this event */
};

struct tcpka_verdict tcpka_classify(bool in_round, enum tcpka_event ev,
				    unsigned int probes_out);
unsigned int tcpka_outstanding(bool in_round, bool answered,
			       unsigned int probes_out);

/* Counters, per network namespace and per cgroup. */
enum tcpka_mib {
	TCPKA_MIB_ENFORCED,		/* sockets_enforced */
	TCPKA_MIB_PROBES,		/* probes_sent */
	TCPKA_MIB_ROUNDS,		/* rounds_started */
	TCPKA_MIB_ACK,			/* outcome_ack */
	TCPKA_MIB_RST,			/* outcome_rst */
	TCPKA_MIB_TIMEOUT,		/* outcome_timeout */
	TCPKA_MIB_USER_TIMEOUT,		/* outcome_user_timeout */
	TCPKA_MIB_ZERO_WINDOW,		/* outcome_zero_window */
	TCPKA_MIB_ADDR_LOST,		/* outcome_addr_lost */
	TCPKA_MIB_ABANDONED,		/* rounds_abandoned */
	TCPKA_MIB_TRACK_OVERFLOW,	/* track_overflow */
	TCPKA_MIB_ROWS_OVERFLOW,	/* cgroup_rows_overflow */
	TCPKA_MIB_REENFORCED,		/* force_reapplied */
	TCPKA_MIB_REARMED,		/* sockets_rearmed */
	TCPKA_MIB_DRY_RUN,		/* dry_run_matched */
	TCPKA_MIB_HOOKS_MISSED,		/* hooks_missed: host-wide, not per netns */
	TCPKA_MIB_IN_PROGRESS,		/* rounds_in_progress: a gauge */
	TCPKA_MIB_NR,
};

/* The counters shown per cgroup, in /proc/net/tcpka/cgroups column order. */
#define TCPKA_ROW_MIBS	11

extern const char *const tcpka_mib_names[TCPKA_MIB_NR];
extern const enum tcpka_mib tcpka_row_mibs[TCPKA_ROW_MIBS];

/*
 * Histograms per cgroup, in seconds with fixed log2 buckets: bucket i
 * (0..TCPKA_HIST_FINITE - 1) holds values over 2^(i-1) s up to 2^i s
 * (bucket 0: up to 1 s), the last one values over 2^16 s.
 */
#define TCPKA_HIST_FINITE	17	/* le 1, 2, 4, ... 65536 s */
#define TCPKA_HIST_BUCKETS	(TCPKA_HIST_FINITE + 1)

enum tcpka_hist {
	TCPKA_HIST_DETECT,	/* time_to_detect: last data from the peer to verdict */
	TCPKA_HIST_IDLE_RST,	/* idle_at_reset: idle when a probe drew an RST */
	TCPKA_HIST_NR,
};

/* One histogram's values: plain counts per bucket (not cumulative). */
struct tcpka_hist_vals {
	u64 count;
	u64 sum_ms;
	u64 bucket[TCPKA_HIST_BUCKETS];
};

extern const char *const tcpka_hist_names[TCPKA_HIST_NR];
unsigned int tcpka_hist_bucket(u64 ms);

/* format.c */
int tcpka_format_hist_header(char *buf, size_t len);
int tcpka_format_hist_row(char *buf, size_t len, const char *path,
			  enum tcpka_hist h, const struct tcpka_hist_vals *v);
int tcpka_format_stats(char *buf, size_t len, const u64 *vals);
int tcpka_format_row_header(char *buf, size_t len);
int tcpka_format_row(char *buf, size_t len, const char *path, const u64 *vals,
		     const struct tcpka_policy *pol, const char *from);

#endif /* _TCPKA_H */
