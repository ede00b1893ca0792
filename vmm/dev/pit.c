/*
 * The i8254 programmable interval timer at 0x40-0x43, and the bits of
 * port 0x61 that belong to it (channel 2's gate, the speaker enable, OUT2,
 * and the refresh toggle old delay loops poll).
 *
 * Nothing ticks: each channel remembers when its count was loaded, and its
 * counter and OUT are computed from clock_ns() at 1.193182 MHz whenever the
 * guest looks.  Channel 0's OUT drives IRQ 0; the core asks when its next
 * rising edge is (vpit_next_event_ns), arms a host timer event for then, and
 * calls vpit_tick, which pulses GSI 0.
 *
 * Modes 0-5 count; BCD counting is not modelled (the bit is kept and shown
 * in the status byte, the count is binary).  The gate, as the 8254 datasheet
 * has it: in modes 0 and 4 a low gate suspends counting and a high one
 * resumes it where it stopped; modes 1 and 5 count only once a rising gate
 * after the count triggers them, whatever the gate does afterwards, and each
 * rising edge retriggers; in modes 2 and 3 a low gate holds the count with
 * OUT high and a rising one reloads it.  Channel 0's gate is tied high, so
 * modes 1 and 5 never start there.  A new count takes effect at once, not at
 * the end of the current period.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/time.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define PIT_BASE    0x40
#define PIT_NPORTS  4
#define PORT_B	    0x61
#define PIT_CONTROL 3

/* Periodic IRQs come no closer than this, however small the count: a count
 * of 2 would otherwise ask the host for a timer event every 1.7 us.  Linux
 * at HZ=1000 wants 1 ms; faster periods coalesce. */
#define PIT_MIN_PERIOD_NS (100 * NSEC_PER_USEC)

/* Port 0x61 bits. */
#define PB_GATE2   0x01
#define PB_SPEAKER 0x02
#define PB_RW_MASK 0x0f /* gate, speaker, parity and IOCHK check enables */
#define PB_REFRESH 0x10
#define PB_OUT2	   0x20

#define REFRESH_NS 15085 /* the DRAM refresh cycle bit 4 toggles at */

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_LOHI = 3 };

struct pit_channel {
	uint32_t count;	  /* the reload value, 1..0x10000 */
	uint64_t load_ns; /* when counting (re)started */
	uint64_t held;	  /* ticks counted before the gate fell (not modes 1, 5) */
	bool armed;	  /* a count was written after the control word */
	bool triggered;	  /* modes 1 and 5: a rising gate since the count */
	bool gate;
	bool null_count; /* status bit 6: the count is not loaded yet */
	uint8_t mode, rw, bcd;
	bool write_hi; /* LOHI: the next write is the high byte */
	uint8_t write_lo;
	bool read_hi;	  /* LOHI: the next read is the high byte */
	unsigned latched; /* latched count bytes still to read */
	uint16_t latch;
	bool status_latched;
	uint8_t status;
};

struct vpit {
	struct vm *vm;
	struct pit_channel ch[3];
	uint8_t port_b; /* the writable bits of port 0x61 */
	bool irq_pending;
	uint64_t next_ns; /* channel 0's next edge, when irq_pending */
	bool changed;	  /* channel 0 was reprogrammed: tell the core */
	void (*reprogram)(void *ctx);
	void *ctx;
};

static uint64_t ns_to_ticks(uint64_t ns)
{
	/* Split so neither product overflows: (ns % 1e9) * F < 2^51. */
	return (ns / NSEC_PER_SEC) * VPIT_HZ + (ns % NSEC_PER_SEC) * VPIT_HZ / NSEC_PER_SEC;
}

/* The first nanosecond at which tick t has happened; saturates. */
static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t secs = t / VPIT_HZ;
	if (secs >= UINT64_MAX / NSEC_PER_SEC)
		return UINT64_MAX;
	return secs * NSEC_PER_SEC + ((t % VPIT_HZ) * NSEC_PER_SEC + VPIT_HZ - 1) / VPIT_HZ;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static bool one_shot(const struct pit_channel *c)
{
	return c->mode == 1 || c->mode == 5;
}

static bool suspends(const struct pit_channel *c)
{
	return c->mode == 0 || c->mode == 4;
}

/* Ticks counted since the load (since the trigger in modes 1 and 5, the last
 * rising gate in 2 and 3), none while the gate is low, except in modes 1 and
 * 5, which count on whatever the gate does. */
static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
	uint64_t run = 0;

	if (!c->armed)
		return 0;
	if (one_shot(c))
		return c->triggered && now > c->load_ns ? ns_to_ticks(now - c->load_ns) : 0;
	if (c->gate && now > c->load_ns)
		run = ns_to_ticks(now - c->load_ns);
	return c->held + run;
}

static uint16_t counter(const struct pit_channel *c, uint64_t now)
{
	uint64_t d = elapsed(c, now);

	if (!c->armed)
		return (uint16_t)c->count;
	switch (c->mode) {
	case 2:
		return (uint16_t)(c->count - d % c->count);
	case 3:
		return (uint16_t)((c->count - (2 * d) % c->count) & 0xfffe);
	default: /* 0, 1, 4, 5: down to 0, then on around from 0xffff */
		return (uint16_t)(c->count - d);
	}
}

static bool out(const struct pit_channel *c, uint64_t now)
{
	uint64_t d = elapsed(c, now);

	if (!c->armed)
		return c->mode != 0; /* mode 0 drives OUT low from the control word */
	if (one_shot(c) && !c->triggered)
		return true; /* armed, waiting for the gate */
	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true; /* a low gate forces OUT high */
	switch (c->mode) {
	case 0:
	case 1:
		return d >= c->count;
	case 2: /* low for the one tick the counter shows 1 */
		return c->count < 2 || d % c->count != c->count - 1;
	case 3:
		return d % c->count < (c->count + 1) / 2;
	default: /* 4, 5: a one-tick strobe at terminal count */
		return d != c->count;
	}
}

/* Channel 0's next rising OUT edge after tick d, in ticks since the load;
 * 0 when there is none. */
static uint64_t next_edge(const struct pit_channel *c, uint64_t d)
{
	if (one_shot(c) && !c->triggered)
		return 0;
	switch (c->mode) {
	case 0:
	case 1:
		return d < c->count ? c->count : 0;
	case 2:
	case 3:
		return (d / c->count + 1) * c->count;
	default:
		return d < c->count + 1 ? c->count + 1 : 0;
	}
}

/* Recomputes channel 0's next event from tick d on. */
static void schedule(struct vpit *p, uint64_t d, uint64_t not_before)
{
	struct pit_channel *c = &p->ch[0];
	uint64_t t = c->armed ? next_edge(c, d) : 0;

	p->irq_pending = t != 0;
	if (p->irq_pending) {
		p->next_ns = add_sat(c->load_ns, ticks_to_ns(t));
		if (p->next_ns < not_before)
			p->next_ns = not_before;
	}
}

static void load(struct vpit *p, unsigned idx, uint16_t value, uint64_t now)
{
	struct pit_channel *c = &p->ch[idx];

	c->count = value ? value : 0x10000;
	/* In modes 1 and 5 a count written while armed waits for the trigger; a
	 * one-shot already running takes the new count at once (see above). */
	if (!(one_shot(c) && c->armed && c->triggered)) {
		c->load_ns = now;
		c->triggered = false;
	}
	c->held = 0;
	c->armed = true;
	c->null_count = false;
	if (idx == 0) {
		schedule(p, 0, 0);
		p->changed = true;
	}
}

static uint8_t status_byte(const struct pit_channel *c, uint64_t now)
{
	return (uint8_t)((out(c, now) << 7) | (c->null_count << 6) | (c->rw << 4) | (c->mode << 1) |
			 c->bcd);
}

static void latch_count(struct pit_channel *c, uint64_t now)
{
	if (c->latched)
		return; /* a second latch before the reads is ignored */
	c->latch = counter(c, now);
	c->latched = c->rw == RW_LOHI ? 2 : 1;
}

static void control(struct vpit *p, uint8_t v, uint64_t now)
{
	unsigned sel = v >> 6;

	if (sel == 3) { /* read-back: bits 1-3 pick channels */
		for (unsigned i = 0; i < 3; i++) {
			struct pit_channel *c = &p->ch[i];
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20))
				latch_count(c, now);
			if (!(v & 0x10) && !c->status_latched) {
				c->status = status_byte(c, now);
				c->status_latched = true;
			}
		}
		return;
	}
	struct pit_channel *c = &p->ch[sel];
	unsigned rw = (v >> 4) & 3;
	if (rw == RW_LATCH) {
		latch_count(c, now);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (v >> 1) & 7;
	if (c->mode >= 6)
		c->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
	c->bcd = v & 1;
	c->armed = false;
	c->triggered = false;
	c->held = 0;
	c->null_count = true;
	c->write_hi = c->read_hi = false;
	c->latched = 0;
	c->status_latched = false;
	if (sel == 0) {
		p->irq_pending = false;
		p->changed = true;
	}
}

static void write_count(struct vpit *p, unsigned idx, uint8_t v, uint64_t now)
{
	struct pit_channel *c = &p->ch[idx];

	switch (c->rw) {
	case RW_LSB:
		load(p, idx, v, now);
		break;
	case RW_MSB:
		load(p, idx, (uint16_t)(v << 8), now);
		break;
	case RW_LOHI:
		if (!c->write_hi) {
			c->write_lo = v;
			c->write_hi = true;
			/* In mode 0 the first byte stops the count (and drops OUT). */
			if (c->mode == 0)
				c->armed = false;
		} else {
			c->write_hi = false;
			load(p, idx, (uint16_t)(c->write_lo | v << 8), now);
		}
		break;
	default:
		break; /* no control word yet */
	}
}

static uint8_t read_count(struct pit_channel *c, uint64_t now)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		bool hi = c->rw == RW_MSB || (c->rw == RW_LOHI && c->latched == 1);
		c->latched--;
		return hi ? (uint8_t)(c->latch >> 8) : (uint8_t)c->latch;
	}
	uint16_t n = counter(c, now);
	bool hi = c->rw == RW_MSB;
	if (c->rw == RW_LOHI) {
		hi = c->read_hi;
		c->read_hi = !c->read_hi;
	}
	return hi ? (uint8_t)(n >> 8) : (uint8_t)n;
}

static uint8_t pit_read(void *dev, unsigned off)
{
	struct vpit *p = dev;

	if (off == PIT_CONTROL)
		return 0xff; /* the control word is write-only */
	return read_count(&p->ch[off], clock_ns());
}

static void pit_write(void *dev, unsigned off, uint8_t v)
{
	struct vpit *p = dev;

	if (off == PIT_CONTROL)
		control(p, v, clock_ns());
	else
		write_count(p, off, v, clock_ns());
}

static void set_gate2(struct vpit *p, bool gate, uint64_t now)
{
	struct pit_channel *c = &p->ch[2];

	if (gate == c->gate)
		return;
	if (!gate) {
		if (!one_shot(c) && c->armed && now > c->load_ns)
			c->held += ns_to_ticks(now - c->load_ns);
	} else {
		c->load_ns = now;
		if (one_shot(c) && c->armed)
			c->triggered = true;
		if (!suspends(c))
			c->held = 0; /* 2 and 3 reload */
	}
	c->gate = gate;
}

static uint8_t port_b_read(void *dev, unsigned off)
{
	struct vpit *p = dev;
	uint64_t now = clock_ns();
	uint8_t v = p->port_b;

	if ((now / REFRESH_NS) & 1)
		v |= PB_REFRESH;
	if (out(&p->ch[2], now))
		v |= PB_OUT2;
	return v;
}

static void port_b_write(void *dev, unsigned off, uint8_t v)
{
	struct vpit *p = dev;

	p->port_b = v & PB_RW_MASK;
	set_gate2(p, v & PB_GATE2, clock_ns());
}

/* Runs the accessor, then tells the core if channel 0 changed. */
static void pit_access(struct vpit *p, uint16_t base, unsigned count, uint16_t port, unsigned size,
		       bool write, uint32_t *val, vdev_byte_read_fn rd, vdev_byte_write_fn wr)
{
	vdev_pio_bytes(p, base, count, port, size, write, val, rd, wr);
	bool changed = p->changed;
	p->changed = false;
	if (changed && p->reprogram)
		p->reprogram(p->ctx);
}

static void pit_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	pit_access(dev, PIT_BASE, PIT_NPORTS, port, size, write, val, pit_read, pit_write);
}

static void port_b_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	pit_access(dev, PORT_B, 1, port, size, write, val, port_b_read, port_b_write);
}

uint64_t vpit_next_event_ns(struct vpit *p)
{
	uint64_t t = p->irq_pending ? p->next_ns : UINT64_MAX;
	return t;
}

void vpit_tick(struct vpit *p, uint64_t now_ns)
{

	if (p->irq_pending && now_ns >= p->next_ns) {
		vm_irq_pulse(p->vm, 0);
		schedule(p, elapsed(&p->ch[0], now_ns), add_sat(now_ns, PIT_MIN_PERIOD_NS));
	}
}

struct vpit *vpit_create(struct vm *vm, void (*reprogram)(void *ctx), void *ctx)
{
	struct vpit *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->vm = vm;
	p->reprogram = reprogram;
	p->ctx = ctx;
	for (unsigned i = 0; i < 3; i++) {
		p->ch[i].count = 0x10000;
		p->ch[i].gate = i != 2; /* channel 2's gate is port 0x61 bit 0 */
	}
	if (!vm_pio_register(vm, PIT_BASE, PIT_NPORTS, pit_pio, p)) {
		kfree(p);
		return NULL;
	}
	/* Past the first window p is on the bus: leaked if the second fails. */
	if (!vm_pio_register(vm, PORT_B, 1, port_b_pio, p))
		return NULL;
	return p;
}

void vpit_destroy(struct vpit *p)
{
	kfree(p);
}
