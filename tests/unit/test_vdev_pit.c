/* The i8254, with the fake clock standing in for time. */
#include <pallas/time.h>
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

#define T0 1000000000ull /* the fake clock at the start of each test */

static struct vm *vm;
static struct vpit *p;
static int reprograms;

static void on_reprogram(void *ctx)
{
	ck_assert_ptr_eq(ctx, &reprograms);
	reprograms++;
}

static void setup(void)
{
	fake_clock_set(T0);
	vm = fake_vm_create(1, 64 << 20);
	p = vpit_create(vm, on_reprogram, &reprograms);
	ck_assert_ptr_nonnull(p);
	reprograms = 0;
}

static void teardown(void)
{
	vpit_destroy(p);
	fake_vm_destroy(vm);
}

/* ns for n PIT ticks, rounded down. */
static uint64_t ticks_ns(uint64_t n)
{
	return n * 1000000000ull / VPIT_HZ;
}

static uint16_t read_latched(unsigned ch)
{
	fake_outb(vm, 0x43, ch << 6);
	uint16_t lo = (uint16_t)fake_inb(vm, 0x40 + ch);
	return lo | (uint16_t)(fake_inb(vm, 0x40 + ch) << 8);
}

START_TEST(test_mode2_periodic_irq)
{
	ck_assert_uint_eq(vpit_next_event_ns(p), UINT64_MAX);
	fake_outb(vm, 0x43, 0x34); /* ch0, lohi, mode 2 */
	fake_outb(vm, 0x40, 0xa9);
	fake_outb(vm, 0x40, 0x04); /* 1193: 1 ms */
	ck_assert_int_ge(reprograms, 1);
	uint64_t next = vpit_next_event_ns(p);
	ck_assert_uint_ge(next, T0 + 999000);
	ck_assert_uint_le(next, T0 + 1000000);
	ck_assert_uint_eq(read_latched(0), 1193);

	fake_clock_set(next - 1);
	vpit_tick(p, next - 1); /* early: nothing */
	ck_assert_uint_eq(fake_irq_pulses(vm, 0), 0);
	fake_clock_set(next);
	vpit_tick(p, next);
	ck_assert_uint_eq(fake_irq_pulses(vm, 0), 1);
	uint64_t next2 = vpit_next_event_ns(p);
	ck_assert_uint_ge(next2 - next, 999000);
	ck_assert_uint_le(next2 - next, 1000001);
	/* Late by 10 periods: one pulse, and the next edge is on the grid. */
	fake_clock_set(next + 10 * 1000000 + 500000);
	vpit_tick(p, clock_ns());
	ck_assert_uint_eq(fake_irq_pulses(vm, 0), 2);
	ck_assert_uint_gt(vpit_next_event_ns(p), clock_ns());
	ck_assert_uint_le(vpit_next_event_ns(p), clock_ns() + 1000000);
}
END_TEST

START_TEST(test_counter_counts_down)
{
	fake_outb(vm, 0x43, 0x30); /* ch0, lohi, mode 0 */
	fake_outb(vm, 0x40, 0x00);
	fake_outb(vm, 0x40, 0x10); /* 4096 */
	fake_clock_advance(ticks_ns(1000) + 1);
	ck_assert_uint_eq(read_latched(0), 3096);
	/* Without a latch, LOHI reads alternate bytes of the live count. */
	uint16_t lo = (uint16_t)fake_inb(vm, 0x40);
	uint16_t hi = (uint16_t)fake_inb(vm, 0x40);
	ck_assert_uint_eq(lo | hi << 8, 3096);
	/* Mode 0 fires once, when the count runs out. */
	uint64_t next = vpit_next_event_ns(p);
	ck_assert_uint_eq(next, T0 + (4096ull * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ);
	vpit_tick(p, next);
	ck_assert_uint_eq(fake_irq_pulses(vm, 0), 1);
	ck_assert_uint_eq(vpit_next_event_ns(p), UINT64_MAX);
	/* Status read-back: OUT high, mode 0, lohi. */
	fake_clock_set(next);
	fake_outb(vm, 0x43, 0xe2);
	ck_assert_uint_eq(fake_inb(vm, 0x40), 0xb0);
}
END_TEST

START_TEST(test_mode3_square_wave)
{
	fake_outb(vm, 0x43, 0x36);
	fake_outb(vm, 0x40, 100);
	fake_outb(vm, 0x40, 0);
	fake_clock_advance(ticks_ns(10) + 1);
	ck_assert_uint_eq(read_latched(0), 80); /* counts by two */
	fake_outb(vm, 0x43, 0xe2);
	ck_assert_uint_eq(fake_inb(vm, 0x40) & 0x80, 0x80); /* first half: high */
	fake_clock_advance(ticks_ns(50));
	fake_outb(vm, 0x43, 0xe2);
	ck_assert_uint_eq(fake_inb(vm, 0x40) & 0x80, 0);
}
END_TEST

START_TEST(test_tiny_period_is_bounded)
{
	fake_outb(vm, 0x43, 0x14); /* ch0, lsb only, mode 2 */
	fake_outb(vm, 0x40, 2);
	uint64_t now = vpit_next_event_ns(p);
	for (int i = 0; i < 100; i++) {
		fake_clock_set(now);
		vpit_tick(p, now);
		uint64_t next = vpit_next_event_ns(p);
		ck_assert_uint_ge(next - now, 100000);
		now = next;
	}
	ck_assert_uint_eq(fake_irq_pulses(vm, 0), 100);
}
END_TEST

START_TEST(test_channel2_gate_and_out)
{
	/* Linux's calibration: gate on, speaker off, mode 0, poll OUT2. */
	fake_outb(vm, 0x61, (fake_inb(vm, 0x61) & ~0x02) | 0x01);
	fake_outb(vm, 0x43, 0xb0);
	fake_outb(vm, 0x42, 0xff);
	fake_outb(vm, 0x42, 0xff);
	ck_assert_uint_eq(fake_inb(vm, 0x61) & 0x23, 0x01);
	fake_clock_advance(ticks_ns(0xffff) + 1000);
	ck_assert_uint_eq(fake_inb(vm, 0x61) & 0x20, 0x20);
	/* Gate low holds the count; channel 2 never raises an IRQ. */
	fake_outb(vm, 0x61, 0x00);
	fake_outb(vm, 0x43, 0xb0);
	fake_outb(vm, 0x42, 0x10);
	fake_outb(vm, 0x42, 0x00);
	fake_clock_advance(1000000);
	ck_assert_uint_eq(read_latched(2), 0x10);
	fake_outb(vm, 0x61, 0x01);
	fake_clock_advance(ticks_ns(4) + 1);
	ck_assert_uint_eq(read_latched(2), 0x0c);
	ck_assert_uint_eq(vpit_next_event_ns(p), UINT64_MAX);
	/* The refresh bit toggles with time. */
	uint8_t a = (uint8_t)fake_inb(vm, 0x61);
	fake_clock_advance(15085);
	ck_assert_uint_ne(a & 0x10, fake_inb(vm, 0x61) & 0x10);
}
END_TEST

START_TEST(test_latch_and_msb)
{
	fake_outb(vm, 0x43, 0x70); /* ch1, lohi, mode 0 */
	fake_outb(vm, 0x41, 0x34);
	fake_outb(vm, 0x41, 0x12);
	fake_outb(vm, 0x43, 0x40); /* latch ch1 */
	fake_clock_advance(ticks_ns(0x100) + 1);
	fake_outb(vm, 0x43, 0x40); /* a second latch is ignored */
	ck_assert_uint_eq(fake_inb(vm, 0x41), 0x34);
	ck_assert_uint_eq(fake_inb(vm, 0x41), 0x12);
	fake_outb(vm, 0x43, 0x60); /* ch1, msb only */
	fake_outb(vm, 0x41, 0x20);
	ck_assert_uint_eq(fake_inb(vm, 0x41), 0x20);
	/* Count 0 means 65536. */
	fake_outb(vm, 0x43, 0x50);
	fake_outb(vm, 0x41, 0x00);
	fake_clock_advance(ticks_ns(1) + 1);
	ck_assert_uint_eq(fake_inb(vm, 0x41), 0xff);
}
END_TEST

/* Channel 2's status byte, through the read-back command. */
static uint8_t status2(void)
{
	fake_outb(vm, 0x43, 0xe8);
	return (uint8_t)fake_inb(vm, 0x42);
}

START_TEST(test_gate_modes_0_and_4_suspend)
{
	for (unsigned mode = 0; mode <= 4; mode += 4) {
		fake_outb(vm, 0x61, 0x01);
		fake_outb(vm, 0x43, 0xb0 | mode << 1);
		fake_outb(vm, 0x42, 0x00);
		fake_outb(vm, 0x42, 0x10); /* 4096 */
		fake_clock_advance(ticks_ns(1000) + 1);
		fake_outb(vm, 0x61, 0x00); /* suspends at 3096 */
		fake_clock_advance(ticks_ns(5000));
		ck_assert_uint_eq(read_latched(2), 3096);
		fake_outb(vm, 0x61, 0x01); /* resumes, does not restart */
		fake_clock_advance(ticks_ns(96) + 1);
		ck_assert_uint_eq(read_latched(2), 3000);
		ck_assert_uint_eq(status2() & 0x80, mode == 4 ? 0x80 : 0);
		fake_clock_advance(ticks_ns(3000) + 1);
		ck_assert_uint_eq(read_latched(2), 0);
		ck_assert_uint_eq(status2() & 0x80, mode == 0 ? 0x80 : 0);
		fake_outb(vm, 0x61, 0x00);
	}
}
END_TEST

START_TEST(test_gate_modes_1_and_5_trigger)
{
	for (unsigned mode = 1; mode <= 5; mode += 4) {
		/* The gate high already when the count comes: no trigger. */
		fake_outb(vm, 0x61, 0x01);
		fake_outb(vm, 0x43, 0xb0 | mode << 1);
		fake_outb(vm, 0x42, 0x00);
		fake_outb(vm, 0x42, 0x10);
		fake_clock_advance(ticks_ns(5000));
		ck_assert_uint_eq(status2() & 0x80, 0x80);
		ck_assert_uint_eq(fake_inb(vm, 0x61) & 0x20, 0x20);
		ck_assert_uint_eq(read_latched(2), 4096);
		fake_outb(vm, 0x61, 0x00);
		fake_outb(vm, 0x61, 0x01); /* trigger */
		fake_clock_advance(ticks_ns(100) + 1);
		ck_assert_uint_eq(status2() & 0x80, mode == 1 ? 0 : 0x80);
		fake_outb(vm, 0x61, 0x00); /* the level no longer matters */
		fake_clock_advance(ticks_ns(900) + 1);
		ck_assert_uint_eq(read_latched(2), 3096);
		fake_outb(vm, 0x61, 0x01); /* retrigger: reload */
		fake_clock_advance(ticks_ns(10) + 1);
		ck_assert_uint_eq(read_latched(2), 4086);
		fake_clock_advance(ticks_ns(4090)); /* past terminal count */
		ck_assert_uint_eq(status2() & 0x80, 0x80);
		fake_outb(vm, 0x61, 0x00);
	}
	/* Channel 0's gate is tied high: modes 1 and 5 never fire there. */
	fake_outb(vm, 0x43, 0x32);
	fake_outb(vm, 0x40, 0x00);
	fake_outb(vm, 0x40, 0x10);
	ck_assert_uint_eq(vpit_next_event_ns(p), UINT64_MAX);
	fake_outb(vm, 0x43, 0x3a);
	fake_outb(vm, 0x40, 0x00);
	fake_outb(vm, 0x40, 0x10);
	ck_assert_uint_eq(vpit_next_event_ns(p), UINT64_MAX);
}
END_TEST

START_TEST(test_gate_modes_2_and_3_hold_and_reload)
{
	fake_outb(vm, 0x61, 0x01);
	fake_outb(vm, 0x43, 0xb4); /* mode 2 */
	fake_outb(vm, 0x42, 0x00);
	fake_outb(vm, 0x42, 0x10);
	fake_clock_advance(ticks_ns(4094) + 1);
	ck_assert_uint_eq(read_latched(2), 2);
	fake_clock_advance(ticks_ns(1));
	ck_assert_uint_eq(status2() & 0x80, 0); /* low at count 1 */
	fake_outb(vm, 0x61, 0x00);		/* held, OUT forced high */
	ck_assert_uint_eq(status2() & 0x80, 0x80);
	fake_clock_advance(ticks_ns(100));
	ck_assert_uint_eq(read_latched(2), 1);
	fake_outb(vm, 0x61, 0x01); /* reload */
	fake_clock_advance(ticks_ns(10) + 1);
	ck_assert_uint_eq(read_latched(2), 4086);
	fake_outb(vm, 0x43, 0xb6); /* mode 3 */
	fake_outb(vm, 0x42, 100);
	fake_outb(vm, 0x42, 0);
	fake_clock_advance(ticks_ns(60) + 1);
	ck_assert_uint_eq(status2() & 0x80, 0); /* second half: low */
	fake_outb(vm, 0x61, 0x00);
	ck_assert_uint_eq(status2() & 0x80, 0x80);
	ck_assert_uint_eq(read_latched(2), 80);
}
END_TEST

START_TEST(test_hostile)
{
	ck_assert_uint_eq(fake_inb(vm, 0x43), 0xff);
	ck_assert_uint_eq(fake_inl(vm, 0x43) >> 8, 0xffffff);
	fake_outl(vm, 0x40, 0xffffffff); /* words across the whole window */
	fake_outw(vm, 0x61, 0xffff);
	for (unsigned v = 0; v < 256; v++) {
		for (uint16_t port = 0x40; port <= 0x43; port++) {
			fake_outb(vm, port, v);
			(void)fake_inb(vm, port);
			(void)fake_inl(vm, port);
		}
		fake_clock_advance(v * 997);
		vpit_tick(p, clock_ns());
		(void)vpit_next_event_ns(p);
	}
	/* A clock going backwards, and one near the end of time. */
	fake_outb(vm, 0x43, 0x34);
	fake_outb(vm, 0x40, 0x01);
	fake_outb(vm, 0x40, 0x00);
	vpit_tick(p, 0);
	fake_clock_set(UINT64_MAX - 5);
	(void)read_latched(0);
	vpit_tick(p, UINT64_MAX);
	fake_clock_set(0);
	(void)read_latched(0);
}
END_TEST

UNIT_SUITE(vdev_pit_suite)
{
	Suite *s = suite_create("vdev_pit");
	TCase *tc = tcase_create("pit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mode2_periodic_irq);
	tcase_add_test(tc, test_counter_counts_down);
	tcase_add_test(tc, test_mode3_square_wave);
	tcase_add_test(tc, test_tiny_period_is_bounded);
	tcase_add_test(tc, test_channel2_gate_and_out);
	tcase_add_test(tc, test_latch_and_msb);
	tcase_add_test(tc, test_gate_modes_0_and_4_suspend);
	tcase_add_test(tc, test_gate_modes_1_and_5_trigger);
	tcase_add_test(tc, test_gate_modes_2_and_3_hold_and_reload);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
