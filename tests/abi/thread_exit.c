/* Thread ends: pthread_exit of the main thread leaves the process running
 * until its last thread; exit_group from any thread ends them all; a
 * multithreaded process can exec. */
#include "abi.h"
#include <pthread.h>
#include <sys/wait.h>

static void *late(void *arg)
{
	usleep(50000);
	printf("the last thread exits the process with 6\n");
	fflush(stdout);
	exit(6);
}

static void *spinner(void *arg)
{
	for (;;)
		usleep(1000);
	return NULL;
}

static void *execer(void *arg)
{
	char **argv = arg;
	char *nargv[] = {argv[0], argv[1], "exec-child", NULL};
	execv("/proc/self/exe", nargv);
	exit(9);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "exec-child") == 0) {
		printf("exec'd from a thread, alone now\n");
		return 8;
	}
	scratch(argc, argv);
	int st;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, late, NULL);
		pthread_exit(NULL);
	}
	waitpid(c, &st, 0);
	printf("main-thread pthread_exit: status %d\n", WEXITSTATUS(st));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		pthread_t t[3];
		for (int i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, spinner, NULL);
		usleep(20000);
		exit(7);
	}
	waitpid(c, &st, 0);
	printf("exit with spinning threads: status %d\n", WEXITSTATUS(st));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		pthread_t t[2];
		pthread_create(&t[0], NULL, spinner, NULL);
		pthread_create(&t[1], NULL, execer, argv);
		for (;;)
			usleep(1000);
	}
	waitpid(c, &st, 0);
	printf("exec from a thread: status %d\n", WEXITSTATUS(st));
	return 0;
}
