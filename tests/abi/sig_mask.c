/* A blocked signal stays pending (rt_sigpending shows it) and is taken
 * as soon as it is unblocked, before sigprocmask returns; standard signals
 * coalesce; SIGKILL and SIGSTOP cannot be blocked. */
#include "abi.h"
#include <signal.h>

static volatile int hits;
static void on_sig(int sig)
{
	hits++;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	signal(SIGUSR1, on_sig);
	sigset_t s, old, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGKILL);
	sigaddset(&s, SIGSTOP);
	need("block", sigprocmask(SIG_BLOCK, &s, &old));
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("hits while blocked: %d\n", hits);
	sigpending(&pend);
	yes("pending", sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_BLOCK, NULL, &old);
	yes("SIGKILL not in the mask", !sigismember(&old, SIGKILL));
	yes("SIGSTOP not in the mask", !sigismember(&old, SIGSTOP));
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("hits after unblocking: %d\n", hits);
	sigpending(&pend);
	yes("no longer pending", !sigismember(&pend, SIGUSR1));
	err("bad how", sigprocmask(99, &s, NULL));
	signal(SIGUSR2, SIG_IGN);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	sigpending(&pend);
	yes("an ignored signal is not pending", !sigismember(&pend, SIGUSR2));
	return 0;
}
