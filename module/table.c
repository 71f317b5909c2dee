// SPDX-License-Identifier: GPL-2.0
/*
 * The policy table: an immutable array of policies sorted by cgroup id.
 *
 * A write to the policy file builds a whole new table from the old one and
 * the write's commands, and only then publishes it with RCU; readers never
 * see a half-applied write. Lookups are a binary search per cgroup level.
 */

#include <linux/bsearch.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "tcpka.h"

static int tcpka_entry_cmp(const void *key, const void *elt)
{
	u64 id = *(const u64 *)key;
	const struct tcpka_entry *e = elt;

	if (id < e->cgid)
		return -1;
	return id > e->cgid;
}

const struct tcpka_entry *tcpka_table_find(const struct tcpka_table *t,
					   u64 cgid)
{
	if (!t || !t->nr)
		return NULL;
	return bsearch(&cgid, t->e, t->nr, sizeof(t->e[0]), tcpka_entry_cmp);
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

void tcpka_table_free(struct tcpka_table *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->nr; i++)
		kfree(t->e[i].path);
	kvfree(t);
}

/* Index of @cgid in @e[0..nr), or of where it would be inserted. */
static unsigned int tcpka_slot(const struct tcpka_entry *e, unsigned int nr,
			       u64 cgid, bool *found)
{
	unsigned int lo = 0, hi = nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (e[mid].cgid < cgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < nr && e[lo].cgid == cgid;
	return lo;
}

/**
 * tcpka_table_apply - a new table: @old with @ops applied in order
 * @old: the current table, or NULL for an empty one; never modified
 * @ops: resolved commands
 * @nr_ops: how many
 * @gfp: allocation flags
 *
 * Return: the new table, or ERR_PTR(-ENOENT) when a del names a cgroup with
 * no policy, ERR_PTR(-ENOSPC) past TCPKA_POLICIES_MAX, ERR_PTR(-ENOMEM).
 */
struct tcpka_table *tcpka_table_apply(const struct tcpka_table *old,
				      const struct tcpka_op *ops,
				      unsigned int nr_ops, gfp_t gfp)
{
	unsigned int cap = old ? old->nr : 0, i, at;
	struct tcpka_table *t;
	bool found;
	int err;

	/* Worst case every op is a new set. */
	for (i = 0; i < nr_ops; i++)
		cap += ops[i].verb == TCPKA_VERB_SET;
	cap = min_t(unsigned int, cap, TCPKA_POLICIES_MAX + 1);

	t = kvzalloc(struct_size(t, e, cap), gfp);
	if (!t)
		return ERR_PTR(-ENOMEM);
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
	}

	for (i = 0; i < nr_ops; i++) {
		const struct tcpka_op *op = &ops[i];
		char *path;

		switch (op->verb) {
		case TCPKA_VERB_SET:
			path = kstrdup(op->path, gfp);
			if (!path) {
				err = -ENOMEM;
				goto fail;
			}
			at = tcpka_slot(t->e, t->nr, op->cgid, &found);
			if (found) {
				kfree(t->e[at].path);
			} else {
				if (t->nr >= TCPKA_POLICIES_MAX) {
					kfree(path);
					err = -ENOSPC;
					goto fail;
				}
				memmove(&t->e[at + 1], &t->e[at],
					(t->nr - at) * sizeof(t->e[0]));
				t->nr++;
			}
			t->e[at].cgid = op->cgid;
			t->e[at].path = path;
			t->e[at].pol = op->pol;
			break;
		case TCPKA_VERB_DEL:
			at = tcpka_slot(t->e, t->nr, op->cgid, &found);
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
			while (t->nr)
				kfree(t->e[--t->nr].path);
			break;
		default:
			break;
		}
	}
	return t;

fail:
	tcpka_table_free(t);
	return ERR_PTR(err);
}
