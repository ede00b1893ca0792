/*
 * void handoff(cr3 = %rdi, stack_top = %rsi, arg = %rdx, entry = %rcx)
 *
 * This code runs at its physical address (UEFI is identity-mapped) and the
 * new tables identity-map it too, so the instruction after the CR3 write is
 * still there.  Nothing of the loader is touched after the jump.
 */
	.text
	.globl handoff
	.type handoff, @function
handoff:
	cli
	cld
	movq %rdi, %cr3
	movq %rsi, %rsp
	movq %rdx, %rdi
	xorl %ebp, %ebp
	jmpq *%rcx
	.size handoff, . - handoff

	.section .note.GNU-stack, "", @progbits
