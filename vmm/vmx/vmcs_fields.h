/*
 * VMCS field encodings and the bits of the control fields this backend uses
 * (Intel SDM Vol. 3, Appendix B and chapter 25).  Only vmm/vmx/ includes this.
 */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

/* 16-bit */
#define VMCS_VPID	    0x0000
#define VMCS_GUEST_ES_SEL   0x0800
#define VMCS_GUEST_CS_SEL   0x0802
#define VMCS_GUEST_SS_SEL   0x0804
#define VMCS_GUEST_DS_SEL   0x0806
#define VMCS_GUEST_FS_SEL   0x0808
#define VMCS_GUEST_GS_SEL   0x080a
#define VMCS_GUEST_LDTR_SEL 0x080c
#define VMCS_GUEST_TR_SEL   0x080e
#define VMCS_HOST_ES_SEL    0x0c00
#define VMCS_HOST_CS_SEL    0x0c02
#define VMCS_HOST_SS_SEL    0x0c04
#define VMCS_HOST_DS_SEL    0x0c06
#define VMCS_HOST_FS_SEL    0x0c08
#define VMCS_HOST_GS_SEL    0x0c0a
#define VMCS_HOST_TR_SEL    0x0c0c

/* 64-bit */
#define VMCS_IO_BITMAP_A	 0x2000
#define VMCS_IO_BITMAP_B	 0x2002
#define VMCS_MSR_BITMAP		 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR 0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR	 0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR 0x200a
#define VMCS_TSC_OFFSET		 0x2010
#define VMCS_EPTP		 0x201a
#define VMCS_GUEST_PHYS_ADDR	 0x2400
#define VMCS_LINK_POINTER	 0x2800
#define VMCS_GUEST_DEBUGCTL	 0x2802
#define VMCS_GUEST_PAT		 0x2804
#define VMCS_GUEST_EFER		 0x2806
#define VMCS_GUEST_PDPTE0	 0x280a
#define VMCS_HOST_PAT		 0x2c00
#define VMCS_HOST_EFER		 0x2c02

/* 32-bit */
#define VMCS_PIN_CTLS		    0x4000
#define VMCS_PROC_CTLS		    0x4002
#define VMCS_EXCEPTION_BITMAP	    0x4004
#define VMCS_CR3_TARGET_COUNT	    0x400a
#define VMCS_EXIT_CTLS		    0x400c
#define VMCS_EXIT_MSR_STORE_COUNT   0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT    0x4010
#define VMCS_ENTRY_CTLS		    0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT   0x4014
#define VMCS_ENTRY_INTR_INFO	    0x4016
#define VMCS_ENTRY_EXCEPTION_ERR    0x4018
#define VMCS_ENTRY_INSN_LEN	    0x401a
#define VMCS_PROC_CTLS2		    0x401e
#define VMCS_INSN_ERROR		    0x4400
#define VMCS_EXIT_REASON	    0x4402
#define VMCS_EXIT_INTR_INFO	    0x4404
#define VMCS_EXIT_INTR_ERR	    0x4406
#define VMCS_IDT_VECTORING_INFO	    0x4408
#define VMCS_IDT_VECTORING_ERR	    0x440a
#define VMCS_EXIT_INSN_LEN	    0x440c
#define VMCS_EXIT_INSN_INFO	    0x440e
#define VMCS_GUEST_ES_LIMIT	    0x4800
#define VMCS_GUEST_CS_LIMIT	    0x4802
#define VMCS_GUEST_SS_LIMIT	    0x4804
#define VMCS_GUEST_DS_LIMIT	    0x4806
#define VMCS_GUEST_FS_LIMIT	    0x4808
#define VMCS_GUEST_GS_LIMIT	    0x480a
#define VMCS_GUEST_LDTR_LIMIT	    0x480c
#define VMCS_GUEST_TR_LIMIT	    0x480e
#define VMCS_GUEST_GDTR_LIMIT	    0x4810
#define VMCS_GUEST_IDTR_LIMIT	    0x4812
#define VMCS_GUEST_ES_AR	    0x4814
#define VMCS_GUEST_CS_AR	    0x4816
#define VMCS_GUEST_SS_AR	    0x4818
#define VMCS_GUEST_DS_AR	    0x481a
#define VMCS_GUEST_FS_AR	    0x481c
#define VMCS_GUEST_GS_AR	    0x481e
#define VMCS_GUEST_LDTR_AR	    0x4820
#define VMCS_GUEST_TR_AR	    0x4822
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY	    0x4826
#define VMCS_GUEST_SYSENTER_CS	    0x482a
#define VMCS_PREEMPTION_TIMER	    0x482e
#define VMCS_HOST_SYSENTER_CS	    0x4c00

/* natural width */
#define VMCS_CR0_MASK		0x6000
#define VMCS_CR4_MASK		0x6002
#define VMCS_CR0_SHADOW		0x6004
#define VMCS_CR4_SHADOW		0x6006
#define VMCS_EXIT_QUALIFICATION 0x6400
#define VMCS_GUEST_LINEAR_ADDR	0x640a
#define VMCS_GUEST_CR0		0x6800
#define VMCS_GUEST_CR3		0x6802
#define VMCS_GUEST_CR4		0x6804
#define VMCS_GUEST_ES_BASE	0x6806
#define VMCS_GUEST_CS_BASE	0x6808
#define VMCS_GUEST_SS_BASE	0x680a
#define VMCS_GUEST_DS_BASE	0x680c
#define VMCS_GUEST_FS_BASE	0x680e
#define VMCS_GUEST_GS_BASE	0x6810
#define VMCS_GUEST_LDTR_BASE	0x6812
#define VMCS_GUEST_TR_BASE	0x6814
#define VMCS_GUEST_GDTR_BASE	0x6816
#define VMCS_GUEST_IDTR_BASE	0x6818
#define VMCS_GUEST_DR7		0x681a
#define VMCS_GUEST_RSP		0x681c
#define VMCS_GUEST_RIP		0x681e
#define VMCS_GUEST_RFLAGS	0x6820
#define VMCS_GUEST_PENDING_DBG	0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0		0x6c00
#define VMCS_HOST_CR3		0x6c02
#define VMCS_HOST_CR4		0x6c04
#define VMCS_HOST_FS_BASE	0x6c06
#define VMCS_HOST_GS_BASE	0x6c08
#define VMCS_HOST_TR_BASE	0x6c0a
#define VMCS_HOST_GDTR_BASE	0x6c0c
#define VMCS_HOST_IDTR_BASE	0x6c0e
#define VMCS_HOST_SYSENTER_ESP	0x6c10
#define VMCS_HOST_SYSENTER_EIP	0x6c12
#define VMCS_HOST_RSP		0x6c14
#define VMCS_HOST_RIP		0x6c16

/* Pin-based controls */
#define PIN_EXTINT_EXITING   (1u << 0)
#define PIN_NMI_EXITING	     (1u << 3)
#define PIN_VIRTUAL_NMIS     (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

/* Primary processor-based controls */
#define PROC_INTR_WINDOW_EXITING (1u << 2)
#define PROC_TSC_OFFSETTING	 (1u << 3)
#define PROC_HLT_EXITING	 (1u << 7)
#define PROC_INVLPG_EXITING	 (1u << 9)
#define PROC_MWAIT_EXITING	 (1u << 10)
#define PROC_RDPMC_EXITING	 (1u << 11)
#define PROC_CR3_LOAD_EXITING	 (1u << 15)
#define PROC_CR3_STORE_EXITING	 (1u << 16)
#define PROC_CR8_LOAD_EXITING	 (1u << 19)
#define PROC_CR8_STORE_EXITING	 (1u << 20)
#define PROC_NMI_WINDOW_EXITING	 (1u << 22)
#define PROC_MOV_DR_EXITING	 (1u << 23)
#define PROC_UNCOND_IO_EXITING	 (1u << 24)
#define PROC_USE_IO_BITMAPS	 (1u << 25)
#define PROC_USE_MSR_BITMAPS	 (1u << 28)
#define PROC_MONITOR_EXITING	 (1u << 29)
#define PROC_SECONDARY		 (1u << 31)

/* Secondary processor-based controls */
#define PROC2_EPT		 (1u << 1)
#define PROC2_RDTSCP		 (1u << 3)
#define PROC2_VPID		 (1u << 5)
#define PROC2_WBINVD_EXITING	 (1u << 6)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)

/* VM-exit controls */
#define EXIT_SAVE_DEBUG	   (1u << 2)
#define EXIT_HOST_64	   (1u << 9)
#define EXIT_ACK_INTERRUPT (1u << 15)
#define EXIT_SAVE_PAT	   (1u << 18)
#define EXIT_LOAD_PAT	   (1u << 19)
#define EXIT_SAVE_EFER	   (1u << 20)
#define EXIT_LOAD_EFER	   (1u << 21)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_GUEST_64	 (1u << 9)
#define ENTRY_LOAD_PAT	 (1u << 14)
#define ENTRY_LOAD_EFER	 (1u << 15)

/* Exit reasons (basic, bits 15:0) */
#define EXIT_REASON_EXCEPTION	     0
#define EXIT_REASON_EXTINT	     1
#define EXIT_REASON_TRIPLE_FAULT     2
#define EXIT_REASON_INIT	     3
#define EXIT_REASON_SIPI	     4
#define EXIT_REASON_INTR_WINDOW	     7
#define EXIT_REASON_NMI_WINDOW	     8
#define EXIT_REASON_TASK_SWITCH	     9
#define EXIT_REASON_CPUID	     10
#define EXIT_REASON_HLT		     12
#define EXIT_REASON_INVD	     13
#define EXIT_REASON_INVLPG	     14
#define EXIT_REASON_RDPMC	     15
#define EXIT_REASON_VMCALL	     18
#define EXIT_REASON_CR_ACCESS	     28
#define EXIT_REASON_DR_ACCESS	     29
#define EXIT_REASON_IO		     30
#define EXIT_REASON_RDMSR	     31
#define EXIT_REASON_WRMSR	     32
#define EXIT_REASON_BAD_GUEST_STATE  33
#define EXIT_REASON_MSR_LOADING	     34
#define EXIT_REASON_MWAIT	     36
#define EXIT_REASON_MONITOR	     39
#define EXIT_REASON_PAUSE	     40
#define EXIT_REASON_MACHINE_CHECK    41
#define EXIT_REASON_EPT_VIOLATION    48
#define EXIT_REASON_EPT_MISCONFIG    49
#define EXIT_REASON_PREEMPTION_TIMER 52
#define EXIT_REASON_WBINVD	     54
#define EXIT_REASON_XSETBV	     55
#define EXIT_REASON_FAILED_ENTRY     (1u << 31)

#define EXCEPTION_DB 1

/* Interruption-information fields */
#define INTR_INFO_VALID		 (1u << 31)
#define INTR_INFO_DELIVER_CODE	 (1u << 11)
#define INTR_TYPE_MASK		 (7u << 8)
#define INTR_TYPE_EXTINT	 (0u << 8)
#define INTR_TYPE_NMI		 (2u << 8)
#define INTR_TYPE_HW_EXCEPTION	 (3u << 8)
#define INTR_TYPE_SOFT_INT	 (4u << 8) /* INT n */
#define INTR_TYPE_PRIV_SOFT_EXC	 (5u << 8) /* INT1 */
#define INTR_TYPE_SOFT_EXCEPTION (6u << 8) /* INT3, INTO */

/* Guest interruptibility state */
#define INTERRUPTIBILITY_STI   (1u << 0)
#define INTERRUPTIBILITY_MOVSS (1u << 1)
#define INTERRUPTIBILITY_NMI   (1u << 3)
/* Exit interruption info (exceptions) and EPT-violation qualification: the
 * faulting instruction was an IRET that had already unblocked NMIs. */
#define NMI_UNBLOCKED_BY_IRET (1u << 12)

/* Guest activity states */
#define ACTIVITY_ACTIVE	       0
#define ACTIVITY_HLT	       1
#define ACTIVITY_WAIT_FOR_SIPI 3

#endif
