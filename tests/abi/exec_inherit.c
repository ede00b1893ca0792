/* What a process keeps through fork and execve: the umask, the cwd, the
 * environment given to execve (and only that), resource limits, the
 * nice value, the process group and session, real and effective IDs,
 * and descriptors' offsets and status flags. */
#include "abi.h"
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	if (argc >= 4 && strcmp(argv[2], "after") == 0) {
		mode_t m = umask(0);
		printf("umask: %03o\n", (unsigned)m);
		char cwd[4096];
		getcwd(cwd, sizeof(cwd));
		char want[4096];
		snprintf(want, sizeof(want), "%s/sub", dir);
		char real[4096];
		realpath(want, real);
		yes("cwd is the scratch sub dir", strcmp(cwd, real) == 0);
		int n = 0;
		for (char **e = environ; *e; e++)
			printf("env[%d]: %s\n", n++, *e);
		printf("getenv PATH: %s\n", getenv("PATH") ? getenv("PATH") : "(none)");
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("RLIMIT_NOFILE: %lu %lu\n", (unsigned long)rl.rlim_cur,
		       (unsigned long)rl.rlim_max);
		getrlimit(RLIMIT_CORE, &rl);
		printf("RLIMIT_CORE soft: %lu\n", (unsigned long)rl.rlim_cur);
		errno = 0;
		printf("nice: %d\n", getpriority(PRIO_PROCESS, 0));
		yes("own process group", getpgrp() == getpid());
		yes("pgid passed", getpgrp() == atoi(argv[3]));
		off_t off = lseek(7, 0, SEEK_CUR);
		printf("fd 7 offset: %ld\n", (long)off);
		int fl = fcntl(7, F_GETFL);
		yes("fd 7 O_APPEND", fl >= 0 && (fl & O_APPEND));
		yes("fd 7 O_NONBLOCK", fl >= 0 && (fl & O_NONBLOCK));
		return 0;
	}
	mode_t m0 = umask(022);
	umask(m0);
	need("mkdir", mkdir(at(dir, "sub", 0), 0755));
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_APPEND | O_NONBLOCK, 0644);
	need("open", fd);
	need("dup2", dup2(fd, 7));
	write(7, "0123456789", 10);
	lseek(7, 3, SEEK_SET);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		umask(027);
		chdir(at(dir, "sub", 0));
		struct rlimit rl = {512, 2048};
		setrlimit(RLIMIT_NOFILE, &rl);
		struct rlimit core = {0, 0};
		setrlimit(RLIMIT_CORE, &core);
		setpriority(PRIO_PROCESS, 0, 5);
		char pg[32];
		snprintf(pg, sizeof(pg), "%d", getpgrp());
		char *nargv[] = {argv[0], argv[1], "after", pg, NULL};
		char *nenv[] = {"ONE=1", "EMPTY=", "SPACES=a b  c", NULL};
		execve("/proc/self/exe", nargv, nenv);
		printf("execve: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	printf("child exit: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	yes("our offset still 3 (the description is shared)", lseek(7, 0, SEEK_CUR) == 3);
	yes("our umask unchanged", umask(m0) == m0);
	return 0;
}
