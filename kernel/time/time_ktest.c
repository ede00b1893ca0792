/* Clock and timer-event self-tests. */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <pallas/ktest.h>
#include <pallas/percpu.h>
#include <pallas/time.h>

KTEST(clock_monotonic)
{
	uint64_t prev = clock_ns();

	for (int i = 0; i < 100000; i++) {
		uint64_t now = clock_ns();
		KEXPECT(t, now >= prev);
		prev = now;
	}
}

KTEST(clock_tracks_tsc)
{
	/* The TSC window encloses the clock window, so the clock's span can only
	 * be shorter (by rounding, at most a nanosecond or so). */
	uint64_t t0 = rdtsc(), n0 = clock_ns();
	udelay(20000);
	uint64_t n1 = clock_ns(), t1 = rdtsc();
	uint64_t dt = tsc_to_ns(t1 - t0), dn = n1 - n0;

	KEXPECT(t, dn >= 20 * NSEC_PER_MSEC - NSEC_PER_USEC); /* conversions round down */
	KEXPECT(t, dn <= dt + 2);
}

/* ns_to_tsc and tsc_to_ns agree over a day to within a few parts in a
 * billion (plus one TSC tick): a timer deadline converted one way and the
 * clock the other would otherwise drift apart with uptime, and events would
 * come early by the drift. */
KTEST(clock_conversions_agree)
{
	static const uint64_t spans[] = {NSEC_PER_SEC, 3600 * NSEC_PER_SEC, 86400 * NSEC_PER_SEC};

	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		uint64_t x = spans[i], back = tsc_to_ns(ns_to_tsc(x));
		uint64_t err = back > x ? back - x : x - back;
		uint64_t tick_ns = tsc_to_ns(1000) / 1000 + 1;
		KEXPECT(t, err <= x / 100000000 + tick_ns);
	}
}

static volatile uint64_t fired_at[4];
static struct timer_event ktest_events[4]; /* the last one is cancelled */

static void record_fire(struct timer_event *ev)
{
	fired_at[ev - ktest_events] = clock_ns();
}

/* Three events armed out of order fire in deadline order, none early; a
 * cancelled one does not fire. */
KTEST(timer_events_fire_in_order)
{
	uint64_t now = clock_ns();
	uint64_t deadlines[3] = {now + 30 * NSEC_PER_MSEC, now + 10 * NSEC_PER_MSEC,
				 now + 20 * NSEC_PER_MSEC};
	struct timer_event *cancelled = &ktest_events[3];

	for (int i = 0; i < 4; i++) {
		fired_at[i] = 0;
		timer_event_init(&ktest_events[i], record_fire);
	}
	unsigned long flags = irq_save();
	for (int i = 0; i < 3; i++)
		timer_event_arm(&ktest_events[i], deadlines[i]);
	timer_event_arm(cancelled, now + 5 * NSEC_PER_MSEC);
	KEXPECT(t, timer_event_cancel(cancelled));
	KEXPECT(t, !timer_event_cancel(cancelled));
	irq_restore(flags);

	uint64_t give_up = now + 2 * NSEC_PER_SEC;
	while (!fired_at[0] && clock_ns() < give_up)
		__asm__ volatile("hlt");
	for (int i = 0; i < 3; i++) {
		KEXPECT(t, fired_at[i] >= deadlines[i]);
		KEXPECT(t, fired_at[i] < deadlines[i] + 500 * NSEC_PER_MSEC);
	}
	KEXPECT(t, fired_at[1] <= fired_at[2] && fired_at[2] <= fired_at[0]);
	KEXPECT(t, fired_at[3] == 0);
}
