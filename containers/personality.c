/*
 * The Linux personality's hold on its threads: what their ring 3 does goes
 * here (pallas/user.h).  A system call is looked up by its Linux number; an
 * unknown one is -ENOSYS, counted per number so that what Debian's programs
 * ask for and do not get is on record.  A fault the kernel could not
 * resolve becomes the signal Linux would send, with its si_code; signals
 * are taken on every way back to ring 3.
 */
#include <asm/trap.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/printk.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/user.h>

#include "personality.h"
#include "proc.h"
#include "rseq.h"
#include "signal.h"
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
		/* The kernel log only (debug): never the console a program's
		 * output shares, Linux says nothing either. */
		if (__atomic_fetch_add(&enosys[slot], 1, __ATOMIC_RELAXED) == 0)
			pr_debug(
			    "linux: %s asked for system call %lu, which is not there (ENOSYS)\n",
			    proc_current()->comm, nr);
		f->rax = (uint64_t)-ENOSYS;
		return;
	}
	struct syscall_args a = {{f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9}};
	struct task *k = task_current();
	k->syscall_nr = (long)nr;
	long rc = fn(&a);
	/* A write to a pipe or socket nobody reads: Linux's SIGPIPE. */
	if (rc == -EPIPE)
		signal_send_task(k, LINUX_SIGPIPE, NULL);
	f->rax = (uint64_t)rc;
}

enum fault_kind { FAULT_UNMAPPED, FAULT_DENIED, FAULT_BEYOND };

#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_INSTR (1u << 4)

/* What is at addr for the access the #PF error code says: no mapping, one
 * that forbids the access, or one of an object that ends before addr's
 * page (a file mapped past its end). */
static enum fault_kind fault_kind(uintptr_t addr, uint64_t error)
{
	struct vma_info vi;
	struct aspace *as = proc_current()->as;

	if (addr >= USER_TOP || !as || aspace_query(as, addr, &vi))
		return FAULT_UNMAPPED;
	unsigned need = error & PF_ERR_WRITE ? VMA_WRITE : error & PF_ERR_INSTR ? VMA_EXEC : 0;
	bool allowed = need ? (vi.prot & need) : (vi.prot & VMA_PROT_MASK);
	if (!vi.obj || !allowed) {
		if (vi.obj)
			memobj_put(vi.obj);
		return FAULT_DENIED;
	}
	uint64_t index = vi.pgoff + (addr - vi.start) / PAGE_SIZE;
	bool beyond = index >= __atomic_load_n(&vi.obj->npages, __ATOMIC_RELAXED);
	memobj_put(vi.obj);
	return beyond ? FAULT_BEYOND : FAULT_DENIED;
}

/* The signal and si_code Linux sends for each exception a program can
 * cause (arch/x86/kernel/traps.c, fault.c), and the address it reports. */
static void fault_signal(const struct trap_frame *f, uintptr_t addr, int *sig, int *code,
			 uint64_t *at)
{
	*at = f->rip;
	switch (f->vector) {
	case 0: /* #DE */
		*sig = LINUX_SIGFPE, *code = LINUX_FPE_INTDIV;
		break;
	case 16: /* #MF */
	case 19: /* #XM */
		*sig = LINUX_SIGFPE, *code = 0;
		break;
	case 1: /* #DB */
	case 3: /* #BP */
		*sig = LINUX_SIGTRAP, *code = LINUX_SI_KERNEL;
		break;
	case 6: /* #UD */
		*sig = LINUX_SIGILL, *code = LINUX_ILL_ILLOPN;
		break;
	case 17: /* #AC */
		*sig = LINUX_SIGBUS, *code = LINUX_BUS_ADRALN;
		break;
	case 14: { /* #PF */
		if (user_fault_error() == -ENOMEM) {
			/* Out of memory: Linux's OOM killer ends the program. */
			*sig = LINUX_SIGKILL, *code = LINUX_SI_KERNEL, *at = 0;
			break;
		}
		/* ACCERR where a mapping forbids the access, MAPERR where there
		 * is none (kernel addresses are never the program's), SIGBUS
		 * past the end of a mapped file. */
		enum fault_kind k = fault_kind(addr, f->error);
		*sig = k == FAULT_BEYOND ? LINUX_SIGBUS : LINUX_SIGSEGV;
		*code = k == FAULT_BEYOND   ? LINUX_BUS_ADRERR
			: k == FAULT_DENIED ? LINUX_SEGV_ACCERR
					    : LINUX_SEGV_MAPERR;
		*at = addr;
		break;
	}
	default: /* #GP, #SS, #NP: no address, as Linux reports them */
		*sig = LINUX_SIGSEGV, *code = LINUX_SI_KERNEL, *at = 0;
		break;
	}
}

static void linux_fault(struct trap_frame *f, uintptr_t addr)
{
	int sig, code;
	uint64_t at;

	fault_signal(f, addr, &sig, &code, &at);
	signal_force_fault(sig, code, at);
}

void personality_exit_to_user(struct trap_frame *f)
{
	signal_deliver(f);
	/* rseq after the signals (whose handler frame had its own fixup);
	 * a SIGSEGV it forced is taken now, as Linux's loop would. */
	if (rseq_exit_to_user(f))
		signal_deliver(f);
}

static const struct user_ops linux_ops = {
    .syscall = linux_syscall,
    .fault = linux_fault,
    .exit_to_user = personality_exit_to_user,
};

const uint8_t personality_fpu_init[512]
    __attribute__((aligned(16))) = {[0] = 0x7f, [1] = 0x03, [24] = 0x80, [25] = 0x1f};

bool personality_enter(struct task *k, const uint8_t *fpu)
{
	if (!(fpu ? thread_fpu_enable_image(fpu) : thread_fpu_enable(personality_fpu_init)))
		return false;
	user_thread_init(&linux_ops, k);
	return true;
}
