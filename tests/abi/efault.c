/* Bad user pointers give EFAULT and never kill the process. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	fflush(stdout);
	err("write(1, (void *)1, 10)", write(1, (void *)1, 10));
	err("write from NULL", write(1, NULL, 10));
	err("write from a kernel address", write(1, (void *)0xffff800000001000UL, 10));
	err("write from a non-canonical address", write(1, (void *)0x0000800000000000UL, 10));
	err("write from the last user page and beyond", write(1, (void *)0x7ffffffff000UL, 8192));
	struct iovec iov = {(void *)1, 10};
	err("writev with a bad base", writev(1, &iov, 1));
	err("writev with a bad vector", writev(1, (void *)1, 1));

	put_file(dir, "data", "0123456789");
	int fd = open(at(dir, "data", 0), O_RDONLY);
	need("open data", fd);
	char *ro = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err("read into a read-only page", read(fd, ro, 10));
	err("read into NULL", read(fd, NULL, 10));
	err("read into a kernel address", read(fd, (void *)0xffff800000001000UL, 10));
	char buf[11] = {0};
	val("the file offset did not move", lseek(fd, 0, SEEK_CUR));
	val("a good read", read(fd, buf, 10));
	close(fd);

	err("open with a bad path pointer", open((char *)1, O_RDONLY));
	err("open with a kernel path pointer", open((char *)0xffff800000001000UL, O_RDONLY));
	err("stat into a bad buffer", stat(dir, (struct stat *)1));
	err("uname into a bad buffer", syscall(SYS_uname, (void *)1));
	err("uname into a read-only page", syscall(SYS_uname, ro));
	err("clock_gettime into a bad buffer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, 1));
	err("nanosleep with a bad request", syscall(SYS_nanosleep, (void *)1, NULL));
	err("getrandom into a read-only page", syscall(SYS_getrandom, ro, 16, 0));
	err("arch_prctl ARCH_GET_FS into a bad pointer", syscall(SYS_arch_prctl, 0x1003, 1));
	yes("the read-only page is still zero", ro[0] == 0);
	return 0;
}
