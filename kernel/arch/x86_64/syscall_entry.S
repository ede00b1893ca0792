/*
 * SYSCALL entry and the SYSRET way back.  SYSCALL leaves the user RSP in
 * place and IF, TF, DF and AC cleared (SFMASK), so nothing can interrupt
 * until the kernel stack is in place; the entry then builds the same trap
 * frame an interrupt from ring 3 would (struct trap_frame, at the top of the
 * thread's kernel stack), so signals, fork and exec see one layout.
 *
 * syscall_dispatch (user.c) says whether SYSRET may return: it cannot
 * restore RCX and R11, and with a non-canonical RIP it would fault in ring
 * 0 on Intel, so anything unusual goes out through IRETQ (trap_exit).
 */
#include <asm/frame_asm.h>
#include <asm/segment.h>

#define CPU_KSTACK_TOP 72 /* offsetof(struct cpu, kstack_top), checked in user.c */
#define CPU_USER_RSP   80
#define VEC_SYSCALL    0x100
#define FRAME_RSP      160 /* offsetof(struct trap_frame, rsp) */

	.section .text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KSTACK_TOP, %rsp
	pushq $(GDT_USER_DATA | 3)
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $(GDT_USER_CODE | 3)
	pushq %rcx
	pushq $0
	pushq $VEC_SYSCALL
	PUSH_GPRS
	xorl %ebp, %ebp		/* ends the kernel backtrace here */
	movq %rsp, %rdi
	call syscall_dispatch	/* returns with interrupts off */
	testl %eax, %eax
	jz 1f
	POP_GPRS
	/* RCX and R11 hold RIP and RFLAGS (syscall_dispatch checked).  Nothing
	 * may use the stack once GS is the user's again. */
	movq FRAME_RSP - 120(%rsp), %rsp
	swapgs
	sysretq
1:
	movl $1, %r12d		/* trap_exit: GS back to the user's */
	jmp trap_exit

/* user_enter_frame(struct trap_frame *f): f is the top of this thread's
 * kernel stack; out to ring 3 through IRETQ. */
	.globl user_enter_frame
user_enter_frame:
	movq %rdi, %rsp
	movl $1, %r12d
	jmp trap_exit
