/* munmap's edges: an unmapped range is fine, bad arguments are EINVAL. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	unsigned char *p =
	    mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	res("munmap", munmap(p, 2 * ABI_PAGE));
	res("munmap the same range again", munmap(p, 2 * ABI_PAGE));
	res("munmap a range never mapped", munmap((void *)0x100000000000UL, 1 << 20));
	err("munmap unaligned address", munmap(p + 1, ABI_PAGE));
	err("munmap length 0", munmap(p, 0));
	res("munmap unaligned length", munmap(p, 1));
	err("munmap past the user half", munmap((void *)0x7ffffffff000UL, 2 * ABI_PAGE));
	err("munmap a kernel address", munmap((void *)0xffff800000000000UL, ABI_PAGE));
	err("munmap a huge length", munmap(p, -ABI_PAGE));
	return 0;
}
