/* mmap's argument checks. */
#include "abi.h"
#include <sys/mman.h>

static void bad(const char *what, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	int e = errno;
	if (p == MAP_FAILED) {
		printf("%s: %s\n", what, errname(e));
	} else {
		printf("%s: succeeded\n", what);
		munmap(p, len);
	}
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	bad("length 0", NULL, 0, rw, anon, -1, 0);
	bad("MAP_FIXED unaligned address", (void *)0x200000001UL, ABI_PAGE, rw, anon | MAP_FIXED,
	    -1, 0);
	bad("neither private nor shared", NULL, ABI_PAGE, rw, MAP_ANONYMOUS, -1, 0);
	bad("private and shared", NULL, ABI_PAGE, rw, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1,
	    0);
	bad("unaligned offset", NULL, ABI_PAGE, rw, anon, -1, 1);
	bad("length near 2^64", NULL, -ABI_PAGE, rw, anon, -1, 0);
	bad("length 2^47", NULL, 1UL << 47, rw, anon, -1, 0);
	bad("MAP_FIXED in the kernel half", (void *)0xffff800000000000UL, ABI_PAGE, rw,
	    anon | MAP_FIXED, -1, 0);
	bad("MAP_FIXED across the top of user space", (void *)0x7fffffffe000UL, 4 * ABI_PAGE, rw,
	    anon | MAP_FIXED, -1, 0);
	bad("file mapping of a bad fd", NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, 99, 0);
	bad("file mapping of fd -1", NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, -1, 0);
	bad("a good anonymous mapping", NULL, ABI_PAGE, rw, anon, -1, 0);
	/* A hint in use or out of range is only a hint. */
	void *p = mmap(NULL, ABI_PAGE, rw, anon, -1, 0);
	void *q = mmap(p, ABI_PAGE, rw, anon, -1, 0);
	yes("a hint that is taken moves elsewhere", q != MAP_FAILED && q != p);
	void *r = mmap((void *)0xffff800000000000UL, ABI_PAGE, rw, anon, -1, 0);
	yes("a kernel-half hint moves into user space",
	    r != MAP_FAILED && (unsigned long)r < 0x800000000000UL);
	return 0;
}
