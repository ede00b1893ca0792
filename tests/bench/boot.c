/*
 * Boot to the first benchmark: the kernel's CLOCK_MONOTONIC (since its
 * clock started) and the raw TSC (since the machine's reset, firmware
 * included: under -icount both are instruction counts) when the first
 * user program the run starts gets here.  Run first in the list.
 */
#include "bench.h"

int main(void)
{
	uint64_t tsc = bench_rdtsc(), mono = bench_now();

	printf("bench boot-monotonic: 1 iterations, %llu instructions per op\n",
	       (unsigned long long)mono);
	printf("bench boot-tsc: 1 iterations, %llu instructions per op\n", (unsigned long long)tsc);
	return 0;
}
