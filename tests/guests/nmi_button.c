/* The NMI button (vmtest's platform_nmi, QEMU's monitor `nmi`): an edge on
 * every CPU's LINT1, the pin the MADT says NMI is wired to, so each CPU gets
 * what its LVT LINT1 programs (SDM Vol. 3A 11.5.1): an NMI in NMI mode, that
 * wakes `cli; hlt`; nothing while masked, also while the LAPIC is software-
 * disabled, which masks every LVT and keeps it masked (11.4.7.2); a fixed
 * interrupt, held in IRR while IF is clear and delivered once; and with the
 * LAPIC off in IA32_APIC_BASE the pin is the CPU's own NMI input (11.4.3).
 *
 * The harness presses the button periodically once this guest has asked.
 * The AP keeps LINT1 in NMI mode and counts the presses: the BSP judges what
 * it got against the presses the AP saw, never against time. */
#include "lib/guest.h"

const char guest_name[] = "nmi_button";

#define LAPIC_IRR	0x200
#define LAPIC_LVT_LINT1 0x360
#define LVT_MASKED	(1u << 16)
#define LVT_NMI		(4u << 8)
#define SVR_ENABLED	(1u << 8)
#define FIXED_VECTOR	0x60
#define MSR_APIC_BASE	0x1b
#define BASE_ENABLE	(1u << 11)
#define SPIN_LIMIT	2000000000u

static volatile unsigned ap_nmis, bsp_nmis, bsp_fixed;
static volatile bool ap_ready;

/* CPUID's initial APIC ID: the LAPIC's registers are gone while it is off. */
static unsigned cpu_index(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	return r[1] >> 24;
}

static void on_nmi(struct trap_frame *f)
{
	(void)f;
	if (cpu_index() == 0)
		bsp_nmis++;
	else
		ap_nmis++;
}

static void on_fixed(struct trap_frame *f)
{
	(void)f;
	bsp_fixed++;
	lapic_eoi();
}

static void ap_main(unsigned idx)
{
	(void)idx;
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	ap_ready = true;
	for (;;)
		asm volatile("cli; hlt"); /* each press wakes it for its NMI */
}

/* Waits until the AP has counted n more presses. */
static void presses(unsigned n, const char *phase)
{
	unsigned from = ap_nmis;

	for (uint32_t spin = 0; ap_nmis - from < n; spin++) {
		CHECK(spin < SPIN_LIMIT, "%s: the AP saw %u of %u presses", phase, ap_nmis - from,
		      n);
		pause();
	}
}

/* The BSP gets no NMI: one press first for any NMI already on its way. */
static void no_nmi(const char *phase)
{
	presses(1, phase);
	unsigned before = bsp_nmis;
	presses(3, phase);
	CHECK(bsp_nmis == before, "%s: %u NMIs in 3 presses, expected none", phase,
	      bsp_nmis - before);
}

static void nmis_arrive(const char *phase)
{
	unsigned before = bsp_nmis;

	presses(3, phase);
	CHECK(bsp_nmis != before, "%s: no NMI in 3 presses", phase);
}

static bool irr_has(unsigned vector)
{
	return lapic_read(LAPIC_IRR + 0x10 * (vector / 32)) & (1u << (vector % 32));
}

static void nmi_mode(void)
{
	/* SeaBIOS leaves it level-triggered, which NMI mode ignores. */
	CHECK((lapic_read(LAPIC_LVT_LINT1) & (LVT_MASKED | 0x700)) == LVT_NMI,
	      "the BSP's LINT1 is %x at start, not NMI (virtual wire)",
	      lapic_read(LAPIC_LVT_LINT1));
	nmis_arrive("LINT1 NMI");
	for (int i = 0; i < 3; i++) {
		unsigned before = bsp_nmis;
		asm volatile("cli; hlt" ::: "memory");
		CHECK(bsp_nmis != before, "cli; hlt ended without an NMI");
	}
	printf("LINT1 NMI: %u NMIs, each of 3 cli;hlt woken by one\n", bsp_nmis);
}

static void fixed_mode(void)
{
	unsigned nmis = bsp_nmis;

	lapic_write(LAPIC_LVT_LINT1, FIXED_VECTOR);
	presses(1, "LINT1 fixed, IF clear");
	unsigned before = bsp_fixed;
	presses(2, "LINT1 fixed, IF clear");
	CHECK(bsp_fixed == before, "LINT1 fixed: delivered with IF clear");
	CHECK(irr_has(FIXED_VECTOR), "LINT1 fixed: vector %x not in IRR", FIXED_VECTOR);
	asm volatile("sti; nop; nop; cli" ::: "memory");
	CHECK(bsp_fixed == before + 1, "LINT1 fixed: %u interrupts from IRR on sti, expected 1",
	      bsp_fixed - before);
	before = bsp_fixed;
	sti();
	presses(3, "LINT1 fixed, IF set");
	cli();
	CHECK(bsp_fixed != before, "LINT1 fixed: no interrupt in 3 presses with IF set");
	CHECK(bsp_nmis == nmis, "LINT1 fixed: %u NMIs", bsp_nmis - nmis);
	printf("LINT1 fixed: vector %x held in IRR with IF clear, then delivered\n", FIXED_VECTOR);
}

static void software_disabled(void)
{
	uint32_t svr = lapic_read(LAPIC_SVR);

	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED | LVT_NMI);
	no_nmi("LINT1 masked");
	/* QEMU 7.2 leaves the LVTs of a software-disabled LAPIC as software
	 * writes them, and delivers through them. */
	if (under_qemu_tcg()) {
		printf("LINT1 masked: no NMI (software disable skipped under QEMU TCG)\n");
		return;
	}
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	lapic_write(LAPIC_SVR, svr & ~SVR_ENABLED);
	CHECK(lapic_read(LAPIC_LVT_LINT1) & LVT_MASKED, "software-disabled: LINT1 %x not masked",
	      lapic_read(LAPIC_LVT_LINT1));
	no_nmi("software-disabled");
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	CHECK(lapic_read(LAPIC_LVT_LINT1) & LVT_MASKED,
	      "software-disabled: LINT1 unmasked by a write (%x)", lapic_read(LAPIC_LVT_LINT1));
	no_nmi("software-disabled, LINT1 written");
	lapic_write(LAPIC_SVR, svr);
	CHECK(lapic_read(LAPIC_LVT_LINT1) & LVT_MASKED,
	      "software-enabled again: LINT1 %x unmasked by itself", lapic_read(LAPIC_LVT_LINT1));
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	nmis_arrive("software-enabled again");
	printf("LINT1 masked and software-disabled: no NMI\n");
}

static void globally_disabled(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	/* Masked, and still the NMI arrives: the LAPIC is out of the way. */
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED | LVT_NMI);
	wrmsr(MSR_APIC_BASE, base & ~(uint64_t)BASE_ENABLE);
	/* QEMU 7.2's monitor `nmi` goes through LVT LINT1 whenever the CPU has
	 * a LAPIC, enabled or not; it is not a processor without one then. */
	if (!under_qemu_tcg())
		nmis_arrive("LAPIC off in IA32_APIC_BASE");
	wrmsr(MSR_APIC_BASE, base);
	lapic_enable();
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED | LVT_NMI);
	no_nmi("LAPIC on again, LINT1 masked");
	printf("LAPIC off: the pin is the CPU's NMI input%s\n",
	       under_qemu_tcg() ? " (skipped under QEMU TCG)" : "");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	trap_set_handler(2, on_nmi);
	trap_set_handler(FIXED_VECTOR, on_fixed);
	pic_init(); /* the firmware's PIT interrupt must not come through LINT0 */
	lapic_enable();
	CHECK(ap_start(ap_main) == 2, "this guest wants 2 CPUs");
	for (uint32_t spin = 0; !ap_ready; spin++)
		CHECK(spin < SPIN_LIMIT, "the AP did not program its LINT1");
	printf("guest: press NMI\n");
	nmi_mode();
	fixed_mode();
	software_disabled();
	globally_disabled();
	guest_pass();
}
