// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_bench: the workloads `make bench` times inside the VM.
 *
 *   tcpka_bench churn N     N connect/accept/close cycles over loopback
 *                           (the path tcpka's hooks are on: state changes,
 *                           policy lookups, socket destruction)
 *   tcpka_bench stream MB   MB megabytes through one loopback connection
 *                           (the per-packet path, where tcpka has no hook)
 *   tcpka_bench idle N S    N idle keepalive connections for S seconds
 *                           while streaming, to load the keepalive timer
 *   tcpka_bench sink ADDR PORT
 *                           accept connections on ADDR:PORT and keep them
 *   tcpka_bench halfopen N ADDR PORT S
 *                           open N connections to ADDR:PORT, print
 *                           "connected N", keep them S seconds
 *   tcpka_bench nodelay N   N setsockopt(TCP_NODELAY) calls on one
 *                           connected loopback socket: calls per second
 *   tcpka_bench keepidle N  the same with TCP_KEEPIDLE (an option a
 *                           mode=force policy puts back)
 *   tcpka_bench flap N ADDR PORT
 *                           one connection to ADDR:PORT whose keepalive
 *                           options are set N times over (TCP_KEEPIDLE,
 *                           TCP_KEEPINTVL, SO_KEEPALIVE off and on): what
 *                           a mode=force policy puts back each time
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void die(const char *what)
{
	perror(what);
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

static void churn(long n)
{
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
	t0 = now();
	for (i = 0; i < n; i++) {
		fd = dial(&a);
		/* RST on close: no TIME_WAIT pile-up skewing later cycles. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	printf("%s %.0f conn/s\n", "churn", n / (now() - t0));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
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

static void sink(const char *addr, const char *port)
{
	struct sockaddr_in a;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	addr_of(&a, addr, port);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&a, sizeof(a)) || listen(fd, 4096))
		die("listen");
	printf("listening\n");
	fflush(stdout);
	/* Accepted sockets stay open (and unread) until we are killed. */
	for (;;) {
		if (accept(fd, NULL, NULL) >= 0 || errno == EINTR)
			continue;
		if (errno != EMFILE)
			die("accept");
		pause();
	}
}

static void halfopen(long n, const char *addr, const char *port, long secs)
{
	struct sockaddr_in a;
	long i;

	addr_of(&a, addr, port);
	for (i = 0; i < n; i++)
		dial(&a);	/* kept open until we exit */
	printf("connected %ld\n", n);
	fflush(stdout);
	sleep(secs);
}

static double sockopt_rate(long n, int optname)
{
	struct sockaddr_in a;
	int lfd = listener(&a), fd, v = 1;
	double t0;
	long i;

	fd = dial(&a);
	t0 = now();
	for (i = 0; i < n; i++) {
		v = optname == TCP_KEEPIDLE ? 600 + (i & 1) : (int)(i & 1);
		if (setsockopt(fd, IPPROTO_TCP, optname, &v, sizeof(v)))
			die("setsockopt");
	}
	t0 = now() - t0;
	close(fd);
	close(lfd);
	return n / t0;
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
	} else if (argc == 4 && !strcmp(argv[1], "sink")) {
		sink(argv[2], argv[3]);
	} else if (argc == 6 && !strcmp(argv[1], "halfopen")) {
		halfopen(atol(argv[2]), argv[3], argv[4], atol(argv[5]));
	} else if (argc == 3 && !strcmp(argv[1], "nodelay")) {
		printf("nodelay %.0f calls/s\n", sockopt_rate(atol(argv[2]), TCP_NODELAY));
	} else if (argc == 3 && !strcmp(argv[1], "keepidle")) {
		printf("keepidle %.0f calls/s\n", sockopt_rate(atol(argv[2]), TCP_KEEPIDLE));
	} else if (argc == 5 && !strcmp(argv[1], "flap")) {
		flap(atol(argv[2]), argv[3], argv[4]);
	} else if (argc == 3 && !strcmp(argv[1], "readfile")) {
		readfile(argv[2]);
	} else {
		fprintf(stderr, "usage: tcpka_bench churn N | stream MB | idle N SECS |\n"
			"       sink ADDR PORT | halfopen N ADDR PORT SECS |\n"
			"       nodelay N | keepidle N | flap N ADDR PORT | readfile PATH\n");
		return 2;
	}
	return 0;
}
