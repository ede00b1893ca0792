/* POSIX timers: SIGEV_SIGNAL with si_code, si_value and si_timerid in the
 * siginfo, SIGEV_THREAD_ID, SIGEV_NONE read back with timer_gettime,
 * TIMER_ABSTIME, intervals and overruns, old values, deletion, errors. */
#include "abi.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static volatile int got, code, value, overrun;
static volatile long timerid;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	got++;
	code = si->si_code;
	value = si->si_value.sival_int;
	overrun = si->si_overrun;
	timerid = si->si_timerid;
}

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Raw system calls: glibc's timer_t is its own handle, the kernel's id is an int. */
static long k_create(clockid_t c, struct sigevent *ev, int *id)
{
	return syscall(SYS_timer_create, c, ev, id);
}

static long k_settime(int id, int flags, long val_ns, long int_ns, struct itimerspec *old)
{
	struct itimerspec its = {{int_ns / 1000000000, int_ns % 1000000000},
				 {val_ns / 1000000000, val_ns % 1000000000}};
	return syscall(SYS_timer_settime, id, flags, &its, old);
}

static void wait_for(int n)
{
	sigset_t none;
	sigemptyset(&none);
	while (got < n)
		sigsuspend(&none);
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	need("sigaction", sigaction(SIGRTMIN, &sa, NULL));
	need("sigaction alrm", sigaction(SIGALRM, &sa, NULL));
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);

	/* SIGEV_SIGNAL, one shot of 30 ms. */
	struct sigevent ev = {0};
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 1234;
	int id;
	need("timer_create", k_create(CLOCK_MONOTONIC, &ev, &id));
	struct itimerspec cur;
	need("gettime unarmed", syscall(SYS_timer_gettime, id, &cur));
	yes("unarmed reads 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	double t0 = now_s(CLOCK_MONOTONIC);
	need("settime 30 ms", k_settime(id, 0, 30000000, 0, NULL));
	need("gettime armed", syscall(SYS_timer_gettime, id, &cur));
	yes("remaining <= 30 ms", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 30000000 &&
				      cur.it_value.tv_nsec > 0);
	wait_for(1);
	yes("waited at least 30 ms", now_s(CLOCK_MONOTONIC) - t0 >= 0.029);
	yes("si_code SI_TIMER", code == SI_TIMER);
	printf("si_value: %d\n", value);
	yes("si_timerid is the id", timerid == id);
	printf("si_overrun: %d\n", overrun);
	need("gettime expired", syscall(SYS_timer_gettime, id, &cur));
	yes("expired reads 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

	/* An interval with the signal blocked: one signal, the rest overruns. */
	got = 0;
	need("settime periodic", k_settime(id, 0, 5000000, 5000000, NULL));
	struct timespec nap = {0, 60000000};
	nanosleep(&nap, NULL);
	sigset_t pend;
	sigpending(&pend);
	yes("signal pending", sigismember(&pend, SIGRTMIN));
	wait_for(1);
	yes("si_overrun >= 5", overrun >= 5);
	long ov = syscall(SYS_timer_getoverrun, id);
	yes("timer_getoverrun >= 5", ov >= 5);
	struct itimerspec old;
	sigprocmask(SIG_BLOCK, &block, NULL);
	need("stop with old", k_settime(id, 0, 0, 0, &old));
	yes("old interval 5 ms", old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 5000000);
	yes("old value <= 5 ms", old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 5000000);
	sigpending(&pend);
	yes("settime took back the pending signal", !sigismember(&pend, SIGRTMIN));

	/* Deleting a timer with its signal pending (what becomes of that
	 * signal changed across Linux versions: not printed). */
	int xid;
	need("create for delete", k_create(CLOCK_MONOTONIC, &ev, &xid));
	need("settime for delete", k_settime(xid, 0, 1000000, 0, NULL));
	nap.tv_nsec = 20000000;
	nanosleep(&nap, NULL);
	need("delete pending", syscall(SYS_timer_delete, xid));
	sigset_t rtset;
	sigemptyset(&rtset);
	sigaddset(&rtset, SIGRTMIN);
	struct timespec zero = {0, 0};
	sigtimedwait(&rtset, NULL, &zero);

	/* TIMER_ABSTIME on CLOCK_REALTIME, 20 ms ahead. */
	got = 0;
	int rid;
	need("create realtime", k_create(CLOCK_REALTIME, &ev, &rid));
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	long target = rt.tv_nsec + 20000000;
	struct itimerspec abs = {{0, 0}, {rt.tv_sec + target / 1000000000, target % 1000000000}};
	t0 = now_s(CLOCK_MONOTONIC);
	need("settime abstime", syscall(SYS_timer_settime, rid, TIMER_ABSTIME, &abs, NULL));
	wait_for(1);
	yes("absolute: waited at least 19 ms", now_s(CLOCK_MONOTONIC) - t0 >= 0.019);
	yes("absolute: si_timerid", timerid == rid);
	struct itimerspec past = {{0, 0}, {1, 0}};
	got = 0;
	need("settime abstime in the past",
	     syscall(SYS_timer_settime, rid, TIMER_ABSTIME, &past, NULL));
	wait_for(1);
	printf("past deadline signals: %d\n", got);
	need("delete realtime", syscall(SYS_timer_delete, rid));

	/* No sigevent: SIGALRM with the id as value. */
	got = 0;
	int did;
	need("create default", k_create(CLOCK_BOOTTIME, NULL, &did));
	need("settime default", k_settime(did, 0, 1000000, 0, NULL));
	wait_for(1);
	yes("default: SI_TIMER", code == SI_TIMER);
	yes("default: value is the id", value == did);
	need("delete default", syscall(SYS_timer_delete, did));

	/* SIGEV_THREAD_ID at this thread. */
	got = 0;
	struct sigevent tev = {0};
	tev.sigev_notify = SIGEV_THREAD_ID;
	tev.sigev_signo = SIGRTMIN;
	tev.sigev_value.sival_int = 77;
	tev._sigev_un._tid = syscall(SYS_gettid);
	int tid_timer;
	need("create thread_id", k_create(CLOCK_MONOTONIC, &tev, &tid_timer));
	need("settime thread_id", k_settime(tid_timer, 0, 1000000, 0, NULL));
	wait_for(1);
	printf("thread_id si_value: %d\n", value);
	need("delete thread_id", syscall(SYS_timer_delete, tid_timer));
	tev._sigev_un._tid = 999999;
	err("thread_id of no thread", k_create(CLOCK_MONOTONIC, &tev, &tid_timer));

	/* SIGEV_NONE: no signal, but the time reads back. */
	struct sigevent nev = {0};
	nev.sigev_notify = SIGEV_NONE;
	int nid;
	need("create none", k_create(CLOCK_MONOTONIC, &nev, &nid));
	got = 0;
	need("settime none", k_settime(nid, 0, 10000000, 0, NULL));
	need("gettime none", syscall(SYS_timer_gettime, nid, &cur));
	yes("none: remaining <= 10 ms", cur.it_value.tv_sec == 0 &&
					    cur.it_value.tv_nsec <= 10000000 &&
					    cur.it_value.tv_nsec > 0);
	nap.tv_nsec = 30000000;
	nanosleep(&nap, NULL);
	sigpending(&pend);
	yes("none: nothing pending", !sigismember(&pend, SIGRTMIN) && !sigismember(&pend, SIGALRM));
	need("gettime none expired", syscall(SYS_timer_gettime, nid, &cur));
	yes("none: expired reads 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	need("delete none", syscall(SYS_timer_delete, nid));

	/* Errors. */
	err("bad clock", k_create(12345, &ev, &id));
	err("bad notify", ({
		    struct sigevent b = ev;
		    b.sigev_notify = 99;
		    k_create(CLOCK_MONOTONIC, &b, &nid);
	    }));
	err("bad signal", ({
		    struct sigevent b = ev;
		    b.sigev_signo = 0;
		    k_create(CLOCK_MONOTONIC, &b, &nid);
	    }));
	err("bad sigevent pointer", k_create(CLOCK_MONOTONIC, (void *)8, &nid));
	err("settime bad id", k_settime(4242, 0, 1000000, 0, NULL));
	err("gettime bad id", syscall(SYS_timer_gettime, 4242, &cur));
	err("getoverrun bad id", syscall(SYS_timer_getoverrun, 4242));
	err("delete bad id", syscall(SYS_timer_delete, 4242));
	err("settime NULL", syscall(SYS_timer_settime, id, 0, NULL, NULL));
	struct itimerspec bad = {{0, 0}, {0, 1000000000}};
	err("settime nsec 1e9", syscall(SYS_timer_settime, id, 0, &bad, NULL));
	bad.it_value.tv_nsec = 0;
	bad.it_value.tv_sec = -1;
	err("settime negative", syscall(SYS_timer_settime, id, 0, &bad, NULL));
	err("gettime bad pointer", syscall(SYS_timer_gettime, id, (void *)8));
	need("delete", syscall(SYS_timer_delete, id));
	err("delete twice", syscall(SYS_timer_delete, id));

	/* glibc's own wrappers over the same calls. */
	timer_t gt;
	got = 0;
	need("glibc timer_create", timer_create(CLOCK_MONOTONIC, &ev, &gt));
	struct itimerspec g = {{0, 0}, {0, 2000000}};
	need("glibc timer_settime", timer_settime(gt, 0, &g, NULL));
	wait_for(1);
	printf("glibc si_value: %d\n", value);
	need("glibc timer_delete", timer_delete(gt));
	return 0;
}
