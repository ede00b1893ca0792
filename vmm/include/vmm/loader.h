/*
 * Guest loaders (vmm/load/): put a Multiboot v1 kernel or a Linux bzImage,
 * with its command line and modules or initramfs, into guest memory and give
 * the vCPU state it starts from.  The image and everything about it is
 * hostile input: every field is checked against the file and against guest
 * RAM before a byte is written.  Guest memory is reached only through
 * guest_mem_ops, so the loaders run unchanged in host unit tests.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <pallas/types.h>

struct vcpu_regs;
struct vcpu_sregs;

struct guest_mem_ops {
	/* Copies buf to guest-physical gpa; false when any byte is not RAM. */
	bool (*write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	uint64_t mem_size; /* bytes of RAM, as in vm_config: below 3 GiB, the rest above 4 GiB */
	void *ctx;
};

#define LOAD_MAX_MODULES 16
#define LOAD_CMDLINE_MAX 4096 /* bytes, without the terminating NUL */

struct guest_module {
	const void *data;
	size_t size;
	const char *cmdline; /* NULL: none */
};

struct guest_boot {
	const void *image;
	size_t image_size;
	const char *cmdline; /* NULL: empty */
	/* Multiboot: the modules, in order. */
	const struct guest_module *mods;
	unsigned nmods;
	/* Linux: the initramfs, or NULL. */
	const void *initrd;
	size_t initrd_size;
};

/* The guest's e820-style map: RAM 0-640K, reserved 640K-1M, RAM from 1M to
 * min(mem_size, 3 GiB), the PCI hole to 4 GiB, and the rest of mem_size
 * above 4 GiB.  Fills at most max entries; returns how many there are. */
#define E820_RAM      1
#define E820_RESERVED 2
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};
size_t guest_e820(uint64_t mem_size, struct e820_entry *out, size_t max);

/* Whether the image carries a valid Multiboot v1 header / a Linux setup header. */
bool multiboot_probe(const void *image, size_t size);
bool linux_probe(const void *image, size_t size);

/*
 * Loads a Multiboot v1 kernel (ELF32, or the a.out-kludge addresses when
 * header flag 16 is set) with its modules, writes the Multiboot information
 * and a flat GDT below 640K, and gives the state the spec requires: 32-bit
 * protected mode, paging off, EAX = 0x2BADB002, EBX = the information.
 */
bool multiboot_load(const struct guest_mem_ops *mem, const struct guest_boot *boot,
		    struct vcpu_regs *regs, struct vcpu_sregs *sregs, char *err, size_t errlen);

/*
 * Loads a bzImage by the Linux x86 boot protocol (2.12 or later, 64-bit
 * kernel): the protected-mode kernel at its preferred address, the zero page
 * with the e820 map, command line and initramfs, identity-mapped page tables
 * for the low 4 GiB, and the state for the 64-bit entry point.
 */
bool linux_load(const struct guest_mem_ops *mem, const struct guest_boot *boot,
		struct vcpu_regs *regs, struct vcpu_sregs *sregs, char *err, size_t errlen);

#endif
