/*
 * fork + execve + wait4 of a tiny static program (`true` from the same
 * directory as this one), one op per child, its glibc start-up included.
 */
#include <libgen.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define OPS 500ul

static void spawn(const char *path)
{
	char *const argv[] = {(char *)path, NULL};
	char *const envp[] = {NULL};
	int status;

	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (wait4(pid, &status, 0, NULL) != pid)
		bench_die("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fork_exec: %s: status %#x\n", path, status);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char self[256], path[300];

	(void)argc;
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(path, sizeof(path), "%s/true", dirname(self));
	spawn(path); /* warm-up: the binary is in the page cache */
	uint64_t t0 = bench_now();
	for (unsigned long i = 0; i < OPS; i++)
		spawn(path);
	bench_report("fork_exec", OPS, t0, bench_now());
	return 0;
}
