/* For assembly entry paths: point GS at a CPU's struct cpu (see pallas/percpu.h). */
#ifndef ASM_PERCPU_ASM_H
#define ASM_PERCPU_ASM_H

#define MSR_GS_BASE_NR 0xc0000101

/* GS base := &cpus[0]; clobbers rax, rcx, rdx. */
#define SET_BOOT_CPU_GS              \
	leaq cpus(% rip), % rax;     \
	movq % rax, % rdx;           \
	shrq $32, % rdx;             \
	movl $MSR_GS_BASE_NR, % ecx; \
	wrmsr

#endif
