/* Anonymous private mappings: zero-filled, writable, independent, unmapped. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	size_t len = 16 * ABI_PAGE;
	unsigned char *p =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	yes("mmap 64 KiB succeeded", p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	yes("page aligned", ((unsigned long)p & (ABI_PAGE - 1)) == 0);
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		zero &= p[i] == 0;
	yes("zero-filled", zero);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i ^ (i >> 12));
	int same = 1;
	for (size_t i = 0; i < len; i++)
		same &= p[i] == (unsigned char)(i ^ (i >> 12));
	yes("written bytes read back", same);

	unsigned char *q =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	yes("a second mapping does not overlap the first", q + len <= p || p + len <= q);
	q[0] = 1;
	yes("writing the second leaves the first alone", p[0] == 0);
	res("munmap the first", munmap(p, len));
	res("munmap the second", munmap(q, len));

	/* Odd lengths round up to whole pages. */
	unsigned char *r =
	    mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	yes("mmap 100 bytes succeeded", r != MAP_FAILED);
	r[ABI_PAGE - 1] = 7;
	yes("the whole page is usable", r[ABI_PAGE - 1] == 7);
	res("munmap 100 bytes", munmap(r, 100));

	/* Large and sparse: 256 MiB reserved, a byte touched every 4 MiB. */
	size_t big = 256UL << 20;
	unsigned char *b =
	    mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	yes("mmap 256 MiB succeeded", b != MAP_FAILED);
	int ok = b != MAP_FAILED;
	for (size_t i = 0; ok && i < big; i += 4 << 20) {
		ok &= b[i] == 0;
		b[i] = 1;
	}
	yes("touched a byte every 4 MiB", ok);
	res("munmap 256 MiB", munmap(b, big));

	int fd = open("/dev/null", O_RDONLY);
	unsigned char *g = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, fd, 0);
	yes("MAP_ANONYMOUS ignores the fd", g != MAP_FAILED && g[0] == 0);
	close(fd);
	return 0;
}
