/* The kernel's virtual address space on x86-64. */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

/* [DIRECT_MAP_BASE, +64 TiB): all of physical memory (pallas/mm.h). */
#define KERNEL_VBASE	 0xffffffff80000000 /* top 2 GiB: -mcmodel=kernel */
#define KERNEL_LOAD_PHYS 0x200000	    /* preferred physical load address */
#define KERNEL_LINK_ADDR (KERNEL_VBASE + KERNEL_LOAD_PHYS)

#endif
