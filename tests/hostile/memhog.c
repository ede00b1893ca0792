/*
 * memhog: exhausts memory with no limit set (tests/hostile/README.md).  It
 * maps and touches anonymous memory a MiB at a time until mmap fails or the
 * kernel ends it; either way the kernel carries on, and the programs after
 * it in the list (sysfuzz measures MemFree) show the memory came back.
 * Prints nothing after its start line, so that the way it ended is the
 * only result: an exit status 0 when mmap failed first, else the signal.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	printf("memhog: start\n");
	fflush(stdout);
	for (unsigned long n = 0; n < (1ul << 20); n++) {
		char *m =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return 0;
		for (int i = 0; i < (1 << 20); i += 4096)
			m[i] = 1;
	}
	return 0;
}
