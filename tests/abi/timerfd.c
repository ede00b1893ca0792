/* timerfd: the expiration count read in 8 bytes, EAGAIN when non-blocking,
 * blocking reads, intervals, TFD_TIMER_ABSTIME, gettime, poll and epoll,
 * a blocked read interrupted by a signal, flags and errors. */
#include "abi.h"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long set(int fd, int flags, long val_ns, long int_ns, struct itimerspec *old)
{
	struct itimerspec its = {{int_ns / 1000000000, int_ns % 1000000000},
				 {val_ns / 1000000000, val_ns % 1000000000}};
	return timerfd_settime(fd, flags, &its, old);
}

static void rd(int fd, const char *what)
{
	uint64_t v = 0;
	long r = read(fd, &v, sizeof(v));
	if (r < 0)
		printf("%s: %s\n", what, errname(errno));
	else
		printf("%s: %ld bytes, count %llu\n", what, r, (unsigned long long)v);
}

static void on_alarm(int sig)
{
}

int main(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	need("timerfd_create", fd);
	yes("O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
	yes("FD_CLOEXEC", fcntl(fd, F_GETFD) & FD_CLOEXEC);
	rd(fd, "unarmed read");
	struct itimerspec cur;
	need("gettime unarmed", timerfd_gettime(fd, &cur));
	yes("unarmed reads 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	struct pollfd p = {fd, POLLIN, 0};
	printf("poll unarmed: %d\n", poll(&p, 1, 0));

	/* One shot of 20 ms, waited for with poll. */
	double t0 = now_s();
	need("settime 20 ms", set(fd, 0, 20000000, 0, NULL));
	need("gettime armed", timerfd_gettime(fd, &cur));
	yes("remaining <= 20 ms", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
				      cur.it_value.tv_nsec <= 20000000);
	rd(fd, "read before expiry");
	int r = poll(&p, 1, 5000);
	printf("poll: %d revents %#x\n", r, p.revents);
	yes("waited at least 20 ms", now_s() - t0 >= 0.019);
	rd(fd, "read after expiry");
	rd(fd, "read again");
	char small[4];
	need("settime 1 ms", set(fd, 0, 1000000, 0, NULL));
	poll(&p, 1, 5000);
	err("short read", read(fd, small, sizeof(small)));
	rd(fd, "read after short read");

	/* An interval: 10 ms periods, 55 ms later at least 5 expirations. */
	need("settime periodic", set(fd, 0, 10000000, 10000000, NULL));
	struct timespec nap = {0, 55000000};
	nanosleep(&nap, NULL);
	uint64_t n = 0;
	read(fd, &n, sizeof(n));
	yes("periodic count >= 5", n >= 5);
	struct itimerspec old;
	need("stop with old", set(fd, 0, 0, 0, &old));
	yes("old interval 10 ms",
	    old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 10000000);
	yes("old value <= 10 ms", old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10000000);
	rd(fd, "read after stop");

	/* Settime forgets expirations not yet read. */
	need("settime 1 ms again", set(fd, 0, 1000000, 0, NULL));
	poll(&p, 1, 5000);
	need("settime 10 s", set(fd, 0, 10000000000L, 0, NULL));
	rd(fd, "read after re-arm");
	set(fd, 0, 0, 0, NULL);
	close(fd);

	/* Blocking reads, TFD_TIMER_ABSTIME on CLOCK_REALTIME. */
	int bfd = timerfd_create(CLOCK_REALTIME, 0);
	need("timerfd_create realtime", bfd);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	long target = rt.tv_nsec + 30000000;
	struct itimerspec abs = {{0, 0}, {rt.tv_sec + target / 1000000000, target % 1000000000}};
	t0 = now_s();
	need("settime abstime", timerfd_settime(bfd, TFD_TIMER_ABSTIME, &abs, NULL));
	rd(bfd, "blocking read");
	yes("absolute: waited at least 29 ms", now_s() - t0 >= 0.029);
	struct itimerspec past = {{0, 0}, {1, 0}};
	need("settime abstime in the past", timerfd_settime(bfd, TFD_TIMER_ABSTIME, &past, NULL));
	rd(bfd, "past deadline read");

	/* A blocked read interrupted: EINTR with a handler (no SA_RESTART). */
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval iv = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &iv, NULL);
	rd(bfd, "interrupted read");
	close(bfd);

	/* epoll: an item per timer, ready in expiry order. */
	int ep = epoll_create1(0);
	int a = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK),
	    b = timerfd_create(CLOCK_MONOTONIC, 0);
	need("timers for epoll", a < 0 || b < 0 ? -1 : 0);
	struct epoll_event e = {EPOLLIN, {.u32 = 1}};
	epoll_ctl(ep, EPOLL_CTL_ADD, a, &e);
	e.data.u32 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, b, &e);
	struct epoll_event out[2];
	printf("epoll before: %d\n", epoll_wait(ep, out, 2, 0));
	set(a, 0, 40000000, 0, NULL);
	set(b, 0, 10000000, 0, NULL);
	r = epoll_wait(ep, out, 2, 5000);
	printf("epoll first: %d item %u\n", r, r > 0 ? out[0].data.u32 : 0);
	rd(b, "read b");
	r = epoll_wait(ep, out, 2, 5000);
	printf("epoll second: %d item %u\n", r, r > 0 ? out[0].data.u32 : 0);
	rd(a, "read a");
	printf("epoll after reads: %d\n", epoll_wait(ep, out, 2, 0));
	close(a);
	close(b);
	close(ep);

	/* Errors. */
	err("bad clock", timerfd_create(12345, 0));
	err("cputime clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	err("bad create flags", timerfd_create(CLOCK_MONOTONIC, 1));
	int efd = timerfd_create(CLOCK_MONOTONIC, 0);
	err("bad settime flags", set(efd, 8, 1000000, 0, NULL));
	struct itimerspec bad = {{0, 0}, {0, 1000000000}};
	err("nsec 1e9", timerfd_settime(efd, 0, &bad, NULL));
	err("settime bad pointer", timerfd_settime(efd, 0, (void *)8, NULL));
	err("gettime bad pointer", timerfd_gettime(efd, (void *)8));
	err("settime bad fd", set(999, 0, 1000000, 0, NULL));
	err("gettime not a timerfd", timerfd_gettime(1, &cur));
	err("write", write(efd, "12345678", 8));
	close(efd);
	return 0;
}
