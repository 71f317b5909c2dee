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
 * The namespace is the reading task's at the time of the read (as for
 * /proc/self/cgroup); the right to see the policy table is the opener's
 * (CAP_NET_ADMIN in the initial user namespace, as for writes).
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "tcpka_mod.h"

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
	struct cgroup_namespace *ns = current->nsproxy->cgroup_ns;
	int n;

	n = cgroup_path(ns->root_cset->dfl_cgrp, buf, len);
	return n < 0 || n >= len ? -ENAMETOOLONG : 0;
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
	if (tcpka_ns_root(v->root, sizeof(v->root))) {
		kvfree(v);
		return NULL;
	}
	v->admin = file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN);
	return v;
}

void tcpka_view_put(struct tcpka_view *v)
{
	kvfree(v);
}

/**
 * tcpka_view_cgroup - a cgroup's path as a view shows it, escaped
 * @v: the view
 * @b: buffers (the result points into them)
 * @cgrp: the cgroup
 *
 * Context: any; sleeps never.
 * Return: the path, or NULL when the cgroup is outside the view.
 */
const char *tcpka_view_cgroup(const struct tcpka_view *v,
			      struct tcpka_rowbuf *b, struct cgroup *cgrp)
{
	const char *rel;
	int n;

	n = cgroup_path(cgrp, b->path, sizeof(b->path));
	if (n < 0 || n >= sizeof(b->path))
		return NULL;
	rel = tcpka_path_in(b->path, v->root);
	return rel ? tcpka_escape(b, rel) : NULL;
}
