/*
 * Mutexes: sleeping locks for threads (never for interrupt handlers).  The
 * unlocker hands the mutex straight to the oldest waiter, so waiters are
 * served in order and none starves.
 */
#ifndef PALLAS_MUTEX_H
#define PALLAS_MUTEX_H

#include <pallas/waitqueue.h>

struct mutex {
	struct waitqueue wq;
	struct thread *owner; /* under wq.lock */
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m); /* by the calling thread */

#endif
