// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_peer: the TCP end points and privileged probes of tcpka's selftests.
 * Built with "gcc -static" and run inside the test VM by busybox sh.
 *
 *   tcpka_peer server [opts] ADDR PORT   listen, accept one connection
 *   tcpka_peer client [opts] ADDR PORT   connect
 *     -N PATH   setns() into the network namespace PATH first
 *     -k        SO_KEEPALIVE=1 before connect()/listen()
 *     -i S      TCP_KEEPIDLE=S before connect()/listen()
 *     -I S      TCP_KEEPINTVL=S      -n N  TCP_KEEPCNT=N
 *     -u MS     TCP_USER_TIMEOUT=MS
 *     -w S      after the connection is up, block in read() at most S
 *               seconds (0: no limit) and report how it ended
 *     -R S      (server) S seconds after accept(), close the connection
 *               silently: TCP_REPAIR on, then close(): no FIN, no RST
 *     -A S      set TCP_KEEPIDLE=S on the connected socket (after
 *               ESTABLISHED) and report the options again
 *     -D IF     (server) take interface IF down right after accept(): the
 *               peer's probes are lost from then on
 *     -W S      S seconds (may be fractional) after the connection is up,
 *               write 64 bytes (left unacked when the peer is gone); -W
 *               sig: when SIGUSR1 comes (as -O sig)
 *     -O S      S seconds after the connection is up, report the socket
 *               options again ("opts" line); -O sig: when SIGUSR1 comes
 *               (the shell sends it after its policy write, so the order
 *               holds however slow the VM is)
 *     -S S      S seconds after the connection is up, shutdown(SHUT_WR)
 *               ("shut" line): our FIN leaves, the socket stays open
 *     -H        hold on at EOF: report "eof" and keep the socket open
 *               (CLOSE_WAIT, or FIN_WAIT2 after -S) until an error ends
 *               it or -w runs out
 *     -K S      S seconds after the connection is up, SO_KEEPALIVE=0
 *               ("keepalive-off" line)
 *     -P S      every S seconds (may be fractional) after the connection
 *               is up, TCP_KEEPIDLE=7200: an application that keeps
 *               setting its own keepalive ("idle-sets n=N" before "end")
 *     -X        never read (the read phase waits for -w or an error only),
 *               with SO_RCVBUF 4096 before listen()/connect(): the
 *               peer's writes soon meet a zero window
 *     -Z        (with -w) write 4096-byte blocks without blocking while
 *               the socket takes them, until an error ends the connection
 *               ("flooding" line when the first write would block)
 *     -M        an MPTCP socket (IPPROTO_MPTCP) instead of TCP
 *     -b ADDR   (client) bind() to local address ADDR (port 0) first
 *     -F        (client) TCP Fast Open: the first 5 bytes ride on the SYN
 *               (sendto(MSG_FASTOPEN)), then shutdown(SHUT_WR) at once
 *     -s S      (up to 8 times) S seconds (may be fractional) after the
 *               connection is up, print a "sampleN" line: the counters of
 *               /proc/net/tcpka/stats, TcpExt TCPKeepAlive and the row of
 *               this process's cgroup in /proc/net/tcpka/cgroups, all of
 *               the netns we are in. Taken here, on time, rather than by a
 *               shell that may lag under load.
 *   Output, one line per event, flushed at once:
 *     listening port=P
 *     established role=client|server [start=T0] t=T keepalive=0|1 idle=S
 *                 intvl=S cnt=N user_timeout=MS
 *                 (T0: a client's time before connect(); ESTABLISHED was
 *                 reached between T0 and T)
 *     after-set t=T keepalive=.. idle=.. (with -A)
 *     opts t=T keepalive=.. idle=.. (with -O)
 *     wrote t=T bytes=64 (with -W)
 *     repair-closed t=T
 *     link-down t=T if=IF
 *     sampleN t=T dt=S probes_sent=.. (...) tcpkeepalive=.. row_probes_sent=..
 *     end t=T result=ECONNRESET|ETIMEDOUT|EOF|DATA|ALIVE|<errno name>
 *   T is CLOCK_BOOTTIME in seconds, as /proc/uptime shows it.
 *
 *   tcpka_peer write [-U] [-N] [-D] [-B] FILE
 *     read stdin whole, then open(FILE, O_WRONLY) and write() it in one call.
 *     -U  in a new user namespace, as root mapped to our uid
 *     -N  with -U: in a new network namespace too (owned by the new userns)
 *     -D  open as root, then drop to uid/gid 65534 and write
 *     -B  drop to uid/gid 65534 before open
 *     Prints "ok", "open ERRNO" or "write ERRNO"; exit 0 only on "ok".
 *
 *   tcpka_peer writes FILE < TABLE
 *     for each TABLE line "EXPECTED|TEXT" (TEXT: backslash-n is a newline):
 *     write TEXT to FILE in one write() and print "N EXPECTED GOT same|changed"
 *     (GOT: ok or the errno; same: FILE reads as before the write).
 *
 *   tcpka_peer as [-C] [-B] [-U [-N]] -- CMD [ARG...]
 *     exec CMD in a new cgroup namespace (-C), as uid 65534 (-B), in a new
 *     user (-U) and network (-N) namespace.
 *
 *   tcpka_peer cgchurn DIR N ADDR TIMEOUT
 *     N cgroups DIR/c<i>, one loopback connection each, every round
 *     answered, then closed and removed (see cgchurn_main()).
 *
 *   tcpka_peer repair ADDR PORT
 *     connect() a socket in TCP_REPAIR mode and report its keepalive.
 *
 *   tcpka_peer lofill N SECS [4|6]
 *     N loopback connections in our netns, then lo down (dead peers).
 *
 *   tcpka_peer insmod FILE [PARAM...]
 *     init_module() the file with the parameters; prints "ok" or the errno.
 *
 *   tcpka_peer pair CNS SNS CIF SIF C4 S4 C6 S6
 *     network namespaces CNS (kept if it exists) and SNS as "ip netns add"
 *     makes them (bind mounts under /run/netns), a veth pair CIF in CNS and
 *     SIF in SNS, lo and both ends up, IPv4 C4/24 and S4/24, IPv6 C6/64 and
 *     S6/64 (nodad: usable at once). What five iproute2 runs would do, in one process:
 *     a KASAN kernel under TCG takes seconds per exec of ip.
 *
 *   tcpka_peer jiffies [MS [COUNT]]
 *     how long a jiffies-based kernel timeout of MS (default 1000) ms lasts
 *     by CLOCK_BOOTTIME: a recv() with SO_RCVTIMEO; COUNT times (default 1,
 *     0: forever), one line each. TCP's timers count jiffies; a kernel
 *     that loses ticks (HZ_PERIODIC under a loaded TCG) runs them late,
 *     and then no time bound of a test can hold.
 *
 *   tcpka_peer synfin NSPATH SRC DST PORT [syn]
 *     from netns NSPATH, send one hand-made SYN+FIN segment with 5 bytes of
 *     data (with "syn": SYN only) from address SRC (need not be ours: the
 *     answer goes nowhere) to DST:PORT, IPv4 or IPv6, over a raw socket.
 *     A Fast Open server would take the data before any ACK.
 *
 *   tcpka_peer ifdown NSPATH IF       take IF of netns NSPATH down
 *   tcpka_peer addr NSPATH STEP...
 *     in netns NSPATH, one step after the other: del:IF:ADDR/PLEN or
 *     add:IF:ADDR/PLEN (IPv4 or IPv6, as "ip addr del|add", IPv6 with
 *     nodad), dellink:IF ("ip link del IF": its addresses all go in one
 *     step) and sleep:MS; after each, a line "STEP t=T" (T as "end t=").
 *     Several steps in one process: a re-add comes MS after the delete,
 *     not an exec of ip later (seconds on a KASAN kernel under TCG).
 *   tcpka_peer cat NSPATH SRC DST...  copy files, read inside netns NSPATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/mount.h>

#ifndef TCP_REPAIR
#define TCP_REPAIR 19
#endif

struct opts {
	const char *netns;
	int keepalive;
	int idle, intvl, cnt, uto;	/* -1: not set */
	int wait;			/* -1: no read phase */
	int repair_after;		/* -1: never */
	int idle_after;			/* -1: never */
	double write_after;		/* -W; -1: never */
	double opts_after;		/* -O; -1: never, -2: on SIGUSR1 */
	const char *down_if;		/* take this interface down at once */
	double shut_after;		/* -S; -1: never */
	double ka_off_after;		/* -K; -1: never */
	double idle_every;		/* -P; 0: never */
	int hold;			/* -H */
	int noread;			/* -X */
	int flood;			/* -Z */
	int mptcp;			/* -M */
	int fastopen;			/* -F */
	const char *bind_addr;		/* -b */
	int nr_samples;
	double samples[8];		/* -s: seconds after the connection */
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "error ");
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n");
	va_end(ap);
	exit(2);
}

static const char *ename(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static int getint(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return -1;
	return v;
}

static void report(int fd, const char *what)
{
	say("%s t=%.3f keepalive=%d idle=%d intvl=%d cnt=%d user_timeout=%d",
	    what, now(), getint(fd, SOL_SOCKET, SO_KEEPALIVE),
	    getint(fd, IPPROTO_TCP, TCP_KEEPIDLE),
	    getint(fd, IPPROTO_TCP, TCP_KEEPINTVL),
	    getint(fd, IPPROTO_TCP, TCP_KEEPCNT),
	    getint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
}

static void setint(int fd, int level, int name, int v, const char *what)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)))
		die("setsockopt %s=%d: %s", what, v, ename(errno));
}

static void apply_opts(int fd, const struct opts *o)
{
	if (o->keepalive)
		setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
	if (o->idle >= 0)
		setint(fd, IPPROTO_TCP, TCP_KEEPIDLE, o->idle, "TCP_KEEPIDLE");
	if (o->intvl >= 0)
		setint(fd, IPPROTO_TCP, TCP_KEEPINTVL, o->intvl, "TCP_KEEPINTVL");
	if (o->cnt >= 0)
		setint(fd, IPPROTO_TCP, TCP_KEEPCNT, o->cnt, "TCP_KEEPCNT");
	if (o->uto >= 0)
		setint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, o->uto,
		       "TCP_USER_TIMEOUT");
}

static void enter_netns(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", path, ename(errno));
	if (setns(fd, CLONE_NEWNET))
		die("setns %s: %s", path, ename(errno));
	close(fd);
}

/* ADDR PORT -> sockaddr; IPv6 if ADDR has a ':'. */
static socklen_t parse_addr(const char *addr, const char *port,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;
	int p = atoi(port);

	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			die("bad address %s", addr);
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(p);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
		die("bad address %s", addr);
	return sizeof(*s4);
}

#define MAX_SAMPLES 8

/* The cgroup of this process, as /proc/self/cgroup shows it ("0::/x"). */
static char self_cgroup[4200];

static void read_self_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4200];

	strcpy(self_cgroup, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(self_cgroup, sizeof(self_cgroup), "%s", line + 3);
	}
	fclose(f);
}

/* Append " name=value" for every "name value" line of /proc/net/tcpka/stats. */
static size_t sample_stats(char *buf, size_t len, size_t pos)
{
	FILE *f = fopen("/proc/net/tcpka/stats", "r");
	char name[64];
	unsigned long long v;

	if (!f)
		return pos + snprintf(buf + pos, len - pos, " stats=NA");
	while (pos < len && fscanf(f, "%63s %llu", name, &v) == 2)
		pos += snprintf(buf + pos, len - pos, " %s=%llu", name, v);
	fclose(f);
	return pos;
}

/* Append " tcpkeepalive=N": TcpExt TCPKeepAlive of /proc/net/netstat. */
static size_t sample_netstat(char *buf, size_t len, size_t pos)
{
	FILE *f = fopen("/proc/net/netstat", "r");
	static char hdr[8192], val[8192];
	char *h, *v, *hs, *vs;

	if (!f)
		return pos + snprintf(buf + pos, len - pos, " tcpkeepalive=NA");
	while (fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		if (strncmp(hdr, "TcpExt:", 7))
			continue;
		h = strtok_r(hdr, "\n ", &hs);
		v = strtok_r(val, "\n ", &vs);
		while (h && v) {
			if (!strcmp(h, "TCPKeepAlive")) {
				fclose(f);
				return pos + snprintf(buf + pos, len - pos,
						      " tcpkeepalive=%s", v);
			}
			h = strtok_r(NULL, "\n ", &hs);
			v = strtok_r(NULL, "\n ", &vs);
		}
	}
	fclose(f);
	return pos + snprintf(buf + pos, len - pos, " tcpkeepalive=NA");
}

/* Append " row_<column>=value" for this process's row of the cgroups file. */
static size_t sample_row(char *buf, size_t len, size_t pos)
{
	FILE *f = fopen("/proc/net/tcpka/cgroups", "r");
	static char hdr[1024], line[8192];
	char *cols[16], *c, *hs, *ls;
	int n = 0, i;

	if (!f || !fgets(hdr, sizeof(hdr), f)) {
		if (f)
			fclose(f);
		return pos + snprintf(buf + pos, len - pos, " row=NA");
	}
	for (c = strtok_r(hdr, "\n ", &hs); c && n < 16;
	     c = strtok_r(NULL, "\n ", &hs))
		cols[n++] = c;
	while (fgets(line, sizeof(line), f)) {
		c = strtok_r(line, "\n ", &ls);
		if (!c || strcmp(c, self_cgroup))
			continue;
		for (i = 1; i < n && (c = strtok_r(NULL, "\n ", &ls)); i++)
			pos += snprintf(buf + pos, len - pos, " row_%s=%s",
					cols[i], c);
		fclose(f);
		return pos;
	}
	fclose(f);
	return pos + snprintf(buf + pos, len - pos, " row=none");
}

static void take_sample(int i, double t0)
{
	static char buf[16384];
	size_t pos;

	pos = snprintf(buf, sizeof(buf), "sample%d t=%.3f dt=%.3f", i, now(),
		       now() - t0);
	pos = sample_stats(buf, sizeof(buf) - 64, pos);
	pos = sample_netstat(buf, sizeof(buf) - 64, pos);
	sample_row(buf, sizeof(buf) - 64, pos);
	say("%s", buf);
}

/* Set or clear IFF_UP of a network interface of the current netns. */
static void link_set(const char *ifname, int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS %s: %s", ifname, ename(errno));
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS %s: %s", ifname, ename(errno));
	close(fd);
}

/* Take a network interface down, as ip link set IF down would. */
static void link_down(const char *ifname)
{
	link_set(ifname, 0);
	say("link-down t=%.3f if=%s", now(), ifname);
}

/* Set only while ppoll() lets SIGUSR1 in: a call, so no volatile. */
static sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/*
 * After the connection is up: block in read() until it ends or the -w
 * deadline, taking the -s samples and doing the -R silent close on time.
 */
static void read_phase(int fd, const struct opts *o, double t0)
{
	double end = o->wait > 0 ? t0 + o->wait : 0;
	double repair = o->repair_after >= 0 ? t0 + o->repair_after : 0;
	double wr = o->write_after >= 0 ? t0 + o->write_after : 0;
	double op = o->opts_after >= 0 ? t0 + o->opts_after : 0;
	int op_sig = o->opts_after == -2, wr_sig = o->write_after == -2;
	sigset_t nomask;
	double sh = o->shut_after >= 0 ? t0 + o->shut_after : 0;
	double ko = o->ka_off_after >= 0 ? t0 + o->ka_off_after : 0;
	double pi = o->idle_every > 0 ? t0 + o->idle_every : 0;
	int next_sample = 0, eof = 0, idle_sets = 0, flooding = 0;
	char buf[4096];

	/*
	 * SIGUSR1 stays blocked but for ppoll(), so that one sent before we
	 * got there is not lost.
	 */
	sigprocmask(SIG_BLOCK, NULL, &nomask);
	sigdelset(&nomask, SIGUSR1);
	for (;;) {
		/*
		 * After EOF with -H, or with -X, only an error or hangup wakes
		 * us; -Z waits for room to write too.
		 */
		struct pollfd pfd = { .fd = fd,
				      .events = (eof || o->noread ? 0 : POLLIN) |
						(o->flood ? POLLOUT : 0) };
		double until = end, t;
		int ms = -1, r;
		ssize_t n;

		/* -O sig, -W sig: SIGUSR1 came, they are due now. */
		if (got_usr1) {
			got_usr1 = 0;
			if (op_sig)
				op = now();
			if (wr_sig)
				wr = now();
			op_sig = 0;
			wr_sig = 0;
		}

		if (repair && (!until || repair < until))
			until = repair;
		if (wr && (!until || wr < until))
			until = wr;
		if (op && (!until || op < until))
			until = op;
		if (sh && (!until || sh < until))
			until = sh;
		if (ko && (!until || ko < until))
			until = ko;
		if (pi && (!until || pi < until))
			until = pi;
		if (next_sample < o->nr_samples &&
		    (!until || t0 + o->samples[next_sample] < until))
			until = t0 + o->samples[next_sample];
		t = now();
		if (until)
			ms = until > t ? (int)((until - t) * 1000) + 1 : 0;
		{
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			r = ppoll(&pfd, 1, ms < 0 ? NULL : &ts, &nomask);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll: %s", ename(errno));
		t = now();
		if (r > 0 && o->flood && (pfd.revents & POLLOUT) &&
		    !(pfd.revents & (POLLERR | POLLHUP))) {
			static char block[4096];

			n = send(fd, block, sizeof(block),
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN) {
				say("end t=%.3f result=%s", now(), ename(errno));
				break;
			}
			if (n < 0 && !flooding) {
				flooding = 1;
				say("flooding t=%.3f", now());
			}
			continue;
		}
		if (r > 0) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0) {
				int err = errno;

				if (idle_sets)
					say("idle-sets n=%d", idle_sets);
				say("end t=%.3f result=%s", now(), ename(err));
				break;
			}
			if (n == 0 && o->hold && !eof) {
				say("eof t=%.3f", now());
				eof = 1;
				continue;
			}
			if (n == 0 && eof) {
				/* Woken by an error: read() says EOF first. */
				int err = getint(fd, SOL_SOCKET, SO_ERROR);

				say("end t=%.3f result=%s", now(),
				    err > 0 ? ename(err) : "EOF");
				break;
			}
			if (n == 0) {
				say("end t=%.3f result=EOF", now());
				break;
			}
			say("data t=%.3f bytes=%zd", now(), n);
			continue;
		}
		while (next_sample < o->nr_samples &&
		       t >= t0 + o->samples[next_sample]) {
			take_sample(next_sample + 1, t0);
			next_sample++;
		}
		if (wr && t >= wr) {
			static const char data[64] = "tcpka";

			wr = 0;
			if (fd >= 0)
				say("wrote t=%.3f bytes=%zd", now(),
				    write(fd, data, sizeof(data)));
		}
		if (op && t >= op) {
			op = 0;
			if (fd >= 0)
				report(fd, "opts");
		}
		if (sh && t >= sh) {
			sh = 0;
			if (fd >= 0 && shutdown(fd, SHUT_WR))
				die("shutdown: %s", ename(errno));
			say("shut t=%.3f", now());
		}
		if (ko && t >= ko) {
			ko = 0;
			if (fd >= 0)
				setint(fd, SOL_SOCKET, SO_KEEPALIVE, 0,
				       "SO_KEEPALIVE");
			say("keepalive-off t=%.3f", now());
		}
		while (pi && t >= pi) {
			pi += o->idle_every;
			if (fd >= 0 && !setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE,
						   &(int){ 7200 }, sizeof(int)))
				idle_sets++;
		}
		if (repair && t >= repair) {
			int one = 1;

			if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &one,
				       sizeof(one)))
				die("TCP_REPAIR: %s", ename(errno));
			close(fd);
			fd = -1;	/* poll() ignores it from now on */
			repair = 0;
			say("repair-closed t=%.3f", now());
		}
		if (end && t >= end) {
			if (idle_sets)
				say("idle-sets n=%d", idle_sets);
			say("end t=%.3f result=%s", now(),
			    fd < 0 ? "REPAIRED" : "ALIVE");
			break;
		}
	}
	/* Samples still due are taken even after the connection ended. */
	while (next_sample < o->nr_samples) {
		double wait = t0 + o->samples[next_sample] - now();

		if (wait > 0)
			usleep(wait * 1e6);
		take_sample(next_sample + 1, t0);
		next_sample++;
	}
}

/*
 * @start: for a client, the time just before connect(): the socket reached
 * ESTABLISHED between @start and the "established" line's t, which bound
 * any time measured from ESTABLISHED from above and from below.
 */
static void connected(int fd, const char *role, double start,
		      const struct opts *o)
{
	char what[64];
	double t0;

	if (start)
		snprintf(what, sizeof(what), "established role=%s start=%.3f",
			 role, start);
	else
		snprintf(what, sizeof(what), "established role=%s", role);
	report(fd, what);
	t0 = now();
	if (o->down_if)
		link_down(o->down_if);
	if (o->idle_after >= 0) {
		setint(fd, IPPROTO_TCP, TCP_KEEPIDLE, o->idle_after,
		       "TCP_KEEPIDLE");
		report(fd, "after-set");
	}
	if (o->wait >= 0)
		read_phase(fd, o, t0);
}

static int peer_main(int argc, char **argv, int server)
{
	struct opts o = { .idle = -1, .intvl = -1, .cnt = -1, .uto = -1,
			  .wait = -1, .repair_after = -1, .idle_after = -1,
			  .write_after = -1, .opts_after = -1,
			  .shut_after = -1, .ka_off_after = -1 };
	struct sockaddr_storage ss;
	socklen_t len;
	int c, fd, one = 1;

	while ((c = getopt(argc, argv, "N:ki:I:n:u:w:R:A:s:D:W:O:S:HK:P:MFXZb:")) != -1) {
		switch (c) {
		case 'X':
			o.noread = 1;
			break;
		case 'Z':
			o.flood = 1;
			break;
		case 'S':
			o.shut_after = atof(optarg);
			break;
		case 'H':
			o.hold = 1;
			break;
		case 'K':
			o.ka_off_after = atof(optarg);
			break;
		case 'P':
			o.idle_every = atof(optarg);
			break;
		case 'M':
			o.mptcp = 1;
			break;
		case 'F':
			o.fastopen = 1;
			break;
		case 'b':
			o.bind_addr = optarg;
			break;
		case 'N':
			o.netns = optarg;
			break;
		case 'k':
			o.keepalive = 1;
			break;
		case 'i':
			o.idle = atoi(optarg);
			break;
		case 'I':
			o.intvl = atoi(optarg);
			break;
		case 'n':
			o.cnt = atoi(optarg);
			break;
		case 'u':
			o.uto = atoi(optarg);
			break;
		case 'w':
			o.wait = atoi(optarg);
			break;
		case 'R':
			o.repair_after = atoi(optarg);
			break;
		case 'A':
			o.idle_after = atoi(optarg);
			break;
		case 'D':
			o.down_if = optarg;
			break;
		case 'W':
			o.write_after = strcmp(optarg, "sig") ? atof(optarg) : -2;
			break;
		case 'O':
			o.opts_after = strcmp(optarg, "sig") ? atof(optarg) : -2;
			break;
		case 's':
			if (o.nr_samples == MAX_SAMPLES)
				die("too many -s");
			o.samples[o.nr_samples++] = atof(optarg);
			break;
		default:
			die("bad option");
		}
	}
	if (argc - optind != 2)
		die("usage: %s ADDR PORT", server ? "server" : "client");
	read_self_cgroup();
	enter_netns(o.netns);
	len = parse_addr(argv[optind], argv[optind + 1], &ss);
	fd = socket(ss.ss_family, SOCK_STREAM, o.mptcp ? IPPROTO_MPTCP : 0);
	if (fd < 0)
		die("socket: %s", ename(errno));
	apply_opts(fd, &o);
	if (o.noread) {
		int rcv = 4096;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	}
	if (server) {
		int cfd;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (void *)&ss, len))
			die("bind: %s", ename(errno));
		if (listen(fd, 16))
			die("listen: %s", ename(errno));
		say("listening port=%s", argv[optind + 1]);
		cfd = accept(fd, NULL, NULL);
		if (cfd < 0)
			die("accept: %s", ename(errno));
		connected(cfd, "server", 0, &o);
		/* The listener stays open: a probe to a forgotten port draws
		 * an RST from it as from a closed port.
		 */
		if (o.wait < 0)
			pause();
	} else {
		double start;

		if (o.bind_addr) {
			struct sockaddr_storage bs;
			socklen_t blen = parse_addr(o.bind_addr, "0", &bs);

			if (bind(fd, (void *)&bs, blen))
				die("bind %s: %s", o.bind_addr, ename(errno));
		}
		start = now();
		if (o.fastopen) {
			if (sendto(fd, "hello", 5, MSG_FASTOPEN, (void *)&ss,
				   len) != 5)
				die("sendto MSG_FASTOPEN: %s", ename(errno));
			if (shutdown(fd, SHUT_WR))
				die("shutdown: %s", ename(errno));
		} else if (connect(fd, (void *)&ss, len)) {
			die("connect: %s", ename(errno));
		}
		connected(fd, "client", start, &o);
		if (o.wait < 0)
			pause();
	}
	return 0;
}

static void drop_privs(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("drop to 65534: %s", ename(errno));
}

static void put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("%s: %s", path, ename(errno));
	close(fd);
}

static void new_userns(int netns)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | (netns ? CLONE_NEWNET : 0)))
		die("unshare: %s", ename(errno));
	snprintf(map, sizeof(map), "0 %u 1", uid);
	put_file("/proc/self/uid_map", map);
	put_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", gid);
	put_file("/proc/self/gid_map", map);
}

static int write_main(int argc, char **argv)
{
	int c, userns = 0, netns = 0, drop_after = 0, drop_before = 0, fd;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while ((c = getopt(argc, argv, "UNDB")) != -1) {
		switch (c) {
		case 'U':
			userns = 1;
			break;
		case 'N':
			netns = 1;
			break;
		case 'D':
			drop_after = 1;
			break;
		case 'B':
			drop_before = 1;
			break;
		default:
			die("bad option");
		}
	}
	if (argc - optind != 1)
		die("usage: write [-U] [-N] [-D] [-B] FILE");
	for (;;) {
		if (len == cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			die("out of memory");
		n = read(0, buf + len, cap - len);
		if (n < 0)
			die("read stdin: %s", ename(errno));
		if (!n)
			break;
		len += n;
	}
	if (userns)
		new_userns(netns);
	if (drop_before)
		drop_privs();
	fd = open(argv[optind], O_WRONLY);
	if (fd < 0) {
		say("open %s", ename(errno));
		return 1;
	}
	if (drop_after)
		drop_privs();
	n = write(fd, buf, len);
	if (n < 0) {
		say("write %s", ename(errno));
		return 1;
	}
	if ((size_t)n != len) {
		say("write short %zd/%zu", n, len);
		return 1;
	}
	say("ok");
	return 0;
}

static int insmod_main(int argc, char **argv)
{
	char params[4096] = "";
	struct stat st;
	char *img;
	int fd, i;

	if (argc < 2)
		die("usage: insmod FILE [PARAM...]");
	for (i = 2; i < argc; i++) {
		if (strlen(params) + strlen(argv[i]) + 2 > sizeof(params))
			die("parameters too long");
		if (i > 2)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", argv[1], ename(errno));
	img = malloc(st.st_size);
	if (!img || read(fd, img, st.st_size) != st.st_size)
		die("read %s", argv[1]);
	if (syscall(SYS_init_module, img, (unsigned long)st.st_size, params)) {
		say("%s", ename(errno));
		return 1;
	}
	say("ok");
	return 0;
}

/* The "writes" table: backslash-n is a newline, two backslashes one. */
static size_t unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r += 2;
		} else if (r[0] == '\\' && r[1] == '\\') {
			*w++ = '\\';
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
	return w - s;
}

static char *slurp(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf)
		die("%s: %s", path, ename(errno));
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
	}
	if (r < 0)
		die("read %s: %s", path, ename(errno));
	close(fd);
	*len = n;
	return buf;
}

static int writes_main(int argc, char **argv)
{
	static char line[8192];
	size_t blen, alen, len;
	char *before, *after, *text;
	int n = 0, fd, err;

	if (argc != 2)
		die("usage: writes FILE < TABLE");
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		text = strchr(line, '|');
		if (!text)
			continue;
		*text++ = 0;
		len = unescape(text);
		before = slurp(argv[1], &blen);
		err = 0;
		fd = open(argv[1], O_WRONLY);
		if (fd < 0 || write(fd, text, len) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		after = slurp(argv[1], &alen);
		say("%d %s %s %s", ++n, line, err ? ename(err) : "ok",
		    blen == alen && !memcmp(before, after, blen) ?
		    "same" : "changed");
		free(before);
		free(after);
	}
	return 0;
}

/* A netns file of /run/netns, made as "ip netns add" makes it if asked. */
static int netns_open(const char *name, int create)
{
	char path[256];
	int fd, cur;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || !create)
		return fd;
	mkdir("/run/netns", 0755);
	cur = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (cur < 0 || fd < 0)
		die("create %s: %s", path, ename(errno));
	close(fd);
	if (unshare(CLONE_NEWNET))
		die("unshare: %s", ename(errno));
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL))
		die("bind mount %s: %s", path, ename(errno));
	if (setns(cur, CLONE_NEWNET))
		die("setns back: %s", ename(errno));
	close(cur);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static struct rtattr *nl_attr(struct nlmsghdr *n, size_t max, int type,
			      const void *data, size_t len)
{
	struct rtattr *rta = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	if (NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(len) > max)
		die("netlink message too long");
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(len);
	return rta;
}

static void nl_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (char *)n + n->nlmsg_len - (char *)nest;
}

/* Send a netlink request of the current netns and return its error. */
static int nl_talk(struct nlmsghdr *n)
{
	struct {
		struct nlmsghdr n;
		struct nlmsgerr e;
		char buf[1024];
	} ans;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || sendto(fd, n, n->nlmsg_len, 0, (void *)&sa,
			     sizeof(sa)) < 0)
		die("netlink: %s", ename(errno));
	if (recv(fd, &ans, sizeof(ans), 0) < 0)
		die("netlink recv: %s", ename(errno));
	close(fd);
	if (ans.n.nlmsg_type != NLMSG_ERROR)
		die("netlink: unexpected answer %d", ans.n.nlmsg_type);
	return -ans.e.error;
}

/* ip addr add ADDR/64 dev IFINDEX nodad */
static void addr6_add(int ifindex, const char *addr)
{
	struct {
		struct nlmsghdr n;
		struct ifaddrmsg a;
		char buf[256];
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
		.n.nlmsg_type = RTM_NEWADDR,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL |
				 NLM_F_ACK,
		.a.ifa_family = AF_INET6,
		.a.ifa_prefixlen = 64,
		.a.ifa_flags = IFA_F_NODAD,	/* usable at once */
		.a.ifa_index = ifindex,
	};
	struct in6_addr a6;
	int err;

	if (inet_pton(AF_INET6, addr, &a6) != 1)
		die("bad address %s", addr);
	nl_attr(&req.n, sizeof(req), IFA_LOCAL, &a6, sizeof(a6));
	nl_attr(&req.n, sizeof(req), IFA_ADDRESS, &a6, sizeof(a6));
	err = nl_talk(&req.n);
	if (err)
		die("address %s: %s", addr, ename(err));
}

/* ip link add CIF netns CFD type veth peer name SIF netns SFD */
static void veth_add(const char *cif, int cfd, const char *sif, int sfd)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
		char buf[1024];
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.n.nlmsg_type = RTM_NEWLINK,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL |
				 NLM_F_ACK,
		.i.ifi_family = AF_UNSPEC,
	};
	struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *pa;
	__u32 nsfd;
	int err;

	nl_attr(&req.n, sizeof(req), IFLA_IFNAME, cif, strlen(cif) + 1);
	nsfd = cfd;
	nl_attr(&req.n, sizeof(req), IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	info = nl_attr(&req.n, sizeof(req), IFLA_LINKINFO, NULL, 0);
	nl_attr(&req.n, sizeof(req), IFLA_INFO_KIND, "veth", 4);
	data = nl_attr(&req.n, sizeof(req), IFLA_INFO_DATA, NULL, 0);
	pa = nl_attr(&req.n, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
	nl_attr(&req.n, sizeof(req), IFLA_IFNAME, sif, strlen(sif) + 1);
	nsfd = sfd;
	nl_attr(&req.n, sizeof(req), IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	nl_end(&req.n, pa);
	nl_end(&req.n, data);
	nl_end(&req.n, info);

	err = nl_talk(&req.n);
	if (err)
		die("veth %s/%s: %s", cif, sif, ename(err));
}

/* In netns NSFD: lo and IF up, A4/24 and A6/64 (no DAD) on IF. */
static void if_setup(int nsfd, const char *ifname, const char *a4,
		     const char *a6)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	int fd4;

	if (setns(nsfd, CLONE_NEWNET))
		die("setns: %s", ename(errno));
	link_set("lo", 1);
	fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd4 < 0)
		die("socket: %s", ename(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin = (void *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, a4, &sin->sin_addr) != 1)
		die("bad address %s", a4);
	if (ioctl(fd4, SIOCSIFADDR, &ifr))
		die("SIOCSIFADDR %s %s: %s", ifname, a4, ename(errno));
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (ioctl(fd4, SIOCSIFNETMASK, &ifr))
		die("SIOCSIFNETMASK %s: %s", ifname, ename(errno));
	if (ioctl(fd4, SIOCGIFINDEX, &ifr))
		die("SIOCGIFINDEX %s: %s", ifname, ename(errno));
	addr6_add(ifr.ifr_ifindex, a6);
	link_set(ifname, 1);
	close(fd4);
}

static int pair_main(int argc, char **argv)
{
	int self, cfd, sfd;

	if (argc != 9)
		die("usage: pair CNS SNS CIF SIF C4 S4 C6 S6");
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cfd = netns_open(argv[1], 1);
	sfd = netns_open(argv[2], 1);
	if (self < 0 || cfd < 0 || sfd < 0)
		die("netns: %s", ename(errno));
	veth_add(argv[3], cfd, argv[4], sfd);
	if_setup(cfd, argv[3], argv[5], argv[7]);
	if_setup(sfd, argv[4], argv[6], argv[8]);
	say("ok");
	return 0;
}

static int jiffies_main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 1000;
	int count = argc > 2 ? atoi(argv[2]) : 1;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	double t0;
	char c;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", ename(errno));
	do {
		t0 = now();
		if (recv(fd, &c, 1, 0) >= 0 || errno != EAGAIN)
			die("recv: %s", ename(errno));
		say("jiffies %d ms took %.0f ms at %.3f", ms,
		    (now() - t0) * 1000, now());
	} while (!count || --count);
	return 0;
}

/* ip link del IF, in the current netns */
static void link_del(const char *ifname)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.n.nlmsg_type = RTM_DELLINK,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.i.ifi_family = AF_UNSPEC,
	};
	int err;

	req.i.ifi_index = if_nametoindex(ifname);
	if (!req.i.ifi_index)
		die("interface %s: %s", ifname, ename(errno));
	err = nl_talk(&req.n);
	if (err)
		die("link del %s: %s", ifname, ename(err));
}

/* ip addr add|del ADDR/PLEN dev IF (IPv6: nodad) in the current netns */
static void addr_step(int add, const char *ifname, const char *spec)
{
	struct {
		struct nlmsghdr n;
		struct ifaddrmsg a;
		char buf[256];
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
		.n.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				 (add ? NLM_F_CREATE | NLM_F_EXCL : 0),
	};
	char addr[INET6_ADDRSTRLEN + 8], *slash;
	unsigned char bin[16];
	int err, len;

	snprintf(addr, sizeof(addr), "%s", spec);
	slash = strchr(addr, '/');
	if (!slash)
		die("address %s: no /PLEN", spec);
	*slash = '\0';
	req.a.ifa_prefixlen = atoi(slash + 1);
	req.a.ifa_index = if_nametoindex(ifname);
	if (!req.a.ifa_index)
		die("interface %s: %s", ifname, ename(errno));
	if (inet_pton(AF_INET, addr, bin) == 1) {
		req.a.ifa_family = AF_INET;
		len = 4;
	} else if (inet_pton(AF_INET6, addr, bin) == 1) {
		req.a.ifa_family = AF_INET6;
		req.a.ifa_flags = add ? IFA_F_NODAD : 0;
		len = 16;
	} else {
		die("bad address %s", spec);
	}
	nl_attr(&req.n, sizeof(req), IFA_LOCAL, bin, len);
	nl_attr(&req.n, sizeof(req), IFA_ADDRESS, bin, len);
	err = nl_talk(&req.n);
	if (err)
		die("%s %s dev %s: %s", add ? "add" : "del", spec, ifname,
		    ename(err));
}

static int addr_main(int argc, char **argv)
{
	char step[256], *ifname, *spec;
	int i;

	if (argc < 3)
		die("usage: addr NSPATH del:IF:ADDR/PLEN|add:IF:ADDR/PLEN|sleep:MS...");
	enter_netns(argv[1]);
	for (i = 2; i < argc; i++) {
		if (strlen(argv[i]) >= sizeof(step))
			die("step too long: %s", argv[i]);
		snprintf(step, sizeof(step), "%s", argv[i]);
		if (!strncmp(step, "sleep:", 6)) {
			usleep(atoi(step + 6) * 1000);
		} else if (!strncmp(step, "dellink:", 8)) {
			link_del(step + 8);
		} else if (!strncmp(step, "del:", 4) || !strncmp(step, "add:", 4)) {
			ifname = step + 4;
			spec = strchr(ifname, ':');
			if (!spec)
				die("bad step %s", argv[i]);
			*spec++ = '\0';
			addr_step(step[0] == 'a', ifname, spec);
		} else {
			die("bad step %s", argv[i]);
		}
		say("%s t=%.3f", argv[i], now());
	}
	return 0;
}

static int ifdown_main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: ifdown NSPATH IF");
	enter_netns(argv[1]);
	link_down(argv[2]);
	return 0;
}

static unsigned int csum_add(unsigned int sum, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static unsigned short csum_fold(unsigned int sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* One SYN(+FIN) segment with 5 bytes of data, IP header and all. */
static int synfin_main(int argc, char **argv)
{
	static const char data[5] = "hello";
	unsigned char pkt[128] = { 0 }, *tcp;
	unsigned char ph[40] = { 0 };	/* pseudo header */
	int v6, fd, syn_only, hlen, tlen = 20 + sizeof(data);
	struct sockaddr_storage dst = { 0 };
	socklen_t dlen;
	unsigned int sum;
	unsigned short port;

	if (argc < 6)
		die("usage: synfin NSPATH SRC DST PORT [syn]");
	syn_only = argc > 6 && !strcmp(argv[6], "syn");
	enter_netns(argv[2]);
	v6 = !!strchr(argv[4], ':');
	port = htons(atoi(argv[5]));
	hlen = v6 ? 40 : 20;
	tcp = pkt + hlen;
	if (v6) {
		struct sockaddr_in6 *d = (void *)&dst;

		pkt[0] = 0x60;
		pkt[4] = tlen >> 8;
		pkt[5] = tlen & 0xff;
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		if (inet_pton(AF_INET6, argv[3], pkt + 8) != 1 ||
		    inet_pton(AF_INET6, argv[4], pkt + 24) != 1)
			die("bad address");
		memcpy(ph, pkt + 8, 32);
		ph[34] = tlen >> 8;
		ph[35] = tlen & 0xff;
		ph[39] = IPPROTO_TCP;
		sum = csum_add(0, ph, 40);
		d->sin6_family = AF_INET6;
		memcpy(&d->sin6_addr, pkt + 24, 16);
		dlen = sizeof(*d);
	} else {
		struct sockaddr_in *d = (void *)&dst;

		pkt[0] = 0x45;
		pkt[2] = (hlen + tlen) >> 8;
		pkt[3] = (hlen + tlen) & 0xff;
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		if (inet_pton(AF_INET, argv[3], pkt + 12) != 1 ||
		    inet_pton(AF_INET, argv[4], pkt + 16) != 1)
			die("bad address");
		memcpy(ph, pkt + 12, 8);
		ph[9] = IPPROTO_TCP;
		ph[10] = tlen >> 8;
		ph[11] = tlen & 0xff;
		sum = csum_add(0, ph, 12);
		d->sin_family = AF_INET;
		memcpy(&d->sin_addr, pkt + 16, 4);
		dlen = sizeof(*d);
	}
	tcp[0] = 40000 >> 8;		/* source port 40000 */
	tcp[1] = 40000 & 0xff;
	memcpy(tcp + 2, &port, 2);
	tcp[4] = 0x12;			/* any initial sequence number */
	tcp[5] = 0x34;
	tcp[12] = 5 << 4;		/* data offset: no options */
	tcp[13] = syn_only ? 0x02 : 0x03;	/* SYN, FIN */
	tcp[14] = 0xff;			/* window */
	tcp[15] = 0xff;
	memcpy(tcp + 20, data, sizeof(data));
	sum = csum_add(sum, tcp, tlen);
	*(unsigned short *)(tcp + 16) = csum_fold(sum);
	/* IPPROTO_RAW: we give the IP header (IPv4 checksum by the kernel). */
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("raw socket: %s", ename(errno));
	if (sendto(fd, pkt, hlen + tlen, 0, (void *)&dst, dlen) != hlen + tlen)
		die("sendto: %s", ename(errno));
	say("sent t=%.3f %s", now(), syn_only ? "syn" : "syn+fin");
	return 0;
}

static int cat_main(int argc, char **argv)
{
	int i, fd;

	if (argc < 4 || argc % 2)
		die("usage: cat NSPATH SRC DST...");
	enter_netns(argv[1]);
	for (i = 2; i < argc; i += 2) {
		size_t len;
		char *buf;

		fd = open(argv[i], O_RDONLY);
		if (fd < 0)	/* a missing file is a missing copy */
			continue;
		close(fd);
		buf = slurp(argv[i], &len);
		fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
			die("%s: %s", argv[i + 1], ename(errno));
		close(fd);
		free(buf);
	}
	return 0;
}

/*
 * tcpka_peer as [-C] [-B] [-U [-N]] -- CMD [ARG...]
 *   exec CMD: -C in a new cgroup namespace (rooted at our cgroup), -B as
 *   uid/gid 65534, -U in a new user namespace as root mapped to our uid
 *   (after -B: an unprivileged user's), -N with -U in a new network
 *   namespace too.
 */
static int as_main(int argc, char **argv)
{
	int c, cgns = 0, drop = 0, userns = 0, netns = 0;

	while ((c = getopt(argc, argv, "+CBUN")) != -1) {
		switch (c) {
		case 'C':
			cgns = 1;
			break;
		case 'B':
			drop = 1;
			break;
		case 'U':
			userns = 1;
			break;
		case 'N':
			netns = 1;
			break;
		default:
			die("bad option");
		}
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		die("usage: as [-C] [-B] [-U [-N]] -- CMD [ARG...]");
	if (cgns && unshare(CLONE_NEWCGROUP))
		die("unshare(CLONE_NEWCGROUP): %s", ename(errno));
	if (drop) {
		drop_privs();
		/* A credential change makes us undumpable: /proc/self root's. */
		prctl(PR_SET_DUMPABLE, 1);
	}
	if (userns)
		new_userns(netns);
	execvp(argv[optind], argv + optind);
	die("exec %s: %s", argv[optind], ename(errno));
	return 2;
}

/* A counter of /proc/net/tcpka/stats, -1 if it cannot be read. */
static long long stat_of(const char *name)
{
	char line[128], key[64];
	long long v, r = -1;
	FILE *f = fopen("/proc/net/tcpka/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &v) == 2 && !strcmp(key, name))
			r = v;
	fclose(f);
	return r;
}

/* Move this process into the cgroup at directory @dir. */
static void cg_enter(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	put_file(path, "0");
}

/*
 * tcpka_peer cgchurn DIR N ADDR TIMEOUT
 *   in one process: listen on ADDR (127.0.0.1 or ::1) in cgroup DIR/home;
 *   for i < N, mkdir DIR/c<i>, move there, connect (a socket of cgroup
 *   c<i>), move back; accept them all; wait until outcome_ack has grown by
 *   2 N (every round of both ends answered) or TIMEOUT s; close all and
 *   rmdir every DIR/c<i>. Prints "connected n=N", "acked n=A" and "done
 *   t=T removed=R".
 */
static int cgchurn_main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct rlimit rl = { 8192, 8192 };
	int n, i, lfd, *cfd, *afd, v6, removed = 0;
	long long ack0, ack;
	socklen_t sl;
	char dir[512];
	double end;

	if (argc != 5)
		die("usage: cgchurn DIR N ADDR TIMEOUT");
	n = atoi(argv[2]);
	v6 = !!strchr(argv[3], ':');
	end = now() + atof(argv[4]);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit: %s", ename(errno));
	cfd = calloc(n, sizeof(*cfd));
	afd = calloc(n, sizeof(*afd));
	if (!cfd || !afd)
		die("out of memory");
	snprintf(dir, sizeof(dir), "%s/home", argv[1]);
	if (mkdir(dir, 0755) && errno != EEXIST)
		die("mkdir %s: %s", dir, ename(errno));
	cg_enter(dir);
	lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	sl = parse_addr(argv[3], "0", &ss);
	if (lfd < 0 || bind(lfd, (void *)&ss, sl) || listen(lfd, n + 16) ||
	    getsockname(lfd, (void *)&ss, &sl))
		die("listen: %s", ename(errno));
	ack0 = stat_of("outcome_ack");
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/c%d", argv[1], i);
		if (mkdir(dir, 0755))
			die("mkdir %s: %s", dir, ename(errno));
		cg_enter(dir);
		cfd[i] = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		if (cfd[i] < 0 || connect(cfd[i], (void *)&ss, sl))
			die("connect %d: %s", i, ename(errno));
		snprintf(dir, sizeof(dir), "%s/home", argv[1]);
		cg_enter(dir);
		afd[i] = accept(lfd, NULL, NULL);
		if (afd[i] < 0)
			die("accept %d: %s", i, ename(errno));
	}
	close(lfd);
	say("connected n=%d", n);
	do {
		usleep(200000);
		ack = stat_of("outcome_ack");
	} while (ack - ack0 < 2LL * n && now() < end);
	say("acked n=%lld", ack - ack0);
	for (i = 0; i < n; i++) {
		close(cfd[i]);
		close(afd[i]);
	}
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/c%d", argv[1], i);
		removed += !rmdir(dir);
	}
	say("done t=%.3f removed=%d", now(), removed);
	return removed == n ? 0 : 1;
}

/*
 * tcpka_peer repair ADDR PORT
 *   a socket put in TCP_REPAIR mode before connect() (as CRIU restores
 *   one): ESTABLISHED at once, with no handshake. Prints "repair
 *   keepalive=K idle=S user_timeout=MS", then closes it (no FIN, repair).
 */
static int repair_main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	int fd, one = 1, ka = -1, idle = -1, uto = -1, v6;
	socklen_t sl, ol = sizeof(int);

	if (argc != 3)
		die("usage: repair ADDR PORT");
	v6 = !!strchr(argv[1], ':');
	sl = parse_addr(argv[1], argv[2], &ss);
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &one, sizeof(one)))
		die("TCP_REPAIR: %s", ename(errno));
	if (connect(fd, (void *)&ss, sl))
		die("connect in repair mode: %s", ename(errno));
	getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &ka, &ol);
	getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &ol);
	getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &uto, &ol);
	say("repair keepalive=%d idle=%d user_timeout=%d", ka, idle, uto);
	close(fd);
	return 0;
}

/*
 * tcpka_peer lofill N SECS [4|6]
 *   in the network namespace we are in: lo up, N loopback connections
 *   (both ends here), then lo down: every probe from then on is lost.
 *   Prints "down n=N", holds the connections SECS seconds, closes them.
 */
static int lofill_main(int argc, char **argv)
{
	int n, i, lfd, *fd, v6 = argc > 3 && !strcmp(argv[3], "6");
	struct rlimit rl = { 4096, 4096 };
	int af = v6 ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss;
	struct sockaddr *sa = (void *)&ss;
	socklen_t sl;

	if (argc != 3 && argc != 4)
		die("usage: lofill N SECS [4|6]");
	n = atoi(argv[1]);
	setrlimit(RLIMIT_NOFILE, &rl);
	fd = calloc(2 * n, sizeof(*fd));
	if (!fd)
		die("out of memory");
	link_set("lo", 1);
	sl = parse_addr(v6 ? "::1" : "127.0.0.1", "0", &ss);
	lfd = socket(af, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, sa, sl) || listen(lfd, n + 16) ||
	    getsockname(lfd, sa, &sl))
		die("listen: %s", ename(errno));
	for (i = 0; i < n; i++) {
		fd[2 * i] = socket(af, SOCK_STREAM, 0);
		if (fd[2 * i] < 0 || connect(fd[2 * i], sa, sl))
			die("connect %d: %s", i, ename(errno));
		fd[2 * i + 1] = accept(lfd, NULL, NULL);
		if (fd[2 * i + 1] < 0)
			die("accept %d: %s", i, ename(errno));
	}
	link_set("lo", 0);
	say("down n=%d", n);
	usleep(atof(argv[2]) * 1e6);
	for (i = 0; i < 2 * n; i++)
		close(fd[i]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: tcpka_peer server|client|write|writes|insmod|pair|ifdown|addr|\n"
		    "       synfin|cat|as|cgchurn|repair|lofill ...");
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "server") || !strcmp(argv[1], "client")) {
		/* -O sig: SIGUSR1 waits, blocked, for read_phase()'s ppoll(). */
		struct sigaction sa = { .sa_handler = on_usr1 };
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		sigaction(SIGUSR1, &sa, NULL);
		return peer_main(argc - 1, argv + 1, argv[1][0] == 's');
	}
	if (!strcmp(argv[1], "write"))
		return write_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "insmod"))
		return insmod_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "writes"))
		return writes_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pair"))
		return pair_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "jiffies"))
		return jiffies_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ifdown"))
		return ifdown_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "addr"))
		return addr_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "synfin"))
		return synfin_main(argc, argv);
	if (!strcmp(argv[1], "cat"))
		return cat_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "as"))
		return as_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cgchurn"))
		return cgchurn_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "repair"))
		return repair_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lofill"))
		return lofill_main(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
	return 2;
}
