/*
 * The Multiboot2 header, so that GRUB (BIOS or EFI) can start the same
 * kernel.elf the UEFI loader starts.  GRUB looks for it in the first 32 KiB
 * of the file, 8-byte aligned: the linker script puts it first in .text.
 *
 * GRUB loads the PT_LOAD segments at their physical addresses, but it would
 * enter at e_entry (translated to physical), which is _start: 64-bit code.
 * The entry address tag sends it to the 32-bit entry instead.
 */
#include <asm/layout.h>

#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_ARCH_I386		0
#define MB2_TAG_END		0
#define MB2_TAG_ENTRY		3
#define MB2_TAG_FRAMEBUFFER	5
#define MB2_TAG_OPTIONAL	1

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	.balign 8
	.short MB2_TAG_ENTRY, 0
	.long 12
	.long mb2_entry32 - KERNEL_VBASE

	/*
	 * Optional: a linear 32-bpp framebuffer, any resolution, for the
	 * framebuffer console.  GRUB's gfxpayload setting overrides it, and
	 * without a framebuffer the kernel simply uses the serial console.
	 */
	.balign 8
	.short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	.long 20
	.long 0, 0, 32

	.balign 8
	.short MB2_TAG_END, 0
	.long 8
mb2_header_end:
