/* SMP self-tests: every CPU is online and answers, and TLB shootdown reaches all. */
#include <asm/paging.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/string.h>

KTEST(smp_all_cpus_online)
{
	const struct acpi_platform *p = acpi_platform();
	unsigned enabled = 0;

	for (unsigned i = 0; i < p->madt.ncpus; i++)
		enabled += p->madt.cpus[i].enabled;
	KEXPECT(t, cpu_count() == MIN(enabled, (unsigned)MAX_CPUS));
	for (unsigned i = 0; i < cpu_count(); i++)
		KEXPECT(t, cpu_get(i)->online);
}

static void record_self(void *arg)
{
	unsigned *where = arg;

	where[this_cpu()->id] = this_cpu()->id + 1;
}

KTEST(smp_ipi_each_cpu)
{
	static unsigned seen[MAX_CPUS];

	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < cpu_count(); i++) {
		smp_call(i, record_self, seen, true);
		KEXPECT(t, seen[i] == i + 1);
	}
}

KTEST(smp_call_others_reaches_all)
{
	static unsigned seen[MAX_CPUS];

	memset(seen, 0, sizeof(seen));
	smp_call_others(record_self, seen);
	for (unsigned i = 0; i < cpu_count(); i++)
		KEXPECT(t, seen[i] == (i == this_cpu()->id ? 0 : i + 1));
}

#define TLB_TEST_VA 0xffffffffc0000000ull

struct tlb_probe {
	uint64_t values[MAX_CPUS];
};

static void read_test_page(void *arg)
{
	struct tlb_probe *p = arg;

	p->values[this_cpu()->id] = *(volatile uint64_t *)TLB_TEST_VA;
}

static void read_everywhere(struct tlb_probe *p)
{
	for (unsigned i = 0; i < cpu_count(); i++)
		smp_call(i, read_test_page, p, true);
}

/* Every CPU caches a mapping, it is changed, and after the shootdown every
 * CPU sees the new page rather than the stale one. */
KTEST(tlb_shootdown_all_cpus)
{
	static struct tlb_probe probe;
	paddr_t a = page_alloc(0), b = page_alloc(0);

	KEXPECT(t, a && b);
	if (!a || !b)
		return;
	*(uint64_t *)phys_to_virt(a) = 0xaaaa;
	*(uint64_t *)phys_to_virt(b) = 0xbbbb;
	paging_map_page(TLB_TEST_VA, a, PTE_W | PTE_NX);
	tlb_shootdown(TLB_TEST_VA, 1);
	read_everywhere(&probe);
	for (unsigned i = 0; i < cpu_count(); i++)
		KEXPECT(t, probe.values[i] == 0xaaaa);

	paging_map_page(TLB_TEST_VA, b, PTE_W | PTE_NX);
	tlb_shootdown(TLB_TEST_VA, 1);
	read_everywhere(&probe);
	for (unsigned i = 0; i < cpu_count(); i++)
		KEXPECT(t, probe.values[i] == 0xbbbb);

	paging_map_page(TLB_TEST_VA, a, PTE_W | PTE_NX);
	tlb_shootdown(0, 0); /* the whole-TLB path */
	read_everywhere(&probe);
	for (unsigned i = 0; i < cpu_count(); i++)
		KEXPECT(t, probe.values[i] == 0xaaaa);
	page_free(a, 0);
	page_free(b, 0);
}
