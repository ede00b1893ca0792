/* prctl: the name, the parent-death signal, dumpable, the child subreaper,
 * no_new_privs, and unknown options. */
#include "abi.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	char name[32] = {0};
	res("PR_SET_NAME", prctl(PR_SET_NAME, "abi-renamed-long-name", 0, 0, 0));
	prctl(PR_GET_NAME, name, 0, 0, 0);
	printf("PR_GET_NAME: %s\n", name);
	int sig = -1;
	res("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0));
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("PR_GET_PDEATHSIG: %d\n", sig);
	err("PR_SET_PDEATHSIG 99", prctl(PR_SET_PDEATHSIG, 99, 0, 0, 0));
	val("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	err("PR_SET_DUMPABLE 7", prctl(PR_SET_DUMPABLE, 7, 0, 0, 0));
	val("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	err("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
	val("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	val("PR_CAPBSET_READ 0", prctl(PR_CAPBSET_READ, 0, 0, 0, 0));
	err("PR_CAPBSET_READ 200", prctl(PR_CAPBSET_READ, 200, 0, 0, 0));
	err("option 12345", prctl(12345, 0, 0, 0, 0));

	/* A subreaper gets its orphaned grandchild. */
	res("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	int on = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0);
	printf("PR_GET_CHILD_SUBREAPER: %d\n", on);
	fflush(stdout);
	pid_t me = getpid();
	pid_t c = fork();
	if (c == 0) {
		pid_t middle = getpid();
		pid_t g = fork();
		if (g == 0) {
			/* Until the middle process has gone (its end is not timed). */
			for (int i = 0; i < 5000 && getppid() == middle; i++)
				usleep(1000);
			_exit(getppid() == me ? 50 : 51);
		}
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	pid_t w = wait(&st);
	printf("the orphan came to the subreaper: %d, it saw it as parent: %d\n", w > 0,
	       WIFEXITED(st) && WEXITSTATUS(st) == 50);

	/* The parent-death signal reaches the child when its parent ends. */
	int ready[2];
	need("pipe", pipe(ready));
	c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (write(ready[1], "x", 1) != 1)
				_exit(2);
			for (;;)
				pause();
		}
		char x;
		/* Only once the signal is armed may its parent end. */
		while (read(ready[0], &x, 1) < 0)
			;
		_exit(0);
	}
	waitpid(c, &st, 0);
	w = wait(&st);
	printf("pdeathsig: the grandchild died of %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}
