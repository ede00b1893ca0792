/* The legacy timer path: PIT channel 0 through the 8259 PIC, woken from HLT. */
#include "lib/guest.h"

const char guest_name[] = "pit_irq";

#define HZ    100
#define TICKS 10

static volatile unsigned ticks;
static uint64_t tick_tsc[TICKS + 1];

static void on_tick(struct trap_frame *f)
{
	(void)f;
	if (ticks <= TICKS)
		tick_tsc[ticks] = rdtsc();
	ticks++;
	pic_eoi(0);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(PIC_BASE_VECTOR + 0, on_tick);
	pit_periodic(HZ);
	pic_unmask(0);
	unsigned wakeups = 0;
	while (ticks <= TICKS) {
		sti_hlt_cli();
		wakeups++;
	}
	outb(0x21, 0xff);
	printf("%u ticks, %u wakeups from hlt\n", ticks, wakeups);
	/* Only timer interrupts are unmasked, so every wakeup is a tick. */
	CHECK(wakeups == ticks, "%u wakeups for %u ticks", wakeups, ticks);

	/* The TSC rate is unknown here, so the ticks are judged against each
	 * other only: each interval positive and none wildly off the mean (a
	 * loaded host may delay a tick, not make one 50x the others). */
	uint64_t total = tick_tsc[TICKS] - tick_tsc[1];
	/* No libgcc for a 64-bit divide; 256-cycle resolution is plenty. */
	uint64_t mean = (uint64_t)((uint32_t)(total >> 8) / (TICKS - 1)) << 8;
	printf("tsc per tick: mean %llu\n", mean);
	for (int i = 2; i <= TICKS; i++) {
		uint64_t d = tick_tsc[i] - tick_tsc[i - 1];
		printf("tick %d: +%llu tsc\n", i, d);
		CHECK(tick_tsc[i] > tick_tsc[i - 1], "tick %d not after tick %d on the TSC", i,
		      i - 1);
		CHECK(d < mean * 50 && d * 50 > mean, "tick %d interval %llu vs mean %llu", i, d,
		      mean);
	}
	CHECK(mean > 1000, "%llu TSC cycles per 10 ms tick is under 100 kHz", mean);

	/* Latched readback of channel 0: the count runs below the divisor. */
	outb(0x43, 0x00);
	uint16_t c = inb(0x40);
	c |= (uint16_t)inb(0x40) << 8;
	printf("pit channel 0 count %u of %u\n", c, 1193182 / HZ);
	CHECK(c <= 1193182 / HZ, "latched count %u above the divisor", c);
}
