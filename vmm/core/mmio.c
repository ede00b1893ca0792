/*
 * MMIO exits.  The instruction decoder (vmm/core/decode.c) is not in yet:
 * until it is, an access to a device window stops the VM and says so.
 */
#include <vmm/mmio.h>

#include "vm_impl.h"

bool mmio_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	vm_stop(vcpu->vm, VM_STOP_UNHANDLED, 0,
		"vCPU %u: MMIO access at %#lx: no instruction decoder yet", vcpu->id, e->mmio.gpa);
	return false;
}
