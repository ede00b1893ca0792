/* Process and thread ids of a single-threaded process, and a child's
 * parent id (the program's own parent is whoever started it: the harness on
 * the host, the kernel in Pallas, so only its child's is compared). */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pid_t pid = getpid();
	yes("pid > 0", pid > 0);
	yes("getpid stable", getpid() == pid);
	yes("raw getpid == getpid", syscall(SYS_getpid) == pid);
	yes("gettid == pid (one thread)", syscall(SYS_gettid) == pid);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		pid_t ppid = getppid();
		yes("child: ppid is the parent's pid", ppid == pid);
		yes("child: ppid != its pid", ppid != getpid());
		yes("child: getppid stable", getppid() == ppid);
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	yes("parent: the child's pid differs", c != pid);
	return 0;
}
