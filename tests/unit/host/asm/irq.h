/* Host stand-in for asm/irq.h: unit tests run in user mode, where cli faults. */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

static inline unsigned long irq_save(void)
{
	return 0;
}

static inline void irq_restore(unsigned long flags)
{
	(void)flags;
}

#endif
