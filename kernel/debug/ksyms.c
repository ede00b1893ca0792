/*
 * Symbol lookup in the table tools/gensyms generates at the second link pass.
 * The table lives in the kernel image itself, so a panic can name functions
 * without a debugger or the ELF file.
 */
#include <pallas/debug.h>
#include <stddef.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || ksyms_count == 0)
		return NULL;
	if (addr < ksyms_addrs[0])
		return NULL;
	/* The last symbol at or below addr. */
	size_t lo = 0, hi = ksyms_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_names[ksyms_name_offsets[lo]];
}
