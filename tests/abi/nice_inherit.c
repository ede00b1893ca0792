/* A nice value is inherited: by a forked child, across execve, by a thread
 * created after it was set, and by a CLONE_PARENT child (whose parent is
 * the caller's parent, but whose nice is the caller's). */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_nice(void *arg)
{
	(void)arg;
	errno = 0;
	printf("thread: getpriority %d\n", getpriority(PRIO_PROCESS, 0));
	return NULL;
}

static void child_report(const char *who)
{
	errno = 0;
	printf("%s: getpriority %d\n", who, getpriority(PRIO_PROCESS, 0));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "exec")) {
		child_report("after exec");
		return 0;
	}
	scratch(argc, argv);
	res("setpriority 3", setpriority(PRIO_PROCESS, 0, 3));
	child_report("parent");
	fflush(stdout);

	pid_t c = fork();
	if (c == 0) {
		child_report("fork child");
		execl("/proc/self/exe", argv[0], argv[1], "exec", (char *)NULL);
		printf("execl: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	val("fork child status", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	pthread_t t;
	pthread_create(&t, NULL, thread_nice, NULL);
	pthread_join(t, NULL);

	/* A middle process makes a CLONE_PARENT child, which becomes ours
	 * (its exit signal SIGCHLD) and keeps the middle's nice of 7. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		setpriority(PRIO_PROCESS, 0, 7);
		fflush(stdout);
		long g = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
		if (g == 0) {
			child_report("clone_parent child");
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	int mst, gst;
	waitpid(c, &mst, 0);
	pid_t g = wait(&gst); /* after the grandchild's own line, whatever the buffering */
	val("middle status", WIFEXITED(mst) ? WEXITSTATUS(mst) : -1);
	val("clone_parent child is ours", g > 0 && WIFEXITED(gst) && WEXITSTATUS(gst) == 0);
	child_report("parent again");
	return 0;
}
