/*
 * Signals of the Linux personality: sending (signal.c), delivery on the
 * way out to ring 3 (signal.c), the handler's frame and rt_sigreturn
 * (signal_frame.c).  Process-directed signals are pending in the process
 * and taken by any task that does not block them; thread-directed ones
 * (tgkill, faults) by their task.  All state is under proc_tree_lock.
 */
#ifndef CONTAINERS_SIGNAL_H
#define CONTAINERS_SIGNAL_H

#include <asm/trap.h>
#include <pallas/types.h>

#include "uapi/linux_signal.h"

struct proc;
struct task;
struct sigpending;

/* Bit sig-1 of a sigset is signal sig, as in Linux's 64-bit sigset_t. */
#define SIGBIT(sig)	(1ull << ((sig)-1))
#define SIG_UNBLOCKABLE (SIGBIT(LINUX_SIGKILL) | SIGBIT(LINUX_SIGSTOP))

/*
 * ppoll, pselect6, epoll_pwait and rt_sigsuspend: the calling task blocks
 * mask (SIGKILL and SIGSTOP never) for the rest of the call; its own mask
 * comes back on the way out to ring 3, after any signal the call let in
 * has been delivered, as Linux's restore_sigmask does.
 */
void signal_set_temporary_mask(uint64_t mask);

/* Sends sig (1..64; 0 only checks) to process p, or to one task k of it.
 * info NULL: sent by the kernel (SI_KERNEL).  0 or -EINVAL.  The _locked
 * forms are for callers holding proc_tree_lock. */
int signal_send_proc(struct proc *p, int sig, const struct linux_siginfo *info);
int signal_send_proc_locked(struct proc *p, int sig, const struct linux_siginfo *info);
int signal_send_task(struct task *k, int sig, const struct linux_siginfo *info);
/* To every process of group pgid: -ESRCH if it has none. */
int signal_send_pgrp(int pgid, int sig, const struct linux_siginfo *info);

/* A synchronous fault of the calling task: taken next, even if blocked or
 * ignored (then with the default action, as Linux's force_sig does). */
void signal_force_fault(int sig, int code, uint64_t addr);

/* Under proc_tree_lock, from the exit of p: its parent gets exit_signal. */
void signal_notify_parent_locked(struct proc *p, int status);

/* After the calling task changed its own mask: if that let a pending
 * signal through, its way out to ring 3 takes it. */
void signal_recalc_self(void);

/*
 * The pending queues (struct sigpending, proc.h), under proc_tree_lock.
 * take: the lowest signal of set pending for k (its own before its
 * process's), its oldest instance's siginfo in *info; 0 if none.  discard:
 * every signal of set goes from p and its tasks.  flush: all of q (a
 * queue of p or of one of its tasks) goes.  The timer calls: the pending
 * instance of sig that POSIX timer timerid sent, and its removal.
 */
int signal_take_locked(struct task *k, uint64_t set, struct linux_siginfo *info);
void signal_discard_locked(struct proc *p, uint64_t set);
void signal_flush_locked(struct proc *p, struct sigpending *q);
struct linux_siginfo *signal_find_timer_locked(struct sigpending *q, int sig, int timerid);
void signal_drop_timer_locked(struct proc *p, struct sigpending *q, int sig, int timerid);

/* Whether the calling task has a signal it would take now, or is to end. */
bool signal_pending(void);

/* Whether every member of group pgid has its parent inside the group or
 * outside the session (POSIX's orphaned group); under proc_tree_lock. */
bool pgrp_orphaned_locked(int pgid, int sid);

/* The way out to ring 3: pending signals are taken (a handler's frame is
 * built on the user stack, or the default action happens), an interrupted
 * system call is restarted or fails with EINTR, a temporary mask goes. */
void signal_deliver(struct trap_frame *f);

/* signal_frame.c: the frame a handler runs on, and its undoing. */
int signal_frame_setup(struct trap_frame *f, int sig, const struct linux_siginfo *info,
		       const struct linux_sigaction *act, uint64_t oldmask);
long signal_frame_return(struct trap_frame *f);
/* The most a signal frame takes (AT_MINSIGSTKSZ): the frame, the FPU state
 * and their alignment, as Linux counts it. */
uint64_t signal_frame_max_size(void);

#endif
