/* The RTC and CMOS, read and set through 0x70/0x71 as Linux does. */
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;
static struct vrtc *r;

static void setup(void)
{
	fake_clock_set(5 * 1000000000ull);  /* 5 s after host boot */
	vm = fake_vm_create(4, 5ull << 30); /* 5 GiB: 3 below the hole, 2 above */
	r = vrtc_create(vm);
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
	cmos_set(0x0a, 0xff); /* UIP is read-only */
	fake_clock_advance(200000);
	ck_assert_uint_eq(cmos(0x0a), 0x7f);
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
	suite_add_tcase(s, tc);
	return s;
}
