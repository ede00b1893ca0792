/*
 * Checking the kernel ELF before anything of it is trusted, and loading it.
 *
 * The kernel file comes off a disk, so kernel_elf_check() assumes nothing:
 * every offset and size is range-checked with overflow-safe arithmetic before
 * it is used, and each way of being wrong gets its own message.  What survives
 * is a load plan: the PT_LOAD segments, sorted, inside one bounded span of the
 * kernel half, with the entry point in an executable one.
 *
 * The kernel is loaded as one physically contiguous block: the byte at virtual
 * address virt_base + x lives at physical address (load base) + x.  The kernel
 * relies on that (boot_info.kernel_phys_base / kernel_virt_base).
 */
#ifndef BOOT_KERNEL_ELF_H
#define BOOT_KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

#define KELF_KERNEL_HALF  0xffffffff80000000ULL /* -2 GiB: where -mcmodel=kernel links */
#define KELF_MAX_SPAN	  (256ULL << 20)
#define KELF_MAX_SEGMENTS 16
#define KELF_MAX_PHDRS	  64
#define KELF_PAGE_SIZE	  4096ULL

#define KELF_PF_X 1
#define KELF_PF_W 2
#define KELF_PF_R 4

struct kelf_segment {
	uint64_t vaddr;
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags; /* KELF_PF_* */
	uint32_t phdr;	/* index in the program header table, for messages */
};

struct kelf_plan {
	uint64_t entry;
	uint64_t virt_base; /* vaddr of the first segment, page aligned */
	uint64_t span;	    /* bytes from virt_base to the end of the last segment, page aligned */
	/*
	 * Where the link asks to be loaded (p_paddr of the first segment), or 0
	 * when the p_paddr fields do not describe one contiguous block shaped like
	 * the virtual layout.  A wish, not a requirement.
	 */
	uint64_t phys_hint;
	uint32_t nseg;
	struct kelf_segment seg[KELF_MAX_SEGMENTS]; /* sorted by vaddr, disjoint */
};

/*
 * Validates the size bytes at image as an x86-64 kernel and fills *plan.
 * Returns 0, or -1 with a reason such as "not x86-64 (e_machine 0x28)" in err.
 */
int kernel_elf_check(const void *image, size_t size, struct kelf_plan *plan, char *err,
		     size_t errlen);

/*
 * Lays the checked image out at dest, which holds plan->span bytes: file
 * contents where the segments have them, zeroes everywhere else (bss, and
 * the gaps between segments).
 */
void kernel_elf_load(const void *image, const struct kelf_plan *plan, void *dest);

#endif
