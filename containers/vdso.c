/*
 * Mapping the vDSO.  Two objects made once at boot and shared by every
 * program: the kernel's clock page (read-only, and it can never be made
 * writable: VMA_DENYWRITE) and the vDSO's pages (private, so a program that
 * writes to its copy writes to its own).  Both are mapped in one free range,
 * the clock page first, as the vDSO's linker script expects.
 */
#include <pallas/aspace.h>
#include <pallas/boot_hook.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/vma.h>

#include "vdso.h"

extern const uint8_t vdso_image_start[], vdso_image_end[];

static struct memobj *clock_obj, *text_obj;
static uint64_t text_pages;

static int text_fill(struct memobj *o, uint64_t index, void *page)
{
	size_t size = (size_t)(vdso_image_end - vdso_image_start);
	size_t off = index * PAGE_SIZE;

	if (off >= size)
		return 0;
	memcpy(page, vdso_image_start + off, MIN(size - off, (size_t)PAGE_SIZE));
	return 0;
}

static const struct memobj_ops text_ops = {.fill = text_fill};

static void vdso_hook(const char *cmdline)
{
	size_t size = (size_t)(vdso_image_end - vdso_image_start);
	paddr_t cp = clock_page_phys();

	text_pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	clock_obj = cp ? memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL) : NULL;
	text_obj = memobj_create(MEMOBJ_ANON, text_pages, &text_ops, NULL, NULL);
	if (!clock_obj || !text_obj || memobj_insert(clock_obj, 0, cp)) {
		pr_warn("vdso: no memory; programs run without one\n");
		if (clock_obj)
			memobj_put(clock_obj);
		if (text_obj)
			memobj_put(text_obj);
		clock_obj = text_obj = NULL;
	}
}

BOOT_HOOK_EARLY(vdso, vdso_hook);

int vdso_map(struct aspace *as, uintptr_t *base)
{
	uintptr_t at = 0;
	size_t len = (1 + text_pages) * PAGE_SIZE;
	int err;

	if (!clock_obj)
		return -ENOMEM;
	/* A free range for both first, then the two mappings over it. */
	if ((err = aspace_mmap(as, &at, len, VMA_READ, VMA_PRIVATE, NULL, 0)))
		return err;
	uintptr_t text = at + PAGE_SIZE;
	if ((err = aspace_mmap(as, &at, PAGE_SIZE, VMA_READ, VMA_DENYWRITE | AS_FIXED, clock_obj,
			       0)) ||
	    (err = aspace_mmap(as, &text, text_pages * PAGE_SIZE, VMA_READ | VMA_EXEC,
			       VMA_PRIVATE | AS_FIXED, text_obj, 0))) {
		aspace_unmap(as, at, len);
		return err;
	}
	*base = text;
	return 0;
}
