/* madvise: MADV_DONTNEED zeroes private anonymous pages and brings a
 * private file mapping back to the file's contents, leaves a shared
 * mapping's data alone; the hints that change nothing; the errors for
 * bad addresses, lengths and advice. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	size_t len = 4 * ABI_PAGE;
	char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		need("mmap", -1);
	memset(a, 'x', len);
	res("MADV_DONTNEED on pages 1-2", madvise(a + ABI_PAGE, 2 * ABI_PAGE, MADV_DONTNEED));
	printf("anonymous after: %c %d %d %c\n", a[0], a[ABI_PAGE], a[3 * ABI_PAGE - 1],
	       a[3 * ABI_PAGE]);
	a[ABI_PAGE] = 'y';
	printf("written again: %c\n", a[ABI_PAGE]);

	char buf[2 * 4096];
	memset(buf, 'f', sizeof(buf));
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	write(fd, buf, sizeof(buf));
	char *p = mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		need("mmap file", -1);
	p[0] = 'P';
	p[ABI_PAGE] = 'Q';
	res("MADV_DONTNEED on a private file mapping", madvise(p, ABI_PAGE, MADV_DONTNEED));
	printf("private file after: %c %c\n", p[0], p[ABI_PAGE]);

	char *s = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		need("mmap shared", -1);
	s[1] = 'S';
	res("MADV_DONTNEED on a shared file mapping", madvise(s, ABI_PAGE, MADV_DONTNEED));
	printf("shared file after: %c\n", s[1]);
	char c = 0;
	pread(fd, &c, 1, 1);
	printf("file byte 1: %c\n", c);

	char *sa = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sa[0] = 'A';
	res("MADV_DONTNEED on shared anonymous", madvise(sa, ABI_PAGE, MADV_DONTNEED));
	printf("shared anonymous after: %c\n", sa[0]);

	res("MADV_NORMAL", madvise(a, len, MADV_NORMAL));
	res("MADV_RANDOM", madvise(a, len, MADV_RANDOM));
	res("MADV_SEQUENTIAL", madvise(a, len, MADV_SEQUENTIAL));
	res("MADV_WILLNEED", madvise(a, len, MADV_WILLNEED));
	printf("data kept by hints: %c %c\n", a[0], a[ABI_PAGE]);
	res("length 0", madvise(a, 0, MADV_DONTNEED));
	res("length not a page multiple", madvise(a, 100, MADV_NORMAL));
	err("unaligned address", madvise(a + 1, ABI_PAGE, MADV_NORMAL));
	err("unknown advice", madvise(a, ABI_PAGE, 12345));
	err("negative length", madvise(a, (size_t)-4096, MADV_NORMAL));
	munmap(a + 2 * ABI_PAGE, ABI_PAGE);
	err("range with a hole", madvise(a, len, MADV_NORMAL));
	err("range with a hole, DONTNEED", madvise(a, len, MADV_DONTNEED));
	printf("page 0 before the hole (zeroed all the same): %d\n", a[0]);
	err("unmapped range", madvise(a + 2 * ABI_PAGE, ABI_PAGE, MADV_NORMAL));
	err("MADV_DONTNEED on the unmapped page 0", madvise(NULL, ABI_PAGE, MADV_DONTNEED));
	return 0;
}
