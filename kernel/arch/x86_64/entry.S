/*
 * Kernel entry from a loader (see struct boot_info's handoff contract).
 * The loader's stack lives in BOOT_DATA memory that mm_init later frees, so
 * move to the kernel's own boot stack before anything else.
 *
 * GS points at the boot CPU's struct cpu before any C runs, because
 * spinlocks count themselves in it (preempt_count).
 */
#include <asm/percpu_asm.h>

	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	SET_BOOT_CPU_GS
	/* %rdi: boot_info, passed straight through */
	call kmain
1:	cli
	hlt
	jmp 1b

	.section .bss
	.balign 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip 32768
boot_stack_top:
