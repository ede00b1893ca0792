/* The PIC, PIT, local APIC and fw_cfg as the guests use them. */
#include "guest.h"

void pic_init(void)
{
	/* ICW1..ICW4: edge-triggered, cascaded, vectors 0x20 and 0x28 so IRQs
	 * do not collide with CPU exceptions. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, PIC_BASE_VECTOR);
	outb(0xa1, PIC_BASE_VECTOR + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void pic_unmask(unsigned irq)
{
	uint16_t port = irq < 8 ? 0x21 : 0xa1;
	outb(port, inb(port) & ~(1u << (irq & 7)));
	if (irq >= 8)
		outb(0x21, inb(0x21) & ~(1u << 2)); /* the cascade */
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

void pit_periodic(unsigned hz)
{
	uint32_t div = 1193182 / hz;
	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
}

void lapic_enable(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
	while (lapic_read(LAPIC_ICR_LO) & (1u << 12)) /* delivery pending */
		pause();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	while (lapic_read(LAPIC_ICR_LO) & (1u << 12))
		pause();
}

void fw_cfg_read(uint16_t key, void *buf, size_t len)
{
	uint8_t *p = buf;
	outw(FW_CFG_PORT_SEL, key);
	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

bool fw_cfg_present(void)
{
	char sig[4];
	fw_cfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	return memcmp(sig, "QEMU", 4) == 0;
}

bool under_qemu_tcg(void)
{
	uint32_t r[4];

	cpuid(0x40000000, 0, r);
	return r[1] == 0x54474354 && r[2] == 0x43544743 && r[3] == 0x47435447;
}

void sse_enable(void)
{
	uint32_t cr0, cr4;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1u << 2)) | (1u << 1); /* EM off, MP on */
	asm volatile("mov %0, %%cr0" ::"r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1u << 9) | (1u << 10); /* OSFXSR, OSXMMEXCPT */
	asm volatile("mov %0, %%cr4" ::"r"(cr4));
	asm volatile("fninit");
}

bool cpuid_bit(uint32_t leaf, int reg, unsigned bit)
{
	uint32_t r[4], m[4];
	cpuid(leaf & 0x80000000, 0, m);
	if (m[0] < leaf)
		return false;
	cpuid(leaf, 0, r);
	return r[reg] & (1u << bit);
}

void paging_enable(uint32_t *pd)
{
	uint32_t cr0, cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 4))); /* PSE */
	asm volatile("mov %0, %%cr3" ::"r"(pd) : "memory");
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" ::"r"(cr0 | (1u << 31)) : "memory"); /* PG */
}
