/* The user-access primitives under kernel/mm/uaccess.c (uaccess.S): they
 * trust the range they are given, which the callers have checked. */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <pallas/types.h>

/* Set once on the BSP by cpu_protect_init: the STAC/CLAC windows are needed. */
extern bool smap_enabled;

size_t uaccess_copy(void *dst, const void *src, size_t n); /* bytes not copied */
size_t uaccess_clear(void *dst, size_t n);		   /* bytes not cleared */
/* The string's length if its NUL is in the first n bytes, n if not, -EFAULT. */
long uaccess_strncpy(char *dst, const char *src, long n);
/* One atomic compare-and-exchange of a 32-bit word: 0 (the word found in
 * *cur) or -EFAULT. */
long uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur);

#endif
