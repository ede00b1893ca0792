/* The x87/SSE unit as every CPU of the host sets it up. */
#ifndef ASM_FPU_H
#define ASM_FPU_H

/* Makes FXSAVE/FXRSTOR cover XMM0-15 and MXCSR on this CPU (CR4.OSFXSR), so
 * that whatever switches FPU state between guests or threads saves all of it. */
void fpu_cpu_init(void);

#endif
