/*
 * libFuzzer target for the guest loaders (vmm/load/): a guest image is
 * whatever the VM's owner uploaded.  The first byte picks the loader and
 * the guest's RAM size; the rest is the image.  Beyond "no crash, no
 * overread", every write must land inside guest RAM, and a load that
 * succeeds must give the state its protocol promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/loader.h>
#include <vmm/vcpu.h>

/* Names the broken promise, so a crash file says which one at once. */
#define require(ok)                                                                    \
	do {                                                                           \
		if (!(ok)) {                                                           \
			fprintf(stderr, "fuzz_loaders: line %d: %s\n", __LINE__, #ok); \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* No backing store: only where the writes go matters. */
static bool mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	const struct guest_mem_ops *m = ctx;
	require(len > 0 && len <= m->mem_size && gpa <= m->mem_size - len);
	require(gpa >= 0x1000 && (gpa + len <= 0xa0000 || gpa >= 0x100000));
	require(gpa + len <= 3ULL << 30);
	(void)buf;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[4] = {2 << 20, 40 << 20, 256 << 20, 5ULL << 30};
	static const struct guest_module mods[2] = {{"abc", 3, "mod args"}, {"", 0, NULL}};
	struct guest_mem_ops mem = {.write = mem_write};
	struct vcpu_regs regs;
	struct vcpu_sregs sregs;
	char err[80];

	if (size < 1)
		return 0;
	mem.ctx = &mem;
	mem.mem_size = sizes[(data[0] >> 1) & 3];
	size_t n = size - 1;
	uint8_t *img = malloc(n ? n : 1); /* exact size: ASan sees overreads */
	memcpy(img, data + 1, n);
	struct guest_boot b = {.image = img,
			       .image_size = n,
			       .cmdline = "console=ttyS0",
			       .mods = mods,
			       .nmods = (data[0] >> 3) & 3 ? 2 : 0,
			       .initrd = "initrd",
			       .initrd_size = (data[0] >> 3) & 3 ? 6 : 0};
	memset(err, 0xa5, sizeof(err));

	if (data[0] & 1) {
		if (linux_load(&mem, &b, &regs, &sregs, err, sizeof(err))) {
			require(regs.rip >= (1 << 20) + 0x200 && regs.rip < (3ULL << 30));
			require(regs.rsi >= 0x1000 && regs.rsi < 0xa0000);
			require(sregs.efer == 0x500 && sregs.cr3 < 0xa0000);
		} else {
			require(memchr(err, 0, sizeof(err)) != NULL);
		}
	} else {
		if (multiboot_load(&mem, &b, &regs, &sregs, err, sizeof(err))) {
			/* Kernels may load below 1 MiB, never into the hole. */
			require(regs.rax == 0x2BADB002 && regs.rip >= 0x1000);
			require(regs.rip < 0xa0000 || regs.rip >= 0x100000);
			require(regs.rip < mem.mem_size && regs.rbx < 0xa0000);
			require(sregs.cr0 == 0x11);
		} else {
			require(memchr(err, 0, sizeof(err)) != NULL);
		}
	}
	free(img);
	return 0;
}
