/*
 * Shared by the benchmarks (tests/bench/README.md).  Under QEMU
 * `-icount shift=0,sleep=off` the guest's virtual clock advances exactly
 * 1 ns per instruction executed, so a CLOCK_MONOTONIC delta in nanoseconds
 * is an instruction count: each program reports the delta divided by its
 * number of operations.  Outside icount the same figure is nanoseconds.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t bench_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("clock_gettime");
		exit(1);
	}
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The one line tests/bench/run.py reads. */
static inline void bench_report(const char *name, unsigned long ops, uint64_t t0, uint64_t t1)
{
	printf("bench %s: %lu iterations, %.1f instructions per op\n", name, ops,
	       (double)(t1 - t0) / (double)ops);
	fflush(stdout);
}

static inline void bench_die(const char *what)
{
	perror(what);
	exit(1);
}

#endif
