/*
 * The HPET's main counter as a reference clock for TSC calibration.  Its
 * period (in femtoseconds) is in the capabilities register, so no guess is
 * involved.  The counter is started if the firmware left it stopped.
 */
#include <asm/cpu.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>
#include <asm/paging.h>
#include <pallas/mm.h>
#include <pallas/time.h>

#include "refclock.h"

#define HPET_CAP     0x000
#define HPET_CONFIG  0x010
#define HPET_COUNTER 0x0f0
#define HPET_ENABLE  1ull
#define FS_PER_MS    1000000000000ull
#define MAX_PERIOD   100000000ull /* 100 ns: the specification's upper bound */

static volatile uint64_t *hpet_regs(void)
{
	const struct acpi_platform *p = acpi_platform();
	uint64_t pa = p->hpet.address;

	if (!p->has_hpet || !pa || !IS_ALIGNED(pa, 1024) || pa + 1024 > paging_direct_map_top())
		return NULL;
	return phys_to_virt(pa);
}

uint64_t hpet_measure_tsc(unsigned ms)
{
	volatile uint64_t *r = hpet_regs();

	if (!r)
		return 0;
	uint64_t period_fs = r[HPET_CAP / 8] >> 32;
	if (!period_fs || period_fs > MAX_PERIOD)
		return 0;
	if (!(r[HPET_CONFIG / 8] & HPET_ENABLE))
		r[HPET_CONFIG / 8] |= HPET_ENABLE;
	uint64_t ticks = ms * FS_PER_MS / period_fs;
	uint64_t c0 = r[HPET_COUNTER / 8], t0 = rdtsc();
	uint64_t c1, t1, limit = t0 + (1ull << 36);
	do {
		c1 = r[HPET_COUNTER / 8];
		t1 = rdtsc();
		if (t1 > limit)
			return 0; /* the counter does not run */
	} while (c1 - c0 < ticks);
	/* Scale to exactly ms, since the loop overshoots by one read. */
	return (t1 - t0) * ticks / (c1 - c0);
}
