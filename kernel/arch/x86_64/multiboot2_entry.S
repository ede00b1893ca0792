/*
 * Multiboot2 entry: GRUB jumps here (see multiboot2_header.S) in 32-bit
 * protected mode, paging off, with EAX = the Multiboot2 magic and EBX = the
 * physical address of the boot information (MBI); ESP, the GDT and the IDT
 * are undefined.  We run at physical addresses while linked in the higher
 * half, so every absolute address below is symbol - KERNEL_VBASE until the
 * jump to 64-bit code.
 *
 * Early page tables, all RWX with 2 MiB pages, sharing four page directories:
 *   [0, 4 GiB) identity                  (this code, the MBI, the GDT)
 *   [0, 4 GiB) at DIRECT_MAP_BASE         (mb2_start extends it to all RAM)
 *   [0, 1 GiB) at KERNEL_VBASE            (the kernel image)
 * Then mb2_start (multiboot2_boot.c) builds the boot_info, and we enter the
 * kernel through _start exactly as the UEFI loader does.
 */
#include <asm/layout.h>
#include <asm/percpu_asm.h>

#define PHYS(x)		((x) - KERNEL_VBASE)
#define MB2_MAGIC	0x36d76289
#define COM1		0x3f8
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define EFLAGS_ID	(1 << 21)
#define CPUID_LM	(1 << 29) /* CPUID 0x80000001 EDX */
#define CPUID_NX	(1 << 20)
#define PG_TABLE	0x003 /* present, writable */
#define PG_LARGE	0x083 /* present, writable, 2 MiB */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10

	.code32
	.section .text.mb2_entry32, "ax"
	.globl mb2_entry32
mb2_entry32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	cmpl $MB2_MAGIC, %eax
	jne no_multiboot
	movl %ebx, %ebp			/* the MBI, kept until mb2_start */
	call check_cpu
	/*
	 * GRUB zeroes .bss when it loads the ELF, but the Multiboot2 spec does
	 * not promise it.  Inline: the stack lives in .bss too.
	 */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	call build_tables

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(mb2_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0			/* long mode, still in 32-bit compatibility code */
	lgdt PHYS(mb2_gdt_ptr)
	ljmp $SEL_CODE64, $PHYS(mb2_entry64)

/* Long mode and NX (the kernel's page tables rely on it), or a clear refusal. */
check_cpu:
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $EFLAGS_ID, %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx
	popfl
	cmpl %eax, %ecx
	je no_long_mode			/* EFLAGS.ID stuck: no CPUID at all */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $CPUID_LM, %edx
	jz no_long_mode
	testl $CPUID_NX, %edx
	jz no_nx
	ret

build_tables:
	/* 2048 2 MiB entries: the four page directories cover [0, 4 GiB). */
	movl $PHYS(mb2_pd), %edi
	movl $PG_LARGE, %eax
	movl $2048, %ecx
1:	movl %eax, (%edi)
	addl $(2 << 20), %eax
	addl $8, %edi
	loop 1b
	/* Both PDPTs of the low half and the direct map point at them. */
	movl $PHYS(mb2_pd) + PG_TABLE, %eax
	xorl %ecx, %ecx
2:	movl %eax, PHYS(mb2_pdpt_low)(, %ecx, 8)
	movl %eax, PHYS(mb2_pdpt_direct)(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 2b
	/* 0xffffffff80000000 is PML4 511, PDPT 510: the first GiB of memory. */
	movl $PHYS(mb2_pd) + PG_TABLE, PHYS(mb2_pdpt_kernel) + 510 * 8
	movl $PHYS(mb2_pdpt_low) + PG_TABLE, PHYS(mb2_pml4)
	movl $PHYS(mb2_pdpt_direct) + PG_TABLE, PHYS(mb2_pml4) + 256 * 8
	movl $PHYS(mb2_pdpt_kernel) + PG_TABLE, PHYS(mb2_pml4) + 511 * 8
	ret

no_multiboot:
	movl $PHYS(msg_magic), %esi
	jmp refuse32
no_long_mode:
	movl $PHYS(msg_long_mode), %esi
	jmp refuse32
no_nx:
	movl $PHYS(msg_nx), %esi
	/* fall through */

/* Print the string at %esi on COM1 and stop.  No console exists yet. */
refuse32:
	movw $COM1 + 3, %dx
	movb $0x80, %al			/* DLAB: 115200 baud, 8N1, as the kernel does */
	outb %al, %dx
	movw $COM1, %dx
	movb $1, %al
	outb %al, %dx
	incw %dx
	xorb %al, %al
	outb %al, %dx
	movw $COM1 + 3, %dx
	movb $0x03, %al
	outb %al, %dx
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %ah
	movw $COM1 + 5, %dx
2:	inb %dx, %al			/* Bochs drops bytes sent while THR is full */
	testb $0x20, %al
	jz 2b
	movw $COM1, %dx
	movb %ah, %al
	outb %al, %dx
	jmp 1b
3:	cli
	hlt
	jmp 3b

	.code64
mb2_entry64:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $mb2_high, %rax
	jmp *%rax
mb2_high:
	leaq boot_stack_top(%rip), %rsp
	movl %ebp, %edi			/* zero-extends: the MBI is below 4 GiB */
	xorl %ebp, %ebp			/* ends backtraces here */
	SET_BOOT_CPU_GS
	call mb2_start
	movq %rax, %rdi
	jmp _start

	.section .rodata
	.balign 8
mb2_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
mb2_gdt_end:
mb2_gdt_ptr:
	.short mb2_gdt_end - mb2_gdt - 1
	.long PHYS(mb2_gdt)

msg_magic:
	.asciz "pallas: cannot boot: not started by a Multiboot2 loader\r\n"
msg_long_mode:
	.asciz "pallas: cannot boot: this CPU has no 64-bit long mode\r\n"
msg_nx:
	.asciz "pallas: cannot boot: this CPU has no NX (execute-disable) bit\r\n"

	.section .bss
	.balign 4096
	.globl mb2_pml4
mb2_pml4:
	.skip 4096
mb2_pdpt_low:
	.skip 4096
mb2_pdpt_direct:
	.skip 4096
mb2_pdpt_kernel:
	.skip 4096
mb2_pd:
	.skip 4 * 4096
