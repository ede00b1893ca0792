/*
 * The per-CPU array.  cpus[0].self is set statically because the entry code
 * points GS at cpus[0] before any C runs and spinlocks read it at once.
 */
#include <asm/cpu.h>
#include <pallas/percpu.h>

struct cpu cpus[MAX_CPUS] = {[0] = {.self = &cpus[0]}};

_Static_assert(__builtin_offsetof(struct cpu, self) == 0, "this_cpu() reads %gs:0");

void percpu_init(unsigned id)
{
	struct cpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
}
