/* msync: MS_SYNC and MS_ASYNC on a shared file mapping succeed and the
 * data is in the file for read(2) and for a fresh mapping; the flag
 * errors (both SYNC and ASYNC, unknown bits), unaligned start EINVAL, an
 * unmapped range ENOMEM; private and anonymous mappings are fine. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	need("ftruncate", ftruncate(fd, 2 * ABI_PAGE));
	char *m = mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		need("mmap", -1);
	memcpy(m, "hello", 5);
	memcpy(m + ABI_PAGE + 10, "world", 5);
	res("MS_SYNC", msync(m, 2 * ABI_PAGE, MS_SYNC));
	char b[6] = {0};
	pread(fd, b, 5, 0);
	printf("read after MS_SYNC: %s\n", b);
	pread(fd, b, 5, ABI_PAGE + 10);
	printf("second page: %s\n", b);
	memcpy(m, "HELLO", 5);
	res("MS_ASYNC", msync(m, ABI_PAGE, MS_ASYNC));
	res("MS_INVALIDATE", msync(m, ABI_PAGE, MS_INVALIDATE));
	res("MS_SYNC|MS_INVALIDATE", msync(m, ABI_PAGE, MS_SYNC | MS_INVALIDATE));
	int fd2 = open(at(dir, "f", 0), O_RDONLY);
	char *m2 = mmap(NULL, ABI_PAGE, PROT_READ, MAP_SHARED, fd2, 0);
	printf("a new mapping sees: %.5s\n", m2 == MAP_FAILED ? "(failed)" : m2);
	res("flags 0", msync(m, ABI_PAGE, 0));
	res("length 0", msync(m, 0, MS_SYNC));
	res("length not a page multiple", msync(m, 10, MS_SYNC));
	err("MS_SYNC|MS_ASYNC", msync(m, ABI_PAGE, MS_SYNC | MS_ASYNC));
	err("unknown flag bit", msync(m, ABI_PAGE, 0x100));
	err("unaligned start", msync(m + 1, ABI_PAGE, MS_SYNC));
	munmap(m + ABI_PAGE, ABI_PAGE);
	err("range running into a hole", msync(m, 2 * ABI_PAGE, MS_SYNC));
	err("unmapped", msync(m + ABI_PAGE, ABI_PAGE, MS_SYNC));
	char *a = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a[0] = 1;
	res("anonymous MS_SYNC", msync(a, ABI_PAGE, MS_SYNC));
	char *p = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	p[0] = 'p';
	res("private file MS_SYNC", msync(p, ABI_PAGE, MS_SYNC));
	pread(fd, b, 5, 0);
	printf("private write not in the file: %s\n", b);
	return 0;
}
