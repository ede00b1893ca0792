/* CPU-time interval timers: ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF
 * (SIGPROF) fire once the process has burnt their value of CPU time, not
 * while it sleeps; getitimer reads what is left and the interval; a
 * periodic one fires again; setting 0 stops one and gives back the old
 * setting.  Only relations are printed, never times.  Linux counts these
 * timers in scheduler ticks (and adds one to the value), which can run
 * ahead of CLOCK_PROCESS_CPUTIME_ID or lag it (on a virtual machine, 100 ms
 * timers fire after 70 to 130 ms of that clock): the lower bounds are half
 * the value. */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t vt, prof;
static volatile int vt_code_kernel = 1;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGVTALRM) {
		vt++;
		if (si->si_code != SI_KERNEL)
			vt_code_kernel = 0;
	} else {
		prof++;
	}
}

static long long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* Burns CPU until *flag reaches want or limit_ns of CPU time has gone;
 * the CPU time used. */
static long long burn_until(volatile sig_atomic_t *flag, int want, long long limit_ns)
{
	long long t0 = cpu_ns(), t;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		t = cpu_ns();
	} while (*flag < want && t - t0 < limit_ns);
	return t - t0;
}

static void one_shot(const char *what, int which, volatile sig_atomic_t *flag)
{
	struct itimerval v = {{0, 0}, {0, 100000}}, cur, old;
	*flag = 0;
	long long t0 = cpu_ns();
	need("setitimer", setitimer(which, &v, NULL));
	/* Sleeping burns no CPU time: nothing yet. */
	usleep(100000);
	printf("%s: no signal after sleeping: %s\n", what, *flag == 0 ? "yes" : "no");
	getitimer(which, &cur);
	long long left = tv_ns(cur.it_value);
	printf("%s: left is positive, at most the value and a tick: %s\n", what,
	       left > 0 && left <= 120000000LL ? "yes" : "no");
	yes("  interval reads 0", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	burn_until(flag, 1, 5000000000LL);
	long long used = cpu_ns() - t0;
	printf("%s: fired once: %s\n", what, *flag == 1 ? "yes" : "no");
	printf("%s: after at least half of 100 ms of process CPU time: %s\n", what,
	       used >= 50000000LL ? "yes" : "no");
	printf("%s: within 2 s of it: %s\n", what, used < 2050000000LL ? "yes" : "no");
	getitimer(which, &cur);
	printf("%s: stopped after firing: %s\n", what,
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 ? "yes" : "no");
	(void)old;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);

	struct itimerval cur, old;
	need("getitimer", getitimer(ITIMER_VIRTUAL, &cur));
	yes("virtual stopped at first", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	need("getitimer", getitimer(ITIMER_PROF, &cur));
	yes("prof stopped at first", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);

	one_shot("virtual", ITIMER_VIRTUAL, &vt);
	yes("SIGVTALRM's si_code SI_KERNEL", vt_code_kernel);
	one_shot("prof", ITIMER_PROF, &prof);

	/* Periodic: 20 ms of CPU time, then every 20 ms. */
	struct itimerval per = {{0, 20000}, {0, 20000}};
	prof = 0;
	long long t0 = cpu_ns();
	need("setitimer periodic", setitimer(ITIMER_PROF, &per, NULL));
	getitimer(ITIMER_PROF, &cur);
	yes("periodic: interval reads back",
	    cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
	burn_until(&prof, 3, 5000000000LL);
	long long used = cpu_ns() - t0;
	yes("periodic: fired 3 times", prof >= 3);
	yes("periodic: after at least half of 60 ms of CPU time", used >= 30000000LL);
	/* Stopping gives the old setting back. */
	struct itimerval zero = {{0, 0}, {0, 0}};
	need("stop", setitimer(ITIMER_PROF, &zero, &old));
	long long oleft = tv_ns(old.it_value);
	yes("stop: old value positive, at most the interval", oleft > 0 && oleft <= 20000000LL);
	yes("stop: old interval", old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 20000);
	getitimer(ITIMER_PROF, &cur);
	yes("stopped", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 &&
			   cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	int was = prof;
	burn_until(&prof, was + 1, 100000000LL);
	yes("no signal once stopped", prof == was);

	/* What is left falls as CPU time goes, and a reset starts again. */
	struct itimerval longv = {{0, 0}, {10, 0}};
	setitimer(ITIMER_VIRTUAL, &longv, NULL);
	getitimer(ITIMER_VIRTUAL, &cur);
	long long a = tv_ns(cur.it_value);
	burn_until(&vt, 1000, 50000000LL);
	getitimer(ITIMER_VIRTUAL, &cur);
	long long b = tv_ns(cur.it_value);
	yes("left falls as CPU time is used", b < a && a <= 10020000000LL);
	setitimer(ITIMER_VIRTUAL, &longv, &old);
	yes("reset: old value what was left (about)", tv_ns(old.it_value) <= b);
	getitimer(ITIMER_VIRTUAL, &cur);
	yes("reset: left back near the value", tv_ns(cur.it_value) > b);
	setitimer(ITIMER_VIRTUAL, &zero, NULL);
	/* A NULL new value stops it too. */
	setitimer(ITIMER_PROF, &longv, NULL);
	res("setitimer NULL", syscall(SYS_setitimer, ITIMER_PROF, NULL, &old));
	yes("NULL: old value was running", tv_ns(old.it_value) > 0);
	getitimer(ITIMER_PROF, &cur);
	yes("NULL: stopped", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	err("virtual usec 1000000", setitimer(ITIMER_VIRTUAL, &bad, NULL));
	return 0;
}
