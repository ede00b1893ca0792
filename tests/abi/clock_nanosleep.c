/* clock_nanosleep: TIMER_ABSTIME in the past returns at once, in the
 * future sleeps until then; a signal interrupts a relative sleep with
 * EINTR and the time left (less than asked, more than 0), an absolute one
 * with EINTR and no remainder written; errors are returned, not set in
 * errno; the clocks it refuses. */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void on_alrm(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct timespec now, t0, t1, req, rem;
	clock_gettime(CLOCK_MONOTONIC, &now);
	req = now;
	/* A second back; just after boot (Pallas in a test boot), the start
	 * of the clock, as a negative time is EINVAL. */
	if (req.tv_sec >= 1)
		req.tv_sec -= 1;
	else
		req.tv_nsec = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	val("absolute in the past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	yes("returned within 200 ms", ns(t1) - ns(t0) < 200000000LL);

	req = t1;
	req.tv_nsec += 30000000;
	if (req.tv_nsec >= 1000000000) {
		req.tv_sec++;
		req.tv_nsec -= 1000000000;
	}
	val("absolute 30 ms ahead", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	yes("woke at or after the target", ns(t0) >= ns(req));

	struct timespec rnow;
	clock_gettime(CLOCK_REALTIME, &rnow);
	rnow.tv_nsec += 20000000;
	if (rnow.tv_nsec >= 1000000000) {
		rnow.tv_sec++;
		rnow.tv_nsec -= 1000000000;
	}
	val("REALTIME absolute 20 ms ahead",
	    clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &rnow, NULL));
	struct timespec rafter;
	clock_gettime(CLOCK_REALTIME, &rafter);
	yes("REALTIME woke at or after", ns(rafter) >= ns(rnow));
	req.tv_sec = 0;
	req.tv_nsec = 10000000;
	val("BOOTTIME relative 10 ms", clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL));

	struct sigaction sa = {0};
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
	struct itimerval it = {{0, 0}, {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	req.tv_sec = 2;
	req.tv_nsec = 0;
	rem.tv_sec = rem.tv_nsec = -1;
	int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
	printf("relative, interrupted: %s\n", r == 0 ? "0" : errname(r));
	yes("remainder below 2 s", ns(rem) < 2000000000LL);
	yes("remainder above 1 s", ns(rem) > 1000000000LL);

	setitimer(ITIMER_REAL, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &req);
	req.tv_sec += 2;
	rem.tv_sec = rem.tv_nsec = -1;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, &rem);
	printf("absolute, interrupted: %s\n", r == 0 ? "0" : errname(r));
	yes("remainder untouched", rem.tv_sec == -1 && rem.tv_nsec == -1);

	errno = 0;
	req.tv_sec = 0;
	req.tv_nsec = 1000;
	r = clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL);
	printf("THREAD_CPUTIME_ID: %s, errno untouched %s\n", r ? errname(r) : "0",
	       errno == 0 ? "yes" : "no");
	r = clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &req, NULL);
	printf("MONOTONIC_RAW: %s\n", r ? errname(r) : "0");
	r = clock_nanosleep(CLOCK_MONOTONIC_COARSE, 0, &req, NULL);
	printf("MONOTONIC_COARSE: %s\n", r ? errname(r) : "0");
	r = clock_nanosleep(99, 0, &req, NULL);
	printf("clock 99: %s\n", r ? errname(r) : "0");
	r = clock_nanosleep(CLOCK_MONOTONIC, 0x10, &req, NULL);
	printf("unknown flag bit: %s\n", r ? errname(r) : "0");
	req.tv_nsec = 1000000000;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);
	printf("absolute, tv_nsec 1e9: %s\n", r ? errname(r) : "0");
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, (void *)8, NULL);
	printf("bad request pointer: %s\n", r ? errname(r) : "0");
	return 0;
}
