/*
 * The VMCB (AMD APM vol. 2, appendix B): a 4 KiB page, the control area at
 * 0x000 and the state-save area at 0x400, at fixed offsets checked below.
 * Only vmm/svm/ includes this.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib; /* type, S, DPL, P in bits 0-7; AVL, L, D/B, G in bits 8-11 */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr; /* reads in bits 0-15, writes in 16-31 */
	uint32_t intercept_dr;
	uint32_t intercept_exceptions;
	uint32_t intercept_misc1;
	uint32_t intercept_misc2;
	uint32_t intercept_misc3;
	uint8_t reserved1[0x3c - 0x18];
	uint16_t pause_filter_threshold;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;
	uint64_t msrpm_base_pa;
	uint64_t tsc_offset;
	uint32_t asid;
	uint8_t tlb_control;
	uint8_t reserved2[3];
	uint64_t int_ctl;
	uint64_t int_state;
	uint64_t exit_code;
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info;
	uint64_t nested_ctl;
	uint64_t avic_bar;
	uint64_t ghcb_pa;
	uint64_t event_inj;
	uint64_t nested_cr3;
	uint64_t virt_ext;
	uint32_t clean;
	uint32_t reserved3;
	uint64_t next_rip;
	uint8_t insn_len;
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0xe0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint8_t reserved1[0xcb - 0xa0];
	uint8_t cpl;
	uint32_t reserved2;
	uint64_t efer;
	uint8_t reserved3[0x148 - 0xd8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
	uint8_t reserved4[0x1d8 - 0x180];
	uint64_t rsp;
	uint8_t reserved5[0x1f8 - 0x1e0];
	uint64_t rax;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;
	uint8_t reserved6[0x268 - 0x248];
	uint64_t g_pat;
	uint64_t dbgctl;
	uint8_t reserved7[0xc00 - 0x278];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control c;
	struct vmcb_save s;
} __attribute__((packed));

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(offsetof(struct vmcb, c.iopm_base_pa) == 0x040, "IOPM_BASE_PA");
_Static_assert(offsetof(struct vmcb, c.asid) == 0x058, "ASID");
_Static_assert(offsetof(struct vmcb, c.int_ctl) == 0x060, "V_INTR");
_Static_assert(offsetof(struct vmcb, c.exit_code) == 0x070, "EXITCODE");
_Static_assert(offsetof(struct vmcb, c.exit_int_info) == 0x088, "EXITINTINFO");
_Static_assert(offsetof(struct vmcb, c.nested_ctl) == 0x090, "NP_ENABLE");
_Static_assert(offsetof(struct vmcb, c.event_inj) == 0x0a8, "EVENTINJ");
_Static_assert(offsetof(struct vmcb, c.nested_cr3) == 0x0b0, "N_CR3");
_Static_assert(offsetof(struct vmcb, c.next_rip) == 0x0c8, "nRIP");
_Static_assert(offsetof(struct vmcb, c.insn_len) == 0x0d0, "guest instruction bytes");
_Static_assert(offsetof(struct vmcb, s.tr) == 0x490, "TR");
_Static_assert(offsetof(struct vmcb, s.cpl) == 0x4cb, "CPL");
_Static_assert(offsetof(struct vmcb, s.efer) == 0x4d0, "EFER");
_Static_assert(offsetof(struct vmcb, s.cr4) == 0x548, "CR4");
_Static_assert(offsetof(struct vmcb, s.rip) == 0x578, "RIP");
_Static_assert(offsetof(struct vmcb, s.rsp) == 0x5d8, "RSP");
_Static_assert(offsetof(struct vmcb, s.rax) == 0x5f8, "RAX");
_Static_assert(offsetof(struct vmcb, s.cr2) == 0x640, "CR2");
_Static_assert(offsetof(struct vmcb, s.g_pat) == 0x668, "G_PAT");

/* intercept_cr */
#define INTERCEPT_CR0_WRITE (1u << (16 + 0))
#define INTERCEPT_CR4_WRITE (1u << (16 + 4))

/* intercept_misc1 */
#define INTERCEPT_INTR	   (1u << 0)
#define INTERCEPT_NMI	   (1u << 1)
#define INTERCEPT_INIT	   (1u << 3)
#define INTERCEPT_VINTR	   (1u << 4)
#define INTERCEPT_RDPMC	   (1u << 15)
#define INTERCEPT_CPUID	   (1u << 18)
#define INTERCEPT_IRET	   (1u << 20)
#define INTERCEPT_INVD	   (1u << 22)
#define INTERCEPT_PAUSE	   (1u << 23)
#define INTERCEPT_HLT	   (1u << 24)
#define INTERCEPT_INVLPGA  (1u << 26)
#define INTERCEPT_IOIO	   (1u << 27)
#define INTERCEPT_MSR	   (1u << 28)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 */
#define INTERCEPT_VMRUN	  (1u << 0)
#define INTERCEPT_VMMCALL (1u << 1)
#define INTERCEPT_VMLOAD  (1u << 2)
#define INTERCEPT_VMSAVE  (1u << 3)
#define INTERCEPT_STGI	  (1u << 4)
#define INTERCEPT_CLGI	  (1u << 5)
#define INTERCEPT_SKINIT  (1u << 6)
#define INTERCEPT_WBINVD  (1u << 9)
#define INTERCEPT_MONITOR (1u << 10)
#define INTERCEPT_MWAIT	  (1u << 11)
#define INTERCEPT_MWAIT_C (1u << 12)
#define INTERCEPT_XSETBV  (1u << 13)

/* int_ctl */
#define V_IRQ		(1ull << 8)
#define V_INTR_PRIO_MAX (0xfull << 16)
#define V_IGN_TPR	(1ull << 20)
#define V_INTR_MASKING	(1ull << 24)
/* int_state */
#define INT_SHADOW (1ull << 0)

/* tlb_control */
#define TLB_CONTROL_NONE       0
#define TLB_CONTROL_FLUSH_ALL  1
#define TLB_CONTROL_FLUSH_ASID 3

#define NESTED_CTL_NP 1ull

/* event_inj and exit_int_info */
#define EVENT_VALID	(1u << 31)
#define EVENT_HAS_ERROR (1u << 11)
#define EVENT_TYPE_MASK (7u << 8)
#define EVENT_TYPE_INTR (0u << 8)
#define EVENT_TYPE_NMI	(2u << 8)
#define EVENT_TYPE_EXC	(3u << 8)
#define EVENT_TYPE_SOFT (4u << 8)

/* exit_code */
#define VMEXIT_DR_FIRST	 0x20 /* 0x20-0x2f reads of DR0-DR15, 0x30-0x3f writes */
#define VMEXIT_DR_LAST	 0x3f
#define VMEXIT_EXCP_BASE 0x40
#define VMEXIT_EXCP_DB	 0x41
#define VMEXIT_INTR	 0x60
#define VMEXIT_NMI	 0x61
#define VMEXIT_SMI	 0x62
#define VMEXIT_INIT	 0x63
#define VMEXIT_VINTR	 0x64
#define VMEXIT_CR0_WRITE 0x10
#define VMEXIT_CR4_WRITE 0x14
#define VMEXIT_RDPMC	 0x6f
#define VMEXIT_CPUID	 0x72
#define VMEXIT_IRET	 0x74
#define VMEXIT_INVD	 0x76
#define VMEXIT_PAUSE	 0x77
#define VMEXIT_HLT	 0x78
#define VMEXIT_INVLPGA	 0x7a
#define VMEXIT_IOIO	 0x7b
#define VMEXIT_MSR	 0x7c
#define VMEXIT_SHUTDOWN	 0x7f
#define VMEXIT_VMRUN	 0x80
#define VMEXIT_VMMCALL	 0x81
#define VMEXIT_VMLOAD	 0x82
#define VMEXIT_VMSAVE	 0x83
#define VMEXIT_STGI	 0x84
#define VMEXIT_CLGI	 0x85
#define VMEXIT_SKINIT	 0x86
#define VMEXIT_WBINVD	 0x89
#define VMEXIT_MONITOR	 0x8a
#define VMEXIT_MWAIT	 0x8b
#define VMEXIT_MWAIT_C	 0x8c
#define VMEXIT_XSETBV	 0x8d
#define VMEXIT_NPF	 0x400
#define VMEXIT_INVALID	 0xffffffffffffffffull

/* IOIO exit_info1 */
#define IOIO_IN	    (1u << 0)
#define IOIO_STRING (1u << 2)
#define IOIO_REP    (1u << 3)
#define IOIO_SZ8    (1u << 4)
#define IOIO_SZ16   (1u << 5)
#define IOIO_SZ32   (1u << 6)

/* Segment attributes: the VMCB packs VMX's bits 12-15 into 8-11. */
static inline uint16_t vmcb_attrib_from_ar(uint32_t ar)
{
	if (ar & (1u << 16)) /* unusable: not present */
		return 0;
	return (uint16_t)((ar & 0xff) | ((ar >> 4) & 0xf00));
}

static inline uint32_t vmcb_attrib_to_ar(uint16_t attrib)
{
	uint32_t ar = (attrib & 0xffu) | ((uint32_t)(attrib & 0xf00) << 4);

	return (attrib & 0x80) ? ar : ar | (1u << 16);
}

#endif
