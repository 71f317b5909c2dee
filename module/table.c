// SPDX-License-Identifier: GPL-2.0
/*
 * The policy table: an immutable array of policies sorted by path, with an
 * index of the bound ones sorted by cgroup id.
 *
 * A policy is keyed by its cgroup's absolute path and may exist before its
 * cgroup does (pending). A write to the policy file builds a whole new
 * table from the old one and the write's commands, and only then publishes
 * it with RCU; readers never see a half-applied write. Lookups are a
 * binary search per cgroup level.
 *
 * A cgroup created after a table was built is bound to its pending policy
 * at once through the table's few "late" slots (tcpka_table_bind_late(),
 * from the cgroup_mkdir tracepoint), until the next table, built with the
 * binding in its index, replaces this one.
 */

#include <linux/bsearch.h>
#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include "tcpka.h"

static int tcpka_bound_cmp(const void *a, const void *b)
{
	const struct tcpka_bound *x = a, *y = b;

	if (x->cgid != y->cgid)
		return x->cgid < y->cgid ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

static int tcpka_bound_key_cmp(const void *key, const void *elt)
{
	u64 id = *(const u64 *)key;
	const struct tcpka_bound *b = elt;

	if (id < b->cgid)
		return -1;
	return id > b->cgid;
}

const struct tcpka_entry *tcpka_table_find(const struct tcpka_table *t,
					   u64 cgid)
{
	const struct tcpka_bound *b;
	unsigned int i, n;

	if (!t || !t->nr || !cgid)
		return NULL;
	b = bsearch(&cgid, t->by_id, t->nr_bound, sizeof(t->by_id[0]),
		    tcpka_bound_key_cmp);
	if (b)
		return &t->e[b->idx];
	/* Pairs with the release in tcpka_table_bind_late(). */
	n = smp_load_acquire(&t->nr_late);
	for (i = 0; i < n; i++)
		if (t->late[i].cgid == cgid)
			return &t->e[t->late[i].idx];
	return NULL;
}

/* Index of @path in @e[0..nr), or of where it would be inserted. */
static unsigned int tcpka_slot(const struct tcpka_entry *e, unsigned int nr,
			       const char *path, bool *found)
{
	unsigned int lo = 0, hi = nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (strcmp(e[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < nr && !strcmp(e[lo].path, path);
	return lo;
}

const struct tcpka_entry *tcpka_table_find_path(const struct tcpka_table *t,
						const char *path)
{
	unsigned int at;
	bool found;

	if (!t || !t->nr)
		return NULL;
	at = tcpka_slot(t->e, t->nr, path, &found);
	return found ? &t->e[at] : NULL;
}

/**
 * tcpka_table_resolve - the policy of a node or of its nearest ancestor
 * @t: the table (may be NULL)
 * @node: the starting node (a cgroup in the module)
 * @id_of: returns a node's id
 * @parent_of: returns a node's parent, NULL above the root
 */
const struct tcpka_entry *
tcpka_table_resolve(const struct tcpka_table *t, const void *node,
		    u64 (*id_of)(const void *node),
		    const void *(*parent_of)(const void *node))
{
	const struct tcpka_entry *e;

	if (!t || !t->nr)
		return NULL;
	for (; node; node = parent_of(node)) {
		e = tcpka_table_find(t, id_of(node));
		if (e)
			return e;
	}
	return NULL;
}

/**
 * tcpka_table_bind_late - bind a published table's entry to a new cgroup
 * @t: the table
 * @idx: the entry (pending, or bound to a cgroup since removed)
 * @cgid: the cgroup now at its path
 *
 * Context: one caller at a time (the cgroup_mkdir tracepoint, under
 * cgroup_mutex); lookups run meanwhile. Return: false when the table has
 * no late slot left (the next table has the binding).
 */
bool tcpka_table_bind_late(struct tcpka_table *t, unsigned int idx, u64 cgid)
{
	unsigned int n = t->nr_late;

	if (n >= TCPKA_LATE_MAX || idx >= t->nr || !cgid)
		return false;
	t->late[n].cgid = cgid;
	t->late[n].idx = idx;
	/* The slot before the count that shows it (tcpka_table_find()). */
	smp_store_release(&t->nr_late, n + 1);
	return true;
}

void tcpka_table_free(struct tcpka_table *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->nr; i++)
		kfree(t->e[i].path);
	kvfree(t);
}

/* A cgroup is at one path: a set that binds @cgid unbinds any other entry. */
static void tcpka_unbind_others(struct tcpka_table *t, unsigned int at,
				u64 cgid)
{
	unsigned int i;

	if (!cgid)
		return;
	for (i = 0; i < t->nr; i++)
		if (i != at && t->e[i].cgid == cgid)
			t->e[i].cgid = 0;
}

static void tcpka_build_index(struct tcpka_table *t)
{
	unsigned int i;

	t->nr_bound = 0;
	for (i = 0; i < t->nr; i++) {
		if (!t->e[i].cgid)
			continue;
		t->by_id[t->nr_bound].cgid = t->e[i].cgid;
		t->by_id[t->nr_bound].idx = i;
		t->nr_bound++;
	}
	sort(t->by_id, t->nr_bound, sizeof(t->by_id[0]), tcpka_bound_cmp,
	     NULL);
}

/**
 * tcpka_table_apply - a new table: @old with @ops applied in order
 * @old: the current table, or NULL for an empty one; never modified
 * @ops: resolved commands (absolute, canonical paths)
 * @nr_ops: how many
 * @gfp: allocation flags
 *
 * The late bindings of @old become ordinary ones. A set of a path that has
 * a policy replaces it; a set whose cgroup exists binds it. A flush
 * removes the policies at or below its path (NULL or "/": all of them).
 *
 * Return: the new table, or ERR_PTR(-ENOENT) when a del names a path with
 * no policy, ERR_PTR(-ENOSPC) past TCPKA_POLICIES_MAX, ERR_PTR(-ENOMEM).
 */
struct tcpka_table *tcpka_table_apply(const struct tcpka_table *old,
				      const struct tcpka_op *ops,
				      unsigned int nr_ops, gfp_t gfp)
{
	unsigned int cap = old ? old->nr : 0, i, at, n;
	struct tcpka_table *t;
	size_t size;
	bool found;
	int err;

	/* Worst case every op is a new set. */
	for (i = 0; i < nr_ops; i++)
		cap += ops[i].verb == TCPKA_VERB_SET;
	cap = min_t(unsigned int, cap, TCPKA_POLICIES_MAX + 1);

	size = size_add(struct_size(t, e, cap),
			array_size(cap, sizeof(struct tcpka_bound)));
	t = kvzalloc(size, gfp);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->by_id = (struct tcpka_bound *)&t->e[cap];
	if (old) {
		for (i = 0; i < old->nr; i++) {
			t->e[i] = old->e[i];
			t->e[i].path = kstrdup(old->e[i].path, gfp);
			if (!t->e[i].path) {
				t->nr = i;
				err = -ENOMEM;
				goto fail;
			}
		}
		t->nr = old->nr;
		/* Pairs with the release in tcpka_table_bind_late(). */
		n = smp_load_acquire(&old->nr_late);
		for (i = 0; i < n; i++) {
			tcpka_unbind_others(t, old->late[i].idx,
					    old->late[i].cgid);
			t->e[old->late[i].idx].cgid = old->late[i].cgid;
		}
	}

	for (i = 0; i < nr_ops; i++) {
		const struct tcpka_op *op = &ops[i];
		char *path;

		switch (op->verb) {
		case TCPKA_VERB_SET:
			at = tcpka_slot(t->e, t->nr, op->path, &found);
			if (!found) {
				if (t->nr >= TCPKA_POLICIES_MAX) {
					err = -ENOSPC;
					goto fail;
				}
				path = kstrdup(op->path, gfp);
				if (!path) {
					err = -ENOMEM;
					goto fail;
				}
				memmove(&t->e[at + 1], &t->e[at],
					(t->nr - at) * sizeof(t->e[0]));
				t->nr++;
				t->e[at].path = path;
			}
			/*
			 * No cgroup at the path now (0) keeps a binding the
			 * table has: one made since the lookup (a late one);
			 * the resync after the write settles it.
			 */
			if (op->cgid || op->exact || !found)
				t->e[at].cgid = op->cgid;
			t->e[at].pol = op->pol;
			tcpka_unbind_others(t, at, op->cgid);
			break;
		case TCPKA_VERB_DEL:
			at = tcpka_slot(t->e, t->nr, op->path, &found);
			if (!found) {
				err = -ENOENT;
				goto fail;
			}
			kfree(t->e[at].path);
			memmove(&t->e[at], &t->e[at + 1],
				(t->nr - at - 1) * sizeof(t->e[0]));
			t->nr--;
			break;
		case TCPKA_VERB_FLUSH:
			/* Every policy at or below @op->path (NULL: all). */
			for (at = 0, n = 0; at < t->nr; at++) {
				if (op->path && !tcpka_path_in(t->e[at].path,
							       op->path)) {
					t->e[n++] = t->e[at];
					continue;
				}
				kfree(t->e[at].path);
			}
			t->nr = n;
			break;
		default:
			break;
		}
	}
	tcpka_build_index(t);
	return t;

fail:
	tcpka_table_free(t);
	return ERR_PTR(err);
}
