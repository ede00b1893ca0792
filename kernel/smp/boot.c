/*
 * Starting the application processors, one at a time: INIT, then STARTUP
 * (twice if the first is not taken) at the real-mode trampoline, then wait
 * until the CPU reports itself online.  One at a time keeps the hand-over
 * variables below simple, and costs little next to the firmware-mandated
 * delays.  A CPU that does not come up is reported and bring-up stops there,
 * because it might still wake later and use the hand-over variables.
 */
#include <asm/cpu.h>
#include <asm/cpu_protect.h>
#include <asm/fpu.h>
#include <asm/lapic.h>
#include <asm/paging.h>
#include <asm/segment.h>
#include <pallas/aspace.h>
#include <pallas/acpi.h>
#include <pallas/boot.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/user.h>

#define AP_STACK_ORDER	 2 /* 16 KiB */
#define AP_START_WAIT_MS 2000

extern const char smp_trampoline_start[], smp_trampoline_end[];
extern const char smp_tr_gdtr_base[], smp_tr_far32[], smp_tr_far64[], smp_tr_cr3[], smp_tr_entry[],
    smp_tr_gdt[], smp_tr_prot[], smp_tr_long[];
extern const char smp_ap_entry64[];

/* Hand-over to the AP being started (read by smp_ap_entry64). */
uint64_t smp_ap_cr3, smp_ap_stack;
uint32_t smp_ap_id;

static paddr_t trampoline_pa;
static unsigned online = 1;
/* The trampoline's page tables: in the kernel image, hence below 4 GiB. */
static uint64_t tr_pml4[512] __attribute__((aligned(4096)));
static uint64_t tr_pdpt[512] __attribute__((aligned(4096)));
static uint64_t tr_pd[512] __attribute__((aligned(4096)));

void ap_main(unsigned id);

unsigned cpu_count(void)
{
	return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

void smp_reserve_trampoline(void)
{
	trampoline_pa = bootmem_alloc_low_page();
}

static paddr_t image_pa(const void *p)
{
	return boot_info.kernel_phys_base + ((uint64_t)p - boot_info.kernel_virt_base);
}

static void patch32(uint8_t *page, const char *sym, uint32_t v)
{
	memcpy(page + (sym - smp_trampoline_start), &v, 4);
}

static void patch64(uint8_t *page, const char *sym, uint64_t v)
{
	memcpy(page + (sym - smp_trampoline_start), &v, 8);
}

static bool prepare_trampoline(void)
{
	uint8_t *page = phys_to_virt(trampoline_pa);
	uint64_t *kernel_pml4 = phys_to_virt(read_cr3() & PTE_ADDR);

	if (image_pa(tr_pml4) >> 32) {
		pr_warn("smp: kernel image above 4 GiB, cannot start other CPUs\n");
		return false;
	}
	memset(tr_pml4, 0, sizeof(tr_pml4));
	tr_pd[0] = PTE_P | PTE_W | PTE_PS; /* 0-2 MiB, where the trampoline is */
	tr_pdpt[0] = image_pa(tr_pd) | PTE_P | PTE_W;
	tr_pml4[0] = image_pa(tr_pdpt) | PTE_P | PTE_W;
	for (int i = 256; i < 512; i++)
		tr_pml4[i] = kernel_pml4[i];

	memcpy(page, smp_trampoline_start, (size_t)(smp_trampoline_end - smp_trampoline_start));
	patch32(page, smp_tr_gdtr_base,
		(uint32_t)(trampoline_pa + (smp_tr_gdt - smp_trampoline_start)));
	patch32(page, smp_tr_far32,
		(uint32_t)(trampoline_pa + (smp_tr_prot - smp_trampoline_start)));
	patch32(page, smp_tr_far64,
		(uint32_t)(trampoline_pa + (smp_tr_long - smp_trampoline_start)));
	patch64(page, smp_tr_cr3, image_pa(tr_pml4));
	patch64(page, smp_tr_entry, (uint64_t)smp_ap_entry64);
	smp_ap_cr3 = read_cr3();
	return true;
}

static bool wait_online(unsigned id, uint64_t ms)
{
	uint64_t end = clock_ns() + ms * NSEC_PER_MSEC;

	while (clock_ns() < end) {
		if (__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return false;
}

static bool start_cpu(unsigned id, uint32_t apic_id)
{
	paddr_t stack = page_alloc(AP_STACK_ORDER);
	struct cpu_tables *tables = kzalloc(sizeof(*tables));

	if (!stack || !tables) {
		pr_warn("smp: out of memory starting CPU %u\n", id);
		return false;
	}
	cpus[id].apic_id = apic_id;
	cpus[id].tables = tables;
	smp_ap_stack = (uint64_t)phys_to_virt(stack) + (PAGE_SIZE << AP_STACK_ORDER);
	smp_ap_id = id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_ipi(apic_id, ICR_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
	udelay(10000);
	if (!lapic_x2apic_mode())
		lapic_send_ipi(apic_id, ICR_INIT | ICR_TRIGGER_LEVEL); /* de-assert */
	uint32_t sipi = ICR_STARTUP | (uint32_t)(trampoline_pa >> 12);
	lapic_send_ipi(apic_id, sipi);
	if (!wait_online(id, 1)) {
		lapic_send_ipi(apic_id, sipi);
		if (!wait_online(id, AP_START_WAIT_MS)) {
			pr_warn("smp: CPU %u (APIC %u) did not start\n", id, apic_id);
			return false;
		}
	}
	return true;
}

void smp_init(void)
{
	const struct acpi_platform *p = acpi_platform();
	uint32_t bsp = cpus[0].apic_id;
	unsigned n = 1;

	if (!p->has_madt || !trampoline_pa || !prepare_trampoline()) {
		pr_warn("smp: other CPUs not started (%s)\n",
			!p->has_madt ? "no MADT" : "no trampoline");
		pr_info("smp: 1 CPU online\n");
		return;
	}
	for (unsigned i = 0; i < p->madt.ncpus && n < MAX_CPUS; i++) {
		const struct acpi_cpu *c = &p->madt.cpus[i];
		if (!c->enabled || c->apic_id == bsp)
			continue;
		if (!start_cpu(n, c->apic_id))
			break;
		n++;
		__atomic_store_n(&online, n, __ATOMIC_RELEASE);
	}
	pr_info("smp: %u CPU%s online\n", cpu_count(), cpu_count() == 1 ? "" : "s");
}

/* The first C an AP runs; GS is not set yet, so nothing may lock before percpu_init. */
void ap_main(unsigned id)
{
	percpu_init(id);
	struct cpu *c = this_cpu();
	cpu_tables_init(c->tables);
	cpu_tables_load(c->tables);
	idt_load();
	write_cr4(read_cr4() | CR4_PGE);
	fpu_cpu_init();
	cpu_protect_init();
	syscall_cpu_init();
	aspace_cpu_init();
	irq_cpu_init();
	timer_cpu_init();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_cpu_start();
}
