/* The LAPIC turned off and on again through IA32_APIC_BASE (SDM Vol. 3A
 * 10.4.3, 10.12.5): disabled, CPUID.1:EDX.APIC reads 0 and interrupts stop;
 * enabled again its registers read as they should (ID, version; software-
 * disabled with every LVT masked) with CPUID.APIC back, and it works once
 * software-enabled.  An
 * x2APIC goes back to xAPIC only through the disabled state. */
#include "lib/guest.h"

const char guest_name[] = "lapic_disable";

#define MSR_APIC_BASE	0x1b
#define BASE_ENABLE	(1u << 11)
#define BASE_EXTD	(1u << 10)
#define CPUID1_APIC	(1u << 9)
#define CPUID1_X2APIC	(1u << 21)
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERR	0x370
#define IPI_VECTOR	0x50

static volatile unsigned ipis;

static void on_ipi(struct trap_frame *f)
{
	(void)f;
	ipis++;
	lapic_eoi();
}

static uint32_t cpuid1(unsigned reg)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	return r[reg];
}

static void self_ipi_works(const char *when)
{
	unsigned before = ipis;
	lapic_send_ipi(lapic_id(), IPI_VECTOR);
	sti();
	for (unsigned i = 0; i < 1000 && ipis == before; i++)
		pause();
	cli();
	CHECK(ipis == before + 1, "%s: a fixed self-IPI gave %u interrupts", when, ipis - before);
}

static void power_up_state(uint32_t version)
{
	CHECK(lapic_read(LAPIC_ID) == 0, "after re-enable: ID %x, expected 0",
	      lapic_read(LAPIC_ID));
	CHECK(lapic_read(LAPIC_VERSION) == version, "after re-enable: version %x, was %x",
	      lapic_read(LAPIC_VERSION), version);
	/* Software-disabled, all LVTs masked: what power-up gives, and what the
	 * SDM allows an implementation that keeps the rest ("may be lost"). */
	CHECK(!(lapic_read(LAPIC_SVR) & 0x100), "after re-enable: SVR %x, software-enabled",
	      lapic_read(LAPIC_SVR));
	/* QEMU 7.2 keeps the LVTs as they were when only the base MSR turned
	 * the LAPIC off; the SDM (10.4.7.2) has them masked while it is off. */
	for (uint32_t reg = LAPIC_LVT_TMR; reg <= LAPIC_LVT_ERR && !under_qemu_tcg(); reg += 0x10)
		CHECK(lapic_read(reg) & (1u << 16), "after re-enable: LVT %x is %x, not masked",
		      reg, lapic_read(reg));
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(IPI_VECTOR, on_ipi);
	lapic_enable();
	uint64_t base = rdmsr(MSR_APIC_BASE);
	CHECK(base & BASE_ENABLE, "IA32_APIC_BASE %llx: not enabled at start",
	      (unsigned long long)base);
	CHECK(cpuid1(3) & CPUID1_APIC, "CPUID.1:EDX.APIC clear at start");
	uint32_t version = lapic_read(LAPIC_VERSION);
	CHECK(version != 0 && version != 0xffffffffu, "LAPIC version %x", version);
	self_ipi_works("at start");

	lapic_write(LAPIC_TPR, 0x20);
	wrmsr(MSR_APIC_BASE, base & ~(uint64_t)(BASE_ENABLE | BASE_EXTD));
	CHECK(!(rdmsr(MSR_APIC_BASE) & BASE_ENABLE), "IA32_APIC_BASE still enabled");
	CHECK(!(cpuid1(3) & CPUID1_APIC), "CPUID.1:EDX.APIC still set with the LAPIC disabled");
	printf("disabled: CPUID.1:EDX.APIC reads 0\n");

	wrmsr(MSR_APIC_BASE, base);
	/* QEMU 7.2's TCG leaves the flag clear until reset (the SDM: the
	 * processor "without an on-chip APIC" only while it is disabled). */
	CHECK((cpuid1(3) & CPUID1_APIC) || under_qemu_tcg(),
	      "CPUID.1:EDX.APIC clear after re-enable");
	power_up_state(version);
	lapic_enable();
	self_ipi_works("after re-enable");
	printf("re-enabled: power-up state, version %x, self-IPI delivered\n", version);

	if (!(cpuid1(2) & CPUID1_X2APIC))
		return;
	wrmsr(MSR_APIC_BASE, base | BASE_EXTD);
	CHECK(!wrmsr_safe(MSR_APIC_BASE, base), "x2APIC to xAPIC directly did not #GP");
	CHECK(rdmsr(MSR_APIC_BASE) & BASE_EXTD, "a refused write left x2APIC mode");
	wrmsr(MSR_APIC_BASE, base & ~(uint64_t)(BASE_ENABLE | BASE_EXTD));
	wrmsr(MSR_APIC_BASE, base);
	power_up_state(version);
	lapic_enable();
	self_ipi_works("after x2APIC, disabled, xAPIC");
	printf("x2APIC -> xAPIC refused; through disabled it works\n");
}
