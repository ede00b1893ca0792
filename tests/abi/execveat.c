/* execveat: a path relative to a directory descriptor, and fexecve (the
 * descriptor's own file, AT_EMPTY_PATH); its errors. */
#include "abi.h"
#include <sys/wait.h>

extern char **environ;

static int run(int dirfd, const char *path, int flags)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = {"x", "/", "child", NULL};
		syscall(SYS_execveat, dirfd, path, argv, environ, flags);
		printf("execveat: %s\n", errname(errno));
		fflush(stdout);
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "child") == 0)
		return 17;
	scratch(argc, argv);
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	need("readlink", n);
	self[n] = 0;
	char *slash = strrchr(self, '/');
	*slash = 0;
	int dir = open(self, O_RDONLY | O_DIRECTORY);
	need("open dir", dir);
	printf("relative to a directory fd: %d\n", run(dir, slash + 1, 0));
	*slash = '/';
	int fd = open(self, O_RDONLY);
	need("open self", fd);
	printf("fexecve (AT_EMPTY_PATH): %d\n", run(fd, "", AT_EMPTY_PATH));
	printf("absolute path, any fd: %d\n", run(-1, self, 0));
	printf("empty path without AT_EMPTY_PATH: %d\n", run(fd, "", 0));
	printf("bad fd: %d\n", run(999, "x", 0));
	printf("bad flags: %d\n", run(fd, "", 0x4));
	printf("bad flags with a path: %d\n", run(fd, "x", 0x4));
	return 0;
}
