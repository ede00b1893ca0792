/* The trip from protected mode down to real mode and back.  Assembly because
 * this is a mode switch; the 16-bit part is copied below 1 MiB (RM_BASE) by
 * realmode.c, since real mode cannot reach the image at 1 MiB. */
#include "lib/gdt.h"

#define RM_BASE 0x7000
#define LOW(x) (RM_BASE + (x) - rm_blob_start)

	.text
	.code32
	/* void realmode_trip(void): callee-saved registers survive. */
	.globl realmode_trip
realmode_trip:
	save_callee saved_esp
	ljmp $SEL_CODE16, $LOW(rm16)

pm32_back:
	load_flat_data
	restore_callee saved_esp
	ret

	.data
saved_esp:
	.long 0

	.globl rm_blob_start, rm_blob_end, rm_cr0, rm_int_count, rm_sum
rm_blob_start:
	.code16
rm16:
	pm16_to_real $LOW(real)
real:
	real_segments $LOW(rm_stack_top)
	/* Real mode takes interrupts through the IVT at 0: point IDTR there. */
	lidt LOW(rm_ivt_ptr)
	mov %cr0, %eax
	mov %eax, LOW(rm_cr0)

	mov $LOW(rm_msg), %si
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %bl
	mov $0x3fd, %dx
2:	in %dx, %al
	test $0x20, %al
	jz 2b
	mov $0x3f8, %dx
	mov %bl, %al
	out %al, %dx
	jmp 1b
3:
	/* Segment arithmetic: 0x1000:0x0010 is linear 0x10010. */
	mov $0x1000, %ax
	mov %ax, %es
	movl $0x4c414552, %es:0x10 /* "REAL" */
	xor %ax, %ax
	mov %ax, %es

	/* A software interrupt through our own IVT entry (vector 0x60, free
	 * for users), with the real-mode frame on our stack. */
	movw $LOW(rm_int60), 0x60 * 4
	movw $0, 0x60 * 4 + 2
	mov $0x1234, %ax
	int $0x60
	mov %ax, LOW(rm_sum)

	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	/* 0x66: a 32-bit offset, the return point is above 1 MiB. */
	ljmpl $SEL_CODE32, $pm32_back

rm_int60:
	incw LOW(rm_int_count)
	add $0x1111, %ax
	iret

rm_ivt_ptr:
	.word 0x3ff
	.long 0
rm_cr0:
	.long 0xffffffff
rm_int_count:
	.word 0
rm_sum:
	.word 0
rm_msg:
	.asciz "realmode: hello from real mode\n"
	.balign 16
	.space 512
rm_stack_top:
rm_blob_end:
	.code32
