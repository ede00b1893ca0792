/* What the CPU offers for hardware virtualization (cpu_features.c). */
#ifndef ASM_CPU_FEATURES_H
#define ASM_CPU_FEATURES_H

/*
 * Prints one line per virtualization family the CPU has (`vmx: ...`,
 * `svm: ...`), `vmx: locked off by firmware`, or `cpu: no hardware
 * virtualization`.  Reads only MSRs that CPUID says exist.
 */
void cpu_features_report(void);

#endif
