/* Writing to a pipe with no reader: EPIPE with SIGPIPE ignored, and death
 * by SIGPIPE by default (seen from the parent). */
#include "abi.h"

#include <signal.h>
#include <sys/wait.h>

int main(void)
{
	int p[2];
	need("pipe", pipe(p));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	err("write, SIGPIPE ignored", write(p[1], "x", 1));
	close(p[1]);

	need("pipe", pipe(p));
	fflush(stdout);
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		/* Until the parent has closed its read end too: the write that
		 * finds no reader (or wakes to none, once the pipe is full)
		 * raises SIGPIPE. */
		while (write(p[1], "x", 1) == 1)
			;
		_exit(0);
	}
	close(p[0]);
	close(p[1]);
	int status;
	waitpid(pid, &status, 0);
	yes("child killed by SIGPIPE", WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	return 0;
}
