/*
 * The rules of the LAPIC's MSR interface (vmm/core/vlapic_msr.c), apart from
 * the LAPIC itself so that the host unit tests can check them: which x2APIC
 * MSR is which register and which accesses #GP, and which IA32_APIC_BASE
 * writes are legal.
 */
#ifndef VMM_CORE_VLAPIC_MSR_H
#define VMM_CORE_VLAPIC_MSR_H

#include <pallas/types.h>

#define MSR_APIC_BASE	 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST	 0x8ff
#define MSR_X2APIC_ICR	 0x830
#define MSR_X2APIC_SELF	 0x83f

#define APIC_BASE_BSP	 (1ull << 8)
#define APIC_BASE_EXTD	 (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)

/* The MMIO offset the SELF IPI register would have; it has none in xAPIC mode. */
#define VLAPIC_REG_SELF_IPI 0x3f0

enum vlapic_mode { VLAPIC_DISABLED, VLAPIC_XAPIC, VLAPIC_X2APIC, VLAPIC_INVALID };

enum vlapic_mode vlapic_mode_of(uint64_t apic_base);

/* Whether WRMSR IA32_APIC_BASE may change cur into value: the base cannot
 * move (it is base), reserved bits are zero (BSP is read-only, ignored), and the
 * state change is one the SDM allows (never into EN=0 EXTD=1, never x2APIC
 * to xAPIC, never disabled to x2APIC). */
bool vlapic_base_write_ok(uint64_t cur, uint64_t value, uint64_t base);

/* The xAPIC register offset an x2APIC MSR reaches, or -1 when the access
 * raises #GP: a reserved MSR, a read of a write-only or a write of a
 * read-only register, or a write that sets reserved bits. */
int x2apic_msr_reg(uint32_t msr, bool write, uint64_t value);

/* The logical x2APIC ID the LDR holds: cluster in 31:16, one bit in 15:0. */
static inline uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 15));
}

#endif
