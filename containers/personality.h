/* The Linux personality's entry from ring 3 (containers/personality.c). */
#ifndef CONTAINERS_PERSONALITY_H
#define CONTAINERS_PERSONALITY_H

#include <pallas/types.h>

struct task;

/* The calling thread becomes task k: its system calls and faults are
 * Linux's from now on, and it has x87/SSE state of its own.  false when
 * memory is out. */
bool personality_enter(struct task *k);

/* How often an unknown system call number was asked for. */
uint64_t personality_enosys_count(unsigned nr);

#endif
