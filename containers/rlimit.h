/*
 * The resource limits the personality enforces (containers/rlimit.c):
 * RLIMIT_NPROC at fork and clone, RLIMIT_AS and RLIMIT_DATA at brk and
 * mmap.  The others are kept for getrlimit and prlimit only.
 */
#ifndef CONTAINERS_RLIMIT_H
#define CONTAINERS_RLIMIT_H

#include <pallas/types.h>

struct proc;

/*
 * Whether p's user may have one more task (RLIMIT_NPROC): the tasks of every
 * process of its real UID that has not been reaped (a zombie counts as one,
 * as in Linux, where the count drops at release).  Unlike Linux, root is not
 * exempt: CT0's programs all run as root, and a fork bomb there must still
 * stop.  An infinite limit always allows.
 */
bool rlimit_nproc_ok(const struct proc *p);
/* The same under proc_tree_lock (proc_create: counted and inserted at once). */
bool rlimit_nproc_ok_locked(const struct proc *p);

/*
 * Whether p's address space may grow by len bytes mapped at addr: its total
 * size must stay within RLIMIT_AS.  fixed: the mapping replaces what is at
 * [addr, addr + len) (MAP_FIXED), which does not count twice; else addr is
 * only a hint and nothing is replaced.
 */
bool rlimit_as_ok(struct proc *p, uintptr_t addr, size_t len, bool fixed);

/* Whether the program break may be new_brk (RLIMIT_DATA: brk - brk_start;
 * Linux adds the data segment, which Pallas does not track). */
bool rlimit_data_brk_ok(const struct proc *p, uintptr_t new_brk);

#endif
