/*
 * kmalloc for tests of code that allocates (the virtual devices): the real
 * slab allocator over a buddy whose "physical memory" is a malloc'd arena.
 * Each test runs in its own forked child, so once per process is enough.
 */
#include <stdlib.h>

#include <pallas/buddy.h>
#include <pallas/mm.h>

#include "fake_vm.h"

#define HEAP_BASE  0x4000000ull /* aligned for the largest buddy block */
#define HEAP_PAGES 2048ull	/* 8 MiB */

void unit_heap_init(void)
{
	static struct buddy heap;
	static bool done;

	if (done)
		return;
	char *arena = aligned_alloc(PAGE_SIZE, HEAP_PAGES * PAGE_SIZE);
	uint8_t *meta = malloc(HEAP_PAGES);
	if (!arena || !meta)
		abort();
	buddy_init(&heap, (uintptr_t)arena - HEAP_BASE);
	if (!buddy_add_zone(&heap, HEAP_BASE, HEAP_PAGES, meta))
		abort();
	slab_init(&heap);
	done = true;
}
