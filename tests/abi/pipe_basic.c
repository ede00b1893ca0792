/* Pipes in one process: a round trip, O_NONBLOCK, capacity, EOF, fstat,
 * FIONREAD, F_GETPIPE_SZ/F_SETPIPE_SZ, pipe2's flags and bad arguments. */
#include "abi.h"

#include <sys/ioctl.h>

static void round_trip(void)
{
	int p[2];
	char buf[64] = {0};

	need("pipe", pipe(p));
	val("write", write(p[1], "hello, pipe", 11));
	int n = -1;
	res("FIONREAD", ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD bytes: %d\n", n);
	val("read 5", read(p[0], buf, 5));
	val("read rest", read(p[0], buf + 5, sizeof(buf) - 5));
	printf("data: %s\n", buf);
	err("write to read end", write(p[0], "x", 1));
	err("read from write end", read(p[1], buf, 1));
	err("lseek", lseek(p[0], 0, SEEK_SET));
	err("pread", pread(p[0], buf, 1, 0));
	struct stat st;
	res("fstat", fstat(p[0], &st));
	yes("S_ISFIFO", S_ISFIFO(st.st_mode));
	printf("mode bits: %o\n", st.st_mode & 0777);
	close(p[1]);
	val("read at EOF", read(p[0], buf, sizeof(buf)));
	close(p[0]);
}

static void nonblocking_and_capacity(void)
{
	int p[2];
	char buf[4096];

	need("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK));
	yes("read end O_NONBLOCK", fcntl(p[0], F_GETFL) & O_NONBLOCK);
	yes("write end O_NONBLOCK", fcntl(p[1], F_GETFL) & O_NONBLOCK);
	printf("F_GETFL read end access: %d\n", fcntl(p[0], F_GETFL) & O_ACCMODE);
	printf("F_GETFL write end access: %d\n", fcntl(p[1], F_GETFL) & O_ACCMODE);
	err("empty read", read(p[0], buf, 1));
	val("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	long total = 0, r;
	memset(buf, 'a', sizeof(buf));
	while ((r = write(p[1], buf, 1)) == 1)
		total++;
	err("write when full", r);
	printf("capacity in 1-byte writes: %ld\n", total);
	err("F_SETPIPE_SZ below contents", fcntl(p[1], F_SETPIPE_SZ, 4096));
	long drained = 0;
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		drained += r;
	err("read when drained", r);
	printf("drained: %ld\n", drained);
	/* Bigger writes: all of the room, then EAGAIN. */
	total = 0;
	static char big[100000];
	r = write(p[1], big, sizeof(big));
	printf("partial big write: %ld\n", r);
	err("next write", write(p[1], big, 1));
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	val("F_SETPIPE_SZ 5000", fcntl(p[1], F_SETPIPE_SZ, 5000));
	val("F_GETPIPE_SZ after", fcntl(p[0], F_GETPIPE_SZ));
	val("F_SETPIPE_SZ 0", fcntl(p[1], F_SETPIPE_SZ, 0));
	err("F_SETPIPE_SZ huge", fcntl(p[1], F_SETPIPE_SZ, 1L << 40));
	/* An atomic write waits for room for all of it, or EAGAIN. */
	val("F_SETPIPE_SZ 8192", fcntl(p[1], F_SETPIPE_SZ, 8192));
	val("write 5000", write(p[1], big, 5000));
	err("atomic 4000 into 3192", write(p[1], big, 4000));
	val("non-atomic 5000 into 3192", write(p[1], big, 5000));
	close(p[0]);
	close(p[1]);
	int fd = open("/dev/null", O_RDONLY);
	err("F_GETPIPE_SZ on /dev/null", fcntl(fd, F_GETPIPE_SZ));
	close(fd);
}

static void flags(void)
{
	int p[2] = {-1, -1};

	need("pipe2 O_CLOEXEC", pipe2(p, O_CLOEXEC));
	printf("FD_CLOEXEC: %d %d\n", fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
	printf("lowest numbers: %s\n", p[0] == 3 && p[1] == 4 ? "yes" : "no");
	close(p[0]);
	close(p[1]);
	err("pipe2 bad flags", pipe2(p, 0x1));
	err("pipe bad pointer", syscall(SYS_pipe, (void *)8));
	int fd = open("/dev/null", O_RDONLY);
	printf("no descriptors leaked: %s\n", fd == 3 ? "yes" : "no");
	close(fd);
	/* A write with no reader: EPIPE when SIGPIPE is ignored; here the
	 * process would die, so only the read side's view is checked. */
	need("pipe", pipe(p));
	close(p[0]);
	struct stat st;
	res("fstat write end", fstat(p[1], &st));
	close(p[1]);
}

int main(void)
{
	round_trip();
	nonblocking_and_capacity();
	flags();
	return 0;
}
