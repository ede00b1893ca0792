/* RDMSR/WRMSR: the TSC seen both ways, a writable MSR round-trips, and an MSR
 * that does not exist raises #GP instead of reading as something. */
#include "lib/guest.h"

const char guest_name[] = "msr";

#define MSR_TSC		  0x10
#define MSR_APIC_BASE	  0x1b
#define MSR_TSC_ADJUST	  0x3b
#define MSR_SYSENTER_CS	  0x174
#define MSR_SYSENTER_ESP  0x175
#define MSR_SYSENTER_EIP  0x176
#define MSR_UNIMPLEMENTED 0xdeadbeef

/* QEMU TCG, the reference these guests are checked against, leaves MSR 0x10
 * unimplemented (RDMSR reads 0, WRMSR is dropped), and reads
 * unknown MSRs as 0 rather than raising #GP.  Only there is that let go:
 * hardware, KVM and Pallas must do both right. */
static bool qemu_tcg(void)
{
	uint32_t r[4];
	cpuid(0x40000000, 0, r);
	return r[1] == 0x54474354 && r[2] == 0x43544743 && r[3] == 0x47435447; /* TCGTCGTCGTCG */
}

/* `faulted` is whether the access just made raised a fault the extable
 * absorbed; it must have, and the fault must be #GP. */
static void expect_gp(const char *what, bool faulted)
{
	if (!faulted && qemu_tcg()) {
		printf("QEMU TCG: %s does not fault there, skipped\n", what);
		return;
	}
	CHECK(faulted, "%s did not fault", what);
	CHECK(last_fixup_vector == 13, "%s raised vector %d, not #GP", what, last_fixup_vector);
	last_fixup_vector = -1;
	printf("%s: #GP\n", what);
}

/* IA32_TSC_ADJUST (SDM 18.17.3): a write to the TSC adds its delta to the
 * adjust MSR, and a write to the adjust MSR moves the TSC by its delta. */
static void check_tsc_adjust(uint64_t adj0)
{
	uint64_t moved = rdmsr(MSR_TSC_ADJUST) - adj0;
	/* The write set the TSC 2^40 past a value read just before it. */
	CHECK(moved <= (1ull << 40) && moved > (1ull << 40) - (1ull << 32),
	      "TSC_ADJUST moved by %llx after a TSC write of +2^40", moved);
	uint64_t before = rdtsc();
	wrmsr(MSR_TSC_ADJUST, adj0 + moved - (1ull << 40));
	uint64_t after = rdtsc();
	CHECK(after < before && before - after > (1ull << 40) - (1ull << 32),
	      "TSC_ADJUST -2^40 then rdtsc %llx (was %llx)", after, before);
	CHECK(rdmsr(MSR_TSC_ADJUST) == adj0 + moved - (1ull << 40), "TSC_ADJUST did not read back");
	printf("TSC_ADJUST follows TSC writes and moves the TSC\n");
}

static void check_tsc_msr(void)
{
	if (qemu_tcg() && rdmsr(MSR_TSC) == 0) {
		printf("QEMU TCG: MSR 0x10 not implemented there, TSC MSR checks skipped\n");
		return;
	}
	for (int i = 0; i < 100; i++) {
		uint64_t t0 = rdtsc(), m = rdmsr(MSR_TSC), t1 = rdtsc();
		CHECK(t0 <= m && m <= t1, "TSC not monotonic: rdtsc %llx, rdmsr %llx, rdtsc %llx",
		      t0, m, t1);
	}
	printf("rdmsr TSC agrees with rdtsc\n");

	/* Writing the TSC moves what RDTSC returns. */
	uint32_t r[4];
	cpuid(7, 0, r);
	bool adjust = r[1] & (1u << 1);
	uint64_t adj0 = adjust ? rdmsr(MSR_TSC_ADJUST) : 0;
	uint64_t before = rdtsc();
	wrmsr(MSR_TSC, before + (1ull << 40));
	uint64_t after = rdtsc();
	CHECK(after >= before + (1ull << 40), "wrmsr TSC +2^40 then rdtsc %llx (was %llx)", after,
	      before);
	printf("wrmsr TSC moved rdtsc by 2^40\n");
	if (adjust)
		check_tsc_adjust(adj0);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	uint64_t v;

	check_tsc_msr();

	static const uint32_t msrs[] = {MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP};
	static const uint64_t vals[] = {0x0008, 0x12345678, 0x9abcdef0};
	for (int i = 0; i < 3; i++) {
		uint64_t old = rdmsr(msrs[i]);
		wrmsr(msrs[i], vals[i]);
		v = rdmsr(msrs[i]);
		CHECK(v == vals[i], "msr %x: wrote %llx read %llx", msrs[i], vals[i], v);
		wrmsr(msrs[i], old);
		CHECK(rdmsr(msrs[i]) == old, "msr %x did not restore", msrs[i]);
	}
	printf("SYSENTER_CS/ESP/EIP round-trip\n");

	v = rdmsr(MSR_APIC_BASE);
	printf("APIC_BASE %llx\n", v);
	CHECK((v & ~0xfffull) == LAPIC_BASE, "APIC base %llx", v & ~0xfffull);
	CHECK(v & (1u << 8), "APIC_BASE BSP flag clear on the BSP");
	CHECK(v & (1u << 11), "APIC_BASE global enable clear");

	expect_gp("rdmsr deadbeef", !rdmsr_safe(MSR_UNIMPLEMENTED, &v));
	expect_gp("wrmsr deadbeef", !wrmsr_safe(MSR_UNIMPLEMENTED, 1));
	/* A real MSR with a reserved bit: APIC_BASE bit 63 is above any
	 * physical address width. */
	expect_gp("wrmsr APIC_BASE bit 63",
		  !wrmsr_safe(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ull << 63)));
	/* x2APIC registers are MSRs only in x2APIC mode; the APIC is in xAPIC
	 * mode, so this faults everywhere, QEMU TCG included. */
	expect_gp("rdmsr x2APIC ID 0x802 in xAPIC mode", !rdmsr_safe(0x802, &v));
	printf("%u #GP caught\n", fixup_count);
}
