/*
 * The legacy 8259 pair.  Its lines are routed through the IOAPIC instead, but
 * it must be told where its vectors go before it is masked: a spurious IRQ 7
 * or 15 can still arrive, and at the reset vectors 8..15 it would look like a
 * CPU exception.  So it is remapped onto 0x20..0x2f, which are never handed out.
 */
#include <asm/io.h>
#include <pallas/irq.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, VEC_PIC_BASE);
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 4); /* slave on IRQ2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1); /* 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
