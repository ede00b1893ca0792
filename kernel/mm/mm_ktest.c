/*
 * Self-tests of the page allocator and kmalloc on the real memory map.  They
 * run under emulation with up to 8 GiB, so the work is bounded: nothing here
 * touches more than a few MiB, and exhaustion is tested on the largest order
 * only, where each block costs one write.
 */
#include <pallas/buddy.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/string.h>

/* Big blocks get every 8th qword, enough to catch overlaps without slowing TCG. */
static uint64_t stride(uint64_t bytes)
{
	return bytes >= PAGE_SIZE ? 8 : 1;
}

static void fill(void *v, uint64_t bytes, uint64_t seed)
{
	uint64_t *w = v;
	for (uint64_t i = 0; i < bytes / 8; i += stride(bytes))
		w[i] = seed ^ (i * 0x9e3779b97f4a7c15ull);
}

static bool intact(const void *v, uint64_t bytes, uint64_t seed)
{
	const uint64_t *w = v;
	for (uint64_t i = 0; i < bytes / 8; i += stride(bytes)) {
		if (w[i] != (seed ^ (i * 0x9e3779b97f4a7c15ull)))
			return false;
	}
	return true;
}

KTEST(mm_every_order)
{
	uint64_t start = page_free_count();
	paddr_t got[BUDDY_MAX_ORDER + 1];

	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		got[o] = page_alloc(o);
		KEXPECT(t, got[o] != 0);
		KEXPECT(t, IS_ALIGNED(got[o], PAGE_SIZE << o));
		if (got[o])
			fill(phys_to_virt(got[o]), PAGE_SIZE << o, got[o]);
	}
	KEXPECT(t, page_free_count() == start - ((2ull << BUDDY_MAX_ORDER) - 1));
	/* All blocks live at once, so an overlap would show in the patterns. */
	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		if (!got[o])
			continue;
		KEXPECT(t, intact(phys_to_virt(got[o]), PAGE_SIZE << o, got[o]));
		page_free(got[o], o);
	}
	KEXPECT(t, page_free_count() == start);
	KEXPECT(t, page_alloc(BUDDY_MAX_ORDER + 1) == 0);
	KEXPECT(t, page_alloc_check());
}

KTEST(mm_many_pages)
{
	enum { N = 1024 };
	uint64_t start = page_free_count();
	paddr_t head = 0;
	unsigned n = 0;

	/* Chain the pages through their first qword; the rest carries a pattern. */
	for (; n < N; n++) {
		paddr_t p = page_alloc(0);
		if (!p)
			break;
		uint64_t *w = phys_to_virt(p);
		fill(w + 1, PAGE_SIZE - 8, p);
		w[0] = head;
		head = p;
	}
	KEXPECT(t, n == N);
	while (head) {
		uint64_t *w = phys_to_virt(head);
		paddr_t next = w[0];
		KEXPECT(t, intact(w + 1, PAGE_SIZE - 8, head));
		page_free(head, 0);
		head = next;
	}
	KEXPECT(t, page_free_count() == start);
	KEXPECT(t, page_alloc_check());
}

KTEST(mm_exhaust_max_order)
{
	uint64_t start = page_free_count();
	paddr_t head = 0, p;
	uint64_t n = 0;

	while ((p = page_alloc(BUDDY_MAX_ORDER)) != 0) {
		*(paddr_t *)phys_to_virt(p) = head;
		head = p;
		n++;
	}
	KEXPECT(t, n > 0);
	KEXPECT(t, page_alloc(BUDDY_MAX_ORDER) == 0);

	/* Giving one back makes exactly that one available again. */
	paddr_t next = *(paddr_t *)phys_to_virt(head);
	page_free(head, BUDDY_MAX_ORDER);
	KEXPECT(t, page_alloc(BUDDY_MAX_ORDER) == head);
	KEXPECT(t, page_alloc(BUDDY_MAX_ORDER) == 0);
	*(paddr_t *)phys_to_virt(head) = next;

	while (head) {
		next = *(paddr_t *)phys_to_virt(head);
		page_free(head, BUDDY_MAX_ORDER);
		head = next;
	}
	KEXPECT(t, page_free_count() == start);
	KEXPECT(t, page_alloc_check());
}

KTEST(kmalloc_sizes)
{
	static const size_t sizes[] = {1,    8,	   15,	 16,   17,   100,  255,	  512,	   1000,
				       2048, 2049, 3072, 3073, 4096, 5000, 65536, 1u << 20};
	void *p[ARRAY_SIZE(sizes)];
	uint64_t start = page_accounted_count();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KEXPECT(t, p[i] != NULL);
		KEXPECT(t, IS_ALIGNED((uintptr_t)p[i], 16));
		if (p[i])
			memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		const unsigned char *c = p[i];
		bool ok = c != NULL;
		for (size_t k = 0; ok && k < sizes[i]; k++)
			ok = c[k] == (unsigned char)(i + 1);
		KEXPECT(t, ok);
		kfree(p[i]);
	}
	KEXPECT(t, kmalloc(0) == NULL);
	KEXPECT(t, kmalloc((PAGE_SIZE << BUDDY_MAX_ORDER) + 1) == NULL);
	KEXPECT(t, page_accounted_count() == start);
}

KTEST(kmalloc_many_objects)
{
	enum { N = 5000, SIZE = 48 };
	uint64_t start = page_accounted_count();
	struct kmalloc_stats st;
	void **v = kzalloc(N * sizeof(*v));

	KEXPECT(t, v != NULL);
	if (!v)
		return;
	for (size_t i = 0; i < N; i++) {
		v[i] = kmalloc(SIZE);
		if (v[i])
			fill(v[i], SIZE, i);
	}
	kmalloc_stats(&st);
	KEXPECT(t, st.slab_objects >= N);
	/* Odd ones first, so slabs go from full to partial to empty. */
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 1 - pass; i < N; i += 2) {
			KEXPECT(t, v[i] != NULL && intact(v[i], SIZE, i));
			kfree(v[i]);
		}
	}
	/* Freed objects come back before a new slab is started. */
	void *a = kmalloc(SIZE);
	kfree(a);
	KEXPECT(t, kmalloc(SIZE) == a);
	kfree(a);
	kfree(v);
	KEXPECT(t, page_accounted_count() == start);
}

KTEST(kzalloc_zeroes)
{
	unsigned char *p = kmalloc(300);

	KEXPECT(t, p != NULL);
	if (!p)
		return;
	memset(p, 0xa5, 300);
	kfree(p);
	unsigned char *q = kzalloc(300);
	bool zero = q != NULL;
	for (size_t i = 0; zero && i < 300; i++)
		zero = q[i] == 0;
	KEXPECT(t, zero);
	kfree(q);
}
