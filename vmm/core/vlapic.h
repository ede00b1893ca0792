/* The virtual local APIC, one per vCPU (vmm/core/vlapic.c). */
#ifndef VMM_CORE_VLAPIC_H
#define VMM_CORE_VLAPIC_H

#include <vmm/vcpu.h>

#define VLAPIC_BASE 0xfee00000ull

struct vlapic;

/* Registers the xAPIC MMIO window and creates one LAPIC per vCPU; the BSP's
 * starts in virtual-wire mode (LINT0 ExtINT, LINT1 NMI), as firmware leaves it. */
bool vlapic_init_all(struct vm *vm);
void vlapic_destroy_all(struct vm *vm);
struct vlapic *vlapic_of(struct vm *vm, unsigned vcpu);
/* Whether IA32_APIC_BASE has it enabled (CPUID.1:EDX.APIC follows it). */
bool vlapic_hw_enabled(const struct vlapic *l);
/* INIT: the state after power-up but for the APIC ID and the mode
 * IA32_APIC_BASE selects (SDM 10.4.7.3, 10.12.5.1); takes the device lock. */
void vlapic_init_reset(struct vlapic *l);
/* Delivery from the IOAPIC or an IPI; mode 0 fixed, 1 lowest priority. */
void vlapic_deliver(struct vm *vm, uint32_t dest, bool logical, uint8_t mode, uint8_t vector,
		    bool level);
/* The highest-priority deliverable vector, or -1; and its acceptance (IRR -> ISR). */
int vlapic_pending(struct vlapic *l);
void vlapic_accept(struct vlapic *l, int vector);
/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC range 0x800-0x8ff, for
 * the vCPU's own LAPIC; false means #GP. */
bool vlapic_owns_msr(uint32_t msr);
bool vlapic_rdmsr(struct vcpu *vcpu, uint32_t msr, uint64_t *value);
bool vlapic_wrmsr(struct vcpu *vcpu, uint32_t msr, uint64_t value);
/* One line of state for a report of a VM that hung. */
void vlapic_describe(struct vlapic *l, char *buf, size_t len);
/* An edge on the LINT1 pin, dev_lock held: what LVT LINT1 programs. */
void vlapic_lint1(struct vlapic *l);
/* Whether LINT0 passes the 8259's ExtINT to this vCPU. */
bool vlapic_accepts_extint(struct vlapic *l);

#endif
