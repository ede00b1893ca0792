/*
 * A switch between two threads of one process: they pass a token through
 * a futex word, each waiting (FUTEX_WAIT) until the word names it and then
 * handing it over (store + FUTEX_WAKE).  On one CPU every handover is a
 * context switch; one op is one handover.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#define ROUNDS 10000ul /* two handovers each */

static volatile int turn; /* 0: main's turn, 1: the other thread's */

static void futex(volatile int *w, int op, int val)
{
	syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static void wait_for(int me)
{
	int t;

	while ((t = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != me)
		futex(&turn, FUTEX_WAIT, t);
}

static void hand_to(int other)
{
	__atomic_store_n(&turn, other, __ATOMIC_RELEASE);
	futex(&turn, FUTEX_WAKE, 1);
}

static void *other(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i <= ROUNDS; i++) {
		wait_for(1);
		hand_to(0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, other, NULL))
		bench_die("pthread_create");
	/* Warm-up round: both threads have run once. */
	hand_to(1);
	wait_for(0);
	uint64_t t0 = bench_now();
	for (unsigned long i = 0; i < ROUNDS; i++) {
		hand_to(1);
		wait_for(0);
	}
	uint64_t t1 = bench_now();
	if (pthread_join(th, NULL))
		bench_die("pthread_join");
	bench_report("thread_switch", 2 * ROUNDS, t0, t1);
	return 0;
}
