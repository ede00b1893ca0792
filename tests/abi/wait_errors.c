/* wait4's selectors and errors: pid 0 (the caller's group) and -pgid
 * skip children in other groups; a grandchild is not waitable; unknown
 * option bits are EINVAL; a bad status pointer is EFAULT and the child is
 * reaped all the same; INT_MIN is ESRCH; WNOHANG with a running child is 0. */
#include "abi.h"
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

static int pfd[2];

static pid_t child(int own_group, int code)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		if (own_group)
			setpgid(0, 0);
		char b;
		read(pfd[0], &b, 1); /* wait for the go */
		_exit(code);
	}
	if (own_group)
		setpgid(c, c);
	return c;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	need("pipe", pipe(pfd));
	int st;
	err("wait4 with no children", wait4(-1, &st, 0, NULL));
	err("wait4 WNOHANG with no children", wait4(-1, &st, WNOHANG, NULL));

	pid_t other = child(1, 4);
	pid_t same = child(0, 5);
	val("WNOHANG with both running", wait4(-1, &st, WNOHANG, NULL));
	write(pfd[1], "xx", 2);
	pid_t r = wait4(0, &st, 0, NULL);
	yes("pid 0: the child in our group", r == same && WEXITSTATUS(st) == 5);
	r = wait4(0, &st, WNOHANG, NULL);
	err("pid 0 again (the other is in its own group)", r);
	r = wait4(-other, &st, 0, NULL);
	yes("-pgid: the other child", r == other && WEXITSTATUS(st) == 4);

	/* A grandchild is not ours to wait for. */
	fflush(stdout);
	int gp[2];
	pipe(gp);
	pid_t mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			usleep(100000);
			_exit(0);
		}
		write(gp[1], &g, sizeof(g));
		waitpid(g, NULL, 0);
		_exit(0);
	}
	pid_t g;
	read(gp[0], &g, sizeof(g));
	err("wait4 of a grandchild", wait4(g, &st, 0, NULL));
	waitpid(mid, NULL, 0);

	pid_t c = child(0, 1);
	err("unknown option bit", wait4(c, &st, 0x100, NULL));
	err("WEXITED is not a wait4 option", wait4(c, &st, WEXITED, NULL));
	err("pid INT_MIN", wait4(INT_MIN, &st, 0, NULL));
	write(pfd[1], "x", 1);
	err("bad status pointer", wait4(c, (int *)8, 0, NULL));
	err("then it is gone", wait4(c, &st, WNOHANG, NULL));
	c = child(0, 2);
	write(pfd[1], "x", 1);
	err("bad rusage pointer", wait4(c, &st, 0, (void *)8));
	err("then it is gone too", wait4(c, &st, WNOHANG, NULL));
	c = child(0, 3);
	write(pfd[1], "x", 1);
	r = wait4(c, NULL, 0, NULL);
	yes("NULL status is fine", r == c);
	return 0;
}
