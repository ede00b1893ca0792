/* Control-register writes: CR4 bits the CPU (as CPUID describes it) does not
 * have, and reserved CR0 combinations, raise #GP instead of taking effect
 * or failing the VM; and a guest enters long mode from protected mode by
 * itself and leaves it again, with CR0 writes the VMM sees (cr_rules.S). */
#include "lib/guest.h"

const char guest_name[] = "cr_rules";

#define CR0_NE (1u << 5)
#define CR0_NW (1u << 29)
#define CR0_PG (1u << 31)

uint32_t long_mode_round_trip(uint32_t pml4, uint32_t flip);
extern volatile uint32_t lm_result64;

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));

static uint32_t read_cr0(void)
{
	uint32_t v;
	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint32_t read_cr4(void)
{
	uint32_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

#define DEFINE_WRITE_SAFE(name, reg)                                                        \
	static bool name(uint32_t v)                                                        \
	{                                                                                   \
		uint32_t failed = 0;                                                        \
		asm volatile(                                                               \
		    "1: mov %1, %%" reg "\n2:\n"                                            \
		    ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"             \
		    ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\njmp 2b\n.popsection" \
		    : "+r"(failed)                                                          \
		    : "r"(v)                                                                \
		    : "memory");                                                            \
		return !failed;                                                             \
	}
DEFINE_WRITE_SAFE(write_cr0_safe, "cr0")
DEFINE_WRITE_SAFE(write_cr4_safe, "cr4")

/* QEMU TCG, the reference, does not check every reserved bit; only there is
 * a write that took effect let go (and undone). */
static void expect_gp(const char *what, const char *how, bool ok, uint32_t (*read)(void),
		      uint32_t before, bool (*write)(uint32_t))
{
	if (ok && under_qemu_tcg()) {
		printf("QEMU TCG: %s%s does not fault there, skipped\n", what, how);
		write(before);
		return;
	}
	CHECK(!ok, "%s%s did not fault", what, how);
	CHECK(last_fixup_vector == 13, "%s%s raised vector %d, not #GP", what, how,
	      last_fixup_vector);
	CHECK(read() == before, "%s%s changed the register to %x", what, how, read());
	last_fixup_vector = -1;
	printf("%s%s: #GP\n", what, how);
}

struct cr4_case {
	unsigned bit;
	uint32_t leaf, reg, mask; /* the CPUID bit that offers it; mask 0: reserved */
	const char *name;
};

static const struct cr4_case cr4_cases[] = {
    {13, 1, 2, 1u << 5, "VMXE"},     {14, 1, 2, 1u << 6, "SMXE"}, {15, 0, 0, 0, "bit 15"},
    {18, 1, 2, 1u << 26, "OSXSAVE"}, {22, 7, 2, 1u << 3, "PKE"},  {25, 0, 0, 0, "bit 25"},
    {28, 0, 0, 0, "bit 28"},	     {31, 0, 0, 0, "bit 31"},
};

static void check_cr4(void)
{
	for (unsigned i = 0; i < sizeof(cr4_cases) / sizeof(cr4_cases[0]); i++) {
		const struct cr4_case *c = &cr4_cases[i];
		uint32_t r[4] = {0, 0, 0, 0};
		if (c->mask)
			cpuid(c->leaf, 0, r);
		bool offered = c->mask && (r[c->reg] & c->mask);
		if (!offered && under_qemu_tcg()) {
			/* QEMU 7.2's TCG loops forever on such a write instead of
			 * raising #GP: the reference cannot run this check. */
			printf("QEMU TCG: CR4.%s (not offered) not tried there\n", c->name);
			continue;
		}
		uint32_t before = read_cr4();
		bool ok = write_cr4_safe(before | (1u << c->bit));
		if (offered) {
			CHECK(ok, "CR4.%s faulted although CPUID offers it", c->name);
			CHECK(write_cr4_safe(before), "clearing CR4.%s faulted", c->name);
			printf("CR4.%s: offered, set and cleared\n", c->name);
			continue;
		}
		expect_gp("mov to CR4 with ", c->name, ok, read_cr4, before, write_cr4_safe);
	}
}

/* Each case twice: as it is (a VMM may not see it), and with CR0.NE flipped
 * too (under VT-x that write exits and the VMM must refuse it). */
static void check_cr0(void)
{
	uint32_t cr0 = read_cr0();

	if (under_qemu_tcg()) {
		/* QEMU 7.2's TCG takes PG without PE, and the guest dies of it. */
		printf("QEMU TCG: invalid CR0 combinations not tried there\n");
		return;
	}
	for (int flip = 0; flip < 2; flip++) {
		uint32_t f = flip ? CR0_NE : 0;
		const char *how = flip ? " (NE flipped)" : "";
		expect_gp("CR0.PG without PE", how, write_cr0_safe(((cr0 | CR0_PG) & ~1u) ^ f),
			  read_cr0, cr0, write_cr0_safe);
		expect_gp("CR0.NW without CD", how, write_cr0_safe((cr0 | CR0_NW) ^ f), read_cr0,
			  cr0, write_cr0_safe);
	}
}

static void check_long_mode(void)
{
	/* The first GiB, identity-mapped with 2 MiB pages. */
	for (unsigned i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* P RW PS */
	pdpt[0] = (uint32_t)pd | 3;
	pml4[0] = (uint32_t)pdpt | 3;
	for (int flip = 0; flip < 2; flip++) {
		uint32_t cr0 = read_cr0();
		lm_result64 = 0;
		uint32_t back = long_mode_round_trip((uint32_t)pml4, flip ? CR0_NE : 0);
		CHECK(lm_result64 == 0x64, "long mode%s: 64-bit code says %x", flip ? " (NE)" : "",
		      lm_result64);
		CHECK(back == 0x600d, "leaving long mode%s: %x", flip ? " (NE)" : "", back);
		CHECK(read_cr0() == cr0, "CR0 %x after the round trip, was %x", read_cr0(), cr0);
		printf("long mode entered and left by the guest%s\n",
		       flip ? ", CR0 writes flipping NE" : "");
	}
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	check_cr4();
	check_cr0();
	check_long_mode();
}
