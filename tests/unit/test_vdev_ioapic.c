/* The IOAPIC through its MMIO window, with a recording deliver callback. */
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

#define BASE VDEV_IOAPIC_BASE

struct sent {
	uint32_t dest;
	bool logical;
	uint8_t mode, vector;
	bool level;
};

static struct vm *vm;
static struct vioapic *io;
static struct sent sent[64];
static unsigned nsent;

static void deliver(void *ctx, uint32_t dest, bool logical, uint8_t mode, uint8_t vector,
		    bool level)
{
	ck_assert_ptr_eq(ctx, sent);
	ck_assert_uint_lt(nsent, 64);
	sent[nsent++] = (struct sent){dest, logical, mode, vector, level};
}

static void setup(void)
{
	vm = fake_vm_create(2, 64 << 20);
	io = vioapic_create(vm, BASE, deliver, sent);
	ck_assert_ptr_nonnull(io);
	nsent = 0;
}

static void teardown(void)
{
	vioapic_destroy(io);
	fake_vm_destroy(vm);
}

static uint32_t reg_read(uint8_t idx)
{
	fake_mmio_write(vm, BASE, 4, idx);
	return (uint32_t)fake_mmio_read(vm, BASE + 0x10, 4);
}

static void reg_write(uint8_t idx, uint32_t v)
{
	fake_mmio_write(vm, BASE, 4, idx);
	fake_mmio_write(vm, BASE + 0x10, 4, v);
}

static void set_rte(unsigned pin, uint64_t e)
{
	reg_write(0x11 + 2 * pin, (uint32_t)(e >> 32));
	reg_write(0x10 + 2 * pin, (uint32_t)e);
}

START_TEST(test_id_version)
{
	ck_assert_uint_eq(reg_read(0x01), 0x00170011);
	reg_write(0x00, 0x0f000000);
	ck_assert_uint_eq(reg_read(0x00), 0x0f000000);
	ck_assert_uint_eq(reg_read(0x02), 0x0f000000);
	reg_write(0x01, 0);
	ck_assert_uint_eq(reg_read(0x01), 0x00170011);
	/* Reset: every pin masked. */
	ck_assert_uint_eq(reg_read(0x10) & 0x10000, 0x10000);
	ck_assert_uint_eq(reg_read(0x3f), 0);
	ck_assert_uint_eq(reg_read(0x40), 0);
	ck_assert_uint_eq(reg_read(0xff), 0);
	ck_assert_uint_eq(fake_mmio_read(vm, BASE, 4), 0xff);
}
END_TEST

START_TEST(test_edge)
{
	set_rte(2, 0x0300000000000030ull); /* vector 0x30, fixed, physical, dest 3 */
	vioapic_set_irq(io, 2, true);
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(sent[0].vector, 0x30);
	ck_assert_uint_eq(sent[0].dest, 3);
	ck_assert(!sent[0].logical);
	ck_assert(!sent[0].level);
	vioapic_set_irq(io, 2, true); /* no edge */
	ck_assert_uint_eq(nsent, 1);
	vioapic_set_irq(io, 2, false);
	vioapic_set_irq(io, 2, true);
	ck_assert_uint_eq(nsent, 2);
	/* Masked edges are held until unmasked. */
	set_rte(2, 0x0300000000010030ull);
	vioapic_set_irq(io, 2, false);
	vioapic_set_irq(io, 2, true);
	ck_assert_uint_eq(nsent, 2);
	set_rte(2, 0x0300000000000030ull);
	ck_assert_uint_eq(nsent, 3);
}
END_TEST

START_TEST(test_level_remote_irr)
{
	set_rte(9, 0x010000000000a941ull); /* vector 0x41, lowest priority, level, logical */
	vioapic_set_irq(io, 9, true);
	ck_assert_uint_eq(nsent, 1);
	ck_assert(sent[0].level);
	ck_assert(sent[0].logical);
	ck_assert_uint_eq(sent[0].mode, 1);
	ck_assert_uint_eq(reg_read(0x10 + 18) & 0x4000, 0x4000); /* remote IRR */
	/* Remote IRR is read-only. */
	reg_write(0x10 + 18, 0x0000a941);
	ck_assert_uint_eq(reg_read(0x10 + 18) & 0x4000, 0x4000);
	/* Still asserted at EOI: again. */
	vioapic_eoi(io, 0x41);
	ck_assert_uint_eq(nsent, 2);
	vioapic_set_irq(io, 9, false);
	vioapic_eoi(io, 0x41);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(reg_read(0x10 + 18) & 0x4000, 0);
	/* An EOI for another vector changes nothing. */
	vioapic_set_irq(io, 9, true);
	vioapic_eoi(io, 0x42);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_uint_eq(reg_read(0x10 + 18) & 0x4000, 0x4000);
	/* Switching to edge drops remote IRR. */
	reg_write(0x10 + 18, 0x00002941);
	ck_assert_uint_eq(reg_read(0x10 + 18) & 0x4000, 0);
}
END_TEST

START_TEST(test_level_unmask)
{
	set_rte(5, 0x0000000000018050ull); /* level, masked */
	vioapic_set_irq(io, 5, true);
	ck_assert_uint_eq(nsent, 0);
	set_rte(5, 0x0000000000008050ull);
	ck_assert_uint_eq(nsent, 1);
	/* Dropped while masked: nothing on EOI or unmask. */
	set_rte(5, 0x0000000000018050ull);
	vioapic_set_irq(io, 5, false);
	vioapic_eoi(io, 0x50);
	set_rte(5, 0x0000000000008050ull);
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

START_TEST(test_hostile)
{
	vioapic_set_irq(io, 24, true);
	vioapic_set_irq(io, 1000, true);
	/* Odd sizes and offsets anywhere in the page. */
	for (uint64_t off = 0; off < 0x1000; off += 1) {
		for (unsigned sz = 1; sz <= 8; sz *= 2) {
			(void)fake_mmio_read(vm, BASE + off, sz);
			if (off != 0 && off != 0x10)
				fake_mmio_write(vm, BASE + off, sz, ~0ull);
		}
	}
	ck_assert_uint_eq(reg_read(0x01), 0x00170011);
	/* Byte-sized IOREGSEL, 8-byte IOWIN. */
	fake_mmio_write(vm, BASE, 1, 0x01);
	ck_assert_uint_eq(fake_mmio_read(vm, BASE + 0x10, 8), 0x00170011);
	ck_assert_uint_eq(fake_mmio_read(vm, BASE + 0x12, 2), 0x0017);
	/* Every redirection register written with ones: nothing breaks. */
	for (unsigned idx = 0; idx < 256; idx++)
		reg_write((uint8_t)idx, 0xffffffff);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		vioapic_set_irq(io, pin, true);
		vioapic_eoi(io, 0xff);
	}
	ck_assert_uint_eq(nsent, 0); /* all masked */
}
END_TEST

UNIT_SUITE(vdev_ioapic_suite)
{
	Suite *s = suite_create("vdev_ioapic");
	TCase *tc = tcase_create("ioapic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_id_version);
	tcase_add_test(tc, test_edge);
	tcase_add_test(tc, test_level_remote_irr);
	tcase_add_test(tc, test_level_unmask);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
