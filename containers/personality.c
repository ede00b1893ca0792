/*
 * The Linux personality's hold on its threads: what their ring 3 does goes
 * here (pallas/user.h).  A system call is looked up by its Linux number; an
 * unknown one is -ENOSYS, counted per number so that what Debian's programs
 * ask for and do not get is on record.  A fault the kernel could not
 * resolve ends the process with the signal Linux would send; signal
 * handlers come with the signal calls.
 */
#include <asm/trap.h>
#include <pallas/errno.h>
#include <pallas/printk.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/user.h>

#include "personality.h"
#include "proc.h"
#include "syscall.h"

/* Unknown numbers past the table share the last counter. */
static uint64_t enosys[SYSCALL_MAX + 1]; /* atomic */

uint64_t personality_enosys_count(unsigned nr)
{
	return __atomic_load_n(&enosys[nr < SYSCALL_MAX ? nr : SYSCALL_MAX], __ATOMIC_RELAXED);
}

static void linux_syscall(struct trap_frame *f)
{
	unsigned long nr = f->rax;
	syscall_fn fn = syscall_lookup(nr);

	if (!fn) {
		unsigned slot = nr < SYSCALL_MAX ? (unsigned)nr : SYSCALL_MAX;
		if (__atomic_fetch_add(&enosys[slot], 1, __ATOMIC_RELAXED) == 0)
			pr_info(
			    "linux: %s asked for system call %lu, which is not there (ENOSYS)\n",
			    proc_current()->comm, nr);
		f->rax = (uint64_t)-ENOSYS;
		return;
	}
	struct syscall_args a = {{f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9}};
	f->rax = (uint64_t)fn(&a);
}

/* The signal Linux sends for each exception a program can cause. */
static int fault_signal(uint64_t vector)
{
	switch (vector) {
	case 0:	 /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		return LINUX_SIGFPE;
	case 1: /* #DB */
	case 3: /* #BP */
		return LINUX_SIGTRAP;
	case 6: /* #UD */
		return LINUX_SIGILL;
	case 17: /* #AC */
		return LINUX_SIGBUS;
	default: /* #PF, #GP, #SS, #NP, ... */
		return LINUX_SIGSEGV;
	}
}

static void linux_fault(struct trap_frame *f, uintptr_t addr)
{
	struct proc *p = proc_current();
	int sig = fault_signal(f->vector);

	pr_info("linux: %s (pid %d): exception %lu at rip %#lx, address %#lx: signal %d\n", p->comm,
		p->pid, f->vector, f->rip, addr, sig);
	proc_exit(linux_status_signaled(sig));
}

static const struct user_ops linux_ops = {
    .syscall = linux_syscall,
    .fault = linux_fault,
};

bool personality_enter(struct task *k)
{
	/* As Linux starts every program: x87 control word 0x37f, MXCSR 0x1f80. */
	static const uint8_t fpu_init[512]
	    __attribute__((aligned(16))) = {[0] = 0x7f, [1] = 0x03, [24] = 0x80, [25] = 0x1f};

	if (!thread_fpu_enable(fpu_init))
		return false;
	user_thread_init(&linux_ops, k);
	return true;
}
