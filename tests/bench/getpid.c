/* A system call round trip: getpid through the raw syscall instruction
 * (glibc no longer caches the pid, but this way no libc path is involved). */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#define OPS 100000ul

int main(void)
{
	uint64_t t0 = bench_now();

	for (unsigned long i = 0; i < OPS; i++)
		syscall(SYS_getpid);
	bench_report("getpid", OPS, t0, bench_now());
	return 0;
}
