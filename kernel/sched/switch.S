/*
 * Context switch between kernel threads.  Only the callee-saved registers
 * and the stack pointer need saving: the switch is a function call, so the
 * compiler already assumes every other register is lost.  Interrupt state
 * is saved by the C caller around the call, on the thread's own stack.
 */

/* struct thread *sched_switch(struct thread *prev, struct thread *next) */
	.section .text
	.globl sched_switch
sched_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)	/* prev->rsp */
	movq (%rsi), %rsp	/* next->rsp */
	/* rdi survives the stack change: whoever we resume learns who ran before. */
	movq %rdi, %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * A new thread's first return from sched_switch lands here, with the
 * previous thread in rax; thread.c finishes that switch and calls fn(arg).
 */
	.globl sched_thread_trampoline
sched_thread_trampoline:
	movq %rax, %rdi
	call sched_thread_start
	ud2
