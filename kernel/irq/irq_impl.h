/* Set-up steps irq.c runs in order; each lives with the hardware it sets up. */
#ifndef KERNEL_IRQ_IMPL_H
#define KERNEL_IRQ_IMPL_H

void irq_vectors_init(void); /* vectors.c: the vector allocator */
void ioapic_init(void);	     /* ioapic.c: every pin masked */

#endif
