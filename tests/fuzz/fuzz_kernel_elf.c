/*
 * libFuzzer target for kernel_elf_check (boot/kernel_elf.c): the kernel
 * file is checked before anything in it is trusted.  A plan that passes is
 * checked against the rules the loader and the page tables rely on, and
 * small ones are loaded, so reading past the input shows up under ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_elf.h"

#define LOAD_MAX (4u << 20)

static void require(int ok)
{
	if (!ok)
		abort();
}

static void check_plan(const struct kelf_plan *p, size_t size)
{
	uint64_t prev_end = p->virt_base;
	int entry_ok = 0;

	require(p->nseg >= 1 && p->nseg <= KELF_MAX_SEGMENTS);
	require(p->virt_base >= KELF_KERNEL_HALF && p->virt_base % KELF_PAGE_SIZE == 0);
	require(p->span > 0 && p->span <= KELF_MAX_SPAN && p->span % KELF_PAGE_SIZE == 0);
	require(p->virt_base + p->span > p->virt_base);
	require(p->phys_hint % KELF_PAGE_SIZE == 0);
	for (uint32_t i = 0; i < p->nseg; i++) {
		const struct kelf_segment *s = &p->seg[i];
		require(s->memsz > 0 && s->filesz <= s->memsz);
		require(s->offset <= size && s->filesz <= size - s->offset);
		require(s->vaddr >= prev_end);
		require(s->vaddr + s->memsz - p->virt_base <= p->span);
		prev_end = s->vaddr + s->memsz;
		if ((s->flags & KELF_PF_X) && p->entry >= s->vaddr &&
		    p->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	require(entry_ok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kelf_plan plan;
	char err[128];

	uint8_t *image = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	memcpy(image, data, size);
	memset(err, 0, sizeof(err));
	if (kernel_elf_check(image, size, &plan, err, sizeof(err)) == 0) {
		check_plan(&plan, size);
		if (plan.span <= LOAD_MAX) {
			uint8_t *dest = malloc(plan.span);
			kernel_elf_load(image, &plan, dest);
			free(dest);
		}
	} else {
		require(err[0] != 0); /* every refusal says why */
	}
	free(image);
	return 0;
}
