/*
 * Self-tests of the frame table and memory objects on the real memory map:
 * every page the allocator hands out has a frame, the kernel image has none,
 * and pages return to the allocator exactly when their last holder lets go.
 */
#include <pallas/boot.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/ktest.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>

#define ORDER 4

KTEST(frame_table_covers_the_allocator)
{
	paddr_t big = page_alloc(ORDER);

	KEXPECT(t, big != 0);
	if (!big)
		return;
	for (uint64_t i = 0; i < (1u << ORDER); i++) {
		struct frame *f = frame_of(big + i * PAGE_SIZE);
		if (!f || frame_phys(f) != big + i * PAGE_SIZE) {
			KEXPECT(t, false);
			break;
		}
	}
	page_free(big, ORDER);
	/* What the loader placed is never the allocator's. */
	unsigned kernel_regions = 0;
	for (uint32_t i = 0; i < boot_info.mem_count; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		if (r->type != BOOT_MEM_KERNEL && r->type != BOOT_MEM_MODULE)
			continue;
		kernel_regions += r->type == BOOT_MEM_KERNEL;
		KEXPECT(t, frame_of(r->base) == NULL);
		KEXPECT(t, frame_of(r->base + r->length - 1) == NULL);
	}
	KEXPECT(t, kernel_regions > 0);
}

KTEST(frame_refs_free_on_last_put)
{
	uint64_t free0 = page_free_count();
	paddr_t p = frame_alloc();

	KEXPECT(t, p != 0);
	if (!p)
		return;
	KEXPECT(t, frame_refs(p) == 1);
	frame_get(p);
	KEXPECT(t, !frame_put(p));
	KEXPECT(t, page_free_count() == free0 - 1);
	KEXPECT(t, frame_put(p));
	KEXPECT(t, page_free_count() == free0);
}

KTEST(memobj_anonymous_charged)
{
	uint64_t free0 = page_accounted_count();
	struct mem_charge c;
	mem_charge_init(&c, NULL, 8);
	struct memobj *o = memobj_create(MEMOBJ_ANON, 64, NULL, NULL, &c);
	paddr_t p;
	unsigned got = 0;

	KEXPECT(t, o != NULL);
	if (!o)
		return;
	for (uint64_t i = 0; i < 64; i++) {
		if (memobj_page(o, i, &p) == 0) {
			const uint64_t *w = phys_to_virt(p);
			KEXPECT(t, w[0] == 0 && w[PAGE_SIZE / 8 - 1] == 0);
			frame_put(p);
			got++;
		}
	}
	KEXPECT(t, got == 8 && c.used == 8 && c.refused == 56);
	KEXPECT(t, memobj_page(o, 64, &p) == -EFAULT);
	memobj_put(o);
	KEXPECT(t, c.used == 0);
	KEXPECT(t, page_accounted_count() == free0);
}
