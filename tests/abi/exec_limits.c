/* execve's argument limits: one string over MAX_ARG_STRLEN (32 pages) and
 * more than a quarter of the stack limit in all are E2BIG, and the caller
 * runs on; just under the limits is fine. */
#include "abi.h"
#include <sys/resource.h>
#include <sys/wait.h>

static int try(char **argv)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char *envp[] = {NULL};
		execve("/proc/self/exe", argv, envp);
		_exit(errno == E2BIG ? 7 : 8);
	}
	int st;
	waitpid(c, &st, 0);
	return WEXITSTATUS(st);
}

static const char *verdict(int code)
{
	return code == 0 ? "ran" : code == 7 ? "E2BIG" : "other";
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "ran") == 0)
		return 0;
	scratch(argc, argv);
	struct rlimit rl = {8 << 20, 8 << 20};
	setrlimit(RLIMIT_STACK, &rl);
	size_t big = 32 * 4096;
	char *s = malloc(big + 1);
	memset(s, 'a', big);
	s[big] = 0;
	char *one[] = {"x", "ran", s, NULL};
	printf("a string of 32 pages: %s\n", verdict(try(one)));
	s[big - 1] = 0;
	printf("a string of 32 pages minus its NUL: %s\n", verdict(try(one)));
	/* 20 strings of 128 KiB: 2.5 MiB, over 8 MiB / 4. */
	char *many[24] = {"x", "ran"};
	for (int i = 2; i < 22; i++)
		many[i] = s;
	many[22] = NULL;
	printf("2.5 MiB of arguments: %s\n", verdict(try(many)));
	many[12] = NULL;
	printf("1.25 MiB of arguments: %s\n", verdict(try(many)));
	return 0;
}
