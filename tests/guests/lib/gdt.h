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
