/*
 * A process's timers: ITIMER_REAL (sys_itimer.c) and its POSIX timers
 * (sys_posix_timer.c), made on first use (proc_timers.c).  fork gives the
 * child none; exec keeps ITIMER_REAL and deletes the POSIX timers; the end
 * of the process stops them all before anything it holds goes.  Their
 * callbacks run in interrupt context and only send signals.
 */
#ifndef CONTAINERS_TIMERS_H
#define CONTAINERS_TIMERS_H

#include <pallas/ktimer.h>
#include <pallas/list.h>
#include <pallas/mutex.h>

#include "proc.h"

struct proc_timers {
	struct proc *proc;  /* not a reference: the timers go before it does */
	struct ktimer real; /* ITIMER_REAL: SIGALRM */
	/* ITIMER_VIRTUAL and ITIMER_PROF (sys_itimer.c): the process CPU time
	 * of the next expiry (0: stopped) and the interval, under cpu_poll's
	 * lock; cpu_poll checks them every CPU_POLL_NS while one runs. */
	struct ktimer cpu_poll;
	uint64_t cpu_expires[2], cpu_interval[2];
	struct mutex lock; /* posix and nr_posix, and every timer's user-side changes */
	struct list posix; /* struct posix_timer, by id */
	int nr_posix;
};

/* p's timers, made on first use; NULL when memory is out. */
struct proc_timers *proc_timers(struct proc *p);
/* exec (sys_exec.c, once the new image is in): the POSIX timers go. */
void proc_timers_exec(struct proc *p);
/* The end of p (exit.c proc_finish, thread context): every timer stops and goes. */
void proc_timers_exit(struct proc *p);

/* sys_posix_timer.c: deletes every POSIX timer of pt. */
void posix_timers_delete_all(struct proc_timers *pt);
void itimer_real_init(struct proc_timers *pt); /* and the CPU-time itimers */

/* timer_args.c: the Linux time structures of the timer calls.  A value is
 * nanoseconds, saturated at UINT64_MAX (centuries are as good as forever). */
struct linux_itimerspec;
int timer_args_get_spec(uint64_t uaddr, uint64_t *value_ns, uint64_t *interval_ns);
int timer_args_put_spec(uint64_t uaddr, const struct ktimer_setting *s);
/* Whether clk can drive a timer here: REALTIME, MONOTONIC, BOOTTIME (0),
 * a clock Linux has but not for timers (-EOPNOTSUPP), else -EINVAL. */
int timer_args_clock(int64_t clk);
/* The clock_ns() deadline of a value on clk (absolute, or from now): 0 for
 * a value of 0 (stop), never 0 otherwise. */
uint64_t timer_args_deadline(int64_t clk, bool absolute, uint64_t value_ns);

#endif
