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
	/* Log text: a console that needs CR before LF (serial) adds it. */
	void (*write)(struct console *con, const char *s, size_t n);
	/* A terminal's output, already processed by the tty (OPOST): sent as
	 * is.  NULL: write serves (a console that adds nothing). */
	void (*emit)(struct console *con, const char *s, size_t n);
	struct console *next;
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);
/* The same, for a NUL-terminated string; usable where printk is not. */
void console_write_raw(const char *s);
/* The tty's output to every console, through emit (or write). */
void console_emit(const char *s, size_t n);

/* drivers/uart/uart16550.c: COM1 as the early console; false when absent. */
bool uart_console_init(void);
/* The same port's receive interrupt (ISA IRQ 4), whose bytes go to
 * tty_input; once interrupts and the scheduler run.  False without one. */
bool uart_input_init(void);

/* drivers/fb/fbcon.c: false when there is no usable framebuffer. */
struct boot_framebuffer;
bool fbcon_init(const struct boot_framebuffer *fb);

#endif
