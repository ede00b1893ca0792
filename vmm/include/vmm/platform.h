/* The virtual PC around a VM's vCPUs (vmm/core/platform.c). */
#ifndef VMM_PLATFORM_H
#define VMM_PLATFORM_H

#include <vmm/vm.h>

/* Creates COM1, isa-debug-exit, fw_cfg, PICs, PIT, RTC, PCI host bridge,
 * IOAPIC, LAPICs, ACPI PM block and ACPI tables; vm_destroy tears them down. */
bool platform_create(struct vm *vm, char *err, size_t errlen);
void platform_destroy(struct vm *vm);
/* The NMI button (a front panel's, or `virsh inject-nmi`'s): an edge on every
 * vCPU's LINT1, where the MADT says NMI is wired. */
void platform_nmi(struct vm *vm);

#endif
