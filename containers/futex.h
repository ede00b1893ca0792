/* Futexes (containers/futex.c): waiting on a user word, keyed by what the
 * address maps (see futex.c), and the robust lists a thread leaves behind
 * (futex_robust.c). */
#ifndef CONTAINERS_FUTEX_H
#define CONTAINERS_FUTEX_H

#include <pallas/types.h>

struct aspace;
struct task;

/* Wakes up to n waiters on the shared futex at uaddr in as (what
 * CLONE_CHILD_CLEARTID's and a robust list's wakes are); how many. */
int futex_wake(struct aspace *as, uintptr_t uaddr, int n);

/* At a thread's exit or exec, in its own address space: every robust
 * futex the task still holds (its set_robust_list list) is marked
 * FUTEX_OWNER_DIED and one waiter woken; the list is then forgotten. */
void futex_robust_release(struct task *k);
/* At a thread's exit, once it is marked exiting: the LOCK_PI waiters
 * behind it take over what it still holds (FUTEX_OWNER_DIED), as Linux's
 * exit_pi_state_list hands those locks on. */
void futex_pi_exit(struct task *k);
/* The same at exec's point of no return, running in the new address space
 * next, before the process's is replaced: the walk is done in the old one. */
void futex_exec_release(struct task *k, struct aspace *next);

#endif
