/*
 * Checking a Linux x86-64 executable before exec trusts any of it
 * (containers/elf.c).  The file is hostile: every field is bounded and every
 * sum is checked for overflow before it is used, and what survives is a load
 * plan, in the program's own (link-time) addresses, that exec can map without
 * checking anything again.  An ET_DYN plan is moved by a load bias the caller
 * chooses; the parser never picks addresses.
 *
 * The parser reads the file only through a callback, so the program headers
 * may lie anywhere in it; uelf_source_buffer() wraps a file already in memory.
 */
#ifndef CONTAINERS_ELF_H
#define CONTAINERS_ELF_H

#include <pallas/types.h>

#define UELF_PAGE_SIZE	4096ull
#define UELF_ET_EXEC	2
#define UELF_ET_DYN	3
#define UELF_MAX_LOADS	16	   /* PT_LOADs in a plan; Debian's programs have at most 5 */
#define UELF_PHDRS_MAX	65536	   /* bytes of program headers, as Linux */
#define UELF_INTERP_MAX 4096	   /* PT_INTERP, NUL included (Linux's PATH_MAX) */
#define UELF_MIN_ADDR	0x10000ull /* Linux's default mmap_min_addr */

/* Segment protections, with mmap's PROT_* values. */
#define UELF_PROT_R 1
#define UELF_PROT_W 2
#define UELF_PROT_X 4

/*
 * One PT_LOAD, and the three ranges exec makes of it (all page aligned but
 * the zero range):
 *   [map_start, file_end)   mapped from the file at file_off (empty when
 *                           filesz is 0);
 *   [zero_start, zero_end)  bytes of the last file page past filesz that
 *                           must read as zero (empty unless memsz > filesz);
 *   [file_end, map_end)     anonymous zero pages (the rest of the bss).
 */
struct uelf_load {
	uint64_t vaddr, memsz, filesz, offset; /* as the program header says */
	uint32_t prot;			       /* UELF_PROT_* */
	uint64_t map_start, map_end;
	uint64_t file_off, file_end;
	uint64_t zero_start, zero_end;
};

struct uelf_plan {
	uint16_t type;	    /* UELF_ET_EXEC or UELF_ET_DYN */
	uint64_t entry;	    /* e_entry: inside an executable PT_LOAD */
	uint64_t phdr;	    /* AT_PHDR: where the program headers are in memory */
	uint16_t phnum;	    /* AT_PHNUM */
	uint16_t phentsize; /* AT_PHENT */
	/* Every PT_LOAD lies in [lo, lo + span): page aligned.  An ET_DYN
	 * image is placed by choosing bias, so that [lo + bias, lo + bias +
	 * span) is free and below USER_TOP. */
	uint64_t lo, span;
	uint64_t align;	 /* bias should be a multiple: the largest power-of-two
			  * p_align of a PT_LOAD, at least a page, at most 1 GiB */
	bool stack_exec; /* PT_GNU_STACK asks for an executable stack */
	bool has_tls;	 /* PT_TLS: its template, for messages and checks */
	uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align;
	bool has_interp;
	uint32_t interp_len;	      /* strlen(interp) */
	char interp[UELF_INTERP_MAX]; /* NUL-terminated, no other NUL */
	uint32_t nload;
	struct uelf_load load[UELF_MAX_LOADS]; /* sorted, no two share a page */
};

/*
 * Reads len bytes at off into buf: 0 when all of them were read, else
 * -errno (which the parser returns as it is).  The parser never asks for a
 * range past size.
 */
typedef int (*uelf_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

struct uelf_source {
	uelf_read_fn read;
	void *ctx;
	uint64_t size; /* of the file */
};

/* A file held in memory. */
struct uelf_buffer {
	const void *data;
	size_t size;
};
void uelf_source_buffer(struct uelf_source *src, struct uelf_buffer *buf, const void *data,
			size_t size);

/*
 * Checks the file and fills *plan (which is large: allocate it).  Returns 0,
 * or -ENOEXEC for a file that is not a valid x86-64 executable, -EINVAL for a
 * segment Linux's mmap would refuse (filesz > memsz, an offset not congruent
 * to its address, an address at or past USER_TOP), -EPERM for one below
 * UELF_MIN_ADDR, or the read callback's error.  *why (when why is not NULL)
 * is then a short reason for the log; it is left alone on success.
 */
int uelf_parse(const struct uelf_source *src, struct uelf_plan *plan, const char **why);

#endif
