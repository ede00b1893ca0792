/* Stopping and continuing: a child stopped by SIGSTOP is reported by
 * WUNTRACED, continued by SIGCONT reported by WCONTINUED, and then ends. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	int go[2];
	need("pipe", pipe(go));
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char x;
		close(go[1]);
		raise(SIGSTOP);
		/* Only once the parent has seen the continue: else it would see
		 * the exit instead, and the test would race. */
		while (read(go[0], &x, 1) < 0)
			;
		_exit(4);
	}
	close(go[0]);
	int st;
	pid_t w = waitpid(c, &st, WUNTRACED);
	printf("stopped: %d by %d\n", w == c && WIFSTOPPED(st), WSTOPSIG(st));
	val("no second report of the same stop", waitpid(c, &st, WUNTRACED | WNOHANG));
	kill(c, SIGCONT);
	w = waitpid(c, &st, WCONTINUED);
	printf("continued: %d\n", w == c && WIFCONTINUED(st));
	close(go[1]);
	w = waitpid(c, &st, 0);
	printf("exited: %d with %d\n", w == c && WIFEXITED(st), WEXITSTATUS(st));
	c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(5);
	}
	waitpid(c, &st, WUNTRACED);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("a stopped child killed: %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
	return 0;
}
