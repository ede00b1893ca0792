/* Orphans: when a process's parent dies it is reparented to the nearest
 * PR_SET_CHILD_SUBREAPER ancestor, which can then wait for it; with
 * PR_SET_PDEATHSIG it is sent that signal when the parent dies; the
 * death signal is cleared in a fork's child. */
#include "abi.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	need("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	pid_t me = getpid();
	int p[2];
	need("pipe", pipe(p));
	fflush(stdout);
	pid_t mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			close(p[0]);
			/* Wait for the middle process to go, then report. */
			while (getppid() != me)
				usleep(2000);
			char r = 'R';
			write(p[1], &r, 1);
			_exit(12);
		}
		write(p[1], &g, sizeof(g));
		_exit(0);
	}
	pid_t g = 0;
	read(p[0], &g, sizeof(g));
	int st;
	waitpid(mid, &st, 0);
	char r = 0;
	read(p[0], &r, 1);
	yes("the grandchild saw us as its parent", r == 'R');
	pid_t w = waitpid(-1, &st, 0);
	yes("we reaped the grandchild", w == g && WIFEXITED(st) && WEXITSTATUS(st) == 12);

	/* PDEATHSIG: the grandchild asks for SIGUSR1 when its parent dies. */
	fflush(stdout);
	mid = fork();
	if (mid == 0) {
		pid_t gg = fork();
		if (gg == 0) {
			prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
			int sig = -1;
			prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
			char ok = sig == SIGUSR1 ? 'P' : 'p';
			write(p[1], &ok, 1);
			/* Its parent may already be gone: then no signal comes. */
			for (int i = 0; i < 500; i++)
				usleep(10000);
			_exit(20);
		}
		char ok;
		read(p[0], &ok, 1);
		write(p[1], &ok, 1);
		_exit(0);
	}
	waitpid(mid, &st, 0);
	read(p[0], &r, 1);
	yes("PR_GET_PDEATHSIG read back", r == 'P');
	w = waitpid(-1, &st, 0);
	yes("the grandchild died of SIGUSR1 when its parent exited",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);

	/* A fork's child starts with no death signal. */
	prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int sig = -1;
		prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
		_exit(sig);
	}
	waitpid(c, &st, 0);
	printf("child's PR_GET_PDEATHSIG: %d\n", WEXITSTATUS(st));
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);

	/* Not a subreaper any more: an orphaned grandchild goes elsewhere. */
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	int on = -1;
	prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0);
	printf("subreaper now: %d\n", on);
	fflush(stdout);
	mid = fork();
	if (mid == 0) {
		pid_t gg = fork();
		if (gg == 0) {
			usleep(50000);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(mid, &st, 0);
	usleep(100000);
	err("the orphaned grandchild is not ours", waitpid(-1, &st, WNOHANG));
	return 0;
}
