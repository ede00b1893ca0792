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

#endif
