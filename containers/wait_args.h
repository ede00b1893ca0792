/*
 * What the waiting calls share (wait_args.c): poll, select and epoll_wait
 * timeouts turned into clock_ns() deadlines and back, and the temporary
 * signal mask of ppoll, pselect6 and epoll_pwait.
 */
#ifndef CONTAINERS_WAIT_ARGS_H
#define CONTAINERS_WAIT_ARGS_H

#include <pallas/types.h>

/* No deadline, as pallas/poll.h's poll_until takes it. */
#define WAIT_FOREVER UINT64_MAX

/* A millisecond timeout (negative: none) from now. */
uint64_t wait_deadline_ms(int64_t ms);
/* A relative timeout of ns from now, saturating. */
uint64_t wait_deadline_ns(uint64_t ns);
/* A user struct timespec (NULL: none) as a deadline: 0, -EFAULT, -EINVAL. */
int wait_deadline_timespec(uintptr_t uts, uint64_t *deadline);
/* A user struct timespec as nanoseconds (an absolute time, say),
 * saturating: 0, -EFAULT, -EINVAL. */
int wait_timespec_ns(uintptr_t uts, uint64_t *ns);
/* A user struct timeval (NULL: none) as a deadline: 0, -EFAULT, -EINVAL. */
int wait_deadline_timeval(uintptr_t utv, uint64_t *deadline);
/* What is left of deadline, written back as Linux's ppoll/pselect6
 * (timespec) and select (timeval) do; a fault there is ignored, as Linux
 * ignores it, the call having happened. */
void wait_put_remaining_timespec(uintptr_t uts, uint64_t deadline);
void wait_put_remaining_timeval(uintptr_t utv, uint64_t deadline);
/* A user sigset (NULL: none) of size bytes made the task's mask for the
 * rest of the call: 0, -EINVAL (size is not 8), -EFAULT. */
int wait_temporary_sigmask(uintptr_t umask, uint64_t size);

#endif
