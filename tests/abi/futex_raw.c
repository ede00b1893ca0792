/* The futex call itself: WAIT on a changed word is EAGAIN, a timed WAIT
 * times out, WAKE reports how many it woke, bad arguments are refused. */
#include "abi.h"
#include <linux/futex.h>
#include <pthread.h>
#include <time.h>

static int word;

static long fx(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void *waker(void *arg)
{
	usleep(30000);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	long n = fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	return (void *)n;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	err("wait on a changed value", fx(&word, FUTEX_WAIT_PRIVATE, 1, NULL));
	struct timespec ts = {0, 20 * 1000 * 1000};
	err("timed wait", fx(&word, FUTEX_WAIT_PRIVATE, 0, &ts));
	val("wake with nobody waiting", fx(&word, FUTEX_WAKE_PRIVATE, 10, NULL));
	err("misaligned", fx((int *)((char *)&word + 1), FUTEX_WAKE, 1, NULL));
	err("bad timeout", fx(&word, FUTEX_WAIT, 0, &(struct timespec){0, 2000000000}));
	err("unmapped word", fx((int *)16, FUTEX_WAIT, 0, NULL));
	pthread_t t;
	pthread_create(&t, NULL, waker, NULL);
	/* Until the word changes: the waker may come before the first wait
	 * (EAGAIN then) or during it (0); either way nothing else may come. */
	long r = 0;
	int odd = 0;
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0) {
		r = fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			odd = 1;
	}
	void *woke;
	pthread_join(t, &woke);
	printf("woken once the word changed: yes, other errors: %d, waker woke at most one: %d\n",
	       odd, (long)woke <= 1);
	return 0;
}
