/* The AP trampoline of ap_start (ap.c): a SIPI with vector 0x09 starts an AP
 * in real mode at AP_TRAMP, which cannot be C.  ap.c copies the blob there
 * and fills in the GDT pointer; each AP takes the next stack in turn. */
#include "gdt.h"

#define AP_TRAMP 0x9000
#define LOW(x) (AP_TRAMP + (x) - lib_ap_blob_start)

	.data
	.globl lib_ap_blob_start, lib_ap_blob_end, lib_ap_gdt_ptr
lib_ap_blob_start:
	.code16
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl LOW(lib_ap_gdt_ptr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $lib_ap_pm32
	.balign 4
lib_ap_gdt_ptr:
	.word 0
	.long 0
lib_ap_blob_end:

	.text
	.code32
lib_ap_pm32:
	load_flat_data
	/* ap.c starts one AP at a time and sets its stack beforehand. */
	mov lib_ap_stack_top, %esp
	call lib_ap_main
1:	cli
	hlt
	jmp 1b
