/* dup_fds: dup, dup2, dup3 and F_DUPFD/F_DUPFD_CLOEXEC: the lowest free
 * number, a shared offset and status flags between duplicates but a
 * per-descriptor FD_CLOEXEC, dup2 onto an open fd closing it, dup2(fd,
 * fd), dup3's EINVAL cases, the RLIMIT_NOFILE bounds (EBADF, EINVAL,
 * EMFILE), and which duplicates an exec keeps. */
#include "abi.h"
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	if (argc > 2) { /* after exec: which of 10..13 are open */
		for (int fd = 10; fd <= 13; fd++)
			printf("after exec fd %d: %s\n", fd,
			       fcntl(fd, F_GETFD) >= 0 ? "open" : "closed");
		return 0;
	}
	put_file(dir, "f", "0123456789");
	int fd = open(at(dir, "f", 0), O_RDWR);
	need("open", fd);
	val("open gives", fd);
	val("dup gives the lowest free", dup(fd));
	close(0);
	val("dup after closing 0", dup(fd));
	lseek(fd, 4, SEEK_SET);
	val("offset shared with the dup", lseek(0, 0, SEEK_CUR));
	fcntl(fd, F_SETFL, O_APPEND);
	yes("O_APPEND shared with the dup", fcntl(0, F_GETFL) & O_APPEND);
	fcntl(fd, F_SETFL, 0);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	val("FD_CLOEXEC not shared", fcntl(0, F_GETFD));
	val("dup of a CLOEXEC fd is not", fcntl(dup(fd), F_GETFD));

	val("dup2 to 10", dup2(fd, 10));
	val("dup2 clears FD_CLOEXEC", fcntl(10, F_GETFD));
	int other = open(at(dir, "f", 0), O_RDONLY);
	val("dup2 onto an open fd", dup2(other, 10));
	yes("10 is now the read-only one", (fcntl(10, F_GETFL) & O_ACCMODE) == O_RDONLY);
	val("dup2(fd, fd)", dup2(fd, fd));
	err("dup2(bad, bad)", dup2(50, 50));
	err("dup2 bad old", dup2(50, 11));
	err("dup2 negative new", dup2(fd, -1));
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	err("dup2 to the limit", dup2(fd, (int)rl.rlim_cur));
	yes("dup2 to limit-1", dup2(fd, (int)rl.rlim_cur - 1) == (int)rl.rlim_cur - 1);
	close((int)rl.rlim_cur - 1);

	val("dup3 O_CLOEXEC to 11", dup3(fd, 11, O_CLOEXEC));
	val("11 is close-on-exec", fcntl(11, F_GETFD));
	val("dup3 0 to 12", dup3(fd, 12, 0));
	val("12 is not", fcntl(12, F_GETFD));
	err("dup3(fd, fd)", dup3(fd, fd, 0));
	err("dup3 bad flags", dup3(fd, 13, O_NONBLOCK));
	err("dup3 bad old", dup3(50, 13, 0));

	val("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
	val("F_DUPFD 20 again", fcntl(fd, F_DUPFD, 20));
	val("F_DUPFD 20's flag", fcntl(20, F_GETFD));
	val("F_DUPFD_CLOEXEC 30", fcntl(fd, F_DUPFD_CLOEXEC, 30));
	val("F_DUPFD_CLOEXEC's flag", fcntl(30, F_GETFD));
	err("F_DUPFD at the limit", fcntl(fd, F_DUPFD, (int)rl.rlim_cur));
	err("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
	err("F_DUPFD bad fd", fcntl(50, F_DUPFD, 0));

	struct rlimit small = {.rlim_cur = 40, .rlim_max = rl.rlim_max};
	setrlimit(RLIMIT_NOFILE, &small);
	err("F_DUPFD 39 then 40 (full)", (fcntl(fd, F_DUPFD, 39), fcntl(fd, F_DUPFD, 39)));
	err("F_DUPFD beyond a lowered limit", fcntl(fd, F_DUPFD, 45));
	err("dup2 beyond a lowered limit", dup2(fd, 45));
	setrlimit(RLIMIT_NOFILE, &rl);

	/* exec: 10 (no flag), 11 (cloexec), 12 (no flag), 13 (FD_CLOEXEC set later) */
	dup2(fd, 13);
	fcntl(13, F_SETFD, FD_CLOEXEC);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		execl("/proc/self/exe", argv[0], dir, "after", (char *)NULL);
		printf("exec: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}
