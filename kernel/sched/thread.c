/*
 * Thread life cycle: creation with a prepared stack, the first switch into
 * it, exit, join and detach.  A thread has two references: its creator's,
 * which join or detach gives up, and its own, which the CPU that switches
 * away from it dead drops (a thread cannot free the stack it runs on).  The
 * last one frees it.
 */
#include <asm/fpu.h>
#include <asm/irq.h>
#include <pallas/aspace.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "sched_impl.h"

#define STACK_ORDER 2 /* 16 KiB */
_Static_assert(THREAD_STACK_SIZE == (PAGE_SIZE << STACK_ORDER), "stack order");

void sched_thread_start(struct thread *last);

static void sleep_timer_fired(struct timer_event *ev)
{
	sched_wakeup(container_of(ev, struct thread, sleep_timer));
}

/* False when t's group is being destroyed and takes no new thread. */
static bool thread_init_common(struct thread *t, struct sched_group *g, const char *name)
{
	t->group = g ? g : &sched_root_group;
	if (!group_join(t->group))
		return false;
	t->refs = 2;
	t->fpu_cpu = -1;
	t->pinned = CPU_ANY;
	t->cpu = this_cpu()->id;
	t->wake_lock = (spinlock_t)SPINLOCK_INIT;
	list_init(&t->rq_node);
	fair_entity_init(&t->se, NULL, SCHED_SHARES_DEFAULT);
	timer_event_init(&t->sleep_timer, sleep_timer_fired);
	completion_init(&t->exited);
	memcpy(t->name, name, strnlen(name, sizeof(t->name) - 1));
	return true;
}

/* The caller's own context (kmain's, an AP's) becomes a thread, already running. */
void thread_init_current(struct thread *t, const char *name)
{
	BUG_ON(!thread_init_common(t, NULL, name));
	t->state = THREAD_RUNNABLE;
	t->on_cpu = true;
}

/* A thread that runs fn(arg) once switched to; not on any run queue yet. */
struct thread *thread_alloc(thread_fn fn, void *arg, struct sched_group *g, const char *name)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = page_alloc(STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	if (!thread_init_common(t, g, name)) {
		page_free(t->stack, STACK_ORDER);
		kfree(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_BLOCKED;
	/* What sched_switch pops: r15 r14 r13 r12 rbx rbp (0 ends backtraces), then
	 * its return address.  The trampoline then runs with a 16-byte aligned stack.
	 * The top frame's worth stays unused: a user thread's registers go
	 * there whenever it enters the kernel (pallas/user.h). */
	uint64_t *top = (uint64_t *)(thread_stack_top(t) - sizeof(struct trap_frame));
	top[-1] = (uint64_t)sched_thread_trampoline;
	for (int i = 2; i <= 7; i++)
		top[-i] = 0;
	t->rsp = (uint64_t)&top[-7];
	return t;
}

struct user_state *thread_user(struct thread *t)
{
	return &t->user;
}

__attribute__((noreturn)) void sched_thread_start(struct thread *last)
{
	sched_finish_switch(last);
	irq_enable();
	struct thread *t = thread_current();
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create_on(thread_fn fn, void *arg, struct sched_group *g, const char *name,
				int cpu)
{
	struct thread *t = thread_alloc(fn, arg, g, name);
	if (!t)
		return NULL;
	t->pinned = cpu;
	sched_wakeup(t);
	return t;
}

struct thread *thread_create(thread_fn fn, void *arg, struct sched_group *g, const char *name)
{
	return thread_create_on(fn, arg, g, name, CPU_ANY);
}

void thread_exit(void)
{
	struct thread *t = thread_current();

	timer_event_cancel(&t->sleep_timer);
	complete_all(&t->exited);
	irq_disable();
	__atomic_store_n(&t->state, THREAD_DEAD, __ATOMIC_RELEASE);
	sched_schedule(false);
	panic("thread %s: scheduled after exit", t->name);
}

void thread_put(struct thread *t)
{
	uint32_t left = __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL);

	BUG_ON(left == UINT32_MAX);
	if (left)
		return;
	group_leave(t->group);
	if (t->as)
		aspace_put(t->as);
	kfree(t->fpu);
	if (t->stack)
		page_free(t->stack, STACK_ORDER);
	kfree(t);
}

/* Exit may still be on its way out after signalling; waiting for its own
 * reference to go makes the join's the last, so when join returns the
 * thread is gone and its group no longer counts it. */
void thread_join(struct thread *t)
{
	wait_for_completion(&t->exited);
	while (__atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) > 1)
		sched_yield();
	thread_put(t);
}

void thread_detach(struct thread *t)
{
	thread_put(t);
}

const char *thread_name(const struct thread *t)
{
	return t->name;
}

void thread_set_nice(struct thread *t, int nice)
{
	__atomic_store_n(&t->se.weight, fair_nice_weight(nice), __ATOMIC_RELAXED);
}

uint64_t thread_runtime_ns(const struct thread *t)
{
	return t->runtime_ns;
}

size_t thread_fpu_size(void)
{
	return fpu_cfg.size;
}

uint64_t thread_fpu_features(void)
{
	return fpu_cfg.xcr0;
}

/* image is valid (fpu_image_valid): loading it cannot fault. */
static bool fpu_enable(const uint8_t *image)
{
	struct thread *t = thread_current();
	struct fpu_state *s = t->fpu ? t->fpu : fpu_state_alloc();

	if (!s)
		return false;
	unsigned long flags = irq_save();
	memcpy(s->area, image, fpu_cfg.size);
	t->fpu = s;
	fpu_load(s);
	this_cpu()->fpu_owner = t;
	t->fpu_cpu = (int)this_cpu()->id;
	irq_restore(flags);
	return true;
}

bool thread_fpu_enable(const uint8_t image[512])
{
	uint8_t *full = kmalloc(fpu_cfg.size);

	if (!full)
		return false;
	fpu_image_from_legacy(full, image);
	bool ok = fpu_image_valid(full) && fpu_enable(full);
	kfree(full);
	return ok;
}

bool thread_fpu_enable_image(const uint8_t *image)
{
	return fpu_image_valid(image) && fpu_enable(image);
}

void thread_fpu_save(uint8_t *image)
{
	struct thread *t = thread_current();
	unsigned long flags = irq_save();

	/* The calling FPU thread's registers are the CPU's while it runs. */
	BUG_ON(!t->fpu);
	fpu_save(t->fpu);
	memcpy(image, t->fpu->area, fpu_cfg.size);
	irq_restore(flags);
	fpu_image_fill(image);
}

bool thread_fpu_restore(const uint8_t *image)
{
	struct thread *t = thread_current();

	/* XRSTOR faults on MXCSR bits the CPU lacks (SDM 10.5.1.2) and on a
	 * header it cannot take: such an image changes nothing. */
	if (!fpu_image_valid(image))
		return false;
	unsigned long flags = irq_save();
	BUG_ON(!t->fpu);
	memcpy(t->fpu->area, image, fpu_cfg.size);
	fpu_load(t->fpu);
	irq_restore(flags);
	return true;
}

uint64_t thread_fpu_guest_enter(uint64_t guest_xcr0)
{
	struct thread *t = thread_current();

	BUG_ON(!t->fpu);
	/* XSAVEOPT's tracking is not to be trusted across XCR0 changes. */
	t->fpu->plain = true;
	return fpu_xcr0_switch(guest_xcr0);
}

void thread_fpu_guest_exit(uint64_t host_xcr0)
{
	if (fpu_cfg.xsave)
		fpu_xcr0_switch(host_xcr0);
}

void thread_set_aspace(struct aspace *as)
{
	struct thread *t = thread_current();
	struct aspace *old = t->as;

	if (as)
		aspace_get(as);
	unsigned long flags = irq_save();
	t->as = as;
	aspace_switch(old, as);
	irq_restore(flags);
	if (old)
		aspace_put(old);
}

uint64_t thread_longest_charge_ns(const struct thread *t)
{
	return __atomic_load_n(&t->longest_charge_ns, __ATOMIC_RELAXED);
}
