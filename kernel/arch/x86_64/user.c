/*
 * User mode on x86-64: the SYSCALL MSRs, the C half of system-call entry,
 * traps from ring 3, entering ring 3, and the per-thread state a context
 * switch loads (the kernel stack for the TSS and SYSCALL, FS and GS bases).
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/segment.h>
#include <pallas/aspace.h>
#include <pallas/debug.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/percpu.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#define MSR_STAR	   0xc0000081
#define MSR_LSTAR	   0xc0000082
#define MSR_SFMASK	   0xc0000084
#define MSR_FS_BASE	   0xc0000100
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE	   (1ul << 0)

#define RFLAGS_TF   (1ul << 8)
#define RFLAGS_IF   (1ul << 9)
#define RFLAGS_DF   (1ul << 10)
#define RFLAGS_IOPL (3ul << 12)
#define RFLAGS_NT   (1ul << 14)
#define RFLAGS_RF   (1ul << 16)
#define RFLAGS_AC   (1ul << 18)

#define USER_CS (GDT_USER_CODE | 3)
#define USER_SS (GDT_USER_DATA | 3)

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER	   (1u << 2)
#define PF_FETCH   (1u << 4)

_Static_assert(__builtin_offsetof(struct cpu, kstack_top) == 72, "syscall_entry.S CPU_KSTACK_TOP");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == 80, "syscall_entry.S CPU_USER_RSP");
_Static_assert(__builtin_offsetof(struct trap_frame, rsp) == 160, "syscall_entry.S FRAME_RSP");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == 144, "trap_entry.S FRAME_CS");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 120, "trap_entry.S FRAME_VECTOR");
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "the frame keeps the kernel stack aligned");

void syscall_entry(void);
__attribute__((noreturn)) void user_enter_frame(struct trap_frame *f);

void syscall_cpu_init(void)
{
	/* SYSRET loads CS from STAR[63:48] + 16 and SS from + 8: the order of
	 * GDT_USER_CODE32, GDT_USER_DATA and GDT_USER_CODE. */
	wrmsr(MSR_STAR, (uint64_t)GDT_USER_CODE32 << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

static struct user_state *current_user(void)
{
	return thread_user(thread_current());
}

void user_thread_init(const struct user_ops *ops, void *ctx)
{
	struct user_state *u = current_user();

	u->ops = ops;
	u->ctx = ctx;
	u->fs_base = 0;
	u->gs_base = 0;
	user_switch_in(u, this_cpu()->kstack_top);
}

void *user_ctx(void)
{
	return current_user()->ctx;
}

struct trap_frame *user_frame(void)
{
	return (struct trap_frame *)this_cpu()->kstack_top - 1;
}

void user_frame_init(struct trap_frame *f, uintptr_t rip, uintptr_t rsp)
{
	memset(f, 0, sizeof(*f));
	f->rip = rip;
	f->rsp = rsp;
	f->cs = USER_CS;
	f->ss = USER_SS;
	f->rflags = RFLAGS_IF | 0x2;
}

/* Whatever a frame asks for, ring 3 gets ring 3 with interrupts on and no
 * I/O privilege. */
static void frame_sanitise(struct trap_frame *f)
{
	f->cs = USER_CS;
	f->ss = USER_SS;
	f->rflags = (f->rflags & ~(RFLAGS_IOPL | RFLAGS_NT)) | RFLAGS_IF | 0x2;
}

void user_enter(const struct trap_frame *f)
{
	struct trap_frame *top = user_frame();

	BUG_ON(!current_user()->ops);
	irq_disable();
	if (top != f)
		memmove(top, f, sizeof(*top));
	frame_sanitise(top);
	user_enter_frame(top);
}

static bool user_base_ok(uint64_t base)
{
	return base < USER_TOP;
}

int user_set_fs_base(uint64_t base)
{
	if (!user_base_ok(base))
		return -EINVAL;
	unsigned long flags = irq_save();
	current_user()->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
	irq_restore(flags);
	return 0;
}

int user_set_gs_base(uint64_t base)
{
	if (!user_base_ok(base))
		return -EINVAL;
	unsigned long flags = irq_save();
	current_user()->gs_base = base;
	wrmsr(MSR_KERNEL_GS_BASE, base); /* the user's while the kernel runs */
	irq_restore(flags);
	return 0;
}

/* A VM exit leaves FS and KERNEL_GS_BASE to whatever the host state says,
 * so a cached "already loaded" would lie: a user thread always loads its
 * own. */
void user_switch_in(struct user_state *next, uintptr_t kstack_top)
{
	struct cpu *c = this_cpu();

	next->switches++;
	if (kstack_top) {
		c->kstack_top = kstack_top;
		c->tables->tss.rsp[0] = kstack_top;
	}
	if (next->ops) {
		wrmsr(MSR_FS_BASE, next->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	}
}

uint64_t user_switch_count(void)
{
	return current_user()->switches;
}

/* Until nothing more is pending: another thread's turn, then the owner's
 * last word (signals, rseq), which comes after the thread's last switch:
 * if it slept or was preempted meanwhile, the owner looks again.  Returns
 * with interrupts off, ready for ring 3. */
static void exit_to_user(struct trap_frame *f)
{
	struct user_state *u = current_user();
	const struct user_ops *ops = u->ops;

	for (;;) {
		irq_enable();
		if (this_cpu()->need_resched)
			sched_yield();
		uint64_t seen = u->switches;
		if (ops->exit_to_user)
			ops->exit_to_user(f);
		irq_disable();
		if (!this_cpu()->need_resched && u->switches == seen)
			return;
	}
}

/* SYSRET restores RIP from RCX and RFLAGS from R11, and cannot return to a
 * non-canonical RIP without faulting in ring 0 on Intel: only a frame that
 * already looks like that may take it. */
static bool sysret_ok(const struct trap_frame *f)
{
	return f->rip < USER_TOP && f->rcx == f->rip && f->r11 == f->rflags && f->cs == USER_CS &&
	       f->ss == USER_SS && !(f->rflags & (RFLAGS_TF | RFLAGS_RF | RFLAGS_NT));
}

bool syscall_dispatch(struct trap_frame *f);
bool syscall_dispatch(struct trap_frame *f)
{
	const struct user_ops *ops = current_user()->ops;

	irq_enable();
	BUG_ON(!ops);
	ops->syscall(f);
	exit_to_user(f);
	frame_sanitise(f);
	if (f->vector != VEC_SYSCALL)
		return false;
	/* Linux leaves RCX = RIP and R11 = RFLAGS after a SYSCALL. */
	f->rcx = f->rip;
	f->r11 = f->rflags;
	return sysret_ok(f);
}

static bool user_page_fault(struct trap_frame *f, uintptr_t addr)
{
	struct aspace *as = aspace_current();

	current_user()->fault_err = -EFAULT;
	if (!as || addr >= USER_TOP)
		return false;
	unsigned access = f->error & PF_FETCH	? VMA_EXEC
			  : f->error & PF_WRITE ? VMA_WRITE
						: VMA_READ;
	int err = aspace_fault(as, addr, access);
	current_user()->fault_err = err;
	return err == 0;
}

int user_fault_error(void)
{
	return current_user()->fault_err;
}

/* Every trap from ring 3: a page fault the address space can resolve is
 * resolved; any other exception is the owner's (a signal).  Interrupts were
 * handled by the caller. */
void user_trap(struct trap_frame *f)
{
	const struct user_ops *ops = current_user()->ops;

	BUG_ON(!ops);
	if (f->vector < 32) {
		uintptr_t addr = f->vector == VEC_PF ? read_cr2() : f->rip;
		irq_enable();
		if (!(f->vector == VEC_PF && user_page_fault(f, addr)))
			ops->fault(f, addr);
	}
	exit_to_user(f);
	frame_sanitise(f);
}
