/* Default actions: SIGCHLD, SIGURG and SIGWINCH are ignored; the
 * terminating and core-dumping signals end a child with that signal;
 * SIGCONT alone does nothing to a running process; SIG_IGN discards
 * a signal that is already pending; SIG_DFL on an ignoring signal
 * makes it deadly again. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static void child_dies(const char *name, int sig)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		/* Core signals must not leave core files in the scratch dir. */
		struct rlimit {
			unsigned long cur, max;
		} rl = {0, 0};
		syscall(SYS_setrlimit, 4 /* RLIMIT_CORE */, &rl);
		kill(getpid(), sig);
		_exit(99);
	}
	int st;
	waitpid(c, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", name, WTERMSIG(st) == sig ? "it" : "another signal");
	else if (WIFEXITED(st))
		printf("%s: survived, exit %d\n", name, WEXITSTATUS(st));
	else
		printf("%s: other status\n", name);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	child_dies("SIGCHLD", SIGCHLD);
	child_dies("SIGURG", SIGURG);
	child_dies("SIGWINCH", SIGWINCH);
	child_dies("SIGCONT", SIGCONT);
	child_dies("SIGHUP", SIGHUP);
	child_dies("SIGINT", SIGINT);
	child_dies("SIGQUIT", SIGQUIT);
	child_dies("SIGILL", SIGILL);
	child_dies("SIGTRAP", SIGTRAP);
	child_dies("SIGABRT", SIGABRT);
	child_dies("SIGBUS", SIGBUS);
	child_dies("SIGFPE", SIGFPE);
	child_dies("SIGUSR1", SIGUSR1);
	child_dies("SIGSEGV", SIGSEGV);
	child_dies("SIGUSR2", SIGUSR2);
	child_dies("SIGPIPE", SIGPIPE);
	child_dies("SIGALRM", SIGALRM);
	child_dies("SIGTERM", SIGTERM);
	child_dies("SIGSTKFLT", SIGSTKFLT);
	child_dies("SIGXCPU", SIGXCPU);
	child_dies("SIGXFSZ", SIGXFSZ);
	child_dies("SIGVTALRM", SIGVTALRM);
	child_dies("SIGPROF", SIGPROF);
	child_dies("SIGIO", SIGIO);
	child_dies("SIGPWR", SIGPWR);
	child_dies("SIGSYS", SIGSYS);
	child_dies("SIGRTMIN", SIGRTMIN);
	child_dies("SIGRTMAX", SIGRTMAX);
	child_dies("SIGKILL", SIGKILL);

	/* A blocked pending signal is dropped when its action becomes SIG_IGN. */
	sigset_t s, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	sigpending(&pend);
	yes("SIGUSR1 pending while blocked", sigismember(&pend, SIGUSR1));
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	yes("SIGUSR1 still pending after SIG_IGN", sigismember(&pend, SIGUSR1));
	signal(SIGUSR1, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("unblocked: still alive\n");

	/* A pending SIGCHLD (default ignore) is also dropped at once: blocked,
	 * it does stay pending, since the default action is not SIG_IGN. */
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGCHLD);
	sigpending(&pend);
	yes("blocked SIGCHLD with SIG_DFL stays pending", sigismember(&pend, SIGCHLD));
	signal(SIGCHLD, SIG_IGN);
	sigpending(&pend);
	yes("blocked SIGCHLD pending after SIG_IGN", sigismember(&pend, SIGCHLD));
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &s, NULL);

	/* An ignored SIGTERM is not delivered; back to SIG_DFL it kills. */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		printf("child: ignored SIGTERM, alive\n");
		fflush(stdout);
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
		_exit(5);
	}
	int st;
	waitpid(c, &st, 0);
	yes("then SIG_DFL SIGTERM killed it", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	return 0;
}
