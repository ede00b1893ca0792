/*
 * A 16550A UART.  Transmit is instantaneous (each THR byte goes straight to
 * the VM's console), so LSR always shows THR empty and TEMT, and a guest
 * that polls LSR before each byte never waits.  Receive comes from a small
 * FIFO the host fills with vuart_input().
 *
 * Simplifications, chosen because no driver we know depends on them:
 *  - the FIFO trigger level and the character timeout are not modelled: the
 *    "data available" interrupt is raised as soon as one byte is waiting;
 *  - the divisor latch is stored and read back but sets no baud rate.
 * The IRQ line follows the PC wiring: it is driven only when MCR.OUT2 is set
 * (and never in loopback), as drivers enable interrupts through OUT2.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define UART_NPORTS 8
#define UART_RXFIFO 64

/* Register offsets. */
enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_RDA	 0x01 /* received data available */
#define IER_THRE 0x02 /* transmitter holding register empty */
#define IER_RLS	 0x04 /* receiver line status */
#define IER_MS	 0x08 /* modem status */

#define IIR_NONE 0x01
#define IIR_MS	 0x00
#define IIR_THRE 0x02
#define IIR_RDA	 0x04
#define IIR_RLS	 0x06
#define IIR_FIFO 0xc0 /* FIFOs enabled */

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR	 0x01
#define LSR_OE	 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DELTA 0x0f
#define MSR_CTS	  0x10
#define MSR_DSR	  0x20
#define MSR_RI	  0x40
#define MSR_DCD	  0x80

struct vuart {
	struct vm *vm;
	uint16_t base;
	unsigned irq;
	bool irq_level;

	uint8_t dll, dlm, ier, lcr, mcr, scr;
	bool fifo_enabled;
	bool overrun;	   /* LSR.OE until LSR is read */
	bool thre_pending; /* the THRE interrupt, until IIR reports it or THR is written */
	uint8_t msr_delta; /* MSR bits 0-3, until MSR is read */
	uint8_t msr_lines; /* the last modem lines seen, for the deltas */

	uint8_t rx[UART_RXFIFO];
	unsigned rx_head, rx_count;
};

/* The modem status lines: looped back from MCR, else a connected terminal. */
static uint8_t modem_lines(const struct vuart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	uint8_t m = 0;
	if (u->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

/* Records delta bits for line changes (RI counts only on its falling edge). */
static void update_modem(struct vuart *u)
{
	uint8_t now = modem_lines(u), changed = now ^ u->msr_lines;

	if (changed & MSR_CTS)
		u->msr_delta |= 0x01;
	if (changed & MSR_DSR)
		u->msr_delta |= 0x02;
	if ((changed & MSR_RI) && !(now & MSR_RI))
		u->msr_delta |= 0x04;
	if (changed & MSR_DCD)
		u->msr_delta |= 0x08;
	u->msr_lines = now;
}

/* The highest-priority pending interrupt, as IIR bits 0-3. */
static uint8_t pending_iir(const struct vuart *u)
{
	if ((u->ier & IER_RLS) && u->overrun)
		return IIR_RLS;
	if ((u->ier & IER_RDA) && u->rx_count)
		return IIR_RDA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_MS) && u->msr_delta)
		return IIR_MS;
	return IIR_NONE;
}

static void update_irq(struct vuart *u)
{
	bool level = pending_iir(u) != IIR_NONE && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);

	if (level != u->irq_level) {
		u->irq_level = level;
		vm_irq_line(u->vm, u->irq, level);
	}
}

static bool rx_push(struct vuart *u, uint8_t c)
{
	if (u->rx_count == UART_RXFIFO) {
		u->overrun = true;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_RXFIFO] = c;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct vuart *u)
{
	if (!u->rx_count)
		return 0;
	uint8_t c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RXFIFO;
	u->rx_count--;
	return c;
}

static uint8_t uart_read(void *dev, unsigned off)
{
	struct vuart *u = dev;
	uint8_t v = 0;

	switch (off) {
	case RBR_THR:
		v = (u->lcr & LCR_DLAB) ? u->dll : rx_pop(u);
		break;
	case IER:
		v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case IIR_FCR:
		v = pending_iir(u);
		/* Reading IIR is what acknowledges a THRE interrupt. */
		if (v == IIR_THRE)
			u->thre_pending = false;
		if (u->fifo_enabled)
			v |= IIR_FIFO;
		break;
	case LCR:
		v = u->lcr;
		break;
	case MCR:
		v = u->mcr;
		break;
	case LSR:
		v = LSR_THRE | LSR_TEMT;
		if (u->rx_count)
			v |= LSR_DR;
		if (u->overrun)
			v |= LSR_OE;
		u->overrun = false;
		break;
	case MSR:
		update_modem(u);
		v = u->msr_lines | u->msr_delta;
		u->msr_delta = 0;
		break;
	case SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

static void uart_write(void *dev, unsigned off, uint8_t v)
{
	struct vuart *u = dev;

	switch (off) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
		} else if (u->mcr & MCR_LOOP) {
			rx_push(u, v);
			u->thre_pending = true;
		} else {
			char c = (char)v;
			vm_console_write(u->vm, &c, 1);
			/* Sent at once: THR is empty again, which is an interrupt. */
			u->thre_pending = true;
		}
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling THRE while THR is empty interrupts at once. */
			if ((v & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case IIR_FCR:
		u->fifo_enabled = v & FCR_ENABLE;
		/* Changing the FIFO mode empties it, as does an explicit clear. */
		if ((v & FCR_CLEAR_RX) || !u->fifo_enabled)
			u->rx_head = u->rx_count = 0;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		u->mcr = v & 0x1f;
		update_modem(u);
		break;
	case LSR:
	case MSR:
		break; /* read-only here (factory test registers on real parts) */
	case SCR:
		u->scr = v;
		break;
	}
	update_irq(u);
}

static void uart_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vuart *u = dev;
	vdev_pio_bytes(u, u->base, UART_NPORTS, port, size, write, val, uart_read, uart_write);
}

size_t vuart_input(struct vuart *u, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t n = 0;

	/* The host side never overruns: what does not fit is left to the caller. */
	while (n < len && u->rx_count < UART_RXFIFO)
		rx_push(u, p[n++]);
	update_irq(u);
	return n;
}

struct vuart *vuart_create(struct vm *vm, uint16_t base, unsigned irq)
{
	struct vuart *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->vm = vm;
	u->base = base;
	u->irq = irq;
	u->lcr = 0x03; /* 8N1, as firmware leaves it */
	u->msr_lines = modem_lines(u);
	if (!vm_pio_register(vm, base, UART_NPORTS, uart_pio, u)) {
		kfree(u);
		return NULL;
	}
	return u;
}

void vuart_destroy(struct vuart *u)
{
	kfree(u);
}
