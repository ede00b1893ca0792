/* The i8259 pair, programmed through its ports as Linux and firmware do. */
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;
static struct vpic *p;

/* The PC programming: vectors 0x20 and 0x28, cascade on IRQ2, 8086 mode. */
static void init_pair(uint8_t icw4)
{
	fake_outb(vm, 0x20, 0x11);
	fake_outb(vm, 0x21, 0x20);
	fake_outb(vm, 0x21, 0x04);
	fake_outb(vm, 0x21, icw4);
	fake_outb(vm, 0xa0, 0x11);
	fake_outb(vm, 0xa1, 0x28);
	fake_outb(vm, 0xa1, 0x02);
	fake_outb(vm, 0xa1, icw4);
}

static void setup(void)
{
	vm = fake_vm_create(1, 64 << 20);
	p = vpic_create(vm);
	ck_assert_ptr_nonnull(p);
	init_pair(0x01);
}

static void teardown(void)
{
	vpic_destroy(p);
	fake_vm_destroy(vm);
}

static uint8_t read_isr(uint16_t cmd)
{
	fake_outb(vm, cmd, 0x0b);
	uint8_t v = (uint8_t)fake_inb(vm, cmd);
	fake_outb(vm, cmd, 0x0a);
	return v;
}

START_TEST(test_edge_ack_eoi)
{
	ck_assert(!vpic_has_output(p));
	ck_assert_int_eq(vpic_pending_vector(p), -1);
	vpic_set_irq(p, 1, true);
	ck_assert(vpic_has_output(p));
	ck_assert_int_eq(vpic_pending_vector(p), 0x21);
	ck_assert_uint_eq(fake_inb(vm, 0x20), 0x02); /* IRR */
	ck_assert_int_eq(vpic_ack(p), 0x21);
	ck_assert_uint_eq(fake_inb(vm, 0x20), 0x00);
	ck_assert_uint_eq(read_isr(0x20), 0x02);
	ck_assert(!vpic_has_output(p));
	/* The line is still high: no new edge, nothing after EOI. */
	fake_outb(vm, 0x20, 0x20);
	ck_assert_uint_eq(read_isr(0x20), 0);
	ck_assert(!vpic_has_output(p));
	vpic_set_irq(p, 1, false);
	vpic_set_irq(p, 1, true);
	ck_assert_int_eq(vpic_ack(p), 0x21);
}
END_TEST

START_TEST(test_priority_and_nesting)
{
	vpic_set_irq(p, 4, true);
	vpic_set_irq(p, 3, true);
	ck_assert_int_eq(vpic_ack(p), 0x23);
	/* IRQ4 waits while the higher IRQ3 is in service... */
	ck_assert(!vpic_has_output(p));
	/* ...but a higher one nests. */
	vpic_set_irq(p, 0, true);
	ck_assert_int_eq(vpic_ack(p), 0x20);
	ck_assert_uint_eq(read_isr(0x20), 0x09);
	fake_outb(vm, 0x20, 0x20); /* non-specific EOI: the highest, IRQ0 */
	ck_assert_uint_eq(read_isr(0x20), 0x08);
	fake_outb(vm, 0x20, 0x63); /* specific EOI of IRQ3 */
	ck_assert_int_eq(vpic_ack(p), 0x24);
}
END_TEST

START_TEST(test_mask)
{
	fake_outb(vm, 0x21, 0xff);
	ck_assert_uint_eq(fake_inb(vm, 0x21), 0xff);
	vpic_set_irq(p, 5, true);
	ck_assert(!vpic_has_output(p));
	fake_outb(vm, 0x21, 0xdf);
	ck_assert_int_eq(vpic_ack(p), 0x25);
}
END_TEST

START_TEST(test_cascade)
{
	vpic_set_irq(p, 12, true);
	ck_assert(vpic_has_output(p));
	ck_assert_int_eq(vpic_pending_vector(p), 0x2c);
	ck_assert_int_eq(vpic_ack(p), 0x2c);
	ck_assert_uint_eq(read_isr(0x20), 0x04);
	ck_assert_uint_eq(read_isr(0xa0), 0x10);
	/* Another slave request while 12 is in service: a higher one nests... */
	vpic_set_irq(p, 8, true);
	ck_assert(!vpic_has_output(p)); /* ...only after the master's EOI */
	fake_outb(vm, 0x20, 0x20);
	ck_assert_int_eq(vpic_ack(p), 0x28);
	fake_outb(vm, 0xa0, 0x20);
	fake_outb(vm, 0x20, 0x20);
	fake_outb(vm, 0xa0, 0x20);
	fake_outb(vm, 0x20, 0x20);
	ck_assert_uint_eq(read_isr(0xa0), 0);
	ck_assert_uint_eq(read_isr(0x20), 0);
	/* Masking the cascade hides the slave. */
	vpic_set_irq(p, 9, true);
	fake_outb(vm, 0x21, 0x04);
	ck_assert(!vpic_has_output(p));
	fake_outb(vm, 0x21, 0x00);
	ck_assert_int_eq(vpic_ack(p), 0x29);
	/* IRQ2 itself is not an input. */
	vpic_set_irq(p, 2, true);
	vpic_set_irq(p, 99, true);
	fake_outb(vm, 0xa0, 0x20);
	fake_outb(vm, 0x20, 0x20);
	ck_assert(!vpic_has_output(p));
}
END_TEST

START_TEST(test_level_and_elcr)
{
	fake_outb(vm, 0x4d1, 0xff); /* IRQ8 and IRQ13 cannot be level */
	ck_assert_uint_eq(fake_inb(vm, 0x4d1), 0xde);
	fake_outb(vm, 0x4d0, 0xff);
	ck_assert_uint_eq(fake_inb(vm, 0x4d0), 0xf8);
	vpic_set_irq(p, 11, true);
	ck_assert_int_eq(vpic_ack(p), 0x2b);
	fake_outb(vm, 0xa0, 0x20);
	fake_outb(vm, 0x20, 0x20);
	/* Still high: requested again at once. */
	ck_assert_int_eq(vpic_ack(p), 0x2b);
	fake_outb(vm, 0xa0, 0x20);
	fake_outb(vm, 0x20, 0x20);
	vpic_set_irq(p, 11, false);
	ck_assert(!vpic_has_output(p));
}
END_TEST

START_TEST(test_spurious)
{
	/* A level request that drops before INTA gives IRQ7, without ISR. */
	fake_outb(vm, 0x4d0, 0x08);
	vpic_set_irq(p, 3, true);
	ck_assert(vpic_has_output(p));
	vpic_set_irq(p, 3, false);
	ck_assert_int_eq(vpic_ack(p), 0x27);
	ck_assert_uint_eq(read_isr(0x20), 0);
	/* The same on the slave gives IRQ15, with the master's IRQ2 in service. */
	fake_outb(vm, 0x4d1, 0x08);
	vpic_set_irq(p, 11, true);
	ck_assert_int_eq(vpic_pending_vector(p), 0x2b);
	fake_outb(vm, 0xa1, 0x08); /* masked after the request reached the master */
	ck_assert_int_eq(vpic_ack(p), 0x27);
}
END_TEST

START_TEST(test_auto_eoi_and_rotation)
{
	init_pair(0x03);
	vpic_set_irq(p, 6, true);
	ck_assert_int_eq(vpic_ack(p), 0x26);
	ck_assert_uint_eq(read_isr(0x20), 0);
	/* Set priority: IRQ5 lowest, so IRQ6 now beats IRQ1. */
	init_pair(0x01);
	fake_outb(vm, 0x20, 0xc5);
	vpic_set_irq(p, 1, false);
	vpic_set_irq(p, 6, false);
	vpic_set_irq(p, 1, true);
	vpic_set_irq(p, 6, true);
	ck_assert_int_eq(vpic_ack(p), 0x26);
	/* Rotate on non-specific EOI: IRQ6 becomes lowest, IRQ1 goes next. */
	fake_outb(vm, 0x20, 0xa0);
	ck_assert_int_eq(vpic_ack(p), 0x21);
}
END_TEST

START_TEST(test_poll)
{
	fake_outb(vm, 0x20, 0x0c);
	ck_assert_uint_eq(fake_inb(vm, 0x20), 0);
	vpic_set_irq(p, 5, true);
	fake_outb(vm, 0x20, 0x0c);
	ck_assert_uint_eq(fake_inb(vm, 0x20), 0x85);
	ck_assert_uint_eq(read_isr(0x20), 0x20);
}
END_TEST

START_TEST(test_hostile)
{
	/* Words reach both ports of a chip; bytes past the window read ones. */
	fake_outw(vm, 0x20, 0xff0a);
	ck_assert_uint_eq(fake_inb(vm, 0x21), 0xff);
	ck_assert_uint_eq(fake_inl(vm, 0x21) & 0xffffff00, 0xffffff00);
	ck_assert_uint_eq(fake_inl(vm, 0x4d1) >> 8, 0xffffff);
	/* Every value on every port, then the pair still works after a re-init. */
	static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1};
	for (unsigned v = 0; v < 256; v++) {
		for (unsigned i = 0; i < 6; i++) {
			fake_outb(vm, ports[i], v);
			(void)fake_inb(vm, ports[i]);
			vpic_set_irq(p, v & 15, v & 1);
			(void)vpic_ack(p);
		}
	}
	fake_outb(vm, 0x4d0, 0);
	fake_outb(vm, 0x4d1, 0);
	init_pair(0x01);
	for (unsigned irq = 0; irq < 16; irq++)
		vpic_set_irq(p, irq, false);
	vpic_set_irq(p, 7, true);
	ck_assert_int_eq(vpic_ack(p), 0x27);
}
END_TEST

UNIT_SUITE(vdev_pic_suite)
{
	Suite *s = suite_create("vdev_pic");
	TCase *tc = tcase_create("pic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_edge_ack_eoi);
	tcase_add_test(tc, test_priority_and_nesting);
	tcase_add_test(tc, test_mask);
	tcase_add_test(tc, test_cascade);
	tcase_add_test(tc, test_level_and_elcr);
	tcase_add_test(tc, test_spurious);
	tcase_add_test(tc, test_auto_eoi_and_rotation);
	tcase_add_test(tc, test_poll);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
