/* lm_run(): from 32-bit protected mode into 64-bit long mode, one case after
 * another each raising one exception (or INT n), and back (exceptions_lm.c
 * builds the GDT, IDT, TSS and page tables and judges the records).
 *
 * Every vector's stub pushes its number and goes to lm_common, which copies
 * what the CPU pushed (six quadwords from where the CPU left RSP, whether or
 * not an error code is among them: the C side knows where each belongs) and
 * the registers a case cares about into the case's slot, then resumes at the
 * case's resume label on the case's own stack.  Nothing assumes the frame's
 * layout, so a missing or extra error code, a misaligned frame or a wrong
 * saved RIP shows in the record instead of derailing the handler. */
#include "lib/gdt.h"
#include "exceptions_lm.h"

#define MSR_EFER 0xc0000080

/* Sets up case `slot`: the instruction under test is at local label 8, the
 * one after it at 9; an exception resumes at `resume`. */
.macro CASE slot, resume=9f
	movl $\slot, lm_slot(%rip)
	lea 8f(%rip), %rax
	mov %rax, lm_at+16*\slot(%rip)
	lea 9f(%rip), %rax
	mov %rax, lm_at+16*\slot+8(%rip)
	lea \resume(%rip), %rax
	mov %rax, lm_resume(%rip)
	mov %rsp, lm_saved_rsp(%rip)
.endm

/* The RSP the interrupted code had, as the frame must save it. */
.macro MARK_RSP slot
	mov %rsp, lm_rsp+8*\slot(%rip)
.endm

/* To ring 3 at local label 8 with RFLAGS `flags`, on the user stack. */
.macro TO_USER slot, flags
	lea lm_user_stack_top-8(%rip), %rax	/* misaligned on purpose */
	mov %rax, lm_rsp+8*\slot(%rip)
	pushq $LM_UDATA
	pushq %rax
	pushq $\flags
	pushq $LM_UCODE
	lea 8f(%rip), %rax
	pushq %rax
	iretq
.endm

	.data
	.balign 8
saved_gdtr:
	.word 0
	.long 0
saved_idtr:
	.word 0
	.long 0
	.balign 8
lm_main_rsp:	.quad 0
lm_saved_rsp:	.quad 0
lm_resume:	.quad 0
lm_slot:	.long 0
	.globl lm_iret, lm_after_rsp, lm_fatal_vector, lm_fatal_frame
lm_iret:	.long 0
lm_after_rsp:	.quad 0
lm_fatal_vector: .quad 0
lm_fatal_frame:	.quad 0, 0, 0

	.bss
	.balign 16
	.space 4096
lm_user_stack_top:
	.space 64

	.text
	.code64
	.balign 16
	.globl lm_stubs
lm_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	pushq $vec
	jmp lm_common
	.set vec, vec + 1
	.endr

lm_common:
	push %rax
	push %rbx
	mov 16(%rsp), %rax
	cmp $V_ESCAPE, %eax
	je lm_longjmp
	cmpq $0, lm_resume(%rip)
	je lm_fatal
	mov lm_slot(%rip), %ebx
	imul $(REC_QUADS * 8), %ebx, %ebx
	lea lm_rec(%rip), %rax
	add %rax, %rbx
	mov 16(%rsp), %rax
	mov %rax, 8*REC_VECTOR(%rbx)
	lea 24(%rsp), %rax
	mov %rax, 8*REC_FRAME(%rbx)
	.set q, 0
	.rept 6
	mov 24+8*q(%rsp), %rax
	mov %rax, 8*(REC_RAW+q)(%rbx)
	.set q, q + 1
	.endr
	mov %cr2, %rax
	mov %rax, 8*REC_CR2(%rbx)
	mov %rcx, 8*REC_RCX(%rbx)
	mov %rsi, 8*REC_RSI(%rbx)
	mov %rdi, 8*REC_RDI(%rbx)
	mov %dr6, %rax
	mov %rax, 8*REC_DR6(%rbx)
	pushfq
	pop %rax
	mov %rax, 8*REC_HFLAGS(%rbx)
	cmpl $0, lm_iret(%rip)
	je lm_longjmp
	/* Return the way the frame says (vectors without an error code only). */
	movl $0, lm_iret(%rip)
	movq $0, lm_resume(%rip)
	pop %rbx
	pop %rax
	add $8, %rsp
	iretq

/* Back to the case's resume label, in ring 0 on the case's stack. */
lm_longjmp:
	mov lm_resume(%rip), %rax
	movq $0, lm_resume(%rip)
	mov $LM_DATA, %bx
	mov %bx, %ds
	mov %bx, %es
	mov %bx, %ss
	mov lm_saved_rsp(%rip), %rsp
	jmp *%rax

/* An exception no case asked for: note it and leave long mode. */
lm_fatal:
	mov 16(%rsp), %rax
	mov %rax, lm_fatal_vector(%rip)
	.set q, 0
	.rept 3
	mov 24+8*q(%rsp), %rax
	mov %rax, lm_fatal_frame+8*q(%rip)
	.set q, q + 1
	.endr
	jmp lm_exit

	.code32
	.globl lm_run
lm_run:
	push %ebp
	mov %esp, %ebp
	push %ebx
	push %esi
	push %edi
	pushf
	cli
	sgdt saved_gdtr
	sidt saved_idtr
	lgdt lm_gdtr
	ljmp $LM_CODE32, $1f
1:	mov $LM_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov lm_cr3, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $(1 << 5), %eax		/* PAE */
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $(1 << 8), %eax		/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax		/* PG: long mode comes on */
	mov %eax, %cr0
	ljmp $LM_CODE64, $2f

	.code64
2:	mov %rsp, lm_main_rsp(%rip)
	lidt lm_idtr(%rip)
	mov $LM_TSS, %ax
	ltr %ax

	/* #DE: a fault, no error code, on a stack 8 off 16-byte alignment. */
	CASE S_DE
	and $~15, %rsp
	sub $8, %rsp
	MARK_RSP S_DE
	xor %edx, %edx
	mov $1, %eax
	xor %ecx, %ecx
8:	div %rcx
9:
	/* #BP: a trap, through IST 1 (set 8 off alignment by the C side). */
	CASE S_BP_IST
	and $~15, %rsp
	sub $4, %rsp
	MARK_RSP S_BP_IST
8:	int3
9:
	/* #BP again, returning by IRETQ: RSP comes back unaligned as it was. */
	CASE S_BP_IRET
	movl $1, lm_iret(%rip)
	and $~15, %rsp
	sub $8, %rsp
	MARK_RSP S_BP_IRET
8:	int3
9:	mov %rsp, lm_after_rsp(%rip)
	mov lm_saved_rsp(%rip), %rsp
	movq $0, lm_resume(%rip)

	CASE S_UD
	and $~15, %rsp
	MARK_RSP S_UD
8:	ud2
9:
	/* INTO does not exist in 64-bit mode: #UD, even with OF set. */
	CASE S_INTO
	MARK_RSP S_INTO
	mov $0x7fffffff, %eax
	add $1, %eax
8:	.byte 0xce
9:
	/* A non-canonical data address: #GP(0). */
	CASE S_GP_NC
	sub $8, %rsp
	MARK_RSP S_GP_NC
	mov $0x800000000000, %rax
8:	mov (%rax), %rax
9:
	/* The same through RBP, which means SS: #SS(0). */
	CASE S_SS_NC
	MARK_RSP S_SS_NC
	mov %rbp, %rbx
	mov $0xffff7ffffffff000, %rbp
8:	mov (%rbp), %rax
9:	mov %rbx, %rbp

	/* A selector past the GDT's limit: #GP(selector). */
	CASE S_GP_SEL
	MARK_RSP S_GP_SEL
	mov $0x1238, %eax
8:	mov %ax, %fs
9:
	/* #PF: read and write of a page not present; CR2 the address. */
	CASE S_PF_R
	MARK_RSP S_PF_R
	mov $(TP_NP + 0x123), %eax
8:	mov (%rax), %al
9:
	CASE S_PF_W
	MARK_RSP S_PF_W
	mov $(TP_NP + 0x456), %eax
8:	movl $1, (%rax)
9:
	/* Instruction fetches: from a no-execute page and from one not present. */
	cmpl $0, lm_have_nx(%rip)
	je 1f
	CASE S_PF_X
	movq $TP_NX, lm_at+16*S_PF_X(%rip)
	MARK_RSP S_PF_X
	mov $TP_NX, %eax
8:	jmp *%rax
9:
1:	CASE S_PF_XNP
	movq $TP_NP, lm_at+16*S_PF_XNP(%rip)
	MARK_RSP S_PF_XNP
	mov $TP_NP, %eax
8:	jmp *%rax
9:
	/* #PF from ring 3: a supervisor page read, a read-only page written. */
	CASE S_PF_UR, 7f
	TO_USER S_PF_UR, 0x2
8:	mov TP_SUP + 0x10, %al
9:	int $V_ESCAPE
7:
	CASE S_PF_UW, 7f
	TO_USER S_PF_UW, 0x2
8:	movb $1, TP_RO + 0x20
9:	int $V_ESCAPE
7:
	/* INT n from ring 3: through a DPL-3 gate it is delivered (a trap, to
	 * the ring-0 stack); through a DPL-0 gate it is #GP(vector * 8 + 2). */
	CASE S_INT_U, 7f
	TO_USER S_INT_U, 0x2
8:	int $V_USER
9:	int $V_ESCAPE
7:
	CASE S_INT_UGP, 7f
	TO_USER S_INT_UGP, 0x2
8:	int $V_KERNEL
9:	int $V_ESCAPE
7:
	/* #AC(0): a misaligned load in ring 3 with CR0.AM (the C side) and AC. */
	CASE S_AC, 7f
	TO_USER S_AC, 0x40002
8:	mov -7(%rsp), %eax
9:	int $V_ESCAPE
7:
	/* An MSR nobody has: #GP(0), from the VMM. */
	CASE S_MSR
	MARK_RSP S_MSR
	mov $0x12345678, %ecx
8:	rdmsr
9:
	/* String I/O the VMM carries out, meeting a page not present on the
	 * second byte: #PF with the index registers at the faulting byte. */
	CASE S_INS_PF
	MARK_RSP S_INS_PF
	mov $0x3fd, %edx		/* COM1 LSR */
	mov $(TP_NP - 1), %edi
	mov $3, %ecx
	cld
8:	rep insb
9:
	CASE S_OUTS_PF
	MARK_RSP S_OUTS_PF
	mov $0x3ff, %edx		/* COM1 scratch */
	mov $(TP_NP - 1), %esi
	mov $3, %ecx
8:	rep outsb
9:
	/* INS from ring 3 (IOPL 3) into a supervisor page: #PF P|W|U. */
	CASE S_INS_U, 7f
	mov $0x3fd, %edx
	mov $(TP_SUP + 0x30), %edi
	mov $0x77, %ecx
	TO_USER S_INS_U, 0x3002
8:	insb
9:	int $V_ESCAPE
7:
	/* #DF: #DE with its gate not present raises #NP, and two contributory
	 * exceptions make #DF(0), delivered on IST 2. */
	CASE S_DF_IST
	andb $0x7f, lm_idt+5(%rip)
	MARK_RSP S_DF_IST
	xor %edx, %edx
	mov $1, %eax
	xor %ecx, %ecx
8:	div %rcx
9:	orb $0x80, lm_idt+5(%rip)

	/* TF set by POPF: #DB after the next instruction, DR6.BS. */
	CASE S_DB_TF
	mov $0xffff0ff0, %eax
	mov %rax, %dr6
	MARK_RSP S_DB_TF
	pushfq
	orq $0x100, (%rsp)
	popfq
8:	nop
9:
	.globl lm_exit
lm_exit:
	mov lm_main_rsp(%rip), %rsp
	mov $LM_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	pushq $LM_CODE32
	lea 5f(%rip), %rax
	pushq %rax
	lretq

	.code32
5:	mov %cr0, %eax			/* compatibility mode: paging off leaves long mode */
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	and $~(1 << 8), %eax		/* LME */
	wrmsr
	mov %cr4, %eax
	and $~(1 << 5), %eax
	mov %eax, %cr4
	lgdt saved_gdtr
	ljmp $SEL_CODE32, $7f
7:	load_flat_data
	lidt saved_idtr
	popf
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
