/* ofd_lock: open file description locks (F_OFD_SETLK, F_OFD_GETLK,
 * F_OFD_SETLKW): two opens of one file conflict even in one process,
 * a dup shares the lock, F_OFD_GETLK reports l_pid -1, a forked child
 * inherits the description's lock, closing a dup keeps it, closing the
 * last fd drops it; OFD and POSIX locks conflict; l_pid must be 0. */
#include "abi.h"
#include <sys/wait.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

static void getlk(const char *what, int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, cmd, &fl) < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK)
		printf("%s: F_UNLCK\n", what);
	else
		printf("%s: %s start %ld len %ld pid %s\n", what,
		       fl.l_type == F_RDLCK ? "F_RDLCK" : "F_WRLCK", (long)fl.l_start,
		       (long)fl.l_len,
		       fl.l_pid == -1	      ? "-1"
		       : fl.l_pid == getpid() ? "self"
		       : fl.l_pid > 0	      ? "another"
					      : "0");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int a = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open a", a);
	need("ftruncate", ftruncate(a, 1000));
	int b = open(at(dir, "f", 0), O_RDWR);
	need("open b", b);

	res("a F_OFD_SETLK W 0..99", lk(a, F_OFD_SETLK, F_WRLCK, 0, 100));
	err("b F_OFD_SETLK W 50..59", lk(b, F_OFD_SETLK, F_WRLCK, 50, 10));
	err("b F_OFD_SETLK R 0..0", lk(b, F_OFD_SETLK, F_RDLCK, 0, 1));
	res("b F_OFD_SETLK W 100..199", lk(b, F_OFD_SETLK, F_WRLCK, 100, 100));
	getlk("b F_OFD_GETLK W 10..19", b, F_OFD_GETLK, F_WRLCK, 10, 10);
	getlk("a F_OFD_GETLK W 10..19 (own)", a, F_OFD_GETLK, F_WRLCK, 10, 10);
	getlk("a F_OFD_GETLK W 150..", a, F_OFD_GETLK, F_WRLCK, 150, 0);
	int ad = dup(a);
	res("dup of a F_OFD_SETLK W 20..29 (same owner)", lk(ad, F_OFD_SETLK, F_WRLCK, 20, 10));
	close(ad);
	err("b after closing a dup of a", lk(b, F_OFD_SETLK, F_WRLCK, 0, 1));
	/* POSIX lock of this process conflicts with the OFD lock of a */
	err("POSIX F_SETLK W on b over a's lock", lk(b, F_SETLK, F_WRLCK, 0, 10));
	getlk("POSIX F_GETLK W 0..9", b, F_GETLK, F_WRLCK, 0, 10);
	res("POSIX F_SETLK W 500..509", lk(b, F_SETLK, F_WRLCK, 500, 10));
	getlk("a F_OFD_GETLK over a POSIX lock", a, F_OFD_GETLK, F_WRLCK, 500, 10);
	fflush(stdout);

	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		/* a is the same description: the child owns its lock too */
		res("child: a F_OFD_SETLK R 0..9 (converts)", lk(a, F_OFD_SETLK, F_RDLCK, 0, 10));
		int cb = open(at(dir, "f", 0), O_RDWR);
		err("child: new open W 150..159", lk(cb, F_OFD_SETLK, F_WRLCK, 150, 10));
		res("child: new open R 0..9 (read lock now)", lk(cb, F_OFD_SETLK, F_RDLCK, 0, 10));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	getlk("b F_OFD_GETLK W 0..9 after child", b, F_OFD_GETLK, F_WRLCK, 0, 10);
	getlk("b F_OFD_GETLK R 0..9 after child", b, F_OFD_GETLK, F_RDLCK, 0, 10);
	res("a unlock 0..99", lk(a, F_OFD_SETLK, F_UNLCK, 0, 100));
	res("b F_OFD_SETLKW W 0..99 now free", lk(b, F_OFD_SETLKW, F_WRLCK, 0, 100));
	close(b);
	res("a W 0..199 after b closed", lk(a, F_OFD_SETLK, F_WRLCK, 0, 200));

	struct flock fl = {
	    .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
	err("F_OFD_SETLK with l_pid set", fcntl(a, F_OFD_SETLK, &fl));
	fl.l_pid = 1;
	err("F_OFD_GETLK with l_pid set", fcntl(a, F_OFD_GETLK, &fl));
	err("F_OFD_SETLK bad type", lk(a, F_OFD_SETLK, 9, 0, 1));
	err("F_OFD_SETLK bad fd", lk(77, F_OFD_SETLK, F_RDLCK, 0, 1));
	err("F_OFD_GETLK bad pointer", fcntl(a, F_OFD_GETLK, (void *)16));
	return 0;
}
