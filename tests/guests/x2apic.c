/* The x2APIC: switching to it through IA32_APIC_BASE, its registers as MSRs
 * (ID, version, LDR, SVR, TPR/PPR, ISR, EOI), self-IPIs through SELF IPI and
 * the 64-bit ICR, the timer through MSRs, #GP on reserved MSRs, read-only
 * registers, reserved bits and illegal APIC_BASE transitions, and the way
 * back to xAPIC mode through the disabled state. */
#include "lib/guest.h"

const char guest_name[] = "x2apic";

#define MSR_APIC_BASE 0x1b
#define BASE_EXTD     (1ull << 10)
#define BASE_EN	      (1ull << 11)
#define X2_ID	      0x802
#define X2_VERSION    0x803
#define X2_TPR	      0x808
#define X2_APR	      0x809 /* no such register in x2APIC mode */
#define X2_PPR	      0x80a
#define X2_EOI	      0x80b
#define X2_LDR	      0x80d
#define X2_DFR	      0x80e /* xAPIC only */
#define X2_SVR	      0x80f
#define X2_ISR0	      0x810
#define X2_IRR0	      0x820
#define X2_ESR	      0x828
#define X2_ICR	      0x830
#define X2_ICR_HI     0x831 /* xAPIC only: ICR is one MSR */
#define X2_LVT_TIMER  0x832
#define X2_TMR_INIT   0x838
#define X2_TMR_CUR    0x839
#define X2_TMR_DIV    0x83e
#define X2_SELF_IPI   0x83f
#define IPI_VECTOR    0x50
#define TIMER_VECTOR  0x60

static volatile unsigned ipis, ticks;
static volatile bool in_service; /* ISR bit of the IPI seen by its handler */

static bool isr_has(unsigned vector)
{
	return rdmsr(X2_ISR0 + vector / 32) & (1u << (vector % 32));
}

static void on_ipi(struct trap_frame *f)
{
	(void)f;
	ipis++;
	in_service = isr_has(IPI_VECTOR);
	wrmsr(X2_EOI, 0);
}

static void on_timer(struct trap_frame *f)
{
	(void)f;
	ticks++;
	wrmsr(X2_EOI, 0);
}

static void on_spurious(struct trap_frame *f)
{
	(void)f;
}

static void expect_gp(const char *what, bool faulted)
{
	CHECK(faulted, "%s did not fault", what);
	CHECK(last_fixup_vector == 13, "%s raised vector %d, not #GP", what, last_fixup_vector);
	last_fixup_vector = -1;
	printf("%s: #GP\n", what);
}

/* Interrupts on for a moment: a pending one is taken here. */
static void window(void)
{
	asm volatile("sti; nop; nop; cli" ::: "memory");
}

static void switch_to_x2apic(uint32_t xapic_version)
{
	uint64_t base = rdmsr(MSR_APIC_BASE), v;

	CHECK((base & BASE_EN) && !(base & BASE_EXTD), "APIC_BASE %llx not in xAPIC mode", base);
	expect_gp("rdmsr x2APIC ID in xAPIC mode", !rdmsr_safe(X2_ID, &v));
	expect_gp("APIC_BASE EXTD without EN",
		  !wrmsr_safe(MSR_APIC_BASE, (base & ~BASE_EN) | BASE_EXTD));
	wrmsr(MSR_APIC_BASE, base | BASE_EXTD);
	CHECK(rdmsr(MSR_APIC_BASE) == (base | BASE_EXTD), "APIC_BASE %llx after enabling x2APIC",
	      rdmsr(MSR_APIC_BASE));
	uint32_t r[4];
	cpuid(1, 0, r);
	uint32_t id = (uint32_t)rdmsr(X2_ID);
	printf("x2APIC ID %u, version %llx\n", id, rdmsr(X2_VERSION));
	CHECK(id == r[1] >> 24, "x2APIC ID %u, CPUID initial APIC ID %u", id, r[1] >> 24);
	cpuid(0, 0, r);
	if (r[0] >= 0xb) {
		cpuid(0xb, 0, r);
		CHECK(r[3] == id, "CPUID.0xB x2APIC ID %u, register %u", r[3], id);
	}
	CHECK((uint32_t)rdmsr(X2_VERSION) == xapic_version, "version %llx, xAPIC said %x",
	      rdmsr(X2_VERSION), xapic_version);
	uint32_t ldr = ((id >> 4) << 16) | (1u << (id & 15));
	CHECK(rdmsr(X2_LDR) == ldr, "LDR %llx, want %x", rdmsr(X2_LDR), ldr);
}

static void registers(void)
{
	wrmsr(X2_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
	CHECK(rdmsr(X2_SVR) == (0x100 | LAPIC_SPURIOUS_VECTOR), "SVR %llx", rdmsr(X2_SVR));
	wrmsr(X2_TPR, 0x20);
	CHECK(rdmsr(X2_TPR) == 0x20, "TPR %llx", rdmsr(X2_TPR));
	CHECK((rdmsr(X2_PPR) & 0xf0) == 0x20, "PPR %llx with TPR 0x20", rdmsr(X2_PPR));
	wrmsr(X2_TPR, 0);
	wrmsr(X2_ESR, 0);
	CHECK(rdmsr(X2_ESR) == 0, "ESR %llx", rdmsr(X2_ESR));
}

static void self_ipis(uint32_t id)
{
	wrmsr(X2_SELF_IPI, IPI_VECTOR);
	CHECK(rdmsr(X2_IRR0 + IPI_VECTOR / 32) & (1u << (IPI_VECTOR % 32)),
	      "SELF IPI not pending in IRR with interrupts off");
	window();
	CHECK(ipis == 1, "SELF IPI: %u interrupts", ipis);
	CHECK(in_service, "ISR bit clear inside the handler");
	CHECK(!isr_has(IPI_VECTOR), "ISR bit still set after EOI");
	printf("SELF IPI delivered, EOI clears ISR\n");

	uint64_t icr = ((uint64_t)id << 32) | IPI_VECTOR; /* fixed, physical, to this ID */
	wrmsr(X2_ICR, icr);
	window();
	CHECK(ipis == 2, "ICR physical to self: %u interrupts", ipis);
	CHECK(rdmsr(X2_ICR) == icr, "ICR reads %llx, wrote %llx", rdmsr(X2_ICR), icr);
	uint64_t ldr = rdmsr(X2_LDR);
	wrmsr(X2_ICR, (ldr << 32) | (1u << 11) | IPI_VECTOR); /* logical: cluster and bit */
	window();
	CHECK(ipis == 3, "ICR logical to self: %u interrupts", ipis);
	wrmsr(X2_ICR, ((uint64_t)(id + 1) << 32) | IPI_VECTOR); /* no such CPU */
	window();
	CHECK(ipis == 3, "ICR to x2APIC ID %u reached this CPU", id + 1);
	wrmsr(X2_ICR, (2u << 18) | IPI_VECTOR); /* all including self */
	window();
	CHECK(ipis == 4, "ICR all-including-self: %u interrupts", ipis);
	printf("ICR: physical, logical, nobody, shorthand\n");
}

static void timer(void)
{
	wrmsr(X2_TMR_DIV, 0x3); /* divide by 16 */
	wrmsr(X2_LVT_TIMER, TIMER_VECTOR);
	wrmsr(X2_TMR_INIT, 200000);
	uint64_t cur = rdmsr(X2_TMR_CUR);
	CHECK(cur > 0 && cur <= 200000, "current count %llu right after arming", cur);
	unsigned wakeups = 0;
	while (!ticks) {
		sti_hlt_cli();
		wakeups++;
	}
	CHECK(ticks == 1, "one-shot fired %u times", ticks);
	CHECK(rdmsr(X2_TMR_CUR) == 0, "current count %llu after firing", rdmsr(X2_TMR_CUR));
	printf("one-shot timer through MSRs fired after %u wakeups\n", wakeups);
}

static void faults(void)
{
	uint64_t v;

	expect_gp("rdmsr APR (reserved)", !rdmsr_safe(X2_APR, &v));
	expect_gp("rdmsr DFR (xAPIC only)", !rdmsr_safe(X2_DFR, &v));
	expect_gp("rdmsr ICR high (xAPIC only)", !rdmsr_safe(X2_ICR_HI, &v));
	expect_gp("wrmsr ID (read-only)", !wrmsr_safe(X2_ID, 0));
	expect_gp("wrmsr version (read-only)", !wrmsr_safe(X2_VERSION, 0));
	expect_gp("wrmsr current count (read-only)", !wrmsr_safe(X2_TMR_CUR, 0));
	expect_gp("rdmsr EOI (write-only)", !rdmsr_safe(X2_EOI, &v));
	expect_gp("rdmsr SELF IPI (write-only)", !rdmsr_safe(X2_SELF_IPI, &v));
	expect_gp("wrmsr EOI non-zero", !wrmsr_safe(X2_EOI, 1));
	expect_gp("wrmsr TPR with EDX set", !wrmsr_safe(X2_TPR, 1ull << 32));
	expect_gp("wrmsr SELF IPI reserved bits", !wrmsr_safe(X2_SELF_IPI, 0x100 | IPI_VECTOR));
	uint64_t base = rdmsr(MSR_APIC_BASE);
	expect_gp("APIC_BASE x2APIC -> xAPIC", !wrmsr_safe(MSR_APIC_BASE, base & ~BASE_EXTD));
	CHECK(rdmsr(MSR_APIC_BASE) == base, "APIC_BASE changed by a faulting write");
}

/* Out of x2APIC mode the only legal way: disabled, then xAPIC again. */
static void back_to_xapic(uint32_t id_seen)
{
	uint64_t base = rdmsr(MSR_APIC_BASE), v;

	wrmsr(MSR_APIC_BASE, base & ~(BASE_EN | BASE_EXTD));
	expect_gp("rdmsr x2APIC ID while disabled", !rdmsr_safe(X2_ID, &v));
	expect_gp("APIC_BASE disabled -> x2APIC", !wrmsr_safe(MSR_APIC_BASE, base));
	wrmsr(MSR_APIC_BASE, (base & ~BASE_EXTD) | BASE_EN);
	CHECK(rdmsr(MSR_APIC_BASE) == ((base & ~BASE_EXTD) | BASE_EN), "APIC_BASE %llx",
	      rdmsr(MSR_APIC_BASE));
	CHECK(lapic_read(LAPIC_SVR) == 0xff, "SVR %x after re-enabling, want the reset 0xff",
	      lapic_read(LAPIC_SVR));
	CHECK(lapic_id() == (uint32_t)id_seen, "xAPIC ID %u after re-enabling, x2APIC ID was %u",
	      lapic_id(), (uint32_t)id_seen);
	printf("back in xAPIC mode: SVR reset, MMIO answers\n");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 21))) {
		CHECK(under_qemu_tcg(), "CPUID.1:ECX[21] (x2APIC) clear");
		printf("QEMU TCG: this CPU model has no x2APIC, checks skipped\n");
		return;
	}
	pic_init();
	trap_set_handler(IPI_VECTOR, on_ipi);
	trap_set_handler(TIMER_VECTOR, on_timer);
	trap_set_handler(LAPIC_SPURIOUS_VECTOR, on_spurious);
	uint32_t version = lapic_read(LAPIC_VERSION);
	switch_to_x2apic(version);
	uint32_t id = (uint32_t)rdmsr(X2_ID);
	registers();
	self_ipis(id);
	timer();
	faults();
	back_to_xapic(id);
	printf("%u #GP caught\n", fixup_count);
}
