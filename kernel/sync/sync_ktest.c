/*
 * Synchronisation self-tests: counters hammered from every CPU must come out
 * exact, and sleepers must wake when (and only when) told.
 */
#include <asm/cpu.h>
#include <pallas/completion.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mutex.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/time.h>
#include <pallas/waitqueue.h>

#define SPIN_ROUNDS  20000
#define MUTEX_ROUNDS 4000
#define MAX_HAMMER   16

static struct completion go;
static spinlock_t spin = SPINLOCK_INIT;
static struct mutex mtx;
static volatile uint64_t counter;

/* Read, pause, write: a lost update is likely whenever exclusion fails. */
static void bump(void)
{
	uint64_t v = counter;
	cpu_relax();
	counter = v + 1;
}

static void spin_hammer(void *arg)
{
	wait_for_completion(&go);
	for (unsigned i = 0; i < SPIN_ROUNDS; i++) {
		unsigned long flags = (i & 1) ? spin_lock_irqsave(&spin) : 0;
		if (!(i & 1))
			spin_lock(&spin);
		bump();
		if (i & 1)
			spin_unlock_irqrestore(&spin, flags);
		else
			spin_unlock(&spin);
	}
}

static void mutex_hammer(void *arg)
{
	wait_for_completion(&go);
	for (unsigned i = 0; i < MUTEX_ROUNDS; i++) {
		mutex_lock(&mtx);
		bump();
		/* Sometimes hold it across a switch, so waiters really sleep. */
		if (i % 64 == 0)
			sched_yield();
		mutex_unlock(&mtx);
	}
}

/* One thread per CPU, and at least two, pinned so every CPU takes part. */
static unsigned hammer(thread_fn fn)
{
	unsigned n = MIN(MAX(cpu_count(), 2u), MAX_HAMMER);
	struct thread *th[MAX_HAMMER];

	counter = 0;
	completion_init(&go);
	for (unsigned i = 0; i < n; i++)
		th[i] = thread_create_on(fn, NULL, NULL, "hammer", (int)(i % cpu_count()));
	complete_all(&go);
	for (unsigned i = 0; i < n; i++)
		thread_join(th[i]);
	return n;
}

KTEST(spinlock_hammer_all_cpus)
{
	unsigned n = hammer(spin_hammer);

	pr_info("sync: spinlock counter %lu of %u x %u\n", counter, n, SPIN_ROUNDS);
	KEXPECT(t, counter == (uint64_t)n * SPIN_ROUNDS);
}

KTEST(mutex_hammer_all_cpus)
{
	mutex_init(&mtx);
	unsigned n = hammer(mutex_hammer);

	pr_info("sync: mutex counter %lu of %u x %u\n", counter, n, MUTEX_ROUNDS);
	KEXPECT(t, counter == (uint64_t)n * MUTEX_ROUNDS);
	KEXPECT(t, mtx.owner == NULL);
}

static struct completion done;
static volatile uint64_t woke_at;

static void waiter(void *arg)
{
	wait_for_completion(&done);
	woke_at = clock_ns();
}

KTEST(completion_wakes_waiter)
{
	completion_init(&done);
	woke_at = 0;
	struct thread *w = thread_create(waiter, NULL, NULL, "waiter");
	sched_sleep_ns(20 * NSEC_PER_MSEC);
	KEXPECT(t, woke_at == 0); /* still waiting */
	uint64_t sent = clock_ns();
	complete(&done);
	thread_join(w);
	KEXPECT(t, woke_at >= sent);
	KEXPECT(t, !completion_done(&done)); /* the waiter used the one completion up */
}

static struct waitqueue wq;
static volatile unsigned level;

static void level_waiter(void *arg)
{
	wait_event(&wq, level >= 3);
	__atomic_add_fetch(&level, 10, __ATOMIC_RELAXED);
}

KTEST(wait_event_checks_condition)
{
	waitqueue_init(&wq);
	level = 0;
	struct thread *w = thread_create(level_waiter, NULL, NULL, "level");
	for (unsigned i = 0; i < 3; i++) {
		sched_sleep_ns(5 * NSEC_PER_MSEC);
		unsigned long flags = spin_lock_irqsave(&wq.lock);
		level++;
		waitqueue_wake_locked(&wq, WAKE_ALL);
		spin_unlock_irqrestore(&wq.lock, flags);
	}
	thread_join(w);
	KEXPECT(t, level == 13);
}

static volatile bool flag;

static void flag_setter(void *arg)
{
	sched_sleep_ns(5 * NSEC_PER_MSEC);
	unsigned long flags = spin_lock_irqsave(&wq.lock);
	flag = true;
	waitqueue_wake_locked(&wq, WAKE_ALL);
	spin_unlock_irqrestore(&wq.lock, flags);
}

/* A deadline ends the wait, false, no earlier than the deadline; a wake with
 * the condition true ends it, true, long before a distant deadline (or with
 * none: UINT64_MAX). */
KTEST(wait_event_until_deadline_and_wake)
{
	waitqueue_init(&wq);
	flag = false;
	uint64_t start = clock_ns(), deadline = start + 20 * NSEC_PER_MSEC;
	KEXPECT(t, !wait_event_until(&wq, flag, deadline));
	KEXPECT(t, clock_ns() >= deadline);

	struct thread *w = thread_create(flag_setter, NULL, NULL, "flag");
	KEXPECT(t, wait_event_until(&wq, flag, clock_ns() + 100 * NSEC_PER_SEC));
	thread_join(w);

	flag = false;
	w = thread_create(flag_setter, NULL, NULL, "flag");
	KEXPECT(t, wait_event_until(&wq, flag, UINT64_MAX));
	thread_join(w);
}

KTEST(mutex_trylock_and_owner)
{
	struct mutex m;

	mutex_init(&m);
	KEXPECT(t, mutex_trylock(&m));
	KEXPECT(t, mutex_held(&m));
	mutex_unlock(&m);
	KEXPECT(t, !mutex_held(&m));
	mutex_lock(&m);
	KEXPECT(t, mutex_held(&m));
	mutex_unlock(&m);
}

static struct thread *volatile sleeper;
static volatile int sleeper_rc;

static void interruptible_sleeper(void *arg)
{
	sleeper = thread_current();
	sleeper_rc = wait_event_interruptible(&wq, flag);
}

static void interruptible_napper(void *arg)
{
	sleeper = thread_current();
	sleeper_rc = sched_sleep_until_interruptible(clock_ns() + 100 * NSEC_PER_SEC) ? 1 : -EINTR;
}

/* Runs fn in a thread, waits until it has blocked, interrupts it, and
 * returns what its wait returned; a wait that ignored the interruption
 * would hang here (and the ktest runner's timeout would fail the boot). */
static int interrupt_sleeper(thread_fn fn)
{
	sleeper = NULL;
	sleeper_rc = 1;
	struct thread *w = thread_create(fn, NULL, NULL, "sleeper");
	while (!sleeper)
		sched_yield();
	sched_sleep_ns(5 * NSEC_PER_MSEC);
	thread_interrupt(sleeper);
	thread_join(w);
	return sleeper_rc;
}

/* An interrupt ends an interruptible wait with -EINTR, whether it comes
 * while the thread sleeps or before it starts; the condition wins over a
 * pending interrupt; an uninterruptible wait does not see it. */
KTEST(wait_event_interruptible_ends_on_interrupt)
{
	waitqueue_init(&wq);
	flag = false;
	KEXPECT(t, interrupt_sleeper(interruptible_sleeper) == -EINTR);
	KEXPECT(t, interrupt_sleeper(interruptible_napper) == -EINTR);

	thread_interrupt(thread_current());
	KEXPECT(t, thread_interrupted());
	KEXPECT(t, wait_event_interruptible(&wq, flag) == -EINTR);
	KEXPECT(t, !sched_sleep_until_interruptible(clock_ns() + 100 * NSEC_PER_SEC));
	flag = true;
	KEXPECT(t, wait_event_interruptible(&wq, flag) == 0);
	flag = false;
	KEXPECT(t, wait_event_interruptible_until(&wq, flag, clock_ns() + NSEC_PER_MSEC) == -EINTR);
	KEXPECT(t, !wait_event_until(&wq, flag, clock_ns() + NSEC_PER_MSEC));
	thread_interrupt_clear();
	KEXPECT(t, !thread_interrupted());
	KEXPECT(t, wait_event_interruptible_until(&wq, flag, clock_ns() + NSEC_PER_MSEC) ==
		       -ETIMEDOUT);
}
