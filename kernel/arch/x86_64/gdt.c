/*
 * GDT and TSS.  Long mode ignores most of a segment descriptor; what matters
 * is the L bit for code, DPL, and the TSS, whose IST stacks give NMI, #DF and
 * #MC a known-good stack even when the current one is what broke.
 */
#include <asm/segment.h>
#include <pallas/string.h>

#define SEG_P	      (1ull << 47)
#define SEG_S	      (1ull << 44) /* code/data, not system */
#define SEG_EXEC      (1ull << 43)
#define SEG_RW	      (1ull << 41)
#define SEG_L	      (1ull << 53)
#define SEG_DB	      (1ull << 54)
#define SEG_G	      (1ull << 55)
#define SEG_DPL3      (3ull << 45)
#define SEG_LIMIT_MAX (0xfull << 48 | 0xffffull)

static uint64_t tss_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffffull) | ((base & 0xffffffull) << 16) | (0x9ull << 40) /* avail TSS */
	       | SEG_P | ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
}

void cpu_tables_init(struct cpu_tables *t)
{
	memset(t, 0, sizeof(*t));
	t->gdt[GDT_KERNEL_CODE / 8] = SEG_P | SEG_S | SEG_EXEC | SEG_RW | SEG_L;
	t->gdt[GDT_KERNEL_DATA / 8] = SEG_P | SEG_S | SEG_RW;
	t->gdt[GDT_USER_CODE32 / 8] =
	    SEG_P | SEG_S | SEG_EXEC | SEG_RW | SEG_DPL3 | SEG_DB | SEG_G | SEG_LIMIT_MAX;
	t->gdt[GDT_USER_DATA / 8] =
	    SEG_P | SEG_S | SEG_RW | SEG_DPL3 | SEG_DB | SEG_G | SEG_LIMIT_MAX;
	t->gdt[GDT_USER_CODE / 8] = SEG_P | SEG_S | SEG_EXEC | SEG_RW | SEG_DPL3 | SEG_L;

	uint64_t base = (uint64_t)&t->tss;
	t->gdt[GDT_TSS / 8] = tss_low(base, sizeof(t->tss) - 1);
	t->gdt[GDT_TSS / 8 + 1] = base >> 32;

	for (int i = 0; i < 3; i++)
		t->tss.ist[i] = (uint64_t)&t->ist_stacks[i][IST_STACK_SIZE];
	t->tss.iomap_base = sizeof(t->tss); /* no I/O bitmap: ring 3 gets no ports */
}

/* GS is left alone: its base already points at this CPU's struct cpu. */
void cpu_tables_load(struct cpu_tables *t)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(t->gdt) - 1, (uint64_t)t->gdt};

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %%eax, %%fs\n\t"
			 /* Reload CS with a far return. */
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:"
			 :
			 : "m"(gdtr), "r"((uint64_t)GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}
