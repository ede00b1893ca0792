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
#define MSR_MCG_CAP	  0x179
#define MSR_MCG_STATUS	  0x17a
#define MSR_MISC_ENABLE	  0x1a0
#define MSR_PAT		  0x277
#define MSR_K7_EVNTSEL0	  0xc0010000 /* ..3, then PERFCTR0..3 at 0xc0010004 */
#define PAT_DEFAULT	  0x0007040600070406ull

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

static bool vendor_amd(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	return r[1] == 0x68747541 && r[3] == 0x69746e65 && r[2] == 0x444d4163; /* AuthenticAMD */
}

/* IA32_PAT holds what the guest wrote, 0 included (not the reset value). */
static void check_pat(void)
{
	uint64_t v;
	CHECK(rdmsr(MSR_PAT) == PAT_DEFAULT, "PAT after reset %llx", rdmsr(MSR_PAT));
	wrmsr(MSR_PAT, 0);
	CHECK(rdmsr(MSR_PAT) == 0, "PAT: wrote 0, read %llx", rdmsr(MSR_PAT));
	wrmsr(MSR_PAT, 0x0001050400010504ull);
	CHECK(rdmsr(MSR_PAT) == 0x0001050400010504ull, "PAT read %llx", rdmsr(MSR_PAT));
	bool refused = !wrmsr_safe(MSR_PAT, 0x0000000000000002ull);
	expect_gp("wrmsr PAT with reserved type 2", refused);
	CHECK(!refused || (rdmsr_safe(MSR_PAT, &v) && v == 0x0001050400010504ull),
	      "PAT changed by a refused write");
	wrmsr(MSR_PAT, PAT_DEFAULT);
}

/* What a guest that probes MSRs without asking CPUID first gets, as on
 * KVM: the legacy AMD counters read 0 and take writes, IA32_MISC_ENABLE keeps
 * what is written to its fast-strings bit, the machine-check globals
 * say "no banks". */
static void check_blind_probes(void)
{
	uint64_t v, old;

	if (vendor_amd()) {
		for (uint32_t m = MSR_K7_EVNTSEL0; m < MSR_K7_EVNTSEL0 + 8; m++) {
			CHECK(wrmsr_safe(m, 0x1234), "wrmsr %x faulted", m);
			CHECK(rdmsr_safe(m, &v), "rdmsr %x faulted", m);
			CHECK(v == 0, "rdmsr %x reads %llx with no PMU offered", m, v);
		}
		printf("AMD legacy perf MSRs: read 0, writes ignored\n");
	}
	CHECK(rdmsr_safe(MSR_MISC_ENABLE, &old), "rdmsr MISC_ENABLE faulted");
	CHECK(old & 1, "MISC_ENABLE %llx: fast strings off after reset", old);
	CHECK(wrmsr_safe(MSR_MISC_ENABLE, old & ~1ull), "wrmsr MISC_ENABLE faulted");
	CHECK(rdmsr(MSR_MISC_ENABLE) == (old & ~1ull), "MISC_ENABLE: wrote %llx read %llx",
	      old & ~1ull, rdmsr(MSR_MISC_ENABLE));
	wrmsr(MSR_MISC_ENABLE, old);
	CHECK(rdmsr(MSR_MISC_ENABLE) == old, "MISC_ENABLE did not restore");
	CHECK(rdmsr_safe(MSR_MCG_CAP, &v), "rdmsr MCG_CAP faulted");
	CHECK(rdmsr_safe(MSR_MCG_STATUS, &old), "rdmsr MCG_STATUS faulted");
	CHECK(wrmsr_safe(MSR_MCG_STATUS, 0), "wrmsr MCG_STATUS 0 faulted");
	printf("MCG_CAP %llx, MCG_STATUS %llx\n", v, old);
}

/* No PMU is offered (CPUID 0xA version 0): RDPMC raises #GP, on either vendor. */
static void check_rdpmc(void)
{
	uint64_t v;
	bool ok = rdpmc_safe(0, &v);
	if (!ok && last_fixup_vector == 6 && qemu_tcg()) {
		printf("QEMU TCG: RDPMC is #UD there (unimplemented), skipped\n");
		last_fixup_vector = -1;
		return;
	}
	expect_gp("rdpmc 0", !ok);
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
	check_pat();
	check_blind_probes();
	check_rdpmc();
	printf("%u #GP caught\n", fixup_count);
}
