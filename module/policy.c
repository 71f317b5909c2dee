// SPDX-License-Identifier: GPL-2.0
/*
 * The policy table and /proc/net/tcpka/policy.
 *
 * Policies are global: every namespace's policy file shows and edits the
 * same table. A write is parsed and every cgroup resolved before anything
 * changes; then a new table is built and published with RCU under
 * tcpka_policy_mutex. Lookups from the hooks take no lock.
 *
 * A policy names a cgroup by path but is bound to the cgroup's id. When a
 * cgroup with a policy's path is created again (a systemd unit restarted,
 * a pod's container replaced), the cgroup_mkdir tracepoint schedules
 * tcpka_rebind_work, which moves the policy to the new cgroup.
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

static char *mode;
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Root cgroup policy: force (policy values win) or default (the application's own values win)");

static DEFINE_MUTEX(tcpka_policy_mutex);
static struct tcpka_table __rcu *tcpka_table;

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

/*
 * Publish @t; return the previous table, still to be retired. The
 * setsockopt hooks follow whether any policy says mode=force.
 */
static struct tcpka_table *tcpka_table_swap(struct tcpka_table *t)
{
	struct tcpka_table *old;

	old = rcu_replace_pointer(tcpka_table, t,
				  lockdep_is_held(&tcpka_policy_mutex));
	tcpka_hooks_force(tcpka_table_has_force(t));
	return old;
}

static void tcpka_table_publish(struct tcpka_table *t)
{
	tcpka_table_retire(tcpka_table_swap(t));
}

static void tcpka_bad(unsigned int lineno, const char *what, const char *tok)
{
	pr_warn_ratelimited("tcpka: policy: line %u: %s '%.64s'\n", lineno,
			    what, tok);
}

/* Name the del that failed: the first one whose cgroup has no policy. */
static void tcpka_bad_del(const struct tcpka_op *ops, unsigned int nr_ops)
{
	const struct tcpka_table *t = tcpka_policy_table();
	unsigned int i;

	for (i = 0; i < nr_ops; i++) {
		if (ops[i].verb == TCPKA_VERB_DEL &&
		    !tcpka_table_find(t, ops[i].cgid)) {
			pr_warn_ratelimited("tcpka: policy: del: no policy for '%.64s'\n",
					    ops[i].path);
			return;
		}
	}
	pr_warn_ratelimited("tcpka: policy: del of a cgroup with no policy\n");
}

/* Resolve a SET or DEL command's cgroup into @op. */
static int tcpka_resolve_cmd(const struct tcpka_cmd *cmd, struct tcpka_op *op,
			     char *pathbuf, unsigned int lineno)
{
	struct cgroup *cgrp;
	int ret;

	op->verb = cmd->verb;
	op->pol = cmd->pol;
	if (cmd->verb != TCPKA_VERB_SET && cmd->verb != TCPKA_VERB_DEL)
		return 0;

	cgrp = cgroup_get_from_path(cmd->path);
	if (IS_ERR(cgrp)) {
		tcpka_bad(lineno, "no such cgroup", cmd->path);
		return -ENOENT;
	}
	op->cgid = cgroup_id(cgrp);
	ret = cgroup_path_ns(cgrp, pathbuf, PATH_MAX,
			     current->nsproxy->cgroup_ns);
	cgroup_put(cgrp);
	if (ret < 0 || ret >= PATH_MAX) {
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
	struct tcpka_op *ops = NULL;
	struct tcpka_table *t, *old;
	char *buf, *line, *next, *pathbuf = NULL;
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
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = -ENOMEM;
	if (!ops || !pathbuf)
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
		ret = tcpka_resolve_cmd(&cmd, &ops[nr_ops], pathbuf, lineno);
		nr_ops++;
		if (ret)
			goto out;
	}

	mutex_lock(&tcpka_policy_mutex);
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
	mutex_unlock(&tcpka_policy_mutex);
	ret = count;
out:
	for (i = 0; ops && i < nr_ops; i++)
		kfree(ops[i].path);
	kvfree(ops);
	kfree(pathbuf);
	kfree(buf);
	return ret;
}

/* Move policies whose path now names another cgroup to that cgroup. */
static void tcpka_rebind(struct work_struct *work)
{
	const struct tcpka_table *old;
	struct tcpka_table *t, *prev;
	struct tcpka_op *ops;
	struct cgroup *cgrp;
	unsigned int i, n = 0;
	u64 id;

	mutex_lock(&tcpka_policy_mutex);
	old = tcpka_policy_table();
	if (!old || !old->nr)
		goto out;
	ops = kcalloc(2 * old->nr, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		goto out;
	for (i = 0; i < old->nr; i++) {
		const struct tcpka_entry *e = &old->e[i];

		cgrp = cgroup_get_from_path(e->path);
		if (IS_ERR(cgrp))
			continue;
		id = cgroup_id(cgrp);
		cgroup_put(cgrp);
		/* An explicit policy on the new cgroup wins. */
		if (id == e->cgid || tcpka_table_find(old, id))
			continue;
		ops[n++] = (struct tcpka_op){ .verb = TCPKA_VERB_DEL,
					      .cgid = e->cgid };
		ops[n++] = (struct tcpka_op){ .verb = TCPKA_VERB_SET,
					      .cgid = id, .path = e->path,
					      .pol = e->pol };
		pr_info("tcpka: policy of %s follows its recreated cgroup\n",
			e->path);
	}
	if (n) {
		t = tcpka_table_apply(old, ops, n, GFP_KERNEL);
		if (!IS_ERR(t)) {
			prev = tcpka_table_swap(t);
			/* Sockets the new cgroup already has follow too. */
			tcpka_rearm_all(prev, t);
			tcpka_table_retire(prev);
		}
	}
	kfree(ops);
out:
	mutex_unlock(&tcpka_policy_mutex);
}

static DECLARE_WORK(tcpka_rebind_work, tcpka_rebind);

/**
 * tcpka_policy_cgroup_mkdir - the cgroup:cgroup_mkdir tracepoint
 * @data: unused
 * @cgrp: the new cgroup
 * @path: its path
 *
 * Context: atomic (the tracepoint runs under a spinlock).
 */
void tcpka_policy_cgroup_mkdir(void *data, struct cgroup *cgrp,
			       const char *path)
{
	const struct tcpka_table *t;
	bool hit = false;
	unsigned int i;

	rcu_read_lock();
	t = rcu_dereference(tcpka_table);
	for (i = 0; t && i < t->nr && !hit; i++)
		hit = !strcmp(t->e[i].path, path);
	rcu_read_unlock();
	if (hit)
		schedule_work(&tcpka_rebind_work);
}

static int tcpka_policy_show(struct seq_file *m, void *v)
{
	const struct tcpka_table *t;
	char keys[128];
	unsigned int i;

	rcu_read_lock();
	t = rcu_dereference(tcpka_table);
	for (i = 0; t && i < t->nr; i++) {
		tcpka_policy_format(keys, sizeof(keys), &t->e[i].pol, ' ');
		seq_printf(m, "set %s%s%s\n", t->e[i].path, keys[0] ? " " : "",
			   keys);
	}
	rcu_read_unlock();
	return 0;
}

static int tcpka_policy_open(struct inode *inode, struct file *file)
{
	return single_open(file, tcpka_policy_show, NULL);
}

static const struct proc_ops tcpka_policy_proc_ops = {
	.proc_open	= tcpka_policy_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= tcpka_policy_write,
};

int tcpka_policy_proc_create(struct proc_dir_entry *dir)
{
	return proc_create("policy", 0600, dir, &tcpka_policy_proc_ops) ?
		0 : -ENOMEM;
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
	if (!op.pol.has)
		return 0;
	op.cgid = cgroup_id(&cgrp_dfl_root.cgrp);
	t = tcpka_table_apply(NULL, &op, 1, GFP_KERNEL);
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&tcpka_policy_mutex);
	tcpka_table_publish(t);
	mutex_unlock(&tcpka_policy_mutex);
	return 0;
}

/*
 * After the hooks are gone (nothing queues the rebind any more), before
 * the per-netns state it counts into is freed.
 */
void tcpka_policy_stop(void)
{
	cancel_work_sync(&tcpka_rebind_work);
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
