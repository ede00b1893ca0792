/* poll, ppoll, select and pselect6 on pipes: readiness, POLLHUP/POLLERR,
 * POLLNVAL, a 30 ms timeout (elapsed >= it, printed as a yes/no), errors. */
#include "abi.h"

#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void show(const char *what, struct pollfd *p, int n, int r)
{
	printf("%s: %d;", what, r);
	for (int i = 0; i < n; i++)
		printf(" %#x", p[i].revents);
	printf("\n");
}

static void with_poll(void)
{
	int p[2];
	need("pipe", pipe(p));
	struct pollfd f[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}};
	show("empty pipe", f, 3, poll(f, 3, 0));
	write(p[1], "x", 1);
	show("one byte", f, 3, poll(f, 3, 0));
	f[1].events = POLLIN; /* not asked: nothing for the write end */
	show("write end asked POLLIN", f, 3, poll(f, 3, 0));
	close(p[1]);
	show("writer gone, byte left", f, 1, poll(f, 1, 0));
	char c;
	read(p[0], &c, 1);
	show("writer gone, drained", f, 1, poll(f, 1, 0));
	f[0].events = 0;
	show("events 0 still hup", f, 1, poll(f, 1, 0));
	struct pollfd bad = {p[1], POLLIN, 0}; /* closed: POLLNVAL */
	show("closed fd", &bad, 1, poll(&bad, 1, 0));
	close(p[0]);
	need("pipe", pipe(p));
	close(p[0]);
	struct pollfd w = {p[1], POLLOUT, 0};
	show("reader gone", &w, 1, poll(&w, 1, 0));
	close(p[1]);

	need("pipe", pipe(p));
	f[0] = (struct pollfd){p[0], POLLIN, 0};
	long long t0 = now_ms();
	int r = poll(f, 1, 30);
	long long dt = now_ms() - t0;
	printf("poll timeout: %d\n", r);
	yes("poll waited >= 30 ms", dt >= 30);
	err("poll bad pointer", poll((void *)8, 1, 0));
	err("poll too many", poll(f, 1 << 20, 0));
	val("poll none", poll(NULL, 0, 0));

	struct timespec ts = {0, 30 * 1000 * 1000};
	t0 = now_ms();
	/* The raw call: glibc's wrapper hands the kernel a copy. */
	r = syscall(SYS_ppoll, f, 1, &ts, NULL, 8);
	dt = now_ms() - t0;
	printf("ppoll timeout: %d\n", r);
	yes("ppoll waited >= 30 ms", dt >= 30);
	yes("ppoll remaining zeroed", ts.tv_sec == 0 && ts.tv_nsec == 0);
	write(p[1], "y", 1);
	ts = (struct timespec){5, 0};
	sigset_t mask;
	sigemptyset(&mask);
	r = syscall(SYS_ppoll, f, 1, &ts, &mask, 8);
	show("ppoll ready", f, 1, r);
	yes("ppoll remaining in (4 s, 5 s]", ts.tv_sec == 4 || (ts.tv_sec == 5 && ts.tv_nsec == 0));
	ts = (struct timespec){0, -1};
	err("ppoll bad timespec", ppoll(f, 1, &ts, NULL));
	err("ppoll bad sigsetsize", syscall(SYS_ppoll, f, 1, NULL, &mask, 4));
	close(p[0]);
	close(p[1]);
}

static void with_select(void)
{
	int p[2];
	need("pipe", pipe(p));
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	struct timeval tv = {0, 0};
	int r = select(p[1] + 1, &rd, &wr, NULL, &tv);
	printf("select empty: %d rd %d wr %d\n", r, FD_ISSET(p[0], &rd), FD_ISSET(p[1], &wr));
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	r = select(p[1] + 1, &rd, &wr, NULL, &tv);
	printf("select byte: %d rd %d wr %d\n", r, FD_ISSET(p[0], &rd), FD_ISSET(p[1], &wr));
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 30000};
	long long t0 = now_ms();
	r = syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv);
	long long dt = now_ms() - t0;
	printf("select timeout: %d rd %d\n", r, FD_ISSET(p[0], &rd));
	yes("select waited >= 30 ms", dt >= 30);
	yes("select remaining zeroed", tv.tv_sec == 0 && tv.tv_usec == 0);
	FD_SET(p[0], &rd);
	struct timespec ts = {0, 30 * 1000 * 1000};
	t0 = now_ms();
	r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL);
	dt = now_ms() - t0;
	printf("pselect timeout: %d\n", r);
	yes("pselect waited >= 30 ms", dt >= 30);
	close(p[1]);
	FD_SET(p[0], &rd);
	r = pselect(p[0] + 1, &rd, NULL, NULL, NULL, NULL);
	printf("pselect hup: %d rd %d\n", r, FD_ISSET(p[0], &rd));
	fd_set bad;
	FD_ZERO(&bad);
	FD_SET(p[1], &bad); /* closed */
	tv = (struct timeval){0, 0};
	err("select closed fd", select(p[1] + 1, &bad, NULL, NULL, &tv));
	err("select negative n", select(-1, NULL, NULL, NULL, &tv));
	tv = (struct timeval){0, -1};
	err("select bad timeval", syscall(SYS_select, 1, NULL, NULL, NULL, &tv));
	tv = (struct timeval){0, 1000010}; /* Linux carries whole seconds of usec over */
	err("select usec >= 1 s", syscall(SYS_select, 1, NULL, NULL, NULL, &tv));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 0};
	r = syscall(SYS_select, 1024, &rd, NULL, NULL, &tv);
	printf("raw select n 1024: %d rd %d\n", r, FD_ISSET(p[0], &rd));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	err("select bad set pointer", select(p[0] + 1, (void *)8, NULL, NULL, NULL));
	close(p[0]);
}

int main(void)
{
	with_poll();
	with_select();
	return 0;
}
