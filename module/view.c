// SPDX-License-Identifier: GPL-2.0
/*
 * What a reader of the tcpka files sees: paths as its cgroup namespace
 * shows them, and nothing outside it.
 *
 * Policies are stored with the absolute path of their cgroup (as the
 * initial cgroup namespace sees it). A writer's path is taken relative to
 * the root of the writer's cgroup namespace; a reader's files print only
 * the policies, rows and sockets whose cgroup is at or below the root of
 * the reader's cgroup namespace, relative to it, as /proc/PID/cgroup does.
 * Cgroups are matched by ancestry (cgroup_is_descendant()), policies, which
 * may have no cgroup, by path. The namespace is the reading task's at the
 * time of the read (as for /proc/self/cgroup); the right to see the policy
 * table is the opener's (CAP_NET_ADMIN in the initial user namespace, as
 * for writes).
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/kernfs.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "tcpka_mod.h"

/* The root of current's cgroup namespace in the default hierarchy. */
static struct cgroup *tcpka_ns_root_cgroup(void)
{
	return current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
}

/*
 * A cgroup's path from @from (NULL: the hierarchy's root). kernfs returns
 * the length it wrote when the buffer is too short: a path that fills it
 * counts as too long.
 */
static int tcpka_kn_path(struct cgroup *cgrp, struct cgroup *from, char *buf,
			 size_t len)
{
	int n = kernfs_path_from_node(cgrp->kn, from ? from->kn : NULL, buf,
				      len);

	return n < 0 || n >= len - 1 ? -ENAMETOOLONG : n;
}

/**
 * tcpka_ns_root - the absolute path of the root of current's cgroup
 *	namespace (in the default hierarchy)
 * @buf: output
 * @len: its size
 *
 * Context: process (a read or write of a tcpka file).
 * Return: 0, or -ENAMETOOLONG.
 */
int tcpka_ns_root(char *buf, size_t len)
{
	int n = tcpka_kn_path(tcpka_ns_root_cgroup(), NULL, buf, len);

	return n < 0 ? n : 0;
}

/**
 * tcpka_view_get - the view of the task reading @file
 * @file: the file being read
 *
 * Return: a view to give back with tcpka_view_put(), or NULL (no memory).
 */
struct tcpka_view *tcpka_view_get(const struct file *file)
{
	struct tcpka_view *v = kvmalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return NULL;
	v->cgrp = tcpka_ns_root_cgroup();
	cgroup_get(v->cgrp);
	/*
	 * A root whose path does not fit shows no policy (policy paths are
	 * at most TCPKA_PATH_MAX); its cgroups are still found by ancestry.
	 */
	v->root_ok = !tcpka_ns_root(v->root, sizeof(v->root));
	v->admin = file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN);
	return v;
}

void tcpka_view_put(struct tcpka_view *v)
{
	if (!v)
		return;
	cgroup_put(v->cgrp);
	kvfree(v);
}

/**
 * tcpka_view_path - a policy's path as a view shows it
 * @v: the view
 * @path: absolute, canonical
 *
 * Return: the path relative to the view's root, or NULL outside it.
 */
const char *tcpka_view_path(const struct tcpka_view *v, const char *path)
{
	return v->root_ok ? tcpka_path_in(path, v->root) : NULL;
}

/**
 * tcpka_view_cgroup - a cgroup's path as a view shows it, escaped
 * @v: the view
 * @b: buffers (the result points into them)
 * @cgrp: the cgroup
 *
 * Context: any; sleeps never.
 * Return: the path, or NULL when the cgroup is outside the view (or its
 * path is too long to print).
 */
const char *tcpka_view_cgroup(const struct tcpka_view *v,
			      struct tcpka_rowbuf *b, struct cgroup *cgrp)
{
	if (!cgroup_is_descendant(cgrp, v->cgrp) ||
	    tcpka_kn_path(cgrp, v->cgrp, b->path, sizeof(b->path)) < 0)
		return NULL;
	return tcpka_escape(b, b->path);
}
