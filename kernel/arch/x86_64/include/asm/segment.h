/* GDT layout.  The order of the user selectors is fixed by SYSCALL/SYSRET (STAR). */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE32 0x18
#define GDT_USER_DATA	0x20
#define GDT_USER_CODE	0x28
#define GDT_TSS		0x30 /* 16 bytes */
#define GDT_ENTRIES	8

/* IST slots in the TSS (1-based, as the IDT gate encodes them). */
#define IST_NMI	       1
#define IST_DF	       2
#define IST_MC	       3
#define IST_STACK_SIZE 16384

#ifndef __ASSEMBLY__
#include <stdint.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* What each CPU needs of its own: a GDT (the TSS descriptor differs), a TSS, IST stacks. */
struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
	uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
};

void cpu_tables_init(struct cpu_tables *t);
void cpu_tables_load(struct cpu_tables *t);
void idt_init(void);
void idt_load(void);
#endif

#endif
