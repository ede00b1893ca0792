/*
 * Scheduler self-tests: switching, balancing, sleeping accuracy, fair shares
 * and limits, measured on the real clock.  Shares and limits are judged
 * against the run time the CPU handed out, in bounds stated by the longest
 * single charge, since under an emulator the clock runs on while the CPU may
 * not.  Figures are printed so the test log doubles as a measurement record.
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

	/* At least once: on a loaded host the 20 ms can pass before the
	 * first look at the clock, and the thread did run. */
	do
		ran_on[i] |= 1ull << this_cpu()->id;
	while (clock_ns() < end);
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

/* Tenths of a millisecond, for printing "%lu.%lu ms". */
#define MS_1(ns) (ns) / NSEC_PER_MSEC, (ns) / (NSEC_PER_MSEC / 10) % 10

/* Both groups' usage in one state of the scheduler, and when it was read. */
struct usage_pair {
	uint64_t a, b, at;
};

/* A charge changes one group only: if A's usage is the same on both sides of
 * reading B's, the pair is a state the scheduler was in. */
static struct usage_pair usage_pair(const struct sched_group *ga, const struct sched_group *gb)
{
	struct usage_pair p;
	uint64_t a;

	do {
		a = sched_group_usage(ga);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		p.b = sched_group_usage(gb);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		p.a = sched_group_usage(ga);
	} while (p.a != a);
	p.at = clock_ns();
	return p;
}

/* Just after a charge, so that neither end of a window holds run time the
 * scheduler has not accounted yet (which a stall could make long).  Spinners
 * that do not run at all fail the test rather than hang it. */
static struct usage_pair usage_after_charge(const struct sched_group *ga,
					    const struct sched_group *gb)
{
	struct usage_pair old = usage_pair(ga, gb), p;

	do {
		sched_sleep_ns(50 * NSEC_PER_USEC);
		p = usage_pair(ga, gb);
	} while (p.a == old.a && p.b == old.b && p.at - old.at < NSEC_PER_SEC);
	return p;
}

/* Until the second spinner is queued the first runs alone: no window yet. */
static bool both_ran(const struct sched_group *ga, const struct sched_group *gb)
{
	for (int i = 0; i < 1000; i++) {
		if (sched_group_usage(ga) && sched_group_usage(gb))
			return true;
		sched_sleep_ns(NSEC_PER_MSEC);
	}
	return false;
}

#define SHARES_TOL_PM	     50 /* A's share: 25 % +- 5 % */
#define SHARES_WINDOW_NS     (2 * NSEC_PER_SEC)
#define SHARES_WINDOW_MAX_NS (10 * NSEC_PER_SEC)

struct shares_run {
	uint64_t ua, ub, window; /* over the window */
	uint64_t ma, mb;	 /* longest single charges, since the threads started */
};

/*
 * Each pick takes the group with the lower virtual time, and a charge of d
 * moves a group d / weight past the other; so once both are queued,
 * ua - ub / 3 (plus a constant) stays within [-mb / 3, ma], and over any
 * window 3 ua - ub changes by at most 3 ma + mb, however long the charges
 * were (1 us more: B's virtual time rounds down at each charge).
 */
static bool shares_within_charges(const struct shares_run *r)
{
	uint64_t d = 3 * r->ua > r->ub ? 3 * r->ua - r->ub : r->ub - 3 * r->ua;

	return d <= 3 * r->ma + r->mb + NSEC_PER_USEC;
}

/* That bound as per mille of A's share: how far from 250 a fair scheduler
 * may leave it in this window. */
static uint64_t shares_slack_pm(const struct shares_run *r)
{
	uint64_t sum = r->ua + r->ub;

	return sum ? (250 * (3 * r->ma + r->mb) + sum - 1) / sum : UINT64_MAX;
}

/* The window grows until the longest charges fit the test's tolerance: a
 * stall charged to one spinner is made up by the other in later slices. */
static void shares_measure(struct shares_run *r, const struct sched_group *ga,
			   const struct sched_group *gb, struct thread *a, struct thread *b)
{
	struct usage_pair s0 = usage_after_charge(ga, gb), s1;

	sched_sleep_ns(SHARES_WINDOW_NS);
	for (;;) {
		s1 = usage_after_charge(ga, gb);
		*r = (struct shares_run){s1.a - s0.a, s1.b - s0.b, s1.at - s0.at,
					 thread_longest_charge_ns(a), thread_longest_charge_ns(b)};
		if (shares_slack_pm(r) <= SHARES_TOL_PM || r->window >= SHARES_WINDOW_MAX_NS)
			return;
		sched_sleep_ns(SHARES_WINDOW_NS / 4);
	}
}

KTEST(sched_shares_1_to_3)
{
	int cpu = (int)cpu_count() - 1;
	struct sched_group *ga = sched_group_create(NULL, 1, 0);
	struct sched_group *gb = sched_group_create(NULL, 3, 0);
	struct shares_run r;

	KEXPECT(t, ga && gb);
	spin_stop = false;
	struct thread *a = spin_in(ga, cpu), *b = spin_in(gb, cpu);
	KEXPECT(t, both_ran(ga, gb));
	shares_measure(&r, ga, gb, a, b);
	spin_stop = true;
	thread_join(a);
	thread_join(b);
	uint64_t pa = permille(r.ua, r.ua + r.ub), pb = 1000 - pa, slack = shares_slack_pm(&r);
	pr_info("sched: shares 1:3 -> %lu.%lu%% / %lu.%lu%% (%lu + %lu of %lu ms on CPU %d; "
		"longest charges %lu.%lu + %lu.%lu ms, allow +-%lu.%lu%%)\n",
		pa / 10, pa % 10, pb / 10, pb % 10, r.ua / NSEC_PER_MSEC, r.ub / NSEC_PER_MSEC,
		r.window / NSEC_PER_MSEC, cpu, MS_1(r.ma), MS_1(r.mb), slack / 10, slack % 10);
	KEXPECT(t, shares_within_charges(&r));
	KEXPECT(t, slack <= SHARES_TOL_PM); /* the window was long enough to judge */
	KEXPECT(t, pa >= 250 - SHARES_TOL_PM && pa <= 250 + SHARES_TOL_PM);
	KEXPECT(t, (r.ua + r.ub) * 10 >= r.window * 9); /* the pair had the CPU to itself */
	KEXPECT(t, sched_group_destroy(ga));
	KEXPECT(t, sched_group_destroy(gb));
}

#define LIMIT_PCT	  20
#define LIMIT_TOL_PM	  20 /* at most 22 % */
#define LIMIT_PERIODS	  10
#define LIMIT_PERIODS_MAX 50

struct limit_run {
	uint64_t used, periods, longest;
};

/*
 * A limited group is picked only while it has quota left, so over the
 * periods begun since it started it uses less than their quotas plus the one
 * charge that spent the last of it (a stall charged then is a debt that later
 * periods repay).  Enough periods make that charge fit the tolerance.
 */
static bool limit_within_quota(const struct limit_run *r)
{
	return r->used < SCHED_PERIOD_NS * LIMIT_PCT / 100 * r->periods + r->longest;
}

static bool limit_enough_periods(const struct limit_run *r)
{
	return r->longest * 1000 <= LIMIT_TOL_PM * r->periods * SCHED_PERIOD_NS;
}

/* Read before stopping: the spinner may run a little more on its way out. */
static void limit_measure(struct limit_run *r, const struct sched_group *g, struct thread *th,
			  uint64_t start)
{
	for (uint64_t n = LIMIT_PERIODS;; n = r->periods + 1) {
		/* Mid-period: its quota is spent and the next period's not begun. */
		sched_sleep_until(start + n * SCHED_PERIOD_NS - SCHED_PERIOD_NS / 2);
		r->used = sched_group_usage(g);
		r->periods = (clock_ns() - start) / SCHED_PERIOD_NS + 1;
		r->longest = thread_longest_charge_ns(th);
		if (limit_enough_periods(r) || r->periods >= LIMIT_PERIODS_MAX)
			return;
	}
}

KTEST(sched_limit_20pct)
{
	struct sched_group *g = sched_group_create(NULL, SCHED_SHARES_DEFAULT, LIMIT_PCT);
	struct limit_run r;

	KEXPECT(t, g != NULL);
	spin_stop = false;
	/* From a period's start, so that every period counted is one it could use whole. */
	uint64_t start = (clock_ns() / SCHED_PERIOD_NS + 1) * SCHED_PERIOD_NS;
	sched_sleep_until(start);
	struct thread *th = spin_in(g, (int)cpu_count() - 1);
	limit_measure(&r, g, th, start);
	spin_stop = true;
	thread_join(th);
	/* Per period begun: what the limit promises, whatever the wall clock did. */
	uint64_t given = r.periods * SCHED_PERIOD_NS, p = permille(r.used, given);
	pr_info("sched: limit 20%% -> %lu.%lu%% of one CPU (%lu of %lu ms; longest charge %lu.%lu "
		"ms)\n",
		p / 10, p % 10, r.used / NSEC_PER_MSEC, given / NSEC_PER_MSEC, MS_1(r.longest));
	KEXPECT(t, limit_within_quota(&r));
	KEXPECT(t, limit_enough_periods(&r));
	KEXPECT(t, p <= LIMIT_PCT * 10 + LIMIT_TOL_PM);
	/* A stall while the spinner runs is charged to it; only one while the CPU
	 * idles, outlasting the rest of a period, takes quota away (2 % of ten
	 * periods each). */
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
