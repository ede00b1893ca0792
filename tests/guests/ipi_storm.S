/* The waiting loop of ipi_storm.c, in assembly: the guests are built with
 * -mgeneral-regs-only, and the loop must hold its patterns in registers C
 * does not let it name. */
	.text
	.code32
	.globl storm_wait

/* int storm_wait(volatile unsigned *p, unsigned want, uint32_t seed, uint32_t max):
 * spins until *p >= want with EBX = seed, ESI = seed + 1, EDI = seed + 2,
 * EBP = ~seed and XMM0/1/2/7 = seed, 2 seed, 3 seed, 4 seed in every lane,
 * checking them on each of at most max iterations.  0: reached, 1: a
 * pattern changed, 2: max iterations without it. */
storm_wait:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov 20(%esp), %edx		/* p */
	mov 32(%esp), %ecx		/* max */
	mov 28(%esp), %ebx		/* seed */
	movd %ebx, %xmm0
	pshufd $0, %xmm0, %xmm0
	movdqa %xmm0, %xmm1
	paddd %xmm0, %xmm1
	movdqa %xmm1, %xmm2
	paddd %xmm0, %xmm2
	movdqa %xmm2, %xmm7
	paddd %xmm0, %xmm7
	lea 1(%ebx), %esi
	lea 2(%ebx), %edi
	mov %ebx, %ebp
	not %ebp
1:	mov 24(%esp), %eax		/* want */
	cmp %eax, (%edx)
	jae 3f
	lea 1(%ebx), %eax
	cmp %eax, %esi
	jne 2f
	lea 2(%ebx), %eax
	cmp %eax, %edi
	jne 2f
	mov %ebp, %eax
	not %eax
	cmp %eax, %ebx
	jne 2f
	movd %xmm0, %eax
	cmp %eax, %ebx
	jne 2f
	movdqa %xmm0, %xmm3		/* xmm1 == 2 xmm0 */
	paddd %xmm0, %xmm3
	pcmpeqd %xmm1, %xmm3
	movdqa %xmm7, %xmm4		/* xmm7 - xmm2 == xmm0 */
	psubd %xmm2, %xmm4
	pcmpeqd %xmm0, %xmm4
	pand %xmm4, %xmm3
	movdqa %xmm2, %xmm4		/* xmm2 - xmm1 == xmm0 */
	psubd %xmm1, %xmm4
	pcmpeqd %xmm0, %xmm4
	pand %xmm4, %xmm3
	pmovmskb %xmm3, %eax
	cmp $0xffff, %eax
	jne 2f
	dec %ecx
	jnz 1b
	mov $2, %eax
	jmp 4f
2:	mov $1, %eax
	jmp 4f
3:	xor %eax, %eax
4:	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
