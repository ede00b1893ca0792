/* The jump into the kernel (handoff.S). */
#ifndef BOOT_HANDOFF_H
#define BOOT_HANDOFF_H

#include <stdint.h>

/*
 * Interrupts off, CR3 = cr3, RSP = stack_top, RDI = arg, jump to entry.
 * Must be called from identity-mapped code, after ExitBootServices.
 */
__attribute__((noreturn)) void handoff(uint64_t cr3, uint64_t stack_top, uint64_t arg,
				       uint64_t entry);

#endif
