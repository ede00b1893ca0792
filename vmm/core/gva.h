/* Guest address translation (vmm/core/gva.c). */
#ifndef VMM_CORE_GVA_H
#define VMM_CORE_GVA_H

#include <vmm/decode.h>
#include <vmm/vcpu.h>

enum cpu_mode guest_cpu_mode(const struct vcpu_sregs *s, uint64_t rflags);
/* false when the address is not mapped (or the tables are not in RAM). */
bool gva_to_gpa(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, uint64_t *gpa);

#define PF_ERR_PRESENT (1u << 0)
#define PF_ERR_WRITE   (1u << 1)
#define PF_ERR_USER    (1u << 2)
/* A data access as the CPU checks it (user/supervisor, read-only with
 * CR0.WP); false with the #PF error code when it faults. */
bool gva_to_gpa_access(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, bool write,
		       bool user, uint64_t *gpa, uint32_t *pf_error);

#endif
