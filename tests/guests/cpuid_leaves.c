/* CPUID held against itself and against the CPU: the maximum leaves, what a
 * leaf above them returns (Intel SDM, CPUID: the highest basic leaf's data),
 * the APIC IDs of leaves 1 and 0xB against each vCPU's LAPIC, leaf 1's
 * logical processor count against the topology of leaves 0xB and 4, every
 * leaf the same on both vCPUs but for the per-CPU fields, and the features it
 * advertises usable (FXSAVE, RDTSCP, SYSCALL, RDRAND, EFER and CR4 bits),
 * those it hides refused.  Runs with 2 vCPUs. */
#include "lib/guest.h"

const char guest_name[] = "cpuid_leaves";

#define MSR_EFER    0xc0000080
#define MSR_STAR    0xc0000081
#define MSR_TSC_AUX 0xc0000103
#define EFER_SCE    (1u << 0)
#define EFER_LME    (1u << 8)
#define EFER_NXE    (1u << 11)

#define MAX_ENTRIES 192

struct entry {
	uint32_t leaf, sub, r[4];
};
struct snap {
	unsigned n;
	uint32_t lapic_id;
	struct entry e[MAX_ENTRIES];
};
static struct snap snaps[2];
static volatile unsigned ap_done;
static bool qemu, intel;

static unsigned subleaves(uint32_t leaf)
{
	switch (leaf) {
	case 4:
	case 0xb:
	case 0x1f:
		return 6;
	case 7:
	case 0xd:
	case 0xf:
	case 0x10:
	case 0x12:
	case 0x14:
	case 0x17:
	case 0x18:
		return 3;
	default:
		return 1;
	}
}

static void add(struct snap *s, uint32_t leaf)
{
	for (unsigned sub = 0; sub < subleaves(leaf) && s->n < MAX_ENTRIES; sub++) {
		struct entry *e = &s->e[s->n++];
		e->leaf = leaf;
		e->sub = sub;
		cpuid(leaf, sub, e->r);
	}
}

static void collect(struct snap *s)
{
	uint32_t r[4];

	s->n = 0;
	s->lapic_id = lapic_id();
	cpuid(0, 0, r);
	uint32_t max = r[0];
	for (uint32_t l = 0; l <= max + 1 && l < 0x40; l++)
		add(s, l);
	add(s, 0x40000000);
	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[0];
	for (uint32_t l = 0x80000000; l <= max_ext + 1 && l < 0x80000040; l++)
		add(s, l);
}

static const struct entry *find(const struct snap *s, uint32_t leaf, uint32_t sub)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->e[i].leaf == leaf && s->e[i].sub == sub)
			return &s->e[i];
	return NULL;
}

static void on_ap(unsigned idx)
{
	(void)idx;
	collect(&snaps[1]);
	__atomic_store_n(&ap_done, 1, __ATOMIC_RELEASE);
}

static unsigned pow2_at_least(unsigned n)
{
	unsigned p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* Leaves above the maximum: on Intel the highest basic leaf's data. */
static void check_above_max(const struct snap *s)
{
	uint32_t max = s->e[0].r[0];
	const struct entry *top = find(s, max, 0), *over = find(s, max + 1, 0);
	uint32_t max_ext = find(s, 0x80000000, 0)->r[0];
	const struct entry *over_ext = find(s, max_ext + 1, 0);

	printf("max basic 0x%x, max extended 0x%x; leaf 0x%x: %x %x %x %x\n", max, max_ext, max + 1,
	       over->r[0], over->r[1], over->r[2], over->r[3]);
	if (!intel) {
		printf("not Intel: leaves above the maximum not judged\n");
		return;
	}
	CHECK(memcmp(top->r, over->r, 16) == 0,
	      "leaf 0x%x (above max 0x%x): %x %x %x %x, not leaf 0x%x's %x %x %x %x", max + 1, max,
	      over->r[0], over->r[1], over->r[2], over->r[3], max, top->r[0], top->r[1], top->r[2],
	      top->r[3]);
	CHECK(memcmp(top->r, over_ext->r, 16) == 0,
	      "leaf 0x%x (above max 0x%x): %x %x %x %x, not leaf 0x%x's %x %x %x %x", max_ext + 1,
	      max_ext, over_ext->r[0], over_ext->r[1], over_ext->r[2], over_ext->r[3], max,
	      top->r[0], top->r[1], top->r[2], top->r[3]);
	printf("leaves 0x%x and 0x%x repeat leaf 0x%x\n", max + 1, max_ext + 1, max);
}

/* The per-CPU fields, and the topology leaves against each other. */
static void check_topology(const struct snap *s, unsigned ncpus, const char *who)
{
	uint32_t max = s->e[0].r[0];
	const struct entry *l1 = find(s, 1, 0);
	bool htt = l1->r[3] & (1u << 28);
	unsigned count = htt ? (l1->r[1] >> 16) & 0xff : 1;

	CHECK(l1->r[1] >> 24 == s->lapic_id, "%s: leaf 1 APIC ID %u, LAPIC ID %u", who,
	      l1->r[1] >> 24, s->lapic_id);
	unsigned smt_shift = 0, pkg_shift = 0;
	bool have_b = false;
	for (uint32_t leaf = 0xb; leaf <= 0x1f; leaf += 0x14) {
		const struct entry *e0 = leaf <= max ? find(s, leaf, 0) : NULL;
		if (!e0 || e0->r[1] == 0)
			continue; /* EBX 0 at sub-leaf 0: the leaf is not there */
		unsigned last_shift = 0;
		for (uint32_t sub = 0; sub < subleaves(leaf); sub++) {
			const struct entry *e = find(s, leaf, sub);
			unsigned type = (e->r[2] >> 8) & 0xff;
			CHECK((e->r[2] & 0xff) == sub, "%s: leaf 0x%x.%u ECX[7:0] %u", who, leaf,
			      sub, e->r[2] & 0xff);
			CHECK(e->r[3] == s->lapic_id, "%s: leaf 0x%x.%u x2APIC ID %u, LAPIC ID %u",
			      who, leaf, sub, e->r[3], s->lapic_id);
			if (type == 0) {
				CHECK(e->r[0] == 0 && e->r[1] == 0,
				      "%s: leaf 0x%x.%u invalid level with EAX %x EBX %x", who,
				      leaf, sub, e->r[0], e->r[1]);
				continue;
			}
			unsigned shift = e->r[0] & 0x1f;
			CHECK(shift >= last_shift, "%s: leaf 0x%x.%u shift %u below %u", who, leaf,
			      sub, shift, last_shift);
			last_shift = shift;
			if (type == 1)
				smt_shift = shift;
		}
		if (leaf == 0xb) {
			have_b = true;
			pkg_shift = last_shift;
		}
		CHECK(last_shift == pkg_shift, "%s: leaves 0xb and 0x1f disagree on the package",
		      who);
	}
	printf("%s: APIC ID %u, leaf 1 HTT %u count %u, leaf 0xb %s smt shift %u package shift "
	       "%u\n",
	       who, s->lapic_id, htt, (l1->r[1] >> 16) & 0xff, have_b ? "present" : "absent",
	       smt_shift, pkg_shift);
	/* Several CPUs in a package need HTT for leaf 1's count to count. */
	if (have_b) {
		CHECK(pow2_at_least(count) == 1u << pkg_shift,
		      "%s: leaf 1 says %u logical processors per package (HTT %u), leaf 0xb 2^%u",
		      who, count, htt, pkg_shift);
		CHECK((1u << pkg_shift) >= 1 && (s->lapic_id >> pkg_shift) < ncpus,
		      "%s: package ID %u", who, s->lapic_id >> pkg_shift);
	}
	/* Leaf 4 (Intel): cores per package and L1 sharing against leaf 0xb. */
	const struct entry *l4 = 4 <= max ? find(s, 4, 0) : NULL;
	if (intel && have_b && l4 && (l4->r[0] & 0x1f)) {
		unsigned cores = (l4->r[0] >> 26) + 1;
		CHECK(pow2_at_least(cores) == 1u << (pkg_shift - smt_shift),
		      "%s: leaf 4 says %u cores per package, leaf 0xb 2^%u", who, cores,
		      pkg_shift - smt_shift);
		for (uint32_t sub = 0; sub < subleaves(4); sub++) {
			const struct entry *e = find(s, 4, sub);
			if (!(e->r[0] & 0x1f))
				break;
			unsigned level = (e->r[0] >> 5) & 7,
				 sharing = ((e->r[0] >> 14) & 0xfff) + 1;
			CHECK(pow2_at_least(sharing) <= 1u << pkg_shift,
			      "%s: leaf 4.%u: L%u shared by %u, more than a package (2^%u)", who,
			      sub, level, sharing, pkg_shift);
			if (level == 1)
				CHECK(pow2_at_least(sharing) == 1u << smt_shift,
				      "%s: leaf 4.%u: L1 shared by %u, a core has 2^%u threads",
				      who, sub, sharing, smt_shift);
		}
	}
}

/* The two vCPUs: the same leaves, the same values but for the APIC IDs. */
static void check_same(const struct snap *a, const struct snap *b)
{
	CHECK(a->n == b->n, "the BSP has %u leaves, the AP %u", a->n, b->n);
	for (unsigned i = 0; i < a->n; i++) {
		const struct entry *x = &a->e[i], *y = &b->e[i];
		uint32_t mask[4] = {~0u, ~0u, ~0u, ~0u};
		CHECK(x->leaf == y->leaf && x->sub == y->sub, "leaf order differs at %u", i);
		if (x->leaf == 1)
			mask[1] = 0x00ffffff;
		if (x->leaf == 0xb || x->leaf == 0x1f)
			mask[3] = 0;
		for (int j = 0; j < 4; j++)
			CHECK((x->r[j] & mask[j]) == (y->r[j] & mask[j]),
			      "leaf 0x%x.%u reg %d: BSP %x, AP %x", x->leaf, x->sub, j, x->r[j],
			      y->r[j]);
	}
	printf("%u leaves the same on both vCPUs\n", a->n);
}

/* ---- features against the CPU ---- */

static uint32_t read_cr4(void)
{
	uint32_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static bool write_cr4_safe(uint32_t v)
{
	uint32_t failed = 0;
	asm volatile("1: mov %1, %%cr4\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\njmp 2b\n.popsection"
		     : "+r"(failed)
		     : "r"(v)
		     : "memory");
	return !failed;
}

/* Runs `insn` (one instruction) with EAX/ECX/EDX in and out; false if it faulted. */
#define TRY_INSN(insn, a, c, d)                                                           \
	({                                                                                \
		uint32_t failed_ = 0;                                                     \
		asm volatile("1: " insn "\n2:\n"                                          \
			     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"  \
			     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %3\njmp 2b\n" \
			     ".popsection"                                                \
			     : "+a"(a), "+c"(c), "+d"(d), "+r"(failed_)                   \
			     :                                                            \
			     : "memory", "cc");                                           \
		!failed_;                                                                 \
	})

static void expect_fault(bool ok, int vector, const char *what)
{
	CHECK(!ok, "%s did not fault", what);
	CHECK(last_fixup_vector == vector, "%s raised vector %d, not %d", what, last_fixup_vector,
	      vector);
	last_fixup_vector = -1;
}

struct cr4_feature {
	unsigned bit;
	uint32_t leaf;
	int reg;
	unsigned fbit;
	const char *name;
};

static const struct cr4_feature cr4_features[] = {
    {0, 1, 3, 1, "VME"},	  {1, 1, 3, 1, "PVI"},	  {2, 1, 3, 4, "TSD"},
    {3, 1, 3, 2, "DE"},		  {4, 1, 3, 3, "PSE"},	  {5, 1, 3, 6, "PAE"},
    {6, 1, 3, 7, "MCE"},	  {7, 1, 3, 13, "PGE"},	  {9, 1, 3, 24, "OSFXSR"},
    {10, 1, 3, 25, "OSXMMEXCPT"}, {11, 7, 2, 2, "UMIP"},  {16, 7, 1, 0, "FSGSBASE"},
    {20, 7, 1, 7, "SMEP"},	  {21, 7, 1, 20, "SMAP"},
};

static void check_cr4_features(void)
{
	for (unsigned i = 0; i < sizeof(cr4_features) / sizeof(cr4_features[0]); i++) {
		const struct cr4_feature *f = &cr4_features[i];
		bool offered = cpuid_bit(f->leaf, f->reg, f->fbit);
		uint32_t before = read_cr4();
		if (offered) {
			CHECK(write_cr4_safe(before | (1u << f->bit)), "CR4.%s offered but #GP",
			      f->name);
			CHECK(read_cr4() & (1u << f->bit), "CR4.%s did not stick", f->name);
			CHECK(write_cr4_safe(before), "clearing CR4.%s faulted", f->name);
		} else if (qemu) {
			/* QEMU 7.2's TCG loops on a reserved CR4 bit (see cr_rules). */
			printf("QEMU TCG: CR4.%s not offered, not tried\n", f->name);
		} else {
			expect_fault(write_cr4_safe(before | (1u << f->bit)), 13, f->name);
			CHECK(read_cr4() == before, "CR4.%s: the #GP changed CR4", f->name);
		}
		printf("CR4.%s %s\n", f->name, offered ? "offered and works" : "hidden");
	}
}

static void check_efer(void)
{
	uint64_t efer = rdmsr(MSR_EFER);
	static const struct {
		uint32_t bit;
		uint32_t leaf;
		unsigned fbit;
		const char *name;
	} bits[] = {{EFER_NXE, 0x80000001, 20, "NXE"}, {EFER_LME, 0x80000001, 29, "LME"}};

	/* LME with paging off is allowed; with CR4.PAE set, as before entering
	 * long mode (QEMU 7.2's TCG running Pallas hangs on LME with PAE clear). */
	uint32_t cr4 = read_cr4();
	write_cr4_safe(cr4 | (1u << 5));
	for (unsigned i = 0; i < 2; i++) {
		bool offered = cpuid_bit(bits[i].leaf, 3, bits[i].fbit);
		bool ok = wrmsr_safe(MSR_EFER, efer | bits[i].bit);
		bool stuck = rdmsr(MSR_EFER) & bits[i].bit;
		wrmsr(MSR_EFER, efer);
		if (offered) {
			CHECK(ok && stuck, "EFER.%s offered but %s", bits[i].name,
			      ok ? "did not stick" : "#GP");
		} else if (!(qemu && ok && !stuck)) {
			CHECK(!ok && last_fixup_vector == 13, "EFER.%s hidden but writable",
			      bits[i].name);
			last_fixup_vector = -1;
		}
		printf("EFER.%s %s\n", bits[i].name, offered ? "offered and works" : "hidden");
	}
	write_cr4_safe(cr4);
}

/* SYSCALL from 32-bit protected mode lands at STAR[31:0] with CS from
 * STAR[47:32] and ECX the return address. */
static volatile uint32_t syscall_hits __attribute__((used));
void cpuid_leaves_syscall_target(void);
asm(".text\n.globl cpuid_leaves_syscall_target\ncpuid_leaves_syscall_target:\n"
    "incl syscall_hits\njmp *%ecx\n");

static void check_syscall(void)
{
	bool offered = cpuid_bit(0x80000001, 3, 11);
	uint64_t efer = rdmsr(MSR_EFER);
	uint32_t a = 0, c = 0, d = 0;

	if (offered) {
		CHECK(wrmsr_safe(MSR_EFER, efer | EFER_SCE), "EFER.SCE: #GP with SYSCALL offered");
		wrmsr(MSR_STAR, (uint64_t)SEL_CODE32 << 32 | (uint32_t)cpuid_leaves_syscall_target);
		bool ok = TRY_INSN("syscall", a, c, d);
		wrmsr(MSR_EFER, efer);
		CHECK(ok, "SYSCALL offered but raised vector %d", last_fixup_vector);
		CHECK(syscall_hits == 1, "SYSCALL did not reach STAR's EIP");
		printf("SYSCALL offered and works\n");
	} else {
		bool ok = TRY_INSN("syscall", a, c, d);
		expect_fault(ok, 6, "SYSCALL, not offered,");
		printf("SYSCALL hidden: #UD\n");
	}
}

static void check_insns(void)
{
	uint32_t a, c, d;

	/* FXSR: FXSAVE stores the x87 control word and MXCSR as reset. */
	if (cpuid_bit(1, 3, 24)) {
		static uint8_t img[512] __attribute__((aligned(16)));
		sse_enable();
		asm volatile("fxsave %0" : "=m"(img));
		uint16_t fcw = (uint16_t)(img[0] | img[1] << 8);
		uint32_t mxcsr = *(uint32_t *)&img[24];
		CHECK(fcw == 0x37f && (mxcsr & 0xffbf) == 0x1f80, "FXSAVE: FCW %x MXCSR %x", fcw,
		      mxcsr);
		asm volatile("fxrstor %0" ::"m"(img));
		printf("FXSAVE/FXRSTOR work\n");
	}
	/* XSAVE: hidden, CR4.OSXSAVE is #GP and XGETBV #UD; offered, both work
	 * and leaf 1 shows OSXSAVE. */
	uint32_t cr4 = read_cr4();
	if (cpuid_bit(1, 2, 26)) {
		CHECK(write_cr4_safe(cr4 | (1u << 18)), "CR4.OSXSAVE: #GP with XSAVE offered");
		CHECK(cpuid_bit(1, 2, 27), "leaf 1 OSXSAVE clear with CR4.OSXSAVE set");
		a = 0, c = 0, d = 0;
		CHECK(TRY_INSN("xgetbv", a, c, d) && (a & 1), "XGETBV: XCR0 %x", a);
		write_cr4_safe(cr4);
		CHECK(!cpuid_bit(1, 2, 27), "leaf 1 OSXSAVE set with CR4.OSXSAVE clear");
		printf("XSAVE offered: OSXSAVE and XGETBV work, leaf 1 follows CR4\n");
	} else {
		if (!qemu) {
			expect_fault(write_cr4_safe(cr4 | (1u << 18)), 13, "CR4.OSXSAVE (hidden)");
			CHECK(read_cr4() == cr4, "CR4 changed by the #GP");
		}
		a = 0, c = 0, d = 0;
		expect_fault(TRY_INSN("xgetbv", a, c, d), 6, "XGETBV without OSXSAVE");
		CHECK(!cpuid_bit(1, 2, 28) && !cpuid_bit(7, 1, 5), "AVX or AVX2 without XSAVE");
		printf("XSAVE hidden: OSXSAVE #GP, XGETBV #UD, no AVX\n");
	}
	/* VEX-encoded features need AVX's state. */
	if (!cpuid_bit(1, 2, 28)) {
		CHECK(!cpuid_bit(1, 2, 12), "FMA offered without AVX");
		CHECK(!cpuid_bit(1, 2, 29), "F16C offered without AVX");
		CHECK(!cpuid_bit(0x80000001, 2, 11), "XOP offered without AVX");
		CHECK(!cpuid_bit(0x80000001, 2, 16), "FMA4 offered without AVX");
	}
	/* RDTSCP: ECX is IA32_TSC_AUX. */
	if (cpuid_bit(0x80000001, 3, 27)) {
		wrmsr(MSR_TSC_AUX, 0x5a5a);
		a = 0, c = 0, d = 0;
		CHECK(TRY_INSN("rdtscp", a, c, d), "RDTSCP offered but raised vector %d",
		      last_fixup_vector);
		CHECK(c == 0x5a5a, "RDTSCP: ECX %x, TSC_AUX 0x5a5a", c);
		printf("RDTSCP offered and works\n");
	} else {
		a = 0, c = 0, d = 0;
		expect_fault(TRY_INSN("rdtscp", a, c, d), 6, "RDTSCP, not offered,");
		printf("RDTSCP hidden: #UD\n");
	}
	if (cpuid_bit(1, 2, 30)) {
		a = 0, c = 0, d = 0;
		bool ok = TRY_INSN("rdrand %%eax", a, c, d);
		CHECK(ok, "RDRAND offered but raised vector %d", last_fixup_vector);
		printf("RDRAND works\n");
	}
	if (cpuid_bit(7, 1, 18)) {
		a = 0, c = 0, d = 0;
		bool ok = TRY_INSN("rdseed %%eax", a, c, d);
		CHECK(ok, "RDSEED offered but raised vector %d", last_fixup_vector);
		printf("RDSEED works\n");
	}
	if (cpuid_bit(1, 2, 23)) {
		a = 0xf0f0, c = 0, d = 0;
		CHECK(TRY_INSN("popcnt %%eax, %%ecx", a, c, d) && c == 8, "POPCNT");
	}
}

void guest_main(const struct mb_info *mbi)
{
	uint32_t r[4];

	(void)mbi;
	qemu = under_qemu_tcg();
	cpuid(0, 0, r);
	intel = r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e;
	cpuid(1, 0, r);
	CHECK(r[2] & (1u << 31), "hypervisor bit clear");
	cpuid(0x40000000, 0, r);
	CHECK(r[0] >= 0x40000000 && r[0] < 0x40000100, "leaf 0x40000000: max %x", r[0]);
	CHECK(r[1] && r[2] && r[3], "hypervisor signature empty");

	lapic_enable();
	collect(&snaps[0]);
	unsigned ncpus = ap_start(on_ap);
	CHECK(ncpus == 2, "%u CPUs, the manifest gives 2", ncpus);
	for (unsigned spins = 0; !__atomic_load_n(&ap_done, __ATOMIC_ACQUIRE); spins++) {
		CHECK(spins < 500000000u, "the AP did not finish");
		pause();
	}
	CHECK(snaps[0].lapic_id != snaps[1].lapic_id, "both CPUs have APIC ID %u",
	      snaps[0].lapic_id);
	check_above_max(&snaps[0]);
	check_topology(&snaps[0], ncpus, "BSP");
	check_topology(&snaps[1], ncpus, "AP");
	check_same(&snaps[0], &snaps[1]);
	check_cr4_features();
	check_efer();
	check_syscall();
	check_insns();
}
