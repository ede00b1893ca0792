/* sched_setaffinity, sched_getaffinity and sched_getcpu: the mask is a
 * non-empty set of CPUs that exist; the raw call returns the kernel's mask
 * size (whole words); a buffer too small or not whole words is EINVAL; an
 * empty mask or one with no CPU that exists is EINVAL; a thread pinned to
 * one CPU runs there (sched_getcpu and getcpu say so, across sleeps and
 * yields); threads and children inherit the mask; another thread's mask
 * can be set by its TID.  Only relations are printed: CPU counts differ. */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

static int lo, hi, ncpus;
static cpu_set_t orig;

/* Whether the caller stays on cpu for a while of sleeps and yields. */
static int stays_on(int cpu)
{
	for (int i = 0; i < 100; i++) {
		if (i % 10 == 0)
			usleep(200);
		else
			sched_yield();
		unsigned c = ~0u, node = ~0u;
		if (sched_getcpu() != cpu || syscall(SYS_getcpu, &c, &node, NULL) != 0 ||
		    c != (unsigned)cpu)
			return 0;
	}
	return 1;
}

static int mask_is_only(pid_t pid, int cpu)
{
	cpu_set_t m;
	CPU_ZERO(&m);
	if (sched_getaffinity(pid, sizeof(m), &m) != 0)
		return 0;
	return CPU_COUNT(&m) == 1 && CPU_ISSET(cpu, &m);
}

static volatile pid_t spin_tid;
static volatile int spin_cpu = -1, spin_target = -1, spin_moved;

/* Spins (no sleeping) until it runs on spin_target, for up to 5 s. */
static void *spinner(void *arg)
{
	(void)arg;
	spin_cpu = sched_getcpu();
	spin_tid = syscall(SYS_gettid);
	while (__atomic_load_n(&spin_target, __ATOMIC_ACQUIRE) < 0)
		;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (sched_getcpu() == spin_target) {
			spin_moved = 1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 5);
	return NULL;
}

static volatile pid_t thread_tid;
static volatile int thread_step;
static int thread_inherited, thread_moved;

static void *thread_main(void *arg)
{
	(void)arg;
	thread_inherited = mask_is_only(0, lo) && stays_on(lo);
	thread_tid = syscall(SYS_gettid);
	while (__atomic_load_n(&thread_step, __ATOMIC_ACQUIRE) == 0)
		usleep(500);
	/* Pinned to hi by the main thread meanwhile: it runs there after a sleep. */
	usleep(2000);
	thread_moved = mask_is_only(0, hi) && stays_on(hi);
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	unsigned long raw[128] = {0};
	long r = syscall(SYS_sched_getaffinity, 0, sizeof(raw), raw);
	yes("raw getaffinity returns a size > 0, whole words", r > 0 && r % 8 == 0);
	yes("no more than the buffer", r <= (long)sizeof(raw));

	need("sched_getaffinity", sched_getaffinity(0, sizeof(orig), &orig));
	ncpus = CPU_COUNT(&orig);
	lo = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &orig)) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	long onln = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);
	yes("mask not empty", ncpus >= 1);
	yes("mask is a subset of the online CPUs", ncpus <= onln && hi < conf);
	yes("raw mask the same as glibc's", memcmp(raw, &orig, r) == 0);

	/* Size rules of the read. */
	err("getaffinity len 0", syscall(SYS_sched_getaffinity, 0, 0, raw));
	err("getaffinity len 4", syscall(SYS_sched_getaffinity, 0, 4, raw));
	err("getaffinity len 12", syscall(SYS_sched_getaffinity, 0, 12, raw));
	err("getaffinity bad buffer", syscall(SYS_sched_getaffinity, 0, sizeof(raw), (void *)8));
	err("getaffinity no such pid",
	    syscall(SYS_sched_getaffinity, 0x3ffffff0, sizeof(raw), raw));
	err("getaffinity pid -1", syscall(SYS_sched_getaffinity, -1, sizeof(raw), raw));

	/* What the set refuses. */
	cpu_set_t m;
	CPU_ZERO(&m);
	err("setaffinity empty mask", sched_setaffinity(0, sizeof(m), &m));
	CPU_SET(CPU_SETSIZE - 1, &m);
	err("setaffinity no CPU that exists", sched_setaffinity(0, sizeof(m), &m));
	err("setaffinity bad buffer", syscall(SYS_sched_setaffinity, 0, sizeof(m), (void *)8));
	err("setaffinity no such pid", sched_setaffinity(0x3ffffff0, sizeof(orig), &orig));
	yes("mask unchanged by the refusals", mask_is_only(0, lo) == (ncpus == 1));

	/* Pinned to the lowest CPU: it runs there. */
	CPU_ZERO(&m);
	CPU_SET(lo, &m);
	val("pin to the lowest CPU", sched_setaffinity(0, sizeof(m), &m));
	yes("mask reads back as that CPU alone", mask_is_only(0, lo));
	yes("sched_getcpu() returns it, across sleeps and yields", stays_on(lo));
	r = syscall(SYS_sched_setaffinity, 0, 1, &m);
	yes("a 1-byte mask is enough to set", lo >= 8 || r == 0);
	yes("still there", mask_is_only(0, lo));

	/* To the highest: it moves there. */
	CPU_ZERO(&m);
	CPU_SET(hi, &m);
	val("pin to the highest CPU", sched_setaffinity(0, sizeof(m), &m));
	yes("sched_getcpu() returns the highest", stays_on(hi));

	/* Bits past the CPUs that exist are ignored beside one that does. */
	CPU_SET(CPU_SETSIZE - 1, &m);
	val("mask with a CPU that does not exist beside", sched_setaffinity(0, sizeof(m), &m));
	yes("reads back without it", mask_is_only(0, hi));

	/* A child and a thread inherit the mask. */
	CPU_ZERO(&m);
	CPU_SET(lo, &m);
	sched_setaffinity(0, sizeof(m), &m);
	pid_t c = fork();
	if (c == 0)
		_exit(mask_is_only(0, lo) && stays_on(lo) ? 0 : 1);
	int st;
	waitpid(c, &st, 0);
	yes("a child inherits it and runs there", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	while (!thread_tid)
		usleep(500);
	CPU_ZERO(&m);
	CPU_SET(hi, &m);
	val("set another thread's by its TID", sched_setaffinity(thread_tid, sizeof(m), &m));
	yes("its mask reads back by TID", mask_is_only(thread_tid, hi));
	yes("ours did not change", mask_is_only(0, lo));
	__atomic_store_n(&thread_step, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	yes("a thread inherits it and runs there", thread_inherited);
	yes("the thread runs on its new CPU", thread_moved);

	/* A thread spinning on one CPU, pinned to another, goes there. */
	val("restore for the spinner", sched_setaffinity(0, sizeof(orig), &orig));
	pthread_create(&th, NULL, spinner, NULL);
	while (!spin_tid)
		usleep(500);
	int target = spin_cpu == lo ? hi : lo;
	CPU_ZERO(&m);
	CPU_SET(target, &m);
	val("pin the spinner elsewhere", sched_setaffinity(spin_tid, sizeof(m), &m));
	__atomic_store_n(&spin_target, target, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	yes("the spinning thread runs on its new CPU", spin_moved);

	/* Back to the whole mask. */
	val("restore", sched_setaffinity(0, sizeof(orig), &orig));
	CPU_ZERO(&m);
	sched_getaffinity(0, sizeof(m), &m);
	yes("the whole mask again", CPU_EQUAL(&m, &orig));
	return 0;
}
