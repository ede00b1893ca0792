/* Process and thread ids of a single-threaded process. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pid_t pid = getpid();
	yes("pid > 0", pid > 0);
	yes("getpid stable", getpid() == pid);
	yes("raw getpid == getpid", syscall(SYS_getpid) == pid);
	yes("gettid == pid (one thread)", syscall(SYS_gettid) == pid);
	pid_t ppid = getppid();
	yes("ppid > 0", ppid > 0);
	yes("ppid != pid", ppid != pid);
	yes("getppid stable", getppid() == ppid);
	return 0;
}
