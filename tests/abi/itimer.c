/* alarm and setitimer: SIGALRM to a handler, pause() interrupted, the
 * seconds left, a periodic ITIMER_REAL counted, getitimer's remaining
 * time, fork clearing the timer and exec keeping it, errors. */
#include "abi.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t alarms;
static volatile int last_code;

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	alarms++;
	last_code = si->si_code;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long set_real(long val_us, long int_us, struct itimerval *old)
{
	struct itimerval v = {{int_us / 1000000, int_us % 1000000},
			      {val_us / 1000000, val_us % 1000000}};
	return setitimer(ITIMER_REAL, &v, old);
}

static int exec_child(void)
{
	struct itimerval cur;
	need("getitimer after exec", getitimer(ITIMER_REAL, &cur));
	yes("exec kept ITIMER_REAL", cur.it_value.tv_sec > 0 && cur.it_value.tv_sec <= 100);
	alarm(0);
	return 7;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "exec-child") == 0)
		return exec_child();
	struct sigaction sa = {0};
	sa.sa_sigaction = on_alarm;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	need("sigaction", sigaction(SIGALRM, &sa, NULL));

	val("alarm first", alarm(5));
	val("alarm again (about 5 left)", alarm(3));
	val("alarm cancel (about 3 left)", alarm(0));
	val("alarm cancelled", alarm(0));

	double t0 = now_s();
	set_real(50000, 0, NULL);
	errno = 0;
	int r = pause();
	printf("pause: %d %s\n", r, errname(errno));
	yes("SIGALRM arrived once", alarms == 1);
	yes("si_code SI_KERNEL", last_code == SI_KERNEL);
	yes("waited at least 50 ms", now_s() - t0 >= 0.049);

	struct itimerval cur;
	need("set 10 s", set_real(10000000, 0, NULL));
	need("getitimer", getitimer(ITIMER_REAL, &cur));
	yes("remaining <= set",
	    cur.it_value.tv_sec < 10 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_usec == 0));
	yes("remaining > 9 s", cur.it_value.tv_sec >= 9);
	yes("no interval", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	struct itimerval old;
	need("stop", set_real(0, 0, &old));
	yes("old value returned", old.it_value.tv_sec >= 9 && old.it_value.tv_sec <= 10);
	need("getitimer stopped", getitimer(ITIMER_REAL, &cur));
	yes("stopped reads 0", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);

	/* Periodic: three ticks of 20 ms, then stop. */
	alarms = 0;
	t0 = now_s();
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, NULL);
	need("periodic", set_real(20000, 20000, NULL));
	/* Handlers run only inside sigsuspend, so the count stops at 3. */
	while (alarms < 3)
		sigsuspend(&none);
	need("getitimer periodic", getitimer(ITIMER_REAL, &cur));
	yes("interval kept", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
	yes("value within one interval", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000);
	printf("periodic ticks: %d\n", (int)alarms);
	set_real(0, 0, NULL);
	yes("three periods took >= 60 ms", now_s() - t0 >= 0.059);
	sigprocmask(SIG_UNBLOCK, &block, NULL);

	/* fork: the child has no timer; the parent's goes on. */
	need("set 100 s", set_real(100000000, 0, NULL));
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		getitimer(ITIMER_REAL, &cur);
		yes("child timer cleared", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
		val("child alarm(0)", alarm(0));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	getitimer(ITIMER_REAL, &cur);
	yes("parent timer still set", cur.it_value.tv_sec > 90);
	fflush(stdout);
	c = fork();
	need("fork for exec", c);
	if (c == 0) {
		set_real(100000000, 0, NULL);
		char *nargv[] = {argv[0], argv[1], "exec-child", NULL};
		execv("/proc/self/exe", nargv);
		printf("exec failed: %s\n", errname(errno));
		_exit(1);
	}
	waitpid(c, &st, 0);
	yes("exec child exited 7", WIFEXITED(st) && WEXITSTATUS(st) == 7);
	set_real(0, 0, NULL);

	/* Errors. */
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	err("usec 1000000", setitimer(ITIMER_REAL, &bad, NULL));
	bad.it_value.tv_usec = -1;
	err("usec -1", setitimer(ITIMER_REAL, &bad, NULL));
	bad = (struct itimerval){{0, 0}, {-1, 0}};
	err("negative seconds", setitimer(ITIMER_REAL, &bad, NULL));
	err("which 5 set", syscall(SYS_setitimer, 5, &cur, NULL));
	err("which 5 get", syscall(SYS_getitimer, 5, &cur));
	err("get bad pointer", syscall(SYS_getitimer, ITIMER_REAL, (void *)8));
	err("set bad pointer", syscall(SYS_setitimer, ITIMER_REAL, (void *)8, NULL));
	need("getitimer virtual", getitimer(ITIMER_VIRTUAL, &cur));
	yes("virtual stopped", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	return 0;
}
