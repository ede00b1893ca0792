/* mremap (growing and shrinking in place, moving with MREMAP_MAYMOVE and
 * MREMAP_FIXED, contents kept, Linux's errors), mincore after touching,
 * madvise's common advice, msync's checks. */
#include "abi.h"
#include <sys/mman.h>

#define P ABI_PAGE

static void pattern(char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(seed + i * 7);
}

static int same(const char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)(seed + i * 7))
			return 0;
	return 1;
}

static void resident(const char *what, void *p, size_t pages)
{
	unsigned char v[16];
	int r = mincore(p, pages * P, v);
	if (r < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s:", what);
	for (size_t i = 0; i < pages; i++)
		printf(" %d", v[i] & 1);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	/* A reserve to grow into: 8 pages, the upper 4 unmapped again. */
	char *a = mmap(NULL, 8 * P, rw, anon, -1, 0);
	need("mmap", a == MAP_FAILED ? -1 : 0);
	munmap(a + 4 * P, 4 * P);
	pattern(a, 4 * P, 1);
	char *g = mremap(a, 4 * P, 6 * P, 0);
	yes("grow in place", g == a);
	yes("grown keeps contents", g == a && same(a, 4 * P, 1));
	if (g == a) {
		a[6 * P - 1] = 'x';
		yes("grown part is zero and usable", a[4 * P] == 0 && a[6 * P - 1] == 'x');
	}
	char *s = mremap(a, 6 * P, 2 * P, 0);
	yes("shrink in place", s == a);
	yes("shrunk keeps contents", same(a, 2 * P, 1));
	resident("mincore after shrinking", a, 2);
	unsigned char v[8];
	err("mincore of the released part", mincore(a + 2 * P, P, v));
	/* A neighbour in the way: growing needs MREMAP_MAYMOVE. */
	char *n = mmap(a + 2 * P, P, rw, anon | MAP_FIXED, -1, 0);
	need("neighbour", n == MAP_FAILED ? -1 : 0);
	err("grow into a neighbour without MAYMOVE", (long)mremap(a, 2 * P, 3 * P, 0));
	char *m = mremap(a, 2 * P, 5 * P, MREMAP_MAYMOVE);
	yes("grow with MAYMOVE moves", m != MAP_FAILED && m != a);
	yes("moved keeps contents", m != MAP_FAILED && same(m, 2 * P, 1));
	resident("old place after the move", a, 1);
	yes("neighbour untouched", n[0] == 0);
	/* MREMAP_FIXED to a chosen address, replacing what is there. */
	char *dst = mmap(NULL, 3 * P, rw, anon, -1, 0);
	dst[0] = 'D';
	char *f = mremap(m, 5 * P, 3 * P, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	yes("MREMAP_FIXED lands at new_address", f == dst);
	yes("and keeps contents", f == dst && same(dst, 2 * P, 1));
	/* Errors. */
	err("unaligned old address", (long)mremap(dst + 1, P, 2 * P, MREMAP_MAYMOVE));
	err("new length 0", (long)mremap(dst, P, 0, MREMAP_MAYMOVE));
	err("unknown flag", (long)mremap(dst, P, 2 * P, 0x80));
	err("FIXED without MAYMOVE", (long)mremap(dst, P, P, MREMAP_FIXED, a));
	err("FIXED unaligned new address",
	    (long)mremap(dst, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, a + 1));
	err("FIXED overlapping",
	    (long)mremap(dst, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, dst + P));
	err("unmapped old range", (long)mremap((void *)0x100000000UL, P, 2 * P, MREMAP_MAYMOVE));
	err("growing past the old mapping's end", (long)mremap(dst, 5 * P, 6 * P, MREMAP_MAYMOVE));
	/* A shared file mapping moved still shares. */
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	ftruncate(fd, 4 * P);
	char *fm = mmap(NULL, 2 * P, rw, MAP_SHARED, fd, 0);
	need("mmap file", fm == MAP_FAILED ? -1 : 0);
	fm[0] = 'A';
	char *block = mmap(fm + 2 * P, P, rw, anon | MAP_FIXED, -1, 0);
	(void)block;
	char *fm2 = mremap(fm, 2 * P, 4 * P, MREMAP_MAYMOVE);
	need("mremap file", fm2 == MAP_FAILED ? -1 : 0);
	fm2[3 * P] = 'B';
	char c[2];
	pread(fd, c, 1, 0);
	pread(fd, c + 1, 1, 3 * P);
	yes("moved shared file mapping still writes the file", c[0] == 'A' && c[1] == 'B');
	/* mincore. */
	char *mc = mmap(NULL, 4 * P, rw, anon, -1, 0);
	mc[0] = 1;
	mc[2 * P] = 1;
	resident("mincore after touching pages 0 and 2", mc, 4);
	err("mincore unaligned", mincore(mc + 1, P, v));
	err("mincore unmapped", mincore((void *)0x100000000UL, P, v));
	err("mincore bad vector", mincore(mc, P, (unsigned char *)8));
	/* madvise. */
	res("MADV_NORMAL", madvise(mc, 4 * P, MADV_NORMAL));
	res("MADV_RANDOM", madvise(mc, 4 * P, MADV_RANDOM));
	res("MADV_SEQUENTIAL", madvise(mc, 4 * P, MADV_SEQUENTIAL));
	res("MADV_WILLNEED", madvise(mc, 4 * P, MADV_WILLNEED));
	res("MADV_DONTFORK", madvise(mc, 4 * P, MADV_DONTFORK));
	res("MADV_DOFORK", madvise(mc, 4 * P, MADV_DOFORK));
	res("MADV_FREE", madvise(mc, 4 * P, MADV_FREE));
	err("unknown advice", madvise(mc, 4 * P, 12345));
	err("MADV_WILLNEED unmapped", madvise((void *)0x100000000UL, P, MADV_WILLNEED));
	mc[P] = 5;
	res("MADV_DONTNEED", madvise(mc, 4 * P, MADV_DONTNEED));
	yes("after MADV_DONTNEED it reads zero", mc[P] == 0 && mc[0] == 0);
	/* msync. */
	res("msync MS_SYNC", msync(fm2, 4 * P, MS_SYNC));
	res("msync MS_ASYNC", msync(fm2, 4 * P, MS_ASYNC));
	res("msync MS_INVALIDATE", msync(fm2, 4 * P, MS_INVALIDATE));
	err("msync both SYNC and ASYNC", msync(fm2, P, MS_SYNC | MS_ASYNC));
	err("msync unaligned", msync(fm2 + 1, P, MS_SYNC));
	err("msync unknown flag", msync(fm2, P, 8));
	err("msync unmapped", msync((void *)0x100000000UL, P, MS_SYNC));
	res("msync length 0", msync(fm2, 0, MS_SYNC));
	return 0;
}
