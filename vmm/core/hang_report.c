/*
 * When a VM runs out of time, the log says what each vCPU was doing: running
 * or halted, how many exits it took, and its LAPIC's pending and in-service
 * vectors and timer.  A guest that waits for an interrupt that never comes
 * then shows whether the interrupt was lost, blocked or never asked for.
 */
#include <pallas/kernel.h>

#include "vlapic.h"
#include "vm_impl.h"

void vm_report_hang(struct vm *vm)
{
	char lapic[160];

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		struct vlapic *l = vm->vlapics[i];
		if (l)
			vlapic_describe(l, lapic, sizeof(lapic));
		else
			ksnprintf(lapic, sizeof(lapic), "no LAPIC");
		pr_info("vm %s: vCPU %u: %s on host CPU %d, %lu exits, kick %d; %s\n", vm->name, i,
			c->halted ? "halted" : "running", c->host_cpu,
			__atomic_load_n(&c->exits, __ATOMIC_RELAXED), c->kick, lapic);
	}
}
