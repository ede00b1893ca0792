/*
 * User-half page tables (asm/pgtable.h).  Tables are allocated on the way
 * down and freed only with the whole tree: an address space's tables live
 * as long as it does, which keeps unmap free of table bookkeeping.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#define USER_SLOTS 256 /* PML4 entries of the lower half */

paddr_t pgtable_create(void)
{
	paddr_t root = page_alloc(0);

	if (!root)
		return 0;
	uint64_t *dst = pte_table(root), *src = pte_table(pgtable_kernel_root());
	memset(dst, 0, USER_SLOTS * sizeof(uint64_t));
	memcpy(dst + USER_SLOTS, src + USER_SLOTS, USER_SLOTS * sizeof(uint64_t));
	return root;
}

static void free_level(uint64_t entry, int level)
{
	if (level > 0) {
		uint64_t *t = pte_table(entry);
		for (unsigned i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				free_level(t[i], level - 1);
	}
	page_free(entry & PTE_ADDR, 0);
}

void pgtable_destroy(paddr_t root)
{
	uint64_t *t = pte_table(root);

	for (unsigned i = 0; i < USER_SLOTS; i++)
		if (t[i] & PTE_P)
			free_level(t[i], 2); /* a PDPT: its PDs, their PTs */
	page_free(root, 0);
}

/* The page table (last level) for va, created on the way when create. */
static uint64_t *leaf_table(paddr_t root, uintptr_t va, bool create)
{
	uint64_t *t = pte_table(root);

	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[pte_index(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			paddr_t p = page_alloc(0);
			if (!p)
				return NULL;
			memset(phys_to_virt(p), 0, PAGE_SIZE);
			/* Permissions are the leaf's to decide. */
			*e = p | PTE_P | PTE_W | PTE_U;
		}
		t = pte_table(*e);
	}
	return t;
}

bool pgtable_map(paddr_t root, uintptr_t va, paddr_t pa, uint64_t flags, uint64_t *old)
{
	BUG_ON(va >= USER_TOP || !IS_ALIGNED(va, PAGE_SIZE));
	uint64_t *pt = leaf_table(root, va, true);
	if (!pt)
		return false;
	uint64_t *e = &pt[pte_index(va, 0)];
	*old = *e;
	*e = (pa & PTE_ADDR) | (flags & ~PTE_ADDR) | PTE_P | PTE_U;
	return true;
}

uint64_t pgtable_unmap(paddr_t root, uintptr_t va)
{
	uint64_t *pt = leaf_table(root, va, false);

	if (!pt)
		return 0;
	uint64_t old = pt[pte_index(va, 0)];
	pt[pte_index(va, 0)] = 0;
	return old;
}

uint64_t pgtable_lookup(paddr_t root, uintptr_t va)
{
	uint64_t *pt = leaf_table(root, va, false);

	return pt ? pt[pte_index(va, 0)] : 0;
}

uintptr_t pgtable_next_mapped(paddr_t root, uintptr_t va, uintptr_t end)
{
	while (va < end) {
		uint64_t *t = pte_table(root);
		int level = 3;
		for (; level > 0 && (t[pte_index(va, level)] & PTE_P); level--)
			t = pte_table(t[pte_index(va, level)]);
		if (!level && (t[pte_index(va, 0)] & PTE_P))
			return va;
		uint64_t span = 1ull
				<< (PAGE_SHIFT + 9 * level); /* what the missing entry covers */
		va = ALIGN_DOWN(va, span) + span;
	}
	return end;
}

uint64_t pgtable_update(paddr_t root, uintptr_t va, uint64_t clear, uint64_t set)
{
	uint64_t *pt = leaf_table(root, va, false);
	uint64_t *e = pt ? &pt[pte_index(va, 0)] : NULL;
	uint64_t old = e ? *e : 0;

	if (old & PTE_P)
		*e = (old & ~clear) | set;
	return old;
}
