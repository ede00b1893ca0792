/* fcntl_lockw: blocking record locks: F_SETLKW that would deadlock two
 * processes is EDEADLK (POSIX locks), the waiter gets its lock once the
 * other side lets go, a wait interrupted by a signal without SA_RESTART
 * is EINTR, a lock upgrade (read to write) waits for another reader,
 * and an exiting holder's locks go. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

static int to_c[2], to_p[2];

static void say(int fd)
{
	write(fd, "x", 1);
}

static void hear(int fd)
{
	char c;
	read(fd, &c, 1);
}

static void on_alarm(int s)
{
	(void)s;
}

/* Whether the lock at start is held by someone else (F_GETLK). */
static int held(int fd, off_t start)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = 1};
	fcntl(fd, F_GETLK, &fl);
	return fl.l_type != F_UNLCK;
}

/* Waits (up to 5 s) until process pid sleeps, as /proc/PID/stat says. */
static void wait_sleeping(pid_t pid)
{
	char path[64], b[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 5000; i++) {
		int f = open(path, O_RDONLY);
		ssize_t n = f < 0 ? -1 : read(f, b, sizeof(b) - 1);
		if (f >= 0)
			close(f);
		b[n < 0 ? 0 : n] = 0;
		char *e = strrchr(b, ')');
		if (e && e[1] == ' ' && e[2] == 'S')
			return;
		usleep(1000);
	}
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	need("pipe", pipe(to_c));
	need("pipe", pipe(to_p));

	/* deadlock: parent holds 0, child holds 1; child waits for 0, parent asks for 1 */
	res("parent locks byte 0", lk(fd, F_SETLK, F_WRLCK, 0, 1));
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		res("child locks byte 1", lk(fd, F_SETLK, F_WRLCK, 1, 1));
		fflush(stdout);
		say(to_p[1]);
		long r = lk(fd, F_SETLKW, F_WRLCK, 0, 1); /* waits for the parent */
		res("child F_SETLKW byte 0 (after the parent let go)", r);
		fflush(stdout);
		say(to_p[1]);
		hear(to_c[0]);
		_exit(0);
	}
	hear(to_p[0]);
	wait_sleeping(c); /* in its F_SETLKW */
	usleep(20000);
	err("parent F_SETLKW byte 1 (a deadlock)", lk(fd, F_SETLKW, F_WRLCK, 1, 1));
	fflush(stdout);
	lk(fd, F_SETLK, F_UNLCK, 0, 1);
	hear(to_p[0]);
	yes("byte 0 now held by the child", held(fd, 0));
	say(to_c[1]);
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	yes("its locks went with it", !held(fd, 0) && !held(fd, 1));

	/* an interrupted wait */
	c = fork();
	need("fork", c);
	if (c == 0) {
		lk(fd, F_SETLK, F_WRLCK, 10, 10);
		say(to_p[1]);
		hear(to_c[0]);
		_exit(0);
	}
	hear(to_p[0]);
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	err("F_SETLKW interrupted by a signal", lk(fd, F_SETLKW, F_WRLCK, 15, 1));
	res("F_SETLK elsewhere meanwhile", lk(fd, F_SETLK, F_WRLCK, 30, 1));
	say(to_c[1]);
	waitpid(c, &st, 0);
	res("F_SETLKW after the holder exited", lk(fd, F_SETLKW, F_WRLCK, 15, 1));

	/* upgrading a read lock waits for the other reader */
	lk(fd, F_SETLK, F_UNLCK, 0, 0);
	res("parent read lock 40..49", lk(fd, F_SETLK, F_RDLCK, 40, 10));
	fflush(stdout);
	c = fork();
	need("fork", c);
	if (c == 0) {
		res("child read lock 40..49 (shared)", lk(fd, F_SETLK, F_RDLCK, 40, 10));
		err("child upgrade to write, F_SETLK", lk(fd, F_SETLK, F_WRLCK, 40, 10));
		fflush(stdout);
		say(to_p[1]);
		res("child upgrade with F_SETLKW once the parent unlocks",
		    lk(fd, F_SETLKW, F_WRLCK, 40, 10));
		fflush(stdout);
		_exit(0);
	}
	hear(to_p[0]);
	wait_sleeping(c);
	lk(fd, F_SETLK, F_UNLCK, 40, 10);
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* OFD locks have no deadlock detection: a plain EAGAIN check here */
	int a = open(at(dir, "f", 0), O_RDWR), b = open(at(dir, "f", 0), O_RDWR);
	res("OFD lock on a", lk(a, F_OFD_SETLK, F_WRLCK, 100, 1));
	err("OFD lock on b", lk(b, F_OFD_SETLK, F_WRLCK, 100, 1));
	return 0;
}
