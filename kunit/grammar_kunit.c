// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tcpka_grammar: tcpka_parse_line(), tcpka_parse_kv(),
 * tcpka_policy_format() and tcpka_mode_name(), against the policy grammar:
 *
 *   set <path> [idle=S] [intvl=S] [cnt=N] [user_timeout=MS] [addr_loss=S]
 *       [mode=force|default]
 *   del <path>
 *   flush
 *
 * Bad lines are checked for -EINVAL and for where *bad points, as an offset
 * into the line.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "tcpka.h"

#define ALL_KEYS (TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_INTVL) | \
		  TCPKA_HAS(TCPKA_KEY_CNT) | \
		  TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT) | TCPKA_HAS(TCPKA_KEY_MODE))

/* The result of parsing a private copy of a line. */
struct parsed {
	int ret;
	int bad_at;		/* offset of *bad in the line; -1 for NULL */
	char *line;		/* the copy, split in place by the parser */
	size_t len;		/* its length before parsing */
	struct tcpka_cmd cmd;
};

static void parse(struct kunit *test, const char *s, struct parsed *p)
{
	const char *bad = NULL;

	p->len = strlen(s);
	p->line = kunit_kmalloc(test, p->len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p->line);
	memcpy(p->line, s, p->len + 1);
	/* Garbage in: the parser must fill the whole command. */
	memset(&p->cmd, 0xa5, sizeof(p->cmd));
	p->ret = tcpka_parse_line(p->line, &p->cmd, &bad);
	p->bad_at = bad ? (int)(bad - p->line) : -1;
}

/* @s must be rejected with -EINVAL; with *bad at @bad_at unless it is -1. */
static void expect_reject(struct kunit *test, const char *s, int bad_at)
{
	struct parsed p;

	parse(test, s, &p);
	KUNIT_EXPECT_EQ_MSG(test, p.ret, -EINVAL, "line \"%*pE\"",
			    (int)p.len, s);
	if (bad_at >= 0)
		KUNIT_EXPECT_EQ_MSG(test, p.bad_at, bad_at,
				    "where *bad points in \"%*pE\"",
				    (int)p.len, s);
}

static void expect_none(struct kunit *test, const char *s)
{
	struct parsed p;

	parse(test, s, &p);
	KUNIT_EXPECT_EQ_MSG(test, p.ret, 0, "line \"%*pE\"", (int)p.len, s);
	KUNIT_EXPECT_EQ_MSG(test, p.cmd.verb, TCPKA_VERB_NONE,
			    "line \"%*pE\"", (int)p.len, s);
}

/* The same keys, the same values for them, mode default when not given. */
static void expect_policy(struct kunit *test, const struct tcpka_policy *got,
			  const struct tcpka_policy *want, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, got->has, want->has, "has, %s", what);
	if (want->has & TCPKA_HAS(TCPKA_KEY_IDLE))
		KUNIT_EXPECT_EQ_MSG(test, got->idle, want->idle, "idle, %s", what);
	if (want->has & TCPKA_HAS(TCPKA_KEY_INTVL))
		KUNIT_EXPECT_EQ_MSG(test, got->intvl, want->intvl, "intvl, %s",
				    what);
	if (want->has & TCPKA_HAS(TCPKA_KEY_CNT))
		KUNIT_EXPECT_EQ_MSG(test, got->cnt, want->cnt, "cnt, %s", what);
	if (want->has & TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT))
		KUNIT_EXPECT_EQ_MSG(test, got->user_timeout, want->user_timeout,
				    "user_timeout, %s", what);
	if (want->has & TCPKA_HAS(TCPKA_KEY_MODE))
		KUNIT_EXPECT_EQ_MSG(test, got->mode, want->mode, "mode, %s", what);
	else
		KUNIT_EXPECT_EQ_MSG(test, got->mode, (u32)TCPKA_MODE_DEFAULT,
				    "default mode, %s", what);
}

/* @s parses as @verb on @path (SET, DEL) with policy @pol (SET). */
static void expect_cmd(struct kunit *test, const char *s, enum tcpka_verb verb,
		       const char *path, const struct tcpka_policy *pol)
{
	struct parsed p;

	parse(test, s, &p);
	KUNIT_ASSERT_EQ_MSG(test, p.ret, 0, "line \"%s\"", s);
	KUNIT_ASSERT_EQ_MSG(test, p.cmd.verb, verb, "line \"%s\"", s);
	if (verb == TCPKA_VERB_SET || verb == TCPKA_VERB_DEL) {
		/* The path is a NUL-terminated token inside the line. */
		KUNIT_ASSERT_TRUE_MSG(test, p.cmd.path >= p.line &&
				      p.cmd.path < p.line + p.len,
				      "path outside the line \"%s\"", s);
		KUNIT_EXPECT_STREQ_MSG(test, p.cmd.path, path, "line \"%s\"", s);
	}
	if (verb == TCPKA_VERB_SET)
		expect_policy(test, &p.cmd.pol, pol, s);
}

/* A line of @len bytes: @head, then @fill up to the length. */
static char *make_line(struct kunit *test, const char *head, char fill,
		       size_t len)
{
	size_t hlen = strlen(head);
	char *s = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_LE(test, hlen, len);
	memcpy(s, head, hlen);
	memset(s + hlen, fill, len - hlen);
	s[len] = '\0';
	return s;
}

static void tcpka_parse_line_accepts_blank_line(struct kunit *test)
{
	expect_none(test, "");
	expect_none(test, " ");
	expect_none(test, "\t");
	expect_none(test, "  \t \t  ");
}

static void tcpka_parse_line_accepts_comment(struct kunit *test)
{
	expect_none(test, "#");
	expect_none(test, "# a comment");
	expect_none(test, "#set /a idle=1");
	expect_none(test, "   # indented");
	expect_none(test, "\t#\tset /a idle=0 bogus");
	expect_none(test, " \t #del");
}

static void tcpka_parse_line_accepts_flush(struct kunit *test)
{
	expect_cmd(test, "flush", TCPKA_VERB_FLUSH, NULL, NULL);
	expect_cmd(test, "  flush", TCPKA_VERB_FLUSH, NULL, NULL);
	expect_cmd(test, "\tflush \t ", TCPKA_VERB_FLUSH, NULL, NULL);
}

static void tcpka_parse_line_rejects_flush_with_argument(struct kunit *test)
{
	expect_reject(test, "flush /a", 6);
	expect_reject(test, "flush now", 6);
	expect_reject(test, " flush\t\tidle=1", 8);
	expect_reject(test, "flush #", 6);
}

static void tcpka_parse_line_accepts_del(struct kunit *test)
{
	expect_cmd(test, "del /", TCPKA_VERB_DEL, "/", NULL);
	expect_cmd(test, "del /a/b", TCPKA_VERB_DEL, "/a/b", NULL);
	expect_cmd(test, "\tdel   /system.slice/x.service  ", TCPKA_VERB_DEL,
		   "/system.slice/x.service", NULL);
	expect_cmd(test, "del /a=b", TCPKA_VERB_DEL, "/a=b", NULL);
}

static void tcpka_parse_line_rejects_del_without_path(struct kunit *test)
{
	expect_reject(test, "del", 0);
	expect_reject(test, "del  \t ", 0);
	expect_reject(test, "  del", 2);
}

static void tcpka_parse_line_rejects_del_relative_path(struct kunit *test)
{
	expect_reject(test, "del a", 4);
	expect_reject(test, "del a/b", 4);
	expect_reject(test, "del  ./a", 5);
	expect_reject(test, "del #", 4);
}

static void tcpka_parse_line_rejects_del_extra_token(struct kunit *test)
{
	expect_reject(test, "del /a /b", 7);
	expect_reject(test, "del /a idle=1", 7);
	expect_reject(test, "del /a\tx ", 7);
}

static void tcpka_parse_line_accepts_set_without_keys(struct kunit *test)
{
	struct tcpka_policy none = { 0 };

	expect_cmd(test, "set /", TCPKA_VERB_SET, "/", &none);
	expect_cmd(test, "set /a", TCPKA_VERB_SET, "/a", &none);
	expect_cmd(test, "  set\t/a/b/c  ", TCPKA_VERB_SET, "/a/b/c", &none);
}

static void tcpka_parse_line_accepts_set_every_key(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = ALL_KEYS, .idle = 60, .intvl = 10, .cnt = 5,
		.user_timeout = 30000, .mode = TCPKA_MODE_FORCE,
	};

	expect_cmd(test, "set /a idle=60 intvl=10 cnt=5 user_timeout=30000 mode=force",
		   TCPKA_VERB_SET, "/a", &pol);
	expect_cmd(test, "set /a mode=force user_timeout=30000 cnt=5 intvl=10 idle=60",
		   TCPKA_VERB_SET, "/a", &pol);
	pol.mode = TCPKA_MODE_DEFAULT;
	expect_cmd(test, "set /a idle=60 intvl=10 cnt=5 user_timeout=30000 mode=default",
		   TCPKA_VERB_SET, "/a", &pol);
}

static void tcpka_parse_line_accepts_each_key_alone(struct kunit *test)
{
	struct tcpka_policy pol;

	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = 7 };
	expect_cmd(test, "set /a idle=7", TCPKA_VERB_SET, "/a", &pol);
	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_INTVL), .intvl = 8 };
	expect_cmd(test, "set /a intvl=8", TCPKA_VERB_SET, "/a", &pol);
	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_CNT), .cnt = 9 };
	expect_cmd(test, "set /a cnt=9", TCPKA_VERB_SET, "/a", &pol);
	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT),
				     .user_timeout = 10 };
	expect_cmd(test, "set /a user_timeout=10", TCPKA_VERB_SET, "/a", &pol);
	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_MODE),
				     .mode = TCPKA_MODE_FORCE };
	expect_cmd(test, "set /a mode=force", TCPKA_VERB_SET, "/a", &pol);
	pol = (struct tcpka_policy){ .has = TCPKA_HAS(TCPKA_KEY_MODE),
				     .mode = TCPKA_MODE_DEFAULT };
	expect_cmd(test, "set /a mode=default", TCPKA_VERB_SET, "/a", &pol);
}

static void tcpka_parse_line_defaults_mode(struct kunit *test)
{
	struct parsed p;

	parse(test, "set /a idle=1 cnt=2", &p);
	KUNIT_ASSERT_EQ(test, p.ret, 0);
	KUNIT_EXPECT_EQ(test, p.cmd.pol.mode, (u32)TCPKA_MODE_DEFAULT);
	KUNIT_EXPECT_FALSE(test, p.cmd.pol.has & TCPKA_HAS(TCPKA_KEY_MODE));
	KUNIT_EXPECT_EQ(test, p.cmd.pol.has,
			TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_CNT));
}

static void tcpka_parse_line_accepts_blanks_between_tokens(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_CNT),
		.idle = 1, .cnt = 2,
	};

	expect_cmd(test, " \tset \t /x\t\tidle=1   cnt=2\t ", TCPKA_VERB_SET,
		   "/x", &pol);
}

static void tcpka_parse_line_path_points_into_line(struct kunit *test)
{
	struct parsed p;

	parse(test, "set /a/b idle=5", &p);
	KUNIT_ASSERT_EQ(test, p.ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, p.cmd.path, (const char *)p.line + 4);
	KUNIT_EXPECT_STREQ(test, p.cmd.path, "/a/b");

	parse(test, "  del\t/c ", &p);
	KUNIT_ASSERT_EQ(test, p.ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, p.cmd.path, (const char *)p.line + 6);
	KUNIT_EXPECT_STREQ(test, p.cmd.path, "/c");
}

static void tcpka_parse_line_rejects_unknown_verb(struct kunit *test)
{
	expect_reject(test, "sett /a", 0);
	expect_reject(test, "SET /a", 0);
	expect_reject(test, "Set /a", 0);
	expect_reject(test, "se /a", 0);
	expect_reject(test, "add /a idle=1", 0);
	expect_reject(test, "delete /a", 0);
	expect_reject(test, "flushall", 0);
	expect_reject(test, "  foo", 2);
	expect_reject(test, "\t/a idle=1", 1);
	expect_reject(test, "idle=1", 0);
	expect_reject(test, "set#", 0);
}

static void tcpka_parse_line_rejects_set_without_path(struct kunit *test)
{
	expect_reject(test, "set", 0);
	expect_reject(test, "set \t ", 0);
	expect_reject(test, " \tset", 2);
}

static void tcpka_parse_line_rejects_set_relative_path(struct kunit *test)
{
	expect_reject(test, "set a idle=1", 4);
	expect_reject(test, "set idle=1", 4);
	expect_reject(test, "set  .", 5);
	expect_reject(test, "set ~/a", 4);
}

static void tcpka_parse_line_rejects_unknown_key(struct kunit *test)
{
	expect_reject(test, "set /a foo=1", 7);
	expect_reject(test, "set /a idle=1 foo=2", 14);
	expect_reject(test, "set /a IDLE=1", 7);
	expect_reject(test, "set /a idl=1", 7);
	expect_reject(test, "set /a idlee=1", 7);
	expect_reject(test, "set /a keepidle=1", 7);
	expect_reject(test, "set /a =1", 7);
	expect_reject(test, "set /a cnt=1 # comment", 13);
}

static void tcpka_parse_line_rejects_missing_equals(struct kunit *test)
{
	expect_reject(test, "set /a idle", 7);
	expect_reject(test, "set /a idle 5", 7);
	expect_reject(test, "set /a cnt=1 mode", 13);
	expect_reject(test, "set /a force", 7);
}

static void tcpka_parse_line_rejects_empty_value(struct kunit *test)
{
	expect_reject(test, "set /a idle=", 7);
	expect_reject(test, "set /a idle= 5", 7);
	expect_reject(test, "set /a cnt=1 mode=", 13);
	expect_reject(test, "set /a user_timeout=", 7);
}

static void tcpka_parse_line_rejects_duplicate_key(struct kunit *test)
{
	expect_reject(test, "set /a idle=1 idle=1", 14);
	expect_reject(test, "set /a idle=1 cnt=2 idle=3", 20);
	expect_reject(test, "set /a mode=force mode=default", 18);
	expect_reject(test, "set /a mode=default mode=default", 20);
	expect_reject(test, "set /a user_timeout=0 user_timeout=0", 22);
}

static void tcpka_parse_line_rejects_malformed_value(struct kunit *test)
{
	static const char *const vals[] = {
		"+1", "-1", "0x10", "0X10", "1a", "a1", "1.5", "1e3", "1,2",
		"1=2", " 1", "\"1\"", "010x",
	};
	char line[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		snprintf(line, sizeof(line), "set /a idle=%s", vals[i]);
		/* " 1" splits into "idle=" and "1": the first token is bad. */
		expect_reject(test, line, 7);
	}
	expect_reject(test, "set /a mode=Force", 7);
	expect_reject(test, "set /a mode=forced", 7);
	expect_reject(test, "set /a mode=1", 7);
	expect_reject(test, "set /a mode=0", 7);
	expect_reject(test, "set /a mode=def", 7);
}

static void tcpka_parse_line_rejects_out_of_range(struct kunit *test)
{
	static const char *const kvs[] = {
		"idle=0", "idle=32768", "idle=4294967297",
		"intvl=0", "intvl=32768", "intvl=4294967297",
		"cnt=0", "cnt=128", "cnt=4294967297",
		"user_timeout=2147483648", "user_timeout=4294967295",
		"user_timeout=4294967296", "user_timeout=9999999999",
	};
	char line[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(kvs); i++) {
		snprintf(line, sizeof(line), "set /a %s", kvs[i]);
		expect_reject(test, line, 7);
	}
}

static void tcpka_parse_line_accepts_bounds(struct kunit *test)
{
	struct tcpka_policy lo = {
		.has = ALL_KEYS & ~TCPKA_HAS(TCPKA_KEY_MODE),
		.idle = 1, .intvl = 1, .cnt = 1, .user_timeout = 0,
	};
	struct tcpka_policy hi = {
		.has = ALL_KEYS & ~TCPKA_HAS(TCPKA_KEY_MODE),
		.idle = 32767, .intvl = 32767, .cnt = 127,
		.user_timeout = 2147483647,
	};

	expect_cmd(test, "set /a idle=1 intvl=1 cnt=1 user_timeout=0",
		   TCPKA_VERB_SET, "/a", &lo);
	expect_cmd(test, "set /a idle=32767 intvl=32767 cnt=127 user_timeout=2147483647",
		   TCPKA_VERB_SET, "/a", &hi);
}

static void tcpka_parse_line_limits_value_digits(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT),
		.idle = 1, .user_timeout = 0,
	};

	/*
	 * Leading zeros, any number of them, as tcpkactl takes them; then at
	 * most ten digits.
	 */
	expect_cmd(test, "set /a idle=0000000001 user_timeout=0000000000",
		   TCPKA_VERB_SET, "/a", &pol);
	expect_cmd(test, "set /a idle=00000000000000000001 user_timeout=00000000000",
		   TCPKA_VERB_SET, "/a", &pol);
	expect_reject(test, "set /a user_timeout=01000000000000", 7);
	expect_reject(test, "set /a idle=00000000001x", 7);
	expect_reject(test, "set /a cnt=00000000000000000000128", 7);
}

static void tcpka_parse_line_accepts_line_of_max_length(struct kunit *test)
{
	struct tcpka_policy none = { 0 };
	char *s = make_line(test, "set /", 'a', TCPKA_LINE_MAX);
	unsigned int i;

	/* Names of 99 bytes (a name is at most NAME_MAX). */
	for (i = 4; i < TCPKA_LINE_MAX - 1; i += 100)
		s[i] = '/';
	expect_cmd(test, s, TCPKA_VERB_SET, s + 4, &none);
	expect_none(test, make_line(test, "#", 'x', TCPKA_LINE_MAX));
	expect_none(test, make_line(test, "", ' ', TCPKA_LINE_MAX));
}

static void tcpka_parse_line_rejects_overlong_line(struct kunit *test)
{
	expect_reject(test, make_line(test, "set /", 'a', TCPKA_LINE_MAX + 1), -1);
	expect_reject(test, make_line(test, "set /a", ' ', TCPKA_LINE_MAX + 1), -1);
	expect_reject(test, make_line(test, "#", 'x', TCPKA_LINE_MAX + 1), -1);
	expect_reject(test, make_line(test, "", ' ', TCPKA_LINE_MAX + 1), -1);
	expect_reject(test, make_line(test, "set /", 'a', 3 * TCPKA_LINE_MAX), -1);
}

static void tcpka_parse_line_rejects_control_characters(struct kunit *test)
{
	static const char *const fmts[] = {
		"set /a%cb idle=1", "set /a idle=1%c", "%cflush", "del /a%c",
		"set /a%c", "%c", "%c# not a comment",
	};
	char line[32];
	int c, i;

	for (c = 0x01; c <= 0x7f; c++) {
		if ((c >= 0x20 && c != 0x7f) || c == '\t')
			continue;
		for (i = 0; i < ARRAY_SIZE(fmts); i++) {
			snprintf(line, sizeof(line), fmts[i], c);
			expect_reject(test, line, -1);
		}
	}
	/* A CRLF file's '\r'. */
	expect_reject(test, "set /a idle=1\r", -1);
}

/* README: lines starting with '#' are ignored, whatever bytes they hold. */
static void tcpka_parse_line_ignores_any_comment(struct kunit *test)
{
	char line[32];
	int c;

	for (c = 0x01; c <= 0xff; c++) {
		snprintf(line, sizeof(line), "# a%cb", c);
		expect_none(test, line);
		snprintf(line, sizeof(line), " \t#%c", c);
		expect_none(test, line);
	}
	expect_none(test, "# comment\r");
}

static void tcpka_parse_line_accepts_bytes_above_ascii(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = 1,
	};

	/* Only bytes below 0x20 (tab aside) and 0x7f are control characters. */
	expect_cmd(test, "set /caf\xc3\xa9 idle=1", TCPKA_VERB_SET,
		   "/caf\xc3\xa9", &pol);
	expect_cmd(test, "del /\x80\xff", TCPKA_VERB_DEL, "/\x80\xff", NULL);
	expect_none(test, "# \xe2\x80\x94 a comment");
}

static void tcpka_parse_line_clears_previous_command(struct kunit *test)
{
	struct tcpka_cmd cmd;
	const char *bad;
	char a[] = "set /a idle=1 intvl=2 cnt=3 user_timeout=4 mode=force";
	char b[] = "set /b";

	KUNIT_ASSERT_EQ(test, tcpka_parse_line(a, &cmd, &bad), 0);
	KUNIT_ASSERT_EQ(test, tcpka_parse_line(b, &cmd, &bad), 0);
	KUNIT_EXPECT_EQ(test, cmd.verb, TCPKA_VERB_SET);
	KUNIT_EXPECT_STREQ(test, cmd.path, "/b");
	KUNIT_EXPECT_EQ(test, cmd.pol.has, 0U);
	KUNIT_EXPECT_EQ(test, cmd.pol.mode, (u32)TCPKA_MODE_DEFAULT);
}

/* tcpka_parse_kv() */

struct kv_case {
	const char *tok;
	enum tcpka_key key;
	u32 val;
};

static u32 policy_field(const struct tcpka_policy *pol, enum tcpka_key key)
{
	switch (key) {
	case TCPKA_KEY_IDLE:
		return pol->idle;
	case TCPKA_KEY_INTVL:
		return pol->intvl;
	case TCPKA_KEY_CNT:
		return pol->cnt;
	case TCPKA_KEY_USER_TIMEOUT:
		return pol->user_timeout;
	case TCPKA_KEY_ADDR_LOSS:
		return pol->addr_loss;
	default:
		return pol->mode;
	}
}

static void tcpka_parse_kv_sets_one_key(struct kunit *test)
{
	static const struct kv_case cases[] = {
		{ "idle=1", TCPKA_KEY_IDLE, 1 },
		{ "idle=32767", TCPKA_KEY_IDLE, 32767 },
		{ "intvl=1", TCPKA_KEY_INTVL, 1 },
		{ "intvl=075", TCPKA_KEY_INTVL, 75 },
		{ "cnt=127", TCPKA_KEY_CNT, 127 },
		{ "user_timeout=0", TCPKA_KEY_USER_TIMEOUT, 0 },
		{ "user_timeout=2147483647", TCPKA_KEY_USER_TIMEOUT, 2147483647 },
		{ "addr_loss=0", TCPKA_KEY_ADDR_LOSS, 0 },
		{ "addr_loss=3600", TCPKA_KEY_ADDR_LOSS, 3600 },
		{ "addr_loss=02", TCPKA_KEY_ADDR_LOSS, 2 },
		{ "mode=force", TCPKA_KEY_MODE, TCPKA_MODE_FORCE },
		{ "mode=default", TCPKA_KEY_MODE, TCPKA_MODE_DEFAULT },
	};
	struct tcpka_policy pol;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&pol, 0, sizeof(pol));
		KUNIT_EXPECT_EQ_MSG(test, tcpka_parse_kv(cases[i].tok, &pol), 0,
				    "%s", cases[i].tok);
		KUNIT_EXPECT_EQ_MSG(test, pol.has, TCPKA_HAS(cases[i].key),
				    "%s", cases[i].tok);
		KUNIT_EXPECT_EQ_MSG(test, policy_field(&pol, cases[i].key),
				    cases[i].val, "%s", cases[i].tok);
	}
}

static void tcpka_parse_kv_accumulates_keys(struct kunit *test)
{
	struct tcpka_policy pol = { 0 };

	KUNIT_ASSERT_EQ(test, tcpka_parse_kv("cnt=4", &pol), 0);
	KUNIT_ASSERT_EQ(test, tcpka_parse_kv("idle=30", &pol), 0);
	KUNIT_ASSERT_EQ(test, tcpka_parse_kv("mode=force", &pol), 0);
	KUNIT_EXPECT_EQ(test, pol.has, TCPKA_HAS(TCPKA_KEY_CNT) |
			TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_MODE));
	KUNIT_EXPECT_EQ(test, pol.cnt, 4U);
	KUNIT_EXPECT_EQ(test, pol.idle, 30U);
	KUNIT_EXPECT_EQ(test, pol.mode, (u32)TCPKA_MODE_FORCE);
}

static void tcpka_parse_kv_rejects_invalid_token(struct kunit *test)
{
	static const char *const toks[] = {
		"", "=", "idle", "idle=", "=1", "foo=1", "IDLE=1", "idle =1",
		"idle= 1", "idle=1 ", "idle=-1", "idle=+1", "idle=0x1",
		"idle=0", "idle=32768", "intvl=0", "intvl=32768", "cnt=0",
		"cnt=128", "user_timeout=2147483648", "user_timeout=4294967296",
		"idle=4294967297", "idle=012345678901", "mode=", "mode=FORCE",
		"mode=1", "mode=force ", "addr_loss=", "addr_loss=3601",
		"addr_loss=-1", "addr_loss=4294967296", "addr_loss=1s",
		"ADDR_LOSS=1", "addr-loss=1",
	};
	struct tcpka_policy pol;
	int i;

	for (i = 0; i < ARRAY_SIZE(toks); i++) {
		memset(&pol, 0, sizeof(pol));
		KUNIT_EXPECT_EQ_MSG(test, tcpka_parse_kv(toks[i], &pol), -EINVAL,
				    "token \"%s\"", toks[i]);
		KUNIT_EXPECT_EQ_MSG(test, pol.has, 0U, "token \"%s\"", toks[i]);
	}
}

static void tcpka_parse_kv_rejects_key_already_given(struct kunit *test)
{
	static const char *const toks[] = {
		"idle=1", "intvl=1", "cnt=1", "user_timeout=1", "addr_loss=1",
		"mode=force",
	};
	struct tcpka_policy pol;
	int k;

	for (k = 0; k < TCPKA_KEY_NR; k++) {
		memset(&pol, 0, sizeof(pol));
		pol.has = TCPKA_HAS(k);
		KUNIT_EXPECT_EQ_MSG(test, tcpka_parse_kv(toks[k], &pol), -EINVAL,
				    "token \"%s\"", toks[k]);
		KUNIT_EXPECT_EQ_MSG(test, pol.has, TCPKA_HAS(k), "token \"%s\"",
				    toks[k]);
	}
}

/* tcpka_policy_format(), tcpka_mode_name() */

static void expect_format(struct kunit *test, const struct tcpka_policy *pol,
			  char sep, const char *want)
{
	char buf[128];

	KUNIT_EXPECT_EQ(test, tcpka_policy_format(buf, sizeof(buf), pol, sep),
			(int)strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void tcpka_policy_format_prints_empty_policy(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = 0, .idle = 1, .intvl = 2, .cnt = 3, .user_timeout = 4,
		.mode = TCPKA_MODE_FORCE,
	};
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, tcpka_policy_format(buf, sizeof(buf), &pol, ' '), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, tcpka_policy_format(buf, sizeof(buf), &pol, ','), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
}

static void tcpka_policy_format_orders_keys(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = ALL_KEYS, .idle = 60, .intvl = 10, .cnt = 5,
		.user_timeout = 30000, .mode = TCPKA_MODE_FORCE,
	};

	expect_format(test, &pol, ' ',
		      "idle=60 intvl=10 cnt=5 user_timeout=30000 mode=force");
	expect_format(test, &pol, ',',
		      "idle=60,intvl=10,cnt=5,user_timeout=30000,mode=force");
	pol.mode = TCPKA_MODE_DEFAULT;
	pol.user_timeout = 2147483647;
	expect_format(test, &pol, ',',
		      "idle=60,intvl=10,cnt=5,user_timeout=2147483647,mode=default");
}

/* addr_loss prints after user_timeout, before mode, 0 included. */
static void tcpka_policy_format_places_addr_loss(struct kunit *test)
{
	struct tcpka_policy pol = {
		.has = ALL_KEYS | TCPKA_HAS(TCPKA_KEY_ADDR_LOSS), .idle = 60,
		.intvl = 10, .cnt = 5, .user_timeout = 30000, .addr_loss = 0,
		.mode = TCPKA_MODE_FORCE,
	};

	expect_format(test, &pol, ',',
		      "idle=60,intvl=10,cnt=5,user_timeout=30000,addr_loss=0,mode=force");
	pol.has = TCPKA_HAS(TCPKA_KEY_ADDR_LOSS);
	pol.addr_loss = 3600;
	expect_format(test, &pol, ' ', "addr_loss=3600");
}

static void tcpka_policy_format_skips_absent_keys(struct kunit *test)
{
	struct tcpka_policy pol = {
		.idle = 11, .intvl = 22, .cnt = 33, .user_timeout = 44,
		.mode = TCPKA_MODE_FORCE,
	};

	pol.has = TCPKA_HAS(TCPKA_KEY_INTVL) | TCPKA_HAS(TCPKA_KEY_MODE);
	expect_format(test, &pol, ' ', "intvl=22 mode=force");
	pol.has = TCPKA_HAS(TCPKA_KEY_IDLE) | TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT);
	expect_format(test, &pol, ',', "idle=11,user_timeout=44");
	pol.has = TCPKA_HAS(TCPKA_KEY_CNT);
	expect_format(test, &pol, ',', "cnt=33");
	pol.has = TCPKA_HAS(TCPKA_KEY_USER_TIMEOUT);
	expect_format(test, &pol, ' ', "user_timeout=44");
	pol.has = TCPKA_HAS(TCPKA_KEY_MODE);
	expect_format(test, &pol, ' ', "mode=force");
}

static void tcpka_policy_format_truncates_like_snprintf(struct kunit *test)
{
	static const char full[] =
		"idle=32767:intvl=1:cnt=127:user_timeout=0:mode=default";
	struct tcpka_policy pol = {
		.has = ALL_KEYS, .idle = 32767, .intvl = 1, .cnt = 127,
		.user_timeout = 0, .mode = TCPKA_MODE_DEFAULT,
	};
	size_t n = strlen(full), len;
	char *buf;

	KUNIT_EXPECT_EQ(test, tcpka_policy_format(NULL, 0, &pol, ':'), (int)n);
	for (len = 1; len <= n + 2; len++) {
		/* Exactly @len bytes: KASAN catches a write past them. */
		buf = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		memset(buf, 'x', len);
		KUNIT_EXPECT_EQ_MSG(test, tcpka_policy_format(buf, len, &pol, ':'),
				    (int)n, "len %zu", len);
		KUNIT_EXPECT_EQ_MSG(test, strnlen(buf, len), min(n, len - 1),
				    "len %zu", len);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, full, min(n, len - 1)), 0,
				    "len %zu", len);
		kunit_kfree(test, buf);
	}
}

static void tcpka_mode_name_names_modes(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, tcpka_mode_name(0), "default");
	KUNIT_EXPECT_STREQ(test, tcpka_mode_name(1), "force");
	KUNIT_EXPECT_STREQ(test, tcpka_mode_name(TCPKA_MODE_DEFAULT), "default");
	KUNIT_EXPECT_STREQ(test, tcpka_mode_name(TCPKA_MODE_FORCE), "force");
}

/* The canonical policy-file line of a parsed SET. */
static int canonical(char *buf, size_t len, const struct tcpka_cmd *cmd)
{
	int n = snprintf(buf, len, "set %s", cmd->path);

	if (cmd->pol.has && n + 1 < len) {
		buf[n++] = ' ';
		n += tcpka_policy_format(buf + n, len - n, &cmd->pol, ' ');
	}
	return n;
}

static void tcpka_policy_format_round_trips(struct kunit *test)
{
	static const char *const lines[][2] = {
		{ "set /", "set /" },
		{ "set /a idle=60", "set /a idle=60" },
		{ "  set\t/a/b   mode=force cnt=3 idle=0010 ",
		  "set /a/b idle=10 cnt=3 mode=force" },
		{ "set /x user_timeout=0 intvl=32767",
		  "set /x intvl=32767 user_timeout=0" },
		{ "set /x mode=default", "set /x mode=default" },
		{ "set /u mode=default user_timeout=2147483647 cnt=127 intvl=1 idle=32767",
		  "set /u idle=32767 intvl=1 cnt=127 user_timeout=2147483647 mode=default" },
	};
	struct parsed p, q;
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL), *again;
	int i, n;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	again = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, again);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		parse(test, lines[i][0], &p);
		KUNIT_ASSERT_EQ_MSG(test, p.ret, 0, "%s", lines[i][0]);
		KUNIT_ASSERT_EQ(test, p.cmd.verb, TCPKA_VERB_SET);
		n = canonical(buf, 256, &p.cmd);
		KUNIT_ASSERT_LT(test, n, 256);
		KUNIT_EXPECT_STREQ(test, buf, lines[i][1]);

		/* parse -> format -> parse is a fixed point */
		parse(test, buf, &q);
		KUNIT_ASSERT_EQ_MSG(test, q.ret, 0, "%s", buf);
		KUNIT_EXPECT_EQ(test, q.cmd.verb, TCPKA_VERB_SET);
		KUNIT_EXPECT_STREQ(test, q.cmd.path, p.cmd.path);
		expect_policy(test, &q.cmd.pol, &p.cmd.pol, buf);
		KUNIT_ASSERT_LT(test, canonical(again, 256, &q.cmd), 256);
		KUNIT_EXPECT_STREQ(test, again, buf);
	}
}

static void expect_canon(struct kunit *test, const char *in, const char *out)
{
	char buf[300];

	strscpy(buf, in, sizeof(buf));
	KUNIT_ASSERT_EQ_MSG(test, tcpka_path_canon(buf), 0, "path \"%s\"", in);
	KUNIT_EXPECT_STREQ_MSG(test, buf, out, "path \"%s\"", in);
}

static void expect_canon_rejects(struct kunit *test, const char *in)
{
	char buf[300];

	strscpy(buf, in, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, tcpka_path_canon(buf), -EINVAL, "path \"%s\"",
			    in);
}

static void tcpka_path_canon_canonicalizes(struct kunit *test)
{
	char name[257];

	expect_canon(test, "/", "/");
	expect_canon(test, "//", "/");
	expect_canon(test, "///", "/");
	expect_canon(test, "/a", "/a");
	expect_canon(test, "/a/", "/a");
	expect_canon(test, "//a//b///", "/a/b");
	expect_canon(test, "/a.b/.c/..d/...", "/a.b/.c/..d/...");
	expect_canon(test, "/system.slice/nginx.service",
		     "/system.slice/nginx.service");
	memset(name, 'n', 255);
	name[0] = '/';
	name[255] = 'n';
	name[256] = '\0';
	expect_canon(test, name, name);
}

static void tcpka_path_canon_rejects(struct kunit *test)
{
	char name[258];

	expect_canon_rejects(test, "");
	expect_canon_rejects(test, "a");
	expect_canon_rejects(test, "a/");
	expect_canon_rejects(test, "/.");
	expect_canon_rejects(test, "/..");
	expect_canon_rejects(test, "/a/./b");
	expect_canon_rejects(test, "/a/../b");
	expect_canon_rejects(test, "/a/..");
	memset(name, 'n', 257);
	name[0] = '/';
	name[257] = '\0';
	expect_canon_rejects(test, name);	/* a name of 256 bytes */
}

static void tcpka_parse_line_canonicalizes_path(struct kunit *test)
{
	struct tcpka_policy none = {};
	struct tcpka_policy idle1 = {
		.has = TCPKA_HAS(TCPKA_KEY_IDLE), .idle = 1,
	};

	expect_cmd(test, "set //a//b/ idle=1", TCPKA_VERB_SET, "/a/b", &idle1);
	expect_cmd(test, "del /a/", TCPKA_VERB_DEL, "/a", &none);
	expect_reject(test, "set /a/../b idle=1", 4);
	expect_reject(test, "del /.", 4);
}

static void tcpka_path_in_sees_below_root(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, tcpka_path_in("/a/b", "/"), "/a/b");
	KUNIT_EXPECT_STREQ(test, tcpka_path_in("/", "/"), "/");
	KUNIT_EXPECT_STREQ(test, tcpka_path_in("/ctr", "/ctr"), "/");
	KUNIT_EXPECT_STREQ(test, tcpka_path_in("/ctr/app", "/ctr"), "/app");
	KUNIT_EXPECT_STREQ(test, tcpka_path_in("/c/d/e", "/c/d"), "/e");
	KUNIT_EXPECT_NULL(test, tcpka_path_in("/", "/ctr"));
	KUNIT_EXPECT_NULL(test, tcpka_path_in("/ctr2", "/ctr"));
	KUNIT_EXPECT_NULL(test, tcpka_path_in("/ctr2/app", "/ctr"));
	KUNIT_EXPECT_NULL(test, tcpka_path_in("/ct", "/ctr"));
	KUNIT_EXPECT_NULL(test, tcpka_path_in("/other/ctr", "/ctr"));
}

static void tcpka_path_join_makes_absolute(struct kunit *test)
{
	char buf[16];

	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/", "/a"), 2);
	KUNIT_EXPECT_STREQ(test, buf, "/a");
	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/", "/"), 1);
	KUNIT_EXPECT_STREQ(test, buf, "/");
	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/ctr", "/"), 4);
	KUNIT_EXPECT_STREQ(test, buf, "/ctr");
	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/ctr", "/app"),
			8);
	KUNIT_EXPECT_STREQ(test, buf, "/ctr/app");
	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/ctr",
					      "/0123456789a"), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, tcpka_path_join(buf, sizeof(buf), "/ctr",
					      "/0123456789"), 15);
}

static struct kunit_case tcpka_grammar_cases[] = {
	KUNIT_CASE(tcpka_parse_line_accepts_blank_line),
	KUNIT_CASE(tcpka_parse_line_accepts_comment),
	KUNIT_CASE(tcpka_parse_line_accepts_flush),
	KUNIT_CASE(tcpka_parse_line_rejects_flush_with_argument),
	KUNIT_CASE(tcpka_parse_line_accepts_del),
	KUNIT_CASE(tcpka_parse_line_rejects_del_without_path),
	KUNIT_CASE(tcpka_parse_line_rejects_del_relative_path),
	KUNIT_CASE(tcpka_parse_line_rejects_del_extra_token),
	KUNIT_CASE(tcpka_parse_line_accepts_set_without_keys),
	KUNIT_CASE(tcpka_parse_line_accepts_set_every_key),
	KUNIT_CASE(tcpka_policy_format_places_addr_loss),
	KUNIT_CASE(tcpka_parse_line_accepts_each_key_alone),
	KUNIT_CASE(tcpka_parse_line_defaults_mode),
	KUNIT_CASE(tcpka_parse_line_accepts_blanks_between_tokens),
	KUNIT_CASE(tcpka_parse_line_path_points_into_line),
	KUNIT_CASE(tcpka_parse_line_rejects_unknown_verb),
	KUNIT_CASE(tcpka_parse_line_rejects_set_without_path),
	KUNIT_CASE(tcpka_parse_line_rejects_set_relative_path),
	KUNIT_CASE(tcpka_parse_line_rejects_unknown_key),
	KUNIT_CASE(tcpka_parse_line_rejects_missing_equals),
	KUNIT_CASE(tcpka_parse_line_rejects_empty_value),
	KUNIT_CASE(tcpka_parse_line_rejects_duplicate_key),
	KUNIT_CASE(tcpka_parse_line_rejects_malformed_value),
	KUNIT_CASE(tcpka_parse_line_rejects_out_of_range),
	KUNIT_CASE(tcpka_parse_line_accepts_bounds),
	KUNIT_CASE(tcpka_parse_line_limits_value_digits),
	KUNIT_CASE(tcpka_parse_line_accepts_line_of_max_length),
	KUNIT_CASE(tcpka_parse_line_rejects_overlong_line),
	KUNIT_CASE(tcpka_parse_line_rejects_control_characters),
	KUNIT_CASE(tcpka_parse_line_ignores_any_comment),
	KUNIT_CASE(tcpka_parse_line_accepts_bytes_above_ascii),
	KUNIT_CASE(tcpka_parse_line_clears_previous_command),
	KUNIT_CASE(tcpka_parse_kv_sets_one_key),
	KUNIT_CASE(tcpka_parse_kv_accumulates_keys),
	KUNIT_CASE(tcpka_parse_kv_rejects_invalid_token),
	KUNIT_CASE(tcpka_parse_kv_rejects_key_already_given),
	KUNIT_CASE(tcpka_policy_format_prints_empty_policy),
	KUNIT_CASE(tcpka_policy_format_orders_keys),
	KUNIT_CASE(tcpka_policy_format_skips_absent_keys),
	KUNIT_CASE(tcpka_policy_format_truncates_like_snprintf),
	KUNIT_CASE(tcpka_mode_name_names_modes),
	KUNIT_CASE(tcpka_policy_format_round_trips),
	KUNIT_CASE(tcpka_path_canon_canonicalizes),
	KUNIT_CASE(tcpka_path_canon_rejects),
	KUNIT_CASE(tcpka_parse_line_canonicalizes_path),
	KUNIT_CASE(tcpka_path_in_sees_below_root),
	KUNIT_CASE(tcpka_path_join_makes_absolute),
	{}
};

static struct kunit_suite tcpka_grammar_suite = {
	.name = "tcpka_grammar",
	.test_cases = tcpka_grammar_cases,
};

kunit_test_suite(tcpka_grammar_suite);
