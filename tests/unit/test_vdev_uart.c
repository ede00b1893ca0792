/* The 16550 UART, driven through its ports as a guest would. */
#include <string.h>

#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

#define B   VDEV_COM1_BASE
#define IRQ VDEV_COM1_IRQ

static struct vm *vm;
static struct vuart *u;

static void setup(void)
{
	vm = fake_vm_create(1, 64 << 20);
	u = vuart_create(vm, B, IRQ);
	ck_assert_ptr_nonnull(u);
}

static void teardown(void)
{
	vuart_destroy(u);
	fake_vm_destroy(vm);
}

START_TEST(test_transmit_to_console)
{
	for (const char *p = "hello\n"; *p; p++) {
		ck_assert_uint_eq(fake_inb(vm, B + 5) & 0x60, 0x60); /* THRE + TEMT */
		fake_outb(vm, B, (uint8_t)*p);
	}
	ck_assert_str_eq(fake_console(vm), "hello\n");
}
END_TEST

START_TEST(test_dlab_and_scratch)
{
	fake_outb(vm, B + 3, 0x80); /* DLAB */
	fake_outb(vm, B + 0, 0x01);
	fake_outb(vm, B + 1, 0x02);
	ck_assert_uint_eq(fake_inb(vm, B + 0), 0x01);
	ck_assert_uint_eq(fake_inb(vm, B + 1), 0x02);
	fake_outb(vm, B + 3, 0x03);
	/* With DLAB clear the same ports are THR and IER: nothing reached the console. */
	ck_assert_uint_eq(fake_console_len(vm), 0);
	ck_assert_uint_eq(fake_inb(vm, B + 1), 0);
	ck_assert_uint_eq(fake_inb(vm, B + 3), 0x03);
	fake_outb(vm, B + 7, 0xa5);
	ck_assert_uint_eq(fake_inb(vm, B + 7), 0xa5);
}
END_TEST

START_TEST(test_receive_fifo)
{
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 1, 0);
	ck_assert_uint_eq(vuart_input(u, "ab", 2), 2);
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 1, 1);
	ck_assert_uint_eq(fake_inb(vm, B), 'a');
	ck_assert_uint_eq(fake_inb(vm, B), 'b');
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 1, 0);
	ck_assert_uint_eq(fake_inb(vm, B), 0); /* empty: no stale byte */

	/* The host cannot overfill it; FCR clears it. */
	char big[200];
	memset(big, 'x', sizeof(big));
	size_t took = vuart_input(u, big, sizeof(big));
	ck_assert_uint_gt(took, 0);
	ck_assert_uint_lt(took, sizeof(big));
	ck_assert_uint_eq(vuart_input(u, big, 1), 0);
	fake_outb(vm, B + 2, 0x03);
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 1, 0);
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0xc0, 0xc0);
}
END_TEST

START_TEST(test_irq_rx_and_thre)
{
	fake_outb(vm, B + 4, 0x0b); /* DTR RTS OUT2 */
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0x0f, 0x01);
	ck_assert(!fake_irq_level(vm, IRQ));

	fake_outb(vm, B + 1, 0x01); /* RX data interrupt */
	vuart_input(u, "z", 1);
	ck_assert(fake_irq_level(vm, IRQ));
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0x0f, 0x04);
	ck_assert_uint_eq(fake_inb(vm, B), 'z');
	ck_assert(!fake_irq_level(vm, IRQ));

	/* Enabling THRE with THR empty interrupts at once; reading IIR acks it. */
	fake_outb(vm, B + 1, 0x03);
	ck_assert(fake_irq_level(vm, IRQ));
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0x0f, 0x02);
	ck_assert(!fake_irq_level(vm, IRQ));
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0x0f, 0x01);
	/* Each byte sent empties THR again. */
	fake_outb(vm, B, 'q');
	ck_assert(fake_irq_level(vm, IRQ));
	/* RX outranks THRE. */
	vuart_input(u, "r", 1);
	ck_assert_uint_eq(fake_inb(vm, B + 2) & 0x0f, 0x04);
	/* Without OUT2 the line stays low, whatever is pending. */
	fake_outb(vm, B + 4, 0x03);
	ck_assert(!fake_irq_level(vm, IRQ));
}
END_TEST

START_TEST(test_loopback_and_msr)
{
	ck_assert_uint_eq(fake_inb(vm, B + 6) & 0xf0, 0xb0); /* DCD DSR CTS */
	fake_outb(vm, B + 4, 0x1a);			     /* loop, RTS, OUT2 */
	ck_assert_uint_eq(fake_inb(vm, B + 6) & 0xf0, 0x90); /* what Linux probes for */
	fake_outb(vm, B, 'L');
	ck_assert_uint_eq(fake_console_len(vm), 0);
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 1, 1);
	ck_assert_uint_eq(fake_inb(vm, B), 'L');
	fake_outb(vm, B + 4, 0x00);
	ck_assert_uint_eq(fake_inb(vm, B + 6) & 0xf0, 0xb0);
}
END_TEST

START_TEST(test_overrun_in_loopback)
{
	fake_outb(vm, B + 4, 0x10);
	for (int i = 0; i < 100; i++)
		fake_outb(vm, B, 'o');
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 0x02, 0x02);
	ck_assert_uint_eq(fake_inb(vm, B + 5) & 0x02, 0); /* cleared by the read */
}
END_TEST

START_TEST(test_hostile_sizes)
{
	/* A 16-bit write to THR reaches THR and IER, one byte each. */
	fake_outw(vm, B, 0x0041);
	ck_assert_str_eq(fake_console(vm), "A");
	/* A 32-bit read at the last port: the bytes past the UART read all ones. */
	fake_outb(vm, B + 7, 0x11);
	ck_assert_uint_eq(fake_inl(vm, B + 7), 0xffffff11);
	/* A wide read of RBR..LCR. */
	ck_assert_uint_eq(fake_inl(vm, B) >> 24, 0x03);
	for (uint32_t v = 0; v < 256; v++) {
		for (unsigned p = 0; p < 8; p++) {
			fake_outb(vm, B + p, v);
			(void)fake_inb(vm, B + p);
		}
	}
}
END_TEST

UNIT_SUITE(vdev_uart_suite)
{
	Suite *s = suite_create("vdev_uart");
	TCase *tc = tcase_create("uart");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_transmit_to_console);
	tcase_add_test(tc, test_dlab_and_scratch);
	tcase_add_test(tc, test_receive_fifo);
	tcase_add_test(tc, test_irq_rx_and_thre);
	tcase_add_test(tc, test_loopback_and_msr);
	tcase_add_test(tc, test_overrun_in_loopback);
	tcase_add_test(tc, test_hostile_sizes);
	suite_add_tcase(s, tc);
	return s;
}
