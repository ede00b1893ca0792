/* getrusage (self, children, thread), times and the CPU-time clocks after
 * CPU loops in the process, a second thread and a child. */
#include "abi.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

static volatile unsigned long sink;

/* At least s seconds of this thread's CPU time. */
static void spin(double s)
{
	double end = cpu(CLOCK_THREAD_CPUTIME_ID) + s;
	while (cpu(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			sink += i;
}

static void *worker(void *arg)
{
	spin(0.1);
	return NULL;
}

int main(void)
{
	struct rusage ru;
	long t0 = times(NULL);
	spin(0.1);
	need("getrusage self", getrusage(RUSAGE_SELF, &ru));
	yes("self utime+stime >= 0.09 s", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.09);
	yes("utime > 0", tv(ru.ru_utime) > 0);
	need("getrusage thread", getrusage(RUSAGE_THREAD, &ru));
	yes("thread utime+stime >= 0.09 s", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.09);
	need("getrusage children", getrusage(RUSAGE_CHILDREN, &ru));
	yes("no children yet: 0", tv(ru.ru_utime) + tv(ru.ru_stime) < 0.01);

	/* A second thread's time is the process's, not this thread's. */
	double th0 = cpu(CLOCK_THREAD_CPUTIME_ID), pr0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	double th1 = cpu(CLOCK_THREAD_CPUTIME_ID), pr1 = cpu(CLOCK_PROCESS_CPUTIME_ID);
	yes("process clock took the thread's 0.1 s", pr1 - pr0 >= 0.09);
	yes("thread clock did not", th1 - th0 < 0.05);
	yes("process clock >= thread clock", pr1 >= th1);
	need("getrusage self after thread", getrusage(RUSAGE_SELF, &ru));
	yes("self has both threads", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.18);

	/* A reaped child's time goes to RUSAGE_CHILDREN and times' cutime. */
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		spin(0.1);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	need("getrusage children after", getrusage(RUSAGE_CHILDREN, &ru));
	yes("children >= 0.09 s", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.09);
	struct tms tm;
	long t1 = times(&tm);
	yes("times: utime+stime >= 18 ticks", tm.tms_utime + tm.tms_stime >= 18);
	yes("times: cutime+cstime >= 9 ticks", tm.tms_cutime + tm.tms_cstime >= 9);
	yes("times: elapsed moved on", t1 > t0);
	double m0 = mono();
	while (mono() - m0 < 0.05)
		;
	yes("times: 50 ms is >= 4 ticks more", times(NULL) - t1 >= 4);
	long prev = times(NULL), mono_ok = 1;
	for (int i = 0; i < 1000; i++) {
		long now = times(NULL);
		if (now < prev)
			mono_ok = 0;
		prev = now;
	}
	yes("times monotonic", mono_ok);

	err("getrusage bad who", getrusage(5, &ru));
	err("getrusage bad pointer", getrusage(RUSAGE_SELF, (void *)8));
	err("times bad pointer", syscall(SYS_times, (void *)8));
	return 0;
}
