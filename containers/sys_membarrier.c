/*
 * membarrier(cmd, flags, cpu_id), conservatively: every barrier is an IPI
 * to every other CPU (smp_call_others), whose handler runs a full fence;
 * the interrupt's return serializes the core, which covers SYNC_CORE.
 * Registrations are the process's (fork copies them, exec clears them, as
 * Linux's mm's); an expedited private command before its registration is
 * EPERM.  The RSEQ commands need rseq, which is not here: EINVAL, as a
 * kernel without CONFIG_RSEQ.
 */
#include <pallas/errno.h>
#include <pallas/smp.h>

#include "proc.h"
#include "sys.h"

#define MB_QUERY			   0
#define MB_GLOBAL			   (1 << 0)
#define MB_GLOBAL_EXPEDITED		   (1 << 1)
#define MB_REGISTER_GLOBAL_EXPEDITED	   (1 << 2)
#define MB_PRIVATE_EXPEDITED		   (1 << 3)
#define MB_REGISTER_PRIVATE_EXPEDITED	   (1 << 4)
#define MB_PRIVATE_EXPEDITED_SYNC_CORE	   (1 << 5)
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC (1 << 6)
#define MB_PRIVATE_EXPEDITED_RSEQ	   (1 << 7)
#define MB_GET_REGISTRATIONS		   (1 << 9)
#define MB_FLAG_CPU			   1
#define MB_SUPPORTED                                                                             \
	(MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | MB_PRIVATE_EXPEDITED | \
	 MB_REGISTER_PRIVATE_EXPEDITED | MB_PRIVATE_EXPEDITED_SYNC_CORE |                        \
	 MB_REGISTER_PRIVATE_EXPEDITED_SYNC | MB_GET_REGISTRATIONS)

static void fence(void *arg)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static long barrier_all(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (cpu_count() > 1)
		smp_call_others(fence, NULL);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static long private_expedited(struct proc *p, uint32_t needs)
{
	if (!(__atomic_load_n(&p->membarrier_reg, __ATOMIC_ACQUIRE) & needs))
		return -EPERM;
	return barrier_all();
}

long sys_membarrier(const struct syscall_args *a)
{
	int cmd = (int)a->a[0];
	unsigned flags = (unsigned)a->a[1];
	struct proc *p = proc_current();

	if (cmd == MB_PRIVATE_EXPEDITED_RSEQ ? flags && flags != MB_FLAG_CPU : flags != 0)
		return -EINVAL;
	switch (cmd) {
	case MB_QUERY:
		return MB_SUPPORTED;
	case MB_GLOBAL:
	case MB_GLOBAL_EXPEDITED:
		return barrier_all();
	case MB_REGISTER_GLOBAL_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED_SYNC:
		__atomic_fetch_or(&p->membarrier_reg, (uint32_t)cmd, __ATOMIC_RELEASE);
		return 0;
	case MB_PRIVATE_EXPEDITED:
		return private_expedited(p, MB_REGISTER_PRIVATE_EXPEDITED);
	case MB_PRIVATE_EXPEDITED_SYNC_CORE:
		return private_expedited(p, MB_REGISTER_PRIVATE_EXPEDITED_SYNC);
	case MB_GET_REGISTRATIONS:
		return __atomic_load_n(&p->membarrier_reg, __ATOMIC_ACQUIRE);
	default:
		return -EINVAL;
	}
}
