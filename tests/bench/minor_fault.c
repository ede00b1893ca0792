/*
 * Minor page faults: the first write to each page of a fresh private
 * anonymous mapping (no huge pages: MADV_NOHUGEPAGE, whose failure on a
 * kernel without huge pages does not matter).  One op is one page: its
 * fault and the one store that takes it.
 */
#include <sys/mman.h>

#include "bench.h"

#define PAGES 8192ul
#define PAGE  4096ul

int main(void)
{
	char *p =
	    mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap");
	(void)madvise(p, PAGES * PAGE, MADV_NOHUGEPAGE);
	uint64_t t0 = bench_now();
	for (unsigned long i = 0; i < PAGES; i++)
		((volatile char *)p)[i * PAGE] = 1;
	uint64_t t1 = bench_now();
	bench_report("minor_fault", PAGES, t0, t1);
	return 0;
}
