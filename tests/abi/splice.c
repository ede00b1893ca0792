/* splice, tee and vmsplice between pipes and files: offsets taken and
 * updated (or the file's position), pipe to pipe, EOF, SPLICE_F_NONBLOCK
 * on empty and full pipes, EPIPE, and the errors (EINVAL when neither end
 * is a pipe, ESPIPE for a pipe's offset). */
#include "abi.h"

#include <signal.h>
#include <sys/uio.h>

static void drain(const char *what, int fd)
{
	char buf[256];
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	long n = read(fd, buf, sizeof(buf) - 1);
	fcntl(fd, F_SETFL, fl);
	if (n < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	buf[n] = 0;
	printf("%s: %ld \"%s\"\n", what, n, buf);
}

static void contents(const char *what, int fd)
{
	char buf[64] = {0};
	long n = pread(fd, buf, sizeof(buf) - 1, 0);
	printf("%s: %ld \"%s\"\n", what, n, n >= 0 ? buf : "");
}

static long sp(int in, loff_t *oi, int out, loff_t *oo, size_t len, unsigned flags)
{
	return syscall(SYS_splice, in, oi, out, oo, len, flags);
}

static long vms(int fd, const struct iovec *v, unsigned long n, unsigned flags)
{
	return syscall(SYS_vmsplice, fd, v, n, flags);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	put_file(dir, "f", "hello world");
	int f = open(at(dir, "f", 0), O_RDONLY);
	int g = open(at(dir, "g", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", f | g);
	int p[2], q[2];
	need("pipe", pipe(p));
	need("pipe", pipe(q));

	/* File into pipe. */
	val("file to pipe, position", sp(f, NULL, p[1], NULL, 5, 0));
	printf("file position: %ld\n", (long)lseek(f, 0, SEEK_CUR));
	drain("pipe", p[0]);
	loff_t off = 6;
	val("file to pipe at 6", sp(f, &off, p[1], NULL, 100, 0));
	printf("offset: %ld, file position: %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
	drain("pipe", p[0]);
	val("file to pipe at EOF", sp(f, &off, p[1], NULL, 100, 0));
	printf("offset: %ld\n", (long)off);
	off = -1;
	err("negative offset", sp(f, &off, p[1], NULL, 5, 0));

	/* Pipe into file. */
	write(p[1], "ABCDEF", 6);
	off = 2;
	val("pipe to file at 2", sp(p[0], NULL, g, &off, 3, 0));
	printf("offset: %ld, file position: %ld\n", (long)off, (long)lseek(g, 0, SEEK_CUR));
	val("pipe to file, position", sp(p[0], NULL, g, NULL, 100, SPLICE_F_MOVE | SPLICE_F_MORE));
	printf("file position: %ld\n", (long)lseek(g, 0, SEEK_CUR));
	contents("file g", g);
	err("empty pipe, NONBLOCK", sp(p[0], NULL, g, NULL, 10, SPLICE_F_NONBLOCK));
	int e[2];
	need("pipe", pipe(e));
	close(e[1]);
	val("empty pipe without writers", sp(e[0], NULL, g, NULL, 10, 0));
	close(e[0]);

	/* Pipe into pipe. */
	write(p[1], "xyz", 3);
	val("pipe to pipe", sp(p[0], NULL, q[1], NULL, 2, 0));
	drain("second pipe", q[0]);
	drain("first pipe", p[0]);
	err("same pipe", sp(p[0], NULL, p[1], NULL, 2, 0));
	err("pipe to pipe, NONBLOCK, empty", sp(p[0], NULL, q[1], NULL, 2, SPLICE_F_NONBLOCK));

	/* Errors. */
	err("neither a pipe", sp(f, NULL, g, NULL, 5, 0));
	off = 0;
	err("offset on input pipe", sp(p[0], &off, g, NULL, 5, 0));
	err("offset on output pipe", sp(f, NULL, p[1], &off, 5, 0));
	err("offset fault", sp(f, (loff_t *)8, p[1], NULL, 5, 0));
	val("len 0, bad fds", sp(900, NULL, 901, NULL, 0, 0));
	err("bad flags", sp(f, NULL, p[1], NULL, 5, 0x10));
	err("bad fd in", sp(900, NULL, p[1], NULL, 5, 0));
	err("bad fd out", sp(f, NULL, 900, NULL, 5, 0));
	err("read end as output", sp(f, NULL, p[0], NULL, 5, 0));
	err("write end as input", sp(p[1], NULL, g, NULL, 5, 0));
	int wo = open(at(dir, "f", 0), O_WRONLY);
	err("write-only file as input", sp(wo, NULL, p[1], NULL, 5, 0));
	close(wo);
	int ap = open(at(dir, "g", 0), O_WRONLY | O_APPEND);
	write(p[1], "q", 1);
	err("O_APPEND output", sp(p[0], NULL, ap, NULL, 5, 0));
	close(ap);
	drain("pipe after O_APPEND", p[0]);

	/* A full pipe, and one nobody reads. */
	static char big[65536];
	memset(big, 'b', sizeof(big));
	val("fill", write(q[1], big, sizeof(big)));
	lseek(f, 0, SEEK_SET);
	err("full pipe, NONBLOCK", sp(f, NULL, q[1], NULL, 5, SPLICE_F_NONBLOCK));
	printf("file position: %ld\n", (long)lseek(f, 0, SEEK_CUR));
	{
		char sink[65536];
		read(q[0], sink, sizeof(sink));
	}
	int r[2];
	need("pipe", pipe(r));
	close(r[0]);
	err("no reader", sp(f, NULL, r[1], NULL, 5, 0));
	printf("file position: %ld\n", (long)lseek(f, 0, SEEK_CUR));

	/* tee. */
	write(p[1], "tee!", 4);
	val("tee", syscall(SYS_tee, p[0], q[1], 100, 0));
	drain("tee output", q[0]);
	write(p[1], "+", 1);
	val("tee 2 of 5", syscall(SYS_tee, p[0], q[1], 2, 0));
	drain("tee output", q[0]);
	drain("tee input keeps", p[0]);
	err("tee same pipe", syscall(SYS_tee, p[0], p[1], 1, 0));
	err("tee file", syscall(SYS_tee, f, q[1], 1, 0));
	err("tee empty, NONBLOCK", syscall(SYS_tee, p[0], q[1], 1, SPLICE_F_NONBLOCK));
	val("tee len 0", syscall(SYS_tee, 900, 901, 0, 0));
	err("tee bad flags", syscall(SYS_tee, p[0], q[1], 1, 0x20));
	err("tee bad fd", syscall(SYS_tee, 900, q[1], 1, 0));
	err("tee no reader", syscall(SYS_tee, p[0], r[1], 1, SPLICE_F_NONBLOCK));
	close(r[1]);

	/* vmsplice. */
	struct iovec v[2] = {{"vm", 2}, {"splice", 6}};
	val("vmsplice to pipe", vms(p[1], v, 2, 0));
	drain("pipe", p[0]);
	write(p[1], "back", 4);
	char buf[16] = {0};
	struct iovec rv = {buf, 10};
	val("vmsplice from pipe", vms(p[0], &rv, 1, 0));
	printf("got: %s\n", buf);
	err("vmsplice empty, NONBLOCK", vms(p[0], &rv, 1, SPLICE_F_NONBLOCK));
	err("vmsplice file", vms(g, v, 2, 0));
	val("vmsplice 0 segments", vms(p[1], v, 0, 0));
	err("vmsplice bad flags", vms(p[1], v, 2, 0x10));
	err("vmsplice bad fd", vms(900, v, 2, 0));
	err("vmsplice 1025 segments", vms(p[1], v, 1025, 0));
	val("fill", write(q[1], big, sizeof(big)));
	err("vmsplice full, NONBLOCK", vms(q[1], v, 2, SPLICE_F_NONBLOCK));
	return 0;
}
