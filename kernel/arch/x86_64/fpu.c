/*
 * The FPU set-up every CPU gets, the BSP in kmain and each AP in ap_main.
 * The kernel itself never touches x87 or SSE registers (-mgeneral-regs-only);
 * guests and, later, user threads do, and their state is switched with
 * FXSAVE64/FXRSTOR64.  Without CR4.OSFXSR those skip XMM0-15 and MXCSR, so
 * two vCPUs sharing a CPU would share their vector registers: the firmware
 * leaves OSFXSR set on the CPU it booted on, but not on the APs we start.
 */
#include <asm/cpu.h>
#include <asm/fpu.h>

#define CR0_MP (1ull << 1) /* WAIT honours TS */
#define CR0_EM (1ull << 2) /* x87 emulation: must be off for SSE */
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5) /* x87 errors as #MF, not the legacy IRQ 13 */

#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10) /* SIMD errors as #XM, not #UD */

void fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}
