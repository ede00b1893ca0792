/* The two sides of task_gate.c's hardware task switches: the callers, which
 * set every general register to a pattern before raising the event (the
 * CPU must save them into the old TSS and load them back on the IRET), and
 * the task bodies the task gates lead to.  Assembly because the registers
 * are the point. */
#include "lib/gdt.h"

#define TSS_EIP 0x20

	.data
	.globl tg_after, tg_int_runs, tg_int_tr, tg_int_eflags, tg_int_cr0, tg_int_cr3
	.globl tg_jmp_tr, tg_jmp_eflags, tg_jmp_main_type
	.globl tg_exc_error, tg_exc_esp, tg_exc_tr, tg_exc_eflags, tg_exc_saved_eip
tg_after:	.space 4 * 9	/* EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS after */
tg_int_runs:	.long 0
tg_int_tr:	.long 0
tg_int_eflags:	.long 0
tg_int_cr0:	.long 0
tg_int_cr3:	.long 0
tg_jmp_tr:	.long 0
tg_jmp_eflags:	.long 0
tg_jmp_main_type: .long 0
tg_main_desc5:	.long 0
tg_exc_error:	.long 0
tg_exc_esp:	.long 0
tg_exc_tr:	.long 0
tg_exc_eflags:	.long 0
tg_exc_saved_eip: .long 0

	.text
	.code32
/* Loads the patterns, runs setup, then the instruction under test at
 * NAME_at, and stores what the registers hold afterwards. */
.macro CALLER name, setup, insn
	.globl \name, \name\()_at, \name\()_after
\name:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov $0xa0a0a0a0, %eax
	mov $0xc0c0c0c0, %ecx
	mov $0xd0d0d0d0, %edx
	mov $0xb0b0b0b0, %ebx
	mov $0xbe0be0be, %ebp
	mov $0x51515151, %esi
	mov $0xd1d1d1d1, %edi
	\setup
\name\()_at:
	\insn
\name\()_after:
	mov %eax, tg_after
	mov %ecx, tg_after + 4
	mov %edx, tg_after + 8
	mov %ebx, tg_after + 12
	mov %esp, tg_after + 16
	mov %ebp, tg_after + 20
	mov %esi, tg_after + 24
	mov %edi, tg_after + 28
	pushf
	pop tg_after + 32
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
.endm

	CALLER tg_call_int, "", "int $0x50"
	/* CALL and JMP straight to a TSS (task_gate.c's SEL_TSS_CALL, SEL_TSS_JMP). */
	CALLER tg_call_lcall, "", "lcall $0x58, $0"
	CALLER tg_call_ljmp, "", "ljmp $0x60, $0"
	/* #GP(0x1238): FS loaded with a selector past the GDT limit. */
	CALLER tg_call_gp, "mov $0x1238, %ax", "mov %ax, %fs"
	/* #DE whose gate is not present: #NP, and then #DF. */
	CALLER tg_call_df, "xor %edx, %edx; mov $1, %eax; xor %ecx, %ecx", "div %ecx"

/* The task INT 0x50 leads to: each switch into it runs one round, and its
 * IRET (NT set: back through the link) leaves the next round's EIP in its
 * own TSS. */
	.globl tg_int_task
tg_int_task:
	incl tg_int_runs
	str tg_int_tr
	pushf
	pop tg_int_eflags
	mov %cr0, %eax
	mov %eax, tg_int_cr0
	mov %cr3, %eax
	mov %eax, tg_int_cr3
	mov $0x11111111, %eax		/* saved in the task's TSS, not the caller's */
	mov $0x22222222, %ebx
	iret
	.globl tg_int_task_resume
tg_int_task_resume:
	jmp tg_int_task

/* The task JMP leads to: no link, no NT; it goes back by JMP too, after
 * noting whether the caller's TSS descriptor was left busy. */
	.globl tg_jmp_task, tg_jmp_task_resume, tg_main_desc5
tg_jmp_task:
	str tg_jmp_tr
	pushf
	pop tg_jmp_eflags
	mov tg_main_desc5, %eax
	movzbl (%eax), %eax
	mov %eax, tg_jmp_main_type
	ljmp $0x40, $0
tg_jmp_task_resume:
	jmp tg_jmp_task

/* The task #GP or #DF leads to: the error code on its stack; it sends the
 * interrupted task on past the faulting instruction by its saved EIP. */
	.globl tg_exc_task, tg_exc_tss_main, tg_exc_resume
tg_exc_task:
	pop tg_exc_error
	mov %esp, tg_exc_esp
	str tg_exc_tr
	pushf
	pop tg_exc_eflags
	mov tg_exc_tss_main, %ebx
	mov TSS_EIP(%ebx), %eax
	mov %eax, tg_exc_saved_eip
	mov tg_exc_resume, %eax
	mov %eax, TSS_EIP(%ebx)
	iret
	/* Never entered twice: each use gets a fresh TSS from the C side. */
1:	ud2
	jmp 1b

	.data
tg_exc_tss_main: .long 0
tg_exc_resume:	.long 0
