/* preadv, pwritev, preadv2 and pwritev2: offsets (-1 is the file's
 * position for the 2 forms), the position left alone or advanced, the
 * RWF_* flags taken, RWF_APPEND, RWF_NOWAIT on pipes, and the errors in
 * Linux's order. */
#include "abi.h"

#include <sys/uio.h>

#ifndef RWF_HIPRI
#define RWF_HIPRI 0x01
#endif
#ifndef RWF_DSYNC
#define RWF_DSYNC 0x02
#endif
#ifndef RWF_SYNC
#define RWF_SYNC 0x04
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x08
#endif
#ifndef RWF_APPEND
#define RWF_APPEND 0x10
#endif
#define RWF_ATOMIC_ 0x40

static long pw2(int fd, const char *s, off_t off, int flags)
{
	struct iovec v = {(void *)s, strlen(s)};
	return syscall(SYS_pwritev2, fd, &v, 1, (long)off, 0L, flags);
}

static void pr2(const char *what, int fd, off_t off, int flags)
{
	char a[4] = {0}, b[4] = {0};
	struct iovec v[2] = {{a, 3}, {b, 3}};
	long r = syscall(SYS_preadv2, fd, v, 2, (long)off, 0L, flags);
	if (r < 0)
		printf("%s: %s\n", what, errname(errno));
	else
		printf("%s: %ld [%s|%s]\n", what, r, a, b);
}

static void pos(const char *what, int fd)
{
	printf("%s: pos %ld\n", what, (long)lseek(fd, 0, SEEK_CUR));
}

static void contents(int fd)
{
	char buf[64] = {0};
	long n = pread(fd, buf, sizeof(buf) - 1, 0);
	printf("file: %ld \"%s\"\n", n, n >= 0 ? buf : "");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);

	val("pwritev2 at 0", pw2(fd, "0123456789", 0, 0));
	pos("after positioned write", fd);
	val("pwritev2 at -1", pw2(fd, "ab", -1, 0));
	pos("after write at -1", fd);
	pr2("preadv2 at 4", fd, 4, 0);
	pos("after positioned read", fd);
	pr2("preadv2 at -1", fd, -1, 0);
	pos("after read at -1", fd);
	pr2("preadv2 at 8", fd, 8, 0);
	pr2("preadv2 at 10 (end)", fd, 10, 0);
	pr2("preadv2 RWF_HIPRI", fd, 0, RWF_HIPRI);
	val("pwritev2 RWF_DSYNC", pw2(fd, "c", 2, RWF_DSYNC));
	val("pwritev2 RWF_SYNC", pw2(fd, "d", 3, RWF_SYNC));
	val("pwritev2 all three", pw2(fd, "e", 4, RWF_HIPRI | RWF_DSYNC | RWF_SYNC));
	contents(fd);

	/* RWF_APPEND: at the end whatever the offset. */
	lseek(fd, 1, SEEK_SET);
	val("append at 0", pw2(fd, "X", 0, RWF_APPEND));
	pos("after positioned append", fd);
	val("append at -1", pw2(fd, "YZ", -1, RWF_APPEND));
	pos("after append at -1", fd);
	contents(fd);

	/* Flags that cannot be had. */
	err("unknown flag", pw2(fd, "q", 0, 0x10000000));
	err("unknown read flag", syscall(SYS_preadv2, fd, NULL, 0, 0L, 0L, 0x10000000));
	err("RWF_ATOMIC buffered", pw2(fd, "q", 0, RWF_ATOMIC_));
	err("RWF_NOWAIT write on a file", pw2(fd, "q", 0, RWF_NOWAIT));
	contents(fd);

	/* Offsets and descriptors. */
	err("preadv2 at -2", syscall(SYS_preadv2, fd, NULL, 0, -2L, 0L, 0));
	err("preadv at -1", syscall(SYS_preadv, fd, NULL, 0, -1L, 0L));
	err("-2 before bad fd", syscall(SYS_preadv2, 999, NULL, 0, -2L, 0L, 0));
	err("bad fd before flags", syscall(SYS_preadv2, 999, NULL, 0, 0L, 0L, 0x10000000));
	err("iovcnt 1025", syscall(SYS_preadv2, fd, NULL, 1025, 0L, 0L, 0));
	err("iov fault", syscall(SYS_preadv2, fd, (void *)8, 1, 0L, 0L, 0));
	err("iov before flags", syscall(SYS_preadv2, fd, NULL, 1025, 0L, 0L, 0x10000000));
	int ro = open(at(dir, "f", 0), O_RDONLY);
	err("pwritev2 read-only", pw2(ro, "z", 0, 0));
	pr2("preadv2 read-only", ro, 0, 0);
	close(ro);
	int wo = open(at(dir, "f", 0), O_WRONLY);
	pr2("preadv2 write-only", wo, 0, 0);
	close(wo);

	/* preadv and pwritev. */
	struct iovec v = {"pq", 2};
	val("pwritev at 6", syscall(SYS_pwritev, fd, &v, 1, 6L, 0L));
	char a[4] = {0};
	struct iovec rv = {a, 3};
	val("preadv at 5", syscall(SYS_preadv, fd, &rv, 1, 5L, 0L));
	printf("preadv got: %s\n", a);
	pos("after preadv", fd);
	close(fd);

	/* Pipes: no offsets, RWF_NOWAIT instead of waiting. */
	int p[2];
	need("pipe", pipe(p));
	pr2("pipe preadv2 at 0", p[0], 0, 0);
	err("pipe pwritev2 at 0", pw2(p[1], "x", 0, 0));
	pr2("empty pipe RWF_NOWAIT", p[0], -1, RWF_NOWAIT);
	val("pipe write RWF_NOWAIT", pw2(p[1], "hello", -1, RWF_NOWAIT));
	pr2("pipe read RWF_NOWAIT", p[0], -1, RWF_NOWAIT);
	pr2("pipe read RWF_NOWAIT rest", p[0], -1, RWF_NOWAIT);
	static char big[65536];
	memset(big, 'b', sizeof(big));
	struct iovec bv = {big, sizeof(big)};
	val("fill RWF_NOWAIT", syscall(SYS_pwritev2, p[1], &bv, 1, -1L, 0L, RWF_NOWAIT));
	err("full pipe RWF_NOWAIT", pw2(p[1], "x", -1, RWF_NOWAIT));
	yes("pipe still blocking", !(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	val("pipe RWF_APPEND read", syscall(SYS_preadv2, p[0], &rv, 1, -1L, 0L, RWF_APPEND));
	return 0;
}
