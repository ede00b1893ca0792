/* fcntl_lock: POSIX record locks between a parent and a forked child:
 * F_SETLK conflicts (EAGAIN), F_GETLK reports the holder's range and type
 * (and that l_pid is the parent's), read locks share, unlocking a middle
 * part splits a lock, F_SETLKW waits until the holder unlocks, closing any
 * fd of the file drops the process's locks, and the argument errors. */
#include "abi.h"
#include <sys/wait.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

static const char *tname(short t)
{
	return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?";
}

/* What F_GETLK says about a would-be lock of type over [start, start+len). */
static void getlk(const char *what, int fd, short type, off_t start, off_t len, pid_t holder)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, F_GETLK, &fl) < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK)
		printf("%s: F_UNLCK\n", what);
	else
		printf("%s: %s start %ld len %ld holder %s\n", what, tname(fl.l_type),
		       (long)fl.l_start, (long)fl.l_len, fl.l_pid == holder ? "parent" : "other");
}

/* Runs fn in a child with pipe fds; waits for it. */
static int sync_p[2], sync_c[2];

static void child_wait_token(void)
{
	char c;
	read(sync_p[0], &c, 1);
}

static void tell_child(void)
{
	write(sync_p[1], "x", 1);
}

static void wait_child_token(void)
{
	char c;
	read(sync_c[0], &c, 1);
}

static void tell_parent(void)
{
	write(sync_c[1], "x", 1);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	need("ftruncate", ftruncate(fd, 1000));
	need("pipe", pipe(sync_p));
	need("pipe", pipe(sync_c));
	pid_t me = getpid();

	res("parent F_WRLCK 0..99", lk(fd, F_SETLK, F_WRLCK, 0, 100));
	res("parent F_RDLCK 200..299", lk(fd, F_SETLK, F_RDLCK, 200, 100));
	getlk("own F_GETLK over own lock", fd, F_WRLCK, 0, 100, me);
	fflush(stdout);

	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		int cf = open(at(dir, "f", 0), O_RDWR);
		err("child F_WRLCK 50..59", lk(cf, F_SETLK, F_WRLCK, 50, 10));
		err("child F_RDLCK 0..9", lk(cf, F_SETLK, F_RDLCK, 0, 10));
		res("child F_WRLCK 100..199", lk(cf, F_SETLK, F_WRLCK, 100, 100));
		res("child F_RDLCK 250..259 (shares a read lock)",
		    lk(cf, F_SETLK, F_RDLCK, 250, 10));
		err("child F_WRLCK 290..309", lk(cf, F_SETLK, F_WRLCK, 290, 20));
		getlk("child F_GETLK W 50..59", cf, F_WRLCK, 50, 10, me);
		getlk("child F_GETLK R 220..229", cf, F_RDLCK, 220, 10, me);
		getlk("child F_GETLK W 220..229", cf, F_WRLCK, 220, 10, me);
		getlk("child F_GETLK W 500..", cf, F_WRLCK, 500, 0, me);
		fflush(stdout);
		tell_parent();
		child_wait_token(); /* parent unlocked 40..59 */
		res("child F_WRLCK 40..59 after split", lk(cf, F_SETLK, F_WRLCK, 40, 20));
		err("child F_WRLCK 30..39 still held", lk(cf, F_SETLK, F_WRLCK, 30, 10));
		err("child F_WRLCK 60..69 still held", lk(cf, F_SETLK, F_WRLCK, 60, 10));
		getlk("child F_GETLK W 0..99", cf, F_WRLCK, 0, 100, me);
		fflush(stdout);
		tell_parent();
		/* F_SETLKW blocks until the parent unlocks 0..39 */
		long r = lk(cf, F_SETLKW, F_WRLCK, 0, 10);
		res("child F_SETLKW 0..9 after the wait", r);
		fflush(stdout);
		tell_parent();
		child_wait_token(); /* parent closed another fd */
		res("child F_WRLCK 60..99 after parent's close", lk(cf, F_SETLK, F_WRLCK, 60, 40));
		res("child F_WRLCK 200..299 after parent's close",
		    lk(cf, F_SETLK, F_WRLCK, 200, 100));
		fflush(stdout);
		_exit(0);
	}
	wait_child_token();
	res("parent F_UNLCK 40..59", lk(fd, F_SETLK, F_UNLCK, 40, 20));
	fflush(stdout);
	tell_child();
	wait_child_token();
	/* child is about to block in F_SETLKW on 0..9 */
	usleep(100000);
	printf("parent unlocks 0..39\n");
	fflush(stdout);
	long ur = lk(fd, F_SETLK, F_UNLCK, 0, 40);
	wait_child_token();
	res("parent F_UNLCK 0..39", ur);
	int other = open(at(dir, "f", 0), O_RDONLY);
	close(other); /* drops all of this process's locks on the file */
	printf("parent closed another fd of the file\n");
	fflush(stdout);
	tell_child();
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	getlk("after child exit F_GETLK W 0..", fd, F_WRLCK, 0, 0, me);

	/* errors */
	err("F_SETLK bad type", lk(fd, F_SETLK, 7, 0, 10));
	struct flock fl = {.l_type = F_RDLCK, .l_whence = 9, .l_start = 0, .l_len = 1};
	err("F_SETLK bad whence", fcntl(fd, F_SETLK, &fl));
	err("F_SETLK negative start", lk(fd, F_SETLK, F_RDLCK, -5, 1));
	err("F_GETLK bad pointer", fcntl(fd, F_GETLK, (void *)8));
	err("F_SETLK bad fd", lk(99, F_SETLK, F_RDLCK, 0, 1));
	int ro = open(at(dir, "f", 0), O_RDONLY);
	err("F_WRLCK on a read-only fd", lk(ro, F_SETLK, F_WRLCK, 0, 1));
	res("F_RDLCK on a read-only fd", lk(ro, F_SETLK, F_RDLCK, 0, 1));
	int wo = open(at(dir, "f", 0), O_WRONLY);
	err("F_RDLCK on a write-only fd", lk(wo, F_SETLK, F_RDLCK, 0, 1));
	res("negative length (locks before start)", lk(fd, F_SETLK, F_WRLCK, 100, -50));
	struct flock g = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 60, .l_len = 10};
	res("F_GETLK by the owner", fcntl(fd, F_GETLK, &g));
	printf("owner sees: %s\n", tname(g.l_type));
	return 0;
}
