/*
 * Self-test of nice weights: two busy threads of one group on one CPU, at
 * nice 0 and nice 5, split it 1024:335 (A about 75.3 %).  Judged, like the
 * group shares in sched_ktest.c, on the run time the CPU handed out and in
 * bounds stated by the longest single charge, never on the wall clock.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/sched.h>
#include <pallas/sched_fair.h>
#include <pallas/smp.h>
#include <pallas/time.h>

#define NICE_B	       5
#define NICE_TOL_PM    50
#define NICE_WINDOW_NS (2 * NSEC_PER_SEC)
#define NICE_MAX_NS    (10 * NSEC_PER_SEC)

static volatile bool nice_stop;

static void nice_spinner(void *arg)
{
	(void)arg;
	while (!nice_stop)
		cpu_relax();
}

struct nice_pair {
	uint64_t a, b;
};

/* A charge changes one thread only: equal reads of A around B's make a
 * state the scheduler was in. */
static struct nice_pair nice_read(struct thread *a, struct thread *b)
{
	struct nice_pair p;
	uint64_t first;

	do {
		first = thread_runtime_ns(a);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		p.b = thread_runtime_ns(b);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		p.a = thread_runtime_ns(a);
	} while (p.a != first);
	return p;
}

/* Over a window, wb * ua - wa * ub moves by at most wb * ma + wa * mb (the
 * longest charges; 1 us more for rounding): as per mille of A's share. */
static uint64_t nice_slack_pm(uint64_t ua, uint64_t ub, uint64_t ma, uint64_t mb)
{
	uint64_t wa = fair_nice_weight(0), wb = fair_nice_weight(NICE_B);
	uint64_t sum = ua + ub;

	if (!sum)
		return UINT64_MAX;
	return (1000 * (wb * ma + wa * mb + wa * NSEC_PER_USEC) / (wa + wb) + sum - 1) / sum;
}

KTEST(sched_nice_weights)
{
	int cpu = (int)cpu_count() - 1;
	struct sched_group *g = sched_group_create(NULL, SCHED_SHARES_DEFAULT, 0);

	KEXPECT(t, g != NULL);
	if (!g)
		return;
	nice_stop = false;
	struct thread *a = thread_create_on(nice_spinner, NULL, g, "nice0", cpu);
	struct thread *b = thread_create_on(nice_spinner, NULL, g, "nice5", cpu);
	KEXPECT(t, a && b);
	if (!a || !b)
		return;
	thread_set_nice(b, NICE_B);
	for (int i = 0; i < 1000 && !(thread_runtime_ns(a) && thread_runtime_ns(b)); i++)
		sched_sleep_ns(NSEC_PER_MSEC);
	struct nice_pair s0 = nice_read(a, b), s1;
	uint64_t start = clock_ns(), ua, ub, slack;
	sched_sleep_ns(NICE_WINDOW_NS);
	for (;;) {
		s1 = nice_read(a, b);
		ua = s1.a - s0.a;
		ub = s1.b - s0.b;
		slack =
		    nice_slack_pm(ua, ub, thread_longest_charge_ns(a), thread_longest_charge_ns(b));
		if (slack <= NICE_TOL_PM || clock_ns() - start >= NICE_MAX_NS)
			break;
		sched_sleep_ns(NICE_WINDOW_NS / 4);
	}
	nice_stop = true;
	thread_join(a);
	thread_join(b);
	uint64_t wa = fair_nice_weight(0), wb = fair_nice_weight(NICE_B);
	uint64_t want = (1000 * wa + (wa + wb) / 2) / (wa + wb);
	uint64_t pa = ua + ub ? (ua * 1000 + (ua + ub) / 2) / (ua + ub) : 0;
	pr_info("sched: nice 0 / nice %d -> %lu.%lu%% (want %lu.%lu%%; %lu + %lu ms on CPU %d, "
		"allow +-%lu.%lu%%)\n",
		NICE_B, pa / 10, pa % 10, want / 10, want % 10, ua / NSEC_PER_MSEC,
		ub / NSEC_PER_MSEC, cpu, slack / 10, slack % 10);
	KEXPECT(t, slack <= NICE_TOL_PM); /* the window was long enough to judge */
	KEXPECT(t, pa + NICE_TOL_PM >= want && pa <= want + NICE_TOL_PM);
	KEXPECT(t, sched_group_destroy(g));
}
