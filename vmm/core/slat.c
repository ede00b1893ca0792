/* Second-level page tables, for either backend's format; see vmm/slat.h. */
#include <asm/paging.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <vmm/slat.h>

#define SLAT_LARGE (1ull << 7)
#define GPA_LIMIT  (1ull << 48) /* what four levels translate */

static uint64_t *new_table(paddr_t *pa)
{
	*pa = page_alloc(0);
	if (!*pa)
		return NULL;
	uint64_t *t = phys_to_virt(*pa);
	memset(t, 0, PAGE_SIZE);
	return t;
}

bool slat_init(struct slat *s, const struct slat_format *fmt)
{
	s->fmt = fmt;
	s->lock = (spinlock_t)SPINLOCK_INIT;
	s->pml4 = new_table(&s->root);
	return s->pml4 != NULL;
}

static void free_level(const struct slat_format *fmt, uint64_t *table, int level)
{
	for (int i = 0; i < 512 && level > 0; i++) {
		if ((table[i] & fmt->present) && !(table[i] & SLAT_LARGE))
			free_level(fmt, phys_to_virt(table[i] & PTE_ADDR), level - 1);
	}
	page_free(virt_to_phys(table), 0);
}

void slat_destroy(struct slat *s)
{
	free_level(s->fmt, s->pml4, 3);
}

static uint64_t *next(const struct slat_format *fmt, uint64_t *table, unsigned i)
{
	if (!(table[i] & fmt->present)) {
		paddr_t pa;
		if (!new_table(&pa))
			return NULL;
		table[i] = pa | fmt->table_flags;
	}
	if (table[i] & SLAT_LARGE)
		return NULL; /* already mapped by a large page */
	return phys_to_virt(table[i] & PTE_ADDR);
}

bool slat_map(struct slat *s, uint64_t gpa, paddr_t hpa, uint64_t size)
{
	const struct slat_format *fmt = s->fmt;
	bool huge = size == PAGE_2M;

	if ((size != PAGE_SIZE && !huge) || !IS_ALIGNED(gpa, size) || !IS_ALIGNED(hpa, size) ||
	    gpa >= GPA_LIMIT)
		return false;
	unsigned long flags = spin_lock_irqsave(&s->lock);
	bool ok = false;
	uint64_t *pdpt = next(fmt, s->pml4, (gpa >> 39) & 511);
	uint64_t *pd = pdpt ? next(fmt, pdpt, (gpa >> 30) & 511) : NULL;
	if (pd && huge) {
		pd[(gpa >> 21) & 511] = hpa | fmt->leaf_flags | SLAT_LARGE;
		ok = true;
	} else if (pd) {
		uint64_t *pt = next(fmt, pd, (gpa >> 21) & 511);
		if (pt) {
			pt[(gpa >> 12) & 511] = hpa | fmt->leaf_flags;
			ok = true;
		}
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return ok;
}
