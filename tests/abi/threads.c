/* pthreads: threads share memory and the PID, have TIDs of their own and
 * TLS of their own; a mutex keeps a shared counter exact; join returns each
 * thread's value. */
#include "abi.h"
#include <pthread.h>

#define N      4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_var = 5;
static pid_t tids[N];

static void *worker(void *arg)
{
	long id = (long)arg;
	tls_var = (int)id * 100;
	tids[id] = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	return (void *)(long)(tls_var + (getpid() == tids[id] ? 1 : 0));
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pthread_t th[N];
	for (long i = 0; i < N; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			return 3;
	for (int i = 0; i < N; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		printf("thread %d returned %ld\n", i, (long)ret);
	}
	printf("counter %ld of %d\n", counter, N * ROUNDS);
	printf("main's tls still %d\n", tls_var);
	int distinct = 1;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			if (tids[i] == tids[j])
				distinct = 0;
	yes("TIDs distinct", distinct);
	return 0;
}
