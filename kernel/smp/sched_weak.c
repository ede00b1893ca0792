/* Until kernel/sched lands: no thread switching, and idle CPUs just halt. */
#include <asm/irq.h>
#include <pallas/sched.h>

__attribute__((weak)) void sched_irq_exit(struct trap_frame *f)
{
}

__attribute__((weak, noreturn)) void sched_cpu_start(void)
{
	for (;;)
		__asm__ volatile("sti; hlt" ::: "memory");
}

__attribute__((weak)) void sched_init(void)
{
}
