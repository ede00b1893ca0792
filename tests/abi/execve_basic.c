/* execve replaces the program: argv and envp arrive as given, descriptors
 * stay open unless close-on-exec, and failures leave the caller running
 * with Linux's errno. */
#include "abi.h"
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "exec-child") == 0) {
		printf("child argc %d:", argc);
		for (int i = 2; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf("\n");
		for (char **e = environ; *e; e++)
			printf("env [%s]\n", *e);
		yes("fd 5 still open", fcntl(5, F_GETFD) >= 0);
		yes("fd 6 closed on exec", fcntl(6, F_GETFD) < 0 && errno == EBADF);
		return 42;
	}
	const char *dir = scratch(argc, argv);
	need("dup2 5", dup2(1, 5));
	need("dup2 6", dup2(1, 6));
	need("cloexec 6", fcntl(6, F_SETFD, FD_CLOEXEC));
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		char *nargv[] = {argv[0], argv[1], "exec-child", "two words", "", "x", NULL};
		char *nenv[] = {"A=1", "EMPTY=", "LONG=0123456789", NULL};
		execve("/proc/self/exe", nargv, nenv);
		printf("execve failed: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	yes("child exited 42", WIFEXITED(st) && WEXITSTATUS(st) == 42);
	char *none[] = {"x", NULL};
	err("execve of a missing file", execve(at(dir, "missing", 0), none, none));
	put_file(dir, "plain", "not a program\n");
	err("execve of a non-executable file", execve(at(dir, "plain", 0), none, none));
	chmod(at(dir, "plain", 0), 0755);
	err("execve of an executable non-program", execve(at(dir, "plain", 0), none, none));
	err("execve of a directory", execve(dir, none, none));
	err("execve with a bad argv", execve("/proc/self/exe", (char **)8, none));
	err("execve with a bad path", execve((char *)8, none, none));
	printf("still running\n");
	return 0;
}
