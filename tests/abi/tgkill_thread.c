/* Thread-directed signals: tgkill and tkill run the handler in the thread
 * named (its own gettid), even when another thread does not block it; a
 * signal pending on one thread is not in another's sigpending; a tgkill
 * naming the wrong thread group fails with ESRCH; a thread that has
 * ended cannot be signalled. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>

static volatile pid_t handled_in;
static volatile pid_t worker_tid;
static volatile int go, stop, worker_pending_usr2, main_sees_usr2;

static void on_sig(int sig)
{
	(void)sig;
	handled_in = syscall(SYS_gettid);
}

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = syscall(SYS_gettid);
	while (!go)
		usleep(1000);
	/* Block SIGUSR2 here and have main send one to us only. */
	sigset_t s, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	go = 2;
	while (go != 3)
		usleep(1000);
	sigpending(&pend);
	worker_pending_usr2 = sigismember(&pend, SIGUSR2);
	/* Drop it before leaving. */
	signal(SIGUSR2, SIG_IGN);
	go = 4;
	while (!stop)
		usleep(1000);
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	signal(SIGUSR1, on_sig);
	pid_t me = getpid();
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	while (!worker_tid)
		usleep(1000);
	yes("worker's tid differs from the pid", worker_tid != me);

	handled_in = 0;
	res("tgkill the worker", syscall(SYS_tgkill, me, worker_tid, SIGUSR1));
	while (!handled_in)
		usleep(1000);
	yes("handler ran in the worker", handled_in == worker_tid);

	handled_in = 0;
	res("tkill the worker", syscall(SYS_tkill, worker_tid, SIGUSR1));
	while (!handled_in)
		usleep(1000);
	yes("tkill handler ran in the worker", handled_in == worker_tid);

	handled_in = 0;
	res("tgkill main", syscall(SYS_tgkill, me, me, SIGUSR1));
	yes("handler ran in main, at once", handled_in == me);

	go = 1;
	while (go != 2)
		usleep(1000);
	syscall(SYS_tgkill, me, worker_tid, SIGUSR2);
	sigset_t pend;
	sigpending(&pend);
	main_sees_usr2 = sigismember(&pend, SIGUSR2);
	go = 3;
	while (go != 4)
		usleep(1000);
	yes("worker sees its SIGUSR2 pending", worker_pending_usr2);
	yes("main does not see it", !main_sees_usr2);

	err("tgkill with the wrong tgid", syscall(SYS_tgkill, worker_tid, me, 0));
	err("tgkill with a tgid of no one", syscall(SYS_tgkill, 0x3ffffff0, worker_tid, 0));
	err("tgkill with tid 0", syscall(SYS_tgkill, me, 0, 0));
	err("tgkill with tgid -1", syscall(SYS_tgkill, -1, me, 0));
	err("tkill with tid -1", syscall(SYS_tkill, -1, 0));
	err("tgkill with signal 65", syscall(SYS_tgkill, me, worker_tid, 65));
	res("kill to the worker's tid (a thread of this process)", kill(worker_tid, 0));

	stop = 1;
	pthread_join(t, NULL);
	usleep(20000);
	err("tgkill a thread that ended", syscall(SYS_tgkill, me, worker_tid, 0));
	err("tkill a thread that ended", syscall(SYS_tkill, worker_tid, 0));
	return 0;
}
