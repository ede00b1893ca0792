/*
 * Load balancing, kept simple: a woken or new thread goes to the CPU with
 * the fewest queued threads, and a CPU about to idle pulls a waiting thread
 * from the busiest other CPU.  A CPU that finds itself with work to spare
 * kicks an idle one so that it comes to pull.
 */
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/smp.h>

#include "sched_impl.h"

static unsigned load(unsigned cpu)
{
	struct runqueue *rq = rq_of(cpu);

	return rq ? __atomic_load_n(&rq->nr_threads, __ATOMIC_RELAXED) : ~0u;
}

/* Ties go to the thread's last CPU, whose caches may still hold its data. */
unsigned select_cpu(struct thread *t)
{
	if (t->pinned != CPU_ANY)
		return (unsigned)t->pinned;
	unsigned best = rq_of(t->cpu) ? t->cpu : this_cpu()->id;
	unsigned best_load = load(best);
	for (unsigned i = 0; i < cpu_count(); i++) {
		unsigned l = load(i);
		if (l < best_load) {
			best = i;
			best_load = l;
		}
	}
	return best;
}

bool thread_set_cpu(struct thread *t, int cpu)
{
	if (cpu != CPU_ANY && (cpu < 0 || (unsigned)cpu >= cpu_count() || !rq_of((unsigned)cpu)))
		return false;
	unsigned long flags = irq_save();
	spin_lock_raw(&t->wake_lock);
	struct runqueue *rq = lock_thread_rq(t);
	int old = t->pinned;
	/* A queued thread counts in nr_movable by its pinning at enqueue. */
	if (t->se.queued && (old == CPU_ANY) != (cpu == CPU_ANY))
		rq->nr_movable += cpu == CPU_ANY ? 1 : -1;
	t->pinned = cpu;
	spin_unlock_raw(&rq->lock);
	spin_unlock_raw(&t->wake_lock);
	irq_restore(flags);
	/* The caller moves by sleeping: its wakeup goes to select_cpu. */
	while (t == thread_current() && cpu != CPU_ANY &&
	       __atomic_load_n(&t->cpu, __ATOMIC_RELAXED) != (unsigned)cpu)
		sched_sleep_ns(1000);
	return true;
}

int thread_pinned_cpu(const struct thread *t)
{
	return __atomic_load_n(&t->pinned, __ATOMIC_RELAXED);
}

static bool can_pull(struct runqueue *src, struct thread *t, uint64_t now)
{
	return t != cpu_get(src->cpu)->current && !t->on_cpu && t->pinned == CPU_ANY &&
	       group_remaining(t->group, now) > 0;
}

/* Caller holds rq->lock; the other lock is only tried, so two CPUs pulling
 * from each other cannot deadlock. */
static struct thread *pull_from(struct runqueue *rq, struct runqueue *src, uint64_t now)
{
	struct thread *found = NULL;
	struct list *pos;

	if (!spin_trylock_raw(&src->lock))
		return NULL;
	list_for_each(pos, &src->threads)
	{
		struct thread *t = container_of(pos, struct thread, rq_node);
		if (can_pull(src, t, now)) {
			found = t;
			break;
		}
	}
	if (found) {
		rq_dequeue(src, found);
		rq_enqueue(rq, found);
	}
	spin_unlock_raw(&src->lock);
	return found;
}

struct thread *pull_thread(struct runqueue *rq, uint64_t now)
{
	unsigned busiest = rq->cpu, most = 1;

	for (unsigned i = 0; i < cpu_count(); i++) {
		unsigned l = load(i);
		if (i != rq->cpu && l != ~0u && l > most && rq_of(i)->nr_movable) {
			busiest = i;
			most = l;
		}
	}
	if (busiest == rq->cpu)
		return NULL;
	return pull_from(rq, rq_of(busiest), now);
}

void kick_idle_cpu(struct runqueue *busy)
{
	for (unsigned i = 0; i < cpu_count(); i++) {
		struct runqueue *rq = rq_of(i);
		if (rq && i != busy->cpu && cpu_get(i)->current == rq->idle &&
		    !cpu_get(i)->need_resched) {
			ipi_resched(i);
			return;
		}
	}
}
