/* long_mode_round_trip(pml4, flip): from 32-bit protected mode into long
 * mode and back, by the guest itself (cr_rules.c).  Each CR0 write also
 * flips CR0 bits given in `flip` (NE), so that under VT-x, where NE is the
 * VMM's, the write exits and the VMM must enter or leave IA-32e mode for
 * the guest.  Returns 0x600d when 64-bit code ran with EFER.LMA set and
 * compatibility mode came back to LMA clear; anything else says what failed.
 * Interrupts are off throughout: nothing in long mode has an IDT. */
#include "lib/gdt.h"

#define LM_CODE32 0x08
#define LM_DATA	  0x10
#define LM_CODE64 0x18
#define MSR_EFER  0xc0000080

	.data
	.balign 8
lm_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x10: data, flat */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
lm_gdt_end:
lm_gdtr:
	.word lm_gdt_end - lm_gdt - 1
	.long lm_gdt
saved_gdtr:
	.word 0
	.long 0
	.globl lm_result64
lm_result64:
	.long 0

	.text
	.code32
	.globl long_mode_round_trip
long_mode_round_trip:
	push %ebp
	mov %esp, %ebp
	push %ebx
	push %esi
	push %edi
	pushf
	cli
	sgdt saved_gdtr
	lgdt lm_gdtr
	ljmp $LM_CODE32, $1f
1:	mov $LM_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov 8(%ebp), %eax		/* pml4 */
	mov %eax, %cr3
	mov %cr4, %eax
	or $(1 << 5), %eax		/* PAE */
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $(1 << 8), %eax		/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax		/* PG: long mode comes on */
	xor 12(%ebp), %eax
	mov %eax, %cr0
	ljmp $LM_CODE64, $2f

	.code64
2:	mov $MSR_EFER, %ecx
	rdmsr
	mov $0x64, %ebx			/* 'd': in 64-bit code */
	test $(1 << 10), %eax		/* LMA */
	jnz 3f
	mov $0xbad1, %ebx		/* 64-bit code without LMA? */
3:	movabs $0x123456789a, %rax	/* a register wider than 32 bits works */
	shr $8, %rax
	cmp $0x12345678, %eax
	je 4f
	mov $0xbad2, %ebx
4:	mov %ebx, lm_result64(%rip)
	pushq $LM_CODE32
	lea 5f(%rip), %rax
	pushq %rax
	lretq

	.code32
5:	mov %cr0, %eax			/* compatibility mode: paging off leaves long mode */
	and $0x7fffffff, %eax
	xor 12(%ebp), %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	mov $0x600d, %esi
	test $(1 << 10), %eax		/* LMA must be clear again */
	jz 6f
	mov $0xbad3, %esi
6:	and $~(1 << 8), %eax		/* LME */
	wrmsr
	mov %cr4, %eax
	and $~(1 << 5), %eax
	mov %eax, %cr4
	lgdt saved_gdtr
	ljmp $SEL_CODE32, $7f
7:	mov $SEL_DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %esi, %eax
	popf
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
