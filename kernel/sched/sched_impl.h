/*
 * The scheduler's own structures, shared by the files of kernel/sched/ only.
 *
 * Locking: each CPU's run queue has a lock (taken raw, interrupts off) that
 * covers the fair queues on that CPU, including every group's per-CPU part.
 * A thread's wake_lock serialises wakers; it nests outside run queue locks.
 * A group's lock covers only its limit accounting and nests inside.
 */
#ifndef SCHED_IMPL_H
#define SCHED_IMPL_H

#include <pallas/completion.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/sched.h>
#include <pallas/sched_fair.h>
#include <pallas/spinlock.h>
#include <pallas/time.h>
#include <pallas/user.h>

enum thread_state {
	THREAD_RUNNABLE, /* on a run queue, running or waiting for a CPU */
	THREAD_BLOCKED,	 /* waiting for sched_wakeup */
	THREAD_DEAD,	 /* ended; freed with its last reference */
};

struct thread {
	uint64_t rsp;  /* saved by sched_switch; must stay first */
	paddr_t stack; /* 0 for contexts that came with their own (boot, AP) */
	volatile int state;
	bool interrupted; /* atomic: thread_interrupt was called, not yet cleared */
	/* Until its context is saved, no other CPU may resume the thread. */
	volatile bool on_cpu;
	unsigned cpu; /* run queue it is on, or last was on */
	int pinned;   /* CPU_ANY or the only CPU it may run on */
	/* atomic: the creator's (given up by join or detach) and its own while
	 * it can still run (dropped once it has switched away dead) */
	uint32_t refs;
	struct sched_group *group; /* changes under wake_lock and the run queue's lock */
	struct aspace *as;	   /* user memory it sees (a reference), or NULL: kernel only */
	struct fpu_state *fpu;	   /* its x87/SSE state (a guest's, a program's), or NULL */
	int fpu_cpu;		   /* the CPU that last loaded it */
	struct user_state user;	   /* ops NULL: it never enters ring 3 */
	struct fair_entity se;
	struct list rq_node; /* in runqueue.threads while queued */
	uint64_t runtime_ns;
	uint64_t longest_charge_ns; /* atomic */
	spinlock_t wake_lock;
	struct timer_event sleep_timer;
	struct completion exited;
	thread_fn fn;
	void *arg;
	char name[24];
};

/* One group's presence on one CPU. */
struct group_cpu {
	struct fair_entity se; /* in the parent's queue on this CPU */
	struct fair_queue q;   /* this group's threads and child groups here */
	struct sched_group *group;
};

/* A group's members: its threads and child groups, counted so creation and
 * destroy cannot race; GROUP_DYING closes it to new members for good. */
#define GROUP_DYING (1u << 31)

struct sched_group {
	struct sched_group *parent;
	uint32_t members; /* atomic: threads + children, | GROUP_DYING */
	uint32_t refs;	  /* atomic: its creator's and sched_group_get's; the last frees it */
	unsigned depth;	  /* root 0, top-level groups 1, their children 2 */
	unsigned shares, limit_pct;
	spinlock_t lock; /* limit */
	struct fair_limit limit;
	uint64_t usage_ns;	/* atomic */
	struct group_cpu *pcpu; /* MAX_CPUS entries */
};

struct runqueue {
	spinlock_t lock;
	unsigned cpu;
	struct fair_queue *root;
	struct list threads; /* queued threads, the running one included */
	unsigned nr_threads;
	unsigned nr_movable; /* of those, the ones not pinned here */
	struct thread *idle;
	uint64_t run_start; /* when the current thread's uncharged run began */
	struct timer_event slice;
};

extern struct sched_group sched_root_group;

static inline struct runqueue *rq_of(unsigned cpu)
{
	return __atomic_load_n((struct runqueue **)&cpus[cpu].sched, __ATOMIC_ACQUIRE);
}

/* The top of t's own kernel stack (t->stack must be set). */
static inline uintptr_t thread_stack_top(const struct thread *t)
{
	return (uintptr_t)phys_to_virt(t->stack) + THREAD_STACK_SIZE;
}

static inline struct runqueue *this_rq(void)
{
	return this_cpu()->sched;
}

/* switch.S: saves prev's context, resumes next's; returns the thread that ran
 * on this CPU just before the caller was resumed. */
struct thread *sched_switch(struct thread *prev, struct thread *next);
void sched_thread_trampoline(void);
void sched_finish_switch(struct thread *last);

/* core.c */
void rq_init(unsigned cpu, struct thread *idle);
void rq_enqueue(struct runqueue *rq, struct thread *t);
void rq_dequeue(struct runqueue *rq, struct thread *t);
void rq_kick(struct runqueue *rq);
void rq_run_first(struct runqueue *rq, struct thread *t);
void sched_schedule(bool preempt);

/* group.c */
void group_init_root(void);
void group_charge(struct sched_group *g, uint64_t now, uint64_t runtime);
uint64_t group_remaining(struct sched_group *g, uint64_t now);
bool group_entity_throttled(struct fair_entity *e, void *now);
/* A new member of g, a thread or a child group: false once g is being
 * destroyed.  group_leave is its departure. */
bool group_join(struct sched_group *g);
void group_leave(struct sched_group *g);
/* t's run queue, locked (raw); t->cpu only changes under that lock. */
struct runqueue *lock_thread_rq(struct thread *t);

/* thread.c */
struct thread *thread_alloc(thread_fn fn, void *arg, struct sched_group *g, const char *name);
void thread_init_current(struct thread *t, const char *name);
void thread_put(struct thread *t);

/* balance.c */
unsigned select_cpu(struct thread *t);
struct thread *pull_thread(struct runqueue *rq, uint64_t now);
void kick_idle_cpu(struct runqueue *busy);

/* idle.c */
__attribute__((noreturn)) void idle_loop(void *unused);

#endif
