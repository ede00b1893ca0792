/* Handlers: SA_SIGINFO's siginfo for raise (SI_TKILL) and kill (SI_USER),
 * the signal blocked while its handler runs (not with SA_NODEFER), the mask
 * back afterwards, SA_RESETHAND, registers and FPU state kept across. */
#include "abi.h"
#include <signal.h>

static volatile int hits, last_code, last_pid_ok, blocked_inside;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	hits++;
	last_code = si->si_code;
	last_pid_ok = si->si_pid == getpid() && si->si_signo == sig;
	blocked_inside = sigismember(&cur, sig);
	/* The handler's FPU is its own: trash it. */
	volatile double x = 1e300;
	x = x * x;
	(void)x;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	need("sigaction", sigaction(SIGUSR1, &sa, NULL));
	volatile double keep = 3.25;
	raise(SIGUSR1);
	printf("raise: hits %d code %s pid_ok %d blocked %d\n", hits,
	       last_code == SI_TKILL ? "SI_TKILL" : "other", last_pid_ok, blocked_inside);
	kill(getpid(), SIGUSR1);
	printf("kill: hits %d code %s pid_ok %d\n", hits,
	       last_code == SI_USER ? "SI_USER" : "other", last_pid_ok);
	printf("fpu kept: %g\n", keep * 2);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	yes("unblocked again after the handler", !sigismember(&cur, SIGUSR1));

	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("nodefer: blocked inside %d\n", blocked_inside);

	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGURG, &sa, NULL);
	raise(SIGURG);
	struct sigaction old;
	sigaction(SIGURG, NULL, &old);
	yes("resethand: handler back to default", old.sa_handler == SIG_DFL);
	raise(SIGURG); /* default: ignored */
	printf("hits %d\n", hits);

	err("sigaction on SIGKILL", sigaction(SIGKILL, &sa, NULL));
	err("sigaction on SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
	err("sigaction on 0", sigaction(0, &sa, NULL));
	err("sigaction on 65", sigaction(65, &sa, NULL));
	err("raw rt_sigaction bad size", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
	err("kill with signal 65", kill(getpid(), 65));
	yes("kill with signal 0 works", kill(getpid(), 0) == 0);
	return 0;
}
