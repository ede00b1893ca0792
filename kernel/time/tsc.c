/*
 * The TSC is the kernel's clock: readable in a few cycles on every CPU.  Its
 * rate comes from CPUID leaf 0x15 when the CPU states it; otherwise it is
 * measured against the HPET, the ACPI PM timer or the PIT, in that order of
 * trust.  Conversions use 32.32 fixed point so they need no division.
 *
 * The TSCs of all CPUs are assumed to run in step (invariant TSC, or an
 * emulator's single clock); clock_ns() is therefore comparable across CPUs.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/time.h>

#include "refclock.h"

static uint64_t hz;
static uint64_t boot_tsc;
static uint64_t ns_per_tsc_32; /* nanoseconds per tick, 32.32 */
static uint64_t tsc_per_ns_32; /* ticks per nanosecond, 32.32 */

#define CALIBRATE_MS 50

static uint64_t cpuid_tsc_hz(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max < 0x15)
		return 0;
	cpuid(0x15, 0, &a, &b, &c, &d);
	if (!a || !b || !c)
		return 0; /* the crystal frequency is not enumerated */
	return (uint64_t)c * b / a;
}

/* The median of three runs, so one run disturbed by the host does not count. */
static uint64_t measure(uint64_t (*fn)(unsigned ms))
{
	uint64_t r[3];

	for (int i = 0; i < 3; i++) {
		r[i] = fn(CALIBRATE_MS);
		if (!r[i])
			return 0;
	}
	uint64_t lo = MIN(r[0], MIN(r[1], r[2])), hi = MAX(r[0], MAX(r[1], r[2]));
	return (r[0] + r[1] + r[2] - lo - hi) * (1000 / CALIBRATE_MS);
}

static uint64_t mul_shift32(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

void time_init(void)
{
	static const struct {
		const char *name;
		uint64_t (*fn)(unsigned ms);
	} refs[] = {{"HPET", hpet_measure_tsc},
		    {"ACPI PM timer", pmtimer_measure_tsc},
		    {"PIT", pit_measure_tsc}};
	const char *source = "CPUID";

	hz = cpuid_tsc_hz();
	for (size_t i = 0; !hz && i < ARRAY_SIZE(refs); i++) {
		hz = measure(refs[i].fn);
		source = refs[i].name;
	}
	if (!hz)
		panic("time: cannot find the TSC frequency (no CPUID leaf 0x15, HPET, PM timer or "
		      "PIT)");
	ns_per_tsc_32 = (NSEC_PER_SEC << 32) / hz;
	/* Whole and fractional parts apart, so neither shift overflows and no
	 * precision is lost: rounding hz to kHz first made conversions drift
	 * 1.7e-5 apart at 60 MHz, milliseconds after a minute of uptime. */
	tsc_per_ns_32 = ((hz / NSEC_PER_SEC) << 32) + ((hz % NSEC_PER_SEC) << 32) / NSEC_PER_SEC;
	boot_tsc = rdtsc();
	pr_info("time: TSC at %lu.%03lu MHz (from the %s)\n", hz / 1000000, hz / 1000 % 1000,
		source);
}

uint64_t tsc_hz(void)
{
	return hz;
}

void tsc_params(uint64_t *boot, uint64_t *ns_per_tsc)
{
	*boot = boot_tsc;
	*ns_per_tsc = ns_per_tsc_32;
}

uint64_t tsc_to_ns(uint64_t tsc)
{
	return mul_shift32(tsc, ns_per_tsc_32);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return mul_shift32(ns, tsc_per_ns_32);
}

uint64_t clock_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + ns_to_tsc(us * NSEC_PER_USEC);

	while (rdtsc() < end)
		cpu_relax();
}
