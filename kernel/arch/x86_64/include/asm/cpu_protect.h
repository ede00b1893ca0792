/* SMEP and SMAP (cpu_protect.c). */
#ifndef ASM_CPU_PROTECT_H
#define ASM_CPU_PROTECT_H

#include <stdbool.h>

/* On every CPU, after its FPU set-up: the BSP's first call decides for all. */
void cpu_protect_init(void);
bool cpu_protect_smep(void); /* SMAP: smap_enabled in asm/uaccess.h */

#endif
