/*
 * rseq(2) and its hooks on the way out to ring 3 (rseq.h), after Linux's
 * kernel/rseq.c: registration per task; the critical-section fixup and the
 * CPU numbers written whenever the task was switched out since it last
 * looked (preempted, asleep or moved: user_switch_count), just registered,
 * or about to run a signal handler.  A fault or a bad descriptor there is
 * Linux's force_sigsegv.
 */
#include <pallas/errno.h>
#include <pallas/percpu.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#include "proc.h"
#include "rseq.h"
#include "signal.h"
#include "sys.h"

_Static_assert(sizeof(struct linux_rseq) == LINUX_RSEQ_ORIG_SIZE, "struct rseq");
_Static_assert(__builtin_offsetof(struct linux_rseq, mm_cid) + 4 == LINUX_RSEQ_FEATURE_SIZE,
	       "offsetof(struct rseq, end)");
_Static_assert(sizeof(struct linux_rseq_cs) == 32, "struct rseq_cs");

#define FIELD(f) ((uintptr_t) __builtin_offsetof(struct linux_rseq, f))

/* Linux's mm_cid is a small number unique among the process's running
 * threads; a process of one task has 0, any other gets its CPU's number
 * (unique too, but not compacted below the thread count).  clone of a
 * thread rewrites the caller's (rseq_fork), so two never share 0. */
static uint32_t mm_cid(const struct task *k, uint32_t cpu)
{
	return __atomic_load_n(&k->proc->nr_tasks, __ATOMIC_RELAXED) <= 1 ? 0 : cpu;
}

/* rseq_update_cpu_node_id: cpu_id_start, cpu_id, node_id, mm_cid. */
static int write_ids(struct task *k)
{
	uint32_t cpu = this_cpu()->id;
	uint32_t ids[2] = {cpu, cpu}, tail[2] = {0, mm_cid(k, cpu)};

	if (copy_to_user((void *)(k->rseq + FIELD(cpu_id_start)), ids, sizeof(ids)) ||
	    copy_to_user((void *)(k->rseq + FIELD(node_id)), tail, sizeof(tail)))
		return -EFAULT;
	return 0;
}

static int clear_cs(const struct task *k)
{
	uint64_t zero = 0;

	return copy_to_user((void *)(k->rseq + FIELD(rseq_cs)), &zero, sizeof(zero)) ? -EFAULT : 0;
}

/* rseq_ip_fixup: a critical section the task is inside is aborted. */
static int fixup(struct task *k, struct trap_frame *f)
{
	struct linux_rseq area;
	struct linux_rseq_cs cs;
	uint32_t found;

	if (copy_from_user(&area, (const void *)k->rseq, sizeof(area)))
		return -EFAULT;
	if (!area.rseq_cs)
		return 0; /* Linux would write the 0 again */
	if (area.rseq_cs >= USER_TOP)
		return -EINVAL;
	if (copy_from_user(&cs, (const void *)area.rseq_cs, sizeof(cs)))
		return -EFAULT;
	int err = rseq_cs_check(&cs, USER_TOP);
	if (err)
		return err;
	if (copy_from_user(&found, (const void *)(cs.abort_ip - sizeof(found)), sizeof(found)))
		return -EFAULT;
	int v = rseq_cs_verdict(&cs, f->rip, found, k->rseq_sig, area.flags);
	if (v < 0)
		return v;
	if ((err = clear_cs(k)))
		return err;
	if (v == RSEQ_ABORT)
		f->rip = cs.abort_ip;
	return 0;
}

/* Linux's force_sigsegv(sig): fatal if it was SIGSEGV's own delivery. */
static void force_segv(struct task *k, int sig)
{
	if (sig == LINUX_SIGSEGV)
		proc_exit(linux_status_signaled(LINUX_SIGSEGV));
	signal_force_fault(LINUX_SIGSEGV, LINUX_SI_KERNEL, 0);
	k->rseq_segv = true;
}

/* __rseq_handle_notify_resume. */
static void notify(struct task *k, struct trap_frame *f, int sig)
{
	k->rseq_stale = false;
	k->rseq_switches = user_switch_count();
	if (fixup(k, f) || write_ids(k))
		force_segv(k, sig);
}

bool rseq_exit_to_user(struct trap_frame *f)
{
	struct task *k = task_current();

	if (k->rseq && (k->rseq_stale || k->rseq_switches != user_switch_count()))
		notify(k, f, 0);
	bool segv = k->rseq_segv;
	k->rseq_segv = false;
	return segv;
}

void rseq_signal_deliver(struct trap_frame *f, int sig)
{
	struct task *k = task_current();

	if (k->rseq)
		notify(k, f, sig);
}

void rseq_fork(struct task *child, struct task *parent, uint64_t clone_flags)
{
	if (!parent->rseq)
		return;
	if (clone_flags & LINUX_CLONE_VM) {
		/* A second task: the caller's mm_cid is its CPU's from now on,
		 * written before it runs ring 3 again (the new one may be on
		 * ring 3 already, and its mm_cid must differ). */
		parent->rseq_stale = true;
		return;
	}
	child->rseq = parent->rseq;
	child->rseq_len = parent->rseq_len;
	child->rseq_sig = parent->rseq_sig;
	child->rseq_stale = true;
}

static void forget(struct task *k)
{
	k->rseq = 0;
	k->rseq_len = 0;
	k->rseq_sig = 0;
	k->rseq_stale = false;
}

void rseq_exec(struct task *k)
{
	forget(k);
}

/* rseq(rseq, rseq_len, flags, sig), Linux 6.3+ (extensible length). */
long sys_rseq(const struct syscall_args *a)
{
	struct task *k = task_current();
	uintptr_t rseq = a->a[0];
	uint32_t len = (uint32_t)a->a[1], sig = (uint32_t)a->a[3];
	int flags = (int)a->a[2];

	if (flags & LINUX_RSEQ_FLAG_UNREGISTER) {
		if (flags & ~LINUX_RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		if (k->rseq != rseq || !k->rseq)
			return -EINVAL;
		if (len != k->rseq_len)
			return -EINVAL;
		if (sig != k->rseq_sig)
			return -EPERM;
		/* Every field back to its initial state; cpu_id says "not
		 * registered" to whoever reads it next. */
		uint32_t ids[2] = {0, LINUX_RSEQ_CPU_ID_UNINITIALIZED}, tail[2] = {0, 0};
		if (copy_to_user((void *)(rseq + FIELD(cpu_id_start)), ids, sizeof(ids)) ||
		    copy_to_user((void *)(rseq + FIELD(node_id)), tail, sizeof(tail)))
			return -EFAULT;
		forget(k);
		return 0;
	}
	if (flags)
		return -EINVAL;
	if (k->rseq) {
		if (k->rseq != rseq || len != k->rseq_len)
			return -EINVAL;
		if (sig != k->rseq_sig)
			return -EPERM;
		return -EBUSY;
	}
	if (len < LINUX_RSEQ_ORIG_SIZE ||
	    (len == LINUX_RSEQ_ORIG_SIZE && rseq % LINUX_RSEQ_ORIG_SIZE) ||
	    (len != LINUX_RSEQ_ORIG_SIZE &&
	     (rseq % LINUX_RSEQ_ALIGN || len < LINUX_RSEQ_FEATURE_SIZE)))
		return -EINVAL;
	if (!user_range_ok(rseq, len))
		return -EFAULT;
	/* A stale rseq_cs (a libc reusing an area) is cleared, not failed. */
	uint64_t cs;
	if (copy_from_user(&cs, (const void *)(rseq + FIELD(rseq_cs)), sizeof(cs)))
		return -EFAULT;
	uint64_t zero = 0;
	if (cs && copy_to_user((void *)(rseq + FIELD(rseq_cs)), &zero, sizeof(zero)))
		return -EFAULT;
	k->rseq = rseq;
	k->rseq_len = len;
	k->rseq_sig = sig;
	k->rseq_stale = true; /* the CPU numbers, before ring 3 */
	return 0;
}
