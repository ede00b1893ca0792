/* isa-debug-exit and fw_cfg, driven through their ports. */
#include <string.h>

#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;

static void setup(void)
{
	vm = fake_vm_create(3, 0x123456789ull);
}

static void teardown(void)
{
	fake_vm_destroy(vm);
}

START_TEST(test_debug_exit)
{
	struct vdebug_exit *d = vdebug_exit_create(vm, VDEV_DEBUG_EXIT_BASE);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(fake_inl(vm, 0xf4), 0);
	ck_assert_ptr_null(vm_stopped(vm));
	fake_outl(vm, 0xf4, 0x10);
	const struct vm_stop *st = vm_stopped(vm);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(st->reason, VM_STOP_DEBUG_EXIT);
	ck_assert_uint_eq(st->code, 0x21);
	fake_outb(vm, 0xf7, 0x33); /* the first stop wins */
	ck_assert_uint_eq(vm_stopped(vm)->code, 0x21);
	/* The window is taken. */
	ck_assert_ptr_null(vdebug_exit_create(vm, 0xf6));
	vdebug_exit_destroy(d);
}
END_TEST

START_TEST(test_debug_exit_sizes)
{
	struct vdebug_exit *d = vdebug_exit_create(vm, VDEV_DEBUG_EXIT_BASE);
	uint32_t v = 0xffffff80; /* a byte access uses only its byte */
	vm_pio(vm, 0xf5, 1, true, &v);
	ck_assert_uint_eq(vm_stopped(vm)->code, 0x101);
	vdebug_exit_destroy(d);
}
END_TEST

START_TEST(test_debug_exit_wide)
{
	struct vdebug_exit *d = vdebug_exit_create(vm, VDEV_DEBUG_EXIT_BASE);
	fake_outl(vm, 0xf4, 0xffffffff);
	ck_assert_uint_eq(vm_stopped(vm)->code, 0xffffffff);
	vdebug_exit_destroy(d);
}
END_TEST

static void fw_read(uint16_t key, uint8_t *buf, size_t n)
{
	fake_outw(vm, 0x510, key);
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)fake_inb(vm, 0x511);
}

START_TEST(test_fw_cfg_items)
{
	struct vfw_cfg *f = vfw_cfg_create(vm);
	ck_assert_ptr_nonnull(f);
	uint8_t b[16];

	fw_read(0x0000, b, 6);
	ck_assert_mem_eq(b, "QEMU\0\0", 6);
	fw_read(0x0001, b, 4);
	ck_assert_mem_eq(b, "\x01\0\0\0", 4);
	fw_read(0x0003, b, 9);
	ck_assert_mem_eq(b, "\x89\x67\x45\x23\x01\0\0\0\0", 9);
	fw_read(0x0005, b, 3);
	ck_assert_mem_eq(b, "\x03\0\0", 3);
	fw_read(0x0019, b, 4);
	ck_assert_mem_eq(b, "\0\0\0\0", 4);
	fw_read(0x1234, b, 4);
	ck_assert_mem_eq(b, "\0\0\0\0", 4);
	/* Selecting again rewinds. */
	fw_read(0x0000, b, 2);
	fw_read(0x0000, b, 4);
	ck_assert_mem_eq(b, "QEMU", 4);
	vfw_cfg_destroy(f);
}
END_TEST

START_TEST(test_fw_cfg_hostile)
{
	struct vfw_cfg *f = vfw_cfg_create(vm);
	uint8_t b[4];

	/* Byte writes do not select; a 32-bit read is not a valid access. */
	fake_outw(vm, 0x510, 0x0000);
	fake_outb(vm, 0x510, 0x05);
	fake_outl(vm, 0x510, 0x0005);
	ck_assert_uint_eq(fake_inl(vm, 0x511), 0xffffffff);
	ck_assert_uint_eq(fake_inw(vm, 0x510), 0xffff);
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)fake_inb(vm, 0x511);
	ck_assert_mem_eq(b, "QEMU", 4);
	/* Reading far past the end stays at zero. */
	for (int i = 0; i < 100000; i++)
		ck_assert_uint_eq(fake_inb(vm, 0x511), 0);
	/* As in QEMU, the ports act as one: a word write at 0x511 selects too. */
	fake_outw(vm, 0x511, 0x0005);
	ck_assert_uint_eq(fake_inb(vm, 0x510), 3);
	vfw_cfg_destroy(f);
}
END_TEST

UNIT_SUITE(vdev_misc_suite)
{
	Suite *s = suite_create("vdev_misc");
	TCase *tc = tcase_create("debug_exit+fw_cfg");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_debug_exit);
	tcase_add_test(tc, test_debug_exit_sizes);
	tcase_add_test(tc, test_debug_exit_wide);
	tcase_add_test(tc, test_fw_cfg_items);
	tcase_add_test(tc, test_fw_cfg_hostile);
	suite_add_tcase(s, tc);
	return s;
}
