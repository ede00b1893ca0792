/*
 * The frame a signal handler runs on, in Linux's x86-64 layout (struct
 * rt_sigframe: return address, ucontext, siginfo; the FPU state above
 * it, 64-byte aligned), and rt_sigreturn, which puts back what the frame
 * says.  With XSAVE the FPU state is the XSAVE area (UC_FP_XSTATE): its
 * legacy part's bytes 464..511 are struct _fpx_sw_bytes and FP_XSTATE_MAGIC2
 * follows it; without, the 512-byte FXSAVE image.  Everything read back is
 * the program's to forge: segment selectors and privileged flags are never
 * taken from it, the return address must be user space, and the FPU image
 * must be one the CPU accepts (a header XRSTOR would fault on is SIGSEGV).
 */
#include <asm/fpu.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#include "proc.h"
#include "signal.h"

#define REDZONE	  128
#define FPU_BYTES 512  /* the legacy (FXSAVE) part */
#define SW_BYTES  464  /* where _fpx_sw_bytes sits in it */
#define USER_CS	  0x33 /* what Linux reports in sigcontext.cs */
#define USER_SS	  0x2b
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_PF (1ull << 2)
#define RFLAGS_AF (1ull << 4)
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_SF (1ull << 7)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_OF (1ull << 11)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_AC (1ull << 18)
/* The flags sigreturn may change: Linux's FIX_EFLAGS. */
#define USER_FLAGS                                                                           \
	(RFLAGS_AC | RFLAGS_OF | RFLAGS_DF | RFLAGS_TF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | \
	 RFLAGS_PF | RFLAGS_CF | RFLAGS_RF)

static bool on_altstack(const struct linux_stack *ss, uint64_t sp)
{
	return !(ss->ss_flags & LINUX_SS_DISABLE) && sp > ss->ss_sp &&
	       sp - ss->ss_sp <= ss->ss_size;
}

static void save_regs(struct linux_sigcontext *sc, const struct trap_frame *f)
{
	*sc = (struct linux_sigcontext){
	    .r8 = f->r8,
	    .r9 = f->r9,
	    .r10 = f->r10,
	    .r11 = f->r11,
	    .r12 = f->r12,
	    .r13 = f->r13,
	    .r14 = f->r14,
	    .r15 = f->r15,
	    .rdi = f->rdi,
	    .rsi = f->rsi,
	    .rbp = f->rbp,
	    .rbx = f->rbx,
	    .rdx = f->rdx,
	    .rax = f->rax,
	    .rcx = f->rcx,
	    .rsp = f->rsp,
	    .rip = f->rip,
	    .eflags = f->rflags,
	    .cs = USER_CS,
	    .ss = USER_SS,
	};
	if (f->vector < 32) {
		sc->trapno = f->vector;
		sc->err = f->error;
	}
}

int signal_frame_setup(struct trap_frame *f, int sig, const struct linux_siginfo *info,
		       const struct linux_sigaction *act, uint64_t oldmask)
{
	struct task *k = task_current();
	struct linux_stack ss = k->altstack;
	uint64_t sp = f->rsp - REDZONE;
	bool was_on = on_altstack(&ss, f->rsp);

	if (!(act->flags & LINUX_SA_RESTORER))
		return -EFAULT; /* x86-64 has no default return path */
	if ((act->flags & LINUX_SA_ONSTACK) && !(ss.ss_flags & LINUX_SS_DISABLE) && !was_on) {
		sp = ss.ss_sp + ss.ss_size;
		if (ss.ss_flags & LINUX_SS_AUTODISARM)
			k->altstack = (struct linux_stack){.ss_flags = LINUX_SS_DISABLE};
	}
	size_t fsize = thread_fpu_size();
	uint64_t xfeatures = thread_fpu_features();
	size_t math = xfeatures ? fsize + LINUX_FP_XSTATE_MAGIC2_SIZE : fsize;
	uint64_t fpstate = (sp - math) & ~63ull;
	uint64_t frame = ((fpstate - sizeof(struct linux_rt_sigframe)) & ~15ull) - 8;
	if (frame >= USER_TOP || frame < PAGE_SIZE)
		return -EFAULT;

	struct linux_rt_sigframe *fr = kzalloc(sizeof(*fr));
	uint8_t *fx = kmalloc(math);
	if (!fr || !fx) {
		kfree(fr);
		kfree(fx);
		return -ENOMEM;
	}
	fr->pretcode = act->restorer;
	fr->uc.uc_flags = LINUX_UC_SIGCONTEXT_SS | LINUX_UC_STRICT_RESTORE_SS |
			  (xfeatures ? LINUX_UC_FP_XSTATE : 0);
	fr->uc.uc_stack = ss;
	fr->uc.uc_stack.ss_flags = (ss.ss_flags & LINUX_SS_DISABLE) ? LINUX_SS_DISABLE
				   : was_on			    ? LINUX_SS_ONSTACK
					    : (ss.ss_flags & ~LINUX_SS_ONSTACK);
	save_regs(&fr->uc.uc_mcontext, f);
	fr->uc.uc_mcontext.oldmask = oldmask;
	fr->uc.uc_mcontext.fpstate = fpstate;
	if (info->si_signo == LINUX_SIGSEGV || info->si_signo == LINUX_SIGBUS)
		fr->uc.uc_mcontext.cr2 = info->fault.addr;
	fr->uc.uc_sigmask = oldmask;
	fr->info = *info;
	thread_fpu_save(fx);
	memset(fx + SW_BYTES, 0, FPU_BYTES - SW_BYTES);
	if (xfeatures) {
		struct linux_fpx_sw_bytes sw = {
		    .magic1 = LINUX_FP_XSTATE_MAGIC1,
		    .extended_size = (uint32_t)math,
		    .xfeatures = xfeatures,
		    .xstate_size = (uint32_t)fsize,
		};
		uint32_t magic2 = LINUX_FP_XSTATE_MAGIC2;
		memcpy(fx + SW_BYTES, &sw, sizeof(sw));
		memcpy(fx + fsize, &magic2, sizeof(magic2));
	}
	int err =
	    copy_to_user((void *)fpstate, fx, math) || copy_to_user((void *)frame, fr, sizeof(*fr))
		? -EFAULT
		: 0;
	kfree(fr);
	if (err) {
		kfree(fx);
		return err;
	}
	/* The handler starts with a clean FPU, as on Linux. */
	fpu_image_init(fx);
	thread_fpu_restore(fx);
	kfree(fx);
	f->rdi = (uint64_t)sig;
	f->rsi = frame + offsetof(struct linux_rt_sigframe, info);
	f->rdx = frame + offsetof(struct linux_rt_sigframe, uc);
	f->rax = 0;
	f->rip = act->handler;
	f->rsp = frame;
	f->rflags &= ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF);
	return 0;
}

uint64_t signal_frame_max_size(void)
{
	size_t fsize = thread_fpu_size();
	size_t math = thread_fpu_features() ? fsize + LINUX_FP_XSTATE_MAGIC2_SIZE : fsize;

	return (sizeof(struct linux_rt_sigframe) + 15 + math + 63 + 15) & ~15ull;
}

static void restore_regs(struct trap_frame *f, const struct linux_sigcontext *sc)
{
	f->r8 = sc->r8;
	f->r9 = sc->r9;
	f->r10 = sc->r10;
	f->r11 = sc->r11;
	f->r12 = sc->r12;
	f->r13 = sc->r13;
	f->r14 = sc->r14;
	f->r15 = sc->r15;
	f->rdi = sc->rdi;
	f->rsi = sc->rsi;
	f->rbp = sc->rbp;
	f->rbx = sc->rbx;
	f->rdx = sc->rdx;
	f->rax = sc->rax;
	f->rcx = sc->rcx;
	f->rsp = sc->rsp;
	f->rip = sc->rip;
	f->rflags = (f->rflags & ~USER_FLAGS) | (sc->eflags & USER_FLAGS);
}

/*
 * The frame's FPU state at fpstate into image (thread_fpu_size() bytes), as
 * Linux's __fpu_restore_sig reads it: XSAVE data when _fpx_sw_bytes has
 * magic1, a size within the kernel's and magic2 after it, the features
 * the frame leaves out initial; otherwise only the legacy x87/SSE part,
 * the rest initial.  False when it cannot be read or the XSAVE header is
 * one XRSTOR would fault on.
 */
static bool read_fpstate(uint64_t fpstate, uint8_t *image)
{
	size_t fsize = thread_fpu_size();
	uint8_t legacy[FPU_BYTES];
	struct linux_fpx_sw_bytes sw;
	uint32_t magic2;

	if (copy_from_user(legacy, (void *)fpstate, FPU_BYTES))
		return false;
	memcpy(&sw, legacy + SW_BYTES, sizeof(sw));
	memset(legacy + SW_BYTES, 0, FPU_BYTES - SW_BYTES);
	if (!thread_fpu_features()) {
		memcpy(image, legacy, FPU_BYTES);
		return true;
	}
	bool xstate = sw.magic1 == LINUX_FP_XSTATE_MAGIC1 && sw.xstate_size >= FPU_BYTES + 64 &&
		      sw.xstate_size <= fsize && sw.xstate_size <= sw.extended_size &&
		      !copy_from_user(&magic2, (void *)(fpstate + sw.xstate_size), 4) &&
		      magic2 == LINUX_FP_XSTATE_MAGIC2;
	if (!xstate) {
		fpu_image_from_legacy(image, legacy);
		return true;
	}
	memset(image, 0, fsize);
	memcpy(image, legacy, FPU_BYTES);
	if (copy_from_user(image + FPU_BYTES, (void *)(fpstate + FPU_BYTES),
			   sw.xstate_size - FPU_BYTES) ||
	    !fpu_image_valid(image))
		return false;
	uint64_t bv = fpu_image_xstate_bv(image);
	fpu_image_set_xstate_bv(image, bv & sw.xfeatures);
	if (!(sw.xfeatures & (XFEATURE_SSE | XFEATURE_AVX))) {
		uint32_t mxcsr = 0x1f80; /* not restored: initial */
		memcpy(image + FPU_MXCSR, &mxcsr, 4);
	}
	return true;
}

/* rt_sigreturn: the handler's RET popped pretcode, so the frame is 8 below
 * RSP.  A frame that cannot be read, or says something the kernel may not
 * do, ends the program with SIGSEGV, as on Linux. */
long signal_frame_return(struct trap_frame *f)
{
	struct task *k = task_current();
	uint64_t frame = f->rsp - 8;
	struct linux_ucontext *uc = kmalloc(sizeof(*uc));
	uint8_t *fx = kmalloc(thread_fpu_size());

	k->syscall_nr = -1; /* what it returns to is no system call to restart */
	if (!uc || !fx) {
		kfree(uc);
		kfree(fx);
		proc_exit(linux_status_signaled(LINUX_SIGSEGV));
	}
	bool bad = copy_from_user(uc, (void *)(frame + offsetof(struct linux_rt_sigframe, uc)),
				  sizeof(*uc)) ||
		   uc->uc_mcontext.rip >= USER_TOP ||
		   (uc->uc_mcontext.fpstate &&
		    (!read_fpstate(uc->uc_mcontext.fpstate, fx) || !thread_fpu_restore(fx)));
	kfree(fx);
	if (bad) {
		kfree(uc);
		signal_force_fault(LINUX_SIGSEGV, LINUX_SI_KERNEL, 0);
		return (long)f->rax;
	}
	restore_regs(f, &uc->uc_mcontext);
	/* The interrupted code may have had live values in RCX and R11 (a
	 * signal taken at an interrupt): they go back as they were. */
	f->vector = VEC_RESTORED;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	k->sigblocked = uc->uc_sigmask & ~SIG_UNBLOCKABLE;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	signal_recalc_self();
	/* The alternate stack as the frame recorded it, unless that is on it
	 * now or malformed: Linux's restore_altstack ignores such errors. */
	struct linux_stack ss = uc->uc_stack;
	if (!on_altstack(&k->altstack, f->rsp)) {
		if (ss.ss_flags & LINUX_SS_DISABLE)
			k->altstack = (struct linux_stack){.ss_flags = LINUX_SS_DISABLE};
		else if (ss.ss_size >= LINUX_MINSIGSTKSZ && ss.ss_sp < USER_TOP)
			k->altstack =
			    (struct linux_stack){.ss_sp = ss.ss_sp,
						 .ss_size = ss.ss_size,
						 .ss_flags = ss.ss_flags & LINUX_SS_AUTODISARM};
	}
	kfree(uc);
	return (long)f->rax;
}
