/*
 * Consoles: where log lines go (serial, framebuffer).  A console's write must
 * work with interrupts off and from panic context: no locks, no allocation.
 */
#ifndef PALLAS_CONSOLE_H
#define PALLAS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	struct console *next;
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);
/* The same, for a NUL-terminated string; usable where printk is not. */
void console_write_raw(const char *s);

/* drivers/uart/uart16550.c: COM1 as the early console; false when absent. */
bool uart_console_init(void);

/* drivers/fb/fbcon.c: false when there is no usable framebuffer. */
struct boot_framebuffer;
bool fbcon_init(const struct boot_framebuffer *fb);

#endif
