/*
 * Per-CPU data.  Each CPU's GS base points at its struct cpu, whose first
 * field points at itself, so this_cpu() is one load.  The boot CPU sets GS
 * first thing in kmain (and mb2_start); APs before they run any C that locks.
 */
#ifndef PALLAS_PERCPU_H
#define PALLAS_PERCPU_H

#include <pallas/types.h>

#define MAX_CPUS 256

struct thread;
struct cpu_tables;
struct aspace;

struct cpu {
	struct cpu *self; /* must stay first: this_cpu() reads %gs:0 */
	unsigned id;	  /* dense index, 0 = boot CPU */
	uint32_t apic_id;
	/* > 0: this CPU must not switch threads (spinlock held, in an interrupt). */
	int preempt_count;
	/* set by the scheduler or a reschedule IPI; acted on when preempt_count is 0 */
	volatile bool need_resched;
	volatile bool online;
	struct thread *current; /* owned by kernel/sched */
	/* The FPU thread whose registers this CPU holds (kernel/sched): possibly
	 * one that ended since, only ever compared. */
	const struct thread *fpu_owner;
	struct aspace *aspace; /* loaded on this CPU, or NULL: owned by kernel/mm/aspace.c */
	struct cpu_tables *tables;
	void *sched; /* the scheduler's per-CPU run queue */
	uint64_t irq_count;
	/* For SYSCALL entry (syscall_entry.S reads them by offset): the running
	 * thread's kernel stack top, and where the user RSP waits meanwhile. */
	uint64_t kstack_top;
	uint64_t user_rsp;
};

extern struct cpu cpus[MAX_CPUS];

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Points GS at cpus[id] and fills in self and id. */
void percpu_init(unsigned id);

static inline void preempt_disable(void)
{
	__asm__ volatile("incl %%gs:%c0" ::"i"(__builtin_offsetof(struct cpu, preempt_count))
			 : "memory");
}

static inline void preempt_enable_no_resched(void)
{
	__asm__ volatile("decl %%gs:%c0" ::"i"(__builtin_offsetof(struct cpu, preempt_count))
			 : "memory");
}

#endif
