/*
 * For the backends' entry assembly, right after a VM exit has saved the
 * guest's registers (vmm/README.md, "Speculative execution", says what each
 * part covers):
 *
 * VMEXIT_FILL_RSB: 32 calls whose returns are never taken, so that the
 * return stack buffer holds only entries of these harmless loops, none the
 * guest left: a host RET cannot be steered by a guest's calls (Spectre v2
 * through the RSB, "SpectreRSB").  Uses %rcx; leaves %rsp as it was.
 *
 * VMEXIT_CLEAR_REGS: the guest's values out of the registers the host code
 * that follows does not overwrite itself, so that no speculative path uses
 * a value the guest chose.
 */
#ifndef VMM_VMEXIT_HYGIENE_H
#define VMM_VMEXIT_HYGIENE_H

/* clang-format off */
.macro VMEXIT_FILL_RSB
	movl $16, %ecx
771:	call 772f
773:	pause
	lfence
	jmp 773b
772:	call 774f
775:	pause
	lfence
	jmp 775b
774:	decl %ecx
	jnz 771b
	addq $(32 * 8), %rsp
.endm

.macro VMEXIT_CLEAR_REGS
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
.endm
/* clang-format on */

#endif
