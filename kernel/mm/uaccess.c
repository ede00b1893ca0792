/*
 * copy_from_user and friends (pallas/uaccess.h): the range check here, the
 * faulting access in kernel/arch/x86_64/uaccess.S.  A range that reaches
 * past USER_TOP is refused whole, before anything is touched, so a program
 * cannot make the kernel read or write kernel memory on its behalf.
 */
#include <asm/uaccess.h>
#include <pallas/errno.h>
#include <pallas/uaccess.h>

size_t copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok((uintptr_t)usrc, n))
		return n;
	return uaccess_copy(dst, usrc, n);
}

size_t copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok((uintptr_t)udst, n))
		return n;
	return uaccess_copy(udst, src, n);
}

size_t clear_user(void *udst, size_t n)
{
	if (!user_range_ok((uintptr_t)udst, n))
		return n;
	return uaccess_clear(udst, n);
}

long strncpy_from_user(char *dst, const char *usrc, long n)
{
	uintptr_t u = (uintptr_t)usrc;

	if (n <= 0)
		return 0;
	if (u >= USER_TOP)
		return -EFAULT;
	/* Read no further than user space goes; a string still running at its
	 * end has no NUL a program could have meant. */
	long room = (long)(USER_TOP - u) < n ? (long)(USER_TOP - u) : n;
	long len = uaccess_strncpy(dst, usrc, room);
	if (len == room && room < n)
		return -EFAULT;
	return len;
}

int cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur)
{
	if ((uintptr_t)uaddr % 4)
		return -EINVAL;
	if (!user_range_ok((uintptr_t)uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return (int)uaccess_cmpxchg32(uaddr, old, new, cur);
}
