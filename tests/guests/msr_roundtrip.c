/* Every MSR the guest's CPUID says it has, written with a value of its own
 * per vCPU and read back exactly after a run of VM exits (port I/O, CPUID);
 * reserved bits, invalid memory types and non-canonical addresses are #GP
 * and leave the value as it was.  Two vCPUs, each with its own values at the
 * same time.  msr.c covers the TSC, APIC_BASE and the blind probes. */
#include "lib/guest.h"

const char guest_name[] = "msr_roundtrip";

#define MSR_TSC_ADJUST	    0x3b
#define MSR_MTRR_CAP	    0xfe
#define MSR_SYSENTER_CS	    0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_MISC_ENABLE	    0x1a0
#define MSR_MTRR_PHYSBASE0  0x200
#define MSR_MTRR_FIX64K	    0x250
#define MSR_MTRR_FIX16K_80K 0x258
#define MSR_MTRR_FIX4K_C0K  0x268
#define MSR_PAT		    0x277
#define MSR_MTRR_DEF	    0x2ff
#define MSR_EFER	    0xc0000080
#define MSR_STAR	    0xc0000081
#define MSR_LSTAR	    0xc0000082
#define MSR_CSTAR	    0xc0000083
#define MSR_SFMASK	    0xc0000084
#define MSR_FS_BASE	    0xc0000100
#define MSR_GS_BASE	    0xc0000101
#define MSR_KERNEL_GS	    0xc0000102
#define MSR_TSC_AUX	    0xc0000103

#define NONCANONICAL 0x0000800000000000ull

static bool qemu, qemu_cpu, has_lm, has_nx, has_rdtscp, has_mtrr, has_tsc_adjust, has_sep;
static unsigned maxphy = 36, vcnt;
static volatile unsigned ap_written, bsp_checked, ap_checked;

struct value {
	uint32_t msr;
	uint64_t v;
};
#define MAX_VALUES 48

/* The values vCPU idx writes: distinct per MSR and per vCPU. */
static unsigned values_for(unsigned idx, struct value *out)
{
	unsigned n = 0;
	uint64_t k = idx + 1;

	if (has_sep) {
		out[n++] = (struct value){MSR_SYSENTER_CS, 0x1230 + 8 * k};
		out[n++] = (struct value){MSR_SYSENTER_ESP, 0x00a00000 + 0x1000 * k};
		out[n++] = (struct value){MSR_SYSENTER_EIP, 0x00b00000 + 0x10 * k};
	}
	/* Types 1, 5, 6, 4, 0, 7, 4 and the vCPU's. */
	out[n++] = (struct value){MSR_PAT, 0x0004070004060501ull | (k == 1 ? 6ull : 4ull) << 56};
	if (has_lm) {
		out[n++] = (struct value){MSR_STAR, 0x0023001000400000ull + k};
		out[n++] = (struct value){MSR_LSTAR, 0xffffffff81000000ull + 0x1000 * k};
		out[n++] = (struct value){MSR_CSTAR, 0xffffffff82000000ull + 0x1000 * k};
		out[n++] = (struct value){MSR_SFMASK, 0x00047700 + k};
		out[n++] = (struct value){MSR_FS_BASE, 0x00c00000 + 0x100 * k};
		out[n++] = (struct value){MSR_GS_BASE, 0x00d00000 + 0x100 * k};
		out[n++] = (struct value){MSR_KERNEL_GS, 0xffff888000000000ull + 0x10000 * k};
	}
	if (has_rdtscp)
		out[n++] = (struct value){MSR_TSC_AUX, 0x5a00 + k};
	if (has_mtrr) {
		uint64_t mask = ((1ull << maxphy) - 1) & ~0x0fffffffull;
		out[n++] = (struct value){MSR_MTRR_DEF, 0xc06};
		out[n++] = (struct value){MSR_MTRR_PHYSBASE0, 0x10000000ull * k | 6};
		out[n++] = (struct value){MSR_MTRR_PHYSBASE0 + 1, mask | 0x800};
		if (vcnt > 1) {
			out[n++] = (struct value){MSR_MTRR_PHYSBASE0 + 2 * vcnt - 2,
						  0x40000000ull * k | 1};
			out[n++] = (struct value){MSR_MTRR_PHYSBASE0 + 2 * vcnt - 1,
						  (mask & ~0x3fffffffull) | 0x800};
		}
		out[n++] = (struct value){MSR_MTRR_FIX64K, 0x0606060606060606ull};
		out[n++] =
		    (struct value){MSR_MTRR_FIX16K_80K, 0x0000000001010600ull | (k == 1 ? 5 : 4)};
		out[n++] = (struct value){MSR_MTRR_FIX4K_C0K + 7, 0x0504050405040504ull};
	}
	return n;
}

/* VM exits between the writes and the reads. */
static void exits(unsigned n)
{
	uint32_t r[4];
	for (unsigned i = 0; i < n; i++) {
		(void)inb(0x61);
		outb(0x80, (uint8_t)i);
		if (i % 16 == 0)
			cpuid(0, 0, r);
	}
}

static void write_all(const struct value *v, unsigned n, unsigned idx)
{
	for (unsigned i = 0; i < n; i++)
		CHECK(wrmsr_safe(v[i].msr, v[i].v), "vCPU %u: WRMSR 0x%x <- 0x%llx faulted (%d)",
		      idx, v[i].msr, v[i].v, last_fixup_vector);
}

static void check_all(const struct value *v, unsigned n, unsigned idx)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t got;
		CHECK(rdmsr_safe(v[i].msr, &got), "vCPU %u: RDMSR 0x%x faulted", idx, v[i].msr);
		CHECK(got == v[i].v, "vCPU %u: MSR 0x%x reads 0x%llx, wrote 0x%llx", idx, v[i].msr,
		      got, v[i].v);
	}
	if (has_rdtscp) {
		uint32_t aux;
		asm volatile("rdtscp" : "=c"(aux)::"eax", "edx");
		CHECK(aux == 0x5a00 + idx + 1, "vCPU %u: RDTSCP ECX 0x%x", idx, aux);
	}
}

/* A write that must be #GP and leave the MSR as it was.  QEMU 7.2's TCG
 * takes some such writes quietly (it checks neither MTRR nor canonical
 * values); only there is that let go, and the value put back. */
static void expect_gp_on(uint32_t msr, uint64_t bad, const char *what, bool cpu_checks)
{
	uint64_t before = rdmsr(msr), after;
	bool ok = wrmsr_safe(msr, bad);

	after = rdmsr(msr);
	if (ok && (qemu || (cpu_checks && qemu_cpu))) {
		printf("QEMU TCG: %s taken without #GP, skipped\n", what);
		wrmsr(msr, before);
		return;
	}
	CHECK(!ok, "%s: WRMSR 0x%x <- 0x%llx did not fault (now 0x%llx)", what, msr, bad, after);
	CHECK(last_fixup_vector == 13, "%s raised vector %d, not #GP", what, last_fixup_vector);
	CHECK(after == before, "%s: the #GP changed MSR 0x%x from 0x%llx to 0x%llx", what, msr,
	      before, after);
	last_fixup_vector = -1;
}

static void expect_gp(uint32_t msr, uint64_t bad, const char *what)
{
	expect_gp_on(msr, bad, what, false);
}

/* LSTAR and the segment bases are the CPU's own under Pallas (not
 * intercepted): the CPU checks them, and QEMU's TCG as that CPU does not. */
static void expect_gp_cpu(uint32_t msr, uint64_t bad, const char *what)
{
	expect_gp_on(msr, bad, what, true);
}

static void check_refused(void)
{
	expect_gp(MSR_PAT, 0x0007040600070402ull, "PAT type 2");
	expect_gp(MSR_PAT, 0x0007040600070408ull, "PAT type 8");
	if (has_lm) {
		expect_gp_cpu(MSR_LSTAR, NONCANONICAL, "non-canonical LSTAR");
		expect_gp_cpu(MSR_FS_BASE, NONCANONICAL, "non-canonical FS_BASE");
		expect_gp_cpu(MSR_GS_BASE, NONCANONICAL, "non-canonical GS_BASE");
		expect_gp_cpu(MSR_KERNEL_GS, NONCANONICAL, "non-canonical KERNEL_GS_BASE");
		uint64_t efer = rdmsr(MSR_EFER);
		expect_gp(MSR_EFER, efer | (1ull << 9), "EFER bit 9");
		expect_gp(MSR_EFER, efer | (1ull << 63), "EFER bit 63");
	}
	if (has_rdtscp)
		expect_gp(MSR_TSC_AUX, 0x100000000ull | 0x77, "TSC_AUX bit 32");
	if (has_mtrr) {
		expect_gp(MSR_MTRR_DEF, 0xc02, "MTRRdefType type 2");
		expect_gp(MSR_MTRR_DEF, 0xc06 | (1ull << 12), "MTRRdefType bit 12");
		expect_gp(MSR_MTRR_PHYSBASE0, 0x10000003, "PHYSBASE0 type 3");
		expect_gp(MSR_MTRR_PHYSBASE0, 0x10000106, "PHYSBASE0 bit 8");
		expect_gp(MSR_MTRR_PHYSBASE0, (1ull << maxphy) | 6, "PHYSBASE0 above MAXPHYADDR");
		expect_gp(MSR_MTRR_PHYSBASE0 + 1, 0xf0000800ull | 0x1, "PHYSMASK0 bit 0");
		expect_gp(MSR_MTRR_PHYSBASE0 + 1, (1ull << maxphy) | 0xf0000800ull,
			  "PHYSMASK0 above MAXPHYADDR");
		expect_gp(MSR_MTRR_FIX64K, 0x0606060606060602ull, "FIX64K type 2");
		expect_gp(MSR_MTRR_FIX4K_C0K, 0x0606060606060608ull, "FIX4K type 8");
		/* Past the VCNT pairs MTRRcap counts there is no MSR. */
		uint64_t v;
		bool ok = rdmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * vcnt, &v);
		if (ok && qemu)
			printf("QEMU TCG: variable MTRR %u of %u reads, skipped\n", vcnt, vcnt);
		else
			CHECK(!ok && last_fixup_vector == 13, "variable MTRR %u of %u exists", vcnt,
			      vcnt);
		last_fixup_vector = -1;
	}
	printf("reserved bits, invalid types, non-canonical addresses: #GP, values kept\n");
}

static void check_misc(unsigned idx)
{
	/* MISC_ENABLE: fast strings (bit 0) is the guest's to change. */
	uint64_t me = rdmsr(MSR_MISC_ENABLE);
	wrmsr(MSR_MISC_ENABLE, me ^ 1);
	exits(64);
	CHECK(rdmsr(MSR_MISC_ENABLE) == (me ^ 1), "vCPU %u: MISC_ENABLE 0x%llx after 0x%llx", idx,
	      rdmsr(MSR_MISC_ENABLE), me ^ 1);
	wrmsr(MSR_MISC_ENABLE, me);
	/* TSC_ADJUST: what was written reads back, and the TSC moved with it. */
	if (has_tsc_adjust) {
		uint64_t adj = rdmsr(MSR_TSC_ADJUST), t0 = rdtsc();
		uint64_t want = adj + (1ull << 40) * (idx + 1);
		wrmsr(MSR_TSC_ADJUST, want);
		exits(64);
		CHECK(rdmsr(MSR_TSC_ADJUST) == want, "vCPU %u: TSC_ADJUST 0x%llx, wrote 0x%llx",
		      idx, rdmsr(MSR_TSC_ADJUST), want);
		CHECK(rdtsc() - t0 >= (1ull << 40) * (idx + 1), "vCPU %u: TSC did not move", idx);
		wrmsr(MSR_TSC_ADJUST, adj);
	}
}

/* FS and GS from the GDT again: their bases back to 0. */
static void reload_fs_gs(void)
{
	asm volatile("mov %0, %%fs; mov %0, %%gs" ::"r"(SEL_DATA32));
}

static void on_ap(unsigned idx)
{
	static struct value v[MAX_VALUES];
	unsigned n = values_for(idx, v);

	write_all(v, n, idx);
	check_misc(idx);
	__atomic_store_n(&ap_written, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&bsp_checked, __ATOMIC_ACQUIRE))
		pause();
	exits(2000);
	check_all(v, n, idx);
	reload_fs_gs();
	__atomic_store_n(&ap_checked, 1, __ATOMIC_RELEASE);
}

void guest_main(const struct mb_info *mbi)
{
	static struct value v[MAX_VALUES];

	(void)mbi;
	qemu = under_qemu_tcg();
	/* Under Pallas the CPU's brand string is the host's: QEMU's TCG says so. */
	uint32_t b[12] = {0};
	cpuid(0x80000000, 0, b);
	if (b[0] >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, &b[4 * i]);
		for (unsigned i = 0; i + 4 <= 48; i++)
			if (memcmp((const char *)b + i, "QEMU", 4) == 0)
				qemu_cpu = true;
	}
	has_sep = cpuid_bit(1, 3, 11);
	has_mtrr = cpuid_bit(1, 3, 12);
	has_lm = cpuid_bit(0x80000001, 3, 29);
	has_nx = cpuid_bit(0x80000001, 3, 20);
	has_rdtscp = cpuid_bit(0x80000001, 3, 27);
	has_tsc_adjust = cpuid_bit(7, 1, 1);
	uint32_t r[4];
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		maxphy = r[0] & 0xff;
	}
	if (has_mtrr) {
		uint64_t cap = rdmsr(MSR_MTRR_CAP);
		vcnt = cap & 0xff;
		printf("MTRRcap 0x%llx: %u variable ranges, fixed %u\n", cap, vcnt,
		       (unsigned)(cap >> 8) & 1);
		CHECK(vcnt >= 1 && (cap & (1u << 8)), "MTRRcap 0x%llx: no ranges", cap);
	}
	printf("SEP %u MTRR %u LM %u NX %u RDTSCP %u TSC_ADJUST %u, MAXPHYADDR %u\n", has_sep,
	       has_mtrr, has_lm, has_nx, has_rdtscp, has_tsc_adjust, maxphy);

	unsigned n = values_for(0, v);
	write_all(v, n, 0);
	if (has_nx) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (1u << 11));
		v[n++] = (struct value){MSR_EFER, rdmsr(MSR_EFER)};
	}
	check_misc(0);
	lapic_enable();
	unsigned ncpus = ap_start(on_ap);
	CHECK(ncpus == 2, "%u CPUs, the manifest gives 2", ncpus);
	while (!__atomic_load_n(&ap_written, __ATOMIC_ACQUIRE))
		pause();
	exits(2000);
	check_all(v, n, 0);
	printf("%u MSRs read back on the BSP after 2000 exits and the AP's writes\n", n);
	__atomic_store_n(&bsp_checked, 1, __ATOMIC_RELEASE);
	for (unsigned spins = 0; !__atomic_load_n(&ap_checked, __ATOMIC_ACQUIRE); spins++) {
		CHECK(spins < 500000000u, "the AP did not finish");
		pause();
	}
	printf("the AP read back its own\n");
	reload_fs_gs(); /* the exception handlers reload FS and GS */
	check_refused();
}
