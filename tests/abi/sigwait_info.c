/* Taking signals synchronously: sigwaitinfo/sigtimedwait fill siginfo
 * from kill (SI_USER, sender's pid and uid) and tgkill (SI_TKILL); with
 * several pending the lowest number comes first; signals outside the set
 * stay pending; a zero timeout polls; a wait in one thread takes a signal
 * sent to the process while the others block it. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static sigset_t waitset;
static volatile int thread_got;

static void *waiter(void *arg)
{
	(void)arg;
	siginfo_t si;
	int s = sigwaitinfo(&waitset, &si);
	thread_got = s;
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	sigset_t all;
	sigemptyset(&all);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGUSR2);
	sigaddset(&all, SIGTERM);
	sigaddset(&all, SIGHUP);
	sigprocmask(SIG_BLOCK, &all, NULL);

	siginfo_t si;
	struct timespec zero = {0, 0};
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	err("poll with nothing pending", sigtimedwait(&one, &si, &zero));

	/* From a child: SI_USER with its pid and uid. */
	pid_t me = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		kill(me, SIGUSR1);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	int s = sigwaitinfo(&one, &si);
	yes("sigwaitinfo returned SIGUSR1", s == SIGUSR1);
	yes("si_signo SIGUSR1", si.si_signo == SIGUSR1);
	yes("si_code SI_USER", si.si_code == SI_USER);
	yes("si_pid the child's", si.si_pid == c);
	yes("si_uid ours", si.si_uid == getuid());
	waitpid(c, NULL, 0);

	/* tgkill to ourselves: SI_TKILL (the raw call: glibc's wrapper folds
	 * SI_TKILL into SI_USER). */
	syscall(SYS_tgkill, me, syscall(SYS_gettid), SIGUSR1);
	memset(&si, 0, sizeof(si));
	s = syscall(SYS_rt_sigtimedwait, &one, &si, &zero, 8);
	yes("tgkill: SIGUSR1 taken by a zero timeout", s == SIGUSR1);
	yes("tgkill: si_code SI_TKILL", si.si_code == SI_TKILL);
	yes("tgkill: si_pid ours", si.si_pid == me);

	/* Several pending: the lowest first; outside the set left alone. */
	raise(SIGTERM);
	raise(SIGUSR2);
	raise(SIGHUP);
	sigset_t two;
	sigemptyset(&two);
	sigaddset(&two, SIGUSR2);
	sigaddset(&two, SIGTERM);
	int a = sigtimedwait(&two, &si, &zero);
	int b = sigtimedwait(&two, &si, &zero);
	int z = sigtimedwait(&two, &si, &zero);
	int e = errno;
	printf("order: %s then %s, then %s\n", a == SIGUSR2 ? "SIGUSR2" : "?",
	       b == SIGTERM ? "SIGTERM" : "?", z < 0 ? errname(e) : "another");
	sigset_t pend;
	sigpending(&pend);
	yes("SIGHUP still pending", sigismember(&pend, SIGHUP));
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	yes("then taken with the NULL siginfo", sigtimedwait(&hup, NULL, &zero) == SIGHUP);
	sigpending(&pend);
	yes("nothing pending now", !sigismember(&pend, SIGHUP) && !sigismember(&pend, SIGUSR1));

	/* A thread waits, the process is signalled. */
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGUSR2);
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	usleep(50000);
	kill(me, SIGUSR2);
	pthread_join(t, NULL);
	yes("the waiting thread took SIGUSR2", thread_got == SIGUSR2);

	/* SIGKILL and SIGSTOP in the set are silently dropped from it. */
	sigset_t ks;
	sigemptyset(&ks);
	sigaddset(&ks, SIGKILL);
	sigaddset(&ks, SIGUSR1);
	err("set with SIGKILL, nothing pending", sigtimedwait(&ks, &si, &zero));
	struct timespec bad = {0, -1};
	err("negative nanoseconds", sigtimedwait(&one, &si, &bad));
	err("bad siginfo pointer, nothing pending",
	    syscall(SYS_rt_sigtimedwait, &one, (void *)8, &zero, 8));
	raise(SIGUSR1);
	err("bad siginfo pointer, one pending",
	    syscall(SYS_rt_sigtimedwait, &one, (void *)8, &zero, 8));
	sigpending(&pend);
	yes("SIGUSR1 consumed anyway", !sigismember(&pend, SIGUSR1));
	err("bad set size", syscall(SYS_rt_sigtimedwait, &one, &si, &zero, 4));
	return 0;
}
