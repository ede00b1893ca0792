/* The LAPIC timer in TSC-deadline mode: IA32_TSC_DEADLINE arms it, the
 * interrupt wakes HLT no earlier than the deadline and the MSR reads 0
 * afterwards; writing 0 disarms; a deadline in the past fires at once;
 * writes in one-shot mode are ignored and switching modes disarms. */
#include "lib/guest.h"

const char guest_name[] = "tsc_deadline";

#define MSR_TSC_DEADLINE 0x6e0
#define TIMER_VECTOR	 0x40
#define MODE_DEADLINE	 (2u << 17)
#define LVT_MASKED	 (1u << 16)
/* Far enough that arming and disarming surely happen before it, short
 * enough for an emulator: a few ms at GHz rates. */
#define DELTA 20000000ull

static volatile unsigned fired, rearms_left;
static volatile uint64_t fired_tsc, rearm_delta;

/* With rearms_left set, each interrupt arms the next deadline rearm_delta
 * ahead (0: in the past), as a tickless kernel's timer handler does. */
static void on_timer(struct trap_frame *f)
{
	(void)f;
	fired_tsc = rdtsc();
	fired++;
	if (rearms_left) {
		rearms_left--;
		wrmsr(MSR_TSC_DEADLINE, rearm_delta ? rdtsc() + rearm_delta : 1);
	}
	lapic_eoi();
}

static void on_spurious(struct trap_frame *f)
{
	(void)f;
}

/* Interrupts on, busy, until the TSC passes t. */
static void spin_until(uint64_t t)
{
	sti();
	while (rdtsc() < t) /* no PAUSE: under a VMM each may be an exit */
		;
	cli();
}

static void arm_and_wait(void)
{
	uint64_t deadline = rdtsc() + DELTA;

	wrmsr(MSR_TSC_DEADLINE, deadline);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == deadline, "IA32_TSC_DEADLINE reads %llx, wrote %llx",
	      rdmsr(MSR_TSC_DEADLINE), deadline);
	CHECK(lapic_read(LAPIC_TMR_CUR) == 0, "current count %u in TSC-deadline mode",
	      lapic_read(LAPIC_TMR_CUR));
	unsigned wakeups = 0;
	while (!fired) {
		sti_hlt_cli();
		wakeups++;
	}
	CHECK(fired == 1, "deadline fired %u times", fired);
	CHECK(fired_tsc >= deadline, "fired %llu TSC ticks early", deadline - fired_tsc);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE %llx after firing",
	      rdmsr(MSR_TSC_DEADLINE));
	printf("deadline fired %llu ticks late, after %u wakeups\n", fired_tsc - deadline, wakeups);
}

static void disarm(void)
{
	fired = 0;
	uint64_t deadline = rdtsc() + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	wrmsr(MSR_TSC_DEADLINE, 0);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE %llx after writing 0",
	      rdmsr(MSR_TSC_DEADLINE));
	spin_until(deadline + 2 * DELTA);
	CHECK(fired == 0, "disarmed deadline fired %u times", fired);
	printf("writing 0 disarms\n");
}

static void past(void)
{
	fired = 0;
	wrmsr(MSR_TSC_DEADLINE, 1); /* long gone */
	uint64_t t0 = rdtsc();
	while (!fired && rdtsc() - t0 < 100 * DELTA)
		sti_hlt_cli();
	CHECK(fired == 1, "a deadline in the past fired %u times", fired);
	printf("a deadline in the past fires at once\n");
}

/* Re-armed from its own interrupt, near or already due: every one fires. */
static void rearm_in_handler(uint64_t delta, unsigned rounds)
{
	fired = 0;
	rearm_delta = delta;
	rearms_left = rounds - 1;
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + delta);
	uint64_t t0 = rdtsc();
	while (fired < rounds && rdtsc() - t0 < 1000 * DELTA)
		sti_hlt_cli();
	CHECK(fired == rounds, "re-armed %llu ticks ahead from its handler: %u of %u fired",
	      (unsigned long long)delta, fired, rounds);
	printf("re-armed %llu ticks ahead from its handler: %u interrupts\n",
	       (unsigned long long)delta, fired);
}

static void other_modes(void)
{
	/* One-shot mode: the MSR reads 0 and writes are ignored. */
	fired = 0;
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR);
	uint64_t deadline = rdtsc() + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE %llx in one-shot mode",
	      rdmsr(MSR_TSC_DEADLINE));
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | MODE_DEADLINE);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "a write in one-shot mode armed the deadline");
	spin_until(deadline + DELTA);
	CHECK(fired == 0, "a deadline written in one-shot mode fired");

	/* Leaving TSC-deadline mode disarms. */
	deadline = rdtsc() + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR);
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | MODE_DEADLINE);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE %llx after a mode switch",
	      rdmsr(MSR_TSC_DEADLINE));
	spin_until(deadline + DELTA);
	CHECK(fired == 0, "a deadline fired after its mode was left");

	/* Masked: it expires (the MSR clears) without an interrupt. */
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | MODE_DEADLINE | LVT_MASKED);
	deadline = rdtsc() + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	spin_until(deadline + 2 * DELTA);
	CHECK(fired == 0, "a masked deadline delivered %u interrupts", fired);
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "masked deadline %llx did not expire",
	      rdmsr(MSR_TSC_DEADLINE));
	printf("one-shot mode ignores the MSR; switching disarms; masked expires quietly\n");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 24))) {
		CHECK(under_qemu_tcg(), "CPUID.1:ECX[24] (TSC deadline) clear");
		printf("QEMU TCG: this CPU model has no TSC-deadline timer, checks skipped\n");
		return;
	}
	pic_init();
	trap_set_handler(TIMER_VECTOR, on_timer);
	trap_set_handler(LAPIC_SPURIOUS_VECTOR, on_spurious);
	lapic_enable();
	CHECK(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE %llx at start",
	      rdmsr(MSR_TSC_DEADLINE));
	lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR | MODE_DEADLINE);
	CHECK((lapic_read(LAPIC_LVT_TMR) & (3u << 17)) == MODE_DEADLINE, "LVT timer %x",
	      lapic_read(LAPIC_LVT_TMR));
	lapic_write(LAPIC_TMR_INIT, 12345); /* ignored in TSC-deadline mode */
	arm_and_wait();
	disarm();
	past();
	rearm_in_handler(0, 500);
	rearm_in_handler(2000, 500);
	rearm_in_handler(DELTA / 100, 200);
	other_modes();
}
