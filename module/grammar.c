// SPDX-License-Identifier: GPL-2.0
/*
 * The policy grammar: one command per line of /proc/net/tcpka/policy.
 *
 *   set <cgroup> [idle=S] [intvl=S] [cnt=N] [user_timeout=MS] [addr_loss=S]
 *       [mode=force|default]
 *   del <cgroup>
 *   flush
 *
 * Blank lines and lines whose first non-blank character is '#' are ignored.
 * Values are plain decimal digits within the kernel's own setsockopt()
 * bounds. A cgroup path starts with '/'; repeated and trailing slashes are
 * dropped, "." and ".." are refused. Nothing here touches a cgroup: the
 * caller resolves the path, relative to the writer's cgroup namespace.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "tcpka.h"

struct tcpka_keydef {
	const char *name;
	u32 min;
	u32 max;
};

static const struct tcpka_keydef tcpka_keys[TCPKA_KEY_NR] = {
	[TCPKA_KEY_IDLE]	 = { "idle", 1, TCPKA_IDLE_MAX },
	[TCPKA_KEY_INTVL]	 = { "intvl", 1, TCPKA_INTVL_MAX },
	[TCPKA_KEY_CNT]		 = { "cnt", 1, TCPKA_CNT_MAX },
	[TCPKA_KEY_USER_TIMEOUT] = { "user_timeout", 0, TCPKA_UTO_MAX },
	[TCPKA_KEY_ADDR_LOSS]	 = { "addr_loss", 0, TCPKA_ADDR_LOSS_MAX },
	[TCPKA_KEY_MODE]	 = { "mode", TCPKA_MODE_DEFAULT, TCPKA_MODE_FORCE },
};

static const char *const tcpka_mode_names[] = {
	[TCPKA_MODE_DEFAULT] = "default",
	[TCPKA_MODE_FORCE] = "force",
};

const char *tcpka_mode_name(u32 mode)
{
	return mode < ARRAY_SIZE(tcpka_mode_names) ? tcpka_mode_names[mode] : "?";
}

/*
 * Plain decimal: digits only, no sign, no base prefix. Leading zeros are
 * allowed, any number of them (the line's length bounds them); at most 10
 * digits after them.
 */
static int tcpka_parse_u32(const char *s, u32 *out)
{
	u64 v = 0;
	int n = 0;

	if (!*s)
		return -EINVAL;
	while (s[0] == '0' && s[1])
		s++;
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n >= 10)
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (v > U32_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static u32 *tcpka_key_field(struct tcpka_policy *pol, enum tcpka_key key)
{
	switch (key) {
	case TCPKA_KEY_IDLE:
		return &pol->idle;
	case TCPKA_KEY_INTVL:
		return &pol->intvl;
	case TCPKA_KEY_CNT:
		return &pol->cnt;
	case TCPKA_KEY_USER_TIMEOUT:
		return &pol->user_timeout;
	case TCPKA_KEY_ADDR_LOSS:
		return &pol->addr_loss;
	default:
		return &pol->mode;
	}
}

/**
 * tcpka_parse_kv - parse one "key=value" token into a policy
 * @tok: the token, NUL-terminated
 * @pol: the policy; @pol->has tells the keys already given
 *
 * Return: 0, or -EINVAL for an unknown key, a bad or out-of-range value, or
 * a key given twice. @pol is unchanged on error.
 */
int tcpka_parse_kv(const char *tok, struct tcpka_policy *pol)
{
	const char *eq = strchr(tok, '=');
	size_t klen;
	u32 v;
	int k;

	if (!eq)
		return -EINVAL;
	klen = eq - tok;
	for (k = 0; k < TCPKA_KEY_NR; k++) {
		if (strlen(tcpka_keys[k].name) == klen &&
		    !memcmp(tok, tcpka_keys[k].name, klen))
			break;
	}
	if (k == TCPKA_KEY_NR || (pol->has & TCPKA_HAS(k)))
		return -EINVAL;

	if (k == TCPKA_KEY_MODE) {
		if (!strcmp(eq + 1, "default"))
			v = TCPKA_MODE_DEFAULT;
		else if (!strcmp(eq + 1, "force"))
			v = TCPKA_MODE_FORCE;
		else
			return -EINVAL;
	} else if (tcpka_parse_u32(eq + 1, &v) ||
		   v < tcpka_keys[k].min || v > tcpka_keys[k].max) {
		return -EINVAL;
	}

	*tcpka_key_field(pol, k) = v;
	pol->has |= TCPKA_HAS(k);
	return 0;
}

/**
 * tcpka_path_canon - a cgroup path in canonical form, in place
 * @path: starts with '/'
 *
 * Repeated slashes become one and a trailing one goes ("/a//b/" is
 * "/a/b"), as cgroupfs resolves them; "." and ".." components and names
 * longer than NAME_MAX are refused (no cgroup has them).
 *
 * Return: 0 or -EINVAL.
 */
int tcpka_path_canon(char *path)
{
	char *w = path, *r = path, *name;
	size_t len;

	if (*r != '/')
		return -EINVAL;
	while (*r) {
		while (*r == '/')
			r++;
		if (!*r)
			break;
		name = r;
		while (*r && *r != '/')
			r++;
		len = r - name;
		if (len > 255 || (len == 1 && name[0] == '.') ||
		    (len == 2 && name[0] == '.' && name[1] == '.'))
			return -EINVAL;
		*w++ = '/';
		memmove(w, name, len);
		w += len;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return 0;
}

/**
 * tcpka_path_in - a path as seen from a cgroup namespace rooted at @root
 * @path: absolute, canonical
 * @root: absolute, canonical
 *
 * Return: the path relative to @root ("/" for @root itself, pointing into
 * @path otherwise), or NULL when @path is not at or below @root.
 */
const char *tcpka_path_in(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1)
		return path;
	if (strncmp(path, root, n))
		return NULL;
	if (!path[n])
		return "/";
	return path[n] == '/' ? path + n : NULL;
}

/**
 * tcpka_path_join - a path of a cgroup namespace rooted at @root, absolute
 * @buf: output
 * @len: its size
 * @root: absolute, canonical
 * @rel: canonical, relative to @root
 *
 * Return: the length, or -ENAMETOOLONG when it does not fit.
 */
int tcpka_path_join(char *buf, size_t len, const char *root, const char *rel)
{
	int n;

	if (!strcmp(root, "/"))
		n = snprintf(buf, len, "%s", rel);
	else if (!strcmp(rel, "/"))
		n = snprintf(buf, len, "%s", root);
	else
		n = snprintf(buf, len, "%s%s", root, rel);
	return n < 0 || n >= len ? -ENAMETOOLONG : n;
}

static bool tcpka_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split off the next blank-separated token; NULL at the end of the line. */
static char *tcpka_next_token(char **cur)
{
	char *s = *cur, *tok;

	while (tcpka_blank(*s))
		s++;
	if (!*s) {
		*cur = s;
		return NULL;
	}
	tok = s;
	while (*s && !tcpka_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*cur = s;
	return tok;
}

/**
 * tcpka_parse_line - parse one line of the policy file
 * @line: the line without its '\n'; split in place into tokens
 * @cmd: filled with the command; @cmd->path points into @line
 * @bad: on error, the offending token (or @line itself)
 *
 * Return: 0 (with TCPKA_VERB_NONE for a blank or comment line) or -EINVAL.
 */
int tcpka_parse_line(char *line, struct tcpka_cmd *cmd, const char **bad)
{
	char *cur = line, *tok;
	const char *c;

	memset(cmd, 0, sizeof(*cmd));
	*bad = line;
	if (strlen(line) > TCPKA_LINE_MAX)
		return -EINVAL;
	/* A comment is ignored whatever it holds (README), but its length. */
	for (c = line; *c == ' ' || *c == '\t'; c++)
		;
	if (*c == '#') {
		cmd->verb = TCPKA_VERB_NONE;
		return 0;
	}
	for (c = line; *c; c++) {
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			return -EINVAL;
	}

	tok = tcpka_next_token(&cur);
	if (!tok || tok[0] == '#') {
		cmd->verb = TCPKA_VERB_NONE;
		return 0;
	}
	*bad = tok;
	if (!strcmp(tok, "flush")) {
		cmd->verb = TCPKA_VERB_FLUSH;
	} else if (!strcmp(tok, "set") || !strcmp(tok, "del")) {
		cmd->verb = tok[0] == 's' ? TCPKA_VERB_SET : TCPKA_VERB_DEL;
		tok = tcpka_next_token(&cur);
		if (!tok)
			return -EINVAL;
		*bad = tok;
		if (tcpka_path_canon(tok))
			return -EINVAL;
		cmd->path = tok;
	} else {
		return -EINVAL;
	}

	while ((tok = tcpka_next_token(&cur))) {
		*bad = tok;
		if (cmd->verb != TCPKA_VERB_SET)
			return -EINVAL;
		if (tcpka_parse_kv(tok, &cmd->pol))
			return -EINVAL;
	}
	*bad = NULL;
	return 0;
}

/**
 * tcpka_policy_format - print the keys a policy gives, in canonical order
 * @buf: output buffer
 * @len: its size
 * @pol: the policy
 * @sep: separator between "key=value" items
 *
 * Return: the length of the full output, as snprintf() does.
 */
int tcpka_policy_format(char *buf, size_t len, const struct tcpka_policy *pol,
			char sep)
{
	struct tcpka_policy p = *pol;
	int k, n = 0;

	if (len)
		buf[0] = '\0';
	for (k = 0; k < TCPKA_KEY_NR; k++) {
		u32 v;

		if (!(p.has & TCPKA_HAS(k)))
			continue;
		v = *tcpka_key_field(&p, k);
		if (n) {
			if (n + 1 < len) {
				buf[n] = sep;
				buf[n + 1] = '\0';
			}
			n++;
		}
		if (k == TCPKA_KEY_MODE)
			n += snprintf(buf + min_t(size_t, n, len),
				      len - min_t(size_t, n, len), "%s=%s",
				      tcpka_keys[k].name, tcpka_mode_name(v));
		else
			n += snprintf(buf + min_t(size_t, n, len),
				      len - min_t(size_t, n, len), "%s=%u",
				      tcpka_keys[k].name, v);
	}
	return n;
}
