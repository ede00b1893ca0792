/*
 * The flat segments both boot protocols start a kernel with.  One GDT serves
 * both: a 32-bit code segment for Multiboot, a 64-bit one at Linux's
 * __BOOT_CS (0x10) and a data segment at __BOOT_DS (0x18).  The descriptors
 * are written with their accessed bits set so the CPU never needs to write
 * them back, and the hidden parts in vcpu_sregs match them exactly.
 */
#include <pallas/string.h>
#include <vmm/vcpu.h>

#include "load.h"

/* Access rights in the VMX layout: type 3:0, S 4, DPL 6:5, P 7, L 13, D/B 14, G 15. */
#define AR_S	      (1u << 4)
#define AR_P	      (1u << 7)
#define AR_L	      (1u << 13)
#define AR_DB	      (1u << 14)
#define AR_G	      (1u << 15)
#define AR_UNUSABLE   (1u << 16)
#define TYPE_CODE_RXA 0xb /* execute/read, accessed */
#define TYPE_DATA_RWA 0x3 /* read/write, accessed */
#define TYPE_TSS_BUSY 0xb

/* A descriptor with base 0 and limit 4 GiB (0xfffff pages): the AR bits
 * above, less the unusable bit, sit at 40-55 of a GDT entry. */
static uint64_t flat_descriptor(uint32_t ar)
{
	return 0xffffULL | (0xfULL << 48) | ((uint64_t)(ar & 0xf0ff) << 40);
}

void load_gdt(uint64_t gdt[LOAD_GDT_ENTRIES])
{
	gdt[0] = 0;
	gdt[LOAD_SEL_CODE32 / 8] = flat_descriptor(TYPE_CODE_RXA | AR_S | AR_P | AR_DB | AR_G);
	gdt[LOAD_SEL_CODE64 / 8] = flat_descriptor(TYPE_CODE_RXA | AR_S | AR_P | AR_L | AR_G);
	gdt[LOAD_SEL_DATA / 8] = flat_descriptor(TYPE_DATA_RWA | AR_S | AR_P | AR_DB | AR_G);
}

static struct vcpu_segment flat(uint16_t sel, uint32_t ar)
{
	return (struct vcpu_segment){.base = 0, .limit = 0xffffffff, .selector = sel, .ar = ar};
}

void load_sregs_flat(struct vcpu_sregs *s, bool long64, uint64_t gdt_base)
{
	const uint32_t data = TYPE_DATA_RWA | AR_S | AR_P | AR_DB | AR_G;

	memset(s, 0, sizeof(*s));
	if (long64)
		s->cs = flat(LOAD_SEL_CODE64, TYPE_CODE_RXA | AR_S | AR_P | AR_L | AR_G);
	else
		s->cs = flat(LOAD_SEL_CODE32, TYPE_CODE_RXA | AR_S | AR_P | AR_DB | AR_G);
	s->ds = s->es = s->fs = s->gs = s->ss = flat(LOAD_SEL_DATA, data);
	/* VM entry wants a usable busy TSS even though the kernel loads its own. */
	s->tr = (struct vcpu_segment){.limit = 0x67, .ar = TYPE_TSS_BUSY | AR_P};
	s->ldtr = (struct vcpu_segment){.ar = AR_UNUSABLE};
	s->gdt_base = gdt_base;
	s->gdt_limit = LOAD_GDT_ENTRIES * 8 - 1;
	s->idt_base = 0;
	s->idt_limit = 0;
}
