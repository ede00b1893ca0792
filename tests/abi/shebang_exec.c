/* #! scripts: the interpreter gets its optional argument, the script's
 * path and the caller's arguments; a missing interpreter is ENOENT, an
 * empty #! line ENOEXEC, scripts nested deeper than Linux allows ELOOP. */
#include "abi.h"
#include <libgen.h>
#include <sys/wait.h>

static void script(const char *dir, const char *name, const char *text)
{
	put_file(dir, name, text);
	chmod(at(dir, name, 0), 0755);
}

static void run(const char *what, const char *path)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = {"ignored", "extra1", "extra2", NULL};
		char *envp[] = {NULL};
		execve(path, argv, envp);
		printf("%s: %s\n", what, errname(errno));
		fflush(stdout);
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "interp-arg") == 0) {
		printf("interpreter: argc %d, arg [%s], script %s, then", argc, argv[1],
		       basename(argv[2]));
		for (int i = 3; i < argc; i++)
			printf(" [%s]", strchr(argv[i], '/') ? basename(argv[i]) : argv[i]);
		printf("\n");
		return 0;
	}
	const char *dir = scratch(argc, argv);
	char line[4200];
	script(dir, "s1", "#!/proc/self/exe interp-arg\n");
	run("s1", at(dir, "s1", 1));
	script(dir, "missing", "#!/nonexistent/interpreter\n");
	run("missing interpreter", at(dir, "missing", 1));
	script(dir, "empty", "#!\n");
	run("empty #! line", at(dir, "empty", 1));
	/* Each script's interpreter is the next script. */
	for (int i = 0; i < 6; i++) {
		char name[8], next[8];
		snprintf(name, sizeof(name), "n%d", i);
		snprintf(next, sizeof(next), "n%d", i + 1);
		snprintf(line, sizeof(line), "#!%s\n", at(dir, next, 2));
		if (i == 5)
			snprintf(line, sizeof(line), "#!/proc/self/exe interp-arg\n");
		script(dir, name, line);
	}
	run("nested 2 deep", at(dir, "n4", 1));
	run("nested 6 deep", at(dir, "n0", 1));
	return 0;
}
