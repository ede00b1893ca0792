/* rmx_trip(): protected mode down to real mode, one case after another each
 * raising one exception or INT n through the IVT, and back (realmode_exc.c
 * judges the records).  The 16-bit part is copied below 1 MiB (RM_BASE).
 *
 * Every IVT entry used points at a stub in segment 0x0700 (the same linear
 * bytes as 0x0000:RM_BASE), so the handler's CS shows the IVT's segment
 * word was taken.  The stub pushes its vector; rmx_common copies the three
 * words the CPU pushed (and nothing assumes there were three: a fourth, an
 * error code, would shift what is recorded), FLAGS and CS inside the
 * handler, into the case's slot, then resumes at the case's label on the
 * case's stack (or returns by IRET when the case asks). */
#include "lib/gdt.h"
#include "realmode_exc.h"

#define LOW(x) (RM_BASE + (x) - rmx_blob_start)
#define SEG(x) ((x) - rmx_blob_start) /* offset in segment RM_SEG */

/* Case `slot`: the instruction under test at local label 8, the next at 9;
 * an exception resumes at 9.  IF is set last, so delivery must clear it. */
.macro CASE slot
	movw $\slot, LOW(rmx_slot)
	movw $LOW(8f), LOW(rmx_at) + 4 * \slot
	movw $LOW(9f), LOW(rmx_at) + 4 * \slot + 2
	movw $LOW(9f), LOW(rmx_resume)
	mov %sp, LOW(rmx_saved_sp)
.endm
.macro MARK_SP slot
	mov %sp, LOW(rmx_sp) + 2 * \slot
	sti
.endm

	.text
	.code32
	.globl rmx_trip
rmx_trip:
	save_callee saved_esp
	ljmp $SEL_CODE16, $LOW(rm16)

pm32_back:
	load_flat_data
	restore_callee saved_esp
	ret

	.data
saved_esp:
	.long 0

	.globl rmx_blob_start, rmx_blob_end, rmx_rec, rmx_at, rmx_sp, rmx_after
rmx_blob_start:
	.code16
rm16:
	pm16_to_real $LOW(real)
real:
	real_segments $LOW(rm_stack_top)
	lidt LOW(rm_ivt_ptr)

	/* IVT entries 0-31 and V_SOFT: RM_SEG:stub. */
	xor %bx, %bx
	mov $SEG(rmx_stubs), %ax
1:	mov %ax, (%bx)
	movw $RM_SEG, 2(%bx)
	add $8, %ax
	add $4, %bx
	cmp $(32 * 4), %bx
	jne 1b
	movw $SEG(rmx_stub_soft), V_SOFT * 4
	movw $RM_SEG, V_SOFT * 4 + 2

	/* #DE: a fault, on an odd SP (real mode aligns nothing). */
	CASE S_DE
	dec %sp
	xor %dx, %dx
	mov $1, %ax
	xor %cx, %cx
	MARK_SP S_DE
8:	div %cx
9:
	CASE S_BP
	MARK_SP S_BP
8:	int3
9:
	/* INT3 again, returning by IRET: FLAGS (IF) and SP come back. */
	CASE S_BP_IRET
	movw $1, LOW(rmx_iret)
	MARK_SP S_BP_IRET
8:	int3
9:	pushf
	pop LOW(rmx_after)
	mov %sp, LOW(rmx_after) + 2
	cli
	mov LOW(rmx_saved_sp), %sp

	/* INTO with OF set: #OF, a trap; without OF: nothing. */
	CASE S_INTO
	mov $0x7fff, %ax
	add $1, %ax
	MARK_SP S_INTO
8:	into
9:
	CASE S_INTO_NOOF
	xor %ax, %ax
	MARK_SP S_INTO_NOOF
8:	into
9:
	CASE S_BOUND
	mov $100, %ax
	MARK_SP S_BOUND
8:	bound %ax, LOW(rmx_bounds)
9:
	CASE S_UD
	MARK_SP S_UD
8:	ud2
9:
	CASE S_SOFT
	MARK_SP S_SOFT
8:	int $V_SOFT
9:
	/* TF set by POPF: #DB after the next instruction, TF clear inside. */
	CASE S_TF
	MARK_SP S_TF
	pushf
	mov %sp, %bp
	orw $0x100, (%bp)
	popf
8:	nop
9:
	/* An MSR nobody has: #GP from the VMM, with no error code in real mode. */
	CASE S_MSR
	mov $0x12345678, %ecx
	xor %eax, %eax
	xor %edx, %edx
	MARK_SP S_MSR
8:	wrmsr
9:
	/* MONITOR where CPUID does not offer it: #UD from the VMM. */
	CASE S_MONITOR
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	MARK_SP S_MONITOR
8:	monitor
9:
	cli
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	/* 0x66: a 32-bit offset, the return point is above 1 MiB. */
	ljmpl $SEL_CODE32, $pm32_back

	.balign 8
rmx_stubs:
	.set vec, 0
	.rept 32
	.balign 8
	push $vec
	jmp rmx_common
	.set vec, vec + 1
	.endr
rmx_stub_soft:
	push $V_SOFT
	jmp rmx_common

rmx_common:
	push %ax
	push %bx
	push %bp
	mov %sp, %bp
	mov LOW(rmx_slot), %bx
	shl $4, %bx
	add $LOW(rmx_rec), %bx
	mov 6(%bp), %ax
	mov %ax, 2 * REC_VECTOR(%bx)
	lea 8(%bp), %ax
	mov %ax, 2 * REC_FRAME(%bx)
	mov 8(%bp), %ax
	mov %ax, 2 * REC_IP(%bx)
	mov 10(%bp), %ax
	mov %ax, 2 * REC_CS(%bx)
	mov 12(%bp), %ax
	mov %ax, 2 * REC_FLAGS(%bx)
	pushf
	pop %ax
	mov %ax, 2 * REC_HFLAGS(%bx)
	mov %cs, 2 * REC_HCS(%bx)
	cmpw $0, LOW(rmx_iret)
	je 1f
	movw $0, LOW(rmx_iret)
	pop %bp
	pop %bx
	pop %ax
	add $2, %sp
	iret
1:	mov LOW(rmx_saved_sp), %sp
	ljmp *LOW(rmx_resume)	/* far: CS is RM_SEG here, the cases run in 0 */

rm_ivt_ptr:
	.word 0x3ff
	.long 0
rmx_bounds:
	.word 0, 10
rmx_slot:
	.word 0
rmx_iret:
	.word 0
rmx_saved_sp:
	.word 0
rmx_resume:
	.word 0
	.word 0
rmx_after:
	.word 0, 0
	.balign 4
rmx_rec:
	.space 16 * S_COUNT
rmx_at:
	.space 4 * S_COUNT
rmx_sp:
	.space 2 * S_COUNT
	.balign 16
	.space 512
rm_stack_top:
rmx_blob_end:
	.code32
