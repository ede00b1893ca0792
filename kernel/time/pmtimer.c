/*
 * The ACPI PM timer (3.579545 MHz, 24 or 32 bits wide) as a reference clock
 * for TSC calibration, where there is no HPET.
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <pallas/acpi.h>
#include <pallas/time.h>

#include "refclock.h"

#define PM_TIMER_HZ 3579545ull

uint64_t pmtimer_measure_tsc(unsigned ms)
{
	const struct acpi_fadt_info *f = &acpi_platform()->fadt;

	if (!acpi_platform()->has_fadt || !f->pm_timer_port || f->pm_timer_port > 0xfffc)
		return 0;
	uint16_t port = (uint16_t)f->pm_timer_port;
	uint32_t mask = f->pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	uint64_t ticks = PM_TIMER_HZ * ms / 1000;
	uint32_t c0 = inl(port) & mask;
	uint64_t t0 = rdtsc(), t1, elapsed = 0, limit = t0 + (1ull << 36);
	uint32_t prev = c0;
	do {
		uint32_t c = inl(port) & mask;
		elapsed += (c - prev) & mask; /* wraps are counted, not lost */
		prev = c;
		t1 = rdtsc();
		if (t1 > limit)
			return 0;
	} while (elapsed < ticks);
	return (t1 - t0) * ticks / elapsed;
}
