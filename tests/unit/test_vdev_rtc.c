/* The RTC and CMOS, read and set through 0x70/0x71 as Linux does. */
#include <pallas/time.h>
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;
static struct vrtc *r;

static void setup(void)
{
	fake_clock_set(5 * 1000000000ull);  /* 5 s after host boot */
	vm = fake_vm_create(4, 5ull << 30); /* 5 GiB: 3 below the hole, 2 above */
	r = vrtc_create(vm, NULL, NULL);
	ck_assert_ptr_nonnull(r);
}

static void teardown(void)
{
	vrtc_destroy(r);
	fake_vm_destroy(vm);
}

static uint8_t cmos(uint8_t idx)
{
	fake_outb(vm, 0x70, idx);
	return (uint8_t)fake_inb(vm, 0x71);
}

static void cmos_set(uint8_t idx, uint8_t v)
{
	fake_outb(vm, 0x70, idx);
	fake_outb(vm, 0x71, v);
}

START_TEST(test_epoch_bcd)
{
	ck_assert_uint_eq(cmos(0x0b), 0x02);
	ck_assert_uint_eq(cmos(0x00), 0x00);
	ck_assert_uint_eq(cmos(0x09), 0x26);
	ck_assert_uint_eq(cmos(0x32), 0x20);
	ck_assert_uint_eq(cmos(0x08), 0x01);
	ck_assert_uint_eq(cmos(0x07), 0x01);
	ck_assert_uint_eq(cmos(0x06), 0x05); /* Thursday */
	fake_clock_advance((3600ull * 13 + 60 * 59 + 45) * 1000000000ull);
	ck_assert_uint_eq(cmos(0x04), 0x13);
	ck_assert_uint_eq(cmos(0x02), 0x59);
	ck_assert_uint_eq(cmos(0x00), 0x45);
	/* 40 days on: 10 February. */
	fake_clock_advance(40ull * 86400 * 1000000000ull);
	ck_assert_uint_eq(cmos(0x08), 0x02);
	ck_assert_uint_eq(cmos(0x07), 0x10);
	ck_assert_uint_eq(cmos(0x0d), 0x80);
}
END_TEST

START_TEST(test_binary_12h)
{
	cmos_set(0x0b, 0x04); /* binary, 12-hour */
	fake_clock_advance(3600ull * 15 * 1000000000ull);
	ck_assert_uint_eq(cmos(0x04), 0x83); /* 3 PM */
	ck_assert_uint_eq(cmos(0x09), 26);
	cmos_set(0x0b, 0x00);		     /* BCD, 12-hour */
	ck_assert_uint_eq(cmos(0x04), 0x83); /* 3 PM in BCD too */
	fake_clock_advance(3600ull * 9 * 1000000000ull);
	ck_assert_uint_eq(cmos(0x04), 0x12); /* midnight is 12 AM */
}
END_TEST

START_TEST(test_set_time)
{
	/* Linux's mc146818_set_time: SET, write the fields, clear SET. */
	cmos_set(0x0b, 0x82);
	cmos_set(0x00, 0x30);
	cmos_set(0x02, 0x15);
	cmos_set(0x04, 0x23);
	cmos_set(0x07, 0x28);
	cmos_set(0x08, 0x02);
	cmos_set(0x09, 0x99);
	cmos_set(0x32, 0x20);
	ck_assert_uint_eq(cmos(0x00), 0x30); /* frozen while SET */
	fake_clock_advance(10 * 1000000000ull);
	ck_assert_uint_eq(cmos(0x00), 0x30);
	cmos_set(0x0b, 0x02);
	fake_clock_advance(3600ull * 1000000000ull);
	/* 2099-02-28 23:15:30 plus an hour: 1 March (2099 is not leap). */
	ck_assert_uint_eq(cmos(0x04), 0x00);
	ck_assert_uint_eq(cmos(0x07), 0x01);
	ck_assert_uint_eq(cmos(0x08), 0x03);
	ck_assert_uint_eq(cmos(0x09), 0x99);
	/* A single write without SET takes effect too. */
	cmos_set(0x09, 0x30);
	ck_assert_uint_eq(cmos(0x09), 0x30);
	ck_assert_uint_eq(cmos(0x32), 0x20);
}
END_TEST

START_TEST(test_uip_and_flags)
{
	ck_assert_uint_eq(cmos(0x0a), 0x26);
	fake_clock_advance(1000000000ull - 100000);
	ck_assert_uint_eq(cmos(0x0a), 0xa6);
	ck_assert_uint_eq(cmos(0x0c) & 0x10, 0x00); /* no update yet */
	cmos_set(0x0a, 0xff); /* UIP is read-only; DV = 111 holds the divider */
	ck_assert_uint_eq(cmos(0x0a), 0x7f);
	fake_clock_advance(200000);
	ck_assert_uint_eq(cmos(0x0c), 0x00); /* no update while held */
	cmos_set(0x0a, 0x26);
	fake_clock_advance(1000000000ull);
	ck_assert_uint_eq(cmos(0x0c) & 0x10, 0x10); /* a second went by */
	ck_assert_uint_eq(cmos(0x0c), 0x00);
	cmos_set(0x0c, 0xff);
	cmos_set(0x0d, 0x00);
	ck_assert_uint_eq(cmos(0x0d), 0x80);
}
END_TEST

START_TEST(test_cmos_memory)
{
	ck_assert_uint_eq(cmos(0x15) | cmos(0x16) << 8, 640);
	ck_assert_uint_eq(cmos(0x17) | cmos(0x18) << 8, 0xffff);
	ck_assert_uint_eq(cmos(0x30) | cmos(0x31) << 8, 0xffff);
	ck_assert_uint_eq(cmos(0x34) | cmos(0x35) << 8, (0xc0000000u - (16 << 20)) / 65536);
	ck_assert_uint_eq(cmos(0x5b) | cmos(0x5c) << 8 | cmos(0x5d) << 16, (2u << 30) / 65536);
	ck_assert_uint_eq(cmos(0x5f), 3);
	cmos_set(0x40, 0x5a);
	ck_assert_uint_eq(cmos(0x40), 0x5a);
	/* The NMI bit selects the same register. */
	fake_outb(vm, 0x70, 0xc0);
	ck_assert_uint_eq(fake_inb(vm, 0x71), 0x5a);
	ck_assert_uint_eq(fake_inb(vm, 0x70), 0xff);
}
END_TEST

START_TEST(test_hostile)
{
	/* Garbage in every register, in every mode, then the clock still reads. */
	for (unsigned v = 0; v < 256; v += 3) {
		for (unsigned idx = 0; idx < 0x100; idx++) {
			fake_outb(vm, 0x70, idx);
			fake_outb(vm, 0x71, v);
			(void)fake_inb(vm, 0x71);
		}
		fake_outl(vm, 0x70, v * 0x01010101u);
		(void)fake_inl(vm, 0x70);
		(void)fake_inw(vm, 0x71);
	}
	cmos_set(0x0b, 0x02);
	ck_assert_uint_le(cmos(0x00) & 0x0f, 9);
	ck_assert_uint_le(cmos(0x00) >> 4, 5);
}
END_TEST

#define SEC 1000000000ull

/* IRQ 8 rises for IRQF and falls when C is read. */
START_TEST(test_periodic_irq)
{
	cmos_set(0x0a, 0x2f); /* RS = 15: 2 Hz */
	(void)cmos(0x0c);
	ck_assert(!fake_irq_level(vm, 8));
	ck_assert_uint_eq(vrtc_next_event_ns(r), UINT64_MAX); /* PIE off: no timer */
	cmos_set(0x0b, 0x42);				      /* PIE */
	uint64_t next = vrtc_next_event_ns(r);
	ck_assert_uint_eq(next, 5 * SEC + SEC / 2);
	fake_clock_set(next - 1);
	vrtc_tick(r, clock_ns());
	ck_assert(!fake_irq_level(vm, 8));
	fake_clock_set(next);
	vrtc_tick(r, clock_ns());
	ck_assert(fake_irq_level(vm, 8));
	ck_assert_uint_eq(vrtc_next_event_ns(r), UINT64_MAX); /* held until C is read */
	ck_assert_uint_eq(cmos(0x0c), 0xc0);		      /* IRQF | PF */
	ck_assert(!fake_irq_level(vm, 8));
	ck_assert_uint_eq(vrtc_next_event_ns(r), 6 * SEC);
	/* RS 1 and 2 are 256 and 128 Hz; RS 3 is 8192 Hz. */
	cmos_set(0x0a, 0x21);
	ck_assert_uint_eq(vrtc_next_event_ns(r) - clock_ns(), SEC / 256);
	cmos_set(0x0a, 0x22);
	ck_assert_uint_eq(vrtc_next_event_ns(r) - clock_ns(), SEC / 128);
	cmos_set(0x0a, 0x23);
	ck_assert_uint_le(vrtc_next_event_ns(r) - clock_ns(), SEC / 8192 + 1);
	/* RS = 0 or a stopped divider: no periodic flag at all. */
	cmos_set(0x0a, 0x20);
	ck_assert_uint_eq(vrtc_next_event_ns(r), UINT64_MAX);
	fake_clock_advance(SEC / 4);
	ck_assert_uint_eq(cmos(0x0c) & 0x40, 0);
	cmos_set(0x0a, 0x66);
	fake_clock_advance(SEC / 4);
	ck_assert_uint_eq(cmos(0x0c), 0);
}
END_TEST

/* PF is set with PIE off, and turning PIE on then raises IRQF at once. */
START_TEST(test_flags_without_enable)
{
	cmos_set(0x0a, 0x26); /* 1024 Hz */
	(void)cmos(0x0c);
	fake_clock_advance(SEC / 100);
	vrtc_tick(r, clock_ns());
	ck_assert(!fake_irq_level(vm, 8));
	cmos_set(0x0b, 0x42);
	ck_assert(fake_irq_level(vm, 8));
	ck_assert_uint_eq(cmos(0x0c), 0xc0);
	ck_assert(!fake_irq_level(vm, 8));
}
END_TEST

/* Update-ended once a second, not while SET; the alarm with don't-care bytes. */
START_TEST(test_update_and_alarm)
{
	cmos_set(0x0a, 0x20); /* no periodic flag to mix in */
	cmos_set(0x0b, 0x12); /* UIE */
	(void)cmos(0x0c);
	ck_assert_uint_eq(vrtc_next_event_ns(r), 6 * SEC);
	fake_clock_set(6 * SEC);
	vrtc_tick(r, clock_ns());
	ck_assert(fake_irq_level(vm, 8));
	ck_assert_uint_eq(cmos(0x0c), 0x90);
	/* SET stops updates and clears UIE. */
	cmos_set(0x0b, 0x92);
	ck_assert_uint_eq(cmos(0x0b), 0x82);
	ck_assert_uint_eq(vrtc_next_event_ns(r), UINT64_MAX);
	fake_clock_advance(2 * SEC);
	ck_assert_uint_eq(cmos(0x0c), 0);
	cmos_set(0x0b, 0x02);
	/* SET froze 00:00:01, the time again now; alarm at hh:mm:03, any hour
	 * and minute. */
	ck_assert_uint_eq(cmos(0x00), 0x01);
	cmos_set(0x01, 0x03);
	cmos_set(0x03, 0xc0);
	cmos_set(0x05, 0xff);
	cmos_set(0x0b, 0x22); /* AIE */
	(void)cmos(0x0c);
	fake_clock_advance(SEC);
	vrtc_tick(r, clock_ns());
	ck_assert(!fake_irq_level(vm, 8)); /* 00:00:02: UF only, not enabled */
	ck_assert_uint_eq(cmos(0x0c), 0x10);
	fake_clock_advance(SEC);
	vrtc_tick(r, clock_ns());
	ck_assert(fake_irq_level(vm, 8));
	ck_assert_uint_eq(cmos(0x0c), 0xb0); /* IRQF | AF | UF */
	/* A fixed minute that does not match: no AF a minute later. */
	cmos_set(0x03, 0x07);
	fake_clock_advance(60 * SEC);
	ck_assert_uint_eq(cmos(0x0c), 0x10);
}
END_TEST

UNIT_SUITE(vdev_rtc_suite)
{
	Suite *s = suite_create("vdev_rtc");
	TCase *tc = tcase_create("rtc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_epoch_bcd);
	tcase_add_test(tc, test_binary_12h);
	tcase_add_test(tc, test_set_time);
	tcase_add_test(tc, test_uip_and_flags);
	tcase_add_test(tc, test_cmos_memory);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_periodic_irq);
	tcase_add_test(tc, test_flags_without_enable);
	tcase_add_test(tc, test_update_and_alarm);
	suite_add_tcase(s, tc);
	return s;
}
