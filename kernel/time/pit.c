/*
 * The i8254 PIT, only as a reference clock for calibrating the TSC when
 * neither CPUID, the HPET nor the ACPI PM timer can say how fast it runs.
 * Channel 2 is used because its gate and output are readable at port 0x61
 * and it raises no interrupt.
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <pallas/kernel.h>
#include <pallas/time.h>

#include "refclock.h"

#define PIT_HZ	    1193182u
#define PIT_CH2	    0x42
#define PIT_CMD	    0x43
#define PORT_B	    0x61
#define PORTB_GATE2 0x01
#define PORTB_SPKR  0x02
#define PORTB_OUT2  0x20

/* TSC ticks during `ms` milliseconds of PIT time (ms <= 50), or 0 if the PIT
 * never counted down (absent, or emulated without channel 2). */
uint64_t pit_measure_tsc(unsigned ms)
{
	uint32_t count = PIT_HZ / 1000 * ms;
	uint8_t b = (inb(PORT_B) & ~PORTB_SPKR) | PORTB_GATE2;

	outb(PORT_B, b & ~PORTB_GATE2);
	outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT_B, b); /* a rising gate starts the count */
	uint64_t start = rdtsc();
	uint64_t limit = start + (1ull << 36); /* tens of seconds at any plausible rate */
	while (!(inb(PORT_B) & PORTB_OUT2)) {
		if (rdtsc() > limit)
			return 0;
	}
	return rdtsc() - start;
}
