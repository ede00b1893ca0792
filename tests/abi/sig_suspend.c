/* sigsuspend waits with a temporary mask, runs the handler and returns
 * EINTR with the old mask back; sigtimedwait takes a blocked signal
 * without its handler, and times out with EAGAIN. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static volatile int hits;
static void on_sig(int sig)
{
	hits++;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	signal(SIGUSR1, on_sig);
	sigset_t blk, empty, cur;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		usleep(50000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	int r = sigsuspend(&empty);
	printf("sigsuspend: %s, hits %d\n", r ? errname(errno) : "returned 0", hits);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	yes("mask restored (SIGUSR1 blocked again)", sigismember(&cur, SIGUSR1));
	int st;
	waitpid(c, &st, 0);

	raise(SIGUSR1);
	siginfo_t si;
	struct timespec ts = {1, 0};
	int sig = sigtimedwait(&blk, &si, &ts);
	printf("sigtimedwait: %d (SIGUSR1 is %d), code %s, hits %d\n", sig, SIGUSR1,
	       si.si_code == SI_TKILL ? "SI_TKILL" : "other", hits);
	ts.tv_sec = 0;
	ts.tv_nsec = 30 * 1000 * 1000;
	sig = sigtimedwait(&blk, &si, &ts);
	printf("sigtimedwait with nothing pending: %s\n", sig < 0 ? errname(errno) : "got one");
	ts.tv_nsec = 2000000000;
	err("sigtimedwait with a bad timeout", sigtimedwait(&blk, &si, &ts));
	return 0;
}
