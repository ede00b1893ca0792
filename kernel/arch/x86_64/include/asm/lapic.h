/*
 * The local APIC, in x2APIC mode (MSRs) when the CPU has it and xAPIC mode
 * (MMIO) otherwise.  Registers are named by their xAPIC MMIO offset; the
 * x2APIC MSR is 0x800 + offset / 16.
 */
#ifndef ASM_LAPIC_H
#define ASM_LAPIC_H

#include <pallas/types.h>

#define LAPIC_ID	  0x020
#define LAPIC_VERSION	  0x030
#define LAPIC_TPR	  0x080
#define LAPIC_EOI	  0x0b0
#define LAPIC_LDR	  0x0d0
#define LAPIC_SVR	  0x0f0
#define LAPIC_ESR	  0x280
#define LAPIC_ICR_LOW	  0x300
#define LAPIC_ICR_HIGH	  0x310
#define LAPIC_LVT_TIMER	  0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF	  0x340
#define LAPIC_LVT_LINT0	  0x350
#define LAPIC_LVT_LINT1	  0x360
#define LAPIC_LVT_ERROR	  0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR	  0x390
#define LAPIC_TIMER_DIV	  0x3e0

#define LVT_MASKED	       (1u << 16)
#define LVT_DELIVERY_NMI       (4u << 8)
#define LVT_LEVEL	       (1u << 15)
#define LVT_ACTIVE_LOW	       (1u << 13)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)

#define ICR_INIT	  (5u << 8)
#define ICR_STARTUP	  (6u << 8)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_DELIVERY_BUSY (1u << 12)

/* Boot CPU: chooses the mode and maps the registers. */
void lapic_init(uint64_t mmio_base);
/* Every CPU: enables its LAPIC (never through IA32_APIC_BASE's enable bit). */
void lapic_cpu_init(void);
bool lapic_x2apic_mode(void);
uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Sends the ICR low word `icr` to apic_id and waits until the LAPIC took it. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr);

#endif
