/*
 * fork, vfork, clone and clone3.  The child is a copy of the calling task:
 * its registers (RAX 0, and the new stack if one was given), its FPU state,
 * its signal mask; the process parts are shared or copied as the flags say
 * (CLONE_VM, _FILES, _FS, _SIGHAND, _THREAD).  The child's task exists
 * before its thread starts, so the parent can return its TID and a signal
 * can find it; its thread finishes the set-up in the child's own context.
 */
#include <asm/fpu.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>
#include <pallas/vfs.h>
#include <pallas/waitqueue.h>

#include "personality.h"
#include "proc.h"
#include "rlimit.h"
#include "rseq.h"
#include "signal.h"
#include "sys.h"

/* What Pallas does not have, refused as Linux refuses what it cannot do. */
#define CLONE_UNSUPPORTED                                                                      \
	(LINUX_CLONE_NEWNS | LINUX_CLONE_NEWCGROUP | LINUX_CLONE_NEWUTS | LINUX_CLONE_NEWIPC | \
	 LINUX_CLONE_NEWUSER | LINUX_CLONE_NEWPID | LINUX_CLONE_NEWNET | LINUX_CLONE_PIDFD |   \
	 LINUX_CLONE_INTO_CGROUP | LINUX_CLONE_PTRACE)
#define CLONE_KNOWN                                                                                \
	(LINUX_CLONE_VM | LINUX_CLONE_FS | LINUX_CLONE_FILES | LINUX_CLONE_SIGHAND |               \
	 LINUX_CLONE_VFORK | LINUX_CLONE_PARENT | LINUX_CLONE_THREAD | LINUX_CLONE_SYSVSEM |       \
	 LINUX_CLONE_SETTLS | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID |             \
	 LINUX_CLONE_DETACHED | LINUX_CLONE_UNTRACED | LINUX_CLONE_CHILD_SETTID | LINUX_CLONE_IO | \
	 LINUX_CLONE_CLEAR_SIGHAND | CLONE_UNSUPPORTED)

struct clone_req {
	uint64_t flags;
	int exit_signal;
	uint64_t stack, parent_tid, child_tid, tls;
};

/* What the child's thread starts from, owned by it once started. */
struct clone_start {
	struct task *task;
	uint64_t flags, child_tid;
	uint64_t fs_base, gs_base;
	struct trap_frame frame;
	uint8_t fpu[FPU_IMAGE_MAX] __attribute__((aligned(64))); /* thread_fpu_size() used */
};

static void clone_thread(void *arg)
{
	struct clone_start *cs = arg;
	struct task *k = cs->task;
	struct proc *p = k->proc;
	struct trap_frame f = cs->frame;

	/* Under the lock, so a sender either sees the thread (and interrupts
	 * it) or left the signal pending for the check below. */
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	k->thread = thread_current();
	thread_set_nice(k->thread, p->nice); /* a renice sees it from now */
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	thread_set_aspace(p->as);
	if (!personality_enter(k, cs->fpu)) {
		kfree(cs);
		task_exit(linux_status_signaled(LINUX_SIGKILL));
	}
	user_set_fs_base(cs->fs_base);
	user_set_gs_base(cs->gs_base);
	k->fs_base = cs->fs_base;
	k->gs_base = cs->gs_base;
	if (cs->flags & LINUX_CLONE_CHILD_SETTID)
		(void)copy_to_user((void *)cs->child_tid, &k->tid, sizeof(k->tid));
	kfree(cs);
	/* A signal sent before this thread ran is taken before its first
	 * instruction, as if it had come in from the kernel. */
	thread_interrupt(thread_current());
	personality_exit_to_user(&f);
	user_enter(&f);
}

/* The new process's parts, shared or copied from p, set under c->lock
 * (/proc may already look at c). */
static int copy_parts(struct proc *c, struct proc *p, uint64_t flags)
{
	struct aspace *as;
	struct fdtable *files;
	struct vfs_context *fs;

	if (flags & LINUX_CLONE_VM) {
		aspace_get(p->as);
		as = p->as;
	} else if (!(as = aspace_fork(p->as))) {
		return -ENOMEM;
	}
	if (flags & LINUX_CLONE_FILES) {
		fdtable_get(p->files);
		files = p->files;
	} else {
		files = fdtable_clone(p->files);
	}
	if (flags & LINUX_CLONE_FS) {
		vfs_context_get(p->fs);
		fs = p->fs;
	} else {
		fs = vfs_context_clone(p->fs);
	}
	unsigned long lf = spin_lock_irqsave(&c->lock);
	c->as = as;
	c->files = files;
	c->fs = fs;
	spin_unlock_irqrestore(&c->lock, lf);
	if (!files || !fs)
		return -ENOMEM;
	proc_copy_exec_info(c, p);
	c->brk_start = p->brk_start;
	c->brk = p->brk;
	c->mmap_base = p->mmap_base;
	c->membarrier_reg = __atomic_load_n(&p->membarrier_reg, __ATOMIC_RELAXED);
	c->did_exec = false;
	memcpy(c->comm, p->comm, sizeof(c->comm));
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	/* CLONE_SIGHAND without CLONE_THREAD would share the actions; they are
	 * copied here, which only differs if one side changes them later. */
	memcpy(c->act, p->act, sizeof(c->act));
	if (flags & LINUX_CLONE_CLEAR_SIGHAND)
		for (int i = 0; i < LINUX_NSIG; i++)
			if (c->act[i].handler != LINUX_SIG_IGN)
				c->act[i] = (struct linux_sigaction){0};
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	return 0;
}

/* A process that never ran: its parts go back and it is reaped. */
static void discard_proc(struct proc *c)
{
	proc_release_parts(c);
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	c->state = PROC_ZOMBIE;
	c->exited = true;
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	proc_reap(c);
}

/*
 * A vfork parent waits until its child execs or ends, but, as on Linux, a
 * fatal signal ends the wait: the child then must not complete a
 * completion on a stack that is gone, so the parent takes it back first
 * (or, if the child got there first, waits the moment it takes).  Other
 * signals wait for the end of the vfork; its interruption is kept for the
 * way out.
 */
static void vfork_wait(struct proc *c, struct completion *done)
{
	struct proc *p = proc_current();
	bool interrupted = false;

	while (wait_event_interruptible(&done->wq, completion_done(done))) {
		if (proc_group_exiting(p) || proc_exec_killing(p)) {
			struct completion *mine = done;
			if (__atomic_compare_exchange_n(&c->vfork_done, &mine, NULL, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				break;
			wait_for_completion(done);
			break;
		}
		thread_interrupt_clear();
		interrupted = true;
	}
	if (interrupted)
		thread_interrupt(thread_current());
	proc_put(c);
}

static int check_flags(const struct clone_req *r)
{
	uint64_t f = r->flags;

	if (f & ~CLONE_KNOWN)
		return -EINVAL;
	if (f & CLONE_UNSUPPORTED)
		return -EINVAL;
	if ((f & LINUX_CLONE_THREAD) && !(f & LINUX_CLONE_SIGHAND))
		return -EINVAL;
	if ((f & LINUX_CLONE_SIGHAND) && !(f & LINUX_CLONE_VM))
		return -EINVAL;
	if ((f & LINUX_CLONE_CLEAR_SIGHAND) && (f & LINUX_CLONE_SIGHAND))
		return -EINVAL;
	if (r->exit_signal < 0 || r->exit_signal > LINUX_NSIG)
		return -EINVAL;
	return 0;
}

static long do_clone(const struct clone_req *r)
{
	struct task *self = task_current();
	struct proc *p = self->proc, *c;
	struct completion vfork_done;
	int err = check_flags(r);

	if (err)
		return err;
	if (!rlimit_nproc_ok(p))
		return -EAGAIN;
	struct clone_start *cs = kzalloc(sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	if (r->flags & LINUX_CLONE_THREAD) {
		c = p; /* held for this call */
		proc_get(c);
	} else {
		c = proc_create((r->flags & LINUX_CLONE_PARENT) && p->parent ? p->parent : p);
		if (!c) {
			kfree(cs);
			return -EAGAIN;
		}
		c->exit_signal = r->exit_signal;
		c->nice =
		    p->nice; /* the caller's, even when CLONE_PARENT makes another the parent */
		if ((err = copy_parts(c, p, r->flags))) {
			discard_proc(c);
			kfree(cs);
			return err;
		}
	}
	struct task *k = task_create(c, NULL);
	if (!k) {
		if (c != p)
			discard_proc(c);
		else
			proc_put(c);
		kfree(cs);
		return -EAGAIN;
	}
	k->sigblocked = self->sigblocked;
	if ((r->flags & (LINUX_CLONE_VM | LINUX_CLONE_VFORK)) != LINUX_CLONE_VM)
		k->altstack = self->altstack;
	if (r->flags & LINUX_CLONE_CHILD_CLEARTID)
		k->clear_child_tid = r->child_tid;
	rseq_fork(k, self, r->flags);
	int tid = k->tid;

	cs->task = k;
	cs->flags = r->flags;
	cs->child_tid = r->child_tid;
	cs->frame = *user_frame();
	cs->frame.rax = 0;
	if (r->stack)
		cs->frame.rsp = r->stack;
	cs->fs_base = (r->flags & LINUX_CLONE_SETTLS) ? r->tls : self->fs_base;
	cs->gs_base = self->gs_base;
	thread_fpu_save(cs->fpu);
	if (r->flags & LINUX_CLONE_VFORK) {
		completion_init(&vfork_done);
		c->vfork_done = &vfork_done;
		proc_get(c); /* vfork_wait's, against a reap by another thread */
	}
	if (r->flags & LINUX_CLONE_PARENT_SETTID)
		(void)copy_to_user((void *)r->parent_tid, &tid, sizeof(tid));

	struct thread *t = thread_create_on(clone_thread, cs, NULL, c->comm[0] ? c->comm : "task",
					    thread_pinned_cpu(thread_current())); /* its affinity */
	if (!t) {
		/* The task never ran: it ends as if it had exited at once. */
		unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
		list_remove(&k->proc_node);
		k->exiting = true;
		bool last = --c->nr_tasks == 0;
		spin_unlock_irqrestore(&proc_tree_lock, irq);
		if (tid != c->pid)
			proc_tid_free(tid);
		task_put(k);
		if (c == p)
			proc_put(c);
		else if (last)
			discard_proc(c);
		kfree(cs);
		return -EAGAIN;
	}
	thread_detach(t);
	if (r->flags & LINUX_CLONE_VFORK)
		vfork_wait(c, &vfork_done);
	/* A new process's first reference is its parent's until the reap. */
	if (c == p)
		proc_put(c);
	return tid;
}

/* clone(flags, stack, parent_tid, child_tid, tls): x86-64's order. */
long sys_clone(const struct syscall_args *a)
{
	struct clone_req r = {.flags = a->a[0] & ~LINUX_CSIGNAL,
			      .exit_signal = (int)(a->a[0] & LINUX_CSIGNAL),
			      .stack = a->a[1],
			      .parent_tid = a->a[2],
			      .child_tid = a->a[3],
			      .tls = a->a[4]};

	if (r.flags & LINUX_CLONE_CLEAR_SIGHAND)
		return -EINVAL; /* only clone3 has the bit */
	return do_clone(&r);
}

long sys_clone3(const struct syscall_args *a)
{
	struct linux_clone_args ca = {0};
	size_t size = a->a[1];

	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_user(&ca, (void *)a->a[0], MIN(size, sizeof(ca))))
		return -EFAULT;
	/* Fields past what Pallas knows must be zero (Linux's rule). */
	for (size_t off = sizeof(ca); off < size; off++) {
		uint8_t b;
		if (copy_from_user(&b, (void *)(a->a[0] + off), 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (ca.exit_signal & ~LINUX_CSIGNAL || ca.set_tid || ca.set_tid_size || ca.cgroup)
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	struct clone_req r = {.flags = ca.flags,
			      .exit_signal = (int)ca.exit_signal,
			      .stack = ca.stack ? ca.stack + ca.stack_size : 0,
			      .parent_tid = ca.parent_tid,
			      .child_tid = ca.child_tid,
			      .tls = ca.tls};
	if (r.flags & LINUX_CSIGNAL)
		return -EINVAL;
	return do_clone(&r);
}

long sys_fork(const struct syscall_args *a)
{
	struct clone_req r = {.exit_signal = LINUX_SIGCHLD};

	return do_clone(&r);
}

long sys_vfork(const struct syscall_args *a)
{
	struct clone_req r = {.flags = LINUX_CLONE_VM | LINUX_CLONE_VFORK,
			      .exit_signal = LINUX_SIGCHLD};

	return do_clone(&r);
}
