/*
 * The IDT: every vector points at its stub in trap_entry.S.  NMI, #DF and #MC
 * switch to their IST stacks, because they can arrive when the current stack
 * is unusable.
 */
#include <asm/segment.h>
#include <stdint.h>

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3      0x60 /* INT3 and INTO from ring 3 raise #BP/#OF, not #GP */
#define STUB_SIZE      16

extern const char trap_stubs[];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(int vec, uint8_t ist, uint8_t dpl)
{
	uint64_t addr = (uint64_t)trap_stubs + (uint64_t)vec * STUB_SIZE;

	idt[vec] = (struct idt_gate){
	    .offset_lo = addr & 0xffff,
	    .selector = GDT_KERNEL_CODE,
	    .ist = ist,
	    .type_attr = GATE_INTERRUPT | dpl,
	    .offset_mid = (addr >> 16) & 0xffff,
	    .offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(2, IST_NMI, 0);
	set_gate(3, 0, GATE_DPL3);
	set_gate(4, 0, GATE_DPL3);
	set_gate(8, IST_DF, 0);
	set_gate(18, IST_MC, 0);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("lidt %0" ::"m"(idtr));
}
