/* The x87/SSE unit as every CPU of the host sets it up. */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <stdint.h>

/* Makes FXSAVE/FXRSTOR cover XMM0-15 and MXCSR on this CPU (CR4.OSFXSR), so
 * that whatever switches FPU state between guests or threads saves all of it. */
void fpu_cpu_init(void);

/* One thread's x87/SSE registers while it is switched out (FXSAVE64 layout).
 * The kernel itself never touches them (-mgeneral-regs-only), so the
 * registers on a CPU are always some FPU thread's: the scheduler saves them
 * when it switches away from that thread and loads another's when it must. */
struct fpu_state {
	uint8_t fx[512] __attribute__((aligned(16)));
};

static inline void fpu_save(struct fpu_state *s)
{
	__asm__ volatile("fxsave64 %0" : "=m"(s->fx));
}

static inline void fpu_load(const struct fpu_state *s)
{
	__asm__ volatile("fxrstor64 %0" ::"m"(s->fx));
}

#endif
