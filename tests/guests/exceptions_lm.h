/* What exceptions_lm.S and exceptions_lm.c share: the long-mode selectors,
 * the test pages' addresses and the case slots. */
#ifndef EXCEPTIONS_LM_H
#define EXCEPTIONS_LM_H

#define LM_CODE32 0x08
#define LM_DATA	  0x10
#define LM_CODE64 0x18
#define LM_UDATA  0x23
#define LM_UCODE  0x2b
#define LM_TSS	  0x30

/* The last 2 MiB of the first GiB are mapped by one page table of test
 * pages (nothing else lives there; guest RAM is far smaller). */
#define TP_BASE 0x3fe00000
#define TP_OK	(TP_BASE + 0x0000) /* present, writable, user */
#define TP_NP	(TP_BASE + 0x1000) /* not present */
#define TP_SUP	(TP_BASE + 0x2000) /* present, writable, supervisor only */
#define TP_RO	(TP_BASE + 0x3000) /* present, read-only, user */
#define TP_NX	(TP_BASE + 0x4000) /* present, writable, no-execute */

/* Vectors of the INT n cases: a DPL-3 gate, a DPL-0 gate, and the DPL-3
 * gate ring-3 snippets leave by (not recorded). */
#define V_USER	 0x40
#define V_KERNEL 0x41
#define V_ESCAPE 0x42

/* One slot per case, each recording the exception it raised. */
#define S_DE	  0
#define S_BP_IST  1
#define S_BP_IRET 2
#define S_UD	  3
#define S_INTO	  4
#define S_GP_NC	  5
#define S_SS_NC	  6
#define S_GP_SEL  7
#define S_PF_R	  8
#define S_PF_W	  9
#define S_PF_X	  10
#define S_PF_XNP  11
#define S_PF_UR	  12
#define S_PF_UW	  13
#define S_INT_U	  14
#define S_INT_UGP 15
#define S_AC	  16
#define S_MSR	  17
#define S_INS_PF  18
#define S_OUTS_PF 19
#define S_INS_U	  20
#define S_DF_IST  21
#define S_DB_TF	  22
#define S_COUNT	  23

/* struct lm_rec, in quadwords */
#define REC_VECTOR 0
#define REC_FRAME  1 /* RSP when the CPU had pushed its frame */
#define REC_RAW	   2 /* 6 quadwords from there */
#define REC_CR2	   8
#define REC_RCX	   9
#define REC_RSI	   10
#define REC_RDI	   11
#define REC_DR6	   12
#define REC_HFLAGS 13 /* RFLAGS in the handler */
#define REC_QUADS  14

#define IST_BP 1
#define IST_DF 2

#endif
