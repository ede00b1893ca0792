/*
 * The scheduler (kernel/sched/): preemptive kernel threads on per-CPU run
 * queues; every thread belongs to a resource group (shares, optional limit).
 * This header is the contract the rest of the kernel uses; kernel/sched/README.md
 * explains the policy.
 */
#ifndef PALLAS_SCHED_H
#define PALLAS_SCHED_H

#include <asm/trap.h>
#include <pallas/types.h>

struct thread;
struct sched_group;

/* Boot CPU, after time_init and irq_init: kmain's context becomes thread "main". */
void sched_init(void);
/* Each AP at the end of bring-up: this context becomes the CPU's idle thread. */
__attribute__((noreturn)) void sched_cpu_start(void);
/* The tail of every interrupt: switch threads if this CPU was asked to and may. */
void sched_irq_exit(struct trap_frame *f);

#define SCHED_SHARES_DEFAULT 1024u
#define SCHED_SLICE_NS	     4000000ull	  /* longest a thread runs before the next pick */
#define SCHED_PERIOD_NS	     100000000ull /* limits are accounted per period */
#define THREAD_STACK_SIZE    16384u
#define CPU_ANY		     (-1)

typedef void (*thread_fn)(void *arg);

/*
 * Starts fn(arg) in a new thread of group g (NULL: the root group), on the
 * least-loaded CPU.  Returning from fn ends the thread.  Every thread must be
 * joined or detached; it is freed once that has happened and it has ended.
 * NULL when out of memory or g is being destroyed.
 */
struct thread *thread_create(thread_fn fn, void *arg, struct sched_group *g, const char *name);
/* The same, but the thread only ever runs on `cpu` (or anywhere: CPU_ANY). */
struct thread *thread_create_on(thread_fn fn, void *arg, struct sched_group *g, const char *name,
				int cpu);
/*
 * Pins t to `cpu` from now on (CPU_ANY: it may run anywhere again); false
 * (nothing changed) for a CPU that is not online.  The calling thread is
 * on that CPU when this returns; another thread moves the next time it
 * wakes up (a running or runnable one may finish its current run where it
 * is).
 */
bool thread_set_cpu(struct thread *t, int cpu);
/* The CPU t is pinned to, or CPU_ANY. */
int thread_pinned_cpu(const struct thread *t);
__attribute__((noreturn)) void thread_exit(void);
/* Waits until t has ended and switched away for good, then frees it: its
 * group no longer counts it when this returns. */
void thread_join(struct thread *t);
/* Lets go of t without waiting: it is freed when it ends. */
void thread_detach(struct thread *t);
/* Moves t (running, queued or blocked) to group g (NULL: the root); false
 * when g is being destroyed. */
bool thread_set_group(struct thread *t, struct sched_group *g);
struct thread *thread_current(void);
/*
 * Per-thread FPU state (x87, SSE, AVX: asm/fpu.h).  An image is
 * thread_fpu_size() bytes in the layout of the CPU's save area: an XSAVE
 * area in the standard format, or the 512-byte FXSAVE64 image on a CPU
 * without XSAVE; thread_fpu_features() is the XCR0 user threads run under
 * (0 without XSAVE).
 */
size_t thread_fpu_size(void);
uint64_t thread_fpu_features(void);
/* The calling thread has FPU registers of its own from now on, starting as
 * image (FXSAVE64 layout; the extended state initial), switched with it;
 * false when memory is out. */
bool thread_fpu_enable(const uint8_t image[512]);
/* The same from a whole image (a fork child's copy of its parent's); false
 * also for an image thread_fpu_restore would refuse. */
bool thread_fpu_enable_image(const uint8_t *image);
/* The calling FPU thread's registers now (every component written, so the
 * legacy area reads right), and a new set of them: false (nothing changed)
 * for an image the CPU would refuse (MXCSR bits it does not have, an XSAVE
 * header with features off in XCR0 or reserved bits set). */
void thread_fpu_save(uint8_t *image);
bool thread_fpu_restore(const uint8_t *image);
/* Around a VM entry, interrupts off: the guest's XCR0 in, the returned
 * host's back after the exit (nothing without XSAVE). */
uint64_t thread_fpu_guest_enter(uint64_t guest_xcr0);
void thread_fpu_guest_exit(uint64_t host_xcr0);
/* The calling thread sees as's user memory from now on (NULL: none); it
 * holds a reference on it until it changes again or ends. */
struct aspace;
void thread_set_aspace(struct aspace *as);
const char *thread_name(const struct thread *t);
uint64_t thread_runtime_ns(const struct thread *t);
/* t's share among the threads of its group from now on: the weight of a
 * Linux nice value (-20..19, clamped).  Safe from any CPU: a charge reads
 * the weight whole. */
void thread_set_nice(struct thread *t, int nice);
/* The calling thread's, with the part of its current run not yet charged
 * (a thread alone on its CPU may run for long without a switch). */
uint64_t thread_self_runtime_ns(void);
/* Any thread's, with the part of its current run not yet charged (from
 * any CPU, interrupt context too). */
uint64_t thread_runtime_now_ns(struct thread *t);
/*
 * The longest run charged to t in one piece.  Fairness and limits are only
 * as fine as this: normally a slice, but when the clock runs on while the
 * CPU does not (an emulator whose host deschedules it), the gap is charged
 * to whichever thread was running.
 */
uint64_t thread_longest_charge_ns(const struct thread *t);

/* Lets other threads run; returns at once when this one is still the fairest pick. */
void sched_yield(void);
void sched_sleep_until(uint64_t deadline_ns);
void sched_sleep_ns(uint64_t ns);

/*
 * Interruption.  A thread's owner asks it to leave the interruptible wait
 * it is in, or the next one it starts (the Linux personality does, when a
 * signal is there for it); the thread clears the request itself once it
 * has dealt with it.  Only interruptible waits look at it.
 */
void thread_interrupt(struct thread *t);
bool thread_interrupted(void);
void thread_interrupt_clear(void);
/* sched_sleep_until that ends early, returning false, once the thread is
 * interrupted. */
bool sched_sleep_until_interruptible(uint64_t deadline_ns);

/*
 * Groups.  shares: weight relative to the group's siblings (default 1024);
 * limit_pct: at most this percent of one CPU per period, summed over CPUs
 * (0: no limit; 250 = two and a half CPUs).  parent NULL is the root; groups
 * nest one level (a group's parent must be a top-level group).  NULL when the
 * nesting is too deep or memory is short.
 */
struct sched_group *sched_group_create(struct sched_group *parent, unsigned shares,
				       unsigned limit_pct);
/* Only for a group without threads or child groups; returns false otherwise.
 * From then on nothing can join it; its memory lasts while anyone holds a
 * sched_group_get reference, so a thread_create racing the destroy is safe
 * (it fails) as long as its caller holds one. */
bool sched_group_destroy(struct sched_group *g);
void sched_group_get(struct sched_group *g);
void sched_group_put(struct sched_group *g);
/* CPU time the group's threads (and its children's) have used, in ns. */
uint64_t sched_group_usage(const struct sched_group *g);

/*
 * For synchronisation primitives (kernel/sync/).  A waiter calls
 * sched_prepare_block() before publishing itself where a waker will find it,
 * then sched_block(); sched_wakeup() of a thread that has not blocked yet
 * makes that sched_block() return at once.
 */
void sched_prepare_block(void);
void sched_block(void);
/* Undoes sched_prepare_block() for a waiter that will not block after all. */
void sched_cancel_block(void);
/* sched_block() that also ends at deadline_ns (a timer on this CPU wakes it). */
void sched_block_until(uint64_t deadline_ns);
void sched_wakeup(struct thread *t);

#endif
