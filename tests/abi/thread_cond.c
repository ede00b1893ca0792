/* Condition variables and futex waits with timeouts: a producer and a
 * consumer hand over 2000 items through a one-slot buffer, and a timed
 * wait that nobody signals times out. */
#include "abi.h"
#include <pthread.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int slot, full;
static long sum;

static void *consumer(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&m);
		while (!full)
			pthread_cond_wait(&cv, &m);
		sum += slot;
		full = 0;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pthread_t t;
	pthread_create(&t, NULL, consumer, NULL);
	for (int i = 1; i <= 2000; i++) {
		pthread_mutex_lock(&m);
		while (full)
			pthread_cond_wait(&cv, &m);
		slot = i;
		full = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&m);
	}
	pthread_join(t, NULL);
	printf("sum %ld\n", sum);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	int r = pthread_cond_timedwait(&cv, &m, &ts);
	pthread_mutex_unlock(&m);
	printf("timedwait: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : errname(r));
	return 0;
}
