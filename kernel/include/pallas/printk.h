/*
 * Kernel log.  Every message goes into a ring buffer and, when its level is at
 * or above the console level (cmdline `loglevel=`), to the consoles.
 */
#ifndef PALLAS_PRINTK_H
#define PALLAS_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

__attribute__((format(printf, 2, 3))) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* kernel/lib/printf.c: C99 semantics for the subset the kernel uses. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#endif
