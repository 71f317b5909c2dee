// SPDX-License-Identifier: GPL-2.0
/*
 * The policy table and /proc/net/tcpka/policy.
 *
 * Policies are global: every network namespace's policy file shows and
 * edits the same table (as its reader's cgroup namespace shows it, see
 * view.c). A write is parsed and every path resolved before anything
 * changes; then a new table is built and published with RCU under
 * tcpka_policy_mutex. Lookups from the hooks take no lock.
 *
 * A policy is keyed by its cgroup's absolute path, and bound to the cgroup
 * at that path while there is one; without one it is pending. A cgroup
 * created at a pending policy's path gets it at once (the cgroup_mkdir
 * tracepoint binds it in the published table, tcpka_table_bind_late()),
 * before any process can be moved into it; a removed one leaves its
 * policy pending (cgroup_rmdir). Either schedules tcpka_resync_work, which
 * builds the next table with every path resolved again, and logs one line
 * per policy whose cgroup came or went.
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "tcpka_mod.h"

/*
 * Module parameters: the default policy of the root cgroup. A value that
 * does not parse fails insmod with -EINVAL, as a bad policy write does;
 * tcpka_param_policy() then checks the bounds.
 */
static int tcpka_param_set_uint(const char *val, const struct kernel_param *kp)
{
	return param_set_uint(val, kp) ? -EINVAL : 0;
}

static int tcpka_param_set_int(const char *val, const struct kernel_param *kp)
{
	return param_set_int(val, kp) ? -EINVAL : 0;
}

static const struct kernel_param_ops tcpka_param_uint_ops = {
	.set = tcpka_param_set_uint,
	.get = param_get_uint,
};

static const struct kernel_param_ops tcpka_param_int_ops = {
	.set = tcpka_param_set_int,
	.get = param_get_int,
};

static unsigned int idle;
module_param_cb(idle, &tcpka_param_uint_ops, &idle, 0444);
__MODULE_PARM_TYPE(idle, "uint");
MODULE_PARM_DESC(idle, "Root cgroup policy: idle time before the first probe, seconds (1-32767; 0: not set)");

static unsigned int intvl;
module_param_cb(intvl, &tcpka_param_uint_ops, &intvl, 0444);
__MODULE_PARM_TYPE(intvl, "uint");
MODULE_PARM_DESC(intvl, "Root cgroup policy: interval between probes, seconds (1-32767; 0: not set)");

static unsigned int cnt;
module_param_cb(cnt, &tcpka_param_uint_ops, &cnt, 0444);
__MODULE_PARM_TYPE(cnt, "uint");
MODULE_PARM_DESC(cnt, "Root cgroup policy: unanswered probes before the connection is dropped (1-127; 0: not set)");

static int user_timeout = -1;
module_param_cb(user_timeout, &tcpka_param_int_ops, &user_timeout, 0444);
__MODULE_PARM_TYPE(user_timeout, "int");
MODULE_PARM_DESC(user_timeout, "Root cgroup policy: TCP_USER_TIMEOUT, milliseconds (0-2147483647; -1: not set)");

static int addr_loss = -1;
module_param_cb(addr_loss, &tcpka_param_int_ops, &addr_loss, 0444);
__MODULE_PARM_TYPE(addr_loss, "int");
MODULE_PARM_DESC(addr_loss, "Root cgroup policy: abort a connection whose local address has been gone this long, seconds (0-3600; -1: not set)");

static char *mode;
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Root cgroup policy: force (policy values win) or default (the application's own values win)");

static DEFINE_MUTEX(tcpka_policy_mutex);
struct tcpka_table __rcu *tcpka_table;

struct tcpka_table *tcpka_policy_table(void)
{
	return rcu_dereference_check(tcpka_table,
				     lockdep_is_held(&tcpka_policy_mutex));
}

static u64 tcpka_cgroup_id_of(const void *node)
{
	return cgroup_id((struct cgroup *)node);
}

static const void *tcpka_cgroup_parent_of(const void *node)
{
	return cgroup_parent((struct cgroup *)node);
}

/**
 * tcpka_policy_lookup - the policy in force for a cgroup's sockets
 * @cgrp: the cgroup
 *
 * Context: rcu_read_lock() held; the entry is valid until it is dropped.
 */
const struct tcpka_entry *tcpka_policy_lookup(struct cgroup *cgrp)
{
	return tcpka_table_resolve(rcu_dereference(tcpka_table), cgrp,
				   tcpka_cgroup_id_of, tcpka_cgroup_parent_of);
}

/**
 * tcpka_policy_resolve - the policy a given table has for a cgroup
 * @t: a table the caller keeps alive (or NULL)
 * @cgrp: the cgroup
 *
 * Context: rcu_read_lock() held (for the cgroup's ancestors).
 */
const struct tcpka_entry *tcpka_policy_resolve(const struct tcpka_table *t,
					       struct cgroup *cgrp)
{
	return tcpka_table_resolve(t, cgrp, tcpka_cgroup_id_of,
				   tcpka_cgroup_parent_of);
}

static void tcpka_table_free_rcu(struct rcu_head *head)
{
	tcpka_table_free(container_of(head, struct tcpka_table, rcu));
}

/* Free a table that is no longer published, after the readers are gone. */
static void tcpka_table_retire(struct tcpka_table *old)
{
	if (old)
		call_rcu(&old->rcu, tcpka_table_free_rcu);
}

static bool tcpka_table_has_force(const struct tcpka_table *t)
{
	unsigned int i;

	for (i = 0; t && i < t->nr; i++)
		if (t->e[i].pol.mode == TCPKA_MODE_FORCE)
			return true;
	return false;
}

static bool tcpka_table_has_addr_loss(const struct tcpka_table *t)
{
	unsigned int i;

	for (i = 0; t && i < t->nr; i++)
		if (t->e[i].pol.has & TCPKA_HAS(TCPKA_KEY_ADDR_LOSS))
			return true;
	return false;
}

/*
 * Publish @t; return the previous table, still to be retired. The
 * setsockopt hooks follow whether any policy says mode=force, the address
 * notifiers whether any has addr_loss.
 */
static struct tcpka_table *tcpka_table_swap(struct tcpka_table *t)
{
	struct tcpka_table *old;

	old = rcu_replace_pointer(tcpka_table, t,
				  lockdep_is_held(&tcpka_policy_mutex));
	tcpka_force_filter_set(t);
	tcpka_hooks_force(tcpka_table_has_force(t));
	tcpka_addrloss_want(tcpka_table_has_addr_loss(t));
	return old;
}

static void tcpka_table_publish(struct tcpka_table *t)
{
	tcpka_table_retire(tcpka_table_swap(t));
}

static void tcpka_resync(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpka_resync_work, tcpka_resync);
/* Cleared under tcpka_policy_mutex before the last cancel of the work. */
static bool tcpka_resync_alive;

/*
 * Queue the resync: at once (a cgroup came or went, a write left a policy
 * pending) or after @delay jiffies (a retry). On system_long_wq: it may
 * walk every established socket.
 */
static void tcpka_resync_soon(unsigned long delay)
{
	if (!READ_ONCE(tcpka_resync_alive))
		return;
	if (delay)
		queue_delayed_work(system_long_wq, &tcpka_resync_work, delay);
	else
		mod_delayed_work(system_long_wq, &tcpka_resync_work, 0);
}

static void tcpka_bad(unsigned int lineno, const char *what, const char *tok)
{
	pr_warn_ratelimited("tcpka: policy: line %u: %s '%.64s'\n", lineno,
			    what, tok);
}

/*
 * Name the del that failed: the first one of a path with no policy, given
 * the write's earlier commands.
 */
static void tcpka_bad_del(const struct tcpka_op *ops, unsigned int nr_ops)
{
	struct tcpka_table *t;
	unsigned int i;

	for (i = 0; i < nr_ops; i++) {
		if (ops[i].verb != TCPKA_VERB_DEL)
			continue;
		t = tcpka_table_apply(tcpka_policy_table(), ops, i + 1,
				      GFP_KERNEL);
		if (PTR_ERR_OR_ZERO(t) == -ENOENT) {
			pr_warn_ratelimited("tcpka: policy: del: no policy for '%.64s'\n",
					    ops[i].path);
			return;
		}
		if (!IS_ERR(t))
			tcpka_table_free(t);
	}
	pr_warn_ratelimited("tcpka: policy: del of a cgroup with no policy\n");
}

/*
 * The id of the cgroup at @path now, 0 if there is none (or it is being
 * destroyed). cgroup_get_from_path() resolves @path from the root of
 * current's cgroup namespace: a writer's own relative path, or an absolute
 * one from a kworker (the initial namespace).
 */
static u64 tcpka_cgid_at(const char *path)
{
	struct cgroup *cgrp = cgroup_get_from_path(path);
	u64 id = 0;

	if (IS_ERR(cgrp))
		return 0;
	if (READ_ONCE(cgrp->self.flags) & CSS_ONLINE)
		id = cgroup_id(cgrp);
	cgroup_put(cgrp);
	return id;
}

/*
 * Turn a command into @op: a SET or DEL path relative to the root of the
 * writer's cgroup namespace @root made absolute, a FLUSH limited to that
 * root. The cgroup of a SET is looked up later, under the policy mutex.
 */
static int tcpka_resolve_cmd(const struct tcpka_cmd *cmd, struct tcpka_op *op,
			     const char *root, char *pathbuf,
			     unsigned int lineno)
{
	int ret;

	op->verb = cmd->verb;
	op->pol = cmd->pol;
	if (cmd->verb == TCPKA_VERB_FLUSH) {
		op->path = kstrdup(root, GFP_KERNEL);
		return op->path ? 0 : -ENOMEM;
	}
	if (cmd->verb != TCPKA_VERB_SET && cmd->verb != TCPKA_VERB_DEL)
		return 0;

	ret = tcpka_path_join(pathbuf, PATH_MAX, root, cmd->path);
	if (ret < 0 || ret > TCPKA_PATH_MAX) {
		tcpka_bad(lineno, "cgroup path too long", cmd->path);
		return -ENAMETOOLONG;
	}
	op->path = kstrdup(pathbuf, GFP_KERNEL);
	return op->path ? 0 : -ENOMEM;
}

static ssize_t tcpka_policy_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int nr_lines = 1, nr_ops = 0, lineno = 0, i;
	const char **rels = NULL;
	bool pending = false;
	struct tcpka_op *ops = NULL;
	struct tcpka_table *t, *old;
	char *buf, *line, *next, *pathbuf = NULL, *root = NULL;
	struct tcpka_cmd cmd;
	const char *bad;
	ssize_t ret;

	if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN) ||
	    !capable(CAP_NET_ADMIN)) {
		pr_warn_ratelimited("tcpka: policy: write needs CAP_NET_ADMIN in the initial user namespace\n");
		return -EPERM;
	}
	if (!count)
		return 0;
	if (count > TCPKA_WRITE_MAX) {
		pr_warn_ratelimited("tcpka: policy: write of %zu bytes is over %d\n",
				    count, TCPKA_WRITE_MAX);
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strlen(buf) != count) {
		pr_warn_ratelimited("tcpka: policy: NUL byte in write\n");
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < count; i++)
		nr_lines += buf[i] == '\n';
	ops = kvcalloc(nr_lines, sizeof(*ops), GFP_KERNEL);
	rels = kvcalloc(nr_lines, sizeof(*rels), GFP_KERNEL);
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	root = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = -ENOMEM;
	if (!ops || !rels || !pathbuf || !root)
		goto out;
	ret = tcpka_ns_root(root, PATH_MAX);
	if (ret)
		goto out;

	/* Parse and resolve every line before anything changes. */
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		ret = tcpka_parse_line(line, &cmd, &bad);
		if (ret) {
			tcpka_bad(lineno, "invalid", bad ?: line);
			goto out;
		}
		if (cmd.verb == TCPKA_VERB_NONE)
			continue;
		ret = tcpka_resolve_cmd(&cmd, &ops[nr_ops], root, pathbuf,
					lineno);
		rels[nr_ops] = cmd.path;	/* points into buf */
		nr_ops++;
		if (ret)
			goto out;
	}

	mutex_lock(&tcpka_policy_mutex);
	/*
	 * The cgroups, under the mutex the resync takes: a cgroup created
	 * after this lookup and before the new table is published was
	 * bound in the old one or is not at all; the resync queued below
	 * sees it either way.
	 */
	for (i = 0; i < nr_ops; i++) {
		if (ops[i].verb != TCPKA_VERB_SET)
			continue;
		ops[i].cgid = tcpka_cgid_at(rels[i]);
		pending |= !ops[i].cgid;
	}
	t = tcpka_table_apply(tcpka_policy_table(), ops, nr_ops, GFP_KERNEL);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		if (ret == -ENOENT)
			tcpka_bad_del(ops, nr_ops);
		else if (ret == -ENOSPC)
			pr_warn_ratelimited("tcpka: policy: more than %d policies\n",
					    TCPKA_POLICIES_MAX);
		mutex_unlock(&tcpka_policy_mutex);
		goto out;
	}
	/* The setsockopt hooks a mode=force policy needs, before it is in. */
	if (tcpka_table_has_force(t)) {
		ret = tcpka_hooks_force(true);
		if (ret) {
			pr_warn_ratelimited("tcpka: policy: cannot hook setsockopt for mode=force: %zd\n",
					    ret);
			tcpka_table_free(t);
			mutex_unlock(&tcpka_policy_mutex);
			goto out;
		}
	}
	old = tcpka_table_swap(t);
	/* Sockets already established follow (both tables stay alive). */
	tcpka_rearm_all(old, t);
	tcpka_table_retire(old);
	if (pending)
		tcpka_resync_soon(0);
	mutex_unlock(&tcpka_policy_mutex);
	ret = count;
out:
	for (i = 0; ops && i < nr_ops; i++)
		kfree(ops[i].path);
	kvfree(ops);
	kvfree(rels);
	kfree(pathbuf);
	kfree(root);
	kfree(buf);
	return ret;
}

/* The cgroup an entry of a published table is bound to, late or not. */
u64 tcpka_entry_cgid(const struct tcpka_table *t, unsigned int idx)
{
	/* Pairs with the release in tcpka_table_bind_late(). */
	unsigned int i, n = smp_load_acquire(&t->nr_late);
	u64 id = t->e[idx].cgid;

	for (i = 0; i < n; i++)
		if (t->late[i].idx == idx)
			id = t->late[i].cgid;
	return id;
}

/*
 * Resolve every policy's path again: a policy whose cgroup was created
 * applies to it, one whose cgroup was removed is pending. One log line per
 * policy that changed, rate-limited. Established sockets are walked only
 * when a cgroup got a policy no published table had bound yet (a late
 * binding already applied to every socket made since the mkdir; a
 * removed cgroup's sockets keep what they have). Retried in a second when
 * out of memory.
 */
static void tcpka_resync(struct work_struct *work)
{
	const struct tcpka_table *old;
	struct tcpka_table *t, *prev;
	struct tcpka_op *ops = NULL;
	unsigned int i, n = 0;
	bool walk = false;
	u64 base, was, id;

	mutex_lock(&tcpka_policy_mutex);
	old = tcpka_policy_table();
	if (!old || !old->nr)
		goto out;
	ops = kvcalloc(old->nr, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		tcpka_resync_soon(HZ);
		goto out;
	}
	for (i = 0; i < old->nr; i++) {
		const struct tcpka_entry *e = &old->e[i];

		base = e->cgid;			/* as the table was built */
		was = tcpka_entry_cgid(old, i);	/* with its late bindings */
		id = tcpka_cgid_at(e->path);
		if (id != base && !id)
			pr_info_ratelimited("tcpka: policy of %s is pending: its cgroup was removed\n",
					    e->path);
		else if (id != base && base)
			pr_info_ratelimited("tcpka: policy of %s applies to its recreated cgroup\n",
					    e->path);
		else if (id != base)
			pr_info_ratelimited("tcpka: policy of %s applies to its new cgroup\n",
					    e->path);
		if (id == was)
			continue;
		ops[n++] = (struct tcpka_op){ .verb = TCPKA_VERB_SET,
					      .exact = true, .cgid = id,
					      .path = e->path, .pol = e->pol };
		walk |= !!id;
	}
	/* Nothing changed but late bindings: fold them in, free the slots. */
	if (!n && !smp_load_acquire(&old->nr_late))
		goto out;
	t = tcpka_table_apply(old, ops, n, GFP_KERNEL);
	if (IS_ERR(t)) {
		pr_warn_ratelimited("tcpka: policy: cannot rebuild the table: %ld\n",
				    PTR_ERR(t));
		tcpka_resync_soon(HZ);
		goto out;
	}
	prev = tcpka_table_swap(t);
	/* Sockets the cgroup already has follow (none, for a new one). */
	if (walk)
		tcpka_rearm_all(prev, t);
	tcpka_table_retire(prev);
out:
	mutex_unlock(&tcpka_policy_mutex);
	kvfree(ops);
}

/**
 * tcpka_policy_cgroup_mkdir - the cgroup:cgroup_mkdir tracepoint
 * @data: unused
 * @cgrp: the new cgroup
 * @path: its absolute path
 *
 * A pending policy of @path applies to the cgroup from now on, before any
 * task can be in it.
 *
 * Context: atomic (under trace_cgroup_path_lock, IRQs off), under
 * cgroup_mutex: one call at a time, as tcpka_table_bind_late() needs.
 */
void tcpka_policy_cgroup_mkdir(void *data, struct cgroup *cgrp,
			       const char *path)
{
	const struct tcpka_entry *e;
	struct tcpka_table *t;

	if (cgrp->root != &cgrp_dfl_root)
		return;
	rcu_read_lock();
	t = rcu_dereference(tcpka_table);
	e = tcpka_table_find_path(t, path);
	if (e) {
		tcpka_table_bind_late(t, e - t->e, cgroup_id(cgrp));
		tcpka_resync_soon(0);
	}
	rcu_read_unlock();
}

/**
 * tcpka_policy_cgroup_rmdir - the cgroup:cgroup_rmdir tracepoint
 * @data: unused
 * @cgrp: the removed cgroup
 * @path: its absolute path
 *
 * Context: atomic, as tcpka_policy_cgroup_mkdir().
 */
void tcpka_policy_cgroup_rmdir(void *data, struct cgroup *cgrp,
			       const char *path)
{
	const struct tcpka_entry *e;

	if (cgrp->root != &cgrp_dfl_root)
		return;
	rcu_read_lock();
	e = tcpka_table_find(rcu_dereference(tcpka_table), cgroup_id(cgrp));
	if (e)
		tcpka_resync_soon(0);
	rcu_read_unlock();
	tcpka_stats_cgroup_rmdir();
}

/*
 * The policies at or below the reader's cgroup namespace root, relative to
 * it: "set PATH KEYS" lines (policy) or "PATH bound|pending" (policy_state).
 */
static int tcpka_policy_show_what(struct seq_file *m, bool state)
{
	const struct tcpka_table *t;
	struct tcpka_view *v;
	const char *rel;
	char keys[128];
	unsigned int i;

	v = tcpka_view_get(m->file);
	if (!v)
		return -ENOMEM;
	rcu_read_lock();
	t = rcu_dereference(tcpka_table);
	for (i = 0; t && i < t->nr; i++) {
		rel = tcpka_view_path(v, t->e[i].path);
		if (!rel)
			continue;
		if (state) {
			seq_printf(m, "%s %s\n", rel,
				   tcpka_entry_cgid(t, i) ? "bound" : "pending");
			continue;
		}
		tcpka_policy_format(keys, sizeof(keys), &t->e[i].pol, ' ');
		seq_printf(m, "set %s%s%s\n", rel, keys[0] ? " " : "", keys);
	}
	rcu_read_unlock();
	tcpka_view_put(v);
	return 0;
}

static int tcpka_policy_show(struct seq_file *m, void *v)
{
	return tcpka_policy_show_what(m, false);
}

static int tcpka_policy_state_show(struct seq_file *m, void *v)
{
	return tcpka_policy_show_what(m, true);
}

/*
 * Reading the table needs what writing it needs, CAP_NET_ADMIN in the
 * initial user namespace: the files are 0600, but a container's root owns
 * its network namespace's files.
 */
static int tcpka_policy_open_show(struct file *file,
				  int (*show)(struct seq_file *, void *))
{
	if ((file->f_mode & FMODE_READ) &&
	    !file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return single_open(file, show, NULL);
}

static int tcpka_policy_open(struct inode *inode, struct file *file)
{
	return tcpka_policy_open_show(file, tcpka_policy_show);
}

static int tcpka_policy_state_open(struct inode *inode, struct file *file)
{
	return tcpka_policy_open_show(file, tcpka_policy_state_show);
}

static const struct proc_ops tcpka_policy_proc_ops = {
	.proc_open	= tcpka_policy_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= tcpka_policy_write,
};

static const struct proc_ops tcpka_policy_state_proc_ops = {
	.proc_open	= tcpka_policy_state_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

int tcpka_policy_proc_create(struct proc_dir_entry *dir)
{
	if (!proc_create("policy", 0600, dir, &tcpka_policy_proc_ops))
		return -ENOMEM;
	if (!proc_create("policy_state", 0400, dir,
			 &tcpka_policy_state_proc_ops))
		return -ENOMEM;
	return 0;
}

/* The root cgroup's policy from the module parameters, checked as a write. */
static int tcpka_param_policy(struct tcpka_policy *pol)
{
	char tok[48];
	int err = 0;

	memset(pol, 0, sizeof(*pol));
	if (idle) {
		snprintf(tok, sizeof(tok), "idle=%u", idle);
		err = tcpka_parse_kv(tok, pol);
	}
	if (intvl && !err) {
		snprintf(tok, sizeof(tok), "intvl=%u", intvl);
		err = tcpka_parse_kv(tok, pol);
	}
	if (cnt && !err) {
		snprintf(tok, sizeof(tok), "cnt=%u", cnt);
		err = tcpka_parse_kv(tok, pol);
	}
	if (user_timeout != -1 && !err) {
		snprintf(tok, sizeof(tok), "user_timeout=%d", user_timeout);
		err = user_timeout < 0 ? -EINVAL : tcpka_parse_kv(tok, pol);
	}
	if (addr_loss != -1 && !err) {
		snprintf(tok, sizeof(tok), "addr_loss=%d", addr_loss);
		err = addr_loss < 0 ? -EINVAL : tcpka_parse_kv(tok, pol);
	}
	if (mode && !err) {
		snprintf(tok, sizeof(tok), "mode=%.32s", mode);
		err = tcpka_parse_kv(tok, pol);
	}
	if (err)
		pr_err("tcpka: invalid module parameter '%s'\n", tok);
	return err;
}

int tcpka_policy_init(void)
{
	struct tcpka_op op = { .verb = TCPKA_VERB_SET, .path = "/" };
	struct tcpka_table *t;
	int err;

	err = tcpka_param_policy(&op.pol);
	if (err)
		return err;
	WRITE_ONCE(tcpka_resync_alive, true);
	if (!op.pol.has)
		return 0;
	op.cgid = cgroup_id(&cgrp_dfl_root.cgrp);	/* always there */
	t = tcpka_table_apply(NULL, &op, 1, GFP_KERNEL);
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&tcpka_policy_mutex);
	tcpka_table_publish(t);
	mutex_unlock(&tcpka_policy_mutex);
	return 0;
}

/*
 * After the hooks are gone, before the per-netns state the resync counts
 * into is freed: no write queues it any more, and it is not running.
 */
void tcpka_policy_stop(void)
{
	mutex_lock(&tcpka_policy_mutex);
	WRITE_ONCE(tcpka_resync_alive, false);
	mutex_unlock(&tcpka_policy_mutex);
	cancel_delayed_work_sync(&tcpka_resync_work);
}

/* After the hooks and every policy file are gone. */
void tcpka_policy_exit(void)
{
	tcpka_policy_stop();
	mutex_lock(&tcpka_policy_mutex);
	tcpka_table_publish(NULL);
	mutex_unlock(&tcpka_policy_mutex);
	rcu_barrier();
}
