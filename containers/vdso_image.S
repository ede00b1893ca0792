/* The vDSO's image (containers/vdso/, built as a user-space shared object),
 * in the kernel's read-only data, page-aligned for mapping. */
	.section .rodata
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_PATH
vdso_image_end:
	.balign 4096
