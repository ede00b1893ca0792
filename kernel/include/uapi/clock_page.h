/*
 * The clock page: one page the kernel keeps and user space may read (the
 * vDSO maps it), with what it takes to compute the kernel's clocks from
 * the TSC without a system call.  Only the kernel writes it, between two
 * increments of seq (odd meanwhile): a reader retries while seq is odd or
 * changed under it.
 */
#ifndef UAPI_CLOCK_PAGE_H
#define UAPI_CLOCK_PAGE_H

#include <stdint.h>

struct clock_page {
	uint32_t seq;
	uint32_t pad;
	/* clock_ns() = ((rdtsc() - boot_tsc) * ns_per_tsc_32) >> 32, 128-bit */
	uint64_t boot_tsc;
	uint64_t ns_per_tsc_32;
	/* wallclock_ns() = clock_ns() + wall_offset_ns */
	int64_t wall_offset_ns;
};

#endif
