/* Symbols, backtraces and the panic path (kernel/debug/). */
#ifndef PALLAS_DEBUG_H
#define PALLAS_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

/* Name of the function containing addr, or NULL; *offset is addr's offset into it. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Print "  <addr> <symbol+off>" lines walking frame pointers from rbp. */
void backtrace_print(uint64_t rip, uint64_t rbp);

enum panic_action {
	PANIC_HALT,	/* default: leave the report on screen */
	PANIC_POWEROFF, /* `panic=poweroff`: tests and unattended runs */
};
void panic_set_action(enum panic_action a);

struct trap_frame;
__attribute__((noreturn)) void panic_trap(const struct trap_frame *f);

#endif
