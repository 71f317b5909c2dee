// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_bench: the workloads `make bench` times inside the VM.
 *
 *   tcpka_bench churn N     N connect/accept/close cycles over loopback
 *                           (the path tcpka's hooks are on: state changes,
 *                           policy lookups, socket destruction): the rate,
 *                           and the machine's non-idle CPU per connection
 *   tcpka_bench stream MB   MB megabytes through one loopback connection
 *                           (the per-packet path, where tcpka has no hook)
 *   tcpka_bench idle N S    N idle keepalive connections for S seconds
 *                           while streaming, to load the keepalive timer
 *   tcpka_bench sink ADDR PORTS [repair]
 *                           accept connections on ADDR:PORTS (P or P-Q)
 *                           and keep them; "repair": close each at once
 *                           with TCP_REPAIR (no FIN, no RST: half-open)
 *   tcpka_bench halfopen N ADDR PORTS S
 *                           open N connections to ADDR:PORTS (round
 *                           robin), print "connected N" ("dialed K"
 *                           every 10000 before), keep them S seconds
 *   tcpka_bench nodelay N   N setsockopt(TCP_NODELAY) calls on one
 *                           connected loopback socket, in 10 batches:
 *                           calls per second of the fastest batch
 *   tcpka_bench keepidle N  the same with TCP_KEEPIDLE (an option a
 *                           mode=force policy puts back) on a socket
 *                           with SO_KEEPALIVE on
 *   tcpka_bench flap N ADDR PORT
 *                           one connection to ADDR:PORT whose keepalive
 *                           options are set N times over (TCP_KEEPIDLE,
 *                           TCP_KEEPINTVL, SO_KEEPALIVE off and on): what
 *                           a mode=force policy puts back each time
 *   tcpka_bench storm N S SRVCG app|none [DEAD ADDR PORT DOWNCMD]
 *                           a keepalive timer storm: N connections over
 *                           loopback to a server child that moves itself
 *                           to cgroup SRVCG first (so that a policy or BPF
 *                           program of our cgroup covers our ends only);
 *                           "app": we set keepalive idle=1 intvl=1 cnt=5
 *                           ourselves, "none": tcpka or BPF does. With
 *                           DEAD, that many of the N go to ADDR:PORT
 *                           instead, and DOWNCMD (sh -c) makes that peer
 *                           unreachable: their rounds run to timeout.
 *                           After 2 s (every socket probing), for S
 *                           seconds: the machine's non-idle CPU (elapsed
 *                           time x CPUs - idle time, both of /proc/uptime),
 *                           the tick-sampled CPU of /proc/stat and the
 *                           probes sent (TcpExt TCPKeepAlive): equal work
 *                           is proven by equal probe counts.
 *   tcpka_bench readfile PATH
 *                           read PATH whole, as cat would: the time it
 *                           took and its number of lines
 *
 * Prints one "name value unit" line. Ratios are the caller's business.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A child to take along when we die (the storm's server). */
static pid_t child;

static void die(const char *what)
{
	perror(what);
	if (child > 0)
		kill(child, SIGKILL);
	exit(1);
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (void *)a, sizeof(*a)) || listen(fd, 4096) ||
	    getsockname(fd, (void *)a, &len))
		die("listen");
	return fd;
}

static int dial(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const void *)a, sizeof(*a)))
		die("connect");
	return fd;
}

/* What the machine did so far: see storm. */
struct cpu_snap {
	double t;		/* /proc/uptime: seconds since boot */
	double idle;		/* /proc/uptime: idle seconds, all CPUs */
	double tick_busy;	/* /proc/stat cpu: non-idle, seconds */
	long long ka;		/* TcpExt TCPKeepAlive of our netns */
};

#define SEP "\n "

static long long tcpext(const char *name)
{
	static char names[8192], vals[8192];
	FILE *f = fopen("/proc/net/netstat", "r");
	char *n, *v, *sn, *sv;

	if (!f)
		die("/proc/net/netstat");
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, SEP, &sn);
		v = strtok_r(vals, SEP, &sv);
		while (n && v) {
			if (!strcmp(n, name)) {
				fclose(f);
				return atoll(v);
			}
			n = strtok_r(NULL, SEP, &sn);
			v = strtok_r(NULL, SEP, &sv);
		}
	}
	fclose(f);
	return -1;
}

static void cpu_snap(struct cpu_snap *c)
{
	unsigned long long u, ni, sy, id, io, irq, sirq, st;
	FILE *f = fopen("/proc/uptime", "r");

	if (!f || fscanf(f, "%lf %lf", &c->t, &c->idle) != 2)
		die("/proc/uptime");
	fclose(f);
	f = fopen("/proc/stat", "r");
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &u, &ni, &sy, &id, &io, &irq, &sirq, &st) != 8)
		die("/proc/stat");
	fclose(f);
	c->tick_busy = (double)(u + ni + sy + irq + sirq + st) /
		       sysconf(_SC_CLK_TCK);
	c->ka = tcpext("TCPKeepAlive");
}

/* Non-idle CPU seconds of the machine between two snapshots. */
static double busy(const struct cpu_snap *a, const struct cpu_snap *b)
{
	return (b->t - a->t) * sysconf(_SC_NPROCESSORS_ONLN) -
	       (b->idle - a->idle);
}

static void churn(long n)
{
	struct cpu_snap c0, c1;
	struct sockaddr_in a;
	int lfd = listener(&a), fd, c;
	struct linger lg = { 1, 0 };
	double t0;
	pid_t pid;
	long i;

	pid = fork();
	if (pid == 0) {
		for (;;) {
			c = accept(lfd, NULL, NULL);
			if (c < 0)
				_exit(0);
			close(c);
		}
	}
	cpu_snap(&c0);
	t0 = now();
	for (i = 0; i < n; i++) {
		fd = dial(&a);
		/* RST on close: no TIME_WAIT pile-up skewing later cycles. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	t0 = now() - t0;
	cpu_snap(&c1);
	printf("%s %.0f conn/s\n", "churn", n / t0);
	printf("%s %.2f us/conn\n", "churn-cpu", busy(&c0, &c1) * 1e6 / n);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	child = 0;
}

static double stream(long mb)
{
	static char buf[1 << 16];
	struct sockaddr_in a;
	int lfd = listener(&a), fd, c;
	long left = mb << 20;
	double t0;
	ssize_t r;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		c = accept(lfd, NULL, NULL);
		while ((r = read(c, buf, sizeof(buf))) > 0)
			;
		_exit(0);
	}
	fd = dial(&a);
	t0 = now();
	while (left > 0) {
		r = write(fd, buf, left < (long)sizeof(buf) ? left : (long)sizeof(buf));
		if (r <= 0)
			die("write");
		left -= r;
	}
	close(fd);
	waitpid(pid, NULL, 0);
	return mb / (now() - t0);
}

static void idle(long n, long secs)
{
	struct sockaddr_in a;
	int lfd = listener(&a), *fds, one = 1;
	double t0, mbs = 0;
	long i, rounds = 0;

	fds = calloc(n, sizeof(*fds));
	if (!fds)
		die("calloc");
	for (i = 0; i < n; i++) {
		fds[i] = dial(&a);
		setsockopt(fds[i], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fds[i], IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one));
		setsockopt(fds[i], IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof(one));
	}
	t0 = now();
	while (now() - t0 < secs) {
		mbs += stream(64);
		rounds++;
	}
	printf("%s %.1f MB/s\n", "idle-stream", mbs / rounds);
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	close(lfd);
}

static void addr_of(struct sockaddr_in *a, const char *addr, const char *port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
		die("inet_pton");
}

/* PORTS is P or P-Q: the ports *lo .. *hi. */
static void port_range(const char *ports, int *lo, int *hi)
{
	const char *dash = strchr(ports, '-');

	*lo = atoi(ports);
	*hi = dash ? atoi(dash + 1) : *lo;
	if (*lo <= 0 || *hi < *lo || *hi - *lo >= 64)
		die("port range");
}

#ifndef TCP_REPAIR
#define TCP_REPAIR 19
#endif

static void sink(const char *addr, const char *ports, int repair)
{
	struct pollfd pfd[64];
	struct sockaddr_in a;
	int one = 1, lo, hi, i, n, c;

	port_range(ports, &lo, &hi);
	n = hi - lo + 1;
	for (i = 0; i < n; i++) {
		char port[16];

		snprintf(port, sizeof(port), "%d", lo + i);
		addr_of(&a, addr, port);
		pfd[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0)
			die("socket");
		setsockopt(pfd[i].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(pfd[i].fd, (void *)&a, sizeof(a)) ||
		    listen(pfd[i].fd, 4096))
			die("listen");
	}
	printf("listening\n");
	fflush(stdout);
	/*
	 * Accepted sockets stay open (and unread) until we are killed; with
	 * "repair" they are closed at once without a FIN or RST (TCP_REPAIR):
	 * the peer's end is half-open, and this side costs no memory.
	 */
	for (;;) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept(pfd[i].fd, NULL, NULL);
			if (c < 0 && errno == EMFILE)
				pause();
			if (c < 0)
				continue;
			if (repair) {
				if (setsockopt(c, IPPROTO_TCP, TCP_REPAIR, &one,
					       sizeof(one)))
					die("TCP_REPAIR");
				close(c);
			}
		}
	}
}

static void halfopen(long n, const char *addr, const char *ports, long secs)
{
	struct sockaddr_in a;
	int lo, hi;
	long i;

	port_range(ports, &lo, &hi);
	addr_of(&a, addr, "1");
	for (i = 0; i < n; i++) {
		/* Ports after ports: 28232 ephemeral ports per destination. */
		a.sin_port = htons(lo + i % (hi - lo + 1));
		dial(&a);	/* kept open until we exit */
		if ((i + 1) % 10000 == 0 && i + 1 < n) {
			printf("dialed %ld t=%.1f\n", i + 1, now());
			fflush(stdout);
		}
	}
	printf("connected %ld\n", n);
	fflush(stdout);
	sleep(secs);
}

/*
 * N calls of setsockopt(OPTNAME) on a connected socket, in 10 batches:
 * the rate of the fastest batch (the host's own interruptions make a
 * batch slower, never faster: the best of several is the steadiest).
 */
static double sockopt_rate(long n, int optname)
{
	struct sockaddr_in a;
	int lfd = listener(&a), fd, v = 1;
	double t0, best = 0;
	long i, b;

	fd = dial(&a);
	/*
	 * Keepalive on, as every policy and the BPF peer turn it: the
	 * kernel re-arms the timer on each TCP_KEEPIDLE then, stock too.
	 */
	if (optname == TCP_KEEPIDLE &&
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)))
		die("SO_KEEPALIVE");
	for (b = 0; b < 10; b++) {
		t0 = now();
		for (i = 0; i < n / 10; i++) {
			v = optname == TCP_KEEPIDLE ? 600 + (i & 1) : (int)(i & 1);
			if (setsockopt(fd, IPPROTO_TCP, optname, &v, sizeof(v)))
				die("setsockopt");
		}
		t0 = now() - t0;
		if (!b || t0 < best)
			best = t0;
	}
	close(fd);
	close(lfd);
	return n / 10 / best;
}

static void flap(long n, const char *addr, const char *port)
{
	int off = 0, on = 1, idle = 600, intvl = 60, fd;
	struct sockaddr_in a;
	long i;

	addr_of(&a, addr, port);
	fd = dial(&a);
	for (i = 0; i < n; i++) {
		if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) ||
		    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, i & 1 ? &on : &off,
			       sizeof(on)))
			die("setsockopt");
	}
	printf("flapped %ld\n", n);
	fflush(stdout);
	close(fd);
}

static void keepalive_app(int fd)
{
	int one = 1, cnt = 5;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)))
		die("setsockopt keepalive");
}

/* The storm's server: in cgroup SRVCG, accept and keep; port to WFD. */
static void storm_server(const char *srvcg, int wfd)
{
	char path[512];
	struct sockaddr_in a;
	int fd, lfd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", srvcg);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		die(path);
	close(fd);
	lfd = listener(&a);
	if (write(wfd, &a.sin_port, sizeof(a.sin_port)) != sizeof(a.sin_port))
		die("write port");
	close(wfd);
	for (;;) {
		if (accept(lfd, NULL, NULL) >= 0 || errno == EINTR)
			continue;
		if (errno != EMFILE)
			die("accept");
		pause();
	}
}

static void ka_storm(long n, long secs, const char *srvcg, int app,
		     long dead, const char *daddr, const char *dport,
		     const char *down)
{
	struct linger lg = { 1, 0 };
	struct sockaddr_in a, d;
	struct cpu_snap c0, c1;
	const char *tag = dead ? "half-dead" : "all-acked";
	int p[2], *fds;
	pid_t pid;
	long i;

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		storm_server(srvcg, p[1]);
		_exit(0);
	}
	child = pid;
	close(p[1]);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (read(p[0], &a.sin_port, sizeof(a.sin_port)) != sizeof(a.sin_port))
		die("read port");
	close(p[0]);
	if (dead)
		addr_of(&d, daddr, dport);
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		die("calloc");
	for (i = 0; i < n; i++) {
		fds[i] = dial(i < dead ? &d : &a);
		if (app)
			keepalive_app(fds[i]);
	}
	/* idle=1: by now every connection is probing, its peer answering. */
	sleep(2);
	cpu_snap(&c0);
	/* For a profiler: the window begins. */
	fprintf(stderr, "window\n");
	if (down && system(down))
		die(down);
	sleep(secs);
	cpu_snap(&c1);
	printf("storm-%s %.1f ms\n", tag, busy(&c0, &c1) * 1e3);
	printf("storm-%s-tick %.1f ms\n", tag, (c1.tick_busy - c0.tick_busy) * 1e3);
	printf("storm-%s-probes %lld probes\n", tag, c1.ka - c0.ka);
	for (i = 0; i < n; i++) {
		setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fds[i]);
	}
	free(fds);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	child = 0;
}

static void readfile(const char *path)
{
	static char buf[1 << 16];
	long lines = 0;
	double t0 = now();
	ssize_t r, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < r; i++)
			lines += buf[i] == '\n';
	if (r < 0)
		die("read");
	close(fd);
	printf("%s %.1f ms lines=%ld\n", __func__, (now() - t0) * 1000, lines);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "churn")) {
		churn(atol(argv[2]));
	} else if (argc == 3 && !strcmp(argv[1], "stream")) {
		printf("stream %.1f MB/s\n", stream(atol(argv[2])));
	} else if (argc == 4 && !strcmp(argv[1], "idle")) {
		idle(atol(argv[2]), atol(argv[3]));
	} else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "sink")) {
		sink(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "repair"));
	} else if (argc == 6 && !strcmp(argv[1], "halfopen")) {
		halfopen(atol(argv[2]), argv[3], argv[4], atol(argv[5]));
	} else if (argc == 3 && !strcmp(argv[1], "nodelay")) {
		printf("nodelay %.0f calls/s\n", sockopt_rate(atol(argv[2]), TCP_NODELAY));
	} else if (argc == 3 && !strcmp(argv[1], "keepidle")) {
		printf("keepidle %.0f calls/s\n", sockopt_rate(atol(argv[2]), TCP_KEEPIDLE));
	} else if (argc == 5 && !strcmp(argv[1], "flap")) {
		flap(atol(argv[2]), argv[3], argv[4]);
	} else if ((argc == 6 || argc == 10) && !strcmp(argv[1], "storm")) {
		int x = argc == 10;

		ka_storm(atol(argv[2]), atol(argv[3]), argv[4],
			 !strcmp(argv[5], "app"), x ? atol(argv[6]) : 0,
			 x ? argv[7] : NULL, x ? argv[8] : NULL,
			 x ? argv[9] : NULL);
	} else if (argc == 3 && !strcmp(argv[1], "readfile")) {
		readfile(argv[2]);
	} else {
		fprintf(stderr, "usage: tcpka_bench churn N | stream MB | idle N SECS |\n"
			"       sink ADDR PORTS [repair] | halfopen N ADDR PORTS SECS |\n"
			"       nodelay N | keepidle N | flap N ADDR PORT | readfile PATH |\n"
			"       storm N S SRVCG app|none [DEAD ADDR PORT DOWNCMD]\n");
		return 2;
	}
	return 0;
}
