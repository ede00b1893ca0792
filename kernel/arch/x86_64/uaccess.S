/*
 * The instructions that touch user memory, each listed in the exception
 * table, so a missing or read-only page ends the access instead of the
 * kernel.  A REP MOVSB/STOSB that faults leaves RCX at the bytes it did not
 * move, which is what the callers return.  With SMAP, STAC opens the window
 * for exactly these instructions and CLAC closes it on every way out.
 */
#include <asm/extable.h>

.macro user_open
	testb $1, smap_enabled(%rip)
	jz 99f
	stac
99:
.endm

.macro user_close
	testb $1, smap_enabled(%rip)
	jz 99f
	clac
99:
.endm

	.text
/* size_t uaccess_copy(void *dst, const void *src, size_t n) */
	.globl uaccess_copy
uaccess_copy:
	movq %rdx, %rcx
	user_open
1:	rep movsb
2:	user_close
	movq %rcx, %rax
	ret
	EXTABLE(1b, 2b)

/* size_t uaccess_clear(void *dst, size_t n) */
	.globl uaccess_clear
uaccess_clear:
	movq %rsi, %rcx
	xorl %eax, %eax
	user_open
1:	rep stosb
2:	user_close
	movq %rcx, %rax
	ret
	EXTABLE(1b, 2b)

/* long uaccess_strncpy(char *dst, const char *src, long n) */
	.globl uaccess_strncpy
uaccess_strncpy:
	xorl %eax, %eax
	user_open
1:	cmpq %rdx, %rax
	jae 3f
2:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 3f
	incq %rax
	jmp 1b
3:	user_close
	ret
4:	movq $-14, %rax		/* -EFAULT */
	jmp 3b
	EXTABLE(2b, 4b)

/* long uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new,
 *			  uint32_t *cur): one LOCK CMPXCHG; the word found in
 * *cur, 0, or -EFAULT (nothing there, or not writable). */
	.globl uaccess_cmpxchg32
uaccess_cmpxchg32:
	movl %esi, %eax
	user_open
1:	lock cmpxchgl %edx, (%rdi)
	user_close
	movl %eax, (%rcx)
	xorl %eax, %eax
	ret
2:	user_close
	movq $-14, %rax		/* -EFAULT */
	ret
	EXTABLE(1b, 2b)
