/* GDT selectors fixed by entry.S; shared by C and assembly. */
#ifndef GUEST_GDT_H
#define GUEST_GDT_H

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20
#define SEL_UCODE  0x2b
#define SEL_UDATA  0x33
#define SEL_TSS	   0x38

#ifdef __ASSEMBLER__
/* DS, ES, FS, GS and SS on the flat 32-bit data segment (clobbers AX): what
 * every way back into protected mode does first. */
.macro load_flat_data
	mov $SEL_DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
.endm

/* From 16-bit protected mode (64 KiB segments, so real mode inherits sane
 * limits) into real mode at \real_at, a segment-0 offset; there, zero the
 * data segments and put the stack at \sp_at. */
.macro pm16_to_real real_at
	mov $SEL_DATA16, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr0, %eax
	and $~1, %eax
	mov %eax, %cr0
	ljmp $0, \real_at
.endm

.macro real_segments sp_at
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov \sp_at, %sp
.endm

/* A C-callable trip away and back (to real mode, to ring 3): the callee-saved
 * registers go on the stack and ESP into \saved, and come back from there. */
.macro save_callee saved
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %esp, \saved
.endm

.macro restore_callee saved
	mov \saved, %esp
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
.endm
#endif

#endif
