/* Validating and loading the kernel ELF; see kernel_elf.h for the contract. */
#include <stdbool.h>

#include "fmt.h"
#include "kernel_elf.h"

/* Our own copies of the ELF64 layouts: <elf.h> is not there freestanding. */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define EM_X86_64   62
#define PT_LOAD	    1
#define PAGE_MASK   (KELF_PAGE_SIZE - 1)
/* Segments must end below the last page, so that rounding up cannot wrap. */
#define VADDR_LIMIT (~0ULL - PAGE_MASK)
/* Physical load addresses stay below 2^52, the architectural limit. */
#define PHYS_LIMIT (1ULL << 52)

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bvsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Headers are copied out byte by byte: the image need not be aligned. */
static void copy_bytes(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
}

static int check_header(const unsigned char *img, size_t size, struct elf64_ehdr *eh, char *err,
			size_t errlen)
{
	if (size < 4 || img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
		return fail(err, errlen, "not an ELF file");
	if (size < sizeof(*eh))
		return fail(err, errlen, "truncated ELF header (file is %zu bytes)", size);
	copy_bytes(eh, img, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF file (EI_CLASS %u)",
			    eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not a little-endian ELF file (EI_DATA %u)",
			    eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return fail(err, errlen, "unknown ELF version %u", eh->e_version);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an ELF executable (e_type %u, expected 2 ET_EXEC)",
			    eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not x86-64 (e_machine 0x%x)", eh->e_machine);
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return fail(err, errlen, "program header size is %u bytes, expected %zu",
			    eh->e_phentsize, sizeof(struct elf64_phdr));
	if (eh->e_phnum == 0)
		return fail(err, errlen, "no program headers");
	if (eh->e_phnum > KELF_MAX_PHDRS)
		return fail(err, errlen, "too many program headers (%u, limit %u)", eh->e_phnum,
			    KELF_MAX_PHDRS);
	if (eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
		return fail(err, errlen, "program header table extends past end of file");
	return 0;
}

/* One PT_LOAD on its own; order and overlap are checked by the caller. */
static int check_segment(const struct elf64_phdr *ph, unsigned i, size_t size, char *err,
			 size_t errlen)
{
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen, "segment %u: file size 0x%lx exceeds memory size 0x%lx", i,
			    ph->p_filesz, ph->p_memsz);
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return fail(err, errlen, "segment %u extends past end of file", i);
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_vaddr < KELF_KERNEL_HALF)
		return fail(err, errlen, "segment %u is not in the kernel half (vaddr 0x%lx)", i,
			    ph->p_vaddr);
	if (ph->p_vaddr >= VADDR_LIMIT || ph->p_memsz > VADDR_LIMIT - ph->p_vaddr)
		return fail(err, errlen, "segment %u wraps around the address space", i);
	return 0;
}

/* p_paddr is only a hint: keep it when it describes the same shape as p_vaddr. */
static uint64_t phys_hint(const struct kelf_plan *plan, const uint64_t *paddr)
{
	uint64_t base = paddr[0];

	if (base & PAGE_MASK || base >= PHYS_LIMIT || plan->span > PHYS_LIMIT - base)
		return 0;
	for (uint32_t i = 1; i < plan->nseg; i++)
		if (paddr[i] - base != plan->seg[i].vaddr - plan->virt_base)
			return 0;
	return base;
}

int kernel_elf_check(const void *image, size_t size, struct kelf_plan *plan, char *err,
		     size_t errlen)
{
	const unsigned char *img = image;
	struct elf64_ehdr eh;
	uint64_t paddr[KELF_MAX_SEGMENTS];
	uint64_t prev_end = 0;
	unsigned prev = 0;

	if (check_header(img, size, &eh, err, errlen))
		return -1;

	plan->nseg = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		copy_bytes(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (check_segment(&ph, i, size, err, errlen))
			return -1;
		if (ph.p_memsz == 0)
			continue;
		if (plan->nseg == KELF_MAX_SEGMENTS)
			return fail(err, errlen, "too many loadable segments (limit %u)",
				    KELF_MAX_SEGMENTS);
		if (plan->nseg > 0 && ph.p_vaddr < prev_end)
			return fail(err, errlen,
				    "segment %u (vaddr 0x%lx) overlaps or comes before segment %u",
				    i, ph.p_vaddr, prev);
		paddr[plan->nseg] = ph.p_paddr;
		plan->seg[plan->nseg++] = (struct kelf_segment){
		    .vaddr = ph.p_vaddr,
		    .offset = ph.p_offset,
		    .filesz = ph.p_filesz,
		    .memsz = ph.p_memsz,
		    .flags = ph.p_flags,
		    .phdr = i,
		};
		prev_end = ph.p_vaddr + ph.p_memsz;
		prev = i;
	}
	if (plan->nseg == 0)
		return fail(err, errlen, "no loadable segments");

	plan->virt_base = plan->seg[0].vaddr;
	if (plan->virt_base & PAGE_MASK)
		return fail(err, errlen, "segment %u is not page aligned (vaddr 0x%lx)",
			    plan->seg[0].phdr, plan->virt_base);
	uint64_t span = prev_end - plan->virt_base;
	if (span > KELF_MAX_SPAN)
		return fail(err, errlen, "kernel spans %lu MiB, limit %llu MiB",
			    (span + (1 << 20) - 1) >> 20, KELF_MAX_SPAN >> 20);
	plan->span = (span + PAGE_MASK) & ~PAGE_MASK;

	plan->entry = eh.e_entry;
	bool entry_ok = false;
	for (uint32_t i = 0; i < plan->nseg; i++) {
		const struct kelf_segment *s = &plan->seg[i];
		if ((s->flags & KELF_PF_X) && eh.e_entry >= s->vaddr &&
		    eh.e_entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return fail(err, errlen, "entry point 0x%lx is not in an executable segment",
			    eh.e_entry);

	plan->phys_hint = phys_hint(plan, paddr);
	return 0;
}

void kernel_elf_load(const void *image, const struct kelf_plan *plan, void *dest)
{
	const unsigned char *img = image;
	unsigned char *d = dest;

	for (uint64_t i = 0; i < plan->span; i++)
		d[i] = 0;
	for (uint32_t i = 0; i < plan->nseg; i++) {
		const struct kelf_segment *s = &plan->seg[i];
		copy_bytes(d + (s->vaddr - plan->virt_base), img + s->offset, s->filesz);
	}
}
