/*
 * Self-tests of thread and group lifetimes: a detached thread is freed when
 * it ends, a thread moves between groups (and its run time follows it), and
 * destroying a group races creating threads in it safely: each creation
 * either gets in before the destroy (which then fails) or fails itself.
 * A pinned thread (thread_set_cpu) runs only on its CPU.
 */
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/time.h>

static volatile unsigned finished;

static void short_life(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&finished, 1, __ATOMIC_RELAXED);
}

/* Polls cond every millisecond for up to 5 s of this CPU's clock. */
#define WAIT_FOR(cond)                                                    \
	({                                                                \
		bool ok_ = false;                                         \
		for (unsigned i_ = 0; i_ < 5000 && !(ok_ = (cond)); i_++) \
			sched_sleep_ns(NSEC_PER_MSEC);                    \
		ok_;                                                      \
	})

KTEST(thread_detached_is_freed)
{
	struct sched_group *g = sched_group_create(NULL, 0, 0);
	uint64_t before = page_accounted_count();

	KEXPECT(t, g != NULL);
	if (!g)
		return;
	finished = 0;
	for (int i = 0; i < 8; i++) {
		struct thread *th = thread_create(short_life, NULL, g, "detached");
		KEXPECT(t, th != NULL);
		if (th)
			thread_detach(th);
	}
	KEXPECT(t, WAIT_FOR(finished == 8));
	/* Freed once each has switched away: then the group is empty. */
	KEXPECT(t, WAIT_FOR(sched_group_destroy(g)));
	KEXPECT(t, WAIT_FOR(page_accounted_count() == before));
}

static volatile bool spin_on;

static void spin(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&spin_on, __ATOMIC_RELAXED))
		sched_yield();
}

KTEST(thread_moves_between_groups)
{
	struct sched_group *a = sched_group_create(NULL, 0, 0);
	struct sched_group *b = sched_group_create(NULL, 0, 0);

	KEXPECT(t, a && b);
	if (!a || !b)
		return;
	spin_on = true;
	struct thread *th = thread_create(spin, NULL, a, "mover");
	KEXPECT(t, th != NULL);
	if (!th)
		return;
	KEXPECT(t, WAIT_FOR(sched_group_usage(a) > 0));
	KEXPECT(t, thread_set_group(th, b));
	uint64_t a_then = sched_group_usage(a);
	KEXPECT(t, WAIT_FOR(sched_group_usage(b) > 0));
	KEXPECT(t, sched_group_usage(a) == a_then); /* its time goes to b now */
	KEXPECT(t, sched_group_destroy(a));	    /* empty now */
	KEXPECT(t, !sched_group_destroy(b));
	KEXPECT(t, thread_set_group(th, NULL)); /* back to the root */
	spin_on = false;
	thread_join(th);
	KEXPECT(t, sched_group_destroy(b));
}

struct racer {
	struct sched_group *g;
	unsigned created, refused; /* atomic */
};

static void create_until_refused(void *arg)
{
	struct racer *r = arg;

	for (;;) {
		struct thread *th = thread_create(short_life, NULL, r->g, "racer");
		if (!th) {
			__atomic_add_fetch(&r->refused, 1, __ATOMIC_RELAXED);
			break;
		}
		__atomic_add_fetch(&r->created, 1, __ATOMIC_RELAXED);
		thread_join(th);
	}
	sched_group_put(r->g);
}

KTEST(group_destroy_races_creation)
{
	unsigned created = 0, rounds = 0;

	for (; rounds < 20; rounds++) {
		struct racer r = {sched_group_create(NULL, 0, 0), 0, 0};
		KEXPECT(t, r.g != NULL);
		if (!r.g)
			return;
		sched_group_get(r.g); /* the racer's, so g outlives the destroy */
		struct thread *racer = thread_create(create_until_refused, &r, NULL, "creator");
		KEXPECT(t, racer != NULL);
		if (!racer)
			return;
		/* Destroy while it is busy creating, a few threads in. */
		KEXPECT(t,
			WAIT_FOR(__atomic_load_n(&r.created, __ATOMIC_RELAXED) >= 1 + rounds % 4));
		bool gone = WAIT_FOR(sched_group_destroy(r.g));
		KEXPECT(t, gone);
		thread_join(racer);
		KEXPECT(t, r.refused == 1);
		created += r.created;
	}
	pr_info("ktest: group_destroy_races_creation: %u threads created in %u groups before "
		"their destroy\n",
		created, rounds);
}

static volatile bool napper_on;
static volatile uint64_t napper_seen; /* bit per CPU it ran on, for CPUs < 64 */

static void napper(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&napper_on, __ATOMIC_RELAXED)) {
		__atomic_or_fetch(&napper_seen, 1ull << (this_cpu()->id & 63), __ATOMIC_RELAXED);
		sched_sleep_ns(200000);
	}
}

KTEST(thread_pinned_runs_on_its_cpu)
{
	struct thread *self = thread_current();
	int last = (int)cpu_count() - 1;

	KEXPECT(t, !thread_set_cpu(self, (int)cpu_count()));
	KEXPECT(t, !thread_set_cpu(self, -2));
	if (last < 1 || last > 63)
		return;
	int old = thread_pinned_cpu(self);
	for (int round = 0; round < 4; round++) {
		int cpu = round & 1 ? 0 : last;
		KEXPECT(t, thread_set_cpu(self, cpu));
		KEXPECT(t, thread_pinned_cpu(self) == cpu);
		bool stayed = true;
		for (int i = 0; i < 40; i++) {
			if (i % 8 == 0)
				sched_sleep_ns(100000);
			else
				sched_yield();
			stayed &= this_cpu()->id == (unsigned)cpu;
		}
		KEXPECT(t, stayed);
	}
	KEXPECT(t, thread_set_cpu(self, old));

	/* Another thread, pinned while it naps, wakes only on its CPU. */
	napper_on = true;
	struct thread *th = thread_create(napper, NULL, NULL, "napper");
	KEXPECT(t, th != NULL);
	if (!th)
		return;
	for (int round = 0; round < 2; round++) {
		int cpu = round ? 0 : last;
		KEXPECT(t, thread_set_cpu(th, cpu));
		sched_sleep_ns(5 * NSEC_PER_MSEC); /* a wakeup or two to get there */
		napper_seen = 0;
		sched_sleep_ns(20 * NSEC_PER_MSEC);
		KEXPECT(t, napper_seen == 1ull << cpu);
	}
	KEXPECT(t, thread_set_cpu(th, CPU_ANY));
	napper_on = false;
	thread_join(th);
}
