/* Many children at once: wait(-1) collects each exactly once, in any
 * order, with its own status; the sum of statuses proves none is lost. */
#include "abi.h"
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	enum { N = 40 };
	pid_t kids[N];
	fflush(stdout);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			usleep((N - i) * 1000);
			_exit(i);
		}
	}
	int sum = 0, count = 0, dup = 0;
	int seen[N] = {0};
	for (;;) {
		int st;
		pid_t w = wait(&st);
		if (w < 0)
			break;
		count++;
		sum += WEXITSTATUS(st);
		for (int i = 0; i < N; i++)
			if (kids[i] == w && seen[i]++)
				dup = 1;
	}
	printf("collected %d, status sum %d (expect %d), duplicates %d, then %s\n", count, sum,
	       N * (N - 1) / 2, dup, errname(errno));
	return 0;
}
