// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tcpka_table: tcpka_table_apply(), tcpka_table_find(),
 * tcpka_table_resolve() and tcpka_table_free().
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

static struct tcpka_op op_set(u64 cgid, const char *path, u32 idle)
{
	return (struct tcpka_op){
		.verb = TCPKA_VERB_SET, .cgid = cgid, .path = path,
		.pol = { .has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = idle },
	};
}

static struct tcpka_op op_del(u64 cgid)
{
	return (struct tcpka_op){ .verb = TCPKA_VERB_DEL, .cgid = cgid };
}

static struct tcpka_op op_flush(void)
{
	return (struct tcpka_op){ .verb = TCPKA_VERB_FLUSH };
}

/* The table holds exactly @cgids (ascending), and entries are consistent. */
static void expect_cgids(struct kunit *test, const struct tcpka_table *t,
			 const u64 *cgids, unsigned int nr)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, t->nr, nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->e[i].cgid, cgids[i], "entry %u", i);
}

static void expect_sorted(struct kunit *test, const struct tcpka_table *t)
{
	unsigned int i;

	for (i = 1; i < t->nr; i++)
		KUNIT_EXPECT_LT_MSG(test, t->e[i - 1].cgid, t->e[i].cgid,
				    "entries %u and %u", i - 1, i);
}

/* A table of cgids 10, 20, 30 with paths /a, /b, /c and idle 1, 2, 3. */
static struct tcpka_table *abc(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set(20, "/b", 2), op_set(30, "/c", 3), op_set(10, "/a", 1),
	};

	return apply_ok(test, NULL, ops, ARRAY_SIZE(ops));
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
}

static void tcpka_table_apply_inserts(struct kunit *test)
{
	static const u64 want[] = { 10, 20, 30 };
	struct tcpka_table *t = abc(test);
	unsigned int i;

	expect_cgids(test, t, want, ARRAY_SIZE(want));
	for (i = 0; i < t->nr; i++) {
		char path[] = { '/', 'a' + i, '\0' };

		KUNIT_EXPECT_STREQ(test, t->e[i].path, path);
		KUNIT_EXPECT_EQ(test, t->e[i].pol.has, TCPKA_HAS(TCPKA_KEY_IDLE));
		KUNIT_EXPECT_EQ(test, t->e[i].pol.idle, i + 1);
	}
}

static void tcpka_table_apply_inserts_into_old(struct kunit *test)
{
	static const u64 want[] = { 5, 10, 15, 20, 30, 31 };
	const struct tcpka_op ops[] = {
		op_set(31, "/z", 9), op_set(15, "/y", 8), op_set(5, "/x", 7),
	};
	struct tcpka_table *t = apply_ok(test, abc(test), ops, ARRAY_SIZE(ops));

	expect_cgids(test, t, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/x");
	KUNIT_EXPECT_STREQ(test, t->e[2].path, "/y");
	KUNIT_EXPECT_STREQ(test, t->e[5].path, "/z");
	KUNIT_EXPECT_STREQ(test, t->e[1].path, "/a");
}

static void tcpka_table_apply_replaces(struct kunit *test)
{
	static const u64 want[] = { 10, 20, 30 };
	struct tcpka_op op = {
		.verb = TCPKA_VERB_SET, .cgid = 20, .path = "/renamed",
		.pol = { .has = TCPKA_HAS(TCPKA_KEY_CNT) |
			 TCPKA_HAS(TCPKA_KEY_MODE),
			 .cnt = 5, .mode = TCPKA_MODE_FORCE },
	};
	struct tcpka_table *t = apply_ok(test, abc(test), &op, 1);

	expect_cgids(test, t, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_STREQ(test, t->e[1].path, "/renamed");
	/* The whole policy is replaced: idle does not survive. */
	KUNIT_EXPECT_EQ(test, t->e[1].pol.has, op.pol.has);
	KUNIT_EXPECT_EQ(test, t->e[1].pol.cnt, 5U);
	KUNIT_EXPECT_EQ(test, t->e[1].pol.mode, (u32)TCPKA_MODE_FORCE);
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/a");
	KUNIT_EXPECT_STREQ(test, t->e[2].path, "/c");
}

static void tcpka_table_apply_replaces_within_one_write(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set(7, "/first", 1), op_set(7, "/second", 2),
		op_set(7, "/third", 3),
	};
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	KUNIT_ASSERT_EQ(test, t->nr, 1U);
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/third");
	KUNIT_EXPECT_EQ(test, t->e[0].pol.idle, 3U);
}

static void tcpka_table_apply_deletes(struct kunit *test)
{
	static const u64 mid[] = { 10, 30 }, last[] = { 10 };
	struct tcpka_op del = op_del(20);
	struct tcpka_table *t = apply_ok(test, abc(test), &del, 1);

	expect_cgids(test, t, mid, ARRAY_SIZE(mid));
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/a");
	KUNIT_EXPECT_STREQ(test, t->e[1].path, "/c");
	del = op_del(30);
	t = apply_ok(test, t, &del, 1);
	expect_cgids(test, t, last, ARRAY_SIZE(last));
	del = op_del(10);
	t = apply_ok(test, t, &del, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
}

static void tcpka_table_apply_deletes_what_it_set(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set(7, "/x", 1), op_set(8, "/y", 1), op_del(7),
	};
	static const u64 want[] = { 8 };
	struct tcpka_table *t = apply_ok(test, NULL, ops, ARRAY_SIZE(ops));

	expect_cgids(test, t, want, ARRAY_SIZE(want));
}

static void tcpka_table_apply_rejects_del_of_absent(struct kunit *test)
{
	const struct tcpka_op set_del_del[] = {
		op_set(7, "/x", 1), op_del(7), op_del(7),
	};
	const struct tcpka_op flush_del[] = { op_flush(), op_del(10) };
	struct tcpka_op del = op_del(15);
	struct tcpka_table *old = abc(test);

	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, NULL, &del, 1)), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	del = op_del(0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	del = op_del(U64_MAX);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, &del, 1)), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, set_del_del,
					    ARRAY_SIZE(set_del_del))), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, old, flush_del,
					    ARRAY_SIZE(flush_del))), -ENOENT);
	KUNIT_EXPECT_EQ(test, old->nr, 3U);
}

static void tcpka_table_apply_flushes(struct kunit *test)
{
	const struct tcpka_op flush_set[] = { op_flush(), op_set(40, "/d", 4) };
	const struct tcpka_op set_flush_set[] = {
		op_set(9, "/x", 1), op_flush(), op_set(8, "/y", 1),
	};
	static const u64 d[] = { 40 }, y[] = { 8 };
	struct tcpka_op flush = op_flush();
	struct tcpka_table *t;

	t = apply_ok(test, abc(test), &flush, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	t = apply_ok(test, NULL, &flush, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	t = apply_ok(test, abc(test), flush_set, ARRAY_SIZE(flush_set));
	expect_cgids(test, t, d, ARRAY_SIZE(d));
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/d");
	t = apply_ok(test, abc(test), set_flush_set, ARRAY_SIZE(set_flush_set));
	expect_cgids(test, t, y, ARRAY_SIZE(y));
}

static void tcpka_table_apply_ignores_none(struct kunit *test)
{
	static const u64 want[] = { 10, 20, 30 };
	const struct tcpka_op ops[] = {
		{ .verb = TCPKA_VERB_NONE, .cgid = 20, .path = "/ignored" },
		{ .verb = TCPKA_VERB_NONE, .cgid = 99 },
	};
	struct tcpka_table *t = apply_ok(test, abc(test), ops, ARRAY_SIZE(ops));

	expect_cgids(test, t, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_STREQ(test, t->e[1].path, "/b");
}

/* A deep copy of what a table holds, to compare against later. */
struct snapshot {
	unsigned int nr;
	u64 cgid[3];
	const char *path[3];
	char text[3][8];
	struct tcpka_policy pol[3];
};

static void take(const struct tcpka_table *t, struct snapshot *s)
{
	unsigned int i;

	s->nr = t->nr;
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
	for (i = 0; i < t->nr; i++) {
		KUNIT_EXPECT_EQ(test, t->e[i].cgid, s->cgid[i]);
		KUNIT_EXPECT_PTR_EQ(test, (const char *)t->e[i].path, s->path[i]);
		KUNIT_EXPECT_STREQ(test, t->e[i].path, s->text[i]);
		KUNIT_EXPECT_EQ(test, memcmp(&t->e[i].pol, &s->pol[i],
					     sizeof(s->pol[i])), 0);
	}
}

static void tcpka_table_apply_leaves_old_untouched(struct kunit *test)
{
	const struct tcpka_op writes[][3] = {
		{ op_set(20, "/new", 9), op_set(25, "/ins", 9), op_del(10) },
		{ op_flush(), op_set(1, "/one", 1), op_set(30, "/cc", 3) },
		{ op_del(30), op_del(20), op_del(10) },
		{ op_set(40, "/d", 4), op_del(20), op_del(20) },	/* fails */
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
	struct tcpka_op op = op_set(50, path, 5);
	struct tcpka_table *old, *t;
	unsigned int i;

	old = apply_ok(test, abc(test), &op, 1);
	KUNIT_ASSERT_EQ(test, old->nr, 4U);
	KUNIT_EXPECT_PTR_NE(test, (const char *)old->e[3].path,
			    (const char *)path);
	path[1] = 'X';
	KUNIT_EXPECT_STREQ(test, old->e[3].path, "/mutable");

	/* The new table's paths outlive the old table. */
	op = op_set(60, "/e", 6);
	t = apply_ok(test, old, &op, 1);
	for (i = 0; i < old->nr; i++)
		KUNIT_EXPECT_PTR_NE(test, (const char *)t->e[i].path,
				    (const char *)old->e[i].path);
	drop(test, old);
	KUNIT_ASSERT_EQ(test, t->nr, 5U);
	KUNIT_EXPECT_STREQ(test, t->e[0].path, "/a");
	KUNIT_EXPECT_STREQ(test, t->e[1].path, "/b");
	KUNIT_EXPECT_STREQ(test, t->e[2].path, "/c");
	KUNIT_EXPECT_STREQ(test, t->e[3].path, "/mutable");
	KUNIT_EXPECT_STREQ(test, t->e[4].path, "/e");
}

/* Distinct ids for i < n (n prime), in no order, above 32 bits, never 0. */
static u64 scrambled(unsigned int i, unsigned int n)
{
	return (u64)((i * 97) % n + 1) << 32 | (i & 3);
}

static void tcpka_table_apply_keeps_cgids_sorted(struct kunit *test)
{
	/* Ids wider than 32 bits, the extremes, and sets in a scrambled order. */
	const unsigned int n = 257;
	struct tcpka_op *ops = kunit_kmalloc_array(test, n + 40, sizeof(*ops),
						   GFP_KERNEL);
	const struct tcpka_entry *e;
	struct tcpka_table *t;
	unsigned int i, nr = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	for (i = 0; i < n; i++)
		ops[nr++] = op_set(scrambled(i, n), "/p", i + 1);
	ops[nr++] = op_set(U64_MAX, "/max", 1);
	ops[nr++] = op_set(0, "/zero", 1);
	ops[nr++] = op_set(scrambled(0, n), "/again", 1);	/* a replace */
	for (i = 1; i < 7 * 36; i += 7)				/* 36 dels */
		ops[nr++] = op_del(scrambled(i, n));
	t = apply_ok(test, NULL, ops, nr);
	KUNIT_EXPECT_EQ(test, t->nr, n + 2 - 36);
	expect_sorted(test, t);
	KUNIT_EXPECT_EQ(test, t->e[0].cgid, 0ULL);
	KUNIT_EXPECT_EQ(test, t->e[t->nr - 1].cgid, U64_MAX);
	e = tcpka_table_find(t, scrambled(0, n));
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_STREQ(test, e->path, "/again");
	for (i = 0; i < t->nr; i++)
		KUNIT_EXPECT_PTR_EQ(test, tcpka_table_find(t, t->e[i].cgid),
				    (const struct tcpka_entry *)&t->e[i]);
}

/* @nr sets of distinct cgids 1000, 1001, ... */
static struct tcpka_op *many_sets(struct kunit *test, unsigned int nr)
{
	struct tcpka_op *ops = kunit_kmalloc_array(test, nr, sizeof(*ops),
						   GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	for (i = 0; i < nr; i++)
		ops[i] = op_set(1000 + i, "/many", 1);
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
	expect_sorted(test, full);

	/* One more new cgroup does not fit, below or above the others. */
	more[0] = op_set(1, "/one-more", 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, full, more, 1)), -ENOSPC);
	more[0] = op_set(U64_MAX, "/one-more", 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(apply(test, full, more, 1)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, full->nr, (unsigned int)TCPKA_POLICIES_MAX);

	/* Replacing one does, and so does a new one after a del. */
	more[0] = op_set(1000, "/replaced", 2);
	KUNIT_EXPECT_EQ(test, apply_ok(test, full, more, 1)->nr,
			(unsigned int)TCPKA_POLICIES_MAX);
	more[0] = op_del(1000);
	more[1] = op_set(1, "/one-more", 1);
	KUNIT_EXPECT_EQ(test, apply_ok(test, full, more, 2)->nr,
			(unsigned int)TCPKA_POLICIES_MAX);
}

static void tcpka_table_free_accepts_null(struct kunit *test)
{
	tcpka_table_free(NULL);
}

static void tcpka_table_find_finds_entries(struct kunit *test)
{
	const struct tcpka_op ops[] = {
		op_set(1, "/1", 1), op_set(1 + (1ULL << 32), "/wide", 1),
		op_set(U64_MAX, "/max", 1), op_set(0, "/0", 1),
	};
	struct tcpka_table *t = apply_ok(test, abc(test), ops, ARRAY_SIZE(ops));
	const struct tcpka_entry *e;
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		e = tcpka_table_find(t, t->e[i].cgid);
		KUNIT_EXPECT_PTR_EQ(test, e, (const struct tcpka_entry *)&t->e[i]);
	}
	e = tcpka_table_find(t, 20);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_STREQ(test, e->path, "/b");
	e = tcpka_table_find(t, 1 + (1ULL << 32));
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_STREQ(test, e->path, "/wide");
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
	const struct tcpka_op ops[] = { op_set(2, "/a", 1), op_set(1, "/", 1) };
	const struct tcpka_op deep = op_set(3, "/a/b", 1);
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

static void tcpka_table_resolve_returns_null_without_match(struct kunit *test)
{
	const struct tcpka_op ops[] = { op_set(3, "/a/b", 1), op_set(6, "/x", 1) };
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
	KUNIT_CASE(tcpka_table_apply_inserts),
	KUNIT_CASE(tcpka_table_apply_inserts_into_old),
	KUNIT_CASE(tcpka_table_apply_replaces),
	KUNIT_CASE(tcpka_table_apply_replaces_within_one_write),
	KUNIT_CASE(tcpka_table_apply_deletes),
	KUNIT_CASE(tcpka_table_apply_deletes_what_it_set),
	KUNIT_CASE(tcpka_table_apply_rejects_del_of_absent),
	KUNIT_CASE(tcpka_table_apply_flushes),
	KUNIT_CASE(tcpka_table_apply_ignores_none),
	KUNIT_CASE(tcpka_table_apply_leaves_old_untouched),
	KUNIT_CASE(tcpka_table_apply_owns_paths),
	KUNIT_CASE(tcpka_table_apply_keeps_cgids_sorted),
	KUNIT_CASE(tcpka_table_apply_rejects_more_than_max),
	KUNIT_CASE(tcpka_table_free_accepts_null),
	KUNIT_CASE(tcpka_table_find_finds_entries),
	KUNIT_CASE(tcpka_table_find_returns_null_when_absent),
	KUNIT_CASE(tcpka_table_resolve_finds_nearest_ancestor),
	KUNIT_CASE(tcpka_table_resolve_returns_null_without_match),
	{}
};

static struct kunit_suite tcpka_table_suite = {
	.name = "tcpka_table",
	.test_cases = tcpka_table_cases,
};

kunit_test_suite(tcpka_table_suite);
