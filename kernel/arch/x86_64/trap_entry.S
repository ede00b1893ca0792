/*
 * 256 interrupt entry stubs, 16 bytes apart so idt.c can compute their
 * addresses, and the common path that saves registers into a struct
 * trap_frame.  Vectors without a CPU error code push a zero so every frame
 * has the same shape.
 *
 * GS: in the kernel its base is this CPU's struct cpu, in ring 3 the user's
 * (SWAPGS exchanges the two).  A trap from ring 3 swaps on the way in and
 * out.  #DB, NMI, #DF and #MC can also land in the few kernel instructions
 * between SYSCALL and its SWAPGS (or before SYSRET), so for them the GS base
 * itself says which one is loaded: kernel bases have bit 63 set.  R12 is
 * callee-saved, so it carries "swap back" across trap_dispatch.
 */
#include <asm/frame_asm.h>
#include <asm/segment.h>

#define MSR_GS_BASE 0xc0000101
#define FRAME_VECTOR 120
#define FRAME_CS     144

	.section .text
	.balign 16
	.globl trap_stubs
trap_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if (vector == 8) || (vector == 10) || (vector == 11) || (vector == 12) || (vector == 13) || (vector == 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
	.else
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr

trap_common:
	PUSH_GPRS
	cld
	xorl %r12d, %r12d
	testb $3, FRAME_CS(%rsp)
	jnz 2f
	movq FRAME_VECTOR(%rsp), %rax
	cmpq $1, %rax
	je 3f
	cmpq $2, %rax
	je 3f
	cmpq $8, %rax
	je 3f
	cmpq $18, %rax
	jne 4f
3:	movl $MSR_GS_BASE, %ecx
	rdmsr
	testl %edx, %edx
	js 4f
2:	swapgs
	movl $1, %r12d
4:
	/* An interrupt inside a STAC window must not run its handler with user
	 * pages open; IRETQ restores the interrupted AC. */
	testb $1, smap_enabled(%rip)
	jz 1f
	clac
1:
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_exit
trap_exit:			/* rsp: a trap frame; r12: swap GS back */
	testl %r12d, %r12d
	jz 5f
	swapgs
5:
	POP_GPRS
	addq $16, %rsp	/* vector and error code */
	iretq
