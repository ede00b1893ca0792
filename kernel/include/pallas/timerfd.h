/*
 * timerfd (kernel/fs/timerfd.c): an interval timer (pallas/ktimer.h) as a
 * file.  Each expiration adds to a count; an 8-byte read takes the count,
 * waiting (interruptibly, -ERESTARTSYS) while it is 0, or -EAGAIN with
 * O_NONBLOCK; poll is POLLIN while it is not 0.  Times are clock_ns():
 * the Linux clocks and their absolute forms are the personality's.
 */
#ifndef PALLAS_TIMERFD_H
#define PALLAS_TIMERFD_H

#include <pallas/ktimer.h>
#include <pallas/types.h>

#define TFD_CLOEXEC  02000000 /* O_CLOEXEC */
#define TFD_NONBLOCK 00004000 /* O_NONBLOCK */

struct file;

/* flags: TFD_NONBLOCK (TFD_CLOEXEC is the descriptor's).  clock is the
 * caller's name for the clock it will give times on, kept for it. */
int timerfd_create(unsigned flags, int clock, struct file **out);
bool file_is_timerfd(const struct file *f);
int timerfd_clock(const struct file *f);
/* Sets f's timer (expires_ns 0: stops it) and forgets expirations not yet
 * read, as Linux's timerfd_settime; the old setting goes to *old. */
void timerfd_set(struct file *f, uint64_t expires_ns, uint64_t interval_ns,
		 struct ktimer_setting *old);
void timerfd_get(struct file *f, struct ktimer_setting *cur);

#endif
