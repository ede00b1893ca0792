/*
 * Robust futexes: get_robust_list, and the walk of a thread's robust list
 * when it exits or execs (set_robust_list is in sys_proc.c).  The list is
 * Linux's ABI (struct robust_list_head: the list's first entry, the offset
 * from an entry to its futex word, and list_op_pending, the entry being
 * locked or unlocked right now); bit 0 of an entry pointer marks a PI futex.
 * Each word the dying thread still owns (its TID in the low 30 bits) gets
 * FUTEX_OWNER_DIED instead of the TID, FUTEX_WAITERS kept, and one waiter
 * is woken, which then finds EOWNERDEAD.  Like Linux the walk stops at a
 * fault, a misaligned word, or after ROBUST_LIST_LIMIT entries (a loop).
 */
#include <pallas/errno.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#include "futex.h"
#include "futex_impl.h"
#include "proc.h"
#include "sys.h"

#define ROBUST_LIST_LIMIT 2048
#define ROBUST_HEAD_SIZE  24 /* struct robust_list_head on x86-64 */

/* An entry pointer and its PI bit. */
static int fetch_entry(uintptr_t at, uintptr_t *entry, bool *pi)
{
	uint64_t v;

	if (copy_from_user(&v, (const void *)at, sizeof(v)))
		return -EFAULT;
	*entry = (uintptr_t)(v & ~1ull);
	*pi = v & 1;
	return 0;
}

/* 0 to go on, -1 to stop the walk. */
static int owner_died(struct aspace *as, uintptr_t uaddr, uint32_t tid, bool pi, bool pending)
{
	uint32_t uval, cur;

	if (uaddr % 4)
		return -1;
	for (int tries = 0; tries < 1000; tries++) {
		if (copy_from_user(&uval, (const void *)uaddr, sizeof(uval)))
			return -1;
		/* Died between taking an unowned futex's pending slot and the
		 * lock: a waiter may have been meant to be woken. */
		if (pending && !pi && !uval) {
			futex_wake(as, uaddr, 1);
			return 0;
		}
		if ((uval & FUTEX_TID_MASK) != tid)
			return 0;
		uint32_t nv = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (cmpxchg_user32((uint32_t *)uaddr, uval, nv, &cur))
			return -1;
		if (cur != uval)
			continue;
		/* A PI waiter sleeps on the word here too (futex_pi.c). */
		if (uval & FUTEX_WAITERS)
			futex_wake(as, uaddr, 1);
		return 0;
	}
	return -1;
}

void futex_robust_release(struct task *k)
{
	uintptr_t head = k->robust_list, entry, next, pending;
	struct aspace *as = k->proc->as;
	uint32_t tid = (uint32_t)k->tid;
	bool pi, next_pi, pending_pi;
	int64_t offset;

	k->robust_list = 0;
	if (!head || !as)
		return;
	if (fetch_entry(head, &entry, &pi) ||
	    copy_from_user(&offset, (const void *)(head + 8), sizeof(offset)) ||
	    fetch_entry(head + 16, &pending, &pending_pi))
		return;
	for (unsigned n = 0; entry != head && n < ROBUST_LIST_LIMIT; n++) {
		/* The next one first: waking this one lets its entry be reused. */
		int rc = fetch_entry(entry, &next, &next_pi);
		if (entry != pending && owner_died(as, entry + (uintptr_t)offset, tid, pi, false))
			return;
		if (rc)
			return;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		owner_died(as, pending + (uintptr_t)offset, tid, pending_pi, true);
}

void futex_pi_exit(struct task *k)
{
	futex_pi_owner_gone((uint32_t)k->tid);
}

void futex_exec_release(struct task *k, struct aspace *next)
{
	if (!k->robust_list)
		return;
	thread_set_aspace(k->proc->as);
	futex_robust_release(k);
	thread_set_aspace(next);
}

/* Linux's ptrace_may_access(PTRACE_MODE_READ_REALCREDS) in its credential
 * part: another process's list only for root or a caller whose real IDs
 * are the target's real, effective and saved ones. */
static bool may_read(const struct proc *p)
{
	const struct cred *me = &proc_current()->cred, *c = &p->cred;

	if (p == proc_current() || me->euid == 0)
		return true;
	return me->uid == c->uid && me->uid == c->euid && me->uid == c->suid && me->gid == c->gid &&
	       me->gid == c->egid && me->gid == c->sgid;
}

/* get_robust_list(pid, head_ptr, len_ptr): 0 is the caller. */
long sys_get_robust_list(const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	uint64_t head, len = ROBUST_HEAD_SIZE;

	if (pid < 0)
		return -ESRCH;
	if (!pid) {
		head = task_current()->robust_list;
	} else {
		struct task *k = task_find_tid(pid);
		if (!k)
			return -ESRCH;
		bool ok = may_read(k->proc);
		head = k->robust_list;
		task_put(k);
		if (!ok)
			return -EPERM;
	}
	if (copy_to_user((void *)a->a[2], &len, sizeof(len)))
		return -EFAULT;
	if (copy_to_user((void *)a->a[1], &head, sizeof(head)))
		return -EFAULT;
	return 0;
}
