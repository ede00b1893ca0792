/* epoll on pipes and eventfds: level- vs edge-triggered, EPOLLONESHOT,
 * ctl's errors, a closed file leaving the set, nesting, a 30 ms timeout. */
#include "abi.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

static int ep;

static void wait_show(const char *what, int timeout)
{
	struct epoll_event ev[4];
	int r = epoll_wait(ep, ev, 4, timeout);
	if (r < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: %d;", what, r);
	for (int i = 0; i < r; i++)
		printf(" data %lu events %#x", (unsigned long)ev[i].data.u64, ev[i].events);
	printf("\n");
}

static int add(int fd, unsigned events, unsigned long data)
{
	struct epoll_event e = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static void level_and_edge(void)
{
	int lt[2], et[2];
	char buf[8];
	need("pipe", pipe(lt));
	need("pipe", pipe(et));
	res("add lt", add(lt[0], EPOLLIN, 1));
	res("add et", add(et[0], EPOLLIN | EPOLLET, 2));
	wait_show("nothing yet", 0);
	write(lt[1], "ab", 2);
	write(et[1], "ab", 2);
	wait_show("both written", 0);
	wait_show("again: only lt", 0);
	read(lt[0], buf, 1);
	read(et[0], buf, 1);
	wait_show("after partial reads", 0);
	write(et[1], "c", 1);
	wait_show("new write re-arms et", 0);
	read(lt[0], buf, 8);
	read(et[0], buf, 8);
	wait_show("drained", 0);
	close(lt[1]);
	wait_show("lt writer gone", 0);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 3};
	res("mod lt", epoll_ctl(ep, EPOLL_CTL_MOD, lt[0], &e));
	wait_show("after mod", 0);
	res("del lt", epoll_ctl(ep, EPOLL_CTL_DEL, lt[0], NULL));
	close(lt[0]);
	close(et[0]);
	close(et[1]);
	wait_show("all closed", 0);
}

static void oneshot(void)
{
	int p[2];
	need("pipe", pipe(p));
	res("add oneshot", add(p[0], EPOLLIN | EPOLLONESHOT, 4));
	write(p[1], "x", 1);
	wait_show("oneshot first", 0);
	write(p[1], "x", 1);
	wait_show("oneshot disabled", 0);
	struct epoll_event e = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 5};
	res("mod re-arms", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	wait_show("oneshot re-armed", 0);
	close(p[0]);
	close(p[1]);
}

static void errors(void)
{
	int p[2];
	need("pipe", pipe(p));
	struct epoll_event e = {.events = EPOLLIN};
	res("add", add(p[0], EPOLLIN, 6));
	err("add twice", add(p[0], EPOLLIN, 6));
	err("mod missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e));
	err("del missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &e));
	err("bad op", epoll_ctl(ep, 99, p[0], &e));
	err("bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, p[0], &e));
	err("bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e));
	err("epfd not epoll", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e));
	err("add itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
	err("bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (void *)8));
	int fd = open("/abi/epoll", O_RDONLY);
	if (fd < 0)
		fd = open("/proc/self/exe", O_RDONLY);
	err("regular file", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
	close(fd);
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	res("add exclusive", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e));
	err("mod exclusive", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e));
	e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	err("exclusive oneshot", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	struct epoll_event out[1];
	err("wait maxevents 0", epoll_wait(ep, out, 0, 0));
	write(p[1], "z", 1); /* something to report, into a bad buffer */
	err("wait bad buffer", epoll_wait(ep, (void *)8, 1, 0));
	err("wait not epoll", epoll_wait(p[0], out, 1, 0));
	err("create 0", epoll_create(0));
	err("create1 bad flags", epoll_create1(1));
	int ep2 = epoll_create1(EPOLL_CLOEXEC);
	printf("create1 cloexec: %d\n", fcntl(ep2, F_GETFD));
	e.events = EPOLLIN;
	res("nest ep in ep2", epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &e));
	err("loop ep2 in ep", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &e));
	/* Data in p makes ep readable, and so ep2. */
	int r = epoll_wait(ep2, out, 1, 0);
	printf("nested ready: %d events %#x\n", r, r > 0 ? out[0].events : 0);
	close(ep2);
	/* A closed file leaves the set. */
	close(p[0]);
	close(p[1]);
	wait_show("closed files gone", 0);
}

static void timeout_and_eventfd(void)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	res("add eventfd", add(efd, EPOLLIN | EPOLLOUT, 7));
	wait_show("eventfd writable", 0);
	uint64_t v = 1;
	write(efd, &v, 8);
	wait_show("eventfd readable", 0);
	read(efd, &v, 8);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_MOD, efd, &e);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wait_show("timeout", 30);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	yes("waited >= 30 ms", ms >= 30);
	sigset_t mask;
	sigemptyset(&mask);
	struct epoll_event out[1];
	val("pwait", epoll_pwait(ep, out, 1, 0, &mask));
	err("pwait bad sigsetsize", syscall(SYS_epoll_pwait, ep, out, 1, 0, &mask, 4));
	close(efd);
}

int main(void)
{
	ep = epoll_create(1);
	need("epoll_create", ep);
	level_and_edge();
	oneshot();
	errors();
	timeout_and_eventfd();
	close(ep);
	return 0;
}
