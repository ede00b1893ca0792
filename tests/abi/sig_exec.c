/* Signals across execve: caught signals go back to SIG_DFL, ignored ones
 * stay ignored, the blocked mask is kept, a pending blocked signal is
 * still pending in the new program (fork's child starts with none), and the alternate stack is
 * gone. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static void on_sig(int sig)
{
	(void)sig;
}

static const char *action(int sig)
{
	struct sigaction sa;
	if (sigaction(sig, NULL, &sa) < 0)
		return errname(errno);
	if (sa.sa_handler == SIG_DFL)
		return "SIG_DFL";
	if (sa.sa_handler == SIG_IGN)
		return "SIG_IGN";
	return "handler";
}

static void report(const char *who)
{
	printf("%s: SIGUSR1 %s, SIGUSR2 %s, SIGTERM %s, SIGCHLD %s\n", who, action(SIGUSR1),
	       action(SIGUSR2), action(SIGTERM), action(SIGCHLD));
	sigset_t cur, pend;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	sigpending(&pend);
	printf("%s: blocked SIGHUP %d SIGINT %d SIGUSR1 %d\n", who, sigismember(&cur, SIGHUP),
	       sigismember(&cur, SIGINT), sigismember(&cur, SIGUSR1));
	printf("%s: pending SIGHUP %d SIGINT %d\n", who, sigismember(&pend, SIGHUP),
	       sigismember(&pend, SIGINT));
	stack_t ss;
	sigaltstack(NULL, &ss);
	printf("%s: altstack %s\n", who, (ss.ss_flags & SS_DISABLE) ? "disabled" : "set");
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	if (argc >= 3 && strcmp(argv[2], "after") == 0) {
		report("after exec");
		/* The pending SIGHUP is taken (and kills) once unblocked. */
		fflush(stdout);
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGHUP);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		printf("SIGHUP did not kill\n");
		return 0;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	static char stk[65536];
	stack_t ss = {.ss_sp = stk, .ss_size = sizeof(stk), .ss_flags = 0};
	sigaltstack(&ss, NULL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGINT); /* the parent's own: fork's child must not get it */
	report("before exec");
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		/* fork's child starts with nothing pending: raise it here. */
		raise(SIGHUP);
		char *nargv[] = {argv[0], argv[1], "after", NULL};
		execv("/proc/self/exe", nargv);
		printf("execv: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	yes("the exec'd child died of SIGHUP", WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP);
	return 0;
}
