/* vfork: the parent waits until the child has exec'd or exited, and the
 * child shares its memory until then. */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "vchild") == 0)
		return 5;
	scratch(argc, argv);
	volatile int shared = 1;
	fflush(stdout);
	pid_t c = vfork();
	if (c == 0) {
		shared = 2;
		_exit(3);
	}
	need("vfork", c);
	yes("the child's write is seen (memory shared until exit)", shared == 2);
	int st;
	waitpid(c, &st, 0);
	yes("first child exited 3", WIFEXITED(st) && WEXITSTATUS(st) == 3);
	c = vfork();
	if (c == 0) {
		char *nargv[] = {argv[0], argv[1], "vchild", NULL};
		execv("/proc/self/exe", nargv);
		_exit(127);
	}
	waitpid(c, &st, 0);
	yes("second child exec'd and exited 5", WIFEXITED(st) && WEXITSTATUS(st) == 5);
	return 0;
}
