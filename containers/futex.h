/* Futexes (containers/futex.c): waiting on a user word, keyed by address
 * space and address. */
#ifndef CONTAINERS_FUTEX_H
#define CONTAINERS_FUTEX_H

#include <pallas/types.h>

struct aspace;

/* Wakes up to n waiters on (as, uaddr) whose bitset meets mask; how many. */
int futex_wake_bitset(struct aspace *as, uintptr_t uaddr, int n, uint32_t mask);
static inline int futex_wake(struct aspace *as, uintptr_t uaddr, int n)
{
	return futex_wake_bitset(as, uaddr, n, ~0u);
}

#endif
