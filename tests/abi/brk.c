/* The program break: raw brk grows and shrinks, new memory reads zero. */
#include "abi.h"

static char *brk_to(char *p)
{
	return (char *)syscall(SYS_brk, p);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	char *start = brk_to(0);
	yes("brk(0) non-null", start != NULL);
	yes("brk(0) again is the same", brk_to(0) == start);
	extern char end[];
	yes("break is above the image's end", start >= end);
	char *grown = brk_to(start + (1 << 20));
	yes("grow by 1 MiB", grown == start + (1 << 20));
	int zero = 1;
	for (long i = 0; i < (1 << 20); i += 512)
		zero &= start[i] == 0;
	yes("new memory reads zero", zero);
	memset(start, 0x5a, 1 << 20);
	yes("written memory reads back", start[0] == 0x5a && start[(1 << 20) - 1] == 0x5a);
	char *odd = brk_to(start + (1 << 20) + 100);
	yes("an unaligned break is returned as asked", odd == start + (1 << 20) + 100);
	yes("shrink to start + 4 KiB", brk_to(start + 4096) == start + 4096);
	yes("the kept page keeps its data", start[4095] == 0x5a);
	yes("regrow by 1 MiB", brk_to(start + (1 << 20)) == start + (1 << 20));
	yes("regrown memory reads zero", start[8192] == 0 && start[(1 << 20) - 1] == 0);
	yes("below the start is refused (break unchanged)",
	    brk_to(start - (64 << 20)) == start + (1 << 20));
	yes("a huge break is refused (break unchanged)",
	    brk_to((char *)0x7ffffffff000UL) == start + (1 << 20));
	yes("shrink back to the start", brk_to(start) == start);
	void *s = sbrk(0);
	yes("sbrk(0) == brk(0)", s == (void *)brk_to(0));
	void *p = sbrk(8192);
	yes("sbrk(8192) returns the old break", p == s);
	yes("sbrk moved the break", brk_to(0) == (char *)s + 8192);
	return 0;
}
