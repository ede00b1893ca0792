/*
 * Address spaces (pallas/aspace.h): their lifetime, PCIDs, TLB flushes and
 * switching.  The ranges are aspace_map.c's, faults aspace_fault.c's, fork
 * aspace_fork.c's.
 *
 * Locks: map_lock (a mutex) orders the changes to the tree, so a search for
 * free space and the insert after it, or an unmap's page-table sweep and
 * what maps there next, cannot interleave; the spinlock guards the tree,
 * the page tables and the private objects' pages against faults, which do
 * not take map_lock.  TLB flushes happen with neither spinlock held.
 *
 * TLB coherence with PCIDs: a CPU that loads an address space keeps the TLB
 * entries tagged with its PCID across switches, so a change to a mapping
 * must reach CPUs that do not run it now as well.  aspace_flush marks every
 * CPU stale before it looks at which have the space loaded, and a CPU that
 * loads it marks itself active before it looks at its stale bit; so either
 * the flusher sees the CPU active and interrupts it, or the CPU sees the
 * mark and loads CR3 with a flush.  A PCID given back is handed out again
 * with every CPU stale, so nothing of its last owner survives.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "aspace_impl.h"

#define CPUID1_ECX_PCID (1u << 17)
#define CR4_PCIDE	(1ull << 17)
#define CR3_NOFLUSH	(1ull << 63)
#define PCID_COUNT	4096
#define FLUSH_BATCH	32

static bool pcid_on, decided;
static spinlock_t pcid_lock = SPINLOCK_INIT;
static uint64_t pcid_used[PCID_COUNT / 64] = {1}; /* PCID 0 is the kernel root's */

void aspace_cpu_init(void)
{
	if (!decided) {
		uint32_t a, b, c, d;
		cpuid(1, 0, &a, &b, &c, &d);
		pcid_on = c & CPUID1_ECX_PCID;
		decided = true;
		pr_info("aspace: %s\n", pcid_on ? "PCIDs on: switches keep each space's TLB entries"
						: "no PCIDs: every switch flushes the TLB");
	}
	if (pcid_on)
		write_cr4(read_cr4() | CR4_PCIDE); /* CR3's PCID is 0 here, as it must be */
}

static uint16_t pcid_alloc(void)
{
	uint16_t got = 0;
	unsigned long flags = spin_lock_irqsave(&pcid_lock);

	for (unsigned i = 1; pcid_on && i < PCID_COUNT && !got; i++) {
		if (!(pcid_used[i / 64] & (1ull << (i % 64)))) {
			pcid_used[i / 64] |= 1ull << (i % 64);
			got = (uint16_t)i;
		}
	}
	spin_unlock_irqrestore(&pcid_lock, flags);
	return got;
}

static void pcid_free(uint16_t pcid)
{
	unsigned long flags = spin_lock_irqsave(&pcid_lock);

	pcid_used[pcid / 64] &= ~(1ull << (pcid % 64));
	spin_unlock_irqrestore(&pcid_lock, flags);
}

static void mask_set(uint64_t *mask, unsigned cpu)
{
	__atomic_or_fetch(&mask[cpu / 64], 1ull << (cpu % 64), __ATOMIC_SEQ_CST);
}

static void mask_clear(uint64_t *mask, unsigned cpu)
{
	__atomic_and_fetch(&mask[cpu / 64], ~(1ull << (cpu % 64)), __ATOMIC_SEQ_CST);
}

static bool mask_test_and_clear(uint64_t *mask, unsigned cpu)
{
	uint64_t bit = 1ull << (cpu % 64);
	return __atomic_fetch_and(&mask[cpu / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

struct aspace *aspace_create(void)
{
	struct aspace *as = kzalloc(sizeof(*as));

	if (!as)
		return NULL;
	as->root = pgtable_create();
	if (!as->root) {
		kfree(as);
		return NULL;
	}
	as->refs = 1;
	as->lock = (spinlock_t)SPINLOCK_INIT;
	mutex_init(&as->map_lock);
	avl_init(&as->vmas);
	as->mmap_top = USER_TOP;
	as->pcid = pcid_alloc();
	memset(as->stale, 0xff, sizeof(as->stale)); /* a reused PCID's old entries */
	return as;
}

void aspace_get(struct aspace *as)
{
	__atomic_add_fetch(&as->refs, 1, __ATOMIC_RELAXED);
}

struct aspace *aspace_current(void)
{
	return this_cpu()->aspace;
}

void aspace_set_charge(struct aspace *as, struct mem_charge *charge)
{
	as->charge = charge;
}

void aspace_set_mmap_top(struct aspace *as, uintptr_t top)
{
	as->mmap_top = ALIGN_DOWN(MIN(top, USER_TOP), PAGE_SIZE);
}

struct memobj *aspace_anon_create(struct aspace *as)
{
	return memobj_create(MEMOBJ_ANON, ANON_PAGES, NULL, NULL, as->charge);
}

/* --- TLB flushes --- */

struct flush_range {
	struct aspace *as;
	uintptr_t va;
	size_t npages;
};

static void flush_here(void *arg)
{
	const struct flush_range *r = arg;

	if (this_cpu()->aspace != r->as)
		return; /* switched away since: its stale mark covers it */
	tlb_flush_local(r->va, r->npages);
}

void aspace_flush(struct aspace *as, uintptr_t va, size_t npages)
{
	struct flush_range r = {as, va, npages};

	for (unsigned w = 0; w < CPUMASK_WORDS; w++)
		__atomic_store_n(&as->stale[w], ~0ull, __ATOMIC_SEQ_CST);
	for (unsigned w = 0; w < CPUMASK_WORDS; w++) {
		uint64_t active = __atomic_load_n(&as->active[w], __ATOMIC_SEQ_CST);
		for (; active; active &= active - 1) {
			unsigned cpu = w * 64 + (unsigned)__builtin_ctzll(active);
			if (cpu == this_cpu()->id)
				flush_here(&r);
			else
				smp_call(cpu, flush_here, &r, true);
		}
	}
}

void aspace_unmap_ptes(struct aspace *as, uintptr_t start, uintptr_t end)
{
	paddr_t batch[FLUSH_BATCH];

	for (uintptr_t va = start; va < end;) {
		uintptr_t from = 0, to = 0;
		unsigned n = 0;
		unsigned long flags = as_lock(as);
		for (; n < FLUSH_BATCH && (va = pgtable_next_mapped(as->root, va, end)) < end;
		     va += PAGE_SIZE) {
			from = n ? from : va;
			to = va + PAGE_SIZE;
			batch[n++] = pgtable_unmap(as->root, va) & PTE_ADDR;
		}
		as_unlock(as, flags);
		if (!n)
			break;
		aspace_flush(as, from, (to - from) / PAGE_SIZE);
		for (unsigned i = 0; i < n; i++)
			frame_put(batch[i]);
	}
}

void aspace_vma_release(struct aspace *as, struct vma *v)
{
	aspace_unmap_ptes(as, v->start, v->end);
	if (v->anon) {
		/* Split halves share the object: only this range's copies go. */
		memobj_discard(v->anon, v->pgoff, vma_index(v, v->end));
		memobj_put(v->anon);
	}
	if (v->obj)
		memobj_put(v->obj);
	kfree(v);
}

void aspace_put(struct aspace *as)
{
	if (__atomic_sub_fetch(&as->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned w = 0; w < CPUMASK_WORDS; w++)
		BUG_ON(__atomic_load_n(&as->active[w], __ATOMIC_ACQUIRE));
	for (struct vma *v; (v = vma_from(&as->vmas, 0));) {
		vma_remove(&as->vmas, v);
		aspace_vma_release(as, v);
	}
	pgtable_destroy(as->root);
	if (as->pcid)
		pcid_free(as->pcid);
	kfree(as);
}

/* --- switching --- */

void aspace_switch(struct aspace *prev, struct aspace *next)
{
	struct cpu *c = this_cpu();

	if (prev == next)
		return;
	if (prev)
		mask_clear(prev->active, c->id);
	if (!next) {
		/* PCID 0 holds only kernel (global) entries unless the last space
		 * had no PCID of its own. */
		bool keep = pcid_on && prev && prev->pcid;
		write_cr3(pgtable_kernel_root() | (keep ? CR3_NOFLUSH : 0));
	} else {
		mask_set(next->active, c->id);
		bool flush = mask_test_and_clear(next->stale, c->id) || !next->pcid;
		bool keep = pcid_on && !flush;
		write_cr3(next->root | next->pcid | (keep ? CR3_NOFLUSH : 0));
	}
	c->aspace = next;
}
