/* Process groups and sessions: setsid makes a new session and group led by
 * the caller, and fails for a group leader; setpgid moves a child into its
 * own group; getpgid and getsid report them; the errors are Linux's. */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		pid_t me = getpid();
		yes("child: setsid returns its pid", setsid() == me);
		yes("child: getsid(0) is its pid", getsid(0) == me);
		yes("child: getpgrp is its pid", getpgrp() == me);
		err("child: setsid again", setsid());
		err("child: setpgid as a session leader", setpgid(0, 0));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	int go[2];
	need("pipe", pipe(go));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		char x;
		close(go[1]);
		while (read(go[0], &x, 1) < 0) /* until the parent has moved it */
			;
		_exit(getpgrp() == getpid() ? 10 : 11);
	}
	close(go[0]);
	res("parent: setpgid(child, child)", setpgid(c, c));
	yes("parent: getpgid(child) is the child", getpgid(c) == c);
	err("parent: setpgid into a group of another session", setpgid(c, 1));
	err("parent: getpgid of no one", getpgid(99999));
	err("parent: getsid of no one", getsid(99999));
	err("parent: setpgid negative", setpgid(0, -1));
	close(go[1]);
	waitpid(c, &st, 0);
	printf("child saw itself as group leader: %d\n", WEXITSTATUS(st) == 10);
	return 0;
}
