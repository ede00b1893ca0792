/* PI futexes: FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI and UNLOCK_PI through
 * raw syscall(SYS_futex) (the owner's TID in the word, FUTEX_WAITERS,
 * EDEADLK on a self lock, EPERM on an unlock by another, ESRCH for an owner
 * that does not exist, timeouts), and glibc's PTHREAD_PRIO_INHERIT mutexes:
 * contended, timed, robust and process-shared. */
#include "abi.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static long fx(void *uaddr, int op, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, 0, ts, NULL, 0);
}

static uint32_t tid(void)
{
	return (uint32_t)syscall(SYS_gettid);
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

static uint32_t word;
static volatile int owner_has_it, owner_go;

/* Takes the word, holds it until told, unlocks through the kernel. */
static void *owner(void *arg)
{
	long r = fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL);
	owner_has_it = r == 0 ? 1 : -1;
	while (!owner_go)
		usleep(1000);
	usleep((long)arg);
	r = fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL);
	return (void *)r;
}

/* Takes the word and ends holding it. */
static void *owner_exits(void *arg)
{
	long r = fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL);
	owner_has_it = r == 0 ? 1 : -1;
	usleep(50000);
	return NULL;
}

static pthread_t start_owner(long hold_us)
{
	pthread_t t;
	owner_has_it = owner_go = 0;
	pthread_create(&t, NULL, owner, (void *)hold_us);
	while (!owner_has_it)
		usleep(1000);
	return t;
}

static void raw(void)
{
	word = 0;
	res("TRYLOCK_PI on 0", fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
	yes("  the word is our TID", word == tid());
	err("TRYLOCK_PI again", fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
	err("LOCK_PI on our own", fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL));
	res("UNLOCK_PI", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	printf("  the word: %#x\n", word);
	err("UNLOCK_PI of a free word", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	res("LOCK_PI on 0", fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL));
	yes("  the word is our TID", word == tid());
	word |= FUTEX_WAITERS;
	res("UNLOCK_PI with FUTEX_WAITERS and nobody waiting",
	    fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	printf("  the word: %#x\n", word);
	word = FUTEX_OWNER_DIED;
	res("LOCK_PI on an owner-died word", fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL));
	yes("  OWNER_DIED kept, our TID", word == (FUTEX_OWNER_DIED | tid()));
	res("  UNLOCK_PI", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	printf("  the word: %#x\n", word);
	word = 0x3ffffff0;
	err("LOCK_PI, owner TID that does not exist", fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL));
	err("TRYLOCK_PI, owner TID that does not exist", fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
	err("UNLOCK_PI of another TID's", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	word = 0;
	err("LOCK_PI misaligned", fx((char *)&word + 1, FUTEX_LOCK_PI_PRIVATE, NULL));
	err("LOCK_PI unmapped", fx((void *)16, FUTEX_LOCK_PI_PRIVATE, NULL));
	err("UNLOCK_PI unmapped", fx((void *)16, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	struct timespec bad = {0, 1000000000};
	err("LOCK_PI bad timeout", fx(&word, FUTEX_LOCK_PI_PRIVATE, &bad));
	err("LOCK_PI|CLOCK_REALTIME",
	    fx(&word, FUTEX_LOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, NULL));
	err("TRYLOCK_PI|CLOCK_REALTIME",
	    fx(&word, FUTEX_TRYLOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, NULL));

	/* Held by another thread. */
	pthread_t t = start_owner(0);
	err("TRYLOCK_PI held by another", fx(&word, FUTEX_TRYLOCK_PI_PRIVATE, NULL));
	err("UNLOCK_PI held by another", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	uint64_t t0 = ns(CLOCK_MONOTONIC);
	struct timespec ts = at_ns(ns(CLOCK_REALTIME) + 30000000);
	err("LOCK_PI until wall +30 ms", fx(&word, FUTEX_LOCK_PI_PRIVATE, &ts));
	yes("  no sooner", ns(CLOCK_MONOTONIC) - t0 >= 29000000);
	yes("  FUTEX_WAITERS set on the word", word & FUTEX_WAITERS);
	t0 = ns(CLOCK_MONOTONIC);
	ts = at_ns(t0 + 30000000);
	err("LOCK_PI2 until monotonic +30 ms", fx(&word, FUTEX_LOCK_PI2_PRIVATE, &ts));
	yes("  no sooner", ns(CLOCK_MONOTONIC) - t0 >= 30000000);
	ts = at_ns(ns(CLOCK_REALTIME) + 30000000);
	err("LOCK_PI2|CLOCK_REALTIME until wall +30 ms",
	    fx(&word, FUTEX_LOCK_PI2_PRIVATE | FUTEX_CLOCK_REALTIME, &ts));
	owner_go = 1;
	void *r;
	pthread_join(t, &r);
	printf("owner's UNLOCK_PI: %ld\n", (long)r);

	/* A waiter blocked in LOCK_PI gets the lock when the owner lets go. */
	word = 0;
	t = start_owner(50000);
	owner_go = 1;
	long l = fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL);
	printf("LOCK_PI blocked until the owner's unlock: %ld, ours now: %s\n", l,
	       (word & FUTEX_TID_MASK) == tid() ? "yes" : "no");
	pthread_join(t, &r);
	printf("owner's UNLOCK_PI: %ld\n", (long)r);
	res("UNLOCK_PI", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	printf("  the word: %#x\n", word);

	/* The owner ends holding it (not robust) while we wait in LOCK_PI:
	 * Linux hands it on, FUTEX_OWNER_DIED said in the word. */
	word = 0;
	owner_has_it = 0;
	pthread_create(&t, NULL, owner_exits, NULL);
	while (!owner_has_it)
		usleep(1000);
	l = fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL);
	pthread_join(t, NULL);
	printf("LOCK_PI, the owner ends meanwhile: %ld, ours now: %s, OWNER_DIED: %s\n", l,
	       (word & FUTEX_TID_MASK) == tid() ? "yes" : "no",
	       word & FUTEX_OWNER_DIED ? "yes" : "no");
	res("UNLOCK_PI", fx(&word, FUTEX_UNLOCK_PI_PRIVATE, NULL));
	printf("  the word: %#x\n", word);
	/* And with nobody waiting then: the dead TID stays, a LOCK_PI is ESRCH. */
	word = 0;
	owner_has_it = 0;
	pthread_create(&t, NULL, owner_exits, NULL);
	pthread_join(t, NULL);
	err("LOCK_PI after the owner ended", fx(&word, FUTEX_LOCK_PI_PRIVATE, NULL));
	word = 0;
}

static pthread_mutex_t pm;
static long counter;

static void init_pi(pthread_mutex_t *m, int type, int robust, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutexattr_settype(&a, type);
	if (robust)
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (pshared)
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static void *adder(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&pm);
		counter++;
		if (i % 250 == 0)
			sched_yield();
		pthread_mutex_unlock(&pm);
	}
	return NULL;
}

static void *lock_hold(void *arg)
{
	pthread_mutex_lock(&pm);
	owner_has_it = 1;
	if (arg)
		usleep((long)arg);
	else
		return NULL; /* dies holding it */
	pthread_mutex_unlock(&pm);
	return NULL;
}

static const char *rcname(int rc)
{
	return rc == 0 ? "0" : rc == EOWNERDEAD ? "EOWNERDEAD" : errname(rc);
}

static void glibc(void)
{
	pthread_t t[4];
	init_pi(&pm, PTHREAD_MUTEX_ERRORCHECK, 0, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("PI mutex, 4 threads: counter %ld of 8000\n", counter);
	pthread_mutex_lock(&pm);
	printf("errorcheck PI mutex locked twice: %s\n", rcname(pthread_mutex_lock(&pm)));
	pthread_mutex_unlock(&pm);
	printf("unlocked when not held: %s\n", rcname(pthread_mutex_unlock(&pm)));

	owner_has_it = 0;
	pthread_create(&t[0], NULL, lock_hold, (void *)200000L);
	while (!owner_has_it)
		usleep(1000);
	printf("trylock held by another: %s\n", rcname(pthread_mutex_trylock(&pm)));
	struct timespec ts = at_ns(ns(CLOCK_REALTIME) + 20000000);
	printf("timedlock held by another: %s\n", rcname(pthread_mutex_timedlock(&pm, &ts)));
	printf("lock, the owner unlocks later: %s\n", rcname(pthread_mutex_lock(&pm)));
	pthread_mutex_unlock(&pm);
	pthread_join(t[0], NULL);
	pthread_mutex_destroy(&pm);

	/* Robust and PI: the owner thread dies holding it. */
	init_pi(&pm, PTHREAD_MUTEX_NORMAL, 1, 0);
	owner_has_it = 0;
	pthread_create(&t[0], NULL, lock_hold, NULL);
	pthread_join(t[0], NULL);
	printf("robust PI, owner died: %s\n", rcname(pthread_mutex_lock(&pm)));
	printf("  consistent: %s\n", rcname(pthread_mutex_consistent(&pm)));
	printf("  unlock: %s\n", rcname(pthread_mutex_unlock(&pm)));
	printf("  lock: %s\n", rcname(pthread_mutex_lock(&pm)));
	pthread_mutex_unlock(&pm);

	/* Robust and PI, contended: blocked in the kernel when the owner dies. */
	init_pi(&pm, PTHREAD_MUTEX_NORMAL, 1, 0);
	owner_has_it = 0;
	pthread_create(&t[0], NULL, lock_hold, NULL);
	while (!owner_has_it)
		usleep(1000);
	pthread_join(t[0], NULL);
	printf("robust PI, owner died before: %s\n", rcname(pthread_mutex_lock(&pm)));
	pthread_mutex_consistent(&pm);
	pthread_mutex_unlock(&pm);
}

static void across_fork(void)
{
	pthread_mutex_t *m =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	need("mmap", m == MAP_FAILED ? -1 : 0);
	init_pi(m, PTHREAD_MUTEX_NORMAL, 1, 1);
	int p[2];
	char c;
	need("pipe", pipe(p));
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		pthread_mutex_lock(m);
		write(p[1], "x", 1);
		usleep(50000);
		pthread_mutex_unlock(m);
		pthread_mutex_lock(m);
		write(p[1], "y", 1);
		usleep(50000);
		_exit(0); /* holding it */
	}
	read(p[0], &c, 1);
	printf("shared PI, held by the child: %s\n", rcname(pthread_mutex_lock(m)));
	pthread_mutex_unlock(m);
	read(p[0], &c, 1);
	printf("shared robust PI, the child exits holding it: %s\n", rcname(pthread_mutex_lock(m)));
	int st;
	waitpid(pid, &st, 0);
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);
	munmap(m, 4096);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	raw();
	glibc();
	across_fork();
	return 0;
}
