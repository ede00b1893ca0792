/*
 * The i8259A pair of a PC: the master at 0x20/0x21 with the slave cascaded on
 * its IRQ2, the slave at 0xa0/0xa1, and the ELCR (edge/level control, as on
 * PIIX and ICH) at 0x4d0/0x4d1.  The core feeds input lines with
 * vpic_set_irq and runs INTA cycles with vpic_ack.
 *
 * Not modelled: special mask mode, special fully nested mode, the
 * ICW1.LTIM bit (triggering comes from the ELCR, as on every PC chipset),
 * and buffered mode.  The cascade input is treated as a level: master IRQ2
 * is requested while the slave's output is high, whatever the ELCR says, so
 * a second slave request made while the first is in service is not lost.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define PIC_MASTER 0x20
#define PIC_SLAVE  0xa0
#define PIC_ELCR   0x4d0
#define CASCADE	   2

struct i8259 {
	uint8_t irr, isr, imr;
	uint8_t lines;	   /* input levels, for edge detection */
	uint8_t elcr;	   /* 1 = level-triggered */
	uint8_t elcr_mask; /* which ELCR bits exist */
	uint8_t base;	   /* vector base (ICW2) */
	uint8_t lowest;	   /* priority rotation: the IRQ with the lowest priority + 1 */
	uint8_t init_step; /* 0: running; 1-3: expecting ICW2-ICW4 */
	bool icw4_needed, single;
	bool auto_eoi, rotate_auto_eoi;
	bool read_isr; /* OCW3: the command port reads ISR, else IRR */
	bool poll;     /* OCW3: the next command-port read is a poll */
};

struct vpic {
	struct vm *vm;
	struct i8259 chip[2]; /* master, slave */
};

/* Priority order 0..7 of the highest set bit in mask, counting from the
 * rotation point; 8 when mask is empty. */
static unsigned priority(const struct i8259 *c, uint8_t mask)
{
	if (!mask)
		return 8;
	unsigned p = 0;
	while (!(mask & (1u << ((p + c->lowest) & 7))))
		p++;
	return p;
}

/* The IRQ this chip would present now, or -1. */
static int chip_pending(const struct i8259 *c)
{
	unsigned req = priority(c, c->irr & ~c->imr);
	if (req == 8)
		return -1;
	/* Only a request of higher priority than everything in service interrupts. */
	if (req >= priority(c, c->isr))
		return -1;
	return (int)((req + c->lowest) & 7);
}

/* The slave's output is the master's cascade input. */
static void update_cascade(struct vpic *p)
{
	struct i8259 *m = &p->chip[0];
	if (chip_pending(&p->chip[1]) >= 0)
		m->irr |= 1u << CASCADE;
	else
		m->irr &= ~(1u << CASCADE);
}

static void chip_set_line(struct i8259 *c, unsigned irq, bool level)
{
	uint8_t bit = 1u << irq;

	if (c->elcr & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit; /* a rising edge */
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

/* INTA on one chip: in service unless auto-EOI; an edge request is consumed,
 * a level request stays as long as its line does. */
static void chip_ack(struct i8259 *c, int irq)
{
	uint8_t bit = 1u << irq;

	if (c->auto_eoi) {
		if (c->rotate_auto_eoi)
			c->lowest = (irq + 1) & 7;
	} else {
		c->isr |= bit;
	}
	if (!(c->elcr & bit))
		c->irr &= ~bit;
}

static void chip_init(struct i8259 *c, uint8_t icw1)
{
	/* Edge requests are forgotten; level ones are the lines as they stand. */
	c->irr &= c->elcr;
	c->isr = 0;
	c->imr = 0;
	c->lowest = 0;
	c->read_isr = false;
	c->poll = false;
	c->auto_eoi = false;
	c->rotate_auto_eoi = false;
	c->icw4_needed = icw1 & 0x01;
	c->single = icw1 & 0x02;
	c->init_step = 1;
}

static void chip_ocw2(struct i8259 *c, uint8_t v)
{
	unsigned cmd = v >> 5, irq;

	switch (cmd) {
	case 0: /* rotate in auto-EOI: clear */
	case 4: /* rotate in auto-EOI: set */
		c->rotate_auto_eoi = cmd == 4;
		break;
	case 1: /* non-specific EOI */
	case 5: /* ... and rotate */
		if (priority(c, c->isr) == 8)
			break;
		irq = (priority(c, c->isr) + c->lowest) & 7;
		c->isr &= ~(1u << irq);
		if (cmd == 5)
			c->lowest = (irq + 1) & 7;
		break;
	case 3: /* specific EOI */
	case 7: /* ... and rotate */
		irq = v & 7;
		c->isr &= ~(1u << irq);
		if (cmd == 7)
			c->lowest = (irq + 1) & 7;
		break;
	case 6: /* set priority: v & 7 becomes the lowest */
		c->lowest = (v + 1) & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void chip_write(struct i8259 *c, bool data, uint8_t v)
{
	if (!data) {
		if (v & 0x10) {
			chip_init(c, v);
		} else if (v & 0x08) { /* OCW3 */
			if (v & 0x04)
				c->poll = true;
			if (v & 0x02)
				c->read_isr = v & 0x01;
		} else {
			chip_ocw2(c, v);
		}
		return;
	}
	switch (c->init_step) {
	case 0: /* OCW1 */
		c->imr = v;
		break;
	case 1: /* ICW2 */
		c->base = v & 0xf8;
		c->init_step = !c->single ? 2 : c->icw4_needed ? 3 : 0;
		break;
	case 2: /* ICW3: the wiring is fixed, nothing to learn */
		c->init_step = c->icw4_needed ? 3 : 0;
		break;
	default: /* ICW4 */
		c->auto_eoi = v & 0x02;
		c->init_step = 0;
		break;
	}
}

/* A poll: the pending IRQ with bit 7 set, acknowledged, else 0. */
static uint8_t chip_poll(struct i8259 *c)
{
	int irq = chip_pending(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_ack(c, irq);
	return 0x80 | (uint8_t)irq;
}

static uint8_t chip_read(struct i8259 *c, bool data)
{
	if (c->poll)
		return chip_poll(c);
	if (data)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* Byte registers: offsets 0-1 master, 2-3 slave, 4-5 ELCR (see pic_pio). */
static uint8_t pic_read(void *dev, unsigned off)
{
	struct vpic *p = dev;
	uint8_t v;

	if (off >= 4)
		return p->chip[off - 4].elcr;
	v = chip_read(&p->chip[off / 2], off & 1);
	update_cascade(p);
	return v;
}

static void pic_write(void *dev, unsigned off, uint8_t v)
{
	struct vpic *p = dev;

	if (off >= 4) {
		struct i8259 *c = &p->chip[off - 4];
		c->elcr = v & c->elcr_mask;
		/* Switching a pin's mode re-reads its line. */
		for (unsigned irq = 0; irq < 8; irq++)
			chip_set_line(c, irq, c->lines & (1u << irq));
	} else {
		chip_write(&p->chip[off / 2], off & 1, v);
	}
	update_cascade(p);
}

static void pic_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vpic *p = dev;
	uint16_t base;
	unsigned first;

	/* Three 2-port windows share one register file: map each to its offsets. */
	if (port >= PIC_ELCR) {
		base = PIC_ELCR;
		first = 4;
	} else if (port >= PIC_SLAVE) {
		base = PIC_SLAVE;
		first = 2;
	} else {
		base = PIC_MASTER;
		first = 0;
	}
	vdev_pio_bytes(p, base - first, first + 2, port, size, write, val, pic_read, pic_write);
}

void vpic_set_irq(struct vpic *p, unsigned irq, bool level)
{
	if (irq >= 16 || irq == CASCADE)
		return; /* IRQ2 is the cascade; ISA IRQ2 is wired to IRQ9 */
	chip_set_line(&p->chip[irq / 8], irq & 7, level);
	update_cascade(p);
}

/* The vector INTA would give and, when ack, perform it. */
static int inta(struct vpic *p, bool ack)
{
	struct i8259 *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_pending(m);
	int vec;

	if (irq < 0)
		return ack ? m->base + 7 : -1; /* the request went away: spurious IRQ7 */
	if (irq == CASCADE) {
		int sirq = chip_pending(s);
		if (sirq < 0)
			sirq = 7; /* spurious IRQ15 */
		else if (ack)
			chip_ack(s, sirq);
		vec = s->base + sirq;
	} else {
		vec = m->base + irq;
	}
	if (ack) {
		chip_ack(m, irq);
		update_cascade(p);
	}
	return vec;
}

bool vpic_has_output(struct vpic *p)
{
	bool out = chip_pending(&p->chip[0]) >= 0;
	return out;
}

int vpic_pending_vector(struct vpic *p)
{
	int vec = inta(p, false);
	return vec;
}

int vpic_ack(struct vpic *p)
{
	int vec = inta(p, true);
	return vec;
}

struct vpic *vpic_create(struct vm *vm)
{
	struct vpic *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->vm = vm;
	/* IRQ0-2 and IRQ8, IRQ13 are edge-only on PIIX/ICH. */
	p->chip[0].elcr_mask = 0xf8;
	p->chip[1].elcr_mask = 0xde;
	if (!vm_pio_register(vm, PIC_MASTER, 2, pic_pio, p)) {
		kfree(p);
		return NULL;
	}
	/* Past the first window p is on the bus: a VM that fails here cannot
	 * run, so p is leaked rather than left dangling there. */
	if (!vm_pio_register(vm, PIC_SLAVE, 2, pic_pio, p) ||
	    !vm_pio_register(vm, PIC_ELCR, 2, pic_pio, p))
		return NULL;
	return p;
}

void vpic_destroy(struct vpic *p)
{
	kfree(p);
}
