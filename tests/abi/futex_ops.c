/* The futex operations through raw syscall(SYS_futex): WAKE_OP's encoded
 * operations and comparison, REQUEUE and CMP_REQUEUE, WAIT_BITSET and
 * WAKE_BITSET with their bitsets and absolute CLOCK_MONOTONIC and
 * FUTEX_CLOCK_REALTIME deadlines, and the error codes. */
#include "abi.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

static long fx(void *uaddr, int op, uint32_t val, const void *ts_or_val2, void *uaddr2,
	       uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

struct waiter {
	pthread_t t;
	uint32_t *w;
	uint32_t val, bitset;
	long ret;
	int err;
	int done;
};

static void *wait_thread(void *arg)
{
	struct waiter *x = arg;
	long r = fx(x->w, FUTEX_WAIT_BITSET_PRIVATE, x->val, NULL, NULL, x->bitset);
	x->err = r < 0 ? errno : 0;
	x->ret = r;
	__atomic_store_n(&x->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static struct waiter ws[8];
static int nws;

static void start(uint32_t *w, uint32_t bitset)
{
	struct waiter *x = &ws[nws++];
	*x = (struct waiter){.w = w, .val = __atomic_load_n(w, __ATOMIC_SEQ_CST), .bitset = bitset};
	pthread_create(&x->t, NULL, wait_thread, x);
}

/* Time for the waiters to be asleep in the kernel. */
static void settle(void)
{
	usleep(100000);
}

static int finished(void)
{
	int n = 0;
	for (int i = 0; i < nws; i++)
		n += __atomic_load_n(&ws[i].done, __ATOMIC_SEQ_CST);
	return n;
}

/* Wakes everyone left (the words changed first), joins them all. */
static void finish(uint32_t *a, uint32_t *b)
{
	__atomic_add_fetch(a, 1000, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(b, 1000, __ATOMIC_SEQ_CST);
	while (finished() < nws) {
		fx(a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
		fx(b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
		usleep(1000);
	}
	for (int i = 0; i < nws; i++)
		pthread_join(ws[i].t, NULL);
	nws = 0;
}

static uint32_t w1, w2;

static void wake_op_values(void)
{
	static const struct {
		const char *name;
		int op, oparg;
		uint32_t before;
	} ops[] = {
	    {"SET 7", FUTEX_OP_SET, 7, 100},
	    {"ADD -3", FUTEX_OP_ADD, -3, 100},
	    {"OR 0x30", FUTEX_OP_OR, 0x30, 0x103},
	    {"ANDN 0x3", FUTEX_OP_ANDN, 0x3, 0x107},
	    {"XOR 0xff", FUTEX_OP_XOR, 0xff, 0x1f0},
	    {"SET 1<<10", FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 10, 0},
	    {"OR 1<<31", FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 31, 1},
	};
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		w2 = ops[i].before;
		long r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &w2,
			    FUTEX_OP(ops[i].op, ops[i].oparg, FUTEX_OP_CMP_EQ, 0));
		printf("WAKE_OP %s on %#x: %ld, now %#x\n", ops[i].name, ops[i].before, r, w2);
	}
	static const char *cmps[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};
	/* Each comparison of the old value 5 with 5 and with -2, shown by
	 * whether the waiter on w2 is woken. */
	for (int c = 0; c <= 5; c++) {
		for (int k = 0; k < 2; k++) {
			int cmparg = k ? -2 : 5;
			w2 = 5;
			start(&w2, ~0u);
			settle();
			long r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &w2,
				    FUTEX_OP(FUTEX_OP_SET, 5, c, cmparg & 0xfff));
			printf("WAKE_OP CMP_%s old 5 vs %d: woke %ld\n", cmps[c], cmparg, r);
			finish(&w1, &w2);
		}
	}
}

static void wake_op_waiters(void)
{
	w1 = 10;
	w2 = 20;
	start(&w1, ~0u);
	start(&w1, ~0u);
	start(&w2, ~0u);
	start(&w2, ~0u);
	start(&w2, ~0u);
	settle();
	long r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)2L, &w2,
		    FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 20));
	printf("WAKE_OP 1 on w1, 2 on w2 if w2 was 20: %ld, w2 now %u\n", r, w2);
	r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 5, (void *)5L, &w2,
	       FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 20));
	printf("again, the comparison false: %ld, w2 now %u\n", r, w2);
	settle();
	printf("finished so far: %d\n", finished());
	finish(&w1, &w2);
}

static void wake_op_errors(void *ro, void *unmapped)
{
	w2 = 3;
	err("WAKE_OP op 6", fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &w2,
			       (6u << 28) | (FUTEX_OP_CMP_EQ << 24)));
	printf("  w2 %u\n", w2);
	err("WAKE_OP cmp 7",
	    fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &w2, FUTEX_OP(FUTEX_OP_SET, 9, 7, 0)));
	printf("  w2 %u (the operation is done before the comparison)\n", w2);
	err("WAKE_OP on a read-only word",
	    fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, ro, FUTEX_OP(FUTEX_OP_SET, 1, 0, 0)));
	err("WAKE_OP on an unmapped word", fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, unmapped,
					      FUTEX_OP(FUTEX_OP_SET, 1, 0, 0)));
	err("WAKE_OP on a misaligned word", fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L,
					       (char *)&w2 + 2, FUTEX_OP(FUTEX_OP_SET, 1, 0, 0)));
}

static void requeue(void)
{
	w1 = 1;
	w2 = 2;
	for (int i = 0; i < 3; i++)
		start(&w1, ~0u);
	settle();
	val("REQUEUE 3 waiters: wake 1, move 1",
	    fx(&w1, FUTEX_REQUEUE_PRIVATE, 1, (void *)1L, &w2, 0));
	settle();
	val("  then WAKE w1", fx(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	val("  then WAKE w2", fx(&w2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	finish(&w1, &w2);

	w1 = 1;
	w2 = 2;
	for (int i = 0; i < 4; i++)
		start(&w1, ~0u);
	settle();
	err("CMP_REQUEUE, the word not val3",
	    fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &w2, 7));
	val("CMP_REQUEUE 4 waiters: wake 1, move 2",
	    fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &w2, 1));
	settle();
	val("  then WAKE w1", fx(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	val("  then WAKE w2", fx(&w2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	finish(&w1, &w2);

	w1 = 1;
	for (int i = 0; i < 2; i++)
		start(&w1, ~0u);
	settle();
	val("CMP_REQUEUE onto the same word: wake 0, move 5",
	    fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)5L, &w1, 1));
	val("  then WAKE w1", fx(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	finish(&w1, &w2);
	err("CMP_REQUEUE wake -1", fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, -1, (void *)1L, &w2, w1));
	err("CMP_REQUEUE move -1", fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1L, &w2, w1));
	err("CMP_REQUEUE to a misaligned word",
	    fx(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, (char *)&w2 + 1, w1));
}

static void bitsets(void)
{
	w1 = 5;
	start(&w1, 1);
	start(&w1, 2);
	start(&w1, 4);
	start(&w1, 6);
	settle();
	val("WAKE_BITSET 0x8 (nobody's)", fx(&w1, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 8));
	val("WAKE_BITSET 0x2", fx(&w1, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 2));
	val("WAKE_BITSET 0x5, at most 1", fx(&w1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 5));
	val("WAKE (all bits)", fx(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
	finish(&w1, &w2);
	err("WAIT_BITSET bitset 0", fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, w1, NULL, NULL, 0));
	err("WAKE_BITSET bitset 0", fx(&w1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
	/* A wake count of 0 still wakes one (Linux reads it as at least 1). */
	start(&w1, ~0u);
	start(&w1, ~0u);
	settle();
	val("WAKE count 0 with 2 waiters", fx(&w1, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0));
	finish(&w1, &w2);
}

static uint64_t ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct timespec at_ns(uint64_t t)
{
	return (struct timespec){(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};
}

static void timeouts(void)
{
	w1 = 0;
	uint64_t t0 = ns(CLOCK_MONOTONIC);
	struct timespec ts = at_ns(t0 + 30000000);
	err("WAIT_BITSET until monotonic +30 ms",
	    fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, ~0u));
	yes("  no sooner", ns(CLOCK_MONOTONIC) - t0 >= 30000000);
	uint64_t r0 = ns(CLOCK_REALTIME);
	t0 = ns(CLOCK_MONOTONIC);
	ts = at_ns(r0 + 30000000);
	err("WAIT_BITSET|CLOCK_REALTIME until wall +30 ms",
	    fx(&w1, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, ~0u));
	yes("  no sooner", ns(CLOCK_MONOTONIC) - t0 >= 29000000);
	ts = at_ns(ns(CLOCK_MONOTONIC) - 1000000);
	err("WAIT_BITSET until a past deadline",
	    fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, ~0u));
	ts = (struct timespec){0, 0};
	err("WAIT_BITSET until time 0", fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, ~0u));
	ts = (struct timespec){0, 1000000};
	t0 = ns(CLOCK_MONOTONIC);
	err("WAIT|CLOCK_REALTIME, relative 1 ms",
	    fx(&w1, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, 0));
	ts = (struct timespec){0, 1000000000};
	err("WAIT_BITSET, tv_nsec 10^9", fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, ~0u));
	ts = (struct timespec){-1, 0};
	err("WAIT_BITSET, tv_sec -1", fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, ~0u));
	err("WAIT, tv_sec -1", fx(&w1, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0));
	err("WAIT_BITSET, timeout unmapped",
	    fx(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, (void *)16, NULL, ~0u));
	/* A waiter woken before its deadline says 0. */
	start(&w1, ~0u);
	settle();
	val("WAKE_BITSET a waiter", fx(&w1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, ~0u));
	finish(&w1, &w2);
	printf("  its WAIT_BITSET returned %ld\n", ws[0].ret);
}

/* A signal with a handler during a wait: an untimed one restarts under
 * SA_RESTART, a timed one (relative or absolute) fails with EINTR. */
static volatile int handled;
static void on_usr1(int sig)
{
	handled++;
}

struct poker {
	pthread_t main;
	int wake; /* then change w1 and wake it */
};

static void *poke(void *arg)
{
	struct poker *p = arg;
	usleep(50000);
	pthread_kill(p->main, SIGUSR1);
	if (p->wake) {
		usleep(50000);
		__atomic_store_n(&w1, 1, __ATOMIC_SEQ_CST);
		fx(&w1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void interrupted(const char *what, int restart, int op, const struct timespec *ts,
			uint32_t val3)
{
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0};
	sigaction(SIGUSR1, &sa, NULL);
	struct poker p = {pthread_self(), restart && !ts};
	pthread_t t;
	w1 = 0;
	handled = 0;
	pthread_create(&t, NULL, poke, &p);
	long r = fx(&w1, op, 0, ts, NULL, val3);
	int e = errno;
	pthread_join(t, NULL);
	errno = e;
	val(what, r);
	printf("  handler ran: %d\n", handled);
}

static void signals(void)
{
	struct timespec rel = {2, 0};
	interrupted("untimed WAIT, SA_RESTART handler", 1, FUTEX_WAIT_PRIVATE, NULL, 0);
	interrupted("untimed WAIT, handler without SA_RESTART", 0, FUTEX_WAIT_PRIVATE, NULL, 0);
	interrupted("WAIT for 2 s, SA_RESTART handler", 1, FUTEX_WAIT_PRIVATE, &rel, 0);
	struct timespec abs = at_ns(ns(CLOCK_MONOTONIC) + 2000000000ull);
	interrupted("WAIT_BITSET until +2 s, SA_RESTART handler", 1, FUTEX_WAIT_BITSET_PRIVATE,
		    &abs, ~0u);
	signal(SIGUSR1, SIG_DFL);
}

static void errors(void *ro, void *unmapped)
{
	err("unknown op 99", fx(&w1, 99, 0, NULL, NULL, 0));
	err("FUTEX_FD", fx(&w1, 2, 0, NULL, NULL, 0));
	err("unknown op, misaligned word", fx((char *)&w1 + 1, 99, 0, NULL, NULL, 0));
	err("WAKE|CLOCK_REALTIME", fx(&w1, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
	err("WAKE_OP|CLOCK_REALTIME",
	    fx(&w1, FUTEX_WAKE_OP | FUTEX_CLOCK_REALTIME, 1, (void *)1L, &w2, 0));
	w1 = 4;
	err("WAIT, the word not val", fx(&w1, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0));
	err("WAIT_BITSET, the word not val", fx(&w1, FUTEX_WAIT_BITSET, 5, NULL, NULL, ~0u));
	err("WAIT on a read-only word, not val", fx(ro, FUTEX_WAIT, 5, NULL, NULL, 0));
	err("WAIT_PRIVATE on a read-only word, not val",
	    fx(ro, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0));
	val("WAKE_PRIVATE on a read-only word", fx(ro, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	err("WAIT on an unmapped word", fx(unmapped, FUTEX_WAIT, 0, NULL, NULL, 0));
	err("WAIT_PRIVATE on an unmapped word", fx(unmapped, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	err("WAKE (shared) on an unmapped word", fx(unmapped, FUTEX_WAKE, 1, NULL, NULL, 0));
	val("WAKE_PRIVATE on an unmapped word", fx(unmapped, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	err("WAKE on a kernel address",
	    fx((void *)0xffffffff81000000ul, FUTEX_WAKE, 1, NULL, NULL, 0));
	err("WAIT on a kernel address",
	    fx((void *)0xffffffff81000000ul, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	err("WAKE misaligned", fx((char *)&w1 + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	err("WAIT misaligned", fx((char *)&w1 + 2, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	/* Read-only anonymous memory: Linux refuses a shared futex there,
	 * reads it for a private one. */
	uint32_t *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *hole = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	need("mmap", ro == MAP_FAILED || hole == MAP_FAILED ? -1 : 0);
	*ro = 4;
	need("mprotect", mprotect(ro, 4096, PROT_READ));
	munmap(hole, 4096);
	wake_op_values();
	wake_op_waiters();
	wake_op_errors(ro, hole);
	requeue();
	bitsets();
	timeouts();
	signals();
	errors(ro, hole);
	return 0;
}
