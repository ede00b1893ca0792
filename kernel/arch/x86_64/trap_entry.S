/*
 * 256 interrupt entry stubs, 16 bytes apart so idt.c can compute their
 * addresses, and the common path that saves registers into a struct
 * trap_frame.  Vectors without a CPU error code push a zero so every frame
 * has the same shape.  Nothing runs in ring 3 yet, so there is no swapgs.
 */
#include <asm/segment.h>

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
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	/* An interrupt inside a STAC window must not run its handler with user
	 * pages open; IRETQ restores the interrupted AC. */
	testb $1, smap_enabled(%rip)
	jz 1f
	clac
1:
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp	/* vector and error code */
	iretq
