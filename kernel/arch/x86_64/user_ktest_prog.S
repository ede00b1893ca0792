/*
 * The ring-3 program user_ktest.c copies into a user page: position
 * independent, it talks to the test only through SYSCALL.  RDI at entry
 * picks how it ends (MODE_* in user_ktest.c); RBX points at a writable
 * page that is not mapped in yet.
 */
	.section .rodata
	.globl user_ktest_prog, user_ktest_prog_end
user_ktest_prog:
	movq %rdi, %r15
	/* Echo: the result comes back in RAX, callee registers survive. */
	movl $1, %eax
	movl $41, %edi
	movl $7, %r12d
	movl $9, %r13d
	syscall
	movq %rax, %rdi
	movq %r12, %rsi
	movq %r13, %rdx
	movl $2, %eax
	syscall
	/* FS base, as the test set it. */
	movq %fs:0, %rdi
	movl $3, %eax
	syscall
	/* A write to a page mapped on demand from ring 3. */
	movq $0x55, (%rbx)
	movq (%rbx), %rdi
	movl $4, %eax
	syscall
	cmpq $1, %r15
	je 1f
	cmpq $2, %r15
	je 2f
	cmpq $3, %r15
	je 3f
	cmpq $4, %r15
	je 4f
	cmpq $5, %r15
	je 5f
	cmpq $6, %r15
	je 6f
	cmpq $7, %r15
	je 7f
0:	movl $60, %eax		/* exit */
	syscall
	ud2
1:	ud2
2:	hlt			/* privileged: #GP */
3:	int3
4:	movabsq $0xffffffff80000000, %rax
	movq (%rax), %rax	/* kernel memory: #PF */
5:	movq 0x1000(%rbx), %rax	/* past the data mapping: #PF */
6:	movabsq $0xffffffff80000000, %rax
	jmp *%rax		/* fetch from the kernel: #PF */
7:	movl $20000000, %ecx	/* long enough for timer interrupts in ring 3 */
8:	decl %ecx
	jnz 8b
	jmp 0b
user_ktest_prog_end:
