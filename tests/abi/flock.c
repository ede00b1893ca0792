/* flock: shared and exclusive locks between open file descriptions (a
 * forked child's inherited descriptor shares the parent's), LOCK_NB,
 * conversion, release on unlock and on the last close, a blocked lock
 * granted on release, an interrupted wait, and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

static const char *path;

/* In a child: tries op on a fresh open of the file (or on fd), prints it. */
static void child_try(const char *what, int fd, int op)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int f = fd >= 0 ? fd : open(path, O_RDWR);
		res(what, flock(f, op));
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
}

static void on_alarm(int s)
{
	(void)s;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	path = at(dir, "lockfile", 0);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	res("LOCK_EX", flock(fd, LOCK_EX));
	res("LOCK_EX again", flock(fd, LOCK_EX));
	child_try("other description LOCK_EX|LOCK_NB", -1, LOCK_EX | LOCK_NB);
	child_try("other description LOCK_SH|LOCK_NB", -1, LOCK_SH | LOCK_NB);
	child_try("inherited descriptor LOCK_EX|LOCK_NB", fd, LOCK_EX | LOCK_NB);
	res("convert to LOCK_SH", flock(fd, LOCK_SH));
	child_try("other LOCK_SH|LOCK_NB beside a shared lock", -1, LOCK_SH | LOCK_NB);
	child_try("other LOCK_EX|LOCK_NB beside a shared lock", -1, LOCK_EX | LOCK_NB);
	int dupfd = dup(fd);
	close(fd);
	child_try("after closing one of two descriptors", -1, LOCK_EX | LOCK_NB);
	close(dupfd);
	child_try("after the last close", -1, LOCK_EX | LOCK_NB);
	fd = open(path, O_RDWR);
	res("LOCK_EX on a new description", flock(fd, LOCK_EX));
	res("LOCK_UN", flock(fd, LOCK_UN));
	child_try("after LOCK_UN", -1, LOCK_EX | LOCK_NB);
	res("LOCK_UN without a lock", flock(fd, LOCK_UN));

	/* A blocked lock is granted when the holder lets go. */
	flock(fd, LOCK_EX);
	int pfd[2];
	pipe(pfd);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int f = open(path, O_RDWR);
		write(pfd[1], "x", 1);
		int r = flock(f, LOCK_EX);
		printf("blocked LOCK_EX granted after the release: %s\n", r == 0 ? "yes" : "no");
		fflush(stdout);
		_exit(0);
	}
	char b;
	read(pfd[0], &b, 1);
	usleep(100000);
	flock(fd, LOCK_UN);
	waitpid(c, NULL, 0);

	/* An interrupted wait: EINTR without SA_RESTART. */
	flock(fd, LOCK_EX);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct sigaction sa = {0};
		sa.sa_handler = on_alarm;
		sigaction(SIGUSR1, &sa, NULL);
		int f = open(path, O_RDWR);
		write(pfd[1], "x", 1);
		err("blocked LOCK_EX interrupted by a signal", flock(f, LOCK_EX));
		fflush(stdout);
		_exit(0);
	}
	read(pfd[0], &b, 1);
	usleep(100000);
	kill(c, SIGUSR1);
	waitpid(c, NULL, 0);

	err("bad operation", flock(fd, 0));
	err("LOCK_SH|LOCK_EX", flock(fd, LOCK_SH | LOCK_EX));
	err("bad fd", flock(99, LOCK_EX));
	int ro = open(path, O_RDONLY);
	child_try("a read-only descriptor LOCK_SH|LOCK_NB under LOCK_EX", -1, LOCK_SH | LOCK_NB);
	res("read-only descriptor may lock once free", (flock(fd, LOCK_UN), flock(ro, LOCK_EX)));
	return 0;
}
