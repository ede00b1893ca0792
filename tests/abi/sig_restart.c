/* A signal interrupts a blocking wait4 and nanosleep: with SA_RESTART the
 * wait goes on and returns the child; without it the call fails with
 * EINTR; nanosleep always fails with EINTR and says how long was left. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static volatile int hits;
static void on_sig(int sig)
{
	hits++;
}

/* A child that signals its parent after a pause, then lives on a while
 * (so the parent's wait has to be interrupted, not ended). */
static pid_t poker(int delay_ms, int live_ms)
{
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		usleep(delay_ms * 1000);
		kill(parent, SIGUSR1);
		usleep(live_ms * 1000);
		_exit(0);
	}
	return c;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t c = poker(50, 200);
	int st;
	pid_t w = waitpid(c, &st, 0);
	printf("SA_RESTART: waitpid %s, handler ran %d\n",
	       w == c ? "returned the child" : errname(errno), hits);

	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	c = poker(50, 200);
	w = waitpid(c, &st, 0);
	printf("no SA_RESTART: waitpid %s, handler ran %d\n",
	       w == c ? "returned the child" : errname(errno), hits);
	waitpid(c, &st, 0);

	c = poker(50, 0);
	struct timespec req = {10, 0}, rem = {0, 0};
	int r = nanosleep(&req, &rem);
	printf("nanosleep: %s, handler ran %d, time left %s\n", r ? errname(errno) : "slept", hits,
	       rem.tv_sec > 5 && rem.tv_sec <= 10 ? "most of it" : "wrong");
	waitpid(c, &st, 0);
	return 0;
}
