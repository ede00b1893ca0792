/*
 * CPU time of tasks and processes (cputime.c): the scheduler's run time of
 * their threads, user and kernel time together (Pallas does not split
 * them), with the calling thread's current run counted up to now.
 */
#ifndef CONTAINERS_CPUTIME_H
#define CONTAINERS_CPUTIME_H

#include <pallas/types.h>

struct proc;
struct task;

/* Every task of p, the ended ones too. */
uint64_t proc_cputime_ns(struct proc *p);
/* p's reaped children and their reaped children. */
uint64_t proc_children_cputime_ns(struct proc *p);
/* The calling thread's. */
uint64_t task_self_cputime_ns(void);

#endif
