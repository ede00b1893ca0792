/*
 * The fair-share arithmetic of the scheduler (kernel/sched/fair.c), kept free
 * of locks, CPUs and clocks so the host unit tests can drive it.
 *
 * Every runnable thread and every group with runnable threads is a
 * fair_entity in some fair_queue: threads in their group's queue, groups in
 * their parent's, top-level groups in the CPU's root queue.  An entity's
 * virtual runtime grows by runtime * FAIR_SCALE / weight, so over time every
 * queue hands out CPU time in proportion to its entities' weights; picking
 * walks down from the root, taking the smallest virtual runtime at each level.
 */
#ifndef PALLAS_SCHED_FAIR_H
#define PALLAS_SCHED_FAIR_H

#include <pallas/list.h>
#include <pallas/types.h>

/* The weight of an entity with default shares: its virtual time is real time. */
#define FAIR_SCALE 1024u

struct fair_queue;

struct fair_entity {
	uint64_t vruntime;
	uint32_t weight;
	struct list node;	 /* in on->entities, sorted by vruntime */
	struct fair_queue *on;	 /* the queue this entity is placed in */
	struct fair_queue *self; /* a group's own queue; NULL for a thread */
	bool queued;
};

struct fair_queue {
	struct list entities;
	/* Never decreases: where newcomers are placed so they cannot hog. */
	uint64_t min_vruntime;
	unsigned nr;
	struct fair_entity *owner; /* the group entity this queue belongs to, or NULL */
};

void fair_queue_init(struct fair_queue *q, struct fair_entity *owner);
/* A group entity: its own queue is q, it is placed in parent. */
void fair_group_entity_init(struct fair_entity *e, struct fair_queue *q, struct fair_queue *parent,
			    uint32_t weight);
void fair_entity_init(struct fair_entity *e, struct fair_queue *on, uint32_t weight);

/* A thread's weight for a Linux nice value (-20..19, clamped): FAIR_SCALE at
 * 0, and each step about 1.25 times the next, so that one nice level apart
 * two busy threads split a CPU about 55:45, as on Linux. */
uint32_t fair_nice_weight(int nice);

/* Virtual time for `runtime` ns at `weight`; weight 0 counts as 1. */
uint64_t fair_vdelta(uint64_t runtime, uint32_t weight);

/* Puts e in e->on (and each owner above it that was not queued yet), no
 * earlier than the queue's minimum. */
void fair_enqueue(struct fair_entity *e);
/* Takes e out of e->on, and each owner whose queue it leaves empty. */
void fair_dequeue(struct fair_entity *e);
/* Charges runtime to e and every group entity above it. */
void fair_charge(struct fair_entity *e, uint64_t runtime);

/* For fair_pick: true when a group entity may not run now (throttled). */
typedef bool (*fair_blocked_fn)(struct fair_entity *group, void *ctx);
/* The thread entity to run next under q, or NULL when none may run. */
struct fair_entity *fair_pick(struct fair_queue *q, fair_blocked_fn blocked, void *ctx);

/*
 * CPU limits.  A limited group may use quota = limit_pct% of each period,
 * summed over CPUs.  Periods are aligned to multiples of the period length so
 * every group and CPU agrees on when they start.  Time used past the quota is
 * a debt paid from the next periods, so overshoot does not add up.
 */
struct fair_limit {
	uint64_t quota_ns; /* 0: no limit */
	uint64_t period_ns;
	uint64_t period; /* index of the period `used_ns` belongs to */
	uint64_t used_ns;
};

void fair_limit_init(struct fair_limit *l, unsigned limit_pct, uint64_t period_ns);
void fair_limit_charge(struct fair_limit *l, uint64_t now, uint64_t runtime);
/* How long the group may still run in the current period (UINT64_MAX: no limit). */
uint64_t fair_limit_remaining(struct fair_limit *l, uint64_t now);
/* When a throttled group may run again. */
uint64_t fair_limit_next_period(const struct fair_limit *l, uint64_t now);

#endif
