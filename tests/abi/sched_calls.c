/* Scheduler queries: sched_yield; sched_getaffinity gives at least one
 * CPU, the same set for the pid and for 0, the byte count it wrote, EINVAL
 * for a buffer too small for the kernel's mask; getcpu names a CPU in the
 * affinity set, in every thread; sched_rr_get_interval; the priority
 * ranges of each policy; the errors for no such pid. */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <time.h>

static cpu_set_t set;
static volatile int thread_cpu_ok;

static int cpu_ok(void)
{
	unsigned cpu = 9999, node = 9999;
	if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0)
		return 0;
	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set) && node < 1024;
}

static void *thr(void *arg)
{
	(void)arg;
	sched_yield();
	thread_cpu_ok = cpu_ok();
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	val("sched_yield", sched_yield());
	CPU_ZERO(&set);
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	yes("sched_getaffinity wrote a whole number of longs", n > 0 && n % 8 == 0);
	yes("at least one CPU", CPU_COUNT(&set) >= 1);
	cpu_set_t byp;
	CPU_ZERO(&byp);
	syscall(SYS_sched_getaffinity, getpid(), sizeof(byp), &byp);
	yes("same set for the pid", CPU_EQUAL(&set, &byp));
	yes("CPU count at most what sysconf says is configured",
	    CPU_COUNT(&set) <= sysconf(_SC_NPROCESSORS_CONF));
	unsigned long small;
	err("a buffer of 1 byte", syscall(SYS_sched_getaffinity, 0, 1, &small));
	err("a buffer of 12 bytes (not a multiple of 8)",
	    syscall(SYS_sched_getaffinity, 0, 12, &set));
	err("no such pid", syscall(SYS_sched_getaffinity, 0x3ffffff0, sizeof(set), &set));
	err("bad pointer", syscall(SYS_sched_getaffinity, 0, sizeof(set), (void *)8));

	yes("getcpu in the affinity set", cpu_ok());
	unsigned cpu;
	res("getcpu with NULL node", syscall(SYS_getcpu, &cpu, NULL, NULL));
	res("getcpu with both NULL", syscall(SYS_getcpu, NULL, NULL, NULL));
	err("getcpu bad pointer", syscall(SYS_getcpu, (void *)8, NULL, NULL));
	pthread_t t;
	pthread_create(&t, NULL, thr, NULL);
	pthread_join(t, NULL);
	yes("getcpu in a thread", thread_cpu_ok);

	struct timespec ts = {-1, -1};
	res("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
	yes("interval sane", ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	err("sched_rr_get_interval no such pid", sched_rr_get_interval(0x3ffffff0, &ts));
	err("sched_rr_get_interval bad pointer", syscall(SYS_sched_rr_get_interval, 0, (void *)8));
	err("sched_rr_get_interval pid -1", sched_rr_get_interval(-1, &ts));

	static const struct {
		int p;
		const char *name;
	} pol[] = {{SCHED_OTHER, "OTHER"}, {SCHED_FIFO, "FIFO"}, {SCHED_RR, "RR"},
		   {SCHED_BATCH, "BATCH"}, {SCHED_IDLE, "IDLE"}, {6, "DEADLINE"},
		   {77, "policy 77"},	   {-1, "policy -1"}};
	for (unsigned i = 0; i < sizeof(pol) / sizeof(pol[0]); i++) {
		long mx = sched_get_priority_max(pol[i].p);
		int e1 = errno;
		long mn = sched_get_priority_min(pol[i].p);
		int e2 = errno;
		printf("%s: max ", pol[i].name);
		if (mx >= 0)
			printf("%ld", mx);
		else
			printf("%s", errname(e1));
		if (mn >= 0)
			printf(" min %ld\n", mn);
		else
			printf(" min %s\n", errname(e2));
	}
	val("sched_getscheduler self", sched_getscheduler(0));
	err("sched_getscheduler no such pid", sched_getscheduler(0x3ffffff0));
	err("sched_getscheduler pid -1", sched_getscheduler(-1));
	return 0;
}
