/*
 * Reading another address space (aspace_read in pallas/aspace.h): what
 * /proc/PID/cmdline and environ show.  Only pages already mapped are read,
 * under the address space's lock, so nothing is faulted in, no file is
 * read and no page is charged on a reader's behalf; a page that is not
 * there ends the read, as the end of what there is to show.  The page
 * cannot go away meanwhile: unmapping and copy-on-write clear an entry
 * under the same lock and put the page only afterwards.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "aspace_impl.h"

/* One piece within a page: bytes copied (0: nothing mapped there). */
static size_t read_page(struct aspace *as, uintptr_t addr, char *buf, size_t n)
{
	unsigned long flags = as_lock(as);
	size_t got = 0;

	if (vma_find(&as->vmas, addr)) {
		uint64_t pte = pgtable_lookup(as->root, ALIGN_DOWN(addr, PAGE_SIZE));
		if (pte & PTE_P) {
			memcpy(buf,
			       (const char *)phys_to_virt(pte & PTE_ADDR) +
				   (addr & (PAGE_SIZE - 1)),
			       n);
			got = n;
		}
	}
	as_unlock(as, flags);
	return got;
}

size_t aspace_read(struct aspace *as, uintptr_t addr, void *buf, size_t n)
{
	size_t done = 0;

	if (!user_range_ok(addr, n))
		n = addr < USER_TOP ? USER_TOP - addr : 0;
	while (done < n) {
		uintptr_t at = addr + done;
		size_t k = MIN(n - done, PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		if (read_page(as, at, (char *)buf + done, k) != k)
			break;
		done += k;
	}
	return done;
}

/* Pages counted per hold of the lock, so a huge mapping stalls no one. */
#define RESIDENT_BATCH 512

uint64_t aspace_resident_pages(struct aspace *as, uintptr_t start, uintptr_t end)
{
	uint64_t n = 0;

	for (uintptr_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end;) {
		unsigned long flags = as_lock(as);
		for (unsigned i = 0; i < RESIDENT_BATCH; i++, va += PAGE_SIZE) {
			va = pgtable_next_mapped(as->root, va, end);
			if (va >= end)
				break;
			n++;
		}
		as_unlock(as, flags);
	}
	return n;
}
