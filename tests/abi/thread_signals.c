/* Signals and threads: pthread_kill reaches the thread it names; a
 * process-directed signal goes to a thread that does not block it; each
 * thread has its own mask; a stop and continue of the whole process leaves
 * every thread running. */
#include "abi.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static volatile pid_t handled_by;
static volatile int hits;
static pid_t worker_tid;
static volatile int stop_worker;

static void on_sig(int sig)
{
	handled_by = (pid_t)syscall(SYS_gettid);
	hits++;
}

static void *worker(void *arg)
{
	worker_tid = (pid_t)syscall(SYS_gettid);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2); /* the worker blocks USR2, main blocks USR1 */
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	while (!stop_worker)
		usleep(1000);
	return NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	signal(SIGUSR1, on_sig);
	signal(SIGUSR2, on_sig);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	while (!worker_tid)
		usleep(1000);
	pid_t main_tid = (pid_t)syscall(SYS_gettid);

	pthread_kill(t, SIGUSR1);
	while (hits < 1)
		usleep(1000);
	printf("pthread_kill: handled by the worker %d\n", handled_by == worker_tid);

	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR1);
	while (hits < 2)
		usleep(1000);
	printf("kill, main blocks it: handled by the worker %d\n", handled_by == worker_tid);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);

	kill(getpid(), SIGUSR2);
	while (hits < 3)
		usleep(1000);
	printf("kill, the worker blocks it: handled by main %d\n", handled_by == main_tid);

	/* Stopped and continued from outside, both threads still run. */
	fflush(stdout);
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		kill(parent, SIGSTOP);
		usleep(50000);
		kill(parent, SIGCONT);
		_exit(0);
	}
	int st;
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	stop_worker = 1;
	pthread_join(t, NULL);
	printf("after stop and continue, the worker ended: yes\n");
	printf("hits %d\n", hits);
	return 0;
}
