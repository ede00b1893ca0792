/*
 * The guest's physical memory map, as both loaders report it (Multiboot
 * mmap, Linux e820 table).  The shape is the PC's: conventional memory, the
 * VGA/ROM hole at 640K-1M, RAM up to the 32-bit PCI hole at 3 GiB, and the
 * remainder of the VM's RAM relocated above 4 GiB, as vm_config describes it.
 */
#include "load.h"

static size_t add(struct e820_entry *out, size_t n, size_t max, uint64_t addr, uint64_t size,
		  uint32_t type)
{
	if (size == 0)
		return n;
	if (n < max)
		out[n] = (struct e820_entry){.addr = addr, .size = size, .type = type};
	return n + 1;
}

size_t guest_e820(uint64_t mem_size, struct e820_entry *out, size_t max)
{
	uint64_t low = mem_size < LOAD_PCI_HOLE ? mem_size : LOAD_PCI_HOLE;
	size_t n = 0;

	n = add(out, n, max, 0, low < LOAD_LOW_END ? low : LOAD_LOW_END, E820_RAM);
	n = add(out, n, max, LOAD_LOW_END, 1 * MiB - LOAD_LOW_END, E820_RESERVED);
	if (low > 1 * MiB)
		n = add(out, n, max, 1 * MiB, low - 1 * MiB, E820_RAM);
	if (mem_size > LOAD_PCI_HOLE)
		n = add(out, n, max, 4 * GiB, mem_size - LOAD_PCI_HOLE, E820_RAM);
	return n;
}
