/*
 * Symmetric multiprocessing (kernel/smp/): bringing up the CPUs the MADT
 * lists, and the inter-processor interrupts between them.
 */
#ifndef PALLAS_SMP_H
#define PALLAS_SMP_H

#include <pallas/percpu.h>

/* Before mm_init: keeps a page below 1 MiB for the real-mode trampoline. */
void smp_reserve_trampoline(void);
/* Boot CPU: the IPI vectors' handlers. */
void ipi_init(void);
/* Starts every enabled CPU in the MADT; returns once they are online. */
void smp_init(void);
unsigned cpu_count(void); /* CPUs online */
static inline struct cpu *cpu_get(unsigned id)
{
	return &cpus[id];
}

/* Asks cpu to reschedule (sets need_resched there and interrupts it). */
void ipi_resched(unsigned cpu);
/* Runs fn(arg) on cpu in interrupt context; wait: until it has returned. */
void smp_call(unsigned cpu, void (*fn)(void *), void *arg, bool wait);
/* Runs fn(arg) on every online CPU but this one, then waits for all. */
void smp_call_others(void (*fn)(void *), void *arg);
/* Invalidates [va, va + npages pages) in the TLB of every online CPU; returns
 * once all have done it.  npages 0: flush everything (but global pages). */
void tlb_shootdown(uintptr_t va, size_t npages);
/* The same on this CPU only (INVLPG, or the whole TLB for a long range). */
void tlb_flush_local(uintptr_t va, size_t npages);

#endif
