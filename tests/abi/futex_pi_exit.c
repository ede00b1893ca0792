/* PI mutexes contended by threads that unlock and then end, round after
 * round: a LOCK_PI that read an owner which has since unlocked and ended
 * must look at the word again, not say ESRCH (glibc's pthread_mutex_lock
 * then sleeps for good, so the bug shows as a hang). */
#include "abi.h"
#include <pthread.h>

#define ROUNDS	200
#define THREADS 4
#define LOCKS	25

static pthread_mutex_t pm;
static long counter;

static void *adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < LOCKS; i++) {
		pthread_mutex_lock(&pm);
		counter++;
		pthread_mutex_unlock(&pm);
	}
	return NULL; /* ends right after its last unlock */
}

int main(int argc, char **argv)
{
	pthread_mutexattr_t a;
	pthread_t t[THREADS];

	scratch(argc, argv);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pm, &a);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < THREADS; i++)
			pthread_create(&t[i], NULL, adder, NULL);
		for (int i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
	}
	printf(
	    "PI mutex, %d rounds of %d threads ending after their last unlock: counter %ld of %d\n",
	    ROUNDS, THREADS, counter, ROUNDS * THREADS * LOCKS);
	return 0;
}
