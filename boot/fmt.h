/*
 * A small snprintf for the loader.  The loader runs without a C library and
 * the parsers that share this code run on the host too, so both sides get the
 * same formatting: %s %.*s %c %d %u %x %%, the length modifiers l, ll and z,
 * and a field width with an optional 0 flag.
 */
#ifndef BOOT_FMT_H
#define BOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like snprintf: always NUL-terminates when size > 0; returns the length the
 * whole output would have had. */
size_t bsnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t bvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
