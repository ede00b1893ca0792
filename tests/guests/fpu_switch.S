/* The vector registers as memory, for fpu_switch.c: the guests are built
 * with -mgeneral-regs-only, so C cannot name them. */
	.text
	.code32
	.globl xmm_put, xmm_get, mxcsr_put, mxcsr_get, fcw_put, fcw_get

/* void xmm_put(const uint32_t v[32]): XMM0-7 from v. */
xmm_put:
	mov 4(%esp), %eax
	movdqu 0(%eax), %xmm0
	movdqu 16(%eax), %xmm1
	movdqu 32(%eax), %xmm2
	movdqu 48(%eax), %xmm3
	movdqu 64(%eax), %xmm4
	movdqu 80(%eax), %xmm5
	movdqu 96(%eax), %xmm6
	movdqu 112(%eax), %xmm7
	ret

/* void xmm_get(uint32_t v[32]): XMM0-7 into v. */
xmm_get:
	mov 4(%esp), %eax
	movdqu %xmm0, 0(%eax)
	movdqu %xmm1, 16(%eax)
	movdqu %xmm2, 32(%eax)
	movdqu %xmm3, 48(%eax)
	movdqu %xmm4, 64(%eax)
	movdqu %xmm5, 80(%eax)
	movdqu %xmm6, 96(%eax)
	movdqu %xmm7, 112(%eax)
	ret

/* void mxcsr_put(uint32_t), uint32_t mxcsr_get(void) */
mxcsr_put:
	ldmxcsr 4(%esp)
	ret
mxcsr_get:
	sub $4, %esp
	stmxcsr (%esp)
	pop %eax
	ret

/* void fcw_put(uint32_t), uint32_t fcw_get(void): the x87 control word */
fcw_put:
	fldcw 4(%esp)
	ret
fcw_get:
	sub $4, %esp
	movl $0, (%esp)
	fnstcw (%esp)
	pop %eax
	ret
