/* IOAPIC level-triggered interrupts and remote IRR, with a real level
 * source: COM1's THRE interrupt on ISA IRQ 4, which holds the line high
 * until the driver reads IIR.  A level interrupt sets remote IRR when the
 * LAPIC accepts it and TMR in the LAPIC (until an edge interrupt of the
 * vector is accepted); the LAPIC's EOI clears remote IRR, and a line still
 * high then delivers again.  A masked pin delivers nothing
 * and a pin unmasked while its line is high delivers at once.  The same
 * line on an edge pin delivers once.  Nothing is printed while the line is
 * in use: a byte written to THR would raise THRE again. */
#include "lib/guest.h"

const char guest_name[] = "ioapic_level";

#define IOAPIC_BASE 0xfec00000u
#define IOREGSEL    0x00
#define IOWIN	    0x10
#define PIN	    4 /* COM1 */
#define VECTOR	    0x40

#define RTE_DELIVS (1u << 12)
#define RTE_REMOTE (1u << 14)
#define RTE_LEVEL  (1u << 15)
#define RTE_MASK   (1u << 16)

#define COM1	 0x3f8
#define IER	 1
#define IIR	 2
#define MCR	 4
#define IER_THRE 0x02
#define IIR_THRE 0x02
#define MCR_OUT2 0x08

#define LAPIC_ISR 0x100
#define LAPIC_TMR 0x180
#define LAPIC_IRR 0x200

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC_BASE + IOREGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOWIN);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE + IOREGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOWIN, v);
}

static uint32_t rte(void)
{
	return ioapic_read(0x10 + 2 * PIN);
}

static void set_rte(uint32_t lo)
{
	ioapic_write(0x11 + 2 * PIN, lapic_id() << 24);
	ioapic_write(0x10 + 2 * PIN, lo);
}

static bool lapic_bit(uint32_t base, unsigned vector)
{
	return lapic_read(base + (vector / 32) * 0x10) & (1u << (vector % 32));
}

/* What the handler saw; results are printed once the line is quiet. */
static volatile unsigned deliveries;
static unsigned ack_on; /* the delivery that reads IIR and drops the line */
static uint32_t rte_in_handler[8];
static bool isr_in_handler[8], tmr_in_handler[8];

static void on_irq(struct trap_frame *f)
{
	(void)f;
	unsigned n = deliveries;
	if (n < 8) {
		rte_in_handler[n] = rte();
		isr_in_handler[n] = lapic_bit(LAPIC_ISR, VECTOR);
		tmr_in_handler[n] = lapic_bit(LAPIC_TMR, VECTOR);
	}
	deliveries = n + 1;
	if (n + 1 == ack_on)
		(void)inb(COM1 + IIR); /* acknowledges THRE: the line falls */
	lapic_eoi();
}

static void raise_line(void)
{
	outb(COM1 + IER, 0);
	outb(COM1 + IER, IER_THRE); /* THR is empty: THRE at once */
}

static void quiet_line(void)
{
	outb(COM1 + IER, 0);
	(void)inb(COM1 + IIR);
}

/* Interrupts on for a while, so whatever is due is delivered. */
static void let_run(void)
{
	sti();
	for (int i = 0; i < 20000; i++)
		asm volatile("pause");
	cli();
}

/* A level interrupt the handler leaves asserted twice: three deliveries,
 * each with remote IRR, ISR and TMR set; none after the line fell. */
static void check_redelivery(void)
{
	deliveries = 0;
	ack_on = 3;
	set_rte(RTE_LEVEL | RTE_MASK | VECTOR);
	raise_line();
	uint32_t masked = rte();
	set_rte(RTE_LEVEL | VECTOR); /* IF is clear: accepted into IRR only */
	bool irr = lapic_bit(LAPIC_IRR, VECTOR), tmr = lapic_bit(LAPIC_TMR, VECTOR);
	uint32_t pending = rte();
	let_run();
	uint32_t after = rte();
	quiet_line();

	CHECK(!(masked & RTE_REMOTE), "remote IRR 0x%x on a masked pin", masked);
	CHECK(irr && tmr, "level vector in IRR %d TMR %d after unmasking", irr, tmr);
	CHECK(pending & RTE_REMOTE, "remote IRR clear while the LAPIC holds it: 0x%x", pending);
	CHECK(deliveries == 3, "%u deliveries, wanted 3 (the line held for two EOIs)", deliveries);
	for (unsigned i = 0; i < 3; i++) {
		CHECK(rte_in_handler[i] & RTE_REMOTE, "delivery %u: remote IRR clear", i);
		CHECK(isr_in_handler[i] && tmr_in_handler[i], "delivery %u: ISR %d TMR %d", i,
		      isr_in_handler[i], tmr_in_handler[i]);
	}
	CHECK(!(after & (RTE_REMOTE | RTE_DELIVS)), "RTE 0x%x after the last EOI", after);
	/* TMR stays set until an edge interrupt of the vector is accepted. */
	CHECK(lapic_bit(LAPIC_TMR, VECTOR), "TMR cleared by EOI");
	printf("level: 3 deliveries, remote IRR set in each and clear after\n");
}

/* Masked while high: nothing; unmasked: delivered at once, before the
 * next instruction once IF is set. */
static void check_mask(void)
{
	deliveries = 0;
	ack_on = 1;
	set_rte(RTE_LEVEL | RTE_MASK | VECTOR);
	raise_line();
	let_run();
	unsigned while_masked = deliveries;
	uint32_t masked = rte();
	set_rte(RTE_LEVEL | VECTOR);
	sti();
	asm volatile("nop");
	unsigned at_once = deliveries;
	cli();
	let_run();
	unsigned total = deliveries;
	quiet_line();

	CHECK(while_masked == 0, "%u deliveries from a masked pin", while_masked);
	CHECK(!(masked & RTE_REMOTE), "remote IRR 0x%x on a masked pin", masked);
	CHECK(at_once == 1, "unmasked with the line high: %u deliveries by the next instruction",
	      at_once);
	CHECK(total == 1, "%u deliveries after the handler dropped the line", total);
	printf("mask: nothing while masked, delivered on unmasking\n");
}

/* The same held line on an edge pin: one delivery, TMR clear, and no remote
 * IRR, however long the line stays high. */
static void check_edge(void)
{
	deliveries = 0;
	ack_on = 0; /* never drops the line */
	set_rte(RTE_MASK | VECTOR);
	quiet_line();
	set_rte(VECTOR);
	raise_line();
	let_run();
	let_run();
	unsigned n = deliveries;
	uint32_t after = rte();
	quiet_line();

	CHECK(n == 1, "%u deliveries from one edge", n);
	CHECK(!tmr_in_handler[0], "TMR set for an edge interrupt");
	CHECK(!(rte_in_handler[0] & RTE_REMOTE) && !(after & RTE_REMOTE),
	      "remote IRR on an edge pin: 0x%x, 0x%x", rte_in_handler[0], after);
	printf("edge: one delivery for a held line\n");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init(); /* everything masked there: the IOAPIC alone delivers */
	lapic_enable();
	trap_set_handler(VECTOR, on_irq);
	uint32_t ver = ioapic_read(0x01);
	printf("IOAPIC version 0x%x, %u pins\n", ver & 0xff, ((ver >> 16) & 0xff) + 1);
	CHECK(((ver >> 16) & 0xff) >= PIN, "IOAPIC too small");
	outb(COM1 + MCR, inb(COM1 + MCR) | MCR_OUT2);
	cli();

	check_redelivery();
	check_mask();
	check_edge();
	set_rte(RTE_MASK | VECTOR);
	outb(COM1 + MCR, inb(COM1 + MCR) & ~MCR_OUT2);
}
