/*
 * The Linux personality's ELF check (elf.h).  Linux's load_elf_binary()
 * decides what is refused and with which errno; this refuses more (unsorted
 * or page-sharing PT_LOADs, ranges past the end of the file, a second
 * PT_INTERP or PT_TLS, an entry point outside executable code), so that exec
 * never has to reason about a strange layout.  Program headers are read one
 * at a time through the source: no allocation, no limit but Linux's 64 KiB.
 */
#include <pallas/errno.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "elf.h"

#define EHDR_SIZE    64
#define PHENT_SIZE   56
#define EM_X86_64    62
#define PT_LOAD	     1
#define PT_INTERP    3
#define PT_PHDR	     6
#define PT_TLS	     7
#define PT_GNU_STACK 0x6474e551
#define PF_X	     1
#define PF_W	     2
#define PF_R	     4
#define ALIGN_MAX    (1ull << 30) /* a larger p_align is not honoured */

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct ehdr) == EHDR_SIZE, "ELF64 header layout");
_Static_assert(sizeof(struct phdr) == PHENT_SIZE, "ELF64 program header layout");

/* What the walk over the program headers keeps beyond the plan itself. */
struct scan {
	const struct uelf_source *src;
	struct ehdr eh;
	struct uelf_plan *plan;
	const char **why;
	bool has_phdr;
	uint64_t phdr_vaddr;
	uint64_t interp_off, interp_size;
	uint64_t align;
};

static int fail(const char **why, int err, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

static uint64_t page_down(uint64_t x)
{
	return x & ~(UELF_PAGE_SIZE - 1);
}

/* x must be at most USER_TOP, so this never wraps. */
static uint64_t page_up(uint64_t x)
{
	return page_down(x + UELF_PAGE_SIZE - 1);
}

/* Whether [off, off + len) lies inside the file. */
static bool in_file(const struct uelf_source *src, uint64_t off, uint64_t len)
{
	return off <= src->size && len <= src->size - off;
}

static int buffer_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct uelf_buffer *b = ctx;

	if (off > b->size || len > b->size - off)
		return -EIO;
	memcpy(buf, (const uint8_t *)b->data + off, len);
	return 0;
}

void uelf_source_buffer(struct uelf_source *src, struct uelf_buffer *buf, const void *data,
			size_t size)
{
	buf->data = data;
	buf->size = size;
	src->read = buffer_read;
	src->ctx = buf;
	src->size = size;
}

static int check_ident(const struct ehdr *eh, const char **why)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

	if (memcmp(eh->ident, magic, sizeof(magic)) != 0)
		return fail(why, -ENOEXEC, "not an ELF file");
	if (eh->ident[4] != 2)
		return fail(why, -ENOEXEC, "not ELFCLASS64");
	if (eh->ident[5] != 1)
		return fail(why, -ENOEXEC, "not little-endian");
	if (eh->ident[6] != 1 || eh->version != 1)
		return fail(why, -ENOEXEC, "unknown ELF version");
	return 0;
}

static int check_header(const struct uelf_source *src, const struct ehdr *eh, const char **why)
{
	int err = check_ident(eh, why);

	if (err)
		return err;
	if (eh->type != UELF_ET_EXEC && eh->type != UELF_ET_DYN)
		return fail(why, -ENOEXEC, "neither ET_EXEC nor ET_DYN");
	if (eh->machine != EM_X86_64)
		return fail(why, -ENOEXEC, "not x86-64");
	if (eh->phentsize != PHENT_SIZE)
		return fail(why, -ENOEXEC, "e_phentsize is not 56");
	if (eh->phnum == 0 || (uint64_t)eh->phnum * PHENT_SIZE > UELF_PHDRS_MAX)
		return fail(why, -ENOEXEC, "e_phnum out of range");
	if (!in_file(src, eh->phoff, (uint64_t)eh->phnum * PHENT_SIZE))
		return fail(why, -ENOEXEC, "program headers past the end of the file");
	return 0;
}

static uint32_t prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? UELF_PROT_R : 0) | ((flags & PF_W) ? UELF_PROT_W : 0) |
	       ((flags & PF_X) ? UELF_PROT_X : 0);
}

/* The geometry mmap itself would refuse, with Linux's errno. */
static int check_load_geometry(struct scan *s, const struct phdr *ph)
{
	if (ph->filesz > ph->memsz)
		return fail(s->why, -EINVAL, "PT_LOAD with p_filesz > p_memsz");
	if ((ph->offset ^ ph->vaddr) & (UELF_PAGE_SIZE - 1))
		return fail(s->why, -EINVAL, "PT_LOAD offset and address not congruent");
	if (ph->vaddr >= USER_TOP || ph->memsz > USER_TOP - ph->vaddr)
		return fail(s->why, -EINVAL, "PT_LOAD past USER_TOP");
	if (s->eh.type == UELF_ET_EXEC && page_down(ph->vaddr) < UELF_MIN_ADDR)
		return fail(s->why, -EPERM, "PT_LOAD below mmap_min_addr");
	if (!in_file(s->src, ph->offset, ph->filesz))
		return fail(s->why, -ENOEXEC, "PT_LOAD past the end of the file");
	return 0;
}

static void fill_load(struct uelf_load *l, const struct phdr *ph)
{
	uint64_t file_top = ph->vaddr + ph->filesz;

	l->vaddr = ph->vaddr;
	l->memsz = ph->memsz;
	l->filesz = ph->filesz;
	l->offset = ph->offset;
	l->prot = prot_of(ph->flags);
	l->map_start = page_down(ph->vaddr);
	l->map_end = page_up(ph->vaddr + ph->memsz);
	l->file_off = page_down(ph->offset);
	l->file_end = ph->filesz ? page_up(file_top) : l->map_start;
	l->zero_start = l->zero_end = l->file_end;
	if (ph->memsz > ph->filesz && ph->filesz)
		l->zero_start = file_top;
}

static void note_align(struct scan *s, uint64_t align)
{
	bool pow2 = align && !(align & (align - 1));

	if (pow2 && align <= ALIGN_MAX && align > s->align)
		s->align = align;
}

static int add_load(struct scan *s, const struct phdr *ph)
{
	struct uelf_plan *p = s->plan;
	int err = check_load_geometry(s, ph);

	if (err)
		return err;
	if (ph->memsz == 0)
		return 0; /* Linux maps nothing for it either */
	if (p->nload == UELF_MAX_LOADS)
		return fail(s->why, -ENOEXEC, "too many PT_LOAD segments");
	if (p->nload && page_down(ph->vaddr) < p->load[p->nload - 1].map_end)
		return fail(s->why, -ENOEXEC, "PT_LOADs unsorted, overlapping or sharing a page");
	fill_load(&p->load[p->nload++], ph);
	note_align(s, ph->align);
	return 0;
}

static int note_interp(struct scan *s, const struct phdr *ph)
{
	if (s->plan->has_interp)
		return fail(s->why, -ENOEXEC, "more than one PT_INTERP");
	if (ph->filesz < 2 || ph->filesz > UELF_INTERP_MAX)
		return fail(s->why, -ENOEXEC, "PT_INTERP size out of range");
	if (!in_file(s->src, ph->offset, ph->filesz))
		return fail(s->why, -ENOEXEC, "PT_INTERP past the end of the file");
	s->plan->has_interp = true;
	s->interp_off = ph->offset;
	s->interp_size = ph->filesz;
	return 0;
}

static int note_tls(struct scan *s, const struct phdr *ph)
{
	struct uelf_plan *p = s->plan;

	if (p->has_tls)
		return fail(s->why, -ENOEXEC, "more than one PT_TLS");
	if (ph->filesz > ph->memsz)
		return fail(s->why, -ENOEXEC, "PT_TLS with p_filesz > p_memsz");
	if (ph->align & (ph->align - 1))
		return fail(s->why, -ENOEXEC, "PT_TLS alignment not a power of two");
	p->has_tls = true;
	p->tls_vaddr = ph->vaddr;
	p->tls_filesz = ph->filesz;
	p->tls_memsz = ph->memsz;
	p->tls_align = ph->align;
	return 0;
}

static int scan_phdr(struct scan *s, const struct phdr *ph)
{
	switch (ph->type) {
	case PT_LOAD:
		return add_load(s, ph);
	case PT_INTERP:
		return note_interp(s, ph);
	case PT_TLS:
		return note_tls(s, ph);
	case PT_PHDR:
		s->has_phdr = true;
		s->phdr_vaddr = ph->vaddr;
		return 0;
	case PT_GNU_STACK:
		s->plan->stack_exec = (ph->flags & PF_X) != 0;
		return 0;
	default:
		return 0;
	}
}

static int scan_phdrs(struct scan *s)
{
	for (uint16_t i = 0; i < s->eh.phnum; i++) {
		struct phdr ph;
		int err = s->src->read(s->src->ctx, s->eh.phoff + (uint64_t)i * PHENT_SIZE, &ph,
				       sizeof(ph));

		if (err)
			return fail(s->why, err, "cannot read a program header");
		err = scan_phdr(s, &ph);
		if (err)
			return err;
	}
	if (s->plan->nload == 0)
		return fail(s->why, -ENOEXEC, "no PT_LOAD segment");
	return 0;
}

/* The file-backed part of a PT_LOAD holding [vaddr, vaddr + len), or NULL. */
static const struct uelf_load *load_holding(const struct uelf_plan *p, uint64_t vaddr, uint64_t len)
{
	for (uint32_t i = 0; i < p->nload; i++) {
		const struct uelf_load *l = &p->load[i];

		if (vaddr >= l->vaddr && len <= l->filesz && vaddr - l->vaddr <= l->filesz - len)
			return l;
	}
	return NULL;
}

/*
 * AT_PHDR: PT_PHDR's address when it shows the file's own program headers,
 * else the address of the loaded bytes that hold them (as Linux computes it).
 */
static int find_phdr(struct scan *s)
{
	struct uelf_plan *p = s->plan;
	uint64_t len = (uint64_t)s->eh.phnum * PHENT_SIZE;

	if (s->has_phdr) {
		const struct uelf_load *l = load_holding(p, s->phdr_vaddr, len);

		if (!l || l->offset + (s->phdr_vaddr - l->vaddr) != s->eh.phoff)
			return fail(s->why, -ENOEXEC, "PT_PHDR does not map the program headers");
		p->phdr = s->phdr_vaddr;
		return 0;
	}
	for (uint32_t i = 0; i < p->nload; i++) {
		const struct uelf_load *l = &p->load[i];

		if (s->eh.phoff >= l->offset && len <= l->filesz &&
		    s->eh.phoff - l->offset <= l->filesz - len) {
			p->phdr = l->vaddr + (s->eh.phoff - l->offset);
			return 0;
		}
	}
	return fail(s->why, -ENOEXEC, "program headers not in any PT_LOAD");
}

static int read_interp(struct scan *s)
{
	struct uelf_plan *p = s->plan;
	int err;

	if (!p->has_interp)
		return 0;
	err = s->src->read(s->src->ctx, s->interp_off, p->interp, s->interp_size);
	if (err)
		return fail(s->why, err, "cannot read PT_INTERP");
	if (p->interp[s->interp_size - 1] != '\0')
		return fail(s->why, -ENOEXEC, "PT_INTERP not NUL-terminated");
	p->interp_len = strnlen(p->interp, s->interp_size);
	if (p->interp_len != s->interp_size - 1)
		return fail(s->why, -ENOEXEC, "PT_INTERP has an embedded NUL");
	return 0;
}

static int check_entry(const struct scan *s)
{
	const struct uelf_plan *p = s->plan;

	for (uint32_t i = 0; i < p->nload; i++) {
		const struct uelf_load *l = &p->load[i];

		if ((l->prot & UELF_PROT_X) && p->entry >= l->vaddr &&
		    p->entry - l->vaddr < l->memsz)
			return 0;
	}
	return fail(s->why, -ENOEXEC, "entry point not in an executable PT_LOAD");
}

static void finish_plan(struct scan *s)
{
	struct uelf_plan *p = s->plan;

	p->type = s->eh.type;
	p->entry = s->eh.entry;
	p->phnum = s->eh.phnum;
	p->phentsize = s->eh.phentsize;
	p->lo = p->load[0].map_start;
	p->span = p->load[p->nload - 1].map_end - p->lo;
	p->align = s->align;
}

int uelf_parse(const struct uelf_source *src, struct uelf_plan *plan, const char **why)
{
	struct scan s = {.src = src, .plan = plan, .why = why, .align = UELF_PAGE_SIZE};
	int err;

	memset(plan, 0, sizeof(*plan));
	if (!in_file(src, 0, sizeof(s.eh)))
		return fail(why, -ENOEXEC, "shorter than an ELF header");
	err = src->read(src->ctx, 0, &s.eh, sizeof(s.eh));
	if (err)
		return fail(why, err, "cannot read the ELF header");
	err = check_header(src, &s.eh, why);
	if (!err)
		err = scan_phdrs(&s);
	if (!err)
		err = find_phdr(&s);
	if (!err)
		err = read_interp(&s);
	if (err)
		return err;
	finish_plan(&s);
	return check_entry(&s);
}
