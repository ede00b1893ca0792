/* MAP_FIXED over an existing mapping, and unmapping part of one.  A page's
 * absence is seen through EFAULT from write(2) to a file, never by faulting
 * (/dev/null would not read the buffer at all). */
#include "abi.h"
#include <sys/mman.h>

static int probe_fd;

static int mapped(const void *p)
{
	long r = write(probe_fd, p, 1);
	int e = errno;
	if (r == 1)
		return 1;
	return e == EFAULT ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	probe_fd = open(at(dir, "probe", 0), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	need("create probe", probe_fd);
	size_t len = 8 * ABI_PAGE;
	unsigned char *p =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 0xab, len);
	unsigned char *f = mmap(p + 2 * ABI_PAGE, 2 * ABI_PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	yes("MAP_FIXED returns the address asked for", f == p + 2 * ABI_PAGE);
	yes("the replaced pages read zero", p[2 * ABI_PAGE] == 0 && p[4 * ABI_PAGE - 1] == 0);
	yes("the pages around keep their data",
	    p[2 * ABI_PAGE - 1] == 0xab && p[4 * ABI_PAGE] == 0xab);

	res("munmap the middle page 5", munmap(p + 5 * ABI_PAGE, ABI_PAGE));
	val("page 5 mapped", mapped(p + 5 * ABI_PAGE));
	val("page 4 mapped", mapped(p + 4 * ABI_PAGE));
	val("page 6 mapped", mapped(p + 6 * ABI_PAGE));
	yes("page 6 keeps its data", p[6 * ABI_PAGE] == 0xab);
	unsigned char *h = mmap(p + 5 * ABI_PAGE, ABI_PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	yes("MAP_FIXED fills the hole", h == p + 5 * ABI_PAGE && h[0] == 0);

	res("munmap the first two pages", munmap(p, 2 * ABI_PAGE));
	val("page 0 mapped", mapped(p));
	val("page 1 mapped", mapped(p + ABI_PAGE));
	val("page 2 mapped", mapped(p + 2 * ABI_PAGE));
	res("munmap the last page", munmap(p + 7 * ABI_PAGE, ABI_PAGE));
	val("page 7 mapped", mapped(p + 7 * ABI_PAGE));
	/* One call over a range with holes in it. */
	res("munmap all 8 pages, holes included", munmap(p, len));
	val("page 3 mapped", mapped(p + 3 * ABI_PAGE));
	val("page 6 mapped after", mapped(p + 6 * ABI_PAGE));
	return 0;
}
