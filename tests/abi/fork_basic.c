/* fork: the child runs with its own PID, its parent's PID as PPID, and
 * RAX 0; the parent gets the child's PID and collects its exit status. */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pid_t me = getpid();
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		yes("child: fork returned 0", 1);
		yes("child: getppid is the parent", getppid() == me);
		yes("child: getpid differs", getpid() != me);
		yes("child: gettid is getpid", syscall(SYS_gettid) == getpid());
		fflush(stdout);
		_exit(7);
	}
	int st = 0;
	pid_t w = waitpid(c, &st, 0);
	yes("parent: waitpid returned the child", w == c);
	yes("WIFEXITED", WIFEXITED(st));
	val("WEXITSTATUS", WEXITSTATUS(st));
	err("waitpid again", waitpid(c, &st, 0));
	err("wait with no children", wait(&st));
	return 0;
}
