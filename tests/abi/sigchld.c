/* SIGCHLD: a handler learns of a child's exit with CLD_EXITED and its
 * status; with SIGCHLD ignored, children are reaped by the kernel and
 * wait finds none (ECHILD). */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int got, code, status, pid_ok;
static volatile pid_t expect;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	got++;
	code = si->si_code;
	status = si->si_status;
	pid_ok = si->si_pid == expect;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t blk, empty;
	sigemptyset(&blk);
	sigaddset(&blk, SIGCHLD);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(9);
	expect = c;
	while (!got)
		sigsuspend(&empty);
	printf("SIGCHLD: %d, CLD_EXITED %d, status %d, pid %d\n", got, code == CLD_EXITED, status,
	       pid_ok);
	int st;
	yes("still a zombie to wait for", waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 9);
	sigprocmask(SIG_UNBLOCK, &blk, NULL);

	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (c == 0)
		_exit(1);
	err("with SIGCHLD ignored, wait", waitpid(c, &st, 0));
	return 0;
}
