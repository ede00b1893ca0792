/* malloc on brk and (above the mmap threshold) on mmap: contents, realloc,
 * calloc, free and reuse. */
#include "abi.h"
#include <stdint.h>

static int check(const unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i))
			return 0;
	return 1;
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	enum { SMALL = 2000 };
	static unsigned char *small[SMALL];
	int ok = 1, aligned = 1;
	for (int i = 0; i < SMALL; i++) {
		size_t n = 1 + (i * 37) % 500;
		small[i] = malloc(n);
		if (!small[i]) {
			ok = 0;
			break;
		}
		aligned &= ((uintptr_t)small[i] & 15) == 0;
		fill(small[i], n, (unsigned char)i);
	}
	for (int i = 0; ok && i < SMALL; i++)
		ok &= check(small[i], 1 + (i * 37) % 500, (unsigned char)i);
	yes("2000 small blocks keep their contents", ok);
	yes("small blocks 16-byte aligned", aligned);
	for (int i = 0; i < SMALL; i += 2)
		free(small[i]);
	ok = 1;
	for (int i = 1; i < SMALL; i += 2)
		ok &= check(small[i], 1 + (i * 37) % 500, (unsigned char)i);
	yes("after freeing half, the rest intact", ok);

	size_t sizes[] = {128 << 10, 1 << 20, 16 << 20, 64 << 20};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = malloc(sizes[i]);
		char what[64];
		snprintf(what, sizeof(what), "malloc %zu KiB written and read", sizes[i] >> 10);
		if (!p) {
			printf("%s: NULL\n", what);
			continue;
		}
		fill(p, sizes[i], 3);
		yes(what, check(p, sizes[i], 3));
		free(p);
	}

	unsigned char *r = malloc(100);
	fill(r, 100, 9);
	r = realloc(r, 300 << 10);
	yes("realloc 100 B -> 300 KiB keeps the first 100 bytes", r && check(r, 100, 9));
	fill(r, 300 << 10, 1);
	r = realloc(r, 2 << 20);
	yes("realloc 300 KiB -> 2 MiB keeps its contents", r && check(r, 300 << 10, 1));
	r = realloc(r, 50);
	yes("realloc 2 MiB -> 50 B keeps the first 50", r && check(r, 50, 1));
	free(r);

	unsigned char *c = calloc(1 << 20, 4);
	int zero = c != NULL;
	for (size_t i = 0; c && i < (4 << 20); i++)
		zero &= c[i] == 0;
	yes("calloc 4 MiB is zero", zero);
	free(c);
	yes("calloc overflowing size_t gives NULL", calloc(SIZE_MAX / 2, 4) == NULL);
	errno = 0;
	void *huge = malloc(SIZE_MAX / 2);
	printf("malloc(SIZE_MAX / 2): %s, errno %s\n", huge ? "non-NULL" : "NULL",
	       errno ? errname(errno) : "0");
	return 0;
}
