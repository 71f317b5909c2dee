// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tcpka_table: tcpka_table_apply(), tcpka_table_find(),
 * tcpka_table_find_path(), tcpka_table_bind_late(), tcpka_table_resolve()
 * and tcpka_table_free(): policies keyed by path, bound to a cgroup id or
 * pending (id 0).
 *
 * Every table a test gets from tcpka_table_apply() is a KUnit resource freed
 * with tcpka_table_free() when the test ends, failed or not; KASAN watches
 * the copies, the frees and the old tables.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "tcpka.h"

static int table_res_init(struct kunit_resource *res, void *table)
{
	res->data = table;
	return 0;
}

static void table_res_free(struct kunit_resource *res)
{
	tcpka_table_free(res->data);
}

/* tcpka_table_apply() whose successful result the test owns. */
static struct tcpka_table *apply(struct kunit *test,
				 const struct tcpka_table *old,
				 const struct tcpka_op *ops, unsigned int nr)
{
	struct tcpka_table *t = tcpka_table_apply(old, ops, nr, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL_MSG(test, t, "tcpka_table_apply() returned NULL");
	if (!IS_ERR(t) &&
	    !kunit_alloc_resource(test, table_res_init, table_res_free,
				  GFP_KERNEL, t)) {
		tcpka_table_free(t);
		KUNIT_ASSERT_FAILURE(test, "out of memory");
	}
	return t;
}

/* Like apply(), the result must be a table. */
static struct tcpka_table *apply_ok(struct kunit *test,
				    const struct tcpka_table *old,
				    const struct tcpka_op *ops, unsigned int nr)
{
	struct tcpka_table *t = apply(test, old, ops, nr);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(t), "tcpka_table_apply(): %ld",
			       PTR_ERR(t));
	return t;
}

static bool table_res_match(struct kunit *test, struct kunit_resource *res,
			    void *table)
{
	return res->free == table_res_free && res->data == table;
}

/* Free @t now rather than at the end of the test. */
static void drop(struct kunit *test, struct tcpka_table *t)
{
	KUNIT_ASSERT_EQ(test, kunit_destroy_resource(test, table_res_match, t), 0);
}

static struct tcpka_op op_set(const char *path, u64 cgid, u32 idle)
{
	return (struct tcpka_op){
		.verb = TCPKA_VERB_SET, .cgid = cgid, .path = path,
		.pol = { .has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = idle },
	};
}

static struct tcpka_op op_del(const char *path)
{
	return (struct tcpka_op){ .verb = TCPKA_VERB_DEL, .path = path };
}

static struct tcpka_op op_flush(void)
{
	return (struct tcpka_op){ .verb = TCPKA_VERB_FLUSH };
}

/* The table holds exactly @paths, in this (strcmp) order. */
static void expect_paths(struct kunit *test, const struct tcpka_table *t,
			 const char *const *paths, unsigned int nr)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, t->nr, nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_STREQ_MSG(test, t->e[i].path, paths[i], "entry %u", i);
}

/* Sorted by path; the index holds exactly the bound entries, by id. */
static void expect_consistent(struct kunit *test, const struct tcpka_table *t)
{
	unsigned int i, bound = 0;

	for (i = 1; i < t->nr; i++)
		KUNIT_EXPECT_LT_MSG(test, strcmp(t->e[i - 1].path, t->e[i].path),
				    0, "entries %u and %u", i - 1, i);
	for (i = 0; i < t->nr; i++)
		bound += !!t->e[i].cgid;
	KUNIT_ASSERT_EQ(test, t->nr_bound, bound);
	for (i = 0; i < t->nr_bound; i++) {
		KUNIT_ASSERT_LT(test, t->by_id[i].idx, t->nr);
		KUNIT_EXPECT_EQ(test, t->by_id[i].cgid,
				t->e[t->by_id[i].idx].cgid);
		if (i)
			KUNIT_EXPECT_LE(test, t->by_id[i - 1].cgid,
					t->by_id[i].cgid);
	}
}

/* Policies /a, /b, /c bound to 10, 20, 30, with idle 1, 2, 3. */
static struct tcpka_table *abc(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set("/b", 20, 2), op_set("/c", 30, 3), op_set("/a", 10, 1),
	};
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	expect_consistent(test, t);
	return t;
}

static const char *find_id(const struct tcpka_table *t, u64 cgid)
{
	const struct tcpka_entry *e = tcpka_table_find(t, cgid);

	return e ? e->path : NULL;
}

static void tcpka_table_apply_builds_empty_table(struct kunit *test)
{
	const struct tcpka_op none = { .verb = TCPKA_VERB_NONE };
	struct tcpka_table *t;

	t = apply_ok(test, NULL, &none, 0);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	t = apply_ok(test, t, &none, 0);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	t = apply_ok(test, NULL, &none, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_EQ(test, t->nr_bound, 0U);
}

static void tcpka_table_apply_inserts_by_path(struct kunit *test)
{
	static const char *const want[] = { "/a", "/b", "/c" };
	struct tcpka_table *t = abc(test);
	unsigned int i;

	expect_paths(test, t, want, ARRAY_SIZE(want));
	for (i = 0; i < t->nr; i++) {
		KUNIT_EXPECT_EQ(test, t->e[i].cgid, 10ULL * (i + 1));
		KUNIT_EXPECT_EQ(test, t->e[i].pol.has, TCPKA_HAS(TCPKA_KEY_IDLE));
		KUNIT_EXPECT_EQ(test, t->e[i].pol.idle, i + 1);
	}
}

static void tcpka_table_apply_inserts_into_old(struct kunit *test)
{
	static const char *const want[] = {
		"/", "/a", "/a/x", "/b", "/c", "/z",
	};
	const struct tcpka_op ops[] = {
		op_set("/z", 31, 9), op_set("/a/x", 0, 8), op_set("/", 1, 7),
	};
	struct tcpka_table *t = apply_ok(test, abc(test), ops, ARRAY_SIZE(ops));

	expect_paths(test, t, want, ARRAY_SIZE(want));
	expect_consistent(test, t);
	KUNIT_EXPECT_EQ(test, t->nr_bound, 5U);
	KUNIT_EXPECT_EQ(test, t->e[2].cgid, 0ULL);
}

static void tcpka_table_apply_keeps_pending(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set("/later", 0, 1), op_set("/also/later", 0, 2),
	};
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_ASSERT_EQ(test, t->nr, 2U);
	KUNIT_EXPECT_EQ(test, t->nr_bound, 0U);
	KUNIT_EXPECT_NULL(test, tcpka_table_find(t, 0));
	KUNIT_ASSERT_NOT_NULL(test, tcpka_table_find_path(t, "/later"));
	KUNIT_EXPECT_EQ(test, tcpka_table_find_path(t, "/later")->pol.idle, 1U);
	expect_consistent(test, t);
}

static void tcpka_table_apply_replaces(struct kunit *test)
{
	static const char *const want[] = { "/a", "/b", "/c" };
	struct tcpka_op op = {
		.verb = TCPKA_VERB_SET, .cgid = 21, .path = "/b",
		.pol = { .has = TCPKA_HAS(TCPKA_KEY_CNT) |
			 TCPKA_HAS(TCPKA_KEY_MODE),
			 .cnt = 5, .mode = TCPKA_MODE_FORCE },
	};
	struct tcpka_table *t = apply_ok(test, abc(test), &op, 1);

	expect_paths(test, t, want, ARRAY_SIZE(want));
	/* The whole policy is replaced: idle does not survive. */
	KUNIT_EXPECT_EQ(test, t->e[1].pol.has, op.pol.has);
	KUNIT_EXPECT_EQ(test, t->e[1].pol.cnt, 5U);
	KUNIT_EXPECT_EQ(test, t->e[1].pol.mode, (u32)TCPKA_MODE_FORCE);
	/* ...and the binding with it: the cgroup at /b now. */
	KUNIT_EXPECT_EQ(test, t->e[1].cgid, 21ULL);
	KUNIT_EXPECT_NULL(test, find_id(t, 20));
	KUNIT_EXPECT_STREQ(test, find_id(t, 21), "/b");
	expect_consistent(test, t);
}

static void tcpka_table_apply_one_path_once(struct kunit *test)
{
	/* Whatever the order of sets, rmdir (0) and mkdir (new id). */
	struct tcpka_op ops[] = {
		op_set("/g1", 7, 23), op_set("/g1", 0, 11), op_set("/g1", 8, 11),
		op_set("/g1", 8, 12),
	};
	struct tcpka_table *t;

	ops[1].exact = true;	/* the resync after its rmdir */
	t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_ASSERT_EQ(test, t->nr, 1U);
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/g1");
	KUNIT_EXPECT_EQ(test, t->e[0].pol.idle, 12U);
	KUNIT_EXPECT_EQ(test, t->e[0].cgid, 8ULL);
	KUNIT_EXPECT_NULL(test, find_id(t, 7));
}

static void tcpka_table_apply_pending_set_keeps_binding(struct kunit *test)
{
	/* A lookup that found no cgroup (0) does not undo a late binding. */
	struct tcpka_op op = op_set("/later", 0, 5);
	struct tcpka_table *t = apply_ok(test, NULL, &op, 1), *n;

	KUNIT_ASSERT_TRUE(test, tcpka_table_bind_late(t, 0, 42));
	op = op_set("/later", 0, 6);
	n = apply_ok(test, t, &op, 1);
	KUNIT_EXPECT_EQ(test, n->e[0].cgid, 42ULL);
	KUNIT_EXPECT_EQ(test, n->e[0].pol.idle, 6U);
	KUNIT_EXPECT_STREQ(test, find_id(n, 42), "/later");
	/* A cgroup found replaces it. */
	op = op_set("/later", 43, 7);
	n = apply_ok(test, n, &op, 1);
	KUNIT_EXPECT_EQ(test, n->e[0].cgid, 43ULL);
	KUNIT_EXPECT_NULL(test, find_id(n, 42));
	/* A resync's 0 (the cgroup was removed) makes it pending. */
	op = op_set("/later", 0, 7);
	op.exact = true;
	n = apply_ok(test, n, &op, 1);
	KUNIT_EXPECT_EQ(test, n->e[0].cgid, 0ULL);
	KUNIT_EXPECT_NULL(test, find_id(n, 43));
	KUNIT_EXPECT_EQ(test, n->nr_bound, 0U);
}

static void tcpka_table_apply_binds_a_cgroup_once(struct kunit *test)
{
	/* The cgroup bound to /b is now at /moved: /b's binding is stale. */
	struct tcpka_op op = op_set("/moved", 20, 9);
	struct tcpka_table *t = apply_ok(test, abc(test), &op, 1);

	KUNIT_EXPECT_STREQ(test, find_id(t, 20), "/moved");
	KUNIT_EXPECT_EQ(test, tcpka_table_find_path(t, "/b")->cgid, 0ULL);
	expect_consistent(test, t);
}

static void tcpka_table_apply_deletes_by_path(struct kunit *test)
{
	static const char *const mid[] = { "/a", "/c" }, *const last[] = { "/a" };
	struct tcpka_op del = op_del("/b");
	struct tcpka_table *t = apply_ok(test, abc(test), &del, 1);

	expect_paths(test, t, mid, ARRAY_SIZE(mid));
	KUNIT_EXPECT_NULL(test, find_id(t, 20));
	KUNIT_EXPECT_STREQ(test, find_id(t, 30), "/c");
	expect_consistent(test, t);
	del = op_del("/c");
	t = apply_ok(test, t, &del, 1);
	expect_paths(test, t, last, ARRAY_SIZE(last));
	del = op_del("/a");
	t = apply_ok(test, t, &del, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_EQ(test, t->nr_bound, 0U);
}

static void tcpka_table_apply_deletes_pending(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set("/x", 0, 1), op_set("/y", 8, 1), op_del("/x"),
	};
	static const char *const want[] = { "/y" };
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	expect_paths(test, t, want, ARRAY_SIZE(want));
}

static void tcpka_table_apply_rejects_del_of_absent(struct kunit *test)
{
	const struct tcpka_op set_del_del[] = {
		op_set("/x", 7, 1), op_del("/x"), op_del("/x"),
	};
	const struct tcpka_op flush_del[] = { op_flush(), op_del("/a") };
	struct tcpka_op del = op_del("/d");
	struct tcpka_table *old = abc(test);

	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, NULL, &del, 1)), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	/* A path, not a prefix: /a/b is not /a. */
	del = op_del("/a/b");
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	del = op_del("/");
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, set_del_del,
					    ARRAY_SIZE(set_del_del))), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, flush_del,
					    ARRAY_SIZE(flush_del))), -ENOENT);
	KUNIT_EXPECT_EQ(test, old->nr, 3U);
}

static void tcpka_table_apply_flushes(struct kunit *test)
{
	const struct tcpka_op flush_set[] = { op_flush(), op_set("/d", 40, 4) };
	const struct tcpka_op set_flush_set[] = {
		op_set("/x", 9, 1), op_flush(), op_set("/y", 0, 1),
	};
	static const char *const d[] = { "/d" }, *const y[] = { "/y" };
	struct tcpka_op flush = op_flush();
	struct tcpka_table *t;

	t = apply_ok(test, abc(test), &flush, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_NULL(test, find_id(t, 10));
	t = apply_ok(test, NULL, &flush, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	t = apply_ok(test, abc(test), flush_set, ARRAY_SIZE(flush_set));
	expect_paths(test, t, d, ARRAY_SIZE(d));
	KUNIT_EXPECT_STREQ(test, find_id(t, 40), "/d");
	t = apply_ok(test, abc(test), set_flush_set, ARRAY_SIZE(set_flush_set));
	expect_paths(test, t, y, ARRAY_SIZE(y));
	KUNIT_EXPECT_EQ(test, t->nr_bound, 0U);
}

static void tcpka_table_apply_flushes_below_a_root(struct kunit *test)
{
	/* A flush from a cgroup namespace rooted at /c removes /c and below. */
	const struct tcpka_op ops[] = {
		op_set("/", 1, 1), op_set("/c", 2, 1), op_set("/c/x", 3, 1),
		op_set("/c2", 4, 1), op_set("/d/c", 5, 1),
	};
	static const char *const left[] = { "/", "/c2", "/d/c" };
	struct tcpka_op flush = { .verb = TCPKA_VERB_FLUSH, .path = "/c" };
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	t = apply_ok(test, t, &flush, 1);
	expect_paths(test, t, left, ARRAY_SIZE(left));
	expect_consistent(test, t);
	KUNIT_EXPECT_NULL(test, find_id(t, 3));
	KUNIT_EXPECT_STREQ(test, find_id(t, 4), "/c2");
	flush.path = "/";
	t = apply_ok(test, t, &flush, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
}

static void tcpka_table_apply_ignores_none(struct kunit *test)
{
	static const char *const want[] = { "/a", "/b", "/c" };
	const struct tcpka_op ops[] = {
		{ .verb = TCPKA_VERB_NONE, .cgid = 20, .path = "/ignored" },
		{ .verb = TCPKA_VERB_NONE, .cgid = 99 },
	};
	struct tcpka_table *t = apply_ok(test, abc(test), ops, ARRAY_SIZE(ops));

	expect_paths(test, t, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_NULL(test, find_id(t, 99));
}

/* A deep copy of what a table holds, to compare against later. */
struct snapshot {
	unsigned int nr, nr_bound;
	u64 cgid[3];
	const char *path[3];
	char text[3][8];
	struct tcpka_policy pol[3];
};

static void take(const struct tcpka_table *t, struct snapshot *s)
{
	unsigned int i;

	s->nr = t->nr;
	s->nr_bound = t->nr_bound;
	for (i = 0; i < t->nr && i < ARRAY_SIZE(s->cgid); i++) {
		s->cgid[i] = t->e[i].cgid;
		s->path[i] = t->e[i].path;
		strscpy(s->text[i], t->e[i].path, sizeof(s->text[i]));
		s->pol[i] = t->e[i].pol;
	}
}

static void expect_unchanged(struct kunit *test, const struct tcpka_table *t,
			     const struct snapshot *s)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, t->nr, s->nr);
	KUNIT_EXPECT_EQ(test, t->nr_bound, s->nr_bound);
	for (i = 0; i < t->nr; i++) {
		KUNIT_EXPECT_EQ(test, t->e[i].cgid, s->cgid[i]);
		KUNIT_EXPECT_PTR_EQ(test, (const char *)t->e[i].path, s->path[i]);
		KUNIT_EXPECT_STREQ(test, t->e[i].path, s->text[i]);
		KUNIT_EXPECT_EQ(test, memcmp(&t->e[i].pol, &s->pol[i],
					     sizeof(s->pol[i])), 0);
	}
	expect_consistent(test, t);
}

static void tcpka_table_apply_leaves_old_untouched(struct kunit *test)
{
	const struct tcpka_op writes[][3] = {
		{ op_set("/b", 21, 9), op_set("/ins", 0, 9), op_del("/a") },
		{ op_flush(), op_set("/one", 1, 1), op_set("/c", 30, 3) },
		{ op_del("/c"), op_del("/b"), op_del("/a") },
		{ op_set("/d", 20, 4), op_del("/b"), op_del("/b") },	/* fails */
	};
	struct tcpka_table *old = abc(test);
	struct snapshot s;
	unsigned int i;

	take(old, &s);
	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		apply(test, old, writes[i], ARRAY_SIZE(writes[i]));
		expect_unchanged(test, old, &s);
	}
}

static void tcpka_table_apply_owns_paths(struct kunit *test)
{
	char path[] = "/mutable";
	struct tcpka_op op = op_set(path, 50, 5);
	struct tcpka_table *old, *t;
	unsigned int i;

	old = apply_ok(test, abc(test), &op, 1);
	KUNIT_ASSERT_EQ(test, old->nr, 4U);
	KUNIT_EXPECT_PTR_NE(test, (const char *)old->e[3].path,
			    (const char *)path);
	path[1] = 'X';
	KUNIT_EXPECT_STREQ(test, old->e[3].path, "/mutable");

	/* The new table's paths outlive the old table. */
	op = op_set("/e", 60, 6);
	t = apply_ok(test, old, &op, 1);
	for (i = 0; i < old->nr; i++)
		KUNIT_EXPECT_PTR_NE(test, (const char *)t->e[i].path,
				    (const char *)old->e[i].path);
	drop(test, old);
	KUNIT_ASSERT_EQ(test, t->nr, 5U);
	KUNIT_EXPECT_STREQ(test, t->e[3].path, "/e");
	KUNIT_EXPECT_STREQ(test, t->e[4].path, "/mutable");
	KUNIT_EXPECT_STREQ(test, find_id(t, 50), "/mutable");
}

/* Distinct ids for i < n (n prime), in no order, above 32 bits, never 0. */
static u64 scrambled(unsigned int i, unsigned int n)
{
	return (u64)((i * 97) % n + 1) << 32 | (i & 3);
}

static void tcpka_table_apply_indexes_ids(struct kunit *test)
{
	/* Ids wider than 32 bits, the extremes, sets in a scrambled order. */
	const unsigned int n = 257;
	struct tcpka_op *ops = kunit_kmalloc_array(test, n + 40, sizeof(*ops),
						   GFP_KERNEL);
	char (*paths)[16] = kunit_kmalloc_array(test, n, 16, GFP_KERNEL);
	struct tcpka_table *t;
	unsigned int i, nr = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, paths);
	for (i = 0; i < n; i++) {
		snprintf(paths[i], 16, "/p%u", (i * 89) % n);
		ops[nr++] = op_set(paths[i], scrambled(i, n), i + 1);
	}
	ops[nr++] = op_set("/max", U64_MAX, 1);
	ops[nr++] = op_set("/pending", 0, 1);
	for (i = 1; i < 7 * 36; i += 7)				/* 36 dels */
		ops[nr++] = op_del(paths[i]);
	t = apply_ok(test, NULL, ops, nr);
	KUNIT_EXPECT_EQ(test, t->nr, n + 2 - 36);
	KUNIT_EXPECT_EQ(test, t->nr_bound, n + 1 - 36);
	expect_consistent(test, t);
	KUNIT_EXPECT_STREQ(test, find_id(t, U64_MAX), "/max");
	for (i = 0; i < t->nr; i++) {
		if (!t->e[i].cgid)
			continue;
		KUNIT_EXPECT_PTR_EQ(test, tcpka_table_find(t, t->e[i].cgid),
				    (const struct tcpka_entry *)&t->e[i]);
		KUNIT_EXPECT_PTR_EQ(test, tcpka_table_find_path(t, t->e[i].path),
				    (const struct tcpka_entry *)&t->e[i]);
	}
}

/* @nr sets of distinct paths /many0, /many1, ... */
static struct tcpka_op *many_sets(struct kunit *test, unsigned int nr)
{
	struct tcpka_op *ops = kunit_kmalloc_array(test, nr, sizeof(*ops),
						   GFP_KERNEL);
	char (*paths)[16] = kunit_kmalloc_array(test, nr, 16, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, paths);
	for (i = 0; i < nr; i++) {
		snprintf(paths[i], 16, "/many%u", i);
		ops[i] = op_set(paths[i], i % 2 ? 1000 + i : 0, 1);
	}
	return ops;
}

static void tcpka_table_apply_rejects_more_than_max(struct kunit *test)
{
	struct tcpka_op *ops = many_sets(test, TCPKA_POLICIES_MAX + 1);
	struct tcpka_op more[2];
	struct tcpka_table *full;

	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, NULL, ops,
					    TCPKA_POLICIES_MAX + 1)), -ENOSPC);

	full = apply_ok(test, NULL, ops, TCPKA_POLICIES_MAX);
	KUNIT_ASSERT_EQ(test, full->nr, (unsigned int)TCPKA_POLICIES_MAX);
	expect_consistent(test, full);

	/* One more path does not fit, pending or not, first or last. */
	more[0] = op_set("/", 1, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, full, more, 1)), -ENOSPC);
	more[0] = op_set("/zzz", 0, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, full, more, 1)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, full->nr, (unsigned int)TCPKA_POLICIES_MAX);

	/* Replacing one does, and so does a new one after a del. */
	more[0] = op_set("/many7", 2, 2);
	KUNIT_EXPECT_EQ(test, apply_ok(test, full, more, 1)->nr,
			(unsigned int)TCPKA_POLICIES_MAX);
	more[0] = op_del("/many7");
	more[1] = op_set("/one-more", 1, 1);
	KUNIT_EXPECT_EQ(test, apply_ok(test, full, more, 2)->nr,
			(unsigned int)TCPKA_POLICIES_MAX);
}

static void tcpka_table_free_accepts_null(struct kunit *test)
{
	tcpka_table_free(NULL);
}

static void tcpka_table_find_returns_null_when_absent(struct kunit *test)
{
	static const u64 absent[] = {
		0, 9, 11, 19, 21, 31, 1ULL << 32, 10 + (1ULL << 32), U64_MAX,
	};
	const struct tcpka_op none = { .verb = TCPKA_VERB_NONE };
	struct tcpka_table *t = abc(test), *empty = apply_ok(test, NULL, &none, 0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(absent); i++) {
		KUNIT_EXPECT_NULL_MSG(test, tcpka_table_find(t, absent[i]),
				      "cgid %llu", absent[i]);
		KUNIT_EXPECT_NULL(test, tcpka_table_find(empty, absent[i]));
		KUNIT_EXPECT_NULL(test, tcpka_table_find(NULL, absent[i]));
	}
	KUNIT_EXPECT_NULL(test, tcpka_table_find_path(t, "/"));
	KUNIT_EXPECT_NULL(test, tcpka_table_find_path(t, "/a/"));
	KUNIT_EXPECT_NULL(test, tcpka_table_find_path(t, "/aa"));
	KUNIT_EXPECT_NULL(test, tcpka_table_find_path(NULL, "/a"));
	KUNIT_EXPECT_NULL(test, tcpka_table_find_path(empty, "/a"));
}

static void tcpka_table_bind_late_binds(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set("/later", 0, 5), op_set("/now", 7, 1),
	};
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops)), *n;
	const struct tcpka_entry *e = tcpka_table_find_path(t, "/later");
	struct tcpka_op none = { .verb = TCPKA_VERB_NONE };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_NULL(test, find_id(t, 42));
	KUNIT_EXPECT_TRUE(test, tcpka_table_bind_late(t, e - t->e, 42));
	KUNIT_EXPECT_STREQ(test, find_id(t, 42), "/later");
	KUNIT_EXPECT_STREQ(test, find_id(t, 7), "/now");
	/* The entry itself is not written: readers see it as it was. */
	KUNIT_EXPECT_EQ(test, e->cgid, 0ULL);

	/* The next table has it in its index, and free slots. */
	n = apply_ok(test, t, &none, 0);
	KUNIT_EXPECT_EQ(test, n->nr_late, 0U);
	KUNIT_EXPECT_EQ(test, tcpka_table_find_path(n, "/later")->cgid, 42ULL);
	KUNIT_EXPECT_STREQ(test, find_id(n, 42), "/later");
	expect_consistent(test, n);

	/* Removed and created again before a new table: the last one. */
	KUNIT_EXPECT_TRUE(test, tcpka_table_bind_late(t, e - t->e, 43));
	n = apply_ok(test, t, &none, 0);
	KUNIT_EXPECT_EQ(test, tcpka_table_find_path(n, "/later")->cgid, 43ULL);

	/* Slots run out; bad arguments bind nothing. */
	for (i = t->nr_late; i < TCPKA_LATE_MAX; i++)
		KUNIT_EXPECT_TRUE(test, tcpka_table_bind_late(t, 1, 100 + i));
	KUNIT_EXPECT_FALSE(test, tcpka_table_bind_late(t, 0, 99));
	KUNIT_EXPECT_NULL(test, find_id(t, 99));
	n = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));
	KUNIT_EXPECT_FALSE(test, tcpka_table_bind_late(n, 2, 99));
	KUNIT_EXPECT_FALSE(test, tcpka_table_bind_late(n, 0, 0));
	KUNIT_EXPECT_EQ(test, n->nr_late, 0U);
}

/*
 * A fake cgroup tree for tcpka_table_resolve():
 *
 *   1 (root)
 *   +- 2 /a
 *   |  +- 3 /a/b
 *   |     +- 4 /a/b/c
 *   +- 5 /d
 */
struct node {
	u64 id;
	const struct node *parent;
};

static const struct node n1 = { 1, NULL };
static const struct node n2 = { 2, &n1 };
static const struct node n3 = { 3, &n2 };
static const struct node n4 = { 4, &n3 };
static const struct node n5 = { 5, &n1 };

static u64 node_id(const void *node)
{
	return ((const struct node *)node)->id;
}

static const void *node_parent(const void *node)
{
	return ((const struct node *)node)->parent;
}

static const char *resolve(struct tcpka_table *t, const struct node *n)
{
	const struct tcpka_entry *e;

	e = tcpka_table_resolve(t, n, node_id, node_parent);
	return e ? e->path : NULL;
}

static void tcpka_table_resolve_finds_nearest_ancestor(struct kunit *test)
{
	const struct tcpka_op ops[] = { op_set("/a", 2, 1), op_set("/", 1, 1) };
	const struct tcpka_op deep = op_set("/a/b", 3, 1);
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_EXPECT_STREQ(test, resolve(t, &n1), "/");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n2), "/a");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n3), "/a");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n4), "/a");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n5), "/");

	t = apply_ok(test, t, &deep, 1);
	KUNIT_EXPECT_STREQ(test, resolve(t, &n4), "/a/b");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n3), "/a/b");
	KUNIT_EXPECT_STREQ(test, resolve(t, &n2), "/a");
}

static void tcpka_table_resolve_skips_pending(struct kunit *test)
{
	/* /a/b's cgroup does not exist (yet): /a/b/c's sockets get /a's. */
	const struct tcpka_op ops[] = {
		op_set("/a", 2, 1), op_set("/a/b", 0, 9),
	};
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_EXPECT_STREQ(test, resolve(t, &n4), "/a");
	KUNIT_EXPECT_TRUE(test, tcpka_table_bind_late(t, 1, 3));
	KUNIT_EXPECT_STREQ(test, resolve(t, &n4), "/a/b");
}

static void tcpka_table_resolve_returns_null_without_match(struct kunit *test)
{
	const struct tcpka_op ops[] = { op_set("/a/b", 3, 1), op_set("/x", 6, 1) };
	const struct tcpka_op none = { .verb = TCPKA_VERB_NONE };
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_EXPECT_NULL(test, resolve(t, &n5));
	KUNIT_EXPECT_NULL(test, resolve(t, &n2));
	KUNIT_EXPECT_NULL(test, resolve(t, &n1));
	KUNIT_EXPECT_NULL(test, resolve(t, NULL));
	KUNIT_EXPECT_NULL(test, resolve(NULL, &n4));
	KUNIT_EXPECT_NULL(test, resolve(apply_ok(test, NULL, &none, 0), &n4));
}

static struct kunit_case tcpka_table_cases[] = {
	KUNIT_CASE(tcpka_table_apply_builds_empty_table),
	KUNIT_CASE(tcpka_table_apply_inserts_by_path),
	KUNIT_CASE(tcpka_table_apply_inserts_into_old),
	KUNIT_CASE(tcpka_table_apply_keeps_pending),
	KUNIT_CASE(tcpka_table_apply_replaces),
	KUNIT_CASE(tcpka_table_apply_one_path_once),
	KUNIT_CASE(tcpka_table_apply_pending_set_keeps_binding),
	KUNIT_CASE(tcpka_table_apply_binds_a_cgroup_once),
	KUNIT_CASE(tcpka_table_apply_deletes_by_path),
	KUNIT_CASE(tcpka_table_apply_deletes_pending),
	KUNIT_CASE(tcpka_table_apply_rejects_del_of_absent),
	KUNIT_CASE(tcpka_table_apply_flushes),
	KUNIT_CASE(tcpka_table_apply_flushes_below_a_root),
	KUNIT_CASE(tcpka_table_apply_ignores_none),
	KUNIT_CASE(tcpka_table_apply_leaves_old_untouched),
	KUNIT_CASE(tcpka_table_apply_owns_paths),
	KUNIT_CASE(tcpka_table_apply_indexes_ids),
	KUNIT_CASE(tcpka_table_apply_rejects_more_than_max),
	KUNIT_CASE(tcpka_table_free_accepts_null),
	KUNIT_CASE(tcpka_table_find_returns_null_when_absent),
	KUNIT_CASE(tcpka_table_bind_late_binds),
	KUNIT_CASE(tcpka_table_resolve_finds_nearest_ancestor),
	KUNIT_CASE(tcpka_table_resolve_skips_pending),
	KUNIT_CASE(tcpka_table_resolve_returns_null_without_match),
	{}
};

static struct kunit_suite tcpka_table_suite = {
	.name = "tcpka_table",
	.test_cases = tcpka_table_cases,
};

kunit_test_suite(tcpka_table_suite);
