/* The PCI host bridge through configuration mechanism #1. */
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;
static struct vpci_host *h;

static void setup(void)
{
	vm = fake_vm_create(1, 64 << 20);
	h = vpci_host_create(vm);
	ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
	vpci_host_destroy(h);
	fake_vm_destroy(vm);
}

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	fake_outl(vm, 0xcf8, cfg_addr(bus, dev, fn, reg));
	return fake_inl(vm, 0xcfc);
}

START_TEST(test_host_bridge)
{
	ck_assert_uint_eq(cfg_read32(0, 0, 0, 0x00), 0x29c08086);
	ck_assert_uint_eq(cfg_read32(0, 0, 0, 0x08) >> 8, 0x060000);
	ck_assert_uint_eq(cfg_read32(0, 0, 0, 0x0c) >> 16 & 0xff, 0x00);
	/* Linux's type 1 probe reads the address register back. */
	fake_outl(vm, 0xcf8, 0x80000000);
	ck_assert_uint_eq(fake_inl(vm, 0xcf8), 0x80000000);
	/* Byte and word reads inside the dword. */
	fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, 0));
	ck_assert_uint_eq(fake_inw(vm, 0xcfe), 0x29c0);
	ck_assert_uint_eq(fake_inb(vm, 0xcfd), 0x80);
	ck_assert_uint_eq(fake_inb(vm, 0xcff), 0x29);
}
END_TEST

START_TEST(test_empty_slots)
{
	ck_assert_uint_eq(cfg_read32(0, 1, 0, 0), 0xffffffff);
	ck_assert_uint_eq(cfg_read32(0, 0, 1, 0), 0xffffffff);
	ck_assert_uint_eq(cfg_read32(1, 0, 0, 0), 0xffffffff);
	ck_assert_uint_eq(cfg_read32(255, 31, 7, 0xfc), 0xffffffff);
	/* With the enable bit clear nothing answers. */
	fake_outl(vm, 0xcf8, 0);
	ck_assert_uint_eq(fake_inl(vm, 0xcfc), 0xffffffff);
}
END_TEST

START_TEST(test_writes)
{
	/* Read-only registers keep their value. */
	fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, 0));
	fake_outl(vm, 0xcfc, 0x12345678);
	ck_assert_uint_eq(fake_inl(vm, 0xcfc), 0x29c08086);
	fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, 0x04));
	fake_outw(vm, 0xcfc, 0x0000);
	ck_assert_uint_eq(fake_inw(vm, 0xcfc), 0x0006);
	/* Cache line size and latency timer are writable. */
	fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, 0x0c));
	fake_outl(vm, 0xcfc, 0xffffffff);
	ck_assert_uint_eq(fake_inl(vm, 0xcfc), 0x0000ffff);
	/* Writes to empty slots go nowhere. */
	fake_outl(vm, 0xcf8, cfg_addr(0, 3, 0, 0x0c));
	fake_outl(vm, 0xcfc, 0);
	ck_assert_uint_eq(cfg_read32(0, 0, 0, 0x0c), 0x0000ffff);
}
END_TEST

START_TEST(test_reset_port)
{
	fake_outb(vm, 0xcf9, 0x02);
	ck_assert_ptr_null(vm_stopped(vm));
	ck_assert_uint_eq(fake_inb(vm, 0xcf9), 0x02);
	fake_outb(vm, 0xcf9, 0x06);
	ck_assert_ptr_nonnull(vm_stopped(vm));
	ck_assert_int_eq(vm_stopped(vm)->reason, VM_STOP_RESET);
}
END_TEST

START_TEST(test_hostile)
{
	/* A dword at 0xcfd covers 0xcfd-0xcff and one port past the window. */
	fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, 0));
	ck_assert_uint_eq(fake_inl(vm, 0xcfd), 0xff29c080);
	ck_assert_uint_eq(fake_inl(vm, 0xcff), 0xffffff29);
	/* Narrow accesses to the address register do not change it. */
	fake_outb(vm, 0xcf8, 0x00);
	fake_outw(vm, 0xcfa, 0x0000);
	ck_assert_uint_eq(fake_inl(vm, 0xcf8), 0x80000000);
	ck_assert_uint_eq(fake_inb(vm, 0xcf8), 0xff);
	/* Reserved address bits read back as 0. */
	fake_outl(vm, 0xcf8, 0xffffffff);
	ck_assert_uint_eq(fake_inl(vm, 0xcf8), 0x80fffffc);
	for (unsigned reg = 0; reg < 256; reg += 4) {
		for (unsigned sz = 1; sz <= 4; sz *= 2) {
			for (uint16_t port = 0xcfc; port <= 0xcff; port++) {
				uint32_t v = 0xffffffff;
				fake_outl(vm, 0xcf8, cfg_addr(0, 0, 0, reg));
				vm_pio(vm, port, sz, true, &v);
				vm_pio(vm, port, sz, false, &v);
			}
		}
	}
	ck_assert_uint_eq(cfg_read32(0, 0, 0, 0), 0x29c08086);
}
END_TEST

UNIT_SUITE(vdev_pci_suite)
{
	Suite *s = suite_create("vdev_pci");
	TCase *tc = tcase_create("pci_host");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_host_bridge);
	tcase_add_test(tc, test_empty_slots);
	tcase_add_test(tc, test_writes);
	tcase_add_test(tc, test_reset_port);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
