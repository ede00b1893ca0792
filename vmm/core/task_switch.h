/*
 * Hardware task switches (SDM vol. 3, 8.3; APM vol. 2, 12.3), which VT-x
 * always hands to the VMM.  task_switch_state.c is the pure part (the TSS
 * against the registers, descriptors as segments), unit-tested;
 * task_switch.c reads and writes the guest's GDT and TSSs.
 */
#ifndef VMM_CORE_TASK_SWITCH_H
#define VMM_CORE_TASK_SWITCH_H

#include <vmm/vcpu.h>

/* The 32-bit TSS (SDM Figure 8-2). */
struct tss32 {
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t esp1;
	uint16_t ss1, r2;
	uint32_t esp2;
	uint16_t ss2, r3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10, trap, iomap;
} __attribute__((packed));

#define TSS32_MIN_LIMIT	  0x67
#define TSS32_DYNAMIC	  0x20 /* the fields a switch saves: EIP to GS */
#define TSS32_DYNAMIC_END 0x60

/* System descriptor types (S clear) */
#define DESC_TSS32_AVAIL  0x9
#define DESC_TSS32_BUSY	  0xb
#define DESC_TSS16_AVAIL  0x1
#define DESC_TSS16_BUSY	  0x3
#define DESC_LDT	  0x2
#define DESC_TSS_BUSY_BIT 0x2

#define SEG_AR_UNUSABLE (1u << 16)

/* The segment a GDT/LDT descriptor describes (VMX-layout access rights), as
 * loaded into a segment register: a code or data segment's accessed bit
 * set, as the CPU sets it. */
struct vcpu_segment desc_to_segment(uint64_t desc, uint16_t selector);
static inline unsigned desc_type(uint64_t desc)
{
	return (desc >> 40) & 0x1f; /* type and S */
}
static inline bool desc_present(uint64_t desc)
{
	return (desc >> 47) & 1;
}
static inline unsigned desc_dpl(uint64_t desc)
{
	return (desc >> 45) & 3;
}

/* The outgoing task's state into its TSS: EIP, EFLAGS (as given: IRET saves
 * it with NT clear), the eight registers, the six selectors. */
void tss32_save(struct tss32 *t, const struct vcpu_regs *r, const struct vcpu_sregs *s,
		uint32_t eflags);
/* The incoming task's EIP, EFLAGS and registers (the selectors the caller
 * loads with their descriptors). */
void tss32_load_regs(const struct tss32 *t, struct vcpu_regs *r);

/* Carries out the switch the exit describes (vmm/core/task_switch.c). */
void task_switch_exit(struct vcpu *vcpu, const struct vm_exit *e);

#endif
