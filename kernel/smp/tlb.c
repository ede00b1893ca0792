/*
 * TLB shootdown: after a mapping is changed or removed, every CPU that may
 * have cached it must drop it before the change is relied on (the old page
 * freed or reused).  Ranges beyond a few dozen pages flush the whole TLB,
 * which is cheaper than that many INVLPGs.
 */
#include <asm/cpu.h>
#include <pallas/mm.h>
#include <pallas/smp.h>

#define INVLPG_MAX 32

struct range {
	uintptr_t va;
	size_t npages;
};

void tlb_flush_local(uintptr_t va, size_t npages)
{
	if (npages == 0 || npages > INVLPG_MAX) {
		/* Toggling PGE drops global entries too, which a CR3 write keeps,
		 * and the entries of every PCID. */
		uint64_t cr4 = read_cr4();
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
		return;
	}
	for (size_t i = 0; i < npages; i++)
		__asm__ volatile("invlpg (%0)" ::"r"(va + i * PAGE_SIZE) : "memory");
}

static void flush_local(void *arg)
{
	const struct range *r = arg;

	tlb_flush_local(r->va, r->npages);
}

void tlb_shootdown(uintptr_t va, size_t npages)
{
	struct range r = {va, npages};

	flush_local(&r);
	if (cpu_count() > 1)
		smp_call_others(flush_local, &r);
}
