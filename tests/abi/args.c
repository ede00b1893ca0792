/* Process start: argc, argv, envp as execve passed them, and environ. */
#include "abi.h"

extern char **environ;

int main(int argc, char **argv, char **envp)
{
	scratch(argc, argv);
	val("argc", argc);
	printf("argv[0]: %s\n", argv[0]);
	yes("argv[argc] == NULL", argv[argc] == NULL);
	yes("envp follows argv", envp == argv + argc + 1);
	yes("environ == envp", environ == envp);
	int n = 0;
	for (char **e = envp; *e; e++, n++)
		printf("env[%d]: %s\n", n, *e);
	val("env count", n);
	printf("getenv PATH: %s\n", getenv("PATH") ? getenv("PATH") : "(none)");
	yes("getenv missing is NULL", getenv("ABI_NO_SUCH_VARIABLE") == NULL);
	return 0;
}
