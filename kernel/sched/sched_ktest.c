/*
 * Scheduler self-tests: switching, balancing, sleeping accuracy, fair shares
 * and limits, measured on the real clock.  Figures are printed so the test
 * log doubles as a measurement record.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/time.h>

struct pingpong {
	volatile unsigned turn, count;
	unsigned me;
};

static volatile unsigned pp_turn;
static volatile unsigned pp_count;

static void pingpong(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;

	for (unsigned i = 0; i < 200; i++) {
		while (pp_turn != me)
			sched_yield();
		pp_count++;
		pp_turn = !me;
	}
}

/* Two threads on one CPU can only make progress by switching to each other. */
KTEST(sched_yield_pingpong)
{
	int cpu = (int)cpu_count() - 1;

	pp_turn = 0;
	pp_count = 0;
	struct thread *a = thread_create_on(pingpong, (void *)0, NULL, "ping", cpu);
	struct thread *b = thread_create_on(pingpong, (void *)1, NULL, "pong", cpu);
	KEXPECT(t, a && b);
	thread_join(a);
	thread_join(b);
	KEXPECT(t, pp_count == 400);
}

static volatile uint64_t ran_on[16];

static void busy_20ms(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	uint64_t end = clock_ns() + 20 * NSEC_PER_MSEC;

	while (clock_ns() < end)
		ran_on[i] |= 1ull << this_cpu()->id;
}

/* New threads spread over the CPUs, and every one of them ends and is freed. */
KTEST(sched_threads_spread)
{
	struct thread *th[16];
	uint64_t all = 0;
	unsigned used = 0;

	for (unsigned i = 0; i < 16; i++) {
		ran_on[i] = 0;
		th[i] = thread_create(busy_20ms, (void *)(uintptr_t)i, NULL, "busy");
		KEXPECT(t, th[i] != NULL);
	}
	for (unsigned i = 0; i < 16; i++) {
		thread_join(th[i]);
		KEXPECT(t, ran_on[i] != 0);
		all |= ran_on[i];
	}
	for (unsigned c = 0; c < 64; c++)
		used += (all >> c) & 1;
	pr_info("sched: 16 threads ran on %u of %u CPUs\n", used, cpu_count());
	KEXPECT(t, used == MIN(cpu_count(), 64u));
}

/* Per mille, for printing as a percentage with one decimal. */
static uint64_t permille(uint64_t part, uint64_t whole)
{
	return whole ? (part * 1000 + whole / 2) / whole : 0;
}

/*
 * Five 100 ms sleeps: none may end early, and the median must be within 2%.
 * The median, because under an emulator on a loaded host a single sleep can
 * run long when the host does not schedule the emulator; that says nothing
 * about the kernel's timers, and noise only ever lengthens a sleep.
 */
KTEST(sched_sleep_100ms)
{
	uint64_t us[5];

	for (int i = 0; i < 5; i++) {
		uint64_t t0 = rdtsc();
		sched_sleep_ns(100 * NSEC_PER_MSEC);
		us[i] = (rdtsc() - t0) * 1000000 / tsc_hz();
		KEXPECT(t, us[i] >= 98000);
	}
	for (int i = 1; i < 5; i++) { /* insertion sort */
		for (int j = i; j > 0 && us[j - 1] > us[j]; j--) {
			uint64_t tmp = us[j];
			us[j] = us[j - 1];
			us[j - 1] = tmp;
		}
	}
	pr_info(
	    "sched: sleep 100 ms -> median %lu.%03lu ms by TSC (min %lu.%03lu, max %lu.%03lu)\n",
	    us[2] / 1000, us[2] % 1000, us[0] / 1000, us[0] % 1000, us[4] / 1000, us[4] % 1000);
	KEXPECT(t, us[2] >= 98000 && us[2] <= 102000);
}

static volatile bool spin_stop;

static void spinner(void *arg)
{
	while (!spin_stop)
		cpu_relax();
}

static struct thread *spin_in(struct sched_group *g, int cpu)
{
	return thread_create_on(spinner, NULL, g, "spinner", cpu);
}

KTEST(sched_shares_1_to_3)
{
	int cpu = (int)cpu_count() - 1;
	struct sched_group *ga = sched_group_create(NULL, 1, 0);
	struct sched_group *gb = sched_group_create(NULL, 3, 0);

	KEXPECT(t, ga && gb);
	spin_stop = false;
	struct thread *a = spin_in(ga, cpu), *b = spin_in(gb, cpu);
	sched_sleep_ns(2 * NSEC_PER_SEC);
	spin_stop = true;
	thread_join(a);
	thread_join(b);
	uint64_t ua = sched_group_usage(ga), ub = sched_group_usage(gb);
	uint64_t pa = permille(ua, ua + ub), pb = 1000 - pa;
	pr_info("sched: shares 1:3 -> %lu.%lu%% / %lu.%lu%% (%lu + %lu ms on CPU %d)\n", pa / 10,
		pa % 10, pb / 10, pb % 10, ua / 1000000, ub / 1000000, cpu);
	KEXPECT(t, pa >= 200 && pa <= 300);
	KEXPECT(t, ua + ub >= NSEC_PER_SEC); /* they did run, most of the 2 s */
	KEXPECT(t, sched_group_destroy(ga));
	KEXPECT(t, sched_group_destroy(gb));
}

KTEST(sched_limit_20pct)
{
	struct sched_group *g = sched_group_create(NULL, SCHED_SHARES_DEFAULT, 20);

	KEXPECT(t, g != NULL);
	spin_stop = false;
	/* Whole periods only: a window that cuts one would see its quota twice. */
	uint64_t start = (clock_ns() / SCHED_PERIOD_NS + 1) * SCHED_PERIOD_NS;
	sched_sleep_until(start);
	struct thread *th = spin_in(g, (int)cpu_count() - 1);
	sched_sleep_until(start + 10 * SCHED_PERIOD_NS);
	/* Read before stopping: the spinner may run a little more on its way out. */
	uint64_t used = sched_group_usage(g), window = clock_ns() - start;
	spin_stop = true;
	thread_join(th);
	uint64_t p = permille(used, window);
	pr_info("sched: limit 20%% -> %lu.%lu%% of one CPU (%lu of %lu ms)\n", p / 10, p % 10,
		used / 1000000, window / 1000000);
	KEXPECT(t, p <= 220);
	KEXPECT(t, p >= 150);
	KEXPECT(t, sched_group_destroy(g));
}

KTEST(sched_group_rules)
{
	struct sched_group *top = sched_group_create(NULL, 0, 0);
	struct sched_group *child = sched_group_create(top, 512, 150);

	KEXPECT(t, top && child);
	KEXPECT(t, sched_group_create(child, 1, 0) == NULL); /* one level of nesting */
	KEXPECT(t, !sched_group_destroy(top));		     /* it has a child */
	spin_stop = false;
	struct thread *th = spin_in(child, CPU_ANY);
	KEXPECT(t, !sched_group_destroy(child)); /* it has a thread */
	sched_sleep_ns(20 * NSEC_PER_MSEC);
	spin_stop = true;
	thread_join(th);
	/* A child's time counts for its parent too. */
	KEXPECT(t, sched_group_usage(child) > 0);
	KEXPECT(t, sched_group_usage(top) >= sched_group_usage(child));
	KEXPECT(t, sched_group_destroy(child));
	KEXPECT(t, sched_group_destroy(top));
}
