/*
 * The kernel's only way to touch user memory (kernel/mm/uaccess.c and
 * kernel/arch/x86_64/uaccess.S).  A user address is whatever a program
 * passed: each call checks that the whole range lies below USER_TOP, and a
 * page that is not there (or not writable) ends the copy through an
 * exception-table fixup instead of a kernel fault.  With SMAP on, these are
 * also the only places the kernel may touch user pages at all.
 */
#ifndef PALLAS_UACCESS_H
#define PALLAS_UACCESS_H

#include <pallas/types.h>

/* One guard page below the non-canonical hole, as Linux has it: a user
 * mapping never ends at the last canonical address, so a SYSRET never
 * returns to a non-canonical RIP. */
#define USER_TOP 0x00007ffffffff000ull

/* Whether [uaddr, uaddr + len) lies wholly below USER_TOP (len 0: uaddr <= USER_TOP). */
static inline bool user_range_ok(uintptr_t uaddr, size_t len)
{
	return uaddr <= USER_TOP && len <= USER_TOP - uaddr;
}

/* These return how many bytes were NOT copied: 0 is success, n means none
 * (a range outside user space copies nothing). */
size_t copy_from_user(void *dst, const void *usrc, size_t n);
size_t copy_to_user(void *udst, const void *src, size_t n);
size_t clear_user(void *udst, size_t n);

/* Copies a NUL-terminated string of at most n bytes with its NUL: returns its
 * length, n when there is no NUL in the first n bytes (dst is then not
 * terminated), or -EFAULT. */
long strncpy_from_user(char *dst, const char *usrc, long n);

/* Atomically replaces the aligned user word at uaddr with new if it holds
 * old (futexes): 0 with the word it held in *cur (equal to old when it was
 * replaced), or -EFAULT (outside user space, not mapped, or not writable;
 * -EINVAL when misaligned). */
int cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur);

#endif
