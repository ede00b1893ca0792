/* The Linux personality's entry from ring 3 (containers/personality.c). */
#ifndef CONTAINERS_PERSONALITY_H
#define CONTAINERS_PERSONALITY_H

#include <pallas/types.h>

struct task;

/* The calling thread becomes task k: its system calls and faults are
 * Linux's from now on, and it has x87/SSE state of its own, starting as
 * fpu (FXSAVE64 image; NULL: as Linux starts a program, control word
 * 0x37f and MXCSR 0x1f80).  false when memory is out. */
bool personality_enter(struct task *k, const uint8_t fpu[512]);

/* How often an unknown system call number was asked for. */
uint64_t personality_enosys_count(unsigned nr);

#endif
