/* kill's targets and errors: no such process (ESRCH), a bad signal
 * (EINVAL), signal 0 as a probe, a process group, tgkill's checks. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int hits;
static void on_sig(int sig)
{
	hits++;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	err("kill of no one", kill(99999, SIGTERM));
	err("kill with a bad signal", kill(getpid(), -1));
	res("probe self", kill(getpid(), 0));
	signal(SIGUSR1, on_sig); /* before the fork: the child has it from the start */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		for (int i = 0; i < 200 && !hits; i++)
			usleep(5000);
		_exit(hits ? 20 : 21);
	}
	setpgid(c, c);
	usleep(20000);
	res("kill of the child's group", kill(-c, SIGUSR1));
	int st;
	waitpid(c, &st, 0);
	printf("the group's member got it: %d\n", WEXITSTATUS(st) == 20);
	err("kill of an empty group", kill(-c, SIGUSR1));
	err("tgkill with a bad tgid", syscall(SYS_tgkill, 0, getpid(), SIGUSR1));
	err("tgkill of a tid elsewhere", syscall(SYS_tgkill, getpid(), 99999, SIGUSR1));
	err("tkill of no one", syscall(SYS_tkill, 99999, SIGUSR1));
	signal(SIGUSR1, on_sig);
	res("tgkill of itself", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	printf("hits %d\n", hits);
	return 0;
}
