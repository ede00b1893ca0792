/*
 * svm_enter(regs, vmcb_pa, host_vmcb_pa): one guest run, called with GIF
 * clear.  VMRUN keeps the host's RSP, RAX, RFLAGS, CR0/3/4, EFER and the
 * code and stack segments in the host save area and restores them at
 * #VMEXIT; the callee-saved registers live on the stack across the run,
 * and what neither covers (FS/GS/TR/LDTR and the SYSCALL MSRs) goes through
 * VMSAVE/VMLOAD.  Until the host VMCB is loaded again, GS is the guest's:
 * nothing here touches per-CPU data.
 */
#include <vmm/vmexit_hygiene.h>

#define R_RBX 0
#define R_RCX 8
#define R_RDX 16
#define R_RSI 24
#define R_RDI 32
#define R_RBP 40
#define R_R8  48
#define R_R9  56
#define R_R10 64
#define R_R11 72
#define R_R12 80
#define R_R13 88
#define R_R14 96
#define R_R15 104

	.text
	.globl svm_enter
svm_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* 16(%rsp): the guest register block */
	pushq %rdx			/* 8(%rsp): the host VMCB */
	pushq %rsi			/* 0(%rsp): the guest VMCB */
	movq %rdx, %rax
	vmsave %rax
	movq %rsi, %rax
	vmload %rax
	movq R_RBX(%rdi), %rbx
	movq R_RCX(%rdi), %rcx
	movq R_RDX(%rdi), %rdx
	movq R_RSI(%rdi), %rsi
	movq R_RBP(%rdi), %rbp
	movq R_R8(%rdi), %r8
	movq R_R9(%rdi), %r9
	movq R_R10(%rdi), %r10
	movq R_R11(%rdi), %r11
	movq R_R12(%rdi), %r12
	movq R_R13(%rdi), %r13
	movq R_R14(%rdi), %r14
	movq R_R15(%rdi), %r15
	movq R_RDI(%rdi), %rdi
	vmrun %rax
	/* #VMEXIT: RAX and RSP are the host's again, the rest the guest's. */
	pushq %rdi
	movq 24(%rsp), %rdi
	movq %rbx, R_RBX(%rdi)
	movq %rcx, R_RCX(%rdi)
	movq %rdx, R_RDX(%rdi)
	movq %rsi, R_RSI(%rdi)
	movq %rbp, R_RBP(%rdi)
	movq %r8, R_R8(%rdi)
	movq %r9, R_R9(%rdi)
	movq %r10, R_R10(%rdi)
	movq %r11, R_R11(%rdi)
	movq %r12, R_R12(%rdi)
	movq %r13, R_R13(%rdi)
	movq %r14, R_R14(%rdi)
	movq %r15, R_R15(%rdi)
	popq %rax
	movq %rax, R_RDI(%rdi)
	movq 0(%rsp), %rax
	vmsave %rax
	movq 8(%rsp), %rax
	vmload %rax
	/* Only now, with the host's state loaded: under QEMU TCG a lost VMRUN
	 * runs this code as the guest up to its first intercept, and whatever it
	 * changes before that lands in the guest's saved state (svm_replay.c). */
	VMEXIT_FILL_RSB
	VMEXIT_CLEAR_REGS
	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
