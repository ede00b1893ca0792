/*
 * What kernel code under test calls that the host provides differently:
 * panic aborts (suites test it with tcase_add_test_raise_signal(SIGABRT)),
 * printk goes to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pallas/kernel.h>

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("panic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void vprintk(int level, const char *fmt, va_list ap)
{
	(void)level;
	vfprintf(stderr, fmt, ap);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
