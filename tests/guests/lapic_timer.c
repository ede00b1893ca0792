/* The local APIC timer: one-shot and periodic, delivered to a halted CPU. */
#include "lib/guest.h"

const char guest_name[] = "lapic_timer";

#define TIMER_VECTOR 0x40
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)

static volatile unsigned fired;

static void on_timer(struct trap_frame *f)
{
	(void)f;
	fired++;
	lapic_eoi();
}

static void on_spurious(struct trap_frame *f)
{
	(void)f; /* no EOI for a spurious interrupt */
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init(); /* masks every legacy IRQ: only the APIC timer may wake us */
	trap_set_handler(TIMER_VECTOR, on_timer);
	trap_set_handler(LAPIC_SPURIOUS_VECTOR, on_spurious);
	lapic_enable();
	lapic_write(LAPIC_TMR_DIV, 0x3); /* divide by 16 */

	/* 32 ms at QEMU's and Pallas's 1 GHz / 16: between the write and the read
	 * a TCG vCPU on a shared host can lose a few milliseconds (3.2 ms was
	 * too little), an emulator with virtual time nothing. */
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR);
	lapic_write(LAPIC_TMR_INIT, 2000000);
	uint32_t cur = lapic_read(LAPIC_TMR_CUR);
	CHECK(cur > 0 && cur <= 2000000, "one-shot current count %u right after arming", cur);
	unsigned wakeups = 0;
	while (!fired) {
		sti_hlt_cli();
		wakeups++;
	}
	printf("one-shot fired after %u wakeups\n", wakeups);
	CHECK(fired == 1, "one-shot fired %u times", fired);
	CHECK(lapic_read(LAPIC_TMR_CUR) == 0, "one-shot current count %u after firing",
	      lapic_read(LAPIC_TMR_CUR));
	/* A one-shot timer stays quiet after it fired: wait past its period by
	 * busy-polling with interrupts on. */
	uint64_t t0 = rdtsc();
	sti();
	for (volatile int i = 0; i < 2000000; i++)
		;
	cli();
	CHECK(fired == 1, "one-shot fired again (%u)", fired);
	printf("one-shot quiet afterwards (%llu tsc)\n", rdtsc() - t0);

	fired = 0;
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | LVT_PERIODIC);
	lapic_write(LAPIC_TMR_INIT, 100000);
	while (fired < 5)
		sti_hlt_cli();
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | LVT_MASKED);
	lapic_write(LAPIC_TMR_INIT, 0);
	printf("periodic: %u interrupts\n", fired);
	/* Periodic mode reloads: the count is running again between interrupts. */
	CHECK(fired >= 5, "periodic count %u", fired);

	/* Masked: counting continues but nothing is delivered. */
	fired = 0;
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | LVT_MASKED);
	lapic_write(LAPIC_TMR_INIT, 1000);
	sti();
	for (volatile int i = 0; i < 2000000; i++)
		;
	cli();
	CHECK(fired == 0, "masked timer delivered %u interrupts", fired);
	CHECK(lapic_read(LAPIC_TMR_CUR) == 0, "masked one-shot did not reach 0");
}
