/*
 * A 24-pin IOAPIC, version 0x11 (no EOI register: level interrupts end by
 * the local APICs' EOI broadcast, vioapic_eoi).  IOREGSEL is at offset 0 and
 * IOWIN at 0x10 of its 4 KiB page; the rest of the page reads 0.
 *
 * Inputs are logical levels from the core: the polarity bit is kept for the
 * guest to read back, but "asserted" is what the core says, whatever it is.
 * A level pin delivers while asserted and unmasked, once per remote-IRR
 * cycle; an edge pin delivers on each rising edge, and an edge that arrives
 * while masked is held and delivered on unmask (as QEMU does).  Delivery is
 * immediate, so the delivery-status bit always reads 0.  Entries are passed
 * to the core's deliver callback as written, without checking the vector or
 * mode: rejecting illegal vectors is the local APIC's job.
 *
 * deliver is called once the entries have been read and updated, so the core
 * may call back into vioapic_eoi from the local APIC.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <vmm/dev.h>

#define IOAPIC_SIZE   0x1000
#define IOREGSEL      0x00
#define IOWIN	      0x10
#define IOAPIC_ID     0x00
#define IOAPIC_VER    0x01
#define IOAPIC_ARB    0x02
#define IOAPIC_REDIR  0x10
#define IOAPIC_VER_ID 0x11

#define RTE_VECTOR     0xffull
#define RTE_MODE       (7ull << 8)
#define RTE_LOGICAL    (1ull << 11)
#define RTE_STATUS     (1ull << 12)
#define RTE_REMOTE     (1ull << 14)
#define RTE_LEVEL      (1ull << 15)
#define RTE_MASKED     (1ull << 16)
#define RTE_RO	       (RTE_STATUS | RTE_REMOTE)
#define RTE_DEST_SHIFT 56

struct vioapic {
	struct vm *vm;
	uint64_t base;
	vioapic_deliver_fn deliver;
	void *ctx;
	uint8_t regsel;
	uint8_t id;
	uint64_t rte[VIOAPIC_PINS];
	uint32_t lines; /* input levels */
	uint32_t irr;	/* requests not yet delivered (level: the line itself) */
};

/* Interrupts decided first and sent after: deliver may re-enter the IOAPIC. */
struct delivery {
	unsigned n;
	uint64_t rte[VIOAPIC_PINS];
};

static void service(struct vioapic *io, unsigned pin, struct delivery *out)
{
	uint64_t *e = &io->rte[pin];
	uint32_t bit = 1u << pin;

	if ((*e & RTE_MASKED) || !(io->irr & bit))
		return;
	if (*e & RTE_LEVEL) {
		if (*e & RTE_REMOTE)
			return; /* the last one is not EOI'd yet */
		*e |= RTE_REMOTE;
	} else {
		io->irr &= ~bit;
	}
	out->rte[out->n++] = *e;
}

static void send(struct vioapic *io, const struct delivery *d)
{
	for (unsigned i = 0; i < d->n; i++) {
		uint64_t e = d->rte[i];
		io->deliver(io->ctx, (uint32_t)(e >> RTE_DEST_SHIFT), e & RTE_LOGICAL,
			    (uint8_t)((e & RTE_MODE) >> 8), (uint8_t)(e & RTE_VECTOR),
			    e & RTE_LEVEL);
	}
}

static uint32_t read_reg(const struct vioapic *io, uint8_t idx)
{
	switch (idx) {
	case IOAPIC_ID:
	case IOAPIC_ARB:
		return (uint32_t)io->id << 24;
	case IOAPIC_VER:
		return (VIOAPIC_PINS - 1) << 16 | IOAPIC_VER_ID;
	default:
		break;
	}
	if (idx < IOAPIC_REDIR || idx >= IOAPIC_REDIR + 2 * VIOAPIC_PINS)
		return 0;
	uint64_t e = io->rte[(idx - IOAPIC_REDIR) / 2];
	return (idx & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
}

static void write_reg(struct vioapic *io, uint8_t idx, uint32_t v, struct delivery *out)
{
	if (idx == IOAPIC_ID) {
		io->id = (v >> 24) & 0x0f;
		return;
	}
	if (idx < IOAPIC_REDIR || idx >= IOAPIC_REDIR + 2 * VIOAPIC_PINS)
		return; /* VER, ARB and the rest are read-only or absent */
	unsigned pin = (idx - IOAPIC_REDIR) / 2;
	uint64_t *e = &io->rte[pin];
	if (idx & 1) {
		*e = (*e & 0xffffffffull) | (uint64_t)v << 32;
		return;
	}
	uint64_t lo = ((uint64_t)v & ~RTE_RO) | (*e & RTE_RO);
	/* An entry switched to edge has no EOI to wait for. */
	if (!(lo & RTE_LEVEL))
		lo &= ~RTE_REMOTE;
	*e = (*e & ~0xffffffffull) | lo;
	/* An edge pin's request is its latch; a level pin's is its line. */
	if (lo & RTE_LEVEL)
		io->irr = (io->irr & ~(1u << pin)) | (io->lines & (1u << pin));
	service(io, pin, out);
}

static void ioapic_mmio(void *dev, uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	struct vioapic *io = dev;
	struct delivery d = {0};
	uint64_t off = addr - io->base; /* below base wraps high: matches nothing */
	unsigned n = (size == 1 || size == 2 || size == 4) ? size : 8;

	if (write) {
		if (off == IOREGSEL)
			io->regsel = (uint8_t)*val;
		else if (off == IOWIN && n >= 4)
			write_reg(io, io->regsel, (uint32_t)*val, &d);
	} else {
		uint64_t v = 0;
		for (unsigned i = 0; i < n; i++) {
			uint64_t o = off + i;
			uint32_t reg = 0;
			if (o < 4)
				reg = io->regsel;
			else if (o >= IOWIN && o < IOWIN + 4)
				reg = read_reg(io, io->regsel);
			v |= (uint64_t)(uint8_t)(reg >> (8 * (o & 3))) << (8 * i);
		}
		*val = v;
	}
	send(io, &d);
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	struct delivery d = {0};

	if (pin >= VIOAPIC_PINS)
		return;
	uint32_t bit = 1u << pin;
	if (io->rte[pin] & RTE_LEVEL) {
		if (level)
			io->irr |= bit;
		else
			io->irr &= ~bit;
	} else if (level && !(io->lines & bit)) {
		io->irr |= bit;
	}
	io->lines = level ? io->lines | bit : io->lines & ~bit;
	service(io, pin, &d);
	send(io, &d);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	struct delivery d = {0};

	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t *e = &io->rte[pin];
		if ((*e & RTE_VECTOR) != vector || !(*e & RTE_LEVEL) || !(*e & RTE_REMOTE))
			continue;
		*e &= ~RTE_REMOTE;
		/* Still asserted: it interrupts again. */
		service(io, pin, &d);
	}
	send(io, &d);
}

struct vioapic *vioapic_create(struct vm *vm, uint64_t base, vioapic_deliver_fn deliver, void *ctx)
{
	if (!deliver)
		return NULL;
	struct vioapic *io = kzalloc(sizeof(*io));
	if (!io)
		return NULL;
	io->vm = vm;
	io->base = base;
	io->deliver = deliver;
	io->ctx = ctx;
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
	if (!vm_mmio_register(vm, base, IOAPIC_SIZE, ioapic_mmio, io)) {
		kfree(io);
		return NULL;
	}
	return io;
}

void vioapic_destroy(struct vioapic *io)
{
	kfree(io);
}
