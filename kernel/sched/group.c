/*
 * Resource groups: a weight (shares) among siblings and an optional CPU
 * limit.  A group exists on every CPU as a fair entity in its parent's queue
 * there; the limit is one budget for all CPUs together.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "sched_impl.h"

static struct group_cpu root_pcpu[MAX_CPUS];
struct sched_group sched_root_group = {.shares = SCHED_SHARES_DEFAULT, .pcpu = root_pcpu};

void group_init_root(void)
{
	fair_limit_init(&sched_root_group.limit, 0, SCHED_PERIOD_NS);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		root_pcpu[i].group = &sched_root_group;
		fair_queue_init(&root_pcpu[i].q, NULL);
	}
}

bool group_join(struct sched_group *g)
{
	uint32_t m = __atomic_load_n(&g->members, __ATOMIC_RELAXED);

	do {
		if (m & GROUP_DYING)
			return false;
	} while (!__atomic_compare_exchange_n(&g->members, &m, m + 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

void group_leave(struct sched_group *g)
{
	__atomic_sub_fetch(&g->members, 1, __ATOMIC_RELEASE);
}

struct sched_group *sched_group_create(struct sched_group *parent, unsigned shares,
				       unsigned limit_pct)
{
	if (!parent)
		parent = &sched_root_group;
	if (parent->depth >= 2)
		return NULL;
	struct sched_group *g = kzalloc(sizeof(*g));
	if (!g)
		return NULL;
	g->pcpu = kzalloc(sizeof(*g->pcpu) * MAX_CPUS);
	if (!g->pcpu || !group_join(parent)) { /* a parent being destroyed takes none */
		kfree(g->pcpu);
		kfree(g);
		return NULL;
	}
	g->parent = parent;
	g->refs = 1;
	g->depth = parent->depth + 1;
	g->shares = shares ? shares : SCHED_SHARES_DEFAULT;
	g->limit_pct = limit_pct;
	g->lock = (spinlock_t)SPINLOCK_INIT;
	fair_limit_init(&g->limit, limit_pct, SCHED_PERIOD_NS);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		g->pcpu[i].group = g;
		fair_group_entity_init(&g->pcpu[i].se, &g->pcpu[i].q, &parent->pcpu[i].q,
				       g->shares);
	}
	return g;
}

/* Only an empty group goes, and from then on none can join it: the one
 * compare-and-swap from no members to dying decides between a destroy and
 * a thread_create or sched_group_create racing it. */
bool sched_group_destroy(struct sched_group *g)
{
	uint32_t none = 0;

	if (!g || g == &sched_root_group)
		return false;
	if (!__atomic_compare_exchange_n(&g->members, &none, GROUP_DYING, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false;
	group_leave(g->parent);
	sched_group_put(g); /* the creator's */
	return true;
}

void sched_group_get(struct sched_group *g)
{
	if (g && g != &sched_root_group)
		__atomic_add_fetch(&g->refs, 1, __ATOMIC_RELAXED);
}

void sched_group_put(struct sched_group *g)
{
	if (!g || g == &sched_root_group)
		return;
	if (__atomic_sub_fetch(&g->refs, 1, __ATOMIC_ACQ_REL))
		return;
	BUG_ON(!(__atomic_load_n(&g->members, __ATOMIC_ACQUIRE) & GROUP_DYING));
	kfree(g->pcpu);
	kfree(g);
}

/* The thread joins g before it leaves its old group, so neither can be
 * destroyed under it; the queue it waits in changes with its group. */
bool thread_set_group(struct thread *t, struct sched_group *g)
{
	if (!g)
		g = &sched_root_group;
	if (!group_join(g))
		return false;
	unsigned long flags = irq_save();
	spin_lock_raw(&t->wake_lock);
	struct runqueue *rq = lock_thread_rq(t);
	struct sched_group *old = t->group;
	bool queued = t->se.queued;
	if (queued)
		rq_dequeue(rq, t);
	t->group = g;
	if (queued) {
		t->se.vruntime = g->pcpu[rq->cpu].q.min_vruntime;
		rq_enqueue(rq, t);
	}
	spin_unlock_raw(&rq->lock);
	spin_unlock_raw(&t->wake_lock);
	irq_restore(flags);
	group_leave(old);
	return true;
}

uint64_t sched_group_usage(const struct sched_group *g)
{
	return __atomic_load_n(&g->usage_ns, __ATOMIC_RELAXED);
}

/* Called with a run queue lock held and interrupts off. */
void group_charge(struct sched_group *g, uint64_t now, uint64_t runtime)
{
	for (; g; g = g->parent) {
		__atomic_add_fetch(&g->usage_ns, runtime, __ATOMIC_RELAXED);
		if (!g->limit.quota_ns)
			continue;
		spin_lock_raw(&g->lock);
		fair_limit_charge(&g->limit, now, runtime);
		spin_unlock_raw(&g->lock);
	}
}

/* What is left of the tightest budget among g and its ancestors. */
uint64_t group_remaining(struct sched_group *g, uint64_t now)
{
	uint64_t left = UINT64_MAX;

	for (; g; g = g->parent) {
		if (!g->limit.quota_ns)
			continue;
		spin_lock_raw(&g->lock);
		left = MIN(left, fair_limit_remaining(&g->limit, now));
		spin_unlock_raw(&g->lock);
	}
	return left;
}

bool group_entity_throttled(struct fair_entity *e, void *now)
{
	struct sched_group *g = container_of(e, struct group_cpu, se)->group;

	if (!g->limit.quota_ns)
		return false;
	spin_lock_raw(&g->lock);
	bool out = fair_limit_remaining(&g->limit, *(uint64_t *)now) == 0;
	spin_unlock_raw(&g->lock);
	return out;
}
