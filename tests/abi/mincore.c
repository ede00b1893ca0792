/* mincore: touched anonymous pages are resident, a page after
 * MADV_DONTNEED on anonymous memory is not; a file mapping's pages whose
 * data was written are resident; the vector has one byte per page (bit 0);
 * the errors: unaligned start EINVAL, unmapped range ENOMEM, bad vector
 * EFAULT. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	size_t n = 4;
	char *a =
	    mmap(NULL, n * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		need("mmap", -1);
	unsigned char v[8];
	memset(v, 0xee, sizeof(v));
	a[0] = 1;
	a[2 * ABI_PAGE] = 1;
	res("mincore", mincore(a, n * ABI_PAGE, v));
	printf("touched 0 and 2: %d %d %d %d, byte past the end %s\n", v[0] & 1, v[1] & 1, v[2] & 1,
	       v[3] & 1, v[4] == 0xee ? "untouched" : "written");
	madvise(a, ABI_PAGE, MADV_DONTNEED);
	mincore(a, n * ABI_PAGE, v);
	printf("after MADV_DONTNEED on 0: %d %d %d %d\n", v[0] & 1, v[1] & 1, v[2] & 1, v[3] & 1);
	res("partial last page", mincore(a, ABI_PAGE + 1, v));
	res("length 0", mincore(a, 0, v));

	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	char buf[4096];
	memset(buf, 'z', sizeof(buf));
	write(fd, buf, sizeof(buf));
	char *f = mmap(NULL, ABI_PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (f == MAP_FAILED)
		need("mmap file", -1);
	volatile char c = f[0];
	(void)c;
	mincore(f, ABI_PAGE, v);
	printf("read file page: %d\n", v[0] & 1);

	err("unaligned start", mincore(a + 1, ABI_PAGE, v));
	munmap(a + 3 * ABI_PAGE, ABI_PAGE);
	err("range running into a hole", mincore(a, n * ABI_PAGE, v));
	err("unmapped", mincore(a + 3 * ABI_PAGE, ABI_PAGE, v));
	err("bad vector", mincore(a, ABI_PAGE, (unsigned char *)8));
	err("above user space", mincore((void *)0xffff800000000000UL, ABI_PAGE, v));
	return 0;
}
