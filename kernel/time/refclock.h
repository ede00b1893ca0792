/*
 * The reference clocks tsc.c may calibrate the TSC against when CPUID does not
 * state its rate.  Each returns the TSC ticks during `ms` milliseconds of its
 * own time (ms <= 50), or 0 when the clock is absent or never moved.
 */
#ifndef KERNEL_TIME_REFCLOCK_H
#define KERNEL_TIME_REFCLOCK_H

#include <pallas/types.h>

uint64_t hpet_measure_tsc(unsigned ms);
uint64_t pmtimer_measure_tsc(unsigned ms);
uint64_t pit_measure_tsc(unsigned ms);

#endif
