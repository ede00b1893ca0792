/* Robust futexes: set_robust_list/get_robust_list, the kernel's walk of a
 * dead thread's list (FUTEX_OWNER_DIED with FUTEX_WAITERS kept, one waiter
 * woken, list_op_pending, futex_offset, another owner's word untouched),
 * and glibc's robust mutexes: a thread, a forked child or a killed child
 * that dies holding one leaves EOWNERDEAD to the next locker, which
 * pthread_mutex_consistent repairs (or, not repaired, ENOTRECOVERABLE);
 * an execve lets go of them as an exit does. */
#include "abi.h"
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

static const char *rcname(int rc)
{
	switch (rc) {
	case 0:
		return "0";
	case EOWNERDEAD:
		return "EOWNERDEAD";
	case ENOTRECOVERABLE:
		return "ENOTRECOVERABLE";
	default:
		return errname(rc);
	}
}

/* Raw lists: a futex word after each list node. */
struct node {
	struct robust_list l;
	uint32_t word;
};
static struct robust_list_head head;
static struct node n1, n2, n3, pend, pend0;
static uint32_t waiters_woken_word;

static void *raw_thread(void *arg)
{
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	long off = (long)offsetof(struct node, word);
	int which = (int)(long)arg;

	head.futex_offset = off;
	if (which == 0) {
		/* n1 held with waiters, n2 someone else's, n3 held; the PI bit
		 * on n3's link; a held pending one. */
		head.list.next = &n1.l;
		n1.l.next = &n2.l;
		n2.l.next = (struct robust_list *)((uintptr_t)&n3.l | 1);
		n3.l.next = &head.list;
		n1.word = tid | FUTEX_WAITERS;
		n2.word = 12345;
		n3.word = tid;
		pend.word = tid;
		head.list_op_pending = &pend.l;
	} else {
		/* An empty list, and a pending word still 0 (died taking it). */
		head.list.next = &head.list;
		pend0.word = 0;
		head.list_op_pending = &pend0.l;
	}
	long r = syscall(SYS_set_robust_list, &head, sizeof(head));
	return (void *)r;
}

static void raw_lists(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, raw_thread, (void *)0);
	pthread_join(t, &r);
	printf("raw set_robust_list: %ld\n", (long)r);
	printf("held with waiters: %s\n",
	       n1.word == (FUTEX_OWNER_DIED | FUTEX_WAITERS) ? "OWNER_DIED|WAITERS" : "other");
	printf("someone else's: %s\n", n2.word == 12345 ? "untouched" : "changed");
	printf("held, PI link: %s\n", n3.word == FUTEX_OWNER_DIED ? "OWNER_DIED" : "other");
	printf("pending, held: %s\n", pend.word == FUTEX_OWNER_DIED ? "OWNER_DIED" : "other");
	pthread_create(&t, NULL, raw_thread, (void *)1);
	pthread_join(t, &r);
	printf("pending, free: %s\n", pend0.word == 0 ? "still 0" : "changed");
	(void)waiters_woken_word;
}

/* A waiter sleeping on a raw robust word is woken by the owner's death. */
static void *dying_owner(void *arg)
{
	static struct robust_list_head h;
	static struct node n;
	h.futex_offset = (long)offsetof(struct node, word);
	h.list.next = &n.l;
	n.l.next = &h.list;
	h.list_op_pending = NULL;
	n.word = (uint32_t)syscall(SYS_gettid) | FUTEX_WAITERS;
	syscall(SYS_set_robust_list, &h, sizeof(h));
	/* The kernel must wake the waiter on n.word when this thread ends. */
	__atomic_store_n((uint32_t **)arg, &n.word, __ATOMIC_SEQ_CST);
	usleep(50000);
	return NULL;
}

static pthread_mutex_t m;

static void init_robust(pthread_mutex_t *mx, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (pshared)
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(mx, &a);
	pthread_mutexattr_destroy(&a);
}

static volatile int locked;
static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(&m);
	locked = 1;
	if (arg)
		usleep(50000); /* main is blocked in the lock by now */
	return NULL;
}

static void thread_dies(int contended)
{
	pthread_t t;
	init_robust(&m, 0);
	locked = 0;
	pthread_create(&t, NULL, lock_and_die, contended ? (void *)1 : NULL);
	if (!contended)
		pthread_join(t, NULL);
	else
		while (!locked)
			usleep(1000);
	int rc = pthread_mutex_lock(&m);
	printf("%s: lock after the owner thread died: %s\n",
	       contended ? "contended" : "uncontended", rcname(rc));
	if (contended)
		pthread_join(t, NULL);
	printf("  consistent: %s\n", rcname(pthread_mutex_consistent(&m)));
	printf("  unlock: %s\n", rcname(pthread_mutex_unlock(&m)));
	printf("  lock again: %s\n", rcname(pthread_mutex_lock(&m)));
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
}

static void not_made_consistent(void)
{
	pthread_t t;
	init_robust(&m, 0);
	pthread_create(&t, NULL, lock_and_die, NULL);
	pthread_join(t, NULL);
	printf("not repaired: lock: %s\n", rcname(pthread_mutex_lock(&m)));
	printf("  unlock: %s\n", rcname(pthread_mutex_unlock(&m)));
	printf("  lock: %s\n", rcname(pthread_mutex_lock(&m)));
}

static char **args;

/* kind 0: the child exits holding it; 1: the parent is blocked on it when
 * the child exits; 2: the child is killed holding it; 3: the child execs
 * holding it (the exec lets go, the new program lives on a while). */
static void child_dies(int kind)
{
	static const char *names[] = {"child exits", "child exits, parent waiting", "child killed",
				      "child execs"};
	pthread_mutex_t *pm =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int p[2];
	char c;
	need("mmap", pm == MAP_FAILED ? -1 : 0);
	init_robust(pm, 1);
	need("pipe", pipe(p));
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		if (pthread_mutex_lock(pm))
			_exit(9);
		write(p[1], "x", 1);
		if (kind == 1)
			usleep(50000);
		if (kind == 2)
			for (;;)
				pause();
		if (kind == 3) {
			char *nargv[] = {args[0], args[1], "exec-sleep", NULL};
			execve("/proc/self/exe", nargv, (char *[]){NULL});
			_exit(8);
		}
		_exit(0);
	}
	read(p[0], &c, 1);
	int status = 0;
	if (kind == 0)
		waitpid(pid, &status, 0);
	if (kind == 2) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	int rc = pthread_mutex_lock(pm);
	printf("%s: lock: %s\n", names[kind], rcname(rc));
	if (kind == 3)
		yes("  the new program still runs", waitpid(pid, &status, WNOHANG) == 0);
	if (kind == 1 || kind == 3)
		waitpid(pid, &status, 0);
	printf("  consistent: %s\n", rcname(pthread_mutex_consistent(pm)));
	printf("  unlock: %s\n", rcname(pthread_mutex_unlock(pm)));
	printf("  trylock: %s\n", rcname(pthread_mutex_trylock(pm)));
	pthread_mutex_unlock(pm);
	close(p[0]);
	close(p[1]);
	munmap(pm, 4096);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	if (argc > 2 && !strcmp(argv[2], "exec-sleep")) {
		usleep(300000);
		return 0;
	}
	args = argv;
	struct robust_list_head *h = NULL;
	size_t len = 0;
	res("get_robust_list of self", syscall(SYS_get_robust_list, 0, &h, &len));
	printf("  length %zu, head set by glibc: %s\n", len, h ? "yes" : "no");
	res("get_robust_list of own TID",
	    syscall(SYS_get_robust_list, (int)syscall(SYS_gettid), &h, &len));
	err("get_robust_list of no such task", syscall(SYS_get_robust_list, 0x3ffffff0, &h, &len));
	err("get_robust_list to a bad pointer", syscall(SYS_get_robust_list, 0, (void *)16, &len));
	err("set_robust_list with a bad length", syscall(SYS_set_robust_list, h, len + 8));
	res("set_robust_list back", syscall(SYS_set_robust_list, h, len));
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		struct robust_list_head *ph = NULL;
		res("child: get_robust_list of the parent",
		    syscall(SYS_get_robust_list, getppid(), &ph, &len));
		yes("  the parent's head", ph == h);
		if (getuid() == 0) {
			need("setresgid", setresgid(1000, 1000, 1000));
			need("setresuid", setresuid(1000, 1000, 1000));
			err("child, uid 1000: get_robust_list of the root parent",
			    syscall(SYS_get_robust_list, getppid(), &ph, &len));
			res("child, uid 1000: get_robust_list of self",
			    syscall(SYS_get_robust_list, 0, &ph, &len));
		} else {
			printf("not root\n");
		}
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);

	raw_lists();

	/* A raw waiter woken by the death of a word's owner. */
	static uint32_t *wordp;
	pthread_t t;
	pthread_create(&t, NULL, dying_owner, &wordp);
	while (!__atomic_load_n(&wordp, __ATOMIC_SEQ_CST))
		usleep(100);
	uint32_t v = __atomic_load_n(wordp, __ATOMIC_SEQ_CST);
	long r = 0;
	if (v & FUTEX_TID_MASK)
		r = syscall(SYS_futex, wordp, FUTEX_WAIT, v, NULL, NULL, 0);
	pthread_join(t, NULL);
	printf("waiter on a dead owner's word: %s, word %s\n",
	       r == 0 || errno == EAGAIN ? "released" : errname(errno),
	       *wordp == (FUTEX_OWNER_DIED | FUTEX_WAITERS) ? "OWNER_DIED|WAITERS" : "other");

	thread_dies(0);
	thread_dies(1);
	not_made_consistent();
	child_dies(0);
	child_dies(1);
	child_dies(2);
	child_dies(3);
	return 0;
}
