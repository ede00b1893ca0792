/* The AP entry of init_sipi: copied to each start-up page it is sent to
 * (vector << 12).  In real mode, before anything else, it records the
 * registers as the STARTUP IPI left them in the copy's save area, counts its
 * entries there, and then goes to protected mode and isa_ap_main(base). */
#include "lib/gdt.h"

#define OFF(x) ((x) - isa_blob_start)

	.data
	.globl isa_blob_start, isa_blob_end, isa_gdt_ptr, isa_save
isa_blob_start:
	.code16
	/* CS is vector << 8 with IP 0: CS-relative stores reach the save area
	 * without touching another register first. */
	movl %eax, %cs:OFF(isa_save) + 0
	movl %ebx, %cs:OFF(isa_save) + 4
	movl %ecx, %cs:OFF(isa_save) + 8
	movl %edx, %cs:OFF(isa_save) + 12
	movl %esi, %cs:OFF(isa_save) + 16
	movl %edi, %cs:OFF(isa_save) + 20
	movl %ebp, %cs:OFF(isa_save) + 24
	movl %esp, %cs:OFF(isa_save) + 28
	movl %cr0, %eax
	movl %eax, %cs:OFF(isa_save) + 32
	movl %cr4, %eax
	movl %eax, %cs:OFF(isa_save) + 36
	movw %cs, %cs:OFF(isa_save) + 40
	movw %ds, %cs:OFF(isa_save) + 42
	movw %es, %cs:OFF(isa_save) + 44
	movw %ss, %cs:OFF(isa_save) + 46
	movw %fs, %cs:OFF(isa_save) + 48
	movw %gs, %cs:OFF(isa_save) + 50
	/* EFLAGS needs a stack: one in this page, after the save area. */
	movw %cs, %ax
	movw %ax, %ss
	movw $OFF(isa_stack_top), %sp
	pushfl
	popl %eax
	movl %eax, %cs:OFF(isa_save) + 52
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	movl %eax, %cs:OFF(isa_save) + 56
	lock incl %cs:OFF(isa_save) + 60 /* entries */
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx /* the page's linear base, for isa_ap_main */
	lgdtl OFF(isa_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $isa_pm32
	.balign 4
isa_gdt_ptr:
	.word 0
	.long 0
	.balign 4
isa_save:
	.fill 16, 4, 0
	.fill 64, 1, 0
isa_stack_top:
isa_blob_end:

	.text
	.code32
isa_pm32:
	load_flat_data
	mov isa_stack, %esp
	push %ebx
	call isa_ap_main
1:	cli
	hlt
	jmp 1b
