/* Accepting the loader's struct boot_info (kernel/boot_info.c). */
#ifndef PALLAS_BOOT_H
#define PALLAS_BOOT_H

#include <pallas/boot_info.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Copies *src into *dst and checks the copy: magic, version, size, counts,
 * region order and overflow, string termination.  Unknown region types
 * become RESERVED.  Returns false with a reason in err when the kernel
 * cannot trust it.
 */
bool boot_info_accept(const struct boot_info *src, struct boot_info *dst, char *err, size_t errlen);

/* The accepted copy, valid after kmain has called boot_info_accept. */
extern struct boot_info boot_info;

#endif
