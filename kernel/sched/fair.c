/*
 * Fair-share arithmetic: weighted virtual runtime over a two-level tree of
 * queues, and per-period CPU quotas.  No locking here: the caller holds the
 * run queue's lock (see core.c).  Queues are sorted lists, not trees, because
 * a CPU holds a handful of runnable entities and lists are easy to prove.
 */
#include <pallas/kernel.h>
#include <pallas/sched_fair.h>

#define entity_of(pos) container_of(pos, struct fair_entity, node)

void fair_queue_init(struct fair_queue *q, struct fair_entity *owner)
{
	list_init(&q->entities);
	q->min_vruntime = 0;
	q->nr = 0;
	q->owner = owner;
}

void fair_entity_init(struct fair_entity *e, struct fair_queue *on, uint32_t weight)
{
	e->vruntime = 0;
	e->weight = weight;
	list_init(&e->node);
	e->on = on;
	e->self = NULL;
	e->queued = false;
}

void fair_group_entity_init(struct fair_entity *e, struct fair_queue *q, struct fair_queue *parent,
			    uint32_t weight)
{
	fair_entity_init(e, parent, weight);
	e->self = q;
	fair_queue_init(q, e);
}

/* Linux's weights (kernel/sched/core.c), so that programs which renice
 * themselves get the shares they were written for. */
/* clang-format off */
static const uint32_t nice_weights[40] = {
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */  9548,  7620,  6100,  4904,  3906,
	/*  -5 */  3121,  2501,  1991,  1586,  1277,
	/*   0 */  1024,   820,   655,   526,   423,
	/*   5 */   335,   272,   215,   172,   137,
	/*  10 */   110,    87,    70,    56,    45,
	/*  15 */    36,    29,    23,    18,    15,
};
/* clang-format on */

uint32_t fair_nice_weight(int nice)
{
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	return nice_weights[nice + 20];
}

uint64_t fair_vdelta(uint64_t runtime, uint32_t weight)
{
	if (weight == 0)
		weight = 1;
	if (runtime <= UINT64_MAX / FAIR_SCALE)
		return runtime * FAIR_SCALE / weight;
	/* Split so a long runtime at a tiny weight neither wraps nor needs
	 * 128-bit division (which the freestanding kernel has no helper for). */
	uint64_t q = runtime / weight, r = runtime % weight;
	if (q > UINT64_MAX / FAIR_SCALE)
		return UINT64_MAX;
	return q * FAIR_SCALE + r * FAIR_SCALE / weight;
}

/* After equal keys, so entities with the same virtual time take turns. */
static void insert_sorted(struct fair_queue *q, struct fair_entity *e)
{
	struct list *pos = q->entities.prev;

	while (pos != &q->entities && entity_of(pos)->vruntime > e->vruntime)
		pos = pos->prev;
	list_insert_after(pos, &e->node);
}

static void update_min(struct fair_queue *q)
{
	if (list_empty(&q->entities))
		return;
	uint64_t first = entity_of(q->entities.next)->vruntime;
	if (first > q->min_vruntime)
		q->min_vruntime = first;
}

void fair_enqueue(struct fair_entity *e)
{
	struct fair_queue *q = e->on;

	if (e->queued)
		return;
	if (e->vruntime < q->min_vruntime)
		e->vruntime = q->min_vruntime;
	insert_sorted(q, e);
	q->nr++;
	e->queued = true;
	update_min(q);
	if (q->owner && !q->owner->queued)
		fair_enqueue(q->owner);
}

void fair_dequeue(struct fair_entity *e)
{
	struct fair_queue *q = e->on;

	if (!e->queued)
		return;
	list_remove(&e->node);
	q->nr--;
	e->queued = false;
	update_min(q);
	if (q->nr == 0 && q->owner)
		fair_dequeue(q->owner);
}

void fair_charge(struct fair_entity *e, uint64_t runtime)
{
	for (; e; e = e->on->owner) {
		uint64_t d = fair_vdelta(runtime, e->weight);
		e->vruntime = e->vruntime > UINT64_MAX - d ? UINT64_MAX : e->vruntime + d;
		if (e->queued) {
			list_remove(&e->node);
			insert_sorted(e->on, e);
			update_min(e->on);
		}
	}
}

struct fair_entity *fair_pick(struct fair_queue *q, fair_blocked_fn blocked, void *ctx)
{
	struct list *pos;

	list_for_each(pos, &q->entities)
	{
		struct fair_entity *e = entity_of(pos);
		if (!e->self)
			return e;
		if (blocked && blocked(e, ctx))
			continue;
		struct fair_entity *t = fair_pick(e->self, blocked, ctx);
		if (t)
			return t;
	}
	return NULL;
}

void fair_limit_init(struct fair_limit *l, unsigned limit_pct, uint64_t period_ns)
{
	l->period_ns = period_ns;
	l->quota_ns = limit_pct ? period_ns * limit_pct / 100 : 0;
	l->period = 0;
	l->used_ns = 0;
}

/* Each period that began since the last charge pays off one quota of debt. */
static void limit_roll(struct fair_limit *l, uint64_t now)
{
	uint64_t idx = now / l->period_ns;

	if (idx <= l->period)
		return;
	uint64_t n = idx - l->period;
	uint64_t paid = n > UINT64_MAX / l->quota_ns ? UINT64_MAX : n * l->quota_ns;
	l->used_ns = l->used_ns > paid ? l->used_ns - paid : 0;
	l->period = idx;
}

void fair_limit_charge(struct fair_limit *l, uint64_t now, uint64_t runtime)
{
	if (!l->quota_ns)
		return;
	limit_roll(l, now);
	l->used_ns += runtime;
}

uint64_t fair_limit_remaining(struct fair_limit *l, uint64_t now)
{
	if (!l->quota_ns)
		return UINT64_MAX;
	limit_roll(l, now);
	return l->used_ns >= l->quota_ns ? 0 : l->quota_ns - l->used_ns;
}

uint64_t fair_limit_next_period(const struct fair_limit *l, uint64_t now)
{
	return (now / l->period_ns + 1) * l->period_ns;
}
