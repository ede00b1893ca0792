/* Guest accesses to guest-physical addresses that are not RAM (vmm/core/mmio.c). */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <vmm/vcpu.h>

/* Decodes the faulting instruction, performs the access on the MMIO bus and
 * moves the guest past it; false (and the VM stopped with why) when it cannot. */
bool mmio_exit(struct vcpu *vcpu, const struct vm_exit *e);

#endif
