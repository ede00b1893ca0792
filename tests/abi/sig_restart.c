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

/* A child that signals its parent every 20 ms for a while, so that
 * whenever the parent starts to wait, a signal comes during the wait (a
 * single signal could land before it, on a loaded machine). */
static pid_t poker(int pokes)
{
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < pokes; i++) {
			usleep(20000);
			kill(parent, SIGUSR1);
		}
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
	pid_t c = poker(15);
	int st;
	pid_t w = waitpid(c, &st, 0);
	printf("SA_RESTART: waitpid %s, handler ran %s\n",
	       w == c ? "returned the child" : errname(errno), hits ? "yes" : "no");

	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
	c = poker(15);
	w = waitpid(c, &st, 0);
	printf("no SA_RESTART: waitpid %s, handler ran %s\n",
	       w == c ? "returned the child" : errname(errno), hits ? "yes" : "no");
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;

	hits = 0;
	c = poker(3);
	struct timespec req = {10, 0}, rem = {0, 0};
	int r = nanosleep(&req, &rem);
	printf("nanosleep: %s, handler ran %s, time left %s\n", r ? errname(errno) : "slept",
	       hits ? "yes" : "no", rem.tv_sec > 5 && rem.tv_sec <= 10 ? "most of it" : "wrong");
	while (waitpid(c, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}
