/* fork from a threaded process: the child has one thread (the caller),
 * sees memory as it was, and can create threads of its own. */
#include "abi.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

static volatile int spin = 1;
static int shared_value = 17;

static void *spinner(void *arg)
{
	while (spin)
		usleep(1000);
	return NULL;
}

static void *adder(void *arg)
{
	return (void *)(long)(shared_value + 1);
}

static int threads_of_self(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, spinner, NULL);
	printf("parent threads: %d\n", threads_of_self());
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		printf("child threads: %d\n", threads_of_self());
		pthread_t a;
		void *r;
		pthread_create(&a, NULL, adder, NULL);
		pthread_join(a, &r);
		printf("child's own thread returned %ld\n", (long)r);
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	spin = 0;
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("child exited %d\n", WEXITSTATUS(st));
	return 0;
}
