/* Opening /proc/self/fd/N reopens what the descriptor refers to, as Linux
 * does: a pipe end gives a new end of the same pipe in the mode asked, a
 * regular file is opened again (its own offset), and /dev/fd, /dev/stdin,
 * /dev/stdout and /dev/stderr lead there. */
#include "abi.h"

#include <signal.h>
#include <sys/socket.h>

static const char *fdpath(int fd)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	return buf;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int p[2];
	char buf[32];
	struct stat a, b;

	need("pipe", pipe(p));
	int w2 = open(fdpath(p[1]), O_WRONLY);
	need("reopen the write end", w2);
	yes("a new descriptor", w2 != p[1]);
	fstat(w2, &a);
	fstat(p[1], &b);
	yes("same pipe inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	yes("S_ISFIFO", S_ISFIFO(a.st_mode));
	val("write through the reopened end", write(w2, "abc", 3));
	val("read from the original", read(p[0], buf, sizeof(buf)));
	int fl = fcntl(w2, F_GETFL);
	yes("reopened O_WRONLY", (fl & O_ACCMODE) == O_WRONLY);

	int r2 = open(fdpath(p[0]), O_RDONLY | O_NONBLOCK);
	need("reopen the read end O_NONBLOCK", r2);
	err("empty read on it", read(r2, buf, sizeof(buf)));
	yes("original still blocking", !(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	val("write", write(p[1], "xy", 2));
	val("read through the reopened read end", read(r2, buf, sizeof(buf)));

	/* The read end reopened for writing: the same pipe, other direction. */
	int w3 = open(fdpath(p[0]), O_WRONLY);
	need("reopen the read end O_WRONLY", w3);
	val("write through it", write(w3, "q", 1));
	val("read it back", read(p[0], buf, sizeof(buf)));
	int rw = open(fdpath(p[0]), O_RDWR);
	need("reopen O_RDWR", rw);

	/* Writers counted: EOF only when every write end is closed. */
	close(p[1]);
	close(w2);
	close(rw);
	err("read, one writer left", read(r2, buf, sizeof(buf)));
	close(w3);
	val("read after every writer left", read(r2, buf, sizeof(buf)));
	close(r2);
	close(p[0]);

	/* No partner: an anonymous pipe reopened never waits (no FIFO rules). */
	need("pipe", pipe(p));
	close(p[1]);
	int r3 = open(fdpath(p[0]), O_RDONLY);
	need("reopen the read end, no writer left", r3);
	val("read: EOF", read(r3, buf, sizeof(buf)));
	close(r3);
	close(p[0]);
	need("pipe", pipe(p));
	close(p[0]);
	int w5 = open(fdpath(p[1]), O_WRONLY | O_NONBLOCK);
	need("reopen the write end O_NONBLOCK, no reader left", w5);
	signal(SIGPIPE, SIG_IGN);
	err("write: no reader", write(w5, "x", 1));
	close(w5);
	int w6 = open(fdpath(p[1]), O_WRONLY);
	need("reopen the write end, blocking, no reader left", w6);
	close(w6);
	close(p[1]);

	/* O_CREAT|O_TRUNC through /dev/stdout on a pipe (a shell's > /dev/stdout). */
	need("pipe", pipe(p));
	int saved = dup(1);
	dup2(p[1], 1);
	int o = open("/dev/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int oe = errno;
	dup2(saved, 1);
	close(saved);
	errno = oe;
	res("open /dev/stdout O_CREAT|O_TRUNC on a pipe", o);
	if (o >= 0) {
		val("write", write(o, "out", 3));
		close(o);
	}
	close(p[1]);
	val("read", read(p[0], buf, sizeof(buf)));
	close(p[0]);

	/* A regular file: reopened, with its own offset. */
	put_file(dir, "f", "hello world");
	int f = open(at(dir, "f", 0), O_RDONLY);
	need("open f", f);
	val("read 5", read(f, buf, 5));
	int f2 = open(fdpath(f), O_RDONLY);
	need("reopen f", f2);
	memset(buf, 0, sizeof(buf));
	val("read from the reopened file", read(f2, buf, sizeof(buf)));
	printf("data: %s\n", buf);
	val("offset of the original", lseek(f, 0, SEEK_CUR));
	fstat(f, &a);
	fstat(f2, &b);
	yes("same inode", a.st_ino == b.st_ino);
	int f3 = open(fdpath(f), O_WRONLY | O_APPEND);
	need("reopen f for writing", f3);
	val("append", write(f3, "!", 1));
	fstat(f, &a);
	val("size", a.st_size);
	char lk[256] = {0}, lk2[256] = {0};
	readlink(fdpath(f), lk, sizeof(lk) - 1);
	readlink(fdpath(f3), lk2, sizeof(lk2) - 1);
	yes("reopened file has the same path", strcmp(lk, lk2) == 0);
	/* Removed: the link still opens the file (the inode, not the name). */
	unlink(at(dir, "f", 0));
	int f4 = open(fdpath(f), O_RDONLY);
	need("reopen a removed file", f4);
	memset(buf, 0, sizeof(buf));
	val("read it", read(f4, buf, sizeof(buf)));
	printf("data: %s\n", buf);
	close(f);
	close(f2);
	close(f3);
	close(f4);

	/* A socket cannot be opened. */
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		err("reopen a socket", open(fdpath(sv[0]), O_RDWR));
		close(sv[0]);
		close(sv[1]);
	} else {
		printf("reopen a socket: ENXIO\n");
	}
	/* A directory. */
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", d);
	put_file(dir, "g", "gg");
	char sub[64];
	snprintf(sub, sizeof(sub), "/proc/self/fd/%d/g", d);
	int g = open(sub, O_RDONLY);
	need("open through a directory's fd link", g);
	val("read", read(g, buf, sizeof(buf)));
	close(g);
	close(d);

	/* The /dev links. */
	res("stat /dev/fd", lstat("/dev/fd", &a));
	yes("/dev/fd is a link", S_ISLNK(a.st_mode));
	memset(lk, 0, sizeof(lk));
	readlink("/dev/fd", lk, sizeof(lk) - 1);
	printf("/dev/fd -> %s\n", lk);
	const char *std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int i = 0; i < 3; i++) {
		memset(lk, 0, sizeof(lk));
		readlink(std[i], lk, sizeof(lk) - 1);
		printf("%s -> %s\n", std[i], lk);
	}
	need("pipe", pipe(p));
	snprintf(sub, sizeof(sub), "/dev/fd/%d", p[1]);
	int w4 = open(sub, O_WRONLY);
	need("open /dev/fd/N of a pipe", w4);
	val("write", write(w4, "dev", 3));
	val("read", read(p[0], buf, sizeof(buf)));
	return 0;
}
