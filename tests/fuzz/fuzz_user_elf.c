/*
 * libFuzzer target for uelf_parse (containers/elf.c): every program a
 * container execs goes through it.  A plan that passes is held to what exec
 * relies on without checking again: ranges page aligned, inside the file
 * and below USER_TOP, segments sorted with no shared page, the entry in
 * executable code, AT_PHDR on a mapped copy of the program headers, the
 * interpreter a proper string.  A refusal must be -errno with a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/errno.h>
#include <pallas/uaccess.h>

#include "elf.h"

static void require(int ok)
{
	if (!ok)
		abort();
}

static void check_load(const struct uelf_load *l, size_t size)
{
	const uint64_t mask = UELF_PAGE_SIZE - 1;

	require(!(l->map_start & mask) && !(l->map_end & mask) && !(l->file_off & mask) &&
		!(l->file_end & mask));
	require(l->memsz > 0 && l->filesz <= l->memsz);
	require(l->map_start <= l->vaddr && l->vaddr + l->memsz <= l->map_end);
	require(l->map_end <= USER_TOP);
	require(l->offset <= size && l->filesz <= size - l->offset);
	require(l->file_off + (l->vaddr - l->map_start) == l->offset);
	require(l->map_start <= l->file_end && l->file_end <= l->map_end);
	require(l->zero_start <= l->zero_end && l->zero_end <= l->file_end);
	require(l->prot <= (UELF_PROT_R | UELF_PROT_W | UELF_PROT_X));
}

static void check_plan(const struct uelf_plan *p, const uint8_t *data, size_t size)
{
	uint64_t phlen = (uint64_t)p->phnum * p->phentsize;
	int entry_ok = 0, phdr_ok = 0;

	require(p->type == UELF_ET_EXEC || p->type == UELF_ET_DYN);
	require(p->nload >= 1 && p->nload <= UELF_MAX_LOADS);
	require(p->lo == p->load[0].map_start);
	require(p->lo + p->span == p->load[p->nload - 1].map_end);
	require(p->align >= UELF_PAGE_SIZE && !(p->align & (p->align - 1)));
	for (uint32_t i = 0; i < p->nload; i++) {
		const struct uelf_load *l = &p->load[i];

		check_load(l, size);
		require(i == 0 || l->map_start >= p->load[i - 1].map_end);
		if (p->type == UELF_ET_EXEC)
			require(l->map_start >= UELF_MIN_ADDR);
		if ((l->prot & UELF_PROT_X) && p->entry >= l->vaddr &&
		    p->entry - l->vaddr < l->memsz)
			entry_ok = 1;
		/* AT_PHDR must show the bytes at e_phoff. */
		if (p->phdr >= l->vaddr && p->phdr - l->vaddr <= l->filesz &&
		    phlen <= l->filesz - (p->phdr - l->vaddr)) {
			uint64_t phoff;

			memcpy(&phoff, data + 32, sizeof(phoff));
			if (memcmp(data + l->offset + (p->phdr - l->vaddr), data + phoff, phlen) ==
			    0)
				phdr_ok = 1;
		}
	}
	require(entry_ok && phdr_ok);
	if (p->has_interp) {
		require(p->interp_len >= 1 && p->interp_len < UELF_INTERP_MAX);
		require(strlen(p->interp) == p->interp_len);
	}
	if (p->has_tls)
		require(p->tls_filesz <= p->tls_memsz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uelf_plan plan;
	struct uelf_source src;
	struct uelf_buffer buf;
	const char *why = NULL;

	uint8_t *file = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	memcpy(file, data, size);
	uelf_source_buffer(&src, &buf, file, size);
	int err = uelf_parse(&src, &plan, &why);
	if (err == 0) {
		require(why == NULL);
		check_plan(&plan, file, size);
	} else {
		require(err == -ENOEXEC || err == -EINVAL || err == -EPERM);
		require(why != NULL && why[0] != 0);
	}
	free(file);
	return 0;
}
