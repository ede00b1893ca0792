/*
 * Signals of the Linux personality (containers/signal.c): what a blocking
 * call and the rest of the personality need of them.
 */
#ifndef CONTAINERS_SIGNAL_H
#define CONTAINERS_SIGNAL_H

#include <pallas/types.h>

/* Bit sig-1 of a sigset is signal sig, as in Linux's 64-bit sigset_t. */
#define SIGBIT(sig) (1ull << ((sig)-1))

/*
 * ppoll, pselect6, epoll_pwait and rt_sigsuspend: the calling task blocks
 * mask (SIGKILL and SIGSTOP never) for the rest of the call; its own mask
 * comes back on the way out to ring 3, after any signal the call let in
 * has been delivered, as Linux's restore_sigmask does.
 */
void signal_set_temporary_mask(uint64_t mask);

#endif
