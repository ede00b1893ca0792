/* execve from a thread that is not the main one: the new program runs as
 * the process (its PID, TID == PID, the parent the same), the other
 * threads are gone (one task left), and the exit status reaches the
 * parent. */
#include "abi.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

static char **args;
static char pidbuf[32], ppidbuf[32];

static void *spinner(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *arg)
{
	(void)arg;
	usleep(20000);
	char *nargv[] = {args[0], args[1], "after", pidbuf, ppidbuf, NULL};
	execv("/proc/self/exe", nargv);
	printf("execv: %s\n", errname(errno));
	fflush(stdout);
	_exit(1);
	return NULL;
}

static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	if (argc >= 5 && strcmp(argv[2], "after") == 0) {
		yes("same pid", getpid() == atoi(argv[3]));
		yes("tid is the pid", syscall(SYS_gettid) == getpid());
		yes("same parent", getppid() == atoi(argv[4]));
		val("tasks in /proc/self/task", tasks());
		return 6;
	}
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		args = argv;
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		snprintf(ppidbuf, sizeof(ppidbuf), "%d", getppid());
		pthread_t t1, t2, t3;
		pthread_create(&t1, NULL, spinner, NULL);
		pthread_create(&t2, NULL, spinner, NULL);
		printf("before: tasks %d\n", tasks());
		fflush(stdout);
		pthread_create(&t3, NULL, execer, NULL);
		for (;;)
			pause();
	}
	int st;
	pid_t r = waitpid(c, &st, 0);
	yes("reaped the child by its pid", r == c);
	yes("exit code 6", WIFEXITED(st) && WEXITSTATUS(st) == 6);
	err("nothing else to wait for", waitpid(-1, &st, WNOHANG));
	return 0;
}
