/* eventfd: counter and semaphore reads, short buffers, the overflow limit,
 * flags, poll. */
#include "abi.h"

#include <poll.h>
#include <sys/eventfd.h>

static void rd(int fd, const char *what)
{
	uint64_t v = 0;
	long r = read(fd, &v, sizeof(v));
	if (r < 0)
		printf("%s: %s\n", what, errname(errno));
	else
		printf("%s: %ld bytes, value %llu\n", what, r, (unsigned long long)v);
}

static long wr(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

static void show_poll(const char *what, int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	int r = poll(&p, 1, 0);
	printf("%s: %d %#x\n", what, r, p.revents);
}

int main(void)
{
	int fd = eventfd(5, EFD_NONBLOCK);
	need("eventfd", fd);
	show_poll("poll initial", fd);
	rd(fd, "counter read");
	rd(fd, "empty read");
	show_poll("poll empty", fd);
	val("write 3", wr(fd, 3));
	val("write 4", wr(fd, 4));
	rd(fd, "sum read");
	char small[4];
	err("short read", read(fd, small, 4));
	err("short write", write(fd, small, 4));
	err("write max", wr(fd, UINT64_MAX));
	val("write max-1", wr(fd, UINT64_MAX - 1));
	show_poll("poll at limit", fd);
	err("write past limit", wr(fd, 1));
	val("write 0 at limit", wr(fd, 0));
	rd(fd, "limit read");
	val("big read buffer", ({
		    uint64_t b[2];
		    wr(fd, 9);
		    read(fd, b, sizeof(b));
	    }));
	yes("O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
	printf("access: %d\n", fcntl(fd, F_GETFL) & O_ACCMODE);
	err("lseek", lseek(fd, 0, SEEK_SET));
	err("bad write pointer", write(fd, (void *)8, 8));
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	need("eventfd semaphore", fd);
	printf("FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD));
	rd(fd, "sem read 1");
	rd(fd, "sem read 2");
	rd(fd, "sem read 3");
	close(fd);
	err("bad flags", eventfd(0, 0x10));
	fd = syscall(SYS_eventfd, 1);
	val("eventfd (old call)", fd >= 0 ? 0 : -1);
	printf("old call blocking: %s\n", fcntl(fd, F_GETFL) & O_NONBLOCK ? "no" : "yes");
	rd(fd, "old call read");
	close(fd);
	return 0;
}
