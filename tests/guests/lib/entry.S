/* Multiboot v1 entry, the GDT and the interrupt stubs every test guest shares.
 * Assembly because C cannot write the header, load segment registers or save
 * the full register state on an exception. */
#include "gdt.h"

#define MB_MAGIC 0x1BADB002
/* Bit 0: page-align modules; bit 1: give us mem_lower/mem_upper.  No bit 16:
 * the loader takes the load addresses from the ELF program headers. */
#define MB_FLAGS 0x00000003

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	/* The loader's GDT is not ours to keep: realmode, smp and hostile need
	 * known selectors (16-bit, ring 3, TSS). */
	lgdt gdt_ptr
	ljmp $SEL_CODE32, $1f
1:	mov $SEL_DATA32, %cx
	mov %cx, %ds
	mov %cx, %es
	mov %cx, %fs
	mov %cx, %gs
	mov %cx, %ss
	mov $boot_stack_top, %esp
	/* A loader need not zero .bss; the stack is in .bss, so clear it with
	 * nothing live there yet (eax/ebx hold the Multiboot handoff). */
	mov %eax, %esi
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	push %ebx
	push %esi
	call guest_entry
2:	cli
	hlt
	jmp 2b

/* One 16-byte stub per vector so the IDT can compute the address; vectors
 * with a CPU-pushed error code skip the dummy push to keep one frame layout. */
	.align 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.align 16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	push $0
	.endif
	push $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pusha
	push %ds
	push %es
	push %fs
	push %gs
	/* The interrupted code may be ring 3 or have loaded odd selectors. */
	mov $SEL_DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	cld
	push %esp
	call trap_dispatch
	add $4, %esp
	pop %gs
	pop %fs
	pop %es
	pop %ds
	popa
	add $8, %esp
	iret

	.data
	.align 8
	.globl gdt
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08 code32 ring 0 */
	.quad 0x00cf92000000ffff /* 0x10 data32 ring 0 */
	.quad 0x00009a000000ffff /* 0x18 code16, base 0, 64 KiB: the way to real mode */
	.quad 0x000092000000ffff /* 0x20 data16 */
	.quad 0x00cffa000000ffff /* 0x28 code32 ring 3 */
	.quad 0x00cff2000000ffff /* 0x30 data32 ring 3 */
	.quad 0                  /* 0x38 TSS, filled in by a guest that needs one */
gdt_end:
	.globl gdt_ptr
gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.align 16
	.space 16384
	.globl boot_stack_top
boot_stack_top:
