/*
 * The method's own check: a loop of exactly two instructions per turn
 * (dec, jnz) must come out at 2.0 instructions per op, on CLOCK_MONOTONIC
 * and on the raw TSC alike, when the clock counts instructions (QEMU
 * -icount shift=0); the small excess is the timer interrupts taken meanwhile.
 */
#include "bench.h"

#define TURNS 10000000ul

int main(void)
{
	unsigned long n = TURNS;
	uint64_t c0 = bench_rdtsc(), t0 = bench_now();

	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
	uint64_t t1 = bench_now(), c1 = bench_rdtsc();
	bench_report("calib", TURNS, t0, t1);
	printf("bench calib-tsc: %lu iterations, %.1f instructions per op\n", TURNS,
	       (double)(c1 - c0) / (double)TURNS);
	return 0;
}
