/* POSIX timers on CPU-time clocks: a CLOCK_PROCESS_CPUTIME_ID timer fires
 * (SI_TIMER, its si_value) once the process has burnt its value of CPU
 * time, not while it sleeps; a CLOCK_THREAD_CPUTIME_ID timer counts only
 * its creating thread's time (another thread burning does not fire it);
 * timer_gettime reads what is left; TIMER_ABSTIME takes an absolute CPU
 * time; a periodic one fires again.  Only relations are printed; lower
 * bounds are half the value, as Linux checks these timers at ticks. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>

#define SIG (SIGRTMIN + 3)

static volatile sig_atomic_t fired;
static volatile int last_code, last_value;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fired++;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
}

static long long clk_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void burn(long long ns)
{
	long long t0 = clk_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;
	while (clk_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < ns)
		for (int i = 0; i < 10000; i++)
			x += i;
}

/* Burns this thread's CPU until fired reaches want (or 5 s); the process
 * CPU time used. */
static long long burn_until(int want)
{
	long long t0 = clk_ns(CLOCK_PROCESS_CPUTIME_ID), t;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		t = clk_ns(CLOCK_PROCESS_CPUTIME_ID);
	} while (fired < want && t - t0 < 5000000000LL);
	return t - t0;
}

static timer_t make(clockid_t c, int value)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIG;
	ev.sigev_value.sival_int = value;
	timer_t id;
	need("timer_create", timer_create(c, &ev, &id));
	return id;
}

static void *other_burner(void *arg)
{
	(void)arg;
	burn(150000000LL);
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIG, &sa, NULL);

	/* Process CPU time, one-shot 100 ms. */
	timer_t p = make(CLOCK_PROCESS_CPUTIME_ID, 7);
	struct itimerspec v = {{0, 0}, {0, 100000000}}, cur;
	long long t0 = clk_ns(CLOCK_PROCESS_CPUTIME_ID);
	res("process timer set", timer_settime(p, 0, &v, NULL));
	usleep(100000);
	yes("process: no signal after sleeping", fired == 0);
	timer_gettime(p, &cur);
	long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	yes("process: left positive, at most the value", left > 0 && left <= 100000000LL);
	burn_until(1);
	long long used = clk_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
	yes("process: fired", fired == 1);
	yes("process: after at least half of 100 ms of CPU time", used >= 50000000LL);
	yes("process: within 2 s of it", used < 2100000000LL);
	yes("process: SI_TIMER with its value", last_code == SI_TIMER && last_value == 7);
	timer_gettime(p, &cur);
	yes("process: stopped after firing", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

	/* Absolute: 60 ms of process CPU time from now. */
	fired = 0;
	long long now = clk_ns(CLOCK_PROCESS_CPUTIME_ID) + 60000000LL;
	struct itimerspec abs = {{0, 0}, {now / 1000000000LL, now % 1000000000LL}};
	res("absolute set", timer_settime(p, TIMER_ABSTIME, &abs, NULL));
	burn_until(1);
	yes("absolute: fired", fired == 1);
	yes("absolute: at least half way to it",
	    clk_ns(CLOCK_PROCESS_CPUTIME_ID) >= now - 30000000LL);

	/* Periodic, 20 ms. */
	fired = 0;
	struct itimerspec per = {{0, 20000000}, {0, 20000000}};
	t0 = clk_ns(CLOCK_PROCESS_CPUTIME_ID);
	timer_settime(p, 0, &per, NULL);
	burn_until(3);
	used = clk_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
	yes("periodic: fired 3 times", fired >= 3);
	yes("periodic: after at least half of 60 ms", used >= 30000000LL);
	timer_gettime(p, &cur);
	yes("periodic: interval reads back",
	    cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 20000000);
	struct itimerspec zero = {{0, 0}, {0, 0}};
	timer_settime(p, 0, &zero, NULL);
	int was = fired;
	usleep(5000);
	fired = was;
	burn(60000000LL);
	yes("periodic: none once stopped", fired == was);
	res("timer_delete", timer_delete(p));

	/* Thread CPU time: another thread's burning does not count. */
	fired = 0;
	timer_t th = make(CLOCK_THREAD_CPUTIME_ID, 9);
	struct itimerspec tv = {{0, 0}, {0, 50000000}};
	timer_settime(th, 0, &tv, NULL);
	pthread_t b;
	pthread_create(&b, NULL, other_burner, NULL);
	pthread_join(b, NULL);
	yes("thread: not fired by another thread's CPU time", fired == 0);
	timer_gettime(th, &cur);
	left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	yes("thread: still more than half left", left > 25000000LL);
	long long me0 = clk_ns(CLOCK_THREAD_CPUTIME_ID);
	burn_until(1);
	yes("thread: fired by its own", fired == 1 && last_value == 9);
	yes("thread: after at least half of what was left of its CPU time",
	    clk_ns(CLOCK_THREAD_CPUTIME_ID) - me0 >= left / 2);
	res("timer_delete", timer_delete(th));
	return 0;
}
