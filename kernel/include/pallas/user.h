/*
 * User mode: kernel threads that also run code in ring 3.  The kernel knows
 * nothing of what a user thread is for (a Linux process's thread, a test's
 * program): whoever makes a thread a user thread gives it a user_ops, and
 * every event from its ring 3 — a system call, a fault the kernel could not
 * resolve, the way back out — goes there.  The user registers live in a
 * trap frame at the top of the thread's kernel stack while it is in the
 * kernel (kernel/arch/x86_64/user.c, syscall_entry.S).
 */
#ifndef PALLAS_USER_H
#define PALLAS_USER_H

#include <asm/trap.h>
#include <pallas/types.h>

/* f->vector of a frame that SYSCALL built. */
#define VEC_SYSCALL 0x100
/* f->vector a system call gives its frame when it has replaced every user
 * register (rt_sigreturn): the way out is IRETQ, which restores RCX and R11
 * too, where SYSRET would have to clobber them with RIP and RFLAGS. */
#define VEC_RESTORED 0x101

struct user_ops {
	/* A SYSCALL: the number is f->rax, the arguments f->rdi, rsi, rdx, r10,
	 * r8, r9; the result goes into f->rax.  Interrupts are on. */
	void (*syscall)(struct trap_frame *f);
	/* A CPU exception from ring 3 that the kernel did not resolve: a page
	 * fault outside the address space's mappings (addr is CR2), #GP, #UD,
	 * #DE, #BP, ...  Interrupts are on. */
	void (*fault)(struct trap_frame *f, uintptr_t addr);
	/* Last thing before every return to ring 3, interrupts on: pending
	 * signals are delivered here.  May be NULL. */
	void (*exit_to_user)(struct trap_frame *f);
};

/* What the kernel keeps for a user thread, inside its struct thread. */
struct user_state {
	const struct user_ops *ops; /* NULL: a kernel-only thread */
	void *ctx;		    /* the owner's, e.g. its struct task */
	uint64_t fs_base, gs_base;  /* user FS and GS bases, loaded when it runs */
	int fault_err;		    /* why the last page fault went to ops->fault */
	uint64_t switches;	    /* times the scheduler switched it in (user_switch_in) */
};

struct thread;
/* t's user state (kernel/sched owns struct thread). */
struct user_state *thread_user(struct thread *t);

/* Each CPU: the SYSCALL MSRs. */
void syscall_cpu_init(void);

/* The calling thread becomes a user thread with ops and ctx.  It still runs
 * in the kernel until user_enter. */
void user_thread_init(const struct user_ops *ops, void *ctx);
/* The calling user thread's owner context, or NULL for a kernel thread. */
void *user_ctx(void);
/* Inside ops->fault for a page fault: what aspace_fault said (-ENOMEM:
 * memory is out; -EFAULT: no mapping or not that access, or past the end of
 * its object), or -EFAULT when there was nothing to ask (a kernel address). */
int user_fault_error(void);

/* A frame that starts ring 3 at rip with stack rsp, all else zero,
 * interrupts on. */
void user_frame_init(struct trap_frame *f, uintptr_t rip, uintptr_t rsp);
/* The calling user thread's saved user registers: valid inside a system
 * call, a fault or exit_to_user. */
struct trap_frame *user_frame(void);
/* Leaves the kernel for ring 3 with the registers in f (copied first, so f
 * may be anywhere).  Only for a user thread. */
__attribute__((noreturn)) void user_enter(const struct trap_frame *f);

/* The calling thread's user FS/GS base: -EINVAL for an address that is not
 * user space (a kernel or non-canonical base would fault on the way out). */
int user_set_fs_base(uint64_t base);
int user_set_gs_base(uint64_t base);

/* kernel/sched's context switch: next's kernel stack top (for the TSS and
 * SYSCALL, 0 if it has none of its own) and, for a user thread, its bases. */
void user_switch_in(struct user_state *next, uintptr_t kstack_top);

/* How many times the calling thread has been switched in so far: a change
 * between two looks means it was preempted, slept or moved to another CPU
 * in between (Linux's rseq asks exactly that on the way out to ring 3). */
uint64_t user_switch_count(void);

/* Called by traps.c for every trap taken in ring 3. */
void user_trap(struct trap_frame *f);

#endif
