/* The Linux personality's entry from ring 3 (containers/personality.c). */
#ifndef CONTAINERS_PERSONALITY_H
#define CONTAINERS_PERSONALITY_H

#include <pallas/types.h>

struct task;

/* The calling thread becomes task k: its system calls and faults are
 * Linux's from now on, and it has FPU state of its own, starting as fpu
 * (a thread_fpu_size() image, pallas/sched.h; NULL: as Linux starts a
 * program, control word 0x37f, MXCSR 0x1f80, the rest initial).  false
 * when memory is out. */
bool personality_enter(struct task *k, const uint8_t *fpu);
/* That start's x87/SSE state as an FXSAVE64 image (thread_fpu_enable). */
extern const uint8_t personality_fpu_init[512];

/* The way out to ring 3 of every task: signals, then rseq's fixup and
 * CPU numbers (the kernel's user_ops.exit_to_user; clone's new task calls
 * it before its first entry). */
struct trap_frame;
void personality_exit_to_user(struct trap_frame *f);

/* How often an unknown system call number was asked for. */
uint64_t personality_enosys_count(unsigned nr);

#endif
