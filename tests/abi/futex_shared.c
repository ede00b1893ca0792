/* Shared futexes between processes: a futex in MAP_SHARED memory is the
 * same futex in a parent and its forked child, and in two mappings of one
 * file at different addresses, while FUTEX_PRIVATE_FLAG keeps each
 * process's own.  glibc's process-shared condition variable, barrier and
 * semaphore work across fork on top of that. */
#include "abi.h"
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static long fx(void *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	need("mmap", p == MAP_FAILED ? -1 : 0);
	memset(p, 0, 4096);
	return p;
}

static int child_status(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The child waits on *w (shared or private); the parent wakes until it has
 * woken someone, or for a while.  The child's exit code says how its wait
 * ended: 0 woken, 1 timed out, 2 other. */
static void wake_child(const char *what, uint32_t *w, int wait_op, int wake_op)
{
	__atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		struct timespec ts = {1, 0};
		long r = fx(w, wait_op, 0, &ts);
		_exit(r == 0 ? 0 : errno == ETIMEDOUT ? 1 : 2);
	}
	long woken = 0;
	for (int i = 0; i < 400 && !woken; i++) {
		usleep(1000);
		woken = fx(w, wake_op, 1, NULL);
	}
	int st = child_status(pid);
	printf("%s: parent woke %ld, child %s\n", what, woken,
	       st == 0	 ? "woken"
	       : st == 1 ? "timed out"
			 : "failed");
}

static void cond_across_fork(void)
{
	struct shm {
		pthread_mutex_t m;
		pthread_cond_t c;
		int turn, sum;
	} *s = shared_page();
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->m, &ma);
	pthread_cond_init(&s->c, &ca);
	pid_t pid = fork();
	need("fork", pid);
	/* Ping-pong: the parent takes even turns, the child odd ones. */
	int me = pid == 0;
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&s->m);
		while (s->turn % 2 != me)
			pthread_cond_wait(&s->c, &s->m);
		s->sum += s->turn;
		s->turn++;
		pthread_cond_broadcast(&s->c);
		pthread_mutex_unlock(&s->m);
	}
	if (pid == 0)
		_exit(0);
	int st = child_status(pid);
	printf("process-shared cond: turns %d, sum %d, child %d\n", s->turn, s->sum, st);
	munmap(s, 4096);
}

static void barrier_across_fork(void)
{
	struct shm {
		pthread_barrier_t b;
		int phase[2];
		int bad;
	} *s = shared_page();
	pthread_barrierattr_t ba;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&s->b, &ba, 2);
	pid_t pid = fork();
	need("fork", pid);
	int me = pid == 0, serial = 0;
	for (int i = 0; i < 50; i++) {
		__atomic_store_n(&s->phase[me], i, __ATOMIC_SEQ_CST);
		if (me)
			usleep(200);
		if (pthread_barrier_wait(&s->b) == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
		/* Past the barrier the other side has reached phase i too. */
		if (__atomic_load_n(&s->phase[!me], __ATOMIC_SEQ_CST) < i)
			__atomic_store_n(&s->bad, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&s->b);
	}
	if (pid == 0)
		_exit(serial);
	int cs = child_status(pid);
	printf("process-shared barrier: out of order %d, serial waiters %d\n", s->bad, serial + cs);
	munmap(s, 4096);
}

static void sem_across_fork(void)
{
	struct shm {
		sem_t items, room;
		int slot;
		long sum;
	} *s = shared_page();
	sem_init(&s->items, 1, 0);
	sem_init(&s->room, 1, 1);
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		for (int i = 1; i <= 500; i++) {
			sem_wait(&s->room);
			s->slot = i;
			sem_post(&s->items);
		}
		_exit(0);
	}
	long sum = 0;
	for (int i = 0; i < 500; i++) {
		sem_wait(&s->items);
		sum += s->slot;
		sem_post(&s->room);
	}
	int st = child_status(pid);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	int r = sem_timedwait(&s->items, &ts);
	printf("process-shared semaphore: sum %ld, child %d, timed wait on none: %s\n", sum, st,
	       r == 0 ? "ok" : errname(errno));
	munmap(s, 4096);
}

/* A shared file mapping: the child maps the file again at another address
 * and waits there; the parent wakes through its own mapping. */
static void file_mapping(const char *dir)
{
	int fd = open(at(dir, "futex-file", 0), O_RDWR | O_CREAT | O_TRUNC, 0600);
	need("open", fd);
	need("ftruncate", ftruncate(fd, 8192));
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	need("mmap", p == MAP_FAILED ? -1 : 0);
	uint32_t *w = (uint32_t *)(p + 4096 + 64);
	wake_child("file mapping, inherited", w, FUTEX_WAIT, FUTEX_WAKE);

	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		/* A fresh mapping of the second page only, somewhere else. */
		char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
		if (q == MAP_FAILED)
			_exit(3);
		munmap(p, 8192);
		struct timespec ts = {1, 0};
		long r = fx(q + 64, FUTEX_WAIT, 0, &ts);
		_exit(r == 0 ? 0 : errno == ETIMEDOUT ? 1 : 2);
	}
	long woken = 0;
	for (int i = 0; i < 400 && !woken; i++) {
		usleep(1000);
		woken = fx(w, FUTEX_WAKE, 1, NULL);
	}
	int st = child_status(pid);
	printf("file mapped again elsewhere: parent woke %ld, child %s\n", woken,
	       st == 0	 ? "woken"
	       : st == 1 ? "timed out"
			 : "failed");
	munmap(p, 8192);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	uint32_t *page = shared_page();
	wake_child("MAP_SHARED, shared futex", page, FUTEX_WAIT, FUTEX_WAKE);
	wake_child("MAP_SHARED, private futex", page + 1, FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE);
	wake_child("MAP_SHARED, private wait, shared wake", page + 2, FUTEX_WAIT_PRIVATE,
		   FUTEX_WAKE);
	/* Private memory after fork is each side's own copy. */
	static uint32_t priv;
	wake_child("MAP_PRIVATE, shared futex", &priv, FUTEX_WAIT, FUTEX_WAKE);
	file_mapping(dir);
	cond_across_fork();
	barrier_across_fork();
	sem_across_fork();
	return 0;
}
