/* Real-time signals queue: several instances of one pending at once, each
 * with its own siginfo and value, taken lowest number first and in order
 * of sending within one number; standard signals coalesce (the first
 * sender's siginfo stays); sigqueue's SI_QUEUE; rt_sigqueueinfo and
 * rt_tgsigqueueinfo refuse a forged si_code (>= 0, or SI_TKILL) unless
 * the target is the caller; RLIMIT_SIGPENDING bounds the queue (EAGAIN
 * for sigqueue, kill's and a standard signal's kept without siginfo);
 * setting SIG_IGN drops the queued instances. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#define RT0 (SIGRTMIN)
#define RT1 (SIGRTMIN + 1)

static int got_sig[32], got_val[32], ngot;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (ngot < 32) {
		got_sig[ngot] = sig;
		got_val[ngot] = si->si_value.sival_int;
		ngot++;
	}
}

static const char *name(int sig)
{
	static char buf[32];
	if (sig == SIGUSR1)
		return "SIGUSR1";
	if (sig == SIGUSR2)
		return "SIGUSR2";
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

static int queue(int sig, int v)
{
	union sigval sv = {.sival_int = v};
	return sigqueue(getpid(), sig, sv);
}

/* Takes everything of set pending, printing each. */
static void drain(const char *what, const sigset_t *set)
{
	struct timespec zero = {0, 0};
	siginfo_t si;
	int s;
	printf("%s:", what);
	while ((s = sigtimedwait(set, &si, &zero)) > 0)
		printf(" %s/%d", name(s), si.si_code == SI_QUEUE ? si.si_value.sival_int : -1);
	printf(" (then %s)\n", errname(errno));
}

static long rt_sigqueueinfo(pid_t pid, int sig, int code, int v)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = v;
	return syscall(SYS_rt_sigqueueinfo, pid, sig, &si);
}

static long rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, int code, int v)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = v;
	return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si);
}

static volatile pid_t thread_tid;
static volatile int thread_go;

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	while (!__atomic_load_n(&thread_go, __ATOMIC_ACQUIRE))
		usleep(1000);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, RT0);
	siginfo_t si;
	struct timespec zero = {0, 0};
	int n = 0, first = -1, second = -1, s;
	while ((s = sigtimedwait(&set, &si, &zero)) > 0) {
		if (n == 0)
			first = si.si_value.sival_int;
		else if (n == 1)
			second = si.si_value.sival_int;
		n++;
	}
	printf("thread: took %d instances, values %d then %d\n", n, first, second);
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	yes("SIGRTMAX - SIGRTMIN >= 8", SIGRTMAX - SIGRTMIN >= 8);
	sigset_t test;
	sigemptyset(&test);
	sigaddset(&test, SIGUSR1);
	sigaddset(&test, SIGUSR2);
	sigaddset(&test, RT0);
	sigaddset(&test, RT1);
	sigaddset(&test, SIGRTMAX);
	sigprocmask(SIG_BLOCK, &test, NULL);

	/* Queued while blocked, taken by sigtimedwait one by one. */
	queue(RT1, 10);
	queue(SIGRTMAX, 99);
	queue(RT0, 1);
	queue(RT0, 2);
	queue(SIGUSR1, 100);
	queue(RT1, 11);
	queue(SIGUSR1, 101);
	queue(RT0, 3);
	sigset_t pend;
	sigpending(&pend);
	yes("sigpending: SIGUSR1, RT0, RT1, SIGRTMAX",
	    sigismember(&pend, SIGUSR1) && sigismember(&pend, RT0) && sigismember(&pend, RT1) &&
		sigismember(&pend, SIGRTMAX));
	drain("sigtimedwait order", &test);

	/* The same by handlers: one at a time (sa_mask blocks the others). */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sa.sa_mask = test;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(RT0, &sa, NULL);
	sigaction(RT1, &sa, NULL);
	sigaction(SIGRTMAX, &sa, NULL);
	queue(RT1, 20);
	queue(RT0, 21);
	queue(SIGUSR2, 22);
	queue(RT1, 23);
	queue(RT0, 24);
	queue(SIGUSR2, 25);
	sigprocmask(SIG_UNBLOCK, &test, NULL);
	printf("handlers:");
	for (int i = 0; i < ngot; i++)
		printf(" %s/%d", name(got_sig[i]), got_val[i]);
	printf("\n");
	sigprocmask(SIG_BLOCK, &test, NULL);

	/* sigqueue's siginfo, through sigwaitinfo. */
	queue(RT0, 42);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, RT0);
	int s = sigwaitinfo(&one, &si);
	yes("sigwaitinfo: SIGRTMIN", s == RT0);
	yes("si_code SI_QUEUE", si.si_code == SI_QUEUE);
	yes("si_pid ours, si_uid ours", si.si_pid == getpid() && si.si_uid == getuid());
	val("si_value", si.si_value.sival_int);

	/* Permission: a forged code is only for oneself. */
	res("rt_sigqueueinfo self SI_USER", rt_sigqueueinfo(getpid(), RT0, SI_USER, 5));
	res("rt_sigqueueinfo self SI_KERNEL", rt_sigqueueinfo(getpid(), RT0, SI_KERNEL, 6));
	memset(&si, 0, sizeof(si));
	s = sigwaitinfo(&one, &si);
	printf("self SI_USER kept: code %s, value %d\n", si.si_code == SI_USER ? "SI_USER" : "?",
	       si.si_value.sival_int);
	s = sigwaitinfo(&one, &si);
	printf("self SI_KERNEL kept: code %s\n", si.si_code == SI_KERNEL ? "SI_KERNEL" : "?");
	pid_t me = getpid();
	pid_t c = fork();
	if (c == 0) {
		err("child: SI_USER to parent", rt_sigqueueinfo(me, RT0, SI_USER, 7));
		err("child: SI_KERNEL to parent", rt_sigqueueinfo(me, RT0, SI_KERNEL, 7));
		err("child: SI_TKILL to parent", rt_sigqueueinfo(me, RT0, SI_TKILL, 7));
		res("child: SI_QUEUE to parent", rt_sigqueueinfo(me, RT0, SI_QUEUE, 8));
		res("child: signal 0 probe", rt_sigqueueinfo(me, 0, SI_QUEUE, 0));
		err("child: signal 65", rt_sigqueueinfo(me, 65, SI_QUEUE, 0));
		_exit(0);
	}
	waitpid(c, NULL, 0);
	memset(&si, 0, sizeof(si));
	s = sigwaitinfo(&one, &si);
	printf("from child: %s, code %s, value %d, pid the child's: %s\n", name(s),
	       si.si_code == SI_QUEUE ? "SI_QUEUE" : "?", si.si_value.sival_int,
	       si.si_pid == c ? "yes" : "no");
	sigpending(&pend);
	yes("nothing else pending", !sigismember(&pend, RT0));
	err("rt_sigqueueinfo pid 0", rt_sigqueueinfo(0, RT0, SI_QUEUE, 0));
	err("rt_sigqueueinfo no such pid", rt_sigqueueinfo(0x3ffffff0, RT0, SI_QUEUE, 0));

	/* rt_tgsigqueueinfo: to one thread, which takes its instances in order. */
	pid_t tid = syscall(SYS_gettid);
	err("tgsigqueueinfo tid 0", rt_tgsigqueueinfo(me, 0, RT0, SI_QUEUE, 0));
	err("tgsigqueueinfo tgid 0", rt_tgsigqueueinfo(0, tid, RT0, SI_QUEUE, 0));
	err("tgsigqueueinfo wrong tgid", rt_tgsigqueueinfo(me + 1, tid, RT0, SI_QUEUE, 0));
	res("tgsigqueueinfo self SI_USER", rt_tgsigqueueinfo(me, tid, RT0, SI_USER, 30));
	memset(&si, 0, sizeof(si));
	s = sigwaitinfo(&one, &si);
	printf("tgsigqueueinfo self: %s, value %d\n", name(s), si.si_value.sival_int);
	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	while (!thread_tid)
		usleep(1000);
	err("tgsigqueueinfo SI_USER to another thread",
	    rt_tgsigqueueinfo(me, thread_tid, RT0, SI_USER, 0));
	res("tgsigqueueinfo SI_QUEUE 31", rt_tgsigqueueinfo(me, thread_tid, RT0, SI_QUEUE, 31));
	res("tgsigqueueinfo SI_QUEUE 32", rt_tgsigqueueinfo(me, thread_tid, RT0, SI_QUEUE, 32));
	sigpending(&pend);
	yes("main thread does not see the thread's", !sigismember(&pend, RT0));
	__atomic_store_n(&thread_go, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);

	/* SIG_IGN drops every queued instance. */
	queue(RT1, 1);
	queue(RT1, 2);
	signal(RT1, SIG_IGN);
	sigpending(&pend);
	yes("SIG_IGN dropped the queued ones", !sigismember(&pend, RT1));
	sigaction(RT1, &sa, NULL);

	/* RLIMIT_SIGPENDING, in a child with nothing pending.  Linux counts
	 * the pending signals of every process of the user, so only a limit
	 * of 0 gives fixed answers; under 4, at most 4 fit. */
	c = fork();
	if (c == 0) {
		struct rlimit old, rl = {0, 0};
		getrlimit(RLIMIT_SIGPENDING, &old);
		rl.rlim_max = old.rlim_max;
		need("setrlimit", setrlimit(RLIMIT_SIGPENDING, &rl));
		err("limit 0: sigqueue", queue(RT0, 0));
		err("limit 0: another number", queue(RT1, 0));
		res("limit 0: kill", kill(getpid(), RT1));
		res("limit 0: sigqueue SIGUSR1", queue(SIGUSR1, 5));
		res("limit 0: kill SIGUSR2", kill(getpid(), SIGUSR2));
		sigset_t w;
		sigemptyset(&w);
		sigaddset(&w, SIGUSR1);
		memset(&si, 0, sizeof(si));
		sigwaitinfo(&w, &si);
		printf("SIGUSR1 lost its siginfo: code %s, pid 0: %s\n",
		       si.si_code == SI_USER ? "SI_USER" : "?", si.si_pid == 0 ? "yes" : "no");
		sigemptyset(&w);
		sigaddset(&w, SIGUSR2);
		memset(&si, 0, sizeof(si));
		sigwaitinfo(&w, &si);
		printf("SIGUSR2 kept its siginfo: code %s, pid ours: %s\n",
		       si.si_code == SI_USER ? "SI_USER" : "?",
		       si.si_pid == getpid() ? "yes" : "no");
		sigemptyset(&w);
		sigaddset(&w, RT1);
		memset(&si, 0, sizeof(si));
		sigwaitinfo(&w, &si);
		printf("RT1 from kill past the limit: code %s, pid 0: %s\n",
		       si.si_code == SI_USER ? "SI_USER" : "?", si.si_pid == 0 ? "yes" : "no");
		sigpending(&pend);
		yes("limit 0: nothing left pending",
		    !sigismember(&pend, RT0) && !sigismember(&pend, RT1));

		rl.rlim_cur = 4;
		need("setrlimit 4", setrlimit(RLIMIT_SIGPENDING, &rl));
		int n = 0, r;
		while (n < 10 && (r = queue(RT0, n)) == 0)
			n++;
		int e = errno;
		yes("limit 4: at most 4 queued, then EAGAIN", n <= 4 && r < 0 && e == EAGAIN);
		struct timespec zero = {0, 0};
		int k = 0, inorder = 1;
		while (sigtimedwait(&one, &si, &zero) == RT0) {
			inorder &= si.si_value.sival_int == k;
			k++;
		}
		yes("limit 4: each taken back, in order", k == n && inorder);

		need("setrlimit back", setrlimit(RLIMIT_SIGPENDING, &old));
		for (int i = 0; i < 3; i++)
			queue(RT0, 40 + i);
		drain("old limit: three queued", &one);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}
