/* INIT and STARTUP IPIs to an AP that is already running: INIT stops it and
 * leaves it waiting for a STARTUP IPI (Intel SDM 8.4.4, 10.4.7.3), which
 * starts it afresh in real mode at the new vector with the registers and the
 * LAPIC as after INIT (Table 9-1); a STARTUP IPI to a CPU that is not
 * waiting for one, and INIT level de-assert, change nothing. */
#include "lib/guest.h"

const char guest_name[] = "init_sipi";

#define VEC_A		  0x08 /* first start: 0x8000 */
#define VEC_B		  0x0a /* after INIT: 0xa000 */
#define AP_ID		  1
#define ICR_INIT	  0x00004500 /* INIT, level assert */
#define ICR_INIT_DEASSERT 0x00008500 /* INIT, level-triggered, de-assert */
#define ICR_SIPI	  0x00004600

#define LAPIC_LDR	0x0d0
#define LAPIC_DFR	0x0e0
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERR	0x370

/* The blob's save area (init_sipi.S), filled before the AP touches anything. */
struct save {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, cr0, cr4;
	uint16_t cs, ds, es, ss, fs, gs;
	uint32_t eflags, efer, entries;
};
_Static_assert(sizeof(struct save) == 64, "the save area of init_sipi.S");

extern char isa_blob_start[], isa_blob_end[], isa_gdt_ptr[], isa_save[];
extern const char gdt_ptr[];
uint32_t isa_stack;
void isa_ap_main(uint32_t base);

static uint8_t ap_stack[2][8192] __attribute__((aligned(16)));

/* What the AP saw from protected mode, per start. */
struct view {
	uint32_t cpuid_apic, lapic_id, svr, tpr, ldr, dfr, lvt_timer, lint0, lint1, lvt_err;
	uint32_t cr0, cr4;
};
static struct view views[2];
static volatile uint32_t ready[2];
static volatile uint32_t counter[2];
static bool has_nx;

static struct save *save_of(unsigned vec)
{
	return (struct save *)(vec * 0x1000u + (uint32_t)(isa_save - isa_blob_start));
}

void isa_ap_main(uint32_t base)
{
	unsigned idx = base == VEC_A * 0x1000u ? 0 : 1;
	struct view *v = &views[idx];
	uint32_t r[4];

	cpuid(1, 0, r);
	v->cpuid_apic = r[1] >> 24;
	v->lapic_id = lapic_id();
	v->svr = lapic_read(LAPIC_SVR);
	v->tpr = lapic_read(LAPIC_TPR);
	v->ldr = lapic_read(LAPIC_LDR);
	v->dfr = lapic_read(LAPIC_DFR);
	v->lvt_timer = lapic_read(LAPIC_LVT_TMR);
	v->lint0 = lapic_read(LAPIC_LVT_LINT0);
	v->lint1 = lapic_read(LAPIC_LVT_LINT1);
	v->lvt_err = lapic_read(LAPIC_LVT_ERR);
	asm volatile("mov %%cr0, %0" : "=r"(v->cr0));
	asm volatile("mov %%cr4, %0" : "=r"(v->cr4));
	if (idx == 0) {
		/* State INIT must undo: the LAPIC's, CR4's and EFER's. */
		lapic_write(LAPIC_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
		lapic_write(LAPIC_TPR, 0x30);
		lapic_write(LAPIC_LDR, 0x01000000);
		lapic_write(LAPIC_DFR, 0x0fffffff);
		lapic_write(LAPIC_LVT_TMR, 0x40); /* unmasked; no count, so quiet */
		lapic_write(LAPIC_LVT_LINT0, 0x700);
		uint32_t cr4 = v->cr4 | (1u << 9); /* OSFXSR */
		asm volatile("mov %0, %%cr4" ::"r"(cr4));
		if (has_nx)
			wrmsr(0xc0000080, rdmsr(0xc0000080) | (1u << 11)); /* NXE */
	}
	ready[idx] = 1;
	for (;;)
		__atomic_add_fetch(&counter[idx], 1, __ATOMIC_RELAXED);
}

static void delay(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		pause();
}

/* Spins until counter[idx] has moved by at least n; returns the spins. */
static unsigned wait_counts(unsigned idx, uint32_t n, const char *what)
{
	uint32_t c0 = counter[idx];
	unsigned spins = 0;

	while (counter[idx] - c0 < n) {
		CHECK(++spins < 500000000u, "%s: the AP stopped counting (at %u)", what,
		      counter[idx]);
		pause();
	}
	return spins;
}

static void wait_ready(unsigned idx, const char *what)
{
	for (unsigned spins = 0; !ready[idx]; spins++) {
		CHECK(spins < 500000000u, "%s: the AP did not start", what);
		pause();
	}
}

/* The AP is stopped when its counter holds still for far longer than it
 * took to count `cal` spins' worth. */
static void expect_stopped(unsigned idx, unsigned cal, const char *what)
{
	for (int tries = 0;; tries++) {
		uint32_t a = counter[idx];
		delay(100 * cal + 100000);
		uint32_t b = counter[idx];
		if (a == b)
			return;
		CHECK(tries < 20, "%s: the AP still runs (%u then %u)", what, a, b);
	}
}

static void check_startup_state(unsigned vec, const struct view *v, const char *what)
{
	const struct save *s = save_of(vec);
	uint32_t sig[4];

	cpuid(1, 0, sig);
	printf("%s: cs 0x%x eflags 0x%x cr0 0x%x cr4 0x%x efer 0x%x edx 0x%x esp 0x%x\n", what,
	       s->cs, s->eflags, s->cr0, s->cr4, s->efer, s->edx, s->esp);
	CHECK(s->entries == 1, "%s: entered %u times", what, s->entries);
	CHECK(s->cs == vec << 8, "%s: CS 0x%x", what, s->cs);
	CHECK(s->ds == 0 && s->es == 0 && s->ss == 0 && s->fs == 0 && s->gs == 0,
	      "%s: data selectors %x %x %x %x %x", what, s->ds, s->es, s->ss, s->fs, s->gs);
	CHECK(s->eflags == 2, "%s: EFLAGS 0x%x", what, s->eflags);
	CHECK(s->cr0 == 0x60000010, "%s: CR0 0x%x", what, s->cr0);
	CHECK(s->cr4 == 0, "%s: CR4 0x%x", what, s->cr4);
	CHECK(s->efer == 0, "%s: EFER 0x%x", what, s->efer);
	CHECK(s->eax == 0 && s->ebx == 0 && s->ecx == 0 && s->esi == 0 && s->edi == 0 &&
		  s->ebp == 0 && s->esp == 0,
	      "%s: registers %x %x %x %x %x %x %x", what, s->eax, s->ebx, s->ecx, s->esi, s->edi,
	      s->ebp, s->esp);
	CHECK(s->edx == sig[0], "%s: EDX 0x%x, not the signature 0x%x", what, s->edx, sig[0]);
	printf("%s: APIC ID %u (CPUID %u) SVR 0x%x TPR 0x%x LDR 0x%x DFR 0x%x LVT %x %x %x %x\n",
	       what, v->lapic_id, v->cpuid_apic, v->svr, v->tpr, v->ldr, v->dfr, v->lvt_timer,
	       v->lint0, v->lint1, v->lvt_err);
	CHECK(v->lapic_id == AP_ID && v->cpuid_apic == AP_ID, "%s: APIC ID %u, CPUID says %u", what,
	      v->lapic_id, v->cpuid_apic);
	CHECK(v->svr == 0xff, "%s: SVR 0x%x", what, v->svr);
	CHECK(v->tpr == 0 && v->ldr == 0 && v->dfr == 0xffffffff, "%s: TPR %x LDR %x DFR %x", what,
	      v->tpr, v->ldr, v->dfr);
	CHECK(v->lvt_timer == 0x10000 && v->lint0 == 0x10000 && v->lint1 == 0x10000 &&
		  v->lvt_err == 0x10000,
	      "%s: LVTs %x %x %x %x", what, v->lvt_timer, v->lint0, v->lint1, v->lvt_err);
}

void guest_main(const struct mb_info *mbi)
{
	uint32_t r[4];

	(void)mbi;
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		has_nx = r[3] & (1u << 20);
	}
	lapic_enable();
	memcpy(isa_gdt_ptr, gdt_ptr, 6);
	size_t len = (size_t)(isa_blob_end - isa_blob_start);
	memcpy((void *)(VEC_A * 0x1000u), isa_blob_start, len);
	memcpy((void *)(VEC_B * 0x1000u), isa_blob_start, len);

	/* INIT-SIPI-SIPI: the second STARTUP finds it running and is ignored. */
	isa_stack = (uint32_t)&ap_stack[0][sizeof(ap_stack[0])];
	lapic_send_ipi(AP_ID, ICR_INIT);
	delay(100000);
	lapic_send_ipi(AP_ID, ICR_SIPI | VEC_A);
	wait_ready(0, "first start");
	isa_stack = (uint32_t)&ap_stack[1][sizeof(ap_stack[1])];
	lapic_send_ipi(AP_ID, ICR_SIPI | VEC_A);
	unsigned cal = wait_counts(0, 1000, "after the second STARTUP");
	check_startup_state(VEC_A, &views[0], "first start");
	printf("AP counts 1000 in %u spins\n", cal);

	/* INIT level de-assert is not an INIT. */
	lapic_send_ipi(AP_ID, ICR_INIT_DEASSERT);
	delay(100 * cal + 100000);
	wait_counts(0, 100000, "after INIT de-assert");
	CHECK(save_of(VEC_A)->entries == 1, "restarted by INIT de-assert");

	/* INIT: the AP stops where it was. */
	lapic_send_ipi(AP_ID, ICR_INIT);
	expect_stopped(0, cal, "after INIT");
	uint32_t frozen = counter[0];
	printf("INIT: the AP stopped at %u\n", frozen);

	/* STARTUP at another vector: fresh, in real mode, LAPIC reset. */
	lapic_send_ipi(AP_ID, ICR_SIPI | VEC_B);
	wait_ready(1, "STARTUP after INIT");
	wait_counts(1, 100000, "after the STARTUP");
	check_startup_state(VEC_B, &views[1], "after INIT");
	CHECK(counter[0] == frozen, "the old code ran again: %u after %u", counter[0], frozen);
	CHECK(save_of(VEC_A)->entries == 1, "the first vector entered again");

	/* A STARTUP to a CPU that is running is ignored. */
	lapic_send_ipi(AP_ID, ICR_SIPI | VEC_A);
	delay(100 * cal + 100000);
	wait_counts(1, 100000, "after a STARTUP to a running CPU");
	CHECK(save_of(VEC_A)->entries == 1 && counter[0] == frozen,
	      "a STARTUP to a running CPU restarted it (%u entries)", save_of(VEC_A)->entries);
	CHECK(save_of(VEC_B)->entries == 1, "vector B entered %u times", save_of(VEC_B)->entries);
}
