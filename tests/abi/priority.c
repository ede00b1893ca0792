/* getpriority/setpriority and the scheduling-policy calls. */
#include "abi.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		res("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
		errno = 0;
		printf("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
		res("setpriority 30 (clamped)", setpriority(PRIO_PROCESS, 0, 30));
		printf("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
		err("setpriority bad which", setpriority(7, 0, 1));
		err("getpriority of no one", getpriority(PRIO_PROCESS, 99999));
		if (setuid(1000) == 0)
			err("unprivileged lower nice", setpriority(PRIO_PROCESS, 0, 0));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	val("sched_getscheduler", sched_getscheduler(0));
	val("SCHED_FIFO max", sched_get_priority_max(SCHED_FIFO));
	val("SCHED_FIFO min", sched_get_priority_min(SCHED_FIFO));
	val("SCHED_OTHER max", sched_get_priority_max(SCHED_OTHER));
	err("policy 77", sched_get_priority_max(77));
	struct sched_param sp = {0};
	res("sched_setscheduler OTHER 0", sched_setscheduler(0, SCHED_OTHER, &sp));
	sp.sched_priority = 5;
	err("sched_setscheduler OTHER 5", sched_setscheduler(0, SCHED_OTHER, &sp));
	res("sched_getparam", sched_getparam(0, &sp));
	val("its priority", sp.sched_priority);
	err("sched_getparam of no one", sched_getparam(99999, &sp));
	return 0;
}
