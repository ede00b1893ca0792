/* Guest address translation (vmm/core/gva.c). */
#ifndef VMM_CORE_GVA_H
#define VMM_CORE_GVA_H

#include <vmm/decode.h>
#include <vmm/vcpu.h>

enum cpu_mode guest_cpu_mode(const struct vcpu_sregs *s, uint64_t rflags);
/* false when the address is not mapped (or the tables are not in RAM). */
bool gva_to_gpa(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, uint64_t *gpa);

#endif
