/*
 * Address spaces (pallas/aspace.h).
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
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

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
	avl_init(&as->vmas);
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

/* --- the VMA tree --- */

static struct vma *vma_of(struct avl_node *n)
{
	return n ? container_of(n, struct vma, node) : NULL;
}

static int vma_cmp(const struct avl_node *a, const struct avl_node *b)
{
	const struct vma *x = vma_of((struct avl_node *)a), *y = vma_of((struct avl_node *)b);

	if (x->end <= y->start)
		return -1;
	return x->start >= y->end ? 1 : 0; /* overlapping ranges compare equal */
}

/* The mapping that contains addr, or NULL (lock held). */
static struct vma *vma_find(struct aspace *as, uintptr_t addr)
{
	struct avl_node *n = as->vmas.root;

	while (n) {
		struct vma *v = vma_of(n);
		if (addr < v->start)
			n = n->left;
		else if (addr >= v->end)
			n = n->right;
		else
			return v;
	}
	return NULL;
}

int aspace_map(struct aspace *as, uintptr_t start, size_t len, unsigned prot, struct memobj *obj,
	       uint64_t pgoff)
{
	if (!len || !IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	    !user_range_ok(start, len) || start == 0)
		return -EINVAL;
	struct vma *v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = (struct vma){
	    .start = start, .end = start + len, .prot = prot, .obj = obj, .pgoff = pgoff};
	unsigned long flags = spin_lock_irqsave(&as->lock);
	bool ok = avl_insert(&as->vmas, &v->node, vma_cmp);
	spin_unlock_irqrestore(&as->lock, flags);
	if (!ok) {
		kfree(v);
		return -EEXIST;
	}
	memobj_get(obj);
	return 0;
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

/* After changing entries of [va, va + npages pages): no CPU uses the old
 * ones once this returns. */
static void aspace_flush(struct aspace *as, uintptr_t va, size_t npages)
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

/* Unmaps and flushes the pages of [start, end), then lets them go. */
static void unmap_range(struct aspace *as, uintptr_t start, uintptr_t end)
{
	paddr_t batch[FLUSH_BATCH];

	for (uintptr_t va = start; va < end;) {
		uintptr_t from = va;
		unsigned n = 0;
		for (; va < end && n < FLUSH_BATCH; va += PAGE_SIZE) {
			uint64_t e = pgtable_unmap(as->root, va);
			if (e & PTE_P)
				batch[n++] = e & PTE_ADDR;
		}
		if (!n)
			continue;
		aspace_flush(as, from, (va - from) / PAGE_SIZE);
		for (unsigned i = 0; i < n; i++)
			frame_put(batch[i]);
	}
}

/* A mapping out of the tree goes: its pages, its object reference, itself. */
static void vma_release(struct aspace *as, struct vma *v)
{
	unmap_range(as, v->start, v->end);
	memobj_put(v->obj);
	kfree(v);
}

int aspace_unmap(struct aspace *as, uintptr_t start)
{
	unsigned long flags = spin_lock_irqsave(&as->lock);
	struct vma *v = vma_find(as, start);

	if (!v || v->start != start) {
		spin_unlock_irqrestore(&as->lock, flags);
		return -EINVAL;
	}
	avl_remove(&as->vmas, &v->node);
	spin_unlock_irqrestore(&as->lock, flags);
	/* Out of the tree: a racing fault finds no mapping, and one that is
	 * past its look-up rechecks before it maps (aspace_fault). */
	vma_release(as, v);
	return 0;
}

void aspace_put(struct aspace *as)
{
	if (__atomic_sub_fetch(&as->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned w = 0; w < CPUMASK_WORDS; w++)
		BUG_ON(__atomic_load_n(&as->active[w], __ATOMIC_ACQUIRE));
	for (struct avl_node *n; (n = avl_first(&as->vmas));) {
		avl_remove(&as->vmas, n);
		vma_release(as, vma_of(n));
	}
	pgtable_destroy(as->root);
	if (as->pcid)
		pcid_free(as->pcid);
	kfree(as);
}

/* --- faults --- */

static bool access_allowed(unsigned prot, bool write)
{
	return write ? prot & VMA_WRITE : prot & (VMA_READ | VMA_WRITE | VMA_EXEC);
}

int aspace_fault(struct aspace *as, uintptr_t addr, bool write)
{
	uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	unsigned long flags = spin_lock_irqsave(&as->lock);
	struct vma *v = vma_find(as, addr);

	if (!v || !access_allowed(v->prot, write)) {
		spin_unlock_irqrestore(&as->lock, flags);
		return -EFAULT;
	}
	struct memobj *obj = v->obj;
	uint64_t index = v->pgoff + (page - v->start) / PAGE_SIZE;
	unsigned prot = v->prot;
	memobj_get(obj);
	spin_unlock_irqrestore(&as->lock, flags);

	paddr_t pa;
	int err = memobj_page(obj, index, &pa); /* may sleep to fill it */
	if (!err) {
		uint64_t pte = (prot & VMA_WRITE ? PTE_W : 0) | (prot & VMA_EXEC ? 0 : PTE_NX);
		uint64_t old = 0;
		flags = spin_lock_irqsave(&as->lock);
		v = vma_find(as, addr);
		if (!v || v->obj != obj || v->pgoff + (page - v->start) / PAGE_SIZE != index)
			err = -EAGAIN; /* unmapped meanwhile: fault again, find what is there */
		else if (pgtable_lookup(as->root, page) & PTE_P)
			old = 1; /* another CPU's fault mapped it first */
		else if (!pgtable_map(as->root, page, pa, pte, &old))
			err = -ENOMEM;
		spin_unlock_irqrestore(&as->lock, flags);
		if (err || old)
			frame_put(pa);
	}
	memobj_put(obj);
	return err == -EAGAIN ? aspace_fault(as, addr, write) : err;
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
