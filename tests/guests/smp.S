/* The AP trampoline: a SIPI starts an AP in real mode at TRAMP_BASE (vector
 * 0x08), which cannot be C.  smp.c copies the blob there and fills in the GDT
 * pointer and stack. */
#include "lib/gdt.h"

#define TRAMP_BASE 0x8000
#define LOW(x) (TRAMP_BASE + (x) - ap_blob_start)

	.data
	.globl ap_blob_start, ap_blob_end, ap_gdt_ptr
ap_blob_start:
	.code16
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl LOW(ap_gdt_ptr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $ap_pm32
	.balign 4
ap_gdt_ptr:
	.word 0
	.long 0
ap_blob_end:

	.text
	.code32
ap_pm32:
	load_flat_data
	/* The BSP starts one AP at a time and sets its stack beforehand. */
	mov ap_stack_top, %esp
	call ap_main
1:	cli
	hlt
	jmp 1b
