/*
 * 16550 UART on COM1: a polled output console, and interrupt-driven input
 * for the console tty.  Output is polled because it must work before
 * interrupts exist and inside a panic.  We poll LSR before every byte and
 * program the line ourselves: Bochs drops characters otherwise, and real
 * firmware may leave any speed behind.
 */
#include <asm/io.h>
#include <pallas/console.h>
#include <pallas/irq.h>
#include <pallas/tty.h>

#define COM1 0x3f8

#define UART_DATA 0
#define UART_IER  1
#define UART_DLL  0
#define UART_DLM  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7

#define UART_IIR 2

#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define IER_RDA	 0x01 /* received data available */
#define IIR_NONE 0x01 /* no interrupt pending */
#define MCR_OUT2 0x08 /* gates the IRQ line on PCs */
#define COM1_IRQ 4
/* Bounded so a port that never empties cannot hold the CPU in its handler. */
#define RX_MAX	 1024
#define LCR_DLAB 0x80
#define LCR_8N1	 0x03

/* Bounded so a missing or wedged UART slows the log down, not the machine. */
#define THRE_SPINS 100000

static void uart_putc(char c)
{
	for (int i = 0; i < THRE_SPINS && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		__builtin_ia32_pause();
	outb(COM1 + UART_DATA, (uint8_t)c);
}

static void uart_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

/* The tty has done its output processing (ONLCR): no CR added here. */
static void uart_emit(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

static struct console uart_console = {.name = "serial", .write = uart_write, .emit = uart_emit};
static bool uart_ready;

static bool uart_present(void)
{
	outb(COM1 + UART_SCR, 0x5a);
	if (inb(COM1 + UART_SCR) != 0x5a)
		return false;
	outb(COM1 + UART_SCR, 0xa5);
	return inb(COM1 + UART_SCR) == 0xa5;
}

bool uart_console_init(void)
{
	if (!uart_present())
		return false;
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
	console_register(&uart_console);
	uart_ready = true;
	return true;
}

/* Empties the receive FIFO into the tty.  The ISA line is edge-triggered
 * at the IOAPIC, so the handler must leave nothing pending behind it. */
static void uart_irq(struct trap_frame *f, void *arg)
{
	char buf[16];
	size_t n = 0;

	for (unsigned i = 0; i < RX_MAX && (inb(COM1 + UART_LSR) & LSR_DR); i++) {
		buf[n++] = (char)inb(COM1 + UART_DATA);
		if (n == sizeof(buf)) {
			tty_input(buf, n);
			n = 0;
		}
	}
	if (n)
		tty_input(buf, n);
	(void)inb(COM1 + UART_IIR);
}

bool uart_input_init(void)
{
	if (!uart_ready)
		return false;
	int vec = irq_alloc_vector(uart_irq, NULL);
	if (vec < 0)
		return false;
	if (!irq_route_isa(COM1_IRQ, vec, 0)) {
		irq_free_vector(vec);
		return false;
	}
	while (inb(COM1 + UART_LSR) & LSR_DR) /* what came before anyone listened */
		(void)inb(COM1 + UART_DATA);
	outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RDA);
	(void)inb(COM1 + UART_IIR);
	return true;
}
