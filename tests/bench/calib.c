/*
 * The method's own check: a loop of exactly two instructions per turn
 * (dec, jnz) must come out at 2.0 instructions per op, on CLOCK_MONOTONIC
 * and on the raw TSC alike, when the clock counts instructions (QEMU
 * -icount shift=0); the small excess is the timer interrupts taken meanwhile.
 * calib-rep shows what one `rep stosb` over a 4 KiB page counts for: TCG
 * counts every iteration of a rep-prefixed string instruction as one
 * instruction (4096 here), which weighs on any figure that clears or copies.
 */
#include "bench.h"

#define TURNS 10000000ul
#define REPS  10000ul

static char page[4096] __attribute__((aligned(4096)));

static void rep_stosb(void)
{
	void *d = page;
	unsigned long n = sizeof(page);

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory");
}

int main(void)
{
	unsigned long n = TURNS;
	uint64_t c0 = bench_rdtsc(), t0 = bench_now();

	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
	uint64_t t1 = bench_now(), c1 = bench_rdtsc();
	bench_report("calib", TURNS, t0, t1);
	printf("bench calib-tsc: %lu iterations, %.1f instructions per op\n", TURNS,
	       (double)(c1 - c0) / (double)TURNS);
	rep_stosb();
	t0 = bench_now();
	for (unsigned long i = 0; i < REPS; i++)
		rep_stosb();
	bench_report("calib-rep", REPS, t0, bench_now());
	return 0;
}
