/*
 * Where an application processor starts: real mode at the page the SIPI
 * names.  The code is copied to a page below 1 MiB and patched there (the
 * GDT base, the far-jump targets, CR3 and the 64-bit entry), because real
 * and protected mode can only jump to absolute addresses.  CR3 holds a page
 * table below 4 GiB that identity-maps the first 2 MiB (this page) and shares
 * the kernel's upper half, so the jump into the kernel works; the kernel side
 * then switches to the kernel's own page tables.
 */
#define TR(x)	       ((x) - smp_trampoline_start)
#define MSR_EFER       0xc0000080
#define EFER_LME_NXE   ((1 << 8) | (1 << 11))
#define CR4_PAE	       (1 << 5)
#define CR0_PG_WP      0x80010000

	.section .rodata
	.balign 16
	.globl smp_trampoline_start, smp_trampoline_end
	.globl smp_tr_gdtr_base, smp_tr_far32, smp_tr_far64, smp_tr_cr3, smp_tr_entry
	.globl smp_tr_gdt, smp_tr_prot, smp_tr_long
	.code16
smp_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx			/* %ebx: this page's physical address */
	lgdtl TR(smp_tr_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *TR(smp_tr_far32)

	.code32
smp_tr_prot:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl TR(smp_tr_cr3)(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME_NXE, %eax		/* NXE: the kernel's tables use NX bits */
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG_WP, %eax
	movl %eax, %cr0
	ljmpl *TR(smp_tr_far64)(%ebx)

	.code64
smp_tr_long:
	movl %ebx, %ebx			/* upper halves are undefined after the switch */
	movq TR(smp_tr_entry)(%rbx), %rax
	jmp *%rax

	.balign 8
smp_tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
smp_tr_gdtr:
	.word smp_tr_gdtr - smp_tr_gdt - 1
smp_tr_gdtr_base:
	.long 0
	.balign 4
smp_tr_far32:
	.long 0
	.word 0x08
	.balign 4
smp_tr_far64:
	.long 0
	.word 0x18
	.balign 8
smp_tr_cr3:
	.quad 0
smp_tr_entry:
	.quad 0
smp_trampoline_end:

/* In the kernel proper, reached through the trampoline's identity map. */
	.text
	.globl smp_ap_entry64
smp_ap_entry64:
	movq smp_ap_cr3(%rip), %rax
	movq %rax, %cr3
	movq smp_ap_stack(%rip), %rsp
	xorl %ebp, %ebp			/* ends backtraces here */
	movl smp_ap_id(%rip), %edi
	call ap_main
1:	cli
	hlt
	jmp 1b
